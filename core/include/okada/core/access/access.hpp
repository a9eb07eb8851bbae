#pragma once
/// Who may call what (ARCHITECTURE §6): the route × role table of api/routes.inc, the token deny-list, and the
/// shared secret that marks service-to-service calls. Used by the gateway (the edge of every process) and by
/// the auth service (which writes the deny-list). No Boost, no OpenSSL here: cheap to include.
///
///   RouteTable()  every route any process serves, with its owning service, who may call it and its
///                 rate-limit class. The gateway refuses to start when a registered route is missing from it.
///   DenyList      revoked access tokens, kept in memory and checked on every request: by token id (one
///                 signed-out token), by session id (a signed-out or reuse-revoked session) and by subject
///                 with a cut-off time (suspension, role change: every token the user held before then).
///                 Shared between instances through Redis: sorted set `auth:deny` (score = expiry, Unix s)
///                 plus channel `auth:deny` for instant pushes. The auth service keeps the durable copy.
///   Service token 32 random bytes in `<state_dir>/keys/service-token.key`, sent as X-Okada-Service-Token by
///                 services calling `/internal/...` routes of other services.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "okada/core/http/request.hpp"

namespace okada::access {

inline constexpr std::array<std::string_view, 6> kRoles = {"customer",       "rider",   "merchant_owner",
                                                           "merchant_staff", "support", "admin"};
bool IsRole(std::string_view role) noexcept;

/// One row of api/routes.inc.
struct RouteRule {
  enum class Access { kPublic, kSignedIn, kService, kRoles };
  http::Method method = http::Method::kGet;
  std::string pattern;
  std::string service;
  Access access = Access::kPublic;
  std::vector<std::string> roles;  ///< for kRoles
  std::string rate_class;          ///< "" = general traffic
  std::string who;                 ///< the table's text ("public", "signed_in", "service", "admin|support")

  /// True if a principal with `role` passes the table (ownership is the service's check, not this one).
  /// Public routes allow everyone; service routes allow no end-user role.
  bool Allows(std::string_view role) const noexcept;
};

/// Every route, in table order.
const std::vector<RouteRule>& RouteTable();
/// The rule for (method, pattern), or null. HEAD is looked up as GET.
const RouteRule* FindRule(http::Method method, std::string_view pattern);

/// The header carrying the service token on internal calls.
inline constexpr std::string_view kServiceTokenHeader = "X-Okada-Service-Token";
/// Loads `<state_dir>/keys/service-token.key`, creating it on first run (base64url text).
std::string LoadOrCreateServiceToken(const std::filesystem::path& state_dir);

/// Redis names of the shared deny-list.
inline constexpr std::string_view kDenyKey = "auth:deny";
inline constexpr std::string_view kDenyChannel = "auth:deny";

/// One deny-list entry. Encoded for Redis and PostgreSQL as "j:<jti>", "s:<session id>" or
/// "u:<subject>:<cut-off, Unix ms>"; each lives until `expires_at` (Unix s), after which no token it could
/// match is still valid anyway.
struct Denial {
  enum class Kind { kToken, kSession, kSubject };
  Kind kind = Kind::kToken;
  std::string value;            ///< jti, session id or subject
  std::int64_t cutoff_ms = 0;   ///< kSubject: tokens issued before this instant are refused
  std::int64_t expires_at = 0;  ///< Unix seconds

  std::string Encode() const;
  static std::optional<Denial> Decode(std::string_view member, std::int64_t expires_at);
};

/// The in-memory deny-list. Thread-safe: Denies() takes a shared lock (many readers), updates an exclusive one.
class DenyList {
 public:
  void Apply(const Denial& d);
  /// Replaces everything (periodic full sync from Redis).
  void Replace(const std::vector<Denial>& all);
  /// Drops entries expired before `now_s`.
  void Prune(std::int64_t now_s);
  /// True if a token with these identifiers must be refused. `issued_ms` is the token's issue time in Unix ms
  /// (the jti is a UUIDv7, whose first 48 bits are exactly that; see IssuedMsOfUuidV7).
  bool Denies(std::string_view jti, std::string_view session, std::string_view subject, std::int64_t issued_ms) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::int64_t> tokens_;    // jti → expires
  std::unordered_map<std::string, std::int64_t> sessions_;  // sid → expires
  struct Cutoff {
    std::int64_t cutoff_ms = 0;
    std::int64_t expires_at = 0;
  };
  std::unordered_map<std::string, Cutoff> subjects_;  // sub → latest cut-off
};

/// The Unix-ms timestamp of a UUIDv7 (its first 48 bits), or nullopt for anything else.
std::optional<std::int64_t> IssuedMsOfUuidV7(std::string_view uuid);

}  // namespace okada::access
