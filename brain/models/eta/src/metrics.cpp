#include "okada/brain/eta/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {

ErrorMetrics Measure(std::span<const double> predicted, std::span<const Trip> trips) {
  if (predicted.size() != trips.size()) throw std::invalid_argument("eta: one prediction per trip is needed");
  if (trips.empty()) throw std::invalid_argument("eta: no trips to measure");
  ErrorMetrics m;
  m.trips = trips.size();
  std::vector<double> errors(trips.size());
  double sum = 0, sum_rel = 0;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    errors[i] = std::fabs(predicted[i] - trips[i].seconds);
    sum += errors[i];
    sum_rel += errors[i] / trips[i].seconds;
  }
  m.mae_s = sum / static_cast<double>(trips.size());
  m.mape = sum_rel / static_cast<double>(trips.size());
  const std::size_t rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(errors.size())));
  const std::size_t k = std::max<std::size_t>(rank, 1) - 1;
  std::nth_element(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(k), errors.end());
  m.p90_abs_error_s = errors[k];
  return m;
}

Baseline FitBaseline(std::span<const Trip> train, double circuity) {
  // Minimise Σ |s_i - k h_i| over k (seconds per haversine metre) = Σ h_i |s_i / h_i - k|: the median of
  // s_i / h_i weighted by h_i.
  std::vector<std::pair<double, double>> ratios;  // (seconds per metre, weight = metres)
  double total = 0;
  for (const Trip& t : train) {
    const double h = HaversineMetres(t.query.from_lat, t.query.from_lon, t.query.to_lat, t.query.to_lon);
    if (h <= 1.0) continue;
    ratios.emplace_back(t.seconds / h, h);
    total += h;
  }
  if (ratios.empty()) throw std::invalid_argument("eta: no training trip longer than 1 m to fit the baseline");
  std::sort(ratios.begin(), ratios.end());
  double acc = 0, k = ratios.back().first;
  for (const auto& [ratio, weight] : ratios) {
    acc += weight;
    if (acc >= total / 2) {
      k = ratio;
      break;
    }
  }
  Baseline b;
  b.circuity = circuity;
  b.speed_mps = circuity / k;
  return b;
}

ModelEvaluation Evaluate(const Model& model, std::span<const Trip> trips) {
  std::vector<double> gbt(trips.size()), base(trips.size());
  for (std::size_t i = 0; i < trips.size(); ++i) {
    gbt[i] = model.Seconds(trips[i].query);
    base[i] = model.BaselineSeconds(trips[i].query);
  }
  ModelEvaluation e;
  e.baseline = Measure(base, trips);
  e.model = Measure(gbt, trips);
  e.mae_improvement = e.baseline.mae_s > 0 ? 1.0 - e.model.mae_s / e.baseline.mae_s : 0.0;
  return e;
}

}  // namespace okada::brain::eta
