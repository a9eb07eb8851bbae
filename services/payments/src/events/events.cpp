#include "events/events.hpp"

#include <boost/json.hpp>

namespace okada::payments::events {

namespace json = boost::json;

namespace {
json::object Base(const PaymentFacts& p) {
  json::object o;
  o["v"] = 1;
  o["payment_id"] = p.payment_id;
  o["order_id"] = p.order_id;
  o["customer_id"] = p.customer_id;
  o["payment_method"] = p.provider;
  o["amount_xaf"] = p.amount_xaf;
  o["currency"] = "XAF";
  return o;
}
}  // namespace

std::string Succeeded(const PaymentFacts& p) { return json::serialize(Base(p)); }

std::string Failed(const PaymentFacts& p, const std::string& reason) {
  json::object o = Base(p);
  o["reason"] = reason;
  return json::serialize(o);
}

std::string Refunded(const PaymentFacts& p, const std::string& refund_id, std::int64_t amount_xaf, bool full) {
  json::object o = Base(p);
  o["refund_id"] = refund_id;
  o["amount_xaf"] = amount_xaf;
  o["full"] = full;
  return json::serialize(o);
}

Cancelled ParseCancelled(const std::string& payload) {
  Cancelled c;
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec || !v.is_object()) return c;
  const json::object& o = v.get_object();
  if (const json::value* id = o.if_contains("order_id"); id && id->is_string()) c.order_id = id->get_string();
  if (const json::value* st = o.if_contains("status"); st && st->is_string()) c.status = st->get_string();
  return c;
}

}  // namespace okada::payments::events
