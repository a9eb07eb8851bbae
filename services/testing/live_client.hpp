#pragma once
// A WebSocket client for tests of the live channel (/v1/ws): connects (optionally with an Origin), sends JSON
// frames, and hands received frames to the test in order. One I/O thread per client; thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/json.hpp>

namespace okada::test {

class LiveClient {
 public:
  /// Opens ws://127.0.0.1:port + target. On a refused upgrade returns nullptr and sets `*status` to the HTTP
  /// status the server answered (0 when it could not connect at all).
  static std::unique_ptr<LiveClient> Connect(std::uint16_t port, const std::string& target,
                                             const std::string& origin = {}, int* status = nullptr);
  ~LiveClient();

  void Send(const std::string& text);
  /// The next frame, waiting up to `timeout`; nullopt on timeout or after the server closed.
  std::optional<std::string> Next(std::chrono::milliseconds timeout);
  /// Frames until one (parsed as a JSON object) satisfies `pred`; nullopt on timeout. Frames before it are dropped.
  std::optional<boost::json::object> WaitFor(const std::function<bool(const boost::json::object&)>& pred,
                                             std::chrono::milliseconds timeout);
  /// Subscribes and waits for "subscribed" or "error" on that channel; returns the reply.
  boost::json::object Subscribe(const std::string& channel, const std::string& after = {});
  bool closed() const;

  struct Impl;

 private:
  explicit LiveClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::test
