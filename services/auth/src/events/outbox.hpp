#pragma once
// Events the auth service publishes (api/events/): written to auth.outbox in the same transaction as the
// change; the relay to Redis Streams arrives with the event bus (commerce issue). Ids only, never phone
// numbers or names.
#include <boost/asio/awaitable.hpp>
#include <string>

namespace okada::pg {
class Transaction;
}

namespace okada::auth::events {

/// `user.registered` v1: {"user_id","role","lang","registered_at"}.
boost::asio::awaitable<void> UserRegistered(pg::Transaction& tx, std::string user_id, std::string role,
                                            std::string lang);

}  // namespace okada::auth::events
