#pragma once
// The ETA model as served: gradient-boosted regression trees evaluated by our own code (no XGBoost), plus the
// haversine × circuity / speed baseline. The file format ("okada-eta-gbt 1") is specified in
// brain/models/eta/README.md; WriteModelText() writes it and Model::Parse() reads it back, validating everything.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/eta/features.hpp"

namespace okada::brain::eta {

// Defaults of a baseline-only model (no trained file): a typical road circuity for an African city's grid and an
// okada's average door-to-door speed in Douala traffic.
inline constexpr double kDefaultCircuity = 1.35;
inline constexpr double kDefaultSpeedKmh = 22.0;

struct Baseline {
  double circuity = kDefaultCircuity;
  double speed_mps = kDefaultSpeedKmh / 3.6;
  // haversine × circuity / speed. Throws std::invalid_argument on an invalid query.
  double Seconds(const TripQuery& q) const;
};

// One tree node. Split nodes go left when the feature is < threshold (XGBoost's rule), or when it is NaN and
// default_left; leaves (feature == -1) carry `value`.
struct TreeNode {
  std::int32_t feature = -1;
  float value = 0;  // threshold of a split node, leaf value of a leaf
  std::int32_t left = -1, right = -1;
  bool default_left = false;
};

struct Tree {
  std::vector<TreeNode> nodes;  // nodes[0] is the root; children always have larger indices than their parent
};

// Everything a model file holds. Prediction: seconds = exp(base_score + Σ tree leaves), summed in float32 in
// tree order (bit-for-bit what XGBoost computes for the same trees).
struct ModelData {
  std::string name = "eta";  // one token: letters, digits, '-', '_', '.'
  Baseline baseline;
  float base_score = 0;  // initial margin, log seconds
  std::vector<Tree> trees;
};

std::string WriteModelText(const ModelData& data);

class Model {
 public:
  // Reads and validates a model file. Throws std::runtime_error("<path>:<line>: <reason>") on any problem.
  static Model Load(const std::filesystem::path& path);
  // As Load, from text; `source` names it in error messages.
  static Model Parse(std::string_view text, const std::string& source);
  // Validates data (tree structure, finite values, baseline) and builds a model; throws std::runtime_error.
  static Model FromData(ModelData data);
  // For a server: Load(path) when the file exists, BaselineOnly() (the defaults) when it does not. A file that
  // exists but is malformed still throws: a broken model is an error, not a reason to fall back silently.
  static Model LoadOrBaselineOnly(const std::filesystem::path& path);
  // No trees: Seconds() is the baseline. Throws std::invalid_argument on a non-positive or non-finite argument.
  static Model BaselineOnly(double circuity = kDefaultCircuity, double speed_kmh = kDefaultSpeedKmh);

  // Predicted door-to-door seconds (trees when present, baseline otherwise). Throws std::invalid_argument on an
  // invalid query (see ValidateQuery).
  double Seconds(const TripQuery& q) const;
  double BaselineSeconds(const TripQuery& q) const;
  // Raw margin (log seconds) for a feature vector: base_score + Σ leaves, in float32.
  float Margin(const FeatureVector& features) const;

  // "<name>@<16 hex digits>": the FNV-1a 64-bit hash of the file's bytes (a content fingerprint, not a security
  // hash), or "baseline-only(circuity=C,speed_kmh=S)".
  std::string Version() const { return version_; }
  bool HasTrees() const { return !data_.trees.empty(); }
  const ModelData& Data() const { return data_; }

 private:
  ModelData data_;
  std::string version_;
};

}  // namespace okada::brain::eta
