// The users client's own rule: whether a store is open at a moment, by its opening hours in Cameroon's time.
#include <gtest/gtest.h>

#include "okada/users/client.hpp"

namespace okada::users {
namespace {

// 2026-11-30 was a Monday: 00:00 in Douala is 2026-11-29 23:00 UTC.
constexpr std::int64_t kMondayMidnightDouala = 1795993200;

std::int64_t At(int day, int hour, int minute) {
  return kMondayMidnightDouala + day * 86400LL + hour * 3600LL + minute * 60LL;
}

TEST(UsersClient, OpenAtReadsTheWeekInDoualaTime) {
  StoreInfo s;
  EXPECT_TRUE(OpenAt(s, At(0, 3, 0))) << "hours unknown: open";
  s.hours_known = true;
  for (int d = 0; d < 5; ++d) s.hours[d] = {{7 * 60, 21 * 60}};
  s.hours[5] = {{8 * 60, 13 * 60}, {15 * 60, 24 * 60}};  // Saturday: a lunch break, open to midnight
  // Sunday closed.
  EXPECT_FALSE(OpenAt(s, At(0, 6, 59)));
  EXPECT_TRUE(OpenAt(s, At(0, 7, 0)));
  EXPECT_TRUE(OpenAt(s, At(3, 20, 59)));
  EXPECT_FALSE(OpenAt(s, At(3, 21, 0)));
  EXPECT_TRUE(OpenAt(s, At(5, 12, 30)));
  EXPECT_FALSE(OpenAt(s, At(5, 14, 0)));
  EXPECT_TRUE(OpenAt(s, At(5, 23, 59)));
  EXPECT_FALSE(OpenAt(s, At(6, 12, 0)));
  EXPECT_TRUE(OpenAt(s, At(7, 8, 0))) << "the next Monday";
}

}  // namespace
}  // namespace okada::users
