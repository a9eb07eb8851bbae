#pragma once
// Crafted series shared by the forecasting tests: deterministic (a fixed linear congruential generator), so a
// failure reproduces.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace okada::brain::forecast::testing {

// Uniform in [−1, 1), from a fixed seed.
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : state_(seed) {}
  double Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 52) - 1.0;
  }

 private:
  std::uint64_t state_;
};

// A day of 24 hours: low at night, a morning and an evening peak; values around `level`.
inline double DailyShape(std::size_t t) {
  const double hour = static_cast<double>(t % 24);
  return std::sin(2 * std::numbers::pi * hour / 24.0) + 0.5 * std::cos(4 * std::numbers::pi * hour / 24.0);
}

// level + amplitude·DailyShape(t) + slope·t + noise·U[−1,1): n values.
inline std::vector<double> Daily(std::size_t n, double level, double amplitude, double slope = 0, double noise = 0,
                                 std::uint64_t seed = 1) {
  Noise u(seed);
  std::vector<double> y(n);
  for (std::size_t t = 0; t < n; ++t)
    y[t] = level + amplitude * DailyShape(t) + slope * static_cast<double>(t) + noise * u.Next();
  return y;
}

// The continuation of Daily(...) for h more steps after n (same formula, no noise).
inline std::vector<double> DailyAfter(std::size_t n, std::size_t h, double level, double amplitude, double slope = 0) {
  std::vector<double> y(h);
  for (std::size_t i = 0; i < h; ++i) y[i] = level + amplitude * DailyShape(n + i) + slope * static_cast<double>(n + i);
  return y;
}

inline double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace okada::brain::forecast::testing
