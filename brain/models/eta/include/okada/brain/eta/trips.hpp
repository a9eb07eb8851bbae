#pragma once
// Trip history: what the ETA model trains and is evaluated on, read from and written to CSV.
//
// CSV (one header line, then one trip per line, comma-separated, no quoting):
//   started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds
//   started_at  ISO-8601 local time, "2026-06-01T07:43:12+01:00" (Africa/Douala, UTC+1); "Z" or another offset
//               is converted to Douala time, no offset means Douala time already
//   from_*/to_* WGS84 degrees
//   rain        0 or 1 (raining at the start of the trip)
//   seconds     door-to-door travel time, > 0 and < 86400

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/eta/features.hpp"

namespace okada::brain::eta {

struct Trip {
  std::int64_t local_time = 0;  // seconds since 1970-01-01T00:00:00 Douala local time
  TripQuery query;              // hour and weekday agree with local_time
  double seconds = 0;
};

// Local day number (days since 1970-01-01, Douala time), hour 0-23 and weekday (0 = Monday).
std::int64_t LocalDay(std::int64_t local_time);
int LocalHour(std::int64_t local_time);
int LocalWeekday(std::int64_t local_time);
// Day number of a calendar date "YYYY-MM-DD"; throws std::invalid_argument.
std::int64_t ParseDate(std::string_view date);
std::string FormatLocalTime(std::int64_t local_time);  // "2026-06-01T07:43:12+01:00"
std::int64_t ParseTimestamp(std::string_view text);    // throws std::invalid_argument

// A trip whose query's hour and weekday come from local_time.
Trip MakeTrip(std::int64_t local_time, double from_lat, double from_lon, double to_lat, double to_lon, bool rain,
              double seconds);

void WriteTripsCsv(std::ostream& out, const std::vector<Trip>& trips);
// Throws std::runtime_error("<source>:<line>: <reason>") on any malformed line.
std::vector<Trip> ParseTripsCsv(std::string_view text, const std::string& source);
std::vector<Trip> ReadTripsCsv(const std::filesystem::path& path);

// Time-based split: the trips of the last `holdout_days` calendar days (Douala time, counted back from the latest
// trip's day) are held out; the rest, all earlier, train. Throws std::invalid_argument if holdout_days < 1.
struct TripSplit {
  std::vector<Trip> train, holdout;
};
TripSplit SplitHoldoutDays(const std::vector<Trip>& trips, int holdout_days);

}  // namespace okada::brain::eta
