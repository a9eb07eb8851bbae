#pragma once
/// The orders service's HTTP layer and the operations its jobs share with it. Every route here is a row of
/// api/routes.inc with service "orders"; the gateway checks the role column first, the handlers check
/// ownership (a customer sees only her orders, merchant staff only their merchant's, a rider only his).
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "api/state.hpp"
#include "domain/lifecycle.hpp"
#include "events/events.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/http/router.hpp"
#include "okada/orders/client.hpp"

namespace okada::orders {

namespace api {
void AddCartRoutes(http::Router& router, StatePtr s);      // cart.cpp
void AddCheckoutRoutes(http::Router& router, StatePtr s);  // checkout.cpp
void AddOrderRoutes(http::Router& router, StatePtr s);     // orders.cpp (reads and transitions)
void AddZoneRoutes(http::Router& router, StatePtr s);      // zones.cpp
}  // namespace api

// PublicId / UuidOf (the ord_… format) are in okada/orders/client.hpp, shared with the services that call us.

/// An order as loaded from the store.
struct OrderRow {
  std::string id;  ///< uuid
  std::string public_id;
  std::string customer_id, store_id, merchant_id;
  std::optional<std::string> rider_id;
  std::string status, payment_method, stock;
  std::int64_t items_xaf = 0, delivery_fee_xaf = 0, total_xaf = 0;
  int distance_m = 0;
  std::string zone;
  std::string delivery_enc;
  bool paid = false;
  std::string created_at, updated_at;
  std::optional<std::string> payment_due_at;
};
OrderRow ToOrder(const pg::Row& row);
/// What the order.* events say about an order (ids, amounts, status, coarse zone).
events::OrderFacts FactsOf(const OrderRow& o);
boost::asio::awaitable<std::optional<OrderRow>> LoadOrder(pg::Database& db, Deadline deadline, std::string id);

/// Who made a change (for the timeline).
struct Who {
  std::optional<std::string> id;  ///< account id; none for the platform
  std::string role;               ///< customer, merchant_staff, …, system
  domain::Actor actor = domain::Actor::kSystem;
};

/// Moves `order` to `to` as `who` (domain::Decide first: 403/409/422 as documented there), writes the
/// timeline and the event in one transaction (compare-and-set on the status: a concurrent change → 409),
/// then takes the stock step with products. A stock step that fails is finished later by the settle job.
/// Returns the order as it now is.
boost::asio::awaitable<OrderRow> Move(StatePtr s, OrderRow order, std::string to, Who who,
                                      std::optional<std::string> reason, Deadline deadline);
/// Commits or releases the order's reservation so that it matches its status (idempotent).
boost::asio::awaitable<void> SettleStock(StatePtr s, std::string order_id, std::string status, std::string stock,
                                         Deadline deadline);

}  // namespace okada::orders
