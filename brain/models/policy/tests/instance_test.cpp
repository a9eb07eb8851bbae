#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>

#include "okada/brain/policy/instance.hpp"

namespace okada::brain::policy {
namespace {

TEST(PolicyInstance, DeterministicInUnitSquareAndSeedDependent) {
  Instance a = GenerateInstance(20, 42), b = GenerateInstance(20, 42), c = GenerateInstance(20, 43);
  ASSERT_EQ(a.pairs, 10);
  ASSERT_EQ(a.Size(), 21);
  bool differ = false;
  for (int i = 0; i < a.Size(); ++i) {
    EXPECT_EQ(a.points[i].x, b.points[i].x);
    EXPECT_EQ(a.points[i].y, b.points[i].y);
    EXPECT_GE(a.points[i].x, 0.0);
    EXPECT_LE(a.points[i].x, 1.0);
    EXPECT_GE(a.points[i].y, 0.0);
    EXPECT_LE(a.points[i].y, 1.0);
    differ = differ || a.points[i].x != c.points[i].x;
  }
  EXPECT_TRUE(differ);
  EXPECT_NEAR(a.km_per_unit, BoxKilometres(), 1e-12);
  EXPECT_GT(BoxKilometres(), 15.0);
  EXPECT_LT(BoxKilometres(), 16.0);
  EXPECT_EQ(GenerateInstance(50, 1).Size(), 51);
}

TEST(PolicyInstance, PointsComeFromManyPlaces) {
  // Over many instances the points spread over the box (the embedded table is not degenerate).
  std::set<std::pair<int, int>> cells;
  for (int s = 0; s < 50; ++s)
    for (const Point& p : GenerateInstance(20, DeriveSeed(kEvalDomain, 7, s)).points)
      cells.insert({static_cast<int>(p.x * 10), static_cast<int>(p.y * 10)});
  EXPECT_GT(cells.size(), 30u);
}

TEST(PolicyInstance, RejectsBadSizes) {
  EXPECT_THROW(GenerateInstance(21, 1), std::invalid_argument);
  EXPECT_THROW(GenerateInstance(0, 1), std::invalid_argument);
  EXPECT_THROW(GenerateInstance(402, 1), std::invalid_argument);
}

TEST(PolicyInstance, SeedStreamsDiffer) {
  EXPECT_NE(DeriveSeed(kTrainDomain, 1, 0), DeriveSeed(kEvalDomain, 1, 0));
  EXPECT_NE(DeriveSeed(kEvalDomain, 1, 0), DeriveSeed(kEvalDomain, 1, 1));
  EXPECT_NE(DeriveSeed(kEvalDomain, 1, 0), DeriveSeed(kEvalDomain, 2, 0));
}

TEST(PolicyInstance, TourValidityAndLength) {
  Instance inst;
  inst.pairs = 2;
  inst.points = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0.5, 0.5}};  // pickups 1, 2; deliveries 3, 4
  std::string why;
  EXPECT_TRUE(IsValidTour(inst, {1, 2, 3, 4}, &why)) << why;
  EXPECT_TRUE(IsValidTour(inst, {2, 1, 4, 3}, &why)) << why;
  EXPECT_FALSE(IsValidTour(inst, {3, 1, 2, 4}, &why));
  EXPECT_NE(why.find("before its pickup"), std::string::npos) << why;
  EXPECT_FALSE(IsValidTour(inst, {1, 1, 3, 4}, &why));
  EXPECT_NE(why.find("twice"), std::string::npos) << why;
  EXPECT_FALSE(IsValidTour(inst, {1, 2, 3}, &why));
  EXPECT_FALSE(IsValidTour(inst, {0, 1, 2, 3}, &why));
  EXPECT_FALSE(IsValidTour(inst, {1, 2, 3, 5}, &why));
  // 0 → (1,0) → (1,1) → (0,1) → (0.5,0.5) → 0: 1 + 1 + 1 + √0.5 + √0.5
  EXPECT_NEAR(TourLength(inst, {1, 2, 3, 4}), 3 + 2 * std::sqrt(0.5), 1e-12);
}

}  // namespace
}  // namespace okada::brain::policy
