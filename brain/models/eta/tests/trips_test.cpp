#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "okada/brain/eta/metrics.hpp"
#include "okada/brain/eta/trips.hpp"
#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

std::string ErrorOf(const std::string& csv) {
  try {
    ParseTripsCsv(csv, "t.csv");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kHeader = "started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds\n";

TEST(EtaTrips, Timestamps) {
  // 2026-06-01 was a Monday; day 20605 since 1970-01-01.
  EXPECT_EQ(ParseDate("2026-06-01"), 20605);
  const std::int64_t t = ParseTimestamp("2026-06-01T07:43:12+01:00");
  EXPECT_EQ(LocalDay(t), 20605);
  EXPECT_EQ(LocalHour(t), 7);
  EXPECT_EQ(LocalWeekday(t), 0);
  EXPECT_EQ(FormatLocalTime(t), "2026-06-01T07:43:12+01:00");
  EXPECT_EQ(ParseTimestamp("2026-06-01T06:43:12Z"), t);       // UTC
  EXPECT_EQ(ParseTimestamp("2026-06-01T07:43:12"), t);        // already Douala time
  EXPECT_EQ(ParseTimestamp("2026-06-01T08:43:12+02:00"), t);  // another offset
  EXPECT_EQ(ParseTimestamp("2026-06-01T07:43:12.250+01:00"), t);
  EXPECT_EQ(LocalWeekday(ParseTimestamp("2026-06-07T23:59:59+01:00")), 6);  // Sunday
  EXPECT_EQ(LocalWeekday(ParseTimestamp("1969-12-31T12:00:00")), 2);        // Wednesday, before the epoch
  EXPECT_EQ(LocalHour(ParseTimestamp("1969-12-31T12:00:00")), 12);
  for (const char* bad : {"2026-02-30T00:00:00", "2026-06-01 07:43", "2026-06-01T24:00:00", "2026-06-01T07:43:12+1",
                          "2026-06-01T07:43:12 ", "tomorrow"})
    EXPECT_THROW(ParseTimestamp(bad), std::invalid_argument) << bad;
}

TEST(EtaTrips, CsvRoundTrip) {
  std::vector<Trip> trips{
      MakeTrip(ParseTimestamp("2026-06-01T07:43:12+01:00"), 4.05, 9.7, 4.06, 9.72, true, 812.5),
      MakeTrip(ParseTimestamp("2026-06-06T18:05:00+01:00"), 4.0822098, 9.6649718, 4.052544, 9.6963304, false, 1500)};
  std::ostringstream out;
  WriteTripsCsv(out, trips);
  EXPECT_EQ(out.str(), kHeader +
                           "2026-06-01T07:43:12+01:00,4.0500000,9.7000000,4.0600000,9.7200000,1,812.5\n"
                           "2026-06-06T18:05:00+01:00,4.0822098,9.6649718,4.0525440,9.6963304,0,1500.0\n");
  const auto back = ParseTripsCsv(out.str(), "t.csv");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].local_time, trips[1].local_time);
  EXPECT_EQ(back[1].query.hour, 18);
  EXPECT_EQ(back[1].query.weekday, 5);
  EXPECT_FALSE(back[1].query.rain);
  EXPECT_TRUE(back[0].query.rain);
  EXPECT_DOUBLE_EQ(back[0].seconds, 812.5);
  EXPECT_DOUBLE_EQ(back[1].query.from_lat, 4.0822098);
}

TEST(EtaTrips, CsvRejectsMalformedLines) {
  const std::string row = "2026-06-01T07:43:12+01:00,4.05,9.7,4.06,9.72,0,600\n";
  EXPECT_EQ(ErrorOf(kHeader + row).find("(accepted)"), 0u);
  EXPECT_EQ(ErrorOf("").rfind("t.csv: empty file", 0), 0u) << ErrorOf("");
  EXPECT_EQ(ErrorOf("when,from\n" + row).rfind("t.csv:1: expected the header", 0), 0u);
  const std::pair<std::string, std::string> cases[] = {
      {"2026-06-01T07:43:12+01:00,4.05,9.7,4.06,9.72,0\n", "t.csv:3: expected 7 fields, got 6"},
      {"2026-06-01T07:43:12+01:00,4.05,9.7,4.06,9.72,2,600\n", "t.csv:3: rain must be 0 or 1"},
      {"2026-06-01T07:43:12+01:00,4.05,9.7,4.06,9.72,0,-1\n", "t.csv:3: seconds must be a number in (0, 86400)"},
      {"2026-06-01T07:43:12+01:00,4.05,9.7,4.06,9.72,0,abc\n", "t.csv:3: seconds must be"},
      {"2026-06-01T07:43:12+01:00,95,9.7,4.06,9.72,0,600\n", "t.csv:3: eta: trip query from_lat out of range"},
      {"2026-06-01T07:43:12+01:00,4.05,x,4.06,9.72,0,600\n", "t.csv:3: bad from_lon 'x'"},
      {"2026-13-01T07:43:12+01:00,4.05,9.7,4.06,9.72,0,600\n", "t.csv:3: started_at: "},
      {"\n" + row, "t.csv:3: empty line"},
  };
  for (const auto& [bad, expected] : cases) {
    const std::string error = ErrorOf(kHeader + row + bad);
    EXPECT_EQ(error.rfind(expected, 0), 0u) << "expected '" << expected << "', got '" << error << "'";
  }
}

TEST(EtaTrips, HoldsOutTheLastDays) {
  std::vector<Trip> trips;
  for (int day = 1; day <= 5; ++day)
    for (int k = 0; k < 3; ++k)
      trips.push_back(MakeTrip(ParseTimestamp("2026-06-0" + std::to_string(day) + "T1" + std::to_string(k) + ":00:00"),
                               4.05, 9.7, 4.06, 9.72, false, 600));
  const TripSplit split = SplitHoldoutDays(trips, 2);
  ASSERT_EQ(split.train.size(), 9u);
  ASSERT_EQ(split.holdout.size(), 6u);
  for (const Trip& t : split.train) EXPECT_LE(LocalDay(t.local_time), ParseDate("2026-06-03"));
  for (const Trip& t : split.holdout) EXPECT_GE(LocalDay(t.local_time), ParseDate("2026-06-04"));
  EXPECT_EQ(SplitHoldoutDays(trips, 10).train.size(), 0u);
  EXPECT_THROW(SplitHoldoutDays(trips, 0), std::invalid_argument);
}

TEST(EtaMetrics, HandComputed) {
  std::vector<Trip> trips;
  std::vector<double> predicted;
  for (int i = 1; i <= 10; ++i) {
    trips.push_back(MakeTrip(0, 4.05, 9.7, 4.06, 9.72, false, 100));
    predicted.push_back(10.0 * i);  // errors 90, 80, …, 0
  }
  const ErrorMetrics m = Measure(predicted, trips);
  EXPECT_EQ(m.trips, 10u);
  EXPECT_DOUBLE_EQ(m.mae_s, 45);
  EXPECT_DOUBLE_EQ(m.p90_abs_error_s, 80);  // 9th smallest of 0, 10, …, 90
  EXPECT_DOUBLE_EQ(m.mape, 0.45);
  EXPECT_THROW(Measure(std::vector<double>{1.0}, trips), std::invalid_argument);
  EXPECT_THROW(Measure({}, {}), std::invalid_argument);
}

TEST(EtaMetrics, BaselineFitFindsTheSpeed) {
  // Trips at exactly 5 m/s over haversine × 1.35, plus two wild outliers the MAE fit must ignore.
  std::vector<Trip> trips;
  for (int i = 1; i <= 20; ++i) {
    const double to_lat = 4.05 + 0.002 * i;
    const double h = HaversineMetres(4.05, 9.7, to_lat, 9.7);
    trips.push_back(MakeTrip(0, 4.05, 9.7, to_lat, 9.7, false, h * 1.35 / 5));
  }
  trips.push_back(MakeTrip(0, 4.05, 9.7, 4.06, 9.7, false, 20000));
  trips.push_back(MakeTrip(0, 4.05, 9.7, 4.061, 9.7, false, 1));
  const Baseline b = FitBaseline(trips);
  EXPECT_DOUBLE_EQ(b.circuity, 1.35);
  EXPECT_NEAR(b.speed_mps, 5.0, 1e-9);
  EXPECT_THROW(FitBaseline(std::vector<Trip>{}), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::eta
