#pragma once
// Global forecasters: one model fitted across every series at once, each series scaled by its own level, so that
// series with little history borrow the shapes the others show. Two of them:
//
//   gbdt   gradient-boosted trees (XGBoost) predicting each step h = 1…H directly from the lags, the values one
//          season (and one week) before the target step, rolling statistics, the position in the day and week, and
//          the known-ahead covariates; trained on absolute error; 0.1/0.9 quantiles from its errors on each series'
//          last H training values, which it is not trained on.
//   lstm   a long short-term memory network (LibTorch): the last L scaled values with the calendar and covariates go
//          through an LSTM (in patches of a quarter season for sub-daily data); a head reads its last state with the
//          horizon's calendar and covariates and gives, per step, a correction to a learned weighting of the values 1…4
//          seasons before the step, and the 0.1/0.9 quantiles (pinball loss). Training budget: a fixed number of Adam
//          steps on random windows (LstmBudget), never a wall-clock limit, so a seed gives the same network on any
//          machine.
//
// Covariates are values known ahead for every step (payday, holiday, promotion, rain…). The position in the day
// and week is derived from the step index (step 0 of a series is taken to be the start of a day and week when the
// caller knows no better, as with M4).
//
// Linked only into okada-brain: this header includes neither XGBoost nor LibTorch.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "okada/brain/forecast/m4.hpp"
#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast {

struct GlobalOptions {
  int horizon = 0;
  int season = 1;  ///< steps per day for hourly data (24), 7 for daily data with a weekly cycle, 1 for none
  std::uint64_t seed = 1;
  int threads = 2;  ///< XGBoost / LibTorch threads (two cores here: they must not fight the I/O threads)
  /// Known-ahead covariates: empty, or one vector per series (same order) of (history length + horizon) × count
  /// values, step-major.
  std::vector<std::vector<float>> covariates;
  int covariate_count = 0;
  /// Progress lines ("gbdt: round 100/400, validation MAE 0.1234"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct GbdtBudget {
  int rounds = 400;  ///< the most boosting rounds; fewer when the validation error stops improving for 40
  int max_depth = 6;
  double learning_rate = 0.05;
  int rows_per_series = 1500;  ///< random (origin, step) pairs drawn from each series' history…
  int max_rows = 800000;       ///< …fewer when there are many series, so that the matrix stays a few hundred MB
};

struct LstmBudget {
  int steps = 1500;  ///< Adam steps
  int batch = 128;   ///< windows per step
  int hidden = 64;
  int window =
      0;  ///< input length L in steps; 0 = 3 seasons clamped to [28, 72]; read in patches of M/4 steps when M ≥ 12
  double learning_rate = 3e-3;
};

/// One Forecast per series, in order. Throws std::invalid_argument on a horizon < 1, a season < 1, no series, an
/// empty series or covariates of the wrong size.
std::vector<Forecast> GbdtForecasts(const std::vector<Series>& train, const GlobalOptions& options,
                                    const GbdtBudget& budget = {});
std::vector<Forecast> LstmForecasts(const std::vector<Series>& train, const GlobalOptions& options,
                                    const LstmBudget& budget = {});

}  // namespace okada::brain::forecast
