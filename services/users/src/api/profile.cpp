// GET/PATCH /v1/users/me (any signed-in account; the profile row is created on first read) and
// GET /v1/users/{id} (support, admin).
#include <boost/asio/awaitable.hpp>
#include <cmath>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "store/store.hpp"

namespace okada::users::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPreferencesBytes = 8 * 1024;

// PostgreSQL's jsonb refuses NUL characters, and a number beyond double range parses as ±Infinity, which is not
// JSON: both would fail the statement, so they are refused as input errors first.
bool StorableInJsonb(const json::value& v) {
  if (v.is_string()) return v.get_string().find('\0') == json::string::npos;
  if (v.is_double()) return std::isfinite(v.get_double());
  if (v.is_array()) {
    for (const json::value& e : v.get_array())
      if (!StorableInJsonb(e)) return false;
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object())
      if (kv.key().find('\0') != std::string_view::npos || !StorableInJsonb(kv.value())) return false;
  }
  return true;
}

struct ProfilePatch {
  bool set_name = false;
  std::optional<std::string> name;  ///< with set_name: nullopt clears the name
  std::optional<std::string> lang;
  std::optional<std::string> preferences;  ///< JSON object text
};

ProfilePatch ParseProfilePatch(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  ProfilePatch p;
  if (b.Present("name")) {
    p.set_name = true;
    p.name = b.Text("name", StringRule{1, 100});
  }
  if (b.Present("lang")) {
    std::string lang = r.Enum("lang", {"fr", "en"});
    if (!lang.empty()) p.lang = lang;
  }
  if (b.Present("preferences")) {
    r.Object("preferences");  // type check (null included), and marks the field as read
    const json::value* v = b.Get("preferences");
    if (v->is_object()) {
      std::string text_form = json::serialize(*v);
      if (text_form.size() > kMaxPreferencesBytes) {
        r.Fail("preferences", "TOO_LONG", "at most 8 KiB of JSON");
      } else if (!StorableInJsonb(*v)) {
        r.Fail("preferences", "INVALID_FORMAT", "no NUL characters and no numbers beyond ±1.8e308");
      } else {
        p.preferences = std::move(text_form);
      }
    }
  }
  r.RejectUnknownFields();  // role, status, id… → 422 NOT_ALLOWED (mass-assignment defence)
  b.Finish();
  return p;
}

json::object UserAdminJson(const State& s, const std::string& id, const pg::Result& profile, const pg::Result& rider,
                           const pg::Result& membership, std::int64_t addresses) {
  json::object o;
  o["id"] = id;
  if (!profile.empty()) {
    store::ProfileRow p = store::ToProfile(profile.front());
    std::optional<std::string> name = OpenOpt(s, kColName, id, p.name_enc);
    if (name)
      o["name"] = *name;
    else
      o["name"] = nullptr;
    o["lang"] = p.lang;
    o["created_at"] = p.created_at;
  } else {
    o["name"] = nullptr;
    o["lang"] = "fr";
    o["created_at"] = nullptr;
  }
  o["addresses_count"] = addresses;
  if (!rider.empty()) {
    store::RiderRow r = store::ToRider(rider.front());
    json::object ro;
    ro["status"] = r.status;
    ro["vehicle_type"] = r.vehicle_type;
    ro["zones"] = ParseStored(r.zones);
    o["rider"] = std::move(ro);
  } else {
    o["rider"] = nullptr;
  }
  if (!membership.empty()) {
    const pg::Row row = membership.front();
    json::object mo;
    mo["merchant_id"] = row.Get<std::string>("merchant_id");
    mo["role"] = row.Get<std::string>("role");
    mo["business_name"] = row.Get<std::string>("business_name");
    mo["status"] = row.Get<std::string>("status");
    o["merchant"] = std::move(mo);
  } else {
    o["merchant"] = nullptr;
  }
  return o;
}

asio::awaitable<http::Response> GetMe(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kProfileGet, c.id);
  if (r.empty()) {
    co_await s->db->Execute(req.deadline(), store::kProfileEnsure, c.id);
    r = co_await s->db->Execute(req.deadline(), store::kProfileGet, c.id);
  }
  co_return JsonResponse(ProfileJson(*s, store::ToProfile(r.front())));
}

asio::awaitable<http::Response> PatchMe(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  ProfilePatch p = ParseProfilePatch(req.body());
  std::optional<std::string> name_enc = SealOpt(*s, kColName, c.id, p.name);
  co_await s->db->Execute(req.deadline(), store::kProfileEnsure, c.id);
  pg::Result r =
      co_await s->db->Execute(req.deadline(), store::kProfileUpdate, c.id, p.set_name, name_enc, p.lang, p.preferences);
  co_return JsonResponse(ProfileJson(*s, store::ToProfile(r.front())));
}

asio::awaitable<http::Response> GetUser(StatePtr s, http::Request& req) {
  RequireSupportOrAdmin(req);
  std::string id = PathId(req, "id");
  pg::Result profile = co_await s->db->Execute(req.deadline(), store::kProfileGet, id);
  pg::Result rider = co_await s->db->Execute(req.deadline(), store::kRiderGet, id);
  pg::Result membership = co_await s->db->Execute(req.deadline(), store::kMembershipOf, id);
  pg::Result count = co_await s->db->Execute(req.deadline(), store::kAddressCount, id);
  if (profile.empty() && rider.empty() && membership.empty()) throw NotFound();
  std::int64_t addresses = count.front().Get<std::int64_t>("n");
  co_return JsonResponse(UserAdminJson(*s, id, profile, rider, membership, addresses));
}

}  // namespace

void AddProfileRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/users/me", http::AsyncHandler([s](http::Request& r) { return GetMe(s, r); }));
  router.Add(http::Method::kPatch, "/v1/users/me", http::AsyncHandler([s](http::Request& r) { return PatchMe(s, r); }));
  router.Add(http::Method::kGet, "/v1/users/{id}", http::AsyncHandler([s](http::Request& r) { return GetUser(s, r); }));
}

}  // namespace okada::users::api
