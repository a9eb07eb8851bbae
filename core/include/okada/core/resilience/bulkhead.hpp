#pragma once
/// Bulkhead: at most `max_concurrent` calls at once into one resource (an upstream, a CPU-heavy job), with a
/// bounded FIFO wait queue. A caller waits at most until the earlier of its deadline and now + `max_wait`;
/// a full queue or a wait that runs out throws `Error(kUnavailable)` with Retry-After.
///
/// Threading: per shard, no locks (ADR 0002): create one per shard and use it only from that shard's thread.
/// The bulkhead must outlive its permits and waiters.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "okada/core/deadline.hpp"
#include "okada/core/errors.hpp"

namespace okada {
class Metrics;
class Counter;
}  // namespace okada

namespace okada::resilience {

struct BulkheadOptions {
  std::size_t max_concurrent = 16;
  std::size_t max_queue = 64;  ///< callers allowed to wait; 0 = reject at once when full
  std::chrono::milliseconds max_wait{100};
  std::chrono::seconds retry_after{1};  ///< Retry-After of the rejection
};

class Bulkhead {
 public:
  /// RAII slot: releasing it (destruction) hands the slot to the first waiter, if any. Move-only.
  class Permit {
   public:
    Permit() = default;
    explicit Permit(Bulkhead* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { Release(); }
    void Release();
    bool held() const noexcept { return owner_ != nullptr; }

   private:
    Bulkhead* owner_ = nullptr;
  };

  /// `name` labels the metric `okada_bulkhead_rejected_total{bulkhead}`; `metrics` may be null.
  explicit Bulkhead(std::string name, BulkheadOptions options = {}, Metrics* metrics = nullptr);
  ~Bulkhead();
  Bulkhead(const Bulkhead&) = delete;
  Bulkhead& operator=(const Bulkhead&) = delete;

  /// A slot now, or nullopt when all are taken (never waits, never throws).
  std::optional<Permit> TryAcquire();
  /// A slot, waiting in FIFO order if needed. Throws Error(kUnavailable) + Retry-After when the queue is full
  /// or no slot freed up before min(deadline, now + max_wait).
  boost::asio::awaitable<Permit> Acquire(Deadline deadline);

  std::size_t in_use() const noexcept { return in_use_; }
  std::size_t waiting() const noexcept { return waiters_.size(); }

  struct Waiter;

 private:
  void Release();
  Error Rejection(const char* why);

  std::string name_;
  BulkheadOptions options_;
  std::size_t in_use_ = 0;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  Counter* rejected_ = nullptr;
};

}  // namespace okada::resilience
