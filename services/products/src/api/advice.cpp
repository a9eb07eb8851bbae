// Reorder advice for the merchant web (issue 9, item 4): a page of the store's listings, each with the demand
// forecast for the coming days, the safety stock and reorder point for the service level asked, what to order
// today in whole packs, days of stock left, perishables about to expire, and the reason in the caller's language.
// The arithmetic is the AI Brain's inventory library (domain/advice.hpp); the facts are this service's own: stock,
// the product's lead time, pack size and shelf life, committed reservations (sales) and restocks (ages).
//
// The forecast is the AI Brain's stored one when the brain has it for the listing from today (trained weekly on the
// whole marketplace with the calendar and weather: `okada brain train forecast`, served by
// GET /internal/v1/brain/forecasts/stores/{id}); otherwise the demand model is fitted here on the listing's own
// sales, about a millisecond per listing on the I/O thread (pages are at most 50). The brain being away or having
// nothing for the store never fails the advice.
#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "api/handlers.hpp"
#include "domain/advice.hpp"
#include "okada/brain/forecast/market.hpp"
#include "okada/brain/inventory/calendar.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/service_call.hpp"
#include "okada/core/log.hpp"
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

// The brain's stored forecast for one listing.
struct Stored {
  inv::Forecast forecast;
  std::string model;
  std::int64_t version = 0;
};

// The brain's answer: per product, the days from `from` in order (a product whose first day is not `from`, or with
// a gap, is left out: the advice would be shifted).
std::map<std::string, Stored> ParseStored(const json::object& answer, const std::string& from) {
  std::map<std::string, Stored> out;
  const json::value* items = answer.if_contains("items");
  const json::value* version = answer.if_contains("version");
  if (!items || !items->is_array()) return out;
  for (const json::value& v : items->as_array()) {
    const json::object* o = v.if_object();
    if (!o || !o->contains("item") || !o->at("item").is_string() || !o->contains("days") || !o->at("days").is_array())
      continue;
    Stored st;
    st.model = o->contains("model") && o->at("model").is_string() ? std::string(o->at("model").as_string()) : "";
    st.version = version && version->is_int64() ? version->as_int64() : 0;
    std::int64_t expected = -1;
    bool ok = true;
    for (const json::value& d : o->at("days").as_array()) {
      const json::object* day = d.if_object();
      if (!day || !day->contains("date") || !day->at("date").is_string()) {
        ok = false;
        break;
      }
      const std::string date(day->at("date").as_string());
      std::int64_t n = 0;
      try {
        n = brain::forecast::market::ParseDay(date);
      } catch (const std::invalid_argument&) {
        ok = false;
        break;
      }
      if ((expected < 0 && date != from) || (expected >= 0 && n != expected)) {
        ok = false;
        break;
      }
      expected = n + 1;
      const auto number = [day](const char* k) {
        const json::value* x = day->if_contains(k);
        return x && x->is_number() ? std::max(0.0, x->to_number<double>()) : -1.0;
      };
      const double units = number("units"), low = number("low"), high = number("high");
      if (units < 0 || low < 0 || high < 0) {
        ok = false;
        break;
      }
      st.forecast.point.push_back(units);
      st.forecast.q50.push_back(units);
      st.forecast.q10.push_back(std::min(low, units));
      st.forecast.q90.push_back(std::max(high, units));
    }
    if (ok && !st.forecast.point.empty()) out[std::string(o->at("item").as_string())] = std::move(st);
  }
  return out;
}

// Asks the brain for the page's products; anything but a good answer means "fit here" (logged unless the brain
// simply has no forecast for the store).
asio::awaitable<std::map<std::string, Stored>> StoredForecasts(StatePtr s, std::string store_id, std::string ids,
                                                               std::string from, int days, Deadline deadline) {
  std::map<std::string, Stored> out;
  if (s->brain == nullptr || ids.empty()) co_return out;
  std::string failure;
  try {
    const std::string url = "/internal/v1/brain/forecasts/stores/" + store_id + "?items=" + ids + "&from=" + from +
                            "&days=" + std::to_string(days);
    http::ClientRequest req = http::ServiceRequest(http::Method::kGet, url, s->service_token, "", deadline);
    http::ClientResponse res = co_await s->brain->Call(std::move(req));
    if (res.status == 404) co_return out;  // no forecast promoted, or none for this store
    const json::object answer = http::ServiceAnswer(res, "products_brain", "the AI Brain", "stored forecasts", {});
    out = ParseStored(answer, from);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("products.stored_forecasts_unavailable", {{"error", failure}});
  co_return out;
}

json::value Rounded(double v, double per_unit = 100) {  // to 1/per_unit, printed without binary noise
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * per_unit) / per_unit;
}

json::object AdviceJson(const pg::Row& row, const domain::Advice& a, const Stored* stored, inv::Date today,
                        std::string_view lang) {
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
  json::object source;
  source["kind"] = a.stored_forecast ? "brain" : "store_history";
  if (a.stored_forecast && stored) {
    source["version"] = stored->version;
    source["model"] = stored->model;
  }
  o["forecast_source"] = std::move(source);
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
  // The brain's stored forecasts for the page, as many days as the longest lead time + review period needs.
  int days_needed = domain::kAdviceMinDays;
  std::string product_ids;
  for (int i = 0; i < rows.size() && i < page.limit; ++i) {
    domain::ListingFacts f;
    f.lead_time_days = static_cast<int>(rows[i].Get<std::int64_t>("lead_time_days"));
    days_needed = std::max(days_needed, domain::AdviceHorizon(f, q.review_days));
    product_ids += (product_ids.empty() ? "" : ",") + rows[i].Get<std::string>("product_id");
  }
  const std::string from = IsoDate(today);
  std::map<std::string, Stored> stored =
      co_await StoredForecasts(s, store_id, product_ids, from, days_needed, req.deadline());
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
    const auto st = stored.find(id);
    const Stored* mine = st == stored.end() ? nullptr : &st->second;
    const auto advice = domain::AdviseListing(facts, history, restocks[id], today, q.review_days, q.service_level,
                                              mine ? &mine->forecast : nullptr);
    items.push_back(AdviceJson(row, advice, mine, today, req.lang()));
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
