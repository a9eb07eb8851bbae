#pragma once
// Model monitoring (ARCHITECTURE §9): drift of every feature view between the latest rows and the rows a week
// earlier (PSI, KS / Wasserstein, chi-square / Jensen–Shannon: brain/monitoring), and the recommenders' accuracy
// as outcomes arrive (the share of home feeds whose customer then bought a recommended product within 7 days).
// The brain.features job computes both; the figures are Prometheus gauges (deploy/prometheus/brain.rules.yml).
#include <boost/asio/awaitable.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "okada/brain/monitoring/drift.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::brain::store {

struct ViewDrift {
  std::string view;
  std::int64_t reference_as_of = 0, current_as_of = 0;
  monitoring::DatasetDrift drift;
};

// Each view's latest rows (as of <= now) against its rows as of at least `reference_age_s` earlier. Views without
// both are left out.
boost::asio::awaitable<std::vector<ViewDrift>> FeatureDrift(pg::Database& db, std::int64_t now,
                                                            std::int64_t reference_age_s, Deadline deadline);

struct RecsAccuracy {
  std::string variant;
  std::int64_t served = 0, converted = 0;
};
// Home feeds served in the last 7 days (the newest 20,000) and how many were followed by a purchase of one of
// the recommended products within 7 days, per variant.
boost::asio::awaitable<std::vector<RecsAccuracy>> RecsOutcomes(pg::Database& db, Deadline deadline);

// The latest figures, read by the metrics callbacks when Prometheus scrapes.
class MonitoringFigures {
 public:
  void Set(const std::string& key, double value);
  double Get(const std::string& key) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, double> values_;
};

}  // namespace okada::brain::store
