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
#include <iostream>
#include <random>
#include <set>
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
  int callbacks_before = p().momo().callbacks_sent();
  auto paid = Pay(a, quiet);
  ASSERT_EQ(paid.status, 202) << paid.body;
  std::string pay = JsonField(paid.body, "id");
  EXPECT_EQ(WaitFor([&] { return PaymentStatus(pay); }, "succeeded"), "succeeded");
  EXPECT_EQ(WaitFor([&] { return OrderStatus(a.order); }, "confirmed"), "confirmed");
  EXPECT_EQ(Captured(pay), 1);
  EXPECT_EQ(p().momo().callbacks_sent(), callbacks_before);  // settled by the poller: no callback came
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
  EXPECT_EQ(after[ref(payments[0])], "missing_at_provider") << run.body;
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

// 1,000 random operations with faults injected — payments (approved with normal, duplicate, late or no
// callbacks; declined; provider 500s; provider hanging past the deadline; approved after the order expired),
// forged callbacks, cash orders and drop-offs (repeated, wrong amounts), cancellations of paid orders (refund
// before or after payouts), refunds of completed orders (request retried), merchant and rider payout batches
// (one merchant's payout number refuses transfers), riders handing cash in (repeated, too much) — then, once
// everything has settled: the ledger sums to zero, no order is captured or refunded twice, no merchant payable is
// a debt (what merchants owe back is in merchant receivable), and each provider's clearing account moved exactly
// as the provider's own statement did.
TEST_F(PaymentsTest, LedgerHoldsUnderAThousandRandomOperationsWithFaults) {
  std::uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("OKADA_TEST_SEED")) seed = std::stoull(fixed);
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (OKADA_TEST_SEED reproduces it)");
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const std::string db = p().db_url();
  auto statement_sum = [&](mobile_money::Sandbox& sb, const std::string& kind) {
    auto res = HttpCall(sb.port(), "GET", "/sandbox/statement", {}, "");
    std::int64_t sum = 0;
    json::value v = json::parse(res.body);
    for (const auto& i : v.at("items").as_array())
      if (i.at("kind").as_string() == kind) sum += i.at("amount").as_int64();
    return sum;
  };
  auto balance = [&](const std::string& key) {
    std::int64_t b =
        Scalar(db, "SELECT coalesce((SELECT balance FROM payments.accounts WHERE key = '" + key + "'), 0)");
    return b;
  };
  const std::int64_t momo_clearing0 = balance("clearing:momo"), orange_clearing0 = balance("clearing:orange_money");
  const std::int64_t momo_in0 = statement_sum(p().momo(), "collection"),
                     momo_out0 = statement_sum(p().momo(), "transfer");
  const std::int64_t orange_in0 = statement_sum(p().orange(), "collection");
  // Reconciliation's own view, before and after: this test must add no mismatch between books and providers.
  auto mismatches = [&](const std::string& provider) {
    auto res = p().CallAs(Admin(), "POST", "/v1/admin/reconciliations", R"({"provider":")" + provider + R"("})");
    EXPECT_EQ(res.status, 201) << res.body;
    std::set<std::string> refs;
    json::value v = json::parse(res.body);
    for (const auto& m : v.at("mismatches").as_array())
      refs.insert(std::string(m.at("kind").as_string()) + " " + std::string(m.at("reference").as_string()) + " ours " +
                  json::serialize(m.at("ours_xaf")) + " theirs " + json::serialize(m.at("theirs_xaf")));
    return refs;
  };
  const std::set<std::string> momo_known = mismatches("momo"), orange_known = mismatches("orange_money");

  std::vector<Platform::Merchant> merchants;
  std::vector<std::string> products;
  for (int i = 0; i < 4; ++i) {
    merchants.push_back(p().NewMerchant("Boutique " + std::to_string(i)));
    products.push_back(p().NewListedProduct(merchants.back(), "Article " + std::to_string(i), 700 + 1300 * i, 100000));
    std::string number = Phone();
    if (i == 3) Program(p().momo(), number, "decline", 0ms);  // this merchant's payouts fail and are reversed
    ASSERT_EQ(
        p().CallAs(merchants.back().token, "PUT", "/v1/payout-account", R"({"msisdn":")" + number + R"("})").status,
        200);
  }
  std::vector<std::string> riders;
  for (int i = 0; i < 4; ++i) {
    riders.push_back(crypto::UuidV7());
    std::string token = p().MintToken(riders.back(), "rider", crypto::UuidV7());
    ASSERT_EQ(p().CallAs(token, "PUT", "/v1/payout-account", R"({"msisdn":")" + Phone() + R"("})").status, 200);
  }
  std::string admin = Admin();
  std::string support = p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7());

  struct Order {
    std::string id, payment;
    int merchant = 0;
    bool cash = false;
  };
  std::vector<Order> orders;
  std::map<std::string, int> counts;
  auto place = [&](int mi, const std::string& method) {
    Placed pl = Place(merchants[mi], products[mi], method);
    return Order{pl.order, "", mi, method == "cash"};
  };
  // A random order paid by mobile money and confirmed (one query; nullopt when there is none yet).
  auto paid_confirmed = [&]() -> std::optional<Order> {
    auto rows = Psql(db,
                     "SELECT p.id || ',ord_' || replace(o.id::text, '-', '') FROM payments.payments p JOIN "
                     "orders.orders o ON o.id = p.order_id WHERE p.status = 'succeeded' AND o.status = "
                     "'confirmed' ORDER BY random() LIMIT 1");
    if (rows.empty() || rows[0].empty()) return std::nullopt;
    Order o;
    o.payment = rows[0].substr(0, rows[0].find(','));
    o.id = rows[0].substr(rows[0].find(',') + 1);
    return o;
  };
  auto drop_off = [&](const Order& o, const std::string& rider, std::optional<std::int64_t> cash) {
    std::string body = R"({"order_id":")" + o.id + R"(","rider_id":")" + rider + "\"";
    if (cash) body += R"(,"cash_collected_xaf":)" + std::to_string(*cash);
    return p().Call("POST", "/internal/v1/payments/drop-offs", body + "}", ServiceHeaders());
  };
  auto batch = [&](const std::string& party) {
    auto res = p().CallAs(admin, "POST", "/v1/admin/payout-batches", R"({"party":")" + party + R"(","min_xaf":1})");
    EXPECT_EQ(res.status, 201) << res.body;
    ++counts["batch_" + party];
  };

  // Let everything settle: no payment open at the provider's mercy, no order left to follow its payment, no
  // transfer in flight, no refund still to be created from an order.cancelled event (stable twice in a row).
  std::vector<std::string> late_payments;  // approved after their order expired: captured late, then refunded
  auto unsettled = [&] {
    std::string late = "'00000000-0000-0000-0000-000000000000'";
    for (const std::string& id : late_payments) late += ",'" + id + "'";
    return std::to_string(Scalar(
        db,
        "SELECT (SELECT count(*) FROM payments.payments WHERE id IN (" + late +
            ") AND status <> 'succeeded' AND "
            "created_at > now() - interval '30 seconds') + " +
            "(SELECT (SELECT count(*) FROM payments.payments WHERE status IN ('intent', 'pending') OR "
            "(NOT order_synced AND status <> 'pending')) + (SELECT count(*) FROM payments.transfers WHERE status IN "
            "('pending', 'sent')) + (SELECT count(*) FROM payments.payments p WHERE p.status = 'succeeded' AND "
            "p.order_id IN (SELECT id FROM orders.orders WHERE status IN ('cancelled', 'rejected')) AND NOT EXISTS "
            "(SELECT 1 FROM payments.transfers t WHERE t.payment_id = p.id)))"));
  };
  // A payment the provider approved after its window is captured (and refunded) at its next late look: the books
  // must come to agree with both statements.
  auto disagreements = [&] {
    std::string out;
    for (const auto& [provider, known] : {std::pair{std::string("momo"), momo_known}, {"orange_money", orange_known}})
      for (const std::string& m : mismatches(provider))
        if (!known.count(m)) out += provider + ": " + m + "\n";
    return out;
  };
  // Settled, and agreeing with both providers (so no late capture is still on its way).
  auto quiet = [&] {
    for (int round = 0; round < 5; ++round) {
      if (WaitFor(unsettled, "0", 60000ms) != "0") return false;
      std::string left = WaitFor(disagreements, "", 60000ms);
      if (left.empty() && unsettled() == "0") return true;
    }
    return false;
  };
  for (int op = 0; op < 1000; ++op) {
    int roll = pick(100);
    if (op % 300 == 299) {
      // A refund after a payout, made exact: everything settles, the merchants are paid out (their payable is
      // now 0), one MoMo-paid order of a merchant whose payouts go through is cancelled, and its refund is
      // awaited. What the merchant had earned on it was paid out, so it comes back as merchant receivable.
      ASSERT_TRUE(quiet());
      batch("merchants");
      auto rows = Psql(db,
                       "SELECT p.id || ',ord_' || replace(o.id::text, '-', '') || ',' || p.items_xaf || ',' || "
                       "p.merchant_id FROM payments.payments p JOIN orders.orders o ON o.id = p.order_id WHERE "
                       "p.status = 'succeeded' AND p.provider = 'momo' AND o.status = 'confirmed' AND "
                       "p.merchant_id <> '" +
                           merchants[3].id + "' ORDER BY random() LIMIT 1");
      if (!rows.empty() && !rows[0].empty()) {
        std::vector<std::string> f;
        for (std::size_t at = 0, next; at <= rows[0].size(); at = next + 1) {
          next = rows[0].find(',', at);
          if (next == std::string::npos) next = rows[0].size();
          f.push_back(rows[0].substr(at, next - at));
        }
        std::string receivable = "merchant_receivable:" + f[3];
        std::int64_t before = balance(receivable), items = std::stoll(f[2]);
        // Normally 0 after the payout; a capture that settled after the batch leaves some owed to the merchant,
        // and the refund takes that first (never driving payable below zero), the rest from receivable.
        std::int64_t owed = std::max<std::int64_t>(0, -balance("merchant_payable:" + f[3]));
        auto c = p().CallAs(admin, "POST", "/v1/orders/" + f[1] + "/status", R"({"status":"cancelled"})");
        EXPECT_EQ(c.status, 200) << c.body;
        auto refunded = [&] {
          return Text(db, "SELECT status FROM payments.transfers WHERE payment_id = '" + f[0] + "'");
        };
        EXPECT_EQ(WaitFor(refunded, "succeeded", 30000ms), "succeeded");
        std::int64_t share = items - (items * 1200 + 5000) / 10000;
        EXPECT_EQ(balance(receivable) - before, share - std::min(share, owed)) << "order " << f[1] << ", owed " << owed;
        ++counts["refund_after_payout"];
      }
    } else if (roll < 40) {  // a mobile-money payment with a random payer behaviour
      bool momo = pick(4) != 0;
      int mi = pick(static_cast<int>(merchants.size()));
      Placed pl = Place(merchants[mi], products[mi], momo ? "momo" : "orange_money");
      Order o{pl.order, "", mi, false};
      std::string payer = Phone();
      int kind = pick(100);
      bool late = false;
      static const char* kCallbacks[] = {"normal", "duplicate", "none", "late"};
      mobile_money::Sandbox& sb = momo ? p().momo() : p().orange();
      if (kind < 60) {
        Program(sb, payer, "approve", std::chrono::milliseconds(pick(300)), kCallbacks[pick(4)], 0ms, 300ms);
        ++counts["pay_approve"];
      } else if (kind < 72) {
        Program(sb, payer, "decline", std::chrono::milliseconds(pick(300)));
        ++counts["pay_decline"];
      } else if (kind < 82) {
        Program(sb, payer, "error", 0ms);
        ++counts["pay_provider_500"];
      } else if (kind < 88) {
        Program(sb, payer, "never", 0ms, "normal", 1500ms);  // every answer later than the 800 ms deadline
        ++counts["pay_provider_hangs"];
      } else if (kind < 94) {
        Program(sb, payer, "never", 0ms);
        ++counts["pay_never_answered"];
      } else {
        Program(sb, payer, "approve", 5000ms);  // approved after the order's 4 s window: captured late, refunded
        ++counts["pay_after_expiry"];
        late = true;
      }
      auto res = Pay(pl, payer);
      EXPECT_TRUE(res.status == 202 || res.status == 200) << res.body;
      o.payment = JsonField(res.body, "id");
      if (late) late_payments.push_back(o.payment);
      orders.push_back(o);
    } else if (roll < 52) {  // cash on delivery, dropped off (sometimes twice, sometimes with a wrong amount first)
      Order o = place(pick(static_cast<int>(merchants.size())), "cash");
      auto info = p().CallAs(admin, "GET", "/v1/orders/" + o.id);
      std::int64_t total = std::stoll(JsonField(info.body, "total_xaf"));
      const std::string& rider = riders[pick(static_cast<int>(riders.size()))];
      if (pick(4) == 0) {
        EXPECT_EQ(drop_off(o, rider, total - 100).status, 422);
      }
      EXPECT_EQ(drop_off(o, rider, total).status, 200);
      if (pick(3) == 0) {
        EXPECT_EQ(JsonField(drop_off(o, rider, total).body, "booked"), "false");
      }
      orders.push_back(o);
      ++counts["cash_collected"];
    } else if (roll < 62) {  // a paid order delivered
      if (std::optional<Order> o = paid_confirmed()) {
        auto res = drop_off(*o, riders[pick(static_cast<int>(riders.size()))], std::nullopt);
        EXPECT_EQ(res.status, 200) << res.body;
        ++counts["delivered"];
      }
    } else if (roll < 72) {  // a paid order cancelled: refunded through order.cancelled
      if (std::optional<Order> o = paid_confirmed()) {
        auto c = p().CallAs(pick(2) ? admin : support, "POST", "/v1/orders/" + o->id + "/status",
                            R"({"status":"cancelled"})");
        EXPECT_EQ(c.status, 200) << c.body;
        ++counts["cancel_paid"];
      }
    } else if (roll < 76) {  // a paid order completed, then refunded by support (the request retried)
      if (std::optional<Order> o = paid_confirmed()) {
        bool moved = true;
        for (const char* st : {"accepted", "preparing", "ready_for_pickup", "picked_up", "delivered", "completed"})
          moved = moved && p().CallAs(admin, "POST", "/v1/orders/" + o->id + "/status",
                                      std::string(R"({"status":")") + st + "\"}")
                                   .status == 200;
        EXPECT_TRUE(moved);
        drop_off(*o, riders[0], std::nullopt);
        auto r1 = p().CallAs(support, "POST", "/v1/payments/" + o->payment + "/refund", R"({"reason":"abîmé"})");
        auto r2 = p().CallAs(support, "POST", "/v1/payments/" + o->payment + "/refund", R"({"reason":"abîmé"})");
        EXPECT_EQ(r1.status, 202) << r1.body;
        EXPECT_EQ(JsonField(r1.body, "id"), JsonField(r2.body, "id"));
        ++counts["refund_completed"];
      }
    } else if (roll < 80) {
      batch(pick(2) ? "merchants" : "riders");
    } else if (roll < 88) {  // a rider hands cash in: sometimes the same hand-over twice, sometimes too much
      const std::string& rider = riders[pick(static_cast<int>(riders.size()))];
      std::int64_t held = balance("rider_cash_held:" + rider);
      std::string key = crypto::UuidV7();
      std::string path = "/v1/admin/riders/" + rider + "/cash-settlements";
      if (held > 0) {
        std::int64_t amount = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(held));
        std::string body = R"({"amount_xaf":)" + std::to_string(amount) + "}";
        EXPECT_EQ(p().CallAs(support, "POST", path, body, {{"Idempotency-Key", key}}).status, 201);
        if (pick(2)) {
          EXPECT_EQ(p().CallAs(support, "POST", path, body, {{"Idempotency-Key", key}}).status, 200);
        }
        ++counts["cash_handed_in"];
      }
      std::string too_much = R"({"amount_xaf":)" + std::to_string(balance("rider_cash_held:" + rider) + 1) + "}";
      EXPECT_EQ(p().CallAs(support, "POST", path, too_much, {{"Idempotency-Key", crypto::UuidV7()}}).status, 422);
    } else {  // forged callbacks on random payments: a wrong token, or the right one claiming a success
      if (!orders.empty()) {
        const Order& o = orders[pick(static_cast<int>(orders.size()))];
        if (!o.payment.empty()) {
          std::string claim = R"({"status":"SUCCESSFUL","amount":"1","currency":"XAF"})";
          EXPECT_EQ(p().Call("PUT", "/v1/payments/" + o.payment + "/callback?token=forged", claim).status, 404);
          EXPECT_EQ(p().Call("PUT", CallbackPath(o.payment), claim).status, 200);
          ++counts["forged_callbacks"];
        }
      }
    }
  }
  std::string summary;
  for (const auto& [k, v] : counts) summary += k + "=" + std::to_string(v) + " ";
  std::cout << "[ ledger ops ] " << summary << std::endl;

  ASSERT_EQ(WaitFor(unsettled, "0", 60000ms), "0");
  std::this_thread::sleep_for(1000ms);
  ASSERT_EQ(WaitFor(unsettled, "0", 30000ms), "0");

  // The books balance; no order was captured or refunded twice, here or at the provider.
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(balance), 0) FROM payments.accounts"), 0);
  EXPECT_EQ(Scalar(db,
                   "SELECT count(*) FROM (SELECT order_id FROM payments.journal WHERE kind IN ('captured', "
                   "'cash_collected') GROUP BY order_id HAVING count(*) > 1) twice"),
            0);
  EXPECT_EQ(Scalar(db,
                   "SELECT count(*) FROM (SELECT order_id FROM payments.journal WHERE kind = 'refund' GROUP BY "
                   "order_id HAVING count(*) > 1) twice"),
            0);
  EXPECT_EQ(Scalar(db,
                   "SELECT count(*) FROM payments.journal j WHERE kind = 'captured' AND NOT EXISTS (SELECT 1 "
                   "FROM payments.payments p WHERE p.order_id = j.order_id AND p.status = 'succeeded')"),
            0);
  for (auto* sb : {&p().momo(), &p().orange()}) {
    auto res = HttpCall(sb->port(), "GET", "/sandbox/statement", {}, "");
    std::map<std::string, int> seen;
    json::value v = json::parse(res.body);
    for (const auto& i : v.at("items").as_array())
      if (i.at("kind").as_string() == "collection") ++seen[std::string(i.at("external_id").as_string())];
    for (const auto& [payment, n] : seen) EXPECT_LE(n, 1) << payment;
  }
  // No merchant payable is a debt (the database refuses one at every commit: the constraint is there), and the
  // refunds after payouts left what merchants owe back in merchant receivable.
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'payable_never_a_debt'"), 1);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payments.accounts WHERE kind = 'merchant_payable' AND balance > 0"), 0);
  if (counts["refund_after_payout"] > 0) {
    EXPECT_GT(Scalar(db, "SELECT coalesce(sum(balance), 0) FROM payments.accounts WHERE kind = 'merchant_receivable'"),
              0);
  }
  // Failed payouts were reversed: whoever is owed money again has no payout booked for it.
  EXPECT_EQ(Scalar(db,
                   "SELECT count(*) FROM payments.transfers t WHERE purpose = 'payout' AND status = 'failed' AND "
                   "NOT EXISTS (SELECT 1 FROM payments.journal j WHERE j.entry_key = 'payout_reversed:' || t.id)"),
            0);
  // Settling and agreeing are checked together: a late capture found while waiting for agreement starts a refund,
  // which must settle too before the clearing accounts are compared.
  std::string left;
  for (int round = 0; round < 5; ++round) {
    ASSERT_EQ(WaitFor(unsettled, "0", 60000ms), "0");
    left = WaitFor(disagreements, "", 60000ms);
    if (left.empty() && unsettled() == "0") break;
  }
  EXPECT_EQ(left, "");
  if (!left.empty()) {
    std::cout << Text(db,
                      "SELECT string_agg(id || ' ' || status || ' ' || coalesce(reference, '-'), '; ') FROM "
                      "(SELECT id::text, status, reference FROM payments.payments UNION ALL SELECT id::text, "
                      "purpose || ':' || status, reference FROM payments.transfers) x WHERE position(reference "
                      "in '" +
                          left + "') > 0")
              << std::endl;
  }
  // Each provider's clearing account moved exactly as its statement: money in (collections) minus money out
  // (transfers). Orange Money has no transfers (its refunds are manual and not booked until paid by hand).
  std::int64_t ours_momo = balance("clearing:momo") - momo_clearing0;
  std::int64_t theirs_momo =
      (statement_sum(p().momo(), "collection") - momo_in0) - (statement_sum(p().momo(), "transfer") - momo_out0);
  EXPECT_EQ(ours_momo, theirs_momo);
  if (ours_momo != theirs_momo) {  // which movements differ: the statement's items against the journal's
    auto res = HttpCall(p().momo().port(), "GET", "/sandbox/statement", {}, "");
    json::value v = json::parse(res.body);
    std::map<std::string, std::int64_t> by_external;
    for (const auto& i : v.at("items").as_array())
      by_external[std::string(i.at("external_id").as_string())] +=
          (i.at("kind").as_string() == "collection" ? 1 : -1) * i.at("amount").as_int64();
    auto rows = Psql(db,
                     "SELECT coalesce(t.id::text, p.id::text) || ' ' || j.kind || ' ' || x.amount FROM "
                     "payments.postings x JOIN payments.journal j ON j.id = x.entry_id LEFT JOIN payments.payments p "
                     "ON j.entry_key = 'captured:' || p.id LEFT JOIN payments.transfers t ON j.entry_key IN "
                     "('refund:' || t.payment_id, 'payout:' || t.id, 'payout_reversed:' || t.id) AND "
                     "(t.purpose = 'payout' OR j.kind = 'refund') WHERE x.account = 'clearing:momo'");
    std::map<std::string, std::int64_t> booked;
    for (const std::string& r : rows) {
      auto a = r.find(' '), b = r.rfind(' ');
      booked[r.substr(0, a)] += std::stoll(r.substr(b + 1));
    }
    for (const auto& [id, amount] : booked)
      if (by_external[id] != amount)
        std::cout << "[ clearing ] " << id << " booked " << amount << " statement " << by_external[id] << std::endl;
    for (const auto& [id, amount] : by_external)
      if (!booked.count(id) && amount != 0)
        std::cout << "[ clearing ] " << id << " statement only " << amount << std::endl;
  }
  EXPECT_EQ(balance("clearing:orange_money") - orange_clearing0,
            statement_sum(p().orange(), "collection") - orange_in0);
}

}  // namespace
}  // namespace okada::test
