#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "okada/brain/recs/evaluate.hpp"
#include "okada/brain/recs/models.hpp"

namespace okada::brain::recs {
namespace {

// A market with taste groups: users of group g buy mostly from group g's items, plus a few globally popular
// items everyone buys. Personal models must find the groups; popularity cannot.
Dataset GroupMarket(std::uint32_t users, std::uint32_t groups, std::uint32_t items_per_group, std::uint64_t seed) {
  Dataset d;
  const std::uint32_t popular = 5;
  const std::uint32_t items = groups * items_per_group + popular;
  for (std::uint32_t i = 0; i < items; ++i) d.items.push_back("item" + std::to_string(i));
  Rng rng(seed);
  for (std::uint32_t u = 0; u < users; ++u) {
    d.users.push_back("user" + std::to_string(u));
    const std::uint32_t g = u % groups;
    for (int visit = 0; visit < 6; ++visit) {
      const std::int64_t t = 86400LL * (visit + 1) + u;
      for (int line = 0; line < 3; ++line) {
        std::uint32_t item;
        if (rng.Uniform() < 0.3) {
          item = groups * items_per_group + static_cast<std::uint32_t>(rng.Below(popular));
        } else {
          item = g * items_per_group + static_cast<std::uint32_t>(rng.Below(items_per_group));
        }
        d.rows.push_back({u, item, t, 1});
      }
    }
  }
  MergeAndSort(d.rows);
  return d;
}

TEST(Models, TrainDataIndexesBothWays) {
  const std::vector<Interaction> rows = {{0, 1, 5, 2}, {0, 1, 6, 1}, {1, 0, 5, 1}, {1, 1, 9, 1}};
  const TrainData d = BuildTrainData(rows, 3, 2);
  EXPECT_EQ(d.ItemsOf(0).size(), 1u);
  EXPECT_EQ(d.ItemsOf(1).size(), 2u);
  EXPECT_EQ(d.ItemsOf(2).size(), 0u);
  EXPECT_FLOAT_EQ(d.user_value[d.user_begin[0]], 3.0f);
  EXPECT_FLOAT_EQ(d.user_events[d.user_begin[0]], 2.0f);
  EXPECT_EQ(d.user_last[d.user_begin[0]], 6);
  EXPECT_EQ(d.item_events, (std::vector<double>{1, 3}));
  EXPECT_EQ(d.item_begin[2] - d.item_begin[1], 2u);
  EXPECT_EQ(d.latest, 9);
}

TEST(Models, PersonalModelsFindTasteGroupsThatPopularityCannot) {
  const Dataset d = GroupMarket(400, 8, 12, 5);
  const Split s = MakeSplit(d.rows, Protocol::kLeaveLastOut, 1);
  const TrainData train = BuildTrainData(s.train, d.users.size(), d.items.size());
  const double pop = Evaluate(*MakePopularity(train), train, s, 10, true, 1).metrics.ndcg;
  const double knn = Evaluate(*MakeItemKnn(train, {}), train, s, 10, true, 1).metrics.ndcg;
  const double als = Evaluate(*MakeAls(train, {.factors = 16, .iterations = 8}), train, s, 10, true, 2).metrics.ndcg;
  EXPECT_GT(knn, pop * 1.3) << "knn " << knn << " popularity " << pop;
  EXPECT_GT(als, pop * 1.3) << "als " << als << " popularity " << pop;
  // ALS is deterministic for a seed, whatever the thread count.
  const auto a1 = MakeAls(train, {.factors = 8, .iterations = 3, .seed = 4, .threads = 1});
  const auto a2 = MakeAls(train, {.factors = 8, .iterations = 3, .seed = 4, .threads = 2});
  std::vector<float> x(train.items), y(train.items);
  a1->Score(train.HistoryOf(3), 0, x);
  a2->Score(train.HistoryOf(3), 0, y);
  EXPECT_EQ(x, y);
}

TEST(Models, ContentScoresItemsSharingWordsCategoryAndPrice) {
  const std::vector<std::string> names = {"item", "a", "b", "c"};
  const TrainData train = BuildTrainData(std::vector<Interaction>{{0, 0, 1, 1}}, 1, 4);
  ItemContent content;
  content.tokens = {{"poisson", "braisé", "cat:meals"},
                    {"poisson", "fumé", "cat:groceries"},
                    {"savon", "cat:household"},
                    {"bière", "cat:drinks"}};
  std::vector<float> s(4);
  MakeContent(4, content)->Score(train.HistoryOf(0), 0, s);
  EXPECT_GT(s[1], 0.0f);
  EXPECT_EQ(s[2], 0.0f);
  EXPECT_EQ(s[3], 0.0f);
  EXPECT_EQ(TextTokens("Poisson braisé & plantain (1 kg) de Douala"),
            (std::vector<std::string>{"poisson", "braisé", "plantain", "kg", "douala"}));
  EXPECT_TRUE(ContentFromNames({"1193", "661"}).Empty());
  EXPECT_FALSE(ContentFromNames({"whole milk", "661"}).Empty());
}

TEST(Models, HistoryRanksTheUsersOwnFrequentRecentItemsFirst) {
  const std::vector<Interaction> rows = {
      {0, 2, 100, 1}, {0, 2, 200, 1}, {0, 2, 300, 1}, {0, 1, 300, 1}, {1, 0, 100, 1}};
  const TrainData train = BuildTrainData(rows, 2, 3);
  std::vector<float> s(3);
  MakeHistory()->Score(train.HistoryOf(0), 400, s);
  EXPECT_GT(s[2], s[1]);
  EXPECT_GT(s[1], s[0]);
  EXPECT_EQ(s[0], 0.0f);
}

TEST(EvalRecs, HybridBeatsPopularityOnPersonalDataAndIsDeterministic) {
  const Dataset d = GroupMarket(300, 6, 10, 9);
  EvalOptions o;
  o.k = 10;
  o.repeat = true;
  o.threads = 2;
  o.als_factors = 12;
  o.als_iterations = 6;
  const EvalReport a = EvalRecs(d, o);
  ASSERT_EQ(a.models.size(), 3u);
  EXPECT_EQ(a.models[0].name, "popularity");
  EXPECT_EQ(a.models[2].name, "hybrid");
  EXPECT_EQ(a.users, 300u);
  EXPECT_GT(a.models[2].metrics.ndcg, a.models[0].metrics.ndcg * 1.3);
  EXPECT_GT(a.hybrid_vs_popularity.low, 0.0);  // the paired interval excludes no difference
  o.threads = 1;
  EXPECT_EQ(ReportJson(EvalRecs(d, o)), ReportJson(a));
  const std::string json = ReportJson(a);
  for (const char* key : {"\"protocol\": \"leave-last-out\"", "\"k\": 10", "\"users\": 300", "\"items\": 65",
                          "\"popularity\": {\"hr\": ", "\"item_knn\": {", "\"hybrid\": {"})
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
}

}  // namespace
}  // namespace okada::brain::recs
