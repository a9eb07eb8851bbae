// Background jobs of the orders service: payment expiry, finishing stock steps, compensating stranded
// checkouts, pruning idempotency keys. Each runs on shard 0 (host jobs) in small batches.
#include "api/jobs.hpp"

#include "api/api.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::orders {

namespace asio = boost::asio;

asio::awaitable<std::size_t> ExpireOverduePayments(StatePtr s, Deadline d) {
  pg::Result due = co_await s->db->Execute(d, store::kPaymentOverdue, 100);
  std::size_t n = 0;
  for (const pg::Row& r : due) {
    std::optional<OrderRow> o = co_await LoadOrder(*s->db, d, r.Get<std::string>(0));
    if (!o || o->status != "pending_payment") continue;
    Who system;
    system.role = "system";
    std::optional<std::string> reason = std::string("payment not received in time");
    std::string failure;
    try {
      co_await Move(s, *o, "expired", system, reason, d);
      ++n;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::Warn("orders.expire_failed", {{"order", o->id}, {"error", failure}});
  }
  co_return n;
}

namespace {

void LogSettleFailed(const std::string& order_id, const std::string& error) {
  log::Warn("orders.settle_failed", {{"order", order_id}, {"error", error}});
}

// A confirmed (or later) order whose stock could not be taken again (its hold lapsed and the stock is gone):
// the platform cancels it, which tells the customer and, for a paid order, lets payments refund it.
asio::awaitable<void> CancelForStock(StatePtr s, std::string order_id, Deadline d) {
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, d, order_id);
  if (!o) co_return;
  Who system;
  system.role = "system";
  std::optional<std::string> reason = std::string("the stock for this order is no longer available");
  co_await Move(s, *o, "cancelled", system, reason, d);
}

}  // namespace

asio::awaitable<std::size_t> SettleUnsettledStock(StatePtr s, Deadline d) {
  double after = static_cast<double>(s->settings.settle_after.count());
  pg::Result rows = co_await s->db->Execute(d, store::kStockUnsettled, after, 100);
  std::size_t n = 0;
  for (const pg::Row& r : rows) {
    std::string id = r.Get<std::string>(0);
    std::string failure;
    bool out_of_stock = false;
    try {
      co_await SettleStock(s, id, r.Get<std::string>(1), r.Get<std::string>(2), d);
      ++n;
    } catch (const Error& e) {
      failure = e.what();
      out_of_stock = e.code() == ErrorCode::kOutOfStock;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty()) continue;
    LogSettleFailed(id, failure);
    // One order that cannot be settled must not hold up the others: it goes to the back of the queue.
    co_await s->db->Execute(d, store::kOrderTouch, id);
    if (out_of_stock) co_await CancelForStock(s, id, d);
  }
  if (n > 0) log::Info("orders.stock_settled", {{"orders", static_cast<std::int64_t>(n)}});
  co_return n;
}

asio::awaitable<std::size_t> CompensateStrandedCheckouts(StatePtr s, Deadline d) {
  double after = static_cast<double>(s->settings.stranded_after.count());
  pg::Result rows = co_await s->db->Execute(d, store::kStrandedCheckouts, after, 100);
  std::size_t n = 0;
  for (const pg::Row& r : rows) {
    std::string caller = r.Get<std::string>(0);
    std::string key = r.Get<std::string>(1);
    std::string order_id = r.Get<std::string>(2);
    std::string failure;
    try {
      // Take the claim first: a client retry cannot take it over while its stock is being released.
      pg::Result taken = co_await s->db->Execute(d, store::kTakeStranded, caller, key, after);
      if (taken.empty()) continue;
      std::string token = taken.front().Get<std::string>(0);
      std::optional<OrderRow> saved = co_await LoadOrder(*s->db, d, order_id);
      if (saved) continue;  // its order did commit; the claim's answer is stored with it
      co_await s->products->Release(d, order_id);
      co_await s->db->Execute(d, store::kForgetClaim, caller, key, token);
      ++n;
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) LogSettleFailed(order_id, failure);
  }
  if (n > 0) log::Info("orders.checkouts_compensated", {{"claims", static_cast<std::int64_t>(n)}});
  co_return n;
}

asio::awaitable<void> PruneKeys(StatePtr s, Deadline d) {
  std::int64_t n = co_await s->idempotency->Prune(*s->db, d, std::chrono::hours(24));
  if (n > 0) log::Info("orders.idempotency_pruned", {{"keys", n}});
}

}  // namespace okada::orders
