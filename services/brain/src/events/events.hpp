#pragma once
// What the brain consumes: order.placed (each ordered product becomes an interaction for the feature store and the
// recommenders: customer, product, store, the coarse delivery zone, when), listing.updated (what each store
// offers now, for serving's in-stock rule) and delivery.delivered / delivery.failed (riders' outcomes). Each runs in
// the transaction that marks the event seen (inbox).
#include <boost/asio/awaitable.hpp>

#include "okada/core/events/outbox.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::brain::events {

boost::asio::awaitable<void> OnEvent(const okada::events::Event& event, pg::Transaction& tx);

}  // namespace okada::brain::events
