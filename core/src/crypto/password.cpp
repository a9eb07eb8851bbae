#include "okada/core/crypto/password.hpp"

#include <sodium.h>

#include <algorithm>

#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"

namespace okada::crypto {

std::string HashPassword(std::string_view password, const Argon2Params& params) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit, params.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCode::kInternal, "argon2id hashing failed (out of memory?)");
  }
  std::string hash(out);
  sodium_memzero(out, sizeof out);
  return hash;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  // crypto_pwhash_str_verify wants a NUL-terminated string of bounded size; refuse anything longer instead of
  // truncating (a truncated hash could never match anyway) and only accept Argon2id, our one algorithm.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.rfind("$argon2id$", 0) != 0) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buf);
  bool ok = crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
  sodium_memzero(buf, sizeof buf);
  return ok;
}

bool NeedsRehash(std::string_view hash, const Argon2Params& params) {
  EnsureSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.rfind("$argon2id$", 0) != 0) return true;
  if (hash.find('\0') != std::string_view::npos) return true;
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buf);
  // 1 = different parameters, -1 = malformed: both mean "hash again with the current parameters".
  return crypto_pwhash_str_needs_rehash(buf, params.ops_limit, params.mem_limit) != 0;
}

PasswordHasher::PasswordHasher(Options options) : options_(std::move(options)) {
  EnsureSodium();
  options_.threads = std::max<std::size_t>(options_.threads, 1);
  workers_.reserve(options_.threads);
  for (std::size_t i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

PasswordHasher::~PasswordHasher() {
  std::deque<Task> abandoned;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    abandoned.swap(queue_);
  }
  cv_.notify_all();
  for (Task& t : abandoned) t.fail();
  for (std::thread& w : workers_) w.join();
}

std::size_t PasswordHasher::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void PasswordHasher::Enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorCode::kShuttingDown, "password hasher stopping");
    // queue_ holds only waiting requests: a worker pops before it starts hashing, so the bound is exactly
    // `threads` running + `queue_capacity` waiting, whatever the arrival rate.
    if (queue_.size() >= options_.queue_capacity) {
      throw std::move(
          Error(ErrorCode::kUnavailable, "password hashing queue full").WithRetryAfter(options_.retry_after));
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void PasswordHasher::WorkerLoop() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task.run();
  }
}

// The secrets live in a shared struct (std::function needs copyable callables) that wipes them when the
// last reference goes, whether the task ran, failed or was abandoned.
namespace {
struct Secret {
  std::string a, b;
  ~Secret() {
    Wipe(a);
    Wipe(b);
  }
};
}  // namespace

// The plumbing every request shares: a promise fulfilled on a pool thread by `work` (or failed at shutdown),
// then `on_ready`. The secrets live in the Secret captured by `work` and are wiped when the task goes.
template <typename T>
std::future<T> PasswordHasher::Submit(std::function<T()> work, std::function<void()> on_ready) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  Task task;
  task.run = [work = std::move(work), promise, on_ready] {
    try {
      promise->set_value(work());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
    if (on_ready) on_ready();
  };
  task.fail = [promise, on_ready] {
    promise->set_exception(std::make_exception_ptr(Error(ErrorCode::kShuttingDown, "password hasher stopped")));
    if (on_ready) on_ready();
  };
  Enqueue(std::move(task));
  return future;
}

std::future<std::string> PasswordHasher::Hash(std::string password, std::function<void()> on_ready) {
  auto secret = std::make_shared<Secret>();
  secret->a = std::move(password);
  Wipe(password);  // a moved-from short string may keep its characters in the inline buffer
  Argon2Params params = options_.params;
  return Submit<std::string>([secret, params] { return HashPassword(secret->a, params); }, std::move(on_ready));
}

std::future<bool> PasswordHasher::Verify(std::string hash, std::string password, std::function<void()> on_ready) {
  auto secret = std::make_shared<Secret>();
  secret->a = std::move(hash);
  secret->b = std::move(password);
  Wipe(hash);
  Wipe(password);
  return Submit<bool>([secret] { return VerifyPassword(secret->a, secret->b); }, std::move(on_ready));
}

std::future<bool> PasswordHasher::VerifyDummy(std::string password, std::function<void()> on_ready) {
  auto secret = std::make_shared<Secret>();
  secret->b = std::move(password);
  Wipe(password);
  return Submit<bool>(
      [this, secret] {
        std::call_once(dummy_once_, [this] { dummy_hash_ = HashPassword(RandomToken(), options_.params); });
        (void)VerifyPassword(dummy_hash_, secret->b);
        return false;
      },
      std::move(on_ready));
}

}  // namespace okada::crypto
