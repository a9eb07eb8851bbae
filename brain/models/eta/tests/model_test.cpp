#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "okada/brain/eta/model.hpp"
#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

const std::string kFeatures =
    "features 13 haversine_m bearing_deg from_zone to_zone hour weekday weekend rain from_lat from_lon to_lat "
    "to_lon crosses_wouri\n";

// Two trees, values exactly representable in float:
//   tree 0: haversine_m < 1000 → +0.5 else +1.0 (NaN goes left)
//   tree 1: rain < 0.5 → (hour < 7 → -0.25 else +0.25), rain → +0.125 (NaN goes right)
std::string TinyModel() {
  return "okada-eta-gbt 1\n"
         "name tiny\n" +
         kFeatures +
         "target log_seconds\n"
         "baseline 1.5 5\n"
         "base_score 5\n"
         "trees 2\n"
         "tree 3\n"
         "s 0 1000 1 2 1\n"
         "l 0.5\n"
         "l 1\n"
         "tree 5\n"
         "s 7 0.5 1 4 0\n"
         "s 4 7 2 3 0\n"
         "l -0.25\n"
         "l 0.25\n"
         "l 0.125\n"
         "end\n";
}

// A query of about `metres` due north of Akwa.
TripQuery North(double metres, int hour, bool rain) {
  const double lat = 4.052544, lon = 9.6963304;
  return TripQuery{lat, lon, lat + metres / 111195.08, lon, hour, 1, rain};
}

std::string ErrorOf(const std::string& text) {
  try {
    Model::Parse(text, "m.gbt");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(EtaModel, TinyModelEvaluatesToHandComputedValues) {
  const Model m = Model::Parse(TinyModel(), "tiny.gbt");
  ASSERT_TRUE(m.HasTrees());
  EXPECT_EQ(m.Data().trees.size(), 2u);
  // short, 8 h, dry: 5 + 0.5 + 0.25
  EXPECT_DOUBLE_EQ(m.Seconds(North(500, 8, false)), std::exp(5.75));
  // short, 3 h, dry: 5 + 0.5 - 0.25
  EXPECT_DOUBLE_EQ(m.Seconds(North(500, 3, false)), std::exp(5.25));
  // long, 3 h, rain: 5 + 1 + 0.125
  EXPECT_DOUBLE_EQ(m.Seconds(North(2000, 3, true)), std::exp(6.125));
  // exactly at a threshold goes right (x < threshold is left): hour 7 → +0.25
  EXPECT_DOUBLE_EQ(m.Seconds(North(2000, 7, false)), std::exp(6.25));
  // Missing values follow default_left: tree 0 left (+0.5), tree 1 right (+0.125).
  FeatureVector x{};
  x[0] = std::numeric_limits<float>::quiet_NaN();
  x[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(m.Margin(x), 5.625f);
  // Baseline: haversine × 1.5 / 5 m/s.
  const TripQuery q = North(2000, 3, true);
  const double h = HaversineMetres(q.from_lat, q.from_lon, q.to_lat, q.to_lon);
  EXPECT_NEAR(h, 2000, 0.01);
  EXPECT_DOUBLE_EQ(m.BaselineSeconds(q), h * 1.5 / 5);
  EXPECT_THROW(m.Seconds(North(500, 24, false)), std::invalid_argument);
}

TEST(EtaModel, WritesWhatItReadsAndVersionIsAContentHash) {
  const Model m = Model::Parse(TinyModel(), "tiny.gbt");
  EXPECT_EQ(WriteModelText(m.Data()), TinyModel());
  EXPECT_EQ(m.Version().rfind("tiny@", 0), 0u) << m.Version();
  EXPECT_EQ(m.Version().size(), 5u + 16u);
  EXPECT_EQ(Model::Parse(TinyModel(), "other-name.gbt").Version(), m.Version());
  const Model changed = Model::Parse(Replace(TinyModel(), "l 0.125", "l 0.126"), "tiny.gbt");
  EXPECT_NE(changed.Version(), m.Version());
  EXPECT_EQ(Model::FromData(m.Data()).Version(), m.Version());
}

TEST(EtaModel, LoadsFromAFile) {
  const auto path = std::filesystem::temp_directory_path() / ("eta_model_test_" + std::to_string(::getpid()) + ".gbt");
  {
    std::ofstream out(path, std::ios::binary);
    out << TinyModel();
  }
  const Model m = Model::Load(path);
  EXPECT_DOUBLE_EQ(m.Seconds(North(500, 8, false)), std::exp(5.75));
  EXPECT_EQ(Model::LoadOrBaselineOnly(path).Version(), m.Version());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << TinyModel().substr(0, 40);
  }
  EXPECT_THROW(Model::LoadOrBaselineOnly(path), std::runtime_error);  // present but broken: no silent fallback
  std::filesystem::remove(path);
  EXPECT_EQ(Model::LoadOrBaselineOnly(path).Version(), Model::BaselineOnly().Version());
  try {
    Model::Load(path);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(EtaModel, RejectsMalformedFilesNamingLineAndReason) {
  const std::string good = TinyModel();
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"", "m.gbt:1: unexpected end of file"},
      {Replace(good, "okada-eta-gbt 1", "okada-eta 1"), "m.gbt:1: not an okada ETA model"},
      {Replace(good, "okada-eta-gbt 1", "okada-eta-gbt 2"), "m.gbt:1: unsupported format version 2"},
      {Replace(good, "name tiny", "name ti/ny"), "m.gbt:2: bad model name"},
      {Replace(good, "bearing_deg", "heading"), "m.gbt:3: feature 1 is 'heading'"},
      {Replace(good, "features 13", "features 12"), "m.gbt:3: the model must list the 13 features"},
      {Replace(good, "log_seconds", "seconds"), "m.gbt:4: unsupported target"},
      {Replace(good, "baseline 1.5 5", "baseline 0.5 5"), "m.gbt:5: baseline circuity"},
      {Replace(good, "baseline 1.5 5", "baseline 1.5 0"), "m.gbt:5: baseline speed"},
      {Replace(good, "baseline 1.5 5", "baseline 1.5"), "m.gbt:5: 'baseline' line needs 2 value(s)"},
      {Replace(good, "base_score 5", "base_score nan"), "m.gbt:6: base_score is not finite"},
      {Replace(good, "base_score 5", "base_score 5x"), "m.gbt:6: bad base_score '5x'"},
      {Replace(good, "trees 2", "trees 3"), "m.gbt:18: expected 'tree', got 'end'"},
      {Replace(good, "trees 2", "trees 1"), "m.gbt:12: expected 'end', got 'tree'"},
      {Replace(good, "s 0 1000 1 2 1", "s 13 1000 1 2 1"), "m.gbt:11: tree 0: node 0: split feature 13"},
      {Replace(good, "s 0 1000 1 2 1", "s 0 1000 0 2 1"), "m.gbt:11: tree 0: node 0: child 0 must be after"},
      {Replace(good, "s 0 1000 1 2 1", "s 0 1000 1 3 1"), "m.gbt:11: tree 0: node 0: child 3 must be after"},
      {Replace(good, "s 0 1000 1 2 1", "s 0 1000 1 2 2"), "m.gbt:9: default_left must be 0 or 1"},
      {Replace(good, "s 0 1000 1 2 1", "s 0 inf 1 2 1"), "m.gbt:9: split threshold is not finite"},
      {Replace(good, "l 0.5", "l abc"), "m.gbt:10: bad leaf value 'abc'"},
      {Replace(good, "l 0.5", "l 0.5 1"), "m.gbt:10: tree 0 node 1: expected 'l VALUE'"},
      {Replace(good, "l 0.5", "l  0.5"), "m.gbt:10: empty field"},
      {Replace(good, "s 4 7 2 3 0", "s 4 7 2 4 0"), "m.gbt:17: tree 1: node 3 has 0 parents"},
      {Replace(good, "tree 3", "tree 0"), "m.gbt:8: tree 0: bad node count"},
      {good + "extra\n", "m.gbt:18: data after 'end'"},
      {good.substr(0, good.size() - 1), "m.gbt:18: line not terminated by a newline (truncated?)"},
  };
  for (const Case& c : cases) {
    const std::string error = ErrorOf(c.text);
    EXPECT_EQ(error.rfind(c.expected, 0), 0u) << "expected '" << c.expected << "', got '" << error << "'";
  }
}

TEST(EtaModel, EveryTruncationIsRejected) {
  const std::string good = TinyModel();
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const std::string error = ErrorOf(good.substr(0, cut));
    EXPECT_NE(error, "(accepted)") << "accepted the first " << cut << " bytes";
    EXPECT_EQ(error.rfind("m.gbt:", 0), 0u) << error;
  }
}

TEST(EtaModel, BaselineOnly) {
  const Model m = Model::BaselineOnly();
  EXPECT_FALSE(m.HasTrees());
  const TripQuery q = North(3000, 8, false);
  const double h = HaversineMetres(q.from_lat, q.from_lon, q.to_lat, q.to_lon);
  EXPECT_DOUBLE_EQ(m.Seconds(q), h * 1.35 / (22.0 / 3.6));
  EXPECT_DOUBLE_EQ(m.BaselineSeconds(q), m.Seconds(q));
  EXPECT_EQ(m.Version(), "baseline-only(circuity=1.35,speed_kmh=22)");
  EXPECT_DOUBLE_EQ(Model::BaselineOnly(1.2, 18).Seconds(q), h * 1.2 / 5.0);
  EXPECT_THROW(Model::BaselineOnly(1.35, 0), std::invalid_argument);
  EXPECT_THROW(Model::BaselineOnly(0.9, 22), std::invalid_argument);
  EXPECT_THROW(Model::BaselineOnly(1.35, std::nan("")), std::invalid_argument);
}

TEST(EtaModel, FromDataValidates) {
  ModelData data = Model::Parse(TinyModel(), "tiny.gbt").Data();
  data.trees[1].nodes[0].right = 9;
  EXPECT_THROW(Model::FromData(data), std::runtime_error);
  data = Model::Parse(TinyModel(), "tiny.gbt").Data();
  data.trees[0].nodes[1].value = std::numeric_limits<float>::infinity();
  EXPECT_THROW(Model::FromData(data), std::runtime_error);
  data = Model::Parse(TinyModel(), "tiny.gbt").Data();
  data.name = "two words";
  EXPECT_THROW(Model::FromData(data), std::runtime_error);
}

}  // namespace
}  // namespace okada::brain::eta
