#include <gtest/gtest.h>

#include <cmath>

#include "okada/brain/routing/checker.hpp"

namespace okada::brain::routing {
namespace {

// Three pickup/delivery pairs, capacity 10, three vehicles. Pair 5 -> 6 has a tight window at the pickup
// (latest 8: reachable only straight from the depot) and a load of 8.
constexpr const char* kTiny =
    "3 10 1\n"
    "0 0 0 0 0 1000 0 0 0\n"
    "1 10 0 5 0 100 1 0 2\n"
    "2 20 0 -5 0 200 1 1 0\n"
    "3 0 10 5 0 100 1 0 4\n"
    "4 0 20 -5 0 200 1 3 0\n"
    "5 5 5 8 0 8 1 0 6\n"
    "6 6 6 -8 0 1000 1 5 0\n";

CheckResult Check(std::vector<std::vector<int>> routes) {
  Problem p = ParseLiLim(kTiny, "tiny");
  SolutionFile s;
  s.routes = std::move(routes);
  return CheckSolution(p, s);
}

TEST(RouteCheck, AcceptsValidSolution) {
  CheckResult r = Check({{5, 6}, {1, 2}, {3, 4}});
  EXPECT_TRUE(r.Valid()) << r.message;
  EXPECT_EQ(r.vehicles, 3);
  double expected = (std::hypot(5, 5) + std::hypot(1, 1) + std::hypot(6, 6)) + 40 + 40;
  EXPECT_NEAR(r.distance, expected, 1e-9);
}

TEST(RouteCheck, RejectsTimeWindow) {
  CheckResult r = Check({{1, 2, 5, 6}, {3, 4}});
  EXPECT_EQ(r.violation, Violation::kTimeWindow) << r.message;
  EXPECT_NE(r.message.find("task 5"), std::string::npos) << r.message;
}

TEST(RouteCheck, RejectsLateReturnToDepot) {
  Problem p = ParseLiLim("1 10 1\n0 0 0 0 0 30 0 0 0\n1 10 0 5 0 100 1 0 2\n2 20 0 -5 0 200 1 1 0\n", "late");
  SolutionFile s;
  s.routes = {{1, 2}};  // back at 10 + 1 + 10 + 1 + 20 = 42 > 30
  CheckResult r = CheckSolution(p, s);
  EXPECT_EQ(r.violation, Violation::kTimeWindow) << r.message;
  EXPECT_NE(r.message.find("depot"), std::string::npos) << r.message;
}

TEST(RouteCheck, RejectsCapacity) {
  CheckResult r = Check({{1, 5, 2, 6}, {3, 4}});  // 5 + 8 on board
  EXPECT_EQ(r.violation, Violation::kCapacity) << r.message;
}

TEST(RouteCheck, RejectsPairingAcrossRoutes) {
  CheckResult r = Check({{1, 4}, {3, 2}, {5, 6}});
  EXPECT_EQ(r.violation, Violation::kPairing) << r.message;
}

TEST(RouteCheck, RejectsDeliveryBeforePickup) {
  CheckResult r = Check({{2, 1}, {3, 4}, {5, 6}});
  EXPECT_EQ(r.violation, Violation::kPrecedence) << r.message;
}

TEST(RouteCheck, RejectsMissingTask) {
  CheckResult r = Check({{1, 2}, {3, 4}});
  EXPECT_EQ(r.violation, Violation::kMissingTask) << r.message;
  EXPECT_NE(r.message.find("task 5"), std::string::npos) << r.message;
}

TEST(RouteCheck, RejectsRepeatedTask) {
  CheckResult r = Check({{1, 2}, {3, 4}, {5, 6, 1}});
  EXPECT_EQ(r.violation, Violation::kRepeatedTask) << r.message;
}

TEST(RouteCheck, RejectsUnknownTaskAndDepot) {
  EXPECT_EQ(Check({{1, 2, 99}, {3, 4}, {5, 6}}).violation, Violation::kUnknownTask);
  EXPECT_EQ(Check({{0, 1, 2}, {3, 4}, {5, 6}}).violation, Violation::kUnknownTask);
}

TEST(RouteCheck, RejectsFleetAndFalseClaims) {
  Problem p = ParseLiLim(std::string("2") + (kTiny + 1), "tiny2");  // same tasks, two vehicles
  SolutionFile s;
  s.routes = {{5, 6}, {1, 2}, {3, 4}};
  EXPECT_EQ(CheckSolution(p, s).violation, Violation::kFleetSize);
  Problem three = ParseLiLim(kTiny, "tiny");
  s.distance = 1.0;
  EXPECT_EQ(CheckSolution(three, s).violation, Violation::kClaimMismatch);
  s.distance.reset();
  s.vehicles = 2;
  EXPECT_EQ(CheckSolution(three, s).violation, Violation::kClaimMismatch);
}

}  // namespace
}  // namespace okada::brain::routing
