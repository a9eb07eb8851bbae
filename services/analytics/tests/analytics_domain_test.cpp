// The analytics rules without I/O: cancellation kinds, Douala's calendar for buckets (23:30 UTC is already the next
// Douala day), the dashboard's range rules and the figures (percentiles, averages).
#include <gtest/gtest.h>

#include "domain/rules.hpp"

namespace okada::analytics::domain {
namespace {

std::int64_t At(const char* rfc3339) {
  const std::optional<std::int64_t> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.field + ":" + e.code);
  return out;
}

TEST(CancelKind, ClassifiesByStatusThenByWhoCancelled) {
  EXPECT_EQ(CancelKind("rejected", "merchant_staff"), "rejected_by_store");
  EXPECT_EQ(CancelKind("rejected", "support"), "rejected_by_store");
  EXPECT_EQ(CancelKind("payment_failed", "system"), "payment_failed");
  EXPECT_EQ(CancelKind("expired", "system"), "expired");
  EXPECT_EQ(CancelKind("cancelled", "customer"), "cancelled_by_customer");
  EXPECT_EQ(CancelKind("cancelled", "merchant_owner"), "cancelled_by_store");
  EXPECT_EQ(CancelKind("cancelled", "merchant_staff"), "cancelled_by_store");
  EXPECT_EQ(CancelKind("cancelled", "support"), "cancelled_by_support");
  EXPECT_EQ(CancelKind("cancelled", "admin"), "cancelled_by_support");
  EXPECT_EQ(CancelKind("cancelled", "system"), "cancelled_by_platform");
  EXPECT_EQ(CancelKind("cancelled", "rider"), "cancelled_by_platform");
  EXPECT_EQ(CancelKind("cancelled", ""), "cancelled_by_platform");
  // Every kind it returns is one the schema and the dashboard know.
  for (const char* status : {"rejected", "payment_failed", "expired", "cancelled"})
    for (const char* role : {"customer", "merchant_owner", "support", "system"}) {
      const std::string kind = CancelKind(status, role);
      EXPECT_NE(std::find(std::begin(kCancelKinds), std::end(kCancelKinds), kind), std::end(kCancelKinds)) << kind;
    }
}

TEST(Time, ParsesRfc3339WithFractionsAndOffsets) {
  EXPECT_EQ(At("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(At("2026-12-01T07:13:05.123Z"), At("2026-12-01T07:13:05Z"));
  EXPECT_EQ(At("2026-12-01T08:13:05+01:00"), At("2026-12-01T07:13:05Z"));
  EXPECT_EQ(At("2026-12-01T06:13:05-01:00"), At("2026-12-01T07:13:05Z"));
  EXPECT_EQ(At("2024-02-29T00:00:00Z") - At("2024-02-28T00:00:00Z"), 86400);
  for (const char* bad :
       {"", "2026-12-01", "2026-12-01T07:13:05", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-12-01T24:00:00Z",
        "2026-12-01T07:13:05.Z", "2026-12-01T07:13:05Zjunk", "2026-12-01T07:13:05+0100"})
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
}

TEST(Time, BucketsInDoualaTime) {
  const std::int64_t t = At("2026-12-01T22:59:59Z");  // 23:59:59 in Douala
  EXPECT_EQ(FormatDay(DoualaDay(t)), "2026-12-01");
  EXPECT_EQ(DoualaHourOfDay(t), 23);
  // Just after 23:00 UTC it is already the next day in Douala, at midnight and a bit.
  const std::int64_t late = At("2026-12-01T23:00:01Z");
  EXPECT_EQ(FormatDay(DoualaDay(late)), "2026-12-02");
  EXPECT_EQ(DoualaHourOfDay(late), 0);
  EXPECT_EQ(HourStart(late), At("2026-12-01T23:00:00Z"));
  EXPECT_EQ(FormatDoualaTime(HourStart(late)), "2026-12-02T00:00:00+01:00");
  EXPECT_EQ(FormatDoualaTime(At("2026-12-01T07:00:00Z")), "2026-12-01T08:00:00+01:00");
  // A Douala day starts at 23:00 UTC the evening before.
  EXPECT_EQ(DayStart(*ParseDay("2026-12-02")), At("2026-12-01T23:00:00Z"));
  EXPECT_EQ(DoualaDay(DayStart(*ParseDay("2026-12-02"))), *ParseDay("2026-12-02"));
  EXPECT_EQ(DoualaDay(DayStart(*ParseDay("2026-12-02")) - 1), *ParseDay("2026-12-01"));
  // Days round-trip through the calendar, leap years included.
  for (const char* d : {"1970-01-01", "2000-02-29", "2024-02-29", "2026-12-31", "2027-01-01", "2100-03-01"})
    EXPECT_EQ(FormatDay(*ParseDay(d)), d);
  EXPECT_EQ(*ParseDay("1970-01-02"), 1);
  for (const char* bad : {"2026-2-01", "2026-02-30", "2025-02-29", "1969-12-31", "2026-12-01T00", "20261201", "",
                          "2026-12-0x", "2026-00-10"})
    EXPECT_FALSE(ParseDay(bad).has_value()) << bad;
}

TEST(Range, DefaultsToTodayInHours) {
  const std::int64_t today = *ParseDay("2026-12-01");
  std::vector<FieldError> errors;
  Range r = ParseRange({}, today, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(r.from_day, today);
  EXPECT_EQ(r.to_day, today);
  EXPECT_EQ(r.granularity, Granularity::kHour);
  const std::vector<std::int64_t> hours = r.Buckets();
  ASSERT_EQ(hours.size(), 24u);
  EXPECT_EQ(FormatDoualaTime(hours.front()), "2026-12-01T00:00:00+01:00");
  EXPECT_EQ(FormatDoualaTime(hours.back()), "2026-12-01T23:00:00+01:00");
  EXPECT_EQ(r.start(), At("2026-11-30T23:00:00Z"));
  EXPECT_EQ(r.end(), At("2026-12-01T23:00:00Z"));

  // Two days: still hours; three: days.
  r = ParseRange({"2026-11-30", "2026-12-01", std::nullopt}, today, errors);
  EXPECT_EQ(r.granularity, Granularity::kHour);
  EXPECT_EQ(r.Buckets().size(), 48u);
  r = ParseRange({"2026-11-29", "2026-12-01", std::nullopt}, today, errors);
  EXPECT_EQ(r.granularity, Granularity::kDay);
  EXPECT_EQ(r.Buckets().size(), 3u);
  EXPECT_EQ(FormatDay(r.Buckets().front()), "2026-11-29");
  // Only `from`: up to today; only `to`: that one day.
  r = ParseRange({"2026-11-01", std::nullopt, std::nullopt}, today, errors);
  EXPECT_EQ(r.days(), 31);
  EXPECT_EQ(r.granularity, Granularity::kDay);
  r = ParseRange({std::nullopt, "2026-10-10", std::nullopt}, today, errors);
  EXPECT_EQ(FormatDay(r.from_day), "2026-10-10");
  EXPECT_EQ(r.days(), 1);
  // Asked explicitly.
  r = ParseRange({"2026-11-25", "2026-12-01", "hour"}, today, errors);
  EXPECT_EQ(r.granularity, Granularity::kHour);
  EXPECT_EQ(r.Buckets().size(), 7u * 24);
  r = ParseRange({"2026-12-01", "2026-12-01", "day"}, today, errors);
  EXPECT_EQ(r.granularity, Granularity::kDay);
  EXPECT_EQ(r.Buckets().size(), 1u);
  r = ParseRange({"2026-09-01", "2026-12-01", std::nullopt}, today, errors);
  EXPECT_EQ(r.days(), 92);
  EXPECT_TRUE(errors.empty()) << Fields(errors).front();
}

TEST(Range, RefusesWhatItCannotServe) {
  const std::int64_t today = *ParseDay("2026-12-01");
  const auto errors_of = [&](RangeQuery q) {
    std::vector<FieldError> errors;
    ParseRange(q, today, errors);
    return Fields(errors);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(errors_of({"2026-12-32", std::nullopt, std::nullopt}), V{"from:INVALID_FORMAT"});
  EXPECT_EQ(errors_of({"yesterday", "2026-12-01", std::nullopt}), V{"from:INVALID_FORMAT"});
  EXPECT_EQ(errors_of({std::nullopt, "01/12/2026", std::nullopt}), V{"to:INVALID_FORMAT"});
  EXPECT_EQ(errors_of({"2026-12-02", "2026-12-01", std::nullopt}), V{"from:OUT_OF_RANGE"});
  EXPECT_EQ(errors_of({"2026-12-02", std::nullopt, std::nullopt}), V{"from:OUT_OF_RANGE"}) << "after today";
  EXPECT_EQ(errors_of({"2026-08-31", "2026-12-01", std::nullopt}), V{"to:OUT_OF_RANGE"}) << "93 days";
  EXPECT_EQ(errors_of({"2026-11-24", "2026-12-01", "hour"}), V{"granularity:OUT_OF_RANGE"}) << "8 days of hours";
  EXPECT_EQ(errors_of({"2026-12-01", "2026-12-01", "week"}), V{"granularity:NOT_ALLOWED"});
  EXPECT_EQ(errors_of({"2026-12-01", "2026-12-01", ""}), V{"granularity:NOT_ALLOWED"});
  EXPECT_EQ(errors_of({"x", "y", "minute"}),
            (V{"to:INVALID_FORMAT", "from:INVALID_FORMAT", "granularity:NOT_ALLOWED"}));
}

TEST(Figures, PercentilesInterpolateBetweenRanks) {
  EXPECT_FALSE(Percentile({}, 0.5).has_value());
  EXPECT_DOUBLE_EQ(*Percentile({7}, 0.9), 7);
  EXPECT_DOUBLE_EQ(*Percentile({30, 10, 20}, 0.5), 20) << "sorted first";
  EXPECT_DOUBLE_EQ(*Percentile({10, 20, 30, 40}, 0.5), 25);
  EXPECT_DOUBLE_EQ(*Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(*Percentile({1, 2, 3}, 0), 1);
  EXPECT_DOUBLE_EQ(*Percentile({1, 2, 3}, 1), 3);
  EXPECT_DOUBLE_EQ(Round1(27.04), 27.0);
  EXPECT_DOUBLE_EQ(Round1(11.46), 11.5);
  EXPECT_FALSE(AverageMinutes(0, 0).has_value());
  EXPECT_DOUBLE_EQ(*AverageMinutes(2 * 690, 2), 11.5);
  EXPECT_FALSE(AverageBasket(0, 0).has_value());
  EXPECT_EQ(*AverageBasket(54000, 11), 4909);
  EXPECT_EQ(*AverageBasket(10001, 2), 5001) << "to the nearest franc";
}

}  // namespace
}  // namespace okada::analytics::domain
