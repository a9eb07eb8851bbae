#pragma once
/// Password hashing with Argon2id (libsodium `crypto_pwhash_str_alg`, ARGON2ID13) → PHC strings such as
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// Production parameters are those of ARCHITECTURE.md §6 / OWASP: memory 19 MiB, 2 passes, parallelism 1.
/// Hashing is deliberately slow and memory-hungry (tens of ms, 19 MiB per call): never call the free
/// functions on an I/O thread; go through `PasswordHasher`, whose bounded pool caps the CPU and memory spent.
/// Thread-safety: the free functions are safe to call concurrently; PasswordHasher is safe to share.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace okada::crypto {

/// Argon2id cost parameters. The defaults ARE the production parameters; do not lower them in production.
struct Argon2Params {
  std::uint64_t ops_limit = 2;                  ///< passes over memory (t)
  std::size_t mem_limit = 19u * 1024u * 1024u;  ///< bytes of memory (m = 19 MiB); parallelism is always 1

  /// TEST ONLY: the smallest parameters libsodium accepts (t = 1, m = 8 KiB), so that tests under sanitizers
  /// stay fast. Hashes made with them are trivially brute-forced; NeedsRehash() flags them in production.
  static Argon2Params InsecureForTestsOnly() { return {1, 8u * 1024u}; }
};

/// Hashes `password` with a fresh random salt. Throws okada::Error(kInternal) if libsodium fails (out of
/// memory). Blocks for the duration of the hash.
std::string HashPassword(std::string_view password, const Argon2Params& params = {});

/// True if `password` matches the PHC string `hash`. False for a wrong password AND for a malformed or
/// non-Argon2 hash (never throws for bad input). Blocks for the duration of the hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

/// True if `hash` was not made with Argon2id under exactly `params` (weaker or stronger parameters, another
/// algorithm, or malformed): the caller should re-hash the password at the next successful sign-in.
bool NeedsRehash(std::string_view hash, const Argon2Params& params = {});

/// A bounded pool of hashing threads in front of HashPassword/VerifyPassword: at most `threads` hashes run at
/// once and at most `queue_capacity` wait; beyond that Hash/Verify fail fast instead of queueing without
/// bound (a sign-in flood must not exhaust memory: each running hash holds 19 MiB).
///
/// `on_ready`, when given, is called on the pool thread right after the future becomes ready (or fails): a
/// coroutine uses it to wake up on its own executor instead of blocking on the future.
///
/// Thread-safety: Hash and Verify may be called from any thread (e.g. Asio I/O threads; they only take a
/// mutex briefly). The futures complete on a pool thread. The destructor fails the still-queued requests with
/// okada::Error(kShuttingDown), waits for the running ones and joins the threads.
///
/// Memory hygiene: the pool wipes (sodium_memzero) its copies of passwords and hashes after use. The caller's
/// own buffers are the caller's to wipe; note that a moved-from short std::string keeps its characters in
/// its inline buffer, so call crypto::Wipe on strings you moved from.
class PasswordHasher {
 public:
  struct Options {
    std::size_t threads = 1;              ///< worker threads (= hashes running at once); at least 1
    std::size_t queue_capacity = 32;      ///< requests waiting for a thread; 0 = fail whenever all threads are busy
    Argon2Params params{};                ///< production by default; Argon2Params::InsecureForTestsOnly() in tests
    std::chrono::seconds retry_after{1};  ///< Retry-After sent with kUnavailable when the queue is full
  };

  PasswordHasher() : PasswordHasher(Options{}) {}
  explicit PasswordHasher(Options options);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  /// Queues a hash of `password`. The future yields the PHC string (or okada::Error(kInternal)).
  /// Throws okada::Error(kUnavailable) with a Retry-After header at once if the queue is full.
  std::future<std::string> Hash(std::string password, std::function<void()> on_ready = {});

  /// Queues a verification. The future yields true on a match, false otherwise (including a malformed hash).
  /// Throws okada::Error(kUnavailable) with a Retry-After header at once if the queue is full.
  std::future<bool> Verify(std::string hash, std::string password, std::function<void()> on_ready = {});

  /// Spends the same time as Verify() against a real hash and yields false: call it when the account does not
  /// exist (or has no password) so sign-in timing does not reveal which phone numbers are registered. The dummy
  /// hash is made once, on first use, with this pool's parameters. Same queue bound as Verify().
  std::future<bool> VerifyDummy(std::string password, std::function<void()> on_ready = {});

  /// NeedsRehash under this pool's parameters.
  bool NeedsRehash(std::string_view hash) const { return crypto::NeedsRehash(hash, options_.params); }

  const Options& options() const noexcept { return options_; }
  /// Requests waiting for a thread right now (for metrics).
  std::size_t queued() const;

 private:
  struct Task {
    std::function<void()> run;   // does the work and fulfils the promise
    std::function<void()> fail;  // fulfils the promise with kShuttingDown
  };
  void Enqueue(Task task);
  template <typename T>
  std::future<T> Submit(std::function<T()> work, std::function<void()> on_ready);
  void WorkerLoop();

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // written once under dummy_once_, then only read
};

}  // namespace okada::crypto
