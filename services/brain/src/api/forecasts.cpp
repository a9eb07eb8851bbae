// Stored demand forecasts (the champion of `okada brain train forecast`, store/forecasts.hpp):
//   GET /internal/v1/brain/forecasts/stores/{id}  daily units per product of one store, for the products service's
//                                                 inventory advice (service token only)
//   GET /v1/brain/forecasts/zones                 hourly orders per delivery zone, for rider staffing (support, admin)
// Both answer from memory; FORECAST_NOT_AVAILABLE (404) when no forecast has been promoted or the store has none.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "api/api.hpp"
#include "okada/core/errors.hpp"
#include "store/forecasts.hpp"

namespace okada::brain::api {

namespace asio = boost::asio;
namespace json = boost::json;
namespace mk = forecast::market;

namespace {

constexpr int kMaxDays = 120;
constexpr int kMaxHours = 720;
constexpr std::size_t kMaxItems = 200;

double Rounded(double v) { return std::round(v * 100) / 100; }

bool IdLike(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

int Count(const http::Request& req, const char* name, int fallback, int hi, std::vector<FieldError>& errors) {
  const std::optional<std::string> raw = req.query_param(name);
  if (!raw) return fallback;
  int v = 0;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (raw->empty() || ec != std::errc() || end != raw->data() + raw->size() || v < 1 || v > hi) {
    errors.push_back({name, "OUT_OF_RANGE", "a whole number from 1 to " + std::to_string(hi)});
    return fallback;
  }
  return v;
}

// `from` as a day ("2026-09-01") or an hour ("2026-09-01T07"); empty = the forecast's first period.
std::string From(const http::Request& req, bool hourly, std::vector<FieldError>& errors) {
  const std::optional<std::string> raw = req.query_param("from");
  if (!raw) return "";
  try {
    return hourly ? mk::FormatHour(mk::ParseHour(*raw)) : mk::FormatDay(mk::ParseDay(*raw));
  } catch (const std::invalid_argument&) {
    errors.push_back({"from", "INVALID_FORMAT", hourly ? "an hour YYYY-MM-DDTHH" : "a day YYYY-MM-DD"});
    return "";
  }
}

json::object Header(const store::ServedForecasts& f) {
  json::object o;
  o["model"] = "forecast";
  o["version"] = f.version;
  o["trained_at"] = f.trained_at;
  o["origin"] = f.origin;
  o["holdout_mase"] = Rounded(f.mase * 1000) / 1000;
  return o;
}

json::array Periods(const std::vector<mk::ForecastRow>& rows, const std::string& from, int n, const char* key,
                    const char* value) {
  json::array out;
  for (const mk::ForecastRow& r : rows) {
    if (r.period < from) continue;
    if (static_cast<int>(out.size()) >= n) break;
    out.push_back(
        json::object{{key, r.period}, {value, Rounded(r.q50)}, {"low", Rounded(r.q10)}, {"high", Rounded(r.q90)}});
  }
  return out;
}

std::shared_ptr<const store::ServedForecasts> Served(const StatePtr& s) {
  std::shared_ptr<const store::ServedForecasts> f = s->forecasts ? s->forecasts->Current() : nullptr;
  if (!f)
    throw Error(ErrorCode::kForecastNotAvailable,
                "no demand forecast has been promoted yet (okada brain train forecast)");
  return f;
}

asio::awaitable<http::Response> StoreForecast(StatePtr s, http::Request& req) {
  std::vector<FieldError> errors;
  const std::string store_id(req.path_param("id"));
  if (!IdLike(store_id)) errors.push_back({"id", "INVALID_FORMAT", "a store id"});
  const int days = Count(req, "days", 28, kMaxDays, errors);
  const std::string from = From(req, false, errors);
  std::set<std::string> wanted;
  if (const std::optional<std::string> items = req.query_param("items")) {
    std::size_t at = 0;
    while (at <= items->size()) {
      const std::size_t comma = std::min(items->find(',', at), items->size());
      const std::string id = items->substr(at, comma - at);
      if (!IdLike(id)) {
        errors.push_back({"items", "INVALID_FORMAT", "comma-separated product ids"});
        break;
      }
      wanted.insert(id);
      at = comma + 1;
    }
    if (wanted.size() > kMaxItems)
      errors.push_back({"items", "TOO_LONG", "at most " + std::to_string(kMaxItems) + " products"});
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  const auto f = Served(s);
  const auto store = f->items.find(store_id);
  if (store == f->items.end())
    throw Error(ErrorCode::kForecastNotAvailable,
                "forecast v" + std::to_string(f->version) + " has no rows for this store");
  json::array items;
  for (const auto& [item, rows] : store->second) {
    if (!wanted.empty() && !wanted.count(item)) continue;
    if (wanted.empty() && items.size() >= kMaxItems) break;
    json::array periods = Periods(rows, from, days, "date", "units");
    if (periods.empty()) continue;
    items.push_back(json::object{{"item", item}, {"model", rows.front().model}, {"days", std::move(periods)}});
  }
  json::object out = Header(*f);
  out["store_id"] = store_id;
  out["items"] = std::move(items);
  co_return http::Response::Json(json::serialize(out), 200);
}

asio::awaitable<http::Response> ZoneForecast(StatePtr s, http::Request& req) {
  std::vector<FieldError> errors;
  const int hours = Count(req, "hours", 24, kMaxHours, errors);
  const std::string from = From(req, true, errors);
  std::optional<std::string> zone = req.query_param("zone");
  if (zone && !IdLike(*zone)) errors.push_back({"zone", "INVALID_FORMAT", "a zone (geohash)"});
  if (!errors.empty()) throw Invalid(std::move(errors));
  const auto f = Served(s);
  json::array zones;
  for (const auto& [id, rows] : f->zones) {
    if (zone && id != *zone) continue;
    json::array periods = Periods(rows, from, hours, "hour", "orders");
    double total = 0;
    for (const auto& p : periods) total += p.as_object().at("orders").to_number<double>();
    zones.push_back(json::object{{"zone", id},
                                 {"city", rows.front().city},
                                 {"model", rows.front().model},
                                 {"orders", Rounded(total)},
                                 {"hours", std::move(periods)}});
  }
  if (zone && zones.empty())
    throw Error(ErrorCode::kForecastNotAvailable,
                "forecast v" + std::to_string(f->version) + " has no rows for this zone");
  json::object out = Header(*f);
  out["zones"] = std::move(zones);
  co_return http::Response::Json(json::serialize(out), 200);
}

}  // namespace

void AddForecastRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/internal/v1/brain/forecasts/stores/{id}",
             http::AsyncHandler([s](http::Request& r) { return StoreForecast(s, r); }));
  router.Add(http::Method::kGet, "/v1/brain/forecasts/zones",
             http::AsyncHandler([s](http::Request& r) { return ZoneForecast(s, r); }));
}

}  // namespace okada::brain::api
