#include "okada/core/http/service_call.hpp"

#include <boost/json.hpp>

#include "okada/core/access/access.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"

namespace okada::http {

namespace json = boost::json;

ClientRequest ServiceRequest(Method method, std::string url, const std::string& token, std::string body,
                             Deadline deadline) {
  ClientRequest req;
  req.method = method;
  req.url = std::move(url);
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back(std::string(access::kServiceTokenHeader), token);
  req.body = std::move(body);
  req.deadline = deadline;
  return req;
}

json::object ServiceAnswer(const ClientResponse& res, std::string_view client, std::string_view who,
                           std::string_view call, std::initializer_list<std::string_view> passed) {
  boost::system::error_code ec;
  json::value v = json::parse(res.body, ec);
  if (res.status >= 200 && res.status < 300) {
    if (ec || !v.is_object()) throw Error(ErrorCode::kUpstreamUnavailable, std::string(who) + " answered garbage");
    return std::move(v.get_object());
  }
  std::string code, detail;
  if (!ec && v.is_object()) {
    if (const json::value* c = v.get_object().if_contains("code"); c && c->is_string()) code = c->get_string();
    if (const json::value* d = v.get_object().if_contains("detail"); d && d->is_string()) detail = d->get_string();
  }
  bool pass = false;
  for (std::string_view p : passed) pass = pass || code == p;
  if (pass && res.status < 500) {
    const std::vector<ErrorInfo>& all = AllErrors();  // registry order = enumerator order
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].code == code) throw Error(static_cast<ErrorCode>(i), detail);
  }
  log::Warn(std::string(client) + ".bad_answer", {{"call", call}, {"status", res.status}});
  if (res.status == 503) throw Unavailable(std::string(who) + " is unavailable; try again shortly");
  throw Error(ErrorCode::kUpstreamUnavailable, std::string(who) + " did not answer as expected");
}

}  // namespace okada::http
