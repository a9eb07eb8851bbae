#pragma once
/// What the users service tells the rest of the platform: rows of `users.outbox`, written in the same
/// transaction as the change they describe. Payloads carry ids (and enum values) only, never personal data.
/// The core relay (okada::events::AddRelay, started in routes.cpp) publishes the outbox to Redis Streams.
///
/// Types: rider.applied, rider.updated, rider.approved, rider.suspended, merchant.applied, merchant.approved,
/// merchant.staff_added, merchant.staff_removed, store.created, store.updated.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "okada/core/pg/pg.hpp"

namespace okada::users::events {

/// One event: its type and the payload's (key, id) pairs, e.g. {"rider_id", "0193…"}.
struct Event {
  std::string type;
  std::vector<std::pair<std::string, std::string>> ids;
};

/// An event about one id, e.g. Of("rider.approved", "rider_id", id).
Event Of(std::string type, std::string key, std::string id);
/// An event about two ids (e.g. merchant_id and user_id).
Event Of(std::string type, std::string key1, std::string id1, std::string key2, std::string id2);

/// The payload JSON: {"v":1,<key>:<id>,...}.
std::string PayloadJson(const Event& event);

/// Appends the event to the outbox inside `tx`.
boost::asio::awaitable<void> Append(pg::Transaction& tx, Event event);

}  // namespace okada::users::events
