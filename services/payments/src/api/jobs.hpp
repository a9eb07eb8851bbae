#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstddef>

#include "api/state.hpp"

namespace okada::payments {

/// One pass of the payments worker (every payments.sweep_ms, shard 0): collection requests the provider did
/// not take yet (same reference, full-jitter backoff), status looks at payments without a callback, expiry of
/// payments past their window (after one last look), orders that have not followed their payment yet, and
/// transfers (refunds, payouts) to send or check. Returns how many items it handled.
boost::asio::awaitable<std::size_t> WorkOnce(StatePtr s, Deadline d);

/// Compares `provider`'s statement with our books, stores the run and its mismatches, logs each mismatch and
/// sets the okada_payments_reconciliation_mismatches gauge. Returns the run id.
boost::asio::awaitable<std::string> ReconcileProvider(StatePtr s, std::string provider, Deadline d);

}  // namespace okada::payments
