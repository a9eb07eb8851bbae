#pragma once
/// Routes: method + path pattern (`/v1/orders/{id}`) → handler. Matching is by path segments in a trie:
/// literal segments beat parameters, and a final `{name...}` (the rest of the path: one or more segments, slashes
/// kept, e.g. static files under `/merchant/{path...}`) comes last; a path that exists with other methods yields 405 +
/// Allow, otherwise 404. Routes are registered at start-up (not thread-safe then) and matched concurrently afterwards
/// (read-only).

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/http/request.hpp"

namespace okada {
class Metrics;
class Histogram;
class Counter;
}  // namespace okada

namespace okada::http {

using SyncHandler = std::function<Response(Request&)>;
using AsyncHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

/// What the gateway hooks (auth, rate limit) and metrics need to know about a route.
struct RouteOptions {
  /// Empty = public. Otherwise a signed-in principal with one of these roles is required (auth hook).
  std::vector<std::string> roles;
  /// Rate-limit class for the rate-limit hook ("" = general traffic).
  std::string rate_limit_class;
  /// Deadline for this route; zero = the server default (http.request_deadline_ms).
  std::chrono::milliseconds deadline{0};
  /// Excluded from the access log (health probes).
  bool quiet = false;
};

struct Route {
  Method method;
  std::string pattern;  ///< as registered, also the metrics label
  SyncHandler sync;     ///< exactly one of sync/async is set
  AsyncHandler async;
  RouteOptions options;
  Histogram* latency = nullptr;  ///< owned by Metrics
};

struct Match {
  const Route* route = nullptr;                                       ///< null: not found or wrong method
  std::string allow;                                                  ///< for 405: "GET, HEAD"; empty for 404
  std::vector<std::pair<std::string_view, std::string_view>> params;  ///< views into the request path
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Registers a route. Throws std::invalid_argument on a malformed pattern or a duplicate (method, pattern).
  const Route& Add(Method method, std::string pattern, SyncHandler handler, RouteOptions options = {});
  const Route& Add(Method method, std::string pattern, AsyncHandler handler, RouteOptions options = {});

  /// Matches a decoded path (no query string). HEAD falls back to GET routes.
  Match Find(Method method, std::string_view path) const;
  /// Every route in registration order (the OpenAPI check compares these with api/openapi.yaml).
  std::vector<const Route*> Routes() const;
  /// Attaches a latency histogram to every route (called once by the server).
  void AttachMetrics(Metrics& metrics);

 private:
  struct Node;
  const Route& Insert(std::unique_ptr<Route> route);
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace okada::http
