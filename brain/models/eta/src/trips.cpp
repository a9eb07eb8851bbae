#include "okada/brain/eta/trips.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace okada::brain::eta {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kDoualaOffset = 3600;  // Africa/Douala: UTC+1 all year
constexpr std::string_view kHeader = "started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds";

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool Digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

std::int64_t DayOf(int y, int m, int d, std::string_view text) {
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) throw std::invalid_argument("not a calendar date: '" + std::string(text) + "'");
  return sys_days{ymd}.time_since_epoch().count();
}

double ParseDouble(std::string_view token, bool& ok) {
  double v = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), v);
  ok = r.ec == std::errc() && r.ptr == token.data() + token.size() && std::isfinite(v);
  return v;
}

}  // namespace

std::int64_t LocalDay(std::int64_t local_time) { return FloorDiv(local_time, kDay); }

int LocalHour(std::int64_t local_time) { return static_cast<int>((local_time - LocalDay(local_time) * kDay) / 3600); }

int LocalWeekday(std::int64_t local_time) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  return static_cast<int>(((LocalDay(local_time) + 3) % 7 + 7) % 7);
}

std::int64_t ParseDate(std::string_view date) {
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || !Digits(date, 0, 4, y) || date[4] != '-' || !Digits(date, 5, 2, m) || date[7] != '-' ||
      !Digits(date, 8, 2, d))
    throw std::invalid_argument("expected a date YYYY-MM-DD, got '" + std::string(date) + "'");
  return DayOf(y, m, d, date);
}

std::string FormatLocalTime(std::int64_t local_time) {
  using namespace std::chrono;
  const std::int64_t day = LocalDay(local_time);
  const year_month_day ymd{sys_days{days{day}}};
  const std::int64_t s = local_time - day * kDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+01:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

std::int64_t ParseTimestamp(std::string_view text) {
  const auto bad = [&]() {
    return std::invalid_argument("expected an ISO-8601 time YYYY-MM-DDTHH:MM:SS[+hh:mm|Z], got '" + std::string(text) +
                                 "'");
  };
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ')) throw bad();
  const std::int64_t day = ParseDate(text.substr(0, 10));
  int h = 0, mi = 0, s = 0;
  if (!Digits(text, 11, 2, h) || text[13] != ':' || !Digits(text, 14, 2, mi) || text[16] != ':' ||
      !Digits(text, 17, 2, s) || h > 23 || mi > 59 || s > 59)
    throw bad();
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {  // fractional seconds are ignored
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) throw bad();
  }
  std::int64_t t = day * kDay + h * 3600 + mi * 60 + s;
  if (pos == text.size()) return t;  // already Douala local time
  if (text[pos] == 'Z' && pos + 1 == text.size()) return t + kDoualaOffset;
  int oh = 0, om = 0;
  if ((text[pos] != '+' && text[pos] != '-') || text.size() != pos + 6 || !Digits(text, pos + 1, 2, oh) ||
      text[pos + 3] != ':' || !Digits(text, pos + 4, 2, om) || oh > 14 || om > 59)
    throw bad();
  const std::int64_t offset = (text[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  return t - offset + kDoualaOffset;
}

Trip MakeTrip(std::int64_t local_time, double from_lat, double from_lon, double to_lat, double to_lon, bool rain,
              double seconds) {
  Trip trip;
  trip.local_time = local_time;
  trip.query = TripQuery{from_lat, from_lon, to_lat, to_lon, LocalHour(local_time), LocalWeekday(local_time), rain};
  trip.seconds = seconds;
  return trip;
}

void WriteTripsCsv(std::ostream& out, const std::vector<Trip>& trips) {
  out << kHeader << "\n";
  char buf[160];
  for (const Trip& t : trips) {
    std::snprintf(buf, sizeof buf, ",%.7f,%.7f,%.7f,%.7f,%d,%.1f\n", t.query.from_lat, t.query.from_lon, t.query.to_lat,
                  t.query.to_lon, t.query.rain ? 1 : 0, t.seconds);
    out << FormatLocalTime(t.local_time) << buf;
  }
}

std::vector<Trip> ParseTripsCsv(std::string_view text, const std::string& source) {
  std::vector<Trip> trips;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto fail = [&](const std::string& reason) {
      return std::runtime_error(source + ":" + std::to_string(line_no) + ": " + reason);
    };
    if (line_no == 1) {
      if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 BOM
      if (line != kHeader) throw fail("expected the header '" + std::string(kHeader) + "'");
      continue;
    }
    if (line.empty()) {
      if (pos >= text.size()) break;  // final newline
      throw fail("empty line");
    }
    std::vector<std::string_view> f;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) {
        f.push_back(line.substr(start));
        break;
      }
      f.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    if (f.size() != 7) throw fail("expected 7 fields, got " + std::to_string(f.size()));
    std::int64_t t = 0;
    try {
      t = ParseTimestamp(f[0]);
    } catch (const std::exception& e) {
      throw fail(std::string("started_at: ") + e.what());
    }
    static const char* const kNames[] = {"from_lat", "from_lon", "to_lat", "to_lon"};
    double coords[4];
    for (int i = 0; i < 4; ++i) {
      bool ok = false;
      coords[i] = ParseDouble(f[1 + i], ok);
      if (!ok) throw fail(std::string("bad ") + kNames[i] + " '" + std::string(f[1 + i]) + "'");
    }
    bool rain = false;
    if (f[5] == "1" || f[5] == "true")
      rain = true;
    else if (f[5] != "0" && f[5] != "false")
      throw fail("rain must be 0 or 1, got '" + std::string(f[5]) + "'");
    bool ok = false;
    const double seconds = ParseDouble(f[6], ok);
    if (!ok || !(seconds > 0) || seconds >= 86400)
      throw fail("seconds must be a number in (0, 86400), got '" + std::string(f[6]) + "'");
    Trip trip = MakeTrip(t, coords[0], coords[1], coords[2], coords[3], rain, seconds);
    try {
      ValidateQuery(trip.query);
    } catch (const std::exception& e) {
      throw fail(e.what());
    }
    trips.push_back(trip);
  }
  if (line_no == 0) throw std::runtime_error(source + ": empty file (expected the header)");
  return trips;
}

std::vector<Trip> ReadTripsCsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open trips file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseTripsCsv(buffer.str(), path.string());
}

TripSplit SplitHoldoutDays(const std::vector<Trip>& trips, int holdout_days) {
  if (holdout_days < 1) throw std::invalid_argument("holdout days must be >= 1");
  TripSplit split;
  if (trips.empty()) return split;
  std::int64_t last = LocalDay(trips.front().local_time);
  for (const Trip& t : trips) last = std::max(last, LocalDay(t.local_time));
  const std::int64_t first_held = last - holdout_days + 1;
  for (const Trip& t : trips) (LocalDay(t.local_time) >= first_held ? split.holdout : split.train).push_back(t);
  return split;
}

}  // namespace okada::brain::eta
