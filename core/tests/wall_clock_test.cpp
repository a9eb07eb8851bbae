#include "okada/core/wall_clock.hpp"

#include <gtest/gtest.h>

namespace okada {
namespace {

TEST(WallClock, Rfc3339MillisInUtc) {
  EXPECT_EQ(Rfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Rfc3339Millis(1772359200123), "2026-03-01T10:00:00.123Z");
  EXPECT_EQ(Rfc3339Millis(1772359200007), "2026-03-01T10:00:00.007Z");
  EXPECT_EQ(Rfc3339Millis(-5), "1970-01-01T00:00:00.000Z");
}

TEST(WallClock, NowIsAfterThisCodeWasWritten) {
  EXPECT_GT(UnixMillisNow(), 1793491200000);  // 2026-11-01T00:00:00Z: milliseconds, not seconds, since 1970
}

}  // namespace
}  // namespace okada
