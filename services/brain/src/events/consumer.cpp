#include <boost/json.hpp>

#include "events/events.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::brain::events {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool Uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

asio::awaitable<void> OnEvent(const okada::events::Event& event, pg::Transaction& tx) {
  json::value parsed;
  boost::system::error_code ec;
  parsed = json::parse(event.payload, ec);
  if (ec || !parsed.is_object()) {
    log::Warn("brain_unreadable_event", {{"type", event.type}, {"id", event.id}});
    co_return;  // a malformed payload would fail forever: note it and move on
  }
  const json::object& o = parsed.get_object();
  if (event.type == "order.placed") {
    const std::string order_id = Str(o, "order_id"), customer = Str(o, "customer_id"), store = Str(o, "store_id");
    const json::value* ids = o.if_contains("product_ids");
    if (order_id.empty() || !Uuid(customer) || !Uuid(store) || !ids || !ids->is_array()) co_return;
    // Units per product when the event carries them (order.placed's quantities, same order), else 1.
    const json::value* qs = o.if_contains("quantities");
    const bool with_units = qs && qs->is_array() && qs->get_array().size() == ids->get_array().size();
    std::string products = "{", units = "{";
    for (std::size_t i = 0; i < ids->get_array().size(); ++i) {
      const json::value& p = ids->get_array()[i];
      if (!p.is_string() || !Uuid(std::string(p.get_string()))) continue;
      std::int64_t q = 1;
      if (with_units) {
        const json::value& n = qs->get_array()[i];
        if (n.is_int64() && n.get_int64() > 0 && n.get_int64() <= 1000000) q = n.get_int64();
      }
      products += (products.size() > 1 ? "," : "") + std::string(p.get_string());
      units += (units.size() > 1 ? "," : "") + std::to_string(q);
    }
    products += "}";
    units += "}";
    if (products == "{}") co_return;
    const std::string zone_text = Str(o, "zone");
    const std::optional<std::string> zone = zone_text.empty() ? std::nullopt : std::optional<std::string>(zone_text);
    const std::string at = event.at;
    co_await tx.Execute(store::kInteractionsInsert, order_id, products, customer, store, zone, at, units);
  } else if (event.type == "delivery.delivered" || event.type == "delivery.failed") {
    const std::string delivery = Str(o, "delivery_id"), rider = Str(o, "rider_id"), order = Str(o, "order_id");
    if (!Uuid(delivery) || !Uuid(rider) || order.empty()) co_return;
    const std::string outcome = event.type == "delivery.delivered" ? "delivered" : "failed";
    const std::string at = event.at;
    co_await tx.Execute(store::kDeliveryOutcome, delivery, outcome, rider, order, at);
  } else if (event.type == "listing.updated") {
    const std::string store = Str(o, "store_id"), product = Str(o, "product_id");
    const json::value* price = o.if_contains("price_xaf");
    const json::value* available = o.if_contains("available");
    if (!Uuid(store) || !Uuid(product) || !price || !price->is_int64() || !available || !available->is_bool())
      co_return;
    const std::int64_t price_xaf = price->get_int64();
    const bool on_sale = available->get_bool();
    const std::string at = event.at;
    co_await tx.Execute(store::kListingUpsert, store, product, price_xaf, on_sale, at);
  }
}

}  // namespace okada::brain::events
