#pragma once
/// Route registration of the users service, one function per area (each in its own file). Every route here is
/// a row of api/routes.inc with service "users"; the gateway checks the role column before the handler runs,
/// and the handlers check ownership (a row that is not the caller's answers 404 NOT_FOUND).

#include "api/common.hpp"
#include "okada/core/http/router.hpp"

namespace okada::users::api {

void AddProfileRoutes(http::Router& router, StatePtr s);   // profile.cpp
void AddAddressRoutes(http::Router& router, StatePtr s);   // addresses.cpp
void AddRiderRoutes(http::Router& router, StatePtr s);     // riders.cpp
void AddMerchantRoutes(http::Router& router, StatePtr s);  // merchants.cpp (merchants and staff)
void AddStoreRoutes(http::Router& router, StatePtr s);     // stores.cpp
void AddInternalRoutes(http::Router& router, StatePtr s);  // internal.cpp (other services' reads)

}  // namespace okada::users::api
