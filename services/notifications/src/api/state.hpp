#pragma once
/// What every notifications handler, job and event handler needs; built once at Start(), immutable afterwards.
#include <chrono>
#include <memory>
#include <string>

#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/orders/client.hpp"
#include "okada/users/client.hpp"

namespace okada {
class ServiceTransport;
namespace sms {
class Gateway;
}
namespace email {
class Mailer;
}
namespace webpush {
class Sender;
class VapidKey;
}  // namespace webpush
}  // namespace okada

namespace okada::notifications {

struct Settings {
  int max_attempts = 6;
  std::chrono::milliseconds retry_base{2000};
  int sms_per_hour = 20, push_per_hour = 60, email_per_hour = 20;
};

struct State {
  pg::Database* db = nullptr;
  redis::Redis* redis = nullptr;
  std::shared_ptr<crypto::LiveKeyring> keyring;
  std::shared_ptr<const crypto::BlindIndex> blind;  ///< finds a push subscription again by its endpoint
  std::shared_ptr<orders::Client> orders;
  std::shared_ptr<users::Client> users;
  ServiceTransport* auth = nullptr;  ///< phone numbers and languages of accounts
  std::string service_token;
  std::unique_ptr<sms::Gateway> sms;
  std::unique_ptr<email::Mailer> mailer;
  std::unique_ptr<webpush::Sender> push;
  std::string vapid_public_key;  ///< base64url, for browsers' PushManager.subscribe
  std::string report_token;      ///< SMS delivery reports carry it (the callback URL's secret)
  Settings settings;
  Counter* sent = nullptr;
  Counter* failed = nullptr;
  Counter* skipped = nullptr;
  Counter* rate_limited = nullptr;
};
using StatePtr = std::shared_ptr<const State>;

}  // namespace okada::notifications
