// /v1/users/me/addresses[/{id}]: a signed-in account's delivery addresses (at most 20). Ownership is in every
// statement's WHERE clause: another account's address id answers 404 NOT_FOUND, as an unknown id does.
// Everything personal (GPS pin, landmark, neighbourhood, instructions, phone to call) is encrypted at rest.
#include <boost/asio/awaitable.hpp>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "okada/core/crypto/random.hpp"
#include "store/store.hpp"

namespace okada::users::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct AddressInput {
  std::optional<std::string> label;
  std::optional<LatLon> location;
  std::optional<std::string> landmark;
  std::optional<std::string> neighbourhood;
  bool set_instructions = false;
  std::optional<std::string> instructions;
  bool set_phone = false;
  std::optional<std::string> phone_to_call;
};

/// `create`: location, landmark and neighbourhood are required, label defaults to "other". Otherwise (PATCH)
/// every field is optional; instructions and phone_to_call may be null to clear them.
AddressInput ParseAddress(const std::string& text, bool create) {
  Body b(text);
  JsonReader& r = b.r();
  AddressInput in;
  if (b.Present("label")) {
    std::string label = r.Enum("label", {"home", "work", "other"});
    if (!label.empty()) in.label = label;
  } else if (create) {
    in.label = "other";
  }
  if (create || b.Present("location")) in.location = ReadLocation(r, "location");
  if (create || b.Present("landmark")) in.landmark = b.RequiredText("landmark", StringRule{1, 300});
  if (create || b.Present("neighbourhood")) in.neighbourhood = b.RequiredText("neighbourhood", StringRule{1, 100});
  if (b.Present("instructions")) {
    in.set_instructions = true;
    in.instructions = b.Text("instructions", StringRule{1, 500}, /*allow_newlines=*/true);
  }
  if (b.Present("phone_to_call")) {
    in.set_phone = true;
    if (b.IsNull("phone_to_call")) {
      r.OptionalString("phone_to_call");  // null clears it (and marks the field as read)
    } else {
      std::string phone = r.Phone("phone_to_call");
      if (!phone.empty()) in.phone_to_call = phone;
    }
  }
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

struct SealedAddress {
  std::optional<std::string> location, landmark, neighbourhood, instructions, phone;
};

SealedAddress SealAddress(const State& s, const std::string& id, const AddressInput& in) {
  SealedAddress out;
  if (in.location) out.location = Seal(s, kColLocation, id, LocationText(in.location->lat, in.location->lon));
  out.landmark = SealOpt(s, kColLandmark, id, in.landmark);
  out.neighbourhood = SealOpt(s, kColNeighbourhood, id, in.neighbourhood);
  out.instructions = SealOpt(s, kColInstructions, id, in.instructions);
  out.phone = SealOpt(s, kColPhoneToCall, id, in.phone_to_call);
  return out;
}

json::value AddressPage(const State& s, const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::AddressRow a = store::ToAddress(row);
    ids.push_back(a.id);
    items.push_back(AddressJson(s, a));
  }
  return PageJson(std::move(items), ids, limit);
}

Error TooManyAddresses() {
  return Conflict("at most " + std::to_string(domain::kMaxAddressesPerUser) + " addresses; delete one first");
}

asio::awaitable<http::Response> ListAddresses(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  ListQuery q = ParseListQuery(req);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kAddressList, c.id, q.after, q.limit + 1);
  co_return JsonResponse(AddressPage(*s, rows, q.limit));
}

asio::awaitable<http::Response> CreateAddress(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  AddressInput in = ParseAddress(req.body(), true);
  std::string id = crypto::UuidV7();
  SealedAddress enc = SealAddress(*s, id, in);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kProfileEnsure, c.id);
  co_await tx.Execute(store::kProfileLock, c.id);  // serialises concurrent creations: the count below holds
  pg::Result n = co_await tx.Execute(store::kAddressCount, c.id);
  if (n.front().Get<std::int64_t>("n") >= static_cast<std::int64_t>(domain::kMaxAddressesPerUser))
    throw TooManyAddresses();
  pg::Result row = co_await tx.Execute(store::kAddressInsert, id, c.id, *in.label, enc.location, enc.landmark,
                                       enc.neighbourhood, enc.instructions, enc.phone);
  co_await tx.Commit();
  co_return Created(AddressJson(*s, store::ToAddress(row.front())), "/v1/users/me/addresses/" + id);
}

asio::awaitable<http::Response> GetAddress(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kAddressGet, id, c.id);
  if (row.empty()) throw NotFound();
  co_return JsonResponse(AddressJson(*s, store::ToAddress(row.front())));
}

asio::awaitable<http::Response> PatchAddress(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  AddressInput in = ParseAddress(req.body(), false);
  SealedAddress enc = SealAddress(*s, id, in);
  pg::Result row =
      co_await s->db->Execute(req.deadline(), store::kAddressUpdate, id, c.id, in.label, enc.location, enc.landmark,
                              enc.neighbourhood, in.set_instructions, enc.instructions, in.set_phone, enc.phone);
  if (row.empty()) throw NotFound();
  co_return JsonResponse(AddressJson(*s, store::ToAddress(row.front())));
}

asio::awaitable<http::Response> DeleteAddress(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathId(req, "id");
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kAddressDelete, id, c.id);
  if (r.affected() == 0) throw NotFound();
  co_return http::Response::NoContent();
}

}  // namespace

void AddAddressRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/users/me/addresses",
             http::AsyncHandler([s](http::Request& r) { return ListAddresses(s, r); }));
  router.Add(http::Method::kPost, "/v1/users/me/addresses",
             http::AsyncHandler([s](http::Request& r) { return CreateAddress(s, r); }));
  router.Add(http::Method::kGet, "/v1/users/me/addresses/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetAddress(s, r); }));
  router.Add(http::Method::kPatch, "/v1/users/me/addresses/{id}",
             http::AsyncHandler([s](http::Request& r) { return PatchAddress(s, r); }));
  router.Add(http::Method::kDelete, "/v1/users/me/addresses/{id}",
             http::AsyncHandler([s](http::Request& r) { return DeleteAddress(s, r); }));
}

}  // namespace okada::users::api
