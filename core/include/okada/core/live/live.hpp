#pragma once
/// Live channels (ARCHITECTURE §5 "Real time"): what services tell WebSocket and SSE clients, and how a client
/// that reconnects catches up.
///
/// A channel is a name such as "order:ord_…", "rider:<user id>", "store:<store id>" or "user:<user id>". Publish()
/// appends the message to the channel's capped Redis stream `okada:live:<channel>` (the last kKeep entries, kept
/// kTtl after the last message) and PUBLISHes "<entry id>\n<message>" on the pub/sub channel of the same name, in
/// one Lua call, so every message has an id that orders it. The gateway forwards pub/sub messages to subscribed
/// sockets (fan-out across gateway instances) and serves a reconnecting client from the stream (After()),
/// never from pub/sub. Messages carry ids and coarse facts only (no names, no phone numbers).
///
/// Redis down: Publish throws CACHE_UNAVAILABLE; callers treat live updates as best effort (the durable state
/// is in PostgreSQL and clients re-read it).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"

namespace okada::redis {
class Client;
}

namespace okada::live {

inline constexpr std::string_view kKeyPrefix = "okada:live:";
inline constexpr std::size_t kKeep = 200;
inline constexpr std::chrono::hours kTtl{24};

/// "order:ord_1" → "okada:live:order:ord_1" (the stream key and the pub/sub channel).
std::string KeyOf(std::string_view channel);
/// True for a well-formed channel name: kind ":" id, kind one of order|rider|store|user, id of [A-Za-z0-9_-]{1,64}.
bool ValidChannel(std::string_view channel);

struct Entry {
  std::string id;       ///< Redis stream entry id, e.g. "1700000000000-0"
  std::string message;  ///< JSON object text
};

/// Publishes `message_json` (a JSON object) on `channel`; returns its entry id.
boost::asio::awaitable<std::string> Publish(redis::Client& redis, std::string channel, std::string message_json,
                                            Deadline deadline);
/// The channel's entries after `after_id` (exclusive; empty = the last `limit`), oldest first, at most `limit`.
boost::asio::awaitable<std::vector<Entry>> After(redis::Client& redis, std::string channel, std::string after_id,
                                                 std::size_t limit, Deadline deadline);
/// Splits a pub/sub payload "<id>\n<message>"; nullopt when malformed.
std::optional<Entry> ParsePayload(std::string_view payload);
/// Orders two entry ids ("ms-seq"): negative, zero or positive. Malformed ids compare as 0-0.
int CompareIds(std::string_view a, std::string_view b);

}  // namespace okada::live
