#pragma once
// The M4 competition's accuracy measures, exactly as its organisers compute them (M4-methods, "Benchmarks and
// Evaluation.R"): per series, averaged over the horizon, then averaged over series.

#include <cstddef>
#include <span>

namespace okada::brain::forecast {

/// sMAPE in percent: mean over the horizon of 200·|y−f| / (|y|+|f|); a step where y = f = 0 counts as 0.
/// `actual` and `forecast` must have the same non-zero length (std::invalid_argument otherwise).
double Smape(std::span<const double> actual, std::span<const double> forecast);

/// The MASE scale: the in-sample mean absolute error of the seasonal naive forecast with lag `season`
/// (mean |y_t − y_{t−m}| for t = m+1..n), with lag 1 when the series is not longer than `season`. 0 when that error is
/// zero (a constant series); NaN when the series has fewer than 2 values.
double MaseScale(std::span<const double> insample, int season);

/// MASE: mean |y−f| over the horizon divided by MaseScale(insample, season). NaN when the scale is zero or NaN:
/// such series are left out of the mean and counted (MetricsSum).
double Mase(std::span<const double> insample, std::span<const double> actual, std::span<const double> forecast,
            int season);

/// Sums per-series measures into the M4 means. Not thread-safe.
class MetricsSum {
 public:
  void Add(std::span<const double> insample, std::span<const double> actual, std::span<const double> forecast,
           int season);
  std::size_t series() const { return series_; }
  double smape() const;  // mean over every series
  double mase() const;   // mean over the series with a non-zero scale
  std::size_t mase_left_out() const { return mase_left_out_; }

 private:
  std::size_t series_ = 0, mase_series_ = 0, mase_left_out_ = 0;
  double smape_sum_ = 0, mase_sum_ = 0;
};

}  // namespace okada::brain::forecast
