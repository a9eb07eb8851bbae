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

TEST(WallClock, ParsesRfc3339BackToTheSameInstant) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1772359200123}, std::int64_t{951782400000} /*2000-02-29*/,
                          std::int64_t{4102444799999}})
    EXPECT_EQ(ParseRfc3339Millis(Rfc3339Millis(ms)), ms) << Rfc3339Millis(ms);
  EXPECT_EQ(ParseRfc3339Millis("2026-03-01T11:00:00+01:00"), 1772359200000);  // Douala time, WAT
  EXPECT_EQ(ParseRfc3339Millis("2026-03-01T10:00:00.5Z"), 1772359200500);
  EXPECT_EQ(ParseRfc3339Millis("2026-03-01T10:00:00.123456Z"), 1772359200123);
  EXPECT_EQ(ParseRfc3339Millis("2026-03-01t10:00:00z"), 1772359200000);
}

TEST(WallClock, RejectsMalformedRfc3339) {
  for (const char* bad : {"", "2026-03-01", "2026-03-01T10:00:00", "2026-13-01T10:00:00Z", "2026-02-29T10:00:00Z",
                          "2026-03-01T24:00:00Z", "2026-03-01T10:00:00.Z", "2026-03-01T10:00:00+0100",
                          "2026-03-01T10:00:00Zjunk", "1969-12-31T23:59:59Z", "２026-03-01T10:00:00Z"})
    EXPECT_FALSE(ParseRfc3339Millis(bad).has_value()) << bad;
}

}  // namespace
}  // namespace okada
