#include <gtest/gtest.h>

#include "okada/brain/routing/checker.hpp"
#include "okada/brain/routing/solver.hpp"

namespace okada::brain::routing {
namespace {

const std::string kData = OKADA_ROUTING_DATA_DIR;

SolutionFile ToFile(const Problem& p, const SolveResult& r) {
  SolutionFile s;
  s.instance = p.Name();
  s.routes = r.routes;
  s.vehicles = r.vehicles;
  s.distance = r.distance;
  s.feasible = r.feasible;
  return s;
}

SolverOptions Iterations(std::int64_t n, std::uint64_t seed) {
  SolverOptions o;
  o.seed = seed;
  o.max_iterations = n;
  o.time_limit_seconds = 0;  // no time limit: the run depends on the seed alone
  return o;
}

TEST(RoutingSolver, SameSeedSameSolution) {
  Problem p = LoadProblem(kData + "/li_lim/lc101.txt", Format::kLiLim);
  SolveResult a = Solve(p, Iterations(300, 7));
  SolveResult b = Solve(p, Iterations(300, 7));
  EXPECT_EQ(a.iterations, 300);
  ASSERT_FALSE(a.routes.empty());
  EXPECT_EQ(a.routes, b.routes);
  EXPECT_EQ(a.distance, b.distance);
}

TEST(RoutingSolver, PdptwSolutionPassesIndependentChecker) {
  Problem p = LoadProblem(kData + "/li_lim/lc101.txt", Format::kLiLim);
  SolveResult r = Solve(p, Iterations(400, 1));
  ASSERT_TRUE(r.feasible);
  CheckResult c = CheckSolution(p, ToFile(p, r));
  EXPECT_TRUE(c.Valid()) << c.message;
  EXPECT_EQ(c.vehicles, r.vehicles);
  EXPECT_NEAR(c.distance, r.distance, 1e-6);
  // lc101 is clustered: even a short run must stay within a sane range of the best known 10 / 828.94.
  EXPECT_LE(r.vehicles, 13);
}

TEST(RoutingSolver, VrptwSolutionPassesIndependentChecker) {
  Problem p = LoadProblem(kData + "/solomon/C101.txt", Format::kSolomon);
  SolveResult r = Solve(p, Iterations(300, 3));
  ASSERT_TRUE(r.feasible);
  CheckResult c = CheckSolution(p, ToFile(p, r));
  EXPECT_TRUE(c.Valid()) << c.message;
  EXPECT_LE(r.vehicles, 12);
}

// Every bundled instance, short runs: whatever the operators did, the independent checker must agree.
TEST(RoutingSolver, EveryBundledInstanceSolvesFeasibly) {
  const std::pair<const char*, Format> kInstances[] = {
      {"li_lim/lc101", Format::kLiLim},   {"li_lim/lc201", Format::kLiLim},   {"li_lim/lr101", Format::kLiLim},
      {"li_lim/lr201", Format::kLiLim},   {"li_lim/lrc101", Format::kLiLim},  {"li_lim/lrc201", Format::kLiLim},
      {"solomon/C101", Format::kSolomon}, {"solomon/R101", Format::kSolomon}, {"solomon/RC101", Format::kSolomon},
      {"solomon/R201", Format::kSolomon}};
  for (const auto& [name, format] : kInstances) {
    Problem p = LoadProblem(kData + "/" + name + ".txt", format);
    SolveResult r = Solve(p, Iterations(150, 11));
    EXPECT_TRUE(r.feasible) << name;
    CheckResult c = CheckSolution(p, ToFile(p, r));
    EXPECT_TRUE(c.Valid()) << name << ": " << c.message;
  }
}

TEST(RoutingSolver, TimeLimitStopsTheSearch) {
  Problem p = LoadProblem(kData + "/li_lim/lr101.txt", Format::kLiLim);
  SolverOptions o;
  o.time_limit_seconds = 0.5;
  SolveResult r = Solve(p, o);
  EXPECT_LT(r.seconds, 5.0);
  EXPECT_TRUE(CheckSolution(p, ToFile(p, r)).Valid());
}

// Depot at the origin; A at (10, 0) is promised by t = 10, so it is on time only as the first stop. B and C
// sit near the way to A, so the shortest tour visits one of them first and delivers A late.
Problem LatenessInstance() {
  std::vector<Node> nodes(4);
  nodes[0] = {0, 0, 0, 0, 0, 1000, 0};
  nodes[1] = {1, 10, 0, 1, 0, 10, 5};
  nodes[2] = {2, 5, 1, 1, 0, 1000, 5};
  nodes[3] = {3, 5, -1, 1, 0, 1000, 5};
  return Problem("lateness", 1, 10, nodes);
}

TEST(RoutingSolver, WeightedObjectivePrefersLessLateness) {
  Problem p = LatenessInstance();
  SolverOptions distance_only = Iterations(60, 1);
  distance_only.objective = Objective::kWeighted;
  distance_only.weights = {0.0, 0.0, 1.0, 0.0};
  SolverOptions punctual = distance_only;
  punctual.weights.lateness = 10.0;
  SolveResult loose = Solve(p, distance_only);
  SolveResult tight = Solve(p, punctual);
  ASSERT_TRUE(loose.unassigned.empty());
  ASSERT_TRUE(tight.unassigned.empty());
  EXPECT_GT(loose.lateness, 1.0);
  EXPECT_NEAR(tight.lateness, 0.0, 1e-9);
  EXPECT_LT(loose.distance, tight.distance);
  ASSERT_EQ(tight.routes.size(), 1u);
  EXPECT_EQ(tight.routes[0].front(), 1);  // A first
}

TEST(RoutingSolver, RejectsRunWithoutLimit) {
  Problem p = LatenessInstance();
  SolverOptions o;
  o.time_limit_seconds = 0;
  o.max_iterations = 0;
  EXPECT_THROW(Solve(p, o), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::routing
