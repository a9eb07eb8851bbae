#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::delivery {

/// The rider side of an order: shifts, positions and trip history, offers with a countdown, assignment (the
/// brain's dispatch API, nearest available rider as the fallback), pickup and delivery proof, failed deliveries
/// and returns, live updates to the order's, rider's and store's channels.
std::unique_ptr<Service> MakeService();

}  // namespace okada::delivery
