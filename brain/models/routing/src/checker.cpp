#include "okada/brain/routing/checker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace okada::brain::routing {
namespace {

constexpr double kTimeTolerance = 1e-6;
constexpr double kDistanceTolerance = 1e-3;

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

CheckResult Fail(CheckResult r, Violation v, std::string message) {
  r.violation = v;
  r.message = std::string(ViolationName(v)) + ": " + std::move(message);
  return r;
}

}  // namespace

const char* ViolationName(Violation v) {
  switch (v) {
    case Violation::kNone:
      return "none";
    case Violation::kUnknownTask:
      return "unknown task";
    case Violation::kRepeatedTask:
      return "repeated task";
    case Violation::kMissingTask:
      return "missing task";
    case Violation::kPairing:
      return "pairing";
    case Violation::kPrecedence:
      return "precedence";
    case Violation::kCapacity:
      return "capacity";
    case Violation::kTimeWindow:
      return "time window";
    case Violation::kFleetSize:
      return "fleet size";
    case Violation::kClaimMismatch:
      return "claim mismatch";
  }
  return "?";
}

// Deliberately written from the instance definition only (ids, partner indices, raw coordinates), without
// the solver's route caches or slack arithmetic, so a bug there cannot hide itself here.
CheckResult CheckSolution(const Problem& problem, const SolutionFile& solution) {
  CheckResult r;
  const auto& nodes = problem.Nodes();
  // Where each task is visited: route (0-based) and position.
  std::map<int, std::pair<int, int>> seen;
  for (std::size_t k = 0; k < solution.routes.size(); ++k) {
    const auto& route = solution.routes[k];
    for (std::size_t i = 0; i < route.size(); ++i) {
      int id = route[i];
      int index = problem.IndexOfId(id);
      if (index <= 0)
        return Fail(r, Violation::kUnknownTask,
                    "id " + std::to_string(id) + " on route " + std::to_string(k + 1) + " is not a task");
      auto [it, fresh] = seen.emplace(index, std::make_pair(static_cast<int>(k), static_cast<int>(i)));
      if (!fresh)
        return Fail(r, Violation::kRepeatedTask,
                    "task " + std::to_string(id) + " is visited on route " + std::to_string(it->second.first + 1) +
                        " and again on route " + std::to_string(k + 1));
    }
  }
  for (int i = 1; i < problem.Size(); ++i)
    if (!seen.count(i))
      return Fail(r, Violation::kMissingTask, "task " + std::to_string(nodes[i].id) + " is not visited");
  for (int i = 1; i < problem.Size(); ++i) {
    if (nodes[i].delivery < 0) continue;
    auto p = seen[i];
    auto d = seen[nodes[i].delivery];
    if (p.first != d.first)
      return Fail(r, Violation::kPairing,
                  "pickup " + std::to_string(nodes[i].id) + " is on route " + std::to_string(p.first + 1) +
                      " but its delivery " + std::to_string(nodes[nodes[i].delivery].id) + " is on route " +
                      std::to_string(d.first + 1));
    if (d.second < p.second)
      return Fail(r, Violation::kPrecedence,
                  "delivery " + std::to_string(nodes[nodes[i].delivery].id) + " comes before its pickup " +
                      std::to_string(nodes[i].id) + " on route " + std::to_string(p.first + 1));
  }
  // Loads and times, route by route, stop by stop.
  double total = 0;
  for (std::size_t k = 0; k < solution.routes.size(); ++k) {
    const auto& route = solution.routes[k];
    if (route.empty()) continue;
    ++r.vehicles;
    double load = 0;
    for (int id : route) {
      const Node& n = nodes[problem.IndexOfId(id)];
      load += n.demand;
      if (load > problem.Capacity() || load < 0)
        return Fail(r, Violation::kCapacity,
                    "load " + Num(load) + " after task " + std::to_string(id) + " on route " + std::to_string(k + 1) +
                        " is outside [0, " + std::to_string(problem.Capacity()) + "]");
    }
  }
  for (std::size_t k = 0; k < solution.routes.size(); ++k) {
    const auto& route = solution.routes[k];
    if (route.empty()) continue;
    const Node& depot = nodes[0];
    double time = depot.earliest;
    double x = depot.x, y = depot.y;
    double leave = depot.earliest + depot.service;
    time = leave;
    for (int id : route) {
      const Node& n = nodes[problem.IndexOfId(id)];
      double leg = std::sqrt((n.x - x) * (n.x - x) + (n.y - y) * (n.y - y));
      total += leg;
      double arrival = time + leg;
      double start = std::max(arrival, n.earliest);
      if (start > n.latest + kTimeTolerance)
        return Fail(r, Violation::kTimeWindow,
                    "task " + std::to_string(id) + " on route " + std::to_string(k + 1) + " starts at " + Num(start) +
                        ", after its latest " + Num(n.latest));
      time = start + n.service;
      x = n.x;
      y = n.y;
    }
    double leg = std::sqrt((depot.x - x) * (depot.x - x) + (depot.y - y) * (depot.y - y));
    total += leg;
    if (time + leg > depot.latest + kTimeTolerance)
      return Fail(r, Violation::kTimeWindow,
                  "route " + std::to_string(k + 1) + " returns to the depot at " + Num(time + leg) +
                      ", after it closes at " + Num(depot.latest));
  }
  r.distance = total;
  if (r.vehicles > problem.Vehicles())
    return Fail(r, Violation::kFleetSize,
                std::to_string(r.vehicles) + " routes but the instance has " + std::to_string(problem.Vehicles()) +
                    " vehicles");
  if (solution.vehicles && *solution.vehicles != r.vehicles)
    return Fail(
        r, Violation::kClaimMismatch,
        "file says " + std::to_string(*solution.vehicles) + " vehicles, routes use " + std::to_string(r.vehicles));
  if (solution.distance && std::fabs(*solution.distance - total) > kDistanceTolerance * std::max(1.0, total))
    return Fail(r, Violation::kClaimMismatch,
                "file says distance " + Num(*solution.distance) + ", routes measure " + Num(total));
  if (solution.feasible && !*solution.feasible)
    return Fail(r, Violation::kClaimMismatch, "file says infeasible but every constraint holds");
  return r;
}

}  // namespace okada::brain::routing
