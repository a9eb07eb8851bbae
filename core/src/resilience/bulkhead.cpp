#include "okada/core/resilience/bulkhead.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "okada/core/metrics.hpp"

namespace okada::resilience {

namespace asio = boost::asio;

// A queued caller. Release() hands it the slot directly (in_use_ unchanged) and cancels its timer, so a slot
// freed while the waiter's expiry is already queued is still honoured: the waiter checks `granted` first.
struct Bulkhead::Waiter {
  explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  bool granted = false;
};

Bulkhead::Permit& Bulkhead::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void Bulkhead::Permit::Release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Release();
}

Bulkhead::Bulkhead(std::string name, BulkheadOptions options, Metrics* metrics)
    : name_(std::move(name)), options_(options) {
  options_.max_concurrent = std::max<std::size_t>(1, options_.max_concurrent);
  if (metrics != nullptr)
    rejected_ = &metrics->GetCounter("okada_bulkhead_rejected_total", "Calls rejected by a full bulkhead",
                                     {{"bulkhead", name_}});
}

Bulkhead::~Bulkhead() = default;

std::optional<Bulkhead::Permit> Bulkhead::TryAcquire() {
  if (in_use_ >= options_.max_concurrent || !waiters_.empty()) return std::nullopt;
  ++in_use_;
  return Permit(this);
}

Error Bulkhead::Rejection(const char* why) {
  if (rejected_ != nullptr) rejected_->Add();
  Error e(ErrorCode::kUnavailable, std::string("bulkhead ") + name_ + ": " + why);
  e.WithRetryAfter(options_.retry_after);
  return e;
}

asio::awaitable<Bulkhead::Permit> Bulkhead::Acquire(Deadline deadline) {
  // FIFO: a newcomer does not overtake callers already waiting.
  if (in_use_ < options_.max_concurrent && waiters_.empty()) {
    ++in_use_;
    co_return Permit(this);
  }
  if (waiters_.size() >= options_.max_queue) throw Rejection("queue full");
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  waiter->timer.expires_at(std::min(deadline, Clock::now() + options_.max_wait));
  waiters_.push_back(waiter);
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (waiter->granted) co_return Permit(this);
  auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
  if (it != waiters_.end()) waiters_.erase(it);
  throw Rejection("wait timed out");
}

void Bulkhead::Release() {
  if (!waiters_.empty()) {
    auto next = std::move(waiters_.front());
    waiters_.pop_front();
    next->granted = true;
    next->timer.cancel();
    return;
  }
  if (in_use_ > 0) --in_use_;
}

}  // namespace okada::resilience
