#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstddef>

#include "api/state.hpp"

namespace okada::payments {

/// The payments worker, three jobs (every payments.sweep_ms, shard 0) so that a slow provider holding up status
/// looks does not hold up orders or transfers. Each returns how many items it handled.
/// Payments: collection requests the provider did not take yet (same reference, full-jitter backoff), status
/// looks at payments without a callback, expiry after one last look; expired ones are watched, less often, for a
/// late approval.
boost::asio::awaitable<std::size_t> LookAtPayments(StatePtr s, Deadline d);
/// Orders that have not followed their payment yet.
boost::asio::awaitable<std::size_t> FollowOrders(StatePtr s, Deadline d);
/// Transfers (refunds, payouts) to send or check.
boost::asio::awaitable<std::size_t> MoveMoney(StatePtr s, Deadline d);

/// Compares `provider`'s statement with our books, stores the run and its mismatches, logs each mismatch and
/// sets the okada_payments_reconciliation_mismatches gauge. Returns the run id.
boost::asio::awaitable<std::string> ReconcileProvider(StatePtr s, std::string provider, Deadline d);

}  // namespace okada::payments
