// Integration tests of the rate limiter against a real Redis 7 and a real HTTP server.
//
//   OKADA_REDIS_URL  redis://host:port (required: the tests fail, not skip, without it)
//   OKADA_DEV_ENV    path of scripts/dev-env, for the outage test (stop-redis / start-redis)
//
// Every test uses its own key prefix (pid + time), so runs never share a budget. Clients are used and destroyed
// on their shard's thread. Coroutines are free functions or members (no capturing coroutine lambdas: GCC 12).

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/core/resilience/rate_limit.hpp"
#include "support/test_support.hpp"

namespace okada::resilience {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string UniquePrefix() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->name()) + ":" + std::to_string(::getpid()) + ":" +
         std::to_string(Clock::now().time_since_epoch().count()) + ":";
}

LimiterOptions SignIn(RateLimit limit) {
  LimiterOptions o;
  o.classes["signin"] = ClassPolicy{limit, true};
  o.classes[""] = ClassPolicy{RateLimit{100, 1000ms, 50}, false};
  o.redis_timeout = 300ms;
  o.redis_retry = 300ms;
  return o;
}

class RateLimitRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    options_ = redis::Options::FromUrl(test::RequiredEnv("OKADA_REDIS_URL"));
    prefix_ = UniquePrefix();
    io_.Start();
    started_ = true;
    client_ = std::make_unique<redis::Client>(ctx(), options_, &redis_metrics_);
    client2_ = std::make_unique<redis::Client>(ctx(), options_);
  }
  void TearDown() override {
    if (!started_) return;
    if (redis_stopped_) test::DevEnv("start-redis");  // never leave the server down for the next tests
    io_.RunOnEach([this](std::size_t) {
      client_.reset();
      client2_.reset();
    });
    io_.Stop();
  }

  asio::io_context& ctx() { return io_.context(0); }
  template <typename T>
  T Run(asio::awaitable<T> a) {
    return asio::co_spawn(ctx(), std::move(a), asio::use_future).get();
  }
  Decision Check(Limiter& limiter, const std::string& cls, const std::string& key) {
    return Run(limiter.Check(cls, key, DeadlineIn(5s)));
  }
  redis::Reply Cmd(std::vector<std::string> args) { return Run(client_->Command(std::move(args), DeadlineIn(2s))); }
  static Limiter::ClientFn Fixed(redis::Client* c) {
    return [c] { return c; };
  }

  std::uint64_t RedisErrors() {
    return redis_metrics_.GetCounter("okada_redis_errors_total", "", {{"kind", "timeout"}}).value() +
           redis_metrics_.GetCounter("okada_redis_errors_total", "", {{"kind", "connection"}}).value();
  }

  IoPool io_{1};
  bool started_ = false;
  bool redis_stopped_ = false;
  Metrics redis_metrics_;  // client_'s instruments
  redis::Options options_;
  std::string prefix_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<redis::Client> client2_;
};

TEST_F(RateLimitRedisTest, AllowsTheBurstThenDeniesWithASaneRetryAfter) {
  Metrics metrics;
  Limiter limiter(SignIn(RateLimit{1, 10000ms, 3}), Fixed(client_.get()), &metrics);
  const std::string key = prefix_ + "+237690000001";
  for (int i = 0; i < 3; ++i) {
    Decision d = Check(limiter, "signin", key);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.source, Decision::Source::kRedis);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.limit, 3);
  }
  Decision denied = Check(limiter, "signin", key);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.source, Decision::Source::kRedis);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_GT(denied.retry_after, 8000ms);
  EXPECT_LE(denied.retry_after, 10000ms);
  EXPECT_EQ(metrics.GetCounter("okada_ratelimit_denied_total", "", {{"class", "signin"}}).value(), 1u);
  EXPECT_FALSE(limiter.degraded());

  // One namespaced, hashed key with a TTL (the time back to a full budget: 3 × 10 s).
  const std::string redis_key = "rl:signin:" + HashKey("", key);
  redis::Reply ttl = Cmd({"PTTL", redis_key});
  ASSERT_EQ(ttl.type, redis::Reply::Type::kInteger);
  EXPECT_GT(ttl.integer, 20000);
  EXPECT_LE(ttl.integer, 30000);
  redis::Reply found = Cmd({"KEYS", "rl:signin:*"});
  for (const auto& k : found.elements) EXPECT_EQ(k.str.find("690000001"), std::string::npos) << k.str;
  // Nothing kept locally for a Redis class while Redis answers.
  EXPECT_EQ(limiter.local().size(), 0u);
}

TEST_F(RateLimitRedisTest, TwoInstancesShareOneBudget) {
  // Two clients, as two app instances would have; the second instance's clock is an hour off, which must not
  // matter (the script uses Redis TIME).
  LimiterOptions o = SignIn(RateLimit{1, 60000ms, 4});
  Limiter a(o, Fixed(client_.get()));
  Limiter b(o, Fixed(client2_.get()), nullptr, [] { return Clock::now() + 1h; });
  const std::string key = prefix_ + "shared";
  EXPECT_TRUE(Check(a, "signin", key).allowed);
  EXPECT_TRUE(Check(b, "signin", key).allowed);
  EXPECT_TRUE(Check(a, "signin", key).allowed);
  Decision last = Check(b, "signin", key);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0);
  EXPECT_FALSE(Check(a, "signin", key).allowed);
  EXPECT_FALSE(Check(b, "signin", key).allowed);
  // Another key is untouched.
  EXPECT_TRUE(Check(b, "signin", prefix_ + "other").allowed);
}

TEST_F(RateLimitRedisTest, SurvivesScriptFlush) {
  Limiter limiter(SignIn(RateLimit{1, 60000ms, 2}), Fixed(client_.get()));
  const std::string key = prefix_ + "flush";
  EXPECT_TRUE(Check(limiter, "signin", key).allowed);
  redis::Reply flushed = Cmd({"SCRIPT", "FLUSH"});
  EXPECT_EQ(flushed.str, "OK");
  Decision second = Check(limiter, "signin", key);
  EXPECT_TRUE(second.allowed);
  EXPECT_EQ(second.source, Decision::Source::kRedis);
  EXPECT_EQ(second.remaining, 0);
  Cmd({"SCRIPT", "FLUSH"});
  Decision third = Check(limiter, "signin", key);
  EXPECT_FALSE(third.allowed);
  EXPECT_EQ(third.source, Decision::Source::kRedis);
  EXPECT_FALSE(limiter.degraded());
}

TEST_F(RateLimitRedisTest, FallsBackToLocalWhileRedisIsDownThenUsesRedisAgain) {
  test::RequiredEnv("OKADA_DEV_ENV");
  Metrics metrics;
  Limiter limiter(SignIn(RateLimit{1, 60000ms, 3}), Fixed(client_.get()), &metrics);
  const std::string key = prefix_ + "outage";
  ASSERT_EQ(Check(limiter, "signin", key).source, Decision::Source::kRedis);

  const std::uint64_t errors_before = RedisErrors();
  redis_stopped_ = true;
  ASSERT_EQ(test::DevEnv("stop-redis"), 0);
  // Decisions are still made, locally, without exceptions, each within the Redis timeout (generous bound).
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    Decision d;
    ASSERT_NO_THROW(d = Check(limiter, "signin", key)) << i;
    EXPECT_LT(Clock::now() - start, 3s) << i;
    EXPECT_EQ(d.source, Decision::Source::kLocal) << i;
    allowed += d.allowed ? 1 : 0;
  }
  EXPECT_EQ(allowed, 3) << "the local limiter enforces the class's (per-instance) limit";
  // After a failure the limiter stays off Redis for `redis_retry` (300 ms) instead of paying a failed call per
  // decision: far fewer Redis attempts than decisions.
  EXPECT_GE(RedisErrors() - errors_before, 1u);
  EXPECT_LE(RedisErrors() - errors_before, 10u);
  EXPECT_TRUE(limiter.degraded());
  EXPECT_EQ(metrics.GetCounter("okada_ratelimit_fallback_total", "", {{"class", "signin"}}).value(), 20u);
  // General traffic never needed Redis.
  EXPECT_EQ(Check(limiter, "", key).source, Decision::Source::kLocal);

  ASSERT_EQ(test::DevEnv("start-redis"), 0);
  redis_stopped_ = false;
  bool back = false;
  for (auto until = Clock::now() + 15s; !back && Clock::now() < until;) {
    Decision d = Check(limiter, "signin", key);
    back = d.source == Decision::Source::kRedis;
    if (!back) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(back) << "the limiter did not go back to Redis";
  EXPECT_FALSE(limiter.degraded());
}

// --- the hook through a real server ------------------------------------------------------------------------------

http::Response Ok(http::Request&) { return http::Response::Json(R"({"ok":true})"); }

TEST(RateLimitHookServerTest, Answers429ProblemJsonWithRetryAfter) {
  log::Init("error");
  redis::Options redis_options = redis::Options::FromUrl(test::RequiredEnv("OKADA_REDIS_URL"));
  const std::string prefix = UniquePrefix();
  IoPool io(2);
  Metrics metrics;
  http::Router router;
  http::RouteOptions sensitive;
  sensitive.rate_limit_class = "signin";
  router.Add(http::Method::kPost, "/v1/auth/sign-in", http::SyncHandler(Ok), sensitive);
  router.Add(http::Method::kGet, "/v1/products", http::SyncHandler(Ok));
  http::ServerOptions so;
  so.port = 0;
  so.access_log = false;
  auto server = std::make_unique<http::Server>(so, router, metrics, io);
  auto redis = std::make_unique<redis::Redis>(io, redis_options, &metrics);
  auto limiter = std::make_shared<ShardedLimiter>(io, SignIn(RateLimit{1, 30000ms, 2}), redis.get(), &metrics);
  server->SetRateLimitHook(
      MakeRateLimitHook(limiter, [prefix](const http::Request& r) { return prefix + PrincipalOrAddress(r); }));
  io.Start();
  server->Start();

  // New connections land on both shards: the Redis budget is global, so the third sign-in is refused.
  EXPECT_EQ(test::HttpCall(server->port(), "POST", "/v1/auth/sign-in").status, 200);
  EXPECT_EQ(test::HttpCall(server->port(), "POST", "/v1/auth/sign-in").status, 200);
  auto r = test::HttpCall(server->port(), "POST", "/v1/auth/sign-in", {{"Accept-Language", "en"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  auto problem = boost::json::parse(r.body).as_object();
  EXPECT_EQ(problem["code"].as_string(), "RATE_LIMITED");
  EXPECT_EQ(problem["status"].as_int64(), 429);
  int retry_after = std::atoi(r.headers["retry-after"].c_str());
  EXPECT_GE(retry_after, 28);  // one emission interval (30 s) after a burst of 2
  EXPECT_LE(retry_after, 30);
  EXPECT_EQ(r.headers["ratelimit-limit"], "2");
  EXPECT_EQ(r.headers["ratelimit-remaining"], "0");
  EXPECT_FALSE(r.headers["x-request-id"].empty());
  // General traffic is limited separately (and generously).
  EXPECT_EQ(test::HttpCall(server->port(), "GET", "/v1/products").status, 200);

  server->BeginDrain();
  server->WaitDrained(5s);
  limiter.reset();
  redis.reset();
  io.Stop();
}

}  // namespace
}  // namespace okada::resilience
