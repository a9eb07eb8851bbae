#pragma once
/// The host: builds the selected services in order, serves them, and stops them in reverse.
///
/// userver's shape without its size: each service is a class with a name, its migrations and a Start()
/// that registers routes, WebSocket endpoints and background jobs with a ServiceContext. The binary lists
/// its services explicitly (no static registration, no singletons): `okada serve` runs them all in one
/// process, `okada serve --services=orders,payments` a subset. Calls between services go through a
/// ServiceTransport: in-process through the same HTTP pipeline when the callee is hosted here, over HTTP
/// (config `services.remote`) otherwise — the calling code is the same either way.
///
/// Shutdown (SIGTERM/SIGINT or Shutdown()): readiness off → stop accepting → in-flight requests finish
/// (up to http.drain_timeout_ms) → jobs stop → services Stop() in reverse order → I/O threads join.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/server.hpp"

namespace okada {
class Config;
class IoPool;
class Metrics;
namespace pg {
class Database;
struct Migration;
struct MigrationSet;
}  // namespace pg
namespace redis {
class Redis;
}
namespace http {
class Router;
}
namespace access {
class DenyList;
}

/// A periodic background job, run on shard 0 every `interval` until the host stops.
struct Job {
  std::string name;
  std::chrono::milliseconds interval;
  std::function<boost::asio::awaitable<void>(Deadline)> run;
};

/// How a service calls another service. `request.url` is a path ("/v1/orders/ord_1").
class ServiceTransport {
 public:
  virtual ~ServiceTransport() = default;
  virtual boost::asio::awaitable<http::ClientResponse> Call(http::ClientRequest request) = 0;
  /// Probes the callee's instances (GET /readyz) and takes failing ones out of rotation until they answer
  /// again. In-process transports have nothing to probe.
  virtual boost::asio::awaitable<void> CheckHealth(Deadline) { co_return; }
  /// Instances currently in rotation (1 for in-process).
  virtual std::size_t healthy() const { return 1; }
};

class Host;

/// What a service receives at Start(). References stay valid until the service's Stop() returns.
class ServiceContext {
 public:
  ServiceContext(Host& host) : host_(host) {}
  const Config& config() const;
  IoPool& io() const;
  Metrics& metrics() const;
  http::Router& router() const;
  pg::Database& db() const;
  redis::Redis& redis() const;
  void AddJob(Job job);
  void AddWebSocket(std::string path, http::WebSocketHandler handler, http::WebSocketAdmit admit = {});
  void SetAuthHook(http::Hook hook);
  void SetRateLimitHook(http::Hook hook);
  /// The transport to `service`: in-process if this host runs it, HTTP if it is configured as remote.
  /// Throws std::invalid_argument naming the service when it is neither.
  ServiceTransport& TransportTo(std::string_view service);
  /// Like TransportTo, but nullptr when `service` is neither hosted nor remote. A non-empty `consequence` ("checkout
  /// will answer 503") is logged (`host.dependency_unreachable`) so an operator sees what is missing; empty = quiet
  /// (an optional dependency).
  ServiceTransport* FindTransport(std::string_view service, std::string_view consequence = {});
  /// True if `service` runs in this process.
  bool Hosts(std::string_view service) const;
  /// Services configured in `services.remote` (and not hosted here).
  std::vector<std::string> RemoteServices() const;
  /// Every route registered so far (services start in catalogue order, so the last one sees all).
  std::vector<const http::Route*> Routes() const;
  /// This process's in-memory token deny-list (written by the auth service, read by the gateway).
  access::DenyList& deny_list() const;
  /// The local state directory (keys), created 0700 if missing.
  std::filesystem::path state_dir() const;
  /// Reads the port this process listens on (0 until the server is up): call it at request time, not at
  /// Start(). Valid as long as the host (unlike this context, which lives only during Start()).
  std::function<std::uint16_t()> listening_port() const;

 private:
  Host& host_;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;
  /// This service's schema migrations (embedded at build time).
  virtual std::vector<pg::Migration> Migrations() const;
  virtual void Start(ServiceContext& ctx) = 0;
  virtual void Stop() {}
};

struct ServiceFactory {
  std::string name;
  std::function<std::unique_ptr<Service>()> make;
  /// Hosted in every process whatever the selection (the gateway: the edge of every process).
  bool always = false;
};

class Host {
 public:
  Host(const Config& config, std::vector<ServiceFactory> catalogue);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  /// Names from the catalogue; "all" selects every service. Throws std::invalid_argument on unknown names.
  std::vector<std::string> Resolve(const std::vector<std::string>& selected) const;
  /// Every selected service's migrations, for `okada migrate`.
  std::vector<pg::MigrationSet> MigrationsOf(const std::vector<std::string>& selected) const;

  /// Builds and starts the services, the I/O threads and the server. Returns once listening.
  void Start(const std::vector<std::string>& selected);
  /// Start(), then block until SIGTERM or SIGINT, then Shutdown(). Returns the exit code (0 after a clean drain).
  int Run(const std::vector<std::string>& selected);
  /// Graceful stop (see the header comment). Idempotent. Returns true if every in-flight request finished.
  bool Shutdown();

  std::uint16_t port() const;
  http::Server& server();
  http::Router& router();
  IoPool& io();
  Metrics& metrics();
  const Config& config() const;

  struct Impl;

 private:
  friend class ServiceContext;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada
