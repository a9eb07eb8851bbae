#pragma once
// The market simulator's parameters: one committed file, brain/sim/market.conf (embedded at build time as
// DefaultMarketParams()), `key = value` lines, every key required, unknown keys rejected, errors as
// "<source>:<line>: <reason>". Also the calendar the parameters describe (paydays, holidays, Ramadan) and the
// local-time helpers the simulator and its report share (Africa/Douala, UTC+1 all year).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okada::brain::sim {

enum StoreType : int { kRestaurant, kFastFood, kBar, kSupermarket, kConvenience, kMarket, kPharmacy, kBakery };
inline constexpr int kStoreTypeCount = 8;
inline constexpr std::array<std::string_view, kStoreTypeCount> kStoreTypeNames = {
    "restaurant", "fast_food", "bar", "supermarket", "convenience", "market", "pharmacy", "bakery"};
int StoreTypeByName(std::string_view name);  // -1 if unknown

enum City : int { kDouala, kYaounde };
inline constexpr int kCityCount = 2;
inline constexpr std::array<std::string_view, kCityCount> kCityNames = {"douala", "yaounde"};
inline constexpr std::array<std::string_view, kCityCount> kCityPrefixes = {"dla", "yde"};

inline constexpr int kIncomeBands = 3;  // low, middle, high
inline constexpr std::array<std::string_view, kIncomeBands> kIncomeNames = {"low", "middle", "high"};
inline constexpr int kPaymentMethods = 3;
inline constexpr std::array<std::string_view, kPaymentMethods> kPaymentNames = {"momo", "orange_money", "cash"};

// Local hours [from, to), `to` may pass midnight (12-3 = noon to 3 am); 0-24 = always.
struct HourRange {
  int from = 0, to = 24;
  bool Contains(int hour) const {
    if (to - from >= 24) return true;
    return from < to ? (hour >= from && hour < to) : (hour >= from || hour < to);
  }
};

struct Range {
  double min = 0, max = 0;
};

struct CityParams {
  int customers = 0, merchants = 0, riders = 0;
  double lat_min = 0, lon_min = 0, lat_max = 0, lon_max = 0;
  double orders_per_day = 0;
  std::array<double, 12> rain_day_probability{};
  double muslim_share = 0;
  std::array<double, kIncomeBands> income_share{};
  double english_share = 0;
  bool Inside(double lat, double lon) const {
    return lat >= lat_min && lat <= lat_max && lon >= lon_min && lon <= lon_max;
  }
};

struct FixedHoliday {
  std::string name;
  int month = 0, day = 0;
  double demand = 1;
};

struct MarketParams {
  std::int64_t start_day = 0;  // days since 1970-01-01 (local date)
  std::array<CityParams, kCityCount> city;
  std::array<double, 24> hour_demand{};
  std::array<double, 7> weekday_demand{};  // Monday..Sunday
  std::array<double, 12> month_demand{};
  int payday_last_days = 0, payday_first_days = 0;
  double payday_demand = 1;
  std::vector<FixedHoliday> holidays_fixed;
  std::vector<std::int64_t> eid_al_fitr_dates, tabaski_dates, ramadan_start_dates;
  double eid_al_fitr_demand = 1, tabaski_demand = 1;
  HourRange ramadan_daytime;
  double ramadan_daytime_meal_demand = 1;
  double rain_persistence = 0;
  int rain_episodes_min = 1, rain_episodes_max = 1, rain_episode_hours_min = 1, rain_episode_hours_max = 1;
  std::array<double, 24> rain_hour_weight{};
  double rain_demand = 1, rain_speed_factor = 1;
  double rider_speed_mean = 0, rider_speed_sd = 0;
  Range rider_speed_range;
  std::array<std::array<double, 24>, 3> speed_factor{};  // weekday, saturday, sunday
  double speed_noise_sigma = 0, circuity = 1, leg_overhead_s = 0;
  std::vector<HourRange> rider_shifts;
  Range dispatch_delay_s;
  std::array<Range, kStoreTypeCount> prep_minutes{};
  double delivery_fee_base_xaf = 0, delivery_fee_per_km_xaf = 0, max_delivery_km = 0;
  std::array<HourRange, kStoreTypeCount> store_hours{};
  std::array<double, kStoreTypeCount> stock_probability{};
  double store_price_sigma = 0, offer_price_sigma = 0;
  double home_jitter_m = 0, home_store_radius_m = 0;
  std::array<double, kStoreTypeCount> store_type_share{};
  double taste_sigma = 0, customer_rate_sigma = 0, habit_hour_boost = 0, habit_hour_width = 1;
  int favourite_stores_min = 1, favourite_stores_max = 1;
  double favourite_store_probability = 0;
  int favourite_products_min = 1, favourite_products_max = 1;
  double favourite_product_probability = 0;
  int store_choice_candidates = 1;
  double store_distance_scale_m = 1;
  std::array<double, kIncomeBands> income_rate{}, income_basket{}, income_price_sensitivity{};
  std::vector<std::pair<std::string, double>> english_neighbourhoods;
  std::vector<double> basket_lines;  // weights of 1, 2, … lines
  std::array<double, kStoreTypeCount> basket_scale{};
  std::vector<double> quantity_weights;  // weights of quantity 1, 2, …
  double promotions_per_week = 0;        // offers a store puts on promotion per week (Poisson mean)
  int promotion_days_min = 1, promotion_days_max = 1;
  double promotion_discount_min = 0, promotion_discount_max = 0;
  double promotion_pull = 0;  // while a store has promotions, the share of its lines that are promoted offers
  std::array<double, kPaymentMethods> payment_share{};
  double payment_habit = 0;
};

// Parses and validates the key = value text; throws std::runtime_error("<source>:<line>: <reason>") (or
// "<source>: missing required key '…'").
MarketParams ParseMarketParams(std::string_view text, const std::string& source);
MarketParams LoadMarketParams(const std::filesystem::path& path);
// The committed brain/sim/market.conf, as built into the library.
MarketParams DefaultMarketParams();
std::string_view DefaultMarketParamsText();

// --- Calendar -----------------------------------------------------------------------------------------------------
struct CivilDate {
  int year = 1970, month = 1, day = 1;
};
CivilDate DateOfDay(std::int64_t day);
std::int64_t DayOfDate(int year, int month, int day);
std::int64_t ParseDate(std::string_view text);  // "YYYY-MM-DD"; throws std::invalid_argument
int WeekdayOfDay(std::int64_t day);             // 0 = Monday
std::string FormatDate(std::int64_t day);       // "2026-03-01"
// Local time = seconds since 1970-01-01T00:00 Douala time; unix = local - 3600.
inline constexpr std::int64_t kDoualaOffsetS = 3600;
std::string FormatLocalTime(std::int64_t local_time);  // "2026-03-01T07:43:12+01:00"
// Parses the format above (the "+01:00" suffix is required); throws std::invalid_argument.
std::int64_t ParseLocalTime(std::string_view text);

// The day's calendar as the parameters describe it.
struct DayInfo {
  int weekday = 0;            // 0 = Monday
  bool payday = false;        // inside the month-end window
  bool ramadan = false;       // a fasting day
  std::string holiday;        // name, empty if none
  double holiday_demand = 1;  // the holiday's multiplier (1 if none)
  double demand = 1;          // weekday × month × payday × holiday
};
DayInfo DescribeDay(const MarketParams& p, std::int64_t day);

}  // namespace okada::brain::sim
