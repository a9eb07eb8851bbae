#include "domain/pricing.hpp"

#include <cmath>
#include <stdexcept>

namespace okada::orders::domain {

double HaversineM(Point a, Point b) noexcept {
  constexpr double kEarthM = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  double dlat = (b.lat - a.lat) * kRad;
  double dlon = (b.lon - a.lon) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthM * std::asin(std::min(1.0, std::sqrt(h)));
}

bool InPolygon(Point p, const std::vector<std::pair<double, double>>& ring) noexcept {
  bool inside = false;
  std::size_t n = ring.size();
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    double xi = ring[i].first, yi = ring[i].second, xj = ring[j].first, yj = ring[j].second;
    if ((yi > p.lat) != (yj > p.lat) && p.lon < (xj - xi) * (p.lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

std::string Geohash(Point p, int precision) {
  static constexpr char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lat_lo = -90, lat_hi = 90, lon_lo = -180, lon_hi = 180;
  std::string out;
  bool even = true;
  int bit = 0, ch = 0;
  while (static_cast<int>(out.size()) < precision) {
    if (even) {
      double mid = (lon_lo + lon_hi) / 2;
      if (p.lon >= mid) {
        ch = (ch << 1) | 1;
        lon_lo = mid;
      } else {
        ch <<= 1;
        lon_hi = mid;
      }
    } else {
      double mid = (lat_lo + lat_hi) / 2;
      if (p.lat >= mid) {
        ch = (ch << 1) | 1;
        lat_lo = mid;
      } else {
        ch <<= 1;
        lat_hi = mid;
      }
    }
    even = !even;
    if (++bit == 5) {
      out += kBase32[ch];
      bit = 0;
      ch = 0;
    }
  }
  return out;
}

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
