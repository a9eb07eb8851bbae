#pragma once
// Error metrics of travel-time predictions, and the baseline's fit.

#include <cstddef>
#include <span>
#include <vector>

#include "okada/brain/eta/model.hpp"
#include "okada/brain/eta/trips.hpp"

namespace okada::brain::eta {

struct ErrorMetrics {
  std::size_t trips = 0;
  double mae_s = 0;            // mean |predicted - actual|, seconds
  double p90_abs_error_s = 0;  // 90th percentile of |predicted - actual| (nearest rank: ceil(0.9 n)-th smallest)
  double mape = 0;             // mean |predicted - actual| / actual (a fraction, 0.12 = 12 %)
};

// predicted[i] is for trips[i]; throws std::invalid_argument on a size mismatch or no trips.
ErrorMetrics Measure(std::span<const double> predicted, std::span<const Trip> trips);

// Baseline fit on training trips: road circuity cannot be told apart from speed with trip times alone (only
// circuity / speed is identifiable), so circuity stays at the given prior and the speed is the one that
// minimises the baseline's mean absolute error (a distance-weighted median of haversine / seconds).
// Throws std::invalid_argument when no trip is longer than 1 m.
Baseline FitBaseline(std::span<const Trip> train, double circuity = kDefaultCircuity);

struct ModelEvaluation {
  ErrorMetrics baseline, model;
  double mae_improvement = 0;  // 1 - model MAE / baseline MAE
};
ModelEvaluation Evaluate(const Model& model, std::span<const Trip> trips);

}  // namespace okada::brain::eta
