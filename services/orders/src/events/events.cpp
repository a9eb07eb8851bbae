#include "events/events.hpp"

#include <boost/json.hpp>

namespace okada::orders::events {

namespace json = boost::json;

namespace {
json::object Base(const OrderFacts& o) {
  json::object p;
  p["v"] = 1;
  p["order_id"] = o.order_id;
  p["store_id"] = o.store_id;
  p["merchant_id"] = o.merchant_id;
  p["customer_id"] = o.customer_id;
  p["status"] = o.status;
  return p;
}
}  // namespace

std::string Placed(const OrderFacts& o, const std::vector<std::string>& product_ids,
                   const std::vector<std::int64_t>& quantities) {
  json::object p = Base(o);
  p["payment_method"] = o.payment_method;
  p["items_xaf"] = o.items_xaf;
  p["delivery_fee_xaf"] = o.delivery_fee_xaf;
  p["total_xaf"] = o.total_xaf;
  p["currency"] = "XAF";
  p["lines"] = static_cast<std::int64_t>(product_ids.size());
  json::array ids;
  for (const std::string& id : product_ids) ids.emplace_back(id);
  p["product_ids"] = std::move(ids);
  if (quantities.size() == product_ids.size()) {
    json::array units;
    for (std::int64_t q : quantities) units.emplace_back(q);
    p["quantities"] = std::move(units);
  }
  p["zone"] = o.zone;
  return json::serialize(p);
}

std::string Moved(const OrderFacts& o, std::string_view from, std::string_view actor_role, std::string_view) {
  json::object p = Base(o);
  p["from"] = from;
  p["actor_role"] = actor_role;
  return json::serialize(p);
}

}  // namespace okada::orders::events
