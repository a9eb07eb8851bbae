// The brain service over HTTP, in a platform with orders (for its no-go zones): who may call dispatch, what a
// bad request gets, and that a zone an admin adds after the fact keeps orders out of a round.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "okada/core/access/access.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;

std::string Round(const std::string& now, bool bonanjo_order) {
  // Two riders in Akwa; one order from Akwa to Deido, and (optionally) one to Bonanjo's administrative quarter.
  std::string orders = R"({"id":"ord-deido","pickup":{"lat":4.0511,"lon":9.7005},"ready_at":")" + now +
                       R"(","dropoff":{"lat":4.0640,"lon":9.7110}})";
  if (bonanjo_order)
    orders += R"(,{"id":"ord-bonanjo","pickup":{"lat":4.0511,"lon":9.7005},"dropoff":{"lat":4.0440,"lon":9.6880}})";
  return R"({"now":")" + now +
         R"(","deadline_ms":300,"riders":[)"
         R"({"id":"r1","position":{"lat":4.0520,"lon":9.7010},"capacity":2},)"
         R"({"id":"r2","position":{"lat":4.0560,"lon":9.7080},"capacity":1,"stops":[)"
         R"({"order_id":"ord-old","kind":"dropoff","position":{"lat":4.0600,"lon":9.7200},"promised_at":")" +
         now + R"("}]}],"orders":[)" + orders + "]}";
}

TEST(BrainTest, DispatchIsForServicesAnswersAPlanAndKeepsOrdersOutOfNoGoZones) {
  PlatformOptions po;
  po.services = {"auth", "users", "products", "orders", "brain"};
  Platform p("brain_dispatch", po);
  std::string service = access::LoadOrCreateServiceToken(p.state_dir());
  std::map<std::string, std::string> as_service{{"X-Okada-Service-Token", service}};
  const std::string now = "2026-03-02T09:00:00Z";

  // Only services: without the service token → 403, a customer too.
  EXPECT_EQ(p.Call("POST", "/v1/brain/dispatch/assign", Round(now, false)).status, 403);
  Platform::Account customer = p.SignUp();
  EXPECT_EQ(p.CallAs(customer.access_token, "POST", "/v1/brain/dispatch/assign", Round(now, false)).status, 403);

  // A plan: the Deido order goes to the free rider nearest the store, stops ordered, ETAs after `now`.
  auto res = p.Call("POST", "/v1/brain/dispatch/assign", Round(now, true), as_service);
  ASSERT_EQ(res.status, 200) << res.body;
  json::object plan = json::parse(res.body).as_object();
  ASSERT_EQ(plan.at("assignments").as_array().size(), 1u) << res.body;
  const json::object& a = plan.at("assignments").as_array()[0].as_object();
  EXPECT_EQ(a.at("rider_id").as_string(), "r1");
  const json::array& stops = a.at("stops").as_array();
  ASSERT_GE(stops.size(), 2u);
  EXPECT_EQ(stops[0].at("kind").as_string(), "pickup");
  EXPECT_GT(std::string(stops[0].at("eta").as_string()), now);
  EXPECT_TRUE(plan.at("stats").at("complete").as_bool());
  EXPECT_FALSE(std::string(plan.at("stats").at("eta_model").as_string()).empty());
  // The seeded Bonanjo zone (orders' migration) keeps that order waiting, with the reason.
  ASSERT_EQ(plan.at("unassigned").as_array().size(), 1u) << res.body;
  EXPECT_EQ(plan.at("unassigned").as_array()[0].as_string(), "ord-bonanjo");
  EXPECT_EQ(plan.at("waiting").as_array()[0].at("reason").as_string(), "no_go_zone");

  // Bad input: a clear problem, never a crash.
  auto bad =
      p.Call("POST", "/v1/brain/dispatch/assign",
             R"({"deadline_ms":300,"riders":[{"id":"r1","position":{"lat":95,"lon":9.7},"capacity":-1}],)"
             R"("orders":[{"id":"o","pickup":{"lat":4,"lon":9.7},"dropoff":{"lat":4,"lon":9.7},"ready_at":"soon"}]})",
             as_service);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("VALIDATION_FAILED"), std::string::npos);
  EXPECT_NE(bad.body.find("riders[0].position.lat"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("orders[0].ready_at"), std::string::npos) << bad.body;
  EXPECT_EQ(p.Call("POST", "/v1/brain/dispatch/assign", "{not json", as_service).status, 400);
  EXPECT_EQ(p.Call("POST", "/v1/brain/dispatch/assign", R"({"deadline_ms":100000,"riders":[],"orders":[]})", as_service)
                .status,
            422);

  // Rounds are logged for later accuracy checks.
  EXPECT_NE(p.Call("GET", "/metrics").body.find("okada_brain_dispatch_orders_total{outcome=\"assigned\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace okada::test
