#pragma once
/// What the delivery service publishes (api/events/delivery.*.json) and consumes (order.accepted: a delivery is
/// created and offers start while the merchant prepares; order.ready: the rider may pick up; order.cancelled: the
/// delivery stops and open offers are withdrawn). Payloads carry ids, zones and amounts only.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "api/api.hpp"
#include "okada/core/events/outbox.hpp"

namespace okada::delivery::events {

/// The payload of delivery event `type` ("delivery.assigned" …) for `d` as it now is. `extra` adds the fields
/// only that type has (attempt, expires_at, proof, reason …).
std::string Payload(std::string_view type, const DeliveryRow& d, const boost::json::object& extra);

/// The order.* fields delivery reads: the public order id and, for order.cancelled, the status it reached.
struct OrderFacts {
  std::string order_id;
  std::string status;
};
OrderFacts ParseOrder(const std::string& payload);

/// order.accepted / order.ready / order.cancelled (consumer.cpp).
boost::asio::awaitable<void> OnOrderEvent(StatePtr s, const okada::events::Event& event, pg::Transaction& tx);

}  // namespace okada::delivery::events
