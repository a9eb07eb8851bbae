#pragma once
// Marketplace demand: the files the forecasting pipeline (`okada brain train forecast`) reads, the series it fits,
// the covariates it feeds the global models, and the forecasts artifact the `brain` service serves.
//
// The demand layout (a directory; `okada sim export` and `okada brain export` both write it; times are local,
// Africa/Douala):
//   sales_daily.csv    day,city,store,item,units        one row per store × item × day with sales (units sold)
//   orders_hourly.csv  hour,city,zone,orders            one row per zone × hour with orders; hour "2026-03-01T07",
//                                                       zone the geohash-5 (about 5 km) of the delivery point
//   calendar.csv       day,city,payday,holiday,rain_hours
//                      the days of the data and the weeks after it: payday window (0/1), holiday name (empty if
//                      none), hours of rain (empty when not known, as for days to come)
//   promotions.csv     first_day,last_day,city,store,item,discount
//                      the stores' promotions, planned ones included (days inclusive; discount 0.2 = 20 % off)
// sales_daily.csv is required; the others are optional (without a calendar the payday window and the fixed-date
// holidays come from brain/models/inventory's calendar, and rain is unknown). An empty city means "any".
//
// Plain C++20; no I/O beyond the files named.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "okada/brain/forecast/m4.hpp"
#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast::market {

struct CalendarDay {
  bool payday = false;
  std::string holiday;     // name; empty if none
  double rain_hours = -1;  // < 0: not known
};

struct PromotionSpan {
  std::int64_t first_day = 0, last_day = 0;  // inclusive
  double discount = 0;
};

struct Demand {
  std::int64_t first_day = 0, days = 0;  // days since 1970-01-01 (local); the span of sales_daily.csv
  struct Item {
    std::string city, store, item;
    std::vector<double> units;  // `days` values, from first_day
  };
  std::vector<Item> items;                 // ordered by (store, item)
  std::int64_t first_hour = 0, hours = 0;  // hours since 1970-01-01T00 (local); the span of orders_hourly.csv
  struct Zone {
    std::string city, zone;
    std::vector<double> orders;  // `hours` values, from first_hour
  };
  std::vector<Zone> zones;                                                               // ordered by zone
  std::map<std::string, std::map<std::int64_t, CalendarDay>> calendar;                   // city → day → facts
  std::map<std::pair<std::string, std::string>, std::vector<PromotionSpan>> promotions;  // (store, item) → spans
  std::size_t rows = 0;                                                                  // data rows read, all files
};

/// Reads the directory. Throws std::runtime_error "<file>:<line>: <reason>" on a malformed row, a negative count or
/// a missing sales_daily.csv.
Demand LoadDemand(const std::filesystem::path& dir);

/// Builds the demand layout from sales, orders and calendar facts and writes it (both exports use it: the simulator's
/// and the platform's). Rows come out sorted (day or hour, then ids), so the same input gives the same bytes.
class DemandWriter {
 public:
  void AddSale(std::int64_t day, const std::string& city, const std::string& store, const std::string& item,
               double units);
  void AddOrders(std::int64_t hour, const std::string& city, const std::string& zone, double orders = 1);
  void SetDay(const std::string& city, std::int64_t day, const CalendarDay& facts);
  void AddPromotion(const std::string& city, const std::string& store, const std::string& item,
                    const PromotionSpan& span);
  /// Days of [first, last] not set get the inventory calendar's payday window and fixed-date holidays, rain unknown.
  void FillCalendar(const std::string& city, std::int64_t first, std::int64_t last);
  /// Writes sales_daily.csv, orders_hourly.csv, calendar.csv and promotions.csv into `dir` (created if missing), each
  /// through a temporary file renamed at the end. Throws std::runtime_error.
  void Write(const std::filesystem::path& dir) const;
  std::size_t sales() const { return sales_.size(); }

 private:
  std::map<std::tuple<std::int64_t, std::string, std::string>, std::pair<std::string, double>> sales_;
  std::map<std::tuple<std::int64_t, std::string>, std::pair<std::string, double>> orders_;
  std::map<std::pair<std::string, std::int64_t>, CalendarDay> calendar_;
  std::vector<std::tuple<std::int64_t, std::int64_t, std::string, std::string, std::string, double>> promotions_;
};

/// "2026-03-01" ↔ days since 1970; "2026-03-01T07" ↔ hours since 1970. Parse* throw std::invalid_argument.
std::int64_t ParseDay(const std::string& text);
std::string FormatDay(std::int64_t day);
std::int64_t ParseHour(const std::string& text);
std::string FormatHour(std::int64_t hour);

/// The known-ahead covariates per day (kCovariates values, step-major): payday window, holiday, expected rain
/// (hours / 24), promotion (the discount; 0 here: PanelCovariates fills it per store × product). Rain is taken as
/// known only before `known_until` (a day index since 1970): later days get the climate instead, the share of rain
/// hours in the same calendar month over the known days (all known days when that month has none), so a backtest
/// never sees the weather of the days it forecasts. Promotions are planned, hence known ahead.
inline constexpr int kCovariates = 4;
std::vector<float> DailyCovariates(const Demand& d, const std::string& city, std::int64_t first_day, std::int64_t n,
                                   std::int64_t known_until);
/// The same per hour (each hour carries its day's values).
std::vector<float> HourlyCovariates(const Demand& d, const std::string& city, std::int64_t first_hour, std::int64_t n,
                                    std::int64_t known_until_day);

/// Series cut for fitting: values before `end` (exclusive), each starting on a Monday (00:00 for hours) so that the
/// global models' position-in-week is the same for all. Item series start on the Monday on or before their first
/// sale (a product listed later has no fake zeros before it) and are left out when they sold nothing before `end`;
/// zone series keep at most the last `max_days` days.
struct Panel {
  std::vector<Series> series;       // id "store/item" or the zone
  std::vector<std::string> city;    // per series
  std::vector<std::int64_t> start;  // per series: the day (or hour) index since 1970 of values[0]
  std::vector<std::size_t> source;  // per series: its index in Demand::items (or zones)
};
Panel ItemPanel(const Demand& d, std::int64_t end_day);
Panel ZonePanel(const Demand& d, std::int64_t end_hour, int max_days);

/// The covariates of `series` (series of the panel, matched by id, possibly shortened: a backtest's cut) plus
/// `horizon` steps each, as GlobalOptions::covariates wants them; rain known before `known_until_day` only; a store ×
/// product series carries its promotions' discounts. `hourly` picks HourlyCovariates. Throws std::invalid_argument
/// for a series not in the panel.
std::vector<std::vector<float>> PanelCovariates(const Demand& d, const Panel& p, const std::vector<Series>& series,
                                                int horizon, bool hourly, std::int64_t known_until_day);

// --- The forecasts artifact -----------------------------------------------------------------------------------------
// CSV, header `kind,city,store,item,zone,period,q10,q50,q90,model`: kind "item_day" (store, item, period a day) or
// "zone_hour" (zone, period an hour), quantiles with 3 decimals, model the selection that made it ("theta",
// "mean(ets,gbdt)"…).
struct ForecastRow {
  std::string kind, city, store, item, zone, period;
  double q10 = 0, q50 = 0, q90 = 0;
  std::string model;
};
void WriteForecastRows(std::ostream& out, const std::vector<ForecastRow>& rows);
/// Throws std::runtime_error "<source>:<line>: <reason>".
std::vector<ForecastRow> ReadForecastRows(std::istream& in, const std::string& source);

}  // namespace okada::brain::forecast::market
