// The local push service (`okada sandbox push`, and in-process in tests): the RFC 8030 push protocol of
// webpush.hpp on its own one-thread IoPool. It also plays the browser: each subscription's P-256 key pair and
// auth secret are made and kept here, so what arrives is decrypted and checked end to end (VAPID, the
// aes128gcm coding, RFC 8291 keys), and tests read the plaintext back.
//
// Routes:
//   POST   /sandbox/subscriptions              {"applicationServerKey"?} → 201 {"id","endpoint","keys":{..}}
//   POST   /push/{id}                          a push message: 201 + Location; 401/403/400/413/410/503 (header)
//   GET    /sandbox/subscriptions/{id}/messages   {"items":[{id,text,ttl,urgency,topic,received_at}]}
//   DELETE /sandbox/subscriptions/{id}         204; later pushes answer 410
//   POST   /sandbox/fail                       {"count":N}: the next N pushes answer 503
//   GET    /healthz                            {"status":"ok"}
// Checks on a push, in order: pending failure (503), known subscription (410), VAPID (401; 403 when the
// subscription is restricted to another applicationServerKey), size (413), Content-Encoding and TTL, Urgency and
// Topic (400), decryption (400).
// Personal data: nothing here logs message texts; error answers name the check that failed, never the content.

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>

#include "internal.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {
namespace {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

constexpr std::size_t kMaxMessagesPerSubscription = 1000;
constexpr std::size_t kMaxSubscriptions = 10000;
constexpr std::size_t kMaxPushBody = 4096;  // RFC 8030 §7.2: what a push service must accept

std::string ErrorJson(std::string_view error, std::string_view message = {}) {
  json::object o;
  o["error"] = error;
  if (!message.empty()) o["message"] = message;
  return json::serialize(o);
}

Response Fail(int status, std::string_view error, std::string_view message = {}) {
  return Response::Json(ErrorJson(error, message), status);
}

bool IsWildcard(std::string_view host) { return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]"; }

std::optional<std::int64_t> ParseTtl(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

struct Sub {
  std::string ua_private;  // raw 32 bytes
  std::string ua_public;   // raw 65 bytes
  std::string auth;        // raw 16 bytes
  std::string server_key;  // raw 65 bytes, or empty when unrestricted
  std::deque<Sandbox::Stored> messages;
  ~Sub() {
    crypto::Wipe(ua_private);
    crypto::Wipe(auth);
  }
};

}  // namespace

struct Sandbox::Impl {
  explicit Impl(Options o) : options(std::move(o)) {
    auto sync = [this](Response (Impl::*fn)(Request&)) {
      return http::SyncHandler([this, fn](Request& r) { return (this->*fn)(r); });
    };
    router.Add(Method::kPost, "/sandbox/subscriptions", sync(&Impl::PostSubscription));
    router.Add(Method::kGet, "/sandbox/subscriptions/{id}/messages", sync(&Impl::GetMessages));
    router.Add(Method::kDelete, "/sandbox/subscriptions/{id}", sync(&Impl::DeleteSubscription));
    router.Add(Method::kPost, "/sandbox/fail", sync(&Impl::PostFail));
    router.Add(Method::kPost, "/push/{id}", sync(&Impl::PostPush));
    http::RouteOptions quiet;
    quiet.quiet = true;
    router.Add(Method::kGet, "/healthz",
               http::SyncHandler([](Request&) { return Response::Json(R"({"status":"ok"})"); }), quiet);

    http::ServerOptions so;
    so.host = options.host;
    so.port = options.port;
    so.body_limit = 64 * 1024;  // larger pushes get our own 413 rather than the server's
    server = std::make_unique<http::Server>(so, router, metrics, io);
    io.Start();
    try {
      server->Start();
      std::string base = options.public_base_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      if (base.empty()) {
        std::string host = IsWildcard(options.host) ? "127.0.0.1" : options.host;
        if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
        base = "http://" + host + ":" + std::to_string(server->port());
      }
      audience = Audience(base + "/");  // throws for a public_base_url that is not http(s)://host[:port]
      base_url = std::move(base);
    } catch (...) {
      io.Stop();
      throw;
    }
  }

  ~Impl() {
    server->BeginDrain();
    server->WaitDrained(std::chrono::seconds(2));
    io.Stop();
  }

  // --- subscriptions ---

  // Throws okada::Error(kUnavailable) when full; kPushSubscriptionInvalid for a bad applicationServerKey.
  NewSubscription Create(std::string_view application_server_key) {
    auto sub = std::make_unique<Sub>();
    if (!application_server_key.empty()) {
      sub->server_key = internal::DecodeLenient(application_server_key).value_or(std::string());
      const std::string& k = sub->server_key;
      if (k.size() != kPublicKeyBytes || static_cast<unsigned char>(k[0]) != 0x04)
        throw Error(ErrorCode::kPushSubscriptionInvalid, "applicationServerKey must be a 65-byte P-256 point");
    }
    KeyPair pair = GenerateKeyPair();
    sub->ua_private = std::move(pair.private_key);
    sub->ua_public = std::move(pair.public_key);
    sub->auth = crypto::RandomBytes(kAuthSecretBytes);
    NewSubscription out;
    out.id = crypto::RandomToken(16);
    out.subscription.endpoint = base_url + "/push/" + out.id;
    out.subscription.p256dh = crypto::Base64UrlEncode(sub->ua_public);
    out.subscription.auth = crypto::Base64UrlEncode(sub->auth);
    std::lock_guard lock(mu);
    if (subs.size() >= kMaxSubscriptions)
      throw Error(ErrorCode::kUnavailable, "push sandbox holds 10000 subscriptions already");
    subs.emplace(out.id, std::move(sub));
    return out;
  }

  bool Remove(std::string_view id) {
    std::lock_guard lock(mu);
    auto it = subs.find(id);
    if (it == subs.end()) return false;
    subs.erase(it);
    return true;
  }

  std::optional<std::vector<Stored>> Snapshot(std::string_view id) const {
    std::lock_guard lock(mu);
    auto it = subs.find(id);
    if (it == subs.end()) return std::nullopt;
    return std::vector<Stored>(it->second->messages.begin(), it->second->messages.end());
  }

  void SetFailNext(int count) {
    std::lock_guard lock(mu);
    fail_next = count < 0 ? 0 : count;
  }

  // --- handlers ---

  Response PostSubscription(Request& req) {
    std::string key;
    if (!req.body().empty()) {
      boost::system::error_code ec;
      json::value body = json::parse(req.body(), ec);
      if (ec || !body.is_object()) return Fail(400, "invalid_request", "the body must be a JSON object");
      if (const json::value* k = body.as_object().if_contains("applicationServerKey"); k != nullptr && !k->is_null()) {
        if (!k->is_string()) return Fail(400, "invalid_request", "applicationServerKey must be a string");
        key = std::string(k->as_string());
      }
    }
    NewSubscription created;
    try {
      created = Create(key);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kUnavailable) return Fail(503, "unavailable", e.detail());
      return Fail(400, "invalid_request", e.detail());
    }
    json::object keys;
    keys["p256dh"] = created.subscription.p256dh;
    keys["auth"] = created.subscription.auth;
    json::object out;
    out["id"] = created.id;
    out["endpoint"] = created.subscription.endpoint;
    out["keys"] = std::move(keys);
    return Response::Json(json::serialize(out), 201);
  }

  Response GetMessages(Request& req) {
    std::optional<std::vector<Stored>> messages = Snapshot(req.path_param("id"));
    if (!messages) return Fail(404, "not_found");
    json::array items;
    for (const Stored& s : *messages) {
      json::object item;
      item["id"] = s.id;
      item["text"] = s.text;
      item["ttl"] = s.ttl;
      item["urgency"] = s.urgency;
      if (!s.topic.empty()) item["topic"] = s.topic;
      item["received_at"] = Rfc3339Millis(s.received_ms);
      items.push_back(std::move(item));
    }
    json::object out;
    out["items"] = std::move(items);
    return Response::Json(json::serialize(out));
  }

  Response DeleteSubscription(Request& req) {
    if (!Remove(req.path_param("id"))) return Fail(404, "not_found");
    return Response::NoContent();
  }

  Response PostFail(Request& req) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    const json::value* count = nullptr;
    if (!ec && body.is_object()) count = body.as_object().if_contains("count");
    if (count == nullptr || !count->is_int64() || count->as_int64() < 0 || count->as_int64() > 1000000)
      return Fail(400, "invalid_request", "count must be an integer from 0 to 1000000");
    SetFailNext(static_cast<int>(count->as_int64()));
    return Response::Json(R"({"fail_next":)" + std::to_string(count->as_int64()) + "}");
  }

  Response PostPush(Request& req) {
    std::string id(req.path_param("id"));
    std::string ua_private, ua_public, auth, server_key;
    {
      std::lock_guard lock(mu);
      if (fail_next > 0) {
        --fail_next;
        return Fail(503, "unavailable", "sandbox failure requested");
      }
      auto it = subs.find(id);
      if (it == subs.end()) return Fail(410, "gone", "no such subscription");
      ua_private = it->second->ua_private;
      ua_public = it->second->ua_public;
      auth = it->second->auth;
      server_key = it->second->server_key;
    }
    struct Wiper {
      std::string& a;
      std::string& b;
      ~Wiper() {
        crypto::Wipe(a);
        crypto::Wipe(b);
      }
    } wipe{ua_private, auth};

    std::string why;
    std::optional<std::string_view> authorization = req.header("Authorization");
    if (!authorization || !VerifyVapid(*authorization, audience, UnixMillisNow() / 1000, &why)) {
      Response r = Fail(401, "unauthorized", authorization ? "VAPID: " + why : "VAPID authorization required");
      r.Header("WWW-Authenticate", "vapid");
      return r;
    }
    if (!server_key.empty()) {
      std::optional<std::string> k = internal::DecodeLenient(internal::ParseVapidHeader(*authorization)->key);
      if (!k || *k != server_key)
        return Fail(403, "forbidden", "the VAPID key is not the one this subscription was made with");
    }
    if (req.body().size() > kMaxPushBody) return Fail(413, "payload_too_large", "push bodies are at most 4096 bytes");
    std::optional<std::string_view> encoding = req.header("Content-Encoding");
    if (!encoding || !http::IEquals(*encoding, "aes128gcm"))
      return Fail(400, "invalid_request", "Content-Encoding must be aes128gcm");
    std::optional<std::string_view> ttl_header = req.header("TTL");
    std::optional<std::int64_t> ttl = ttl_header ? ParseTtl(*ttl_header) : std::nullopt;
    if (!ttl) return Fail(400, "invalid_request", "a TTL header (seconds) is required");
    std::string urgency = "normal";
    if (auto u = req.header("Urgency")) {
      if (!internal::IsUrgency(*u))
        return Fail(400, "invalid_request", "Urgency must be very-low, low, normal or high");
      urgency = std::string(*u);
    }
    std::string topic;
    if (auto t = req.header("Topic")) {
      if (!internal::IsTopic(*t)) return Fail(400, "invalid_request", "Topic must be 1 to 32 base64url characters");
      topic = std::string(*t);
    }

    Stored stored;
    try {
      stored.text = Decrypt(req.body(), ua_private, ua_public, auth);
    } catch (const Error& e) {
      return Fail(400, "invalid_request", "cannot decrypt: " + e.detail());
    }
    stored.id = crypto::UuidV7();
    stored.ttl = *ttl;
    stored.urgency = std::move(urgency);
    stored.topic = std::move(topic);
    stored.received_ms = UnixMillisNow();
    std::string location = base_url + "/sandbox/messages/" + stored.id;
    {
      std::lock_guard lock(mu);
      auto it = subs.find(id);
      if (it == subs.end()) return Fail(410, "gone", "no such subscription");  // deleted meanwhile
      auto& messages = it->second->messages;
      messages.push_back(std::move(stored));
      while (messages.size() > kMaxMessagesPerSubscription) messages.pop_front();
    }
    Response r = Response::NoContent();
    r.status = 201;
    r.Header("Location", location);
    return r;
  }

  Options options;
  IoPool io{1};
  Metrics metrics;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::string base_url;  ///< "http://127.0.0.1:<port>", no trailing slash
  std::string audience;  ///< the origin of base_url

  mutable std::mutex mu;
  std::map<std::string, std::unique_ptr<Sub>, std::less<>> subs;
  int fail_next = 0;
};

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Sandbox::~Sandbox() = default;

std::uint16_t Sandbox::port() const { return impl_->server->port(); }

std::string Sandbox::origin() const { return impl_->audience; }

Sandbox::NewSubscription Sandbox::Subscribe(std::string_view application_server_key) {
  return impl_->Create(application_server_key);
}

bool Sandbox::Unsubscribe(std::string_view id) { return impl_->Remove(id); }

std::vector<Sandbox::Stored> Sandbox::Messages(std::string_view id) const {
  return impl_->Snapshot(id).value_or(std::vector<Stored>{});
}

void Sandbox::FailNext(int count) { impl_->SetFailNext(count); }

}  // namespace okada::webpush
