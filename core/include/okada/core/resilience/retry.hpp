#pragma once
/// Retries with capped exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And
/// Jitter"): before attempt n+1 the call sleeps uniform(0, min(cap, base * 2^(n-1))). Only errors the caller
/// marks retryable are retried, and never past the call's deadline: a sleep that would end at or after the
/// deadline is not taken and the last error is rethrown instead.
///
/// Retry only idempotent or keyed requests (ARCHITECTURE.md §7). Threading: the awaitable runs on the calling
/// coroutine's executor (its shard); the policy is copied into it.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

#include "okada/core/deadline.hpp"
#include "okada/core/resilience/awaitable_value.hpp"

namespace okada::resilience {

struct RetryPolicy {
  int max_attempts = 3;  ///< total calls, the first included
  std::chrono::milliseconds base{50};
  std::chrono::milliseconds cap{1000};
  /// Which failures are worth another attempt. Empty = none (nothing is retried). See IsTransient.
  std::function<bool(const std::exception&)> retryable;
  /// Uniform random number in [0, 1) for the jitter; empty = a thread-local std::mt19937_64. Tests inject one.
  std::function<double()> uniform;
};

/// The sleep before attempt `attempt + 1`, after `attempt` (≥ 1) failed calls: uniform * min(cap, base·2^(attempt-1)).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt);

/// True for okada::Error codes that describe a passing condition (UNAVAILABLE, UPSTREAM_UNAVAILABLE,
/// DATABASE_UNAVAILABLE, DATABASE_BUSY, CACHE_UNAVAILABLE). DEADLINE_EXCEEDED is not: the budget is spent.
bool IsTransient(const std::exception& e) noexcept;

/// Sleeps on the current executor with an Asio steady_timer.
boost::asio::awaitable<void> SleepFor(std::chrono::milliseconds duration);

namespace detail {
template <typename T, typename Fn>
boost::asio::awaitable<T> RetryLoop(RetryPolicy policy, Deadline deadline, Fn fn) {
  for (int attempt = 1;; ++attempt) {
    std::exception_ptr error;
    bool again = false;
    try {
      if constexpr (std::is_void_v<T>) {
        co_await fn();
        co_return;
      } else {
        co_return co_await fn();
      }
    } catch (const std::exception& e) {
      error = std::current_exception();
      again = policy.retryable && policy.retryable(e);
    }
    // (Sleeping happens outside the handler: no co_await inside a catch block.)
    if (!again || attempt >= policy.max_attempts) std::rethrow_exception(error);
    auto delay = BackoffDelay(policy, attempt);
    if (Clock::now() + delay >= deadline) std::rethrow_exception(error);
    co_await SleepFor(delay);
  }
}
}  // namespace detail

/// Calls `fn()` (returning `awaitable<T>`) up to `policy.max_attempts` times; see the file comment. Rethrows
/// the last error when attempts run out, the error is not retryable, or the next sleep would pass `deadline`.
template <typename Fn>
auto Retry(RetryPolicy policy, Deadline deadline, Fn fn) {
  using T = detail::AwaitableValueT<decltype(fn())>;
  return detail::RetryLoop<T>(std::move(policy), deadline, std::move(fn));
}

}  // namespace okada::resilience
