// The local MoMo / Orange Money sandbox (`okada sandbox momo|orange`, and in-process in tests): the provider's HTTP
// API of mobile_money.hpp on its own one-thread IoPool, outcomes programmable per payer number, callbacks sent from
// timers, and a statement of settled transactions that tests can tamper with. State is in memory.
// Personal data: nothing here logs numbers; the server's access log prints paths only.

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include "caller.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/wall_clock.hpp"

namespace okada::mobile_money {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;
using HttpRequest = http::Request;
using detail::Str;
using http::Response;

constexpr std::size_t kMaxTransactions = 100000;

bool Digits(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Response Problem(int status, std::string_view code, std::string_view message) {
  json::object o;
  o["code"] = code;
  o["message"] = message;
  return Response::Json(json::serialize(o), status);
}

struct Txn {
  std::string kind;  ///< collection | transfer
  std::string reference;
  std::string external_id;
  std::string msisdn;
  std::int64_t amount = 0;
  std::string currency = "XAF";
  std::string callback_url;
  std::string description;
  bool requested = false;  ///< Orange: false between mp/init and mp/pay
  Sandbox::Programme programme;
  std::int64_t created_ms = 0;
  std::string provider_txn;
};

}  // namespace

struct Sandbox::Impl {
  explicit Impl(Options o) : options(std::move(o)) {
    if (options.user.empty() || options.secret.empty() || options.key.empty())
      throw std::invalid_argument("payment sandbox: user, secret and key are required");
    auto async = [this](asio::awaitable<Response> (Impl::*fn)(HttpRequest&)) {
      return http::AsyncHandler([this, fn](HttpRequest& r) { return (this->*fn)(r); });
    };
    auto sync = [this](Response (Impl::*fn)(HttpRequest&)) {
      return http::SyncHandler([this, fn](HttpRequest& r) { return (this->*fn)(r); });
    };
    if (options.kind == Kind::kMomo) {
      router.Add(Method::kPost, "/collection/token/", sync(&Impl::MomoToken));
      router.Add(Method::kPost, "/disbursement/token/", sync(&Impl::MomoToken));
      router.Add(Method::kPost, "/collection/v1_0/requesttopay", async(&Impl::MomoCollect));
      router.Add(Method::kPost, "/disbursement/v1_0/transfer", async(&Impl::MomoTransfer));
      router.Add(Method::kGet, "/collection/v1_0/requesttopay/{ref}", async(&Impl::MomoStatus));
      router.Add(Method::kGet, "/disbursement/v1_0/transfer/{ref}", async(&Impl::MomoStatus));
    } else {
      router.Add(Method::kPost, "/token", sync(&Impl::OrangeToken));
      router.Add(Method::kPost, "/omcoreapis/1.0.2/mp/init", sync(&Impl::OrangeInit));
      router.Add(Method::kPost, "/omcoreapis/1.0.2/mp/pay", async(&Impl::OrangePay));
      router.Add(Method::kGet, "/omcoreapis/1.0.2/mp/paymentstatus/{token}", async(&Impl::OrangeStatus));
    }
    router.Add(Method::kPost, "/sandbox/payers", sync(&Impl::PostPayer));
    router.Add(Method::kDelete, "/sandbox/payers", sync(&Impl::DeletePayers));
    router.Add(Method::kGet, "/sandbox/statement", sync(&Impl::GetStatement));
    router.Add(Method::kPost, "/sandbox/statement/tamper", sync(&Impl::PostTamper));
    router.Add(Method::kGet, "/sandbox/callbacks", sync(&Impl::GetCallbacks));
    http::RouteOptions quiet;
    quiet.quiet = true;
    router.Add(Method::kGet, "/healthz",
               http::SyncHandler([](HttpRequest&) { return Response::Json(R"({"status":"ok"})"); }), quiet);

    http::ServerOptions so;
    so.host = options.host;
    so.port = options.port;
    so.body_limit = 64 * 1024;
    server = std::make_unique<http::Server>(so, router, metrics, io);
    client = std::make_unique<http::Client>(io.context(0));
    io.Start();
    try {
      server->Start();
    } catch (...) {
      io.Stop();
      throw;
    }
  }

  ~Impl() {
    stopping = true;
    server->BeginDrain();
    server->WaitDrained(std::chrono::seconds(2));
    io.Stop();
  }

  // --- credentials ---------------------------------------------------------------------------------------------

  bool BasicOk(const HttpRequest& req) const {
    auto h = req.header("Authorization");
    std::string want = "Basic " + Base64(options.user + ":" + options.secret);
    return h && crypto::ConstantTimeEquals(*h, want);
  }
  bool BearerOk(const HttpRequest& req) const {
    auto h = req.header("Authorization");
    if (!h || h->size() < 8 || h->substr(0, 7) != "Bearer ") return false;
    std::lock_guard lock(mu);
    return tokens.count(std::string(h->substr(7))) > 0;
  }
  bool KeyOk(const HttpRequest& req, std::string_view header) const {
    auto h = req.header(header);
    return h && crypto::ConstantTimeEquals(*h, options.key);
  }
  Response IssueToken(std::string_view type) {
    std::string token = crypto::RandomToken(24);
    {
      std::lock_guard lock(mu);
      tokens.insert(token);
      ++tokens_issued;
    }
    json::object o;
    o["access_token"] = token;
    o["token_type"] = type;
    o["expires_in"] = static_cast<std::int64_t>(options.token_ttl.count());
    return Response::Json(json::serialize(o));
  }

  // --- programmes and settlement -------------------------------------------------------------------------------

  Programme ProgrammeOf(const std::string& msisdn) const {
    auto it = payers.find(msisdn);
    if (it != payers.end()) return it->second;
    Programme p;
    p.after = options.default_after;
    return p;
  }

  // The state now: settled once `after` has passed (approve → succeeded, decline → failed); never: pending.
  std::string MomoState(const Txn& t) const {
    if (t.programme.outcome == "never") return "PENDING";
    if (UnixMillisNow() < t.created_ms + t.programme.after.count()) return "PENDING";
    return t.programme.outcome == "approve" ? "SUCCESSFUL" : "FAILED";
  }

  // Waits `d`, in short steps so that a sandbox being destroyed ends every wait at once (a "slow" answer or a
  // late callback must not outlive the server it belongs to).
  asio::awaitable<void> Pause(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stopping && std::chrono::steady_clock::now() < until) {
      timer.expires_after(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20),
                                                                        until - std::chrono::steady_clock::now()));
      co_await timer.async_wait(asio::use_awaitable);
    }
  }

  // Sends the settlement callback(s) of one transaction at the right time, as the programme says.
  asio::awaitable<void> Callbacks(std::string reference) {
    Txn t;
    {
      std::lock_guard lock(mu);
      auto it = txns.find(reference);
      if (it == txns.end()) co_return;
      t = it->second;
    }
    const Programme& p = t.programme;
    if (t.callback_url.empty() || p.callback == "none" || p.outcome == "never" || p.outcome == "error") co_return;
    std::chrono::milliseconds wait = p.after + (p.callback == "late" ? p.late : std::chrono::milliseconds(0));
    co_await Pause(wait);
    int times = p.callback == "duplicate" ? 2 : 1;
    for (int i = 0; i < times; ++i) {
      http::ClientRequest r;
      r.url = t.callback_url;
      r.headers.emplace_back("Content-Type", "application/json");
      if (options.kind == Kind::kMomo) {
        r.method = Method::kPut;
        r.body = MomoBody(t);
      } else {
        r.method = Method::kPost;
        json::object n;
        n["payToken"] = t.reference;
        n["status"] = OrangeStatusName(t);
        n["message"] = "Payment notification";
        r.body = json::serialize(n);
      }
      r.deadline = Clock::now() + std::chrono::seconds(5);
      try {
        co_await client->Send(std::move(r));
      } catch (const std::exception&) {
        // Best effort, like the real thing.
      }
      {
        std::lock_guard lock(mu);
        ++callbacks_sent;
      }
    }
  }

  void Remember(Txn t) {
    std::lock_guard lock(mu);
    if (txns.size() >= kMaxTransactions) txns.erase(txns.begin());
    txns[t.reference] = std::move(t);
  }

  // --- MoMo ---------------------------------------------------------------------------------------------------

  Response MomoToken(HttpRequest& req) {
    if (!BasicOk(req) || !KeyOk(req, "Ocp-Apim-Subscription-Key"))
      return Problem(401, "UNAUTHORIZED", "Invalid credentials or subscription key");
    return IssueToken("access_token");
  }

  std::string MomoBody(const Txn& t) const {
    json::object o;
    o["amount"] = std::to_string(t.amount);
    o["currency"] = t.currency;
    o["externalId"] = t.external_id;
    json::object party;
    party["partyIdType"] = "MSISDN";
    party["partyId"] = t.msisdn;
    o[t.kind == "collection" ? "payer" : "payee"] = std::move(party);
    std::string state = MomoState(t);
    o["status"] = state;
    if (state == "SUCCESSFUL") o["financialTransactionId"] = t.provider_txn;
    if (state == "FAILED") o["reason"] = t.kind == "collection" ? "APPROVAL_REJECTED" : "PAYEE_NOT_FOUND";
    return json::serialize(o);
  }

  asio::awaitable<Response> MomoCollect(HttpRequest& req) { co_return co_await MomoStart(req, "collection"); }
  asio::awaitable<Response> MomoTransfer(HttpRequest& req) { co_return co_await MomoStart(req, "transfer"); }

  asio::awaitable<Response> MomoStart(HttpRequest& req, std::string kind) {
    if (!BearerOk(req) || !KeyOk(req, "Ocp-Apim-Subscription-Key"))
      co_return Problem(401, "UNAUTHORIZED", "Access token missing, expired or invalid");
    auto ref = req.header("X-Reference-Id");
    if (!ref || !detail::IsUuid(*ref)) co_return Problem(400, "INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID");
    auto o = detail::ParseObject(std::string(req.body()));
    if (!o) co_return Problem(400, "INVALID_BODY", "The body must be a JSON object");
    const json::value* party = o->if_contains(kind == "collection" ? "payer" : "payee");
    std::string msisdn = party != nullptr && party->is_object() ? Str(party->as_object(), "partyId") : std::string();
    std::int64_t amount = detail::Amount(*o, "amount");
    std::string currency = Str(*o, "currency");
    if (!Digits(msisdn, 8, 15)) co_return Problem(400, "INVALID_PAYER", "partyId must be an MSISDN (digits)");
    if (amount <= 0) co_return Problem(400, "INVALID_AMOUNT", "amount must be a positive whole number");
    if (currency != "XAF") co_return Problem(400, "INVALID_CURRENCY", "currency must be XAF");
    Programme p;
    {
      std::lock_guard lock(mu);
      p = ProgrammeOf(msisdn);
    }
    co_await Pause(p.slow);
    if (p.outcome == "error") co_return Problem(500, "INTERNAL_PROCESSING_ERROR", "An internal error occurred");
    {
      std::lock_guard lock(mu);
      if (txns.count(std::string(*ref)) > 0)
        co_return Problem(409, "RESOURCE_ALREADY_EXIST", "Duplicated reference id. Creation of resource failed.");
    }
    Txn t;
    t.kind = kind;
    t.reference = std::string(*ref);
    t.external_id = Str(*o, "externalId");
    t.msisdn = msisdn;
    t.amount = amount;
    t.currency = currency;
    t.callback_url = std::string(req.header("X-Callback-Url").value_or(""));
    t.requested = true;
    t.programme = p;
    t.created_ms = UnixMillisNow();
    t.provider_txn = std::to_string(1000000000 + (t.created_ms % 1000000000));
    std::string reference = t.reference;
    Remember(std::move(t));
    asio::co_spawn(io.context(0), Callbacks(reference), asio::detached);
    co_return Response::Json("", 202);
  }

  asio::awaitable<Response> MomoStatus(HttpRequest& req) {
    if (!BearerOk(req) || !KeyOk(req, "Ocp-Apim-Subscription-Key"))
      co_return Problem(401, "UNAUTHORIZED", "Access token missing, expired or invalid");
    std::string ref(req.path_param("ref"));
    std::optional<Txn> t = Find(ref);
    if (!t) co_return Problem(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.");
    co_await Pause(t->programme.slow);
    if (t->programme.outcome == "error")
      co_return Problem(500, "INTERNAL_PROCESSING_ERROR", "An internal error occurred");
    co_return Response::Json(MomoBody(*t));
  }

  std::optional<Txn> Find(const std::string& ref) const {
    std::lock_guard lock(mu);
    auto it = txns.find(ref);
    if (it == txns.end()) return std::nullopt;
    return it->second;
  }

  // --- Orange Money --------------------------------------------------------------------------------------------

  Response OrangeToken(HttpRequest& req) {
    if (!BasicOk(req) || req.body().find("grant_type=client_credentials") == std::string_view::npos)
      return Response::Json(R"({"error":"invalid_client","error_description":"Invalid client credentials"})", 401);
    return IssueToken("Bearer");
  }

  std::string OrangeStatusName(const Txn& t) const {
    if (!t.requested) return "INITIATED";
    std::string s = MomoState(t);
    return s == "SUCCESSFUL" ? "SUCCESSFULL" : s;  // sic: Orange's spelling
  }

  json::object OrangeData(const Txn& t) const {
    json::object d;
    d["payToken"] = t.reference;
    d["amount"] = t.amount;
    d["subscriberMsisdn"] = t.msisdn;
    d["orderId"] = t.external_id;
    d["description"] = t.description;
    d["notifUrl"] = t.callback_url;
    std::string status = OrangeStatusName(t);
    d["status"] = status;
    d["txnid"] = status == "SUCCESSFULL" ? json::value(t.provider_txn) : json::value(nullptr);
    d["confirmtxnmessage"] = status == "FAILED" ? json::value("CANCELLED_BY_USER") : json::value(nullptr);
    return d;
  }

  Response OrangeEnvelope(std::string_view message, json::object data, int status = 200) {
    json::object o;
    o["message"] = message;
    o["data"] = std::move(data);
    return Response::Json(json::serialize(o), status);
  }

  Response OrangeInit(HttpRequest& req) {
    if (!BearerOk(req) || !KeyOk(req, "X-AUTH-TOKEN")) return Problem(401, "UNAUTHORIZED", "Invalid token");
    Txn t;
    t.kind = "collection";
    t.reference = "MP" + crypto::RandomToken(12);
    for (char& c : t.reference)
      if (c == '-' || c == '_') c = 'X';
    t.created_ms = UnixMillisNow();
    std::string token = t.reference;
    Remember(std::move(t));
    json::object d;
    d["payToken"] = token;
    return OrangeEnvelope("Payment request successfully initiated", std::move(d));
  }

  asio::awaitable<Response> OrangePay(HttpRequest& req) {
    if (!BearerOk(req) || !KeyOk(req, "X-AUTH-TOKEN")) co_return Problem(401, "UNAUTHORIZED", "Invalid token");
    auto o = detail::ParseObject(std::string(req.body()));
    if (!o) co_return Problem(400, "INVALID_BODY", "The body must be a JSON object");
    std::string token = Str(*o, "payToken");
    std::string msisdn = Str(*o, "subscriberMsisdn");
    std::int64_t amount = detail::Amount(*o, "amount");
    if (!Digits(msisdn, 8, 15)) co_return Problem(400, "INVALID_SUBSCRIBER", "subscriberMsisdn must be digits");
    if (amount <= 0) co_return Problem(400, "INVALID_AMOUNT", "amount must be a positive whole number");
    Programme p;
    {
      std::lock_guard lock(mu);
      p = ProgrammeOf(msisdn);
    }
    co_await Pause(p.slow);
    if (p.outcome == "error") co_return Problem(500, "INTERNAL_ERROR", "An internal error occurred");
    Txn t;
    {
      std::lock_guard lock(mu);
      auto it = txns.find(token);
      if (it == txns.end()) co_return Problem(404, "PAYTOKEN_NOT_FOUND", "Unknown payToken");
      if (it->second.requested) co_return Problem(409, "PAYTOKEN_ALREADY_USED", "This payToken is already in use");
      Txn& x = it->second;
      x.requested = true;
      x.msisdn = msisdn;
      x.amount = amount;
      x.external_id = Str(*o, "orderId");
      x.description = Str(*o, "description");
      x.callback_url = Str(*o, "notifUrl");
      x.programme = p;
      x.created_ms = UnixMillisNow();
      x.provider_txn = "MP" + std::to_string(x.created_ms);
      t = x;
    }
    asio::co_spawn(io.context(0), Callbacks(token), asio::detached);
    co_return OrangeEnvelope("Merchant payment successfully initiated", OrangeData(t));
  }

  asio::awaitable<Response> OrangeStatus(HttpRequest& req) {
    if (!BearerOk(req) || !KeyOk(req, "X-AUTH-TOKEN")) co_return Problem(401, "UNAUTHORIZED", "Invalid token");
    std::optional<Txn> t = Find(std::string(req.path_param("token")));
    if (!t) co_return Problem(404, "PAYTOKEN_NOT_FOUND", "Unknown payToken");
    co_await Pause(t->programme.slow);
    if (t->programme.outcome == "error") co_return Problem(500, "INTERNAL_ERROR", "An internal error occurred");
    co_return OrangeEnvelope("Transaction retrieved", OrangeData(*t));
  }

  // --- sandbox control -----------------------------------------------------------------------------------------

  Response PostPayer(HttpRequest& req) {
    auto o = detail::ParseObject(std::string(req.body()));
    if (!o) return Problem(400, "INVALID_BODY", "The body must be a JSON object");
    std::string msisdn = Str(*o, "msisdn");
    if (!Digits(msisdn, 8, 15)) return Problem(400, "INVALID_MSISDN", "msisdn must be digits, e.g. 237670000001");
    Programme p;
    p.after = options.default_after;
    if (std::string v = Str(*o, "outcome"); !v.empty()) p.outcome = v;
    if (std::string v = Str(*o, "callback"); !v.empty()) p.callback = v;
    if (p.outcome != "approve" && p.outcome != "decline" && p.outcome != "never" && p.outcome != "error")
      return Problem(400, "INVALID_OUTCOME", "outcome: approve, decline, never or error");
    if (p.callback != "normal" && p.callback != "none" && p.callback != "duplicate" && p.callback != "late")
      return Problem(400, "INVALID_CALLBACK", "callback: normal, none, duplicate or late");
    if (o->contains("after_ms")) p.after = std::chrono::milliseconds(detail::Amount(*o, "after_ms"));
    p.slow = std::chrono::milliseconds(detail::Amount(*o, "slow_ms"));
    p.late = std::chrono::milliseconds(detail::Amount(*o, "late_ms"));
    Program(msisdn, p);
    return Response::Json(R"({"programmed":true})");
  }

  Response DeletePayers(HttpRequest&) {
    std::lock_guard lock(mu);
    payers.clear();
    return Response::Json(R"({"programmed":false})");
  }

  Response GetStatement(HttpRequest&) {
    json::array items;
    std::lock_guard lock(mu);
    for (const auto& [ref, t] : txns) {
      if (!t.requested || MomoState(t) != "SUCCESSFUL" || dropped.count(ref) > 0) continue;
      json::object i;
      i["kind"] = t.kind;
      i["reference"] = ref;
      i["external_id"] = t.external_id;
      i["msisdn"] = t.msisdn;
      auto amount = amounts.find(ref);
      i["amount"] = amount == amounts.end() ? t.amount : amount->second;
      i["currency"] = t.currency;
      i["financial_transaction_id"] = t.provider_txn;
      i["settled_at"] = Rfc3339Millis(t.created_ms + t.programme.after.count());
      items.push_back(std::move(i));
    }
    for (const json::object& extra : extras) items.push_back(extra);
    json::object out;
    out["items"] = std::move(items);
    return Response::Json(json::serialize(out));
  }

  Response PostTamper(HttpRequest& req) {
    auto o = detail::ParseObject(std::string(req.body()));
    if (!o) return Problem(400, "INVALID_BODY", "The body must be a JSON object");
    std::lock_guard lock(mu);
    if (std::string ref = Str(*o, "drop"); !ref.empty()) {
      dropped.insert(ref);
    } else if (const json::value* a = o->if_contains("amount"); a != nullptr && a->is_object()) {
      amounts[Str(a->as_object(), "reference")] = detail::Amount(a->as_object(), "value");
    } else if (const json::value* x = o->if_contains("add"); x != nullptr && x->is_object()) {
      json::object i;
      i["kind"] = "collection";
      i["reference"] = crypto::UuidV7();
      i["external_id"] = Str(x->as_object(), "external_id");
      i["msisdn"] = Str(x->as_object(), "msisdn");
      i["amount"] = detail::Amount(x->as_object(), "amount");
      i["currency"] = "XAF";
      i["financial_transaction_id"] = std::to_string(UnixMillisNow());
      i["settled_at"] = Rfc3339Millis(UnixMillisNow());
      extras.push_back(std::move(i));
    } else {
      return Problem(400, "INVALID_TAMPER",
                     "one of: drop, amount {reference, value}, add {external_id, amount, msisdn}");
    }
    return Response::Json(R"({"tampered":true})");
  }

  Response GetCallbacks(HttpRequest&) {
    std::lock_guard lock(mu);
    return Response::Json(R"({"sent":)" + std::to_string(callbacks_sent) + "}");
  }

  void Program(const std::string& msisdn, Programme p) {
    std::lock_guard lock(mu);
    payers[msisdn] = p;
  }

  Options options;
  std::atomic<bool> stopping{false};
  IoPool io{1};
  Metrics metrics;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;  ///< callbacks; used on the sandbox's thread only

  mutable std::mutex mu;
  std::set<std::string> tokens;
  int tokens_issued = 0;
  int callbacks_sent = 0;
  std::map<std::string, Programme> payers;
  std::map<std::string, Txn> txns;
  std::set<std::string> dropped;
  std::map<std::string, std::int64_t> amounts;
  std::vector<json::object> extras;
};

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Sandbox::~Sandbox() = default;
std::uint16_t Sandbox::port() const { return impl_->server->port(); }
void Sandbox::Program(const std::string& msisdn, Programme programme) { impl_->Program(msisdn, programme); }
int Sandbox::callbacks_sent() const {
  std::lock_guard lock(impl_->mu);
  return impl_->callbacks_sent;
}
int Sandbox::tokens_issued() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tokens_issued;
}
void Sandbox::RevokeTokens() {
  std::lock_guard lock(impl_->mu);
  impl_->tokens.clear();
}

}  // namespace okada::mobile_money
