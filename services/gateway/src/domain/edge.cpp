#include "domain/edge.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "okada/core/crypto/random.hpp"

namespace okada::gateway {

RouteRules::RouteRules(const std::vector<const http::Route*>& routes) {
  std::string missing;
  for (const http::Route* r : routes) {
    const access::RouteRule* rule = access::FindRule(r->method, r->pattern);
    if (!rule) {
      missing += (missing.empty() ? "" : ", ") + std::string(http::ToString(r->method)) + " " + r->pattern;
      continue;
    }
    rules_[r] = rule;
  }
  if (!missing.empty())
    throw std::logic_error("routes missing from api/routes.inc (declare who may call them): " + missing);
}

const access::RouteRule& RouteRules::Of(const http::Route& route) const {
  auto it = rules_.find(&route);
  if (it == rules_.end()) throw std::logic_error("route registered after the gateway started: " + route.pattern);
  return *it->second;
}

std::optional<std::string> KidOf(std::string_view token) {
  auto dot = token.find('.');
  if (dot == std::string_view::npos || dot > 2048) return std::nullopt;
  auto header = crypto::Base64UrlDecode(token.substr(0, dot));
  if (!header) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*header, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto* kid = v.as_object().if_contains("kid");
  if (!kid || !kid->is_string()) return std::nullopt;
  return std::string(kid->as_string());
}

std::optional<std::string_view> BearerToken(std::string_view h) {
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return std::nullopt;
  std::string_view t = h.substr(kScheme.size());
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.empty()) return std::nullopt;
  return t;
}

}  // namespace okada::gateway
