#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>

#include "okada/brain/eta/features.hpp"
#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

TEST(EtaZones, TableIsDoualaNeighbourhoods) {
  EXPECT_GE(ZoneCount(), 15);
  EXPECT_LE(ZoneCount(), 25);
  std::set<std::string> names;
  for (const Zone& z : Zones()) {
    EXPECT_TRUE(names.insert(std::string(z.name)).second) << z.name;
    // Douala lies around 4.05 N 9.70 E.
    EXPECT_NEAR(z.lat, 4.05, 0.1) << z.name;
    EXPECT_NEAR(z.lon, 9.72, 0.12) << z.name;
    EXPECT_GT(z.osm_node_id, 0) << z.name;
  }
  for (const char* name : {"Akwa", "Bonanjo", "Bonapriso", "Deido", "Bonabéri", "Bépanda", "New Bell", "Ndokoti",
                           "Makepe", "Bonamoussadi", "Kotto", "Logbaba", "Yassa", "Bali", "Cité des Palmiers"})
    EXPECT_GE(ZoneByName(name), 0) << name;
  EXPECT_EQ(ZoneByName("Yaoundé"), -1);
  // Akwa is row 401736801 of data/geo/douala_poi_nodes.csv: 4.052544, 9.6963304.
  const Zone& akwa = ZoneAt(ZoneByName("Akwa"));
  EXPECT_EQ(akwa.osm_node_id, 401736801);
  EXPECT_DOUBLE_EQ(akwa.lat, 4.052544);
  EXPECT_DOUBLE_EQ(akwa.lon, 9.6963304);
  EXPECT_TRUE(ZoneAt(ZoneByName("Bonabéri")).west_bank);
  EXPECT_FALSE(akwa.west_bank);
  EXPECT_THROW(ZoneAt(-1), std::out_of_range);
  EXPECT_THROW(ZoneAt(ZoneCount()), std::out_of_range);
}

TEST(EtaZones, PointsGoToTheNearestCentroid) {
  for (int i = 0; i < ZoneCount(); ++i) EXPECT_EQ(ZoneOf(ZoneAt(i).lat, ZoneAt(i).lon), i) << ZoneAt(i).name;
  const Zone& akwa = ZoneAt(ZoneByName("Akwa"));
  EXPECT_EQ(ZoneOf(akwa.lat + 0.0009, akwa.lon - 0.0005), ZoneByName("Akwa"));  // ~110 m away
  // Half-way between two centroids, a little towards the second: the second.
  const Zone& a = ZoneAt(ZoneByName("Makepe"));
  const Zone& b = ZoneAt(ZoneByName("Bonamoussadi"));
  EXPECT_EQ(ZoneOf(a.lat + 0.6 * (b.lat - a.lat), a.lon + 0.6 * (b.lon - a.lon)), ZoneByName("Bonamoussadi"));
  EXPECT_THROW(ZoneOf(std::nan(""), 9.7), std::invalid_argument);
}

TEST(EtaZones, Haversine) {
  // One degree of latitude on a sphere of radius 6,371,008.8 m is 111,195.08 m.
  EXPECT_NEAR(HaversineMetres(4.0, 9.7, 5.0, 9.7), 111195.08, 0.01);
  EXPECT_DOUBLE_EQ(HaversineMetres(4.05, 9.7, 4.05, 9.7), 0.0);
  EXPECT_NEAR(HaversineMetres(4.05, 9.70, 4.06, 9.72), HaversineMetres(4.06, 9.72, 4.05, 9.70), 1e-9);
  // Along the parallel at 4°: cos(4°) × 111,195.08 per degree of longitude.
  EXPECT_NEAR(HaversineMetres(4.0, 9.0, 4.0, 10.0), 111195.08 * std::cos(4.0 * M_PI / 180), 20);
}

TEST(EtaFeatures, NamesAndValues) {
  ASSERT_EQ(FeatureNames().size(), 13u);
  EXPECT_EQ(FeatureNames()[0], "haversine_m");
  EXPECT_EQ(FeatureNames()[12], "crosses_wouri");
  const Zone& akwa = ZoneAt(ZoneByName("Akwa"));
  const Zone& bonaberi = ZoneAt(ZoneByName("Bonabéri"));
  TripQuery q{akwa.lat, akwa.lon, bonaberi.lat, bonaberi.lon, 8, 5, true};
  const FeatureVector f = Features(q);
  EXPECT_EQ(f[0], static_cast<float>(HaversineMetres(akwa.lat, akwa.lon, bonaberi.lat, bonaberi.lon)));
  EXPECT_GT(f[1], 270.0f);  // Bonabéri is north-west of Akwa
  EXPECT_LT(f[1], 360.0f);
  EXPECT_EQ(f[2], static_cast<float>(ZoneByName("Akwa")));
  EXPECT_EQ(f[3], static_cast<float>(ZoneByName("Bonabéri")));
  EXPECT_EQ(f[4], 8.0f);
  EXPECT_EQ(f[5], 5.0f);
  EXPECT_EQ(f[6], 1.0f);  // Saturday
  EXPECT_EQ(f[7], 1.0f);
  EXPECT_EQ(f[8], static_cast<float>(akwa.lat));
  EXPECT_EQ(f[9], static_cast<float>(akwa.lon));
  EXPECT_EQ(f[10], static_cast<float>(bonaberi.lat));
  EXPECT_EQ(f[11], static_cast<float>(bonaberi.lon));
  EXPECT_EQ(f[12], 1.0f);  // across the Wouri

  const Zone& deido = ZoneAt(ZoneByName("Deido"));
  const FeatureVector g = Features(TripQuery{akwa.lat, akwa.lon, deido.lat, deido.lon, 23, 2, false});
  EXPECT_EQ(g[6], 0.0f);   // Wednesday
  EXPECT_EQ(g[7], 0.0f);   // dry
  EXPECT_EQ(g[12], 0.0f);  // same bank
  // Bearings: due north 0, due east 90.
  EXPECT_NEAR(Features(TripQuery{4.0, 9.7, 4.01, 9.7, 0, 0, false})[1], 0.0f, 1e-3);
  EXPECT_NEAR(Features(TripQuery{4.0, 9.7, 4.0, 9.71, 0, 0, false})[1], 90.0f, 1e-2);
}

TEST(EtaFeatures, RejectsInvalidQueries) {
  const TripQuery ok{4.05, 9.70, 4.06, 9.72, 12, 3, false};
  EXPECT_NO_THROW(Features(ok));
  auto expect_invalid = [](TripQuery q, const std::string& field) {
    try {
      Features(q);
      ADD_FAILURE() << "accepted an invalid " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  TripQuery q = ok;
  q.hour = 24;
  expect_invalid(q, "hour");
  q = ok;
  q.hour = -1;
  expect_invalid(q, "hour");
  q = ok;
  q.weekday = 7;
  expect_invalid(q, "weekday");
  q = ok;
  q.from_lat = std::numeric_limits<double>::quiet_NaN();
  expect_invalid(q, "from_lat");
  q = ok;
  q.to_lat = 91;
  expect_invalid(q, "to_lat");
  q = ok;
  q.to_lon = std::numeric_limits<double>::infinity();
  expect_invalid(q, "to_lon");
}

}  // namespace
}  // namespace okada::brain::eta
