#include "api/views.hpp"

#include "domain/lifecycle.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"

namespace okada::orders::api {

namespace json = boost::json;

namespace {
std::string Context(std::string_view order_id) {
  std::string ad(kDeliveryColumn);
  ad += ':';
  ad += order_id;
  return ad;
}

json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

[[noreturn]] void BadQuery(std::string_view field, std::string code, std::string detail) {
  Error e(ErrorCode::kValidationFailed);
  e.WithField({std::string(field), std::move(code), std::move(detail)});
  throw e;
}
}  // namespace

std::string SealDelivery(const State& s, std::string_view order_id, const Delivery& d) {
  json::object o;
  o["lat"] = d.lat;
  o["lon"] = d.lon;
  o["landmark"] = Opt(d.landmark);
  o["instructions"] = Opt(d.instructions);
  return s.keyring->get()->EncryptToText(json::serialize(o), Context(order_id));
}

Delivery OpenDelivery(const State& s, std::string_view order_id, std::string_view sealed) {
  std::string plain = s.keyring->get()->DecryptText(sealed, Context(order_id));
  json::value v = json::parse(plain);
  const json::object& o = v.as_object();
  Delivery d;
  d.lat = o.at("lat").to_number<double>();
  d.lon = o.at("lon").to_number<double>();
  if (o.at("landmark").is_string()) d.landmark = std::string(o.at("landmark").get_string());
  if (o.at("instructions").is_string()) d.instructions = std::string(o.at("instructions").get_string());
  return d;
}

json::object OrderJson(const State& s, const OrderRow& o, std::string_view lang, const pg::Result* lines,
                       const pg::Result* timeline, bool with_delivery) {
  json::object j;
  j["id"] = o.public_id;
  j["status"] = o.status;
  j["store_id"] = o.store_id;
  j["merchant_id"] = o.merchant_id;
  j["customer_id"] = o.customer_id;
  j["rider_id"] = Opt(o.rider_id);
  j["payment_method"] = o.payment_method;
  j["currency"] = "XAF";
  j["items_xaf"] = o.items_xaf;
  j["delivery_fee_xaf"] = o.delivery_fee_xaf;
  j["total_xaf"] = o.total_xaf;
  j["distance_m"] = o.distance_m;
  j["stock"] = o.stock;
  j["final"] = domain::IsFinal(o.status);
  j["created_at"] = o.created_at;
  j["updated_at"] = o.updated_at;
  j["payment_due_at"] = Opt(o.payment_due_at);
  if (with_delivery) {
    Delivery d = OpenDelivery(s, o.id, o.delivery_enc);
    json::object dj;
    json::object loc;
    loc["lat"] = d.lat;
    loc["lon"] = d.lon;
    dj["location"] = std::move(loc);
    dj["landmark"] = Opt(d.landmark);
    dj["instructions"] = Opt(d.instructions);
    j["delivery"] = std::move(dj);
  }
  if (lines != nullptr) {
    json::array items;
    for (const pg::Row& r : *lines) {
      json::object it;
      it["product_id"] = r.Get<std::string>(0);
      it["name_fr"] = r.Get<std::string>(1);
      it["name_en"] = r.Get<std::string>(2);
      it["name"] = lang == "en" ? r.Get<std::string>(2) : r.Get<std::string>(1);
      std::int64_t unit = r.Get<std::int64_t>(3);
      int qty = r.Get<int>(4);
      it["unit_price_xaf"] = unit;
      it["qty"] = qty;
      it["line_total_xaf"] = unit * qty;
      items.push_back(std::move(it));
    }
    j["lines"] = std::move(items);
  }
  if (timeline != nullptr) {
    json::array events;
    for (const pg::Row& r : *timeline) {
      json::object e;
      e["seq"] = r.Get<int>(0);
      e["from"] = Opt(r.Get<std::optional<std::string>>(1));
      e["to"] = r.Get<std::string>(2);
      e["actor_role"] = r.Get<std::string>(3);
      e["actor_id"] = Opt(r.Get<std::optional<std::string>>(4));
      e["reason"] = Opt(r.Get<std::optional<std::string>>(5));
      e["at"] = r.Get<std::string>(6);
      events.push_back(std::move(e));
    }
    j["timeline"] = std::move(events);
  }
  return j;
}

json::object OrderPage(const State& s, const pg::Result& rows, int limit, std::string_view lang) {
  json::array items;
  std::string last;
  int n = 0;
  for (const pg::Row& r : rows) {
    if (n == limit) break;
    OrderRow o = ToOrder(r);
    last = o.id;
    items.push_back(OrderJson(s, o, lang, nullptr, nullptr, false));
    ++n;
  }
  json::object page;
  page["items"] = std::move(items);
  page["next_cursor"] = rows.size() > limit ? json::value(paging::EncodeCursor(last)) : json::value(nullptr);
  return page;
}

ListFilter ParseListFilter(const http::Request& req) {
  ListFilter f;
  std::optional<std::string> limit = req.query_param("limit");
  std::optional<int> l = paging::ParseLimit(limit ? std::optional<std::string_view>(*limit) : std::nullopt);
  if (!l) BadQuery("limit", "INVALID_FORMAT", "a whole number from 1 to 100");
  f.limit = *l;
  if (std::optional<std::string> c = req.query_param("cursor")) {
    f.after = paging::DecodeCursor(*c);
    if (!f.after || !paging::IsUuid(*f.after)) BadQuery("cursor", "INVALID_FORMAT", "use next_cursor as given");
  }
  if (std::optional<std::string> st = req.query_param("status")) {
    if (!domain::IsStatus(*st)) BadQuery("status", "NOT_ALLOWED", "not an order status");
    f.status = *st;
  }
  if (std::optional<std::string> store = req.query_param("store_id")) {
    if (!paging::IsUuid(*store)) BadQuery("store_id", "INVALID_FORMAT", "a store id (UUID)");
    f.store_id = *store;
  }
  return f;
}

http::Response JsonAnswer(const json::value& v, int status) { return http::Response::Json(json::serialize(v), status); }

}  // namespace okada::orders::api
