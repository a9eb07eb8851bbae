// The merchant dashboard's figures:
//   GET /v1/stores/{id}/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD&granularity=hour|day
// merchant_owner / merchant_staff for their merchant's stores, support and admin for any. Days are Douala's
// (Africa/Douala, UTC+1); an order counts in the hour and day it was placed. Read from the rollups
// (analytics.store_hourly, store_daily) and, for top products, cancellations and delivery percentiles, the facts.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <map>

#include "api/api.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"

namespace okada::analytics::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json::value OrNull(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value OrNull(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object SummaryJson(const store::Totals& t) {
  json::object o;
  o["orders"] = t.orders;
  o["completed"] = t.completed;
  o["cancelled"] = t.cancelled;
  o["revenue_xaf"] = t.revenue_xaf;
  o["average_basket_xaf"] = OrNull(domain::AverageBasket(t.revenue_xaf, t.revenue_orders));
  o["avg_prep_minutes"] = OrNull(domain::AverageMinutes(t.prep_seconds, t.prep_count));
  o["avg_delivery_minutes"] = OrNull(domain::AverageMinutes(t.delivery_seconds, t.delivery_count));
  return o;
}

json::object BucketJson(const std::string& start, const store::Bucket* b) {
  json::object o;
  o["start"] = start;
  o["orders"] = b ? b->orders : 0;
  o["completed"] = b ? b->completed : 0;
  o["cancelled"] = b ? b->cancelled : 0;
  o["revenue_xaf"] = b ? b->revenue_xaf : 0;
  return o;
}

// Every bucket of the range, zeros where nothing was placed.
json::array SeriesJson(const domain::Range& range, const store::Dashboard& d) {
  const bool hourly = range.granularity == domain::Granularity::kHour;
  std::map<std::int64_t, const store::Bucket*> stored;
  for (const store::Bucket& b : hourly ? d.hours : d.days) stored[b.key] = &b;
  json::array out;
  for (std::int64_t key : range.Buckets()) {
    const auto found = stored.find(key);
    const store::Bucket* b = found == stored.end() ? nullptr : found->second;
    out.push_back(BucketJson(hourly ? domain::FormatDoualaTime(key) : domain::FormatDay(key), b));
  }
  return out;
}

// The 24 Douala clock hours over the whole range.
json::array HoursOfDayJson(const store::Dashboard& d) {
  std::int64_t orders[24] = {}, revenue[24] = {};
  for (const store::Bucket& b : d.hours) {
    const int h = domain::DoualaHourOfDay(b.key);
    orders[h] += b.orders;
    revenue[h] += b.revenue_xaf;
  }
  json::array out;
  for (int h = 0; h < 24; ++h) {
    json::object o;
    o["hour"] = h;
    o["orders"] = orders[h];
    o["revenue_xaf"] = revenue[h];
    out.push_back(std::move(o));
  }
  return out;
}

json::object DeliveryMinutesJson(const std::vector<double>& seconds) {
  std::vector<double> minutes;
  minutes.reserve(seconds.size());
  for (double s : seconds) minutes.push_back(s / 60.0);
  const std::optional<double> p50 = domain::Percentile(minutes, 0.5), p90 = domain::Percentile(minutes, 0.9);
  json::object o;
  o["count"] = static_cast<std::int64_t>(minutes.size());
  o["p50"] = OrNull(p50 ? std::optional<double>(domain::Round1(*p50)) : std::nullopt);
  o["p90"] = OrNull(p90 ? std::optional<double>(domain::Round1(*p90)) : std::nullopt);
  return o;
}

std::int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The range of the request's query, or 422 VALIDATION_FAILED naming the parameters.
domain::Range RangeOf(const http::Request& req) {
  domain::RangeQuery q;
  q.from = req.query_param("from");
  q.to = req.query_param("to");
  q.granularity = req.query_param("granularity");
  std::vector<FieldError> errors;
  domain::Range r = domain::ParseRange(q, domain::DoualaDay(NowUnix()), errors);
  if (!errors.empty()) throw Invalid(std::move(errors));
  return r;
}

http::Response JsonAnswer(const json::value& v) { return http::Response::Json(json::serialize(v), 200); }

asio::awaitable<http::Response> StoreAnalytics(StatePtr s, http::Request& req) {
  const Caller c = RequireDashboardReader(req);
  const std::string store_id = PathId(req, "id");
  const domain::Range range = RangeOf(req);
  co_await StoreForCaller(s, c, store_id, req.deadline());
  const store::Dashboard d = co_await store::ReadDashboard(*s->db, store_id, range, req.deadline());
  const json::value answer = DashboardJson(store_id, range, d);
  co_return JsonAnswer(answer);
}

}  // namespace

Caller RequireDashboardReader(const http::Request& req) {
  const auto& p = req.principal();
  if (!p || p->service || !paging::IsUuid(p->subject)) throw Error(ErrorCode::kUnauthenticated);
  Caller c{Lower(p->subject), p->role, p->role == "support" || p->role == "admin"};
  if (!c.reads_everything && c.role != "merchant_owner" && c.role != "merchant_staff") throw Forbidden();
  return c;
}

asio::awaitable<std::string> StoreForCaller(StatePtr s, Caller c, std::string store_id, Deadline deadline) {
  std::optional<std::string> mine;
  if (!c.reads_everything) {
    std::optional<users::Membership> m = co_await s->users->MemberOf(deadline, c.id);
    // Not staff of an approved merchant: no store is theirs (404, like any row that is not the caller's).
    if (!m) throw NotFound("you are not staff of an approved merchant");
    mine = Lower(m->merchant_id);
  }
  std::optional<users::StoreInfo> store = co_await s->users->Store(deadline, store_id);
  if (!store) throw NotFound("no such store");
  const std::string merchant = Lower(store->merchant_id);
  if (mine && *mine != merchant) throw NotFound("no such store");
  co_return merchant;
}

std::string PathId(const http::Request& req, std::string_view name) {
  std::string_view v = req.path_param(name);
  if (!paging::IsUuid(v)) throw NotFound("no such store");
  return Lower(v);
}

json::value DashboardJson(const std::string& store_id, const domain::Range& range, const store::Dashboard& d) {
  json::object o;
  o["store_id"] = store_id;
  o["from"] = domain::FormatDay(range.from_day);
  o["to"] = domain::FormatDay(range.to_day);
  o["granularity"] = domain::ToString(range.granularity);
  o["time_zone"] = domain::kTimeZone;
  o["summary"] = SummaryJson(d.totals);
  o["series"] = SeriesJson(range, d);
  o["by_hour_of_day"] = HoursOfDayJson(d);
  json::array top;
  for (const store::ProductSales& p : d.top_products)
    top.push_back(json::object{{"product_id", p.product_id}, {"units", p.units}, {"orders", p.orders}});
  o["top_products"] = std::move(top);
  json::array kinds;
  for (const store::KindCount& k : d.cancellations) kinds.push_back(json::object{{"kind", k.kind}, {"count", k.count}});
  o["cancellations"] = std::move(kinds);
  o["delivery_minutes"] = DeliveryMinutesJson(d.delivery_seconds);
  return o;
}

void AddRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/stores/{id}/analytics",
             http::AsyncHandler([s](http::Request& r) { return StoreAnalytics(s, r); }));
}

}  // namespace okada::analytics::api
