// Client tests against a small Beast server running in its own io_context thread. The client runs in another
// io_context thread, as it would on a shard; calls are made with co_spawn(..., use_future).

#include "okada/core/http/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "okada/core/errors.hpp"

namespace okada::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

enum class Behavior {
  kNormal,         // answers every request, honours keep-alive
  kCloseWhenIdle,  // answers with keep-alive, then closes the connection (a server-side idle timeout)
  kDropSecond,     // answers the first request of a connection; reads the second and closes without answering
  kSilent,         // reads requests and never answers
  kOversize,       // answers with a 4 KiB body
  kAnswerOnce,     // answers the very first request; reads every later one and closes without answering
};

struct TestServer;
asio::awaitable<void> AcceptLoop(TestServer* s);

struct TestServer {
  explicit TestServer(Behavior b, std::chrono::milliseconds delay = 0ms, std::string_view address = "127.0.0.1")
      : behavior(b), answer_delay(delay), acceptor(ioc, tcp::endpoint(asio::ip::make_address(address), 0)) {
    port = acceptor.local_endpoint().port();
    asio::co_spawn(ioc, AcceptLoop(this), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }
  ~TestServer() {
    ioc.stop();
    thread.join();
  }

  std::string Url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(target);
  }
  std::vector<bhttp::request<bhttp::string_body>> Seen() {
    std::lock_guard lock(mu);
    return seen;
  }

  Behavior behavior;
  std::chrono::milliseconds answer_delay;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::atomic<int> connections{0};
  std::atomic<int> closed{0};
  std::atomic<int> answered{0};
  std::mutex mu;
  std::vector<bhttp::request<bhttp::string_body>> seen;
  std::thread thread;
};

asio::awaitable<void> Serve(TestServer* s, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (int index = 0;; ++index) {
    bhttp::request<bhttp::string_body> req;
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, kTuple);
    if (ec) break;
    {
      std::lock_guard lock(s->mu);
      s->seen.push_back(req);
    }
    if (s->behavior == Behavior::kSilent) continue;  // the next read ends when the client gives up
    if (s->behavior == Behavior::kDropSecond && index == 1) break;
    if (s->behavior == Behavior::kAnswerOnce && s->answered.load() > 0) break;
    if (s->answer_delay.count() > 0) {
      asio::steady_timer timer(stream.get_executor(), s->answer_delay);
      co_await timer.async_wait(kTuple);
    }
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::content_type, "text/plain");
    res.set("X-Seen-Method", req.method_string());
    if (s->behavior == Behavior::kOversize) {
      res.body() = std::string(4096, 'x');
    } else if (req.method() == bhttp::verb::post) {
      res.body() = "echo:" + req.body();
    } else {
      res.body() = "hello " + std::string(req.target());
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    if (req.method() == bhttp::verb::head) res.body().clear();  // keeps the Content-Length of the GET answer
    s->answered.fetch_add(1);
    auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
    if (wec || !req.keep_alive() || s->behavior == Behavior::kCloseWhenIdle) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
  s->closed.fetch_add(1);
}

asio::awaitable<void> AcceptLoop(TestServer* s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(kTuple);
    if (ec) co_return;
    s->connections.fetch_add(1);
    asio::co_spawn(s->ioc, Serve(s, std::move(socket)), asio::detached);
  }
}

// The client side: its own io_context thread, like a shard.
class ClientHarness {
 public:
  explicit ClientHarness(ClientOptions options = {})
      : guard_(asio::make_work_guard(ioc_)), client_(ioc_, options), thread_([this] { ioc_.run(); }) {}
  ~ClientHarness() {
    guard_.reset();
    ioc_.stop();
    thread_.join();
  }

  std::future<ClientResponse> SendAsync(ClientRequest request) {
    return asio::co_spawn(ioc_, client_.Send(std::move(request)), asio::use_future);
  }
  ClientResponse Send(ClientRequest request) { return SendAsync(std::move(request)).get(); }

  // Read on the client's thread: the pool is not meant to be touched from elsewhere.
  std::size_t IdleConnections() {
    std::promise<std::size_t> p;
    asio::post(ioc_, [&] { p.set_value(client_.idle_connections()); });
    return p.get_future().get();
  }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  Client client_;
  std::thread thread_;
};

ClientRequest Get(std::string url) {
  ClientRequest r;
  r.url = std::move(url);
  r.deadline = DeadlineIn(5000ms);
  return r;
}

ClientRequest Post(std::string url, std::string body) {
  ClientRequest r = Get(std::move(url));
  r.method = Method::kPost;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

// Runs `f`, expecting an okada::Error with `code`; returns its detail.
std::string ExpectError(const std::function<void()>& f, ErrorCode code) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.detail();
    return e.detail();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no exception";
  return {};
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 2000ms) {
  auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

TEST(HttpClient, GetReturnsStatusHeadersAndBody) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/v1/ping?x=1&y=%C3%A9"));
  req.headers.emplace_back("Accept", "text/plain");
  req.request_id = "req-123";
  req.deadline = DeadlineIn(2000ms);
  ClientResponse res = client.Send(std::move(req));

  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello /v1/ping?x=1&y=%C3%A9");
  EXPECT_EQ(res.header("content-type"), "text/plain");  // case-insensitive
  EXPECT_EQ(res.header("X-Seen-Method"), "GET");
  EXPECT_EQ(res.header("X-Absent"), "");

  auto seen = server.Seen();
  ASSERT_EQ(seen.size(), 1u);
  const auto& r = seen[0];
  EXPECT_EQ(r.method(), bhttp::verb::get);
  EXPECT_EQ(r["Host"], "127.0.0.1:" + std::to_string(server.port));
  EXPECT_EQ(r["User-Agent"], "okada");
  EXPECT_EQ(r["Accept"], "text/plain");
  EXPECT_EQ(r["X-Request-Id"], "req-123");
  ASSERT_NE(r.find("X-Deadline-Ms"), r.end());
  int deadline_ms = std::stoi(std::string(r["X-Deadline-Ms"]));
  EXPECT_GT(deadline_ms, 0);
  EXPECT_LE(deadline_ms, 2000);
  EXPECT_EQ(r.find(bhttp::field::content_length), r.end());  // no body, no length
}

TEST(HttpClient, PostBodyRoundTrip) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientResponse res = client.Send(Post(server.Url("/v1/orders"), R"({"items":[1,2]})"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"(echo:{"items":[1,2]})");
  auto seen = server.Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method(), bhttp::verb::post);
  EXPECT_EQ(seen[0]["Content-Length"], "15");
  EXPECT_EQ(seen[0]["Content-Type"], "application/json");
  EXPECT_EQ(seen[0].find("X-Request-Id"), seen[0].end());  // not set by the caller
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  EXPECT_EQ(client.IdleConnections(), 0u);
  EXPECT_EQ(client.Send(Get(server.Url("/a"))).body, "hello /a");
  EXPECT_EQ(client.IdleConnections(), 1u);
  EXPECT_EQ(client.Send(Get(server.Url("/b"))).body, "hello /b");
  EXPECT_EQ(client.IdleConnections(), 1u);
  EXPECT_EQ(server.connections.load(), 1);
  EXPECT_EQ(server.Seen().size(), 2u);
}

TEST(HttpClient, ConnectionCloseAnswerIsNotPooled) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/a"));
  req.headers.emplace_back("Connection", "close");
  EXPECT_EQ(client.Send(std::move(req)).status, 200);
  EXPECT_EQ(client.IdleConnections(), 0u);
}

TEST(HttpClient, HeadDoesNotWaitForABody) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/abc"));
  req.method = Method::kHead;
  req.deadline = DeadlineIn(2000ms);
  ClientResponse res = client.Send(std::move(req));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.header("Content-Length"), "10");
  // The connection is still in step: the next call reuses it.
  EXPECT_EQ(client.Send(Get(server.Url("/abc"))).body, "hello /abc");
  EXPECT_EQ(server.connections.load(), 1);
}

TEST(HttpClient, IdleTimeoutClosesPooledConnection) {
  TestServer server(Behavior::kNormal);
  ClientOptions options;
  options.idle_timeout = 50ms;
  ClientHarness client(options);
  client.Send(Get(server.Url("/a")));
  EXPECT_EQ(client.IdleConnections(), 1u);
  std::this_thread::sleep_for(120ms);
  client.Send(Get(server.Url("/b")));
  EXPECT_EQ(server.connections.load(), 2);
  EXPECT_EQ(client.IdleConnections(), 1u);
}

TEST(HttpClient, PoolKeepsAtMostMaxIdlePerHost) {
  TestServer server(Behavior::kNormal, 100ms);  // the delay makes the calls overlap: two connections
  ClientOptions options;
  options.max_idle_per_host = 1;
  ClientHarness client(options);
  auto a = client.SendAsync(Get(server.Url("/a")));
  auto b = client.SendAsync(Get(server.Url("/b")));
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(b.get().status, 200);
  EXPECT_EQ(server.connections.load(), 2);
  EXPECT_EQ(client.IdleConnections(), 1u);
}

TEST(HttpClient, NoPoolingWhenMaxIdleIsZero) {
  TestServer server(Behavior::kNormal);
  ClientOptions options;
  options.max_idle_per_host = 0;
  ClientHarness client(options);
  client.Send(Get(server.Url("/a")));
  client.Send(Get(server.Url("/b")));
  EXPECT_EQ(client.IdleConnections(), 0u);
  EXPECT_EQ(server.connections.load(), 2);
}

// The server read the request on the reused connection and closed it without answering (its idle timeout
// racing our request). GET is idempotent: one retry on a fresh connection.
TEST(HttpClient, RetriesGetWhenReusedConnectionClosesBeforeAnswer) {
  TestServer server(Behavior::kDropSecond);
  ClientHarness client;
  EXPECT_EQ(client.Send(Get(server.Url("/a"))).body, "hello /a");
  EXPECT_EQ(client.IdleConnections(), 1u);
  EXPECT_EQ(client.Send(Get(server.Url("/b"))).body, "hello /b");
  EXPECT_EQ(server.connections.load(), 2);
  EXPECT_EQ(server.Seen().size(), 3u);  // /a, /b dropped, /b retried
}

// Same situation with POST: the server may have acted on the request, so it is never sent twice.
TEST(HttpClient, NeverRetriesPostWhenReusedConnectionClosesBeforeAnswer) {
  TestServer server(Behavior::kDropSecond);
  ClientHarness client;
  EXPECT_EQ(client.Send(Post(server.Url("/pay"), "{}")).status, 200);
  EXPECT_EQ(client.IdleConnections(), 1u);
  std::string detail =
      ExpectError([&] { client.Send(Post(server.Url("/pay"), "{}")); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_NE(detail.find("not retried"), std::string::npos) << detail;
  EXPECT_EQ(server.connections.load(), 1);
  EXPECT_EQ(server.Seen().size(), 2u);
  EXPECT_EQ(client.IdleConnections(), 0u);
}

// A retry happens at most once: when the fresh connection also closes without answering, the call fails.
TEST(HttpClient, RetriesAtMostOnce) {
  TestServer server(Behavior::kAnswerOnce);
  ClientHarness client;
  EXPECT_EQ(client.Send(Get(server.Url("/a"))).status, 200);
  ExpectError([&] { client.Send(Get(server.Url("/b"))); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_EQ(server.connections.load(), 2);
  EXPECT_EQ(server.Seen().size(), 3u);  // /a, /b on the reused connection, /b once more on a fresh one
}

// A fresh connection that closes without answering is a broken server, not a stale connection: no retry.
TEST(HttpClient, NoRetryOnFreshConnection) {
  TestServer server(Behavior::kAnswerOnce);
  ClientOptions options;
  options.max_idle_per_host = 0;
  ClientHarness client(options);
  EXPECT_EQ(client.Send(Get(server.Url("/a"))).status, 200);
  ExpectError([&] { client.Send(Get(server.Url("/b"))); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_EQ(server.connections.load(), 2);
  EXPECT_EQ(server.Seen().size(), 2u);
}

// The server closed the idle connection and its FIN has arrived: the pool notices before sending anything,
// so even POST goes out safely on a fresh connection.
TEST(HttpClient, ReconnectsWhenServerClosedIdleConnection) {
  TestServer server(Behavior::kCloseWhenIdle);
  ClientHarness client;
  EXPECT_EQ(client.Send(Get(server.Url("/a"))).body, "hello /a");
  ASSERT_TRUE(WaitFor([&] { return server.closed.load() == 1; }));
  std::this_thread::sleep_for(20ms);  // let the FIN reach the client's socket
  EXPECT_EQ(client.Send(Post(server.Url("/b"), "x")).body, "echo:x");
  ASSERT_TRUE(WaitFor([&] { return server.closed.load() == 2; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(client.Send(Get(server.Url("/c"))).body, "hello /c");
  EXPECT_EQ(server.connections.load(), 3);
  EXPECT_EQ(server.Seen().size(), 3u);  // nothing was sent on a dead connection
}

TEST(HttpClient, DeadlineExceededWhenServerNeverAnswers) {
  TestServer server(Behavior::kSilent);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/slow"));
  req.deadline = DeadlineIn(300ms);
  auto start = Clock::now();
  ExpectError([&] { client.Send(std::move(req)); }, ErrorCode::kDeadlineExceeded);
  auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 10s);  // a hang check, not a speed check
  EXPECT_EQ(client.IdleConnections(), 0u);
  // The timed-out connection was closed, not leaked: the server sees it end.
  EXPECT_TRUE(WaitFor([&] { return server.closed.load() == 1; }));
}

TEST(HttpClient, PastDeadlineFailsWithoutIo) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/x"));
  req.deadline = Clock::now() - 1ms;
  ExpectError([&] { client.Send(std::move(req)); }, ErrorCode::kDeadlineExceeded);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server.connections.load(), 0);
}

TEST(HttpClient, ConnectionRefused) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  ClientHarness client;
  std::string detail = ExpectError([&] { client.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/x")); },
                                   ErrorCode::kUpstreamUnavailable);
  EXPECT_NE(detail.find("connecting"), std::string::npos) << detail;
}

TEST(HttpClient, OversizeResponseIsRejected) {
  TestServer server(Behavior::kOversize);
  ClientOptions options;
  options.max_response_bytes = 1024;
  ClientHarness client(options);
  std::string detail = ExpectError([&] { client.Send(Get(server.Url("/big"))); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_NE(detail.find("exceeds 1024 bytes"), std::string::npos) << detail;
  EXPECT_EQ(client.IdleConnections(), 0u);
}

TEST(HttpClient, ResponseAtTheLimitIsAccepted) {
  TestServer server(Behavior::kOversize);
  ClientOptions options;
  options.max_response_bytes = 4096;
  ClientHarness client(options);
  EXPECT_EQ(client.Send(Get(server.Url("/big"))).body.size(), 4096u);
}

TEST(HttpClient, UnsupportedUrlsAreRejected) {
  ClientHarness client;
  std::string detail = ExpectError([&] { client.Send(Get("ftp://example.com/x")); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_NE(detail.find("unsupported URL scheme 'ftp'"), std::string::npos) << detail;
  ExpectError([&] { client.Send(Get("not a url")); }, ErrorCode::kUpstreamUnavailable);
  ExpectError([&] { client.Send(Get("http://user:secret@127.0.0.1:1/x")); }, ErrorCode::kUpstreamUnavailable);
  ExpectError([&] { client.Send(Get("http://127.0.0.1:99999/x")); }, ErrorCode::kUpstreamUnavailable);
}

TEST(HttpClient, HeaderInjectionIsRefusedBeforeSending) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  ClientRequest req = Get(server.Url("/x"));
  req.headers.emplace_back("X-Note", "a\r\nX-Evil: 1");
  ExpectError([&] { client.Send(std::move(req)); }, ErrorCode::kInternal);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server.connections.load(), 0);
}

TEST(HttpClient, ResolvesHostNames) {
  TestServer server(Behavior::kNormal);
  ClientHarness client;
  // localhost may resolve to ::1 first; the server only listens on IPv4, so this also covers trying the next
  // resolved address.
  ClientResponse res = client.Send(Get("http://localhost:" + std::to_string(server.port) + "/named"));
  EXPECT_EQ(res.body, "hello /named");
  EXPECT_EQ(server.Seen().at(0)["Host"], "localhost:" + std::to_string(server.port));
}

TEST(HttpClient, Ipv6Literal) {
  std::unique_ptr<TestServer> server;
  try {
    server = std::make_unique<TestServer>(Behavior::kNormal, 0ms, "::1");
  } catch (const boost::system::system_error&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  ClientHarness client;
  std::string authority = "[::1]:" + std::to_string(server->port);
  EXPECT_EQ(client.Send(Get("http://" + authority + "/six")).body, "hello /six");
  EXPECT_EQ(server->Seen().at(0)["Host"], authority);
}

}  // namespace
}  // namespace okada::http

// --- https ---------------------------------------------------------------------------------------------------

namespace okada::http {
namespace {

// A throwaway CA-less self-signed certificate for `san` (e.g. "IP:127.0.0.1"), written by the openssl tool.
struct SelfSigned {
  explicit SelfSigned(const std::string& san) {
    char tmpl[] = "/tmp/okada-tls-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=okada-test "
        "-addext 'subjectAltName=" +
        san + "' -keyout " + dir + "/key.pem -out " + dir + "/cert.pem 2>/dev/null";
    ok = std::system(cmd.c_str()) == 0;
  }
  ~SelfSigned() { std::system(("rm -rf " + dir).c_str()); }
  std::string cert() const { return dir + "/cert.pem"; }
  std::string key() const { return dir + "/key.pem"; }
  std::string dir;
  bool ok = false;
};

asio::awaitable<void> ServeTls(asio::ssl::context& ctx, tcp::socket socket, std::atomic<int>* answered) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx);
  beast::get_lowest_layer(stream).expires_after(5s);
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (hec) co_return;  // the client refused our certificate
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    auto [rec, n] = co_await bhttp::async_read(stream, buffer, req, kTuple);
    if (rec) break;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = "secure " + std::string(req.target());
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    answered->fetch_add(1);
    auto [wec, w] = co_await bhttp::async_write(stream, res, kTuple);
    if (wec) break;
  }
}

struct TlsServer {
  explicit TlsServer(const SelfSigned& cert)
      : ctx(asio::ssl::context::tls_server), acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    ctx.use_certificate_chain_file(cert.cert());
    ctx.use_private_key_file(cert.key(), asio::ssl::context::pem);
    port = acceptor.local_endpoint().port();
    asio::co_spawn(ioc, Accept(this), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }
  ~TlsServer() {
    ioc.stop();
    thread.join();
  }
  static asio::awaitable<void> Accept(TlsServer* s) {
    for (;;) {
      auto [ec, socket] = co_await s->acceptor.async_accept(kTuple);
      if (ec) co_return;
      asio::co_spawn(s->ioc, ServeTls(s->ctx, std::move(socket), &s->answered), asio::detached);
    }
  }
  asio::io_context ioc;
  asio::ssl::context ctx;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::atomic<int> answered{0};
  std::thread thread;
};

TEST(HttpClientTls, HttpsWithATrustedCertificateWorksAndReusesTheConnection) {
  SelfSigned cert("IP:127.0.0.1");
  ASSERT_TRUE(cert.ok) << "openssl could not make a certificate";
  TlsServer server(cert);
  ClientOptions o;
  o.ca_file = cert.cert();
  ClientHarness client(o);
  std::string url = "https://127.0.0.1:" + std::to_string(server.port) + "/v1/push";
  ClientResponse a = client.Send(Get(url));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "secure /v1/push");
  ClientResponse b = client.Send(Post(url, "{}"));
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(client.IdleConnections(), 1u) << "one TLS connection, kept alive";
  EXPECT_EQ(server.answered.load(), 2);
}

TEST(HttpClientTls, UntrustedOrMisnamedCertificatesAreRefused) {
  SelfSigned cert("IP:127.0.0.1");
  ASSERT_TRUE(cert.ok);
  TlsServer server(cert);
  std::string url = "https://127.0.0.1:" + std::to_string(server.port) + "/";
  {
    ClientHarness client;  // the system's trust store only: a self-signed certificate is not in it
    std::string detail = ExpectError([&] { client.Send(Get(url)); }, ErrorCode::kUpstreamUnavailable);
    EXPECT_NE(detail.find("TLS handshake"), std::string::npos) << detail;
  }
  {
    SelfSigned other("DNS:payments.example.cm");  // trusted, but for another name
    ASSERT_TRUE(other.ok);
    TlsServer named(other);
    ClientOptions o;
    o.ca_file = other.cert();
    ClientHarness client(o);
    std::string detail = ExpectError([&] { client.Send(Get("https://127.0.0.1:" + std::to_string(named.port) + "/")); },
                                     ErrorCode::kUpstreamUnavailable);
    EXPECT_NE(detail.find("TLS handshake"), std::string::npos) << detail;
  }
  EXPECT_EQ(server.answered.load(), 0) << "nothing was sent to a server we could not verify";
}

TEST(HttpClientTls, UnsupportedSchemesAreStillRefused) {
  ClientHarness client;
  std::string detail = ExpectError([&] { client.Send(Get("ftp://127.0.0.1/x")); }, ErrorCode::kUpstreamUnavailable);
  EXPECT_NE(detail.find("scheme"), std::string::npos);
}

}  // namespace
}  // namespace okada::http
