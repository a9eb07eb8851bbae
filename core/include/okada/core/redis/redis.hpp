#pragma once
/// Async Redis on hiredis 0.14 driven by Asio (implementation in core/src/redis/redis.cpp).
///
/// hiredis 0.14 has no command or connect timeouts: every call here runs under an Asio timer, and a call
/// that outlives its deadline fails with CACHE_UNAVAILABLE and drops the connection (hiredis cannot cancel one
/// command), which is re-established on the next call. Replies arrive in order, so commands issued from
/// several coroutines on one connection are pipelined naturally.
///
/// Threading: a Client belongs to one shard (io_context) and must only be used from that shard's thread.
/// `Redis` holds one Client per shard and picks the calling thread's.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"

namespace boost::asio {
class io_context;
}
namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::redis {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::chrono::milliseconds timeout{500};  ///< default per-command deadline
  std::chrono::milliseconds connect_timeout{500};
  /// Parses "redis://host:port" (throws std::invalid_argument naming the problem).
  static Options FromUrl(std::string_view url);
};

/// One Redis reply (RESP2).
struct Reply {
  enum class Type { kNil, kStatus, kError, kInteger, kString, kArray };
  Type type = Type::kNil;
  std::string str;  ///< status, error or bulk string
  std::int64_t integer = 0;
  std::vector<Reply> elements;  ///< array

  bool is_nil() const noexcept { return type == Type::kNil; }
  bool is_error() const noexcept { return type == Type::kError; }
};

/// A Lua script, addressed by its SHA-1 (EVALSHA; loaded on NOSCRIPT, e.g. after a Redis restart).
struct Script {
  explicit Script(std::string source);
  std::string source;
  std::string sha1;  ///< lowercase hex
};

class Client {
 public:
  Client(boost::asio::io_context& ioc, Options options, Metrics* metrics = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends one command, e.g. {"SET", "k", "v", "PX", "1000"}. Connects first if needed.
  /// Throws okada::Error(kCacheUnavailable) when Redis cannot be reached or the deadline passes.
  /// A Redis error reply is returned as a Reply of type kError (not thrown).
  boost::asio::awaitable<Reply> Command(std::vector<std::string> args, std::optional<Deadline> deadline = {});
  /// Sends several commands at once and returns their replies in order.
  boost::asio::awaitable<std::vector<Reply>> Pipeline(std::vector<std::vector<std::string>> commands,
                                                      std::optional<Deadline> deadline = {});
  /// EVALSHA with a fallback to SCRIPT LOAD on NOSCRIPT.
  boost::asio::awaitable<Reply> Eval(const Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                                     std::optional<Deadline> deadline = {});

  bool connected() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// A published message received by a Subscriber.
struct Message {
  std::string channel;
  std::string payload;
};

/// A dedicated pub/sub connection. After a reconnect it subscribes again to every channel it had.
/// Same threading rule as Client.
class Subscriber {
 public:
  Subscriber(boost::asio::io_context& ioc, Options options);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  /// Subscribes (connecting if needed); returns once Redis confirmed every channel.
  boost::asio::awaitable<void> Subscribe(std::vector<std::string> channels);
  boost::asio::awaitable<void> Unsubscribe(std::vector<std::string> channels);
  /// Waits for the next message until `deadline`; nullopt on timeout or after Close(). Reconnects (and
  /// re-subscribes) by itself when the connection drops; messages published while disconnected are lost
  /// (pub/sub is a hint channel: callers resume from durable state).
  boost::asio::awaitable<std::optional<Message>> Next(Deadline deadline);
  void Close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// One Client per I/O shard; `Local()` is the calling thread's.
class Redis {
 public:
  Redis(IoPool& io, Options options, Metrics* metrics = nullptr);
  ~Redis();
  Client& Local();
  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace okada::redis
