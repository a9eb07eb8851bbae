#pragma once
/// HTTP/1.1 + WebSocket server on Boost.Beast with C++20 coroutines (implementation in server.cpp; Beast
/// headers stay there).
///
/// Middleware order, applied to every request in this order (server.cpp: Pipeline::Handle):
///   1. request id + W3C traceparent (incoming ids kept when well-formed), language, deadline
///   2. access log            (one JSON line when the answer is written)
///   3. metrics               (latency per route, status counters)
///   4. error mapping         (okada::Error → problem+json; anything else → 500 INTERNAL, logged)
///   5. body limit            (enforced by the parser: 413; header limit: 431)
///   6. CORS                  (allowed origins from config; preflight answered here)
///   7. auth hook             (set by the gateway; may answer 401/403)
///   8. rate-limit hook       (set by the gateway; may answer 429)
///   9. the route's handler
/// Responses of at least http.gzip_min_bytes are gzip-compressed when the client accepts it.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "okada/core/http/request.hpp"
#include "okada/core/http/router.hpp"

namespace okada {
class Config;
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds request_deadline{2000};
  std::size_t gzip_min_bytes = 1024;
  std::size_t max_connections = 20000;
  std::vector<std::string> cors_origins;
  bool access_log = true;

  static ServerOptions FromConfig(const Config& config);
};

/// A hook may answer the request itself (e.g. 401, 429) by returning a Response.
using Hook = std::function<boost::asio::awaitable<std::optional<Response>>(Request&, const Route&)>;

/// A server-side WebSocket, handed to a WebSocket handler. Used from its shard's thread only.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  /// Next text or binary message; nullopt once the peer closed or the server is draining.
  virtual boost::asio::awaitable<std::optional<std::string>> Read() = 0;
  /// Queues a text message; messages are written in order. Returns false if the socket is closed.
  virtual bool Send(std::string message) = 0;
  virtual void Close() = 0;
};
using WebSocketHandler = std::function<boost::asio::awaitable<void>(WebSocket&, Request&)>;
/// Runs on the upgrade request before the handshake: an answer refuses the upgrade with that HTTP response
/// (e.g. 401 for a bad ticket, 403 for a foreign Origin); nullopt lets it go on. It may set the request's
/// principal, which the handler then sees. An okada::Error thrown here becomes its problem+json answer.
using WebSocketAdmit = std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;
struct WebSocketEndpoint {
  WebSocketHandler handler;
  WebSocketAdmit admit;  ///< optional
};

class Server {
 public:
  Server(ServerOptions options, Router& router, Metrics& metrics, IoPool& io);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void SetAuthHook(Hook hook);
  void SetRateLimitHook(Hook hook);
  /// A WebSocket endpoint: an upgrade request to `path` runs `handler` for the connection's life.
  void AddWebSocket(std::string path, WebSocketHandler handler, WebSocketAdmit admit = {});

  /// Binds and starts accepting (the IoPool must be started). Throws std::system_error if it cannot bind.
  void Start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const noexcept;

  /// Graceful drain, step 1: readiness off, stop accepting (new connections are refused), close idle
  /// keep-alive connections; requests in flight finish and their connections close after the answer.
  void BeginDrain();
  /// Waits (blocking, not from an I/O thread) until no request is in flight or `timeout` passes.
  /// Returns true when everything finished.
  bool WaitDrained(std::chrono::milliseconds timeout);
  bool draining() const noexcept;

  std::size_t open_connections() const noexcept;
  std::size_t requests_in_flight() const noexcept;

  /// Runs one request through the pipeline without a socket (in-process service calls, fuzzing).
  boost::asio::awaitable<Response> Handle(Request& request);

  struct Impl;  ///< implementation detail (server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::http
