#pragma once
// The payment lifecycle's decisions, without I/O (issue 5):
//
//   intent ──collect accepted──▶ pending ──provider confirms amount+currency──▶ succeeded
//      │                            ├──provider says failed──▶ failed
//      └────────────────────────────┴──payment window over──▶ expired ──late confirmation──▶ succeeded (refunded)
//
// A callback never decides anything: it only makes the service ask the provider now (Judge on the answer).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/providers/mobile_money.hpp"

namespace okada::payments::domain {

enum class Verdict {
  kWait,            ///< still pending at the provider
  kCredit,          ///< confirmed with the expected amount and currency: book it
  kFail,            ///< the provider says it failed
  kAmountMismatch,  ///< "successful" but not for what we asked: never credited, reported for support
};
struct Judgement {
  Verdict verdict = Verdict::kWait;
  std::string reason;  ///< for kFail: declined | insufficient_funds | timeout | provider_error | cancelled
};
/// What the provider's view of a collection means for a payment of `amount` XAF.
Judgement Judge(const mobile_money::Observed& seen, std::int64_t amount);

/// The provider's failure code as one of payment.failed's reasons.
std::string FailureReason(std::string_view provider_code);

/// Statuses a provider's answer may still change (an expired payment can still be captured late).
bool Settleable(std::string_view status);

/// How long to wait before the next look at a payment or transfer after `checks` looks: full jitter,
/// uniform · min(cap, first · 2^checks), at least 10 ms. `uniform` in [0, 1).
std::chrono::milliseconds NextLook(int checks, std::chrono::milliseconds first, std::chrono::milliseconds cap,
                                   double uniform);

// --- reconciliation ------------------------------------------------------------------------------------
/// One transaction in our books for a provider (a captured payment, a refund or payout sent).
struct BookItem {
  std::string reference;
  std::string external_id;
  std::int64_t amount = 0;
  bool settled = false;  ///< we booked it as settled (succeeded); false: still pending or failed here
  bool young = false;    ///< changed within the grace period: may still be settling on either side
};
/// One settled transaction in the provider's statement.
struct StatementItem {
  std::string reference;
  std::string external_id;
  std::int64_t amount = 0;
};
struct Mismatch {
  std::string kind;  ///< missing_at_provider | missing_in_books | amount_differs
  std::string reference;
  std::string external_id;
  std::optional<std::int64_t> ours, theirs;
};
/// Compares both sides by reference. A settled item of ours the statement lacks is missing_at_provider; a
/// statement item we did not book as settled is missing_in_books; both with different amounts is
/// amount_differs. Young items of ours are left out either way.
std::vector<Mismatch> Reconcile(const std::vector<BookItem>& ours, const std::vector<StatementItem>& theirs);

}  // namespace okada::payments::domain
