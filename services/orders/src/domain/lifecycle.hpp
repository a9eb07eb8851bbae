#pragma once
/// The order state machine (docs/order-state-machine.md): the one place that decides who may move an order
/// from one status to another, and what each move implies (stock, events). Pure functions, no I/O.
///
///   pending_payment → confirmed → accepted → preparing → ready_for_pickup → picked_up → delivered → completed
///   with cancelled, rejected, payment_failed, expired, refunded.
/// A cash-on-delivery order starts `confirmed`. The rider side (offer, assignment, arrival) is the delivery
/// service's own machine; it moves the order to picked_up/delivered through the internal API.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"

namespace okada::orders::domain {

/// Every status, in the order of the happy path, then the side exits.
const std::vector<std::string_view>& Statuses();
bool IsStatus(std::string_view s) noexcept;
/// No transition leaves these.
bool IsFinal(std::string_view status) noexcept;

/// Who is asking, as the order sees them (relation computed by the caller from the token and the order).
enum class Actor {
  kCustomer,  ///< the customer who placed this order
  kMerchant,  ///< owner or staff of the merchant that owns the order's store
  kRider,     ///< the rider assigned to this order
  kSupport,
  kAdmin,
  kSystem,    ///< another service (payments, delivery) or a platform job
  kStranger,  ///< signed in, but none of the above (another customer, another store's staff, another rider)
};
std::string_view ToString(Actor a) noexcept;

/// What a transition implies besides the status change.
enum class StockEffect { kNone, kCommit, kRelease };

struct Transition {
  std::string_view from;
  std::string_view to;
  StockEffect stock = StockEffect::kNone;
  std::string_view event;  ///< outbox event type, empty for none
  bool reason_required = false;
};

/// Decides a requested move. Returns the transition, or throws:
///  - 422 VALIDATION_FAILED when `to` is not a status, or a reason is required and missing;
///  - 409 INVALID_TRANSITION when no such move exists from `from` (e.g. accepting a cancelled order);
///  - 403 TRANSITION_FORBIDDEN when the move exists but not for this actor (a customer marking it delivered,
///    staff of another store accepting it).
/// `paid`: the order was paid through a provider (a refund needs it).
Transition Decide(std::string_view from, std::string_view to, Actor actor, bool has_reason, bool paid);

/// The status a new order starts in.
std::string_view InitialStatus(std::string_view payment_method) noexcept;

}  // namespace okada::orders::domain
