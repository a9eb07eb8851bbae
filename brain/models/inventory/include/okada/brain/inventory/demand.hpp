#pragma once
// The daily demand forecast the recommendations use when the caller has none: okada_forecast's models on the sales
// history with a weekly season (M = 7), after taking out the month-end payday uplift that a weekly model cannot see.
// Pure functions of their inputs; thread-safe.

#include <string>
#include <vector>

#include "okada/brain/forecast/models.hpp"
#include "okada/brain/inventory/calendar.hpp"

namespace okada::brain::inventory {

struct DemandModel {
  std::string model = "ets";  // any okada::brain::forecast::ForecastByName name ("ets", "theta", "auto", …)
  int max_history_days = 84;  // only the last 12 weeks are fitted: recent behaviour, bounded cost
  bool payday_adjust = true;  // estimate and apply the month-end payday factor (PaydayFactor)
};

/// The month-end payday uplift the history shows: the mean of weekday-adjusted sales on payday-window days
/// (IsPaydayWindow) ÷ the same on other days; weekday factors come from the non-payday days. 1 when the history holds
/// fewer than 5 payday days or 10 other days; kept within [0.7, 2]. `first_day` is the date of sales[0].
double PaydayFactor(const std::vector<double>& sales, Date first_day);

/// Forecasts `horizon` days of demand from `today` on. The history (oldest first, the last value is yesterday's) is
/// cut to its last max_history_days, payday days are divided by PaydayFactor, the model forecasts with season 7, and
/// the forecast's payday days (point and quantiles) are multiplied back. An empty history gives zeros.
forecast::Forecast ForecastDemand(const std::vector<double>& sales, Date today, int horizon,
                                  const DemandModel& model = {});

}  // namespace okada::brain::inventory
