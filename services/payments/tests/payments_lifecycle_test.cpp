// The payment lifecycle's pure decisions (src/domain/lifecycle.*): what a provider's answer means (only the
// expected amount in XAF is credited), provider failure codes as payment.failed reasons, the full-jitter
// look schedule, and reconciliation by reference.
#include "domain/lifecycle.hpp"

#include <gtest/gtest.h>

namespace okada::payments::domain {
namespace {

using namespace std::chrono_literals;

mobile_money::Observed Seen(mobile_money::State st, std::int64_t amount, std::string currency,
                            std::string reason = "") {
  mobile_money::Observed o;
  o.state = st;
  o.amount = amount;
  o.currency = std::move(currency);
  o.reason = std::move(reason);
  return o;
}

TEST(PaymentsLifecycle, OnlyTheExpectedAmountInXafIsCredited) {
  EXPECT_EQ(Judge(Seen(mobile_money::State::kSucceeded, 5200, "XAF"), 5200).verdict, Verdict::kCredit);
  Judgement less = Judge(Seen(mobile_money::State::kSucceeded, 5100, "XAF"), 5200);
  EXPECT_EQ(less.verdict, Verdict::kAmountMismatch);
  EXPECT_EQ(less.reason, "amount_mismatch");
  EXPECT_EQ(Judge(Seen(mobile_money::State::kSucceeded, 5200, "EUR"), 5200).verdict, Verdict::kAmountMismatch);
  EXPECT_EQ(Judge(Seen(mobile_money::State::kSucceeded, 0, ""), 5200).verdict, Verdict::kAmountMismatch);
  EXPECT_EQ(Judge(Seen(mobile_money::State::kPending, 5200, "XAF"), 5200).verdict, Verdict::kWait);
  Judgement failed = Judge(Seen(mobile_money::State::kFailed, 5200, "XAF", "NOT_ENOUGH_FUNDS"), 5200);
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_EQ(failed.reason, "insufficient_funds");
}

TEST(PaymentsLifecycle, ProviderCodesBecomePaymentFailedReasons) {
  EXPECT_EQ(FailureReason("APPROVAL_REJECTED"), "declined");
  EXPECT_EQ(FailureReason(""), "declined");
  EXPECT_EQ(FailureReason("NOT_ENOUGH_FUNDS"), "insufficient_funds");
  EXPECT_EQ(FailureReason("low_balance"), "insufficient_funds");
  EXPECT_EQ(FailureReason("EXPIRED"), "timeout");
  EXPECT_EQ(FailureReason("CANCELLED"), "cancelled");
  EXPECT_EQ(FailureReason("INTERNAL_PROCESSING_ERROR"), "provider_error");
}

TEST(PaymentsLifecycle, OnlyOpenOrExpiredPaymentsCanStillSettle) {
  EXPECT_TRUE(Settleable("intent"));
  EXPECT_TRUE(Settleable("pending"));
  EXPECT_TRUE(Settleable("expired"));  // a late approval is captured (then refunded)
  EXPECT_FALSE(Settleable("succeeded"));
  EXPECT_FALSE(Settleable("failed"));
}

TEST(PaymentsLifecycle, LooksBackOffWithFullJitterUnderTheCap) {
  EXPECT_EQ(NextLook(0, 1000ms, 60000ms, 0.5), 500ms);
  EXPECT_EQ(NextLook(3, 1000ms, 60000ms, 0.5), 4000ms);  // ceiling 8 s
  EXPECT_EQ(NextLook(20, 1000ms, 60000ms, 0.999999), 59999ms);
  EXPECT_EQ(NextLook(20, 1000ms, 60000ms, 1.5), 60000ms);  // uniform clamped to [0, 1]
  EXPECT_EQ(NextLook(5, 1000ms, 60000ms, 0.0), 10ms);      // never a busy loop
}

TEST(PaymentsLifecycle, ReconciliationMatchesByReference) {
  std::vector<BookItem> ours = {
      {"r-ok", "p1", 5200, true, false},     {"r-dropped", "p2", 3000, true, false},
      {"r-amount", "p3", 3000, true, false}, {"r-late", "p4", 1500, false, false},
      {"r-young", "p5", 800, false, true},   {"r-young-ours", "p6", 900, true, true},
      {"r-failed", "p7", 700, false, false},
  };
  std::vector<StatementItem> theirs = {
      {"r-ok", "p1", 5200},   {"r-amount", "p3", 2400},  {"r-late", "p4", 1500},
      {"r-young", "p5", 800}, {"r-stranger", "x", 7000},
  };
  std::vector<Mismatch> found = Reconcile(ours, theirs);
  std::map<std::string, Mismatch> by;
  for (const Mismatch& m : found) by[m.reference] = m;
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(by["r-dropped"].kind, "missing_at_provider");
  EXPECT_EQ(by["r-dropped"].ours, 3000);
  EXPECT_FALSE(by["r-dropped"].theirs.has_value());
  EXPECT_EQ(by["r-amount"].kind, "amount_differs");
  EXPECT_EQ(by["r-amount"].theirs, 2400);
  EXPECT_EQ(by["r-late"].kind, "missing_in_books");  // the provider settled what we did not book
  EXPECT_EQ(by["r-late"].ours, 1500);
  EXPECT_EQ(by["r-stranger"].kind, "missing_in_books");
  EXPECT_FALSE(by["r-stranger"].ours.has_value());
  EXPECT_EQ(by.count("r-young"), 0u);       // still settling on our side
  EXPECT_EQ(by.count("r-young-ours"), 0u);  // young: not yet expected in the statement
  EXPECT_EQ(by.count("r-failed"), 0u);      // failed here and absent there: agreement
}

}  // namespace
}  // namespace okada::payments::domain
