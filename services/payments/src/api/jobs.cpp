// The payments worker: everything that must happen without a request — retries, status looks, expiry, the
// order following its payment, and sending and checking transfers (refunds and payouts). Provider calls are
// never made inside a database transaction; every step is idempotent, so a pass interrupted anywhere is
// finished by the next one.
#include "api/jobs.hpp"

#include "api/api.hpp"
#include "domain/lifecycle.hpp"
#include "events/events.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"
#include "store/ledger.hpp"
#include "store/statements.hpp"

namespace okada::payments {

namespace asio = boost::asio;

namespace {

struct TransferRow {
  std::string id, purpose, provider, payee_enc, status, requested_by;
  std::optional<std::string> payment_id, party, order_id, reference;
  std::int64_t amount = 0;
  bool delivered = false;
  int attempts = 0;
};

TransferRow ToTransfer(const pg::Row& r) {
  TransferRow t;
  t.id = r.Get<std::string>("id");
  t.purpose = r.Get<std::string>("purpose");
  t.provider = r.Get<std::string>("provider");
  t.payee_enc = r.Get<std::string>("payee_enc");
  t.status = r.Get<std::string>("status");
  t.requested_by = r.Get<std::string>("requested_by");
  t.payment_id = r.Get<std::optional<std::string>>("payment_id");
  t.party = r.Get<std::optional<std::string>>("party");
  t.order_id = r.Get<std::optional<std::string>>("order_id");
  t.reference = r.Get<std::optional<std::string>>("reference");
  t.amount = r.Get<std::int64_t>("amount_xaf");
  t.delivered = r.Get<bool>("delivered");
  t.attempts = r.Get<int>("attempts");
  return t;
}

domain::AccountKind PartyKind(const std::string& party) {
  return party.rfind("rider_earnings:", 0) == 0 ? domain::AccountKind::kRiderEarnings
                                                : domain::AccountKind::kMerchantPayable;
}
std::string PartyOwner(const std::string& party) { return party.substr(party.find(':') + 1); }

// Every account an entry may touch (its postings' accounts, plus `also`).
std::vector<std::string> AccountsOf(const domain::Entry& e, const std::string& also) {
  std::vector<std::string> keys{also};
  for (const domain::Posting& p : e.postings) keys.push_back(p.account.Key());
  // Receivable is touched only when payable cannot cover the refund: lock it too.
  if (also.rfind("merchant_payable:", 0) == 0) keys.push_back("merchant_receivable:" + PartyOwner(also));
  return keys;
}

// Books a finished transfer with its status change, in one transaction. A refund is booked when the money has
// left (against the merchant's payable as it is now: locked, so a payout cannot slip between); a payout was
// booked when it was created and is reversed if it failed.
asio::awaitable<bool> Finish(StatePtr s, TransferRow t, std::string status, std::string reason, Deadline d) {
  std::optional<PaymentRow> paid;
  if (t.payment_id) paid = co_await LoadPayment(*s->db, d, *t.payment_id);
  pg::Transaction tx = co_await s->db->Begin(d);
  std::optional<std::string> why = reason.empty() ? std::nullopt : std::optional<std::string>(reason);
  pg::Result done = co_await tx.Execute(store::kTransferFinish, t.id, status, why);
  if (done.empty()) co_return false;
  if (t.purpose == "refund" && status == "succeeded" && paid) {
    std::string payable = "merchant_payable:" + paid->merchant_id;
    domain::OrderMoney money = MoneyOf(*s, paid->order_id, paid->merchant_id, paid->items_xaf, paid->delivery_fee_xaf);
    std::vector<std::string> touched = AccountsOf(domain::Refund(money, paid->provider, 0, t.delivered), payable);
    std::map<std::string, std::int64_t> locked = co_await store::LockAccounts(tx, touched);
    domain::Entry e = domain::Refund(money, paid->provider, locked[payable], t.delivered);
    co_await store::Post(tx, e, "refund:" + paid->id, paid->order_id);
    std::string payload = events::Refunded(FactsOf(*paid), t.id, t.amount, t.amount == paid->amount_xaf);
    co_await s->outbox->Append(tx, "payment.refunded", payload);
  } else if (t.purpose == "payout" && status == "failed" && t.party) {
    domain::Entry e = domain::PayoutReversed(PartyKind(*t.party), PartyOwner(*t.party), t.amount, t.provider);
    co_await store::Post(tx, e, "payout_reversed:" + t.id);
  }
  co_await tx.Commit();
  if (status == "failed")
    log::Error("payments.transfer_failed", {{"transfer", t.id}, {"purpose", t.purpose}, {"reason", reason}});
  else
    log::Info("payments.transfer_succeeded", {{"transfer", t.id}, {"purpose", t.purpose}, {"amount_xaf", t.amount}});
  co_return true;
}

// After a refund: the order says so (cancelled, rejected and completed orders can be `refunded`).
asio::awaitable<void> MarkOrderRefunded(StatePtr s, std::string order_uuid, Deadline d) {
  std::string failure;
  try {
    co_await s->orders->Move(d, PublicOrderId(order_uuid), "refunded", "money returned to the payer");
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Info("payments.order_not_marked_refunded", {{"order", order_uuid}, {"detail", failure}});
}

}  // namespace

asio::awaitable<void> AdvanceTransfer(StatePtr s, std::string transfer_id, Deadline d) {
  pg::Result r = co_await s->db->Execute(d, store::kTransferGet, transfer_id);
  if (r.empty()) co_return;
  TransferRow t = ToTransfer(r.front());
  if (t.status != "pending" && t.status != "sent") co_return;
  mobile_money::Provider& provider = ProviderOf(*s, t.provider);
  std::string failure;
  bool refused = false;
  if (!t.reference) {
    std::string ref;
    try {
      ref = co_await provider.PrepareTransfer(ProviderDeadline(d));
    } catch (const Error& e) {
      failure = e.what();
      refused = e.code() == ErrorCode::kPaymentRefused;
    }
    if (failure.empty()) {
      pg::Result set = co_await s->db->Execute(d, store::kTransferSetReference, t.id, ref);
      if (set.empty()) co_return;  // another pass stored one: it goes on from there
      t.reference = ref;
    }
  }
  if (failure.empty() && t.status == "pending") {
    mobile_money::Request req;
    req.reference = *t.reference;
    req.msisdn = OpenNumber(*s, t.id, t.payee_enc);
    req.amount = t.amount;
    req.external_id = t.id;
    req.message = t.purpose == "refund" ? "Okada remboursement / refund" : "Okada versement / payout";
    try {
      co_await provider.Transfer(req, ProviderDeadline(d));
    } catch (const Error& e) {
      failure = e.what();
      refused = e.code() == ErrorCode::kPaymentRefused;
    }
    if (failure.empty()) {
      co_await s->db->Execute(d, store::kTransferSent, t.id, static_cast<double>(s->settings.poll_first.count()));
      co_return;
    }
  }
  if (failure.empty() && t.status == "sent") {
    mobile_money::Observed seen;
    try {
      seen = co_await provider.TransferStatus(*t.reference, ProviderDeadline(d));
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty()) {
      if (seen.state == mobile_money::State::kPending) {
        co_await s->db->Execute(d, store::kTransferLater, t.id, LaterMs(*s, t.attempts));
      } else if (seen.state == mobile_money::State::kSucceeded) {
        bool booked = co_await Finish(s, t, "succeeded", "", d);
        if (booked && t.purpose == "refund" && t.order_id) co_await MarkOrderRefunded(s, *t.order_id, d);
      } else {
        co_await Finish(s, t, "failed", domain::FailureReason(seen.reason), d);
      }
      co_return;
    }
  }
  if (refused) {
    co_await Finish(s, t, "failed", "refused", d);
  } else {
    log::Warn("payments.provider_down", {{"transfer", t.id}, {"provider", t.provider}, {"error", failure}});
    co_await s->db->Execute(d, store::kTransferLater, t.id, LaterMs(*s, t.attempts));
  }
}

namespace {

void LogStepFailed(const std::string& what, const std::string& id, const std::string& error) {
  log::Warn("payments.worker_step_failed", {{"step", what}, {"id", id}, {"error", error}});
}

// Each item gets its own budget (up to two provider calls and a few statements), not what is left of the pass:
// a pass that meets a slow provider takes longer, and the next one starts after it.
Deadline StepDeadline(const State& s) { return Clock::now() + s.settings.step_budget; }

asio::awaitable<std::size_t> LookAtDuePayments(StatePtr s, Deadline pass) {
  double late = static_cast<double>(s->settings.late_window.count());
  pg::Result due = co_await s->db->Execute(pass, store::kPaymentsDue, late, 50);
  std::size_t n = 0;
  for (const pg::Row& r : due) {
    Deadline d = StepDeadline(*s);
    std::string id = r.Get<std::string>(0);
    bool overdue = r.Get<bool>(1);
    std::string failure;
    try {
      std::optional<PaymentRow> p = co_await LoadPayment(*s->db, d, id);
      if (!p) continue;
      if (p->status == "intent" && !overdue) {
        co_await RequestCollection(s, *p, d);
      } else {
        PaymentRow now = co_await LookAndSettle(s, *p, d);
        if (overdue && (now.status == "intent" || now.status == "pending")) {
          // The window is over and the provider did not confirm: the order expires, its stock returns.
          pg::Transaction tx = co_await s->db->Begin(d);
          pg::Result moved = co_await tx.Execute(store::kPaymentExpire, id);
          if (!moved.empty()) {
            co_await s->outbox->Append(tx, "payment.failed", events::Failed(FactsOf(now), "timeout"));
          }
          co_await tx.Commit();
          if (!moved.empty()) {
            log::Info("payments.expired", {{"payment", id}, {"provider", now.provider}});
            co_await SyncOrder(s, id, d);
          }
        }
      }
      ++n;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) LogStepFailed("payment", id, failure);
  }
  co_return n;
}

// One step per due row (its id in column 0), each with its own budget; a failing row is logged and left for the
// next pass, the others go on.
using Step = asio::awaitable<void> (*)(StatePtr, std::string, Deadline);
asio::awaitable<std::size_t> EachDue(StatePtr s, const pg::Statement& due, const char* what, Step step) {
  pg::Result rows = co_await s->db->Execute(StepDeadline(*s), due, 50);
  std::size_t n = 0;
  for (const pg::Row& r : rows) {
    std::string id = r.Get<std::string>(0);
    std::string failure;
    try {
      co_await step(s, id, StepDeadline(*s));
      ++n;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) LogStepFailed(what, id, failure);
  }
  co_return n;
}

}  // namespace

// The job's deadline (its interval) is too short for provider calls; every step gets a fresh budget.
asio::awaitable<std::size_t> LookAtPayments(StatePtr s, Deadline) {
  co_return co_await LookAtDuePayments(s, StepDeadline(*s));
}
asio::awaitable<std::size_t> FollowOrders(StatePtr s, Deadline) {
  co_return co_await EachDue(s, store::kPaymentsUnsynced, "order", &SyncOrder);
}
asio::awaitable<std::size_t> MoveMoney(StatePtr s, Deadline) {
  co_return co_await EachDue(s, store::kTransfersDue, "transfer", &AdvanceTransfer);
}

}  // namespace okada::payments
