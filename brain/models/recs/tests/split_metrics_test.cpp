#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "okada/brain/recs/evaluate.hpp"
#include "okada/brain/recs/split.hpp"

namespace okada::brain::recs {
namespace {

std::vector<Interaction> Rows(std::vector<Interaction> rows) {
  MergeAndSort(rows);
  return rows;
}

TEST(Split, LeaveLastOutHoldsOutEveryItemOfTheLastTimestamp) {
  const auto rows = Rows({{0, 1, 10, 1},
                          {0, 2, 10, 1},
                          {0, 3, 20, 1},
                          {0, 4, 20, 1},
                          {0, 1, 20, 1},
                          {1, 5, 30, 1},
                          {1, 6, 30, 1},  // a single timestamp: skipped, trains
                          {2, 7, 5, 1},
                          {2, 8, 6, 1}});
  const Split s = MakeSplit(rows, Protocol::kLeaveLastOut, 1);
  ASSERT_EQ(s.users, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(s.held_out[0], (std::vector<std::uint32_t>{1, 3, 4}));  // item 1 also earlier: still held out
  EXPECT_EQ(s.held_out[1], (std::vector<std::uint32_t>{8}));
  EXPECT_EQ(s.request_time[0], 20);
  EXPECT_EQ(s.users_skipped, 1u);
  // Training: user 0's time-10 rows, all of user 1, user 2's first row; nothing from a last timestamp.
  ASSERT_EQ(s.train.size(), 5u);
  for (const Interaction& r : s.train) {
    if (r.user == 0) {
      EXPECT_EQ(r.time, 10);
    }
    if (r.user == 2) {
      EXPECT_EQ(r.item, 7u);
    }
  }
}

TEST(Split, RandomHoldsOutAQuarterOfDistinctItemsDeterministically) {
  std::vector<Interaction> raw;
  for (std::uint32_t u = 0; u < 50; ++u)
    for (std::uint32_t i = 0; i < 8 + u % 5; ++i) {
      raw.push_back({u, i, static_cast<std::int64_t>(i), 1});
      raw.push_back({u, i, static_cast<std::int64_t>(i + 100), 1});  // a repeat: the whole item goes together
    }
  raw.push_back({50, 0, 1, 1});  // one item only: skipped
  const auto rows = Rows(raw);
  const Split a = MakeSplit(rows, Protocol::kRandom7525, 7);
  const Split b = MakeSplit(rows, Protocol::kRandom7525, 7);
  const Split c = MakeSplit(rows, Protocol::kRandom7525, 8);
  ASSERT_EQ(a.users.size(), 50u);
  EXPECT_EQ(a.users_skipped, 1u);
  EXPECT_EQ(a.held_out, b.held_out);
  EXPECT_NE(a.held_out, c.held_out);
  for (std::size_t x = 0; x < a.users.size(); ++x) {
    const std::size_t n = 8 + a.users[x] % 5;
    EXPECT_EQ(a.held_out[x].size(), std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(n / 4.0 + 1e-9))))
        << n;
    for (const Interaction& r : a.train)
      if (r.user == a.users[x]) {
        EXPECT_FALSE(std::binary_search(a.held_out[x].begin(), a.held_out[x].end(), r.item));
      }
  }
  std::size_t train_rows = 0;
  for (const auto& h : a.held_out) train_rows += h.size() * 2;
  EXPECT_EQ(a.train.size() + train_rows, rows.size());
}

TEST(Metrics, NdcgUsesBinaryGainsAndTheIdealOverMinKHeldOut) {
  // Hits at ranks 1 and 3 of 3, two relevant items.
  const double expect = (1.0 + 1.0 / std::log2(4.0)) / (1.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(Ndcg({5, 9, 7}, {5, 7}, 3), expect, 1e-12);
  // Ten relevant, K = 2: the ideal is two hits.
  EXPECT_NEAR(Ndcg({1, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2), 1.0, 1e-12);
  EXPECT_EQ(Ndcg({8, 9}, {1}, 2), 0.0);
}

// Scores items by a fixed table, the same for everyone.
class TableScorer final : public Scorer {
 public:
  explicit TableScorer(std::vector<float> s) : s_(std::move(s)) {}
  const char* Name() const override { return "table"; }
  void Score(const History&, std::int64_t, std::span<float> out) const override {
    std::copy(s_.begin(), s_.end(), out.begin());
  }
  void Save(BinaryWriter&) const override {}

 private:
  std::vector<float> s_;
};

TEST(Metrics, EvaluateExcludesTrainingItemsUnlessRepeat) {
  // Two users; item 0 is the best scored but user 0 already has it.
  const std::vector<Interaction> train_rows = {{0, 0, 1, 1}, {1, 3, 1, 1}};
  const TrainData train = BuildTrainData(train_rows, 2, 5);
  Split split;
  split.users = {0, 1};
  split.held_out = {{0}, {1}};
  split.request_time = {2, 2};
  const TableScorer scorer({5, 4, 3, 2, 1});
  const Ranked no_repeat = Evaluate(scorer, train, split, 1, false, 1);
  // User 0 gets item 1 (0 excluded): miss; user 1 gets item 0: miss.
  EXPECT_EQ(no_repeat.metrics.hr, 0.0);
  EXPECT_NEAR(no_repeat.metrics.coverage, 2.0 / 5.0, 1e-12);
  const Ranked repeat = Evaluate(scorer, train, split, 1, true, 1);
  // Both get item 0: user 0 hits.
  EXPECT_NEAR(repeat.metrics.hr, 0.5, 1e-12);
  EXPECT_NEAR(repeat.metrics.precision, 0.5, 1e-12);
  EXPECT_NEAR(repeat.metrics.coverage, 1.0 / 5.0, 1e-12);
  EXPECT_EQ(repeat.user_ndcg, (std::vector<double>{1.0, 0.0}));
}

TEST(Bootstrap, IntervalOfAPairedDifference) {
  std::vector<double> a, b;
  Rng rng(3);
  for (int i = 0; i < 400; ++i) {
    b.push_back(rng.Uniform());
    a.push_back(b.back() + 0.1);
  }
  const Bootstrap shift = PairedBootstrap(a, b, 500, 1);
  EXPECT_NEAR(shift.mean_difference, 0.1, 1e-9);
  EXPECT_NEAR(shift.low, 0.1, 1e-9);
  EXPECT_NEAR(shift.high, 0.1, 1e-9);
  // Noisy differences around zero: the interval straddles zero and is not degenerate.
  std::vector<double> c;
  for (int i = 0; i < 400; ++i) c.push_back(rng.Uniform());
  const Bootstrap noise = PairedBootstrap(c, b, 500, 1);
  EXPECT_LT(noise.low, noise.mean_difference);
  EXPECT_GT(noise.high, noise.mean_difference);
  EXPECT_LT(noise.high - noise.low, 0.2);
  EXPECT_EQ(PairedBootstrap(c, b, 500, 1).low, noise.low);  // deterministic for a seed
}

}  // namespace
}  // namespace okada::brain::recs
