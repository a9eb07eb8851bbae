#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "okada/brain/forecast/metrics.hpp"

namespace okada::brain::forecast {
namespace {

using V = std::vector<double>;

TEST(Smape, HandComputed) {
  // 200·10/210 = 9.5238095…, 200·20/380 = 10.5263157…; mean 10.0250626…
  EXPECT_NEAR(Smape(V{100, 200}, V{110, 180}), (2000.0 / 210 + 4000.0 / 380) / 2, 1e-12);
  EXPECT_NEAR(Smape(V{100, 200}, V{110, 180}), 10.0250626566, 1e-9);
  EXPECT_DOUBLE_EQ(Smape(V{5}, V{-5}), 200.0);     // opposite signs: the maximum
  EXPECT_DOUBLE_EQ(Smape(V{0, 4}, V{0, 4}), 0.0);  // y = f = 0 counts as 0
  EXPECT_THROW(Smape(V{1, 2}, V{1}), std::invalid_argument);
  EXPECT_THROW(Smape(V{}, V{}), std::invalid_argument);
}

TEST(Mase, ScaledByInSampleSeasonalNaive) {
  const V insample{1, 2, 4, 3, 6, 7};  // lag 2: |4−1|, |3−2|, |6−4|, |7−3| → mean 2.5
  EXPECT_DOUBLE_EQ(MaseScale(insample, 2), 2.5);
  // MAE (1 + 2)/2 = 1.5 → 0.6
  EXPECT_DOUBLE_EQ(Mase(insample, V{7, 8}, V{6, 10}, 2), 0.6);
  // Not longer than the season: lag 1, |1|,|2|,|−1|,|3|,|1| → 8/5
  EXPECT_DOUBLE_EQ(MaseScale(insample, 6), 1.6);
  EXPECT_DOUBLE_EQ(MaseScale(insample, 24), 1.6);
  EXPECT_TRUE(std::isnan(MaseScale(V{3}, 1)));
}

TEST(MetricsSum, ZeroScaleSeriesAreLeftOutOfMaseAndCounted) {
  MetricsSum sum;
  sum.Add(V{1, 2, 4, 3, 6, 7}, V{7, 8}, V{6, 10}, 2);  // sMAPE (200/13 + 400/18)/2, MASE 0.6
  sum.Add(V{5, 5, 5, 5}, V{5, 6}, V{5, 5}, 2);         // constant history: scale 0; sMAPE (0 + 200/11)/2
  sum.Add(V{0, 1, 0, 3, 0}, V{1, 1}, V{1, 1}, 2);      // scale (0+2+0)/3; perfect: MASE 0
  EXPECT_EQ(sum.series(), 3u);
  EXPECT_EQ(sum.mase_left_out(), 1u);
  EXPECT_TRUE(std::isnan(Mase(V{5, 5, 5, 5}, V{5, 6}, V{5, 5}, 2)));
  EXPECT_NEAR(sum.smape(), ((200.0 / 13 + 400.0 / 18) / 2 + (200.0 / 11) / 2 + 0) / 3, 1e-12);
  EXPECT_NEAR(sum.mase(), (0.6 + 0.0) / 2, 1e-12);
}

}  // namespace
}  // namespace okada::brain::forecast
