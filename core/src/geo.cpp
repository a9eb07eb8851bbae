#include "okada/core/geo.hpp"

#include <algorithm>
#include <cmath>

namespace okada::geo {

double DistanceM(double lat1, double lon1, double lat2, double lon2) noexcept {
  constexpr double kEarthM = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRad;
  double dlon = (lon2 - lon1) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthM * std::asin(std::min(1.0, std::sqrt(h)));
}

bool InRing(double lat, double lon, const std::vector<std::pair<double, double>>& ring) noexcept {
  bool inside = false;
  std::size_t n = ring.size();
  if (n == 0) return false;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    double xi = ring[i].first, yi = ring[i].second, xj = ring[j].first, yj = ring[j].second;
    if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

std::string Geohash(double lat, double lon, int precision) {
  static constexpr char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lat_lo = -90, lat_hi = 90, lon_lo = -180, lon_hi = 180;
  std::string out;
  bool even = true;
  int bit = 0, ch = 0;
  while (static_cast<int>(out.size()) < precision) {
    double& lo = even ? lon_lo : lat_lo;
    double& hi = even ? lon_hi : lat_hi;
    double v = even ? lon : lat;
    double mid = (lo + hi) / 2;
    ch <<= 1;
    if (v >= mid) {
      ch |= 1;
      lo = mid;
    } else {
      hi = mid;
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

}  // namespace okada::geo
