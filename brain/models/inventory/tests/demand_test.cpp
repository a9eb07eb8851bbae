#include "okada/brain/inventory/demand.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace okada::brain::inventory {
namespace {

constexpr std::array<double, 7> kWeek{0.9, 0.92, 0.95, 1.0, 1.15, 1.3, 1.1};

// A noiseless shop: 20 a day × weekday factor × `payday` in the month-end window.
std::vector<double> Shop(Date first, int days, double payday) {
  std::vector<double> y;
  for (int i = 0; i < days; ++i) {
    const Date d = AddDays(first, i);
    y.push_back(20 * kWeek[static_cast<std::size_t>(Weekday(d))] * (IsPaydayWindow(d) ? payday : 1.0));
  }
  return y;
}

TEST(PaydayFactor, RecoversTheUpliftDespiteTheWeeklyPattern) {
  const Date first{2026, 2, 2};
  EXPECT_NEAR(PaydayFactor(Shop(first, 84, 1.35), first), 1.35, 0.01);
  EXPECT_NEAR(PaydayFactor(Shop(first, 84, 1.0), first), 1.0, 0.01);
  EXPECT_EQ(PaydayFactor(Shop(first, 20, 1.35), first), 1.0);  // too few payday days to say
  EXPECT_EQ(PaydayFactor(std::vector<double>(84, 0.0), first), 1.0);
}

TEST(ForecastDemand, PutsThePaydayUpliftBackOnTheRightDays) {
  const Date first{2026, 2, 2};
  const auto y = Shop(first, 84, 1.35);
  const Date today = AddDays(first, 84);  // 27 April 2026: the window 28 Apr – 2 May is ahead
  const auto f = ForecastDemand(y, today, 14, {"snaive", 84, true});
  ASSERT_EQ(f.point.size(), 14u);
  for (int h = 0; h < 14; ++h) {
    const Date d = AddDays(today, h);
    const double expected = 20 * kWeek[static_cast<std::size_t>(Weekday(d))] * (IsPaydayWindow(d) ? 1.35 : 1.0);
    EXPECT_NEAR(f.point[static_cast<std::size_t>(h)], expected, 0.3) << h;
  }
  // Without the adjustment a weekly model cannot know which days are paydays.
  const auto plain = ForecastDemand(y, today, 14, {"snaive", 84, false});
  double worst = 0;
  for (int h = 0; h < 14; ++h) {
    const Date d = AddDays(today, h);
    const double expected = 20 * kWeek[static_cast<std::size_t>(Weekday(d))] * (IsPaydayWindow(d) ? 1.35 : 1.0);
    worst = std::max(worst, std::abs(plain.point[static_cast<std::size_t>(h)] - expected));
  }
  EXPECT_GT(worst, 3.0);
}

TEST(ForecastDemand, EtsOnAShopHistoryIsSane) {
  const Date first{2026, 2, 2};
  const auto y = Shop(first, 84, 1.35);
  const auto f = ForecastDemand(y, AddDays(first, 84), 21);
  ASSERT_EQ(f.point.size(), 21u);
  for (std::size_t h = 0; h < 21; ++h) {
    EXPECT_GT(f.point[h], 15);
    EXPECT_LT(f.point[h], 40);
    EXPECT_LE(f.q10[h], f.point[h]);
    EXPECT_GE(f.q90[h], f.point[h]);
  }
}

TEST(ForecastDemand, EmptyHistoryGivesZeros) {
  const auto f = ForecastDemand({}, {2026, 3, 1}, 5);
  ASSERT_EQ(f.point.size(), 5u);
  for (double v : f.point) EXPECT_EQ(v, 0);
  EXPECT_THROW(ForecastDemand({1, 2}, {2026, 3, 1}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::inventory
