#pragma once
/// Typed client of the products service's internal API (quotes and stock reservations), for the checkout
/// saga in orders. Reservations are idempotent by order id, so every call here may be retried. A refusal by
/// products (409 OUT_OF_STOCK, 422 PRODUCT_UNAVAILABLE…) is rethrown as the same okada::Error code and detail,
/// so the customer sees products' own words. Thread-safe.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "okada/core/deadline.hpp"

namespace okada {
class ServiceTransport;
}

namespace okada::products {

struct Line {
  std::string product_id;
  int qty = 1;
};

struct PricedLine {
  std::string product_id;
  int qty = 0;
  std::int64_t unit_price_xaf = 0;
  std::string name_fr;
  std::string name_en;
  bool available = false;  ///< quotes: listed, available and not archived
  std::int64_t in_stock = 0;
};

struct Reservation {
  std::string order_id;
  std::string status;  ///< held | committed | released | expired | absent
  std::vector<PricedLine> lines;
};

class Client {
 public:
  /// `transport` may be null (products unreachable from this process): calls then throw 503.
  Client(ServiceTransport* transport, std::string service_token);
  /// Current prices and stock of `lines` in `store_id` (for carts).
  boost::asio::awaitable<std::vector<PricedLine>> Quote(Deadline deadline, std::string store_id,
                                                        std::vector<Line> lines) const;
  /// Reserves every line or none. `commit`: take the stock at once (cash on delivery).
  boost::asio::awaitable<Reservation> Reserve(Deadline deadline, std::string order_id, std::string store_id,
                                              std::vector<Line> lines, std::chrono::seconds ttl, bool commit) const;
  boost::asio::awaitable<Reservation> Commit(Deadline deadline, std::string order_id) const;
  /// Returns the stock (held or committed); "absent" if there never was a reservation.
  boost::asio::awaitable<Reservation> Release(Deadline deadline, std::string order_id) const;

 private:
  ServiceTransport* transport_;
  std::string token_;
};

}  // namespace okada::products
