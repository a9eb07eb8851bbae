#include "okada/brain/inventory/calendar.hpp"

#include <array>

namespace okada::brain::inventory {

// Howard Hinnant's days_from_civil / civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
std::int64_t DaysFromCivil(Date d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

Date AddDays(Date d, std::int64_t days) { return CivilFromDays(DaysFromCivil(d) + days); }

int Weekday(Date d) {
  const std::int64_t z = DaysFromCivil(d);  // 1970-01-01 was a Thursday (3)
  return static_cast<int>(((z + 3) % 7 + 7) % 7);
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

bool IsPaydayWindow(Date d) { return d.day > DaysInMonth(d.year, d.month) - 3 || d.day <= 2; }

std::string CameroonHoliday(Date d) {
  struct Fixed {
    int month, day;
    const char* name;
  };
  static constexpr std::array<Fixed, 6> kFixed{{{1, 1, "New Year"},
                                                {2, 11, "Youth Day"},
                                                {5, 1, "Labour Day"},
                                                {5, 20, "National Day"},
                                                {8, 15, "Assumption"},
                                                {12, 25, "Christmas"}}};
  for (const auto& h : kFixed)
    if (h.month == d.month && h.day == d.day) return h.name;
  return "";
}

std::string FormatDayMonth(Date d, bool french) {
  static constexpr std::array<const char*, 12> kEn{"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};
  static constexpr std::array<const char*, 12> kFr{"janvier",   "février", "mars",     "avril",
                                                   "mai",       "juin",    "juillet",  "août",
                                                   "septembre", "octobre", "novembre", "décembre"};
  const auto m = static_cast<std::size_t>(d.month - 1);
  return std::to_string(d.day) + (french && d.day == 1 ? "er " : " ") + (french ? kFr[m] : kEn[m]);
}

}  // namespace okada::brain::inventory
