#pragma once
/// What every orders handler and job needs; built once at Start(), immutable afterwards except the no-go
/// zone cache (guarded). Shared by every I/O thread.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "domain/pricing.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/http/idempotency.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/products/client.hpp"
#include "okada/users/client.hpp"

namespace okada::orders {

struct NoGoZone {
  std::string slug;
  std::string name;
  std::vector<std::pair<double, double>> ring;  ///< [lon, lat]
  bool active = true;
};

struct Settings {
  domain::Tariff tariff;
  bool raining = false;
  std::chrono::seconds payment_ttl{900};     ///< reservation and payment window (ARCHITECTURE §8: 15 min)
  std::chrono::seconds claim_timeout{60};    ///< a checkout silent this long may be retried with its key
  std::chrono::seconds settle_after{10};     ///< stock steps older than this are finished by the job
  std::chrono::seconds stranded_after{120};  ///< claims older than this without an order are compensated
  std::chrono::milliseconds sweep{5000};     ///< how often the jobs run
};

struct State {
  pg::Database* db = nullptr;
  std::shared_ptr<crypto::LiveKeyring> keyring;
  std::shared_ptr<users::Client> users;
  std::shared_ptr<products::Client> products;
  std::shared_ptr<const okada::events::Outbox> outbox;
  std::shared_ptr<const idempotency::Store> idempotency;
  Settings settings;

  // No-go zones, re-read from PostgreSQL at most every 30 s (and after an admin edit in this process).
  mutable std::mutex zones_mu;
  mutable std::shared_ptr<const std::vector<NoGoZone>> zones;
  mutable std::chrono::steady_clock::time_point zones_loaded{};
};
using StatePtr = std::shared_ptr<const State>;

/// The active no-go zones (cached).
boost::asio::awaitable<std::shared_ptr<const std::vector<NoGoZone>>> Zones(StatePtr s, Deadline deadline);
void ForgetZones(const State& s);

}  // namespace okada::orders
