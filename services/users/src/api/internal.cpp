// Internal reads for other services (service token only, api/routes.inc "service"): a store's location,
// radius, opening hours and state for checkout, the catalog and recommendations, and which merchant a user works for.
// No personal data.
#include <boost/asio/awaitable.hpp>

#include "api/handlers.hpp"
#include "store/store.hpp"

namespace okada::users::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

void RequireService(const http::Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
}

asio::awaitable<http::Response> StoreInternal(StatePtr s, http::Request& req) {
  RequireService(req);
  std::string id = PathId(req, "id");
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kStoreGet, id);
  if (row.empty()) throw NotFound("no store with this id");
  store::StoreRow st = store::ToStore(row.front());
  json::object o;
  o["id"] = st.id;
  o["merchant_id"] = st.merchant_id;
  o["name"] = st.name;
  o["lat"] = st.lat;
  o["lon"] = st.lon;
  o["delivery_radius_m"] = st.delivery_radius_m;
  o["paused"] = st.paused;
  o["opening_hours"] = ParseStored(st.opening_hours);
  o["merchant_status"] = st.merchant_status;
  co_return JsonResponse(o);
}

asio::awaitable<http::Response> MemberInternal(StatePtr s, http::Request& req) {
  RequireService(req);
  std::string user_id = PathId(req, "user_id");
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kMembershipOf, user_id);
  if (row.empty()) throw NotFound("this user is not a member of any merchant");
  json::object o;
  o["merchant_id"] = row.front().Get<std::string>("merchant_id");
  o["role"] = row.front().Get<std::string>("role");
  o["merchant_status"] = row.front().Get<std::string>("status");
  co_return JsonResponse(o);
}

// Who works for a merchant (ids and roles only): notifications tells a store's people about its new orders.
asio::awaitable<http::Response> MembersInternal(StatePtr s, http::Request& req) {
  RequireService(req);
  std::string id = PathId(req, "id");
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kMemberList, id, std::optional<std::string>(), 500);
  json::array items;
  for (const pg::Row& r : rows) {
    json::object m;
    m["user_id"] = r.Get<std::string>("user_id");
    m["role"] = r.Get<std::string>("role");
    items.push_back(std::move(m));
  }
  json::object o;
  o["items"] = std::move(items);
  co_return JsonResponse(o);
}

}  // namespace

void AddInternalRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/internal/v1/stores/{id}",
             http::AsyncHandler([s](http::Request& r) { return StoreInternal(s, r); }));
  router.Add(http::Method::kGet, "/internal/v1/members/{user_id}",
             http::AsyncHandler([s](http::Request& r) { return MemberInternal(s, r); }));
  router.Add(http::Method::kGet, "/internal/v1/merchants/{id}/members",
             http::AsyncHandler([s](http::Request& r) { return MembersInternal(s, r); }));
}

}  // namespace okada::users::api
