// The MoMo and Orange Money adapters against the local sandbox over real loopback HTTP: settlement after the
// programmed delay, declines, payers that never answer, provider errors and the circuit breaker, slow answers and
// deadlines, duplicate and late callbacks, retries with the same reference, the token cache, transfers, refusals
// that must not open the breaker, and the statement (with injected mismatches) that reconciliation reads.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/providers/mobile_money.hpp"
#include "support/test_support.hpp"

namespace okada::mobile_money {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr const char* kPayer = "237670000001";
constexpr const char* kOtherPayer = "237690000002";

std::string Base(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// The receiving end of callbacks and notifications, at this path.
constexpr const char* kCallbackPath = "/cb/tok123";

class MobileMoneyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    io_.Start();
  }
  void TearDown() override {
    provider_.reset();
    io_.Stop();
  }

  Provider& Momo(Sandbox::Options so = {}, std::string key = "sub-key", milliseconds timeout = milliseconds(3000)) {
    so.kind = Sandbox::Kind::kMomo;
    if (so.user.empty()) so.user = "3f1c2a9e-0000-4000-8000-000000000001";
    so.secret = "api-key";
    so.key = "sub-key";
    so.default_after = milliseconds(200);
    sandbox_ = std::make_unique<Sandbox>(so);
    MomoOptions o;
    o.base_url = Base(sandbox_->port());
    o.api_user = so.user;
    o.api_key = "api-key";
    o.collection_key = key;
    o.disbursement_key = key;
    o.timeout = timeout;
    provider_ = MakeMomo(io_, o, &metrics_);
    return *provider_;
  }

  Provider& Orange() {
    Sandbox::Options so;
    so.kind = Sandbox::Kind::kOrange;
    so.user = "client-id";
    so.secret = "client-secret";
    so.key = "x-auth";
    so.default_after = milliseconds(200);
    sandbox_ = std::make_unique<Sandbox>(so);
    OrangeOptions o;
    o.base_url = Base(sandbox_->port());
    o.client_id = "client-id";
    o.client_secret = "client-secret";
    o.auth_token = "x-auth";
    o.channel_msisdn = "237699000000";
    o.pin = "0000";
    provider_ = MakeOrange(io_, o, &metrics_);
    return *provider_;
  }

  Request Ask(Provider& p, std::string payer = kPayer, std::int64_t amount = 5000, std::string callback = {}) {
    Request r;
    r.reference = test::Await(io_.context(0), p.Prepare(DeadlineIn(std::chrono::seconds(5))));
    r.msisdn = std::move(payer);
    r.amount = amount;
    r.external_id = "pay_0001";
    r.callback_url = std::move(callback);
    r.message = "Okada order";
    return r;
  }
  void Collect(Provider& p, const Request& r) {
    test::Await(io_.context(0), p.Collect(r, DeadlineIn(std::chrono::seconds(5))));
  }
  Observed Status(Provider& p, const std::string& ref) {
    return test::Await(io_.context(0), p.CollectionStatus(ref, DeadlineIn(std::chrono::seconds(5))));
  }
  // Polls until the status is settled or `wait` has passed.
  Observed Settled(Provider& p, const std::string& ref, milliseconds wait = milliseconds(5000)) {
    auto end = Clock::now() + wait;
    Observed o = Status(p, ref);
    while (o.state == State::kPending && Clock::now() < end) {
      std::this_thread::sleep_for(milliseconds(50));
      o = Status(p, ref);
    }
    return o;
  }
  ErrorCode FailureOf(const std::function<void()>& call) {
    try {
      call();
    } catch (const Error& e) {
      EXPECT_EQ(e.detail().find(kPayer), std::string::npos) << "no phone number in errors: " << e.detail();
      return e.code();
    }
    ADD_FAILURE() << "the call succeeded";
    return ErrorCode::kInternal;
  }
  test::HttpResult Post(const std::string& path, const std::string& body) {
    return test::HttpCall(sandbox_->port(), "POST", path, {{"Content-Type", "application/json"}}, body);
  }
  void Program(const std::string& payer, const std::string& body) {
    auto r = Post("/sandbox/payers", R"({"msisdn":")" + payer + R"(",)" + body + "}");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json::array Statement() {
    auto r = test::HttpCall(sandbox_->port(), "GET", "/sandbox/statement");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).as_object().at("items").as_array();
  }

  IoPool io_{1};
  Metrics metrics_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<Provider> provider_;
};

TEST_F(MobileMoneyTest, MomoApprovedPaymentSettlesWithAmountCurrencyAndOneCallback) {
  test::CallbackRecorder rx("/cb/{token}");
  Provider& p = Momo();
  Request r = Ask(p, kPayer, 5000, rx.Url(kCallbackPath));
  EXPECT_EQ(r.reference.size(), 36u) << "a UUID X-Reference-Id";
  EXPECT_EQ(r.reference[14], '4') << "version 4";
  Collect(p, r);
  EXPECT_EQ(Status(p, r.reference).state, State::kPending) << "settles after the programmed 200 ms";
  Observed o = Settled(p, r.reference);
  EXPECT_EQ(o.state, State::kSucceeded);
  EXPECT_EQ(o.amount, 5000);
  EXPECT_EQ(o.currency, "XAF");
  EXPECT_EQ(o.external_id, "pay_0001");
  EXPECT_FALSE(o.provider_transaction.empty());
  auto calls = rx.WaitFor(1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "PUT") << "MoMo calls back with PUT";
  EXPECT_EQ(json::parse(calls[0].body).as_object().at("status").as_string(), "SUCCESSFUL");
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(sandbox_->callbacks_sent(), 1) << "one callback, not more";
  ASSERT_EQ(Statement().size(), 1u);
  EXPECT_EQ(Statement()[0].as_object().at("amount").as_int64(), 5000);
}

TEST_F(MobileMoneyTest, MomoRetryWithTheSameReferenceIsOnePayment) {
  Provider& p = Momo();
  Request r = Ask(p);
  Collect(p, r);
  Collect(p, r);  // the answer to the first was "lost": the same X-Reference-Id again → 409, taken as accepted
  EXPECT_EQ(Settled(p, r.reference).state, State::kSucceeded);
  EXPECT_EQ(Statement().size(), 1u) << "one payment, not two";
}

TEST_F(MobileMoneyTest, MomoDeclineAndNeverAnswer) {
  Provider& p = Momo();
  Program(kPayer, R"("outcome":"decline","after_ms":100)");
  Program(kOtherPayer, R"("outcome":"never")");
  Request declined = Ask(p, kPayer);
  Request silent = Ask(p, kOtherPayer);
  Collect(p, declined);
  Collect(p, silent);
  Observed d = Settled(p, declined.reference);
  EXPECT_EQ(d.state, State::kFailed);
  EXPECT_EQ(d.reason, "APPROVAL_REJECTED");
  EXPECT_EQ(Settled(p, silent.reference, milliseconds(600)).state, State::kPending);
  EXPECT_TRUE(Statement().empty()) << "nothing settled";
}

TEST_F(MobileMoneyTest, MomoServerErrorsOpenTheBreakerWhichThenFailsFast) {
  Provider& p = Momo();
  Program(kPayer, R"("outcome":"error")");
  for (int i = 0; i < 5; ++i) {
    Request r = Ask(p);
    EXPECT_EQ(FailureOf([&] { Collect(p, r); }), ErrorCode::kPaymentProviderUnavailable);
  }
  // Open: even a payer the provider would accept is not attempted.
  int tokens = sandbox_->tokens_issued();
  Request ok = Ask(p, kOtherPayer);
  auto start = Clock::now();
  EXPECT_EQ(FailureOf([&] { Collect(p, ok); }), ErrorCode::kPaymentProviderUnavailable);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(sandbox_->tokens_issued(), tokens);
  EXPECT_EQ(Statement().size(), 0u);
  EXPECT_GE(
      metrics_
          .GetCounter("okada_payment_provider_failures_total", "", {{"provider", "momo"}, {"reason", "provider_error"}})
          .value(),
      5u);
}

TEST_F(MobileMoneyTest, RefusalsOfOneRequestDoNotOpenTheBreaker) {
  Provider& p = Momo();
  for (int i = 0; i < 7; ++i) {
    Request bad = Ask(p, kPayer, 0);  // amount 0: 400 INVALID_AMOUNT
    EXPECT_EQ(FailureOf([&] { Collect(p, bad); }), ErrorCode::kPaymentRefused);
  }
  Request good = Ask(p);
  Collect(p, good);
  EXPECT_EQ(Settled(p, good.reference).state, State::kSucceeded);
}

TEST_F(MobileMoneyTest, SlowProviderMeetsTheDeadline) {
  Provider& p = Momo({}, "sub-key", milliseconds(300));
  Program(kPayer, R"("slow_ms":2000)");
  Request r = Ask(p);
  auto start = Clock::now();
  EXPECT_EQ(FailureOf([&] { Collect(p, r); }), ErrorCode::kPaymentProviderUnavailable);
  EXPECT_LT(Clock::now() - start, milliseconds(1500)) << "the adapter's timeout, not the provider's pace";
}

TEST_F(MobileMoneyTest, DuplicateAndLateCallbacks) {
  test::CallbackRecorder rx("/cb/{token}");
  Provider& p = Momo();
  Program(kPayer, R"("callback":"duplicate","after_ms":100)");
  Program(kOtherPayer, R"("callback":"late","after_ms":100,"late_ms":700)");
  Collect(p, Ask(p, kPayer, 1000, rx.Url(kCallbackPath)));
  Request late = Ask(p, kOtherPayer, 2000, rx.Url(kCallbackPath));
  Collect(p, late);
  EXPECT_EQ(Settled(p, late.reference).state, State::kSucceeded);
  EXPECT_EQ(rx.WaitFor(2).size(), 2u) << "the duplicate pair arrives first";
  EXPECT_EQ(rx.WaitFor(3).size(), 3u) << "then the late one, after the payment had settled";
  // The sandbox counts a callback once its answer is back, a moment after the receiver saw it.
  for (int i = 0; i < 100 && sandbox_->callbacks_sent() < 3; ++i) std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(sandbox_->callbacks_sent(), 3);
}

TEST_F(MobileMoneyTest, NoCallbackAtAllStillSettlesByStatus) {
  test::CallbackRecorder rx("/cb/{token}");
  Provider& p = Momo();
  Program(kPayer, R"("callback":"none","after_ms":100)");
  Request r = Ask(p, kPayer, 1500, rx.Url(kCallbackPath));
  Collect(p, r);
  EXPECT_EQ(Settled(p, r.reference).state, State::kSucceeded);
  EXPECT_TRUE(rx.WaitFor(1, milliseconds(400)).empty());
}

TEST_F(MobileMoneyTest, TokensAreCachedAndRenewedOnce401) {
  Provider& p = Momo();
  Request a = Ask(p);
  Collect(p, a);
  Status(p, a.reference);
  EXPECT_EQ(sandbox_->tokens_issued(), 1) << "one token for several calls";
  sandbox_->RevokeTokens();
  Status(p, a.reference);  // 401 with the cached token → one new token → the call goes through
  EXPECT_EQ(sandbox_->tokens_issued(), 2);
}

TEST_F(MobileMoneyTest, WrongCredentialsAreUnavailable) {
  Provider& p = Momo({}, "not-the-subscription-key");
  Request r = Ask(p);
  EXPECT_EQ(FailureOf([&] { Collect(p, r); }), ErrorCode::kPaymentProviderUnavailable);
  EXPECT_EQ(sandbox_->tokens_issued(), 0);
}

TEST_F(MobileMoneyTest, MomoTransfersSettleAndAppearInTheStatement) {
  Provider& p = Momo();
  ASSERT_TRUE(p.CanTransfer());
  Request t;
  t.reference = test::Await(io_.context(0), p.PrepareTransfer(DeadlineIn(std::chrono::seconds(5))));
  t.msisdn = kOtherPayer;
  t.amount = 12500;
  t.external_id = "payout_1";
  t.message = "Okada payout";
  test::Await(io_.context(0), p.Transfer(t, DeadlineIn(std::chrono::seconds(5))));
  Observed o;
  for (int i = 0; i < 100; ++i) {
    o = test::Await(io_.context(0), p.TransferStatus(t.reference, DeadlineIn(std::chrono::seconds(5))));
    if (o.state != State::kPending) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(o.state, State::kSucceeded);
  EXPECT_EQ(o.amount, 12500);
  auto items = Statement();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].as_object().at("kind").as_string(), "transfer");
  EXPECT_EQ(items[0].as_object().at("external_id").as_string(), "payout_1");
}

TEST_F(MobileMoneyTest, OrangeMerchantPaymentSettlesAndNotifies) {
  test::CallbackRecorder rx("/cb/{token}");
  Provider& p = Orange();
  Request r = Ask(p, kOtherPayer, 3000, rx.Url(kCallbackPath));
  EXPECT_EQ(r.reference.rfind("MP", 0), 0u) << "a payToken from mp/init";
  Collect(p, r);
  Collect(p, r);  // a retry pays the same token: 409 taken as accepted
  Observed o = Settled(p, r.reference);
  EXPECT_EQ(o.state, State::kSucceeded) << "SUCCESSFULL (sic) is success";
  EXPECT_EQ(o.amount, 3000);
  EXPECT_EQ(o.currency, "XAF");
  EXPECT_EQ(o.external_id, "pay_0001");
  auto calls = rx.WaitFor(1);
  ASSERT_GE(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(json::parse(calls[0].body).as_object().at("payToken").as_string(), r.reference);
  EXPECT_EQ(Statement().size(), 1u);
  EXPECT_FALSE(p.CanTransfer());
  EXPECT_EQ(FailureOf([&] { test::Await(io_.context(0), p.Transfer(r, DeadlineIn(std::chrono::seconds(5)))); }),
            ErrorCode::kPaymentRefused);
}

TEST_F(MobileMoneyTest, OrangeDeclineIsFailed) {
  Provider& p = Orange();
  Program(kPayer, R"("outcome":"decline","after_ms":50)");
  Request r = Ask(p, kPayer);
  Collect(p, r);
  EXPECT_EQ(Settled(p, r.reference).state, State::kFailed);
}

TEST_F(MobileMoneyTest, StatementCanBeTamperedForReconciliationTests) {
  Provider& p = Momo();
  Request a = Ask(p, kPayer, 1000);
  Request b = Ask(p, kOtherPayer, 2000);
  Collect(p, a);
  Collect(p, b);
  Settled(p, a.reference);
  Settled(p, b.reference);
  ASSERT_EQ(Statement().size(), 2u);
  auto t1 = Post("/sandbox/statement/tamper", R"({"drop":")" + a.reference + "\"}");
  ASSERT_EQ(t1.status, 200) << t1.body;
  auto t2 = Post("/sandbox/statement/tamper", R"({"amount":{"reference":")" + b.reference + R"(","value":2100}})");
  ASSERT_EQ(t2.status, 200) << t2.body;
  auto t3 =
      Post("/sandbox/statement/tamper", R"({"add":{"external_id":"pay_ghost","amount":700,"msisdn":"237670000009"}})");
  ASSERT_EQ(t3.status, 200) << t3.body;
  auto bad = Post("/sandbox/statement/tamper", R"({"what":1})");
  EXPECT_EQ(bad.status, 400);
  auto items = Statement();
  ASSERT_EQ(items.size(), 2u) << "one dropped, one added";
  EXPECT_EQ(items[0].as_object().at("reference").as_string(), b.reference);
  EXPECT_EQ(items[0].as_object().at("amount").as_int64(), 2100);
  EXPECT_EQ(items[1].as_object().at("external_id").as_string(), "pay_ghost");
}

TEST(MobileMoneyBase64, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace okada::mobile_money
