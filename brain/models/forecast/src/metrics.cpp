#include "okada/brain/forecast/metrics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace okada::brain::forecast {

double Smape(std::span<const double> actual, std::span<const double> forecast) {
  if (actual.empty() || actual.size() != forecast.size())
    throw std::invalid_argument("Smape: actual and forecast must have the same non-zero length");
  double sum = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double den = std::fabs(actual[i]) + std::fabs(forecast[i]);
    if (den > 0) sum += 200.0 * std::fabs(actual[i] - forecast[i]) / den;
  }
  return sum / static_cast<double>(actual.size());
}

double MaseScale(std::span<const double> insample, int season) {
  const std::size_t n = insample.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // As M4's evaluation: lag m when the series is longer than m, lag 1 otherwise.
  const std::size_t lag = (season > 1 && n > static_cast<std::size_t>(season)) ? static_cast<std::size_t>(season) : 1;
  double sum = 0;
  for (std::size_t t = lag; t < n; ++t) sum += std::fabs(insample[t] - insample[t - lag]);
  return sum / static_cast<double>(n - lag);
}

double Mase(std::span<const double> insample, std::span<const double> actual, std::span<const double> forecast,
            int season) {
  if (actual.empty() || actual.size() != forecast.size())
    throw std::invalid_argument("Mase: actual and forecast must have the same non-zero length");
  const double scale = MaseScale(insample, season);
  if (!(scale > 0)) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) sum += std::fabs(actual[i] - forecast[i]);
  return sum / static_cast<double>(actual.size()) / scale;
}

void MetricsSum::Add(std::span<const double> insample, std::span<const double> actual, std::span<const double> forecast,
                     int season) {
  ++series_;
  smape_sum_ += Smape(actual, forecast);
  const double m = Mase(insample, actual, forecast, season);
  if (std::isnan(m)) {
    ++mase_left_out_;
  } else {
    ++mase_series_;
    mase_sum_ += m;
  }
}

double MetricsSum::smape() const {
  return series_ ? smape_sum_ / static_cast<double>(series_) : std::numeric_limits<double>::quiet_NaN();
}

double MetricsSum::mase() const {
  return mase_series_ ? mase_sum_ / static_cast<double>(mase_series_) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace okada::brain::forecast
