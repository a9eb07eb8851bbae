#pragma once
// `okada brain eta …`: synthetic trips, XGBoost training with export to okada_eta's own model format, and
// evaluation against the haversine × circuity baseline. Only okada-brain links XGBoost; okada serves the exported
// model through okada_eta.

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/eta/model.hpp"
#include "okada/brain/eta/trips.hpp"

namespace okada::brain::eta_cmd {

// argv[1] is "eta"; argv[2] the subcommand (trips, train, evaluate). Returns the exit status.
int EtaCommand(int argc, char** argv);

struct TrainOptions {
  int rounds = 300;
  int max_depth = 6;
  double learning_rate = 0.1;
  double min_child_weight = 5;
  std::uint64_t seed = 1;
  int threads = 1;
  std::string name = "douala-eta";
};

struct TrainResult {
  eta::Model model;                             // the exported model, as okada_eta reads it back
  std::vector<double> xgboost_holdout_seconds;  // XGBoost's own predictions for the holdout trips
  double max_abs_diff_s = 0;                    // max |okada_eta - XGBoost| over the holdout, seconds
};

// Fits the baseline on `train`, trains XGBoost (reg:squarederror on log seconds, hist) and exports the trees.
// Progress goes to `progress` when not null. Throws std::runtime_error on an XGBoost or export failure.
TrainResult Train(std::span<const eta::Trip> train, std::span<const eta::Trip> holdout, const TrainOptions& options,
                  std::ostream* progress);

// Converts an XGBoost 1.7 JSON model (gbtree, reg:squarederror, numerical splits, one output) to okada_eta's
// model data. Throws std::runtime_error naming what is unsupported or missing.
eta::ModelData ConvertXgboostJson(std::string_view json, const eta::Baseline& baseline, const std::string& name);

}  // namespace okada::brain::eta_cmd
