#pragma once
// What forecast serving reads: the champion of the registry's "forecast" model (`okada brain train forecast`), its
// artifact (forecasts.csv, checked against its sha256) indexed by store and by zone. Re-read when registry.json
// changes; a version that fails to load or verify is not served (the previous one stays).
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "okada/brain/forecast/market.hpp"

namespace okada::brain::store {

struct ServedForecasts {
  int version = 0;
  std::string sha256;
  std::string origin;  // the first forecast day (the day after the data)
  std::string trained_at;
  double mase = 0, mase_vs_snaive = 0;  // on the run's holdout
  // store → item → its days in order; zone → its hours in order.
  std::unordered_map<std::string, std::map<std::string, std::vector<forecast::market::ForecastRow>>> items;
  std::map<std::string, std::vector<forecast::market::ForecastRow>> zones;
};

class ForecastStore {
 public:
  explicit ForecastStore(std::filesystem::path registry_dir);
  std::shared_ptr<const ServedForecasts> Current() const;
  // Returns a line saying what was loaded, or "" when nothing changed.
  std::string Reload();

 private:
  std::filesystem::path registry_dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const ServedForecasts> current_;
  std::filesystem::file_time_type seen_{};
};

}  // namespace okada::brain::store
