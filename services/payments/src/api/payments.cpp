// Payments of orders by mobile money: the customer's request, reading it, the providers' callbacks (hints only),
// the status look that decides, the order following the outcome, and refunds by support.
#include <sodium.h>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <random>

#include "api/api.hpp"
#include "api/views.hpp"
#include "domain/lifecycle.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/ledger.hpp"
#include "store/statements.hpp"

namespace okada::payments {

namespace asio = boost::asio;
namespace json = boost::json;

PaymentRow ToPayment(const pg::Row& r) {
  PaymentRow p;
  p.id = r.Get<std::string>("id");
  p.order_id = r.Get<std::string>("order_id");
  p.customer_id = r.Get<std::string>("customer_id");
  p.merchant_id = r.Get<std::string>("merchant_id");
  p.provider = r.Get<std::string>("provider");
  p.payer_enc = r.Get<std::string>("payer_enc");
  p.items_xaf = r.Get<std::int64_t>("items_xaf");
  p.delivery_fee_xaf = r.Get<std::int64_t>("delivery_fee_xaf");
  p.amount_xaf = r.Get<std::int64_t>("amount_xaf");
  p.currency = r.Get<std::string>("currency");
  p.status = r.Get<std::string>("status");
  p.reference = r.Get<std::optional<std::string>>("reference");
  p.provider_transaction = r.Get<std::optional<std::string>>("provider_transaction");
  p.failure_reason = r.Get<std::optional<std::string>>("failure_reason");
  p.attempts = r.Get<int>("attempts");
  p.checks = r.Get<int>("checks");
  p.order_synced = r.Get<bool>("order_synced");
  p.created_at = r.Get<std::string>("created_at");
  p.updated_at = r.Get<std::string>("updated_at");
  p.expires_at = r.Get<std::string>("expires_at");
  p.settled_at = r.Get<std::optional<std::string>>("settled_at");
  return p;
}

asio::awaitable<std::optional<PaymentRow>> LoadPayment(pg::Database& db, Deadline d, std::string id) {
  pg::Result r = co_await db.Execute(d, store::kPaymentGet, id);
  if (r.empty()) co_return std::nullopt;
  co_return ToPayment(r.front());
}

std::string SealNumber(const State& s, std::string_view owner_id, std::string_view msisdn) {
  return s.keyring->get()->EncryptToText(msisdn, "payments.number:" + std::string(owner_id));
}

std::string OpenNumber(const State& s, std::string_view owner_id, std::string_view sealed) {
  return s.keyring->get()->DecryptText(sealed, "payments.number:" + std::string(owner_id));
}

Deadline ProviderDeadline(Deadline d) {
  Clock::time_point now = Clock::now();
  return d <= now ? d : now + (d - now) * 3 / 4;
}

mobile_money::Provider& ProviderOf(const State& s, const std::string& name) {
  auto it = s.providers.find(name);
  if (it == s.providers.end() || !it->second)
    throw Error(ErrorCode::kPaymentProviderUnavailable, "payments by " + name + " are not configured here");
  return *it->second;
}

domain::OrderMoney MoneyOf(const State& s, const std::string& order_uuid, const std::string& merchant_id,
                           std::int64_t items, std::int64_t fee) {
  domain::OrderMoney m;
  m.order_id = order_uuid;
  m.merchant_id = merchant_id;
  m.split = domain::SplitOrder(items, fee, s.settings.rates);
  return m;
}

namespace {

double Uniform() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

double LaterMs(const State& s, int looks) {
  return static_cast<double>(domain::NextLook(looks, s.settings.poll_first, s.settings.poll_max, Uniform()).count());
}

double LateLookMs(const State& s, int looks) {
  return static_cast<double>(domain::NextLook(looks, s.settings.poll_max, 8 * s.settings.poll_max, Uniform()).count());
}

namespace {

std::string CallbackToken(const State& s, std::string_view payment_id) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(s.callback_key.data()),
                              s.callback_key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payment_id.data()), payment_id.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return crypto::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::string CallbackUrl(const State& s, const PaymentRow& p) {
  std::string base = s.settings.callback_base;
  if (base.empty()) base = "http://127.0.0.1:" + std::to_string(s.listening_port ? s.listening_port() : 0);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v1/payments/" + p.id + "/callback?token=" + CallbackToken(s, p.id);
}

}  // namespace

events::PaymentFacts FactsOf(const PaymentRow& p) {
  events::PaymentFacts f;
  f.payment_id = p.id;
  f.order_id = PublicOrderId(p.order_id);
  f.customer_id = p.customer_id;
  f.provider = p.provider;
  f.amount_xaf = p.amount_xaf;
  return f;
}

namespace {

void LogProviderDown(const PaymentRow& p, const std::string& step, const std::string& error) {
  log::Warn("payments.provider_down", {{"payment", p.id}, {"provider", p.provider}, {"step", step}, {"error", error}});
}

asio::awaitable<void> RecordFailure(StatePtr s, PaymentRow p, std::string reason, Deadline d) {
  {
    pg::Transaction tx = co_await s->db->Begin(d);
    pg::Result moved = co_await tx.Execute(store::kPaymentFail, p.id, reason);
    if (moved.empty()) co_return;  // settled meanwhile by another look
    co_await s->outbox->Append(tx, "payment.failed", events::Failed(FactsOf(p), reason));
    co_await tx.Commit();
  }
  log::Info("payments.failed", {{"payment", p.id}, {"provider", p.provider}, {"reason", reason}});
  co_await SyncOrder(s, p.id, d);
}

asio::awaitable<void> RecordSuccess(StatePtr s, PaymentRow p, std::string provider_transaction, Deadline d) {
  {
    pg::Transaction tx = co_await s->db->Begin(d);
    pg::Result moved = co_await tx.Execute(store::kPaymentSucceed, p.id, provider_transaction);
    if (moved.empty()) co_return;  // credited already (a duplicate callback, a concurrent look)
    domain::Entry e =
        domain::Captured(MoneyOf(*s, p.order_id, p.merchant_id, p.items_xaf, p.delivery_fee_xaf), p.provider);
    co_await store::Post(tx, e, "captured:" + p.id, p.order_id);
    co_await s->outbox->Append(tx, "payment.succeeded", events::Succeeded(FactsOf(p)));
    co_await tx.Commit();
  }
  log::Info(
      "payments.succeeded",
      {{"payment", p.id}, {"provider", p.provider}, {"amount_xaf", p.amount_xaf}, {"late", p.status == "expired"}});
  co_await SyncOrder(s, p.id, d);
}

mobile_money::Request CollectionOf(const State& s, const PaymentRow& p, const std::string& reference) {
  mobile_money::Request r;
  r.reference = reference;
  r.msisdn = OpenNumber(s, p.id, p.payer_enc);
  r.amount = p.amount_xaf;
  r.currency = "XAF";
  r.external_id = p.id;
  r.callback_url = CallbackUrl(s, p);
  r.message = "Okada " + PublicOrderId(p.order_id).substr(0, 12);
  return r;
}

}  // namespace

asio::awaitable<void> RequestCollection(StatePtr s, PaymentRow p, Deadline d) {
  if (p.status != "intent") co_return;
  mobile_money::Provider& provider = ProviderOf(*s, p.provider);
  std::string failure;
  bool refused = false;
  std::string reference = p.reference.value_or("");
  if (reference.empty()) {
    try {
      reference = co_await provider.Prepare(ProviderDeadline(d));
    } catch (const Error& e) {
      failure = e.what();
      refused = e.code() == ErrorCode::kPaymentRefused;
    }
    if (failure.empty()) {
      pg::Result set = co_await s->db->Execute(d, store::kPaymentSetReference, p.id, reference);
      if (set.empty()) {  // another request stored one first: use it
        std::optional<PaymentRow> now = co_await LoadPayment(*s->db, d, p.id);
        if (!now || !now->reference) co_return;
        reference = *now->reference;
      }
    }
  }
  if (failure.empty()) {
    try {
      co_await provider.Collect(CollectionOf(*s, p, reference), ProviderDeadline(d));
    } catch (const Error& e) {
      failure = e.what();
      refused = e.code() == ErrorCode::kPaymentRefused;
    }
  }
  if (failure.empty()) {
    co_await s->db->Execute(d, store::kPaymentRequested, p.id, static_cast<double>(s->settings.poll_first.count()));
  } else if (refused) {
    log::Warn("payments.collection_refused", {{"payment", p.id}, {"provider", p.provider}, {"error", failure}});
    co_await RecordFailure(s, p, "declined", d);
  } else {
    LogProviderDown(p, "collect", failure);
    co_await s->db->Execute(d, store::kPaymentRetryLater, p.id, LaterMs(*s, p.attempts));
  }
}

asio::awaitable<PaymentRow> LookAndSettle(StatePtr s, PaymentRow p, Deadline d) {
  if (!p.reference || !domain::Settleable(p.status)) co_return p;
  mobile_money::Provider& provider = ProviderOf(*s, p.provider);
  mobile_money::Observed seen;
  std::string failure;
  try {
    seen = co_await provider.CollectionStatus(*p.reference, ProviderDeadline(d));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  double later = p.status == "expired" ? LateLookMs(*s, p.checks) : LaterMs(*s, p.checks);
  if (!failure.empty()) {
    LogProviderDown(p, "status", failure);
    co_await s->db->Execute(d, store::kPaymentLookLater, p.id, later);
    co_return p;
  }
  domain::Judgement j = domain::Judge(seen, p.amount_xaf);
  switch (j.verdict) {
    case domain::Verdict::kCredit:
      co_await RecordSuccess(s, p, seen.provider_transaction, d);
      break;
    case domain::Verdict::kFail:
      if (p.status == "expired") {  // nothing came late: stop looking at it
        co_await s->db->Execute(d, store::kPaymentLookLater, p.id,
                                static_cast<double>(s->settings.late_window.count()) + 1000.0);
      } else {
        co_await RecordFailure(s, p, j.reason, d);
      }
      break;
    case domain::Verdict::kAmountMismatch:
      if (s->amount_mismatches) s->amount_mismatches->Add();
      log::Error("payments.amount_mismatch", {{"payment", p.id},
                                              {"provider", p.provider},
                                              {"expected_xaf", p.amount_xaf},
                                              {"reported_xaf", seen.amount},
                                              {"reported_currency", seen.currency}});
      co_await s->db->Execute(d, store::kPaymentFlag, p.id, j.reason, later);
      break;
    case domain::Verdict::kWait:
      co_await s->db->Execute(d, store::kPaymentLookLater, p.id, later);
      break;
  }
  std::optional<PaymentRow> now = co_await LoadPayment(*s->db, d, p.id);
  co_return now.value_or(p);
}

asio::awaitable<std::string> CreateRefund(StatePtr s, pg::Transaction& tx, const PaymentRow& p, bool delivered,
                                          std::string reason, std::string requested_by) {
  std::string id = crypto::UuidV7();
  auto it = s->providers.find(p.provider);
  bool can_transfer = it != s->providers.end() && it->second && it->second->CanTransfer();
  std::string status = can_transfer ? "pending" : "manual";
  std::string payee = SealNumber(*s, id, OpenNumber(*s, p.id, p.payer_enc));
  pg::Result made = co_await tx.Execute(store::kRefundInsert, id, p.id, delivered, p.order_id, p.provider, payee,
                                        p.amount_xaf, status, reason, requested_by);
  if (made.empty()) {
    pg::Result existing = co_await tx.Execute(store::kRefundOfPayment, p.id);
    co_return existing.empty() ? std::string() : existing.front().Get<std::string>("id");
  }
  log::Info("payments.refund_created", {{"refund", id}, {"payment", p.id}, {"reason", reason}, {"by", requested_by}});
  if (!can_transfer)
    log::Warn("payments.refund_manual", {{"refund", id},
                                         {"payment", p.id},
                                         {"provider", p.provider},
                                         {"detail", "this provider has no transfer API: pay it back by hand"}});
  co_return id;
}

asio::awaitable<void> SyncOrder(StatePtr s, std::string payment_id, Deadline d) {
  std::optional<PaymentRow> p = co_await LoadPayment(*s->db, d, payment_id);
  if (!p || p->order_synced) co_return;
  std::string target = p->status == "succeeded" ? "confirmed" : p->status == "failed" ? "payment_failed" : "expired";
  if (p->status != "succeeded" && p->status != "failed" && p->status != "expired") co_return;
  std::string order = PublicOrderId(p->order_id);
  std::string reason = p->status == "succeeded" ? "paid by " + p->provider : "payment " + p->status;
  ErrorCode code = ErrorCode::kInternal;
  bool moved = false, refused = false;
  std::string failure;
  try {
    co_await s->orders->Move(d, order, target, reason);
    moved = true;
  } catch (const Error& e) {
    code = e.code();
    refused = code == ErrorCode::kInvalidTransition || code == ErrorCode::kOrderNotFound;
    failure = e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!moved && !refused) {  // orders unreachable: the worker tries again
    log::Warn("payments.order_sync_deferred", {{"payment", p->id}, {"error", failure}});
    co_return;
  }
  if (!moved && target == "confirmed") {
    // Paid, but the order went elsewhere meanwhile (expired, cancelled): unless it is already confirmed (an
    // earlier attempt that was not marked), the money goes back.
    orders::OrderInfo o;
    bool found = code != ErrorCode::kOrderNotFound;
    if (found) o = co_await s->orders->Get(d, order);
    if (!found || !o.paid) {
      pg::Transaction tx = co_await s->db->Begin(d);
      std::string refund = co_await CreateRefund(s, tx, *p, false, "paid after the order ended", "system");
      co_await tx.Execute(store::kPaymentSynced, p->id, p->status);
      co_await tx.Commit();
      log::Warn("payments.paid_after_order_ended", {{"payment", p->id}, {"order", order}, {"refund", refund}});
      co_await AdvanceTransfer(s, refund, d);
      co_return;
    }
  }
  co_await s->db->Execute(d, store::kPaymentSynced, p->id, p->status);
}

namespace api {

namespace {

struct Caller {
  std::string id, role;
};

Caller RequireCaller(const http::Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  return Caller{req.principal()->subject, req.principal()->role};
}

struct PayInput {
  std::string order_id;
  std::string msisdn;
};

PayInput ParsePay(const std::string& body) {
  JsonReader r(body);
  PayInput in;
  in.order_id = r.String("order_id", StringRule{36, 36});
  std::string phone = r.String("msisdn", StringRule{9, 20});
  r.RejectUnknownFields();
  std::optional<std::string> msisdn = NormalizeMsisdn(phone);
  if (!msisdn) r.Fail("msisdn", "INVALID_FORMAT", "a Cameroon mobile number: 6XX XX XX XX, with or without +237");
  if (!OrderUuid(in.order_id)) r.Fail("order_id", "INVALID_FORMAT", "an order id: ord_ and 32 hex digits");
  r.Finish();
  in.msisdn = *msisdn;
  return in;
}

std::string PathPayment(const http::Request& req) {
  std::string id(req.path_param("id"));
  if (!IsUuid(id)) throw Error(ErrorCode::kPaymentNotFound, "payment ids are UUIDs");
  return id;
}

asio::awaitable<http::Response> Pay(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  PayInput in = ParsePay(req.body());
  std::string order_uuid = *OrderUuid(in.order_id);
  // The order is the truth about what is owed and by whom (ARCHITECTURE §6: amounts re-checked against it).
  orders::OrderInfo o = co_await s->orders->Get(req.deadline(), in.order_id);
  if (o.customer_id != c.id) throw Error(ErrorCode::kOrderNotFound);
  pg::Result existing = co_await s->db->Execute(req.deadline(), store::kPaymentOfOrder, order_uuid);
  if (!existing.empty()) {  // asking again for the same order finds the same payment (and nudges it)
    PaymentRow p = ToPayment(existing.front());
    if (p.status == "intent") co_await RequestCollection(s, p, req.deadline());
    std::optional<PaymentRow> now = co_await LoadPayment(*s->db, req.deadline(), p.id);
    co_return JsonAnswer(PaymentJson(now.value_or(p), nullptr), 200);
  }
  if (o.payment_method != "momo" && o.payment_method != "orange_money")
    throw Error(ErrorCode::kOrderNotPayable, "this order is paid in cash on delivery");
  if (o.status != "pending_payment" || !o.payment_due_at)
    throw Error(ErrorCode::kOrderNotPayable, "this order is " + o.status + ", not waiting for payment");
  ProviderOf(*s, o.payment_method);  // 503 before anything is written when the provider is not set up here
  std::string id = crypto::UuidV7();
  std::string payer = SealNumber(*s, id, in.msisdn);
  pg::Result made =
      co_await s->db->Execute(req.deadline(), store::kPaymentInsert, id, order_uuid, o.customer_id, o.merchant_id,
                              o.payment_method, payer, o.items_xaf, o.delivery_fee_xaf, o.total_xaf, *o.payment_due_at);
  if (made.empty()) {  // a concurrent request for the same order won
    pg::Result winner = co_await s->db->Execute(req.deadline(), store::kPaymentOfOrder, order_uuid);
    if (winner.empty()) throw Conflict("try again");
    co_return JsonAnswer(PaymentJson(ToPayment(winner.front()), nullptr), 200);
  }
  PaymentRow p = ToPayment(made.front());
  co_await RequestCollection(s, p, req.deadline());
  std::optional<PaymentRow> now = co_await LoadPayment(*s->db, req.deadline(), id);
  http::Response res = JsonAnswer(PaymentJson(now.value_or(p), nullptr), 202);
  res.headers.emplace_back("Location", "/v1/payments/" + id);
  co_return res;
}

asio::awaitable<http::Response> GetOne(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathPayment(req);
  std::optional<PaymentRow> p = co_await LoadPayment(*s->db, req.deadline(), id);
  if (!p || (c.role == "customer" && p->customer_id != c.id)) throw Error(ErrorCode::kPaymentNotFound);
  pg::Result refund = co_await s->db->Execute(req.deadline(), store::kRefundOfPayment, id);
  co_return JsonAnswer(PaymentJson(*p, &refund), 200);
}

// A provider's callback: a hint that something changed. Nothing in its body is believed; a valid token makes
// the service ask the provider now. A wrong token is logged (forgery or a misrouted call) and learns nothing.
asio::awaitable<http::Response> Callback(StatePtr s, http::Request& req) {
  std::string id(req.path_param("id"));
  std::optional<std::string> token = req.query_param("token");
  bool valid = IsUuid(id) && token && crypto::ConstantTimeEquals(*token, CallbackToken(*s, id));
  std::optional<PaymentRow> p;
  if (valid) p = co_await LoadPayment(*s->db, req.deadline(), id);
  if (!p) {
    if (s->forged_callbacks) s->forged_callbacks->Add();
    log::Warn("payments.callback_forged",
              {{"payment", IsUuid(id) ? id : std::string("(not an id)")}, {"token_given", token.has_value()}});
    throw Error(ErrorCode::kPaymentNotFound);
  }
  std::string claimed = ClaimedStatus(req.body());
  PaymentRow now = co_await LookAndSettle(s, *p, req.deadline());
  if (claimed == "succeeded" && now.status != "succeeded") {
    if (s->unconfirmed_callbacks) s->unconfirmed_callbacks->Add();
    log::Warn("payments.callback_unconfirmed",
              {{"payment", p->id}, {"claimed", claimed}, {"provider_says", now.status}});
  }
  co_return JsonAnswer(CallbackAck(), 200);
}

asio::awaitable<http::Response> Refund(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathPayment(req);
  JsonReader r(req.body());
  std::string reason = r.String("reason", StringRule{3, 500});
  r.RejectUnknownFields();
  r.Finish();
  std::optional<PaymentRow> p = co_await LoadPayment(*s->db, req.deadline(), id);
  if (!p) throw Error(ErrorCode::kPaymentNotFound);
  if (p->status != "succeeded") throw Error(ErrorCode::kRefundNotAllowed, "only a succeeded payment is refunded");
  orders::OrderInfo o = co_await s->orders->Get(req.deadline(), PublicOrderId(p->order_id));
  bool delivered = o.status == "delivered" || o.status == "completed" || o.status == "refunded";
  bool ended = delivered || o.status == "cancelled" || o.status == "rejected" || o.status == "expired" ||
               o.status == "payment_failed";
  if (!ended)
    throw Error(ErrorCode::kRefundNotAllowed,
                "the order is " + o.status + ": cancel it first (a paid order that is cancelled is refunded)");
  std::string refund;
  {
    pg::Transaction tx = co_await s->db->Begin(req.deadline());
    refund = co_await CreateRefund(s, tx, *p, delivered, reason, c.role + ":" + c.id);
    co_await tx.Commit();
  }
  co_await AdvanceTransfer(s, refund, req.deadline());
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kTransferGet, refund);
  if (row.empty()) throw Error(ErrorCode::kInternal);
  co_return JsonAnswer(TransferJson(row.front()), 202);
}

}  // namespace

void AddPaymentRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/payments", http::AsyncHandler([s](http::Request& r) { return Pay(s, r); }));
  router.Add(http::Method::kGet, "/v1/payments/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetOne(s, r); }));
  router.Add(http::Method::kPut, "/v1/payments/{id}/callback",
             http::AsyncHandler([s](http::Request& r) { return Callback(s, r); }));
  router.Add(http::Method::kPost, "/v1/payments/{id}/callback",
             http::AsyncHandler([s](http::Request& r) { return Callback(s, r); }));
  router.Add(http::Method::kPost, "/v1/payments/{id}/refund",
             http::AsyncHandler([s](http::Request& r) { return Refund(s, r); }));
}

}  // namespace api
}  // namespace okada::payments
