#pragma once
// Helpers for integration tests: the real PostgreSQL/Redis started by scripts/test (scripts/dev-env),
// a fresh database per suite, and running coroutines to completion from a test thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace okada::test {

/// Polls `condition` (every 50 ms) until it holds or `timeout` has passed; returns its last answer. For what the
/// platform does in the background (events, reloads), never for speed.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

/// The value of an environment variable set by scripts/test; fails the test (never skips) when unset.
std::string RequiredEnv(const char* name);

/// Runs `scripts/dev-env <command>` (OKADA_DEV_ENV) and returns its exit status.
int DevEnv(const std::string& command);

/// Creates a database with a unique name on the test server and drops it on destruction.
class FreshDatabase {
 public:
  explicit FreshDatabase(const std::string& suite);
  ~FreshDatabase();
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

/// Runs a PostgreSQL statement synchronously on `url` (setup and assertions), returning the first column of
/// each row.
std::vector<std::string> Psql(const std::string& url, const std::string& sql);

/// Runs `command` through /bin/sh with stderr merged into stdout; returns the exit status (-1 if killed) and
/// everything it printed.
struct ShellResult {
  int status = -1;
  std::string output;
};
ShellResult Shell(const std::string& command);

/// Raises the soft open-file limit to the hard limit (1,000-connection tests need ~2,000 descriptors).
void RaiseFileLimit();

/// Runs an awaitable on `ctx` (whose thread must be running) and waits for its result or exception.
template <typename T>
T Await(boost::asio::io_context& ctx, boost::asio::awaitable<T> aw) {
  return boost::asio::co_spawn(ctx, std::move(aw), boost::asio::use_future).get();
}
inline void Await(boost::asio::io_context& ctx, boost::asio::awaitable<void> aw) {
  boost::asio::co_spawn(ctx, std::move(aw), boost::asio::use_future).get();
}

/// A blocking HTTP/1.1 exchange for tests (Beast, synchronous).
struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};
HttpResult HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers = {}, const std::string& body = {});
/// Sends raw bytes, then reads until the server closes or `wait` passes.
struct RawResult {
  std::string data;     ///< everything the server sent
  bool closed = false;  ///< the server closed the connection (as opposed to `wait` running out)
};
RawResult RawExchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds wait);

/// A local HTTP server (its own thread) that records every POST and PUT to `pattern` (a router pattern such as
/// "/cb/{token}") and answers 204: the receiving end of callbacks, notifications and delivery reports.
class CallbackRecorder {
 public:
  struct Call {
    std::string method;  ///< "POST" | "PUT"
    std::string body;
  };
  explicit CallbackRecorder(const std::string& pattern);
  ~CallbackRecorder();
  CallbackRecorder(const CallbackRecorder&) = delete;
  CallbackRecorder& operator=(const CallbackRecorder&) = delete;
  /// "http://127.0.0.1:<port>" + path
  std::string Url(const std::string& path) const;
  /// The calls so far, once there are at least `n` or `wait` has passed.
  std::vector<Call> WaitFor(std::size_t n, std::chrono::milliseconds wait = std::chrono::seconds(30)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::test
