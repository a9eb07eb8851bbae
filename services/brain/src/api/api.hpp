#pragma once
/// The brain service's HTTP layer. Every route is a row of api/routes.inc with service "brain".
#include "api/state.hpp"
#include "okada/core/http/router.hpp"

namespace okada::brain::api {

void AddDispatchRoutes(http::Router& router, StatePtr s);  // dispatch.cpp
void AddRecsRoutes(http::Router& router, StatePtr s);      // recs.cpp
void AddExportRoutes(http::Router& router, StatePtr s);    // export.cpp
void AddForecastRoutes(http::Router& router, StatePtr s);  // forecasts.cpp

}  // namespace okada::brain::api
