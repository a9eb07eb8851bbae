#include "domain/rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace okada::analytics::domain {

namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool Digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// "YYYY-MM-DD" at the start of `s`: year, month, day, checked to be a real date.
bool DatePart(std::string_view s, int& y, int& m, int& d) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return false;
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  return static_cast<unsigned>(d) <= DaysInMonth(y, static_cast<unsigned>(m));
}

}  // namespace

std::string CancelKind(std::string_view status, std::string_view actor_role) {
  if (status == "rejected") return "rejected_by_store";
  if (status == "payment_failed") return "payment_failed";
  if (status == "expired") return "expired";
  if (actor_role == "customer") return "cancelled_by_customer";
  if (actor_role == "merchant_owner" || actor_role == "merchant_staff") return "cancelled_by_store";
  if (actor_role == "support" || actor_role == "admin") return "cancelled_by_support";
  return "cancelled_by_platform";
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const std::int64_t era = FloorDiv(days, 146097);
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!DatePart(s, y, mo, d)) return std::nullopt;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!Digits(s, 11, 2, h) || !Digits(s, 14, 2, mi) || !Digits(s, 17, 2, sec)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const std::size_t digits = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == digits) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int oh = 0, om = 0;
    if (at + 6 > s.size() || s[at + 3] != ':' || !Digits(s, at + 1, 2, oh) || !Digits(s, at + 4, 2, om) || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset = (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * kDayS + h * 3600 + mi * 60 + std::min(sec, 59) - offset;
}

std::int64_t HourStart(std::int64_t unix_s) { return FloorDiv(unix_s, kHourS) * kHourS; }
std::int64_t DoualaDay(std::int64_t unix_s) { return FloorDiv(unix_s + kDoualaOffsetS, kDayS); }
std::int64_t DayStart(std::int64_t day) { return day * kDayS - kDoualaOffsetS; }
int DoualaHourOfDay(std::int64_t unix_s) {
  return static_cast<int>(FloorDiv(unix_s + kDoualaOffsetS - DoualaDay(unix_s) * kDayS, kHourS));
}

std::optional<std::int64_t> ParseDay(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !DatePart(s, y, m, d)) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string FormatDay(std::int64_t day) {
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(day, y, m, d);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatDoualaTime(std::int64_t unix_s) {
  const std::int64_t local = unix_s + kDoualaOffsetS;
  const std::int64_t day = FloorDiv(local, kDayS);
  const std::int64_t in_day = local - day * kDayS;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+01:00", FormatDay(day).c_str(), static_cast<int>(in_day / 3600),
                static_cast<int>(in_day % 3600 / 60), static_cast<int>(in_day % 60));
  return buf;
}

std::string_view ToString(Granularity g) { return g == Granularity::kHour ? "hour" : "day"; }

std::vector<std::int64_t> Range::Buckets() const {
  std::vector<std::int64_t> out;
  if (granularity == Granularity::kHour) {
    for (std::int64_t t = start(); t < end(); t += kHourS) out.push_back(t);
  } else {
    for (std::int64_t d = from_day; d <= to_day; ++d) out.push_back(d);
  }
  return out;
}

Range ParseRange(const RangeQuery& q, std::int64_t today, std::vector<FieldError>& errors) {
  Range r;
  r.from_day = r.to_day = today;
  bool dates_ok = true;
  if (q.to) {
    if (std::optional<std::int64_t> to = ParseDay(*q.to)) {
      r.to_day = *to;
    } else {
      errors.push_back({"to", "INVALID_FORMAT", "a day YYYY-MM-DD"});
      dates_ok = false;
    }
  }
  r.from_day = r.to_day;
  if (q.from) {
    if (std::optional<std::int64_t> from = ParseDay(*q.from)) {
      r.from_day = *from;
    } else {
      errors.push_back({"from", "INVALID_FORMAT", "a day YYYY-MM-DD"});
      dates_ok = false;
    }
  }
  if (dates_ok && r.from_day > r.to_day) {
    errors.push_back({"from", "OUT_OF_RANGE", "must not be after `to`"});
    dates_ok = false;
  }
  if (dates_ok && r.days() > kMaxRangeDays) {
    errors.push_back({"to", "OUT_OF_RANGE", "at most " + std::to_string(kMaxRangeDays) + " days from `from`"});
    dates_ok = false;
  }
  if (!q.granularity) {
    r.granularity = dates_ok && r.days() <= kHourlyByDefaultDays ? Granularity::kHour : Granularity::kDay;
  } else if (*q.granularity == "hour") {
    r.granularity = Granularity::kHour;
    if (dates_ok && r.days() > kMaxHourlyDays)
      errors.push_back({"granularity", "OUT_OF_RANGE",
                        "hourly buckets cover at most " + std::to_string(kMaxHourlyDays) + " days; ask for day"});
  } else if (*q.granularity == "day") {
    r.granularity = Granularity::kDay;
  } else {
    errors.push_back({"granularity", "NOT_ALLOWED", "hour or day"});
  }
  return r;
}

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  p = std::clamp(p, 0.0, 1.0);
  const double rank = p * static_cast<double>(values.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return values[lo] + (values[hi] - values[lo]) * frac;
}

double Round1(double v) { return std::round(v * 10) / 10; }

std::optional<double> AverageMinutes(std::int64_t sum_s, std::int64_t count) {
  if (count <= 0) return std::nullopt;
  return Round1(static_cast<double>(sum_s) / static_cast<double>(count) / 60.0);
}

std::optional<std::int64_t> AverageBasket(std::int64_t revenue_xaf, std::int64_t orders) {
  if (orders <= 0) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(static_cast<double>(revenue_xaf) / static_cast<double>(orders)));
}

}  // namespace okada::analytics::domain
