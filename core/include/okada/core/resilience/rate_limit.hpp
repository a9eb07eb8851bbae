#pragma once
/// Rate limiting with GCRA (generic cell rate algorithm, as in redis-cell and Brandur's throttled).
///
/// A limit is `rate` requests per `period` with bursts of up to `burst` requests back to back. GCRA keeps one
/// number per key, the theoretical arrival time (TAT): each allowed request pushes it `period / rate` further;
/// a request is denied while TAT - now would exceed `burst · period / rate`.
///
///   LocalLimiter   in-memory, per shard, bounded (LRU over `max_keys` keys).
///   RedisLimiter   one atomic Lua call (EVALSHA) per decision, using Redis server TIME, so the clocks of the
///                  app instances do not matter; keys `rl:<class>:<hashed key>` expire once back to full budget.
///   Limiter        per-shard facade over classes (ARCHITECTURE.md §6): "sensitive" classes (sign-in, OTP,
///                  checkout, payment) use Redis and fall back to the local limiter while Redis is unavailable
///                  (logged once per outage, counted in okada_ratelimit_fallback_total); other classes use
///                  the local limiter only, with this instance's share of the global limit.
///   MakeRateLimitHook  the gateway's rate-limit hook: 429 problem+json with Retry-After and RateLimit-* headers.
///
/// Keys never reach Redis, logs or memory in clear: they are hashed (HMAC-SHA-256 with a secret, or SHA-256,
/// truncated to 128 bits) first.
///
/// Threading: LocalLimiter, RedisLimiter and Limiter belong to one shard and are used only from its thread
/// (ADR 0002); ShardedLimiter holds one Limiter per shard and picks the calling thread's.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"

namespace okada {
class IoPool;
class Metrics;
class Counter;
}  // namespace okada
namespace okada::redis {
class Client;
class Redis;
}  // namespace okada::redis

namespace okada::resilience {

/// `rate` requests per `period`, bursts of up to `burst` (≥ 1) at once.
struct RateLimit {
  std::int64_t rate = 1;
  std::chrono::milliseconds period{1000};
  std::int64_t burst = 1;

  /// period / rate: the spacing of a steady stream (at least 1 µs).
  std::chrono::microseconds EmissionInterval() const noexcept;
  /// burst · EmissionInterval(): how far ahead of now the TAT may run.
  std::chrono::microseconds Tolerance() const noexcept;
  /// The same limit for one of `instances` instances (the period stretched, the burst divided, at least 1).
  RateLimit ShareOf(std::size_t instances) const noexcept;
};

/// The answer for one request.
struct Decision {
  enum class Source { kNone, kLocal, kRedis };
  bool allowed = true;
  std::int64_t limit = 0;                    ///< the burst (RateLimit-Limit); 0 when no limit applies
  std::int64_t remaining = 0;                ///< requests still allowed right now (RateLimit-Remaining)
  std::chrono::milliseconds retry_after{0};  ///< when denied: wait this long before the next one is allowed
  Source source = Source::kNone;             ///< who decided (kNone: no limit configured)
};

/// One GCRA step, pure: `*tat_us` is the key's TAT (0 = none) and is advanced when the request is allowed.
/// Times in microseconds on any common clock. The Redis script implements the same arithmetic.
Decision GcraStep(const RateLimit& limit, std::int64_t now_us, std::int64_t* tat_us);

/// 32 lowercase hex chars: HMAC-SHA-256(secret, key) truncated to 128 bits, or SHA-256(key) when `secret` is
/// empty (OpenSSL EVP). Stable across processes (unlike std::hash). Thread-safe.
std::string HashKey(std::string_view secret, std::string_view key);

/// In-memory GCRA for one shard. Memory is bounded: at most `max_keys` keys are tracked; the least recently
/// used key is forgotten to make room (a forgotten key restarts with a full budget, so keep `max_keys` above
/// the number of distinct clients active within one period). Not thread-safe.
class LocalLimiter {
 public:
  explicit LocalLimiter(std::size_t max_keys = 100000, ClockFn clock = {});
  Decision Decide(std::string_view key, const RateLimit& limit);
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t evictions() const noexcept { return evictions_; }

 private:
  struct Entry {
    std::int64_t tat_us = 0;
    std::list<std::string>::iterator lru;
  };
  std::size_t max_keys_;
  ClockFn clock_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front: most recently used
  std::size_t evictions_ = 0;
};

/// GCRA in Redis: one EVALSHA per decision (SCRIPT LOAD again after a flush or restart, by redis::Client).
/// Uses the shard's client; not thread-safe.
class RedisLimiter {
 public:
  explicit RedisLimiter(redis::Client& client) : client_(&client) {}
  /// Decides for `redis_key` (already namespaced and hashed). Throws Error(kCacheUnavailable) when Redis
  /// cannot answer by `deadline` (or answers something that is not the script's reply).
  boost::asio::awaitable<Decision> Decide(std::string redis_key, RateLimit limit, Deadline deadline);

 private:
  redis::Client* client_;
};

/// A rate-limit class: its limit and whether it is enforced globally through Redis.
struct ClassPolicy {
  RateLimit limit;
  bool sensitive = false;  ///< true: Redis (global budget), local fallback; false: local share only
};

struct LimiterOptions {
  std::map<std::string, ClassPolicy> classes;    ///< "" = general traffic; unknown classes use "" as well
  std::size_t instances = 1;                     ///< app instances sharing a global limit (local share = 1/n)
  std::size_t max_local_keys = 100000;           ///< per shard
  std::chrono::milliseconds redis_timeout{100};  ///< per decision, capped by the request's deadline
  std::chrono::milliseconds redis_retry{1000};   ///< after a Redis failure, decide locally for this long
  std::string key_secret;                        ///< HMAC key for HashKey (from a secret file); empty = plain SHA-256
};

/// Per-shard facade: picks Redis or local by class, falls back to local while Redis is unavailable (a circuit
/// breaker skips Redis for `redis_retry` after a failure, so an outage costs at most one timeout per period).
/// Never throws for Redis trouble. Not thread-safe: one per shard.
class Limiter {
 public:
  /// The calling shard's Redis client, or null for local-only.
  using ClientFn = std::function<redis::Client*()>;
  Limiter(LimiterOptions options, ClientFn redis, Metrics* metrics = nullptr, ClockFn clock = {});

  /// Decides for `key` (e.g. a user id or an address; hashed here) in `class_name`. Returns an allowed
  /// Decision with limit 0 when neither the class nor "" is configured.
  boost::asio::awaitable<Decision> Check(std::string class_name, std::string key, Deadline deadline);
  /// True between a Redis failure and the next successful Redis decision.
  bool degraded() const noexcept { return degraded_; }
  const LocalLimiter& local() const noexcept { return local_; }

 private:
  struct Class {
    std::string name;  ///< the namespace in keys and the metrics label ("general" for "")
    ClassPolicy policy;
    RateLimit local_limit;
    Counter* denied = nullptr;
    Counter* fallback = nullptr;
  };
  const Class* Find(const std::string& name) const;

  LimiterOptions options_;
  ClientFn redis_;
  LocalLimiter local_;
  CircuitBreaker redis_breaker_;
  std::map<std::string, Class> classes_;
  bool degraded_ = false;
};

/// One Limiter per I/O shard; Local() is the calling thread's (shard 0 off the I/O threads).
///
/// Local budgets are per shard: each shard enforces the instance's share on its own, so a client whose
/// connections land on several shards can get up to (shards × share) of a local-only class. Sensitive classes
/// are exact while Redis is up (one global budget). Set the general limit with this in mind.
class ShardedLimiter {
 public:
  /// `redis` may be null (local only). Instruments are registered in `metrics` (may be null).
  ShardedLimiter(IoPool& io, LimiterOptions options, redis::Redis* redis, Metrics* metrics = nullptr);
  Limiter& Local();

 private:
  std::vector<std::unique_ptr<Limiter>> shards_;
};

/// Who a request counts against.
using KeyFn = std::function<std::string(const http::Request&)>;
/// "u:<subject>" for a signed-in principal, else "ip:<remote address>".
std::string PrincipalOrAddress(const http::Request& req);

/// The 429 answer: problem+json RATE_LIMITED with Retry-After (whole seconds, ≥ 1) and the IETF draft's
/// RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset headers.
http::Response RateLimitedResponse(const http::Request& req, const Decision& decision);

/// The gateway's rate-limit hook: class from `route.options.rate_limit_class` ("" = general), key from `key`,
/// decision from `limiter->Local()`. Answers 429 when denied, lets the request through (nullopt) otherwise.
http::Hook MakeRateLimitHook(std::shared_ptr<ShardedLimiter> limiter, KeyFn key = PrincipalOrAddress);

}  // namespace okada::resilience
