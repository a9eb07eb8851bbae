#include "domain/lifecycle.hpp"

#include <algorithm>

namespace okada::orders::domain {

namespace {

using A = Actor;

// Bit set of actors.
constexpr unsigned Bit(A a) { return 1u << static_cast<unsigned>(a); }
constexpr unsigned kStaffDesk = Bit(A::kSupport) | Bit(A::kAdmin);

struct Rule {
  Transition t;
  unsigned actors;
};

// The whole machine. Adding a move = one row here (and the drawing in docs/order-state-machine.md).
const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = {
      // payment outcome (payments service) and expiry (orders job)
      {{"pending_payment", "confirmed", StockEffect::kCommit, "order.confirmed"}, Bit(A::kSystem)},
      {{"pending_payment", "payment_failed", StockEffect::kRelease, "order.cancelled"}, Bit(A::kSystem)},
      {{"pending_payment", "expired", StockEffect::kRelease, "order.cancelled"}, Bit(A::kSystem)},
      {{"pending_payment", "cancelled", StockEffect::kRelease, "order.cancelled"},
       Bit(A::kCustomer) | kStaffDesk | Bit(A::kSystem)},
      // the merchant's side
      {{"confirmed", "accepted", StockEffect::kNone, "order.accepted"}, Bit(A::kMerchant) | kStaffDesk},
      {{"confirmed", "rejected", StockEffect::kRelease, "order.cancelled", true}, Bit(A::kMerchant) | kStaffDesk},
      {{"confirmed", "cancelled", StockEffect::kRelease, "order.cancelled"},
       Bit(A::kCustomer) | kStaffDesk | Bit(A::kSystem)},
      {{"accepted", "preparing", StockEffect::kNone, ""}, Bit(A::kMerchant) | kStaffDesk},
      {{"accepted", "cancelled", StockEffect::kRelease, "order.cancelled", true},
       Bit(A::kMerchant) | kStaffDesk | Bit(A::kSystem)},
      {{"preparing", "ready_for_pickup", StockEffect::kNone, "order.ready"}, Bit(A::kMerchant) | kStaffDesk},
      {{"preparing", "cancelled", StockEffect::kRelease, "order.cancelled", true}, kStaffDesk | Bit(A::kSystem)},
      {{"ready_for_pickup", "cancelled", StockEffect::kRelease, "order.cancelled", true}, kStaffDesk | Bit(A::kSystem)},
      // the rider's side (the delivery service drives these; support can correct them)
      {{"ready_for_pickup", "picked_up", StockEffect::kNone, ""}, Bit(A::kRider) | kStaffDesk | Bit(A::kSystem)},
      {{"picked_up", "delivered", StockEffect::kNone, ""}, Bit(A::kRider) | kStaffDesk | Bit(A::kSystem)},
      // a failed delivery: the goods went back to the merchant (the delivery service, once the rider returned
      // them); the stock is not released (food cannot be resold; the merchant counts what came back)
      {{"picked_up", "cancelled", StockEffect::kNone, "order.cancelled", true}, kStaffDesk | Bit(A::kSystem)},
      {{"delivered", "completed", StockEffect::kNone, "order.completed"},
       Bit(A::kCustomer) | kStaffDesk | Bit(A::kSystem)},
      // money back (the payments service, or support after a complaint); only for orders paid by a provider
      {{"cancelled", "refunded", StockEffect::kNone, ""}, kStaffDesk | Bit(A::kSystem)},
      {{"rejected", "refunded", StockEffect::kNone, ""}, kStaffDesk | Bit(A::kSystem)},
      {{"completed", "refunded", StockEffect::kNone, "", true}, kStaffDesk | Bit(A::kSystem)},
  };
  return rules;
}

}  // namespace

const std::vector<std::string_view>& Statuses() {
  static const std::vector<std::string_view> s = {
      "pending_payment", "confirmed", "accepted", "preparing",      "ready_for_pickup", "picked_up", "delivered",
      "completed",       "cancelled", "rejected", "payment_failed", "expired",          "refunded"};
  return s;
}

bool IsStatus(std::string_view s) noexcept {
  const auto& all = Statuses();
  return std::find(all.begin(), all.end(), s) != all.end();
}

bool IsFinal(std::string_view status) noexcept {
  for (const Rule& r : Rules())
    if (r.t.from == status) return false;
  return true;
}

std::string_view ToString(Actor a) noexcept {
  switch (a) {
    case A::kCustomer:
      return "customer";
    case A::kMerchant:
      return "merchant";
    case A::kRider:
      return "rider";
    case A::kSupport:
      return "support";
    case A::kAdmin:
      return "admin";
    case A::kSystem:
      return "system";
    case A::kStranger:
      return "stranger";
  }
  return "stranger";
}

Transition Decide(std::string_view from, std::string_view to, Actor actor, bool has_reason, bool paid) {
  if (!IsStatus(to)) {
    Error e(ErrorCode::kValidationFailed);
    e.WithField({"status", "NOT_ALLOWED", "not an order status"});
    throw e;
  }
  const Rule* found = nullptr;
  for (const Rule& r : Rules())
    if (r.t.from == from && r.t.to == to) found = &r;
  if (found == nullptr)
    throw Error(ErrorCode::kInvalidTransition,
                "an order that is " + std::string(from) + " cannot become " + std::string(to));
  if ((found->actors & Bit(actor)) == 0)
    throw Error(ErrorCode::kTransitionForbidden,
                "you may not move this order from " + std::string(from) + " to " + std::string(to));
  if (to == "refunded" && !paid)
    throw Error(ErrorCode::kInvalidTransition, "only an order paid by mobile money can be refunded");
  if (found->t.reason_required && !has_reason && actor != A::kSystem) {
    Error e(ErrorCode::kValidationFailed, "say why (the customer is told)");
    e.WithField({"reason", "REQUIRED", "a reason is required for this change"});
    throw e;
  }
  return found->t;
}

std::string_view InitialStatus(std::string_view payment_method) noexcept {
  return payment_method == "cash" ? "confirmed" : "pending_payment";
}

}  // namespace okada::orders::domain
