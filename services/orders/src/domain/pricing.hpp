#pragma once
/// Delivery geography and the tariff (ARCHITECTURE §8): distance, the store's radius, no-go polygons, the
/// coarse zone analytics may see, and the delivery fee. Pure functions, no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okada::orders::domain {

struct Point {
  double lat = 0;
  double lon = 0;
};

/// Great-circle distance in metres.
double HaversineM(Point a, Point b) noexcept;
/// Ray casting; `ring` is [lon, lat] vertices (GeoJSON order), closed or not.
bool InPolygon(Point p, const std::vector<std::pair<double, double>>& ring) noexcept;
/// Geohash of `precision` characters (6 ≈ 1.2 km × 0.6 km): the coarse zone events and analytics carry.
std::string Geohash(Point p, int precision = 6);

/// The delivery tariff. Bands are (up to metres, fee); beyond the last band, `per_km_beyond` per started km.
struct Tariff {
  std::vector<std::pair<int, std::int64_t>> bands = {{2000, 500}, {5000, 1000}, {8000, 1500}};
  std::int64_t per_km_beyond = 250;
  std::int64_t rain_surcharge = 200;
  std::int64_t night_surcharge = 300;
  int night_from_hour = 22;  ///< local time (WAT), inclusive
  int night_to_hour = 6;     ///< exclusive
  double circuity = 1.3;     ///< road distance ≈ straight line × this, until routing gives real distances
};
/// Parses "2000:500,5000:1000,8000:1500" (ascending distances, positive fees). Throws std::invalid_argument.
std::vector<std::pair<int, std::int64_t>> ParseBands(std::string_view text);

struct Fee {
  std::int64_t total = 0;
  std::int64_t base = 0;
  std::int64_t rain = 0;
  std::int64_t night = 0;
  int road_m = 0;
};
/// The fee for a straight-line distance, at `local_hour` (0..23, WAT), in the rain or not.
Fee DeliveryFee(const Tariff& tariff, double straight_m, bool raining, int local_hour);

}  // namespace okada::orders::domain
