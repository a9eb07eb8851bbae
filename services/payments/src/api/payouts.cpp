// Payouts: merchants and riders name the MoMo number their money goes to; an admin runs a batch, which books
// every payout at once (so the same money cannot be paid twice or refunded out of an emptied payable) and
// leaves the transfers to the worker (api/jobs.cpp).
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/views.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/ledger.hpp"
#include "store/statements.hpp"

namespace okada::payments::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object AccountSetJson(const std::string& party, const std::string& msisdn) {
  json::object o;
  o["party"] = party;
  o["provider"] = "momo";
  o["number_ends_with"] = msisdn.substr(msisdn.size() - 2);
  return o;
}

json::object BatchJson(const pg::Row& batch, const pg::Result& transfers) {
  json::object o;
  o["id"] = batch.Get<std::string>(0);
  o["party_kind"] = batch.Get<std::string>(1);
  o["min_xaf"] = batch.Get<std::int64_t>(3);
  o["created_at"] = batch.Get<std::string>(4);
  json::array items;
  std::int64_t total = 0;
  for (const pg::Row& t : transfers) {
    total += t.Get<std::int64_t>("amount_xaf");
    items.push_back(TransferJson(t));
  }
  o["payouts"] = std::move(items);
  o["total_xaf"] = total;
  return o;
}

// Merchant owners set their merchant's number; riders their own.
asio::awaitable<http::Response> SetPayoutAccount(StatePtr s, http::Request& req) {
  if (!req.principal()) throw Error(ErrorCode::kUnauthenticated);
  JsonReader r(req.body());
  std::string phone = r.String("msisdn", StringRule{9, 20});
  r.RejectUnknownFields();
  std::optional<std::string> msisdn = NormalizeMsisdn(phone);
  if (!msisdn) r.Fail("msisdn", "INVALID_FORMAT", "an MTN MoMo number: 6XX XX XX XX, with or without +237");
  r.Finish();
  std::string party;
  if (req.principal()->role == "rider") {
    party = "rider_earnings:" + req.principal()->subject;
  } else {
    std::optional<users::Membership> m = co_await s->users->MemberOf(req.deadline(), req.principal()->subject);
    if (!m || m->role != "merchant_owner") throw Forbidden("only the merchant's owner sets where its money goes");
    party = "merchant_payable:" + m->merchant_id;
  }
  co_await s->db->Execute(req.deadline(), store::kPayoutAccountUpsert, party, SealNumber(*s, party, *msisdn));
  log::Info("payments.payout_account_set", {{"party", party}});
  co_return JsonAnswer(AccountSetJson(party, *msisdn), 200);
}

asio::awaitable<http::Response> CreateBatch(StatePtr s, http::Request& req) {
  if (!req.principal()) throw Error(ErrorCode::kUnauthenticated);
  JsonReader r(req.body());
  std::string party = r.Enum("party", {"merchants", "riders"});
  std::int64_t min = r.OptionalInt("min_xaf", 1, 100'000'000).value_or(s->settings.payout_min);
  r.RejectUnknownFields();
  r.Finish();
  mobile_money::Provider& momo = ProviderOf(*s, "momo");
  if (!momo.CanTransfer()) throw Error(ErrorCode::kPaymentProviderUnavailable, "MoMo transfers are not set up");
  std::string kind = party == "merchants" ? "merchant_payable" : "rider_earnings";
  std::string party_kind = party == "merchants" ? "merchant" : "rider";  // (no temporaries inside co_await: GCC 12)
  domain::AccountKind account_kind =
      party == "merchants" ? domain::AccountKind::kMerchantPayable : domain::AccountKind::kRiderEarnings;
  std::string batch = crypto::UuidV7();
  std::string by = req.principal()->role + ":" + req.principal()->subject;
  std::vector<std::string> made;
  {
    pg::Transaction tx = co_await s->db->Begin(req.deadline());
    co_await tx.Execute(store::kBatchInsert, batch, party_kind, by, min);
    // Accounts are locked in key order: the clearing account first, then (kPayable) the parties'.
    std::vector<std::string> clearing{"clearing:momo"};
    co_await store::LockAccounts(tx, clearing);
    pg::Result owed = co_await tx.Execute(store::kPayable, kind, min);
    for (const pg::Row& o : owed) {
      std::string key = o.Get<std::string>(0);
      std::string owner = o.Get<std::string>(1);
      std::int64_t amount = o.Get<std::int64_t>(2);
      std::string id = crypto::UuidV7();
      std::string payee = SealNumber(*s, id, OpenNumber(*s, key, o.Get<std::string>(3)));
      co_await tx.Execute(store::kPayoutInsert, id, batch, key, payee, amount, by);
      co_await store::Post(tx, domain::PartyPayout(account_kind, owner, amount, "momo"), "payout:" + id);
      made.push_back(id);
    }
    co_await tx.Commit();
  }
  log::Info("payments.payout_batch", {{"batch", batch}, {"party", party}, {"payouts", made.size()}});
  pg::Result b = co_await s->db->Execute(req.deadline(), store::kBatchGet, batch);
  pg::Result transfers = co_await s->db->Execute(req.deadline(), store::kTransfersOfBatch, batch);
  if (b.empty()) throw Error(ErrorCode::kInternal);
  http::Response res = JsonAnswer(BatchJson(b.front(), transfers), 201);
  res.headers.emplace_back("Location", "/v1/admin/payout-batches/" + batch);
  co_return res;
}

asio::awaitable<http::Response> GetBatch(StatePtr s, http::Request& req) {
  std::string id(req.path_param("id"));
  if (!IsUuid(id)) throw NotFound("batch ids are UUIDs");
  pg::Result b = co_await s->db->Execute(req.deadline(), store::kBatchGet, id);
  if (b.empty()) throw NotFound("no such payout batch");
  pg::Result transfers = co_await s->db->Execute(req.deadline(), store::kTransfersOfBatch, id);
  co_return JsonAnswer(BatchJson(b.front(), transfers), 200);
}

}  // namespace

void AddPayoutRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPut, "/v1/payout-account",
             http::AsyncHandler([s](http::Request& r) { return SetPayoutAccount(s, r); }));
  router.Add(http::Method::kPost, "/v1/admin/payout-batches",
             http::AsyncHandler([s](http::Request& r) { return CreateBatch(s, r); }));
  router.Add(http::Method::kGet, "/v1/admin/payout-batches/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetBatch(s, r); }));
}

}  // namespace okada::payments::api
