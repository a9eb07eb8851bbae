// The payments service's double-entry rules without I/O: the order split (commission, rider share, rounding),
// each entry balanced, refunds before and after a payout, and a randomised run of 1,000 orders through captures,
// cash collections, deliveries, payouts and refunds in which the books must always sum to zero and no merchant's
// payable may turn into a debt (that goes to merchant receivable).

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <stdexcept>

#include "domain/ledger.hpp"

namespace okada::payments::domain {
namespace {

std::int64_t BalanceOf(const std::vector<Entry>& entries, const std::string& key) {
  for (const Balance& b : Balances(entries))
    if (b.account == key) return b.amount;
  return 0;
}

std::int64_t Sum(const std::vector<Entry>& entries) {
  std::int64_t s = 0;
  for (const Balance& b : Balances(entries)) s += b.amount;
  return s;
}

TEST(PaymentsSplit, DefaultRatesOfArchitectureSection8) {
  Split s = SplitOrder(10000, 1000);
  EXPECT_EQ(s.commission, 1200);
  EXPECT_EQ(s.merchant, 8800);
  EXPECT_EQ(s.rider, 800);
  EXPECT_EQ(s.platform_delivery, 200);
  EXPECT_EQ(s.total(), 11000);
}

TEST(PaymentsSplit, RoundsHalfUpAndTheLeftoverKeepsTheTotalExact) {
  EXPECT_EQ(SplitOrder(1001, 0).commission, 120);  // 120.12
  EXPECT_EQ(SplitOrder(1005, 0).commission, 121);  // 120.6
  EXPECT_EQ(SplitOrder(125, 0).commission, 15);    // 15.0
  EXPECT_EQ(SplitOrder(0, 625).rider, 500);        // 500.0
  EXPECT_EQ(SplitOrder(0, 251).rider, 201);        // 200.8
  for (std::int64_t items : {0, 1, 7, 99, 1001, 123457})
    for (std::int64_t fee : {0, 1, 250, 333, 1500}) {
      Split s = SplitOrder(items, fee);
      EXPECT_EQ(s.commission + s.merchant, items);
      EXPECT_EQ(s.rider + s.platform_delivery, fee);
      EXPECT_GE(s.merchant, 0);
      EXPECT_GE(s.platform_delivery, 0);
    }
}

TEST(PaymentsSplit, RefusesNegativeAmountsAndBadRates) {
  EXPECT_THROW(SplitOrder(-1, 0), std::invalid_argument);
  EXPECT_THROW(SplitOrder(0, -5), std::invalid_argument);
  EXPECT_THROW(SplitOrder(100, 0, Rates{10001, 8000}), std::invalid_argument);
  EXPECT_THROW(SplitOrder(100, 0, Rates{1200, -1}), std::invalid_argument);
}

OrderMoney Order(std::string id, std::string merchant, std::int64_t items, std::int64_t fee) {
  return OrderMoney{std::move(id), std::move(merchant), SplitOrder(items, fee)};
}

TEST(PaymentsLedger, MobileMoneyOrderCapturedDeliveredAndPaidOut) {
  OrderMoney o = Order("o1", "m1", 10000, 1000);
  std::vector<Entry> book{Captured(o, "momo"), Delivered(o, "r1")};
  for (const Entry& e : book) EXPECT_TRUE(Balanced(e)) << e.kind;
  EXPECT_EQ(BalanceOf(book, "clearing:momo"), 11000);
  EXPECT_EQ(BalanceOf(book, "merchant_payable:m1"), -8800);
  EXPECT_EQ(BalanceOf(book, "rider_earnings:r1"), -800);
  EXPECT_EQ(BalanceOf(book, "platform_revenue"), -1400);
  EXPECT_EQ(BalanceOf(book, "delivery_fees_held"), 0);
  book.push_back(Payout("m1", 8800, "momo"));
  EXPECT_TRUE(Balanced(book.back()));
  EXPECT_EQ(BalanceOf(book, "merchant_payable:m1"), 0);
  EXPECT_EQ(BalanceOf(book, "clearing:momo"), 2200);
  EXPECT_EQ(Sum(book), 0);
}

TEST(PaymentsLedger, CashOrderCollectedThenHandedIn) {
  OrderMoney o = Order("o2", "m1", 5000, 500);
  std::vector<Entry> book{CashCollected(o, "r7")};
  EXPECT_TRUE(Balanced(book[0]));
  EXPECT_EQ(BalanceOf(book, "rider_cash_held:r7"), 5500);
  EXPECT_EQ(BalanceOf(book, "merchant_payable:m1"), -4400);
  EXPECT_EQ(BalanceOf(book, "rider_earnings:r7"), -400);
  book.push_back(CashSettled("r7", 5500));
  EXPECT_EQ(BalanceOf(book, "rider_cash_held:r7"), 0);
  EXPECT_EQ(BalanceOf(book, "clearing:cash"), 5500);
  EXPECT_EQ(Sum(book), 0);
  EXPECT_THROW(CashSettled("r7", 0), std::invalid_argument);
}

TEST(PaymentsLedger, RefundBeforePayoutComesOutOfPayable) {
  OrderMoney o = Order("o3", "m2", 20000, 1000);
  std::vector<Entry> book{Captured(o, "orange_money")};
  book.push_back(Refund(o, "orange_money", BalanceOf(book, "merchant_payable:m2"), false));
  EXPECT_TRUE(Balanced(book.back()));
  for (const Balance& b : Balances(book)) EXPECT_EQ(b.amount, 0) << b.account << " is back where it started";
}

TEST(PaymentsLedger, RefundAfterPayoutClawsBackIntoReceivable) {
  OrderMoney o = Order("o4", "m3", 10000, 1000);
  std::vector<Entry> book{Captured(o, "momo"), Delivered(o, "r1"), Payout("m3", 8800, "momo")};
  book.push_back(Refund(o, "momo", BalanceOf(book, "merchant_payable:m3"), true));
  EXPECT_TRUE(Balanced(book.back()));
  EXPECT_EQ(BalanceOf(book, "merchant_payable:m3"), 0) << "never below zero";
  EXPECT_EQ(BalanceOf(book, "merchant_receivable:m3"), 8800) << "the merchant owes back what was paid out";
  EXPECT_EQ(BalanceOf(book, "rider_earnings:r1"), -800) << "the rider keeps a delivered order's earning";
  EXPECT_EQ(BalanceOf(book, "refunds"), 1000) << "the platform bears the delivery fee";
  EXPECT_EQ(BalanceOf(book, "clearing:momo"), 11000 - 8800 - 11000);
  EXPECT_EQ(Sum(book), 0);
}

TEST(PaymentsLedger, PartlyPaidOutRefundSplitsBetweenPayableAndReceivable) {
  OrderMoney a = Order("a", "m4", 10000, 0);
  OrderMoney b = Order("b", "m4", 5000, 0);
  std::vector<Entry> book{Captured(a, "momo"), Captured(b, "momo"), Payout("m4", 10000, "momo")};
  ASSERT_EQ(BalanceOf(book, "merchant_payable:m4"), -3200);  // 8,800 + 4,400 − 10,000
  book.push_back(Refund(a, "momo", BalanceOf(book, "merchant_payable:m4"), false));
  EXPECT_EQ(BalanceOf(book, "merchant_payable:m4"), 0);
  EXPECT_EQ(BalanceOf(book, "merchant_receivable:m4"), 8800 - 3200);
  EXPECT_EQ(Sum(book), 0);
}

// 1,000 random orders through random lives. After every entry: it is balanced, the books sum to zero, no
// merchant payable is positive (a debt hiding in payable), and each provider's clearing equals what came in
// minus what went out.
TEST(PaymentsLedger, ThousandRandomOrdersKeepTheInvariants) {
  std::mt19937_64 rng(20261130);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::vector<std::string> providers{"momo", "orange_money"};
  std::vector<Entry> book;
  std::map<std::string, std::int64_t> running;   // balances as the entries go in
  std::map<std::string, std::int64_t> clearing;  // expected, by provider
  std::map<std::string, std::int64_t> cash_held;
  int refunds_after_payout = 0;
  auto apply = [&](Entry e) {
    ASSERT_TRUE(Balanced(e)) << e.kind;
    std::int64_t total = 0;
    for (const Posting& p : e.postings) {
      std::int64_t& b = running[p.account.Key()];
      b += p.amount;
      if (p.account.kind == AccountKind::kMerchantPayable) {
        ASSERT_LE(b, 0) << p.account.Key() << " after " << e.kind;
      }
    }
    for (const auto& [k, v] : running) total += v;
    ASSERT_EQ(total, 0) << "after " << e.kind;
    book.push_back(std::move(e));
  };
  auto balance = [&](const std::string& key) { return running.count(key) ? running[key] : 0; };
  for (int i = 0; i < 1000; ++i) {
    std::string merchant = "m" + std::to_string(pick(1, 12));
    std::string rider = "r" + std::to_string(pick(1, 20));
    OrderMoney o = Order("o" + std::to_string(i), merchant, pick(100, 80000), pick(0, 4) * 250);
    bool cash = pick(0, 3) == 0;
    if (cash) {
      apply(CashCollected(o, rider));
      cash_held[rider] += o.split.total();
      if (pick(0, 1) == 0) {
        std::int64_t part = pick(1, cash_held[rider]);
        apply(CashSettled(rider, part));
        cash_held[rider] -= part;
        clearing["cash"] += part;
      }
    } else {
      std::string provider = providers[static_cast<std::size_t>(pick(0, 1))];
      apply(Captured(o, provider));
      clearing[provider] += o.split.total();
      bool delivered = pick(0, 2) != 0;
      if (delivered && o.split.delivery_fee > 0) apply(Delivered(o, rider));  // a free delivery moves nothing
      // Sometimes a payout of part of what the merchant is owed, sometimes a refund (before or after it).
      std::int64_t owed = -balance("merchant_payable:" + merchant);
      bool payout_first = pick(0, 2) == 0 && owed > 0;
      if (payout_first) {
        std::int64_t x = pick(1, owed);
        apply(Payout(merchant, x, "momo"));
        clearing["momo"] -= x;
      }
      if (pick(0, 4) == 0) {
        std::int64_t payable = balance("merchant_payable:" + merchant);
        if (payout_first && -payable < o.split.merchant) ++refunds_after_payout;
        apply(Refund(o, provider, payable, delivered));
        clearing[provider] -= o.split.total();
      }
    }
  }
  for (const auto& [provider, expected] : clearing)
    EXPECT_EQ(BalanceOf(book, "clearing:" + provider), expected) << provider;
  for (const auto& [rider, expected] : cash_held)
    EXPECT_EQ(BalanceOf(book, "rider_cash_held:" + rider), expected) << rider;
  EXPECT_GT(refunds_after_payout, 0) << "the run must exercise claw-backs into receivable";
  EXPECT_EQ(Sum(book), 0) << "recomputed from the whole journal";
  EXPECT_GT(book.size(), 1500u);
}

}  // namespace
}  // namespace okada::payments::domain
