// The delivery machine and its small geometry, without I/O.
#include <gtest/gtest.h>

#include "domain/lifecycle.hpp"
#include "okada/core/geo.hpp"

namespace okada::delivery::domain {
namespace {

ErrorCode CodeOf(std::string_view from, std::string_view to, Actor a) {
  try {
    Decide(from, to, a);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // allowed: not an error code this test expects
}

TEST(DeliveryMachine, HappyPathIsAllowedForTheRightActors) {
  EXPECT_EQ(Decide("unassigned", "offered", Actor::kSystem).event, "delivery.offered");
  EXPECT_EQ(Decide("offered", "assigned", Actor::kRider).event, "delivery.assigned");
  EXPECT_EQ(Decide("assigned", "at_store", Actor::kRider).event, "");
  EXPECT_EQ(Decide("at_store", "picked_up", Actor::kRider).event, "delivery.picked_up");
  EXPECT_EQ(Decide("picked_up", "arriving", Actor::kSystem).event, "delivery.arriving");
  EXPECT_EQ(Decide("arriving", "delivered", Actor::kRider).event, "delivery.delivered");
  EXPECT_EQ(Decide("arriving", "failed", Actor::kRider).event, "delivery.failed");
  EXPECT_EQ(Decide("failed", "returned", Actor::kRider).event, "delivery.returned");
}

TEST(DeliveryMachine, RefusesSkippedStepsAndWrongActors) {
  EXPECT_EQ(CodeOf("offered", "picked_up", Actor::kRider), ErrorCode::kDeliveryInvalidTransition);
  EXPECT_EQ(CodeOf("unassigned", "delivered", Actor::kDesk), ErrorCode::kDeliveryInvalidTransition);
  EXPECT_EQ(CodeOf("delivered", "failed", Actor::kRider), ErrorCode::kDeliveryInvalidTransition);
  EXPECT_EQ(CodeOf("unassigned", "offered", Actor::kRider), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf("assigned", "unassigned", Actor::kRider), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf("picked_up", "cancelled", Actor::kSystem), ErrorCode::kDeliveryInvalidTransition);
}

TEST(DeliveryMachine, FinalAndActiveStatuses) {
  for (std::string_view s : {"delivered", "returned", "cancelled"}) EXPECT_TRUE(IsFinal(s)) << s;
  for (std::string_view s : {"unassigned", "offered", "assigned", "picked_up", "failed"}) EXPECT_FALSE(IsFinal(s)) << s;
  EXPECT_TRUE(IsActive("arriving"));
  EXPECT_FALSE(IsActive("offered"));
  EXPECT_FALSE(IsActive("delivered"));
}

TEST(DeliveryGeometry, HaversineAndGeohash) {
  // Akwa to Bonapriso (Douala): about 2.3 km.
  double d = geo::DistanceM(4.0511, 9.7009, 4.0312, 9.6938);
  EXPECT_GT(d, 2200);
  EXPECT_LT(d, 2450);
  EXPECT_DOUBLE_EQ(geo::DistanceM(4.05, 9.70, 4.05, 9.70), 0);
  // The classic example of the geohash literature.
  EXPECT_EQ(geo::Geohash(57.64911, 10.40744, 11), "u4pruydqqvj");
  EXPECT_EQ(geo::Geohash(4.0511, 9.7009, 5), geo::Geohash(4.0512, 9.7010, 5));
  EXPECT_TRUE(InZones({}, "s0v7yk"));
  EXPECT_TRUE(InZones({"s1", "s0v7"}, "s0v7yk"));
  EXPECT_FALSE(InZones({"s0v8"}, "s0v7yk"));
}

TEST(DeliveryRules, FeesRadiusAndPhotoProof) {
  EXPECT_EQ(RiderFee(1000, 8000), 800);
  EXPECT_EQ(RiderFee(1250, 8000), 1000);
  EXPECT_EQ(RiderFee(999, 8000), 799);
  EXPECT_DOUBLE_EQ(SearchRadiusM(0, 3000, 5, 15000), 3000);
  EXPECT_DOUBLE_EQ(SearchRadiusM(4, 3000, 5, 15000), 3000);
  EXPECT_DOUBLE_EQ(SearchRadiusM(5, 3000, 5, 15000), 6000);
  EXPECT_DOUBLE_EQ(SearchRadiusM(50, 3000, 5, 15000), 15000);
  long long now = 1'800'000'000'000;
  EXPECT_FALSE(CheckPhotoProof(4.0511, 9.7009, 4.0512, 9.7009, 200, now - 1000, now, 900));
  EXPECT_EQ(CheckPhotoProof(4.0611, 9.7009, 4.0512, 9.7009, 200, now - 1000, now, 900), "location");
  EXPECT_EQ(CheckPhotoProof(4.0511, 9.7009, 4.0512, 9.7009, 200, now - 901'000, now, 900), "captured_at");
  EXPECT_EQ(CheckPhotoProof(4.0511, 9.7009, 4.0512, 9.7009, 200, now + 120'000, now, 900), "captured_at");
}

}  // namespace
}  // namespace okada::delivery::domain
