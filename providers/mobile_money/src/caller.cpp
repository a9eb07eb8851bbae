// Shared machinery of the mobile-money adapters (see caller.hpp).

#include "caller.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"

namespace okada::mobile_money {

namespace asio = boost::asio;
namespace json = boost::json;

std::string_view StateName(State s) {
  switch (s) {
    case State::kPending:
      return "pending";
    case State::kSucceeded:
      return "succeeded";
    case State::kFailed:
      return "failed";
  }
  return "pending";
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace detail {

struct Caller::Shard {
  std::unique_ptr<http::Client> client;
  std::unique_ptr<resilience::CircuitBreaker> breaker;
  struct Cached {
    std::string token;
    Clock::time_point expires{};
  };
  std::map<int, Cached> tokens;  ///< by scope (MoMo: collection, disbursement)
};

Caller::Caller(IoPool& io, std::string provider, std::chrono::milliseconds timeout,
               const resilience::BreakerOptions& breaker, Metrics* metrics)
    : io_(io), provider_(std::move(provider)), timeout_(timeout), metrics_(metrics) {
  for (std::size_t i = 0; i < io_.size(); ++i) {
    auto s = std::make_unique<Shard>();
    s->client = std::make_unique<http::Client>(io_.context(i));
    s->breaker = std::make_unique<resilience::CircuitBreaker>(provider_, breaker, metrics);
    shards_.push_back(std::move(s));
  }
}

Caller::~Caller() = default;

void Caller::Down(Shard& sh, const std::string& reason, const std::string& detail) {
  sh.breaker->RecordFailure();
  if (metrics_ != nullptr)
    metrics_
        ->GetCounter("okada_payment_provider_failures_total", "Calls to a payment provider that failed, by reason",
                     {{"provider", provider_}, {"reason", reason}})
        .Add();
  log::Warn("payments.provider_failed", {{"provider", provider_}, {"reason", reason}, {"detail", detail}});
  throw Error(ErrorCode::kPaymentProviderUnavailable, detail);
}

void Caller::BadAnswer(const std::string& what) {
  int s = IoPool::CurrentShard();
  std::size_t shard = s >= 0 && static_cast<std::size_t>(s) < shards_.size() ? static_cast<std::size_t>(s) : 0;
  Down(*shards_[shard], "bad_answer", provider_ + ": unusable answer to " + what);
}

asio::awaitable<http::ClientResponse> Caller::Send(Shard& sh, http::ClientRequest request, Deadline deadline) {
  request.deadline = deadline;
  std::string what = provider_ + " unreachable: ";
  std::optional<std::string> failure;
  bool timeout = false;
  http::ClientResponse response;
  try {
    response = co_await sh.client->Send(std::move(request));
  } catch (const Error& e) {
    timeout = e.code() == ErrorCode::kDeadlineExceeded;
    failure = what + e.detail();
  } catch (const std::exception&) {
    failure = what + "the call failed";
  }
  if (failure) Down(sh, timeout ? "timeout" : "unreachable", *failure);
  if (response.status >= 500 || response.status == 429)
    Down(sh, "provider_error", provider_ + " answered HTTP " + std::to_string(response.status));
  co_return response;
}

asio::awaitable<std::string> Caller::Token(Shard& sh, int scope, const TokenRequest& fetch, Deadline deadline,
                                           bool fresh) {
  auto now = Clock::now();
  auto it = sh.tokens.find(scope);
  if (!fresh && it != sh.tokens.end() && it->second.expires > now) co_return it->second.token;
  http::ClientResponse res = co_await Send(sh, fetch(), deadline);
  // Our credentials are refused: nothing works until an operator fixes them; it tells against the link.
  if (res.status != 200)
    Down(sh, "token_refused", provider_ + " refused our credentials (HTTP " + std::to_string(res.status) + ")");
  auto o = ParseObject(res.body);
  std::string token = o ? Str(*o, "access_token") : std::string();
  if (token.empty() || token.size() > 4096) Down(sh, "bad_answer", provider_ + ": unusable token answer");
  std::int64_t ttl = o ? Amount(*o, "expires_in") : 0;
  if (ttl <= 0) ttl = 3600;
  // Renew a minute early (or at half-life for short tokens) so a token never expires in flight.
  auto margin = std::chrono::seconds(std::min<std::int64_t>(60, ttl / 2));
  sh.tokens[scope] = Shard::Cached{token, Clock::now() + std::chrono::seconds(ttl) - margin};
  co_return token;
}

asio::awaitable<Answer> Caller::CallOn(std::size_t shard, int scope, TokenRequest fetch, http::ClientRequest request,
                                       Deadline deadline) {
  Shard& sh = *shards_[shard];
  deadline = std::min(deadline, Clock::now() + timeout_);
  if (Clock::now() >= deadline)
    throw Error(ErrorCode::kPaymentProviderUnavailable, "deadline passed before " + provider_ + " could be called");
  if (!sh.breaker->Allow()) throw sh.breaker->OpenError(ErrorCode::kPaymentProviderUnavailable);
  http::ClientResponse res;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string token = co_await Token(sh, scope, fetch, deadline, attempt > 0);
    http::ClientRequest r = request;
    r.headers.emplace_back("Authorization", "Bearer " + token);
    res = co_await Send(sh, std::move(r), deadline);
    if (res.status != 401) break;
  }
  if (res.status == 401) Down(sh, "token_refused", provider_ + " refused a fresh access token (HTTP 401)");
  sh.breaker->RecordSuccess();
  co_return Answer{res.status, std::move(res.body)};
}

asio::awaitable<Answer> Caller::Call(int scope, TokenRequest fetch, http::ClientRequest request, Deadline deadline) {
  int s = IoPool::CurrentShard();
  if (s >= 0 && static_cast<std::size_t>(s) < io_.size() &&
      io_.context(static_cast<std::size_t>(s)).get_executor().running_in_this_thread()) {
    co_return co_await CallOn(static_cast<std::size_t>(s), scope, std::move(fetch), std::move(request), deadline);
  }
  co_return co_await asio::co_spawn(io_.context(0), CallOn(0, scope, std::move(fetch), std::move(request), deadline),
                                    asio::use_awaitable);
}

std::optional<json::object> ParseObject(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::int64_t Amount(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return v->as_uint64() > 1'000'000'000'000ULL ? 0 : static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) {
    double d = v->as_double();
    return d >= 0 && d < 1e12 && static_cast<double>(static_cast<std::int64_t>(d)) == d ? static_cast<std::int64_t>(d)
                                                                                        : 0;
  }
  if (!v->is_string()) return 0;
  std::string_view s = v->as_string();
  if (s.empty() || s.size() > 12) return 0;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string Code(std::string_view s) {
  if (s.empty() || s.size() > 60) return {};
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return {};
  return std::string(s);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string Join(std::string base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path);
}

void Refused(const std::string& provider, const std::string& step, const Answer& a) {
  std::string detail = provider + " refused " + step + " (HTTP " + std::to_string(a.status);
  if (auto o = ParseObject(a.body)) {
    std::string code = Code(Str(*o, "code"));
    if (code.empty()) code = Code(Str(*o, "error"));
    if (!code.empty()) detail += ", " + code;
  }
  throw Error(ErrorCode::kPaymentRefused, detail + ")");
}

}  // namespace detail
}  // namespace okada::mobile_money
