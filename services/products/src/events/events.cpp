#include "events/events.hpp"

#include <boost/json.hpp>

namespace okada::products::events {

namespace json = boost::json;

std::string ProductPayload(const std::string& product_id, const std::string& merchant_id) {
  json::object o;
  o["v"] = 1;
  o["product_id"] = product_id;
  o["merchant_id"] = merchant_id;
  return json::serialize(o);
}

std::string ListingPayload(const std::string& store_id, const std::string& product_id, const std::string& merchant_id,
                           std::int64_t price_xaf, bool available) {
  json::object o;
  o["v"] = 1;
  o["store_id"] = store_id;
  o["product_id"] = product_id;
  o["merchant_id"] = merchant_id;
  o["price_xaf"] = price_xaf;
  o["available"] = available;
  return json::serialize(o);
}

std::string StockLowPayload(const std::string& store_id, const std::string& product_id, const std::string& merchant_id,
                            std::int64_t available, std::int64_t threshold) {
  json::object o;
  o["v"] = 1;
  o["store_id"] = store_id;
  o["product_id"] = product_id;
  o["merchant_id"] = merchant_id;
  o["available"] = available;
  o["threshold"] = threshold;
  return json::serialize(o);
}

std::string ReservationPayload(const std::string& order_id, const std::string& store_id) {
  json::object o;
  o["v"] = 1;
  o["order_id"] = order_id;
  o["store_id"] = store_id;
  return json::serialize(o);
}

}  // namespace okada::products::events
