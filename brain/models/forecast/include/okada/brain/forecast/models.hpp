#pragma once
// The statistical forecasters. Each takes a history (oldest first), a horizon H and a season length M (24 for
// hourly data with a daily cycle; 1 when there is none) and returns H point forecasts with 0.1/0.5/0.9 quantiles.
// All are deterministic, pure functions of their inputs, and safe to call from several threads at once.
//
// Quantiles come from the in-sample one-step residuals: a normal band of ±1.2816·σ (the 10% and 90% quantiles)
// widening with the horizon — by √h for the smoothing models, by √(number of seasons spanned) for the seasonal naive.
// They are an approximation for safety stock, not calibrated intervals; the 0.5 quantile is the point forecast.

#include <string>
#include <vector>

namespace okada::brain::forecast {

struct Forecast {
  std::vector<double> point;  // H values
  std::vector<double> q10, q50, q90;
};

/// f(n+h) = y(n+h−M·k), the value one (or k) seasons back. Falls back to the naive forecast (last value) when the
/// history is shorter than one season. Throws std::invalid_argument on an empty history or horizon < 1.
Forecast SeasonalNaive(const std::vector<double>& history, int horizon, int season);

/// Exponential smoothing: Holt-Winters with additive damped trend (or none) and additive or multiplicative
/// seasonality. Smoothing parameters α, β ≤ α, γ ≤ 1−α and the damping φ ∈ [0.8, 0.98] minimise the in-sample SSE of
/// the h-step errors for h = 1, H/8, H/4, 3H/8, H/2, 3H/4 and H from every origin (R's "amse" criterion on those
/// horizons; Nelder–Mead in a bounded parameterisation) — one-step SSE alone drives α to 1 on long hourly series,
/// which serves 48-step forecasts badly. The form with the lowest T·log(SSE/T) + 2k (T error terms, k parameters
/// including initial states) is kept. Non-seasonal when M = 1, the history is shorter than two seasons or (with three
/// seasons or more) M4's seasonality test says no; multiplicative forms only when every value is positive.
Forecast ExponentialSmoothing(const std::vector<double>& history, int horizon, int season);

enum class Seasonality { kAdditive, kMultiplicative };
enum class Trend { kNone, kDamped };
/// One Holt-Winters form (for tests and for callers that know the form), fitted as ExponentialSmoothing fits its
/// forms: `season` ≤ 1 means non-seasonal. A multiplicative form on a history with a non-positive value is fitted
/// additively instead.
Forecast HoltWinters(const std::vector<double>& history, int horizon, int season, Trend trend, Seasonality seasonality);

/// The Theta method as the M4 benchmark runs it (Assimakopoulos & Nikolopoulos 2000): when the 90% autocorrelation
/// test at lag M says the series is seasonal (history ≥ 3 seasons), a classical multiplicative decomposition removes
/// the season (additive when a value is ≤ 0); the adjusted series is forecast by the mean of its linear-regression
/// line (θ = 0) and simple exponential smoothing of the θ = 2 line; the season is put back.
Forecast Theta(const std::vector<double>& history, int horizon, int season);

/// The M4 benchmarks' seasonality test: |acf(M)| > 1.645·√((1 + 2·Σ_{k<M} acf(k)²)/n), false when n < 3M.
bool IsSeasonal(const std::vector<double>& history, int season);

/// Classical decomposition's seasonal indices (centred moving average of order M, 2×M when M is even): M values
/// indexed by t mod M for t counted from the first observation, mean 1 (multiplicative) or 0 (additive).
/// All ones/zeros when the history is shorter than two seasons.
std::vector<double> SeasonalIndices(const std::vector<double>& history, int season, bool multiplicative);

/// Forecasts with a model named as the CLI names it: "snaive", "ets", "theta", "auto" (SelectAndForecast), or one of
/// the extra candidates `auto` considers (CandidateModels: "smean", "snaive_w", "theta_w", "ets_w", "smean_w",
/// "croston", "smean_long"; the
/// weekly ones use season 7·M, or M when the history is shorter than two weeks). Throws std::invalid_argument for an
/// unknown name.
Forecast ForecastByName(const std::string& model, const std::vector<double>& history, int horizon, int season);

}  // namespace okada::brain::forecast
