#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::payments {

/// Mobile-money payments of orders (MoMo, Orange Money), cash at drop-off, the double-entry ledger, refunds,
/// payouts and reconciliation with the providers' statements.
std::unique_ptr<Service> MakeService();

}  // namespace okada::payments
