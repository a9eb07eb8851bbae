#include "okada/brain/eta/zones.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace okada::brain::eta {
namespace {

// Hard-coded from data/geo/douala_poi_nodes.csv (OpenStreetMap, ODbL): rows with tag `place` and value
// suburb/town/locality, one per neighbourhood a courier would name. The osm_node_id is the source row; the
// coordinates are copied unchanged. Where the display name differs from the row's name it is noted.
// West bank: Bonabéri and Sodiko lie across the Wouri from the rest of the city.
// The order is the zone id and part of the model's features: append new zones at the end, never reorder.
constexpr std::array<Zone, 23> kZones{{
    {"Akwa", 4.052544, 9.6963304, false, 401736801},                // place,suburb
    {"Bonanjo", 4.043024, 9.6864962, false, 923991868},             // place,suburb
    {"Bonapriso", 4.0256151, 9.6930153, false, 923991909},          // place,suburb
    {"Bali", 4.0399946, 9.6930482, false, 923991867},               // place,suburb
    {"Deido", 4.0637626, 9.7151827, false, 923991906},              // place,town
    {"Bonabéri", 4.0822098, 9.6649718, true, 331132274},            // row "Bonaberi", place,town
    {"Sodiko", 4.097744, 9.6623609, true, 732131868},               // place,suburb
    {"Bépanda", 4.0565417, 9.7227206, false, 732146009},            // place,suburb
    {"New Bell", 4.0314849, 9.7057582, false, 732152105},           // place,town
    {"Ndokoti", 4.0434344, 9.7436776, false, 732123798},            // place,suburb
    {"Makepe", 4.0638116, 9.7409587, false, 923991888},             // place,town
    {"Bonamoussadi", 4.094354, 9.7393663, false, 923991898},        // place,suburb
    {"Kotto", 4.1003794, 9.7555747, false, 732145852},              // row "Koto", place,suburb
    {"Logbaba", 4.0328521, 9.7603178, false, 732153825},            // place,suburb
    {"Yassa", 3.9913253, 9.8103803, false, 923991900},              // place,suburb
    {"PK8", 4.0470063, 9.7578107, false, 4536300076},               // place,locality
    {"Cité des Palmiers", 4.0542657, 9.7640556, false, 732147708},  // row "Cité Des Palmiers", place,suburb
    {"Logpom", 4.0769067, 9.7711838, false, 732147906},             // place,suburb
    {"Bassa", 4.0458695, 9.7289916, false, 732138353},              // place,suburb
    {"Nyalla", 4.0334103, 9.7744243, false, 923991904},             // row "Nyalla Bassa", place,suburb
    {"Ndogpassi", 4.0100854, 9.7566698, false, 1168413580},         // row "Ndogpassi III", place,suburb
    {"Youpwe", 4.0105092, 9.699614, false, 923991871},              // place,suburb
    {"Logbessou", 4.0844731, 9.7842289, false, 923991895},          // row "Logbessou I", place,suburb
}};

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kPi = 3.14159265358979323846;

}  // namespace

double HaversineMetres(double lat1, double lon1, double lat2, double lon2) {
  const double rad = kPi / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::sqrt(std::min(1.0, a)));
}

int ZoneCount() { return static_cast<int>(kZones.size()); }

std::span<const Zone> Zones() { return kZones; }

const Zone& ZoneAt(int id) {
  if (id < 0 || id >= ZoneCount()) throw std::out_of_range("eta: no zone " + std::to_string(id));
  return kZones[static_cast<std::size_t>(id)];
}

int ZoneOf(double lat, double lon) {
  if (!std::isfinite(lat) || !std::isfinite(lon)) throw std::invalid_argument("eta: non-finite coordinates");
  int best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (int i = 0; i < ZoneCount(); ++i) {
    const double d = HaversineMetres(lat, lon, kZones[i].lat, kZones[i].lon);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return best;
}

int ZoneByName(std::string_view name) {
  for (int i = 0; i < ZoneCount(); ++i)
    if (kZones[i].name == name) return i;
  return -1;
}

}  // namespace okada::brain::eta
