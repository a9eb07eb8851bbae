#pragma once
// The ETA model's input: a trip query and the one function that turns it into the feature vector. Both the
// trainer (okada-brain) and the evaluator (okada_eta, served by okada) call Features(), so they cannot disagree.

#include <array>
#include <string_view>

namespace okada::brain::eta {

struct TripQuery {
  double from_lat = 0, from_lon = 0, to_lat = 0, to_lon = 0;
  int hour = 0;     // 0-23, Africa/Douala local time (UTC+1, no daylight saving)
  int weekday = 0;  // 0 = Monday … 6 = Sunday
  bool rain = false;
};

inline constexpr int kFeatureCount = 13;
// float32, as gradient-boosting libraries store features and split thresholds.
using FeatureVector = std::array<float, kFeatureCount>;

// Names in feature order (also written in the model file and checked on load):
//   haversine_m, bearing_deg (0 = north, clockwise), from_zone, to_zone, hour, weekday, weekend (Sat/Sun),
//   rain, from_lat, from_lon, to_lat, to_lon, crosses_wouri (one end on each bank of the Wouri).
const std::array<std::string_view, kFeatureCount>& FeatureNames();

// Throws std::invalid_argument naming the field when the query is out of range (hour, weekday, non-finite or
// out-of-range coordinates).
void ValidateQuery(const TripQuery& q);
FeatureVector Features(const TripQuery& q);

}  // namespace okada::brain::eta
