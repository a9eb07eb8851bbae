// Reorder advice for the merchant web (issue 9, item 4): a page of the store's listings, each with the demand
// forecast for the coming days, the safety stock and reorder point for the service level asked, what to order
// today in whole packs, days of stock left, perishables about to expire, and the reason in the caller's language.
// The arithmetic is the AI Brain's inventory library (domain/advice.hpp); the facts are this service's own: stock,
// the product's lead time, pack size and shelf life, committed reservations (sales) and restocks (ages).
//
// Cost: fitting the demand model takes about a millisecond per listing on the I/O thread; pages are at most 50.
#include <boost/asio/awaitable.hpp>
#include <cmath>
#include <map>

#include "api/handlers.hpp"
#include "domain/advice.hpp"
#include "okada/brain/inventory/calendar.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;
namespace inv = brain::inventory;

namespace {

constexpr int kMaxAdvicePage = 50;

struct AdviceQuery {
  double service_level = 0.95;
  int review_days = 1;
};

AdviceQuery ParseAdviceQuery(const http::Request& req) {
  AdviceQuery q;
  std::vector<FieldError> errors;
  if (auto v = req.query_param("service_level")) {
    const auto d = ParseDouble(*v);
    if (!d || *d < 0.5 || *d > 0.999)
      errors.push_back(FieldError{"service_level", "OUT_OF_RANGE", "a number from 0.5 to 0.999"});
    else
      q.service_level = *d;
  }
  if (auto v = req.query_param("review_days")) {
    const auto d = ParseInt64(*v);
    if (!d || *d < 1 || *d > 30)
      errors.push_back(FieldError{"review_days", "OUT_OF_RANGE", "a whole number of days from 1 to 30"});
    else
      q.review_days = static_cast<int>(*d);
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  return q;
}

inv::Date DoualaToday() {  // UTC+1 all year
  const std::int64_t local_s = UnixMillisNow() / 1000 + 3600;
  return inv::CivilFromDays(local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400);
}

std::string IsoDate(inv::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

json::value Rounded(double v, double per_unit = 100) {  // to 1/per_unit, printed without binary noise
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * per_unit) / per_unit;
}

json::object AdviceJson(const pg::Row& row, const domain::Advice& a, inv::Date today, std::string_view lang) {
  const inv::Recommendation& r = a.recommendation;
  json::object o;
  o["product_id"] = row.Get<std::string>("product_id");
  o["name"] =
      std::string(NameIn(lang, row.Get<std::string>("name_fr"), row.Get<std::optional<std::string>>("name_en")));
  o["unit"] = row.Get<std::string>("unit");
  o["available"] = row.Get<bool>("available");
  o["on_hand"] = row.Get<std::int64_t>("on_hand");
  o["reserved"] = row.Get<std::int64_t>("reserved");
  o["lead_time_days"] = row.Get<std::int64_t>("lead_time_days");
  o["pack_size"] = row.Get<std::int64_t>("pack_size");
  const auto shelf = row.Get<std::optional<std::int64_t>>("shelf_life_days");
  o["shelf_life_days"] = shelf ? json::value(*shelf) : json::value(nullptr);
  o["order_now"] = r.order_now;
  o["order_units"] = r.order_units;
  o["packs"] = r.packs;
  o["reorder_point"] = Rounded(r.reorder_point);
  o["safety_stock"] = Rounded(r.safety_stock);
  o["demand_lead_time"] = Rounded(r.demand_lead);
  o["demand_cover"] = Rounded(r.demand_cover);
  o["protection_days"] = r.protection_days;
  o["days_of_stock"] = Rounded(r.days_of_stock, 10);  // null: the forecast never uses the stock up
  o["stockout_risk"] = r.stockout_risk;
  json::object expiring;
  expiring["known"] = a.ages_known;
  expiring["soon"] = r.expiring_soon;
  expiring["units"] = r.expiring_units;
  expiring["in_days"] = r.expiring_in_days;
  o["expiring"] = std::move(expiring);
  json::array causes;
  for (const auto& c : r.causes) causes.push_back(json::value(domain::CauseCode(c.cause)));
  o["causes"] = std::move(causes);
  o["reason"] = lang == "en" ? r.reason_en : r.reason_fr;
  json::array days;
  for (std::size_t h = 0; h < a.forecast.point.size(); ++h) {
    json::object d;
    d["date"] = IsoDate(inv::AddDays(today, static_cast<std::int64_t>(h)));
    d["units"] = Rounded(a.forecast.point[h]);
    d["low"] = Rounded(a.forecast.q10[h]);
    d["high"] = Rounded(a.forecast.q90[h]);
    days.push_back(std::move(d));
  }
  o["forecast"] = std::move(days);
  return o;
}

asio::awaitable<http::Response> InventoryAdvice(StatePtr s, http::Request& req) {
  Caller c = RequireMerchantOrSupport(req);
  std::string store_id = PathId(req, "id");
  ListQuery page = ParseListQuery(req);
  page.limit = std::min(page.limit, kMaxAdvicePage);
  const AdviceQuery q = ParseAdviceQuery(req);
  co_await StoreForCaller(s, c, store_id, false, req.deadline());
  pg::Result rows =
      co_await s->db->Execute(req.deadline(), store::kAdviceListings, store_id, page.after, page.limit + 1);
  const inv::Date today = DoualaToday();
  std::string ids = "{";
  for (int i = 0; i < rows.size() && i < page.limit; ++i) {
    if (ids.size() > 1) ids += ',';
    ids += rows[i].Get<std::string>("product_id");
  }
  ids += "}";
  std::map<std::string, std::vector<double>> sales;
  std::map<std::string, std::vector<domain::Restock>> restocks;
  if (ids.size() > 2) {
    const std::string day = IsoDate(today);
    const std::int64_t back = domain::kAdviceHistoryDays;
    pg::Result sold = co_await s->db->Execute(req.deadline(), store::kDailySales, store_id, ids, day, back);
    for (const pg::Row& row : sold) {
      const std::int64_t ago = row.Get<std::int64_t>("days_ago");
      if (ago < 1 || ago > back) continue;  // today's sales are still coming in
      auto& series = sales[row.Get<std::string>("product_id")];
      series.resize(static_cast<std::size_t>(back), 0.0);
      series[static_cast<std::size_t>(back - ago)] += static_cast<double>(row.Get<std::int64_t>("units"));
    }
    pg::Result received = co_await s->db->Execute(req.deadline(), store::kRecentRestocks, store_id, ids, back);
    for (const pg::Row& row : received)
      restocks[row.Get<std::string>("product_id")].push_back(domain::Restock{
          static_cast<int>(row.Get<std::int64_t>("units")), static_cast<int>(row.Get<std::int64_t>("days_ago"))});
  }
  json::array items;
  std::vector<std::string> cursor_ids;
  for (int i = 0; i < rows.size(); ++i) {
    const pg::Row& row = rows[i];
    const std::string id = row.Get<std::string>("product_id");
    cursor_ids.push_back(id);
    if (i >= page.limit) {  // the extra row only says there is a next page
      items.push_back(json::object{});
      continue;
    }
    domain::ListingFacts facts;
    facts.on_hand = static_cast<int>(row.Get<std::int64_t>("on_hand"));
    facts.reserved = static_cast<int>(row.Get<std::int64_t>("reserved"));
    facts.lead_time_days = static_cast<int>(row.Get<std::int64_t>("lead_time_days"));
    facts.pack_size = static_cast<int>(row.Get<std::int64_t>("pack_size"));
    if (auto shelf = row.Get<std::optional<std::int64_t>>("shelf_life_days"))
      facts.shelf_life_days = static_cast<int>(*shelf);
    auto history = sales.count(id) ? sales.at(id) : std::vector<double>(domain::kAdviceHistoryDays, 0.0);
    const auto advice = domain::AdviseListing(facts, history, restocks[id], today, q.review_days, q.service_level);
    items.push_back(AdviceJson(row, advice, today, req.lang()));
  }
  json::value body = PageJson(std::move(items), cursor_ids, page.limit);
  body.as_object()["store_id"] = store_id;
  body.as_object()["as_of"] = IsoDate(today);
  body.as_object()["service_level"] = q.service_level;
  body.as_object()["review_days"] = q.review_days;
  co_return JsonResponse(body);
}

}  // namespace

void AddAdviceRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/stores/{id}/inventory/advice",
             http::AsyncHandler([s](http::Request& r) { return InventoryAdvice(s, r); }));
}

}  // namespace okada::products::api
