#pragma once
/// Route registration of the products service, one function per area (each in its own file). Every route here is
/// a row of api/routes.inc with service "products"; the gateway checks the role column before the handler runs,
/// and the handlers check the merchant (a product or store of another merchant answers 404, another merchant's
/// id in the path 403).

#include "api/common.hpp"
#include "okada/core/http/router.hpp"

namespace okada::products::api {

void AddCatalogRoutes(http::Router& router, StatePtr s);      // catalog.cpp (categories, products)
void AddImportRoutes(http::Router& router, StatePtr s);       // import.cpp (CSV upsert)
void AddSearchRoutes(http::Router& router, StatePtr s);       // search.cpp
void AddInventoryRoutes(http::Router& router, StatePtr s);    // inventory.cpp (listings, adjustments)
void AddAdviceRoutes(http::Router& router, StatePtr s);       // advice.cpp (reorder advice)
void AddReservationRoutes(http::Router& router, StatePtr s);  // reservations.cpp (internal: quote, reserve)

/// The sweep job: expires held reservations past their expiry (status expired, stock returned) in batches.
/// Returns how many it expired.
boost::asio::awaitable<std::size_t> SweepReservations(StatePtr s, Deadline deadline);

}  // namespace okada::products::api
