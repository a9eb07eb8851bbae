#pragma once
/// What every typed service client (users, products, orders) does around a call to another service: build the
/// request with the service token, and read the answer — the JSON object of a 2xx, the callee's own refusal
/// rethrown with the same code and detail (so the person sees the owner's words), or 502/503 for anything that
/// is the platform's fault (a service-token problem, an unknown route, garbage).
#include <boost/json/object.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "okada/core/deadline.hpp"
#include "okada/core/http/client.hpp"

namespace okada::http {

/// A request to another service's internal route: `X-Okada-Service-Token`, and a JSON body when not empty.
ClientRequest ServiceRequest(Method method, std::string url, const std::string& token, std::string body,
                             Deadline deadline);

/// The answer's JSON object when 2xx. Otherwise throws: okada::Error with the callee's code when that code is in
/// `passed` and the status is below 500; Unavailable (503) when the callee said 503; UPSTREAM_UNAVAILABLE (502)
/// otherwise, logging `<client>.bad_answer`. `who` names the callee for people ("the catalog").
boost::json::object ServiceAnswer(const ClientResponse& res, std::string_view client, std::string_view who,
                                  std::string_view call, std::initializer_list<std::string_view> passed);

}  // namespace okada::http
