#pragma once
/// The analytics service's HTTP layer. Every route is a row of api/routes.inc with service "analytics".
///
/// Handlers are coroutines taking (StatePtr, http::Request&); everything that builds JSON or validates input is a
/// plain function (GCC 12 mishandles initializer lists and complex expressions inside coroutine bodies).
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "api/state.hpp"
#include "domain/rules.hpp"
#include "okada/core/http/router.hpp"
#include "store/store.hpp"

namespace okada::analytics::api {

void AddRoutes(http::Router& router, StatePtr s);  // dashboard.cpp

/// The signed-in end user (lower-case id) of a dashboard route: merchant_owner, merchant_staff, support or admin
/// (401 without an end user, 403 for another role: the gateway's table says the same).
struct Caller {
  std::string id;
  std::string role;
  bool reads_everything = false;  ///< support or admin
};
Caller RequireDashboardReader(const http::Request& req);

/// The store's merchant, checked for the caller: support/admin any store, merchant members only their merchant's
/// (404 NOT_FOUND otherwise, as for a store that does not exist). Asks the users service (cached ~30 s).
boost::asio::awaitable<std::string> StoreForCaller(StatePtr s, Caller c, std::string store_id, Deadline deadline);

/// A UUID path parameter in lower case; 404 NOT_FOUND when it is not one.
std::string PathId(const http::Request& req, std::string_view name);

/// The answer of GET /v1/stores/{id}/analytics (docs: api/openapi.yaml, StoreAnalytics).
boost::json::value DashboardJson(const std::string& store_id, const domain::Range& range, const store::Dashboard& d);

}  // namespace okada::analytics::api
