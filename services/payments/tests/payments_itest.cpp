// The payments service through the whole platform (gateway, auth, users, products, orders, payments in-process
// on a fresh database, real Redis) against the in-process MoMo and Orange Money sandboxes: callbacks are hints
// only (duplicate, late, forged ones never credit twice or without the provider), the poller settles payments
// without a callback, declines fail the order and return its stock, a provider that is down opens its breaker
// while orders expire and the rest of the API answers, reconciliation finds injected mismatches, and a refund
// of a delivered order sends money once. After every test the ledger sums to zero.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "okada/core/access/access.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::int64_t Scalar(const std::string& url, const std::string& sql) {
  auto rows = Psql(url, sql);
  return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0]);
}
std::string Text(const std::string& url, const std::string& sql) {
  auto rows = Psql(url, sql);
  return rows.empty() ? std::string() : rows[0];
}

class PaymentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PlatformOptions o;
    o.config["orders.sweep_ms"] = "200";
    o.config["orders.payment_ttl_ms"] = "4000";
    o.config["products.reservation_sweep_ms"] = "200";
    o.config["payments.sweep_ms"] = "100";
    o.config["payments.poll_first_ms"] = "200";
    o.config["payments.poll_max_ms"] = "400";
    o.config["payments.provider_timeout_ms"] = "800";
    o.config["payments.breaker_failures"] = "3";
    o.config["payments.breaker_open_ms"] = "500";
    o.config["payments.reconcile_grace_ms"] = "0";
    o.config["payments.reconcile_ms"] = "3600000";
    o.config["events.poll_ms"] = "50";
    o.config["http.io_threads"] = "1";  // one breaker per provider: "opens after N failures" is exact
    platform_ = new Platform("payments", o);
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  void TearDown() override {
    // The books balance after every test, whatever it did.
    EXPECT_EQ(Scalar(p().db_url(), "SELECT coalesce(sum(balance), 0) FROM payments.accounts"), 0);
    EXPECT_EQ(Scalar(p().db_url(),
                     "SELECT count(*) FROM payments.accounts WHERE kind = 'merchant_payable' AND "
                     "balance > 0"),
              0);
  }
  Platform& p() { return *platform_; }
  static inline Platform* platform_ = nullptr;

  std::string Admin() { return p().MintToken(crypto::UuidV7(), "admin", crypto::UuidV7()); }
  std::string Customer() { return p().MintToken(crypto::UuidV7(), "customer", crypto::UuidV7()); }
  std::map<std::string, std::string> ServiceHeaders() {
    return {{std::string(access::kServiceTokenHeader), access::LoadOrCreateServiceToken(p().state_dir())}};
  }

  static std::string Phone() {
    static std::atomic<int> n{0};
    return "23767" + std::to_string(1000000 + (::getpid() % 1000) * 1000 + (n++ % 1000));
  }

  struct Placed {
    std::string order, customer, product;
  };
  // A customer checks out one unit of `product` to be paid by `method`.
  Placed Place(const Platform::Merchant& m, const std::string& product, const std::string& method) {
    Placed pl{{}, Customer(), product};
    auto cart = p().CallAs(pl.customer, "PUT", "/v1/carts/" + m.store + "/lines/" + product, R"({"qty":1})");
    EXPECT_EQ(cart.status, 200) << cart.body;
    std::string body = R"({"store_id":")" + m.store + R"(","payment_method":")" + method +
                       R"(","delivery":{"location":{"lat":4.0580,"lon":9.7010}}})";
    auto res = p().CallAs(pl.customer, "POST", "/v1/checkout", body, {{"Idempotency-Key", crypto::UuidV7()}});
    EXPECT_EQ(res.status, 201) << res.body;
    pl.order = JsonField(res.body, "id");
    return pl;
  }
  HttpResult Pay(const Placed& pl, const std::string& msisdn) {
    return p().CallAs(pl.customer, "POST", "/v1/payments",
                      R"({"order_id":")" + pl.order + R"(","msisdn":")" + msisdn + R"("})");
  }
  std::string OrderStatus(const std::string& order) {
    auto res = p().CallAs(Admin(), "GET", "/v1/orders/" + order);
    return JsonField(res.body, "status");
  }
  std::string PaymentStatus(const std::string& id) {
    return Text(p().db_url(), "SELECT status FROM payments.payments WHERE id = '" + id + "'");
  }
  // Polls `probe` until it returns `want` or `limit` passes; returns the last value.
  template <typename Probe>
  std::string WaitFor(Probe probe, const std::string& want, std::chrono::milliseconds limit = 8000ms) {
    auto until = std::chrono::steady_clock::now() + limit;
    std::string got = probe();
    while (got != want && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(50ms);
      got = probe();
    }
    return got;
  }
  std::int64_t Captured(const std::string& payment) {
    return Scalar(p().db_url(), "SELECT count(*) FROM payments.journal WHERE entry_key = 'captured:" + payment + "'");
  }
  std::int64_t Reserved(const Platform::Merchant& m, const std::string& product) {
    return Scalar(p().db_url(), "SELECT reserved FROM products.listings WHERE store_id = '" + m.store +
                                    "' AND product_id = '" + product + "'");
  }
  // The callback URL the service gave the provider, as the provider would call it.
  std::string CallbackPath(const std::string& payment) {
    std::string key = crypto::ReadSecretFile(p().state_dir() / "keys" / "payments-callback.key");
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payment.data()), payment.size());
    crypto_auth_hmacsha256_final(&st, mac);
    return "/v1/payments/" + payment + "/callback?token=" +
           crypto::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
  }
  void Program(mobile_money::Sandbox& sb, const std::string& msisdn, const std::string& outcome,
               std::chrono::milliseconds after, const std::string& callback = "normal",
               std::chrono::milliseconds slow = 0ms, std::chrono::milliseconds late = 0ms) {
    mobile_money::Sandbox::Programme pr;
    pr.outcome = outcome;
    pr.after = after;
    pr.callback = callback;
    pr.slow = slow;
    pr.late = late;
    sb.Program(msisdn, pr);
  }
};

TEST_F(PaymentsTest, CallbacksAreHintsDuplicatesLateAndForgedOnesNeverCredit) {
  auto m = p().NewMerchant("Epicerie Deido");
  std::string product = p().NewListedProduct(m, "Huile Mayor 1 L", 1500, 50);

  // 1. The payer has not approved yet; a callback with the right token claims success: not believed.
  std::string slow_payer = Phone();
  Program(p().momo(), slow_payer, "approve", 1500ms, "duplicate");
  Placed a = Place(m, product, "momo");
  auto paid = Pay(a, slow_payer);
  ASSERT_EQ(paid.status, 202) << paid.body;
  std::string pay_a = JsonField(paid.body, "id");
  EXPECT_EQ(JsonField(paid.body, "status"), "pending");
  std::string claim = R"({"financialTransactionId":"1","externalId":")" + pay_a +
                      R"(","amount":"99999","currency":"XAF","status":"SUCCESSFUL"})";
  auto early = p().Call("PUT", CallbackPath(pay_a), claim);
  EXPECT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(PaymentStatus(pay_a), "pending");
  EXPECT_EQ(Captured(pay_a), 0);

  // 2. Forged: a wrong token, or none, is refused with 404 and counted; nothing changes.
  auto forged = p().Call("PUT", "/v1/payments/" + pay_a + "/callback?token=AAAA", claim);
  EXPECT_EQ(forged.status, 404) << forged.body;
  auto no_token = p().Call("PUT", "/v1/payments/" + pay_a + "/callback", claim);
  EXPECT_EQ(no_token.status, 404);
  auto metrics = p().Call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("okada_payments_callbacks_forged_total 2"), std::string::npos);
  EXPECT_NE(metrics.body.find("okada_payments_callbacks_unconfirmed_total 1"), std::string::npos);

  // 3. The payer approves; the sandbox calls back twice (duplicate). One credit, the order confirmed.
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(pay_a); }, "succeeded"), "succeeded");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(a.order); }, "confirmed"), "confirmed");
  std::this_thread::sleep_for(400ms);  // let the second callback land
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p().Call("PUT", CallbackPath(pay_a), claim).status, 200);
  EXPECT_EQ(Captured(pay_a), 1);
  // Paying again for the same order finds the same payment.
  auto again = Pay(a, slow_payer);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(JsonField(again.body, "id"), pay_a);

  // 4. A late callback (after the poller settled it) and one for a declined payment: no credit either way.
  std::string late_payer = Phone();
  Program(p().momo(), late_payer, "approve", 200ms, "late", 0ms, 1500ms);
  Placed b = Place(m, product, "momo");
  std::string pay_b = JsonField(Pay(b, late_payer).body, "id");
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(pay_b); }, "succeeded"), "succeeded");
  int sent = p().momo().callbacks_sent();
  std::this_thread::sleep_for(1800ms);
  EXPECT_GT(p().momo().callbacks_sent(), sent);  // the late one did come
  EXPECT_EQ(Captured(pay_b), 1);

  std::string no_payer = Phone();
  Program(p().orange(), no_payer, "decline", 200ms);
  Placed c = Place(m, product, "orange_money");
  auto orange = Pay(c, no_payer);
  ASSERT_EQ(orange.status, 202) << orange.body;
  std::string pay_c = JsonField(orange.body, "id");
  EXPECT_EQ(p().Call("POST", CallbackPath(pay_c), R"({"status":"SUCCESSFULL"})").status, 200);
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(pay_c); }, "failed"), "failed");
  EXPECT_EQ(Captured(pay_c), 0);
  // Out of order: a success claim arriving after the failure changes nothing.
  EXPECT_EQ(p().Call("POST", CallbackPath(pay_c), R"({"status":"SUCCESSFULL"})").status, 200);
  EXPECT_EQ(PaymentStatus(pay_c), "failed");
  EXPECT_EQ(Captured(pay_c), 0);
}

TEST_F(PaymentsTest, PollerSettlesWithoutCallbackAndDeclineFailsTheOrderAndReturnsStock) {
  auto m = p().NewMerchant("Pharmacie Bonanjo");
  std::string product = p().NewListedProduct(m, "Paracétamol 500 mg", 800, 10);

  std::string quiet = Phone();
  Program(p().momo(), quiet, "approve", 300ms, "none");
  Placed a = Place(m, product, "momo");
  auto paid = Pay(a, quiet);
  ASSERT_EQ(paid.status, 202) << paid.body;
  std::string pay = JsonField(paid.body, "id");
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(pay); }, "succeeded"), "succeeded");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(a.order); }, "confirmed"), "confirmed");
  EXPECT_EQ(Captured(pay), 1);
  EXPECT_EQ(p().momo().callbacks_sent() >= 0, true);
  auto read = p().CallAs(a.customer, "GET", "/v1/payments/" + pay);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(JsonField(read.body, "status"), "succeeded");
  EXPECT_EQ(p().CallAs(Customer(), "GET", "/v1/payments/" + pay).status, 404);  // not hers

  std::string broke = Phone();
  Program(p().momo(), broke, "decline", 200ms);
  Placed b = Place(m, product, "momo");
  EXPECT_EQ(Reserved(m, product), 1);
  std::string pay_b = JsonField(Pay(b, broke).body, "id");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(b.order); }, "payment_failed"), "payment_failed");
  EXPECT_EQ(PaymentStatus(pay_b), "failed");
  EXPECT_EQ(Text(p().db_url(), "SELECT failure_reason FROM payments.payments WHERE id = '" + pay_b + "'"), "declined");
  EXPECT_EQ(WaitFor([&] { return std::to_string(Reserved(m, product)); }, "0"), "0");
  EXPECT_EQ(Scalar(p().db_url(), "SELECT on_hand FROM products.listings WHERE product_id = '" + product + "'"), 9);
}

TEST_F(PaymentsTest, ProviderDownOpensBreakerOrdersExpireApiKeepsAnsweringThenRecovery) {
  auto m = p().NewMerchant("Boulangerie Akwa");
  std::string product = p().NewListedProduct(m, "Baguette", 150, 20);
  std::string failing = Phone(), hanging = Phone();
  Program(p().momo(), failing, "error", 100ms);
  Program(p().momo(), hanging, "approve", 100ms, "normal", 5000ms);  // answers after the 800 ms deadline

  Placed a = Place(m, product, "momo");
  Placed b = Place(m, product, "momo");
  auto pa = Pay(a, failing);
  auto pb = Pay(b, hanging);
  // Accepted for later: the payment waits with its reference; nothing is lost.
  EXPECT_EQ(pa.status, 202) << pa.body;
  EXPECT_EQ(pb.status, 202) << pb.body;
  EXPECT_EQ(JsonField(pa.body, "status"), "intent");
  // The worker keeps retrying with backoff until the breaker opens.
  auto open = [&] {
    auto metrics = p().Call("GET", "/metrics").body;
    return metrics.find("okada_breaker_transitions_total{upstream=\"momo\",to=\"open\"}") != std::string::npos &&
                   metrics.find("okada_breaker_transitions_total{upstream=\"momo\",to=\"open\"} 0") == std::string::npos
               ? std::string("open")
               : std::string("closed");
  };
  EXPECT_EQ(WaitFor(open, "open", 6000ms), "open");
  // Meanwhile the rest of the API answers (within the normal deadline: not asserted on speed, only on answer).
  for (int i = 0; i < 20; ++i) {
    auto res = p().Call("GET", "/v1/products/" + product);
    EXPECT_EQ(res.status, 200) << res.body;
  }
  // The orders wait in pending_payment, then expire; their stock comes back.
  EXPECT_EQ(OrderStatus(a.order), "pending_payment");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(a.order); }, "expired", 10000ms), "expired");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(b.order); }, "expired", 10000ms), "expired");
  EXPECT_EQ(WaitFor([&] { return std::to_string(Reserved(m, product)); }, "0"), "0");
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(JsonField(pa.body, "id")); }, "expired"), "expired");
  EXPECT_EQ(Captured(JsonField(pa.body, "id")), 0);

  // Recovery: the provider answers again; a new order is paid and confirmed.
  Program(p().momo(), failing, "approve", 100ms);
  std::this_thread::sleep_for(600ms);  // the breaker's cool-down
  Placed c = Place(m, product, "momo");
  auto pc = Pay(c, failing);
  EXPECT_EQ(pc.status, 202) << pc.body;
  EXPECT_EQ(WaitFor([&] { return OrderStatus(c.order); }, "confirmed", 10000ms), "confirmed");
}

TEST_F(PaymentsTest, ReconciliationDetectsMissingExtraAndWrongAmountTransactions) {
  auto m = p().NewMerchant("Quincaillerie Ndokoti");
  std::string product = p().NewListedProduct(m, "Cadenas", 2500, 20);
  std::vector<std::string> payments;
  for (int i = 0; i < 3; ++i) {
    std::string payer = Phone();
    Program(p().momo(), payer, "approve", 100ms);
    Placed pl = Place(m, product, "momo");
    payments.push_back(JsonField(Pay(pl, payer).body, "id"));
  }
  for (const auto& id : payments) ASSERT_EQ(WaitFor([&] { return PaymentStatus(id); }, "succeeded"), "succeeded");

  auto ref = [&](const std::string& id) {
    return Text(p().db_url(), "SELECT reference FROM payments.payments WHERE id = '" + id + "'");
  };
  // The mismatches of a run, by reference (earlier tests may have left their own: a payment the provider took
  // after our deadline is a true one).
  auto found = [&](const std::string& body) {
    std::map<std::string, std::string> by_ref;
    json::value v = json::parse(body);
    for (const auto& mm : v.at("mismatches").as_array()) {
      std::string key = mm.at("external_id").is_string() && mm.at("external_id").as_string() == "stranger"
                            ? std::string("stranger")
                            : std::string(mm.at("reference").as_string());
      by_ref[key] = std::string(mm.at("kind").as_string());
    }
    return by_ref;
  };
  auto clean = p().CallAs(Admin(), "POST", "/v1/admin/reconciliations", R"({"provider":"momo"})");
  ASSERT_EQ(clean.status, 201) << clean.body;
  auto before = found(clean.body);
  for (const auto& id : payments) EXPECT_EQ(before.count(ref(id)), 0u) << clean.body;
  EXPECT_EQ(before.count("stranger"), 0u);

  auto tamper = [&](const std::string& body) {
    return HttpCall(p().momo().port(), "POST", "/sandbox/statement/tamper", {{"Content-Type", "application/json"}},
                    body);
  };
  EXPECT_EQ(tamper(R"({"drop":")" + ref(payments[0]) + R"("})").status, 200);
  EXPECT_EQ(tamper(R"({"amount":{"reference":")" + ref(payments[1]) + R"(","value":2400}})").status, 200);
  EXPECT_EQ(tamper(R"({"add":{"external_id":"stranger","amount":7000,"msisdn":"237670000099"}})").status, 200);

  auto run = p().CallAs(Admin(), "POST", "/v1/admin/reconciliations", R"({"provider":"momo"})");
  ASSERT_EQ(run.status, 201) << run.body;
  auto after = found(run.body);
  EXPECT_EQ(after.size(), before.size() + 3) << run.body;
  EXPECT_EQ(after[ref(payments[0])], "missing_at_provider");
  EXPECT_EQ(after[ref(payments[1])], "amount_differs");
  EXPECT_EQ(after["stranger"], "missing_in_books");
  EXPECT_EQ(after.count(ref(payments[2])), 0u);
  EXPECT_EQ(JsonField(run.body, "mismatch_count"), std::to_string(after.size()));
  auto latest = p().CallAs(Admin(), "GET", "/v1/admin/reconciliations/latest?provider=momo");
  EXPECT_EQ(latest.status, 200);
  EXPECT_EQ(JsonField(latest.body, "id"), JsonField(run.body, "id"));
  auto metrics = p().Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("okada_payments_reconciliation_mismatches{provider=\"momo\"} " + std::to_string(after.size())),
            std::string::npos);
  EXPECT_EQ(p().CallAs(Customer(), "GET", "/v1/admin/reconciliations/latest").status, 403);
}

TEST_F(PaymentsTest, RefundOfDeliveredOrderReversesTheRightEntriesAndSendsMoneyOnce) {
  auto m = p().NewMerchant("Supermarché Bonamoussadi");
  std::string product = p().NewListedProduct(m, "Lait Nido 400 g", 4000, 20);
  std::string payer = Phone();
  Program(p().momo(), payer, "approve", 100ms);
  Placed pl = Place(m, product, "momo");
  std::string pay = JsonField(Pay(pl, payer).body, "id");
  ASSERT_EQ(WaitFor([&] { return OrderStatus(pl.order); }, "confirmed"), "confirmed");
  std::string admin = Admin();
  for (const char* st : {"accepted", "preparing", "ready_for_pickup", "picked_up", "delivered"}) {
    auto moved = p().CallAs(admin, "POST", "/v1/orders/" + pl.order + "/status",
                            std::string(R"({"status":")") + st + R"(","reason":"test"})");
    ASSERT_EQ(moved.status, 200) << st << ": " << moved.body;
  }
  std::string rider = crypto::UuidV7();
  std::string drop = R"({"order_id":")" + pl.order + R"(","rider_id":")" + rider + R"("})";
  auto dropped = p().Call("POST", "/internal/v1/payments/drop-offs", drop, ServiceHeaders());
  ASSERT_EQ(dropped.status, 200) << dropped.body;
  EXPECT_EQ(JsonField(dropped.body, "booked"), "true");
  EXPECT_EQ(JsonField(p().Call("POST", "/internal/v1/payments/drop-offs", drop, ServiceHeaders()).body, "booked"),
            "false");
  ASSERT_EQ(p().CallAs(admin, "POST", "/v1/orders/" + pl.order + "/status", R"({"status":"completed"})").status, 200);

  std::string uuid = Text(p().db_url(), "SELECT order_id FROM payments.payments WHERE id = '" + pay + "'");
  std::int64_t total = Scalar(p().db_url(), "SELECT amount_xaf FROM payments.payments WHERE id = '" + pay + "'");
  std::int64_t fee = Scalar(p().db_url(), "SELECT delivery_fee_xaf FROM payments.payments WHERE id = '" + pay + "'");
  std::int64_t rider_before = Scalar(p().db_url(),
                                     "SELECT balance FROM payments.accounts WHERE key = "
                                     "'rider_earnings:" +
                                         rider + "'");
  EXPECT_LT(rider_before, 0);  // the rider earned his share

  // Support refunds; the request is retried twice (a lost answer): one refund, one transfer.
  std::string support = p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7());
  auto r1 = p().CallAs(support, "POST", "/v1/payments/" + pay + "/refund", R"({"reason":"produit périmé"})");
  auto r2 = p().CallAs(support, "POST", "/v1/payments/" + pay + "/refund", R"({"reason":"produit périmé"})");
  auto r3 = p().CallAs(support, "POST", "/v1/payments/" + pay + "/refund", R"({"reason":"produit périmé"})");
  ASSERT_EQ(r1.status, 202) << r1.body;
  EXPECT_EQ(JsonField(r2.body, "id"), JsonField(r1.body, "id"));
  EXPECT_EQ(JsonField(r3.body, "id"), JsonField(r1.body, "id"));
  std::string refund = JsonField(r1.body, "id");
  auto refunded = [&] {
    return Text(p().db_url(), "SELECT status FROM payments.transfers WHERE id = '" + refund + "'");
  };
  ASSERT_EQ(WaitFor(refunded, "succeeded"), "succeeded");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(pl.order); }, "refunded"), "refunded");

  auto statement = HttpCall(p().momo().port(), "GET", "/sandbox/statement", {}, "");
  json::value st = json::parse(statement.body);
  int transfers = 0;
  for (const auto& i : st.at("items").as_array())
    if (i.at("external_id").as_string() == refund) {
      ++transfers;
      EXPECT_EQ(i.at("kind").as_string(), "transfer");
      EXPECT_EQ(i.at("amount").as_int64(), total);
    }
  EXPECT_EQ(transfers, 1);

  // The entries of this order: captured, delivered, refund, each once; the merchant's share and the commission
  // are reversed, the rider keeps his earning and the platform bears the delivery fee.
  EXPECT_EQ(Text(p().db_url(),
                 "SELECT string_agg(kind, ',' ORDER BY id) FROM payments.journal WHERE order_id = '" + uuid + "'"),
            "captured,delivered,refund");
  EXPECT_EQ(Scalar(p().db_url(), "SELECT balance FROM payments.accounts WHERE key = 'merchant_payable:" + m.id + "'"),
            0);
  EXPECT_EQ(Scalar(p().db_url(), "SELECT balance FROM payments.accounts WHERE key = 'rider_earnings:" + rider + "'"),
            rider_before);
  EXPECT_EQ(Scalar(p().db_url(),
                   "SELECT coalesce(sum(p.amount), 0) FROM payments.postings p JOIN payments.journal j "
                   "ON j.id = p.entry_id WHERE j.order_id = '" +
                       uuid + "' AND p.account = 'refunds'"),
            fee);
  auto trial = p().CallAs(support, "GET", "/v1/ledger/trial-balance");
  EXPECT_EQ(trial.status, 200);
  EXPECT_EQ(JsonField(trial.body, "sum_xaf"), "0");
}

}  // namespace
}  // namespace okada::test
