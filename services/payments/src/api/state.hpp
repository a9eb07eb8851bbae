#pragma once
/// What every payments handler and job needs; built once at Start(), immutable afterwards. Shared by every I/O
/// thread.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "domain/ledger.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/orders/client.hpp"
#include "okada/providers/mobile_money.hpp"
#include "okada/users/client.hpp"

namespace okada::payments {

struct Settings {
  domain::Rates rates;
  std::chrono::milliseconds step_budget{22000};  ///< one worker step: two provider calls and a few statements
  std::chrono::milliseconds poll_first{5000};    ///< first status look without a callback
  std::chrono::milliseconds poll_max{60000};
  std::chrono::milliseconds late_window{86400000};
  std::chrono::milliseconds reconcile_grace{300000};
  std::chrono::milliseconds reconcile_window{7 * 86400000LL};
  std::int64_t payout_min = 1000;
  std::string statement_path = "/sandbox/statement";
  std::map<std::string, std::string> provider_urls;  ///< base URL by provider name (statements)
  std::string callback_base;                         ///< empty: http://127.0.0.1:<listening port>
};

struct State {
  pg::Database* db = nullptr;
  std::shared_ptr<crypto::LiveKeyring> keyring;
  std::shared_ptr<orders::Client> orders;
  std::shared_ptr<users::Client> users;
  std::shared_ptr<const okada::events::Outbox> outbox;
  /// By name ("momo", "orange_money"); a provider without credentials is absent (its payments answer 503).
  std::map<std::string, std::shared_ptr<mobile_money::Provider>> providers;
  Settings settings;
  std::string callback_key;  ///< HMAC key of the callback tokens (<state>/keys/payments-callback.key)
  std::function<std::uint16_t()> listening_port;
  IoPool* io = nullptr;

  Counter* forged_callbacks = nullptr;
  Counter* unconfirmed_callbacks = nullptr;
  Counter* amount_mismatches = nullptr;
  Gauge* reconciliation_mismatches_momo = nullptr;
  Gauge* reconciliation_mismatches_orange = nullptr;
};
using StatePtr = std::shared_ptr<const State>;

}  // namespace okada::payments
