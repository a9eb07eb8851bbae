#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "eta_cmd.hpp"
#include "okada/brain/eta/metrics.hpp"
#include "okada/brain/eta/synthetic.hpp"

namespace okada::brain::eta_cmd {
namespace {

TEST(EtaTrain, ExportReproducesXgboostAndBeatsTheBaseline) {
  // Four weeks of synthetic trips, the last seven days held out.
  eta::SyntheticParams params = eta::DefaultSyntheticParams();
  params.trips_per_day = 300;
  const auto trips = eta::GenerateTrips(params, 28, 7);
  const eta::TripSplit split = eta::SplitHoldoutDays(trips, 7);
  ASSERT_GT(split.train.size(), 5000u);
  ASSERT_GT(split.holdout.size(), 1500u);
  TrainOptions options;
  options.rounds = 150;
  options.name = "test-eta";
  std::ostringstream progress;
  const TrainResult result = Train(split.train, split.holdout, options, &progress);
  EXPECT_NE(progress.str().find("holdout-rmse"), std::string::npos) << progress.str();
  ASSERT_EQ(result.model.Data().trees.size(), 150u);
  ASSERT_EQ(result.xgboost_holdout_seconds.size(), split.holdout.size());

  // Our evaluator against XGBoost's own predictions (float32 sums: allow 1e-3 s).
  double max_diff = 0;
  for (std::size_t i = 0; i < split.holdout.size(); ++i)
    max_diff =
        std::max(max_diff, std::fabs(result.model.Seconds(split.holdout[i].query) - result.xgboost_holdout_seconds[i]));
  EXPECT_LT(max_diff, 1e-3);
  EXPECT_DOUBLE_EQ(max_diff, result.max_abs_diff_s);

  // The written file reads back to the same predictions.
  const eta::Model reloaded = eta::Model::Parse(eta::WriteModelText(result.model.Data()), "reloaded.gbt");
  EXPECT_EQ(reloaded.Version(), result.model.Version());
  for (std::size_t i = 0; i < split.holdout.size(); i += 97)
    EXPECT_EQ(reloaded.Seconds(split.holdout[i].query), result.model.Seconds(split.holdout[i].query));

  // Held-out days: gradient boosting at least 15 % better MAE than the baseline fitted on the same training days.
  const eta::ModelEvaluation e = eta::Evaluate(reloaded, split.holdout);
  EXPECT_GE(e.mae_improvement, 0.15) << "baseline MAE " << e.baseline.mae_s << " s, GBT MAE " << e.model.mae_s << " s";
  EXPECT_LT(e.model.p90_abs_error_s, e.baseline.p90_abs_error_s);
  EXPECT_LT(e.model.mape, e.baseline.mape);
  const eta::Baseline fitted = eta::FitBaseline(split.train);
  EXPECT_DOUBLE_EQ(reloaded.Data().baseline.speed_mps, fitted.speed_mps);
}

TEST(EtaTrain, ConverterRejectsUnsupportedModels) {
  const eta::Baseline b;
  auto error_of = [&](const std::string& json) {
    try {
      ConvertXgboostJson(json, b, "x");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(error_of("{not json").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("{}").find("missing $.learner"), std::string::npos);
  const std::string head =
      R"({"learner": {"learner_model_param": {"num_feature": "13", "num_class": "0", "base_score": "6.5E0"},
          "objective": {"name": "OBJ"}, "gradient_booster": {"name": "gbtree", "model": {"trees": [TREE]}}}})";
  auto model = [&](const std::string& objective, const std::string& tree) {
    std::string s = head;
    s.replace(s.find("OBJ"), 3, objective);
    s.replace(s.find("TREE"), 4, tree);
    return s;
  };
  const std::string stump =
      R"({"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [4, 0, 0],
          "split_conditions": [7.5, -0.25, 0.5], "default_left": [1, 0, 0]})";
  // A valid stump converts: hour < 7.5 → -0.25, else 0.5, on top of 6.5.
  const eta::ModelData data = ConvertXgboostJson(model("reg:squarederror", stump), b, "stump");
  ASSERT_EQ(data.trees.size(), 1u);
  EXPECT_EQ(data.base_score, 6.5f);
  const eta::Model m = eta::Model::FromData(data);
  EXPECT_DOUBLE_EQ(m.Seconds(eta::TripQuery{4.05, 9.7, 4.06, 9.72, 7, 0, false}), std::exp(6.25));
  EXPECT_DOUBLE_EQ(m.Seconds(eta::TripQuery{4.05, 9.7, 4.06, 9.72, 8, 0, false}), std::exp(7.0));
  EXPECT_NE(error_of(model("reg:logistic", stump)).find("objective reg:logistic is not supported"), std::string::npos);
  EXPECT_NE(error_of(model("reg:squarederror", R"({"left_children": [1, -1], "right_children": [2, -1],
      "split_indices": [4, 0], "split_conditions": [7.5, -0.25], "default_left": [1, 0]})"))
                .find("bad child index 2"),
            std::string::npos);
  std::string wrong_features = model("reg:squarederror", stump);
  wrong_features.replace(wrong_features.find("\"13\""), 4, "\"12\"");
  EXPECT_NE(error_of(wrong_features).find("num_feature is not 13"), std::string::npos);
}

}  // namespace
}  // namespace okada::brain::eta_cmd
