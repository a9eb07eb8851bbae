// No-go zones (areas moto-taxis may not enter): read by support and admins, edited by admins, cached 30 s.
#include <boost/asio/awaitable.hpp>

#include "api/api.hpp"
#include "api/views.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::orders {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// "[[lon, lat], ...]" → ring; nullopt if malformed (3+ distinct vertices, coordinates in range).
std::optional<std::vector<std::pair<double, double>>> ParseRing(const json::value& v) {
  if (!v.is_array() || v.as_array().size() < 4 || v.as_array().size() > 500) return std::nullopt;
  std::vector<std::pair<double, double>> ring;
  for (const json::value& p : v.as_array()) {
    if (!p.is_array() || p.as_array().size() != 2) return std::nullopt;
    const json::value& x = p.as_array()[0];
    const json::value& y = p.as_array()[1];
    if (!x.is_number() || !y.is_number()) return std::nullopt;
    double lon = x.to_number<double>(), lat = y.to_number<double>();
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return std::nullopt;
    ring.emplace_back(lon, lat);
  }
  return ring;
}

std::shared_ptr<const std::vector<NoGoZone>> ZonesOf(const pg::Result& rows) {
  auto zones = std::make_shared<std::vector<NoGoZone>>();
  for (const pg::Row& r : rows) {
    NoGoZone z;
    z.slug = r.Get<std::string>(0);
    z.name = r.Get<std::string>(1);
    boost::system::error_code ec;
    json::value poly = json::parse(r.Get<std::string>(2), ec);
    std::optional<std::vector<std::pair<double, double>>> ring;
    if (!ec) ring = ParseRing(poly);
    if (!ring) {
      log::Error("orders.zone_corrupt", {{"zone", z.slug}});
      continue;
    }
    z.ring = std::move(*ring);
    z.active = r.Get<bool>(3);
    zones->push_back(std::move(z));
  }
  return zones;
}

}  // namespace

asio::awaitable<std::shared_ptr<const std::vector<NoGoZone>>> Zones(StatePtr s, Deadline deadline) {
  {
    std::lock_guard lock(s->zones_mu);
    if (s->zones && std::chrono::steady_clock::now() - s->zones_loaded < std::chrono::seconds(30)) co_return s->zones;
  }
  pg::Result rows = co_await s->db->Execute(deadline, store::kZones);
  std::shared_ptr<const std::vector<NoGoZone>> zones = ZonesOf(rows);
  std::lock_guard lock(s->zones_mu);
  s->zones = zones;
  s->zones_loaded = std::chrono::steady_clock::now();
  co_return zones;
}

void ForgetZones(const State& s) {
  std::lock_guard lock(s.zones_mu);
  s.zones.reset();
}

namespace api {
namespace {

json::object ZonesJson(const pg::Result& rows) {
  json::array items;
  for (const pg::Row& r : rows) {
    json::object z;
    z["slug"] = r.Get<std::string>(0);
    z["name"] = r.Get<std::string>(1);
    z["polygon"] = json::parse(r.Get<std::string>(2));
    z["active"] = r.Get<bool>(3);
    z["updated_at"] = r.Get<std::string>(4);
    items.push_back(std::move(z));
  }
  json::object o;
  o["items"] = std::move(items);
  return o;
}

asio::awaitable<http::Response> List(StatePtr s, http::Request& req) {
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kZones);
  co_return JsonAnswer(ZonesJson(rows), 200);
}

struct ZoneInput {
  std::string name;
  std::string polygon;
  bool active = true;
};

ZoneInput ParseZone(const std::string& body, std::string_view slug) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  JsonReader r(body);
  ZoneInput in;
  in.name = r.String("name", StringRule{1, 120});
  in.active = r.OptionalBool("active").value_or(true);
  const json::value* poly = root.is_object() ? root.as_object().if_contains("polygon") : nullptr;
  if (poly == nullptr || !ParseRing(*poly)) {
    r.Fail("polygon", "INVALID_FORMAT", "an array of at least 4 [lon, lat] points, first = last");
  } else {
    in.polygon = json::serialize(*poly);
  }
  bool slug_ok = !slug.empty() && slug.size() <= 60;
  for (char c : slug) slug_ok = slug_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!slug_ok) r.Fail("slug", "INVALID_FORMAT", "lower-case letters, digits and dashes");
  r.Finish();
  return in;
}

asio::awaitable<http::Response> Put(StatePtr s, http::Request& req) {
  std::string slug(req.path_param("slug"));
  ZoneInput in = ParseZone(req.body(), slug);
  co_await s->db->Execute(req.deadline(), store::kZoneUpsert, slug, in.name, in.polygon, in.active);
  ForgetZones(*s);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kZones);
  co_return JsonAnswer(ZonesJson(rows), 200);
}

}  // namespace

void AddZoneRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/admin/no-go-zones",
             http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  // The same list for dispatch (the brain keeps riders out of these zones).
  router.Add(http::Method::kGet, "/internal/v1/no-go-zones",
             http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  router.Add(http::Method::kPut, "/v1/admin/no-go-zones/{slug}",
             http::AsyncHandler([s](http::Request& r) { return Put(s, r); }));
}

}  // namespace api
}  // namespace okada::orders
