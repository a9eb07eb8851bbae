// The order state machine and the tariff, without I/O.
#include <gtest/gtest.h>

#include "domain/lifecycle.hpp"
#include "domain/pricing.hpp"

namespace okada::orders::domain {
namespace {

ErrorCode CodeOf(std::string_view from, std::string_view to, Actor a, bool reason = false, bool paid = false) {
  try {
    Decide(from, to, a, reason, paid);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "allowed"
}

TEST(Lifecycle, HappyPathForTheRightActors) {
  EXPECT_EQ(Decide("pending_payment", "confirmed", Actor::kSystem, false, false).stock, StockEffect::kCommit);
  EXPECT_EQ(Decide("confirmed", "accepted", Actor::kMerchant, false, false).event, "order.accepted");
  EXPECT_EQ(Decide("accepted", "preparing", Actor::kMerchant, false, false).event, "");
  EXPECT_EQ(Decide("preparing", "ready_for_pickup", Actor::kMerchant, false, false).event, "order.ready");
  EXPECT_EQ(Decide("ready_for_pickup", "picked_up", Actor::kRider, false, false).to, "picked_up");
  EXPECT_EQ(Decide("picked_up", "delivered", Actor::kRider, false, false).to, "delivered");
  EXPECT_EQ(Decide("delivered", "completed", Actor::kCustomer, false, false).event, "order.completed");
}

TEST(Lifecycle, WrongActorIsForbiddenAndImpossibleMoveIsAConflict) {
  EXPECT_EQ(CodeOf("picked_up", "delivered", Actor::kCustomer), ErrorCode::kTransitionForbidden);
  EXPECT_EQ(CodeOf("confirmed", "accepted", Actor::kStranger), ErrorCode::kTransitionForbidden);
  EXPECT_EQ(CodeOf("confirmed", "accepted", Actor::kCustomer), ErrorCode::kTransitionForbidden);
  EXPECT_EQ(CodeOf("pending_payment", "confirmed", Actor::kCustomer), ErrorCode::kTransitionForbidden);
  EXPECT_EQ(CodeOf("cancelled", "accepted", Actor::kMerchant), ErrorCode::kInvalidTransition);
  EXPECT_EQ(CodeOf("completed", "cancelled", Actor::kAdmin), ErrorCode::kInvalidTransition);
  EXPECT_EQ(CodeOf("confirmed", "shipped", Actor::kAdmin), ErrorCode::kValidationFailed);
}

TEST(Lifecycle, GuardsReasonsRefundsAndStock) {
  EXPECT_EQ(CodeOf("confirmed", "rejected", Actor::kMerchant), ErrorCode::kValidationFailed);
  EXPECT_EQ(Decide("confirmed", "rejected", Actor::kMerchant, true, false).stock, StockEffect::kRelease);
  EXPECT_EQ(CodeOf("cancelled", "refunded", Actor::kSupport, false, false), ErrorCode::kInvalidTransition);
  EXPECT_EQ(Decide("cancelled", "refunded", Actor::kSupport, false, true).to, "refunded");
  EXPECT_EQ(Decide("pending_payment", "expired", Actor::kSystem, false, false).stock, StockEffect::kRelease);
  EXPECT_EQ(InitialStatus("cash"), "confirmed");
  EXPECT_EQ(InitialStatus("momo"), "pending_payment");
  // Terminal statuses accept no move; a completed or cancelled order can still be refunded.
  EXPECT_FALSE(IsFinal("completed"));
  EXPECT_FALSE(IsFinal("cancelled"));
  EXPECT_TRUE(IsFinal("payment_failed"));
  EXPECT_TRUE(IsFinal("refunded"));
  EXPECT_TRUE(IsFinal("expired"));
}

TEST(Tariff, BandsSurchargesAndBeyond) {
  Tariff t;
  t.circuity = 1.0;
  EXPECT_EQ(DeliveryFee(t, 1500, false, 12).total, 500);
  EXPECT_EQ(DeliveryFee(t, 2000, false, 12).total, 500);
  EXPECT_EQ(DeliveryFee(t, 2001, false, 12).total, 1000);
  EXPECT_EQ(DeliveryFee(t, 7999, false, 12).total, 1500);
  EXPECT_EQ(DeliveryFee(t, 8001, false, 12).total, 1750);   // one started km beyond 8
  EXPECT_EQ(DeliveryFee(t, 10500, false, 12).total, 2250);  // three started km
  EXPECT_EQ(DeliveryFee(t, 1000, true, 12).total, 700);
  EXPECT_EQ(DeliveryFee(t, 1000, false, 23).total, 800);
  EXPECT_EQ(DeliveryFee(t, 1000, false, 5).total, 800);
  EXPECT_EQ(DeliveryFee(t, 1000, true, 6).total, 700);
  EXPECT_THROW(ParseBands("2000:500,1000:700"), std::invalid_argument);
  EXPECT_EQ(ParseBands("2000:500,5000:1000").size(), 2u);
}

TEST(Geo, DistancePolygonAndGeohash) {
  Point akwa{4.0525, 9.6963}, bonanjo{4.0430, 9.6865};
  double m = HaversineM(akwa, bonanjo);
  EXPECT_GT(m, 1400);
  EXPECT_LT(m, 1600);
  std::vector<std::pair<double, double>> ring = {{9.680, 4.050}, {9.6935, 4.050}, {9.6945, 4.040},
                                                 {9.690, 4.035}, {9.681, 4.037},  {9.680, 4.050}};
  EXPECT_TRUE(InPolygon(bonanjo, ring));
  EXPECT_FALSE(InPolygon(akwa, ring));
  EXPECT_EQ(Geohash({57.64911, 10.40744}, 6), "u4pruy");  // the reference example of geohash.org
}

}  // namespace
}  // namespace okada::orders::domain
