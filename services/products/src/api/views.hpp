#pragma once
/// JSON shapes of the products service's answers (plain functions, no I/O).

#include <boost/json.hpp>
#include <string_view>

#include "api/common.hpp"
#include "store/store.hpp"

namespace okada::products::api {

/// {"id","parent_id","slug","name","name_fr","name_en","position"}
boost::json::object CategoryJson(const store::CategoryRow& c, std::string_view lang);
/// {"id","merchant_id","sku","name","name_fr","name_en","description_fr","description_en","category_id",
///  "category","unit","image_urls","tags","attributes","lead_time_days","pack_size","shelf_life_days","status",
///  "popularity","created_at","updated_at"}
boost::json::object ProductJson(const store::ProductRow& p, std::string_view lang);
/// {"store_id","product_id","price_xaf","available","on_hand","reserved","in_stock","low_stock_threshold",
///  "low_stock","created_at","updated_at"}
boost::json::object ListingJson(const store::ListingRow& l);
/// {"id","store_id","product_id","delta","reason","note","actor_id","on_hand_after","created_at"}
boost::json::object AdjustmentJson(const pg::Row& row);
/// {"order_id","store_id","status","expires_at","created_at","updated_at","lines":[{"product_id","qty",
///  "unit_price_xaf","name_fr","name_en"}]}
boost::json::object ReservationJson(const store::ReservationRow& r, const pg::Result& lines);

}  // namespace okada::products::api
