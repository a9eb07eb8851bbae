#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstddef>

#include "api/state.hpp"

namespace okada::orders {

/// pending_payment orders past their payment window → expired (stock released).
boost::asio::awaitable<std::size_t> ExpireOverduePayments(StatePtr s, Deadline d);
/// Orders whose stock step did not finish → commit or release now.
boost::asio::awaitable<std::size_t> SettleUnsettledStock(StatePtr s, Deadline d);
/// Claimed checkouts without an order after `stranded_after` (the process died mid-saga) → release.
boost::asio::awaitable<std::size_t> CompensateStrandedCheckouts(StatePtr s, Deadline d);
/// Idempotency keys older than 24 h.
boost::asio::awaitable<void> PruneKeys(StatePtr s, Deadline d);

}  // namespace okada::orders
