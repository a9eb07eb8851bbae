// What payments does with other services' events: a paid order that ends before delivery (cancelled by the
// customer or support, rejected by the merchant) is refunded. The refund row is written in the same
// transaction as the inbox mark; the worker sends the money.
#include "api/api.hpp"
#include "events/events.hpp"
#include "store/statements.hpp"

namespace okada::payments::events {

boost::asio::awaitable<void> OnOrderCancelled(StatePtr s, const okada::events::Event& event, pg::Transaction& tx) {
  Cancelled c = ParseCancelled(event.payload);
  if (c.status != "cancelled" && c.status != "rejected") co_return;
  std::optional<std::string> uuid = OrderUuid(c.order_id);
  if (!uuid) co_return;
  pg::Result r = co_await tx.Execute(store::kPaymentOfOrder, *uuid);
  if (r.empty()) co_return;  // cash, or never paid
  PaymentRow p = ToPayment(r.front());
  if (p.status != "succeeded") co_return;  // a payment still open is refunded if it succeeds later (SyncOrder)
  co_await CreateRefund(s, tx, p, false, "order " + c.status, "system");
}

}  // namespace okada::payments::events
