#include "okada/brain/forecast/models.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "fit.hpp"
#include "okada/brain/forecast/select.hpp"

namespace okada::brain::forecast {
namespace {

constexpr double kZ90 = 1.2815515655446004;  // the standard normal's 0.9 quantile
constexpr int kWeekDays = 7;

void Check(const std::vector<double>& history, int horizon, int season) {
  if (history.empty()) throw std::invalid_argument("forecast: empty history");
  if (horizon < 1) throw std::invalid_argument("forecast: horizon must be at least 1");
  if (season < 1) throw std::invalid_argument("forecast: season must be at least 1");
}

bool AllPositive(const std::vector<double>& y) {
  return std::all_of(y.begin(), y.end(), [](double v) { return v > 0; });
}
bool AllNonNegative(const std::vector<double>& y) {
  return std::all_of(y.begin(), y.end(), [](double v) { return v >= 0; });
}

// Point forecasts with the ±z·σ·width(h) band; σ is the RMS of the residuals from index `skip` on. Forecasts of a
// history that never went negative are kept at or above zero (a demand is never negative), as M4's benchmarks do.
Forecast Band(std::vector<double> point, const std::vector<double>& residuals, std::size_t skip,
              const std::function<double(int)>& width, bool non_negative) {
  double ss = 0;
  std::size_t count = 0;
  for (std::size_t t = skip; t < residuals.size(); ++t) {
    if (!std::isfinite(residuals[t])) continue;
    ss += residuals[t] * residuals[t];
    ++count;
  }
  const double sigma = count ? std::sqrt(ss / static_cast<double>(count)) : 0.0;
  Forecast f;
  const std::size_t h = point.size();
  f.q10.resize(h);
  f.q90.resize(h);
  for (std::size_t i = 0; i < h; ++i) {
    if (non_negative) point[i] = std::max(point[i], 0.0);
    const double half = kZ90 * sigma * width(static_cast<int>(i) + 1);
    f.q10[i] = non_negative ? std::max(point[i] - half, 0.0) : point[i] - half;
    f.q90[i] = point[i] + half;
  }
  f.q50 = point;
  f.point = std::move(point);
  return f;
}

// Smoothing models: the h-step error variance of simple exponential smoothing, σ²(1 + (h−1)α²).
std::function<double(int)> SmoothingWidth(double alpha) {
  return [alpha](int h) { return std::sqrt(1.0 + (h - 1) * alpha * alpha); };
}

Forecast FromFit(const detail::HwFit& fit, const std::vector<double>& history, int horizon) {
  return Band(detail::HwForecast(fit.spec, fit.params, fit.state, history.size(), horizon), fit.residuals,
              std::min<std::size_t>(history.size() / 4, static_cast<std::size_t>(std::max(fit.spec.season, 1))),
              SmoothingWidth(fit.params.alpha), AllNonNegative(history));
}

// The mean of the same phase over the last `seasons` seasons (as many as the history holds).
Forecast SeasonalMean(const std::vector<double>& y, int horizon, int season, int seasons) {
  const std::size_t n = y.size(), m = static_cast<std::size_t>(season);
  if (season <= 1 || n < m) return SeasonalNaive(y, horizon, season);
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(seasons), n / m);
  auto mean_before = [&](std::size_t t) {  // mean of y[t−m], …, y[t−k·m] (t may be past the end)
    double s = 0;
    for (std::size_t j = 1; j <= k; ++j) s += y[t - j * m];
    return s / static_cast<double>(k);
  };
  std::vector<double> point(static_cast<std::size_t>(horizon));
  for (std::size_t h = 0; h < point.size(); ++h) point[h] = mean_before(n + h % m);
  std::vector<double> residuals(n, std::nan(""));
  for (std::size_t t = k * m; t < n; ++t) residuals[t] = y[t] - mean_before(t);
  const double spread = std::sqrt(1.0 + 1.0 / static_cast<double>(k));
  return Band(
      std::move(point), residuals, 0, [spread](int) { return spread; }, AllNonNegative(y));
}

// Croston's method with the Syntetos–Boylan correction (SBA) for intermittent demand: the sizes of the non-zero
// demands and the intervals between them are smoothed separately (α = 0.1); the forecast is flat,
// (1 − α/2) · size / interval per period.
Forecast Croston(const std::vector<double>& y, int horizon) {
  constexpr double kAlpha = 0.1;
  double size = 0, interval = 1;
  bool started = false;
  int since = 0;
  std::vector<double> fitted(y.size(), std::nan(""));
  for (std::size_t t = 0; t < y.size(); ++t) {
    if (started) fitted[t] = (1 - kAlpha / 2) * size / interval;
    ++since;
    if (y[t] != 0) {
      if (!started) {
        size = y[t];
        interval = since;
        started = true;
      } else {
        size += kAlpha * (y[t] - size);
        interval += kAlpha * (since - interval);
      }
      since = 0;
    }
  }
  const double level = started ? (1 - kAlpha / 2) * size / interval : 0.0;
  std::vector<double> residuals(y.size(), std::nan(""));
  for (std::size_t t = 0; t < y.size(); ++t)
    if (!std::isnan(fitted[t])) residuals[t] = y[t] - fitted[t];
  return Band(
      std::vector<double>(static_cast<std::size_t>(horizon), level), residuals, 0, [](int) { return 1.0; },
      AllNonNegative(y));
}

}  // namespace

Forecast SeasonalNaive(const std::vector<double>& history, int horizon, int season) {
  Check(history, horizon, season);
  const std::size_t n = history.size();
  const std::size_t lag = (season > 1 && n >= static_cast<std::size_t>(season)) ? static_cast<std::size_t>(season) : 1;
  std::vector<double> point(static_cast<std::size_t>(horizon));
  for (std::size_t h = 0; h < point.size(); ++h) point[h] = history[n - lag + h % lag];
  std::vector<double> residuals(n, std::nan(""));
  for (std::size_t t = lag; t < n; ++t) residuals[t] = history[t] - history[t - lag];
  return Band(
      std::move(point), residuals, 0,
      [lag](int h) { return std::sqrt(static_cast<double>((static_cast<std::size_t>(h) - 1) / lag + 1)); },
      AllNonNegative(history));
}

std::vector<double> SeasonalIndices(const std::vector<double>& y, int season, bool multiplicative) {
  const std::size_t m = static_cast<std::size_t>(std::max(season, 1));
  const double neutral = multiplicative ? 1.0 : 0.0;
  std::vector<double> idx(m, neutral);
  const std::size_t n = y.size();
  if (m < 2 || n < 2 * m) return idx;
  std::vector<double> prefix(n + 1, 0.0);
  for (std::size_t t = 0; t < n; ++t) prefix[t + 1] = prefix[t] + y[t];
  std::vector<double> sum(m, 0.0);
  std::vector<std::size_t> count(m, 0);
  const std::size_t half = m / 2;
  for (std::size_t t = half; t + half < n; ++t) {
    double trend;
    if (m % 2 == 0) {  // 2×m moving average: half weight on the two ends
      trend =
          (0.5 * y[t - half] + (prefix[t + half] - prefix[t - half + 1]) + 0.5 * y[t + half]) / static_cast<double>(m);
    } else {
      trend = (prefix[t + half + 1] - prefix[t - half]) / static_cast<double>(m);
    }
    if (multiplicative && !(trend > 0)) continue;
    sum[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    ++count[t % m];
  }
  for (std::size_t j = 0; j < m; ++j) idx[j] = count[j] ? sum[j] / static_cast<double>(count[j]) : neutral;
  const double mean = std::accumulate(idx.begin(), idx.end(), 0.0) / static_cast<double>(m);
  for (double& v : idx) {
    if (multiplicative) {
      v = mean > 0 ? v / mean : 1.0;
      if (!(v > 0)) v = 1.0;
    } else {
      v -= mean;
    }
  }
  return idx;
}

bool IsSeasonal(const std::vector<double>& y, int season) {
  const std::size_t n = y.size(), m = static_cast<std::size_t>(std::max(season, 1));
  if (m < 2 || n < 3 * m) return false;
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  double denom = 0;
  for (double v : y) denom += (v - mean) * (v - mean);
  if (!(denom > 0)) return false;
  auto acf = [&](std::size_t k) {
    double s = 0;
    for (std::size_t t = 0; t + k < n; ++t) s += (y[t] - mean) * (y[t + k] - mean);
    return s / denom;
  };
  double cum = 1;  // 1 + 2·Σ_{k<m} acf(k)²
  for (std::size_t k = 1; k < m; ++k) {
    const double r = acf(k);
    cum += 2 * r * r;
  }
  const double limit = 1.645 / std::sqrt(static_cast<double>(n)) * std::sqrt(cum);
  return std::fabs(acf(m)) > limit;
}

Forecast HoltWinters(const std::vector<double>& history, int horizon, int season, Trend trend,
                     Seasonality seasonality) {
  Check(history, horizon, season);
  detail::HwSpec spec;
  spec.season = (season > 1 && history.size() >= 2 * static_cast<std::size_t>(season)) ? season : 1;
  spec.trend = trend == Trend::kDamped && history.size() >= 4;
  spec.multiplicative = seasonality == Seasonality::kMultiplicative && spec.season > 1 && AllPositive(history);
  detail::HwFit fit;
  const auto horizons = detail::FitHorizons(horizon);
  if (!detail::FitHoltWinters(history, spec, fit, horizons)) {
    spec.multiplicative = false;
    if (!detail::FitHoltWinters(history, spec, fit, horizons)) return SeasonalNaive(history, horizon, season);
  }
  return FromFit(fit, history, horizon);
}

Forecast ExponentialSmoothing(const std::vector<double>& history, int horizon, int season) {
  Check(history, horizon, season);
  const std::size_t n = history.size();
  const bool can_season = season > 1 && n >= 2 * static_cast<std::size_t>(season);
  const bool seasonal = can_season && (n < 3 * static_cast<std::size_t>(season) || IsSeasonal(history, season));
  std::vector<detail::HwSpec> specs;
  for (bool trend : {false, true}) {
    if (trend && n < 4) continue;
    if (seasonal) {
      specs.push_back({season, trend, false});
      if (AllPositive(history)) specs.push_back({season, trend, true});
    } else {
      specs.push_back({1, trend, false});
    }
  }
  detail::HwFit best;
  bool found = false;
  const auto horizons = detail::FitHorizons(horizon);
  for (const auto& spec : specs) {
    detail::HwFit fit;
    if (!detail::FitHoltWinters(history, spec, fit, horizons)) continue;
    if (!found || fit.choice < best.choice) {
      best = std::move(fit);
      found = true;
    }
  }
  if (!found) return SeasonalNaive(history, horizon, season);
  return FromFit(best, history, horizon);
}

Forecast Theta(const std::vector<double>& history, int horizon, int season) {
  Check(history, horizon, season);
  const std::size_t n = history.size();
  const std::size_t m = static_cast<std::size_t>(season);
  const bool seasonal = IsSeasonal(history, season);
  const bool mult = AllPositive(history);
  const std::vector<double> idx =
      seasonal ? SeasonalIndices(history, season, mult) : std::vector<double>(1, mult ? 1.0 : 0.0);
  auto phase = [&](std::size_t t) { return seasonal ? idx[t % m] : idx[0]; };
  std::vector<double> adjusted(n);
  for (std::size_t t = 0; t < n; ++t) adjusted[t] = mult ? history[t] / phase(t) : history[t] - phase(t);
  // θ = 0: the least-squares line over t = 1..n.
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const double x = static_cast<double>(t + 1);
    st += x;
    sy += adjusted[t];
    stt += x * x;
    sty += x * adjusted[t];
  }
  const double nn = static_cast<double>(n);
  const double den = nn * stt - st * st;
  const double slope = den != 0 ? (nn * sty - st * sy) / den : 0.0;
  const double intercept = (sy - slope * st) / nn;
  auto line = [&](std::size_t t) { return intercept + slope * static_cast<double>(t + 1); };
  // θ = 2: 2·y − line, smoothed by SES; the forecast is the equal-weight mean of the two lines.
  std::vector<double> theta2(n);
  for (std::size_t t = 0; t < n; ++t) theta2[t] = 2 * adjusted[t] - line(t);
  const detail::SesFit ses = detail::FitSes(theta2);
  auto reseason = [&](double v, std::size_t t) { return mult ? v * phase(t) : v + phase(t); };
  std::vector<double> residuals(n);
  for (std::size_t t = 0; t < n; ++t) residuals[t] = history[t] - reseason(0.5 * ses.fitted[t] + 0.5 * line(t), t);
  std::vector<double> point(static_cast<std::size_t>(horizon));
  for (std::size_t h = 0; h < point.size(); ++h) point[h] = reseason(0.5 * ses.level + 0.5 * line(n + h), n + h);
  return Band(std::move(point), residuals, std::min<std::size_t>(n / 4, m), SmoothingWidth(ses.alpha),
              AllNonNegative(history));
}

Forecast ForecastByName(const std::string& model, const std::vector<double>& history, int horizon, int season) {
  Check(history, horizon, season);
  // The weekly variants need two weeks; shorter histories get the daily model.
  const bool weekly = history.size() >= 2 * static_cast<std::size_t>(kWeekDays * season);
  const int week = weekly ? kWeekDays * season : season;
  if (model == "snaive") return SeasonalNaive(history, horizon, season);
  if (model == "ets") return ExponentialSmoothing(history, horizon, season);
  if (model == "theta") return Theta(history, horizon, season);
  if (model == "auto") return SelectAndForecast(history, horizon, season);
  if (model == "smean") return SeasonalMean(history, horizon, season, kWeekDays);
  if (model == "snaive_w") return SeasonalNaive(history, horizon, week);
  if (model == "theta_w") return Theta(history, horizon, week);
  if (model == "ets_w") return ExponentialSmoothing(history, horizon, week);
  if (model == "smean_w") return SeasonalMean(history, horizon, week, 3);
  if (model == "smean_long") return SeasonalMean(history, horizon, season, 12);
  if (model == "croston") return Croston(history, horizon);
  throw std::invalid_argument("unknown forecasting model '" + model + "'");
}

}  // namespace okada::brain::forecast
