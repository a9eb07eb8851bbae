#pragma once
// What both adapters share: one HTTP client, circuit breaker and access-token cache per I/O shard of the IoPool
// (house style, ADR 0002: shard-local, no locks), the classification of answers into "the provider is down"
// (503, counts against the breaker) and "the provider refused this request" (422, does not), and JSON helpers.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/providers/mobile_money.hpp"

namespace okada::mobile_money::detail {

struct Answer {
  int status = 0;
  std::string body;
};

/// How to fetch a token: the request to send (without deadline); the token is `access_token` of the JSON answer,
/// valid for `expires_in` seconds (default 3600).
using TokenRequest = std::function<http::ClientRequest()>;

class Caller {
 public:
  /// `provider` names metrics and messages ("momo", "orange_money").
  Caller(IoPool& io, std::string provider, std::chrono::milliseconds timeout, const resilience::BreakerOptions& breaker,
         Metrics* metrics);
  ~Caller();

  /// Sends `request` with `Authorization: Bearer <token>` (token from `scope`'s cache, fetched with
  /// `fetch` when missing or expiring; fetched again once if the provider answers 401). Runs on the calling
  /// shard (or hops to shard 0). Throws kPaymentProviderUnavailable when unreachable, timed out, 5xx, 401 after
  /// a fresh token, 429, or the breaker is open; returns every other answer (2xx and 4xx) to the adapter.
  boost::asio::awaitable<Answer> Call(int scope, TokenRequest fetch, http::ClientRequest request, Deadline deadline);

  /// The adapter found an answer it cannot use (unparsable 2xx): counts against the breaker, then throws.
  [[noreturn]] void BadAnswer(const std::string& what);
  const std::string& provider() const { return provider_; }

 private:
  struct Shard;
  boost::asio::awaitable<Answer> CallOn(std::size_t shard, int scope, TokenRequest fetch, http::ClientRequest request,
                                        Deadline deadline);
  boost::asio::awaitable<std::string> Token(Shard& sh, int scope, const TokenRequest& fetch, Deadline deadline,
                                            bool fresh);
  boost::asio::awaitable<http::ClientResponse> Send(Shard& sh, http::ClientRequest request, Deadline deadline);
  [[noreturn]] void Down(Shard& sh, const std::string& reason, const std::string& detail);

  IoPool& io_;
  std::string provider_;
  std::chrono::milliseconds timeout_;
  std::vector<std::unique_ptr<Shard>> shards_;
  Metrics* metrics_;
};

/// Parses a JSON object; nullopt when the text is not one.
std::optional<boost::json::object> ParseObject(const std::string& body);
/// A string member, or "" (numbers are rendered as integers: providers send amounts both ways).
std::string Str(const boost::json::object& o, std::string_view key);
/// A whole amount given as a string ("5000") or a number; 0 when absent or not a whole number.
std::int64_t Amount(const boost::json::object& o, std::string_view key);
/// Keeps a provider's code only if it looks like one (letters, digits, _ - .; at most 60 characters).
std::string Code(std::string_view s);
/// 8-4-4-4-12 hexadecimal digits (MoMo's X-Reference-Id).
bool IsUuid(std::string_view s);
/// "http://host:port" + path, without a doubled slash.
std::string Join(std::string base, std::string_view path);
/// Throws kPaymentRefused naming the provider, the HTTP status and the provider's error code, if any.
[[noreturn]] void Refused(const std::string& provider, const std::string& step, const Answer& a);

}  // namespace okada::mobile_money::detail
