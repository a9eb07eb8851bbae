#include "store/cache.hpp"

#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::products::store {

namespace {
// Redis must never slow a search down much: each call gets at most this long.
constexpr std::chrono::milliseconds kBudget{150};
}  // namespace

boost::asio::awaitable<CacheProbe> SearchCacheGet(redis::Redis* redis, std::string query_key, Deadline deadline) {
  CacheProbe probe;
  if (redis == nullptr) co_return probe;
  Deadline d = Cap(deadline, kBudget);
  std::vector<std::string> get_gen;
  get_gen.emplace_back("GET");
  get_gen.emplace_back(kSearchGenerationKey);
  bool failed = false;
  redis::Reply gen;
  try {
    gen = co_await redis->Local().Command(std::move(get_gen), d);
  } catch (const Error&) {
    failed = true;
  }
  if (failed || gen.is_error()) co_return probe;
  std::string key = "products:search:" + (gen.is_nil() ? std::string("0") : gen.str) + ":" + query_key;
  std::vector<std::string> get_body;
  get_body.emplace_back("GET");
  get_body.emplace_back(key);
  redis::Reply body;
  try {
    body = co_await redis->Local().Command(std::move(get_body), d);
  } catch (const Error&) {
    failed = true;
  }
  if (failed || body.is_error()) co_return probe;
  probe.key = std::move(key);
  if (body.type == redis::Reply::Type::kString) probe.body = std::move(body.str);
  co_return probe;
}

boost::asio::awaitable<void> SearchCachePut(redis::Redis* redis, std::string key, std::string body,
                                            std::chrono::milliseconds ttl, Deadline deadline) {
  if (redis == nullptr) co_return;
  std::vector<std::string> set;
  set.emplace_back("SET");
  set.emplace_back(std::move(key));
  set.emplace_back(std::move(body));
  set.emplace_back("PX");
  set.emplace_back(std::to_string(ttl.count()));
  try {
    co_await redis->Local().Command(std::move(set), Cap(deadline, kBudget));
  } catch (const Error&) {
    // Not cached this time; the next search tries again.
  }
}

boost::asio::awaitable<void> SearchCacheInvalidate(redis::Redis* redis, Deadline deadline) {
  if (redis == nullptr) co_return;
  std::vector<std::string> incr;
  incr.emplace_back("INCR");
  incr.emplace_back(kSearchGenerationKey);
  bool failed = false;
  try {
    co_await redis->Local().Command(std::move(incr), Cap(deadline, kBudget));
  } catch (const Error&) {
    failed = true;
  }
  // Cached pages then expire by their TTL (products.search_cache_ttl_ms).
  if (failed) log::Warn("products.search_cache_invalidate_failed", {});
}

}  // namespace okada::products::store
