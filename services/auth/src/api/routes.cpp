// The auth service's HTTP API: sign-up, sign-in (password or SMS code), refresh-token rotation with reuse
// detection, sessions, SMS codes, role and status changes, the audit log and the JWKS.
// Routes and who may call them: api/routes.inc. Life of a sign-in: docs/life-of-a-request.md.
#include <sodium.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "api/state.hpp"
#include "domain/policy.hpp"
#include "events/outbox.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "store/statements.hpp"

namespace okada::auth {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;
using SP = std::shared_ptr<State>;

namespace {

constexpr std::string_view kCookie = "okada_rt";
constexpr std::string_view kRefreshPath = "/v1/auth/refresh";

std::int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Waits for a hasher-pool job without blocking the I/O thread: the pool's completion callback cancels a
// timer on this coroutine's executor (single-threaded shard, so the cancel always follows the wait).
template <typename T, typename Submit>
asio::awaitable<T> OnHasherPool(Submit submit) {
  auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  std::future<T> fut = submit([timer, ex] { asio::post(ex, [timer] { timer->cancel(); }); });
  if (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return fut.get();
}

asio::awaitable<std::string> HashOnPool(SP s, std::string password) {
  co_return co_await OnHasherPool<std::string>(
      [&](std::function<void()> done) { return s->hasher->Hash(std::move(password), std::move(done)); });
}
asio::awaitable<bool> VerifyOnPool(SP s, std::string hash, std::string password) {
  co_return co_await OnHasherPool<bool>([&](std::function<void()> done) {
    return s->hasher->Verify(std::move(hash), std::move(password), std::move(done));
  });
}
asio::awaitable<bool> DummyOnPool(SP s, std::string password) {
  co_return co_await OnHasherPool<bool>(
      [&](std::function<void()> done) { return s->hasher->VerifyDummy(std::move(password), std::move(done)); });
}

// Routes that take no body still refuse a malformed or unexpected one (an empty body or `{}` is fine).
void RequireNoFields(const Request& req) {
  if (req.body().empty()) return;
  JsonReader r(req.body());
  r.RejectUnknownFields();
  r.Finish();
}

const http::Principal& Me(const Request& req) {
  if (!req.principal()) throw Error(ErrorCode::kUnauthenticated);
  return *req.principal();
}

std::string PhoneIndex(const State& s, std::string_view e164) { return s.blind->Compute(e164, "phone"); }
std::string TokenHash(const State& s, std::string_view token) { return s.blind->Compute(token, "refresh"); }
std::string CodeHash(const State& s, std::string_view code_id, std::string_view code) {
  return s.blind->Compute(std::string(code_id) + ":" + std::string(code), "otp");
}
std::string ClientRef(const State& s, const Request& req) {
  return resilience::HashKey(s.client_ref_secret, req.remote_address());
}

std::optional<std::string> CookieValue(const Request& req, std::string_view name) {
  auto h = req.header("Cookie");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  while (!v.empty()) {
    auto semi = v.find(';');
    std::string_view part = v.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    v.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::optional<std::string> ValidUuid(std::string_view s) {
  if (!paging::IsUuid(s)) return std::nullopt;
  return std::string(s);
}

std::string PathId(const Request& req) {
  auto id = ValidUuid(req.path_param("id"));
  if (!id) throw NotFound("no such account");
  return *id;
}

/// `limit` clamped to 1..100 (default 20) and the opaque cursor: core/include/okada/core/http/paging.hpp.
std::int64_t PageLimit(const Request& req) {
  auto raw = req.query_param("limit");
  auto limit = paging::ParseLimit(raw ? std::optional<std::string_view>(*raw) : std::nullopt);
  if (!limit)
    throw std::move(Error(ErrorCode::kValidationFailed)
                        .WithField({"limit", "INVALID_TYPE", "an integer; values outside 1..100 are clamped"}));
  return *limit;
}
std::optional<std::string> PageCursor(const Request& req) {
  auto raw = req.query_param("cursor");
  if (!raw || raw->empty()) return std::nullopt;
  auto id = paging::DecodeCursor(*raw);
  if (!id)
    throw std::move(Error(ErrorCode::kValidationFailed)
                        .WithField({"cursor", "INVALID_FORMAT", "use next_cursor of the previous page"}));
  return id;
}

json::object AccountJson(std::string_view id, std::string_view role, std::string_view status, bool verified,
                         std::string_view lang) {
  return {{"id", id}, {"role", role}, {"status", status}, {"phone_verified", verified}, {"lang", lang}};
}

asio::awaitable<void> Audit(pg::Transaction& tx, SP s, const Request& req, std::string_view event,
                            std::optional<std::string> account, std::optional<std::string> actor,
                            std::string detail_json = "{}") {
  co_await tx.Execute(store::kInsertAudit, crypto::UuidV7(), event, account, actor, ClientRef(*s, req), detail_json);
}

asio::awaitable<void> AuditNow(SP s, const Request& req, std::string_view event, std::optional<std::string> account,
                               std::optional<std::string> actor, std::string detail_json = "{}") {
  co_await s->db->Execute(req.deadline(), store::kInsertAudit, crypto::UuidV7(), event, account, actor,
                          ClientRef(*s, req), detail_json);
}

// --- deny-list ---------------------------------------------------------------------------------------------

access::Denial MakeDenial(const State& s, access::Denial::Kind kind, std::string value) {
  access::Denial d;
  d.kind = kind;
  d.value = std::move(value);
  d.cutoff_ms = NowMs() + 1;
  // Long enough that every access token it can match has expired by then (lifetime + verifier leeway).
  d.expires_at = NowS() + std::chrono::duration_cast<std::chrono::seconds>(s.access_ttl).count() + 120;
  return d;
}

// Durable first (in the caller's transaction), then this process at once, then every other instance
// through Redis (best effort: SyncDenials repairs Redis from PostgreSQL every minute).
asio::awaitable<void> Deny(pg::Transaction& tx, const access::Denial& d) {
  co_await tx.Execute(store::kInsertDenial, d.Encode(), d.expires_at);
}
asio::awaitable<void> Broadcast(SP s, std::vector<access::Denial> denials, Deadline deadline) {
  for (const auto& d : denials) s->deny->Apply(d);
  try {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& d : denials) {
      cmds.push_back({"ZADD", std::string(access::kDenyKey), std::to_string(d.expires_at), d.Encode()});
      cmds.push_back({"PUBLISH", std::string(access::kDenyChannel), std::to_string(d.expires_at) + " " + d.Encode()});
    }
    if (!cmds.empty())
      co_await s->redis->Local().Pipeline(std::move(cmds), Cap(deadline, std::chrono::milliseconds(300)));
  } catch (const Error& e) {
    log::Warn("auth.deny_broadcast_failed", {{"error", e.what()}});
  }
}

// --- sessions and tokens -----------------------------------------------------------------------------------

struct Issued {
  std::string access_token;
  std::string refresh_token;
  std::string session_id;
};

std::string MintAccess(const State& s, std::string_view account, std::string_view role, std::string_view session) {
  crypto::Claims c;
  c.iss = s.issuer;
  c.aud = s.audience;
  c.sub = account;
  c.role = role;
  c.extra["sid"] = session;
  c.SetLifetime(std::chrono::duration_cast<std::chrono::seconds>(s.access_ttl));
  return KeysOf(s)->Signer().Sign(c);
}

std::string NewRefreshToken() { return "rt_" + crypto::RandomToken(32); }

asio::awaitable<Issued> OpenSession(pg::Transaction& tx, SP s, std::string account, std::string role,
                                    std::string device, std::string client) {
  Issued out;
  out.session_id = crypto::UuidV7();
  out.refresh_token = NewRefreshToken();
  co_await tx.Execute(store::kInsertSession, out.session_id, account, device, client,
                      static_cast<std::int64_t>(s->refresh_absolute.count()));
  co_await tx.Execute(store::kInsertRefresh, TokenHash(*s, out.refresh_token), out.session_id, 1);
  out.access_token = MintAccess(*s, account, role, out.session_id);
  co_return out;
}

Response TokensResponse(const State& s, const Issued& t, json::object account, bool web, int status = 200) {
  json::object o{{"access_token", t.access_token},
                 {"token_type", "Bearer"},
                 {"expires_in", std::chrono::duration_cast<std::chrono::seconds>(s.access_ttl).count()},
                 {"session_id", t.session_id},
                 {"account", std::move(account)}};
  Response res;
  if (web) {
    res.Header("Set-Cookie",
               std::string(kCookie) + "=" + t.refresh_token + "; Path=" + std::string(kRefreshPath) + "; Max-Age=" +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(s.refresh_absolute).count()) +
                   "; HttpOnly; Secure; SameSite=Strict");
  } else {
    o["refresh_token"] = t.refresh_token;
  }
  res.status = status;
  res.body = json::serialize(o);
  res.Header("Cache-Control", "no-store");
  return res;
}

struct ClientInfo {
  std::string device;
  std::string client;
};
ClientInfo ReadClient(JsonReader& r) {
  ClientInfo c;
  c.device = r.OptionalString("device", {0, 60}).value_or("");
  c.client = r.Has("client") ? r.Enum("client", {"app", "web"}) : "app";
  return c;
}

struct AccountRow {
  std::string id, role, status, lang;
  std::optional<std::string> password_hash;
  bool verified = false;
};
asio::awaitable<std::optional<AccountRow>> FindByPhone(SP s, std::string phone_idx, Deadline deadline) {
  auto r = co_await s->db->Execute(deadline, store::kAccountByPhone, phone_idx);
  if (r.empty()) co_return std::nullopt;
  auto row = r.front();
  AccountRow a;
  a.id = row.Get<std::string>(0);
  a.password_hash = row.Get<std::optional<std::string>>(1);
  a.role = row.Get<std::string>(2);
  a.status = row.Get<std::string>(3);
  a.verified = row.Get<bool>(4);
  a.lang = row.Get<std::string>(5);
  co_return a;
}

// --- SMS codes ---------------------------------------------------------------------------------------------

enum class CodeCheck { kOk, kInvalid, kExhausted };

// Checks `code` against the newest open code of (phone, purpose); counts a wrong attempt durably.
asio::awaitable<CodeCheck> CheckCode(SP s, std::string phone_idx, OtpPurpose purpose, std::string code,
                                     Deadline deadline) {
  auto tx = co_await s->db->Begin(deadline);
  auto r = co_await tx.Execute(store::kOpenCode, phone_idx, ToString(purpose));
  if (r.empty()) co_return CodeCheck::kInvalid;
  auto row = r.front();
  std::string id = row.Get<std::string>(0);
  std::string stored = row.Get<std::string>(1);
  int attempts = row.Get<int>(2);
  if (attempts >= s->otp_attempts) co_return CodeCheck::kExhausted;
  std::string given = CodeHash(*s, id, code);
  bool match = given.size() == stored.size() && sodium_memcmp(given.data(), stored.data(), given.size()) == 0;
  if (!match) {
    co_await tx.Execute(store::kCodeAttempt, id);
    co_await tx.Commit();
    co_return attempts + 1 >= s->otp_attempts ? CodeCheck::kExhausted : CodeCheck::kInvalid;
  }
  co_await tx.Execute(store::kCodeConsumed, id);
  co_await tx.Commit();
  co_return CodeCheck::kOk;
}

void ThrowUnlessOk(CodeCheck c) {
  if (c == CodeCheck::kExhausted) throw Error(ErrorCode::kOtpAttemptsExceeded);
  if (c == CodeCheck::kInvalid)
    throw std::move(Error(ErrorCode::kOtpInvalid).WithField({"code", "INVALID", "wrong or expired code"}));
}

std::string ReadCode(JsonReader& r) {
  std::string code = r.String("code", {6, 6});
  if (code.size() == 6 && !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    r.Fail("code", "INVALID_FORMAT", "six digits");
  return code;
}

// --- handlers ----------------------------------------------------------------------------------------------

asio::awaitable<Response> SignUp(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  std::string password = r.String("password", {1, 1000, false});
  std::string lang = r.Has("lang") ? r.Enum("lang", {"fr", "en"}) : std::string(NormalizeLang(req.lang()));
  ClientInfo client = ReadClient(r);
  r.RejectUnknownFields();  // role, status, id… are not for the caller to choose
  if (!password.empty() && !phone.empty())
    if (auto weak = CheckPassword(password, phone); !weak.empty()) r.Fail("password", weak, "8 to 128 characters");
  r.Finish();

  std::string hash = co_await HashOnPool(s, std::move(password));
  std::string id = crypto::UuidV7();
  std::string idx = PhoneIndex(*s, phone);
  auto tx = co_await s->db->Begin(req.deadline());
  try {
    co_await tx.Execute(store::kInsertAccount, id, idx,
                        s->keyring->get()->EncryptToText(phone, "auth.accounts.phone:" + id), hash, lang);
  } catch (const pg::QueryError& e) {
    if (e.code() == ErrorCode::kConflict) throw Error(ErrorCode::kPhoneAlreadyRegistered);
    throw;
  }
  co_await events::UserRegistered(tx, id, "customer", lang);
  co_await Audit(tx, s, req, "signup", id, id);
  Issued t = co_await OpenSession(tx, s, id, "customer", client.device, client.client);
  co_await tx.Commit();
  co_return TokensResponse(*s, t, AccountJson(id, "customer", "active", false, lang), client.client == "web", 201);
}

asio::awaitable<Response> SignIn(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  std::string password = r.String("password", {1, 1000, false});
  ClientInfo client = ReadClient(r);
  r.RejectUnknownFields();
  r.Finish();

  auto account = co_await FindByPhone(s, PhoneIndex(*s, phone), req.deadline());
  bool ok = false;
  if (account && account->password_hash)
    ok = co_await VerifyOnPool(s, *account->password_hash, std::move(password));
  else
    co_await DummyOnPool(s, std::move(password));  // same time whether or not the number has an account
  if (!ok) {
    if (account) co_await AuditNow(s, req, "signin_failed", account->id, std::nullopt);
    throw Error(ErrorCode::kInvalidCredentials);
  }
  if (account->status != "active") throw Error(ErrorCode::kAccountSuspended);
  auto tx = co_await s->db->Begin(req.deadline());
  co_await Audit(tx, s, req, "signin", account->id, account->id, R"({"method":"password"})");
  Issued t = co_await OpenSession(tx, s, account->id, account->role, client.device, client.client);
  co_await tx.Commit();
  co_return TokensResponse(*s, t,
                           AccountJson(account->id, account->role, account->status, account->verified, account->lang),
                           client.client == "web");
}

asio::awaitable<resilience::Decision> OtpLimit(SP s, std::string cls, std::string key, Deadline deadline) {
  co_return co_await s->otp_limits->Local().Check(std::move(cls), std::move(key), deadline);
}

asio::awaitable<Response> SendOtp(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  std::string purpose_text = r.Enum("purpose", {"signin", "verify_phone", "reset_password"});
  r.RejectUnknownFields();
  r.Finish();
  OtpPurpose purpose = *ParseOtpPurpose(purpose_text);

  // Per phone number first (what an SMS costs is per number; carrier NAT puts many people behind one
  // address), then per client address with a generous ceiling.
  auto by_phone = co_await OtpLimit(s, "otp_phone", "phone:" + phone, req.deadline());
  if (!by_phone.allowed) co_return resilience::RateLimitedResponse(req, by_phone);
  auto by_ip = co_await OtpLimit(s, "otp_ip", "ip:" + std::string(req.remote_address()), req.deadline());
  if (!by_ip.allowed) co_return resilience::RateLimitedResponse(req, by_ip);

  std::string idx = PhoneIndex(*s, phone);
  auto account = co_await FindByPhone(s, idx, req.deadline());
  json::object body{{"sent", true},
                    {"expires_in", std::chrono::duration_cast<std::chrono::seconds>(s->otp_ttl).count()}};
  // Same answer whether or not the number has an account (no enumeration); no SMS without one.
  if (!account) co_return Response::Json(json::serialize(body), 202);

  std::string code = NewOtpCode();
  std::string id = crypto::UuidV7();
  auto tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kConsumeOpenCodes, idx, ToString(purpose));
  co_await tx.Execute(store::kInsertCode, id, idx, ToString(purpose), CodeHash(*s, id, code),
                      static_cast<std::int64_t>(s->otp_ttl.count()));
  // Send before committing: if the SMS cannot leave, the transaction rolls back and no code exists.
  sms::Message message;  // a named local: GCC 12 mishandles aggregate temporaries inside co_await expressions
  message.to = phone;
  message.text = OtpText(purpose, code, account->lang);
  co_await s->sms->Send(std::move(message), req.deadline());
  co_await Audit(tx, s, req, "otp_sent", account->id, std::nullopt,
                 std::string(R"({"purpose":")") + std::string(ToString(purpose)) + "\"}");
  co_await tx.Commit();
  co_return Response::Json(json::serialize(body), 202);
}

asio::awaitable<Response> SignInWithCode(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  std::string code = ReadCode(r);
  ClientInfo client = ReadClient(r);
  r.RejectUnknownFields();
  r.Finish();
  std::string idx = PhoneIndex(*s, phone);
  auto account = co_await FindByPhone(s, idx, req.deadline());
  if (!account) ThrowUnlessOk(CodeCheck::kInvalid);
  CodeCheck check = co_await CheckCode(s, idx, OtpPurpose::kSignin, code, req.deadline());
  if (check != CodeCheck::kOk)
    co_await AuditNow(s, req, "signin_failed", account->id, std::nullopt, R"({"method":"sms"})");
  ThrowUnlessOk(check);
  if (account->status != "active") throw Error(ErrorCode::kAccountSuspended);
  auto tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kSetVerified, account->id);  // the code proves the phone is theirs
  co_await Audit(tx, s, req, "signin", account->id, account->id, R"({"method":"sms"})");
  Issued t = co_await OpenSession(tx, s, account->id, account->role, client.device, client.client);
  co_await tx.Commit();
  co_return TokensResponse(*s, t, AccountJson(account->id, account->role, account->status, true, account->lang),
                           client.client == "web");
}

asio::awaitable<std::vector<access::Denial>> RevokeEverything(pg::Transaction& tx, SP s, std::string account,
                                                              std::string reason) {
  co_await tx.Execute(store::kRevokeAllSessions, account, reason);
  std::vector<access::Denial> out{MakeDenial(*s, access::Denial::Kind::kSubject, account)};
  co_await Deny(tx, out.back());
  co_return out;
}

asio::awaitable<Response> ResetPassword(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  std::string code = ReadCode(r);
  std::string password = r.String("password", {1, 1000, false});
  r.RejectUnknownFields();
  if (!password.empty() && !phone.empty())
    if (auto weak = CheckPassword(password, phone); !weak.empty()) r.Fail("password", weak, "8 to 128 characters");
  r.Finish();
  std::string idx = PhoneIndex(*s, phone);
  auto account = co_await FindByPhone(s, idx, req.deadline());
  if (!account) ThrowUnlessOk(CodeCheck::kInvalid);
  ThrowUnlessOk(co_await CheckCode(s, idx, OtpPurpose::kResetPassword, code, req.deadline()));
  std::string hash = co_await HashOnPool(s, std::move(password));
  auto tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kSetPassword, account->id, hash);
  co_await tx.Execute(store::kSetVerified, account->id);
  auto denials = co_await RevokeEverything(tx, s, account->id, "password_reset");
  co_await Audit(tx, s, req, "password_reset", account->id, account->id);
  co_await tx.Commit();
  co_await Broadcast(s, std::move(denials), req.deadline());
  co_return Response::NoContent();
}

asio::awaitable<std::string> PhoneOf(SP s, std::string account, Deadline deadline) {
  auto r = co_await s->db->Execute(deadline, store::kAccountById, account);
  if (r.empty()) throw NotFound("no such account");
  co_return s->keyring->get()->DecryptText(r.front().Get<std::string>(1), "auth.accounts.phone:" + account);
}

asio::awaitable<Response> VerifyPhone(SP s, Request& req) {
  const auto& me = Me(req);
  JsonReader r(req.body());
  std::string code = ReadCode(r);
  r.RejectUnknownFields();
  r.Finish();
  std::string phone = co_await PhoneOf(s, me.subject, req.deadline());
  ThrowUnlessOk(co_await CheckCode(s, PhoneIndex(*s, phone), OtpPurpose::kVerifyPhone, code, req.deadline()));
  co_await s->db->Execute(req.deadline(), store::kSetVerified, me.subject);
  co_return Response::NoContent();
}

// Refresh-token rotation (ARCHITECTURE §6, RFC 9700 §4.14.2): single use; a spent token presented again
// revokes the whole family, except the immediately previous token within the grace window, which gets
// the very pair its first use returned (a response lost on a bad network must not log the user out).
asio::awaitable<Response> Refresh(SP s, Request& req) {
  std::optional<std::string> token;
  bool web = false;
  if (!req.body().empty()) {
    JsonReader r(req.body());
    token = r.OptionalString("refresh_token", {1, 200, false});
    r.RejectUnknownFields();
    r.Finish();
  }
  if (!token) {
    // Cookie-held tokens need the custom header too: a cross-site form cannot set it (CSRF).
    auto client = req.header("X-Okada-Client");
    if (client && *client == "web") token = CookieValue(req, kCookie);
    web = true;
    if (!token) throw std::move(Error(ErrorCode::kValidationFailed).WithField({"refresh_token", "REQUIRED", ""}));
  }
  std::string hash = TokenHash(*s, *token);
  auto tx = co_await s->db->Begin(req.deadline());
  auto rows = co_await tx.Execute(store::kRefreshForUpdate, hash);
  if (rows.empty()) throw Error(ErrorCode::kInvalidRefreshToken);
  auto row = rows.front();
  std::string session = row.Get<std::string>("session_id");
  int generation = row.Get<int>("generation");
  bool spent = row.Get<bool>("spent");
  std::int64_t spent_ms_ago = row.Get<std::int64_t>("spent_ms_ago");
  auto replay = row.Get<std::optional<std::string>>("replay_enc");
  std::string account = row.Get<std::string>("account_id");
  bool revoked = row.Get<bool>("revoked");
  bool expired = row.Get<bool>("expired");
  std::int64_t idle_ms = row.Get<std::int64_t>("idle_ms");
  std::string client = row.Get<std::string>("client");
  std::string role = row.Get<std::string>("role");
  std::string status = row.Get<std::string>("status");
  bool verified = row.Get<bool>("phone_verified");
  std::string lang = row.Get<std::string>("lang");
  auto next_unspent = row.Get<std::optional<bool>>("next_unspent");
  web = web || client == "web";

  if (revoked) throw Error(ErrorCode::kInvalidRefreshToken);
  if (expired || idle_ms > s->refresh_idle.count()) {
    co_await tx.Execute(store::kRevokeSession, session, account, "expired");
    co_await tx.Commit();
    throw Error(ErrorCode::kInvalidRefreshToken);
  }
  if (status != "active") throw Error(ErrorCode::kAccountSuspended);

  if (spent) {
    bool previous = next_unspent.value_or(false);
    if (previous && replay && spent_ms_ago <= s->refresh_grace.count()) {
      auto pair =
          json::parse(s->keyring->get()->DecryptText(*replay, "auth.refresh_tokens.replay:" + hash)).as_object();
      Issued t{json::value_to<std::string>(pair.at("a")), json::value_to<std::string>(pair.at("r")), session};
      co_return TokensResponse(*s, t, AccountJson(account, role, status, verified, lang), web);
    }
    // Reuse of a spent token: someone else may hold this family. End it.
    co_await tx.Execute(store::kRevokeSession, session, account, "reuse_detected");
    std::vector<access::Denial> denials{MakeDenial(*s, access::Denial::Kind::kSession, session)};
    co_await Deny(tx, denials.back());
    co_await Audit(tx, s, req, "refresh_reuse_detected", account, std::nullopt,
                   R"({"generation":)" + std::to_string(generation) + "}");
    co_await tx.Commit();
    co_await Broadcast(s, std::move(denials), req.deadline());
    throw Error(ErrorCode::kRefreshTokenReused);
  }

  Issued t;
  t.session_id = session;
  t.refresh_token = NewRefreshToken();
  t.access_token = MintAccess(*s, account, role, session);
  std::string next_hash = TokenHash(*s, t.refresh_token);
  json::object pair{{"a", t.access_token}, {"r", t.refresh_token}};
  co_await tx.Execute(store::kInsertRefresh, next_hash, session, generation + 1);
  co_await tx.Execute(store::kSpendRefresh, hash, next_hash,
                      s->keyring->get()->EncryptToText(json::serialize(pair), "auth.refresh_tokens.replay:" + hash));
  co_await tx.Execute(store::kTouchSession, session);
  co_await tx.Commit();
  co_return TokensResponse(*s, t, AccountJson(account, role, status, verified, lang), web);
}

asio::awaitable<Response> SignOut(SP s, Request& req) {
  const auto& me = Me(req);
  RequireNoFields(req);
  std::vector<access::Denial> denials;
  auto tx = co_await s->db->Begin(req.deadline());
  if (!me.session.empty()) {
    co_await tx.Execute(store::kRevokeSession, me.session, me.subject, "signed_out");
    denials.push_back(MakeDenial(*s, access::Denial::Kind::kSession, me.session));
  } else {
    denials.push_back(MakeDenial(*s, access::Denial::Kind::kToken, me.token_id));
  }
  co_await Deny(tx, denials.back());
  co_await Audit(tx, s, req, "signout", me.subject, me.subject);
  co_await tx.Commit();
  co_await Broadcast(s, std::move(denials), req.deadline());
  Response res = Response::NoContent();
  res.Header("Set-Cookie", std::string(kCookie) + "=; Path=" + std::string(kRefreshPath) +
                               "; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
  co_return res;
}

asio::awaitable<Response> GetMe(SP s, Request& req) {
  const auto& me = Me(req);
  auto r = co_await s->db->Execute(req.deadline(), store::kAccountById, me.subject);
  if (r.empty()) throw NotFound("no such account");
  auto row = r.front();
  json::object o = AccountJson(me.subject, row.Get<std::string>(2), row.Get<std::string>(3), row.Get<bool>(4),
                               row.Get<std::string>(5));
  o["phone"] = s->keyring->get()->DecryptText(row.Get<std::string>(1), "auth.accounts.phone:" + me.subject);
  o["created_at"] = row.Get<std::string>(6);
  o["session_id"] = me.session;
  co_return Response::Json(json::serialize(o));
}

asio::awaitable<Response> ListSessions(SP s, Request& req) {
  const auto& me = Me(req);
  std::int64_t limit = PageLimit(req);
  auto cursor = PageCursor(req);
  auto r = co_await s->db->Execute(req.deadline(), store::kListSessions, me.subject, cursor, limit + 1);
  json::array items;
  std::optional<std::string> next;
  for (int i = 0; i < r.size(); ++i) {
    auto row = r[i];
    if (i == limit) {
      next = paging::EncodeCursor(r[i - 1].Get<std::string>(0));
      break;
    }
    std::string id = row.Get<std::string>(0);
    items.push_back(json::object{{"id", id},
                                 {"device", row.Get<std::string>(1)},
                                 {"client", row.Get<std::string>(2)},
                                 {"created_at", row.Get<std::string>(3)},
                                 {"last_used_at", row.Get<std::string>(4)},
                                 {"current", id == me.session}});
  }
  json::object o{{"items", std::move(items)}};
  if (next)
    o["next_cursor"] = *next;
  else
    o["next_cursor"] = nullptr;
  co_return Response::Json(json::serialize(o));
}

asio::awaitable<Response> RevokeSession(SP s, Request& req) {
  const auto& me = Me(req);
  auto id = ValidUuid(req.path_param("id"));
  if (!id) throw NotFound("no such session");
  auto tx = co_await s->db->Begin(req.deadline());
  auto r = co_await tx.Execute(store::kRevokeSession, *id, me.subject, "revoked_by_user");
  if (r.empty()) throw NotFound("no such session");  // not hers, or already ended: same answer
  std::vector<access::Denial> denials{MakeDenial(*s, access::Denial::Kind::kSession, *id)};
  co_await Deny(tx, denials.back());
  co_await Audit(tx, s, req, "session_revoked", me.subject, me.subject);
  co_await tx.Commit();
  co_await Broadcast(s, std::move(denials), req.deadline());
  co_return Response::NoContent();
}

asio::awaitable<Response> AccountResponse(SP s, std::string id, Deadline deadline) {
  auto r = co_await s->db->Execute(deadline, store::kAccountById, id);
  if (r.empty()) throw Error(ErrorCode::kAccountNotFound);
  auto row = r.front();
  co_return Response::Json(json::serialize(
      AccountJson(id, row.Get<std::string>(2), row.Get<std::string>(3), row.Get<bool>(4), row.Get<std::string>(5))));
}

// Role change (admin, or a service acting on an admin's decision such as a rider approval): every token the
// user holds stops working at once (deny-list by subject); the next refresh carries the new role.
asio::awaitable<Response> ChangeRole(SP s, Request& req) {
  std::string id = PathId(req);
  JsonReader r(req.body());
  std::string role = r.Enum("role", {"customer", "rider", "merchant_owner", "merchant_staff", "support", "admin"});
  r.RejectUnknownFields();
  r.Finish();
  std::optional<std::string> actor;
  if (req.principal() && !req.principal()->service) actor = req.principal()->subject;
  auto tx = co_await s->db->Begin(req.deadline());
  auto res = co_await tx.Execute(store::kSetRole, id, role);
  if (res.empty()) throw Error(ErrorCode::kAccountNotFound);
  std::string old_role = res.front().Get<std::string>(0);
  std::vector<access::Denial> denials;
  if (old_role != role) {
    denials.push_back(MakeDenial(*s, access::Denial::Kind::kSubject, id));
    co_await Deny(tx, denials.back());
    co_await Audit(
        tx, s, req, "role_changed", id, actor,
        R"({"from":")" + old_role + R"(","to":")" + role + R"(","by":")" + (actor ? "admin" : "service") + "\"}");
  }
  co_await tx.Commit();
  co_await Broadcast(s, std::move(denials), req.deadline());
  co_return co_await AccountResponse(s, id, req.deadline());
}

asio::awaitable<Response> Suspend(SP s, Request& req) {
  std::string id = PathId(req);
  std::string reason;
  if (!req.body().empty()) {
    JsonReader r(req.body());
    reason = r.OptionalString("reason", {0, 300}).value_or("");
    r.RejectUnknownFields();
    r.Finish();
  }
  auto tx = co_await s->db->Begin(req.deadline());
  auto exists = co_await tx.Execute(store::kAccountById, id);
  if (exists.empty()) throw Error(ErrorCode::kAccountNotFound);
  co_await tx.Execute(store::kSetStatus, id, "suspended");
  auto denials = co_await RevokeEverything(tx, s, id, "suspended");
  json::object detail{{"reason_given", !reason.empty()}};
  co_await Audit(tx, s, req, "suspended", id, Me(req).subject, json::serialize(detail));
  co_await tx.Commit();
  co_await Broadcast(s, std::move(denials), req.deadline());
  co_return co_await AccountResponse(s, id, req.deadline());
}

asio::awaitable<Response> Reinstate(SP s, Request& req) {
  std::string id = PathId(req);
  RequireNoFields(req);
  auto tx = co_await s->db->Begin(req.deadline());
  auto exists = co_await tx.Execute(store::kAccountById, id);
  if (exists.empty()) throw Error(ErrorCode::kAccountNotFound);
  co_await tx.Execute(store::kSetStatus, id, "active");
  co_await Audit(tx, s, req, "reinstated", id, Me(req).subject);
  co_await tx.Commit();
  co_return co_await AccountResponse(s, id, req.deadline());
}

asio::awaitable<Response> ListAudit(SP s, Request& req) {
  std::int64_t limit = PageLimit(req);
  auto cursor = PageCursor(req);
  std::optional<std::string> account;
  if (auto a = req.query_param("account_id"); a && !a->empty()) {
    account = ValidUuid(*a);
    if (!account)
      throw std::move(Error(ErrorCode::kValidationFailed).WithField({"account_id", "INVALID_FORMAT", "a UUID"}));
  }
  auto r = co_await s->db->Execute(req.deadline(), store::kListAudit, account, cursor, limit + 1);
  json::array items;
  std::optional<std::string> next;
  for (int i = 0; i < r.size(); ++i) {
    if (i == limit) {
      next = paging::EncodeCursor(r[i - 1].Get<std::string>(0));
      break;
    }
    auto row = r[i];
    json::object o{
        {"id", row.Get<std::string>(0)}, {"at", row.Get<std::string>(1)}, {"event", row.Get<std::string>(2)}};
    auto acc = row.Get<std::optional<std::string>>(3);
    auto act = row.Get<std::optional<std::string>>(4);
    o["account_id"] = acc ? json::value(*acc) : json::value(nullptr);
    o["actor_id"] = act ? json::value(*act) : json::value(nullptr);
    o["detail"] = json::parse(row.Get<std::string>(5));
    items.push_back(std::move(o));
  }
  json::object o{{"items", std::move(items)}};
  o["next_cursor"] = next ? json::value(*next) : json::value(nullptr);
  co_return Response::Json(json::serialize(o));
}

asio::awaitable<Response> Lookup(SP s, Request& req) {
  JsonReader r(req.body());
  std::string phone = r.Phone("phone");
  r.RejectUnknownFields();
  r.Finish();
  auto account = co_await FindByPhone(s, PhoneIndex(*s, phone), req.deadline());
  if (!account) throw Error(ErrorCode::kAccountNotFound);
  co_return Response::Json(
      json::serialize(AccountJson(account->id, account->role, account->status, account->verified, account->lang)));
}

// Another service (notifications) reading how to reach an account: its phone number and language.
asio::awaitable<Response> GetAccountInternal(SP s, Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
  std::string id(req.path_param("id"));
  if (!paging::IsUuid(id)) throw Error(ErrorCode::kAccountNotFound);
  auto r = co_await s->db->Execute(req.deadline(), store::kAccountById, id);
  if (r.empty()) throw Error(ErrorCode::kAccountNotFound);
  auto row = r.front();
  json::object o =
      AccountJson(id, row.Get<std::string>(2), row.Get<std::string>(3), row.Get<bool>(4), row.Get<std::string>(5));
  o["phone"] = s->keyring->get()->DecryptText(row.Get<std::string>(1), "auth.accounts.phone:" + id);
  co_return Response::Json(json::serialize(o));
}

}  // namespace

asio::awaitable<void> SyncDenials(SP s, Deadline deadline) {
  std::int64_t now = NowS();
  co_await s->db->Execute(deadline, store::kPruneDenials, now);
  auto r = co_await s->db->Execute(deadline, store::kLiveDenials, now);
  std::vector<std::vector<std::string>> cmds;
  cmds.push_back({"ZREMRANGEBYSCORE", std::string(access::kDenyKey), "-inf", std::to_string(now - 1)});
  for (const auto& row : r) {
    auto member = row.Get<std::string>(0);
    auto exp = row.Get<std::int64_t>(1);
    if (auto d = access::Denial::Decode(member, exp)) s->deny->Apply(*d);
    cmds.push_back({"ZADD", std::string(access::kDenyKey), std::to_string(exp), member});
  }
  co_await s->db->Execute(deadline, store::kClearReplays, static_cast<std::int64_t>(s->refresh_grace.count()));
  try {
    co_await s->redis->Local().Pipeline(std::move(cmds), deadline);
  } catch (const Error& e) {
    log::Warn("auth.deny_sync_failed", {{"error", e.what()}});
  }
}

asio::awaitable<void> ReloadKeys(SP s) {
  auto current = KeysOf(*s);
  std::shared_ptr<crypto::KeyStore> fresh = crypto::KeyStore::LoadOrCreate(s->state_dir);
  if (fresh->active_kid() != current->active_kid() || fresh->PublicKeys().size() != current->PublicKeys().size()) {
    log::Info("auth.keys_reloaded", {{"active_kid", fresh->active_kid()}});
    std::atomic_store(&s->keys, std::move(fresh));
  }
  co_return;
}

void RegisterRoutes(ServiceContext& ctx, SP s) {
  using M = http::Method;
  auto& router = ctx.router();
  auto add = [&](M m, const char* pattern, asio::awaitable<Response> (*fn)(SP, Request&)) {
    router.Add(m, pattern, http::AsyncHandler([s, fn](Request& req) { return fn(s, req); }));
  };
  // Password routes wait their turn on the bounded hashing pool: during a sign-in surge the queue, not the
  // default request deadline, is what bounds them (a full queue answers 503 at once).
  http::RouteOptions hashing;
  hashing.deadline = s->password_deadline;
  auto add_hashing = [&](M m, const char* pattern, asio::awaitable<Response> (*fn)(SP, Request&)) {
    router.Add(m, pattern, http::AsyncHandler([s, fn](Request& req) { return fn(s, req); }), hashing);
  };
  router.Add(M::kGet, "/.well-known/jwks.json", http::SyncHandler([s](Request&) {
               Response res = Response::Json(KeysOf(*s)->JwksJson());
               res.Header("Cache-Control", "public, max-age=60");
               return res;
             }));
  add_hashing(M::kPost, "/v1/auth/signup", SignUp);
  add_hashing(M::kPost, "/v1/auth/signin", SignIn);
  add(M::kPost, "/v1/auth/otp", SendOtp);
  add(M::kPost, "/v1/auth/signin/otp", SignInWithCode);
  add_hashing(M::kPost, "/v1/auth/password/reset", ResetPassword);
  add(M::kPost, "/v1/auth/phone/verify", VerifyPhone);
  add(M::kPost, "/v1/auth/refresh", Refresh);
  add(M::kPost, "/v1/auth/signout", SignOut);
  add(M::kGet, "/v1/auth/me", GetMe);
  add(M::kGet, "/v1/auth/sessions", ListSessions);
  add(M::kDelete, "/v1/auth/sessions/{id}", RevokeSession);
  add(M::kPut, "/v1/admin/accounts/{id}/role", ChangeRole);
  add(M::kPost, "/v1/admin/accounts/{id}/suspend", Suspend);
  add(M::kPost, "/v1/admin/accounts/{id}/reinstate", Reinstate);
  add(M::kGet, "/v1/admin/audit", ListAudit);
  add(M::kPost, "/internal/v1/accounts/lookup", Lookup);
  add(M::kGet, "/internal/v1/accounts/{id}", GetAccountInternal);
  add(M::kPut, "/internal/v1/accounts/{id}/role", ChangeRole);
}

}  // namespace okada::auth
