#pragma once
// The calendar facts inventory recommendations need: civil dates (Cameroon time, WAT, no daylight saving), weekdays,
// the month-end payday window and Cameroon's fixed-date public holidays. Pure functions; safe from several threads.

#include <compare>
#include <cstdint>
#include <string>

namespace okada::brain::inventory {

/// A day in the proleptic Gregorian calendar. Not validated: the functions below assume a real date.
struct Date {
  int year = 2026, month = 1, day = 1;
  auto operator<=>(const Date&) const = default;
};

/// Days since 1970-01-01 (negative before), and back (H. Hinnant's algorithms).
std::int64_t DaysFromCivil(Date d);
Date CivilFromDays(std::int64_t days);
Date AddDays(Date d, std::int64_t days);
/// 0 = Monday … 6 = Sunday.
int Weekday(Date d);
int DaysInMonth(int year, int month);

/// The month-end payday window, as the market simulator defines it (brain/sim/market.conf): the last 3 days of a month
/// and the first 2 days of the next.
bool IsPaydayWindow(Date d);

/// Cameroon's fixed-date public holidays: New Year (1 Jan), Youth Day (11 Feb), Labour Day (1 May), National Day
/// (20 May), Assumption (15 Aug), Christmas (25 Dec). The moving ones (Good Friday, Ascension, Eid al-Fitr, Tabaski)
/// are announced each year and are not listed. Returns the holiday's name in English, or an empty string.
std::string CameroonHoliday(Date d);

/// "20 May" / "20 mai"; "1 May" / "1er mai".
std::string FormatDayMonth(Date d, bool french);

}  // namespace okada::brain::inventory
