#include "okada/core/resilience/rate_limit.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::resilience {

namespace asio = boost::asio;
using std::chrono::microseconds;
using std::chrono::milliseconds;

namespace {

std::int64_t CeilDiv(std::int64_t a, std::int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// GCRA in one atomic script. Times are Redis server microseconds (TIME), so app instances' clocks never enter
// the decision. Same arithmetic as GcraStep. The TAT is stored as a decimal integer string ("%.0f": Lua
// numbers are doubles, exact up to 2^53 µs) and expires when the key is back to a full budget.
//   KEYS[1] key; ARGV[1] emission interval µs; ARGV[2] tolerance µs (burst · interval)
//   → {allowed (1/0), retry_after µs, remaining}
constexpr const char* kGcraLua = R"lua(
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if now < allow_at then
  return {0, allow_at - now, 0}
end
local ttl_ms = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%.0f', ttl_ms))
return {1, 0, math.floor((now + tolerance - new_tat) / interval)}
)lua";

const redis::Script& GcraScript() {
  static const redis::Script script(kGcraLua);
  return script;
}

std::string Hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

}  // namespace

// --- RateLimit / GCRA -------------------------------------------------------------------------------------------

microseconds RateLimit::EmissionInterval() const noexcept {
  auto period_us = std::chrono::duration_cast<microseconds>(period).count();
  return microseconds(std::max<std::int64_t>(1, period_us / std::max<std::int64_t>(1, rate)));
}

microseconds RateLimit::Tolerance() const noexcept { return EmissionInterval() * std::max<std::int64_t>(1, burst); }

RateLimit RateLimit::ShareOf(std::size_t instances) const noexcept {
  auto n = static_cast<std::int64_t>(std::max<std::size_t>(1, instances));
  RateLimit share = *this;
  share.period = period * n;
  share.burst = std::max<std::int64_t>(1, burst / n);
  return share;
}

Decision GcraStep(const RateLimit& limit, std::int64_t now_us, std::int64_t* tat_us) {
  const std::int64_t interval = limit.EmissionInterval().count();
  const std::int64_t tolerance = limit.Tolerance().count();
  Decision d;
  d.limit = std::max<std::int64_t>(1, limit.burst);
  std::int64_t tat = std::max(*tat_us, now_us);
  std::int64_t new_tat = tat + interval;
  std::int64_t allow_at = new_tat - tolerance;
  if (now_us < allow_at) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after = milliseconds(CeilDiv(allow_at - now_us, 1000));
    return d;
  }
  *tat_us = new_tat;
  d.allowed = true;
  d.remaining = (now_us + tolerance - new_tat) / interval;
  return d;
}

// libsodium's SHA-256/HMAC-SHA-256 (same outputs as OpenSSL's): OpenSSL 3's one-shot HMAC() looks the
// algorithm up through its provider machinery on every call, which cost microseconds on the request path.
std::string HashKey(std::string_view secret, std::string_view key) {
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("HashKey: libsodium failed to initialise");
  unsigned char digest[32];
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  if (secret.empty()) {
    crypto_hash_sha256(digest, data, key.size());
  } else {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, data, key.size());
    crypto_auth_hmacsha256_final(&st, digest);
  }
  return Hex(digest, 16);
}

// --- LocalLimiter -----------------------------------------------------------------------------------------------

LocalLimiter::LocalLimiter(std::size_t max_keys, ClockFn clock)
    : max_keys_(std::max<std::size_t>(1, max_keys)), clock_(std::move(clock)) {}

Decision LocalLimiter::Decide(std::string_view key, const RateLimit& limit) {
  auto now = clock_ ? clock_() : Clock::now();
  std::int64_t now_us = std::chrono::duration_cast<microseconds>(now.time_since_epoch()).count();
  std::string k(key);
  Decision d;
  if (auto it = entries_.find(k); it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    d = GcraStep(limit, now_us, &it->second.tat_us);
  } else {
    std::int64_t tat = 0;
    d = GcraStep(limit, now_us, &tat);
    if (d.allowed) {
      // Make room by forgetting the least recently used key; an idle key is usually back to full budget anyway.
      while (entries_.size() >= max_keys_ && !lru_.empty()) {
        entries_.erase(lru_.back());
        lru_.pop_back();
        ++evictions_;
      }
      lru_.push_front(k);
      entries_.emplace(std::move(k), Entry{tat, lru_.begin()});
    }
  }
  d.source = Decision::Source::kLocal;
  return d;
}

// --- RedisLimiter -----------------------------------------------------------------------------------------------

asio::awaitable<Decision> RedisLimiter::Decide(std::string redis_key, RateLimit limit, Deadline deadline) {
  std::vector<std::string> keys;
  keys.push_back(std::move(redis_key));
  std::vector<std::string> args;
  args.push_back(std::to_string(limit.EmissionInterval().count()));
  args.push_back(std::to_string(limit.Tolerance().count()));
  redis::Reply r = co_await client_->Eval(GcraScript(), std::move(keys), std::move(args), deadline);
  if (r.type != redis::Reply::Type::kArray || r.elements.size() != 3) {
    throw Error(ErrorCode::kCacheUnavailable, "rate limit script: unexpected reply " + r.str);
  }
  for (const auto& e : r.elements)
    if (e.type != redis::Reply::Type::kInteger)
      throw Error(ErrorCode::kCacheUnavailable, "rate limit script: unexpected reply element");
  Decision d;
  d.allowed = r.elements[0].integer == 1;
  d.limit = std::max<std::int64_t>(1, limit.burst);
  d.retry_after = milliseconds(CeilDiv(r.elements[1].integer, 1000));
  d.remaining = std::max<std::int64_t>(0, r.elements[2].integer);
  d.source = Decision::Source::kRedis;
  co_return d;
}

// --- Limiter ----------------------------------------------------------------------------------------------------

namespace {
BreakerOptions RedisBreakerOptions(milliseconds retry) {
  // One failure is enough to stop asking Redis for `retry`: during an outage each call would otherwise wait
  // for the Redis timeout. One probe then tells whether it is back.
  BreakerOptions o;
  o.consecutive_failures = 1;
  o.failure_ratio = 2.0;
  o.open_for = retry;
  o.half_open_probes = 1;
  o.log_transitions = false;  // the limiter logs the outage itself, once
  return o;
}
}  // namespace

Limiter::Limiter(LimiterOptions options, ClientFn redis, Metrics* metrics, ClockFn clock)
    : options_(std::move(options)),
      redis_(std::move(redis)),
      local_(options_.max_local_keys, clock),
      redis_breaker_("ratelimit-redis", RedisBreakerOptions(options_.redis_retry), nullptr, clock) {
  for (const auto& [name, policy] : options_.classes) {
    Class c;
    c.name = name.empty() ? "general" : name;
    c.policy = policy;
    c.local_limit = policy.limit.ShareOf(options_.instances);
    if (metrics != nullptr) {
      c.denied = &metrics->GetCounter("okada_ratelimit_denied_total", "Requests denied by the rate limiter",
                                      {{"class", c.name}});
      if (policy.sensitive)
        c.fallback = &metrics->GetCounter("okada_ratelimit_fallback_total",
                                          "Rate-limit decisions made locally because Redis was unavailable",
                                          {{"class", c.name}});
    }
    classes_.emplace(name, std::move(c));
  }
}

const Limiter::Class* Limiter::Find(const std::string& name) const {
  if (auto it = classes_.find(name); it != classes_.end()) return &it->second;
  if (auto it = classes_.find(""); it != classes_.end()) return &it->second;
  return nullptr;
}

asio::awaitable<Decision> Limiter::Check(std::string class_name, std::string key, Deadline deadline) {
  const Class* cls = Find(class_name);
  if (cls == nullptr) co_return Decision{};
  const std::string hashed = HashKey(options_.key_secret, key);
  redis::Client* client = cls->policy.sensitive && redis_ ? redis_() : nullptr;
  if (client != nullptr) {
    if (redis_breaker_.Allow()) {
      Decision d;
      std::string error;
      try {
        RedisLimiter limiter(*client);
        d = co_await limiter.Decide("rl:" + cls->name + ":" + hashed, cls->policy.limit,
                                    std::min(deadline, Clock::now() + options_.redis_timeout));
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (error.empty()) {
        redis_breaker_.RecordSuccess();
        if (degraded_) {
          degraded_ = false;
          log::Info("ratelimit.redis_recovered");
        }
        if (!d.allowed && cls->denied != nullptr) cls->denied->Add();
        co_return d;
      }
      redis_breaker_.RecordFailure();
      if (!degraded_) {
        // Once per outage (per shard): the breaker keeps us off Redis, and every decision is counted below.
        degraded_ = true;
        log::Warn("ratelimit.redis_unavailable", {{"error", error}, {"fallback", "local"}});
      }
    }
    if (cls->fallback != nullptr) cls->fallback->Add();
  }
  Decision d = local_.Decide(cls->name + ":" + hashed, cls->local_limit);
  if (!d.allowed && cls->denied != nullptr) cls->denied->Add();
  co_return d;
}

ShardedLimiter::ShardedLimiter(IoPool& io, LimiterOptions options, redis::Redis* redis, Metrics* metrics) {
  Limiter::ClientFn client;
  if (redis != nullptr) client = [redis] { return &redis->Local(); };
  for (std::size_t i = 0; i < io.size(); ++i) shards_.push_back(std::make_unique<Limiter>(options, client, metrics));
}

Limiter& ShardedLimiter::Local() {
  int shard = IoPool::CurrentShard();
  std::size_t i = shard < 0 ? 0 : static_cast<std::size_t>(shard);
  return *shards_[std::min(i, shards_.size() - 1)];
}

// --- HTTP hook --------------------------------------------------------------------------------------------------

std::string PrincipalOrAddress(const http::Request& req) {
  if (req.principal() && !req.principal()->subject.empty()) return "u:" + req.principal()->subject;
  return "ip:" + std::string(req.remote_address());
}

http::Response RateLimitedResponse(const http::Request& req, const Decision& decision) {
  Error e(ErrorCode::kRateLimited, "too many requests; retry later");
  http::Response res;
  res.status = e.info().status;
  res.content_type = "application/problem+json";
  res.body = RenderProblem(e, req.request_id(), req.lang());
  std::string seconds = std::to_string(std::max<std::int64_t>(1, CeilDiv(decision.retry_after.count(), 1000)));
  res.Header("Retry-After", seconds);
  res.Header("RateLimit-Limit", std::to_string(decision.limit));
  res.Header("RateLimit-Remaining", std::to_string(decision.remaining));
  res.Header("RateLimit-Reset", seconds);
  return res;
}

namespace {
asio::awaitable<std::optional<http::Response>> RunRateLimitHook(std::shared_ptr<ShardedLimiter> limiter,
                                                                std::string class_name, std::string key,
                                                                http::Request* req) {
  Decision d = co_await limiter->Local().Check(std::move(class_name), std::move(key), req->deadline());
  std::optional<http::Response> answer;
  if (!d.allowed) answer = RateLimitedResponse(*req, d);
  co_return answer;
}
}  // namespace

http::Hook MakeRateLimitHook(std::shared_ptr<ShardedLimiter> limiter, KeyFn key) {
  // Not a coroutine lambda (GCC 12): it computes the key and returns the free coroutine.
  return [limiter = std::move(limiter), key = std::move(key)](http::Request& req, const http::Route& route) {
    return RunRateLimitHook(limiter, route.options.rate_limit_class, key(req), &req);
  };
}

}  // namespace okada::resilience
