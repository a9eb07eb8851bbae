// The local SMS gateway (`okada sandbox sms`, and in-process in tests): the aggregator protocol of sms.hpp on
// its own one-thread IoPool, messages kept in memory (the last kMaxMessages), failures on demand.
//
// Routes (every one but /healthz needs `Authorization: Bearer <api key>`, else 401 {"error":"unauthorized"}):
//   POST   /v1/messages        send: 201 {"id","status":"queued","parts","encoding"}; 400 invalid_request;
//                              503 unavailable while a FailNext count is pending. A callback_url gets a delivery
//                              report per recipient, POSTed asynchronously (best effort).
//   GET    /v1/messages?to=..  {"items":[{id,from,to,text,parts,encoding,received_at}]}, oldest first
//   DELETE /v1/messages        forgets every message
//   POST   /v1/sandbox/fail    {"count":N}: the next N sends answer 503
//   GET    /healthz            {"status":"ok"}
// Personal data: the server's access log prints the path only (no query string, no body), and nothing here logs
// numbers or texts. Validation messages name the field, never its value.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>

#include "okada/core/crypto/random.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/sms.hpp"

namespace okada::sms {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

constexpr std::size_t kMaxMessages = 10000;
constexpr std::size_t kMaxRecipients = 100;
constexpr std::size_t kMaxSenderChars = 11;
constexpr std::size_t kMaxTextChars = 1600;
constexpr std::size_t kMaxUrlBytes = 2048;

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// "+" then 8 to 15 digits.
bool IsE164(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+') return false;
  for (char c : s.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

std::string ErrorJson(std::string_view error, std::string_view message = {}) {
  json::object o;
  o["error"] = error;
  if (!message.empty()) o["message"] = message;
  return json::serialize(o);
}

Response Invalid(std::string_view message) { return Response::Json(ErrorJson("invalid_request", message), 400); }

// One delivery report, best effort: a callback that is down or slow is simply not told.
asio::awaitable<void> Deliver(http::Client* client, std::string url, std::string body) {
  try {
    http::ClientRequest request;
    request.method = Method::kPost;
    request.url = std::move(url);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    request.deadline = Clock::now() + std::chrono::seconds(5);
    co_await client->Send(std::move(request));
  } catch (const std::exception&) {
    // Ignored by design (and not logged: the report names a phone number).
  }
}

}  // namespace

struct Sandbox::Impl {
  explicit Impl(Options o) : options(std::move(o)) {
    if (options.api_key.empty()) throw std::invalid_argument("sms sandbox: an API key is required");
    auto sync = [this](Response (Impl::*fn)(Request&)) {
      return http::SyncHandler([this, fn](Request& r) { return (this->*fn)(r); });
    };
    router.Add(Method::kPost, "/v1/messages", sync(&Impl::PostMessage));
    router.Add(Method::kGet, "/v1/messages", sync(&Impl::GetMessages));
    router.Add(Method::kDelete, "/v1/messages", sync(&Impl::DeleteMessages));
    router.Add(Method::kPost, "/v1/sandbox/fail", sync(&Impl::PostFail));
    http::RouteOptions quiet;
    quiet.quiet = true;
    router.Add(Method::kGet, "/healthz",
               http::SyncHandler([](Request&) { return Response::Json(R"({"status":"ok"})"); }), quiet);

    http::ServerOptions so;
    so.host = options.host;
    so.port = options.port;
    so.body_limit = 256 * 1024;
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
    server->BeginDrain();
    server->WaitDrained(std::chrono::seconds(2));
    io.Stop();
    // Members go in reverse order: client and server while the io_context still exists, the IoPool (and any
    // delivery report still pending in it) last.
  }

  bool Authorized(const Request& req) const {
    auto h = req.header("Authorization");
    if (!h || h->size() < 7 || !http::IEquals(h->substr(0, 7), "Bearer ")) return false;
    std::string_view token = h->substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return crypto::ConstantTimeEquals(token, options.api_key);
  }

  static Response Unauthorized() {
    Response r = Response::Json(ErrorJson("unauthorized"), 401);
    r.Header("WWW-Authenticate", "Bearer");
    return r;
  }

  Response PostMessage(Request& req) {
    if (!Authorized(req)) return Unauthorized();
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    if (ec || !body.is_object()) return Invalid("the body must be a JSON object");
    const json::object& o = body.as_object();

    const json::value* from = o.if_contains("from");
    if (from == nullptr || !from->is_string()) return Invalid("from is required (a string)");
    std::size_t from_chars = CodePoints(from->as_string());
    if (from_chars < 1 || from_chars > kMaxSenderChars) return Invalid("from must have 1 to 11 characters");

    const json::value* to = o.if_contains("to");
    if (to == nullptr || !to->is_array()) return Invalid("to is required (an array of E.164 numbers)");
    const json::array& recipients = to->as_array();
    if (recipients.empty() || recipients.size() > kMaxRecipients) return Invalid("to must have 1 to 100 numbers");
    for (std::size_t i = 0; i < recipients.size(); ++i) {
      if (!recipients[i].is_string() || !IsE164(recipients[i].as_string()))
        return Invalid("to[" + std::to_string(i) + "] must be an E.164 number (+ then 8 to 15 digits)");
    }

    const json::value* text = o.if_contains("text");
    if (text == nullptr || !text->is_string()) return Invalid("text is required (a string)");
    std::size_t text_chars = CodePoints(text->as_string());
    if (text_chars < 1 || text_chars > kMaxTextChars) return Invalid("text must have 1 to 1600 characters");

    std::string callback;
    if (const json::value* cb = o.if_contains("callback_url"); cb != nullptr && !cb->is_null()) {
      if (!cb->is_string()) return Invalid("callback_url must be a string");
      callback = std::string(cb->as_string());
      if (callback.size() > kMaxUrlBytes || callback.rfind("http://", 0) != 0)
        return Invalid("callback_url must be an http:// URL");
    }

    Encoding enc = Measure(text->as_string());
    std::string encoding = enc.gsm7 ? "GSM-7" : "UCS-2";
    std::string id;
    {
      std::lock_guard lock(mu);
      if (fail_next > 0) {
        --fail_next;
        return Response::Json(ErrorJson("unavailable", "sandbox failure requested"), 503);
      }
      id = "msg_" + crypto::UuidV7();
      std::int64_t now = UnixMillisNow();
      for (const auto& r : recipients) {
        Stored s;
        s.id = id;
        s.from = std::string(from->as_string());
        s.to = std::string(r.as_string());
        s.text = std::string(text->as_string());
        s.parts = enc.parts;
        s.encoding = encoding;
        s.received_ms = now;
        messages.push_back(std::move(s));
      }
      while (messages.size() > kMaxMessages) messages.pop_front();
    }

    if (!callback.empty()) {
      // Handlers run on the sandbox's one I/O thread, which owns `client`.
      for (const auto& r : recipients) {
        json::object report;
        report["id"] = id;
        report["status"] = "delivered";
        report["to"] = r.as_string();
        asio::co_spawn(io.context(0), Deliver(client.get(), callback, json::serialize(report)), asio::detached);
      }
    }

    json::object answer;
    answer["id"] = id;
    answer["status"] = "queued";
    answer["parts"] = enc.parts;
    answer["encoding"] = encoding;
    return Response::Json(json::serialize(answer), 201);
  }

  Response GetMessages(Request& req) {
    if (!Authorized(req)) return Unauthorized();
    std::string to = http::QueryValueKeepingPlus(req.query(), "to");
    json::array items;
    for (const Stored& s : Snapshot(to)) {
      json::object item;
      item["id"] = s.id;
      item["from"] = s.from;
      item["to"] = s.to;
      item["text"] = s.text;
      item["parts"] = s.parts;
      item["encoding"] = s.encoding;
      item["received_at"] = Rfc3339Millis(s.received_ms);
      items.push_back(std::move(item));
    }
    json::object out;
    out["items"] = std::move(items);
    return Response::Json(json::serialize(out));
  }

  Response DeleteMessages(Request& req) {
    if (!Authorized(req)) return Unauthorized();
    std::size_t n = 0;
    {
      std::lock_guard lock(mu);
      n = messages.size();
      messages.clear();
    }
    return Response::Json(R"({"deleted":)" + std::to_string(n) + "}");
  }

  Response PostFail(Request& req) {
    if (!Authorized(req)) return Unauthorized();
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    const json::value* count = nullptr;
    if (!ec && body.is_object()) count = body.as_object().if_contains("count");
    if (count == nullptr || !count->is_int64() || count->as_int64() < 0 || count->as_int64() > 1000000)
      return Invalid("count must be an integer from 0 to 1000000");
    SetFailNext(static_cast<int>(count->as_int64()));
    return Response::Json(R"({"fail_next":)" + std::to_string(count->as_int64()) + "}");
  }

  std::vector<Stored> Snapshot(std::string_view to) const {
    std::lock_guard lock(mu);
    std::vector<Stored> out;
    for (const Stored& s : messages)
      if (to.empty() || s.to == to) out.push_back(s);
    return out;
  }

  void SetFailNext(int count) {
    std::lock_guard lock(mu);
    fail_next = count < 0 ? 0 : count;
  }

  Options options;
  IoPool io{1};
  Metrics metrics;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;  ///< delivery reports; used on the sandbox's thread only

  mutable std::mutex mu;
  std::deque<Stored> messages;  ///< oldest first, at most kMaxMessages
  int fail_next = 0;
};

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Sandbox::~Sandbox() = default;

std::uint16_t Sandbox::port() const { return impl_->server->port(); }

std::vector<Sandbox::Stored> Sandbox::Messages(std::string_view to) const { return impl_->Snapshot(to); }

void Sandbox::FailNext(int count) { impl_->SetFailNext(count); }

}  // namespace okada::sms
