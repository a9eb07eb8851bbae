#include "okada/core/resilience/retry.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "okada/core/errors.hpp"

namespace okada::resilience {

namespace asio = boost::asio;

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt) {
  // base·2^(attempt-1), computed without overflow: stop doubling once the cap is reached.
  std::int64_t ceiling = std::max<std::int64_t>(0, policy.base.count());
  for (int i = 1; i < attempt && ceiling < policy.cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<std::int64_t>(ceiling, policy.cap.count());
  double u = 0;
  if (policy.uniform) {
    u = policy.uniform();
  } else {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }
  u = std::clamp(u, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(u * static_cast<double>(ceiling)));
}

bool IsTransient(const std::exception& e) noexcept {
  const auto* error = dynamic_cast<const Error*>(&e);
  if (error == nullptr) return false;
  switch (error->code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kUpstreamUnavailable:
    case ErrorCode::kDatabaseUnavailable:
    case ErrorCode::kDatabasePoolExhausted:
    case ErrorCode::kCacheUnavailable:
      return true;
    default:
      return false;
  }
}

asio::awaitable<void> SleepFor(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace okada::resilience
