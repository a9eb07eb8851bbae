#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "okada/brain/registry/registry.hpp"

namespace okada::brain::registry {
namespace {

namespace fs = std::filesystem;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("okada-registry-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    artifact_ = root_.string() + "-model.bin";
    std::ofstream(artifact_) << "weights";
  }
  void TearDown() override {
    fs::remove_all(root_);
    fs::remove(artifact_);
  }
  // A version trained now, measured on its holdout together with the champion of the moment.
  ModelVersion Trained(Registry& r, double ndcg) {
    ModelVersion v;
    v.model = "recs";
    v.run_id = "run-" + std::to_string(++runs_);
    v.primary_metric = "ndcg@10";
    v.metrics = {{"ndcg@10", ndcg}, {"hr@10", 0.5}};
    if (auto champion = r.ByAlias("recs", "champion")) {
      v.compared_with = champion->version;
      v.champion_metrics = {{"ndcg@10", champion->metrics.at("ndcg@10")}};
    }
    v.data_from = "2026-09-01T00:00:00Z";
    v.data_to = "2026-11-30T00:00:00Z";
    v.data_hash = Sha256Hex("rows");
    v.data_rows = 1234;
    v.params = R"({"k":10})";
    return r.Register(v, artifact_);
  }
  fs::path root_;
  std::string artifact_;
  int runs_ = 0;
};

TEST_F(RegistryTest, PromotionRefusesAChallengerWorseThanTheChampion) {
  Registry r(root_);
  const ModelVersion v1 = Trained(r, 0.30);
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(r.Aliases("recs").at("challenger"), 1);
  const Decision first = r.Promote("recs", 1);
  EXPECT_TRUE(first.promote) << first.reason;
  EXPECT_EQ(r.ByAlias("recs", "champion")->version, 1);

  const ModelVersion worse = Trained(r, 0.28);
  EXPECT_EQ(worse.compared_with, 1);
  const Decision refused = r.Promote("recs", worse.version);
  EXPECT_FALSE(refused.promote);
  EXPECT_NE(refused.reason.find("not better than v1"), std::string::npos) << refused.reason;
  EXPECT_EQ(r.ByAlias("recs", "champion")->version, 1);
  EXPECT_EQ(r.Aliases("recs").at("challenger"), worse.version);

  const ModelVersion equal = Trained(r, 0.30);
  EXPECT_FALSE(r.Promote("recs", equal.version).promote);  // equal is not better

  const ModelVersion better = Trained(r, 0.33);
  const Decision promoted = r.Promote("recs", better.version);
  EXPECT_TRUE(promoted.promote) << promoted.reason;
  EXPECT_EQ(r.ByAlias("recs", "champion")->version, better.version);
  EXPECT_EQ(r.Aliases("recs").at("previous"), 1);

  // A challenger measured against v1 cannot be promoted over the new champion on old figures.
  const Decision stale = r.Promote("recs", equal.version);
  EXPECT_FALSE(stale.promote);
  EXPECT_NE(stale.reason.find("evaluate it again"), std::string::npos) << stale.reason;
}

TEST_F(RegistryTest, LowerIsBetterMetricsAndForcedPromotion) {
  ModelVersion a;
  a.model = "eta";
  a.version = 2;
  a.primary_metric = "mae_s";
  a.higher_is_better = false;
  a.metrics = {{"mae_s", 170}};
  a.champion_metrics = {{"mae_s", 180}};
  a.compared_with = 1;
  ModelVersion champion = a;
  champion.version = 1;
  EXPECT_TRUE(Decide(a, champion).promote);
  a.metrics["mae_s"] = 190;
  EXPECT_FALSE(Decide(a, champion).promote);
  a.metrics.clear();
  EXPECT_NE(Decide(a, champion).reason.find("has no 'mae_s'"), std::string::npos);

  Registry r(root_);
  Trained(r, 0.30);
  r.Promote("recs", 1);
  const ModelVersion worse = Trained(r, 0.20);
  const Decision forced = r.Promote("recs", worse.version, true, "rollback of a bad feature");
  EXPECT_TRUE(forced.promote);
  EXPECT_NE(forced.reason.find("forced: rollback of a bad feature"), std::string::npos) << forced.reason;
  EXPECT_EQ(r.ByAlias("recs", "champion")->version, worse.version);
}

// A forecast's artifact is made from its data: the same recipe on newer data, equal on the same holdout, replaces
// the champion; it still may not be worse, nor equal on data no newer than the champion's. The flag persists.
TEST_F(RegistryTest, ARefreshVersionEqualOnTheHoldoutButOnNewerDataIsPromoted) {
  ModelVersion champion;
  champion.model = "forecast";
  champion.version = 1;
  champion.primary_metric = "mase";
  champion.higher_is_better = false;
  champion.data_to = "2026-11-23T00:00:00Z";
  ModelVersion fresh = champion;
  fresh.version = 2;
  fresh.compared_with = 1;
  fresh.refresh = true;
  fresh.data_to = "2026-11-30T00:00:00Z";
  fresh.metrics = {{"mase", 0.7}};
  fresh.champion_metrics = {{"mase", 0.7}};
  const Decision equal = Decide(fresh, champion);
  EXPECT_TRUE(equal.promote) << equal.reason;
  EXPECT_NE(equal.reason.find("newer data"), std::string::npos) << equal.reason;
  fresh.metrics["mase"] = 0.71;
  EXPECT_FALSE(Decide(fresh, champion).promote);
  fresh.metrics["mase"] = 0.7;
  fresh.data_to = champion.data_to;
  EXPECT_FALSE(Decide(fresh, champion).promote);
  fresh.data_to = "2026-11-30T00:00:00Z";
  fresh.refresh = false;
  EXPECT_FALSE(Decide(fresh, champion).promote);  // equal is not better for an ordinary model

  Registry r(root_);
  ModelVersion v = fresh;
  v.refresh = true;
  v.compared_with = 0;
  v.champion_metrics.clear();
  const ModelVersion stored = r.Register(v, artifact_);
  EXPECT_TRUE(Registry(root_).Get("forecast", stored.version)->refresh);
}

TEST_F(RegistryTest, RecordsPersistWithLineageAndArtifactHash) {
  {
    Registry r(root_);
    Trained(r, 0.3);
  }
  Registry again(root_);
  const auto v = again.Get("recs", 1);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->run_id, "run-1");
  EXPECT_EQ(v->data_rows, 1234u);
  EXPECT_EQ(v->data_from, "2026-09-01T00:00:00Z");
  EXPECT_EQ(v->params, R"({"k":10})");
  EXPECT_EQ(v->sha256, Sha256Hex("weights"));
  EXPECT_EQ(v->artifact, "artifacts/recs/v1/" + fs::path(artifact_).filename().string());
  EXPECT_EQ(v->artifact_bytes, 7u);
  EXPECT_TRUE(again.Verify(*v));
  std::ofstream(again.ArtifactPath(*v)) << "tampered";
  EXPECT_FALSE(again.Verify(*v));
  EXPECT_THROW(again.Promote("recs", 1), std::runtime_error);
  EXPECT_EQ(again.Models(), std::vector<std::string>{"recs"});
  EXPECT_THROW(again.Promote("recs", 9), std::invalid_argument);
  EXPECT_THROW(again.Promote("nope", 1), std::invalid_argument);
  EXPECT_THROW(again.SetAlias("recs", "champion", 9), std::invalid_argument);
}

TEST_F(RegistryTest, ConcurrentRegistrationsLoseNothing) {
  Registry r(root_);
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t)
    writers.emplace_back([&] {
      Registry mine(root_);
      for (int i = 0; i < 15; ++i) {
        ModelVersion v;
        v.model = "recs";
        mine.Register(v, artifact_);
      }
    });
  for (auto& w : writers) w.join();
  std::set<int> versions;
  for (const ModelVersion& v : r.Versions("recs")) versions.insert(v.version);
  EXPECT_EQ(versions.size(), 30u);
  EXPECT_EQ(*versions.rbegin(), 30);
}

TEST_F(RegistryTest, ACorruptRegistryFileIsAnErrorNotAnEmptyRegistry) {
  Registry r(root_);
  std::ofstream(root_ / "registry.json") << "{not json";
  try {
    r.Versions("recs");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unreadable registry"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace okada::brain::registry
