#pragma once
/// Travel times for dispatch: the ETA model trained by okada-brain (brain/models/eta, gradient-boosted trees
/// evaluated here without XGBoost), turned per round into a zone-pair table (domain/dispatch.hpp TravelTable);
/// without a model file, the baseline (straight line × circuity at a moto-taxi's average speed).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "domain/dispatch.hpp"

namespace okada::brain::store {

class TravelModel {
 public:
  /// `setting` is brain.eta_model: "builtin" (or empty) for the model built into the binary, "baseline", or a
  /// model file's path. Throws std::runtime_error when the file is unreadable or malformed (a configured model
  /// that cannot be read is a start-up error, not a silent fallback).
  static std::shared_ptr<const TravelModel> Load(const std::string& setting);
  virtual ~TravelModel() = default;

  /// The zone-pair table for the hour and weekday (Douala time) of `unix_s`, in the rain or not. Cached.
  dispatch::TravelTable TableFor(std::int64_t unix_s, bool rain) const;
  /// Seconds from `a` to `b` leaving at `unix_s`.
  virtual double Seconds(dispatch::Point a, dispatch::Point b, std::int64_t unix_s, bool rain) const = 0;
  /// Names the model (file and version, or "baseline").
  virtual std::string Version() const = 0;

 protected:
  virtual dispatch::TravelTable Build(int hour, int weekday, bool rain) const = 0;

 private:
  mutable std::mutex mu_;
  mutable std::map<int, dispatch::TravelTable> cache_;
};

/// Hour (0..23) and weekday (0 = Monday) in Douala (WAT, UTC+1, no daylight saving).
void LocalHourAndWeekday(std::int64_t unix_s, int& hour, int& weekday);

}  // namespace okada::brain::store
