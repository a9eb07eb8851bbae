#include "okada/brain/forecast/select.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

#include "okada/brain/forecast/metrics.hpp"

namespace okada::brain::forecast {
namespace {

constexpr std::size_t kMaxEnsemble = 4;

// Scaled errors of one forecast at one origin. The MASE scale comes from the data before the origin; a flat stretch
// (scale 0) uses the mean absolute level instead so the backtest still ranks the candidates.
struct Errors {
  double smape = 0, mase = 0;
};

Errors Measure(std::span<const double> train, std::span<const double> actual, std::span<const double> forecast,
               int season) {
  Errors e;
  e.smape = Smape(actual, forecast);
  double scale = MaseScale(train, season);
  if (!(scale > 0)) {
    scale = 0;
    for (double v : train) scale += std::fabs(v) / static_cast<double>(train.size());
    if (!(scale > 0)) scale = 1;
  }
  double mae = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) mae += std::fabs(actual[i] - forecast[i]);
  e.mase = mae / static_cast<double>(actual.size()) / scale;
  return e;
}

}  // namespace

bool Intermittent(const std::vector<double>& history) {
  if (history.empty()) return false;
  std::size_t zeros = 0;
  for (double v : history) zeros += v == 0;
  return static_cast<double>(zeros) > 0.25 * static_cast<double>(history.size());
}

namespace {

std::vector<double> MeanOf(const std::vector<const std::vector<double>*>& rows) {
  std::vector<double> out(rows.front()->size(), 0.0);
  for (const auto* r : rows)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += (*r)[i] / static_cast<double>(rows.size());
  return out;
}

}  // namespace

std::string Selection::Name() const {
  if (models.size() == 1) return models.front();
  std::string out = "mean(";
  for (std::size_t i = 0; i < models.size(); ++i) out += (i ? "," : "") + models[i];
  return out + ")";
}

std::vector<std::string> CandidateModels(std::size_t history_length, int season, bool intermittent) {
  std::vector<std::string> out{"snaive", "ets", "theta"};
  if (season > 1) out.push_back("smean");
  if (intermittent) {
    out.push_back("croston");
    if (season > 1) out.push_back("smean_long");
  }
  if (season == 24 && history_length >= 2 * 7 * 24) {
    out.push_back("snaive_w");
    out.push_back("theta_w");
    out.push_back("ets_w");
    out.push_back("smean_w");
  }
  return out;
}

Selection SelectModel(const std::vector<double>& history, int horizon, int season, int max_origins) {
  const std::size_t n = history.size(), h = static_cast<std::size_t>(horizon);
  const std::size_t min_train = season > 1 ? 2 * static_cast<std::size_t>(season) : 2 * h;
  const std::size_t step = std::max<std::size_t>(1, h / 2);
  std::vector<std::size_t> origins;
  for (int k = 0; k < max_origins; ++k) {
    if (n < h + k * step + min_train) break;
    origins.push_back(n - h - k * step);
  }
  Selection sel;
  if (origins.empty()) {
    sel.models = {"ets"};
    return sel;
  }
  const auto candidates = CandidateModels(n, season, Intermittent(history));
  // forecasts[c][o]: candidate c's forecast from origin o; errors likewise.
  std::vector<std::vector<std::vector<double>>> forecasts(candidates.size());
  std::vector<std::vector<Errors>> errors(candidates.size());
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    for (std::size_t o : origins) {
      const std::vector<double> train(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(o));
      const std::span<const double> actual(history.data() + o, h);
      auto f = ForecastByName(candidates[c], train, horizon, season).point;
      errors[c].push_back(Measure(train, actual, f, season));
      forecasts[c].push_back(std::move(f));
    }
  }
  // Score: sMAPE and MASE each relative to the seasonal naive's (candidate 0) over the same origins.
  double ref_smape = 0, ref_mase = 0;
  for (const auto& e : errors[0]) {
    ref_smape += e.smape;
    ref_mase += e.mase;
  }
  if (!(ref_smape > 1e-9)) ref_smape = 1;
  if (!(ref_mase > 1e-9)) ref_mase = 1;
  // Intermittent demand (a store's product selling a unit or two on some days, none on others): sMAPE is 200 on
  // every zero day with a non-zero forecast and 0 when both are zero, so it rewards echoing last week's zeros.
  // Such series are judged by MASE alone.
  const double smape_weight = Intermittent(history) ? 0.0 : 1.0;
  auto score = [&](const std::vector<Errors>& es) {
    double s = 0, m = 0;
    for (const auto& e : es) {
      s += e.smape;
      m += e.mase;
    }
    return (smape_weight * s / ref_smape + m / ref_mase) / (smape_weight + 1);
  };
  std::vector<double> scores(candidates.size());
  for (std::size_t c = 0; c < candidates.size(); ++c) scores[c] = score(errors[c]);
  std::vector<std::size_t> rank(candidates.size());
  std::iota(rank.begin(), rank.end(), 0);
  std::stable_sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  sel.models = {candidates[rank[0]]};
  sel.backtest_score = scores[rank[0]];
  sel.origins = static_cast<int>(origins.size());
  // Equal-weight means of the best two, three and four: taken only when they backtest strictly better.
  for (std::size_t k = 2; k <= std::min<std::size_t>(kMaxEnsemble, rank.size()); ++k) {
    std::vector<Errors> es;
    for (std::size_t o = 0; o < origins.size(); ++o) {
      std::vector<const std::vector<double>*> rows;
      for (std::size_t i = 0; i < k; ++i) rows.push_back(&forecasts[rank[i]][o]);
      const std::vector<double> train(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(origins[o]));
      es.push_back(Measure(train, std::span<const double>(history.data() + origins[o], h), MeanOf(rows), season));
    }
    const double s = score(es);
    if (s < sel.backtest_score) {
      sel.backtest_score = s;
      sel.models.clear();
      for (std::size_t i = 0; i < k; ++i) sel.models.push_back(candidates[rank[i]]);
    }
  }
  return sel;
}

Forecast SelectAndForecast(const std::vector<double>& history, int horizon, int season, Selection* chosen) {
  Selection sel = SelectModel(history, horizon, season);
  std::vector<Forecast> parts;
  for (const auto& m : sel.models) parts.push_back(ForecastByName(m, history, horizon, season));
  if (chosen) *chosen = sel;
  if (parts.size() == 1) return std::move(parts.front());
  Forecast out;
  auto mean = [&](std::vector<double> Forecast::*field) {
    std::vector<const std::vector<double>*> rows;
    for (const auto& p : parts) rows.push_back(&(p.*field));
    return MeanOf(rows);
  };
  out.point = mean(&Forecast::point);
  out.q10 = mean(&Forecast::q10);
  out.q50 = out.point;
  out.q90 = mean(&Forecast::q90);
  return out;
}

}  // namespace okada::brain::forecast
