#include "okada/brain/forecast/benchmark.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>
#include <unordered_map>

#include "okada/brain/forecast/metrics.hpp"
#include "okada/brain/forecast/models.hpp"
#include "okada/brain/forecast/select.hpp"

namespace okada::brain::forecast {

namespace {

// The global models' part of "auto": which of auto, a global model or their mean backtests best on the last H
// values of the training histories, per segment. Returns, per segment (0 regular, 1 intermittent), "auto", the
// global model's name, or "mean:<name>".
std::array<std::string, 2> ChooseGlobalPerSegment(const std::vector<Series>& train, const RunOptions& options,
                                                  RunResult& out) {
  const int h = options.horizon, m = options.season;
  std::vector<Series> cut;
  std::vector<std::vector<double>> actual;
  for (const auto& s : train) {
    const std::size_t n = s.values.size();
    if (n < static_cast<std::size_t>(h) + static_cast<std::size_t>(std::max(2 * m, 8))) continue;
    cut.push_back(Series{s.id, std::vector<double>(s.values.begin(), s.values.end() - h)});
    actual.emplace_back(s.values.end() - h, s.values.end());
  }
  std::array<std::string, 2> choice{"auto", "auto"};
  if (cut.empty()) return choice;
  // Per candidate and segment: sums of sMAPE and MASE (and the seasonal naive's, to make sMAPE and MASE relative).
  struct Sum {
    double smape = 0, mase = 0;
    std::size_t n = 0;
  };
  std::map<std::string, std::array<Sum, 2>> sums;
  std::vector<int> segment(cut.size());
  std::vector<std::vector<double>> auto_points(cut.size());
  auto add = [&](const std::string& name, std::size_t i, const std::vector<double>& f) {
    const double mase = Mase(cut[i].values, actual[i], f, m);
    if (!std::isfinite(mase)) return;
    Sum& sum = sums[name][segment[i]];
    sum.smape += Smape(actual[i], f);
    sum.mase += mase;
    ++sum.n;
  };
  for (std::size_t i = 0; i < cut.size(); ++i) {
    segment[i] = Intermittent(cut[i].values) ? 1 : 0;
    auto_points[i] = SelectAndForecast(cut[i].values, h, m).point;
    add("auto", i, auto_points[i]);
    add("snaive", i, SeasonalNaive(cut[i].values, h, m).point);
  }
  for (const auto& g : options.auto_global) {
    const auto fitted = options.global.at(g)(cut);
    if (fitted.size() != cut.size()) throw std::runtime_error(g + ": forecasts for a different number of series");
    for (std::size_t i = 0; i < cut.size(); ++i) {
      const std::vector<double>& points = fitted[i].point;
      if (points.size() != static_cast<std::size_t>(h))
        throw std::runtime_error(g + ": series '" + cut[i].id + "' has a forecast of the wrong length");
      add(g, i, points);
      std::vector<double> mean(points.size());
      for (std::size_t k = 0; k < mean.size(); ++k) mean[k] = 0.5 * (points[k] + auto_points[i][k]);
      add("mean:" + g, i, mean);
    }
  }
  for (int seg = 0; seg < 2; ++seg) {
    const Sum& naive = sums["snaive"][seg];
    if (naive.n == 0) continue;
    double best = std::numeric_limits<double>::infinity();
    std::string line = seg == 1 ? "intermittent:" : "regular:";
    for (const auto& [name, by_segment] : sums) {
      const Sum& sum = by_segment[seg];
      if (name == "snaive" || sum.n != naive.n) continue;
      // As auto judges its own candidates: MASE alone for intermittent series, else sMAPE and MASE relative to
      // the seasonal naive's.
      const double score = seg == 1 ? sum.mase / sum.n
                                    : 0.5 * (naive.smape > 0 ? sum.smape / naive.smape : 1) +
                                          0.5 * (naive.mase > 0 ? sum.mase / naive.mase : 1);
      line += " " + name + " " + std::to_string(score);
      if (score < best) {
        best = score;
        choice[static_cast<std::size_t>(seg)] = name;
      }
    }
    out.auto_segments.push_back(line + " (" + std::to_string(naive.n) + " series) → " +
                                choice[static_cast<std::size_t>(seg)]);
  }
  return choice;
}

}  // namespace

RunResult RunForecasts(const std::vector<Series>& train, const RunOptions& options) {
  if (options.horizon < 1) throw std::invalid_argument("horizon must be at least 1");
  if (options.season < 1) throw std::invalid_argument("season must be at least 1");
  if (options.models.empty()) throw std::invalid_argument("no model to run");
  // Reject an unknown name before hours of work, not after.
  const std::vector<double> probe(4, 1.0);
  for (const auto& m : options.models)
    if (!options.global.count(m)) ForecastByName(m, probe, 1, 1);
  for (const auto& g : options.auto_global)
    if (!options.global.count(g)) throw std::invalid_argument("auto_global names an unknown global model '" + g + "'");
  RunResult out;
  const bool with_auto = std::find(options.models.begin(), options.models.end(), "auto") != options.models.end();
  std::array<std::string, 2> segment_choice{"auto", "auto"};
  if (with_auto && !options.auto_global.empty()) segment_choice = ChooseGlobalPerSegment(train, options, out);
  for (const auto& m : options.models) {
    const auto g = options.global.find(m);
    if (g == options.global.end()) {
      out.forecasts[m].reserve(train.size());
      out.bands[m].reserve(train.size());
      continue;
    }
    auto fitted = g->second(train);
    if (fitted.size() != train.size()) throw std::runtime_error(m + ": forecasts for a different number of series");
    for (std::size_t i = 0; i < train.size(); ++i) {
      if (fitted[i].point.size() != static_cast<std::size_t>(options.horizon))
        throw std::runtime_error(m + ": series '" + train[i].id + "' has a forecast of the wrong length");
      out.forecasts[m].push_back(Series{train[i].id, fitted[i].point});
      out.bands[m].push_back(std::move(fitted[i]));
    }
  }
  for (std::size_t i = 0; i < train.size(); ++i) {
    const Series& s = train[i];
    for (const auto& m : options.models) {
      if (options.global.count(m)) continue;  // fitted across all series above
      Forecast f;
      if (m == "auto") {
        Selection sel;
        f = SelectAndForecast(s.values, options.horizon, options.season, &sel);
        out.auto_choices.push_back(sel.Name());
      } else {
        f = ForecastByName(m, s.values, options.horizon, options.season);
      }
      out.forecasts[m].push_back(Series{s.id, f.point});
      out.bands[m].push_back(std::move(f));
    }
    if (options.progress) options.progress(i + 1, train.size());
  }
  // Where a global model won a segment, auto takes its forecasts (or their mean with auto's own) for that segment.
  if (with_auto && (segment_choice[0] != "auto" || segment_choice[1] != "auto")) {
    std::map<std::string, std::vector<Forecast>> fitted;
    for (const auto& c : segment_choice) {
      if (c == "auto") continue;
      const std::string g = c.rfind("mean:", 0) == 0 ? c.substr(5) : c;
      if (fitted.count(g)) continue;
      fitted[g] = out.bands.count(g) ? out.bands.at(g) : options.global.at(g)(train);
      if (fitted[g].size() != train.size())
        throw std::runtime_error(g + ": forecasts for a different number of series");
    }
    auto& autos = out.forecasts.at("auto");
    auto& auto_bands = out.bands.at("auto");
    const auto blend = [](std::vector<double>& mine, const std::vector<double>& theirs, bool mean) {
      for (std::size_t k = 0; k < mine.size() && k < theirs.size(); ++k)
        mine[k] = mean ? 0.5 * (mine[k] + theirs[k]) : theirs[k];
    };
    for (std::size_t i = 0; i < train.size(); ++i) {
      const std::string& c = segment_choice[Intermittent(train[i].values) ? 1 : 0];
      if (c == "auto") continue;
      const bool mean = c.rfind("mean:", 0) == 0;
      const std::string g = mean ? c.substr(5) : c;
      const Forecast& p = fitted.at(g)[i];
      if (p.point.size() != static_cast<std::size_t>(options.horizon))
        throw std::runtime_error(g + ": series '" + train[i].id + "' has a forecast of the wrong length");
      Forecast& b = auto_bands[i];
      blend(b.point, p.point, mean);
      blend(b.q10, p.q10, mean);
      blend(b.q50, p.q50, mean);
      blend(b.q90, p.q90, mean);
      autos[i].values = b.point;
      out.auto_choices[i] = mean ? "mean(" + out.auto_choices[i] + "," + g + ")" : g;
    }
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
