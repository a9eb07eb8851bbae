// Double-entry rules of the payments service (see ledger.hpp).

#include "domain/ledger.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace okada::payments::domain {

std::string_view KindName(AccountKind k) {
  switch (k) {
    case AccountKind::kClearing:
      return "clearing";
    case AccountKind::kMerchantPayable:
      return "merchant_payable";
    case AccountKind::kMerchantReceivable:
      return "merchant_receivable";
    case AccountKind::kRiderEarnings:
      return "rider_earnings";
    case AccountKind::kRiderCashHeld:
      return "rider_cash_held";
    case AccountKind::kDeliveryFeesHeld:
      return "delivery_fees_held";
    case AccountKind::kPlatformRevenue:
      return "platform_revenue";
    case AccountKind::kProviderFees:
      return "provider_fees";
    case AccountKind::kRefunds:
      return "refunds";
  }
  return "unknown";
}

std::string Account::Key() const {
  std::string key(KindName(kind));
  if (!owner.empty()) key += ":" + owner;
  return key;
}

bool Balanced(const Entry& e) {
  if (e.postings.empty()) return false;
  std::int64_t sum = 0;
  for (const Posting& p : e.postings) {
    if (p.amount == 0) return false;
    sum += p.amount;
  }
  return sum == 0;
}

namespace {

// round(amount × bp / 10000), half up, for non-negative amounts.
std::int64_t Share(std::int64_t amount, int bp) { return (amount * bp + 5000) / 10000; }

// Adds a posting unless its amount is zero (a free delivery has no fee lines).
void Post(Entry& e, AccountKind kind, std::string owner, std::int64_t amount) {
  if (amount != 0) e.postings.push_back(Posting{Account{kind, std::move(owner)}, amount});
}

}  // namespace

Split SplitOrder(std::int64_t items_xaf, std::int64_t delivery_fee_xaf, Rates rates) {
  if (items_xaf < 0 || delivery_fee_xaf < 0) throw std::invalid_argument("amounts must not be negative");
  if (items_xaf > 1'000'000'000'000 || delivery_fee_xaf > 1'000'000'000'000)
    throw std::invalid_argument("amount out of range");
  if (rates.commission_bp < 0 || rates.commission_bp > 10000 || rates.rider_share_bp < 0 ||
      rates.rider_share_bp > 10000)
    throw std::invalid_argument("rates are basis points from 0 to 10000");
  Split s;
  s.items = items_xaf;
  s.delivery_fee = delivery_fee_xaf;
  s.commission = Share(items_xaf, rates.commission_bp);
  s.merchant = items_xaf - s.commission;
  s.rider = Share(delivery_fee_xaf, rates.rider_share_bp);
  s.platform_delivery = delivery_fee_xaf - s.rider;
  return s;
}

Entry Captured(const OrderMoney& o, std::string_view provider) {
  Entry e{"captured", {}};
  Post(e, AccountKind::kClearing, std::string(provider), o.split.total());
  Post(e, AccountKind::kMerchantPayable, o.merchant_id, -o.split.merchant);
  Post(e, AccountKind::kPlatformRevenue, "", -o.split.commission);
  Post(e, AccountKind::kDeliveryFeesHeld, "", -o.split.delivery_fee);
  return e;
}

Entry Delivered(const OrderMoney& o, const std::string& rider_id) {
  Entry e{"delivered", {}};
  Post(e, AccountKind::kDeliveryFeesHeld, "", o.split.delivery_fee);
  Post(e, AccountKind::kRiderEarnings, rider_id, -o.split.rider);
  Post(e, AccountKind::kPlatformRevenue, "", -o.split.platform_delivery);
  return e;
}

Entry CashCollected(const OrderMoney& o, const std::string& rider_id) {
  Entry e{"cash_collected", {}};
  Post(e, AccountKind::kRiderCashHeld, rider_id, o.split.total());
  Post(e, AccountKind::kMerchantPayable, o.merchant_id, -o.split.merchant);
  Post(e, AccountKind::kPlatformRevenue, "", -(o.split.commission + o.split.platform_delivery));
  Post(e, AccountKind::kRiderEarnings, rider_id, -o.split.rider);
  return e;
}

Entry CashSettled(const std::string& rider_id, std::int64_t amount) {
  if (amount <= 0) throw std::invalid_argument("a settlement moves a positive amount");
  Entry e{"cash_settled", {}};
  Post(e, AccountKind::kClearing, "cash", amount);
  Post(e, AccountKind::kRiderCashHeld, rider_id, -amount);
  return e;
}

Entry PartyPayout(AccountKind party, const std::string& owner, std::int64_t amount, std::string_view provider) {
  if (amount <= 0) throw std::invalid_argument("a payout moves a positive amount");
  if (party != AccountKind::kMerchantPayable && party != AccountKind::kRiderEarnings)
    throw std::invalid_argument("payouts pay merchants and riders only");
  Entry e{"payout", {}};
  Post(e, party, owner, amount);
  Post(e, AccountKind::kClearing, std::string(provider), -amount);
  return e;
}

Entry Payout(const std::string& merchant_id, std::int64_t amount, std::string_view provider) {
  return PartyPayout(AccountKind::kMerchantPayable, merchant_id, amount, provider);
}

Entry PayoutReversed(AccountKind party, const std::string& owner, std::int64_t amount, std::string_view provider) {
  Entry e = PartyPayout(party, owner, amount, provider);
  e.kind = "payout_reversed";
  for (Posting& p : e.postings) p.amount = -p.amount;
  return e;
}

Entry Refund(const OrderMoney& o, std::string_view provider, std::int64_t payable_balance, bool delivered) {
  Entry e{"refund", {}};
  Post(e, AccountKind::kClearing, std::string(provider), -o.split.total());
  // What we still owe the merchant covers their share first; the rest they owe us back.
  std::int64_t owed_to_merchant = std::max<std::int64_t>(0, -payable_balance);
  std::int64_t from_payable = std::min(o.split.merchant, owed_to_merchant);
  Post(e, AccountKind::kMerchantPayable, o.merchant_id, from_payable);
  Post(e, AccountKind::kMerchantReceivable, o.merchant_id, o.split.merchant - from_payable);
  Post(e, AccountKind::kPlatformRevenue, "", o.split.commission);
  Post(e, delivered ? AccountKind::kRefunds : AccountKind::kDeliveryFeesHeld, "", o.split.delivery_fee);
  return e;
}

std::vector<Balance> Balances(const std::vector<Entry>& entries) {
  std::map<std::string, std::int64_t> by;
  for (const Entry& e : entries)
    for (const Posting& p : e.postings) by[p.account.Key()] += p.amount;
  std::vector<Balance> out;
  for (auto& [k, v] : by) out.push_back(Balance{k, v});
  return out;
}

}  // namespace okada::payments::domain
