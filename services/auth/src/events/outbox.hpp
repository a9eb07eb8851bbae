#pragma once
// Events the auth service publishes (api/events/): written to auth.outbox in the same transaction as the
// change; the core relay (okada::events::AddRelay) publishes them to Redis Streams. Ids only, never phone
// numbers or names.
#include <boost/asio/awaitable.hpp>
#include <string>

namespace okada::pg {
class Transaction;
}

namespace okada::auth::events {

/// `user.registered` v1: {"v","user_id","role","lang","registered_at_ms"} (api/events/user.registered.v1.json).
boost::asio::awaitable<void> UserRegistered(pg::Transaction& tx, std::string user_id, std::string role,
                                            std::string lang);

}  // namespace okada::auth::events
