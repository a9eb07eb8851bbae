#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "okada/brain/eta/synthetic.hpp"
#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

double Hav(const Trip& t) {
  return HaversineMetres(t.query.from_lat, t.query.from_lon, t.query.to_lat, t.query.to_lon);
}

// Median seconds per haversine metre of the trips matching `keep`.
template <typename Keep>
double MedianPace(const std::vector<Trip>& trips, Keep keep) {
  std::vector<double> pace;
  for (const Trip& t : trips)
    if (keep(t)) pace.push_back(t.seconds / Hav(t));
  EXPECT_GE(pace.size(), 50u);
  if (pace.empty()) return 0;
  std::nth_element(pace.begin(), pace.begin() + static_cast<std::ptrdiff_t>(pace.size() / 2), pace.end());
  return pace[pace.size() / 2];
}

TEST(EtaSynthetic, CommittedParametersParse) {
  const SyntheticParams p = DefaultSyntheticParams();
  EXPECT_EQ(p.start_day, ParseDate("2026-06-01"));
  EXPECT_EQ(p.trips_per_day, 400);
  EXPECT_TRUE(p.market_zone[static_cast<std::size_t>(ZoneByName("Ndokoti"))]);
  EXPECT_FALSE(p.market_zone[static_cast<std::size_t>(ZoneByName("Makepe"))]);
  EXPECT_DOUBLE_EQ(p.zone_circuity[static_cast<std::size_t>(ZoneByName("Bonabéri"))], 1.45);
  EXPECT_DOUBLE_EQ(p.zone_circuity[static_cast<std::size_t>(ZoneByName("Deido"))], 1.3);  // circuity_default
  EXPECT_DOUBLE_EQ(p.zone_weight[static_cast<std::size_t>(ZoneByName("Akwa"))], 3);
  EXPECT_NE(DefaultSyntheticParamsText().find("SYNTHETIC"), std::string_view::npos);
}

TEST(EtaSynthetic, DeterministicForASeedDifferentForAnother) {
  const SyntheticParams p = DefaultSyntheticParams();
  const auto a = GenerateTrips(p, 3, 42);
  const auto b = GenerateTrips(p, 3, 42);
  const auto c = GenerateTrips(p, 3, 43);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].local_time, b[i].local_time);
    EXPECT_EQ(a[i].query.from_lat, b[i].query.from_lat);
    EXPECT_EQ(a[i].query.to_lon, b[i].query.to_lon);
    EXPECT_EQ(a[i].query.rain, b[i].query.rain);
    EXPECT_EQ(a[i].seconds, b[i].seconds);
  }
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i) same += a[i].seconds == c[i].seconds;
  EXPECT_LT(same, a.size() / 10);
  EXPECT_THROW(GenerateTrips(p, 0, 1), std::invalid_argument);
}

TEST(EtaSynthetic, TripsAreWellFormed) {
  const SyntheticParams p = DefaultSyntheticParams();
  const auto trips = GenerateTrips(p, 7, 5);
  // 2026-06-01 is a Monday: six days of 400 trips and a Sunday of 280.
  EXPECT_EQ(trips.size(), 6u * 400 + 280);
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const Trip& t = trips[i];
    if (i > 0) {
      EXPECT_LE(trips[i - 1].local_time, t.local_time);
    }
    EXPECT_GE(LocalDay(t.local_time), p.start_day);
    EXPECT_LT(LocalDay(t.local_time), p.start_day + 7);
    EXPECT_EQ(t.query.hour, LocalHour(t.local_time));
    EXPECT_EQ(t.query.weekday, LocalWeekday(t.local_time));
    EXPECT_GE(Hav(t), p.min_trip_m);
    EXPECT_LE(Hav(t), p.max_trip_m);
    EXPECT_GT(t.seconds, 0);
    EXPECT_LT(t.seconds, 86400);
  }
}

TEST(EtaSynthetic, TrafficStoryShowsInTheData) {
  const auto trips = GenerateTrips(DefaultSyntheticParams(), 28, 11);
  const auto weekday = [](const Trip& t) { return t.query.weekday < 5; };
  const auto crosses = [](const Trip& t) {
    return ZoneAt(ZoneOf(t.query.from_lat, t.query.from_lon)).west_bank !=
           ZoneAt(ZoneOf(t.query.to_lat, t.query.to_lon)).west_bank;
  };
  const double rush = MedianPace(trips, [&](const Trip& t) {
    return weekday(t) && (t.query.hour == 8 || t.query.hour == 18) && !t.query.rain && !crosses(t);
  });
  const double night = MedianPace(
      trips, [&](const Trip& t) { return (t.query.hour >= 22 || t.query.hour <= 5) && !t.query.rain && !crosses(t); });
  const double midday_dry = MedianPace(
      trips, [&](const Trip& t) { return t.query.hour >= 10 && t.query.hour <= 16 && !t.query.rain && !crosses(t); });
  const double midday_rain = MedianPace(
      trips, [&](const Trip& t) { return t.query.hour >= 10 && t.query.hour <= 16 && t.query.rain && !crosses(t); });
  const double bridge = MedianPace(trips, [&](const Trip& t) { return crosses(t) && !t.query.rain; });
  const double same_bank = MedianPace(trips, [&](const Trip& t) { return !crosses(t) && !t.query.rain; });
  EXPECT_GT(rush, 1.5 * night);
  EXPECT_GT(midday_rain, 1.15 * midday_dry);
  EXPECT_GT(bridge, 1.1 * same_bank);
}

TEST(EtaSynthetic, ParameterFileIsValidated) {
  const std::string good(DefaultSyntheticParamsText());
  auto error_of = [](const std::string& text) {
    try {
      ParseSyntheticParams(text, "p.conf");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
  };
  EXPECT_EQ(error_of(good), "(accepted)");
  EXPECT_EQ(error_of(replace("noise_sigma = 0.15", "")), "p.conf: missing required key 'noise_sigma'");
  EXPECT_NE(error_of(good + "colour = blue\n").find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(error_of(good + "noise_sigma = 0.2\n").find("'noise_sigma' is set twice"), std::string::npos);
  EXPECT_NE(error_of(replace("noise_sigma = 0.15", "noise_sigma = lots")).find("noise_sigma: 'lots' is not a number"),
            std::string::npos);
  EXPECT_NE(error_of(replace("noise_sigma = 0.15", "noise_sigma = 5")).find("outside"), std::string::npos);
  EXPECT_NE(error_of(replace("hour_demand = 0.2 ", "hour_demand = ")).find("hour_demand: expected 24 values, got 23"),
            std::string::npos);
  EXPECT_NE(error_of(replace("market_zones = Akwa", "market_zones = Atlantis")).find("unknown zone 'Atlantis'"),
            std::string::npos);
  EXPECT_NE(error_of(replace("start_date = 2026-06-01", "start_date = 2026-06-31")).find("start_date"),
            std::string::npos);
  EXPECT_NE(error_of(replace("bridge_west = 4.0722 9.6790", "bridge_west = 4.05 9.70")).find("west-bank"),
            std::string::npos);
  EXPECT_NE(error_of(replace("rain_factor = 1.3 1.6", "rain_factor = 1.6 1.3")).find("MIN <= MAX"), std::string::npos);
  // Messages name the line: start_date is on line 11 of the committed file.
  const std::string dated = error_of(replace("start_date = 2026-06-01", "start_date = soon"));
  EXPECT_EQ(dated.rfind("p.conf:", 0), 0u) << dated;
  EXPECT_NE(
      dated.find(":" + std::to_string(1 + std::count(good.begin(), good.begin() + good.find("start_date"), '\n')) +
                 ": start_date"),
      std::string::npos)
      << dated;
}

}  // namespace
}  // namespace okada::brain::eta
