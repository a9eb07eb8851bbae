// The private numerical pieces (src/fit.hpp): the multi-step criterion Holt-Winters is fitted on.
#include <gtest/gtest.h>

#include <vector>

#include "../src/fit.hpp"
#include "test_series.hpp"

namespace okada::brain::forecast::detail {
namespace {

TEST(FitHorizons, OneToHDistinct) {
  EXPECT_EQ(FitHorizons(48), (std::vector<int>{1, 6, 12, 18, 24, 36, 48}));
  EXPECT_EQ(FitHorizons(8), (std::vector<int>{1, 2, 3, 4, 6, 8}));
  EXPECT_EQ(FitHorizons(1), (std::vector<int>{1}));
}

TEST(HwMultiStepSse, OneStepEqualsTheRecursionsSse) {
  const auto y = testing::Daily(24 * 6, 100, 20, 0.1, 4, 9);
  for (bool mult : {false, true}) {
    const HwSpec spec{24, true, mult};
    const HwParams p{0.3, 0.05, 0.1, 0.9};
    HwState a = HwInitialState(y, spec), b = a;
    EXPECT_NEAR(HwMultiStepSse(y, spec, p, a, {1}), HwRun(y, spec, p, b, nullptr), 1e-6);
    EXPECT_DOUBLE_EQ(a.level, b.level);
  }
}

TEST(HwMultiStepSse, MatchesForecastsFromEachOrigin) {
  // The h-step term from origin t must be the error of HwForecast run from the state after t values.
  const auto y = testing::Daily(24 * 4, 50, 10, 0.05, 2, 4);
  const HwSpec spec{24, true, false};
  const HwParams p{0.4, 0.1, 0.2, 0.95};
  const int h = 7;
  double expected = 0;
  for (std::size_t t = 0; t + h <= y.size(); ++t) {
    HwState st = HwInitialState(y, spec);
    const std::vector<double> prefix(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(t));
    HwRun(prefix, spec, p, st, nullptr);
    const double e = y[t + h - 1] - HwForecast(spec, p, st, t, h).back();
    expected += e * e;
  }
  HwState st = HwInitialState(y, spec);
  EXPECT_NEAR(HwMultiStepSse(y, spec, p, st, {h}), expected, 1e-6 * expected);
}

}  // namespace
}  // namespace okada::brain::forecast::detail
