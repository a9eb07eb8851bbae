#pragma once
/// What the payments service publishes (api/events/payment.*.json) and consumes (order.cancelled: a paid order
/// that will not be delivered is refunded). Payloads carry ids, amounts and codes only, never phone numbers.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "api/state.hpp"
#include "okada/core/events/outbox.hpp"

namespace okada::payments::events {

struct PaymentFacts {
  std::string payment_id;
  std::string order_id;  ///< public id, ord_…
  std::string customer_id;
  std::string provider;  ///< momo | orange_money
  std::int64_t amount_xaf = 0;
};

std::string Succeeded(const PaymentFacts& p);
/// `reason`: declined | insufficient_funds | timeout | provider_error | cancelled.
std::string Failed(const PaymentFacts& p, const std::string& reason);
std::string Refunded(const PaymentFacts& p, const std::string& refund_id, std::int64_t amount_xaf, bool full);

/// order.cancelled's order id and status, or empty strings when the payload is not one.
struct Cancelled {
  std::string order_id;  ///< public id
  std::string status;    ///< cancelled | rejected | payment_failed | expired
};
Cancelled ParseCancelled(const std::string& payload);

/// order.cancelled → refund of a succeeded payment (consumer.cpp).
boost::asio::awaitable<void> OnOrderCancelled(StatePtr s, const okada::events::Event& event, pg::Transaction& tx);

}  // namespace okada::payments::events
