#include "api/auth_client.hpp"

#include "domain/rules.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/log.hpp"

namespace okada::users::api {

namespace json = boost::json;

namespace {

ServiceTransport& Auth(const State& s) {
  if (s.auth == nullptr) throw Unavailable("the auth service is not reachable from this process");
  return *s.auth;
}

http::ClientRequest Internal(const State& s, const CallContext& call, http::Method method, std::string url,
                             std::string body) {
  http::ClientRequest req;
  req.method = method;
  req.url = std::move(url);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back(std::string(access::kServiceTokenHeader), s.service_token);
  req.body = std::move(body);
  req.deadline = call.deadline;
  req.request_id = call.request_id;
  return req;
}

[[noreturn]] void Upstream(std::string_view what, int status) {
  log::Warn("users.auth_call_failed", {{"call", what}, {"status", status}});
  throw Error(ErrorCode::kUpstreamUnavailable, "the account service did not answer as expected");
}

}  // namespace

http::ClientRequest RoleRequest(const State& s, const CallContext& call, const std::string& user_id,
                                const std::string& role) {
  json::object body;
  body["role"] = role;
  return Internal(s, call, http::Method::kPut, "/internal/v1/accounts/" + user_id + "/role", json::serialize(body));
}

void CheckRoleAnswer(const http::ClientResponse& res) {
  if (res.status >= 200 && res.status < 300) return;
  if (res.status == 404) throw NotFound("no account with this id");
  if (res.status == 503 || res.status == 502) throw Error(ErrorCode::kUpstreamUnavailable);
  Upstream("set_role", res.status);
}

http::ClientRequest LookupRequest(const State& s, const CallContext& call, const std::string& phone) {
  json::object body;
  body["phone"] = phone;
  return Internal(s, call, http::Method::kPost, "/internal/v1/accounts/lookup", json::serialize(body));
}

Account ParseLookupAnswer(const http::ClientResponse& res) {
  if (res.status == 404)
    throw Error(ErrorCode::kAccountNotFound, "no account with this phone number: ask them to sign up first");
  if (res.status != 200) {
    if (res.status == 503 || res.status == 502) throw Error(ErrorCode::kUpstreamUnavailable);
    Upstream("lookup", res.status);
  }
  boost::system::error_code ec;
  json::value v = json::parse(res.body, ec);
  if (ec || !v.is_object()) Upstream("lookup", res.status);
  const json::object& o = v.get_object();
  const json::value* id = o.if_contains("id");
  const json::value* role = o.if_contains("role");
  const json::value* status = o.if_contains("status");
  if (!id || !id->is_string() || !domain::IsUuid(id->get_string())) Upstream("lookup", res.status);
  Account a;
  a.id = Lower(id->get_string());
  if (role && role->is_string()) a.role = std::string(role->get_string());
  if (status && status->is_string()) a.status = std::string(status->get_string());
  return a;
}

boost::asio::awaitable<void> SetAccountRole(StatePtr s, CallContext call, std::string user_id, std::string role) {
  ServiceTransport& auth = Auth(*s);
  http::ClientResponse res = co_await auth.Call(RoleRequest(*s, call, user_id, role));
  CheckRoleAnswer(res);
}

boost::asio::awaitable<Account> LookupAccount(StatePtr s, CallContext call, std::string phone) {
  ServiceTransport& auth = Auth(*s);
  http::ClientResponse res = co_await auth.Call(LookupRequest(*s, call, phone));
  co_return ParseLookupAnswer(res);
}

}  // namespace okada::users::api
