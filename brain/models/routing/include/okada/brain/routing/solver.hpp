#pragma once
/// Adaptive large neighbourhood search (Ropke & Pisinger 2006) for the PDPTW and, as a special case, the
/// VRPTW: capacities, time windows, service times, each pickup before its delivery on the same vehicle.
///
/// Operators: removal (random, worst, related/Shaw, route) and insertion (greedy, regret-2, regret-3,
/// regret-m) chosen by adaptive roulette weights; simulated-annealing acceptance; a fleet-minimisation phase
/// that removes a route and tries to reinsert its requests from a request bank. Insertion costs are cached
/// per (request, route) and time-window feasibility is checked in O(1) per position from each route's
/// latest feasible start times.
///
/// Objectives:
///  - kHierarchical: fewest vehicles, then total distance; time windows are hard (the literature's).
///  - kWeighted: Weights::lateness * lateness past each task's `latest` (a promised time; windows are soft)
///    + Weights::time * total route duration + Weights::distance * distance + Weights::vehicle per route.
///
/// Under kWeighted every position pair is re-simulated (O(n) each), since soft windows leave no slack to
/// precompute; it is meant for live dispatch, where routes are short.
///
/// Deterministic for a given seed when stopped by `max_iterations` with `time_limit_seconds` 0 (or never
/// reached): the only time-based decisions are the time-limit checks (the end of the run and of the fleet
/// phase). Anytime: Solve returns the best solution found when a limit is hit.
/// Solve is reentrant (no global state); the progress callback runs on the caller's thread.
/// Throws std::invalid_argument when options are out of range.

#include <cstdint>
#include <functional>
#include <vector>

#include "okada/brain/routing/problem.hpp"

namespace okada::brain::routing {

enum class Objective { kHierarchical, kWeighted };

struct Weights {
  double lateness = 10.0;
  double time = 1.0;
  double distance = 1.0;
  double vehicle = 0.0;
};

struct SolverOptions {
  Objective objective = Objective::kHierarchical;
  Weights weights;
  std::uint64_t seed = 1;
  double time_limit_seconds = 10.0;  ///< <= 0: no time limit (then max_iterations must be set)
  std::int64_t max_iterations = 0;   ///< 0: no iteration limit
  /// Share of the budget (time, or iterations when max_iterations is set) spent on fleet minimisation.
  double fleet_share = 0.6;
  /// The fleet phase also ends once this share of the budget passes without removing a vehicle, leaving the
  /// rest to distance minimisation (on the benchmark instances the fleet settles within the first seconds).
  double fleet_patience = 0.15;
  /// Optional starting solution (e.g. a learned policy's tour): task ids (Node::id) per route in visiting
  /// order, depot excluded. Empty: the regret-2 construction builds the start. Unknown or repeated ids, or
  /// more routes than Vehicles(), throw std::invalid_argument. A start that is partial or partly infeasible is
  /// repaired: a request listed only in part, on two routes or with its delivery first is left out, a route
  /// that breaks capacity (or, under kHierarchical, a time window) is left out whole, and every request left
  /// out or not listed is inserted by the regret-2 construction. The search never returns a solution worse
  /// than this repaired start under the objective.
  std::vector<std::vector<int>> initial_routes;
};

/// Reported whenever the best solution improves.
struct Progress {
  double seconds = 0;
  std::int64_t iteration = 0;
  int vehicles = 0;
  double distance = 0;
  int unassigned = 0;
};

struct SolveResult {
  std::vector<std::vector<int>> routes;  ///< task ids (Node::id) in visiting order, depot excluded
  std::vector<int> unassigned;           ///< task ids no route could take
  bool feasible = false;                 ///< every task served, fleet respected, hard constraints hold
  int vehicles = 0;
  double distance = 0;
  double lateness = 0;  ///< sum of max(0, start - latest) over tasks
  double duration = 0;  ///< sum over routes of return time minus depot opening
  double cost = 0;      ///< the objective's scalar value (weighted) or distance (hierarchical)
  double seconds = 0;
  std::int64_t iterations = 0;
};

SolveResult Solve(const Problem& problem, const SolverOptions& options,
                  const std::function<void(const Progress&)>& on_progress = {});

}  // namespace okada::brain::routing
