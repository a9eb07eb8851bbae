#include "okada/brain/inventory/calendar.hpp"

#include <array>

#include "okada/brain/civil_days.hpp"

namespace okada::brain::inventory {

std::int64_t DaysFromCivil(Date d) { return brain::DaysFromCivil(d.year, d.month, d.day); }

Date CivilFromDays(std::int64_t z) {
  const CivilYmd d = brain::CivilFromDays(z);
  return {d.year, d.month, d.day};
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
