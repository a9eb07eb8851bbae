// Who may follow which live channel, and the channel/id helpers of core/live, without I/O.
#include <gtest/gtest.h>

#include "domain/live_access.hpp"
#include "okada/core/live/live.hpp"

namespace okada::gateway::domain {
namespace {

ChannelFacts Order(std::string customer, std::optional<std::string> rider, std::string merchant) {
  ChannelFacts f;
  f.kind = "order";
  f.id = "ord_0193a5c2bd5570729e955f5071829304";
  f.customer_id = std::move(customer);
  f.rider_id = std::move(rider);
  f.merchant_id = std::move(merchant);
  return f;
}

TEST(LiveAccess, AnOrderIsFollowedByItsPeopleOnly) {
  ChannelFacts o = Order("c1", "r1", "m1");
  EXPECT_TRUE(MayFollow({"c1", "customer", {}}, o));
  EXPECT_FALSE(MayFollow({"c2", "customer", {}}, o));
  EXPECT_TRUE(MayFollow({"r1", "rider", {}}, o));
  EXPECT_FALSE(MayFollow({"r2", "rider", {}}, o));
  EXPECT_TRUE(MayFollow({"s1", "merchant_staff", std::string("m1")}, o));
  EXPECT_FALSE(MayFollow({"s2", "merchant_staff", std::string("m2")}, o));
  EXPECT_FALSE(MayFollow({"s3", "merchant_owner", {}}, o)) << "a merchant role without a merchant";
  EXPECT_TRUE(MayFollow({"a1", "support", {}}, o));
  // The customer id does not make a rider the customer.
  EXPECT_FALSE(MayFollow({"c1", "rider", {}}, o));
  ChannelFacts none = Order("c1", std::nullopt, "m1");
  EXPECT_FALSE(MayFollow({"r1", "rider", {}}, none)) << "no rider yet";
  none.exists = false;
  EXPECT_FALSE(MayFollow({"c1", "customer", {}}, none));
}

TEST(LiveAccess, RiderStoreAndUserChannels) {
  ChannelFacts rider{"rider", "r1"};
  EXPECT_TRUE(MayFollow({"r1", "rider", {}}, rider));
  EXPECT_FALSE(MayFollow({"r2", "rider", {}}, rider));
  EXPECT_FALSE(MayFollow({"r1", "customer", {}}, rider));
  EXPECT_TRUE(MayFollow({"x", "admin", {}}, rider));
  ChannelFacts store{"store", "s1"};
  store.merchant_id = "m1";
  EXPECT_TRUE(MayFollow({"o1", "merchant_owner", std::string("m1")}, store));
  EXPECT_FALSE(MayFollow({"o2", "merchant_owner", std::string("m2")}, store));
  EXPECT_FALSE(MayFollow({"c1", "customer", {}}, store));
  ChannelFacts user{"user", "u1"};
  EXPECT_TRUE(MayFollow({"u1", "customer", {}}, user));
  EXPECT_FALSE(MayFollow({"u2", "admin", {}}, user)) << "in-app messages are hers alone";
  EXPECT_FALSE(MayFollow({"", "customer", {}}, user));
}

TEST(LiveChannels, NamesIdsAndPayloads) {
  EXPECT_TRUE(live::ValidChannel("order:ord_0193a5c2bd5570729e955f5071829304"));
  EXPECT_TRUE(live::ValidChannel("store:0193a5c2-8a22-7d4f-8b62-3c2d4e5f6071"));
  EXPECT_FALSE(live::ValidChannel("orders:1"));
  EXPECT_FALSE(live::ValidChannel("order:"));
  EXPECT_FALSE(live::ValidChannel("order:a b"));
  EXPECT_FALSE(live::ValidChannel("order:*"));
  EXPECT_FALSE(live::ValidChannel("user:" + std::string(65, 'a')));
  EXPECT_EQ(SplitChannel("rider:r1")->second, "r1");
  EXPECT_FALSE(SplitChannel("nope"));
  EXPECT_LT(live::CompareIds("1700000000000-9", "1700000000001-0"), 0);
  EXPECT_GT(live::CompareIds("1700000000000-10", "1700000000000-9"), 0) << "numeric, not text, order";
  EXPECT_EQ(live::CompareIds("5-1", "5-1"), 0);
  auto e = live::ParsePayload("1700000000000-0\n{\"a\":1}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "1700000000000-0");
  EXPECT_EQ(e->message, "{\"a\":1}");
  EXPECT_FALSE(live::ParsePayload("no newline"));
  EXPECT_EQ(live::KeyOf("user:u1"), "okada:live:user:u1");
}

}  // namespace
}  // namespace okada::gateway::domain
