#include "eta_cmd.hpp"

#include "cli.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "okada/brain/eta/metrics.hpp"
#include "okada/brain/eta/synthetic.hpp"
#include "okada/brain/xgb.hpp"

namespace okada::brain::eta_cmd {
namespace {

namespace json = boost::json;

constexpr const char* kEtaHelp = R"(Usage: okada brain eta <command> [options]

The ETA (travel-time) model: gradient-boosted trees trained here with XGBoost, exported to okada_eta's own
format (brain/models/eta/README.md) and served by okada without XGBoost.

Commands:
  trips     write SYNTHETIC Douala trips (a CSV) from brain/models/eta/synthetic_trips.conf
  train     train on a trips CSV (last days held out), export the model, print baseline vs model errors
  evaluate  print a model's errors and its baseline's on a trips CSV

Run 'okada brain eta <command> --help' for a command's options.
)";

constexpr const char* kTripsHelp =
    R"(Usage: okada brain eta trips --days N --out FILE.csv [--seed S] [--start YYYY-MM-DD]
                              [--params FILE]

Writes SYNTHETIC trips (made up from the parameters in brain/models/eta/synthetic_trips.conf, built into this
binary; the market simulator will replace them) over N consecutive days. Deterministic for a seed.
CSV header: started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds
  started_at ISO-8601 Douala local time (2026-06-01T07:43:12+01:00), rain 0/1, seconds door to door.

  --days N            days to generate (1-3650)
  --out FILE          CSV to write
  --seed S            random seed (default 1)
  --start DATE        first day (default: start_date of the parameters)
  --params FILE       other generator parameters, same format as synthetic_trips.conf

Exit status: 0 written, 1 parameters invalid or file not writable, 2 usage error.
)";

constexpr const char* kTrainHelp =
    R"(Usage: okada brain eta train --trips FILE.csv --holdout-days D --out MODEL
                             [--rounds N] [--seed S] [--threads T] [--max-depth N] [--learning-rate X]
                             [--name NAME]

Holds out the trips of the last D days (Douala calendar days), fits the baseline (haversine x circuity / speed:
circuity 1.35, MAE-optimal speed) on the rest, trains XGBoost (reg:squarederror on log seconds, hist) on it,
exports the trees to MODEL (okada_eta's format), then evaluates on the holdout the exported model through
okada_eta (not XGBoost) and the baseline. Checks that okada_eta reproduces XGBoost's own predictions
(fails if they differ by more than 0.01 s). Progress goes to stderr; stdout gets one JSON object:
  {"trips_train": N, "trips_holdout": M, "baseline": {"mae_s", "p90_abs_error_s", "mape"}, "gbt": {...},
   "mae_improvement": 1 - gbt MAE / baseline MAE, "max_abs_diff_s": X, "model": MODEL, "version": V}

  --trips FILE         trips CSV (as written by 'okada brain eta trips', or any source with that header)
  --holdout-days D     days held out at the end (>= 1; some earlier trips must remain)
  --out MODEL          model file to write
  --rounds N           boosting rounds (default 300)
  --seed S             XGBoost seed (default 1)
  --threads T          XGBoost threads (default 1)
  --max-depth N        tree depth (default 6)
  --learning-rate X    shrinkage (default 0.1)
  --name NAME          model name recorded in the file (default douala-eta)

Exit status: 0 trained, 1 input invalid, training failed or predictions disagree, 2 usage error.
)";

constexpr const char* kEvaluateHelp =
    R"(Usage: okada brain eta evaluate --model FILE --trips FILE.csv [--holdout-days D]

Prints the model's and its baseline's errors on the trips (all of them, or with --holdout-days only the last D
days) as one JSON object:
  {"trips": M, "baseline": {"mae_s", "p90_abs_error_s", "mape"}, "gbt": {...}, "mae_improvement": X,
   "model": FILE, "version": V}

Exit status: 0 printed, 1 model or trips invalid, 2 usage error.
)";

int Usage(const std::string& command, const std::string& message) { return cli::Usage("eta " + command, message); }

using Args = cli::Args;

// `--name value` and `--name=value`, from argv[3]. Returns false after printing a usage error.
bool ParseArgs(const std::string& command, int argc, char** argv, const std::vector<std::string>& allowed, Args& out) {
  return cli::Parse("eta " + command, argc, argv, 3, allowed, {}, out);
}

bool ParseInt(const std::string& text, long long lo, long long hi, long long& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) return false;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return out >= lo && out <= hi;
}

bool ParseDouble(const std::string& text, double& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && errno == 0 && std::isfinite(out);
}

std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string MetricsJson(const eta::ErrorMetrics& m) {
  return "{\"mae_s\": " + Number(m.mae_s, 2) + ", \"p90_abs_error_s\": " + Number(m.p90_abs_error_s, 2) +
         ", \"mape\": " + Number(m.mape, 4) + "}";
}

std::string JsonString(const std::string& s) { return json::serialize(json::value(s)); }

// ---- XGBoost -------------------------------------------------------------------------------------------------

using xgb::Booster;
using xgb::Check;
using xgb::DMatrix;

// Rows of features (the shared okada_eta feature function) and log-seconds labels.
void FillMatrix(std::span<const eta::Trip> trips, int threads, DMatrix& m) {
  std::vector<float> x(trips.size() * eta::kFeatureCount);
  std::vector<float> y(trips.size());
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const eta::FeatureVector f = eta::Features(trips[i].query);
    std::copy(f.begin(), f.end(), x.begin() + static_cast<std::ptrdiff_t>(i * eta::kFeatureCount));
    y[i] = static_cast<float>(std::log(trips[i].seconds));
  }
  Check(XGDMatrixCreateFromMat_omp(x.data(), trips.size(), eta::kFeatureCount, std::numeric_limits<float>::quiet_NaN(),
                                   &m.handle, threads),
        "creating a DMatrix");
  Check(XGDMatrixSetFloatInfo(m.handle, "label", y.data(), y.size()), "setting labels");
}

// ---- XGBoost JSON --------------------------------------------------------------------------------------------

const json::value& At(const json::value& v, std::string_view key, const std::string& path) {
  if (!v.is_object()) throw std::runtime_error("xgboost model: " + path + " is not an object");
  const json::value* found = v.as_object().if_contains(key);
  if (!found) throw std::runtime_error("xgboost model: missing " + path + "." + std::string(key));
  return *found;
}

const json::array& Array(const json::value& v, std::string_view key, const std::string& path) {
  const json::value& a = At(v, key, path);
  if (!a.is_array()) throw std::runtime_error("xgboost model: " + path + "." + std::string(key) + " is not an array");
  return a.as_array();
}

double AsNumber(const json::value& v, const std::string& what) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_bool()) return v.get_bool() ? 1 : 0;
  if (v.is_string()) {
    double d = 0;
    if (ParseDouble(std::string(v.get_string()), d)) return d;
  }
  throw std::runtime_error("xgboost model: " + what + " is not a number");
}

std::string AsString(const json::value& v, const std::string& what) {
  if (!v.is_string()) throw std::runtime_error("xgboost model: " + what + " is not a string");
  return std::string(v.get_string());
}

}  // namespace

eta::ModelData ConvertXgboostJson(std::string_view text, const eta::Baseline& baseline, const std::string& name) {
  json::value root;
  try {
    root = json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("xgboost model: not JSON: ") + e.what());
  }
  const json::value& learner = At(root, "learner", "$");
  const json::value& params = At(learner, "learner_model_param", "learner");
  if (AsNumber(At(params, "num_feature", "learner_model_param"), "num_feature") != eta::kFeatureCount)
    throw std::runtime_error("xgboost model: num_feature is not " + std::to_string(eta::kFeatureCount));
  const double num_class = AsNumber(At(params, "num_class", "learner_model_param"), "num_class");
  if (num_class > 1) throw std::runtime_error("xgboost model: multi-class models are not supported");
  if (const json::value* targets = params.as_object().if_contains("num_target"))
    if (AsNumber(*targets, "num_target") > 1) throw std::runtime_error("xgboost model: multi-target not supported");
  const std::string objective = AsString(At(At(learner, "objective", "learner"), "name", "objective"), "objective");
  if (objective != "reg:squarederror")
    throw std::runtime_error("xgboost model: objective " + objective + " is not supported (reg:squarederror)");
  const json::value& booster = At(learner, "gradient_booster", "learner");
  if (AsString(At(booster, "name", "gradient_booster"), "booster name") != "gbtree")
    throw std::runtime_error("xgboost model: only the gbtree booster is supported");
  const json::value& model = At(booster, "model", "gradient_booster");

  eta::ModelData data;
  data.name = name;
  data.baseline = baseline;
  data.base_score = static_cast<float>(AsNumber(At(params, "base_score", "learner_model_param"), "base_score"));
  const json::array& trees = Array(model, "trees", "model");
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string path = "trees[" + std::to_string(t) + "]";
    const json::value& tree = trees[t];
    const json::array& left = Array(tree, "left_children", path);
    const json::array& right = Array(tree, "right_children", path);
    const json::array& feature = Array(tree, "split_indices", path);
    const json::array& cond = Array(tree, "split_conditions", path);
    const json::array& default_left = Array(tree, "default_left", path);
    const std::size_t n = left.size();
    if (n == 0 || right.size() != n || feature.size() != n || cond.size() != n || default_left.size() != n)
      throw std::runtime_error("xgboost model: " + path + ": node arrays differ in length");
    if (const json::value* types = tree.as_object().if_contains("split_type"))
      for (const auto& type : types->as_array())
        if (AsNumber(type, "split_type") != 0)
          throw std::runtime_error("xgboost model: " + path + ": categorical splits are not supported");
    // Renumber the nodes reachable from the root in depth-first order, so children follow their parent.
    eta::Tree out;
    std::vector<std::int64_t> stack{0};
    std::vector<std::pair<std::size_t, bool>> parent_of;  // for each stacked xgboost node: where to write its index
    std::vector<bool> seen(n, false);
    parent_of.push_back({0, false});
    while (!stack.empty()) {
      const std::int64_t id = stack.back();
      stack.pop_back();
      const auto [parent, is_left] = parent_of.back();
      parent_of.pop_back();
      if (id < 0 || static_cast<std::size_t>(id) >= n || seen[static_cast<std::size_t>(id)])
        throw std::runtime_error("xgboost model: " + path + ": bad child index " + std::to_string(id));
      seen[static_cast<std::size_t>(id)] = true;
      const auto i = static_cast<std::size_t>(id);
      const std::size_t index = out.nodes.size();
      if (index > 0) (is_left ? out.nodes[parent].left : out.nodes[parent].right) = static_cast<std::int32_t>(index);
      eta::TreeNode node;
      const auto l = static_cast<std::int64_t>(AsNumber(left[i], "left_children"));
      const auto r = static_cast<std::int64_t>(AsNumber(right[i], "right_children"));
      node.value = static_cast<float>(AsNumber(cond[i], "split_conditions"));
      if (l == -1) {
        if (r != -1) throw std::runtime_error("xgboost model: " + path + ": node with one child");
        out.nodes.push_back(node);
        continue;
      }
      node.feature = static_cast<std::int32_t>(AsNumber(feature[i], "split_indices"));
      node.default_left = AsNumber(default_left[i], "default_left") != 0;
      out.nodes.push_back(node);
      stack.push_back(r);  // left is popped first: preorder, left subtree then right
      parent_of.push_back({index, false});
      stack.push_back(l);
      parent_of.push_back({index, true});
    }
    data.trees.push_back(std::move(out));
  }
  if (const json::value* info = model.as_object().if_contains("tree_info"))
    for (const auto& group : info->as_array())
      if (AsNumber(group, "tree_info") != 0) throw std::runtime_error("xgboost model: more than one output group");
  return data;
}

TrainResult Train(std::span<const eta::Trip> train, std::span<const eta::Trip> holdout, const TrainOptions& options,
                  std::ostream* progress) {
  if (train.empty()) throw std::runtime_error("no training trips");
  const eta::Baseline baseline = eta::FitBaseline(train);
  if (progress)
    *progress << "baseline: circuity " << baseline.circuity << ", speed " << Number(baseline.speed_mps * 3.6, 2)
              << " km/h (fitted on " << train.size() << " trips)\n";
  DMatrix dtrain, dholdout;
  FillMatrix(train, options.threads, dtrain);
  if (!holdout.empty()) FillMatrix(holdout, options.threads, dholdout);

  // Start from the mean log travel time, rounded to 1/1024 so that the value XGBoost writes back is exact.
  double mean = 0;
  for (const eta::Trip& t : train) mean += std::log(t.seconds);
  mean = std::round(mean / static_cast<double>(train.size()) * 1024) / 1024;

  Booster booster;
  Check(XGBoosterCreate(&dtrain.handle, 1, &booster.handle), "creating the booster");
  const std::map<std::string, std::string> params{
      {"objective", "reg:squarederror"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(options.max_depth)},
      {"eta", Number(options.learning_rate, 6)},
      {"min_child_weight", Number(options.min_child_weight, 6)},
      {"base_score", Number(mean, 10)},
      {"nthread", std::to_string(options.threads)},
      {"seed", std::to_string(options.seed)},
      {"verbosity", "1"},
  };
  for (const auto& [key, value] : params)
    Check(XGBoosterSetParam(booster.handle, key.c_str(), value.c_str()), key.c_str());
  DMatrixHandle eval_sets[2] = {dtrain.handle, dholdout.handle};
  const char* eval_names[2] = {"train", "holdout"};
  for (int round = 0; round < options.rounds; ++round) {
    Check(XGBoosterUpdateOneIter(booster.handle, round, dtrain.handle), "training");
    if (progress && (round % 25 == 0 || round + 1 == options.rounds)) {
      const char* result = nullptr;
      Check(XGBoosterEvalOneIter(booster.handle, round, eval_sets, eval_names, holdout.empty() ? 1 : 2, &result),
            "evaluating");
      *progress << result << " (rmse of log seconds)\n";
    }
  }

  bst_ulong length = 0;
  const char* buffer = nullptr;
  Check(XGBoosterSaveModelToBuffer(booster.handle, R"({"format": "json"})", &length, &buffer), "saving the model");
  eta::ModelData data = ConvertXgboostJson(std::string_view(buffer, length), baseline, options.name);
  if (data.base_score != static_cast<float>(mean))
    throw std::runtime_error("xgboost model: base_score " + std::to_string(data.base_score) + " is not the one set");
  TrainResult result{eta::Model::FromData(std::move(data)), {}, 0};

  if (!holdout.empty()) {
    bst_ulong const* shape = nullptr;
    bst_ulong dims = 0;
    const float* predictions = nullptr;
    Check(XGBoosterPredictFromDMatrix(
              booster.handle, dholdout.handle,
              R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})",
              &shape, &dims, &predictions),
          "predicting");
    if (dims != 1 || shape[0] != holdout.size()) throw std::runtime_error("xgboost: unexpected prediction shape");
    for (std::size_t i = 0; i < holdout.size(); ++i) {
      const double xgb = std::exp(static_cast<double>(predictions[i]));
      result.xgboost_holdout_seconds.push_back(xgb);
      result.max_abs_diff_s = std::max(result.max_abs_diff_s, std::fabs(xgb - result.model.Seconds(holdout[i].query)));
    }
  }
  return result;
}

namespace {

int Trips(int argc, char** argv) {
  Args a;
  if (!ParseArgs("trips", argc, argv, {"--days", "--out", "--seed", "--start", "--params"}, a)) return 2;
  if (a.help) {
    std::cout << kTripsHelp;
    return 0;
  }
  long long days = 0, seed = 0;
  if (!a.Has("--days")) return Usage("trips", "--days is required");
  if (!ParseInt(a.Get("--days"), 1, 3650, days))
    return Usage("trips", "--days must be a whole number of days in 1-3650, got '" + a.Get("--days") + "'");
  if (!a.Has("--out") || a.Get("--out").empty()) return Usage("trips", "--out is required");
  if (!ParseInt(a.Get("--seed", "1"), 0, std::numeric_limits<long long>::max(), seed))
    return Usage("trips", "--seed must be a non-negative integer, got '" + a.Get("--seed") + "'");
  std::int64_t start = 0;
  if (a.Has("--start")) {
    try {
      start = eta::ParseDate(a.Get("--start"));
    } catch (const std::exception& e) {
      return Usage("trips", std::string("--start: ") + e.what());
    }
  }
  try {
    eta::SyntheticParams params =
        a.Has("--params") ? eta::LoadSyntheticParams(a.Get("--params")) : eta::DefaultSyntheticParams();
    if (a.Has("--start")) params.start_day = start;
    const auto trips = eta::GenerateTrips(params, static_cast<int>(days), static_cast<std::uint64_t>(seed));
    std::ofstream out(a.Get("--out"), std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + a.Get("--out"));
    eta::WriteTripsCsv(out, trips);
    out.close();
    if (!out) throw std::runtime_error("error writing " + a.Get("--out"));
    std::cerr << "wrote " << trips.size() << " synthetic trips over " << days << " days from "
              << eta::FormatLocalTime(params.start_day * 86400).substr(0, 10) << " (seed " << seed << ") to "
              << a.Get("--out") << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain eta trips: " << e.what() << "\n";
    return 1;
  }
}

int TrainCommand(int argc, char** argv) {
  Args a;
  if (!ParseArgs("train", argc, argv,
                 {"--trips", "--holdout-days", "--out", "--rounds", "--seed", "--threads", "--max-depth",
                  "--learning-rate", "--name"},
                 a))
    return 2;
  if (a.help) {
    std::cout << kTrainHelp;
    return 0;
  }
  if (!a.Has("--trips") || a.Get("--trips").empty()) return Usage("train", "--trips is required");
  if (!a.Has("--holdout-days")) return Usage("train", "--holdout-days is required");
  if (!a.Has("--out") || a.Get("--out").empty()) return Usage("train", "--out is required");
  long long holdout_days = 0, rounds = 0, seed = 0, threads = 0, depth = 0;
  if (!ParseInt(a.Get("--holdout-days"), 1, 3650, holdout_days))
    return Usage("train",
                 "--holdout-days must be a whole number of days in 1-3650, got '" + a.Get("--holdout-days") + "'");
  if (!ParseInt(a.Get("--rounds", "300"), 1, 100000, rounds))
    return Usage("train", "--rounds must be an integer in 1-100000, got '" + a.Get("--rounds") + "'");
  if (!ParseInt(a.Get("--seed", "1"), 0, std::numeric_limits<int>::max(), seed))
    return Usage("train", "--seed must be a non-negative integer, got '" + a.Get("--seed") + "'");
  if (!ParseInt(a.Get("--threads", "1"), 1, 256, threads))
    return Usage("train", "--threads must be an integer in 1-256, got '" + a.Get("--threads") + "'");
  if (!ParseInt(a.Get("--max-depth", "6"), 1, 16, depth))
    return Usage("train", "--max-depth must be an integer in 1-16, got '" + a.Get("--max-depth") + "'");
  TrainOptions options;
  options.rounds = static_cast<int>(rounds);
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = static_cast<int>(threads);
  options.max_depth = static_cast<int>(depth);
  if (a.Has("--learning-rate") && (!ParseDouble(a.Get("--learning-rate"), options.learning_rate) ||
                                   !(options.learning_rate > 0) || options.learning_rate > 1))
    return Usage("train", "--learning-rate must be a number in (0, 1], got '" + a.Get("--learning-rate") + "'");
  options.name = a.Get("--name", options.name);
  try {
    const auto trips = eta::ReadTripsCsv(a.Get("--trips"));
    const eta::TripSplit split = eta::SplitHoldoutDays(trips, static_cast<int>(holdout_days));
    if (split.train.empty()) throw std::runtime_error("no trips before the last " + a.Get("--holdout-days") + " days");
    if (split.holdout.empty()) throw std::runtime_error("no trips to hold out");
    std::cerr << "trips: " << split.train.size() << " train, " << split.holdout.size() << " held out (last "
              << holdout_days << " days, from " << eta::FormatLocalTime(split.holdout.front().local_time).substr(0, 10)
              << ")\n";
    TrainResult result = Train(split.train, split.holdout, options, &std::cerr);
    const std::string text = eta::WriteModelText(result.model.Data());
    {
      std::ofstream out(a.Get("--out"), std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("cannot write " + a.Get("--out"));
      out << text;
      out.close();
      if (!out) throw std::runtime_error("error writing " + a.Get("--out"));
    }
    // Evaluate what was written, read back through okada_eta as the server reads it.
    const eta::Model model = eta::Model::Load(a.Get("--out"));
    const eta::ModelEvaluation e = eta::Evaluate(model, split.holdout);
    std::cerr << "exported " << model.Data().trees.size() << " trees (" << text.size() << " bytes) to "
              << a.Get("--out") << "; okada_eta vs XGBoost on the holdout: max abs diff "
              << Number(result.max_abs_diff_s, 6) << " s\n";
    std::cout << "{\"trips_train\": " << split.train.size() << ", \"trips_holdout\": " << split.holdout.size()
              << ", \"baseline\": " << MetricsJson(e.baseline) << ", \"gbt\": " << MetricsJson(e.model)
              << ", \"mae_improvement\": " << Number(e.mae_improvement, 4)
              << ", \"max_abs_diff_s\": " << Number(result.max_abs_diff_s, 6)
              << ", \"model\": " << JsonString(a.Get("--out")) << ", \"version\": " << JsonString(model.Version())
              << "}\n";
    if (!(result.max_abs_diff_s <= 0.01)) {
      std::cerr << "okada brain eta train: okada_eta disagrees with XGBoost by " << result.max_abs_diff_s
                << " s (> 0.01 s)\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain eta train: " << e.what() << "\n";
    return 1;
  }
}

int EvaluateCommand(int argc, char** argv) {
  Args a;
  if (!ParseArgs("evaluate", argc, argv, {"--model", "--trips", "--holdout-days"}, a)) return 2;
  if (a.help) {
    std::cout << kEvaluateHelp;
    return 0;
  }
  if (!a.Has("--model") || a.Get("--model").empty()) return Usage("evaluate", "--model is required");
  if (!a.Has("--trips") || a.Get("--trips").empty()) return Usage("evaluate", "--trips is required");
  long long holdout_days = 0;
  if (a.Has("--holdout-days") && !ParseInt(a.Get("--holdout-days"), 1, 3650, holdout_days))
    return Usage("evaluate",
                 "--holdout-days must be a whole number of days in 1-3650, got '" + a.Get("--holdout-days") + "'");
  try {
    const eta::Model model = eta::Model::Load(a.Get("--model"));
    auto trips = eta::ReadTripsCsv(a.Get("--trips"));
    if (holdout_days > 0) trips = eta::SplitHoldoutDays(trips, static_cast<int>(holdout_days)).holdout;
    if (trips.empty()) throw std::runtime_error("no trips to evaluate");
    const eta::ModelEvaluation e = eta::Evaluate(model, trips);
    std::cout << "{\"trips\": " << trips.size() << ", \"baseline\": " << MetricsJson(e.baseline)
              << ", \"gbt\": " << MetricsJson(e.model) << ", \"mae_improvement\": " << Number(e.mae_improvement, 4)
              << ", \"model\": " << JsonString(a.Get("--model")) << ", \"version\": " << JsonString(model.Version())
              << "}\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain eta evaluate: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int EtaCommand(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << kEtaHelp;
    return 2;
  }
  const std::string sub = argv[2];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kEtaHelp;
    return 0;
  }
  if (sub == "trips") return Trips(argc, argv);
  if (sub == "train") return TrainCommand(argc, argv);
  if (sub == "evaluate") return EvaluateCommand(argc, argv);
  std::cerr << "okada brain eta: unknown command '" << sub << "'\n\n" << kEtaHelp;
  return 2;
}

}  // namespace okada::brain::eta_cmd
