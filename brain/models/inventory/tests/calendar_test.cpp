#include <gtest/gtest.h>

#include "okada/brain/inventory/calendar.hpp"

namespace okada::brain::inventory {
namespace {

TEST(Calendar, CivilDaysRoundTripAndWeekdays) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2026, 12, 1}), 20788);
  for (std::int64_t z = -800; z < 30000; z += 37) EXPECT_EQ(DaysFromCivil(CivilFromDays(z)), z);
  EXPECT_EQ(Weekday({2026, 12, 1}), 1);  // a Tuesday
  EXPECT_EQ(Weekday({2026, 5, 20}), 2);  // a Wednesday
  EXPECT_EQ(AddDays({2026, 12, 31}, 1), (Date{2027, 1, 1}));
  EXPECT_EQ(AddDays({2028, 2, 28}, 1), (Date{2028, 2, 29}));
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2028, 2), 29);
}

TEST(Calendar, PaydayWindowIsTheLastThreeAndFirstTwoDays) {
  EXPECT_FALSE(IsPaydayWindow({2026, 1, 28}));
  EXPECT_TRUE(IsPaydayWindow({2026, 1, 29}));
  EXPECT_TRUE(IsPaydayWindow({2026, 1, 31}));
  EXPECT_TRUE(IsPaydayWindow({2026, 2, 2}));
  EXPECT_FALSE(IsPaydayWindow({2026, 2, 3}));
  EXPECT_TRUE(IsPaydayWindow({2026, 2, 26}));  // February has 28 days in 2026
  EXPECT_FALSE(IsPaydayWindow({2026, 2, 25}));
}

TEST(Calendar, FixedHolidaysAndNames) {
  EXPECT_EQ(CameroonHoliday({2026, 5, 20}), "National Day");
  EXPECT_EQ(CameroonHoliday({2027, 2, 11}), "Youth Day");
  EXPECT_EQ(CameroonHoliday({2026, 5, 21}), "");
  EXPECT_EQ(FormatDayMonth({2026, 5, 20}, false), "20 May");
  EXPECT_EQ(FormatDayMonth({2026, 8, 15}, true), "15 août");
  EXPECT_EQ(FormatDayMonth({2026, 5, 1}, true), "1er mai");
  EXPECT_EQ(FormatDayMonth({2026, 5, 1}, false), "1 May");
}

}  // namespace
}  // namespace okada::brain::inventory
