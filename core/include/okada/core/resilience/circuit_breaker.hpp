#pragma once
/// Circuit breaker per upstream (payment providers, brain, remote services).
///
/// Closed → open after `consecutive_failures` failures in a row, or when the failure ratio over a rolling
/// window reaches `failure_ratio` with at least `minimum_calls` calls in it. Open for `open_for`, then
/// half-open: `half_open_probes` calls go through; when all of them succeed the breaker closes, the first
/// failure re-opens it.
///
/// Threading: single-shard, no locks (house style, ADR 0002). Create one breaker per upstream per shard and use
/// it only from that shard's thread. Metrics instruments (optional) are atomic and shared by the shards: the
/// state gauge shows the state last written by any shard.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/resilience/awaitable_value.hpp"

namespace okada {
class Metrics;
class Gauge;
class Counter;
}  // namespace okada

namespace okada::resilience {

/// Injectable time source (tests); empty = steady_clock::now.
using ClockFn = std::function<Clock::time_point()>;

enum class BreakerState : int { kClosed = 0, kOpen = 1, kHalfOpen = 2 };
std::string_view ToString(BreakerState s) noexcept;

struct BreakerOptions {
  int consecutive_failures = 5;              ///< trip after this many failures in a row; 0 = rule off
  double failure_ratio = 0.5;                ///< trip when failures / calls in the window reaches this; > 1 = rule off
  int minimum_calls = 20;                    ///< the ratio rule needs at least this many calls in the window
  std::chrono::milliseconds window{10000};   ///< rolling window of the ratio rule
  int window_buckets = 10;                   ///< the window is kept as this many buckets
  std::chrono::milliseconds open_for{5000};  ///< cool-down before half-open
  int half_open_probes = 1;                  ///< calls let through (and needed to succeed) when half-open
  /// Log "breaker.open" (closed → open, once per outage: not on each failed probe) and "breaker.closed".
  bool log_transitions = true;
};

class CircuitBreaker {
 public:
  /// `name` labels the metrics (`upstream`). `metrics` may be null.
  explicit CircuitBreaker(std::string name, BreakerOptions options = {}, Metrics* metrics = nullptr,
                          ClockFn clock = {});

  /// May a call go out now? Closed: yes. Open: no (until the cool-down ends, then half-open). Half-open: yes
  /// for up to `half_open_probes` calls in flight. Every `true` must be followed by RecordSuccess/RecordFailure.
  bool Allow();
  void RecordSuccess();
  void RecordFailure();

  /// The current state (moves open → half-open when the cool-down has passed).
  BreakerState state();
  /// Time left before an open breaker lets a probe through (zero unless open).
  std::chrono::milliseconds RetryAfter() const;
  const std::string& name() const noexcept { return name_; }
  /// The error `Run` throws when the breaker refuses a call: `code` with Retry-After (whole seconds, ≥ 1).
  Error OpenError(ErrorCode code) const;

 private:
  struct Bucket {
    std::int64_t index = -1;
    int calls = 0;
    int failures = 0;
  };
  Clock::time_point Now() const { return clock_ ? clock_() : Clock::now(); }
  void Transition(BreakerState to);
  void Count(bool failure);
  void ResetWindow();

  std::string name_;
  BreakerOptions options_;
  ClockFn clock_;
  BreakerState state_ = BreakerState::kClosed;
  Clock::time_point opened_at_{};
  Clock::time_point last_probe_at_{};
  int consecutive_ = 0;
  int probes_in_flight_ = 0;
  int probe_successes_ = 0;
  std::vector<Bucket> buckets_;
  Gauge* state_gauge_ = nullptr;
  Counter* to_open_ = nullptr;
  Counter* to_half_open_ = nullptr;
  Counter* to_closed_ = nullptr;
};

namespace detail {
template <typename T, typename Fn>
boost::asio::awaitable<T> RunThroughBreaker(CircuitBreaker* breaker, Fn fn, ErrorCode code) {
  if (!breaker->Allow()) throw breaker->OpenError(code);
  try {
    if constexpr (std::is_void_v<T>) {
      co_await fn();
      breaker->RecordSuccess();
    } else {
      T value = co_await fn();
      breaker->RecordSuccess();
      co_return value;
    }
  } catch (const Error& e) {
    // A 4xx means the upstream answered (the request was at fault): that is not an upstream failure.
    if (e.info().status < 500)
      breaker->RecordSuccess();
    else
      breaker->RecordFailure();
    throw;
  } catch (...) {
    breaker->RecordFailure();
    throw;
  }
}
}  // namespace detail

/// Runs `fn()` (a callable returning `awaitable<T>`; not itself a capturing coroutine lambda) through
/// `breaker`: throws `Error(code)` with Retry-After without calling `fn` when the breaker is open; records
/// the outcome otherwise (an exception is a failure, except an okada::Error with a 4xx status) and rethrows.
/// The breaker must outlive the returned awaitable and be used on its shard.
template <typename Fn>
auto Run(CircuitBreaker& breaker, Fn fn, ErrorCode code = ErrorCode::kUpstreamUnavailable) {
  using T = detail::AwaitableValueT<decltype(fn())>;
  return detail::RunThroughBreaker<T>(&breaker, std::move(fn), code);
}

}  // namespace okada::resilience
