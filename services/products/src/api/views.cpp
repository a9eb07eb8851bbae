#include "api/views.hpp"

namespace okada::products::api {

namespace json = boost::json;

namespace {
json::value Opt(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value Opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
}  // namespace

json::object CategoryJson(const store::CategoryRow& c, std::string_view lang) {
  json::object o;
  o["id"] = c.id;
  o["parent_id"] = Opt(c.parent_id);
  o["slug"] = c.slug;
  o["name"] = lang == "en" ? c.name_en : c.name_fr;
  o["name_fr"] = c.name_fr;
  o["name_en"] = c.name_en;
  o["position"] = c.position;
  return o;
}

json::object ProductJson(const store::ProductRow& p, std::string_view lang) {
  json::object o;
  o["id"] = p.id;
  o["merchant_id"] = p.merchant_id;
  o["sku"] = p.sku;
  o["name"] = NameIn(lang, p.name_fr, p.name_en);
  o["name_fr"] = p.name_fr;
  o["name_en"] = Opt(p.name_en);
  o["description_fr"] = Opt(p.description_fr);
  o["description_en"] = Opt(p.description_en);
  o["category_id"] = Opt(p.category_id);
  o["category"] = Opt(p.category_slug);
  o["unit"] = p.unit;
  o["image_urls"] = ParseStored(p.image_urls);
  o["tags"] = ParseStored(p.tags);
  o["attributes"] = ParseStored(p.attributes);
  o["lead_time_days"] = p.lead_time_days;
  o["pack_size"] = p.pack_size;
  o["shelf_life_days"] = Opt(p.shelf_life_days);
  o["status"] = p.status;
  o["popularity"] = p.popularity;
  o["created_at"] = p.created_at;
  o["updated_at"] = p.updated_at;
  return o;
}

json::object ListingJson(const store::ListingRow& l) {
  json::object o;
  o["store_id"] = l.store_id;
  o["product_id"] = l.product_id;
  o["price_xaf"] = l.price_xaf;
  o["available"] = l.available;
  o["on_hand"] = l.on_hand;
  o["reserved"] = l.reserved;
  o["in_stock"] = l.on_hand - l.reserved;
  o["low_stock_threshold"] = l.low_stock_threshold;
  o["low_stock"] = l.on_hand - l.reserved <= l.low_stock_threshold;
  o["created_at"] = l.created_at;
  o["updated_at"] = l.updated_at;
  return o;
}

json::object AdjustmentJson(const pg::Row& row) {
  json::object o;
  o["id"] = row.Get<std::string>("id");
  o["store_id"] = row.Get<std::string>("store_id");
  o["product_id"] = row.Get<std::string>("product_id");
  o["delta"] = row.Get<std::int64_t>("delta");
  o["reason"] = row.Get<std::string>("reason");
  o["note"] = Opt(row.Get<std::optional<std::string>>("note"));
  o["actor_id"] = row.Get<std::string>("actor_id");
  o["on_hand_after"] = row.Get<std::int64_t>("on_hand_after");
  o["created_at"] = row.Get<std::string>("created_at");
  return o;
}

json::object ReservationJson(const store::ReservationRow& r, const pg::Result& lines) {
  json::object o;
  o["order_id"] = r.order_id;
  o["store_id"] = r.store_id;
  o["status"] = r.status;
  o["expires_at"] = r.expires_at;
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  json::array items;
  for (const pg::Row& row : lines) {
    store::ReservationLineRow l = store::ToReservationLine(row);
    json::object line;
    line["product_id"] = l.product_id;
    line["qty"] = l.qty;
    line["unit_price_xaf"] = l.unit_price_xaf;
    line["name_fr"] = l.name_fr;
    line["name_en"] = Opt(l.name_en);
    items.push_back(std::move(line));
  }
  o["lines"] = std::move(items);
  return o;
}

}  // namespace okada::products::api
