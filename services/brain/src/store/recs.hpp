#pragma once
// What recommendation serving reads: the champion and challenger models from the registry (brain/registry; a
// model is used only if its artifact still has its sha256), the products on sale (brain.listings) with the
// popularity tables (brain.interactions, 28 days: overall and by neighbourhood and time of day), customers'
// histories and home zones (Redis first, see CustomerView), and the prediction log.
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/recs.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::redis {
class Client;
}  // namespace okada::redis
namespace okada::events {
struct Event;
}  // namespace okada::events

namespace okada::brain::store {

struct ServedModel {
  recs::RecsModel model;
  int version = 0;
  std::string sha256;
};

struct Offer {
  std::string store_id;
  std::int64_t price_xaf = 0;
};

struct Catalogue {
  std::unordered_map<std::string, std::vector<Offer>> on_sale;  // product → its available listings
  recs_serving::PopularityTable popularity;                     // orders in 28 days (overall: on sale only)
};

struct Prediction {
  std::int64_t at_ms = 0;
  std::string endpoint;
  std::string customer_id;  // empty: none
  int version = 0;
  std::string variant;
  std::vector<std::string> items;
  std::int64_t latency_us = 0;
};

class RecsStore {
 public:
  explicit RecsStore(std::filesystem::path registry_dir);

  std::shared_ptr<const ServedModel> Champion() const;
  std::shared_ptr<const ServedModel> Challenger() const;
  std::shared_ptr<const Catalogue> Products() const;
  const std::filesystem::path& RegistryDir() const { return registry_dir_; }

  // Re-reads the registry when registry.json changed; a model that fails to load or to verify is not served
  // (the previous one stays). Returns a line saying what changed, or "" when nothing did.
  std::string ReloadModels();
  boost::asio::awaitable<void> RefreshCatalogue(pg::Database& db, Deadline deadline);

  void Log(Prediction p);
  std::vector<Prediction> TakeLog();

 private:
  std::filesystem::path registry_dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const ServedModel> champion_, challenger_;
  std::shared_ptr<const Catalogue> catalogue_ = std::make_shared<Catalogue>();
  std::filesystem::file_time_type seen_{};
  std::vector<Prediction> log_;
};

// What serving knows about a customer: their purchases (a year: product, orders containing it, latest) and their
// home zone (the feature store's customer_activity.home_zone, online in Redis; "" unknown).
struct CustomerView {
  std::vector<recs_serving::HistoryItem> history;
  std::string home_zone;
  bool from_cache = false;  // the history came from Redis
};

// One Redis round trip reads the history's generation, the cached history (okada:brain:history:<customer>, a hash
// product → "orders,last", tagged with the generation it was read at) and the home zone. A missing or stale
// history is read from PostgreSQL (brain.interactions) and cached for an hour. Redis away: PostgreSQL alone.
boost::asio::awaitable<CustomerView> ReadCustomer(pg::Database& db, redis::Client* redis,
                                                  const std::string& customer_id, Deadline deadline);
// The consumer's after-commit hook: each committed order.placed bumps its customer's history generation, so the
// next read goes to PostgreSQL. A lost bump leaves the cache stale for at most its hour.
boost::asio::awaitable<void> MarkHistoriesStale(const std::vector<okada::events::Event>& applied, redis::Client& redis,
                                                Deadline deadline);
boost::asio::awaitable<std::int64_t> FlushPredictions(pg::Database& db, std::vector<Prediction> batch,
                                                      Deadline deadline);

}  // namespace okada::brain::store
