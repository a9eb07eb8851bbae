#pragma once
// `auto`: the model for one series chosen by a rolling-origin backtest on its training history only. The history is
// cut at up to 12 origins in its last part; every candidate forecasts H ahead of each origin from the data before it;
// the candidate (or the equal-weight mean of the best two, three or four) with the lowest error over those origins
// is refitted on the whole history. Nothing after the history is ever seen: the caller passes the history alone.
//
// The settings (12 origins H/2 apart, means of up to 4, sMAPE and MASE weighted equally) were chosen on a validation
// split of the M4 hourly *training* series (their last 48 values held out), never on the M4 test values.
// Intermittent series (more than a quarter of the history zero: a store's slow products) are judged by MASE alone,
// sMAPE being meaningless on zero days.

#include <string>
#include <vector>

#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast {

/// More than a quarter of the values are zero.
bool Intermittent(const std::vector<double>& history);

/// The candidates `auto` weighs for this season and history length: "snaive", "ets", "theta", and for hourly data
/// "smean" (the mean of the same phase over the last 7 seasons) when M > 1, and for hourly data (M = 24) with two
/// weeks of history the weekly ones, with season 7·M = 168: "snaive_w" (a week back), "theta_w", "ets_w" and
/// "smean_w" (the mean of the same hour of the week over the last 3 weeks). Each is also a ForecastByName name.
/// Intermittent histories (see Intermittent) also get "croston" (Croston's method, SBA) and, when M > 1,
/// "smean_long" (the mean of the same phase over the last 12 seasons).
std::vector<std::string> CandidateModels(std::size_t history_length, int season, bool intermittent = false);

struct Selection {
  std::vector<std::string> models;  // one model, or the members of the equal-weight ensemble (best first)
  double backtest_score = 0;        // mean of sMAPE/sMAPE(snaive) and MASE/MASE(snaive) over the origins (MASE
                                    // alone when intermittent); lower is better, 1 = as good as seasonal naive
  int origins = 0;                  // origins the backtest used (0: too short to backtest, a default model)
  std::string Name() const;         // "theta", or "mean(ets,theta)"
};

/// Chooses by backtest on `history` alone. Up to `max_origins` origins, H/2 apart, the last one H before the end;
/// an origin needs two seasons (or 2H when non-seasonal) of data before it. Without any origin the choice is "ets".
/// The cost is about max_origins + 1 fits of every candidate.
Selection SelectModel(const std::vector<double>& history, int horizon, int season, int max_origins = 12);

/// SelectModel, then the chosen model (or ensemble: the mean of the members' points and quantiles) on the whole
/// history. `chosen` receives the selection when not null.
Forecast SelectAndForecast(const std::vector<double>& history, int horizon, int season, Selection* chosen = nullptr);

}  // namespace okada::brain::forecast
