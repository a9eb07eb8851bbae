#include <gtest/gtest.h>

#include <set>

#include "okada/brain/features/features.hpp"

namespace okada::brain::features {
namespace {

TEST(PointInTimeJoin, NeverUsesAFeatureValueFromAfterTheLabel) {
  // Rows for customer a as of t = 100, 200, 300; for b as of 150.
  const std::vector<Row> rows = {{"a", 300}, {"a", 100}, {"b", 150}, {"a", 200}};
  const std::vector<Label> labels = {{"a", 99},    // before any row: missing
                                     {"a", 100},   // exactly at a row: that row
                                     {"a", 250},   // between: the earlier (200), never 300
                                     {"a", 1000},  // 300, if not expired
                                     {"b", 149},   // b's only row is later: missing
                                     {"c", 500}};  // unknown entity
  const auto joined = PointInTimeJoin(labels, rows, 1000);
  EXPECT_EQ(joined, (std::vector<std::ptrdiff_t>{-1, 1, 3, 0, -1, -1}));
  for (std::size_t l = 0; l < labels.size(); ++l)
    if (joined[l] >= 0) {
      EXPECT_LE(rows[static_cast<std::size_t>(joined[l])].as_of, labels[l].time);
      EXPECT_EQ(rows[static_cast<std::size_t>(joined[l])].entity, labels[l].entity);
    }
}

TEST(PointInTimeJoin, ExpiredRowsAreMissingNotStale) {
  const std::vector<Row> rows = {{"a", 100}};
  const std::vector<Label> labels = {{"a", 149}, {"a", 150}, {"a", 151}};
  EXPECT_EQ(PointInTimeJoin(labels, rows, 50), (std::vector<std::ptrdiff_t>{0, -1, -1}));
}

TEST(PointInTimeJoin, AgreesWithBruteForceOnRandomData) {
  std::vector<Row> rows;
  std::vector<Label> labels;
  std::uint64_t x = 7;
  const auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 33;
  };
  for (int i = 0; i < 400; ++i)
    rows.push_back({"e" + std::to_string(next() % 20), static_cast<std::int64_t>(next() % 1000)});
  for (int i = 0; i < 400; ++i)
    labels.push_back({"e" + std::to_string(next() % 22), static_cast<std::int64_t>(next() % 1200)});
  const std::int64_t ttl = 150;
  const auto joined = PointInTimeJoin(labels, rows, ttl);
  for (std::size_t l = 0; l < labels.size(); ++l) {
    std::int64_t best = -1;
    for (const Row& r : rows)
      if (r.entity == labels[l].entity && r.as_of <= labels[l].time && r.as_of > labels[l].time - ttl)
        best = std::max(best, r.as_of);
    if (best < 0) {
      EXPECT_EQ(joined[l], -1);
    } else {
      ASSERT_GE(joined[l], 0);
      EXPECT_EQ(rows[static_cast<std::size_t>(joined[l])].as_of, best);
    }
  }
}

TEST(Definitions, ServicesReadDefinedFeaturesOfCoarseEntities) {
  std::set<std::string> entities;
  for (const View& v : Views()) {
    entities.insert(v.entity);
    EXPECT_GT(v.ttl_s, 0) << v.name;
    EXPECT_GT(v.window_s, 0) << v.name;
  }
  EXPECT_EQ(entities, (std::set<std::string>{"customer", "product", "store", "rider", "zone"}));
  for (const FeatureService& s : Services())
    for (const std::string& f : s.features) {
      const auto dot = f.find('.');
      ASSERT_NE(dot, std::string::npos) << f;
      const View* v = FindView(f.substr(0, dot));
      ASSERT_NE(v, nullptr) << f;
      bool found = false;
      for (const Feature& x : v->features) found = found || x.name == f.substr(dot + 1);
      EXPECT_TRUE(found) << f;
    }
  EXPECT_NE(FindService("recs"), nullptr);
  EXPECT_EQ(FindView("nope"), nullptr);
}

}  // namespace
}  // namespace okada::brain::features
