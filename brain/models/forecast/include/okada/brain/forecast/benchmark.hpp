#pragma once
// Runs forecasters over a whole M4-style set, and scores them against the held-out values: what `okada brain forecast`
// does, as a library so tests can run it end to end.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "okada/brain/forecast/m4.hpp"
#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast {

struct RunOptions {
  int horizon = 0;
  int season = 1;
  std::vector<std::string> models{"auto"};  // ForecastByName names, in the order given
  /// Models fitted across all series at once (the caller supplies them: okada-brain's gbdt and lstm), by name:
  /// given every training series, the forecast (points and quantiles) of each, in order.
  std::map<std::string, std::function<std::vector<Forecast>(const std::vector<Series>&)>> global;
  /// Global models (keys of `global`) that "auto" also weighs, per segment (intermittent histories, the others):
  /// each is fitted on every history less its last H values and forecasts them, as "auto" itself does from the same
  /// origin; for each segment the lower error of auto, the global model and their mean wins, and the winner is then
  /// forecast from the whole history. Never sees anything past the training histories.
  std::vector<std::string> auto_global;
  /// Called after each series with (series done, total); may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct RunResult {
  /// Per model (as named in RunOptions::models): one Series per training series, same ids and order, H values each.
  std::map<std::string, std::vector<Series>> forecasts;
  /// Per model, the same forecasts with their 0.1/0.5/0.9 quantiles (auto's mean of two models: the mean of both
  /// bands), in the same order.
  std::map<std::string, std::vector<Forecast>> bands;
  /// For "auto": the selection's name per series (e.g. "theta", "mean(ets,snaive)"), in order; with auto_global,
  /// the segment's choice where a global model won ("gbdt", or "mean(<auto's choice>,gbdt)").
  std::vector<std::string> auto_choices;
  /// With auto_global: per segment ("intermittent", "regular"), what won on the backtest window and its scores.
  std::vector<std::string> auto_segments;
};

/// Forecasts every series with every model. Throws std::invalid_argument on horizon < 1, season < 1, an unknown model.
RunResult RunForecasts(const std::vector<Series>& train, const RunOptions& options);

struct Scores {
  std::size_t series = 0;
  double smape = 0, mase = 0;
  std::size_t mase_left_out = 0;  // series whose in-sample seasonal naive error is zero
};

/// M4 sMAPE and MASE of `forecasts` against `test` (the next H values of each training series, matched by id; the
/// first H test values are used). Throws std::runtime_error when a series has no test row or fewer than H values.
Scores Score(const std::vector<Series>& train, const std::vector<Series>& test, const std::vector<Series>& forecasts,
             int horizon, int season);

/// {"series":N,"horizon":H,"models":{"snaive":{"smape":…,"mase":…,"mase_left_out":k},…}} in `order`, one line.
std::string ScoresJson(std::size_t series, int horizon, const std::vector<std::string>& order,
                       const std::map<std::string, Scores>& scores);

}  // namespace okada::brain::forecast
