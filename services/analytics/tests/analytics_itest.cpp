// The merchant dashboard in a running platform (real PostgreSQL and Redis): orders placed through the API, moved by
// the store (accepted → preparing → ready), rejected with a reason and cancelled by a customer reach analytics through
// the event bus and show in GET /v1/stores/{id}/analytics (orders, cancellations by kind, revenue, top products, every
// bucket of the range); only the store's own merchant (and support, admin) may read it; bad ranges get 422. Events
// handed to the consumer's handler twice and out of order count once, and in Douala's hours and days (an order
// placed at 23:30 UTC is the next Douala day's).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>

// Relative to this file: other services' tests expose their own src/ (brain's has an events/events.hpp too).
#include "../src/domain/rules.hpp"
#include "../src/events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/io.hpp"
#include "okada/core/pg/pg.hpp"
#include "platform.hpp"
#include "support/test_support.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
namespace domain = okada::analytics::domain;
using namespace std::chrono_literals;

std::string Today(int plus_days = 0) {
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  return domain::FormatDay(domain::DoualaDay(now) + plus_days);
}

std::int64_t Int(const json::value& v, const char* key) { return v.at(key).as_int64(); }

std::string Code(const HttpResult& res) { return JsonField(res.body, "code"); }

// The first field error's name of a problem document.
std::string Field(const HttpResult& res) {
  const json::value v = json::parse(res.body);
  const json::value* errors = v.as_object().if_contains("errors");
  if (!errors || !errors->is_array() || errors->as_array().empty()) return "";
  return std::string(errors->as_array()[0].at("field").as_string());
}

class AnalyticsTest : public SharedPlatformTest<AnalyticsTest> {
 public:
  static constexpr const char* kSuite = "analytics";

 protected:
  std::string Admin() { return p().MintToken(crypto::UuidV7(), "admin", crypto::UuidV7()); }
  std::string Customer() { return p().MintToken(crypto::UuidV7(), "customer", crypto::UuidV7()); }

  // A cash order of `lines` (product, quantity) by a new customer; returns the order id (and the customer's token).
  std::string PlaceCash(const Platform::Merchant& m, const std::vector<std::pair<std::string, int>>& lines,
                        std::string* customer = nullptr) {
    const std::string c = Customer();
    for (const auto& [product, qty] : lines) {
      auto added =
          p().CallAs(c, "PUT", "/v1/carts/" + m.store + "/lines/" + product, R"({"qty":)" + std::to_string(qty) + "}");
      EXPECT_EQ(added.status, 200) << added.body;
    }
    const std::string body = R"({"store_id":")" + m.store +
                             R"(","payment_method":"cash","delivery":{"location":{"lat":4.0580,"lon":9.7010}}})";
    auto res = p().CallAs(c, "POST", "/v1/checkout", body, {{"Idempotency-Key", crypto::UuidV7()}});
    EXPECT_EQ(res.status, 201) << res.body;
    if (customer) *customer = c;
    return JsonField(res.body, "id");
  }

  void Move(const std::string& token, const std::string& order, const std::string& body) {
    auto res = p().CallAs(token, "POST", "/v1/orders/" + order + "/status", body);
    EXPECT_EQ(res.status, 200) << body << " " << res.body;
  }

  HttpResult Dashboard(const std::string& token, const std::string& store, const std::string& query = "") {
    return p().CallAs(token, "GET", "/v1/stores/" + store + "/analytics" + query);
  }
};

TEST_F(AnalyticsTest, RollsUpTheStoresOrdersFromTheEventBus) {
  auto m = p().NewMerchant("Super U Akwa");
  auto other = p().NewMerchant("Poulet DG Express");
  const std::string rice = p().NewListedProduct(m, "Riz parfumé 5 kg", 6500, 50);
  const std::string oil = p().NewListedProduct(m, "Huile Diamaor 1 L", 1500, 50);

  // Four cash orders: one prepared, one accepted, one rejected by the store (with a reason), one cancelled by its
  // customer before the store accepted it.
  const std::string prepared = PlaceCash(m, {{rice, 2}, {oil, 1}});  // 14,500
  const std::string accepted = PlaceCash(m, {{rice, 1}});            // 6,500
  const std::string rejected = PlaceCash(m, {{oil, 3}});             // 4,500
  std::string customer;
  const std::string cancelled = PlaceCash(m, {{rice, 1}, {oil, 1}}, &customer);  // 8,000
  for (const char* next : {"accepted", "preparing", "ready_for_pickup"})
    Move(m.token, prepared, std::string(R"({"status":")") + next + "\"}");
  Move(m.token, accepted, R"({"status":"accepted"})");
  Move(m.token, rejected, R"({"status":"rejected","reason":"plus d'huile aujourd'hui"})");
  Move(customer, cancelled, R"({"status":"cancelled"})");

  // Yesterday and today (Douala): hours by default, 48 of them.
  const std::string range = "?from=" + Today(-1) + "&to=" + Today();
  HttpResult res;
  json::value v;
  // The event streams are shared by every suite's platform on the test Redis: the consumer may first work through
  // other suites' events, hence the long wait.
  ASSERT_TRUE(Eventually(
      [&] {
        res = Dashboard(m.token, m.store, range);
        if (res.status != 200) return false;
        v = json::parse(res.body);
        const json::value& s = v.at("summary");
        return Int(s, "orders") == 4 && Int(s, "cancelled") == 2 && !s.at("avg_prep_minutes").is_null();
      },
      120s))
      << res.status << " " << res.body;

  EXPECT_EQ(v.at("store_id").as_string(), m.store);
  EXPECT_EQ(v.at("from").as_string(), Today(-1));
  EXPECT_EQ(v.at("to").as_string(), Today());
  EXPECT_EQ(v.at("granularity").as_string(), "hour");
  EXPECT_EQ(v.at("time_zone").as_string(), "Africa/Douala");
  const json::value& s = v.at("summary");
  EXPECT_EQ(Int(s, "completed"), 0);
  EXPECT_EQ(Int(s, "revenue_xaf"), 14500 + 6500) << "rejected and cancelled orders bring nothing in";
  EXPECT_EQ(Int(s, "average_basket_xaf"), 10500);
  EXPECT_GE(s.at("avg_prep_minutes").to_number<double>(), 0.0);
  EXPECT_TRUE(s.at("avg_delivery_minutes").is_null()) << "nothing delivered yet";

  // Every hour of the two days, in order, in Douala time; the four orders in them.
  const json::array& series = v.at("series").as_array();
  ASSERT_EQ(series.size(), 48u);
  EXPECT_EQ(series.front().at("start").as_string(), Today(-1) + "T00:00:00+01:00");
  EXPECT_EQ(series.back().at("start").as_string(), Today() + "T23:00:00+01:00");
  std::int64_t orders = 0, cancelled_in_series = 0, revenue = 0;
  for (const json::value& b : series) {
    orders += Int(b, "orders");
    cancelled_in_series += Int(b, "cancelled");
    revenue += Int(b, "revenue_xaf");
  }
  EXPECT_EQ(orders, 4);
  EXPECT_EQ(cancelled_in_series, 2);
  EXPECT_EQ(revenue, 21000);
  const json::array& hours = v.at("by_hour_of_day").as_array();
  ASSERT_EQ(hours.size(), 24u);
  std::int64_t by_hour = 0;
  for (std::size_t h = 0; h < hours.size(); ++h) {
    EXPECT_EQ(Int(hours[h], "hour"), static_cast<std::int64_t>(h));
    by_hour += Int(hours[h], "orders");
  }
  EXPECT_EQ(by_hour, 4);

  // Rice: 2 + 1 units in two orders that went on; the cancelled order's rice and the rejected oil do not count.
  const json::array& top = v.at("top_products").as_array();
  ASSERT_EQ(top.size(), 2u) << res.body;
  EXPECT_EQ(top[0].at("product_id").as_string(), rice);
  EXPECT_EQ(Int(top[0], "units"), 3);
  EXPECT_EQ(Int(top[0], "orders"), 2);
  EXPECT_EQ(top[1].at("product_id").as_string(), oil);
  EXPECT_EQ(Int(top[1], "units"), 1);
  const json::array& kinds = v.at("cancellations").as_array();
  ASSERT_EQ(kinds.size(), 2u) << res.body;
  EXPECT_EQ(kinds[0].at("kind").as_string(), "cancelled_by_customer");
  EXPECT_EQ(Int(kinds[0], "count"), 1);
  EXPECT_EQ(kinds[1].at("kind").as_string(), "rejected_by_store");
  EXPECT_EQ(Int(kinds[1], "count"), 1);
  EXPECT_EQ(res.body.find("huile aujourd"), std::string::npos) << "free-text reasons never reach analytics";
  EXPECT_EQ(Int(v.at("delivery_minutes"), "count"), 0);
  EXPECT_TRUE(v.at("delivery_minutes").at("p50").is_null());

  // Days: three buckets, today's with the orders; the default range is today.
  auto days = Dashboard(m.token, m.store, "?from=" + Today(-2) + "&to=" + Today());
  ASSERT_EQ(days.status, 200) << days.body;
  const json::value dv = json::parse(days.body);
  EXPECT_EQ(dv.at("granularity").as_string(), "day");
  ASSERT_EQ(dv.at("series").as_array().size(), 3u);
  EXPECT_EQ(dv.at("series").as_array()[2].at("start").as_string(), Today());
  EXPECT_EQ(Int(dv.at("series").as_array()[2], "orders") + Int(dv.at("series").as_array()[1], "orders"), 4);
  auto today = Dashboard(Admin(), m.store);
  ASSERT_EQ(today.status, 200) << today.body;
  const json::value tv = json::parse(today.body);
  EXPECT_EQ(tv.at("from").as_string(), Today());
  EXPECT_EQ(tv.at("series").as_array().size(), 24u);

  // Who may read it: the store's own people, support and admin; nobody else learns the store exists.
  Platform::Account staff = p().SignUp();
  auto added = p().CallAs(other.token, "POST", "/v1/merchants/" + other.id + "/staff",
                          R"({"phone":")" + staff.phone + R"(","role":"merchant_staff"})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string other_staff = p().MintToken(staff.id, "merchant_staff", crypto::UuidV7());
  EXPECT_EQ(Dashboard(other_staff, other.store).status, 200) << "their own store";
  auto foreign = Dashboard(other_staff, m.store, range);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(Code(foreign), "NOT_FOUND");
  EXPECT_EQ(Dashboard(other.token, m.store).status, 404);
  EXPECT_EQ(Dashboard(p().MintToken(crypto::UuidV7(), "merchant_staff", crypto::UuidV7()), m.store).status, 404)
      << "staff of no merchant";
  EXPECT_EQ(Dashboard(p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7()), m.store).status, 200);
  EXPECT_EQ(Dashboard(Customer(), m.store).status, 403);
  EXPECT_EQ(p().Call("GET", "/v1/stores/" + m.store + "/analytics").status, 401);
  EXPECT_EQ(Dashboard(Admin(), crypto::UuidV7()).status, 404) << "no such store";
  EXPECT_EQ(Dashboard(Admin(), "not-a-store").status, 404);

  // Ranges it cannot serve: 422 naming the parameter.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"?from=2026-13-01", "from"},
      {"?from=" + Today(1) + "&to=" + Today(), "from"},
      {"?from=" + Today(-92) + "&to=" + Today(), "to"},
      {"?from=" + Today(-7) + "&to=" + Today() + "&granularity=hour", "granularity"},
      {"?granularity=week", "granularity"},
      {"?to=tomorrow", "to"}};
  for (const auto& [query, field] : bad) {
    auto r = Dashboard(m.token, m.store, query);
    EXPECT_EQ(r.status, 422) << query << " " << r.body;
    EXPECT_EQ(Code(r), "VALIDATION_FAILED") << query;
    EXPECT_EQ(Field(r), field) << query << " " << r.body;
  }
  EXPECT_EQ(Dashboard(m.token, m.store, "?from=" + Today(-91) + "&to=" + Today()).status, 200) << "92 days";
}

// The consumer's handler, called directly in transactions of its own on the platform's database.
class Handler {
 public:
  explicit Handler(const std::string& url) {
    io_.Start();
    pg::PoolOptions o;
    o.conninfo = url;
    o.max_size = 2;
    db_ = std::make_unique<pg::Database>(io_, o);
  }
  ~Handler() {
    io_.Stop();
    db_.reset();
  }
  void Deliver(const std::string& type, const std::string& at, const json::object& payload) {
    okada::events::Event e;
    e.id = crypto::UuidV7();
    e.type = type;
    e.source = type.rfind("order.", 0) == 0 ? "orders" : "delivery";
    e.at = at;
    e.payload = json::serialize(payload);
    Await(io_.context(0), Run(db_.get(), e));
  }

 private:
  static boost::asio::awaitable<void> Run(pg::Database* db, okada::events::Event e) {
    pg::Transaction tx = co_await db->Begin(DeadlineIn(10s));
    co_await okada::analytics::events::OnEvent(e, tx);
    co_await tx.Commit();
  }
  IoPool io_{1};
  std::unique_ptr<pg::Database> db_;
};

std::string OrderId() {
  std::string hex = crypto::UuidV7();
  hex.erase(std::remove(hex.begin(), hex.end(), '-'), hex.end());
  return "ord_" + hex;
}

TEST_F(AnalyticsTest, RepeatedAndOutOfOrderEventsCountOnceInDoualaHoursAndDays) {
  auto m = p().NewMerchant("Marché Sandaga Express");
  const std::string bread = "0193a5c2-7f10-7c3e-9a51-000000000001", milk = "0193a5c2-7f10-7c3e-9a51-000000000002";
  const std::string late = OrderId(), lunch = OrderId(), noon = OrderId();
  const auto order = [&](const std::string& id, const char* status, const char* actor) {
    json::object o{{"v", 1},
                   {"order_id", id},
                   {"store_id", m.store},
                   {"merchant_id", m.id},
                   {"customer_id", "0193a5c2-9b33-7e50-9c73-4d3e5f607182"},
                   {"status", status}};
    if (actor) {
      o["from"] = "confirmed";
      o["actor_role"] = actor;
    }
    return o;
  };
  const auto placed = [&](const std::string& id, std::int64_t items, json::array products, json::array units) {
    json::object o = order(id, "confirmed", nullptr);
    o["payment_method"] = "cash";
    o["items_xaf"] = items;
    o["delivery_fee_xaf"] = 500;
    o["total_xaf"] = items + 500;
    o["currency"] = "XAF";
    o["lines"] = static_cast<std::int64_t>(products.size());
    o["zone"] = "s0wzh5";
    o["product_ids"] = std::move(products);
    if (!units.empty()) o["quantities"] = std::move(units);
    return o;
  };
  const auto delivery = [&](const std::string& id) {
    return json::object{{"v", 1},          {"delivery_id", crypto::UuidV7()},
                        {"order_id", id},  {"rider_id", "0193a5c2-9b33-7e50-9c73-4d3e5f607183"},
                        {"proof", "code"}, {"cash_collected_xaf", 0}};
  };

  Handler h(p().db_url());
  // Each event twice; the delivery before the placing for `noon`, the cancellation before the placing for `lunch`.
  for (int twice = 0; twice < 2; ++twice) {
    // `late`: placed at 23:30 UTC on the 15th = 00:30 on the 16th in Douala, delivered 30 minutes later.
    h.Deliver("order.placed", "2026-01-15T23:30:00.250Z", placed(late, 5000, {bread}, {2}));
    h.Deliver("order.confirmed", "2026-01-15T23:30:00.250Z", order(late, "confirmed", "system"));
    h.Deliver("delivery.delivered", "2026-01-16T00:00:00.250Z", delivery(late));
    h.Deliver("order.completed", "2026-01-16T00:10:00Z", order(late, "completed", "customer"));
    // `lunch`: cancelled by its customer at 10:05 UTC, placed at 10:00 UTC (11:00 in Douala).
    h.Deliver("order.cancelled", "2026-01-15T10:05:00Z", order(lunch, "cancelled", "customer"));
    h.Deliver("order.placed", "2026-01-15T10:00:00Z", placed(lunch, 3000, {milk}, {}));
    // `noon`: delivered at 12:40 UTC, then the store's steps, then the placing at 12:00 UTC (13:00 in Douala).
    h.Deliver("delivery.delivered", "2026-01-15T12:40:00Z", delivery(noon));
    h.Deliver("delivery.picked_up", "2026-01-15T12:20:00Z", delivery(noon));
    h.Deliver("order.ready", "2026-01-15T12:15:00Z", order(noon, "ready_for_pickup", "merchant_staff"));
    h.Deliver("order.accepted", "2026-01-15T12:05:00Z", order(noon, "accepted", "merchant_staff"));
    h.Deliver("order.placed", "2026-01-15T12:00:00Z", placed(noon, 2000, {bread, milk}, {1, 4}));
  }
  const std::string db = p().db_url();
  const auto rows = Psql(db, "SELECT order_id || ' ' || status FROM analytics.orders WHERE order_id IN ('" + late +
                                 "','" + lunch + "','" + noon + "') ORDER BY placed_at");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], lunch + " cancelled");
  EXPECT_EQ(rows[1], noon + " delivered");
  EXPECT_EQ(rows[2], late + " completed");
  EXPECT_EQ(Psql(db, "SELECT count(*) FROM analytics.order_products WHERE order_id IN ('" + late + "','" + lunch +
                         "','" + noon + "')")
                .at(0),
            "4");

  // Two Douala days in hours: each order in the hour it was placed, Douala time.
  auto res = Dashboard(Admin(), m.store, "?from=2026-01-15&to=2026-01-16");
  ASSERT_EQ(res.status, 200) << res.body;
  const json::value v = json::parse(res.body);
  const json::value& s = v.at("summary");
  EXPECT_EQ(Int(s, "orders"), 3);
  EXPECT_EQ(Int(s, "completed"), 2);
  EXPECT_EQ(Int(s, "cancelled"), 1);
  EXPECT_EQ(Int(s, "revenue_xaf"), 7000);
  EXPECT_EQ(Int(s, "average_basket_xaf"), 3500);
  EXPECT_DOUBLE_EQ(s.at("avg_prep_minutes").to_number<double>(), 10.0);
  EXPECT_DOUBLE_EQ(s.at("avg_delivery_minutes").to_number<double>(), 35.0) << "30 and 40 minutes";
  EXPECT_EQ(Int(v.at("delivery_minutes"), "count"), 2);
  EXPECT_DOUBLE_EQ(v.at("delivery_minutes").at("p50").to_number<double>(), 35.0);
  EXPECT_DOUBLE_EQ(v.at("delivery_minutes").at("p90").to_number<double>(), 39.0);
  const json::array& series = v.at("series").as_array();
  ASSERT_EQ(series.size(), 48u);
  const auto bucket = [&](const std::string& start) -> const json::value& {
    for (const json::value& b : series)
      if (b.at("start").as_string() == start) return b;
    ADD_FAILURE() << "no bucket " << start;
    return series.front();
  };
  EXPECT_EQ(Int(bucket("2026-01-15T11:00:00+01:00"), "orders"), 1);
  EXPECT_EQ(Int(bucket("2026-01-15T11:00:00+01:00"), "cancelled"), 1);
  EXPECT_EQ(Int(bucket("2026-01-15T11:00:00+01:00"), "revenue_xaf"), 0);
  EXPECT_EQ(Int(bucket("2026-01-15T13:00:00+01:00"), "completed"), 1);
  EXPECT_EQ(Int(bucket("2026-01-15T13:00:00+01:00"), "revenue_xaf"), 2000);
  EXPECT_EQ(Int(bucket("2026-01-16T00:00:00+01:00"), "orders"), 1);
  EXPECT_EQ(Int(bucket("2026-01-16T00:00:00+01:00"), "revenue_xaf"), 5000);
  EXPECT_EQ(Int(bucket("2026-01-15T00:00:00+01:00"), "orders"), 0);
  const json::array& hours = v.at("by_hour_of_day").as_array();
  EXPECT_EQ(Int(hours[0], "orders"), 1);
  EXPECT_EQ(Int(hours[11], "orders"), 1);
  EXPECT_EQ(Int(hours[13], "orders"), 1);
  EXPECT_EQ(Int(hours[12], "orders"), 0);
  const json::array& top = v.at("top_products").as_array();
  ASSERT_EQ(top.size(), 2u) << res.body;
  EXPECT_EQ(top[0].at("product_id").as_string(), milk) << "4 units of milk (the cancelled order's do not count)";
  EXPECT_EQ(Int(top[0], "units"), 4);
  EXPECT_EQ(top[1].at("product_id").as_string(), bread);
  EXPECT_EQ(Int(top[1], "units"), 3);
  EXPECT_EQ(Int(top[1], "orders"), 2);
  ASSERT_EQ(v.at("cancellations").as_array().size(), 1u);
  EXPECT_EQ(v.at("cancellations").as_array()[0].at("kind").as_string(), "cancelled_by_customer");

  // In days: the order placed at 23:30 UTC is the 16th's.
  auto days = Dashboard(Admin(), m.store, "?from=2026-01-15&to=2026-01-16&granularity=day");
  ASSERT_EQ(days.status, 200) << days.body;
  const json::value dv = json::parse(days.body);
  const json::array& ds = dv.at("series").as_array();
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].at("start").as_string(), "2026-01-15");
  EXPECT_EQ(Int(ds[0], "orders"), 2);
  EXPECT_EQ(ds[1].at("start").as_string(), "2026-01-16");
  EXPECT_EQ(Int(ds[1], "orders"), 1);
  EXPECT_EQ(Int(ds[1], "completed"), 1);
  auto only_16th = Dashboard(Admin(), m.store, "?from=2026-01-16&to=2026-01-16");
  ASSERT_EQ(only_16th.status, 200) << only_16th.body;
  EXPECT_EQ(Int(json::parse(only_16th.body).at("summary"), "orders"), 1);
  EXPECT_EQ(Int(json::parse(only_16th.body).at("summary"), "revenue_xaf"), 5000);

  // A full refund of the completed order takes its revenue away; a partial one does not.
  const auto refund = [&](const std::string& id, bool full) {
    return json::object{{"v", 1},
                        {"refund_id", crypto::UuidV7()},
                        {"payment_id", crypto::UuidV7()},
                        {"order_id", id},
                        {"customer_id", "0193a5c2-9b33-7e50-9c73-4d3e5f607182"},
                        {"payment_method", "momo"},
                        {"amount_xaf", 100},
                        {"currency", "XAF"},
                        {"full", full}};
  };
  h.Deliver("payment.refunded", "2026-01-16T09:00:00Z", refund(noon, false));
  h.Deliver("payment.refunded", "2026-01-17T09:00:00Z", refund(late, true));
  h.Deliver("payment.refunded", "2026-01-17T09:00:00Z", refund(late, true));
  auto after = Dashboard(Admin(), m.store, "?from=2026-01-15&to=2026-01-16&granularity=day");
  ASSERT_EQ(after.status, 200) << after.body;
  const json::value av = json::parse(after.body);
  EXPECT_EQ(Int(av.at("summary"), "revenue_xaf"), 2000);
  EXPECT_EQ(Int(av.at("summary"), "orders"), 3);
  EXPECT_EQ(Int(av.at("series").as_array()[1], "revenue_xaf"), 0);
  EXPECT_EQ(Psql(db, "SELECT status FROM analytics.orders WHERE order_id = '" + late + "'").at(0), "refunded");
}

}  // namespace
}  // namespace okada::test
