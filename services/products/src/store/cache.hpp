#pragma once
/// The search cache in Redis: answers keyed by the normalised query under a generation number
/// (`products:search:gen`), so one INCR after any catalogue or listing change invalidates every cached page.
/// Redis is an optimisation only: every call here swallows Redis failures (the caller serves from PostgreSQL).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "okada/core/deadline.hpp"

namespace okada::redis {
class Redis;
}

namespace okada::products::store {

inline constexpr const char* kSearchGenerationKey = "products:search:gen";

struct CacheProbe {
  std::optional<std::string> key;   ///< where to store the answer; nullopt when Redis is unavailable
  std::optional<std::string> body;  ///< the cached answer, on a hit
};
/// Looks up `query_key` (the normalised query) under the current generation.
boost::asio::awaitable<CacheProbe> SearchCacheGet(redis::Redis* redis, std::string query_key, Deadline deadline);
/// Stores an answer for `ttl`.
boost::asio::awaitable<void> SearchCachePut(redis::Redis* redis, std::string key, std::string body,
                                            std::chrono::milliseconds ttl, Deadline deadline);
/// Invalidates every cached answer (INCR of the generation).
boost::asio::awaitable<void> SearchCacheInvalidate(redis::Redis* redis, Deadline deadline);

}  // namespace okada::products::store
