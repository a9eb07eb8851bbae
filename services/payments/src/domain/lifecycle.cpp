#include "domain/lifecycle.hpp"

#include <algorithm>
#include <map>

namespace okada::payments::domain {

namespace {
bool Has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
}  // namespace

std::string FailureReason(std::string_view code) {
  std::string up(code);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (Has(up, "FUND") || Has(up, "BALANCE")) return "insufficient_funds";
  if (Has(up, "EXPIRE") || Has(up, "TIMEOUT") || Has(up, "TIME_OUT")) return "timeout";
  if (Has(up, "CANCEL")) return "cancelled";
  if (Has(up, "INTERNAL") || Has(up, "ERROR") || Has(up, "UNAVAILABLE")) return "provider_error";
  return "declined";
}

Judgement Judge(const mobile_money::Observed& seen, std::int64_t amount) {
  switch (seen.state) {
    case mobile_money::State::kPending:
      return {Verdict::kWait, {}};
    case mobile_money::State::kFailed:
      return {Verdict::kFail, FailureReason(seen.reason)};
    case mobile_money::State::kSucceeded:
      if (seen.amount != amount || seen.currency != "XAF") return {Verdict::kAmountMismatch, "amount_mismatch"};
      return {Verdict::kCredit, {}};
  }
  return {Verdict::kWait, {}};
}

bool Settleable(std::string_view status) { return status == "intent" || status == "pending" || status == "expired"; }

std::chrono::milliseconds NextLook(int checks, std::chrono::milliseconds first, std::chrono::milliseconds cap,
                                   double uniform) {
  double ceiling = static_cast<double>(first.count());
  for (int i = 0; i < checks && ceiling < static_cast<double>(cap.count()); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(cap.count()));
  auto ms = static_cast<std::int64_t>(std::clamp(uniform, 0.0, 1.0) * ceiling);
  return std::chrono::milliseconds(std::max<std::int64_t>(ms, 10));
}

std::vector<Mismatch> Reconcile(const std::vector<BookItem>& ours, const std::vector<StatementItem>& theirs) {
  std::map<std::string, const BookItem*> by_ref;
  for (const BookItem& b : ours) by_ref[b.reference] = &b;
  std::map<std::string, const StatementItem*> seen;
  std::vector<Mismatch> out;
  for (const StatementItem& t : theirs) {
    seen[t.reference] = &t;
    auto it = by_ref.find(t.reference);
    if (it == by_ref.end() || !it->second->settled) {
      if (it != by_ref.end() && it->second->young) continue;
      Mismatch m{"missing_in_books", t.reference, t.external_id, std::nullopt, t.amount};
      if (it != by_ref.end()) m.ours = it->second->amount;
      out.push_back(std::move(m));
    } else if (it->second->amount != t.amount) {
      out.push_back({"amount_differs", t.reference, t.external_id, it->second->amount, t.amount});
    }
  }
  for (const BookItem& b : ours) {
    if (!b.settled || b.young || seen.count(b.reference) > 0) continue;
    out.push_back({"missing_at_provider", b.reference, b.external_id, b.amount, std::nullopt});
  }
  return out;
}

}  // namespace okada::payments::domain
