#pragma once
/// What the products service consumes (core okada::events::Consumer, group "products", inbox products.inbox):
///   order.placed → each ordered product's `popularity` + 1 (the "popularity" sort of search).
#include <boost/asio/awaitable.hpp>

#include "okada/core/events/outbox.hpp"

namespace okada::products::events {

/// Handles one order.placed inside the inbox transaction. A payload without product_ids is ignored (older
/// producers); one that is not JSON throws (retried, then dead-lettered for a person to look at).
boost::asio::awaitable<void> OnOrderPlaced(const okada::events::Event& e, pg::Transaction& tx);

}  // namespace okada::products::events
