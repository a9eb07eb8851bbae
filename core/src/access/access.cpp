#include "okada/core/access/access.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>

#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"

namespace okada::access {
namespace {

std::vector<std::string> SplitRoles(std::string_view who) {
  std::vector<std::string> out;
  while (!who.empty()) {
    auto bar = who.find('|');
    out.emplace_back(who.substr(0, bar));
    if (bar == std::string_view::npos) break;
    who.remove_prefix(bar + 1);
  }
  return out;
}

RouteRule MakeRule(http::Method method, std::string_view pattern, std::string_view service, std::string_view who,
                   std::string_view rate_class) {
  RouteRule r;
  r.method = method;
  r.pattern = pattern;
  r.service = service;
  r.who = who;
  r.rate_class = rate_class;
  if (who == "public") {
    r.access = RouteRule::Access::kPublic;
  } else if (who == "signed_in") {
    r.access = RouteRule::Access::kSignedIn;
  } else if (who == "service") {
    r.access = RouteRule::Access::kService;
  } else {
    r.access = RouteRule::Access::kRoles;
    r.roles = SplitRoles(who);
    for (const auto& role : r.roles)
      if (!IsRole(role)) throw std::logic_error("api/routes.inc: unknown role '" + role + "' on " + r.pattern);
  }
  return r;
}

std::vector<RouteRule> BuildTable() {
  using M = http::Method;
  constexpr M GET = M::kGet, POST = M::kPost, PUT = M::kPut, PATCH = M::kPatch, DELETE = M::kDelete;
  std::vector<RouteRule> t;
#define OKADA_ROUTE(method, pattern, service, who, rate_class) \
  t.push_back(MakeRule(method, pattern, service, who, rate_class));
#include "../../../api/routes.inc"
#undef OKADA_ROUTE
  (void)GET, (void)POST, (void)PUT, (void)PATCH, (void)DELETE;
  return t;
}

}  // namespace

bool IsRole(std::string_view role) noexcept { return std::find(kRoles.begin(), kRoles.end(), role) != kRoles.end(); }

bool RouteRule::Allows(std::string_view role) const noexcept {
  switch (access) {
    case Access::kPublic:
      return true;
    case Access::kSignedIn:
      return IsRole(role);
    case Access::kService:
      return false;
    case Access::kRoles:
      return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  return false;
}

const std::vector<RouteRule>& RouteTable() {
  static const std::vector<RouteRule> kTable = BuildTable();
  return kTable;
}

const RouteRule* FindRule(http::Method method, std::string_view pattern) {
  if (method == http::Method::kHead) method = http::Method::kGet;
  for (const auto& r : RouteTable())
    if (r.method == method && r.pattern == pattern) return &r;
  return nullptr;
}

std::string LoadOrCreateServiceToken(const std::filesystem::path& state_dir) {
  auto dir = state_dir / "keys";
  crypto::EnsurePrivateDirectory(dir);
  auto path = dir / "service-token.key";
  std::string fresh = crypto::Base64UrlEncode(crypto::RandomBytes(32)) + "\n";
  crypto::CreateSecretFile(path, fresh);  // keeps an existing token (another process may have made it)
  std::string token = crypto::ReadSecretFile(path);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// --- deny-list ---------------------------------------------------------------------------------------------

std::string Denial::Encode() const {
  switch (kind) {
    case Kind::kToken:
      return "j:" + value;
    case Kind::kSession:
      return "s:" + value;
    case Kind::kSubject:
      return "u:" + value + ":" + std::to_string(cutoff_ms);
  }
  return {};
}

std::optional<Denial> Denial::Decode(std::string_view m, std::int64_t expires_at) {
  if (m.size() < 3 || m[1] != ':') return std::nullopt;
  Denial d;
  d.expires_at = expires_at;
  std::string_view rest = m.substr(2);
  switch (m[0]) {
    case 'j':
      d.kind = Kind::kToken;
      d.value = rest;
      return d;
    case 's':
      d.kind = Kind::kSession;
      d.value = rest;
      return d;
    case 'u': {
      auto colon = rest.rfind(':');
      if (colon == std::string_view::npos || colon == 0) return std::nullopt;
      auto num = rest.substr(colon + 1);
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), d.cutoff_ms);
      if (ec != std::errc() || p != num.data() + num.size()) return std::nullopt;
      d.kind = Kind::kSubject;
      d.value = rest.substr(0, colon);
      return d;
    }
    default:
      return std::nullopt;
  }
}

void DenyList::Apply(const Denial& d) {
  std::unique_lock lock(mutex_);
  switch (d.kind) {
    case Denial::Kind::kToken:
      tokens_[d.value] = std::max(tokens_[d.value], d.expires_at);
      break;
    case Denial::Kind::kSession:
      sessions_[d.value] = std::max(sessions_[d.value], d.expires_at);
      break;
    case Denial::Kind::kSubject: {
      auto& c = subjects_[d.value];
      c.cutoff_ms = std::max(c.cutoff_ms, d.cutoff_ms);
      c.expires_at = std::max(c.expires_at, d.expires_at);
      break;
    }
  }
}

void DenyList::Replace(const std::vector<Denial>& all) {
  DenyList fresh;
  for (const auto& d : all) fresh.Apply(d);
  std::unique_lock lock(mutex_);
  tokens_ = std::move(fresh.tokens_);
  sessions_ = std::move(fresh.sessions_);
  subjects_ = std::move(fresh.subjects_);
}

void DenyList::Prune(std::int64_t now_s) {
  std::unique_lock lock(mutex_);
  std::erase_if(tokens_, [&](const auto& kv) { return kv.second < now_s; });
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second < now_s; });
  std::erase_if(subjects_, [&](const auto& kv) { return kv.second.expires_at < now_s; });
}

bool DenyList::Denies(std::string_view jti, std::string_view session, std::string_view subject,
                      std::int64_t issued_ms) const {
  std::shared_lock lock(mutex_);
  if (tokens_.empty() && sessions_.empty() && subjects_.empty()) return false;
  if (!jti.empty() && tokens_.contains(std::string(jti))) return true;
  if (!session.empty() && sessions_.contains(std::string(session))) return true;
  if (!subject.empty()) {
    auto it = subjects_.find(std::string(subject));
    if (it != subjects_.end() && issued_ms < it->second.cutoff_ms) return true;
  }
  return false;
}

std::size_t DenyList::size() const {
  std::shared_lock lock(mutex_);
  return tokens_.size() + sessions_.size() + subjects_.size();
}

std::optional<std::int64_t> IssuedMsOfUuidV7(std::string_view u) {
  // xxxxxxxx-xxxx-7xxx-...: the first 12 hex digits (dash removed) are the Unix ms timestamp.
  if (u.size() != 36 || u[8] != '-' || u[13] != '-' || u[14] != '7') return std::nullopt;
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 13; ++i) {
    if (i == 8) continue;
    char c = u[i];
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    ms = ms * 16 + v;
  }
  return ms;
}

}  // namespace okada::access
