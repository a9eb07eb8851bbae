#pragma once
// The embedded Douala points (generated at configure time from data/geo; see cmake/embed_poi.cmake).

namespace okada::brain::policy::detail {

struct LatLon {
  double lat;
  double lon;
};

extern const LatLon kPickupPoints[];
extern const int kPickupCount;
extern const LatLon kDropPoints[];
extern const int kDropCount;

}  // namespace okada::brain::policy::detail
