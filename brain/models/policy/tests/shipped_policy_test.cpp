#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "okada/brain/policy/policy.hpp"
#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solver.hpp"

namespace okada::brain::policy {
namespace {

namespace routing = okada::brain::routing;

const std::string kModel = OKADA_POLICY_MODEL;
const std::string kRoutingData = OKADA_ROUTING_DATA_DIR;

// The ALNS's view of an instance, as `okada brain policy eval` builds it: one vehicle, depot = rider start.
routing::Problem ToProblem(const Instance& inst) {
  std::vector<routing::Node> nodes(inst.points.size());
  const int n = inst.pairs;
  for (int i = 0; i < inst.Size(); ++i) {
    routing::Node& node = nodes[i];
    node.id = i;
    node.x = inst.points[i].x;
    node.y = inst.points[i].y;
    node.latest = 1e9;
    if (i >= 1 && i <= n) {
      node.demand = 1;
      node.delivery = i + n;
    } else if (i > n) {
      node.demand = -1;
      node.pickup = i - n;
    }
  }
  return routing::Problem("douala-pdp", 1, n, std::move(nodes));
}

routing::SolverOptions Iterations(std::int64_t n, std::uint64_t seed) {
  routing::SolverOptions o;
  o.seed = seed;
  o.max_iterations = n;
  o.time_limit_seconds = 0;
  o.fleet_share = 0;
  return o;
}

TEST(ShippedPolicy, FileIsSmallAndLoads) {
  ASSERT_TRUE(std::filesystem::exists(kModel)) << kModel;
  EXPECT_LE(std::filesystem::file_size(kModel), 5u * 1024 * 1024);
  Policy p = Policy::Load(kModel);
  EXPECT_GT(p.Parameters(), 10000u);
}

TEST(ShippedPolicy, AlwaysDecodesValidTours) {
  Policy p = Policy::Load(kModel);
  for (int i = 0; i < 200; ++i) {
    int stops = i % 4 == 3 ? 50 : 20;  // trained on 20 stops; 50-stop instances must still be valid tours
    Instance inst = GenerateInstance(stops, DeriveSeed(kEvalDomain, 99, i));
    std::string why;
    ASSERT_TRUE(IsValidTour(inst, p.Tour(inst), &why)) << "instance " << i << ": " << why;
    if (i % 20 == 0) {
      ASSERT_TRUE(IsValidTour(inst, p.BestTour(inst), &why)) << "instance " << i << ": " << why;
    }
  }
}

// Honest bound, from the measured figures (README): the augmented policy's mean cost over 20 held-out
// 20-stop instances stays within 1.25× the ALNS's.
TEST(ShippedPolicy, MeanCostWithinBoundOfAlns) {
  Policy p = Policy::Load(kModel);
  double policy_sum = 0, greedy_sum = 0, alns_sum = 0;
  for (int i = 0; i < 20; ++i) {
    Instance inst = GenerateInstance(20, DeriveSeed(kEvalDomain, 2024, i));
    greedy_sum += TourLength(inst, p.Tour(inst));
    policy_sum += TourLength(inst, p.BestTour(inst));
    routing::SolveResult r = routing::Solve(ToProblem(inst), Iterations(1500, i + 1));
    ASSERT_TRUE(r.feasible);
    ASSERT_EQ(r.routes.size(), 1u);
    alns_sum += TourLength(inst, r.routes[0]);
  }
  EXPECT_LE(policy_sum, greedy_sum + 1e-9);
  EXPECT_LE(policy_sum, 1.25 * alns_sum) << "policy " << policy_sum / 20 << " vs ALNS " << alns_sum / 20;
  EXPECT_GE(policy_sum, alns_sum * 0.999) << "the ALNS should not lose to a greedy policy on average";
}

TEST(InitialRoutes, SolverNeverReturnsWorseThanThePolicyStart) {
  Policy p = Policy::Load(kModel);
  for (int i = 0; i < 10; ++i) {
    Instance inst = GenerateInstance(20, DeriveSeed(kEvalDomain, 555, i));
    std::vector<int> tour = p.BestTour(inst);
    routing::SolverOptions o = Iterations(30, 3);
    o.initial_routes = {tour};
    routing::SolveResult r = routing::Solve(ToProblem(inst), o);
    ASSERT_TRUE(r.feasible);
    ASSERT_EQ(r.routes.size(), 1u);
    EXPECT_LE(TourLength(inst, r.routes[0]), TourLength(inst, tour) + 1e-9);
    EXPECT_NEAR(r.distance, TourLength(inst, r.routes[0]), 1e-9);
    // One iteration from the start: the start itself or better.
    o.max_iterations = 1;
    r = routing::Solve(ToProblem(inst), o);
    EXPECT_LE(r.distance, TourLength(inst, tour) + 1e-9);
  }
}

TEST(InitialRoutes, RepairsPartialStartsAndRejectsMalformedOnes) {
  Instance inst = GenerateInstance(20, 8);
  routing::Problem problem = ToProblem(inst);
  routing::SolverOptions o = Iterations(20, 1);
  // Partial: orders 1..4 only, order 5 listed delivery first (dropped), the rest missing: all get served.
  o.initial_routes = {{1, 2, 11, 3, 12, 13, 4, 14, 15, 5}};
  routing::SolveResult r = routing::Solve(problem, o);
  ASSERT_TRUE(r.feasible);
  ASSERT_EQ(r.routes.size(), 1u);
  std::string why;
  EXPECT_TRUE(IsValidTour(inst, r.routes[0], &why)) << why;
  o.initial_routes = {{1, 11, 99}};
  EXPECT_THROW(routing::Solve(problem, o), std::invalid_argument);
  o.initial_routes = {{1, 11, 1}};
  EXPECT_THROW(routing::Solve(problem, o), std::invalid_argument);
  o.initial_routes = {{1, 11}, {2, 12}};  // two routes, one vehicle
  EXPECT_THROW(routing::Solve(problem, o), std::invalid_argument);
  o.initial_routes = {{0, 1, 11}};  // the depot is not a task
  EXPECT_THROW(routing::Solve(problem, o), std::invalid_argument);
}

TEST(InitialRoutes, TimeWindowedStartIsKeptOrDropped) {
  routing::Problem p = routing::LoadProblem(kRoutingData + "/li_lim/lc101.txt", routing::Format::kLiLim);
  routing::SolverOptions scratch;
  scratch.max_iterations = 300;
  scratch.time_limit_seconds = 0;
  routing::SolveResult first = routing::Solve(p, scratch);
  ASSERT_TRUE(first.feasible);
  routing::SolverOptions o = scratch;
  o.max_iterations = 1;
  o.initial_routes = first.routes;
  routing::SolveResult again = routing::Solve(p, o);
  ASSERT_TRUE(again.feasible);
  EXPECT_LE(again.vehicles, first.vehicles);
  EXPECT_LE(again.distance, first.distance + 1e-6);
  // Reversing a route breaks its precedence and time windows: its requests are re-inserted, still feasible.
  std::reverse(o.initial_routes[0].begin(), o.initial_routes[0].end());
  routing::SolveResult repaired = routing::Solve(p, o);
  EXPECT_TRUE(repaired.feasible);
}

}  // namespace
}  // namespace okada::brain::policy
