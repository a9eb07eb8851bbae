// The ledger over HTTP: an account's balance and statement (owners see their own), the trial balance (support),
// the drop-off record the delivery service sends (cash collected, or the delivery fee earned), and cash handed
// in by riders.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/views.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/ledger.hpp"
#include "store/statements.hpp"

namespace okada::payments::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object AccountJson(const pg::Row& a) {
  json::object o;
  o["account"] = a.Get<std::string>(0);
  o["kind"] = a.Get<std::string>(1);
  std::optional<std::string> owner = a.Get<std::optional<std::string>>(2);
  o["owner"] = owner ? json::value(*owner) : json::value(nullptr);
  o["balance_xaf"] = a.Get<std::int64_t>(3);
  return o;
}

json::object StatementJson(const pg::Row& account, const pg::Result& postings) {
  json::object o = AccountJson(account);
  json::array items;
  for (const pg::Row& p : postings) {
    json::object i;
    i["entry_id"] = p.Get<std::string>(0);
    i["entry_kind"] = p.Get<std::string>(1);
    std::optional<std::string> order = p.Get<std::optional<std::string>>(3);
    i["order_id"] = order ? json::value(*order) : json::value(nullptr);
    i["amount_xaf"] = p.Get<std::int64_t>(4);
    i["at"] = p.Get<std::string>(5);
    i["balance_after_xaf"] = p.Get<std::int64_t>(6);
    items.push_back(std::move(i));
  }
  o["postings"] = std::move(items);
  return o;
}

json::object TrialJson(const pg::Result& rows) {
  json::array accounts;
  std::int64_t sum = 0;
  for (const pg::Row& r : rows) {
    sum += r.Get<std::int64_t>(3);
    accounts.push_back(AccountJson(r));
  }
  json::object o;
  o["accounts"] = std::move(accounts);
  o["sum_xaf"] = sum;
  o["balanced"] = sum == 0;
  return o;
}

json::object BookedJson(const std::string& order, const std::string& kind, bool booked) {
  json::object o;
  o["order_id"] = order;
  o["entry"] = kind;
  o["booked"] = booked;  // false: it was booked already (a retried call)
  return o;
}

asio::awaitable<http::Response> Statement(StatePtr s, http::Request& req) {
  if (!req.principal()) throw Error(ErrorCode::kUnauthenticated);
  const std::string& role = req.principal()->role;
  const std::string& who = req.principal()->subject;
  std::string key(req.path_param("key"));
  std::string owner = key.find(':') == std::string::npos ? std::string() : key.substr(key.find(':') + 1);
  std::string kind = key.substr(0, key.find(':'));
  bool allowed = role == "admin" || role == "support";
  if (role == "rider") allowed = owner == who && (kind == "rider_earnings" || kind == "rider_cash_held");
  if (role == "merchant_owner") {
    std::optional<users::Membership> m = co_await s->users->MemberOf(req.deadline(), who);
    allowed = m && m->role == "merchant_owner" && owner == m->merchant_id &&
              (kind == "merchant_payable" || kind == "merchant_receivable");
  }
  if (!allowed) throw NotFound("no such account, or not yours");
  std::optional<std::string> limit_text = req.query_param("limit");
  std::optional<int> limit =
      paging::ParseLimit(limit_text ? std::optional<std::string_view>(*limit_text) : std::nullopt);
  if (!limit) throw Error(ErrorCode::kValidationFailed, "limit: a whole number from 1 to 100");
  pg::Result account = co_await s->db->Execute(req.deadline(), store::kAccountGet, key);
  if (account.empty()) throw NotFound("this account has no entries yet");
  pg::Result postings = co_await s->db->Execute(req.deadline(), store::kStatement, key, *limit);
  co_return JsonAnswer(StatementJson(account.front(), postings), 200);
}

asio::awaitable<http::Response> TrialBalance(StatePtr s, http::Request& req) {
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kAllBalances);
  co_return JsonAnswer(TrialJson(rows), 200);
}

struct DropOff {
  std::string order_id, rider_id;
  std::optional<std::int64_t> cash;
};

DropOff ParseDropOff(const std::string& body) {
  JsonReader r(body);
  DropOff in;
  in.order_id = r.String("order_id", StringRule{36, 36});
  in.rider_id = r.String("rider_id", StringRule{36, 36});
  in.cash = r.OptionalInt("cash_collected_xaf", 0, 100'000'000);
  r.RejectUnknownFields();
  if (!OrderUuid(in.order_id)) r.Fail("order_id", "INVALID_FORMAT", "an order id: ord_ and 32 hex digits");
  if (!IsUuid(in.rider_id)) r.Fail("rider_id", "INVALID_FORMAT", "a rider's account id (UUID)");
  r.Finish();
  return in;
}

// The rider handed the order over. Cash orders: the rider now holds the cash (the whole order is booked at once).
// Mobile-money orders: the delivery fee held since capture is earned (rider share and platform share).
asio::awaitable<http::Response> RecordDropOff(StatePtr s, http::Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
  DropOff in = ParseDropOff(req.body());
  orders::OrderInfo o = co_await s->orders->Get(req.deadline(), in.order_id);
  std::string uuid = *OrderUuid(in.order_id);
  domain::OrderMoney money = MoneyOf(*s, uuid, o.merchant_id, o.items_xaf, o.delivery_fee_xaf);
  domain::Entry entry;
  std::string key;
  if (o.payment_method == "cash") {
    if (!in.cash || *in.cash != o.total_xaf)
      throw Error(ErrorCode::kCashAmountMismatch,
                  "the order's total is " + std::to_string(o.total_xaf) + " XAF; record exactly what was collected");
    entry = domain::CashCollected(money, in.rider_id);
    key = "cash_collected:" + uuid;
  } else {
    pg::Result p = co_await s->db->Execute(req.deadline(), store::kPaymentOfOrder, uuid);
    if (p.empty() || p.front().Get<std::string>("status") != "succeeded")
      throw Error(ErrorCode::kOrderNotPayable, "this order's payment was not received");
    if (in.cash && *in.cash != 0)
      throw Error(ErrorCode::kCashAmountMismatch, "this order was paid by mobile money: no cash is collected");
    entry = domain::Delivered(money, in.rider_id);
    key = "delivered:" + uuid;
  }
  bool booked = false;
  if (!entry.postings.empty()) {
    pg::Transaction tx = co_await s->db->Begin(req.deadline());
    booked = co_await store::Post(tx, entry, key, uuid);
    co_await tx.Commit();
  }
  co_return JsonAnswer(BookedJson(in.order_id, entry.kind, booked), 200);
}

// A rider hands collected cash in (at a hub or to an agent). Keyed by Idempotency-Key: the same hand-over sent
// twice is booked once.
asio::awaitable<http::Response> CashHandIn(StatePtr s, http::Request& req) {
  std::string rider(req.path_param("id"));
  if (!IsUuid(rider)) throw NotFound("rider ids are UUIDs");
  JsonReader r(req.body());
  std::int64_t amount = r.Int("amount_xaf", 1, 100'000'000);
  r.RejectUnknownFields();
  r.Finish();
  std::optional<std::string_view> key = req.header("Idempotency-Key");
  if (!key || key->empty() || key->size() > 100)
    throw Error(ErrorCode::kIdempotencyKeyRequired, "send an Idempotency-Key header (1 to 100 characters)");
  std::string account = "rider_cash_held:" + rider;
  std::string entry_key = "cash_settled:" + rider + ":" + std::string(*key);
  std::vector<std::string> touched{"clearing:cash", account};
  bool booked = false;
  {
    pg::Transaction tx = co_await s->db->Begin(req.deadline());
    std::map<std::string, std::int64_t> held = co_await store::LockAccounts(tx, touched);
    pg::Result done = co_await tx.Execute(store::kEntryExists, entry_key);
    if (done.empty()) {  // not a repeat: the rider cannot hand in more than he holds
      if (amount > held[account])
        throw Error(ErrorCode::kValidationFailed,
                    "the rider holds " + std::to_string(held[account]) + " XAF in cash; hand in at most that");
      booked = co_await store::Post(tx, domain::CashSettled(rider, amount), entry_key);
    }
    co_await tx.Commit();
  }
  if (booked) log::Info("payments.cash_handed_in", {{"rider", rider}, {"amount_xaf", amount}});
  co_return JsonAnswer(BookedJson("", "cash_settled", booked), booked ? 201 : 200);
}

}  // namespace

void AddLedgerRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/ledger/accounts/{key}",
             http::AsyncHandler([s](http::Request& r) { return Statement(s, r); }));
  router.Add(http::Method::kGet, "/v1/ledger/trial-balance",
             http::AsyncHandler([s](http::Request& r) { return TrialBalance(s, r); }));
  router.Add(http::Method::kPost, "/internal/v1/payments/drop-offs",
             http::AsyncHandler([s](http::Request& r) { return RecordDropOff(s, r); }));
  router.Add(http::Method::kPost, "/v1/admin/riders/{id}/cash-settlements",
             http::AsyncHandler([s](http::Request& r) { return CashHandIn(s, r); }));
}

}  // namespace okada::payments::api
