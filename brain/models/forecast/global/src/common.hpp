#pragma once
// What both global forecasters share: input checks, per-series scaling and the calendar of a step.
#include <cstddef>
#include <span>
#include <vector>

#include "okada/brain/forecast/global.hpp"

namespace okada::brain::forecast::global {

/// Throws std::invalid_argument on a horizon < 1, a season < 1, no series, an empty series, covariates of the
/// wrong shape.
void Validate(const std::vector<Series>& train, const GlobalOptions& options);

/// The level a series is divided by at an origin: the mean absolute value of the last max(7·season, 28) values
/// before it (all of them when there are fewer); 1 when that is zero.
double Scale(std::span<const double> before_origin, int season);

/// Four calendar values of step t: sine and cosine of the position in the season and, for sub-daily seasons
/// (M ≥ 12: a day), of the day in the week; zeros where they do not apply.
void Calendar(long t, int season, float* out);
inline constexpr int kCalendarCount = 4;

/// The covariates of series s at step t (options.covariate_count values), or nullptr when there are none.
const float* CovariatesAt(const GlobalOptions& options, std::size_t s, long t);

/// The value a seasonal naive forecast gives for step t from a history that ends at `origin` (exclusive): the
/// value k seasons back, k the fewest that land inside the history; the last value when the history is shorter
/// than the season.
double SeasonalAnchor(std::span<const double> history, long origin, long t, int season);

}  // namespace okada::brain::forecast::global
