#pragma once
/// The brain's data: the no-go zones (orders' internal API, cached 30 s) and the dispatch log (PostgreSQL).
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <vector>

#include "api/state.hpp"
#include "okada/core/deadline.hpp"

namespace okada::brain::store {

/// The active no-go zones. When orders cannot be reached the last zones known are kept (and an empty list
/// before any answer): a round is never refused for that, but the failure is counted and logged.
boost::asio::awaitable<std::shared_ptr<const std::vector<dispatch::Ring>>> NoGoZones(StatePtr s, Deadline deadline);

/// Records one round (best effort: a failure is logged, never returned to the caller).
boost::asio::awaitable<void> LogRound(StatePtr s, const dispatch::Input& in, const dispatch::Result& res,
                                      const boost::json::object& answer, double elapsed_ms);

}  // namespace okada::brain::store
