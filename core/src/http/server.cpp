// HTTP/1.1 + WebSocket server: the only translation unit that sees Beast's HTTP parser and WebSocket.
// Session loop after Beast's advanced_server_flex_awaitable example: read → handle → write,
// errors as values, end of stream as ordinary control flow. Coroutines are free functions taking what they
// need by value or pointer (GCC 12 miscompiles capturing coroutine lambdas).

#include "okada/core/http/server.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <charconv>
#include <ctime>
#include <deque>
#include <random>
#include <thread>
#include <unordered_set>

#include "okada/core/config.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"

namespace okada::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

ServerOptions ServerOptions::FromConfig(const Config& c) {
  ServerOptions o;
  o.host = c.GetString("http.host");
  o.port = static_cast<std::uint16_t>(c.GetInt("http.port"));
  o.header_limit = static_cast<std::size_t>(c.GetInt("http.header_limit"));
  o.body_limit = static_cast<std::size_t>(c.GetInt("http.body_limit"));
  o.read_timeout = c.GetDuration("http.read_timeout_ms");
  o.idle_timeout = c.GetDuration("http.idle_timeout_ms");
  o.write_timeout = c.GetDuration("http.write_timeout_ms");
  o.request_deadline = c.GetDuration("http.request_deadline_ms");
  o.gzip_min_bytes = static_cast<std::size_t>(c.GetInt("http.gzip_min_bytes"));
  o.max_connections = static_cast<std::size_t>(c.GetInt("http.max_connections"));
  o.cors_origins = c.GetList("http.cors_origins");
  o.access_log = c.GetBool("log.access");
  return o;
}

namespace {

// One open connection. Shared by its session coroutine and its watchdog; touched only from its shard's thread.
// Timeouts are a deadline the session moves by writing a field (no timer operation per request): the watchdog
// wakes every `tick` and cuts the connection off once the deadline has passed.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();
  bool busy = false;             // a request is being read, handled or answered (drain waits for it)
  bool closed = false;           // the session is over; the watchdog stops
  std::function<void()> cancel;  // drain: wake an idle connection so it closes (a WebSocket replaces it)
  std::string head;              // response head buffer, reused across requests
};

struct Shard {
  std::unordered_set<Connection*> connections;
};

// Random ids without locks: a per-thread generator seeded once.
std::string RandomHex(std::size_t bytes) {
  thread_local std::mt19937_64 rng{
      std::random_device{}() ^ static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes * 2, '0');
  for (std::size_t i = 0; i < bytes; i += 8) {
    std::uint64_t r = rng();
    for (std::size_t j = 0; j < 8 && i + j < bytes; ++j) {
      out[(i + j) * 2] = kHex[(r >> (j * 8 + 4)) & 0xF];
      out[(i + j) * 2 + 1] = kHex[(r >> (j * 8)) & 0xF];
    }
  }
  return out;
}

bool IsHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool IsSafeId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// The HTTP Date header, formatted at most once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t last = 0;
  thread_local char buf[64];
  std::time_t now = std::time(nullptr);
  if (now != last) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    last = now;
  }
  return buf;
}

bool Compressible(std::string_view content_type) {
  return content_type.find("json") != std::string_view::npos || content_type.rfind("text/", 0) == 0 ||
         content_type.find("javascript") != std::string_view::npos ||
         content_type.find("xml") != std::string_view::npos || content_type.find("yaml") != std::string_view::npos;
}

bool AcceptsGzip(const Request& req) {
  auto ae = req.header("Accept-Encoding");
  return ae && ae->find("gzip") != std::string_view::npos;
}

std::optional<std::string> Gzip(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out;
  out.resize(deflateBound(&zs, in.size()));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::string_view PickLang(const Request& req) {
  auto al = req.header("Accept-Language");
  if (!al) return "fr";
  // First listed language wins; French is the default (CAMEROON.md).
  std::string_view v = *al;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.size() >= 2 && (v[0] == 'e' || v[0] == 'E') && (v[1] == 'n' || v[1] == 'N')) return "en";
  return "fr";
}

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  Router& router;
  Metrics& metrics;
  IoPool& io;
  Hook auth_hook;
  Hook rate_hook;
  std::vector<std::pair<std::string, WebSocketEndpoint>> ws_routes;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::unique_ptr<Shard>> shards;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> open{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> next_shard{0};
  std::atomic<std::uint16_t> bound_port{0};
  std::array<Counter*, 5> by_class{};
  Histogram* unmatched = nullptr;
  Counter* refused = nullptr;
  Counter* parse_errors = nullptr;

  Impl(ServerOptions o, Router& r, Metrics& m, IoPool& i) : opts(std::move(o)), router(r), metrics(m), io(i) {
    for (std::size_t k = 0; k < io.size(); ++k) shards.push_back(std::make_unique<Shard>());
    for (int c = 1; c <= 5; ++c)
      by_class[c - 1] = &metrics.GetCounter("okada_http_responses_total", "Responses by status class",
                                            {{"class", std::to_string(c) + "xx"}});
    unmatched = &metrics.GetHistogram("okada_http_request_duration_seconds", "Time to answer a request, by route",
                                      {{"method", "ANY"}, {"route", "(unmatched)"}});
    refused = &metrics.GetCounter("okada_http_connections_refused_total", "Connections refused (limit or drain)");
    parse_errors =
        &metrics.GetCounter("okada_http_bad_requests_total", "Requests rejected by the parser (400/413/431)");
    metrics.AddCallbackGauge("okada_http_open_connections", "Open client connections", {},
                             [this] { return static_cast<double>(open.load()); });
    metrics.AddCallbackGauge("okada_http_requests_in_flight", "Requests being handled", {},
                             [this] { return static_cast<double>(in_flight.load()); });
  }

  void Prepare(Request& req) {
    // 1. Request id + traceparent. A well-formed incoming traceparent keeps its trace id; we are a new span.
    std::string trace_id;
    if (auto tp = req.header("traceparent"); tp && tp->size() == 55 && (*tp)[2] == '-' && (*tp)[35] == '-' &&
                                             (*tp)[52] == '-' && IsHex(tp->substr(3, 32)) &&
                                             tp->substr(3, 32) != std::string(32, '0')) {
      trace_id = std::string(tp->substr(3, 32));
    } else {
      trace_id = RandomHex(16);
    }
    req.set_traceparent("00-" + trace_id + "-" + RandomHex(8) + "-01");
    auto rid = req.header("X-Request-Id");
    req.set_request_id(rid && IsSafeId(*rid) ? std::string(*rid) : trace_id);
    req.set_lang(PickLang(req));
    // Deadline: the route's or the server default, shortened by a caller's X-Deadline-Ms (propagation).
    auto budget = opts.request_deadline;
    if (auto d = req.header("X-Deadline-Ms")) {
      std::int64_t ms = 0;
      auto [p, ec] = std::from_chars(d->data(), d->data() + d->size(), ms);
      if (ec == std::errc() && ms > 0 && std::chrono::milliseconds(ms) < budget) budget = std::chrono::milliseconds(ms);
    }
    req.set_deadline(Clock::now() + budget);
  }

  Response Problem(const Error& e, const Request& req) {
    Response res;
    res.status = e.info().status;
    res.content_type = "application/problem+json";
    res.body = RenderProblem(e, req.request_id(), req.lang());
    for (const auto& h : e.headers()) res.headers.push_back(h);
    return res;
  }

  bool OriginAllowed(std::string_view origin) const {
    for (const auto& o : opts.cors_origins)
      if (o == "*" || o == origin) return true;
    return false;
  }

  // Routing + CORS preflight. Returns the route, or null when `res` already holds the answer.
  const http::Route* MatchRoute(Request& req, Response& res, Match& m) {
    if (req.method() == Method::kOptions && req.header("Access-Control-Request-Method")) {
      Match m = router.Find(ParseMethod(*req.header("Access-Control-Request-Method")), req.path());
      res = Response::NoContent();
      auto origin = req.header("Origin");
      if (origin && OriginAllowed(*origin) && (m.route || !m.allow.empty())) {
        Match all = router.Find(Method::kOther, req.path());
        res.Header("Access-Control-Allow-Methods", all.allow.empty() ? "GET, HEAD" : all.allow);
        res.Header("Access-Control-Allow-Headers",
                   std::string(req.header("Access-Control-Request-Headers").value_or("content-type")));
        res.Header("Access-Control-Max-Age", "600");
      }
      return nullptr;
    }
    if (!m.route) {
      if (!m.allow.empty())
        throw std::move(
            Error(ErrorCode::kMethodNotAllowed, std::string(ToString(req.method())) + " is not allowed here")
                .WithHeader("Allow", m.allow));
      throw Error(ErrorCode::kRouteNotFound, "no route for this path");
    }
    auto& params = req.mutable_path_params();
    params = std::move(m.params);
    if (m.route->options.deadline.count() > 0) req.set_deadline(Clock::now() + m.route->options.deadline);
    return m.route;
  }

  void Finish(Request& req, const http::Route* route, Response& res, Clock::time_point start) {
    res.headers.emplace_back("X-Request-Id", req.request_id());
    res.headers.emplace_back("traceparent", req.traceparent());
    if (auto origin = req.header("Origin"); origin && OriginAllowed(*origin)) {
      res.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
      res.headers.emplace_back("Access-Control-Allow-Credentials", "true");
      res.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, ETag, Retry-After");
      res.headers.emplace_back("Vary", "Origin");
    }
    if (res.body.size() >= opts.gzip_min_bytes && res.body.size() > 0 && Compressible(res.content_type) &&
        !res.header("Content-Encoding") && AcceptsGzip(req)) {
      if (auto z = Gzip(res.body)) {
        res.body = std::move(*z);
        res.headers.emplace_back("Content-Encoding", "gzip");
        res.headers.emplace_back("Vary", "Accept-Encoding");
      }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    (route && route->latency ? route->latency : unmatched)->Observe(seconds);
    int cls = res.status / 100;
    if (cls >= 1 && cls <= 5) by_class[cls - 1]->Add();
    if (opts.access_log && !(route && route->options.quiet) && log::Enabled(log::Level::kInfo)) {
      log::Info("http.request", {{"request_id", req.request_id()},
                                 {"method", ToString(req.method())},
                                 {"route", route ? std::string_view(route->pattern) : std::string_view("-")},
                                 {"path", req.path()},
                                 {"status", res.status},
                                 {"ms", seconds * 1000.0},
                                 {"bytes", static_cast<std::int64_t>(res.body.size())}});
    }
  }

  // The whole pipeline (middleware order in server.hpp). Sync routes with no hooks take HandleSync instead,
  // which is the same steps without a coroutine frame.
  bool CanHandleSync(const Request& req, const Match& m) const {
    return !auth_hook && !rate_hook && req.method() != Method::kOptions && m.route && m.route->sync;
  }

  Response HandleSync(Request& req, Match& match) {
    auto start = Clock::now();
    Prepare(req);
    Response res;
    const http::Route* route = nullptr;
    try {
      route = MatchRoute(req, res, match);
      if (route) res = route->sync(req);
    } catch (const Error& e) {
      res = Problem(e, req);
    } catch (const std::exception& e) {
      log::Error("http.unhandled", {{"request_id", req.request_id()}, {"error", e.what()}});
      res = Problem(Error(ErrorCode::kInternal), req);
    }
    Finish(req, route, res, start);
    return res;
  }
};

namespace {

asio::awaitable<Response> RunPipeline(Server::Impl* s, Request& req, Match match) {
  auto start = Clock::now();
  s->Prepare(req);
  Response res;
  const Route* route = nullptr;
  std::optional<Error> error;
  try {
    route = s->MatchRoute(req, res, match);
    std::optional<Response> early;
    if (route && s->auth_hook) early = co_await s->auth_hook(req, *route);
    if (route && !early && s->rate_hook) early = co_await s->rate_hook(req, *route);
    if (early) {
      res = std::move(*early);
    } else if (route) {
      if (route->sync)
        res = route->sync(req);
      else
        res = co_await route->async(req);
    }
  } catch (const Error& e) {
    error = e;
  } catch (const std::exception& e) {
    log::Error("http.unhandled", {{"request_id", req.request_id()}, {"error", e.what()}});
    error = Error(ErrorCode::kInternal);
  }
  if (error) res = s->Problem(*error, req);
  s->Finish(req, route, res, start);
  co_return res;
}

// Appends a header line, dropping CR/LF so a value can never inject headers.
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (char c : value)
    if (c != '\r' && c != '\n') out.push_back(c);
  out.append("\r\n");
}

// Serialises the response head ourselves (one buffer, reused per connection) and writes head + body in one
// gather write. HEAD answers keep Content-Length but carry no body; 1xx/204/304 carry neither.
asio::awaitable<bool> WriteResponse(Server::Impl* s, Connection& c, Response& res, unsigned version, bool keep_alive,
                                    bool head_only) {
  std::string& h = c.head;
  h.clear();
  h.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  h.append(std::to_string(res.status));
  h.push_back(' ');
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  h.append(reason.data(), reason.size());
  h.append("\r\nServer: okada\r\nDate: ");
  h.append(HttpDate());
  h.append("\r\n");
  bool no_body = res.status < 200 || res.status == 204 || res.status == 304;
  if (!res.content_type.empty() && !no_body) AppendHeader(h, "Content-Type", res.content_type);
  for (const auto& [k, v] : res.headers) AppendHeader(h, k, v);
  if (!no_body) {
    h.append("Content-Length: ");
    h.append(std::to_string(res.body.size()));
    h.append("\r\n");
  }
  if (!keep_alive)
    h.append("Connection: close\r\n");
  else if (version == 10)
    h.append("Connection: keep-alive\r\n");
  h.append("\r\n");
  std::array<asio::const_buffer, 2> buffers{asio::buffer(h),
                                            asio::buffer(res.body.data(), head_only || no_body ? 0 : res.body.size())};
  c.deadline = Clock::now() + s->opts.write_timeout;
  auto [ec, n] = co_await asio::async_write(c.socket, buffers, kTuple);
  co_return !ec;
}

// Answers a request the parser rejected (400, 413, 431); the connection closes afterwards.
asio::awaitable<void> WriteParseError(Server::Impl* s, Connection& c, ErrorCode code) {
  s->parse_errors->Add();
  Request req;
  s->Prepare(req);
  Response res = s->Problem(Error(code), req);
  s->Finish(req, nullptr, res, Clock::now());
  co_await WriteResponse(s, c, res, 11, false, false);
}

// --- WebSocket ---------------------------------------------------------------------------------------------

class WebSocketImpl : public WebSocket, public std::enable_shared_from_this<WebSocketImpl> {
 public:
  explicit WebSocketImpl(tcp::socket&& socket) : ws_(std::move(socket)) {}

  asio::awaitable<std::optional<std::string>> Read() override {
    if (closed_) co_return std::nullopt;
    beast::flat_buffer buf;
    auto [ec, n] = co_await ws_.async_read(buf, kTuple);
    if (ec) {
      closed_ = true;
      co_return std::nullopt;
    }
    co_return beast::buffers_to_string(buf.data());
  }

  bool Send(std::string message) override {
    if (closed_) return false;
    queue_.push_back(std::move(message));
    if (!writing_) {
      writing_ = true;
      asio::co_spawn(ws_.get_executor(), WriteLoop(shared_from_this()), asio::detached);
    }
    return true;
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).cancel(ignored);
  }

  static asio::awaitable<void> WriteLoop(std::shared_ptr<WebSocketImpl> self) {
    while (!self->queue_.empty() && !self->closed_) {
      std::string msg = std::move(self->queue_.front());
      self->queue_.pop_front();
      self->ws_.text(true);
      auto [ec, n] = co_await self->ws_.async_write(asio::buffer(msg), kTuple);
      if (ec) self->closed_ = true;
    }
    self->writing_ = false;
  }

  websocket::stream<tcp::socket>& stream() { return ws_; }

 private:
  websocket::stream<tcp::socket> ws_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closed_ = false;
};

// Runs the endpoint's admission check on the upgrade request; a refusal is answered as plain HTTP (no upgrade).
// Returns true when the upgrade may go on.
asio::awaitable<bool> Admit(Server::Impl* s, Connection* conn, const WebSocketEndpoint& endpoint, Request& req,
                            unsigned version) {
  if (!endpoint.admit) co_return true;
  std::optional<Response> refusal;
  try {
    refusal = co_await endpoint.admit(req);
  } catch (const Error& e) {
    refusal = s->Problem(e, req);
  } catch (const std::exception& e) {
    log::Warn("ws.admit_failed", {{"request_id", req.request_id()}, {"error", e.what()}});
    refusal = s->Problem(Error(ErrorCode::kInternal), req);
  }
  if (!refusal) co_return true;
  co_await WriteResponse(s, *conn, *refusal, version, false, false);
  co_return false;
}

asio::awaitable<void> RunWebSocket(Server::Impl* s, Connection* conn, bhttp::request<bhttp::string_body> upgrade,
                                   const WebSocketEndpoint& endpoint) {
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (const auto& f : upgrade) headers.emplace_back(f.name_string(), f.value());
  Request req(Method::kGet, std::string(upgrade.target()), std::move(headers), {});
  s->Prepare(req);
  bool admitted = co_await Admit(s, conn, endpoint, req, upgrade.version());
  if (!admitted) co_return;
  // The WebSocket has its own timeouts (pings); the HTTP watchdog stands down.
  conn->deadline = Clock::time_point::max();
  auto ws = std::make_shared<WebSocketImpl>(std::move(conn->socket));
  conn->cancel = [w = ws.get()] { w->Close(); };
  ws->stream().set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws->stream().read_message_max(64 * 1024);
  ws->stream().set_option(
      websocket::stream_base::decorator([](websocket::response_type& res) { res.set(bhttp::field::server, "okada"); }));
  auto [ec] = co_await ws->stream().async_accept(upgrade, kTuple);
  if (ec) co_return;
  conn->busy = false;  // long-lived: drain closes it like an idle connection
  s->in_flight.fetch_sub(1);
  try {
    co_await endpoint.handler(*ws, req);
  } catch (const std::exception& e) {
    log::Warn("ws.handler_failed", {{"request_id", req.request_id()}, {"error", e.what()}});
  }
  s->in_flight.fetch_add(1);  // balanced by the session's decrement
  ws->Close();
}

// --- HTTP session ------------------------------------------------------------------------------------------

asio::awaitable<void> Watchdog(std::shared_ptr<Connection> c, std::chrono::milliseconds tick) {
  while (!c->closed) {
    c->timer.expires_after(tick);
    co_await c->timer.async_wait(kTuple);
    if (c->closed) break;
    if (Clock::now() >= c->deadline) {
      boost::system::error_code ignored;
      c->socket.cancel(ignored);  // pending reads/writes fail; the session closes the connection
      c->deadline = Clock::time_point::max();
    }
  }
}

// Parses whatever is already buffered (usually the whole request), so most requests need no extra read.
bool ParseBuffered(bhttp::request_parser<bhttp::string_body>& parser, beast::flat_buffer& buffer,
                   beast::error_code& ec) {
  while (buffer.size() > 0 && !parser.is_done()) {
    std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      return false;
    }
    if (ec) return false;
    if (used == 0) return false;
  }
  return parser.is_done();
}

asio::awaitable<void> RunSession(Server::Impl* s, std::size_t shard_index, tcp::socket socket) {
  Shard& shard = *s->shards[shard_index];
  boost::system::error_code ec0;
  auto ep = socket.remote_endpoint(ec0);
  std::string remote = ec0 ? std::string() : ep.address().to_string();
  auto conn = std::make_shared<Connection>(std::move(socket));
  Connection& c = *conn;
  c.cancel = [&c] {
    boost::system::error_code ignored;
    c.socket.cancel(ignored);
  };
  shard.connections.insert(&c);
  auto tick = std::clamp(std::min({s->opts.read_timeout, s->opts.idle_timeout, s->opts.write_timeout}) / 4,
                         std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  asio::co_spawn(c.socket.get_executor(), Watchdog(conn, tick), asio::detached);
  beast::flat_buffer buffer;
  bool first = true;
  bool upgraded = false;

  for (;;) {
    if (s->draining.load()) break;
    c.busy = false;
    if (buffer.size() == 0) {
      // Waiting for the next request: the idle timeout applies (the read timeout for a new connection).
      c.deadline = Clock::now() + (first ? s->opts.read_timeout : s->opts.idle_timeout);
      auto [ec, n] = co_await c.socket.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    first = false;
    c.busy = true;
    s->in_flight.fetch_add(1);
    struct InFlight {
      Server::Impl* s;
      ~InFlight() { s->in_flight.fetch_sub(1); }
    } in_flight_guard{s};

    // From the first byte, the whole request must arrive within the read timeout (slow clients are cut off).
    c.deadline = Clock::now() + s->opts.read_timeout;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s->opts.header_limit));
    parser.body_limit(s->opts.body_limit);
    parser.eager(true);
    beast::error_code ec;
    if (!ParseBuffered(parser, buffer, ec) && !ec) {
      auto [read_ec, n] = co_await bhttp::async_read(c.socket, buffer, parser, kTuple);
      ec = read_ec;
    }
    if (ec) {
      std::optional<ErrorCode> code;
      if (ec == bhttp::error::header_limit)
        code = ErrorCode::kHeadersTooLarge;
      else if (ec == bhttp::error::body_limit)
        code = ErrorCode::kPayloadTooLarge;
      else if (ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message && ec != asio::error::eof &&
               ec != asio::error::operation_aborted && ec != asio::error::connection_reset)
        code = ErrorCode::kBadRequest;
      if (code) co_await WriteParseError(s, c, *code);
      break;
    }
    auto& msg = parser.get();

    if (websocket::is_upgrade(msg)) {
      std::string_view path = msg.target().substr(0, msg.target().find('?'));
      const WebSocketEndpoint* endpoint = nullptr;
      for (const auto& [p, e] : s->ws_routes)
        if (p == path) endpoint = &e;
      if (endpoint) {
        upgraded = true;
        co_await RunWebSocket(s, &c, parser.release(), *endpoint);
        break;
      }
    }

    std::vector<std::pair<std::string_view, std::string_view>> headers;
    headers.reserve(8);
    for (const auto& f : msg) headers.emplace_back(f.name_string(), f.value());
    Request req(ParseMethod(msg.method_string()), std::string(msg.target()), std::move(headers), std::move(msg.body()));
    req.set_remote_address(remote);
    bool keep_alive = msg.keep_alive();
    // Route once; a synchronous route with no hooks runs without a coroutine frame.
    // (No co_await inside a conditional expression: GCC 12 miscompiles it.)
    Match match = s->router.Find(req.method(), req.path());
    Response res;
    if (s->CanHandleSync(req, match)) {
      res = s->HandleSync(req, match);
    } else {
      res = co_await RunPipeline(s, req, std::move(match));
    }
    keep_alive = keep_alive && !s->draining.load();
    bool ok = co_await WriteResponse(s, c, res, msg.version(), keep_alive, req.method() == Method::kHead);
    if (!ok || !keep_alive) break;
  }

  shard.connections.erase(&c);
  c.closed = true;
  c.timer.cancel();
  if (!upgraded) {
    boost::system::error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    c.socket.close(ignored);
  }
  s->open.fetch_sub(1);
}

asio::awaitable<void> AcceptLoop(Server::Impl* s) {
  for (;;) {
    std::size_t shard = s->next_shard.fetch_add(1) % s->io.size();
    auto [ec, socket] = co_await s->acceptor->async_accept(s->io.context(shard), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !s->acceptor->is_open()) co_return;
      // Out of file descriptors and the like: back off briefly rather than spin.
      log::Warn("http.accept_failed", {{"error", ec.message()}});
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    if (s->open.load() >= s->opts.max_connections || s->draining.load()) {
      s->refused->Add();
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    s->open.fetch_add(1);
    asio::co_spawn(s->io.context(shard), RunSession(s, shard, std::move(socket)), asio::detached);
  }
}

}  // namespace

Server::Server(ServerOptions options, Router& router, Metrics& metrics, IoPool& io)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, io)) {}

Server::~Server() {
  if (impl_->acceptor && impl_->acceptor->is_open()) {
    boost::system::error_code ignored;
    impl_->acceptor->close(ignored);
  }
}

void Server::SetAuthHook(Hook hook) { impl_->auth_hook = std::move(hook); }
void Server::SetRateLimitHook(Hook hook) { impl_->rate_hook = std::move(hook); }
void Server::AddWebSocket(std::string path, WebSocketHandler handler, WebSocketAdmit admit) {
  impl_->ws_routes.emplace_back(std::move(path), WebSocketEndpoint{std::move(handler), std::move(admit)});
}

void Server::Start() {
  impl_->router.AttachMetrics(impl_->metrics);
  auto& ctx = impl_->io.context(0);
  tcp::endpoint ep(asio::ip::make_address(impl_->opts.host), impl_->opts.port);
  auto acc = std::make_unique<tcp::acceptor>(ctx);
  acc->open(ep.protocol());
  acc->set_option(asio::socket_base::reuse_address(true));
  acc->bind(ep);
  acc->listen(asio::socket_base::max_listen_connections);
  impl_->bound_port = acc->local_endpoint().port();
  impl_->acceptor = std::move(acc);
  asio::co_spawn(ctx, AcceptLoop(impl_.get()), asio::detached);
}

std::uint16_t Server::port() const noexcept { return impl_->bound_port.load(); }
bool Server::draining() const noexcept { return impl_->draining.load(); }
std::size_t Server::open_connections() const noexcept { return impl_->open.load(); }
std::size_t Server::requests_in_flight() const noexcept { return impl_->in_flight.load(); }

void Server::BeginDrain() {
  if (impl_->draining.exchange(true)) return;
  Impl* s = impl_.get();
  asio::post(s->io.context(0), [s] {
    boost::system::error_code ignored;
    if (s->acceptor) s->acceptor->close(ignored);
  });
  for (std::size_t i = 0; i < s->io.size(); ++i) {
    asio::post(s->io.context(i), [s, i] {
      // Copy first: a cancelled session may erase itself while we iterate.
      std::vector<Connection*> idle;
      for (Connection* c : s->shards[i]->connections)
        if (!c->busy) idle.push_back(c);
      for (Connection* c : idle) c->cancel();
    });
  }
}

bool Server::WaitDrained(std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (impl_->in_flight.load() == 0 && impl_->open.load() == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return impl_->in_flight.load() == 0;
}

asio::awaitable<Response> Server::Handle(Request& request) {
  Match match = impl_->router.Find(request.method(), request.path());
  return RunPipeline(impl_.get(), request, std::move(match));
}

}  // namespace okada::http
