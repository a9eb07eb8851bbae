#pragma once
/// What the brain's handlers need; built once at Start(), immutable afterwards except the no-go zone cache.
/// Shared by every I/O thread.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/dispatch.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "store/travel.hpp"

namespace okada {
class ServiceTransport;
}  // namespace okada
namespace okada::users {
class Client;
}  // namespace okada::users
namespace okada::brain::store {
class RecsStore;
class ForecastStore;
class MonitoringFigures;
}  // namespace okada::brain::store

namespace okada::brain {

struct State {
  pg::Database* db = nullptr;
  redis::Redis* redis = nullptr;
  std::chrono::milliseconds features_every{3600000};  ///< the feature store's batch interval
  int features_keep_days = 180;
  ServiceTransport* orders = nullptr;  ///< no-go zones; null = only the zones a request carries
  std::string service_token;
  std::shared_ptr<const store::TravelModel> travel;
  dispatch::Options options;
  double default_promise_s = 1800;  ///< promised time after ready when a request gives none
  std::chrono::milliseconds max_deadline{2000};

  // No-go zones from orders, re-read at most every 30 s.
  mutable std::mutex zones_mu;
  mutable std::shared_ptr<const std::vector<dispatch::Ring>> zones;
  mutable std::chrono::steady_clock::time_point zones_loaded{};

  // Recommendations: the models, what is on sale, the prediction log (store/recs.hpp); store facts from users.
  std::shared_ptr<store::RecsStore> recs;
  std::shared_ptr<users::Client> users;
  int recs_challenger_percent = 10;
  std::shared_ptr<store::ForecastStore> forecasts;    ///< the promoted demand forecasts (store/forecasts.hpp)
  std::shared_ptr<store::MonitoringFigures> figures;  ///< drift and outcome figures for the gauges
  Histogram* recs_seconds = nullptr;
  Counter* recs_fallbacks = nullptr;

  Histogram* dispatch_seconds = nullptr;
  Counter* dispatched_orders = nullptr;
  Counter* waiting_orders = nullptr;
  Counter* cut_rounds = nullptr;
  Counter* zone_failures = nullptr;
};
using StatePtr = std::shared_ptr<const State>;

}  // namespace okada::brain
