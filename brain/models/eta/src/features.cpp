#include "okada/brain/eta/features.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

constexpr double kPi = 3.14159265358979323846;

void CheckCoordinate(double v, double limit, const char* name) {
  if (!std::isfinite(v) || std::fabs(v) > limit)
    throw std::invalid_argument(std::string("eta: trip query ") + name + " out of range: " + std::to_string(v));
}

// Initial great-circle bearing in degrees [0, 360), 0 = north, clockwise.
double BearingDegrees(double lat1, double lon1, double lat2, double lon2) {
  const double rad = kPi / 180.0;
  const double y = std::sin((lon2 - lon1) * rad) * std::cos(lat2 * rad);
  const double x = std::cos(lat1 * rad) * std::sin(lat2 * rad) -
                   std::sin(lat1 * rad) * std::cos(lat2 * rad) * std::cos((lon2 - lon1) * rad);
  double deg = std::atan2(y, x) / rad;
  if (deg < 0) deg += 360.0;
  if (deg >= 360.0) deg -= 360.0;
  return deg;
}

}  // namespace

const std::array<std::string_view, kFeatureCount>& FeatureNames() {
  static const std::array<std::string_view, kFeatureCount> kNames{
      "haversine_m", "bearing_deg", "from_zone", "to_zone", "hour",   "weekday",      "weekend",
      "rain",        "from_lat",    "from_lon",  "to_lat",  "to_lon", "crosses_wouri"};
  return kNames;
}

void ValidateQuery(const TripQuery& q) {
  CheckCoordinate(q.from_lat, 90, "from_lat");
  CheckCoordinate(q.from_lon, 180, "from_lon");
  CheckCoordinate(q.to_lat, 90, "to_lat");
  CheckCoordinate(q.to_lon, 180, "to_lon");
  if (q.hour < 0 || q.hour > 23)
    throw std::invalid_argument("eta: trip query hour must be 0-23, got " + std::to_string(q.hour));
  if (q.weekday < 0 || q.weekday > 6)
    throw std::invalid_argument("eta: trip query weekday must be 0 (Monday) to 6, got " + std::to_string(q.weekday));
}

FeatureVector Features(const TripQuery& q) {
  ValidateQuery(q);
  const int from_zone = ZoneOf(q.from_lat, q.from_lon);
  const int to_zone = ZoneOf(q.to_lat, q.to_lon);
  const bool crosses = ZoneAt(from_zone).west_bank != ZoneAt(to_zone).west_bank;
  return FeatureVector{static_cast<float>(HaversineMetres(q.from_lat, q.from_lon, q.to_lat, q.to_lon)),
                       static_cast<float>(BearingDegrees(q.from_lat, q.from_lon, q.to_lat, q.to_lon)),
                       static_cast<float>(from_zone),
                       static_cast<float>(to_zone),
                       static_cast<float>(q.hour),
                       static_cast<float>(q.weekday),
                       q.weekday >= 5 ? 1.0f : 0.0f,
                       q.rain ? 1.0f : 0.0f,
                       static_cast<float>(q.from_lat),
                       static_cast<float>(q.from_lon),
                       static_cast<float>(q.to_lat),
                       static_cast<float>(q.to_lon),
                       crosses ? 1.0f : 0.0f};
}

}  // namespace okada::brain::eta
