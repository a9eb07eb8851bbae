#pragma once
// Private: the numerical pieces the models share — a bounded Nelder–Mead minimiser and the Holt-Winters recursion.

#include <functional>
#include <vector>

namespace okada::brain::forecast::detail {

/// Minimises f from x0 (unconstrained coordinates; callers map them into bounds) with the standard Nelder–Mead
/// moves, an initial simplex of `step` along each axis, one restart from the best point. Stops after `max_evals`
/// evaluations or when the simplex's values agree within `tol` (relative). Returns the best point; `best` gets f there.
std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> x0,
                               double step, int max_evals, double tol, double* best);

/// Maps an unconstrained z to (lo, hi) by the logistic function, and back.
double ToBounded(double z, double lo, double hi);
double FromBounded(double x, double lo, double hi);

struct HwSpec {
  int season = 1;  // ≤ 1: no seasonal component
  bool trend = false;
  bool multiplicative = false;
};
struct HwParams {
  double alpha = 0.2, beta = 0, gamma = 0, phi = 1;
};
struct HwState {
  double level = 0, slope = 0;
  std::vector<double> seasonal;  // indexed by t mod season, t counted from the first observation
};

/// Starting states from the history: seasonal indices by classical decomposition, level and slope from the first
/// two seasons of the adjusted series (the first values when non-seasonal).
HwState HwInitialState(const std::vector<double>& y, const HwSpec& spec);
/// Runs the recursion over y from `state` (updated in place to the state after the last value). Returns the SSE of
/// the one-step errors, +inf if a multiplicative form's level or season leaves the positive range. `residuals`, when
/// not null, receives the n one-step errors.
double HwRun(const std::vector<double>& y, const HwSpec& spec, const HwParams& p, HwState& state,
             std::vector<double>* residuals);
/// The fitting criterion with `horizons` (each ≥ 1): the sum of squared h-step errors over every origin and every h
/// listed (R's ets "amse" criterion on chosen horizons), +inf as HwRun. Leaves `state` after the last value.
double HwMultiStepSse(const std::vector<double>& y, const HwSpec& spec, const HwParams& p, HwState& state,
                      const std::vector<int>& horizons);
/// The h-step forecasts from the state after n observations.
std::vector<double> HwForecast(const HwSpec& spec, const HwParams& p, const HwState& state, std::size_t n, int horizon);

/// A fitted form: its parameters, one-step SSE, the score that compares forms, final state and residuals.
struct HwFit {
  HwSpec spec;
  HwParams params;
  HwState state;
  double sse = 0;  // of the one-step errors
  // T·log(C/T) + 2k with C the minimised criterion (the multi-step SSE when fitted on horizons) over its T terms
  // and k the parameters (smoothing and initial states): how ExponentialSmoothing compares forms fitted alike.
  double choice = 0;
  std::vector<double> residuals;
};
/// Fits the smoothing parameters of `spec` by SSE: of one-step errors when `horizons` is empty, else of the h-step
/// errors for each h in `horizons`. Returns false when no finite fit exists.
bool FitHoltWinters(const std::vector<double>& y, const HwSpec& spec, HwFit& out,
                    const std::vector<int>& horizons = {});

/// Simple exponential smoothing fitted by SSE over α and the initial level; `fitted` gets the one-step forecasts.
struct SesFit {
  double alpha = 0.5, level = 0;  // level: after the last observation (the flat forecast)
  std::vector<double> fitted;
};
SesFit FitSes(const std::vector<double>& y);

/// The horizons Holt-Winters is fitted on for an H-step forecast: 1, H/8, H/4, 3H/8, H/2, 3H/4 and H (distinct).
std::vector<int> FitHorizons(int horizon);

}  // namespace okada::brain::forecast::detail
