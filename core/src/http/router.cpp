#include "okada/core/http/router.hpp"

#include <map>
#include <stdexcept>

#include "okada/core/metrics.hpp"

namespace okada::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;  // one parameter child; its name is per route (params may differ in name)
  std::unique_ptr<Node> rest;   // a final `{name...}`: one or more remaining segments, tried last
  std::vector<std::pair<const Route*, std::vector<std::string>>> routes;  // route + parameter names
};

namespace {
// Splits "/v1/orders/{id}" into {"v1","orders","{id}"}. An empty path or "/" has no segments.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool IsRest(std::string_view s) { return IsParam(s) && s.size() > 5 && s.substr(s.size() - 4) == "...}"; }
}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

namespace {
std::unique_ptr<Route> MakeRoute(Method method, std::string pattern, RouteOptions options) {
  auto r = std::make_unique<Route>();
  r->method = method;
  r->pattern = std::move(pattern);
  r->options = std::move(options);
  return r;
}
}  // namespace

const Route& Router::Add(Method method, std::string pattern, SyncHandler handler, RouteOptions options) {
  auto r = MakeRoute(method, std::move(pattern), std::move(options));
  r->sync = std::move(handler);
  return Insert(std::move(r));
}

const Route& Router::Add(Method method, std::string pattern, AsyncHandler handler, RouteOptions options) {
  auto r = MakeRoute(method, std::move(pattern), std::move(options));
  r->async = std::move(handler);
  return Insert(std::move(r));
}

const Route& Router::Insert(std::unique_ptr<Route> route) {
  if (route->pattern.empty() || route->pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + route->pattern);
  Node* node = root_.get();
  std::vector<std::string> names;
  const auto segments = Segments(route->pattern);
  for (std::size_t k = 0; k < segments.size(); ++k) {
    std::string_view seg = segments[k];
    if (IsRest(seg)) {
      if (k + 1 != segments.size())
        throw std::invalid_argument("'" + std::string(seg) + "' must be the last segment of " + route->pattern);
      names.emplace_back(seg.substr(1, seg.size() - 5));
      if (!node->rest) node->rest = std::make_unique<Node>();
      node = node->rest.get();
    } else if (IsParam(seg)) {
      names.emplace_back(seg.substr(1, seg.size() - 2));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("malformed route segment '" + std::string(seg) + "' in " + route->pattern);
      auto it = node->literal.find(seg);
      if (it == node->literal.end()) it = node->literal.emplace(std::string(seg), std::make_unique<Node>()).first;
      node = it->second.get();
    }
  }
  for (const auto& [existing, _] : node->routes)
    if (existing->method == route->method)
      throw std::invalid_argument("duplicate route " + std::string(ToString(route->method)) + " " + route->pattern);
  routes_.push_back(std::move(route));
  node->routes.emplace_back(routes_.back().get(), std::move(names));
  return *routes_.back();
}

Match Router::Find(Method method, std::string_view path) const {
  Match m;
  auto segs = Segments(path);
  // Depth-first: literal before parameter, with backtracking so /a/{x}/c and /a/b/d both work.
  std::vector<std::string_view> values;
  const Node* found = nullptr;
  auto walk = [&](auto&& self, const Node* n, std::size_t i) -> bool {
    if (i == segs.size()) {
      if (n->routes.empty()) return false;
      found = n;
      return true;
    }
    if (auto it = n->literal.find(segs[i]); it != n->literal.end() && self(self, it->second.get(), i + 1)) return true;
    if (n->param) {
      values.push_back(segs[i]);
      if (self(self, n->param.get(), i + 1)) return true;
      values.pop_back();
    }
    if (n->rest && !n->rest->routes.empty()) {  // the rest of the path, inner and trailing slashes included
      const char* from = segs[i].data();
      values.emplace_back(from, static_cast<std::size_t>(path.data() + path.size() - from));
      found = n->rest.get();
      return true;
    }
    return false;
  };
  if (!walk(walk, root_.get(), 0)) return m;
  const std::pair<const Route*, std::vector<std::string>>* chosen = nullptr;
  for (const auto& entry : found->routes) {
    if (entry.first->method == method) chosen = &entry;
  }
  if (!chosen && method == Method::kHead)
    for (const auto& entry : found->routes)
      if (entry.first->method == Method::kGet) chosen = &entry;
  if (!chosen) {
    bool has_get = false;
    for (const auto& entry : found->routes) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += ToString(entry.first->method);
      has_get |= entry.first->method == Method::kGet;
    }
    if (has_get) m.allow += ", HEAD";
    return m;
  }
  m.route = chosen->first;
  for (std::size_t i = 0; i < chosen->second.size() && i < values.size(); ++i)
    m.params.emplace_back(chosen->second[i], values[i]);
  return m;
}

std::vector<const Route*> Router::Routes() const {
  std::vector<const Route*> out;
  for (const auto& r : routes_) out.push_back(r.get());
  return out;
}

void Router::AttachMetrics(Metrics& metrics) {
  for (auto& r : routes_)
    r->latency = &metrics.GetHistogram("okada_http_request_duration_seconds", "Time to answer a request, by route",
                                       {{"method", std::string(ToString(r->method))}, {"route", r->pattern}});
}

}  // namespace okada::http
