#pragma once
/// The request and response types handlers see. Beast stays out of this header: the server fills a
/// Request from its parser and turns a Response into a Beast message (core/src/http/server.cpp).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okada::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view ToString(Method m) noexcept;
Method ParseMethod(std::string_view s) noexcept;

using Clock = std::chrono::steady_clock;

/// Who is calling, filled by the auth hook (identity issue); empty for anonymous requests.
struct Principal {
  std::string subject;  ///< user id
  std::string role;     ///< customer, rider, merchant_owner, merchant_staff, support, admin
  std::vector<std::string> scopes;
  std::string session;   ///< the sign-in session (refresh-token family) the access token belongs to
  std::string token_id;  ///< the access token's jti
  bool service = false;  ///< an internal call from another service (X-Okada-Service-Token), no end user
};

/// One HTTP request. Lives for the duration of its handler; not thread-safe (one coroutine owns it).
/// Header views point into the connection's parser buffer and stay valid while the handler runs.
class Request {
 public:
  Request() = default;
  Request(Method method, std::string target, std::vector<std::pair<std::string_view, std::string_view>> headers,
          std::string body);

  Method method() const noexcept { return method_; }
  std::string_view target() const noexcept { return target_; }
  std::string_view path() const noexcept { return path_; }
  std::string_view query() const noexcept { return query_; }
  const std::string& body() const noexcept { return body_; }
  std::string& mutable_body() noexcept { return body_; }

  /// Case-insensitive header lookup.
  std::optional<std::string_view> header(std::string_view name) const noexcept;
  const std::vector<std::pair<std::string_view, std::string_view>>& headers() const noexcept { return headers_; }
  /// A decoded query parameter (`?q=ndol%C3%A9` → "ndolé").
  std::optional<std::string> query_param(std::string_view name) const;
  /// A path parameter bound by the router (`/v1/orders/{id}`). Empty if absent.
  std::string_view path_param(std::string_view name) const noexcept;

  // --- set by the pipeline ---
  const std::string& request_id() const noexcept { return request_id_; }
  const std::string& traceparent() const noexcept { return traceparent_; }
  /// "fr" (default) or "en", from Accept-Language.
  std::string_view lang() const noexcept { return lang_; }
  Clock::time_point deadline() const noexcept { return deadline_; }
  std::string_view remote_address() const noexcept { return remote_; }
  const std::optional<Principal>& principal() const noexcept { return principal_; }

  void set_request_id(std::string id) { request_id_ = std::move(id); }
  void set_traceparent(std::string tp) { traceparent_ = std::move(tp); }
  void set_lang(std::string_view lang) { lang_ = lang; }
  void set_deadline(Clock::time_point d) noexcept { deadline_ = d; }
  void set_remote_address(std::string r) { remote_ = std::move(r); }
  void set_principal(Principal p) { principal_ = std::move(p); }
  std::vector<std::pair<std::string_view, std::string_view>>& mutable_path_params() noexcept { return params_; }

 private:
  Method method_ = Method::kGet;
  std::string target_;
  std::string_view path_;
  std::string_view query_;
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
  std::vector<std::pair<std::string_view, std::string_view>> params_;
  std::string body_;
  std::string request_id_;
  std::string traceparent_;
  std::string_view lang_ = "fr";
  std::string remote_;
  Clock::time_point deadline_{};
  std::optional<Principal> principal_;
};

/// An answer. Handlers fill status, body and headers; the pipeline adds the rest.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(std::string body, int status = 200) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response Text(std::string body, int status = 200) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    return r;
  }
  static Response NoContent() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  std::optional<std::string_view> header(std::string_view name) const noexcept;
};

bool IEquals(std::string_view a, std::string_view b) noexcept;
/// Percent-decoding for query strings ('+' is a space). Returns nullopt on a malformed escape.
std::optional<std::string> UrlDecode(std::string_view s);
/// The query parameter `name` of `query`, percent-decoded but with a literal '+' kept as '+' (phone numbers and
/// e-mail addresses typed into a URL: "?to=+237…"); "" when absent or malformed.
std::string QueryValueKeepingPlus(std::string_view query, std::string_view name);

}  // namespace okada::http
