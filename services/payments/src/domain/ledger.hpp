#pragma once
// The payments service's double-entry rules, without I/O (issue 5; ARCHITECTURE §8 for the rates).
//
// Every money movement is one journal entry whose postings sum to zero. Sign convention: a posting's amount is
// positive for a debit and negative for a credit. Asset accounts (money at a provider, cash a rider holds, what a
// merchant owes back) carry positive balances; liability and revenue accounts (what we owe merchants and riders,
// platform revenue) carry negative ones. So "merchant payable" at -9,000 means the platform owes that merchant
// 9,000 XAF.
//
// The life of a mobile-money order in entries:
//   captured      Dr clearing:<provider> total   Cr merchant_payable:<m> items-commission
//                                                 Cr platform_revenue commission   Cr delivery_fees_held fee
//   delivered     Dr delivery_fees_held fee      Cr rider_earnings:<r> rider share   Cr platform_revenue the rest
//   payout        Dr merchant_payable:<m> x      Cr clearing:<provider> x            (money leaves our wallet)
//   refund        the capture reversed, paid back from clearing; whatever the merchant's payable no longer
//                 holds (already paid out) is booked to merchant_receivable (the merchant owes it back), so
//                 merchant payable never goes below zero
// A cash order: collected  Dr rider_cash_held:<r> total, Cr as "captured" and "delivered" at once;
//               settled    Dr clearing:cash x, Cr rider_cash_held:<r> x (the rider hands the cash in).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace okada::payments::domain {

enum class AccountKind {
  kClearing,            ///< money at a provider (owner: "momo", "orange_money", "cash")
  kMerchantPayable,     ///< what the platform owes a merchant (owner: merchant id)
  kMerchantReceivable,  ///< what a merchant owes back after a refund of paid-out money (owner: merchant id)
  kRiderEarnings,       ///< what the platform owes a rider (owner: rider id)
  kRiderCashHeld,       ///< cash a rider collected and has not handed in (owner: rider id)
  kDeliveryFeesHeld,    ///< delivery fees paid for orders not delivered yet
  kPlatformRevenue,
  kProviderFees,
  kRefunds,  ///< refunds the platform bears (its own share of a refunded order)
};
std::string_view KindName(AccountKind k);

struct Account {
  AccountKind kind;
  std::string owner;  ///< empty for platform-wide accounts
  /// "merchant_payable:<id>", "platform_revenue", … (the ledger's account key)
  std::string Key() const;
  bool operator==(const Account& o) const { return kind == o.kind && owner == o.owner; }
};

struct Posting {
  Account account;
  std::int64_t amount = 0;  ///< XAF; + debit, − credit
};

struct Entry {
  std::string kind;  ///< captured | delivered | payout | payout_reversed | refund | cash_collected | cash_settled
  std::vector<Posting> postings;
};

/// True when the postings sum to zero and none is zero (an entry never carries a no-op line).
bool Balanced(const Entry& e);

/// Rates in basis points (1/100 of a percent): commission on items 12%, rider share of the delivery fee 80%.
struct Rates {
  int commission_bp = 1200;
  int rider_share_bp = 8000;
};

/// How an order's money divides. Commission and rider share round half up to whole francs; the merchant and the
/// platform take what is left, so the parts always add up to the total exactly.
struct Split {
  std::int64_t items = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t commission = 0;         ///< platform, on items
  std::int64_t merchant = 0;           ///< items − commission
  std::int64_t rider = 0;              ///< share of the delivery fee
  std::int64_t platform_delivery = 0;  ///< delivery fee − rider
  std::int64_t total() const { return items + delivery_fee; }
};
/// Throws std::invalid_argument for negative amounts or rates outside 0..10000.
Split SplitOrder(std::int64_t items_xaf, std::int64_t delivery_fee_xaf, Rates rates = {});

struct OrderMoney {
  std::string order_id;
  std::string merchant_id;
  Split split;
};

Entry Captured(const OrderMoney& o, std::string_view provider);
/// No postings for an order without a delivery fee: nothing moves, and the caller records no entry.
Entry Delivered(const OrderMoney& o, const std::string& rider_id);
Entry CashCollected(const OrderMoney& o, const std::string& rider_id);
Entry CashSettled(const std::string& rider_id, std::int64_t amount);
/// Money sent to a merchant (`party` kMerchantPayable) or a rider (kRiderEarnings) through `provider`. Booked when
/// the payout is created, so the same money cannot be paid out twice or refunded out of an emptied payable.
Entry PartyPayout(AccountKind party, const std::string& owner, std::int64_t amount, std::string_view provider);
Entry Payout(const std::string& merchant_id, std::int64_t amount, std::string_view provider);  ///< a merchant's
/// A payout whose transfer failed for good: PartyPayout reversed (the money is owed again).
Entry PayoutReversed(AccountKind party, const std::string& owner, std::int64_t amount, std::string_view provider);
/// A full refund of a captured order, paid back through `provider`. `payable_balance` is the merchant's payable
/// balance now (≤ 0: what we owe them); the part of their share it cannot cover (already paid out) is booked to
/// merchant receivable. The platform gives back its commission. The delivery fee comes back out of
/// delivery_fees_held before delivery; after delivery the rider keeps the earning and the platform bears the fee
/// (refunds account).
Entry Refund(const OrderMoney& o, std::string_view provider, std::int64_t payable_balance, bool delivered);

/// Balances by account key after applying entries in order.
struct Balance {
  std::string account;
  std::int64_t amount = 0;
};
std::vector<Balance> Balances(const std::vector<Entry>& entries);

}  // namespace okada::payments::domain
