#include "okada/brain/forecast/benchmark.hpp"

#include <charconv>
#include <cmath>
#include <span>
#include <stdexcept>
#include <unordered_map>

#include "okada/brain/forecast/metrics.hpp"
#include "okada/brain/forecast/models.hpp"
#include "okada/brain/forecast/select.hpp"

namespace okada::brain::forecast {

RunResult RunForecasts(const std::vector<Series>& train, const RunOptions& options) {
  if (options.horizon < 1) throw std::invalid_argument("horizon must be at least 1");
  if (options.season < 1) throw std::invalid_argument("season must be at least 1");
  if (options.models.empty()) throw std::invalid_argument("no model to run");
  // Reject an unknown name before hours of work, not after.
  const std::vector<double> probe(4, 1.0);
  for (const auto& m : options.models)
    if (!options.global.count(m)) ForecastByName(m, probe, 1, 1);
  RunResult out;
  for (const auto& m : options.models) {
    const auto g = options.global.find(m);
    if (g == options.global.end()) {
      out.forecasts[m].reserve(train.size());
      continue;
    }
    auto points = g->second(train);
    if (points.size() != train.size()) throw std::runtime_error(m + ": forecasts for a different number of series");
    for (std::size_t i = 0; i < train.size(); ++i) {
      if (points[i].size() != static_cast<std::size_t>(options.horizon))
        throw std::runtime_error(m + ": series '" + train[i].id + "' has a forecast of the wrong length");
      out.forecasts[m].push_back(Series{train[i].id, std::move(points[i])});
    }
  }
  for (std::size_t i = 0; i < train.size(); ++i) {
    const Series& s = train[i];
    for (const auto& m : options.models) {
      if (options.global.count(m)) continue;  // fitted across all series above
      Series f{s.id, {}};
      if (m == "auto") {
        Selection sel;
        f.values = SelectAndForecast(s.values, options.horizon, options.season, &sel).point;
        out.auto_choices.push_back(sel.Name());
      } else {
        f.values = ForecastByName(m, s.values, options.horizon, options.season).point;
      }
      out.forecasts[m].push_back(std::move(f));
    }
    if (options.progress) options.progress(i + 1, train.size());
  }
  return out;
}

Scores Score(const std::vector<Series>& train, const std::vector<Series>& test, const std::vector<Series>& forecasts,
             int horizon, int season) {
  std::unordered_map<std::string, const Series*> by_id;
  for (const auto& t : test) by_id[t.id] = &t;
  std::unordered_map<std::string, const Series*> fc_by_id;
  for (const auto& f : forecasts) fc_by_id[f.id] = &f;
  const std::size_t h = static_cast<std::size_t>(horizon);
  MetricsSum sum;
  for (const auto& s : train) {
    const auto t = by_id.find(s.id);
    if (t == by_id.end()) throw std::runtime_error("series '" + s.id + "' has no test row");
    if (t->second->values.size() < h)
      throw std::runtime_error("series '" + s.id + "' has " + std::to_string(t->second->values.size()) +
                               " test values, fewer than the horizon " + std::to_string(horizon));
    const auto f = fc_by_id.find(s.id);
    if (f == fc_by_id.end() || f->second->values.size() < h)
      throw std::runtime_error("series '" + s.id + "' has no forecast of length " + std::to_string(horizon));
    sum.Add(s.values, std::span<const double>(t->second->values.data(), h),
            std::span<const double>(f->second->values.data(), h), season);
  }
  Scores out;
  out.series = sum.series();
  out.smape = sum.smape();
  out.mase = sum.mase();
  out.mase_left_out = sum.mase_left_out();
  return out;
}

namespace {
std::string Number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, std::round(v * 1e6) / 1e6);
  return std::string(buf, r.ptr);
}
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}
}  // namespace

std::string ScoresJson(std::size_t series, int horizon, const std::vector<std::string>& order,
                       const std::map<std::string, Scores>& scores) {
  std::string out =
      "{\"series\":" + std::to_string(series) + ",\"horizon\":" + std::to_string(horizon) + ",\"models\":{";
  bool first = true;
  for (const auto& name : order) {
    const auto it = scores.find(name);
    if (it == scores.end()) continue;
    if (!first) out += ',';
    out += Quote(name);
    out += ":{\"smape\":" + Number(it->second.smape);
    out += ",\"mase\":" + Number(it->second.mase);
    out += ",\"mase_left_out\":" + std::to_string(it->second.mase_left_out) + "}";
    first = false;
  }
  return out + "}}";
}

}  // namespace okada::brain::forecast
