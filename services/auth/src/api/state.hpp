#pragma once
// What every auth handler shares: keys, the hasher pool, the SMS adapter, limits and lifetimes.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "okada/core/access/access.hpp"
#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/crypto/password.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/host.hpp"
#include "okada/core/resilience/rate_limit.hpp"
#include "okada/providers/sms.hpp"

namespace okada::pg {
class Database;
}
namespace okada::redis {
class Redis;
}

namespace okada::auth {

struct State {
  pg::Database* db = nullptr;
  redis::Redis* redis = nullptr;
  access::DenyList* deny = nullptr;
  /// The signing keys; swapped whole (std::atomic_load/store) when `okada keys rotate` changed them on disk.
  std::shared_ptr<crypto::KeyStore> keys;
  std::filesystem::path state_dir;
  std::shared_ptr<crypto::LiveKeyring> keyring;  ///< personal data; re-read when a data key is rotated
  std::unique_ptr<crypto::BlindIndex> blind;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  std::unique_ptr<sms::Gateway> sms;
  std::shared_ptr<resilience::ShardedLimiter> otp_limits;  // classes "otp_phone", "otp_ip"
  std::string client_ref_secret;                           // hashes client addresses in the audit log

  std::string issuer, audience;
  std::chrono::milliseconds access_ttl{600000};
  std::chrono::milliseconds refresh_absolute{0}, refresh_idle{0}, refresh_grace{30000};
  std::chrono::milliseconds otp_ttl{300000};
  int otp_attempts = 5;
  std::chrono::milliseconds password_deadline{30000};
};

/// The current signing keys.
inline std::shared_ptr<crypto::KeyStore> KeysOf(const State& s) { return std::atomic_load(&s.keys); }

/// Re-reads the key directory and installs it when the active key changed (a rotation by command).
boost::asio::awaitable<void> ReloadKeys(std::shared_ptr<State> state);

/// Registers every auth route on the router.
void RegisterRoutes(ServiceContext& ctx, std::shared_ptr<State> state);

/// Copies the durable deny-list to Redis (repairs Redis after a flush or data loss) and prunes expired rows.
boost::asio::awaitable<void> SyncDenials(std::shared_ptr<State> state, Deadline deadline);

}  // namespace okada::auth
