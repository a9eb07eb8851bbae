#pragma once
// The edge's decisions, free of I/O: which table row a route is, and whether a verified caller may pass.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "okada/core/access/access.hpp"
#include "okada/core/http/router.hpp"

namespace okada::gateway {

/// Route → table row, built once every service has registered its routes. Throws std::logic_error naming
/// each registered route that api/routes.inc does not list (a route nobody declared must not go live).
class RouteRules {
 public:
  explicit RouteRules(const std::vector<const http::Route*>& routes);
  const access::RouteRule& Of(const http::Route& route) const;

 private:
  std::unordered_map<const http::Route*, const access::RouteRule*> rules_;
};

/// The `kid` in a compact JWS header, if it can be read (used only to decide whether to re-fetch the JWKS;
/// the verifier decides everything else).
std::optional<std::string> KidOf(std::string_view token);

/// The bearer token of an Authorization header value ("Bearer abc" → "abc"), or nullopt.
std::optional<std::string_view> BearerToken(std::string_view header);

}  // namespace okada::gateway
