#pragma once
// Douala's delivery zones for the ETA model: named neighbourhoods with the centroid of their OpenStreetMap place
// node (data/geo/douala_poi_nodes.csv). A point belongs to the zone with the nearest centroid.

#include <cstdint>
#include <span>
#include <string_view>

namespace okada::brain::eta {

struct Zone {
  std::string_view name;  // UTF-8, as in the OSM extract (the source row's name when it differs is in zones.cpp)
  double lat = 0;
  double lon = 0;
  bool west_bank = false;        // west of the Wouri: reaching the rest of the city means crossing the Wouri bridge
  std::int64_t osm_node_id = 0;  // the source row in data/geo/douala_poi_nodes.csv
};

// Great-circle distance in metres (mean Earth radius 6,371,008.8 m).
double HaversineMetres(double lat1, double lon1, double lat2, double lon2);

int ZoneCount();
std::span<const Zone> Zones();
const Zone& ZoneAt(int id);  // throws std::out_of_range
// Nearest centroid (haversine); ties go to the lower id. Throws std::invalid_argument on non-finite coordinates.
int ZoneOf(double lat, double lon);
int ZoneByName(std::string_view name);  // -1 when unknown

}  // namespace okada::brain::eta
