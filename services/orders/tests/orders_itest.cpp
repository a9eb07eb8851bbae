// The orders service through the whole platform (gateway, auth, users, products, orders in-process on a fresh
// database, real Redis): no oversell under 500 concurrent checkouts, Idempotency-Key under 50 parallel
// identical checkouts, checkout rules (empty cart, radius, no-go zone, tariff), the state machine's refusals,
// payment expiry returning stock, and events written with the changes.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "okada/core/crypto/random.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Akwa, Douala (the store) and points around it.
constexpr double kStoreLat = 4.0525, kStoreLon = 9.6963;

std::int64_t Scalar(const std::string& url, const std::string& sql) {
  auto rows = Psql(url, sql);
  return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0]);
}

class OrdersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PlatformOptions o;
    o.config["pg.pool_size"] = "24";
    o.config["pg.acquire_timeout_ms"] = "10000";
    o.config["orders.sweep_ms"] = "200";
    o.config["orders.settle_after_ms"] = "1000";
    o.config["orders.payment_ttl_ms"] = "3000";
    o.config["products.reservation_sweep_ms"] = "200";
    platform_ = new Platform("orders", o);
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  Platform& p() { return *platform_; }
  static inline Platform* platform_ = nullptr;

  std::string Admin() { return p().MintToken(crypto::UuidV7(), "admin", crypto::UuidV7()); }
  std::string Customer() { return p().MintToken(crypto::UuidV7(), "customer", crypto::UuidV7()); }

  using Merchant = Platform::Merchant;
  Merchant NewMerchant(const std::string& name) { return p().NewMerchant(name, kStoreLat, kStoreLon); }
  std::string NewListedProduct(const Merchant& m, const std::string& name, std::int64_t price, std::int64_t on_hand) {
    return p().NewListedProduct(m, name, price, on_hand);
  }
  std::pair<std::int64_t, std::int64_t> Stock(const std::string& store, const std::string& product) {
    auto rows = Psql(p().db_url(), "SELECT on_hand || ',' || reserved FROM products.listings WHERE store_id = '" +
                                       store + "' AND product_id = '" + product + "'");
    if (rows.empty()) return {-1, -1};
    auto comma = rows[0].find(',');
    return {std::stoll(rows[0].substr(0, comma)), std::stoll(rows[0].substr(comma + 1))};
  }
  static std::string CheckoutBody(const std::string& store, const std::string& method, double lat = 4.0580,
                                  double lon = 9.7010) {
    return R"({"store_id":")" + store + R"(","payment_method":")" + method + R"(","delivery":{"location":{"lat":)" +
           std::to_string(lat) + R"(,"lon":)" + std::to_string(lon) + R"(},"landmark":"face pharmacie du Wouri"}})";
  }
  HttpResult AddToCart(const std::string& token, const std::string& store, const std::string& product, int qty) {
    return p().CallAs(token, "PUT", "/v1/carts/" + store + "/lines/" + product,
                      R"({"qty":)" + std::to_string(qty) + "}");
  }
  HttpResult Checkout(const std::string& token, const std::string& body, const std::string& key) {
    return p().CallAs(token, "POST", "/v1/checkout", body, {{"Idempotency-Key", key}});
  }
  std::string PlaceCash(const Merchant& m, const std::string& product, std::string* customer_token = nullptr) {
    std::string c = Customer();
    EXPECT_EQ(AddToCart(c, m.store, product, 1).status, 200);
    auto res = Checkout(c, CheckoutBody(m.store, "cash"), crypto::UuidV7());
    EXPECT_EQ(res.status, 201) << res.body;
    if (customer_token) *customer_token = c;
    return JsonField(res.body, "id");
  }
};

TEST_F(OrdersTest, FiveHundredConcurrentCashCheckoutsNeverOversell) {
  Merchant m = NewMerchant("Super U Akwa");
  std::string product = NewListedProduct(m, "Riz parfumé 5 kg", 6500, 20);
  constexpr int kBuyers = 500;
  std::vector<std::string> tokens;
  for (int i = 0; i < kBuyers; ++i) tokens.push_back(Customer());
  for (int i = 0; i < kBuyers; ++i) ASSERT_EQ(AddToCart(tokens[i], m.store, product, 1).status, 200);

  std::atomic<bool> done{false};
  std::atomic<int> negative{0}, samples{0};
  std::thread sampler([&] {
    while (!done) {
      auto [on_hand, reserved] = Stock(m.store, product);
      if (on_hand - reserved < 0) ++negative;
      ++samples;
      std::this_thread::sleep_for(5ms);
    }
  });
  std::atomic<int> next{0}, created{0}, out_of_stock{0}, other{0};
  std::mutex mu;
  std::vector<std::string> others;
  std::vector<std::thread> workers;
  for (int t = 0; t < 50; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < kBuyers; i = next++) {
        auto res = Checkout(tokens[i], CheckoutBody(m.store, "cash"), crypto::UuidV7());
        if (res.status == 201) {
          ++created;
        } else if (res.status == 409 && JsonField(res.body, "code") == "OUT_OF_STOCK") {
          ++out_of_stock;
        } else {
          ++other;
          std::lock_guard lock(mu);
          others.push_back(std::to_string(res.status) + " " + res.body.substr(0, 200));
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  sampler.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(out_of_stock.load(), kBuyers - 20);
  EXPECT_EQ(other.load(), 0) << (others.empty() ? "" : others.front());
  EXPECT_EQ(negative.load(), 0) << "on_hand - reserved went below zero";
  EXPECT_GT(samples.load(), 0);
  auto [on_hand, reserved] = Stock(m.store, product);
  EXPECT_EQ(on_hand, 0);
  EXPECT_EQ(reserved, 0);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.orders WHERE store_id = '" + m.store + "'"), 20);
  EXPECT_EQ(Scalar(p().db_url(),
                   "SELECT coalesce(sum(qty), 0) FROM orders.order_lines l JOIN orders.orders o ON "
                   "o.id = l.order_id WHERE o.store_id = '" +
                       m.store + "'"),
            20);
  // After the expiry and settle jobs have run, stock = initial − committed, nothing left reserved.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(Scalar(p().db_url(),
                   "SELECT count(*) FROM products.reservations WHERE store_id = '" + m.store + "' AND status = 'held'"),
            0);
  auto after = Stock(m.store, product);
  EXPECT_EQ(after.first, 20 - created.load());
  EXPECT_EQ(after.second, 0);

  // Selling down through the low-stock threshold (2) told the merchant once.
  EXPECT_EQ(Scalar(p().db_url(),
                   "SELECT count(*) FROM products.outbox WHERE type = 'stock.low' AND payload->>"
                   "'product_id' = '" +
                       product + "'"),
            1);

  // The order.placed events reach products through Redis Streams; each counts once towards popularity.
  std::int64_t popularity = -1;
  for (int i = 0; i < 100 && popularity != created.load(); ++i) {
    popularity = Scalar(p().db_url(), "SELECT popularity FROM products.products WHERE id = '" + product + "'");
    if (popularity != created.load()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(popularity, created.load());
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.outbox WHERE published_at IS NULL"), 0)
      << "the relay published every order event";
}

TEST_F(OrdersTest, FiftyParallelIdenticalCheckoutsMakeOneOrder) {
  Merchant m = NewMerchant("Boulangerie Akwa");
  std::string product = NewListedProduct(m, "Baguette", 150, 100);
  std::string c = Customer();
  ASSERT_EQ(AddToCart(c, m.store, product, 3).status, 200);
  std::string key = crypto::UuidV7();
  std::string body = CheckoutBody(m.store, "cash");
  std::mutex mu;
  std::map<int, int> by_status;
  std::set<std::string> ids;
  std::vector<std::string> bad;
  std::vector<std::thread> callers;
  for (int i = 0; i < 50; ++i) {
    callers.emplace_back([&] {
      auto res = Checkout(c, body, key);
      std::lock_guard lock(mu);
      ++by_status[res.status];
      if (res.status == 201)
        ids.insert(JsonField(res.body, "id"));
      else if (!(res.status == 409 && JsonField(res.body, "code") == "IDEMPOTENCY_IN_PROGRESS"))
        bad.push_back(std::to_string(res.status) + " " + res.body);
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_TRUE(bad.empty()) << bad.front();
  EXPECT_GE(by_status[201], 1);
  EXPECT_EQ(ids.size(), 1u) << "every 201 names the same order";
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.orders WHERE store_id = '" + m.store + "'"), 1);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM products.reservations WHERE store_id = '" + m.store + "'"), 1);
  EXPECT_EQ(Stock(m.store, product).first, 97);

  // Later retries replay the stored answer.
  auto replay = Checkout(c, body, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(JsonField(replay.body, "id"), *ids.begin());
  // Same key, different body → 422; no key → 428.
  auto reused = Checkout(c, CheckoutBody(m.store, "momo"), key);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(JsonField(reused.body, "code"), "IDEMPOTENCY_KEY_REUSED");
  // A first attempt that went silent after its order committed (claim left unfinished, lock stale): the retry
  // takes the claim over and answers with that same order instead of placing a second one.
  Psql(p().db_url(),
       "UPDATE orders.idempotency SET status = NULL, response = NULL, locked_at = now() - interval "
       "'1 hour' WHERE key = '" +
           key + "'");
  auto after_takeover = Checkout(c, body, key);
  EXPECT_EQ(after_takeover.status, 201) << after_takeover.body;
  EXPECT_EQ(JsonField(after_takeover.body, "id"), *ids.begin());
  auto replayed = Checkout(c, body, key);
  EXPECT_EQ(replayed.status, 201) << "the answer is stored again: " << replayed.body;
  EXPECT_EQ(replayed.headers["idempotent-replayed"], "true");
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.orders WHERE store_id = '" + m.store + "'"), 1);
  auto keyless = p().CallAs(c, "POST", "/v1/checkout", body);
  EXPECT_EQ(keyless.status, 428) << keyless.body;
  EXPECT_EQ(JsonField(keyless.body, "code"), "IDEMPOTENCY_KEY_REQUIRED");
}

TEST_F(OrdersTest, CheckoutChecksCartRadiusNoGoZoneAndPrices) {
  Merchant m = NewMerchant("Pharmacie du Wouri");
  std::string product = NewListedProduct(m, "Paracétamol 500 mg", 1200, 50);
  std::string c = Customer();
  auto empty = Checkout(c, CheckoutBody(m.store, "cash"), crypto::UuidV7());
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(JsonField(empty.body, "code"), "CART_EMPTY");

  ASSERT_EQ(AddToCart(c, m.store, product, 2).status, 200);
  auto cart = p().CallAs(c, "GET", "/v1/carts/" + m.store);
  ASSERT_EQ(cart.status, 200) << cart.body;
  EXPECT_EQ(JsonField(cart.body, "items_xaf"), "2400");
  // Yaoundé is far outside a 5 km radius.
  auto far = Checkout(c, CheckoutBody(m.store, "cash", 3.8480, 11.5021), crypto::UuidV7());
  EXPECT_EQ(far.status, 422);
  EXPECT_EQ(JsonField(far.body, "code"), "OUT_OF_DELIVERY_AREA");
  // Bonanjo: inside the radius, but moto-taxis may not enter.
  auto bonanjo = Checkout(c, CheckoutBody(m.store, "cash", 4.0430, 9.6865), crypto::UuidV7());
  EXPECT_EQ(bonanjo.status, 422);
  EXPECT_EQ(JsonField(bonanjo.body, "code"), "NO_GO_ZONE");
  EXPECT_EQ(Stock(m.store, product).second, 0) << "a refused checkout holds no stock";

  auto ok = Checkout(c, CheckoutBody(m.store, "momo"), crypto::UuidV7());
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(JsonField(ok.body, "status"), "pending_payment");
  EXPECT_NE(JsonField(ok.body, "payment_due_at"), "null") << "a mobile-money order says until when to pay";
  EXPECT_EQ(JsonField(ok.body, "items_xaf"), "2400");
  EXPECT_EQ(JsonField(ok.body, "currency"), "XAF");
  std::int64_t fee = std::stoll(JsonField(ok.body, "delivery_fee_xaf"));
  EXPECT_EQ(fee % 100, 0);
  EXPECT_GE(fee, 500);
  EXPECT_EQ(std::stoll(JsonField(ok.body, "total_xaf")), 2400 + fee);
  EXPECT_EQ(Stock(m.store, product), std::make_pair(std::int64_t{50}, std::int64_t{2})) << "held while paying";
  auto emptied = p().CallAs(c, "GET", "/v1/carts/" + m.store);
  EXPECT_EQ(JsonField(emptied.body, "items_xaf"), "0") << "the cart is emptied by the order";
  // The order and its events were written together.
  std::string uuid = JsonField(ok.body, "id").substr(4);
  EXPECT_EQ(Scalar(p().db_url(),
                   "SELECT count(*) FROM orders.outbox WHERE type = 'order.placed' AND payload->>"
                   "'order_id' = '" +
                       JsonField(ok.body, "id") + "'"),
            1);
  // Nothing personal in the event or in clear in the table.
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.outbox WHERE payload::text LIKE '%pharmacie%'"), 0);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.orders WHERE delivery_enc LIKE '%pharmacie%'"), 0);
  (void)uuid;

  // Unpaid past the payment window → expired, and the stock returns.
  std::string id = JsonField(ok.body, "id");
  std::string status;
  for (int i = 0; i < 60 && status != "expired"; ++i) {
    std::this_thread::sleep_for(200ms);
    status = JsonField(p().CallAs(c, "GET", "/v1/orders/" + id).body, "status");
  }
  EXPECT_EQ(status, "expired");
  std::pair<std::int64_t, std::int64_t> stock;
  for (int i = 0; i < 30; ++i) {
    stock = Stock(m.store, product);
    if (stock.second == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(stock, std::make_pair(std::int64_t{50}, std::int64_t{0}));
}

TEST_F(OrdersTest, ACartHoldsAtMostFiftyProductsEvenWhenAddedAtOnce) {
  Merchant m = NewMerchant("Quincaillerie Deido");
  std::vector<std::string> products;
  for (int i = 0; i < 60; ++i) products.push_back(NewListedProduct(m, "Article " + std::to_string(i), 100 + i, 10));
  std::string c = Customer();
  std::atomic<int> added{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 60; i += 6) {
        auto res = AddToCart(c, m.store, products[i], 1);
        if (res.status == 200) {
          ++added;
        } else if (res.status == 422 && res.body.find("TOO_MANY") != std::string::npos) {
          ++full;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), 50);
  EXPECT_EQ(full.load(), 10);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT count(*) FROM orders.cart_lines WHERE store_id = '" + m.store + "'"), 50);
  // Changing the quantity of a line already there is still fine.
  auto in_cart = Psql(p().db_url(), "SELECT product_id FROM orders.cart_lines WHERE store_id = '" + m.store +
                                        "' ORDER BY product_id LIMIT 1");
  ASSERT_EQ(in_cart.size(), 1u);
  EXPECT_EQ(AddToCart(c, m.store, in_cart[0], 3).status, 200);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT qty FROM orders.cart_lines WHERE store_id = '" + m.store +
                                     "' AND product_id = '" + in_cart[0] + "'"),
            3);
}

TEST_F(OrdersTest, TransitionsAreGuardedByRoleOwnershipAndState) {
  Merchant m = NewMerchant("Chez Mama Ndolé");
  Merchant other = NewMerchant("Poulet DG Express");
  std::string product = NewListedProduct(m, "Ndolé crevettes", 3500, 30);
  std::string customer;
  std::string id = PlaceCash(m, product, &customer);
  auto timeline_len = [&] {
    auto res = p().CallAs(Admin(), "GET", "/v1/orders/" + id);
    json::value v = json::parse(res.body);
    return v.at("timeline").as_array().size();
  };
  std::size_t before = timeline_len();
  auto status_of = [&] { return JsonField(p().CallAs(customer, "GET", "/v1/orders/" + id).body, "status"); };
  EXPECT_EQ(status_of(), "confirmed");

  auto delivered = p().CallAs(customer, "POST", "/v1/orders/" + id + "/status", R"({"status":"delivered"})");
  EXPECT_EQ(delivered.status, 409) << delivered.body;  // confirmed → delivered does not exist at all
  auto accept_by_customer = p().CallAs(customer, "POST", "/v1/orders/" + id + "/status", R"({"status":"accepted"})");
  EXPECT_EQ(accept_by_customer.status, 403) << accept_by_customer.body;
  EXPECT_EQ(JsonField(accept_by_customer.body, "code"), "TRANSITION_FORBIDDEN");
  auto foreign = p().CallAs(other.token, "POST", "/v1/orders/" + id + "/status", R"({"status":"accepted"})");
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(p().CallAs(other.token, "GET", "/v1/orders/" + id).status, 404) << "another store cannot even see it";
  EXPECT_EQ(p().CallAs(Customer(), "GET", "/v1/orders/" + id).status, 404);
  EXPECT_EQ(status_of(), "confirmed");
  EXPECT_EQ(timeline_len(), before) << "refusals change nothing";

  // The store's own staff moves it along; the customer then cannot mark it delivered.
  for (const char* next : {"accepted", "preparing", "ready_for_pickup"}) {
    auto res =
        p().CallAs(m.token, "POST", "/v1/orders/" + id + "/status", std::string(R"({"status":")") + next + "\"}");
    EXPECT_EQ(res.status, 200) << next << " " << res.body;
  }
  auto support = p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7());
  EXPECT_EQ(p().CallAs(support, "POST", "/v1/orders/" + id + "/status", R"({"status":"picked_up"})").status, 200);
  auto by_customer = p().CallAs(customer, "POST", "/v1/orders/" + id + "/status", R"({"status":"delivered"})");
  EXPECT_EQ(by_customer.status, 403) << by_customer.body;
  EXPECT_EQ(status_of(), "picked_up");

  // Accepting a cancelled order: 409. Cancelling returns the stock.
  std::string second = PlaceCash(m, product);
  EXPECT_EQ(Stock(m.store, product).first, 28);
  auto reject_no_reason = p().CallAs(m.token, "POST", "/v1/orders/" + second + "/status", R"({"status":"rejected"})");
  EXPECT_EQ(reject_no_reason.status, 422) << reject_no_reason.body;
  auto rejected = p().CallAs(m.token, "POST", "/v1/orders/" + second + "/status",
                             R"({"status":"rejected","reason":"plus de crevettes aujourd'hui"})");
  EXPECT_EQ(rejected.status, 200) << rejected.body;
  auto accept_cancelled = p().CallAs(m.token, "POST", "/v1/orders/" + second + "/status", R"({"status":"accepted"})");
  EXPECT_EQ(accept_cancelled.status, 409) << accept_cancelled.body;
  EXPECT_EQ(JsonField(accept_cancelled.body, "code"), "INVALID_TRANSITION");
  EXPECT_EQ(Stock(m.store, product).first, 29) << "the rejected order's stock came back";
  // Cash on delivery was never paid: there is nothing to refund.
  auto refund = p().CallAs(support, "POST", "/v1/orders/" + second + "/status", R"({"status":"refunded"})");
  EXPECT_EQ(refund.status, 409) << refund.body;
  // A stranger learns nothing about the order, not even its status.
  auto nosy = p().CallAs(Customer(), "POST", "/v1/orders/" + second + "/status", R"({"status":"completed"})");
  EXPECT_EQ(nosy.status, 403) << nosy.body;
  EXPECT_EQ(nosy.body.find("rejected"), std::string::npos) << nosy.body;
  // A customer cancels before the store accepts: the store can no longer accept it, and nothing changes.
  std::string third_customer;
  std::string third = PlaceCash(m, product, &third_customer);
  auto cancelled = p().CallAs(third_customer, "POST", "/v1/orders/" + third + "/status", R"({"status":"cancelled"})");
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  auto accept_after_cancel = p().CallAs(m.token, "POST", "/v1/orders/" + third + "/status", R"({"status":"accepted"})");
  EXPECT_EQ(accept_after_cancel.status, 409) << accept_after_cancel.body;
  EXPECT_EQ(JsonField(accept_after_cancel.body, "code"), "INVALID_TRANSITION");
  EXPECT_EQ(JsonField(p().CallAs(third_customer, "GET", "/v1/orders/" + third).body, "status"), "cancelled");
  EXPECT_EQ(Stock(m.store, product).first, 29) << "the cancelled order's stock came back too";
  auto bad = p().CallAs(m.token, "POST", "/v1/orders/ord_nothex/status", R"({"status":"accepted"})");
  EXPECT_EQ(bad.status, 404);
  auto junk = p().CallAs(m.token, "POST", "/v1/orders/" + second + "/status", R"({"status":"teleported"})");
  EXPECT_EQ(junk.status, 422);

  // The merchant's list shows its orders only.
  auto list = p().CallAs(m.token, "GET", "/v1/orders?limit=1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(JsonField(list.body, "next_cursor"), "null");
  auto others_list = p().CallAs(other.token, "GET", "/v1/orders");
  EXPECT_EQ(json::parse(others_list.body).at("items").as_array().size(), 0u);
}

}  // namespace
}  // namespace okada::test
