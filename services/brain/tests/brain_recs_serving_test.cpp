// Recommendation serving's pure rules (domain/recs.hpp): the challenger share, ranking over what is on sale,
// "buy again".
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

}  // namespace
}  // namespace okada::brain::recs_serving
