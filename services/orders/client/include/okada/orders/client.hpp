#pragma once
/// Typed client of the orders service's internal API, for payments (and delivery): read an order, and move it
/// as the platform through the state machine. A refusal by orders (404 ORDER_NOT_FOUND, 409
/// INVALID_TRANSITION, 403 TRANSITION_FORBIDDEN) is rethrown with the same code. Thread-safe.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "okada/core/deadline.hpp"

namespace okada {
class ServiceTransport;
}

namespace okada::orders {

/// The public order id: "ord_" + the order UUID's 32 hex digits; and back (nullopt when `public_id` is not one).
std::string PublicId(std::string_view uuid);
std::optional<std::string> UuidOf(std::string_view public_id);

struct Point {
  double lat = 0, lon = 0;
};

/// An order as other services see it (no lines). The drop-off point and landmark are personal data: the delivery
/// service keeps them encrypted; nobody logs them.
struct OrderInfo {
  std::string id;  ///< public id, ord_…
  std::string status;
  std::string store_id, merchant_id, customer_id;
  std::optional<std::string> rider_id;
  std::string payment_method;  ///< momo | orange_money | cash
  std::int64_t items_xaf = 0, delivery_fee_xaf = 0, total_xaf = 0;
  std::optional<std::string> payment_due_at;  ///< RFC 3339, while pending_payment
  bool paid = false;
  std::optional<Point> dropoff;
  std::optional<std::string> landmark;
};

class Client {
 public:
  /// `transport` may be null (orders not reachable from this process): every call then throws 503.
  Client(ServiceTransport* transport, std::string service_token);
  /// Throws ORDER_NOT_FOUND (404) when there is no such order.
  boost::asio::awaitable<OrderInfo> Get(Deadline deadline, std::string order_id) const;
  /// Moves the order to `status` as the platform. Returns the order as it now is.
  boost::asio::awaitable<OrderInfo> Move(Deadline deadline, std::string order_id, std::string status,
                                         std::string reason) const;
  /// Records the rider who carries the order (the delivery service, when a rider accepts its offer), so the rider
  /// may read it. Returns the order as it now is.
  boost::asio::awaitable<OrderInfo> SetRider(Deadline deadline, std::string order_id, std::string rider_id) const;

 private:
  ServiceTransport* transport_;
  std::string token_;
};

}  // namespace okada::orders
