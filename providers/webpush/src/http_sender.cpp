// The HTTP sender: RFC 8030 §5 message delivery with RFC 8291 encryption and RFC 8292 VAPID (protocol in
// webpush.hpp).
//
// One http::Client per I/O shard of the IoPool and, per shard, one circuit breaker per push-service origin
// (house style, ADR 0002: shard-local, no locks): FCM being down must not stop messages to Mozilla's service.
// A call made from a thread that is not one of the pool's hops to shard 0 and comes back.
//
// Every failure becomes okada::Error(kPushUnavailable) whose detail names the push service's origin, the step and
// the HTTP status, never the endpoint (a capability URL: its path identifies the browser and lets anyone push to
// it), the keys or the payload. Answers that concern one subscription (404/410 gone, 400/413 refused) do not
// count against the push service in its breaker; 401/403 (our VAPID key or subject is refused), 429 and 5xx do.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <optional>
#include <utility>

#include "internal.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {
namespace {

namespace asio = boost::asio;

// Per shard, breakers are kept for at most this many push-service origins. Endpoints come from browsers (any
// origin an attacker likes), so the map is bounded: past the limit, closed breakers are forgotten.
constexpr std::size_t kMaxOrigins = 256;

struct Failure {
  std::string reason;  ///< metrics label: unreachable, timeout, throttled, service_error, refused
  std::string detail;  ///< for the Error; never personal data
  bool upstream = true;
  std::optional<std::chrono::seconds> retry_after;
};

std::optional<std::chrono::seconds> RetryAfterSeconds(const std::string& value) {
  if (value.empty() || value.size() > 9) return std::nullopt;
  std::int64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;  // the HTTP-date form is not worth parsing here
    n = n * 10 + (c - '0');
  }
  return std::chrono::seconds(std::max<std::int64_t>(1, n));
}

class HttpSender final : public Sender {
 public:
  HttpSender(IoPool& io, SenderOptions options, Metrics* metrics)
      : io_(io), options_(std::move(options)), metrics_(metrics) {
    if (!options_.key.valid()) throw Error(ErrorCode::kInternal, "web push: a VAPID key is required");
    if (options_.vapid_lifetime <= std::chrono::seconds(60) || options_.vapid_lifetime > std::chrono::hours(24))
      throw Error(ErrorCode::kInternal, "web push: vapid_lifetime must be between 1 minute and 24 hours");
    // Validates the subject once, up front (a throw here beats one per message).
    VapidAuthorization(options_.key, "https://push.invalid", options_.subject, 0);
    shards_.resize(io_.size());
    for (std::size_t i = 0; i < io_.size(); ++i) shards_[i].client = std::make_unique<http::Client>(io_.context(i));
    if (metrics != nullptr) {
      sent_ = &metrics->GetCounter("okada_push_sent_total", "Web push messages accepted by push services");
      gone_ = &metrics->GetCounter("okada_push_gone_total",
                                   "Web push messages to subscriptions the push service says are gone (404/410)");
      latency_ = &metrics->GetHistogram("okada_push_send_duration_seconds", "Time to hand one web push message over");
      const char* help = "Web push sends that failed (PUSH_UNAVAILABLE), by reason";
      for (const char* reason : {"unreachable", "timeout", "throttled", "service_error", "refused", "breaker_open"})
        failures_.emplace_back(reason, &metrics->GetCounter("okada_push_failures_total", help, {{"reason", reason}}));
    }
  }

  asio::awaitable<SendResult> Send(Subscription subscription, std::string payload, MessageOptions options,
                                   Deadline deadline) override {
    // Evaluated inside the coroutine, i.e. on the thread that runs it.
    int s = IoPool::CurrentShard();
    if (s >= 0 && static_cast<std::size_t>(s) < io_.size() &&
        io_.context(static_cast<std::size_t>(s)).get_executor().running_in_this_thread()) {
      co_return co_await SendOn(static_cast<std::size_t>(s), std::move(subscription), std::move(payload),
                                std::move(options), deadline);
    }
    // Not one of our shards: the client and breakers of shard 0 may only be used on shard 0's thread.
    auto on_shard0 = SendOn(0, std::move(subscription), std::move(payload), std::move(options), deadline);
    co_return co_await asio::co_spawn(io_.context(0), std::move(on_shard0), asio::use_awaitable);
  }

 private:
  struct Shard {
    std::unique_ptr<http::Client> client;
    std::map<std::string, std::unique_ptr<resilience::CircuitBreaker>, std::less<>> breakers;  // by origin
  };

  void CountFailure(std::string_view reason) {
    for (auto& [name, counter] : failures_)
      if (name == reason) counter->Add();
  }

  resilience::CircuitBreaker& BreakerFor(Shard& sh, const std::string& origin) {
    auto it = sh.breakers.find(origin);
    if (it != sh.breakers.end()) return *it->second;
    if (sh.breakers.size() >= kMaxOrigins) {
      for (auto i = sh.breakers.begin(); i != sh.breakers.end();) {
        if (i->second->state() == resilience::BreakerState::kClosed)
          i = sh.breakers.erase(i);
        else
          ++i;
      }
    }
    auto breaker = std::make_unique<resilience::CircuitBreaker>("push", resilience::BreakerOptions{}, metrics_);
    return *sh.breakers.emplace(origin, std::move(breaker)).first->second;
  }

  // What an answer means; nullopt = accepted or gone (filled into `out`).
  static std::optional<Failure> Classify(const http::ClientResponse& res, const std::string& origin, SendResult& out) {
    out.status = res.status;
    if (res.status >= 200 && res.status < 300) {
      out.location = res.header("Location");
      if (out.location.size() > 2048) out.location.clear();
      return std::nullopt;
    }
    if (res.status == 404 || res.status == 410) {
      out.gone = true;
      return std::nullopt;
    }
    std::string status = std::to_string(res.status);
    if (res.status == 429) {
      Failure f{"throttled", "push service " + origin + " throttled us (HTTP 429)"};
      f.retry_after = RetryAfterSeconds(res.header("Retry-After"));
      return f;
    }
    if (res.status >= 500) return Failure{"service_error", "push service " + origin + " answered HTTP " + status};
    // 401/403: the push service refuses our VAPID identity, which concerns every message to it.
    bool ours = res.status == 401 || res.status == 403;
    return Failure{"refused", "push service refused: " + status + " (" + origin + ")", ours};
  }

  asio::awaitable<SendResult> SendOn(std::size_t shard, Subscription subscription, std::string payload,
                                     MessageOptions options, Deadline deadline) {
    Shard& sh = shards_[shard];
    auto start = Clock::now();
    deadline = std::min(deadline, start + options_.timeout);

    // Problems of the message itself surface before any I/O and say nothing about the push service.
    if (!internal::IsUrgency(options.urgency))
      throw Error(ErrorCode::kInternal, "web push: urgency must be very-low, low, normal or high");
    if (!options.topic.empty() && !internal::IsTopic(options.topic))
      throw Error(ErrorCode::kInternal, "web push: topic must be 1 to 32 base64url characters");
    if (options.ttl.count() < 0) throw Error(ErrorCode::kInternal, "web push: ttl must not be negative");
    std::string origin = Audience(subscription.endpoint);
    std::string body = Encrypt(payload, subscription);
    crypto::Wipe(payload);

    if (start >= deadline) {
      // The caller's budget was spent before we began: says nothing about the push service.
      CountFailure("timeout");
      throw Error(ErrorCode::kPushUnavailable, "deadline passed before the push message could be sent");
    }
    resilience::CircuitBreaker& breaker = BreakerFor(sh, origin);
    if (!breaker.Allow()) {
      CountFailure("breaker_open");
      Error open = breaker.OpenError(ErrorCode::kPushUnavailable);
      Error error(open.code(), "push service " + origin + ": " + open.detail());
      for (const auto& [name, value] : open.headers()) error.WithHeader(name, value);
      throw error;
    }

    std::int64_t exp = UnixMillisNow() / 1000 + options_.vapid_lifetime.count();
    http::ClientRequest request;
    request.method = http::Method::kPost;
    request.url = std::move(subscription.endpoint);
    request.headers.emplace_back("TTL", std::to_string(options.ttl.count()));
    request.headers.emplace_back("Urgency", options.urgency);
    if (!options.topic.empty()) request.headers.emplace_back("Topic", options.topic);
    request.headers.emplace_back("Content-Encoding", "aes128gcm");
    request.headers.emplace_back("Content-Type", "application/octet-stream");
    request.headers.emplace_back("Authorization", VapidAuthorization(options_.key, origin, options_.subject, exp));
    request.body = std::move(body);
    request.deadline = deadline;

    std::optional<Failure> failure;
    http::ClientResponse response;
    try {
      response = co_await sh.client->Send(std::move(request));
    } catch (const Error& e) {
      // The client's details name host:port and the step (connecting, reading...), never the path or body.
      bool timeout = e.code() == ErrorCode::kDeadlineExceeded;
      failure = Failure{timeout ? "timeout" : "unreachable", "push service unreachable: " + e.detail()};
    } catch (const std::exception&) {
      failure = Failure{"unreachable", "push service " + origin + " call failed"};
    }

    SendResult result;
    if (!failure) failure = Classify(response, origin, result);
    if (latency_ != nullptr) latency_->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (failure) {
      if (failure->upstream)
        breaker.RecordFailure();
      else
        breaker.RecordSuccess();
      CountFailure(failure->reason);
      log::Warn("push.send_failed", {{"reason", failure->reason}, {"detail", failure->detail}});
      Error error(ErrorCode::kPushUnavailable, failure->detail);
      if (failure->retry_after) error.WithRetryAfter(*failure->retry_after);
      throw error;
    }
    breaker.RecordSuccess();
    if (result.gone) {
      if (gone_ != nullptr) gone_->Add();
    } else if (sent_ != nullptr) {
      sent_->Add();
    }
    co_return result;
  }

  IoPool& io_;
  SenderOptions options_;
  Metrics* metrics_;
  std::vector<Shard> shards_;
  Counter* sent_ = nullptr;
  Counter* gone_ = nullptr;
  Histogram* latency_ = nullptr;
  std::vector<std::pair<std::string, Counter*>> failures_;
};

}  // namespace

std::unique_ptr<Sender> MakeHttpSender(IoPool& io, SenderOptions options, Metrics* metrics) {
  return std::make_unique<HttpSender>(io, std::move(options), metrics);
}

}  // namespace okada::webpush
