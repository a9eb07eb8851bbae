#include "okada/core/resilience/circuit_breaker.hpp"

#include <algorithm>

#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"

namespace okada::resilience {

std::string_view ToString(BreakerState s) noexcept {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(std::string name, BreakerOptions options, Metrics* metrics, ClockFn clock)
    : name_(std::move(name)), options_(options), clock_(std::move(clock)) {
  options_.window_buckets = std::max(1, options_.window_buckets);
  options_.half_open_probes = std::max(1, options_.half_open_probes);
  if (options_.window.count() < options_.window_buckets)
    options_.window = std::chrono::milliseconds(options_.window_buckets);
  buckets_.resize(static_cast<std::size_t>(options_.window_buckets));
  if (metrics != nullptr) {
    state_gauge_ = &metrics->GetGauge("okada_breaker_state", "Circuit breaker state (0 closed, 1 open, 2 half-open)",
                                      {{"upstream", name_}});
    const char* help = "Circuit breaker transitions, by target state";
    to_open_ = &metrics->GetCounter("okada_breaker_transitions_total", help, {{"upstream", name_}, {"to", "open"}});
    to_half_open_ =
        &metrics->GetCounter("okada_breaker_transitions_total", help, {{"upstream", name_}, {"to", "half_open"}});
    to_closed_ = &metrics->GetCounter("okada_breaker_transitions_total", help, {{"upstream", name_}, {"to", "closed"}});
    state_gauge_->Set(0);
  }
}

BreakerState CircuitBreaker::state() {
  if (state_ == BreakerState::kOpen && Now() - opened_at_ >= options_.open_for) Transition(BreakerState::kHalfOpen);
  return state_;
}

bool CircuitBreaker::Allow() {
  switch (state()) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return false;
    case BreakerState::kHalfOpen: {
      auto now = Now();
      // A probe whose outcome never came back (its coroutine was destroyed) must not wedge the breaker:
      // after another cool-down, the probes in flight are presumed lost.
      if (probes_in_flight_ > 0 && now - last_probe_at_ >= options_.open_for) probes_in_flight_ = 0;
      if (probes_in_flight_ + probe_successes_ >= options_.half_open_probes) return false;
      ++probes_in_flight_;
      last_probe_at_ = now;
      return true;
    }
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  switch (state_) {
    case BreakerState::kClosed:
      consecutive_ = 0;
      Count(false);
      return;
    case BreakerState::kOpen:
      return;  // a call let through before the breaker opened: its outcome says nothing about now
    case BreakerState::kHalfOpen:
      probes_in_flight_ = std::max(0, probes_in_flight_ - 1);
      if (++probe_successes_ >= options_.half_open_probes) Transition(BreakerState::kClosed);
      return;
  }
}

void CircuitBreaker::RecordFailure() {
  switch (state_) {
    case BreakerState::kClosed: {
      ++consecutive_;
      Count(true);
      bool trip = options_.consecutive_failures > 0 && consecutive_ >= options_.consecutive_failures;
      if (!trip && options_.failure_ratio <= 1.0) {
        std::int64_t now_index = (Now().time_since_epoch() / (options_.window / options_.window_buckets));
        int calls = 0, failures = 0;
        for (const auto& b : buckets_) {
          if (b.index > now_index - options_.window_buckets) {
            calls += b.calls;
            failures += b.failures;
          }
        }
        trip = calls >= options_.minimum_calls && calls > 0 &&
               static_cast<double>(failures) / static_cast<double>(calls) >= options_.failure_ratio;
      }
      if (trip) Transition(BreakerState::kOpen);
      return;
    }
    case BreakerState::kOpen:
      return;
    case BreakerState::kHalfOpen:
      Transition(BreakerState::kOpen);
      return;
  }
}

std::chrono::milliseconds CircuitBreaker::RetryAfter() const {
  if (state_ != BreakerState::kOpen) return std::chrono::milliseconds(0);
  auto left = std::chrono::ceil<std::chrono::milliseconds>(opened_at_ + options_.open_for - Now());
  return std::max(std::chrono::milliseconds(0), left);
}

Error CircuitBreaker::OpenError(ErrorCode code) const {
  auto seconds = std::max<std::int64_t>(1, (RetryAfter().count() + 999) / 1000);
  Error e(code, "circuit open: " + name_);
  e.WithRetryAfter(std::chrono::seconds(seconds));
  return e;
}

void CircuitBreaker::Count(bool failure) {
  auto width = options_.window / options_.window_buckets;
  std::int64_t index = Now().time_since_epoch() / width;
  Bucket& b = buckets_[static_cast<std::size_t>(index % options_.window_buckets)];
  if (b.index != index) b = Bucket{index, 0, 0};
  ++b.calls;
  if (failure) ++b.failures;
}

void CircuitBreaker::ResetWindow() {
  for (auto& b : buckets_) b = Bucket{};
  consecutive_ = 0;
}

void CircuitBreaker::Transition(BreakerState to) {
  if (to == state_) return;
  const BreakerState from = state_;
  state_ = to;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  Counter* counter = nullptr;
  switch (to) {
    case BreakerState::kOpen:
      opened_at_ = Now();
      counter = to_open_;
      if (options_.log_transitions && from == BreakerState::kClosed) log::Warn("breaker.open", {{"upstream", name_}});
      break;
    case BreakerState::kHalfOpen:
      counter = to_half_open_;
      break;
    case BreakerState::kClosed:
      // A fresh window: failures from before the outage must not re-trip the breaker at once.
      ResetWindow();
      counter = to_closed_;
      if (options_.log_transitions) log::Info("breaker.closed", {{"upstream", name_}});
      break;
  }
  if (counter != nullptr) counter->Add();
  if (state_gauge_ != nullptr) state_gauge_->Set(static_cast<int>(to));
}

}  // namespace okada::resilience
