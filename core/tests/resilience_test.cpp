// Unit tests of okada::resilience without servers: GCRA arithmetic and the local limiter on an injected clock,
// the circuit breaker's state machine on an injected clock, retry counts/backoff bounds/deadline with a fake
// RNG and short real timers, the bulkhead's limits and rejections. Coroutines are free functions (GCC 12).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/resilience/bulkhead.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/core/resilience/rate_limit.hpp"
#include "okada/core/resilience/retry.hpp"

namespace okada::resilience {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

// A clock the test moves by hand (starts far from the epoch, as a steady clock does).
struct FakeClock {
  Clock::time_point now = Clock::time_point(std::chrono::hours(1000));
  ClockFn fn() {
    return [this] { return now; };
  }
};

// Runs an awaitable to completion on a private io_context and returns its result (or rethrows).
template <typename T>
T RunSync(asio::awaitable<T> aw) {
  asio::io_context ctx;
  auto f = asio::co_spawn(ctx, std::move(aw), asio::use_future);
  ctx.run();
  return f.get();
}

std::string HeaderOf(const Error& e, std::string_view name) {
  for (const auto& [k, v] : e.headers())
    if (k == name) return v;
  return {};
}

// --- GCRA ----------------------------------------------------------------------------------------------------

TEST(GcraTest, BurstThenDeniedWithExactRetryAfter) {
  const RateLimit limit{10, 1000ms, 5};  // one every 100 ms, 5 at once
  EXPECT_EQ(limit.EmissionInterval(), std::chrono::microseconds(100000));
  EXPECT_EQ(limit.Tolerance(), std::chrono::microseconds(500000));
  std::int64_t tat = 0;
  const std::int64_t now = 5'000'000'000;
  for (int i = 0; i < 5; ++i) {
    Decision d = GcraStep(limit, now, &tat);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i) << i;
    EXPECT_EQ(d.limit, 5);
  }
  std::int64_t before = tat;
  Decision denied = GcraStep(limit, now, &tat);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_EQ(denied.retry_after, 100ms);
  EXPECT_EQ(tat, before) << "a denied request must not consume budget";
  // 40 ms later: still 60 ms to wait.
  EXPECT_EQ(GcraStep(limit, now + 40'000, &tat).retry_after, 60ms);
  // At exactly retry_after the next one is allowed, with nothing left.
  Decision again = GcraStep(limit, now + 100'000, &tat);
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.remaining, 0);
}

TEST(GcraTest, SteadyRateAtTheEmissionIntervalIsAlwaysAllowed) {
  const RateLimit limit{10, 1000ms, 2};
  std::int64_t tat = 0;
  std::int64_t now = 1'000'000;
  for (int i = 0; i < 100; ++i, now += 100'000) EXPECT_TRUE(GcraStep(limit, now, &tat).allowed) << i;
  // Twice the rate: half are denied (after the burst is spent).
  int allowed = 0;
  for (int i = 0; i < 100; ++i, now += 50'000) allowed += GcraStep(limit, now, &tat).allowed ? 1 : 0;
  EXPECT_GE(allowed, 50);
  EXPECT_LE(allowed, 52);
}

TEST(GcraTest, IdleKeyGetsItsFullBurstBack) {
  const RateLimit limit{1, 1000ms, 3};
  std::int64_t tat = 0;
  std::int64_t now = 10'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(GcraStep(limit, now, &tat).allowed);
  Decision d = GcraStep(limit, now, &tat);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1000ms);
  now += 3'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(GcraStep(limit, now, &tat).allowed) << i;
  EXPECT_FALSE(GcraStep(limit, now, &tat).allowed);
}

TEST(GcraTest, ShareOfSplitsAGlobalLimitBetweenInstances) {
  const RateLimit global{100, 1000ms, 20};
  RateLimit share = global.ShareOf(4);
  EXPECT_EQ(share.period, 4000ms);
  EXPECT_EQ(share.burst, 5);
  EXPECT_EQ(share.EmissionInterval(), std::chrono::microseconds(40000));
  EXPECT_EQ(RateLimit({1, 1000ms, 1}).ShareOf(10).burst, 1);
  EXPECT_EQ(global.ShareOf(0).period, 1000ms);
}

TEST(LocalLimiterTest, UsesTheInjectedClock) {
  FakeClock clock;
  LocalLimiter limiter(100, clock.fn());
  const RateLimit limit{2, 1000ms, 2};
  EXPECT_TRUE(limiter.Decide("k", limit).allowed);
  EXPECT_TRUE(limiter.Decide("k", limit).allowed);
  Decision d = limiter.Decide("k", limit);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 500ms);
  EXPECT_EQ(d.source, Decision::Source::kLocal);
  EXPECT_TRUE(limiter.Decide("other", limit).allowed) << "keys are independent";
  clock.now += 499ms;
  EXPECT_FALSE(limiter.Decide("k", limit).allowed);
  clock.now += 1ms;
  EXPECT_TRUE(limiter.Decide("k", limit).allowed);
}

TEST(LocalLimiterTest, KeyCapEvictsTheLeastRecentlyUsed) {
  FakeClock clock;
  LocalLimiter limiter(3, clock.fn());
  const RateLimit limit{1, 60000ms, 1};
  EXPECT_TRUE(limiter.Decide("a", limit).allowed);
  EXPECT_TRUE(limiter.Decide("b", limit).allowed);
  EXPECT_TRUE(limiter.Decide("c", limit).allowed);
  EXPECT_FALSE(limiter.Decide("a", limit).allowed);  // touches a: b is now the least recently used
  EXPECT_TRUE(limiter.Decide("d", limit).allowed);
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_EQ(limiter.evictions(), 1u);
  EXPECT_FALSE(limiter.Decide("a", limit).allowed) << "a is still tracked";
  EXPECT_TRUE(limiter.Decide("b", limit).allowed) << "b was forgotten";
  for (int i = 0; i < 1000; ++i) limiter.Decide("k" + std::to_string(i), limit);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(HashKeyTest, TruncatedSha256OrHmac) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
  EXPECT_EQ(HashKey("", "abc"), "ba7816bf8f01cfea414140de5dae2223");
  // HMAC-SHA-256(key="key", "The quick brown fox jumps over the lazy dog") = f7bc83f430538424b13298e6aa6fb143...
  EXPECT_EQ(HashKey("key", "The quick brown fox jumps over the lazy dog"), "f7bc83f430538424b13298e6aa6fb143");
  EXPECT_NE(HashKey("s1", "+237690000000"), HashKey("s2", "+237690000000"));
  EXPECT_EQ(HashKey("s1", "+237690000000").find("690000000"), std::string::npos);
}

// --- Limiter facade and hook (local only) ------------------------------------------------------------------------

LimiterOptions GeneralAndSignIn() {
  LimiterOptions o;
  o.classes[""] = ClassPolicy{RateLimit{10, 1000ms, 3}, false};
  o.classes["signin"] = ClassPolicy{RateLimit{1, 60000ms, 1}, false};
  return o;
}

TEST(LimiterTest, ClassesAndKeysAreSeparateAndUnknownClassesAreGeneral) {
  FakeClock clock;
  Metrics metrics;
  Limiter limiter(GeneralAndSignIn(), {}, &metrics, clock.fn());
  auto deadline = DeadlineIn(1s);
  EXPECT_TRUE(RunSync(limiter.Check("signin", "u:1", deadline)).allowed);
  Decision d = RunSync(limiter.Check("signin", "u:1", deadline));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 60000ms);
  EXPECT_TRUE(RunSync(limiter.Check("signin", "u:2", deadline)).allowed);
  // General traffic of the same key has its own budget, shared with unknown classes.
  EXPECT_TRUE(RunSync(limiter.Check("", "u:1", deadline)).allowed);
  EXPECT_TRUE(RunSync(limiter.Check("no-such-class", "u:1", deadline)).allowed);
  EXPECT_TRUE(RunSync(limiter.Check("", "u:1", deadline)).allowed);
  EXPECT_FALSE(RunSync(limiter.Check("no-such-class", "u:1", deadline)).allowed);
  EXPECT_EQ(metrics.GetCounter("okada_ratelimit_denied_total", "", {{"class", "signin"}}).value(), 1u);
  EXPECT_EQ(metrics.GetCounter("okada_ratelimit_denied_total", "", {{"class", "general"}}).value(), 1u);
  // Keys are kept hashed, never in clear.
  EXPECT_EQ(limiter.local().size(), 3u);
}

TEST(LimiterTest, NoPolicyMeansNoLimit) {
  Limiter limiter(LimiterOptions{}, {});
  for (int i = 0; i < 10; ++i) {
    Decision d = RunSync(limiter.Check("anything", "k", DeadlineIn(1s)));
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.limit, 0);
    EXPECT_EQ(d.source, Decision::Source::kNone);
  }
}

TEST(LimiterTest, SensitiveClassWithoutRedisIsDecidedLocallyWithTheInstanceShare) {
  LimiterOptions o;
  o.instances = 2;
  o.classes["otp"] = ClassPolicy{RateLimit{4, 1000ms, 4}, true};
  Limiter limiter(o, {});
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += RunSync(limiter.Check("otp", "+237", DeadlineIn(1s))).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 2);  // half of the burst of 4
}

TEST(RateLimitHookTest, Answers429ProblemWithHeaders) {
  log::Init("error");
  IoPool io(1);  // not started: off the I/O threads Local() is shard 0
  LimiterOptions o;
  o.classes["checkout"] = ClassPolicy{RateLimit{1, 2000ms, 2}, false};
  auto limiter = std::make_shared<ShardedLimiter>(io, o, nullptr);
  http::Hook hook = MakeRateLimitHook(limiter);
  http::Route route;
  route.options.rate_limit_class = "checkout";
  http::Request req(http::Method::kPost, "/v1/checkout", {}, "");
  req.set_remote_address("10.0.0.7");
  req.set_request_id("rid-1");
  req.set_lang("en");
  req.set_deadline(DeadlineIn(1s));
  EXPECT_FALSE(RunSync(hook(req, route)).has_value());
  EXPECT_FALSE(RunSync(hook(req, route)).has_value());
  std::optional<http::Response> res = RunSync(hook(req, route));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->content_type, "application/problem+json");
  auto body = boost::json::parse(res->body).as_object();
  EXPECT_EQ(body["code"].as_string(), "RATE_LIMITED");
  EXPECT_EQ(body["request_id"].as_string(), "rid-1");
  EXPECT_EQ(res->header("Retry-After").value_or(""), "2");
  EXPECT_EQ(res->header("RateLimit-Limit").value_or(""), "2");
  EXPECT_EQ(res->header("RateLimit-Remaining").value_or(""), "0");
  // Another address has its own budget; a signed-in principal is keyed by subject, not address.
  req.set_remote_address("10.0.0.8");
  EXPECT_FALSE(RunSync(hook(req, route)).has_value());
  EXPECT_EQ(PrincipalOrAddress(req), "ip:10.0.0.8");
  req.set_principal(http::Principal{"usr_42", "customer", {}});
  EXPECT_EQ(PrincipalOrAddress(req), "u:usr_42");
}

// --- circuit breaker ---------------------------------------------------------------------------------------------

BreakerOptions Consecutive(int n) {
  BreakerOptions o;
  o.consecutive_failures = n;
  o.failure_ratio = 2.0;
  o.open_for = 5000ms;
  o.half_open_probes = 2;
  return o;
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresThenHalfOpenThenCloses) {
  FakeClock clock;
  Metrics metrics;
  CircuitBreaker b("momo", Consecutive(3), &metrics, clock.fn());
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.Allow());
    b.RecordFailure();
  }
  ASSERT_TRUE(b.Allow());
  b.RecordSuccess();  // resets the run
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.Allow());
    b.RecordFailure();
  }
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.Allow());
  EXPECT_EQ(b.RetryAfter(), 5000ms);
  EXPECT_EQ(metrics.GetGauge("okada_breaker_state", "", {{"upstream", "momo"}}).value(), 1);

  clock.now += 4999ms;
  EXPECT_FALSE(b.Allow());
  EXPECT_EQ(b.RetryAfter(), 1ms);
  clock.now += 1ms;
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(b.RetryAfter(), 0ms);
  EXPECT_TRUE(b.Allow());
  EXPECT_TRUE(b.Allow());
  EXPECT_FALSE(b.Allow()) << "only 2 probes";
  b.RecordSuccess();
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_FALSE(b.Allow());
  b.RecordSuccess();
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), BreakerState::kClosed) << "the run restarted when the breaker closed";

  auto transitions = [&](const char* to) {
    return metrics.GetCounter("okada_breaker_transitions_total", "", {{"upstream", "momo"}, {"to", to}}).value();
  };
  EXPECT_EQ(transitions("open"), 1u);
  EXPECT_EQ(transitions("half_open"), 1u);
  EXPECT_EQ(transitions("closed"), 1u);
  EXPECT_EQ(metrics.GetGauge("okada_breaker_state", "", {{"upstream", "momo"}}).value(), 0);
}

TEST(CircuitBreakerTest, ProbeFailureReopensForAnotherCoolDown) {
  FakeClock clock;
  CircuitBreaker b("brain", Consecutive(1), nullptr, clock.fn());
  b.RecordFailure();
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  clock.now += 5s;
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.RetryAfter(), 5000ms);
  clock.now += 2s;
  EXPECT_FALSE(b.Allow());
  // Late results of calls let through before it opened do not change an open breaker.
  b.RecordSuccess();
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  // Probes that never report back are presumed lost after another cool-down (2 probes in this breaker).
  clock.now += 3s;
  ASSERT_TRUE(b.Allow());
  ASSERT_TRUE(b.Allow());
  EXPECT_FALSE(b.Allow());
  clock.now += 4999ms;
  EXPECT_FALSE(b.Allow());
  clock.now += 1ms;
  EXPECT_TRUE(b.Allow());
  EXPECT_TRUE(b.Allow());
  EXPECT_FALSE(b.Allow());
  b.RecordSuccess();
  b.RecordSuccess();
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(CircuitBreakerTest, FailureRatioNeedsMinimumVolumeWithinTheWindow) {
  FakeClock clock;
  BreakerOptions o;
  o.consecutive_failures = 0;
  o.failure_ratio = 0.5;
  o.minimum_calls = 10;
  o.window = 10000ms;
  o.window_buckets = 10;
  CircuitBreaker b("orders", o, nullptr, clock.fn());
  // 8 calls, half failing, alternating (never 2 failures in a row): below the minimum volume.
  for (int i = 0; i < 4; ++i) {
    b.RecordSuccess();
    b.RecordFailure();
  }
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  b.RecordSuccess();
  b.RecordFailure();  // 10 calls, 5 failures: 50 %
  EXPECT_EQ(b.state(), BreakerState::kOpen);

  // Old calls leave the window.
  CircuitBreaker c("orders2", o, nullptr, clock.fn());
  for (int i = 0; i < 9; ++i) c.RecordFailure();
  clock.now += 11s;
  c.RecordFailure();  // 1 call in the window now
  EXPECT_EQ(c.state(), BreakerState::kClosed);
  for (int i = 0; i < 8; ++i) c.RecordSuccess();
  c.RecordFailure();  // 10 calls, 2 failures
  EXPECT_EQ(c.state(), BreakerState::kClosed);
}

asio::awaitable<int> Answer(int* calls, int value) {
  ++*calls;
  co_return value;
}

asio::awaitable<int> Fail(int* calls, ErrorCode code) {
  ++*calls;
  throw Error(code, "upstream said no");
  co_return 0;
}

asio::awaitable<void> Nothing(int* calls) {
  ++*calls;
  co_return;
}

TEST(CircuitBreakerTest, RunRecordsOutcomesAndRefusesWhenOpen) {
  FakeClock clock;
  CircuitBreaker b("sms", Consecutive(2), nullptr, clock.fn());
  int calls = 0;
  EXPECT_EQ(RunSync(resilience::Run(b, [&calls] { return Answer(&calls, 7); })), 7);
  RunSync(resilience::Run(b, [&calls] { return Nothing(&calls); }));
  // A 4xx from the upstream is not its failure.
  for (int i = 0; i < 3; ++i)
    EXPECT_THROW(RunSync(resilience::Run(b, [&calls] { return Fail(&calls, ErrorCode::kConflict); })), Error);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  for (int i = 0; i < 2; ++i)
    EXPECT_THROW(RunSync(resilience::Run(b, [&calls] { return Fail(&calls, ErrorCode::kUnavailable); })), Error);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(calls, 7);
  clock.now += 1500ms;
  try {
    RunSync(resilience::Run(b, [&calls] { return Answer(&calls, 1); }));
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUpstreamUnavailable);
    EXPECT_EQ(HeaderOf(e, "Retry-After"), "4");  // 3.5 s left, rounded up
  }
  try {
    RunSync(resilience::Run(
        b, [&calls] { return Answer(&calls, 1); }, ErrorCode::kUnavailable));
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_EQ(calls, 7) << "an open breaker does not call the upstream";
  clock.now += 4s;
  EXPECT_EQ(RunSync(resilience::Run(b, [&calls] { return Answer(&calls, 2); })), 2);
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);  // 2 probes needed
  EXPECT_EQ(RunSync(resilience::Run(b, [&calls] { return Answer(&calls, 3); })), 3);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

// --- retry -------------------------------------------------------------------------------------------------------

RetryPolicy Policy(int attempts, milliseconds base, milliseconds cap, double u) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.base = base;
  p.cap = cap;
  p.retryable = IsTransient;
  p.uniform = [u] { return u; };
  return p;
}

TEST(RetryTest, BackoffIsFullJitterUnderACappedExponential) {
  RetryPolicy p = Policy(10, 100ms, 1000ms, 0.5);
  EXPECT_EQ(BackoffDelay(p, 1), 50ms);
  EXPECT_EQ(BackoffDelay(p, 2), 100ms);
  EXPECT_EQ(BackoffDelay(p, 3), 200ms);
  EXPECT_EQ(BackoffDelay(p, 4), 400ms);
  EXPECT_EQ(BackoffDelay(p, 5), 500ms);  // capped at 1000
  EXPECT_EQ(BackoffDelay(p, 60), 500ms) << "no overflow";
  p.uniform = [] { return 0.0; };
  EXPECT_EQ(BackoffDelay(p, 3), 0ms);
  p.uniform = [] { return 0.999; };
  EXPECT_EQ(BackoffDelay(p, 3), 399ms);
  // The default RNG stays within the bounds.
  p.uniform = nullptr;
  for (int attempt = 1; attempt < 8; ++attempt)
    for (int i = 0; i < 50; ++i) {
      auto d = BackoffDelay(p, attempt);
      EXPECT_GE(d, 0ms);
      EXPECT_LE(d, std::min(1000ms, 100ms * (1 << (attempt - 1))));
    }
}

asio::awaitable<int> FailTimes(int* calls, int failures, ErrorCode code) {
  if (++*calls <= failures) throw Error(code, "transient");
  co_return *calls;
}

ErrorCode CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no okada::Error thrown";
  return ErrorCode::kInternal;
}

TEST(RetryTest, RetriesRetryableErrorsUpToTheAttemptLimit) {
  int calls = 0;
  auto policy = Policy(4, 1ms, 10ms, 0.0);
  EXPECT_EQ(
      CodeOf([&] {
        RunSync(Retry(policy, DeadlineIn(10s), [&calls] { return FailTimes(&calls, 100, ErrorCode::kUnavailable); }));
      }),
      ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 4);

  calls = 0;
  EXPECT_EQ(RunSync(Retry(policy, DeadlineIn(10s), [&calls] { return FailTimes(&calls, 2, ErrorCode::kUnavailable); })),
            3);
  EXPECT_EQ(calls, 3);
}

TEST(RetryTest, OnlyErrorsMarkedRetryable) {
  int calls = 0;
  auto policy = Policy(5, 1ms, 10ms, 0.0);
  EXPECT_EQ(
      CodeOf([&] {
        RunSync(Retry(policy, DeadlineIn(10s), [&calls] { return FailTimes(&calls, 100, ErrorCode::kConflict); }));
      }),
      ErrorCode::kConflict);
  EXPECT_EQ(calls, 1);
  // No predicate: nothing is retried.
  calls = 0;
  policy.retryable = nullptr;
  EXPECT_THROW(
      RunSync(Retry(policy, DeadlineIn(10s), [&calls] { return FailTimes(&calls, 100, ErrorCode::kUnavailable); })),
      Error);
  EXPECT_EQ(calls, 1);
}

TEST(RetryTest, SleepsWithRealTimersBetweenAttempts) {
  int calls = 0;
  auto policy = Policy(3, 20ms, 1000ms, 1.0);  // sleeps 20 ms then 40 ms
  auto start = Clock::now();
  EXPECT_EQ(RunSync(Retry(policy, DeadlineIn(10s), [&calls] { return FailTimes(&calls, 2, ErrorCode::kUnavailable); })),
            3);
  EXPECT_GE(Clock::now() - start, 60ms);
}

TEST(RetryTest, NeverSleepsPastTheDeadline) {
  int calls = 0;
  auto policy = Policy(10, 300ms, 1000ms, 1.0);  // first sleep would be 300 ms
  auto start = Clock::now();
  EXPECT_EQ(CodeOf([&] {
              RunSync(Retry(policy, DeadlineIn(100ms),
                            [&calls] { return FailTimes(&calls, 100, ErrorCode::kCacheUnavailable); }));
            }),
            ErrorCode::kCacheUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_LT(Clock::now() - start, 5s);  // generous: proves it did not sleep through the attempts

  // With a 10 ms first sleep and a 1 s budget: 10 + 20 + ... + 320 = 630 ms fit, the 640 ms sleep does not, so
  // at most 7 calls (fewer only if the machine is very slow), and the call returns before the deadline.
  calls = 0;
  policy = Policy(20, 10ms, 10000ms, 1.0);
  auto deadline = DeadlineIn(1000ms);
  EXPECT_THROW(RunSync(Retry(policy, deadline, [&calls] { return FailTimes(&calls, 100, ErrorCode::kUnavailable); })),
               Error);
  EXPECT_GE(calls, 2);
  EXPECT_LE(calls, 7);
  EXPECT_LT(Clock::now(), deadline);
}

TEST(RetryTest, VoidCalls) {
  int calls = 0;
  RunSync(Retry(Policy(3, 1ms, 1ms, 0.0), DeadlineIn(1s), [&calls] { return Nothing(&calls); }));
  EXPECT_EQ(calls, 1);
}

// --- bulkhead ----------------------------------------------------------------------------------------------------

asio::awaitable<int> AcquireOnce(Bulkhead* b, Deadline deadline, std::vector<int>* order, int id) {
  Bulkhead::Permit p = co_await b->Acquire(deadline);
  order->push_back(id);
  co_return id;
}

TEST(BulkheadTest, LimitsConcurrencyAndRejectsWhenTheQueueIsFull) {
  Metrics metrics;
  BulkheadOptions o;
  o.max_concurrent = 2;
  o.max_queue = 2;
  o.max_wait = 5000ms;
  o.retry_after = std::chrono::seconds(3);
  Bulkhead b("pay", o, &metrics);
  auto p1 = b.TryAcquire();
  auto p2 = b.TryAcquire();
  ASSERT_TRUE(p1 && p2);
  EXPECT_FALSE(b.TryAcquire().has_value());
  EXPECT_EQ(b.in_use(), 2u);

  asio::io_context ctx;
  std::vector<int> order;
  auto f3 = asio::co_spawn(ctx, AcquireOnce(&b, DeadlineIn(5s), &order, 3), asio::use_future);
  auto f4 = asio::co_spawn(ctx, AcquireOnce(&b, DeadlineIn(5s), &order, 4), asio::use_future);
  auto f5 = asio::co_spawn(ctx, AcquireOnce(&b, DeadlineIn(5s), &order, 5), asio::use_future);
  ctx.poll();
  EXPECT_EQ(b.waiting(), 2u);
  ASSERT_EQ(f5.wait_for(0s), std::future_status::ready);
  try {
    f5.get();
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(HeaderOf(e, "Retry-After"), "3");
  }
  EXPECT_EQ(metrics.GetCounter("okada_bulkhead_rejected_total", "", {{"bulkhead", "pay"}}).value(), 1u);
  EXPECT_TRUE(order.empty());
  EXPECT_FALSE(b.TryAcquire().has_value()) << "no overtaking of waiters";

  p1->Release();  // goes to waiter 3 (FIFO), which releases it at once to waiter 4
  ctx.run_for(1s);
  EXPECT_EQ(f3.get(), 3);
  EXPECT_EQ(f4.get(), 4);
  EXPECT_EQ(order, (std::vector<int>{3, 4}));
  EXPECT_EQ(b.waiting(), 0u);
  EXPECT_EQ(b.in_use(), 1u);  // p2
  p2.reset();
  EXPECT_EQ(b.in_use(), 0u);
}

TEST(BulkheadTest, WaitEndsAtTheEarlierOfDeadlineAndMaxWait) {
  BulkheadOptions o;
  o.max_concurrent = 1;
  o.max_queue = 4;
  o.max_wait = 20ms;
  Bulkhead b("brain", o);
  auto held = b.TryAcquire();
  ASSERT_TRUE(held);
  std::vector<int> order;
  auto start = Clock::now();
  EXPECT_EQ(CodeOf([&] { RunSync(AcquireOnce(&b, DeadlineIn(10s), &order, 1)); }), ErrorCode::kUnavailable);
  EXPECT_GE(Clock::now() - start, 20ms);
  EXPECT_LT(Clock::now() - start, 5s);
  o.max_wait = 10s;
  Bulkhead c("brain2", o);
  auto held2 = c.TryAcquire();
  start = Clock::now();
  EXPECT_EQ(CodeOf([&] { RunSync(AcquireOnce(&c, DeadlineIn(30ms), &order, 2)); }), ErrorCode::kUnavailable);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_TRUE(order.empty());
  EXPECT_EQ(b.waiting(), 0u);
  EXPECT_EQ(c.waiting(), 0u);
  // Free again: acquired at once.
  held2.reset();
  EXPECT_EQ(RunSync(AcquireOnce(&c, DeadlineIn(1s), &order, 3)), 3);
  EXPECT_EQ(c.in_use(), 0u);
}

TEST(BulkheadTest, PermitsMoveAndReleaseOnce) {
  Bulkhead b("x", BulkheadOptions{1, 0, 10ms});
  auto p = b.TryAcquire();
  ASSERT_TRUE(p);
  Bulkhead::Permit moved = std::move(*p);
  EXPECT_FALSE(p->held());
  EXPECT_TRUE(moved.held());
  p.reset();
  EXPECT_EQ(b.in_use(), 1u);
  moved.Release();
  moved.Release();
  EXPECT_EQ(b.in_use(), 0u);
  // Queue of 0: a full bulkhead rejects without waiting.
  auto q = b.TryAcquire();
  std::vector<int> order;
  EXPECT_EQ(CodeOf([&] { RunSync(AcquireOnce(&b, DeadlineIn(10s), &order, 1)); }), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace okada::resilience
