#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::analytics {

/// The merchant dashboard's figures: order events (order.*, delivery.picked_up|delivered, payment.refunded) rolled
/// up per store per hour and per Douala day (`analytics` schema), served by GET /v1/stores/{id}/analytics.
std::unique_ptr<Service> MakeService();

}  // namespace okada::analytics
