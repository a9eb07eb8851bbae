#pragma once
/// Independent solution checker. It shares no code with the solver's own evaluation (it re-simulates every
/// route from the problem data alone), so that it catches solver bugs.
///
/// Pure function, thread-safe, never throws for any SolutionFile content.

#include <string>

#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solution.hpp"

namespace okada::brain::routing {

/// Constraint kinds, in the order they are checked; the checker names the first violated one.
enum class Violation {
  kNone,
  kUnknownTask,   ///< an id that is not a task of the instance (or the depot)
  kRepeatedTask,  ///< a task visited twice
  kMissingTask,   ///< a task visited by no route
  kPairing,       ///< a pickup and its delivery on different routes
  kPrecedence,    ///< a delivery visited before its pickup
  kCapacity,      ///< load above capacity (or below zero) after some stop
  kTimeWindow,    ///< service starts after a task's latest time, or a route returns after the depot closes
  kFleetSize,     ///< more non-empty routes than the instance's vehicles
  kClaimMismatch  ///< the file's "vehicles", "distance" or "feasible" disagree with the routes
};

/// "time window", "capacity", ...; "none" for kNone.
const char* ViolationName(Violation v);

struct CheckResult {
  Violation violation = Violation::kNone;
  std::string message;  ///< names the task(s) and route (1-based) involved; empty when valid
  int vehicles = 0;     ///< non-empty routes
  double distance = 0;  ///< recomputed total distance
  bool Valid() const { return violation == Violation::kNone; }
};

/// Validates `solution` against `problem` with a tolerance of 1e-6 on times and 1e-3 (relative) on the
/// claimed distance.
CheckResult CheckSolution(const Problem& problem, const SolutionFile& solution);

}  // namespace okada::brain::routing
