// Stores of a merchant: the owner of an APPROVED merchant creates and edits them; members, support and admin
// list them; anyone reads one store (public: no personal data, and only while its merchant is approved).
#include <boost/asio/awaitable.hpp>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "events/outbox.hpp"
#include "okada/core/crypto/random.hpp"
#include "store/store.hpp"

namespace okada::users::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct StoreInput {
  std::optional<std::string> name;
  std::optional<LatLon> location;
  std::optional<std::string> address;
  std::optional<std::string> opening_hours;  ///< canonical JSON
  std::optional<std::int64_t> radius;
  std::optional<bool> paused;
};

/// `create`: name, location, address and opening_hours are required; radius defaults to 5000 m, paused to
/// false. Otherwise (PATCH): name, address, opening_hours, delivery_radius_m, paused, each optional.
StoreInput ParseStore(const std::string& text, bool create) {
  Body b(text);
  JsonReader& r = b.r();
  StoreInput in;
  if (create || b.Present("name")) in.name = b.RequiredText("name", StringRule{1, 120});
  if (create) in.location = ReadLocation(r, "location");
  if (create || b.Present("address")) in.address = b.RequiredText("address", StringRule{1, 300});
  std::optional<domain::WeekHours> hours = ReadOpeningHours(b, "opening_hours", create || b.Present("opening_hours"));
  if (hours) in.opening_hours = json::serialize(HoursJson(*hours));
  if (b.Present("delivery_radius_m")) {
    if (b.IsNull("delivery_radius_m")) {
      r.Int("delivery_radius_m", domain::kMinRadiusM, domain::kMaxRadiusM);  // REQUIRED
    } else {
      in.radius = r.OptionalInt("delivery_radius_m", domain::kMinRadiusM, domain::kMaxRadiusM);
    }
  } else if (create) {
    in.radius = domain::kDefaultRadiusM;
  }
  if (b.Present("paused")) {
    if (b.IsNull("paused")) {
      r.Bool("paused");  // REQUIRED
    } else {
      in.paused = r.OptionalBool("paused");
    }
  } else if (create) {
    in.paused = false;
  }
  if (create) {
    b.RejectUnknown({"name", "location", "address", "opening_hours", "delivery_radius_m", "paused"});
  } else {
    b.RejectUnknown({"name", "address", "opening_hours", "delivery_radius_m", "paused"});
  }
  b.Finish();
  return in;
}

json::value StorePage(const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::StoreRow st = store::ToStore(row);
    ids.push_back(st.id);
    items.push_back(StoreJson(st));
  }
  return PageJson(std::move(items), ids, limit);
}

void RequireOwnerOfApproved(const pg::Result& r) {
  if (r.empty()) throw NotFound();
  store::MerchantRow m = store::ToMerchant(r.front());
  if (m.my_role != std::optional<std::string>("merchant_owner")) throw NotFound();
  if (m.status != "approved") throw Conflict("the merchant is not approved yet");
}

void RequireVisible(const Caller& c, const pg::Result& r) {
  if (r.empty()) throw NotFound();
  if (!store::ToMerchant(r.front()).my_role && !c.reads_everything) throw NotFound();
}

asio::awaitable<http::Response> Create(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string merchant_id = PathId(req, "id");
  StoreInput in = ParseStore(req.body(), true);
  pg::Result m = co_await s->db->Execute(req.deadline(), store::kMerchantGet, merchant_id, c.id);
  RequireOwnerOfApproved(m);
  std::string id = crypto::UuidV7();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result row = co_await tx.Execute(store::kStoreInsert, id, merchant_id, *in.name, in.location->lat,
                                       in.location->lon, *in.address, *in.opening_hours, *in.radius, *in.paused);
  co_await events::Append(tx, events::Of("store.created", "store_id", id, "merchant_id", merchant_id));
  co_await tx.Commit();
  co_return Created(StoreJson(store::ToStore(row.front())), "/v1/stores/" + id);
}

asio::awaitable<http::Response> ListOfMerchant(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string merchant_id = PathId(req, "id");
  ListQuery q = ParseListQuery(req);
  pg::Result m = co_await s->db->Execute(req.deadline(), store::kMerchantGet, merchant_id, c.id);
  RequireVisible(c, m);
  pg::Result rows =
      co_await s->db->Execute(req.deadline(), store::kStoreListOfMerchant, merchant_id, q.after, q.limit + 1);
  co_return JsonResponse(StorePage(rows, q.limit));
}

asio::awaitable<http::Response> GetPublic(StatePtr s, http::Request& req) {
  std::string id = PathId(req, "id");
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kStoreGet, id);
  if (row.empty()) throw NotFound();
  store::StoreRow st = store::ToStore(row.front());
  if (st.merchant_status != "approved") throw NotFound();
  co_return JsonResponse(StoreJson(st));
}

asio::awaitable<http::Response> Patch(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  StoreInput in = ParseStore(req.body(), false);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result row = co_await tx.Execute(store::kStoreUpdateAsOwner, id, c.id, in.name, in.address, in.opening_hours,
                                       in.radius, in.paused);
  if (row.empty()) throw NotFound();
  store::StoreRow st = store::ToStore(row.front());
  co_await events::Append(tx, events::Of("store.updated", "store_id", id, "merchant_id", st.merchant_id));
  co_await tx.Commit();
  co_return JsonResponse(StoreJson(st));
}

}  // namespace

void AddStoreRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/merchants/{id}/stores",
             http::AsyncHandler([s](http::Request& r) { return ListOfMerchant(s, r); }));
  router.Add(http::Method::kPost, "/v1/merchants/{id}/stores",
             http::AsyncHandler([s](http::Request& r) { return Create(s, r); }));
  router.Add(http::Method::kGet, "/v1/stores/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetPublic(s, r); }));
  router.Add(http::Method::kPatch, "/v1/stores/{id}",
             http::AsyncHandler([s](http::Request& r) { return Patch(s, r); }));
}

}  // namespace okada::users::api
