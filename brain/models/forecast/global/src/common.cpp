#include "common.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace okada::brain::forecast::global {

void Validate(const std::vector<Series>& train, const GlobalOptions& options) {
  if (options.horizon < 1) throw std::invalid_argument("horizon must be at least 1");
  if (options.season < 1) throw std::invalid_argument("season must be at least 1");
  if (train.empty()) throw std::invalid_argument("no series to forecast");
  for (const auto& s : train)
    if (s.values.empty()) throw std::invalid_argument("series '" + s.id + "' is empty");
  if (options.covariate_count < 0) throw std::invalid_argument("covariate_count must not be negative");
  if (options.covariates.empty()) {
    if (options.covariate_count != 0) throw std::invalid_argument("covariate_count given without covariates");
    return;
  }
  if (options.covariates.size() != train.size())
    throw std::invalid_argument("covariates for " + std::to_string(options.covariates.size()) + " series, expected " +
                                std::to_string(train.size()));
  for (std::size_t i = 0; i < train.size(); ++i) {
    const std::size_t want = (train[i].values.size() + static_cast<std::size_t>(options.horizon)) *
                             static_cast<std::size_t>(options.covariate_count);
    if (options.covariates[i].size() != want)
      throw std::invalid_argument("series '" + train[i].id + "': " + std::to_string(options.covariates[i].size()) +
                                  " covariate values, expected " + std::to_string(want));
  }
}

double Scale(std::span<const double> before_origin, int season) {
  const std::size_t span = std::max<std::size_t>(28, static_cast<std::size_t>(7) * static_cast<std::size_t>(season));
  const std::size_t n = std::min(span, before_origin.size());
  double sum = 0;
  for (std::size_t i = before_origin.size() - n; i < before_origin.size(); ++i) sum += std::fabs(before_origin[i]);
  const double mean = n == 0 ? 0 : sum / static_cast<double>(n);
  return mean > 1e-9 ? mean : 1.0;
}

void Calendar(long t, int season, float* out) {
  constexpr double kTau = 2 * std::numbers::pi;
  out[0] = out[1] = out[2] = out[3] = 0;
  if (season > 1) {
    const double phase = kTau * static_cast<double>(t % season) / season;
    out[0] = static_cast<float>(std::sin(phase));
    out[1] = static_cast<float>(std::cos(phase));
  }
  if (season >= 12) {
    const double day = kTau * static_cast<double>((t / season) % 7) / 7.0;
    out[2] = static_cast<float>(std::sin(day));
    out[3] = static_cast<float>(std::cos(day));
  }
}

const float* CovariatesAt(const GlobalOptions& options, std::size_t s, long t) {
  if (options.covariate_count == 0) return nullptr;
  return options.covariates[s].data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(options.covariate_count);
}

double SeasonalAnchor(std::span<const double> history, long origin, long t, int season) {
  if (origin < 1) return 0;
  if (origin < season) return history[static_cast<std::size_t>(origin - 1)];
  const long back = ((t - origin) / season + 1) * season;  // fewest whole seasons that land before the origin
  return history[static_cast<std::size_t>(t - back)];
}

}  // namespace okada::brain::forecast::global
