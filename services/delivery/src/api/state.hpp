#pragma once
/// What every delivery handler, job and event handler needs; built once at Start(), immutable afterwards (the
/// breakers are per shard). Shared by every I/O thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "okada/core/crypto/rotation.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/orders/client.hpp"
#include "okada/users/client.hpp"

namespace okada {
class ServiceTransport;
class IoPool;
}  // namespace okada

namespace okada::delivery {

struct Settings {
  std::chrono::milliseconds offer_ttl{45000};
  std::chrono::milliseconds offer_lead{900000};
  std::chrono::milliseconds prep_estimate{600000};
  double search_radius_m = 3000, search_radius_max_m = 15000;
  int riders_per_ring = 5;
  int rider_capacity = 1;
  std::chrono::milliseconds position_stale{120000};
  double arriving_m = 300, proof_radius_m = 200;
  int call_attempts = 3, code_attempts = 5;
  int rider_share_bp = 8000;
  std::chrono::milliseconds brain_timeout{300};
  int keep_positions_days = 30;
};

struct State {
  pg::Database* db = nullptr;
  redis::Redis* redis = nullptr;
  IoPool* io = nullptr;
  std::shared_ptr<crypto::LiveKeyring> keyring;
  std::shared_ptr<orders::Client> orders;
  std::shared_ptr<users::Client> users;
  ServiceTransport* payments = nullptr;  ///< drop-offs (earnings, cash); null = not reachable
  ServiceTransport* brain = nullptr;     ///< dispatch; null = nearest-available only
  std::string service_token;
  std::shared_ptr<const okada::events::Outbox> outbox;
  Settings settings;
  /// One breaker per shard for the brain's dispatch API (index = shard).
  std::vector<std::unique_ptr<resilience::CircuitBreaker>> brain_breakers;

  Counter* offers_by_brain = nullptr;
  Counter* offers_by_nearest = nullptr;
  Counter* positions = nullptr;
};
using StatePtr = std::shared_ptr<const State>;

}  // namespace okada::delivery
