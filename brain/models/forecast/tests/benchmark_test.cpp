#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "okada/brain/forecast/benchmark.hpp"
#include "okada/brain/forecast/m4.hpp"

namespace okada::brain::forecast {
namespace {

const std::string kData = OKADA_FORECAST_TEST_DATA;

// Eight M4 hourly series (H1, H2, H50, H100: 700 values; H170, H171, H300, H414: 960) and their 48 test values,
// copied from bench/forecast/data: the whole path the CLI takes, end to end.
TEST(RunForecasts, M4HourlySliceEndToEnd) {
  const auto train = LoadM4(kData + "/m4_hourly_slice_train.csv");
  const auto test = LoadM4(kData + "/m4_hourly_slice_test.csv");
  ASSERT_EQ(train.size(), 8u);
  ASSERT_EQ(test.size(), 8u);
  EXPECT_EQ(train[0].values.size(), 700u);  // padded to 960 in the file
  EXPECT_EQ(train[7].values.size(), 960u);

  RunOptions options;
  options.horizon = 48;
  options.season = 24;
  options.models = {"snaive", "ets", "theta", "auto"};
  std::size_t calls = 0, last = 0;
  options.progress = [&](std::size_t done, std::size_t total) {
    ++calls;
    last = done;
    EXPECT_EQ(total, 8u);
  };
  const auto run = RunForecasts(train, options);
  EXPECT_EQ(calls, 8u);
  EXPECT_EQ(last, 8u);
  ASSERT_EQ(run.auto_choices.size(), 8u);
  std::map<std::string, Scores> scores;
  for (const auto& m : options.models) {
    const auto& rows = run.forecasts.at(m);
    ASSERT_EQ(rows.size(), 8u) << m;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].id, train[i].id);
      ASSERT_EQ(rows[i].values.size(), 48u);
      for (double v : rows[i].values) EXPECT_TRUE(std::isfinite(v) && v >= 0) << m << " " << rows[i].id;
    }
    scores[m] = Score(train, test, rows, 48, 24);
    EXPECT_EQ(scores[m].series, 8u);
    EXPECT_EQ(scores[m].mase_left_out, 0u);
  }
  // The seasonal naive's figures on this slice (the same code gives M4's official 13.912 / 1.193 on all 414).
  EXPECT_NEAR(scores["snaive"].smape, 7.20741, 1e-4);
  EXPECT_NEAR(scores["snaive"].mase, 1.223812, 1e-5);
  // Selection by backtest beats the benchmark here.
  EXPECT_LT(scores["auto"].smape, scores["snaive"].smape);
  EXPECT_LT(scores["auto"].mase, scores["snaive"].mase);

  // The forecasts file reads back as written.
  std::stringstream file;
  WriteM4(file, run.forecasts.at("auto"));
  const auto back = ParseM4(file, "forecasts.csv");
  ASSERT_EQ(back.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(back[i].values, run.forecasts.at("auto")[i].values);
}

TEST(RunForecasts, RejectsBadOptionsBeforeWorking) {
  const std::vector<Series> train{{"a", {1, 2, 3, 4, 5}}};
  RunOptions o;
  o.horizon = 2;
  o.models = {"snaive", "gbdt"};
  bool called = false;
  o.progress = [&](std::size_t, std::size_t) { called = true; };
  EXPECT_THROW(RunForecasts(train, o), std::invalid_argument);
  EXPECT_FALSE(called);
  o.models = {"snaive"};
  o.horizon = 0;
  EXPECT_THROW(RunForecasts(train, o), std::invalid_argument);
}

TEST(Score, NeedsATestRowOfAtLeastTheHorizon) {
  const std::vector<Series> train{{"a", {1, 2, 3, 4}}, {"b", {4, 3, 2, 1}}};
  const std::vector<Series> fc{{"a", {5, 6}}, {"b", {0, 0}}};
  EXPECT_THROW(Score(train, {{"a", {5, 6}}}, fc, 2, 1), std::runtime_error);
  EXPECT_THROW(Score(train, {{"a", {5, 6}}, {"b", {1}}}, fc, 2, 1), std::runtime_error);
  const Scores s = Score(train, {{"b", {0, 1}}, {"a", {5, 6}}}, fc, 2, 1);  // matched by id, not order
  EXPECT_EQ(s.series, 2u);
  EXPECT_DOUBLE_EQ(s.smape, (0 + (0 + 200.0) / 2) / 2);
  EXPECT_DOUBLE_EQ(s.mase, (0 + 0.5) / 2);
}

TEST(ScoresJson, TheCliContract) {
  std::map<std::string, Scores> s;
  s["snaive"] = {414, 13.912273, 1.19321, 0};
  s["auto"] = {414, 9.5, std::nan(""), 2};
  EXPECT_EQ(ScoresJson(414, 48, {"snaive", "auto"}, s),
            "{\"series\":414,\"horizon\":48,\"models\":{\"snaive\":{\"smape\":13.912273,\"mase\":1.19321,"
            "\"mase_left_out\":0},\"auto\":{\"smape\":9.5,\"mase\":null,\"mase_left_out\":2}}}");
}

}  // namespace
}  // namespace okada::brain::forecast
