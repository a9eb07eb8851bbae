#pragma once
/// The I/O threads. Okada runs one io_context per thread ("shard"), shared-nothing: every connection, pool
/// connection and Redis connection belongs to one shard and is only touched from that shard's thread, so
/// none of them needs a lock (see docs/adr/0002-shard-per-thread.md).

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace okada {

class IoPool {
 public:
  explicit IoPool(std::size_t threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  std::size_t size() const noexcept { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t shard) noexcept { return *contexts_[shard]; }

  /// Starts one thread per shard; returns at once. Each context is kept alive by a work guard until Stop().
  void Start();
  /// Lets the contexts finish (work guards released) and stops them; joins the threads. Idempotent.
  void Stop();
  /// Runs `fn` on every shard's thread and waits for all (start-up/shut-down work).
  void RunOnEach(const std::function<void(std::size_t shard)>& fn);

  /// The shard index of the calling thread, or -1 when it is not an I/O thread.
  static int CurrentShard() noexcept;

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  struct Guards;
  std::unique_ptr<Guards> guards_;
};

}  // namespace okada
