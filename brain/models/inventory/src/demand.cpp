#include "okada/brain/inventory/demand.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace okada::brain::inventory {
namespace {
constexpr int kWeek = 7;
}

double PaydayFactor(const std::vector<double>& sales, Date first_day) {
  // Weekday factors from the ordinary (non-payday) days, so a payday falling on Saturdays is not read as a payday
  // effect.
  std::vector<double> sum(kWeek, 0.0), count(kWeek, 0.0);
  double total = 0, other_days = 0, pay_days = 0;
  for (std::size_t i = 0; i < sales.size(); ++i) {
    const Date d = AddDays(first_day, static_cast<std::int64_t>(i));
    if (IsPaydayWindow(d)) {
      pay_days += 1;
      continue;
    }
    const auto w = static_cast<std::size_t>(Weekday(d));
    sum[w] += sales[i];
    count[w] += 1;
    total += sales[i];
    other_days += 1;
  }
  if (pay_days < 5 || other_days < 10 || !(total > 0)) return 1.0;
  const double mean = total / other_days;
  std::vector<double> wf(kWeek, 1.0);
  for (std::size_t w = 0; w < kWeek; ++w)
    if (count[w] > 0 && sum[w] > 0) wf[w] = sum[w] / count[w] / mean;
  double pay = 0, other = 0;
  for (std::size_t i = 0; i < sales.size(); ++i) {
    const Date d = AddDays(first_day, static_cast<std::int64_t>(i));
    const double adjusted = sales[i] / wf[static_cast<std::size_t>(Weekday(d))];
    (IsPaydayWindow(d) ? pay : other) += adjusted;
  }
  if (!(other > 0)) return 1.0;
  const double factor = (pay / pay_days) / (other / other_days);
  return std::clamp(factor, 0.7, 2.0);
}

forecast::Forecast ForecastDemand(const std::vector<double>& sales, Date today, int horizon, const DemandModel& model) {
  if (horizon < 1) throw std::invalid_argument("ForecastDemand: horizon must be at least 1");
  const std::size_t h = static_cast<std::size_t>(horizon);
  if (sales.empty()) {
    forecast::Forecast zero;
    zero.point.assign(h, 0.0);
    zero.q10 = zero.q50 = zero.q90 = zero.point;
    return zero;
  }
  const std::size_t keep = std::min(sales.size(), static_cast<std::size_t>(std::max(model.max_history_days, 1)));
  std::vector<double> y(sales.end() - static_cast<std::ptrdiff_t>(keep), sales.end());
  const Date first = AddDays(today, -static_cast<std::int64_t>(keep));
  const double factor = model.payday_adjust ? PaydayFactor(y, first) : 1.0;
  if (factor != 1.0)
    for (std::size_t i = 0; i < y.size(); ++i)
      if (IsPaydayWindow(AddDays(first, static_cast<std::int64_t>(i)))) y[i] /= factor;
  forecast::Forecast f = forecast::ForecastByName(model.model, y, horizon, kWeek);
  if (factor != 1.0) {
    for (std::size_t i = 0; i < h; ++i) {
      if (!IsPaydayWindow(AddDays(today, static_cast<std::int64_t>(i)))) continue;
      f.point[i] *= factor;
      f.q10[i] *= factor;
      f.q50[i] *= factor;
      f.q90[i] *= factor;
    }
  }
  return f;
}

}  // namespace okada::brain::inventory
