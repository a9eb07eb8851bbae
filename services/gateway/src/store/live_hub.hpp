#pragma once
/// The fan-out of live channels inside one gateway instance: one Hub per I/O shard, each with its own Redis
/// pub/sub connection (ADR 0002: shard-per-thread, nothing shared). A socket is served by its shard's hub; the hub
/// subscribes to a channel in Redis when its first socket follows it and unsubscribes after the last one leaves,
/// and hands every message to that shard's followers. Every gateway instance does the same, so a message
/// published once reaches every instance's sockets. Pub/sub loses what is published while disconnected: sockets
/// catch up from the channel's capped stream (live::After), never from pub/sub.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "okada/core/live/live.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::gateway {

/// Something that follows channels (a WebSocket connection).
class Follower {
 public:
  virtual ~Follower() = default;
  virtual void Deliver(const std::string& channel, const live::Entry& entry) = 0;
};

class Hub {
 public:
  Hub(boost::asio::io_context& ioc, redis::Options options);
  /// Follows `channel` (subscribing in Redis first if needed; throws CACHE_UNAVAILABLE when Redis is down).
  boost::asio::awaitable<void> Follow(std::string channel, Follower* f);
  void Unfollow(const std::string& channel, Follower* f);
  /// The reader loop: runs on this hub's shard until Close().
  boost::asio::awaitable<void> Run();
  void Close();
  std::size_t channels() const { return followers_.size(); }

 private:
  boost::asio::io_context& ioc_;
  std::shared_ptr<redis::Subscriber> sub_;
  std::map<std::string, std::set<Follower*>> followers_;  // by Redis key
  bool closed_ = false;
};

}  // namespace okada::gateway
