// Background jobs of the orders service: payment expiry, finishing stock steps, compensating stranded
// checkouts, pruning idempotency keys. Each runs on shard 0 (host jobs) in small batches.
#include "api/jobs.hpp"

#include "api/api.hpp"
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

asio::awaitable<std::size_t> SettleUnsettledStock(StatePtr s, Deadline d) {
  double after = static_cast<double>(s->settings.settle_after.count());
  pg::Result rows = co_await s->db->Execute(d, store::kStockUnsettled, after, 100);
  std::size_t n = 0;
  for (const pg::Row& r : rows) {
    co_await SettleStock(s, r.Get<std::string>(0), r.Get<std::string>(1), r.Get<std::string>(2), d);
    ++n;
  }
  if (n > 0) log::Info("orders.stock_settled", {{"orders", static_cast<std::int64_t>(n)}});
  co_return n;
}

asio::awaitable<std::size_t> CompensateStrandedCheckouts(StatePtr s, Deadline d) {
  double after = static_cast<double>(s->settings.stranded_after.count());
  pg::Result rows = co_await s->db->Execute(d, store::kStrandedCheckouts, after, 100);
  std::size_t n = 0;
  for (const pg::Row& r : rows) {
    std::string order_id = r.Get<std::string>(2);
    co_await s->products->Release(d, order_id);
    co_await s->db->Execute(d, store::kForgetClaim, r.Get<std::string>(0), r.Get<std::string>(1), after);
    log::Info("orders.checkout_compensated", {{"order", order_id}, {"cause", "stranded"}});
    ++n;
  }
  co_return n;
}

asio::awaitable<void> PruneKeys(StatePtr s, Deadline d) {
  std::int64_t n = co_await s->idempotency->Prune(*s->db, d, std::chrono::hours(24));
  if (n > 0) log::Info("orders.idempotency_pruned", {{"keys", n}});
}

}  // namespace okada::orders
