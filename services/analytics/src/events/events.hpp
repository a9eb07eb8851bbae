#pragma once
// What analytics consumes (consumer group `analytics`, inbox `analytics.inbox`; README.md here): the order's
// events (order.placed, confirmed, accepted, ready, cancelled, completed), the rider's (delivery.picked_up,
// delivery.delivered) and full refunds (payment.refunded). Each updates the order's fact row and recomputes its
// store's hour and day buckets, in the transaction that marks the event seen. Idempotent and order-independent.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "okada/core/events/outbox.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::analytics::events {

/// The event types the consumer reads.
std::vector<std::string> Consumed();

/// Handles one event inside `tx`. A payload it cannot read is logged and skipped (it would fail forever).
boost::asio::awaitable<void> OnEvent(const okada::events::Event& event, pg::Transaction& tx);

}  // namespace okada::analytics::events
