#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "okada/brain/recs/recs_model.hpp"

namespace okada::brain::recs {
namespace {

Dataset Market() {
  Dataset d;
  for (int i = 0; i < 40; ++i) d.items.push_back("sku-" + std::to_string(i));
  Rng rng(11);
  for (std::uint32_t u = 0; u < 120; ++u) {
    d.users.push_back("c" + std::to_string(u));
    for (int visit = 0; visit < 5; ++visit)
      for (int line = 0; line < 3; ++line)
        d.rows.push_back({u, static_cast<std::uint32_t>((u % 4) * 10 + rng.Below(10)), 86400LL * (visit + 1), 1});
  }
  MergeAndSort(d.rows);
  return d;
}

TEST(RecsModel, AFileScoresAsTheTrainedModelDoes) {
  const Dataset d = Market();
  EvalOptions o;
  o.repeat = true;
  o.als_factors = 8;
  o.als_iterations = 4;
  o.content.tokens.resize(d.items.size());
  for (std::size_t i = 0; i < d.items.size(); ++i) o.content.tokens[i] = {"cat:" + std::to_string(i / 10)};
  BlendChoice choice = LearnBlend(d.rows, d.users.size(), d.items.size(), o);
  // Whatever validation chose, use every component so each one's file section is exercised.
  for (double& w : choice.weights) w = 1;
  const TrainData train = BuildTrainData(d.rows, d.users.size(), d.items.size());
  const auto hybrid = BuildHybrid(d.rows, train, o, choice);
  ASSERT_EQ(hybrid->Components().size(), 6u);
  const std::string bytes = SerializeRecsModel(d.items, train.latest, *hybrid);
  const RecsModel m = ParseRecsModel(bytes);
  EXPECT_EQ(m.items, d.items);
  EXPECT_EQ(m.trained_until, train.latest);
  EXPECT_EQ(m.Index("sku-7"), 7u);
  EXPECT_FALSE(m.Index("nope").has_value());
  std::vector<float> a(d.items.size()), b(d.items.size());
  for (std::uint32_t u : {0u, 1u, 57u, 119u}) {
    const std::int64_t later = train.latest + 3 * 86400;  // serving asks after training
    hybrid->Score(train.HistoryOf(u), later, a);
    m.hybrid->Score(train.HistoryOf(u), later, b);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4) << "user " << u << " item " << i;
  }
  // A new customer (no history) still gets scores (popularity, trending).
  m.hybrid->Score(History{}, train.latest, b);
  EXPECT_GT(*std::max_element(b.begin(), b.end()), *std::min_element(b.begin(), b.end()));
}

TEST(RecsModel, RejectsWhatIsNotAModel) {
  const Dataset d = Market();
  EvalOptions o;
  o.als_factors = 4;
  o.als_iterations = 2;
  const TrainData train = BuildTrainData(d.rows, d.users.size(), d.items.size());
  BlendChoice choice;
  choice.als = {.factors = 4, .iterations = 2};
  choice.components = {"popularity", "trending", "item_knn", "als"};
  choice.weights = {1, 1, 1, 1};
  const std::string bytes = SerializeRecsModel(d.items, train.latest, *BuildHybrid(d.rows, train, o, choice));
  EXPECT_THROW(ParseRecsModel("hello"), std::runtime_error);
  for (std::size_t cut : {std::size_t{12}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(ParseRecsModel(bytes.substr(0, cut)), std::runtime_error) << cut;
  EXPECT_THROW(ParseRecsModel(bytes + "x"), std::runtime_error);
  std::string future = bytes;
  future[11] = 9;  // format version
  EXPECT_THROW(ParseRecsModel(future), std::runtime_error);
  EXPECT_NO_THROW(ParseRecsModel(bytes));
}

}  // namespace
}  // namespace okada::brain::recs
