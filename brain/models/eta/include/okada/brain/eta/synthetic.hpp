#pragma once
// SYNTHETIC trip generator: made-up Douala trips (rush hours, weekends, nights, rainy-season spells, the Wouri
// bridge, market congestion, circuity by zone, lognormal noise) to train and test the ETA model until the market
// simulator of a later issue produces trip histories. All parameters come from one committed file,
// brain/models/eta/synthetic_trips.conf (embedded at build time as DefaultSyntheticParams()).
// Deterministic for a seed (std::mt19937_64 and our own uniform/normal draws, not the library distributions).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/eta/trips.hpp"

namespace okada::brain::eta {

struct SyntheticParams {
  std::int64_t start_day = 0;  // days since 1970-01-01 (local date of the first day)
  int trips_per_day = 0;
  double sunday_demand = 1;
  std::array<double, 24> hour_demand{};
  std::array<double, 24> hour_factor_weekday{}, hour_factor_saturday{}, hour_factor_sunday{};
  double free_flow_kmh = 0;
  double overhead_s = 0;
  double point_sigma_m = 0;
  double min_trip_m = 0, max_trip_m = 0;
  double noise_sigma = 0;
  std::array<double, 12> rain_day_probability{};
  int rain_spell_min_hours = 0, rain_spell_max_hours = 0;
  double rain_factor_min = 1, rain_factor_max = 1;
  double bridge_west_lat = 0, bridge_west_lon = 0, bridge_east_lat = 0, bridge_east_lon = 0;
  double bridge_delay_s = 0;
  std::vector<bool> market_zone;  // by zone id
  double market_delay_s = 0;
  std::vector<double> zone_circuity;  // by zone id
  std::vector<double> zone_weight;    // by zone id
};

// Parses and validates the key = value text; throws std::runtime_error("<source>:<line>: <reason>").
SyntheticParams ParseSyntheticParams(std::string_view text, const std::string& source);
SyntheticParams LoadSyntheticParams(const std::filesystem::path& path);
// The committed brain/models/eta/synthetic_trips.conf, as built into the library.
SyntheticParams DefaultSyntheticParams();
std::string_view DefaultSyntheticParamsText();

// Trips over `days` consecutive days from params.start_day, sorted by start time. Throws std::invalid_argument
// when days < 1.
std::vector<Trip> GenerateTrips(const SyntheticParams& params, int days, std::uint64_t seed);

}  // namespace okada::brain::eta
