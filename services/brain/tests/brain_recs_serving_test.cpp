// Recommendation serving's pure rules (domain/recs.hpp): the challenger share, ranking over what is on sale,
// "buy again", cold-start popularity by neighbourhood and time of day.
#include <gtest/gtest.h>

#include "domain/recs.hpp"

namespace okada::brain::recs_serving {
namespace {

TEST(RecsServing, ChallengerShareIsStableAndNearThePercent) {
  int in = 0;
  for (int i = 0; i < 10000; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "0193a5c2-9b33-7e50-9c73-%012d", i);
    const bool x = InChallenger(id, 10);
    EXPECT_EQ(x, InChallenger(id, 10));
    in += x;
  }
  EXPECT_NEAR(in, 1000, 120);
  EXPECT_FALSE(InChallenger("anyone", 0));
  EXPECT_TRUE(InChallenger("anyone", 100));
}

TEST(RecsServing, BuyAgainKeepsWhatIsOnSaleMostOftenThenMostRecentFirst) {
  const std::int64_t now = 1'800'000'000;
  const std::vector<HistoryItem> h = {
      {"rice", 1, now - 86400}, {"plantain", 5, now - 40 * 86400}, {"beer", 1, now - 90 * 86400}, {"gone", 9, now}};
  const auto on_sale = [](const std::string& id) { return id != "gone"; };
  const auto picks = BuyAgain(h, now, on_sale, 10);
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].product_id, "plantain");
  EXPECT_EQ(picks[1].product_id, "rice");
  EXPECT_EQ(picks[2].product_id, "beer");
  EXPECT_EQ(BuyAgain(h, now, on_sale, 1).size(), 1u);
}

TEST(RecsServing, DoualaTimeAndPartsOfTheDay) {
  // 2026-12-01 05:30 UTC is 06:30 in Douala: morning.
  EXPECT_EQ(LocalHour(1796103000), 6);
  EXPECT_EQ(LocalHour(1796103000 - 6 * 3600), 0);
  EXPECT_EQ(Daypart(23), 0);
  EXPECT_EQ(Daypart(4), 0);
  EXPECT_EQ(Daypart(5), 1);
  EXPECT_EQ(Daypart(12), 2);
  EXPECT_EQ(Daypart(15), 3);
  EXPECT_EQ(Daypart(21), 4);
  EXPECT_EQ(Neighbourhood("s0uzj2"), "s0uzj");
  EXPECT_EQ(Neighbourhood("s0u"), "");
}

// Akwa (s1b0…) buys bread in the morning and beer in the evening; Bonamoussadi (s1b2…) buys plantain at any
// time; the city as a whole buys rice most.
PopularityTable Crafted() {
  PopularityBuilder b;
  for (int i = 0; i < 6; ++i) b.Add("s1b0a1", 7, "bread", 1);
  for (int i = 0; i < 5; ++i) b.Add("s1b0a2", 19, "beer", 1);
  for (int h : {8, 12, 19}) b.Add("s1b2c3", h, "plantain", 5);
  for (int h : {7, 8, 12, 13, 16, 19, 20}) b.Add("s1b9zz", h, "rice", 4);
  return b.Build({{"rice", 28}, {"plantain", 15}, {"bread", 6}, {"beer", 5}, {"soap", 1}});
}

TEST(RecsServing, ColdStartFollowsTheNeighbourhoodAndTheTimeOfDay) {
  const PopularityTable t = Crafted();
  const auto all = [](const std::string&) { return true; };
  const auto akwa_morning = ContextualPopular(t, "s1b0a", 1, all, {}, 3);
  ASSERT_FALSE(akwa_morning.empty());
  EXPECT_EQ(akwa_morning[0].product_id, "bread");
  const auto akwa_evening = ContextualPopular(t, "s1b0a", 4, all, {}, 3);
  EXPECT_EQ(akwa_evening[0].product_id, "beer");
  const auto bonamoussadi = ContextualPopular(t, "s1b2c", 2, all, {}, 3);
  EXPECT_EQ(bonamoussadi[0].product_id, "plantain");
  // Nowhere known (or a neighbourhood without orders): the city's favourite at this time of day.
  EXPECT_EQ(ContextualPopular(t, "", 3, all, {}, 3)[0].product_id, "rice");
  EXPECT_EQ(ContextualPopular(t, "s1zzz", 1, all, {}, 3)[0].product_id, "rice");
  // What is not on sale or excluded is left out; products nobody ordered nearby still come, from the overall list.
  const auto no_bread = ContextualPopular(
      t, "s1b0a", 1, [](const std::string& id) { return id != "bread"; }, {"rice"}, 10);
  for (const Pick& p : no_bread) {
    EXPECT_NE(p.product_id, "bread");
    EXPECT_NE(p.product_id, "rice");
  }
  EXPECT_EQ(no_bread.size(), 3u);  // beer, plantain, soap
  EXPECT_EQ(ContextualPopular(t, "s1b0a", 1, all, {}, 2).size(), 2u);
}

}  // namespace
}  // namespace okada::brain::recs_serving
