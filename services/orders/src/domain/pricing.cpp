#include "domain/pricing.hpp"

#include "okada/core/geo.hpp"

#include <cmath>
#include <stdexcept>

namespace okada::orders::domain {

double HaversineM(Point a, Point b) noexcept { return geo::DistanceM(a.lat, a.lon, b.lat, b.lon); }

bool InPolygon(Point p, const std::vector<std::pair<double, double>>& ring) noexcept {
  return geo::InRing(p.lat, p.lon, ring);
}

std::string Geohash(Point p, int precision) { return geo::Geohash(p.lat, p.lon, precision); }

std::vector<std::pair<int, std::int64_t>> ParseBands(std::string_view text) {
  std::vector<std::pair<int, std::int64_t>> bands;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string item(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    std::size_t colon = item.find(':');
    if (colon == std::string::npos) throw std::invalid_argument("fee band '" + item + "' is not metres:fee");
    int up_to = std::stoi(item.substr(0, colon));
    long long fee = std::stoll(item.substr(colon + 1));
    if (up_to <= 0 || fee <= 0 || (!bands.empty() && up_to <= bands.back().first))
      throw std::invalid_argument("fee bands must have ascending positive distances and positive fees");
    bands.emplace_back(up_to, fee);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (bands.empty()) throw std::invalid_argument("at least one fee band is needed");
  return bands;
}

Fee DeliveryFee(const Tariff& tariff, double straight_m, bool raining, int local_hour) {
  Fee f;
  f.road_m = static_cast<int>(std::lround(straight_m * tariff.circuity));
  bool banded = false;
  for (const auto& [up_to, fee] : tariff.bands) {
    if (f.road_m <= up_to) {
      f.base = fee;
      banded = true;
      break;
    }
  }
  if (!banded) {
    const auto& [last_m, last_fee] = tariff.bands.back();
    std::int64_t extra_km = (f.road_m - last_m + 999) / 1000;
    f.base = last_fee + extra_km * tariff.per_km_beyond;
  }
  if (raining) f.rain = tariff.rain_surcharge;
  bool night = tariff.night_from_hour > tariff.night_to_hour
                   ? (local_hour >= tariff.night_from_hour || local_hour < tariff.night_to_hour)
                   : (local_hour >= tariff.night_from_hour && local_hour < tariff.night_to_hour);
  if (night) f.night = tariff.night_surcharge;
  f.total = f.base + f.rain + f.night;
  return f;
}

}  // namespace okada::orders::domain
