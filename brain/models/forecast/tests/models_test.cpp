#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "okada/brain/forecast/models.hpp"
#include "okada/brain/forecast/select.hpp"
#include "test_series.hpp"

namespace okada::brain::forecast {
namespace {

using testing::Daily;
using testing::DailyAfter;
using testing::MaxAbsDiff;

void ExpectWellFormed(const Forecast& f, std::size_t h) {
  ASSERT_EQ(f.point.size(), h);
  ASSERT_EQ(f.q10.size(), h);
  ASSERT_EQ(f.q50.size(), h);
  ASSERT_EQ(f.q90.size(), h);
  for (std::size_t i = 0; i < h; ++i) {
    EXPECT_TRUE(std::isfinite(f.point[i]) && std::isfinite(f.q10[i]) && std::isfinite(f.q90[i])) << i;
    EXPECT_LE(f.q10[i], f.q50[i]) << i;
    EXPECT_LE(f.q50[i], f.q90[i]) << i;
    EXPECT_EQ(f.q50[i], f.point[i]) << i;
  }
}

TEST(SeasonalNaive, RepeatsTheLastSeasonExactly) {
  const auto y = Daily(24 * 5, 100, 30);
  const auto f = SeasonalNaive(y, 48, 24);
  ExpectWellFormed(f, 48);
  EXPECT_LT(MaxAbsDiff(f.point, DailyAfter(y.size(), 48, 100, 30)), 1e-9);
  for (int h = 0; h < 48; ++h) EXPECT_EQ(f.point[h], y[y.size() - 24 + h % 24]);
  // A perfectly seasonal history has no residual: the band collapses onto the point.
  EXPECT_LT(MaxAbsDiff(f.q10, f.point), 1e-9);
  EXPECT_LT(MaxAbsDiff(f.q90, f.point), 1e-9);
}

TEST(SeasonalNaive, ShorterThanASeasonIsNaive) {
  const auto f = SeasonalNaive({3, 5, 4}, 4, 24);
  EXPECT_EQ(f.point, (std::vector<double>{4, 4, 4, 4}));
  EXPECT_THROW(SeasonalNaive({}, 4, 24), std::invalid_argument);
  EXPECT_THROW(SeasonalNaive({1}, 0, 24), std::invalid_argument);
}

TEST(SeasonalNaive, BandWidensBySeasonsSpanned) {
  const auto y = Daily(24 * 10, 100, 30, 0, 5);
  const auto f = SeasonalNaive(y, 48, 24);
  ExpectWellFormed(f, 48);
  const double w1 = f.q90[0] - f.q10[0], w2 = f.q90[30] - f.q10[30];
  EXPECT_GT(w1, 0);
  EXPECT_NEAR(w2 / w1, std::sqrt(2.0), 1e-9);  // the second day is two seasons from the data
}

TEST(HoltWinters, AdditiveAndMultiplicativeFitAPureSeasonNearExactly) {
  const auto y = Daily(24 * 10, 100, 30);
  const auto truth = DailyAfter(y.size(), 48, 100, 30);
  for (auto s : {Seasonality::kAdditive, Seasonality::kMultiplicative}) {
    for (auto t : {Trend::kNone, Trend::kDamped}) {
      const auto f = HoltWinters(y, 48, 24, t, s);
      ExpectWellFormed(f, 48);
      EXPECT_LT(MaxAbsDiff(f.point, truth), 0.01 * 30) << static_cast<int>(s) << static_cast<int>(t);
    }
  }
  const auto e = ExponentialSmoothing(y, 48, 24);
  EXPECT_LT(MaxAbsDiff(e.point, truth), 0.01 * 30);
}

TEST(HoltWinters, MultiplicativeSeasonThatGrowsWithTheLevel) {
  // y = level(t) · index(hour): the season's amplitude grows with the trend; a multiplicative form follows it.
  std::vector<double> y;
  auto value = [](std::size_t t) { return (50 + 0.5 * static_cast<double>(t)) * (1 + 0.4 * testing::DailyShape(t)); };
  for (std::size_t t = 0; t < 24 * 12; ++t) y.push_back(value(t));
  const auto f = HoltWinters(y, 24, 24, Trend::kDamped, Seasonality::kMultiplicative);
  ExpectWellFormed(f, 24);
  double worst = 0;
  for (std::size_t h = 0; h < 24; ++h)
    worst = std::max(worst, std::fabs(f.point[h] - value(y.size() + h)) / value(y.size() + h));
  EXPECT_LT(worst, 0.05);
}

TEST(HoltWinters, DampedTrendFollowsALine) {
  std::vector<double> y(100);
  for (std::size_t t = 0; t < y.size(); ++t) y[t] = 10 + 2.0 * static_cast<double>(t);
  const auto f = HoltWinters(y, 10, 1, Trend::kDamped, Seasonality::kAdditive);
  ExpectWellFormed(f, 10);
  EXPECT_NEAR(f.point[0], 210, 0.5);  // one step: the line
  for (int h = 1; h < 10; ++h) {
    EXPECT_GT(f.point[h], f.point[h - 1]);                                            // still rising
    EXPECT_LE(f.point[h], 210 + 2.0 * h + 1e-6);                                      // damped: never above the line
    EXPECT_GE(f.point[h], 208 + 2.0 * 0.8 * (1 - std::pow(0.8, h + 1)) / (1 - 0.8));  // φ ≥ 0.8
  }
  const auto e = ExponentialSmoothing(y, 10, 1);
  EXPECT_NEAR(e.point[0], 210, 0.5);
}

TEST(HoltWinters, NonPositiveValuesNeverReachAMultiplicativeForm) {
  auto y = Daily(24 * 6, 10, 30);  // dips far below zero
  const auto mult = HoltWinters(y, 24, 24, Trend::kDamped, Seasonality::kMultiplicative);
  const auto add = HoltWinters(y, 24, 24, Trend::kDamped, Seasonality::kAdditive);
  ExpectWellFormed(mult, 24);
  EXPECT_EQ(mult.point, add.point);  // fitted additively instead
  std::vector<double> zeros(24 * 4, 0.0);
  for (std::size_t t = 0; t < zeros.size(); t += 3) zeros[t] = 5;
  ExpectWellFormed(HoltWinters(zeros, 24, 24, Trend::kNone, Seasonality::kMultiplicative), 24);
  ExpectWellFormed(ExponentialSmoothing(zeros, 24, 24), 24);
  ExpectWellFormed(Theta(zeros, 24, 24), 24);
}

TEST(ExponentialSmoothing, ShorterThanTwoSeasonsIsNonSeasonal) {
  const auto y = Daily(30, 100, 30);
  const auto f = ExponentialSmoothing(y, 12, 24);
  ExpectWellFormed(f, 12);
  const auto one = ExponentialSmoothing({42}, 3, 24);
  ExpectWellFormed(one, 3);
  EXPECT_NEAR(one.point[0], 42, 1e-6);
  ExpectWellFormed(Theta({42}, 3, 24), 3);
  ExpectWellFormed(SelectAndForecast({42}, 3, 24), 3);
  ExpectWellFormed(ExponentialSmoothing(std::vector<double>(100, 7.0), 5, 24), 5);  // constant: SSE 0
  ExpectWellFormed(SelectAndForecast(std::vector<double>(24 * 20, 7.0), 48, 24), 48);
}

TEST(Theta, ForecastsALineWithHalfItsSlope) {
  // The Theta method is simple exponential smoothing with a drift of half the regression slope (Hyndman & Billah).
  std::vector<double> y(80);
  for (std::size_t t = 0; t < y.size(); ++t) y[t] = 10 + 2.0 * static_cast<double>(t);
  const auto f = Theta(y, 12, 1);
  ExpectWellFormed(f, 12);
  for (int h = 1; h < 12; ++h) EXPECT_NEAR(f.point[h] - f.point[h - 1], 1.0, 1e-9);
  EXPECT_NEAR(f.point[0], 170, 2.0);  // close to the last value 168 plus a step
}

TEST(Theta, SeasonalSeriesIsDecomposedAndReseasoned) {
  const auto y = Daily(24 * 10, 100, 30, 0, 0.5, 7);
  EXPECT_TRUE(IsSeasonal(y, 24));
  const auto f = Theta(y, 48, 24);
  ExpectWellFormed(f, 48);
  EXPECT_LT(MaxAbsDiff(f.point, DailyAfter(y.size(), 48, 100, 30)), 2.0);
  // Without the decomposition (M = 1) the forecast would be flat and miss the cycle by its amplitude.
  EXPECT_GT(MaxAbsDiff(Theta(y, 48, 1).point, DailyAfter(y.size(), 48, 100, 30)), 20.0);
}

TEST(IsSeasonal, TheM4Test) {
  testing::Noise u(3);
  std::vector<double> noise(24 * 10);
  for (double& v : noise) v = 100 + u.Next();
  EXPECT_FALSE(IsSeasonal(noise, 24));
  EXPECT_TRUE(IsSeasonal(Daily(24 * 10, 100, 5, 0, 2), 24));
  EXPECT_FALSE(IsSeasonal(Daily(24 * 2, 100, 5), 24));  // fewer than three seasons
  EXPECT_FALSE(IsSeasonal(std::vector<double>(100, 3.0), 24));
}

TEST(SeasonalIndices, RecoverAMultiplicativePattern) {
  std::vector<double> y;
  const std::vector<double> pattern{0.5, 1.0, 1.5, 1.0};
  for (int t = 0; t < 40; ++t) y.push_back(200 * pattern[t % 4]);
  const auto idx = SeasonalIndices(y, 4, true);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(idx[j], pattern[j], 1e-12);
  const auto add = SeasonalIndices(y, 4, false);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(add[j], 200 * pattern[j] - 200, 1e-9);
  EXPECT_EQ(SeasonalIndices({1, 2, 3}, 4, true), (std::vector<double>{1, 1, 1, 1}));
}

TEST(Forecasts, NeverNegativeForANonNegativeHistory) {
  std::vector<double> y;
  for (int t = 0; t < 24 * 8; ++t) y.push_back(std::max(0.0, 100 - 0.6 * t + 10 * testing::DailyShape(t)));
  for (const char* m : {"snaive", "ets", "theta", "smean", "auto"}) {
    const auto f = ForecastByName(m, y, 48, 24);
    ExpectWellFormed(f, 48);
    for (double v : f.point) EXPECT_GE(v, 0) << m;
    for (double v : f.q10) EXPECT_GE(v, 0) << m;
  }
  EXPECT_THROW(ForecastByName("lstm", y, 48, 24), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::forecast
