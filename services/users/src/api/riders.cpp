// Riders: a customer applies (POST /v1/riders → pending), reads and edits his application (/v1/riders/me), and
// support/admin review them (/v1/admin/riders…). A rider's id is his account id.
//
// Approve/suspend change the account's role in the auth service. Ordering: inside one transaction, the rider
// row is locked (FOR UPDATE) and the transition checked; then the auth service is called; only if it succeeds
// are the new status and its outbox event written and committed. If the auth call fails, the transaction rolls
// back and nothing changed (the admin retries). The one remaining window — auth succeeded, then the commit
// failed — leaves the role ahead of the status; repeating the same action heals it, because approving an
// approved rider re-asserts the role (the auth call is idempotent) and the status change is re-attempted.
#include <boost/asio/awaitable.hpp>

#include "api/auth_client.hpp"
#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "events/outbox.hpp"
#include "store/store.hpp"

namespace okada::users::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct RiderInput {
  std::optional<std::string> vehicle_type;
  bool set_plate = false;
  std::optional<std::string> plate;  ///< normalised; with set_plate, nullopt clears it
  std::optional<std::vector<std::string>> documents;
  std::optional<std::vector<std::string>> zones;
};

/// `create`: vehicle_type, id_document_refs and zones are required, plate too for motorcycle and car.
RiderInput ParseRider(const std::string& text, bool create) {
  Body b(text);
  JsonReader& r = b.r();
  RiderInput in;
  if (create || b.Present("vehicle_type")) {
    std::string v = r.Enum("vehicle_type", {"motorcycle", "bicycle", "car", "on_foot"});
    if (!v.empty()) in.vehicle_type = v;
  }
  bool plate_bad = false;
  if (b.Present("plate")) {
    in.set_plate = true;
    std::optional<std::string> raw = r.OptionalString("plate", StringRule{0, 50});
    if (raw) {
      in.plate = domain::NormalizePlate(*raw);
      if (!in.plate) {
        r.Fail("plate", "INVALID_FORMAT", "3 to 15 characters among A-Z, 0-9, space and dash");
        plate_bad = true;
      }
    } else if (!b.IsNull("plate")) {
      plate_bad = true;  // wrong type or too long: already recorded
    }
  }
  in.documents = b.StringArray("id_document_refs", 1, 5, 200, create || b.Present("id_document_refs"));
  in.zones = b.StringArray("zones", 1, 20, 50, create || b.Present("zones"));
  b.RejectUnknown({"vehicle_type", "plate", "id_document_refs", "zones"});
  if (create && in.vehicle_type && domain::VehicleNeedsPlate(*in.vehicle_type) && !in.plate && !plate_bad)
    r.Fail("plate", "REQUIRED", "required for a motorcycle or a car");
  b.Finish();
  return in;
}

/// The columns of an edited application. Throws 409 when the vehicle or documents change after review, 422
/// when the result lacks a plate its vehicle needs.
struct RiderColumns {
  std::string vehicle_type;
  std::optional<std::string> plate_enc;
  std::string documents_enc;
  std::string zones;
};
RiderColumns MergeRider(const State& s, const store::RiderRow& cur, const RiderInput& in) {
  bool reviewed_fields = in.vehicle_type || in.set_plate || in.documents;
  if (reviewed_fields && cur.status != "pending")
    throw Conflict("the vehicle, plate and documents can change only while the application is pending");
  RiderColumns out;
  out.vehicle_type = in.vehicle_type.value_or(cur.vehicle_type);
  std::optional<std::string> plate = in.set_plate ? in.plate : OpenOpt(s, kColPlate, cur.user_id, cur.plate_enc);
  if (domain::VehicleNeedsPlate(out.vehicle_type) && !plate)
    throw Invalid({FieldError{"plate", "REQUIRED", "required for a motorcycle or a car"}});
  out.plate_enc = in.set_plate ? SealOpt(s, kColPlate, cur.user_id, in.plate) : cur.plate_enc;
  out.documents_enc =
      in.documents ? Seal(s, kColDocuments, cur.user_id, StringsJson(*in.documents)) : cur.id_document_refs_enc;
  out.zones = in.zones ? StringsJson(*in.zones) : cur.zones;
  return out;
}

json::value RiderPage(const State& s, const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::RiderRow r = store::ToRider(row);
    ids.push_back(r.user_id);
    items.push_back(RiderJson(s, r));
  }
  return PageJson(std::move(items), ids, limit);
}

std::optional<domain::Transition> RiderTransition(const std::string& status, bool approve) {
  std::optional<domain::Status> from = domain::ParseStatus(status);
  if (!from) throw Error(ErrorCode::kInternal);
  return approve ? domain::ApproveRider(*from) : domain::SuspendRider(*from);
}

asio::awaitable<http::Response> Apply(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  RiderInput in = ParseRider(req.body(), true);
  std::optional<std::string> plate_enc = SealOpt(*s, kColPlate, c.id, in.plate);
  std::string documents_enc = Seal(*s, kColDocuments, c.id, StringsJson(*in.documents));
  std::string zones = StringsJson(*in.zones);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kProfileEnsure, c.id);
  co_await tx.Execute(store::kProfileLock, c.id);  // one working-role application at a time per account
  pg::Result membership = co_await tx.Execute(store::kMembershipOf, c.id);
  if (!membership.empty()) throw Conflict("members of a merchant cannot apply as riders");
  pg::Result row = co_await tx.Execute(store::kRiderInsert, c.id, *in.vehicle_type, plate_enc, documents_enc, zones);
  if (row.empty()) throw Conflict("you have already applied");
  co_await events::Append(tx, events::Of("rider.applied", "rider_id", c.id));
  co_await tx.Commit();
  co_return Created(RiderJson(*s, store::ToRider(row.front())), "/v1/riders/me");
}

asio::awaitable<http::Response> GetMine(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kRiderGet, c.id);
  if (row.empty()) throw NotFound("no rider application");
  co_return JsonResponse(RiderJson(*s, store::ToRider(row.front())));
}

asio::awaitable<http::Response> PatchMine(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  RiderInput in = ParseRider(req.body(), false);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result cur = co_await tx.Execute(store::kRiderLock, c.id);
  if (cur.empty()) throw NotFound("no rider application");
  RiderColumns cols = MergeRider(*s, store::ToRider(cur.front()), in);
  pg::Result row =
      co_await tx.Execute(store::kRiderUpdate, c.id, cols.vehicle_type, cols.plate_enc, cols.documents_enc, cols.zones);
  co_await events::Append(tx, events::Of("rider.updated", "rider_id", c.id));
  co_await tx.Commit();
  co_return JsonResponse(RiderJson(*s, store::ToRider(row.front())));
}

asio::awaitable<http::Response> List(StatePtr s, http::Request& req) {
  RequireSupportOrAdmin(req);
  ListQuery q = ParseStatusListQuery(req);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kRiderList, q.status, q.after, q.limit + 1);
  co_return JsonResponse(RiderPage(*s, rows, q.limit));
}

asio::awaitable<http::Response> Change(StatePtr s, http::Request& req, bool approve) {
  RequireAdmin(req);
  std::string id = PathId(req, "id");
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result cur = co_await tx.Execute(store::kRiderLock, id);
  if (cur.empty()) throw NotFound();
  store::RiderRow row = store::ToRider(cur.front());
  std::optional<domain::Transition> t = RiderTransition(row.status, approve);
  if (!t) throw Conflict("this status change is not possible");
  if (t->role) co_await SetAccountRole(s, CallOf(req), id, *t->role);  // before the commit: see the top
  if (t->changes_status) {
    pg::Result updated = co_await tx.Execute(store::kRiderSetStatus, id, std::string(domain::ToString(t->to)));
    row = store::ToRider(updated.front());
    std::string type = approve ? "rider.approved" : "rider.suspended";
    co_await events::Append(tx, events::Of(type, "rider_id", id));
  }
  co_await tx.Commit();
  co_return JsonResponse(RiderJson(*s, row));
}

}  // namespace

void AddRiderRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/riders", http::AsyncHandler([s](http::Request& r) { return Apply(s, r); }));
  router.Add(http::Method::kGet, "/v1/riders/me", http::AsyncHandler([s](http::Request& r) { return GetMine(s, r); }));
  router.Add(http::Method::kPatch, "/v1/riders/me",
             http::AsyncHandler([s](http::Request& r) { return PatchMine(s, r); }));
  router.Add(http::Method::kGet, "/v1/admin/riders", http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  router.Add(http::Method::kPost, "/v1/admin/riders/{id}/approve",
             http::AsyncHandler([s](http::Request& r) { return Change(s, r, true); }));
  router.Add(http::Method::kPost, "/v1/admin/riders/{id}/suspend",
             http::AsyncHandler([s](http::Request& r) { return Change(s, r, false); }));
}

}  // namespace okada::users::api
