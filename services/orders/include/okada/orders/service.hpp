#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::orders {

/// Carts, checkout (the stock-reservation saga with products), the order state machine and its events.
std::unique_ptr<Service> MakeService();

}  // namespace okada::orders
