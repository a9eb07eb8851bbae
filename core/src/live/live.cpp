// Live channels: one Lua call appends to the capped stream and publishes (see live.hpp).
#include "okada/core/live/live.hpp"

#include <algorithm>
#include <charconv>

#include "okada/core/errors.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::live {

namespace {

// KEYS[1] stream (also the pub/sub channel); ARGV[1] message, ARGV[2] cap, ARGV[3] ttl seconds.
const redis::Script& PublishScript() {
  static const redis::Script script(R"(
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'm', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[1], id .. '\n' .. ARGV[1])
return id
)");
  return script;
}

bool IdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::pair<std::uint64_t, std::uint64_t> Split(std::string_view id) {
  std::uint64_t ms = 0, seq = 0;
  std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return {0, 0};
  auto a = std::from_chars(id.data(), id.data() + dash, ms);
  auto b = std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  if (a.ec != std::errc() || b.ec != std::errc()) return {0, 0};
  return {ms, seq};
}

}  // namespace

std::string KeyOf(std::string_view channel) { return std::string(kKeyPrefix) + std::string(channel); }

bool ValidChannel(std::string_view channel) {
  std::size_t colon = channel.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view kind = channel.substr(0, colon), id = channel.substr(colon + 1);
  if (kind != "order" && kind != "rider" && kind != "store" && kind != "user") return false;
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!IdChar(c)) return false;
  return true;
}

boost::asio::awaitable<std::string> Publish(redis::Client& redis, std::string channel, std::string message_json,
                                            Deadline deadline) {
  std::vector<std::string> keys{KeyOf(channel)};
  std::vector<std::string> args{std::move(message_json), std::to_string(kKeep),
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kTtl).count())};
  redis::Reply r = co_await redis.Eval(PublishScript(), std::move(keys), std::move(args), deadline);
  if (r.is_error() || r.type != redis::Reply::Type::kString)
    throw Error(ErrorCode::kCacheUnavailable, "live publish failed: " + r.str);
  co_return r.str;
}

boost::asio::awaitable<std::vector<Entry>> After(redis::Client& redis, std::string channel, std::string after_id,
                                                 std::size_t limit, Deadline deadline) {
  std::vector<std::string> cmd;
  if (after_id.empty()) {
    cmd = {"XREVRANGE", KeyOf(channel), "+", "-", "COUNT", std::to_string(limit)};
  } else {
    cmd = {"XRANGE", KeyOf(channel), "(" + after_id, "+", "COUNT", std::to_string(limit)};
  }
  redis::Reply r = co_await redis.Command(std::move(cmd), deadline);
  std::vector<Entry> out;
  if (r.is_error()) co_return out;  // e.g. a malformed id from a client: nothing to resume from
  for (const redis::Reply& e : r.elements) {
    if (e.elements.size() != 2 || e.elements[1].elements.size() != 2) continue;
    out.push_back(Entry{e.elements[0].str, e.elements[1].elements[1].str});
  }
  if (after_id.empty()) std::reverse(out.begin(), out.end());
  co_return out;
}

std::optional<Entry> ParsePayload(std::string_view payload) {
  std::size_t nl = payload.find('\n');
  if (nl == std::string_view::npos || nl == 0) return std::nullopt;
  return Entry{std::string(payload.substr(0, nl)), std::string(payload.substr(nl + 1))};
}

int CompareIds(std::string_view a, std::string_view b) {
  auto x = Split(a), y = Split(b);
  if (x == y) return 0;
  return x < y ? -1 : 1;
}

}  // namespace okada::live
