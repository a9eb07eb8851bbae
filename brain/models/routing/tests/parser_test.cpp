#include <gtest/gtest.h>

#include <cmath>

#include <stdexcept>

#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solution.hpp"

namespace okada::brain::routing {
namespace {

const std::string kData = OKADA_ROUTING_DATA_DIR;

TEST(RoutingParsers, ReadsLiLimInstance) {
  Problem p = LoadProblem(kData + "/li_lim/lc101.txt", Format::kLiLim);
  EXPECT_EQ(p.Name(), "lc101");
  EXPECT_EQ(p.Vehicles(), 25);
  EXPECT_EQ(p.Capacity(), 200);
  ASSERT_EQ(p.Size(), 107);  // depot + 106 tasks (53 pickup/delivery pairs)
  const Node& depot = p.Nodes()[0];
  EXPECT_DOUBLE_EQ(depot.x, 40);
  EXPECT_DOUBLE_EQ(depot.latest, 1236);
  // "1 45 68 -10 912 967 90 11 0": a delivery whose pickup is task 11.
  const Node& one = p.Nodes()[p.IndexOfId(1)];
  EXPECT_EQ(one.demand, -10);
  EXPECT_DOUBLE_EQ(one.earliest, 912);
  EXPECT_DOUBLE_EQ(one.latest, 967);
  EXPECT_DOUBLE_EQ(one.service, 90);
  ASSERT_GE(one.pickup, 0);
  EXPECT_EQ(p.Nodes()[one.pickup].id, 11);
  EXPECT_EQ(p.Nodes()[one.pickup].delivery, p.IndexOfId(1));
  int pickups = 0;
  for (const Node& n : p.Nodes()) pickups += n.delivery >= 0;
  EXPECT_EQ(pickups, 53);
  // Euclidean, double precision: depot (40,50) to task 1 (45,68).
  EXPECT_NEAR(p.Distance(0, p.IndexOfId(1)), std::hypot(5.0, 18.0), 1e-12);
}

TEST(RoutingParsers, ReadsSolomonInstance) {
  Problem p = LoadProblem(kData + "/solomon/R101.txt", Format::kSolomon);
  EXPECT_EQ(p.Name(), "R101");
  EXPECT_EQ(p.Vehicles(), 25);
  EXPECT_EQ(p.Capacity(), 200);
  ASSERT_EQ(p.Size(), 101);
  for (int i = 1; i < p.Size(); ++i) {
    EXPECT_EQ(p.Nodes()[i].pickup, -1);
    EXPECT_EQ(p.Nodes()[i].delivery, -1);
    EXPECT_GE(p.Nodes()[i].demand, 0);
  }
  Problem c = LoadProblem(kData + "/solomon/C101.txt", Format::kSolomon);
  const Node& one = c.Nodes()[c.IndexOfId(1)];
  EXPECT_DOUBLE_EQ(one.x, 45);
  EXPECT_DOUBLE_EQ(one.y, 68);
  EXPECT_EQ(one.demand, 10);
  EXPECT_DOUBLE_EQ(one.earliest, 912);
  EXPECT_DOUBLE_EQ(one.latest, 967);
  EXPECT_DOUBLE_EQ(one.service, 90);
}

TEST(RoutingParsers, RejectsMalformedInstances) {
  EXPECT_THROW(ParseLiLim("", "x"), std::runtime_error);
  EXPECT_THROW(ParseLiLim("2 10 1\n0 0 0 0 0 100 0 0 0\n1 1 1 5 0 10 1 0\n", "x"), std::runtime_error);
  EXPECT_THROW(ParseLiLim("2 10 1\n0 0 0 0 0 100 0 0 0\n1 1 1 five 0 10 1 0 2\n", "x"), std::runtime_error);
  // Partners that do not point back at each other.
  EXPECT_THROW(ParseLiLim("2 10 1\n0 0 0 0 0 100 0 0 0\n1 1 1 5 0 10 1 0 2\n2 2 2 -5 0 10 1 0 0\n", "x"),
               std::runtime_error);
  // Demands that do not cancel out.
  EXPECT_THROW(ParseLiLim("2 10 1\n0 0 0 0 0 100 0 0 0\n1 1 1 5 0 10 1 0 2\n2 2 2 -4 0 10 1 1 0\n", "x"),
               std::runtime_error);
  EXPECT_THROW(ParseSolomon("X\nCUSTOMER\n0 0 0 0 0 100 0\n"), std::runtime_error);  // no fleet header
  EXPECT_THROW(ParseFormat("csv"), std::invalid_argument);
  EXPECT_THROW(LoadProblem(kData + "/no-such-file.txt", Format::kLiLim), std::runtime_error);
}

TEST(RoutingSolutionJson, RoundTrips) {
  SolutionFile s;
  s.instance = "lc101";
  s.feasible = true;
  s.vehicles = 2;
  s.distance = 123.456789;
  s.seconds = 1.5;
  s.routes = {{1, 2, 3}, {}, {42}};
  std::string json = WriteSolutionJson(s);
  EXPECT_EQ(json,
            "{\"instance\": \"lc101\", \"feasible\": true, \"vehicles\": 2, \"distance\": 123.4568, \"seconds\": "
            "1.500, \"routes\": [[1, 2, 3], [], [42]]}");
  SolutionFile back = ReadSolutionJson(json);
  EXPECT_EQ(back.instance, "lc101");
  EXPECT_EQ(back.routes, s.routes);
  ASSERT_TRUE(back.vehicles && back.distance && back.feasible);
  EXPECT_EQ(*back.vehicles, 2);
  EXPECT_NEAR(*back.distance, 123.4568, 1e-9);
  EXPECT_TRUE(*back.feasible);
}

TEST(RoutingSolutionJson, RejectsMalformedJson) {
  EXPECT_THROW(ReadSolutionJson(""), std::runtime_error);
  EXPECT_THROW(ReadSolutionJson("{\"instance\": \"x\"}"), std::runtime_error);  // no routes
  EXPECT_THROW(ReadSolutionJson("{\"routes\": [[1, 2.5]]}"), std::runtime_error);
  EXPECT_THROW(ReadSolutionJson("{\"routes\": [[1, 2]]"), std::runtime_error);
  EXPECT_THROW(ReadSolutionJson("{\"routes\": [[1, 2]]} x"), std::runtime_error);
  // Unknown fields are skipped.
  EXPECT_EQ(ReadSolutionJson("{\"x\": {\"y\": [null, true, \"z\"]}, \"routes\": [[7]]}").routes,
            (std::vector<std::vector<int>>{{7}}));
}

TEST(RoutingProblem, TakesATravelTimeMatrixAndValidatesIt) {
  std::vector<Node> nodes(3);
  for (int i = 0; i < 3; ++i) {
    nodes[i].id = i;
    nodes[i].latest = 1000;
  }
  nodes[1].demand = 1;
  nodes[1].delivery = 2;
  nodes[2].demand = -1;
  nodes[2].pickup = 1;
  // Open route: nothing to go back to the start (column 0), asymmetric legs.
  Problem p("m", 1, 1, nodes, {0, 5, 9, 0, 0, 7, 0, 3, 0});
  EXPECT_DOUBLE_EQ(p.Distance(0, 1), 5);
  EXPECT_DOUBLE_EQ(p.Distance(1, 2), 7);
  EXPECT_DOUBLE_EQ(p.Distance(2, 1), 3);
  EXPECT_DOUBLE_EQ(p.Distance(2, 0), 0);
  EXPECT_THROW(Problem("m", 1, 1, nodes, {0, 1, 2}), std::invalid_argument);
  EXPECT_THROW(Problem("m", 1, 1, nodes, {0, 5, 9, 0, 0, -7, 0, 3, 0}), std::invalid_argument);
  EXPECT_THROW(Problem("m", 1, 1, nodes, {0, 5, 9, 0, 0, NAN, 0, 3, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::routing
