#include "events/events.hpp"

#include <boost/json.hpp>

namespace okada::delivery::events {

namespace json = boost::json;

// Every type MoveIn appends (the event column of Moves() in domain/lifecycle.cpp), for the contract check.
[[maybe_unused]] constexpr std::string_view kEmitted[] = {
    "delivery.offered",   "delivery.assigned", "delivery.picked_up", "delivery.arriving",
    "delivery.delivered", "delivery.failed",   "delivery.returned"};

std::string Payload(std::string_view type, const DeliveryRow& d, const json::object& extra) {
  json::object o;
  o["v"] = 1;
  o["delivery_id"] = d.id;
  o["order_id"] = d.public_order_id;
  if (type == "delivery.offered" || type == "delivery.assigned") {
    o["store_id"] = d.store_id;
    o["pickup_zone"] = d.pickup_zone.substr(0, 6);
    o["dropoff_zone"] = d.dropoff_zone.substr(0, 6);
  }
  if (d.rider_id) o["rider_id"] = *d.rider_id;
  if (type == "delivery.delivered") {
    o["cash_collected_xaf"] = d.cash_collected_xaf.value_or(0);
  }
  for (const auto& [k, v] : extra) o[k] = v;
  return json::serialize(o);
}

OrderFacts ParseOrder(const std::string& payload) {
  OrderFacts f;
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec || !v.is_object()) return f;
  const json::object& o = v.get_object();
  if (const json::value* id = o.if_contains("order_id"); id && id->is_string()) f.order_id = id->get_string();
  if (const json::value* st = o.if_contains("status"); st && st->is_string()) f.status = st->get_string();
  return f;
}

}  // namespace okada::delivery::events
