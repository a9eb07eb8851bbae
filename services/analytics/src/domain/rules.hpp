#pragma once
// The analytics rules, pure (no I/O): how a cancellation is classified, Douala's calendar (UTC+1 all year, no
// daylight saving) for hour and day buckets, the dashboard's date range and its validation, and the figures
// (percentiles, averages) the answer shows. The SQL is in store/statements.hpp, the routes in api/, the event
// handler in events/.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"

namespace okada::analytics::domain {

inline constexpr std::string_view kTimeZone = "Africa/Douala";
inline constexpr std::int64_t kDoualaOffsetS = 3600;  ///< UTC+1 (WAT), all year
inline constexpr std::int64_t kHourS = 3600;
inline constexpr std::int64_t kDayS = 86400;
inline constexpr std::int64_t kMaxRangeDays = 92;        ///< longest range one request may ask for
inline constexpr std::int64_t kMaxHourlyDays = 7;        ///< longest range with hourly buckets
inline constexpr std::int64_t kHourlyByDefaultDays = 2;  ///< ranges up to this many days default to hours
inline constexpr std::size_t kTopProducts = 10;

// ---- Cancellations -------------------------------------------------------------------------------------------

/// The kinds of cancellation the dashboard counts.
inline constexpr std::string_view kCancelKinds[] = {
    "rejected_by_store",    "payment_failed",       "expired", "cancelled_by_customer", "cancelled_by_store",
    "cancelled_by_support", "cancelled_by_platform"};

/// The kind of an order.cancelled event from its `status` (rejected, payment_failed, expired, cancelled) and
/// `actor_role`: rejected → rejected_by_store; payment_failed and expired keep their name; cancelled by the
/// customer → cancelled_by_customer, by merchant_owner/merchant_staff → cancelled_by_store, by support/admin →
/// cancelled_by_support, by the system (or a role not known here) → cancelled_by_platform.
std::string CancelKind(std::string_view status, std::string_view actor_role);

// ---- Time ----------------------------------------------------------------------------------------------------

/// Unix seconds (fraction dropped) of an RFC 3339 date-time ("2026-12-01T07:13:05.123Z", "…+01:00"), or nullopt.
std::optional<std::int64_t> ParseRfc3339(std::string_view text);

/// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d);
void CivilFromDays(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d);

/// The hour bucket of an instant: the start of its hour (Douala's hours start on UTC's hours).
std::int64_t HourStart(std::int64_t unix_s);
/// The Douala calendar day of an instant (days since 1970-01-01): 23:30 UTC is already the next day.
std::int64_t DoualaDay(std::int64_t unix_s);
/// The instant (unix seconds) a Douala day starts: its midnight, 23:00 UTC the day before.
std::int64_t DayStart(std::int64_t day);
/// The Douala clock hour (0..23) of an instant.
int DoualaHourOfDay(std::int64_t unix_s);

/// A strict "YYYY-MM-DD" (a real date, year 1970..9999) as a day number, or nullopt.
std::optional<std::int64_t> ParseDay(std::string_view text);
/// "2026-12-01".
std::string FormatDay(std::int64_t day);
/// An instant in Douala time with its offset: "2026-12-01T08:00:00+01:00".
std::string FormatDoualaTime(std::int64_t unix_s);

// ---- The range a dashboard asks for ----------------------------------------------------------------------------

enum class Granularity { kHour, kDay };
std::string_view ToString(Granularity g);

/// The query parameters as they came (absent = nullopt).
struct RangeQuery {
  std::optional<std::string> from, to, granularity;
};

/// Whole Douala days [from_day, to_day] (both included), in hour or day buckets.
struct Range {
  std::int64_t from_day = 0;
  std::int64_t to_day = 0;
  Granularity granularity = Granularity::kHour;
  std::int64_t days() const { return to_day - from_day + 1; }
  std::int64_t start() const { return DayStart(from_day); }  ///< first instant, unix seconds
  std::int64_t end() const { return DayStart(to_day + 1); }  ///< first instant after, unix seconds
  /// The start of every bucket, in order (hours: unix seconds; days: day numbers).
  std::vector<std::int64_t> Buckets() const;
};

/// The range of a query, `today` (a Douala day) filling what is absent: `to` = today, `from` = `to`; granularity
/// `hour` for up to 2 days, else `day`. Problems are appended to `errors` (field from, to or granularity): a date
/// that is not YYYY-MM-DD, from after to, more than 92 days, hours over more than 7 days, an unknown granularity.
Range ParseRange(const RangeQuery& q, std::int64_t today, std::vector<FieldError>& errors);

// ---- Figures -----------------------------------------------------------------------------------------------------

/// The p-quantile (0 ≤ p ≤ 1) by linear interpolation between the closest ranks (the "type 7" of R and numpy's
/// default); nullopt for no values.
std::optional<double> Percentile(std::vector<double> values, double p);
/// Rounded to one decimal (minutes on the dashboard).
double Round1(double v);
/// sum_s / count in minutes, to one decimal; nullopt when count is 0.
std::optional<double> AverageMinutes(std::int64_t sum_s, std::int64_t count);
/// revenue / orders rounded to the nearest franc; nullopt when orders is 0.
std::optional<std::int64_t> AverageBasket(std::int64_t revenue_xaf, std::int64_t orders);

}  // namespace okada::analytics::domain
