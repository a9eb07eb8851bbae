// The HTTP adapter for aggregator-shaped SMS gateways (protocol in sms.hpp).
//
// One http::Client and one circuit breaker per I/O shard of the IoPool (house style, ADR 0002: shard-local, no
// locks); a call made from a thread that is not one of the pool's hops to shard 0 and comes back. Every failure
// becomes okada::Error(kSmsUnavailable) whose detail names what went wrong (host:port, HTTP status, the gateway's
// error code) and never the phone number or the text: those travel in the request body only, and neither the
// details nor the logs written here ever contain a body.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <optional>
#include <utility>

#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/providers/sms.hpp"

namespace okada::sms {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// Why a send failed, and whether it tells against the gateway (counts as a breaker failure) or against our
// request (the gateway is up and answered: a 400 must not open the breaker for everyone else).
struct Failure {
  std::string reason;  ///< metrics label: unreachable, timeout, refused, gateway_error, bad_answer
  std::string detail;  ///< for the Error; never personal data
  bool upstream = true;
};

std::string Trim(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

std::string MessagesUrl(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v1/messages";
}

std::string RequestBody(const HttpGatewayOptions& options, const Message& message) {
  json::object body;
  body["from"] = options.sender;
  json::array to;
  to.emplace_back(message.to);
  body["to"] = std::move(to);
  body["text"] = message.text;
  if (!options.callback_url.empty()) body["callback_url"] = options.callback_url;
  return json::serialize(body);
}

// The gateway's machine error code ("unauthorized", "invalid_request"), when it looks like one. Its free-text
// "message" is never used: a gateway may quote the request back (numbers, text).
std::string GatewayErrorCode(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const json::value* e = v.as_object().if_contains("error");
  if (e == nullptr || !e->is_string()) return {};
  std::string_view code = e->as_string();
  if (code.empty() || code.size() > 40) return {};
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return {};
  return std::string(code);
}

// Reads a 2xx answer: {"id":"msg_...","parts":N,...}. nullopt when it is not of that shape.
std::optional<SendResult> ParseAccepted(const std::string& body, int default_parts) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  const json::value* id = o.if_contains("id");
  if (id == nullptr || !id->is_string() || id->as_string().empty() || id->as_string().size() > 200) return std::nullopt;
  SendResult r;
  r.id = std::string(id->as_string());
  r.parts = default_parts;
  if (const json::value* parts = o.if_contains("parts"); parts != nullptr && parts->is_int64()) {
    std::int64_t p = parts->as_int64();
    if (p >= 1 && p <= 1000) r.parts = static_cast<int>(p);
  }
  return r;
}

// What an answer means. 401/403 (our key is wrong) and 429 (throttled) tell against the link to the gateway as
// a whole, like 5xx; other 4xx concern one request.
std::optional<Failure> Classify(const http::ClientResponse& res, int default_parts, SendResult& out) {
  if (res.status >= 200 && res.status < 300) {
    auto accepted = ParseAccepted(res.body, default_parts);
    if (!accepted)
      return Failure{"bad_answer", "unparsable answer from the SMS gateway (HTTP " + std::to_string(res.status) + ")"};
    out = std::move(*accepted);
    return std::nullopt;
  }
  std::string detail = "SMS gateway answered HTTP " + std::to_string(res.status);
  if (std::string code = GatewayErrorCode(res.body); !code.empty()) detail += " (" + code + ")";
  if (res.status >= 500) return Failure{"gateway_error", detail};
  bool link = res.status == 401 || res.status == 403 || res.status == 429;
  return Failure{"refused", detail, link};
}

class HttpGateway final : public Gateway {
 public:
  HttpGateway(IoPool& io, HttpGatewayOptions options, Metrics* metrics)
      : io_(io), options_(std::move(options)), url_(MessagesUrl(options_.base_url)) {
    options_.api_key = Trim(std::move(options_.api_key));
    for (std::size_t i = 0; i < io_.size(); ++i) {
      Shard s;
      s.client = std::make_unique<http::Client>(io_.context(i));
      s.breaker = std::make_unique<resilience::CircuitBreaker>("sms", resilience::BreakerOptions{}, metrics);
      shards_.push_back(std::move(s));
    }
    if (metrics != nullptr) {
      sent_ = &metrics->GetCounter("okada_sms_sent_total", "SMS accepted by the gateway");
      parts_ = &metrics->GetCounter("okada_sms_parts_total", "SMS parts accepted by the gateway (what is billed)");
      latency_ = &metrics->GetHistogram("okada_sms_send_duration_seconds", "Time to hand one SMS to the gateway");
      const char* help = "SMS sends that failed (SMS_UNAVAILABLE), by reason";
      for (const char* reason : {"unreachable", "timeout", "refused", "gateway_error", "bad_answer", "breaker_open"})
        failures_.emplace_back(reason, &metrics->GetCounter("okada_sms_failures_total", help, {{"reason", reason}}));
    }
  }

  asio::awaitable<SendResult> Send(Message message, Deadline deadline) override {
    // Evaluated inside the coroutine, i.e. on the thread that runs it.
    int s = IoPool::CurrentShard();
    if (s >= 0 && static_cast<std::size_t>(s) < io_.size() &&
        io_.context(static_cast<std::size_t>(s)).get_executor().running_in_this_thread()) {
      co_return co_await SendOn(static_cast<std::size_t>(s), std::move(message), deadline);
    }
    // Not one of our shards: the client and breaker of shard 0 may only be used on shard 0's thread.
    co_return co_await asio::co_spawn(io_.context(0), SendOn(0, std::move(message), deadline), asio::use_awaitable);
  }

 private:
  struct Shard {
    std::unique_ptr<http::Client> client;
    std::unique_ptr<resilience::CircuitBreaker> breaker;
  };

  void CountFailure(std::string_view reason) {
    for (auto& [name, counter] : failures_)
      if (name == reason) counter->Add();
  }

  asio::awaitable<SendResult> SendOn(std::size_t shard, Message message, Deadline deadline) {
    Shard& sh = shards_[shard];
    auto start = Clock::now();
    deadline = std::min(deadline, start + options_.timeout);
    if (start >= deadline) {
      // The caller's budget was spent before we began: says nothing about the gateway.
      CountFailure("timeout");
      throw Error(ErrorCode::kSmsUnavailable, "deadline passed before the SMS could be sent");
    }
    if (!sh.breaker->Allow()) {
      CountFailure("breaker_open");
      throw sh.breaker->OpenError(ErrorCode::kSmsUnavailable);
    }

    int default_parts = Measure(message.text).parts;
    http::ClientRequest request;
    request.method = http::Method::kPost;
    request.url = url_;
    request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json");
    request.body = RequestBody(options_, message);
    request.deadline = deadline;

    std::optional<Failure> failure;
    http::ClientResponse response;
    try {
      response = co_await sh.client->Send(std::move(request));
    } catch (const Error& e) {
      // The client's details name host:port and the step (connecting, reading...), never the body.
      bool timeout = e.code() == ErrorCode::kDeadlineExceeded;
      failure = Failure{timeout ? "timeout" : "unreachable", "SMS gateway unreachable: " + e.detail()};
    } catch (const std::exception&) {
      failure = Failure{"unreachable", "SMS gateway call failed"};
    }

    SendResult result;
    if (!failure) failure = Classify(response, default_parts, result);
    if (latency_ != nullptr) latency_->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (failure) {
      if (failure->upstream)
        sh.breaker->RecordFailure();
      else
        sh.breaker->RecordSuccess();
      CountFailure(failure->reason);
      log::Warn("sms.send_failed", {{"reason", failure->reason}, {"detail", failure->detail}});
      throw Error(ErrorCode::kSmsUnavailable, failure->detail);
    }
    sh.breaker->RecordSuccess();
    if (sent_ != nullptr) sent_->Add();
    if (parts_ != nullptr) parts_->Add(static_cast<std::uint64_t>(result.parts));
    co_return result;
  }

  IoPool& io_;
  HttpGatewayOptions options_;
  std::string url_;
  std::vector<Shard> shards_;
  Counter* sent_ = nullptr;
  Counter* parts_ = nullptr;
  Histogram* latency_ = nullptr;
  std::vector<std::pair<std::string, Counter*>> failures_;
};

}  // namespace

std::unique_ptr<Gateway> MakeHttpGateway(IoPool& io, HttpGatewayOptions options, Metrics* metrics) {
  return std::make_unique<HttpGateway>(io, std::move(options), metrics);
}

std::string LoadApiKey(const std::string& configured, const std::filesystem::path& state_dir) {
  std::filesystem::path file =
      configured.empty() ? state_dir / "keys" / "sms-api.key" : std::filesystem::path(configured);
  crypto::EnsurePrivateDirectory(file.parent_path());
  crypto::CreateSecretFile(file, crypto::RandomToken() + "\n");
  std::string key = crypto::ReadSecretFile(file);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

}  // namespace okada::sms
