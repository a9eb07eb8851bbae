#pragma once
/// Points on the Earth, shared by the services that place things (checkout's distances and zones, the catalogue's
/// "near me", dispatch). Pure functions, thread-safe.
#include <string>

namespace okada::geo {

/// Great-circle distance in metres (haversine on the mean Earth radius, 6,371,008.8 m).
double DistanceM(double lat1, double lon1, double lat2, double lon2) noexcept;
/// Geohash of `precision` characters (6 ≈ 1.2 km × 0.6 km: the coarse zone events and analytics carry).
std::string Geohash(double lat, double lon, int precision);

}  // namespace okada::geo
