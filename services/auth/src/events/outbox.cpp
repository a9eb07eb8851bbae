#include "events/outbox.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "okada/core/crypto/random.hpp"
#include "okada/core/pg/pg.hpp"
#include "store/statements.hpp"

namespace okada::auth::events {

boost::asio::awaitable<void> UserRegistered(pg::Transaction& tx, std::string user_id, std::string role,
                                            std::string lang) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count();
  boost::json::object payload{
      {"v", 1}, {"user_id", user_id}, {"role", role}, {"lang", lang}, {"registered_at_ms", now}};
  co_await tx.Execute(store::kInsertOutbox, crypto::UuidV7(), "user.registered", boost::json::serialize(payload));
}

}  // namespace okada::auth::events
