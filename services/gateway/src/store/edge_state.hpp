#pragma once
// What the edge keeps in memory, and how it stays current:
//  - the verifier built from the auth service's JWKS (fetched through the service transport; re-fetched on an
//    unknown `kid` at most once per gateway.jwks_refetch_ms, and refreshed by a job);
//  - the token deny-list (shared with this process's auth service), merged from Redis `auth:deny` by a job and
//    from the `auth:deny` channel as entries are published.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "okada/core/access/access.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/host.hpp"

namespace okada::redis {
class Redis;
class Subscriber;
}  // namespace okada::redis

namespace okada::gateway {

class Keys {
 public:
  Keys(ServiceTransport* auth, crypto::VerifyOptions options, std::chrono::milliseconds refetch_interval);
  /// The current verifier (never null; may trust no key yet).
  std::shared_ptr<const crypto::JwtVerifier> verifier() const { return std::atomic_load(&verifier_); }
  /// Fetches the JWKS now unless the last fetch is more recent than the re-fetch interval (`force` skips that
  /// check, for the periodic refresh). Returns true if a new key set was installed.
  boost::asio::awaitable<bool> Refetch(Deadline deadline, bool force);
  /// The periodic job: fetches when no key is trusted yet or the last fetch is older than `every`.
  boost::asio::awaitable<void> Refresh(Deadline deadline, std::chrono::milliseconds every);

 private:
  ServiceTransport* auth_;
  crypto::VerifyOptions options_;
  std::chrono::milliseconds interval_;
  std::atomic<std::int64_t> last_fetch_ms_{-1000000000};
  std::shared_ptr<const crypto::JwtVerifier> verifier_;
};

/// Merges Redis `auth:deny` into `deny` and prunes expired entries.
boost::asio::awaitable<void> SyncDenyList(redis::Redis& redis, access::DenyList& deny, Deadline deadline);
/// Listens on the `auth:deny` channel until `deadline`, applying what arrives.
boost::asio::awaitable<void> ListenDenyList(redis::Subscriber& sub, access::DenyList& deny, Deadline deadline);

}  // namespace okada::gateway
