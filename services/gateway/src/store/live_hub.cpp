#include "store/live_hub.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "okada/core/log.hpp"

namespace okada::gateway {

namespace asio = boost::asio;

Hub::Hub(asio::io_context& ioc, redis::Options options)
    : ioc_(ioc), sub_(std::make_shared<redis::Subscriber>(ioc, std::move(options))) {}

asio::awaitable<void> Hub::Follow(std::string channel, Follower* f) {
  std::string key = live::KeyOf(channel);
  auto it = followers_.find(key);
  if (it == followers_.end()) {
    std::vector<std::string> keys{key};
    co_await sub_->Subscribe(std::move(keys));
    it = followers_.try_emplace(key).first;
  }
  it->second.insert(f);
}

namespace {
asio::awaitable<void> DropChannel(std::shared_ptr<redis::Subscriber> sub, std::string key) {
  std::vector<std::string> keys{std::move(key)};
  std::string failure;
  try {
    co_await sub->Unsubscribe(std::move(keys));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("gateway.live_unsubscribe_failed", {{"error", failure}});
}
}  // namespace

void Hub::Unfollow(const std::string& channel, Follower* f) {
  std::string key = live::KeyOf(channel);
  auto it = followers_.find(key);
  if (it == followers_.end()) return;
  it->second.erase(f);
  if (!it->second.empty()) return;
  followers_.erase(it);
  if (!closed_) asio::co_spawn(ioc_, DropChannel(sub_, key), asio::detached);
}

asio::awaitable<void> Hub::Run() {
  auto sub = sub_;
  while (!closed_) {
    std::optional<redis::Message> m;
    if (followers_.empty()) {
      // Nothing to listen to: no connection needed until someone follows a channel.
      asio::steady_timer t(ioc_, std::chrono::milliseconds(100));
      co_await t.async_wait(asio::use_awaitable);
      continue;
    }
    std::string failure;
    try {
      m = co_await sub->Next(Clock::now() + std::chrono::seconds(1));
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) {
      asio::steady_timer t(ioc_, std::chrono::milliseconds(200));
      co_await t.async_wait(asio::use_awaitable);
      continue;
    }
    if (!m) continue;
    auto it = followers_.find(m->channel);
    if (it == followers_.end()) continue;
    std::optional<live::Entry> entry = live::ParsePayload(m->payload);
    if (!entry) continue;
    std::string channel = m->channel.substr(live::kKeyPrefix.size());
    // Deliver to a copy: a follower may leave (and another join) while being told.
    std::vector<Follower*> to(it->second.begin(), it->second.end());
    for (Follower* f : to) {
      auto again = followers_.find(m->channel);
      if (again != followers_.end() && again->second.count(f)) f->Deliver(channel, *entry);
    }
  }
}

void Hub::Close() {
  closed_ = true;
  sub_->Close();
}

}  // namespace okada::gateway
