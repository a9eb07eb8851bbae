// HTTP behaviour of the core server on a real socket (port 0): routing errors, limits, timeouts, gzip,
// CORS, WebSocket, 1,000 keep-alive connections.

#include "okada/core/http/server.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <thread>

#include "okada/core/io.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "support/test_support.hpp"

namespace okada::http {
namespace {

namespace asio = boost::asio;
using test::HttpCall;
using test::RawExchange;

asio::awaitable<Response> SlowHandler(Request& req) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
  co_await t.async_wait(asio::use_awaitable);
  co_return Response::Json(R"({"slow":true})");
}

asio::awaitable<void> EchoSocket(WebSocket& ws, Request& req) {
  ws.Send("hello " + std::string(req.query_param("name").value_or("?")));
  while (auto msg = co_await ws.Read()) ws.Send("echo:" + *msg);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("warn");
    test::RaiseFileLimit();
    router_.Add(Method::kGet, "/v1/things/{id}", SyncHandler([](Request& r) {
                  return Response::Json(R"({"id":")" + std::string(r.path_param("id")) + "\"}");
                }));
    router_.Add(Method::kPost, "/v1/things", SyncHandler([](Request& r) {
                  JsonReader in(r.body());
                  std::string phone = in.Phone("phone");
                  std::int64_t qty = in.Int("quantity", 1, 99);
                  in.Finish();
                  return Response::Json("{\"phone\":\"" + phone + "\",\"quantity\":" + std::to_string(qty) + "}", 201);
                }));
    router_.Add(Method::kGet, "/v1/big", SyncHandler([](Request&) {
                  std::string body = "[";
                  for (int i = 0; i < 500; ++i) body += (i ? "," : "") + std::string(R"({"name":"plantain"})");
                  return Response::Json(body + "]");
                }));
    router_.Add(Method::kGet, "/v1/slow", AsyncHandler(SlowHandler));
    router_.Add(Method::kGet, "/v1/echo-header", SyncHandler([](Request& r) {
                  return Response::NoContent().Header("X-Echo", std::string(r.query_param("v").value_or("")));
                }));
    router_.Add(Method::kGet, "/v1/boom",
                SyncHandler([](Request&) -> Response { throw std::runtime_error("secret"); }));
    ServerOptions o;
    o.port = 0;
    o.header_limit = 4096;
    o.body_limit = 1024;
    o.read_timeout = std::chrono::milliseconds(500);
    o.idle_timeout = std::chrono::milliseconds(5000);
    o.cors_origins = {"https://merchant.okada.cm"};
    o.access_log = false;
    server_ = std::make_unique<Server>(o, router_, metrics_, io_);
    server_->AddWebSocket("/v1/ws", WebSocketHandler(EchoSocket));
    io_.Start();
    server_->Start();
    port_ = server_->port();
  }
  void TearDown() override {
    server_->BeginDrain();
    server_->WaitDrained(std::chrono::seconds(5));
    io_.Stop();
  }

  IoPool io_{2};
  Metrics metrics_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

boost::json::object Problem(const test::HttpResult& r) {
  EXPECT_EQ(r.headers.at("content-type"), "application/problem+json");
  return boost::json::parse(r.body).as_object();
}

TEST_F(HttpServerTest, RoutesWithPathParameters) {
  auto r = HttpCall(port_, "GET", "/v1/things/abc");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":"abc"})");
  EXPECT_FALSE(r.headers["x-request-id"].empty());
  EXPECT_EQ(r.headers["traceparent"].size(), 55u);
}

TEST_F(HttpServerTest, UnknownRouteIs404ProblemWithCodeAndRequestId) {
  auto r = HttpCall(port_, "GET", "/v1/nope", {{"X-Request-Id", "test-req-1"}});
  EXPECT_EQ(r.status, 404);
  auto p = Problem(r);
  EXPECT_EQ(p["code"].as_string(), "ROUTE_NOT_FOUND");
  EXPECT_EQ(p["request_id"].as_string(), "test-req-1");
  EXPECT_EQ(p["status"].as_int64(), 404);
  EXPECT_EQ(r.headers["x-request-id"], "test-req-1");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  auto r = HttpCall(port_, "DELETE", "/v1/things/abc");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
  EXPECT_EQ(Problem(r)["code"].as_string(), "METHOD_NOT_ALLOWED");
}

TEST_F(HttpServerTest, KeepsIncomingTraceIdAndMakesANewSpan) {
  std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r = HttpCall(port_, "GET", "/v1/things/x", {{"traceparent", tp}});
  EXPECT_EQ(r.headers["traceparent"].substr(0, 36), tp.substr(0, 36));
  EXPECT_NE(r.headers["traceparent"], tp);
  EXPECT_EQ(r.headers["x-request-id"], "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(HttpServerTest, ValidationErrorsNameTheFields) {
  auto r = HttpCall(port_, "POST", "/v1/things", {{"Content-Type", "application/json"}, {"Accept-Language", "en"}},
                    R"({"phone":"12","quantity":500})");
  EXPECT_EQ(r.status, 422);
  auto p = Problem(r);
  EXPECT_EQ(p["code"].as_string(), "VALIDATION_FAILED");
  EXPECT_EQ(p["title"].as_string(), "Some fields are invalid");
  auto& errors = p["errors"].as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].as_object().at("field").as_string(), "phone");
  EXPECT_EQ(errors[0].as_object().at("code").as_string(), "INVALID_FORMAT");
  EXPECT_EQ(errors[1].as_object().at("field").as_string(), "quantity");

  auto ok = HttpCall(port_, "POST", "/v1/things", {}, R"({"phone":"677 12 34 56","quantity":2})");
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, R"({"phone":"+237677123456","quantity":2})");

  auto bad = HttpCall(port_, "POST", "/v1/things", {}, "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Problem(bad)["code"].as_string(), "MALFORMED_JSON");
}

TEST_F(HttpServerTest, HeaderValuesCannotInjectHeaders) {
  auto raw =
      RawExchange(port_, "GET /v1/echo-header?v=a%0D%0AX-Evil:%201 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                  std::chrono::seconds(5));
  EXPECT_EQ(raw.data.rfind("HTTP/1.1 204", 0), 0u) << raw.data;
  EXPECT_NE(raw.data.find("X-Echo: aX-Evil: 1\r\n"), std::string::npos) << raw.data;
  EXPECT_EQ(raw.data.find("\r\nX-Evil"), std::string::npos) << raw.data;
  EXPECT_EQ(raw.data.find("Content-Length"), std::string::npos) << "204 must not carry Content-Length";
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  auto closed = RawExchange(port_, "GET /v1/things/a HTTP/1.0\r\n\r\n", std::chrono::seconds(5));
  EXPECT_EQ(closed.data.rfind("HTTP/1.0 200", 0), 0u) << closed.data;
  EXPECT_TRUE(closed.closed);
  auto kept =
      RawExchange(port_, "GET /v1/things/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", std::chrono::milliseconds(300));
  EXPECT_NE(kept.data.find("Connection: keep-alive"), std::string::npos) << kept.data;
  EXPECT_FALSE(kept.closed);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  std::string two =
      "GET /v1/things/one HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/things/two HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n";
  auto raw = RawExchange(port_, two, std::chrono::seconds(5));
  auto one_at = raw.data.find(R"({"id":"one"})");
  auto two_at = raw.data.find(R"({"id":"two"})");
  ASSERT_NE(one_at, std::string::npos) << raw.data;
  ASSERT_NE(two_at, std::string::npos) << raw.data;
  EXPECT_LT(one_at, two_at);
  EXPECT_TRUE(raw.closed);
}

TEST_F(HttpServerTest, UnhandledExceptionIs500WithoutDetails) {
  auto r = HttpCall(port_, "GET", "/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Problem(r)["code"].as_string(), "INTERNAL");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST_F(HttpServerTest, OversizeBodyIs413) {
  std::string body(4000, 'x');
  auto raw = RawExchange(
      port_,
      "POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
      std::chrono::seconds(5));
  EXPECT_EQ(raw.data.rfind("HTTP/1.1 413", 0), 0u) << raw.data;
  EXPECT_NE(raw.data.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_TRUE(raw.closed);
}

TEST_F(HttpServerTest, OversizeHeadersAre431) {
  auto raw = RawExchange(port_, "GET /v1/things/a HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n",
                         std::chrono::seconds(5));
  EXPECT_EQ(raw.data.rfind("HTTP/1.1 431", 0), 0u) << raw.data.substr(0, 200);
  EXPECT_NE(raw.data.find("HEADERS_TOO_LARGE"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET /x HTTP/9.9\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
                          "POST /v1/things HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    auto raw = RawExchange(port_, bad, std::chrono::seconds(5));
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 400", 0), 0u) << bad << " -> " << raw.data.substr(0, 100);
    EXPECT_TRUE(raw.closed);
  }
}

TEST_F(HttpServerTest, SlowClientIsCutOff) {
  // Half a request line, then silence: the server must close the connection after its read timeout (500 ms)
  // rather than hold it for the 10 s this client is willing to wait.
  auto raw = RawExchange(port_, "GET /v1/things/a HTTP/1.1\r\nHost:", std::chrono::seconds(10));
  EXPECT_TRUE(raw.closed) << "the server kept a slow client's connection open";
  EXPECT_TRUE(raw.data.empty());
}

TEST_F(HttpServerTest, GzipForLargeResponsesWhenAccepted) {
  auto plain = HttpCall(port_, "GET", "/v1/big");
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  auto zipped = HttpCall(port_, "GET", "/v1/big", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(zipped.headers["content-encoding"], "gzip");
  EXPECT_LT(zipped.body.size(), plain.body.size() / 5);
  // Decompress and compare.
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(plain.body.size() + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(zipped.body.data());
  zs.avail_in = static_cast<uInt>(zipped.body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(out, plain.body);
  // Small answers are not compressed.
  auto small = HttpCall(port_, "GET", "/v1/things/a", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.headers.count("content-encoding"), 0u);
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
  auto r = HttpCall(port_, "HEAD", "/v1/big");
  EXPECT_EQ(r.status, 200);
  EXPECT_GT(std::stoi(r.headers["content-length"]), 1000);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpServerTest, CorsForAllowedOriginsOnly) {
  auto pre = HttpCall(port_, "OPTIONS", "/v1/things",
                      {{"Origin", "https://merchant.okada.cm"},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "content-type, authorization"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.headers["access-control-allow-origin"], "https://merchant.okada.cm");
  EXPECT_EQ(pre.headers["access-control-allow-methods"], "POST");
  EXPECT_EQ(pre.headers["access-control-allow-headers"], "content-type, authorization");
  auto other = HttpCall(port_, "GET", "/v1/things/a", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.headers.count("access-control-allow-origin"), 0u);
  auto ok = HttpCall(port_, "GET", "/v1/things/a", {{"Origin", "https://merchant.okada.cm"}});
  EXPECT_EQ(ok.headers["access-control-allow-origin"], "https://merchant.okada.cm");
}

TEST_F(HttpServerTest, MetricsCountRequestsPerRoute) {
  HttpCall(port_, "GET", "/v1/things/a");
  HttpCall(port_, "GET", "/v1/things/b");
  HttpCall(port_, "GET", "/v1/nope");
  std::string text = metrics_.Render();
  EXPECT_NE(text.find(R"(okada_http_request_duration_seconds_count{method="GET",route="/v1/things/{id}"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(okada_http_responses_total{class="4xx"} 1)"), std::string::npos);
}

TEST_F(HttpServerTest, WebSocketUpgradeOnTheSameServer) {
  namespace beast = boost::beast;
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  ws.handshake("127.0.0.1", "/v1/ws?name=Awa");
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "hello Awa");
  buf.clear();
  ws.write(asio::buffer(std::string("ping")));
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "echo:ping");
  ws.close(beast::websocket::close_code::normal);
}

TEST_F(HttpServerTest, ThousandConcurrentKeepAliveConnections) {
  constexpr int kConnections = 1000;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0) << "socket() failed at " << i << ": raise the open-file limit";
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << "connect failed at " << i;
    fds.push_back(fd);
  }
  // Two rounds on every connection: the second proves each stayed open (keep-alive) while all were open.
  for (int round = 0; round < 2; ++round) {
    for (int fd : fds) {
      std::string req = "GET /v1/things/k HTTP/1.1\r\nHost: x\r\n\r\n";
      ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    }
    int ok = 0;
    for (int fd : fds) {
      std::string got;
      char buf[2048];
      while (got.find("{\"id\":\"k\"}") == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20000) <= 0) break;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
      ok += got.rfind("HTTP/1.1 200", 0) == 0 && got.find("{\"id\":\"k\"}") != std::string::npos;
    }
    EXPECT_EQ(ok, kConnections) << "round " << round;
  }
  EXPECT_GE(server_->open_connections(), static_cast<std::size_t>(kConnections));
  for (int fd : fds) ::close(fd);
}

TEST_F(HttpServerTest, DrainFinishesInFlightAndRefusesNewConnections) {
  std::thread slow([&] {
    auto r = HttpCall(port_, "GET", "/v1/slow");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["connection"], "close");
  });
  // Wait until the slow request is in flight, then drain.
  for (int i = 0; i < 200 && server_->requests_in_flight() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server_->requests_in_flight(), 1u);
  server_->BeginDrain();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_THROW(HttpCall(port_, "GET", "/v1/things/a"), std::exception);  // connection refused
  EXPECT_TRUE(server_->WaitDrained(std::chrono::seconds(5)));
  slow.join();
}

}  // namespace
}  // namespace okada::http
