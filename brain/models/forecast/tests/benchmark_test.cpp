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

// "auto" weighs a global model per segment on the last H values of the training histories. An oracle that knows the
// generating rule (spikes no statistical model can foresee) wins the segment and auto then takes its forecasts; a
// useless one (all zeros) changes nothing. The global model is only ever handed training histories: first less
// their last H values (the backtest), then whole.
TEST(RunForecasts, AutoTakesAGlobalModelOnlyWhereItBacktestsBetter) {
  const int h = 24, m = 24;
  const auto rule = [](std::size_t t) {
    return 100.0 + ((t * 7919) % 13 == 0 ? 80.0 : 0.0) + 10 * std::sin(t * 0.2618);
  };
  std::vector<Series> train;
  for (int i = 0; i < 12; ++i) {
    Series s{"S" + std::to_string(i), {}};
    for (std::size_t t = 0; t < static_cast<std::size_t>(300 + 24 * i); ++t) s.values.push_back(rule(t));
    train.push_back(std::move(s));
  }
  std::vector<std::vector<std::size_t>> lengths_seen;
  const auto oracle = [&](const std::vector<Series>& series) {
    std::vector<Forecast> out;
    lengths_seen.emplace_back();
    for (const auto& s : series) {
      lengths_seen.back().push_back(s.values.size());
      std::vector<double> f;
      for (std::size_t k = 0; k < static_cast<std::size_t>(h); ++k) f.push_back(rule(s.values.size() + k));
      std::vector<double> lo = f, hi = f;
      for (double& v : lo) v -= 5;
      for (double& v : hi) v += 5;
      out.push_back(Forecast{f, lo, f, hi});
    }
    return out;
  };
  const auto zeros = [&](const std::vector<Series>& series) {
    const std::vector<double> z(h, 0.0);
    return std::vector<Forecast>(series.size(), Forecast{z, z, z, z});
  };
  RunOptions plain;
  plain.horizon = h;
  plain.season = m;
  plain.models = {"auto"};
  const auto alone = RunForecasts(train, plain);

  RunOptions with = plain;
  with.global["oracle"] = oracle;
  with.global["zeros"] = zeros;
  with.auto_global = {"zeros", "oracle"};
  const auto run = RunForecasts(train, with);
  ASSERT_EQ(lengths_seen.size(), 2u);  // the backtest call, then the final one
  for (std::size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(lengths_seen[0][i], train[i].values.size() - h) << "the backtest saw the window it is judged on";
    EXPECT_EQ(lengths_seen[1][i], train[i].values.size());
  }
  ASSERT_EQ(run.auto_segments.size(), 1u);  // no intermittent series here
  EXPECT_NE(run.auto_segments[0].find("→ oracle"), std::string::npos) << run.auto_segments[0];
  for (std::size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(run.auto_choices[i], "oracle");
    const Forecast expected = oracle({train[i]})[0];
    EXPECT_EQ(run.forecasts.at("auto")[i].values, expected.point) << train[i].id;
    // The band comes with the forecast it was chosen for.
    EXPECT_EQ(run.bands.at("auto")[i].q10, expected.q10) << train[i].id;
    EXPECT_EQ(run.bands.at("auto")[i].q90, expected.q90) << train[i].id;
  }

  RunOptions useless = plain;
  useless.global["zeros"] = zeros;
  useless.auto_global = {"zeros"};
  const auto kept = RunForecasts(train, useless);
  EXPECT_NE(kept.auto_segments[0].find("→ auto"), std::string::npos) << kept.auto_segments[0];
  for (std::size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(kept.forecasts.at("auto")[i].values, alone.forecasts.at("auto")[i].values);
    EXPECT_EQ(kept.bands.at("auto")[i].q90, alone.bands.at("auto")[i].q90);
    EXPECT_EQ(alone.bands.at("auto")[i].point, alone.forecasts.at("auto")[i].values);
    EXPECT_EQ(kept.auto_choices[i], alone.auto_choices[i]);
  }
  RunOptions unknown = plain;
  unknown.auto_global = {"nothing"};
  EXPECT_THROW(RunForecasts(train, unknown), std::invalid_argument);
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
