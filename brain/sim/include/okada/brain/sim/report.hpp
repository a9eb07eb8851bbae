#pragma once
// `okada sim report`: reads an export directory back, measures the effects the parameters were meant to produce
// (weekly and daily seasonality, payday, holidays, Ramadan, rain on demand and on riders, rush hours, habits) and
// writes an HTML page with inline SVG charts, each next to the parameter values that produced it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "okada/brain/sim/params.hpp"

namespace okada::brain::sim {

// The columns of an export the measurements need.
struct ExportData {
  struct OrderRow {
    int city = 0, store_type = 0;
    std::int64_t placed_at = 0;  // local time
    bool rain = false;
  };
  struct TripRow {
    int city = 0;
    std::int64_t picked_up_at = 0;  // local time
    bool rain = false;
    double speed_kmh = 0;
  };
  std::vector<OrderRow> orders;
  std::vector<TripRow> trips;
  std::vector<int> cities;                                 // as they appear in weather.csv
  std::int64_t start_day = 0;                              // first local day of weather.csv
  int days = 0;                                            // days covered by weather.csv
  std::array<std::vector<std::uint8_t>, kCityCount> rain;  // per hour from start_day, per city
  std::int64_t lines = 0, repeat_lines = 0;
};
// Reads orders.csv, trips.csv, weather.csv and order_lines.csv; throws std::runtime_error("<file>:<line>: …").
ExportData ReadExport(const std::filesystem::path& dir);

struct Measurement {
  int orders = 0, trips = 0, days = 0;
  std::int64_t start_day = 0;  // the export's first local day
  // Orders per ordinary day (no payday, no holiday) by weekday, each normalised to a mean of 1.
  std::array<double, 7> weekday_measured{}, weekday_param{};
  // Share of orders by local hour.
  std::array<double, 24> hour_measured{}, hour_param{};
  // Orders on payday days (not holidays) over ordinary days, after dividing each day by its weekday's mean.
  double payday_measured = 0, payday_param = 0;
  // Orders per hour in rain over dry, compared hour of day by hour of day (ordinary days).
  double rain_orders_measured = 0, rain_orders_param = 0;
  // Riders' mean speed in rain over dry, compared within the same day type and hour.
  double rain_speed_measured = 0, rain_speed_param = 0;
  // Weekday dry mean speed in the four slowest hours of speed_factor_weekday over 10-15 h.
  std::array<int, 4> rush_hours{};
  double rush_speed_measured = 0, rush_speed_param = 0;
  // Weekday dry mean speed per hour over the free-flow hours' (factor 1) mean; the parameter's factor.
  std::array<double, 24> speed_by_hour_measured{}, speed_by_hour_param{};
  // Meal orders (restaurant, fast food) relative to other orders in Ramadan daytime hours, over the same outside
  // Ramadan; the parameter side is 1 - muslim_share × (1 - ramadan_daytime_meal_demand). Negative when the run
  // has no Ramadan day (or no other day).
  double ramadan_meal_measured = -1, ramadan_meal_param = -1;
  struct HolidayRow {
    std::int64_t day = 0;
    std::string name;
    double measured = 0, param = 0;  // the day's orders over its weekday's ordinary mean; holiday × payday
  };
  std::vector<HolidayRow> holidays;
  double repeat_share = 0;                 // order lines re-buying an offer the customer had bought before
  double repeat_param = 0;                 // favourite_store_probability × favourite_product_probability
  std::vector<std::int64_t> daily_orders;  // all cities, per day from start_day
  std::vector<std::uint8_t> daily_rain;    // 1 when it rained that day in any simulated city
};
Measurement Measure(const ExportData& data, const MarketParams& params);

// A self-contained HTML page (inline SVG, no scripts, no outside resources).
std::string ReportHtml(const Measurement& m, const MarketParams& params, const std::string& source_dir);

}  // namespace okada::brain::sim
