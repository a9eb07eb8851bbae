#include "store/forecasts.hpp"

#include <fstream>

#include "okada/brain/registry/registry.hpp"
#include "okada/core/log.hpp"

namespace okada::brain::store {

namespace fs = std::filesystem;
namespace mk = forecast::market;

ForecastStore::ForecastStore(fs::path registry_dir) : registry_dir_(std::move(registry_dir)) {}

std::shared_ptr<const ServedForecasts> ForecastStore::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::string ForecastStore::Reload() {
  std::error_code ec;
  const auto mtime = fs::last_write_time(registry_dir_ / "registry.json", ec);
  if (ec) return "";  // no registry yet: nothing to serve
  {
    std::lock_guard lock(mu_);
    if (mtime == seen_) return "";
  }
  std::shared_ptr<ServedForecasts> next;
  try {
    registry::Registry r(registry_dir_);
    const auto champion = r.ByAlias("forecast", "champion");
    {
      std::lock_guard lock(mu_);
      if ((champion && current_ && current_->version == champion->version) || (!champion && !current_)) {
        seen_ = mtime;
        return "";
      }
    }
    if (champion) {
      if (!r.Verify(*champion))
        throw std::runtime_error("artifact of v" + std::to_string(champion->version) + " fails its sha256");
      const fs::path path = r.ArtifactPath(*champion);
      std::ifstream in(path, std::ios::binary);
      if (!in) throw std::runtime_error(path.string() + ": cannot open");
      next = std::make_shared<ServedForecasts>();
      next->version = champion->version;
      next->sha256 = champion->sha256;
      next->trained_at = champion->created_at;
      if (auto m = champion->metrics.find("mase"); m != champion->metrics.end()) next->mase = m->second;
      if (auto m = champion->metrics.find("mase_vs_snaive"); m != champion->metrics.end())
        next->mase_vs_snaive = m->second;
      for (mk::ForecastRow& row : mk::ReadForecastRows(in, path.filename().string())) {
        if (row.kind == "item_day") {
          if (next->origin.empty() || row.period < next->origin) next->origin = row.period;
          const std::string store = row.store, item = row.item;
          next->items[store][item].push_back(std::move(row));
        } else {
          const std::string zone = row.zone;
          next->zones[zone].push_back(std::move(row));
        }
      }
    }
  } catch (const std::exception& e) {
    log::Warn("brain.forecasts_not_loaded", {{"error", e.what()}});
    return "";  // keep serving what we have; try again at the next change
  }
  std::lock_guard lock(mu_);
  current_ = next;
  seen_ = mtime;
  return next ? "forecast v" + std::to_string(next->version) + " from " + next->origin : "no forecast champion";
}

}  // namespace okada::brain::store
