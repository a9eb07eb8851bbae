#include "store/travel.hpp"

#include <cmath>
#include <stdexcept>

#include "okada/core/geo.hpp"

namespace okada::brain::store {

void LocalHourAndWeekday(std::int64_t unix_s, int& hour, int& weekday) {
  std::int64_t local = unix_s + 3600;  // WAT
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  hour = static_cast<int>((local - days * 86400) / 3600);
  weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3)
}

dispatch::TravelTable TravelModel::TableFor(std::int64_t unix_s, bool rain) const {
  int hour = 0, weekday = 0;
  LocalHourAndWeekday(unix_s, hour, weekday);
  int key = (weekday * 24 + hour) * 2 + (rain ? 1 : 0);
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  dispatch::TravelTable t = Build(hour, weekday, rain);
  std::lock_guard lock(mu_);
  return cache_.emplace(key, std::move(t)).first->second;
}

namespace {

// Moto-taxis in Douala traffic: about 22 km/h door to door on roads ~1.35 × the straight line, plus a minute to
// park and find the door. Used when no trained model is configured.
constexpr double kCircuity = 1.35;
constexpr double kSpeedMps = 22.0 / 3.6;
constexpr double kFixedS = 60;

class Baseline : public TravelModel {
 public:
  double Seconds(dispatch::Point a, dispatch::Point b, std::int64_t, bool) const override {
    double d = geo::DistanceM(a.lat, a.lon, b.lat, b.lon);
    return d < 1 ? 0 : kFixedS + d * kCircuity / kSpeedMps;
  }
  std::string Version() const override { return "baseline"; }

 protected:
  dispatch::TravelTable Build(int, int, bool) const override {
    return dispatch::TravelTable::Uniform(kCircuity, kSpeedMps, kFixedS);
  }
};

}  // namespace

std::shared_ptr<const TravelModel> TravelModel::Load(const std::filesystem::path& file) {
  if (file.empty() || file == "baseline" || file == "builtin") return std::make_shared<Baseline>();
  throw std::runtime_error(file.string() + ": no ETA model format is known yet");
}

}  // namespace okada::brain::store
