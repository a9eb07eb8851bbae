// Notifications routes: a person's preferences (language, channels, e-mail address, quiet hours), her browsers'
// push subscriptions, her messages and their delivery status; the VAPID public key browsers subscribe with; and
// the SMS gateway's delivery reports.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/service_call.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/providers/webpush.hpp"
#include "store/statements.hpp"

namespace okada::notifications {

namespace asio = boost::asio;
namespace json = boost::json;

http::Response JsonAnswer(const json::value& v, int status) { return http::Response::Json(json::serialize(v), status); }

std::string Seal(const State& s, std::string_view what, std::string_view owner, std::string_view plain) {
  return s.keyring->get()->EncryptToText(plain, "notifications." + std::string(what) + ":" + std::string(owner));
}
std::string Open(const State& s, std::string_view what, std::string_view owner, std::string_view sealed) {
  return s.keyring->get()->DecryptText(sealed, "notifications." + std::string(what) + ":" + std::string(owner));
}

asio::awaitable<Prefs> LoadPrefs(StatePtr s, pg::Transaction* tx, std::string user_id, Deadline d) {
  pg::Result r;
  if (tx != nullptr) {
    r = co_await tx->Execute(store::kPrefsGet, user_id);
  } else {
    r = co_await s->db->Execute(d, store::kPrefsGet, user_id);
  }
  Prefs p;
  if (r.empty()) co_return p;
  const pg::Row row = r.front();
  p.lang = row.Get<std::optional<std::string>>("lang");
  p.sms = row.Get<bool>("sms");
  p.push = row.Get<bool>("push");
  p.email = row.Get<bool>("email");
  p.in_app = row.Get<bool>("in_app");
  if (std::optional<std::string> e = row.Get<std::optional<std::string>>("email_enc"))
    p.email_address = Open(*s, "email", user_id, *e);
  p.quiet_start = row.Get<std::optional<int>>("quiet_start");
  p.quiet_end = row.Get<std::optional<int>>("quiet_end");
  co_return p;
}

asio::awaitable<std::optional<Contact>> ContactOf(StatePtr s, std::string user_id, Deadline d) {
  if (s->auth == nullptr) throw Unavailable("the auth service is not reachable from this process");
  http::ClientRequest req =
      http::ServiceRequest(http::Method::kGet, "/internal/v1/accounts/" + user_id, s->service_token, {}, d);
  http::ClientResponse res = co_await s->auth->Call(std::move(req));
  if (res.status == 404) co_return std::nullopt;
  json::object o = http::ServiceAnswer(res, "notifications_auth", "the accounts service", "contact", {});
  Contact c;
  if (const json::value* p = o.if_contains("phone"); p && p->is_string()) c.phone = p->get_string();
  if (const json::value* l = o.if_contains("lang"); l && l->is_string()) c.lang = l->get_string();
  if (c.lang != "en") c.lang = "fr";
  co_return c;
}

namespace {

std::string Me(const http::Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  return req.principal()->subject;
}

std::string HhMm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

json::object PrefsJson(const Prefs& p) {
  json::object o;
  o["lang"] = p.lang ? json::value(*p.lang) : json::value(nullptr);
  json::object ch;
  ch["sms"] = p.sms;
  ch["push"] = p.push;
  ch["email"] = p.email;
  ch["in_app"] = p.in_app;
  o["channels"] = std::move(ch);
  o["email"] = p.email_address ? json::value(*p.email_address) : json::value(nullptr);
  if (p.quiet_start && p.quiet_end) {
    json::object q;
    q["start"] = HhMm(*p.quiet_start);
    q["end"] = HhMm(*p.quiet_end);
    q["time_zone"] = "Africa/Douala";
    o["quiet_hours"] = std::move(q);
  } else {
    o["quiet_hours"] = nullptr;
  }
  return o;
}

asio::awaitable<http::Response> GetPrefs(StatePtr s, http::Request& req) {
  std::string me = Me(req);
  Prefs p = co_await LoadPrefs(s, nullptr, me, req.deadline());
  co_return JsonAnswer(PrefsJson(p));
}

// "HH:MM" → minutes after midnight; nullopt (and a field error) when malformed.
std::optional<int> Minutes(JsonReader& r, std::string_view field, const std::string& v) {
  if (v.size() == 5 && v[2] == ':' && std::isdigit(static_cast<unsigned char>(v[0])) &&
      std::isdigit(static_cast<unsigned char>(v[1])) && std::isdigit(static_cast<unsigned char>(v[3])) &&
      std::isdigit(static_cast<unsigned char>(v[4]))) {
    int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
    if (h < 24 && m < 60) return h * 60 + m;
  }
  r.Fail(field, "INVALID_FORMAT", "a time of day, HH:MM (Cameroon time)");
  return std::nullopt;
}

bool LooksLikeEmail(const std::string& e) {
  std::size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('@', at + 1) != std::string::npos)
    return false;
  if (e.find('.', at) == std::string::npos) return false;
  for (char c : e)
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return true;
}

asio::awaitable<http::Response> PutPrefs(StatePtr s, http::Request& req) {
  std::string me = Me(req);
  Prefs current = co_await LoadPrefs(s, nullptr, me, req.deadline());
  JsonReader r(req.body());
  Prefs p = current;
  if (r.Has("lang")) p.lang = r.Enum("lang", {"fr", "en"});
  if (r.Has("channels")) {
    JsonReader ch = r.Object("channels");
    if (ch.Has("sms")) p.sms = ch.Bool("sms");
    if (ch.Has("push")) p.push = ch.Bool("push");
    if (ch.Has("email")) p.email = ch.Bool("email");
    if (ch.Has("in_app")) p.in_app = ch.Bool("in_app");
    ch.RejectUnknownFields();
  }
  if (r.Has("email")) {
    std::optional<std::string> e = r.OptionalString("email", StringRule{3, 254});
    if (e && !LooksLikeEmail(*e)) r.Fail("email", "INVALID_FORMAT", "an e-mail address");
    p.email_address = e;
  }
  if (r.Has("quiet_hours")) {
    JsonReader q = r.Object("quiet_hours");
    std::string start = q.String("start", StringRule{5, 5});
    std::string end = q.String("end", StringRule{5, 5});
    q.RejectUnknownFields();
    p.quiet_start = Minutes(r, "quiet_hours.start", start);
    p.quiet_end = Minutes(r, "quiet_hours.end", end);
  }
  r.RejectUnknownFields();
  r.Finish();
  std::optional<std::string> email_enc;
  if (p.email_address) email_enc = Seal(*s, "email", me, *p.email_address);
  co_await s->db->Execute(req.deadline(), store::kPrefsPut, me, p.lang, p.sms, p.push, p.email, p.in_app, email_enc,
                          p.quiet_start, p.quiet_end);
  co_return JsonAnswer(PrefsJson(p));
}

bool LoopbackHttp(const std::string& endpoint) {
  return endpoint.rfind("http://127.0.0.1:", 0) == 0 || endpoint.rfind("http://localhost:", 0) == 0;
}

asio::awaitable<http::Response> Subscribe(StatePtr s, http::Request& req) {
  std::string me = Me(req);
  JsonReader r(req.body());
  std::string endpoint = r.String("endpoint", StringRule{10, 2048});
  JsonReader keys = r.Object("keys");
  std::string p256dh = keys.String("p256dh", StringRule{80, 100});
  std::string auth = keys.String("auth", StringRule{16, 30});
  keys.RejectUnknownFields();
  r.OptionalString("expirationTime", StringRule{0, 40});
  r.RejectUnknownFields();
  // Push services are public https endpoints; plain http only to this machine (the development sandbox).
  if (!endpoint.empty() && endpoint.rfind("https://", 0) != 0 && !LoopbackHttp(endpoint))
    r.Fail("endpoint", "INVALID_FORMAT", "an https:// push service URL");
  r.Finish();
  // The keys must make a valid RFC 8291 subscription (a point on P-256 and a 16-byte secret).
  webpush::Subscription sub{endpoint, p256dh, auth};
  webpush::Encrypt("probe", sub);
  std::string id = crypto::UuidV7();
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kPushSubscribe, id, me,
                                           s->blind->Compute(endpoint, "push_endpoint"),
                                           Seal(*s, "push_endpoint", me, endpoint), p256dh, auth);
  json::object o;
  o["id"] = row.front().Get<std::string>("id");
  co_return JsonAnswer(o, 201);
}

asio::awaitable<http::Response> Unsubscribe(StatePtr s, http::Request& req) {
  std::string me = Me(req);
  std::string id(req.path_param("id"));
  if (!paging::IsUuid(id)) throw NotFound("no such subscription");
  std::optional<std::string> owner = me;
  pg::Result done = co_await s->db->Execute(req.deadline(), store::kPushDelete, id, owner);
  if (done.affected() == 0) throw NotFound("no such subscription");
  co_return http::Response::NoContent();
}

asio::awaitable<http::Response> PushKey(StatePtr s, http::Request&) {
  json::object o;
  o["vapid_public_key"] = s->vapid_public_key;
  co_return JsonAnswer(o);
}

asio::awaitable<http::Response> List(StatePtr s, http::Request& req) {
  std::string me = Me(req);
  std::optional<std::string> channel = req.query_param("channel");
  if (channel && *channel != "sms" && *channel != "push" && *channel != "email" && *channel != "in_app") {
    Error e(ErrorCode::kValidationFailed);
    e.WithField({"channel", "NOT_ALLOWED", "sms, push, email or in_app"});
    throw e;
  }
  std::optional<std::string> before = req.query_param("before");
  if (before && !paging::IsUuid(*before)) before.reset();
  int limit = 50;
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kMessagesOf, me, channel, before, limit);
  json::array items;
  for (const pg::Row& r : rows) {
    json::object m;
    m["id"] = r.Get<std::string>("id");
    m["channel"] = r.Get<std::string>("channel");
    m["template"] = r.Get<std::string>("template");
    m["lang"] = r.Get<std::string>("lang");
    m["status"] = r.Get<std::string>("status");
    m["attempts"] = r.Get<int>("attempts");
    std::optional<std::string> err = r.Get<std::optional<std::string>>("error");
    m["error"] = err ? json::value(*err) : json::value(nullptr);
    json::value params = json::parse(r.Get<std::string>("params"));
    if (params.is_object()) {
      if (const json::value* o = params.get_object().if_contains("order_id")) m["order_id"] = *o;
    }
    m["created_at"] = r.Get<std::string>("created_at");
    std::optional<std::string> sent = r.Get<std::optional<std::string>>("sent_at");
    m["sent_at"] = sent ? json::value(*sent) : json::value(nullptr);
    items.push_back(std::move(m));
  }
  json::object o;
  o["items"] = std::move(items);
  co_return JsonAnswer(o);
}

// The SMS gateway's delivery report (public: the gateway calls it; the URL's token proves it is the one we gave).
asio::awaitable<http::Response> SmsReport(StatePtr s, http::Request& req) {
  std::optional<std::string> token = req.query_param("token");
  if (!token || !crypto::ConstantTimeEquals(*token, s->report_token)) throw NotFound("no such report address");
  JsonReader r(req.body());
  std::string id = r.String("id", StringRule{1, 100});
  std::string status = r.Enum("status", {"delivered", "failed"});
  r.OptionalString("to", StringRule{0, 20});
  r.RejectUnknownFields();
  r.Finish();
  // The gateway may report before our sender has recorded its answer (the id): look again for a moment.
  for (int attempt = 0; attempt < 10; ++attempt) {
    pg::Result done = co_await s->db->Execute(req.deadline(), store::kDelivered, id, status);
    if (!done.empty() || Clock::now() + std::chrono::milliseconds(300) > req.deadline()) break;
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(100));
    co_await t.async_wait(boost::asio::use_awaitable);
  }
  co_return http::Response::NoContent();
}

}  // namespace

namespace api {

void AddRoutes(http::Router& router, StatePtr s) {
  using M = http::Method;
  router.Add(M::kGet, "/v1/notifications/preferences",
             http::AsyncHandler([s](http::Request& r) { return GetPrefs(s, r); }));
  router.Add(M::kPut, "/v1/notifications/preferences",
             http::AsyncHandler([s](http::Request& r) { return PutPrefs(s, r); }));
  router.Add(M::kPost, "/v1/notifications/push-subscriptions",
             http::AsyncHandler([s](http::Request& r) { return Subscribe(s, r); }));
  router.Add(M::kDelete, "/v1/notifications/push-subscriptions/{id}",
             http::AsyncHandler([s](http::Request& r) { return Unsubscribe(s, r); }));
  router.Add(M::kGet, "/v1/notifications/push-key",
             http::AsyncHandler([s](http::Request& r) { return PushKey(s, r); }));
  router.Add(M::kGet, "/v1/notifications", http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  router.Add(M::kPost, "/v1/notifications/sms-reports",
             http::AsyncHandler([s](http::Request& r) { return SmsReport(s, r); }));
}

}  // namespace api

}  // namespace okada::notifications
