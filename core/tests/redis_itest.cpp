// Integration tests of okada::redis against a real Redis 7 server.
//
//   OKADA_REDIS_URL  redis://host:port of the server (required: the tests fail, not skip, without it)
//   OKADA_DEV_ENV    path of scripts/dev-env, for the restart test (stop-redis / start-redis)
//
// Clients live on an IoPool shard, as in the server; calls are made with co_spawn(..., use_future). Every test
// uses its own key prefix. Coroutines are free functions (no capturing coroutine lambdas: GCC 12).

#include "okada/core/redis/redis.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"

namespace okada::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Runs `fn` and returns the ErrorCode it threw (kInternal + test failure when it threw nothing or something else).
template <typename Fn>
ErrorCode ThrownCode(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    return ErrorCode::kInternal;
  }
  ADD_FAILURE() << "no exception";
  return ErrorCode::kInternal;
}

// --- coroutines used by the tests ------------------------------------------------------------------------------

// (Commands are built outside the co_await expression: GCC 12 rejects a braced list of literals inside it.)
asio::awaitable<std::string> SetThenGet(Client* c, std::string key, std::string value) {
  std::vector<std::string> set_command{"SET", key, value, "PX", "60000"};
  Reply set = co_await c->Command(std::move(set_command));
  if (set.type != Reply::Type::kStatus || set.str != "OK") throw std::runtime_error("SET failed: " + set.str);
  std::vector<std::string> get_command{"GET", key};
  Reply get = co_await c->Command(std::move(get_command));
  if (get.type != Reply::Type::kString) throw std::runtime_error("GET did not return a string");
  co_return get.str;
}

asio::awaitable<Reply> CommandOn(Redis* r, std::vector<std::string> args) {
  co_return co_await r->Local().Command(std::move(args));
}

asio::awaitable<std::uintptr_t> LocalClientAddress(Redis* r) {
  co_return reinterpret_cast<std::uintptr_t>(&r->Local());
}

// --- fixture ---------------------------------------------------------------------------------------------------

class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string url = EnvOrEmpty("OKADA_REDIS_URL");
    ASSERT_FALSE(url.empty()) << "OKADA_REDIS_URL is not set. Start a Redis 7 (scripts/dev-env start) and export "
                                 "OKADA_REDIS_URL=redis://127.0.0.1:PORT (eval \"$(scripts/dev-env env)\").";
    options_ = Options::FromUrl(url);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = "okada-itest:" + std::string(info->test_suite_name()) + "." + info->name() + ":" +
              std::to_string(::getpid()) + ":" + std::to_string(Clock::now().time_since_epoch().count()) + ":";
    io_.Start();
    started_ = true;
    client_ = std::make_unique<Client>(ctx(), options_);
  }

  void TearDown() override {
    if (!started_) return;
    // Destroyed on their own shard thread, as the server does it.
    io_.RunOnEach([this](std::size_t) {
      client_.reset();
      subscriber_.reset();
    });
    io_.Stop();
  }

  asio::io_context& ctx() { return io_.context(0); }
  std::string Key(std::string_view name) const { return prefix_ + std::string(name); }

  template <typename T>
  T Run(asio::awaitable<T> a) {
    return asio::co_spawn(ctx(), std::move(a), asio::use_future).get();
  }
  template <typename T>
  std::future<T> Spawn(asio::awaitable<T> a) {
    return asio::co_spawn(ctx(), std::move(a), asio::use_future);
  }
  Reply Cmd(std::vector<std::string> args, std::optional<Deadline> deadline = {}) {
    return Run(client_->Command(std::move(args), deadline));
  }

  IoPool io_{1};
  bool started_ = false;
  Options options_;
  std::string prefix_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Subscriber> subscriber_;
};

// --- no server needed ------------------------------------------------------------------------------------------

TEST(RedisOptionsTest, FromUrl) {
  Options a = Options::FromUrl("redis://cache.internal:6380");
  EXPECT_EQ(a.host, "cache.internal");
  EXPECT_EQ(a.port, 6380);
  Options b = Options::FromUrl("redis://127.0.0.1");
  EXPECT_EQ(b.host, "127.0.0.1");
  EXPECT_EQ(b.port, 6379);
  Options c = Options::FromUrl("redis://[::1]:7000/");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 7000);
  for (const char* bad :
       {"", "127.0.0.1:6379", "http://h:1", "rediss://h:1", "redis://", "redis://:6379", "redis://h:", "redis://h:0",
        "redis://h:65536", "redis://h:12x", "redis://u:p@h:1", "redis://h:1/2", "redis://h:1?db=2", "redis://[::1"}) {
    EXPECT_THROW(Options::FromUrl(bad), std::invalid_argument) << bad;
  }
  try {
    Options::FromUrl("redis://h:abc");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos) << e.what();
  }
}

TEST(RedisScriptTest, Sha1IsLowercaseHex) {
  EXPECT_EQ(Script("return 1").sha1, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");  // as SCRIPT LOAD answers
  EXPECT_EQ(Script("").sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

// --- against Redis -----------------------------------------------------------------------------------------------

TEST_F(RedisTest, SetGetRoundTrip) {
  EXPECT_EQ(Run(SetThenGet(client_.get(), Key("k"), "hello")), "hello");
  EXPECT_TRUE(client_->connected());

  Reply missing = Cmd({"GET", Key("missing")});
  EXPECT_TRUE(missing.is_nil());
  Reply ping = Cmd({"PING"});
  EXPECT_EQ(ping.type, Reply::Type::kStatus);
  EXPECT_EQ(ping.str, "PONG");
}

TEST_F(RedisTest, BinarySafeKeysAndValues) {
  const std::string value("a\0b\r\n\xff\0", 7);
  const std::string key = Key(std::string("bin\0key", 7));
  EXPECT_EQ(Run(SetThenGet(client_.get(), key, value)), value);
  Reply len = Cmd({"STRLEN", key});
  EXPECT_EQ(len.type, Reply::Type::kInteger);
  EXPECT_EQ(len.integer, 7);
  // The key with the NUL is not the key cut at the NUL.
  EXPECT_TRUE(Cmd({"GET", Key("bin")}).is_nil());
  // Empty strings are values too.
  EXPECT_EQ(Run(SetThenGet(client_.get(), Key("empty"), "")), "");
}

TEST_F(RedisTest, ErrorReplyIsReturnedNotThrown) {
  Cmd({"SET", Key("s"), "not a number"});
  Reply r = Cmd({"INCR", Key("s")});
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.str.rfind("ERR", 0), 0u) << r.str;

  Reply unknown = Cmd({"NO-SUCH-COMMAND", "x"});
  EXPECT_TRUE(unknown.is_error());
  // The connection is fine afterwards.
  EXPECT_EQ(Cmd({"PING"}).str, "PONG");
  EXPECT_TRUE(client_->connected());
}

TEST_F(RedisTest, ArrayAndIntegerReplies) {
  Reply n = Cmd({"RPUSH", Key("list"), "a", "", std::string("c\0", 2)});
  EXPECT_EQ(n.type, Reply::Type::kInteger);
  EXPECT_EQ(n.integer, 3);
  Reply list = Cmd({"LRANGE", Key("list"), "0", "-1"});
  ASSERT_EQ(list.type, Reply::Type::kArray);
  ASSERT_EQ(list.elements.size(), 3u);
  EXPECT_EQ(list.elements[0].str, "a");
  EXPECT_EQ(list.elements[1].str, "");
  EXPECT_EQ(list.elements[2].str, std::string("c\0", 2));
  Reply mget = Cmd({"MGET", Key("nope"), Key("list2")});
  ASSERT_EQ(mget.elements.size(), 2u);
  EXPECT_TRUE(mget.elements[0].is_nil());
  Reply empty = Cmd({"LRANGE", Key("none"), "0", "-1"});
  EXPECT_EQ(empty.type, Reply::Type::kArray);
  EXPECT_TRUE(empty.elements.empty());
}

TEST_F(RedisTest, PipelineKeepsOrder) {
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 100; ++i) commands.push_back({"INCR", Key("counter")});
  commands.push_back({"GET", Key("counter")});
  std::vector<Reply> replies = Run(client_->Pipeline(commands));
  ASSERT_EQ(replies.size(), 101u);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(replies[i].type, Reply::Type::kInteger);
    EXPECT_EQ(replies[i].integer, i + 1);
  }
  EXPECT_EQ(replies[100].str, "100");
  EXPECT_TRUE(Run(client_->Pipeline({})).empty());
}

TEST_F(RedisTest, LargeValuesAndReplies) {
  // Replies far larger than hiredis's 16 KB read chunk: the socket must be read until drained.
  std::string big(4 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  EXPECT_EQ(Run(SetThenGet(client_.get(), Key("big"), big)), big);
  std::vector<std::vector<std::string>> gets(20, std::vector<std::string>{"GETRANGE", Key("big"), "0", "262143"});
  std::vector<Reply> replies = Run(client_->Pipeline(gets, DeadlineIn(5s)));
  ASSERT_EQ(replies.size(), 20u);
  for (const auto& r : replies) EXPECT_EQ(r.str, big.substr(0, 262144));
}

TEST_F(RedisTest, ManyConcurrentCallsOnOneConnection) {
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < 50; ++i)
    results.push_back(Spawn(SetThenGet(client_.get(), Key("c" + std::to_string(i)), "v" + std::to_string(i))));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(results[i].get(), "v" + std::to_string(i));
}

TEST_F(RedisTest, EvalAndNoScriptRecovery) {
  const Script script(
      "redis.call('SET', KEYS[1], ARGV[1]) "
      "return {redis.call('GET', KEYS[1]), 42, {ARGV[2]}}");
  auto check = [&](const Reply& r) {
    ASSERT_EQ(r.type, Reply::Type::kArray) << r.str;
    ASSERT_EQ(r.elements.size(), 3u);
    EXPECT_EQ(r.elements[0].str, std::string("v\0", 2));
    EXPECT_EQ(r.elements[1].integer, 42);
    ASSERT_EQ(r.elements[2].elements.size(), 1u);
    EXPECT_EQ(r.elements[2].elements[0].str, "nested");
  };
  check(Run(client_->Eval(script, {Key("e")}, {std::string("v\0", 2), "nested"})));
  // Our SHA-1 is the one Redis computes.
  Reply exists = Cmd({"SCRIPT", "EXISTS", script.sha1});
  ASSERT_EQ(exists.elements.size(), 1u);
  EXPECT_EQ(exists.elements[0].integer, 1);

  // Empty the script cache (as a Redis restart does): EVALSHA answers NOSCRIPT, Eval loads and retries.
  EXPECT_EQ(Cmd({"SCRIPT", "FLUSH"}).str, "OK");
  check(Run(client_->Eval(script, {Key("e")}, {std::string("v\0", 2), "nested"})));

  // A script error is an error reply.
  Reply bad = Run(client_->Eval(Script("return redis.call('INCR', KEYS[1])"), {Key("e")}, {}));
  EXPECT_TRUE(bad.is_error());
}

TEST_F(RedisTest, DeadlineDropsStuckCommandThenRecovers) {
  Cmd({"PING"});
  auto start = Clock::now();
  EXPECT_EQ(ThrownCode([&] { Cmd({"BLPOP", Key("never"), "2"}, DeadlineIn(100ms)); }), ErrorCode::kCacheUnavailable);
  EXPECT_LT(Since(start), 1000ms);
  // A new connection is made by the next call.
  EXPECT_EQ(Run(SetThenGet(client_.get(), Key("after"), "ok")), "ok");
  EXPECT_TRUE(client_->connected());
}

TEST_F(RedisTest, PendingCallsFailWhenConnectionIsDropped) {
  Cmd({"PING"});
  auto start = Clock::now();
  // BLPOP blocks the connection; the GETs queue behind it. When BLPOP times out the connection is dropped and
  // every queued call completes at once with an error, long before its own 5 s deadline.
  auto blocked = Spawn(client_->Command({"BLPOP", Key("never"), "3"}, DeadlineIn(150ms)));
  std::vector<std::future<Reply>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(Spawn(client_->Command({"GET", Key("x")}, DeadlineIn(5s))));
  EXPECT_EQ(ThrownCode([&] { blocked.get(); }), ErrorCode::kCacheUnavailable);
  for (auto& f : queued) EXPECT_EQ(ThrownCode([&] { f.get(); }), ErrorCode::kCacheUnavailable);
  EXPECT_LT(Since(start), 1500ms);
  EXPECT_EQ(Cmd({"PING"}).str, "PONG");
}

TEST_F(RedisTest, DestroyingTheClientFailsPendingCalls) {
  Cmd({"PING"});
  auto start = Clock::now();
  auto pending = Spawn(client_->Command({"BLPOP", Key("never"), "3"}, DeadlineIn(5s)));
  std::this_thread::sleep_for(50ms);
  io_.RunOnEach([this](std::size_t) { client_.reset(); });  // on its shard thread
  EXPECT_EQ(ThrownCode([&] { pending.get(); }), ErrorCode::kCacheUnavailable);

  // Destroyed from another thread while its shard runs: the shutdown is handed to the shard.
  auto other = std::make_unique<Client>(ctx(), options_);
  Run(other->Command({"PING"}));
  auto pending2 = Spawn(other->Command({"BLPOP", Key("never"), "3"}, DeadlineIn(5s)));
  std::this_thread::sleep_for(50ms);
  other.reset();
  EXPECT_EQ(ThrownCode([&] { pending2.get(); }), ErrorCode::kCacheUnavailable);
  EXPECT_LT(Since(start), 1500ms);
}

TEST_F(RedisTest, PastDeadlineFailsWithoutSending) {
  EXPECT_EQ(ThrownCode([&] { Cmd({"SET", Key("late"), "1"}, Clock::now() - 1ms); }), ErrorCode::kCacheUnavailable);
  EXPECT_TRUE(Cmd({"GET", Key("late")}).is_nil());
}

TEST_F(RedisTest, UnreachableServerFailsFast) {
  // A port nobody listens on: bind one, then close it.
  std::uint16_t port = 0;
  {
    asio::io_context tmp;
    tcp::acceptor a(tmp, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  Options o = options_;
  o.host = "127.0.0.1";
  o.port = port;
  auto refused = std::make_unique<Client>(ctx(), o);
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    EXPECT_EQ(ThrownCode([&] { Run(refused->Command({"PING"}, DeadlineIn(3s))); }), ErrorCode::kCacheUnavailable);
    EXPECT_LT(Since(start), 1000ms);
  }
  EXPECT_FALSE(refused->connected());
  io_.RunOnEach([&](std::size_t) { refused.reset(); });
}

TEST_F(RedisTest, SilentServerTimesOut) {
  // Accepts TCP connections and never answers: only our timers can end the call.
  asio::io_context server_ctx;
  tcp::acceptor acceptor(server_ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Options o = options_;
  o.host = "127.0.0.1";
  o.port = acceptor.local_endpoint().port();
  auto client = std::make_unique<Client>(ctx(), o);
  auto start = Clock::now();
  EXPECT_EQ(ThrownCode([&] { Run(client->Command({"PING"}, DeadlineIn(200ms))); }), ErrorCode::kCacheUnavailable);
  EXPECT_LT(Since(start), 1000ms);
  EXPECT_GE(Since(start), 150ms);
  io_.RunOnEach([&](std::size_t) { client.reset(); });
}

TEST_F(RedisTest, ConnectTimeoutBoundsTheCall) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so our connect hangs until
  // connect_timeout closes it.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(50ms);

  Options o = options_;
  o.host = "127.0.0.1";
  o.port = ntohs(addr.sin_port);
  o.connect_timeout = 200ms;
  auto client = std::make_unique<Client>(ctx(), o);
  auto start = Clock::now();
  try {
    Run(client->Command({"PING"}, DeadlineIn(5s)));
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCacheUnavailable);
    EXPECT_NE(e.detail().find("connect timed out"), std::string::npos) << e.detail();
  }
  EXPECT_GE(Since(start), 150ms);
  EXPECT_LT(Since(start), 1500ms);
  EXPECT_FALSE(client->connected());
  io_.RunOnEach([&](std::size_t) { client.reset(); });
  for (int fd : fillers) ::close(fd);
  ::close(listener);
}

TEST_F(RedisTest, PubSub) {
  subscriber_ = std::make_unique<Subscriber>(ctx(), options_);
  const std::string channel = Key("chan");
  const std::string other = Key("other");
  Run(subscriber_->Subscribe({channel, other}));

  const std::string payload("pay\0load", 8);
  Reply receivers = Cmd({"PUBLISH", channel, payload});
  EXPECT_EQ(receivers.integer, 1);
  std::optional<Message> m = Run(subscriber_->Next(DeadlineIn(2s)));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->channel, channel);
  EXPECT_EQ(m->payload, payload);

  // Queued in order.
  Cmd({"PUBLISH", other, "1"});
  Cmd({"PUBLISH", channel, "2"});
  m = Run(subscriber_->Next(DeadlineIn(2s)));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->channel, other);
  EXPECT_EQ(m->payload, "1");
  m = Run(subscriber_->Next(DeadlineIn(2s)));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload, "2");

  // Nothing pending: Next returns at its deadline.
  auto start = Clock::now();
  EXPECT_FALSE(Run(subscriber_->Next(DeadlineIn(200ms))).has_value());
  EXPECT_GE(Since(start), 150ms);

  Run(subscriber_->Unsubscribe({channel}));
  EXPECT_EQ(Cmd({"PUBLISH", channel, "gone"}).integer, 0);
  Cmd({"PUBLISH", other, "still"});
  m = Run(subscriber_->Next(DeadlineIn(2s)));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload, "still");

  // Close ends Next at once.
  io_.RunOnEach([this](std::size_t) { subscriber_->Close(); });
  start = Clock::now();
  EXPECT_FALSE(Run(subscriber_->Next(DeadlineIn(2s))).has_value());
  EXPECT_LT(Since(start), 500ms);
}

TEST_F(RedisTest, Metrics) {
  Metrics metrics;
  auto client = std::make_unique<Client>(ctx(), options_, &metrics);
  Run(client->Pipeline({{"PING"}, {"PING"}, {"PING"}}));
  EXPECT_EQ(ThrownCode([&] {
              Run(client->Command({"BLPOP", Key("never"), "2"}, DeadlineIn(50ms)));
            }),
            ErrorCode::kCacheUnavailable);
  Run(client->Command({"PING"}));
  std::string text = metrics.Render();
  EXPECT_NE(text.find("okada_redis_commands_total 5"), std::string::npos) << text;
  EXPECT_NE(text.find("okada_redis_errors_total{kind=\"timeout\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("okada_redis_connected "), std::string::npos) << text;
  EXPECT_EQ(text.find("okada_redis_connected 0"), std::string::npos) << text;
  io_.RunOnEach([&](std::size_t) { client.reset(); });
}

TEST(RedisFacadeTest, OneClientPerShard) {
  std::string url = EnvOrEmpty("OKADA_REDIS_URL");
  ASSERT_FALSE(url.empty()) << "OKADA_REDIS_URL is not set";
  IoPool io(2);
  io.Start();
  auto redis = std::make_unique<Redis>(io, Options::FromUrl(url));
  std::set<std::uintptr_t> addresses;
  for (std::size_t i = 0; i < io.size(); ++i) {
    addresses.insert(asio::co_spawn(io.context(i), LocalClientAddress(redis.get()), asio::use_future).get());
    Reply r = asio::co_spawn(io.context(i), CommandOn(redis.get(), {"PING"}), asio::use_future).get();
    EXPECT_EQ(r.str, "PONG");
  }
  EXPECT_EQ(addresses.size(), 2u);
  // Off the I/O threads, Local() is shard 0's client.
  EXPECT_EQ(asio::co_spawn(io.context(0), LocalClientAddress(redis.get()), asio::use_future).get(),
            reinterpret_cast<std::uintptr_t>(&redis->Local()));
  // Destroyed from this (non-I/O) thread while the shards run: each client's shutdown runs on its shard.
  redis.reset();
  io.Stop();
}

// --- Redis restart -----------------------------------------------------------------------------------------------

class RedisRestartTest : public RedisTest {
 protected:
  void StopRedis() {
    stopped_ = true;
    RunDevEnv("stop-redis");
  }
  void StartRedis() {
    RunDevEnv("start-redis");
    stopped_ = false;
  }
  void TearDown() override {
    if (stopped_) StartRedis();  // never leave the server down for the next tests
    RedisTest::TearDown();
  }

 private:
  void RunDevEnv(const char* command) {
    std::string dev_env = EnvOrEmpty("OKADA_DEV_ENV");
    ASSERT_FALSE(dev_env.empty()) << "OKADA_DEV_ENV is not set (path of scripts/dev-env)";
    std::string line = "'" + dev_env + "' " + command + " >/dev/null";
    ASSERT_EQ(std::system(line.c_str()), 0) << line;
  }
  bool stopped_ = false;
};

TEST_F(RedisRestartTest, ClientAndSubscriberSurviveRestart) {
  ASSERT_FALSE(EnvOrEmpty("OKADA_DEV_ENV").empty()) << "OKADA_DEV_ENV is not set (path of scripts/dev-env)";
  const Script script("return ARGV[1]");
  const std::string channel = Key("chan");
  subscriber_ = std::make_unique<Subscriber>(ctx(), options_);
  Run(subscriber_->Subscribe({channel}));
  EXPECT_EQ(Run(SetThenGet(client_.get(), Key("k"), "before")), "before");
  EXPECT_EQ(Run(client_->Eval(script, {}, {"x"})).str, "x");

  ASSERT_NO_FATAL_FAILURE(StopRedis());
  // Down: calls fail with CACHE_UNAVAILABLE, each within its bounds (no hang).
  int failures = 0;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    try {
      Cmd({"PING"}, DeadlineIn(500ms));
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCacheUnavailable);
      ++failures;
    }
    EXPECT_LT(Since(start), 1500ms);
  }
  EXPECT_GE(failures, 4);  // the first may have raced the shutdown
  EXPECT_FALSE(client_->connected());
  auto start = Clock::now();
  EXPECT_FALSE(Run(subscriber_->Next(DeadlineIn(300ms))).has_value());
  EXPECT_LT(Since(start), 1500ms);
  // A new subscription cannot be confirmed: Subscribe fails within connect_timeout + timeout.
  auto late = std::make_unique<Subscriber>(ctx(), options_);
  start = Clock::now();
  EXPECT_EQ(ThrownCode([&] { Run(late->Subscribe({Key("late")})); }), ErrorCode::kCacheUnavailable);
  EXPECT_LT(Since(start), options_.connect_timeout + options_.timeout + 500ms);
  io_.RunOnEach([&](std::size_t) { late.reset(); });

  ASSERT_NO_FATAL_FAILURE(StartRedis());
  // The client reconnects by itself on the next calls.
  bool recovered = false;
  for (auto until = Clock::now() + 10s; !recovered && Clock::now() < until;) {
    try {
      recovered = Run(SetThenGet(client_.get(), Key("k"), "after")) == "after";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCacheUnavailable);
      std::this_thread::sleep_for(100ms);
    }
  }
  ASSERT_TRUE(recovered) << "client did not recover within 10 s";
  EXPECT_TRUE(client_->connected());
  // The restarted server lost its script cache: Eval reloads the script.
  EXPECT_EQ(Run(client_->Eval(script, {}, {"y"})).str, "y");

  // The subscriber re-subscribes from Next(); publish until it hears one.
  bool heard = false;
  for (auto until = Clock::now() + 10s; !heard && Clock::now() < until;) {
    Cmd({"PUBLISH", channel, "back"});
    std::optional<Message> m = Run(subscriber_->Next(DeadlineIn(200ms)));
    heard = m && m->channel == channel && m->payload == "back";
  }
  EXPECT_TRUE(heard) << "subscriber did not receive a message within 10 s of the restart";
}

}  // namespace
}  // namespace okada::redis
