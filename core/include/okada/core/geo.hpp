#pragma once
/// Points on the Earth, shared by the services that place things (checkout's distances and zones, the catalogue's
/// "near me", dispatch). Pure functions, thread-safe.
#include <string>
#include <utility>
#include <vector>

namespace okada::geo {

/// Great-circle distance in metres (haversine on the mean Earth radius, 6,371,008.8 m).
double DistanceM(double lat1, double lon1, double lat2, double lon2) noexcept;
/// Geohash of `precision` characters (6 ≈ 1.2 km × 0.6 km: the coarse zone events and analytics carry).
std::string Geohash(double lat, double lon, int precision);
/// Whether a point lies inside a polygon ring of [lon, lat] vertices (GeoJSON order), closed or not (ray casting).
bool InRing(double lat, double lon, const std::vector<std::pair<double, double>>& ring) noexcept;

}  // namespace okada::geo
