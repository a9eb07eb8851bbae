#pragma once
/// JSON views of carts and orders, list filters, and the sealed delivery point (plain functions: GCC 12
/// mishandles JSON building inside coroutine bodies).
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/api.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::orders::api {

inline constexpr std::string_view kDeliveryColumn = "orders.orders.delivery_enc";

struct Delivery {
  double lat = 0;
  double lon = 0;
  std::optional<std::string> landmark;
  std::optional<std::string> instructions;
};
std::string SealDelivery(const State& s, std::string_view order_id, const Delivery& d);
Delivery OpenDelivery(const State& s, std::string_view order_id, std::string_view sealed);

/// `lines`/`timeline` may be null (not loaded). `with_delivery`: include the drop-off point.
boost::json::object OrderJson(const State& s, const OrderRow& o, std::string_view lang, const pg::Result* lines,
                              const pg::Result* timeline, bool with_delivery);
boost::json::object OrderPage(const State& s, const pg::Result& rows, int limit, std::string_view lang);

struct ListFilter {
  int limit = 20;
  std::optional<std::string> after;  ///< uuid from the cursor
  std::optional<std::string> status;
  std::optional<std::string> store_id;
};
/// `?limit&cursor&status&store_id`; 422 naming the parameter.
ListFilter ParseListFilter(const http::Request& req);

http::Response JsonAnswer(const boost::json::value& v, int status);

}  // namespace okada::orders::api
