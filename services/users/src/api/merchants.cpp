// Merchants and their staff. A customer applies (POST /v1/merchants → pending) and becomes the merchant's owner
// member; an admin approves (→ approved, the owners' accounts get the merchant_owner role); the owner adds staff
// by phone number (resolved by the auth service) and removes them. Members read their merchant; anyone else gets
// 404 NOT_FOUND (support and admin read all).
//
// Role changes follow the same ordering as riders (riders.cpp): stage the rows in a transaction holding the
// relevant locks, call the auth service, commit only if it succeeded.
#include <boost/asio/awaitable.hpp>

#include "api/auth_client.hpp"
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

struct MerchantInput {
  std::string business_name;
  std::string category;
  std::string contact_phone;
};

MerchantInput ParseMerchant(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  MerchantInput in;
  in.business_name = b.RequiredText("business_name", StringRule{2, 120});
  in.category = r.Enum("category", {"grocery", "restaurant", "pharmacy", "other"});
  in.contact_phone = r.Phone("contact_phone");
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

struct StaffInput {
  std::string phone;
};

StaffInput ParseStaff(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  StaffInput in;
  in.phone = r.Phone("phone");
  if (b.Present("role")) r.Enum("role", {"merchant_staff"});
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

json::value MerchantPage(const State& s, const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::MerchantRow m = store::ToMerchant(row);
    ids.push_back(m.id);
    items.push_back(MerchantJson(s, m));
  }
  return PageJson(std::move(items), ids, limit);
}

json::value MemberPage(const State& s, const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::MemberRow m = store::ToMember(row);
    ids.push_back(m.user_id);
    items.push_back(MemberJson(s, m));
  }
  return PageJson(std::move(items), ids, limit);
}

/// The merchant as `c` may see it: members, support and admin; 404 for everyone else.
store::MerchantRow Visible(const Caller& c, const pg::Result& r) {
  if (r.empty()) throw NotFound();
  store::MerchantRow m = store::ToMerchant(r.front());
  if (!m.my_role && !c.reads_everything) throw NotFound();
  return m;
}

/// 404 unless the caller (kMerchantGet's my_role) owns the merchant.
void RequireOwner(const pg::Result& r) {
  if (r.empty() || store::ToMerchant(r.front()).my_role != std::optional<std::string>("merchant_owner"))
    throw NotFound();
}

/// The merchant if `c` is one of its owners (404 otherwise), and approved (409 otherwise).
store::MerchantRow OwnedApproved(const Caller& c, const pg::Result& r) {
  if (r.empty()) throw NotFound();
  store::MerchantRow m = store::ToMerchant(r.front());
  if (m.my_role != std::optional<std::string>("merchant_owner")) throw NotFound();
  if (m.status != "approved") throw Conflict("the merchant is not approved");
  return m;
}

std::optional<std::string> MemberOf(const pg::Result& membership) {
  if (membership.empty()) return std::nullopt;
  return membership.front().Get<std::string>("merchant_id");
}

void CheckEligible(const Account& a, const pg::Result& membership, const std::string& merchant_id, bool has_rider) {
  domain::StaffEligibility e = domain::CanBecomeStaff(a.role, a.status, MemberOf(membership), merchant_id, has_rider);
  if (e != domain::StaffEligibility::kOk) throw Conflict(std::string(domain::Explain(e)));
}

asio::awaitable<http::Response> Apply(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  MerchantInput in = ParseMerchant(req.body());
  std::string id = crypto::UuidV7();
  std::string phone_enc = Seal(*s, kColContactPhone, id, in.contact_phone);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kProfileEnsure, c.id);
  co_await tx.Execute(store::kProfileLock, c.id);  // one working-role application at a time per account
  pg::Result rider = co_await tx.Execute(store::kRiderExists, c.id);
  if (!rider.empty()) throw Conflict("riders (and rider applicants) cannot open a merchant");
  pg::Result membership = co_await tx.Execute(store::kMembershipOf, c.id);
  if (!membership.empty()) throw Conflict("you already belong to a merchant");
  pg::Result row = co_await tx.Execute(store::kMerchantInsert, id, in.business_name, in.category, phone_enc, c.id);
  std::string owner_role = "merchant_owner";
  co_await tx.Execute(store::kMemberInsert, id, c.id, owner_role, c.id);
  co_await events::Append(tx, events::Of("merchant.applied", "merchant_id", id, "user_id", c.id));
  co_await tx.Commit();
  store::MerchantRow m = store::ToMerchant(row.front());
  m.my_role = owner_role;
  co_return Created(MerchantJson(*s, m), "/v1/merchants/" + id);
}

/// GET /v1/users/me/merchant: the merchant the caller belongs to (owner, staff or applicant), so a merchant web
/// client can find its merchant and stores after sign-in; 404 for an account that belongs to none.
asio::awaitable<http::Response> Mine(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  pg::Result membership = co_await s->db->Execute(req.deadline(), store::kMembershipOf, c.id);
  std::optional<std::string> id = MemberOf(membership);
  if (!id) throw NotFound("this account belongs to no merchant");
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kMerchantGet, *id, c.id);
  co_return JsonResponse(MerchantJson(*s, Visible(c, r)));
}

asio::awaitable<http::Response> Get(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kMerchantGet, id, c.id);
  co_return JsonResponse(MerchantJson(*s, Visible(c, r)));
}

asio::awaitable<http::Response> List(StatePtr s, http::Request& req) {
  RequireSupportOrAdmin(req);
  ListQuery q = ParseStatusListQuery(req);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kMerchantList, q.status, q.after, q.limit + 1);
  co_return JsonResponse(MerchantPage(*s, rows, q.limit));
}

asio::awaitable<http::Response> Approve(StatePtr s, http::Request& req) {
  RequireAdmin(req);
  std::string id = PathId(req, "id");
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result cur = co_await tx.Execute(store::kMerchantLock, id);
  if (cur.empty()) throw NotFound();
  store::MerchantRow m = store::ToMerchant(cur.front());
  std::optional<domain::Status> from = domain::ParseStatus(m.status);
  if (!from) throw Error(ErrorCode::kInternal);
  std::optional<domain::Transition> t = domain::ApproveMerchant(*from);
  if (!t) throw Conflict("this status change is not possible");
  pg::Result owners = co_await tx.Execute(store::kOwnersOf, id);
  for (const pg::Row& owner : owners) {
    std::string user_id = owner.Get<std::string>("user_id");
    co_await SetAccountRole(s, CallOf(req), user_id, *t->role);  // before the commit: see the top
  }
  if (t->changes_status) {
    pg::Result updated = co_await tx.Execute(store::kMerchantSetStatus, id, std::string(domain::ToString(t->to)));
    m = store::ToMerchant(updated.front());
    co_await events::Append(tx, events::Of("merchant.approved", "merchant_id", id));
  }
  co_await tx.Commit();
  co_return JsonResponse(MerchantJson(*s, m));
}

asio::awaitable<http::Response> ListStaff(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  ListQuery q = ParseListQuery(req);
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kMerchantGet, id, c.id);
  RequireOwner(r);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kMemberList, id, q.after, q.limit + 1);
  co_return JsonResponse(MemberPage(*s, rows, q.limit));
}

asio::awaitable<http::Response> AddStaff(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  StaffInput in = ParseStaff(req.body());
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kMerchantGet, id, c.id);
  OwnedApproved(c, r);
  Account account = co_await LookupAccount(s, CallOf(req), in.phone);
  pg::Result membership = co_await s->db->Execute(req.deadline(), store::kMembershipOf, account.id);
  pg::Result rider = co_await s->db->Execute(req.deadline(), store::kRiderExists, account.id);
  CheckEligible(account, membership, id, !rider.empty());
  std::string staff_role = "merchant_staff";
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  // The unique index on the member's user_id refuses (409) a concurrent invitation by another merchant.
  pg::Result row = co_await tx.Execute(store::kMemberInsert, id, account.id, staff_role, c.id);
  co_await events::Append(tx, events::Of("merchant.staff_added", "merchant_id", id, "user_id", account.id));
  co_await SetAccountRole(s, CallOf(req), account.id, staff_role);  // before the commit
  co_await tx.Commit();
  co_return Created(MemberJson(*s, store::ToMember(row.front())), "/v1/merchants/" + id + "/staff/" + account.id);
}

asio::awaitable<http::Response> RemoveStaff(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  std::string user_id = PathId(req, "user_id");
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kMerchantGet, id, c.id);
  RequireOwner(r);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result deleted = co_await tx.Execute(store::kMemberDelete, id, user_id);
  if (deleted.affected() == 0) {
    pg::Result role = co_await tx.Execute(store::kMemberRole, id, user_id);
    if (role.empty()) throw NotFound();
    throw Conflict("an owner cannot be removed");
  }
  co_await events::Append(tx, events::Of("merchant.staff_removed", "merchant_id", id, "user_id", user_id));
  std::string customer = "customer";
  co_await SetAccountRole(s, CallOf(req), user_id, customer);  // before the commit
  co_await tx.Commit();
  co_return http::Response::NoContent();
}

}  // namespace

void AddMerchantRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/merchants", http::AsyncHandler([s](http::Request& r) { return Apply(s, r); }));
  router.Add(http::Method::kGet, "/v1/merchants/{id}", http::AsyncHandler([s](http::Request& r) { return Get(s, r); }));
  router.Add(http::Method::kGet, "/v1/users/me/merchant",
             http::AsyncHandler([s](http::Request& r) { return Mine(s, r); }));
  router.Add(http::Method::kGet, "/v1/admin/merchants",
             http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  router.Add(http::Method::kPost, "/v1/admin/merchants/{id}/approve",
             http::AsyncHandler([s](http::Request& r) { return Approve(s, r); }));
  router.Add(http::Method::kGet, "/v1/merchants/{id}/staff",
             http::AsyncHandler([s](http::Request& r) { return ListStaff(s, r); }));
  router.Add(http::Method::kPost, "/v1/merchants/{id}/staff",
             http::AsyncHandler([s](http::Request& r) { return AddStaff(s, r); }));
  router.Add(http::Method::kDelete, "/v1/merchants/{id}/staff/{user_id}",
             http::AsyncHandler([s](http::Request& r) { return RemoveStaff(s, r); }));
}

}  // namespace okada::users::api
