#pragma once
/// Calls from the users service to the auth service's internal routes (api/routes.inc, who = "service"),
/// through ServiceContext::TransportTo("auth"), with the shared service token, the caller's deadline and
/// request id.
///
///   PUT  /internal/v1/accounts/{id}/role  {"role":"rider"}           → 2xx
///   POST /internal/v1/accounts/lookup     {"phone":"+2376XXXXXXXX"}  → 200 {"id","role","status"} | 404
///
/// Errors: an unreachable or misbehaving auth service is 502 UPSTREAM_UNAVAILABLE (503 UNAVAILABLE when this
/// process has no route to it; DEADLINE_EXCEEDED when the deadline passes); an unknown account is 404
/// NOT_FOUND for a role change and 404 ACCOUNT_NOT_FOUND for a lookup.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/common.hpp"

namespace okada::users::api {

/// What an internal call carries over from the request that caused it.
struct CallContext {
  Deadline deadline;
  std::string request_id;
};
inline CallContext CallOf(const http::Request& req) { return CallContext{req.deadline(), req.request_id()}; }

struct Account {
  std::string id;  ///< lower case
  std::string role;
  std::string status;
};

/// Sets the account's role (idempotent on the auth side: the same role twice is fine).
boost::asio::awaitable<void> SetAccountRole(StatePtr s, CallContext call, std::string user_id, std::string role);
/// The account holding `phone` (E.164).
boost::asio::awaitable<Account> LookupAccount(StatePtr s, CallContext call, std::string phone);

// Plain halves, exposed for unit tests.
http::ClientRequest RoleRequest(const State& s, const CallContext& call, const std::string& user_id,
                                const std::string& role);
void CheckRoleAnswer(const http::ClientResponse& res);
http::ClientRequest LookupRequest(const State& s, const CallContext& call, const std::string& phone);
Account ParseLookupAnswer(const http::ClientResponse& res);

}  // namespace okada::users::api
