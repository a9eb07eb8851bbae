#include "store/edge_state.hpp"

#include <charconv>

#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/log.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::gateway {
namespace {
std::vector<std::string> RangeCommand(std::int64_t now) {
  std::vector<std::string> cmd;
  cmd.emplace_back("ZRANGEBYSCORE");
  cmd.emplace_back(access::kDenyKey);
  cmd.push_back(std::to_string(now));
  cmd.emplace_back("+inf");
  cmd.emplace_back("WITHSCORES");
  return cmd;
}
std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Keys::Keys(ServiceTransport* auth, crypto::VerifyOptions options, std::chrono::milliseconds refetch_interval)
    : auth_(auth),
      options_(std::move(options)),
      interval_(refetch_interval),
      verifier_(std::make_shared<const crypto::JwtVerifier>(options_)) {}

boost::asio::awaitable<bool> Keys::Refetch(Deadline deadline, bool force) {
  std::int64_t now = NowMs();
  std::int64_t last = last_fetch_ms_.load();
  if (!force && now - last < interval_.count()) co_return false;
  if (!last_fetch_ms_.compare_exchange_strong(last, now) && !force) co_return false;  // another shard fetches
  http::ClientRequest req;
  req.method = http::Method::kGet;
  req.url = "/.well-known/jwks.json";
  req.deadline = Cap(deadline, std::chrono::milliseconds(1000));
  try {
    auto res = co_await auth_->Call(std::move(req));
    if (res.status != 200) {
      log::Warn("gateway.jwks_fetch_failed", {{"status", res.status}});
      co_return false;
    }
    auto fresh = std::make_shared<const crypto::JwtVerifier>(crypto::JwtVerifier::FromJwks(res.body, options_));
    std::atomic_store(&verifier_, std::shared_ptr<const crypto::JwtVerifier>(std::move(fresh)));
    co_return true;
  } catch (const Error& e) {
    log::Warn("gateway.jwks_fetch_failed", {{"error", e.what()}});
    co_return false;
  }
}

boost::asio::awaitable<void> Keys::Refresh(Deadline deadline, std::chrono::milliseconds every) {
  bool stale = NowMs() - last_fetch_ms_.load() >= every.count();
  if (stale || verifier()->kids().empty()) co_await Refetch(deadline, true);
}

boost::asio::awaitable<void> SyncDenyList(redis::Redis& redis, access::DenyList& deny, Deadline deadline) {
  std::int64_t now = NowMs() / 1000;
  auto reply = co_await redis.Local().Command(RangeCommand(now), deadline);
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    std::int64_t exp = 0;
    const std::string& score = reply.elements[i + 1].str;
    std::from_chars(score.data(), score.data() + score.size(), exp);
    if (auto d = access::Denial::Decode(reply.elements[i].str, exp)) deny.Apply(*d);
  }
  deny.Prune(now);
}

boost::asio::awaitable<void> ListenDenyList(redis::Subscriber& sub, access::DenyList& deny, Deadline deadline) {
  std::vector<std::string> channels(1, std::string(access::kDenyChannel));
  co_await sub.Subscribe(std::move(channels));
  while (Clock::now() < deadline) {
    auto msg = co_await sub.Next(deadline);
    if (!msg) break;
    // "<expires_at> <member>"
    auto space = msg->payload.find(' ');
    if (space == std::string::npos) continue;
    std::int64_t exp = 0;
    std::from_chars(msg->payload.data(), msg->payload.data() + space, exp);
    if (auto d = access::Denial::Decode(std::string_view(msg->payload).substr(space + 1), exp)) deny.Apply(*d);
  }
}

}  // namespace okada::gateway
