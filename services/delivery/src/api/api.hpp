#pragma once
/// The delivery service's HTTP layer and the operations its jobs and event handlers share with it. Every route
/// here is a row of api/routes.inc with service "delivery"; the gateway checks the role column first, the handlers
/// check ownership (a rider acts only on his offers and deliveries; a customer reads only hers; merchant people
/// only their store's).
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "api/state.hpp"
#include "domain/lifecycle.hpp"
#include "okada/core/http/router.hpp"

namespace okada::delivery {

namespace api {
void AddRiderRoutes(http::Router& router, StatePtr s);     // riders.cpp (shift, positions, offers)
void AddDeliveryRoutes(http::Router& router, StatePtr s);  // deliveries.cpp (read, steps, proof)
}  // namespace api

/// A delivery as loaded from the store.
struct DeliveryRow {
  std::string id, order_id, public_order_id, store_id, merchant_id, customer_id, payment_method, status;
  std::int64_t total_xaf = 0, delivery_fee_xaf = 0, rider_fee_xaf = 0;
  std::optional<std::string> rider_id;
  bool ready = false;
  std::string ready_expected_at;
  double pickup_lat = 0, pickup_lon = 0;
  std::string pickup_zone, dropoff_zone, dropoff_enc, pickup_code_enc, delivery_code_enc;
  int distance_m = 0, code_failures = 0, offers_made = 0;
  std::optional<std::string> proof, failure_reason, order_sync;
  std::optional<std::int64_t> cash_collected_xaf;
  bool money_sync = false;
  std::string created_at, updated_at;
};
DeliveryRow ToDelivery(const pg::Row& row);

struct DropOff {
  double lat = 0, lon = 0;
  std::optional<std::string> landmark;
};
/// Sealing of the drop-off point and the two codes (keyring; the delivery id as associated data).
std::string SealDropOff(const State& s, const std::string& delivery_id, const DropOff& d);
DropOff OpenDropOff(const State& s, const DeliveryRow& d);
std::string SealCode(const State& s, const std::string& delivery_id, std::string_view which, const std::string& code);
std::string OpenCode(const State& s, const DeliveryRow& d, std::string_view which);  // which: "pickup" | "delivery"

/// Who takes a step, for the machine and the timeline.
struct Who {
  domain::Actor actor = domain::Actor::kSystem;
  std::string role = "system";
  std::optional<std::string> id;
};

/// Moves `d` to `to` inside `tx` (Decide, row, timeline, event). `rider` sets the rider (accept); `clear_rider`
/// takes him off (back to unassigned). `event_extra`: fields only this step's event has. Updates `d`. Live
/// updates are told after commit (TellMoved).
boost::asio::awaitable<void> MoveIn(StatePtr s, pg::Transaction& tx, DeliveryRow& d, std::string to, const Who& who,
                                    std::optional<std::string> rider, bool clear_rider, boost::json::object detail,
                                    boost::json::object event_extra = {});
/// After commit: the delivery's new step to its order's channel and its store's (best effort).
boost::asio::awaitable<void> TellMoved(StatePtr s, const DeliveryRow& d);
/// Publishes one live message (best effort: Redis down only loses the live update, clients re-read).
boost::asio::awaitable<void> Tell(StatePtr s, std::string channel, boost::json::object message);

/// Tells orders the step it must follow (picked_up, delivered, cancelled) and payments the drop-off, if still
/// owed. Idempotent; the delivery.sync job retries with backoff until both hold.
boost::asio::awaitable<void> SyncDelivery(StatePtr s, std::string delivery_id, Deadline d);

/// Jobs (jobs.cpp): lapse offers whose time is up, offer deliveries whose time has come, keep trip partitions.
boost::asio::awaitable<void> LapseOffers(StatePtr s, Deadline d);
boost::asio::awaitable<void> OfferDue(StatePtr s, Deadline d);
boost::asio::awaitable<void> SyncDue(StatePtr s, Deadline d);
boost::asio::awaitable<void> KeepPartitions(StatePtr s, Deadline d);

/// Redis keys of the riders' latest positions (GEO) and last-seen times (sorted set, ms).
inline constexpr const char* kPositionsKey = "okada:riders:pos";
inline constexpr const char* kSeenKey = "okada:riders:seen";

http::Response JsonAnswer(const boost::json::value& v, int status = 200);
/// The JSON view of a delivery for `viewer` ("customer" | "rider" | "merchant" | "desk").
boost::json::object DeliveryJson(const State& s, const DeliveryRow& d, std::string_view viewer);
/// An offer as its rider sees it (and as the rider channel carries it).
boost::json::object OfferJson(const pg::Row& row);
/// The live message telling a rider an offer is no longer his to take (`reason`: accepted, declined, expired,
/// withdrawn).
boost::json::object OfferClosed(const std::string& offer_id, std::string_view reason);
/// Wall-clock milliseconds.
std::int64_t NowMs();

}  // namespace okada::delivery
