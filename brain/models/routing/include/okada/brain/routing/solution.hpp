#pragma once
/// Solutions as exchanged on the command line: routes of task ids (depot excluded) plus the solver's claims,
/// written and read as one JSON object:
///   {"instance": NAME, "feasible": BOOL, "vehicles": N, "distance": X, "seconds": S, "routes": [[ids], ...]}
///
/// Pure functions, thread-safe. ReadSolutionJson throws std::runtime_error on malformed JSON or a wrong shape
/// (naming the byte offset or field); it does not check the routes against a problem (see checker.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okada::brain::routing {

struct SolutionFile {
  std::string instance;
  std::vector<std::vector<int>> routes;  ///< task ids in visiting order, depot excluded
  std::optional<bool> feasible;          ///< claims, checked when present
  std::optional<int> vehicles;
  std::optional<double> distance;
  std::optional<double> seconds;
};

/// One line of JSON (no trailing newline). Distance with 4 decimals, seconds with 3.
std::string WriteSolutionJson(const SolutionFile& solution);

/// Parses the object written by WriteSolutionJson; "routes" is required, the other fields optional, unknown
/// fields are ignored.
SolutionFile ReadSolutionJson(std::string_view json);

}  // namespace okada::brain::routing
