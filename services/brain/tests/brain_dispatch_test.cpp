// Dispatch's rules (domain/dispatch.cpp) and its assignment (domain/assignment.cpp), without I/O.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "domain/assignment.hpp"
#include "domain/dispatch.hpp"
#include "okada/core/geo.hpp"
#include "store/travel.hpp"

namespace okada::brain::dispatch {
namespace {

constexpr double kForbidden = 1e18;
const TravelTable kTravel = TravelTable::Uniform(1.35, 22.0 / 3.6, 60);
const double kNow = 1772359200;  // 2026-03-01T10:00:00Z

Deadline Far() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

// Metres east/north of Akwa, Douala.
Point At(double east_m, double north_m) {
  return {4.0511 + north_m / 111195.0, 9.7679 + east_m / (111195.0 * std::cos(4.0511 * M_PI / 180))};
}

Rider MakeRider(std::string id, Point at, int capacity) {
  Rider r;
  r.id = std::move(id);
  r.at = at;
  r.capacity = capacity;
  return r;
}

Order MakeOrder(std::string id, Point pickup, Point dropoff, double ready_in_s = 0, double promise_in_s = 1800) {
  Order o;
  o.id = std::move(id);
  o.pickup = pickup;
  o.dropoff = dropoff;
  o.ready_s = kNow + ready_in_s;
  o.promised_s = kNow + promise_in_s;
  return o;
}

double BruteForce(int rows, int cols, const std::vector<double>& cost, int& used_out) {
  // Best (most allowed cells, then least cost) over every injective map rows → cols ∪ {none}.
  double best = std::numeric_limits<double>::infinity();
  int best_used = -1;
  std::vector<int> pick(static_cast<std::size_t>(rows), -1);
  std::function<void(int, std::set<int>&, double, int)> go = [&](int r, std::set<int>& taken, double sum, int used) {
    if (r == rows) {
      if (used > best_used || (used == best_used && sum < best)) {
        best_used = used;
        best = sum;
      }
      return;
    }
    go(r + 1, taken, sum, used);
    for (int c = 0; c < cols; ++c) {
      double x = cost[static_cast<std::size_t>(r) * cols + c];
      if (taken.count(c) || x >= kForbidden) continue;
      taken.insert(c);
      go(r + 1, taken, sum + x, used + 1);
      taken.erase(c);
    }
  };
  std::set<int> taken;
  go(0, taken, 0, 0);
  used_out = best_used;
  return best;
}

TEST(MinCostAssignment, MatchesBruteForceOnRandomMatricesWithForbiddenCells) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    int rows = 1 + static_cast<int>(rng() % 5), cols = 1 + static_cast<int>(rng() % 5);
    std::vector<double> cost(static_cast<std::size_t>(rows * cols));
    for (double& c : cost) c = rng() % 4 == 0 ? kForbidden : static_cast<double>(rng() % 1000) - 200;
    std::vector<int> match = MinCostAssignment(rows, cols, cost, kForbidden);
    ASSERT_EQ(match.size(), static_cast<std::size_t>(rows));
    std::set<int> cols_used;
    double sum = 0;
    int used = 0;
    for (int r = 0; r < rows; ++r) {
      if (match[r] < 0) continue;
      ASSERT_LT(match[r], cols);
      ASSERT_TRUE(cols_used.insert(match[r]).second) << "column given twice";
      double x = cost[static_cast<std::size_t>(r) * cols + match[r]];
      ASSERT_LT(x, kForbidden) << "a forbidden cell was used";
      sum += x;
      ++used;
    }
    int best_used = 0;
    double best = BruteForce(rows, cols, cost, best_used);
    EXPECT_EQ(used, best_used) << "trial " << trial;
    EXPECT_NEAR(sum, best, 1e-6) << "trial " << trial << " " << rows << "x" << cols;
  }
}

// Every assigned order appears once, on one rider, pickup before drop-off, within his room; etas never go back.
void ExpectValidPlan(const Input& in, const Result& res) {
  std::map<std::string, int> room;
  for (const Rider& r : in.riders) room[r.id] = r.capacity;
  std::set<std::string> seen;
  for (const Assignment& a : res.assignments) {
    ASSERT_TRUE(room.count(a.rider_id)) << a.rider_id;
    EXPECT_LE(static_cast<int>(a.order_ids.size()), room[a.rider_id]) << a.rider_id;
    for (const std::string& id : a.order_ids) EXPECT_TRUE(seen.insert(id).second) << id << " given twice";
    std::map<std::string, int> pick_at, drop_at;
    double last = 0;
    for (std::size_t k = 0; k < a.stops.size(); ++k) {
      const PlannedStop& s = a.stops[k];
      (s.stop.kind == StopKind::kPickup ? pick_at : drop_at)[s.stop.order_id] = static_cast<int>(k);
      EXPECT_GE(s.eta_s + 1e-6, last);
      last = s.eta_s;
    }
    for (const std::string& id : a.order_ids) {
      ASSERT_TRUE(pick_at.count(id) && drop_at.count(id)) << id;
      EXPECT_LT(pick_at[id], drop_at[id]) << id;
    }
  }
  for (const Unassigned& u : res.unassigned) EXPECT_FALSE(seen.count(u.order_id)) << u.order_id;
  EXPECT_EQ(seen.size() + res.unassigned.size(), in.orders.size());
}

TEST(Dispatch, EachOrderGoesToTheRiderThatServesItBest) {
  Input in;
  in.now_s = kNow;
  in.riders = {MakeRider("west", At(-3000, 0), 1), MakeRider("east", At(3000, 0), 1)};
  in.orders = {MakeOrder("o-east", At(2800, 200), At(3500, 1500)), MakeOrder("o-west", At(-2900, 100), At(-3500, 900))};
  Result res = Assign(in, kTravel, Options(), Far());
  ExpectValidPlan(in, res);
  ASSERT_EQ(res.assignments.size(), 2u);
  std::map<std::string, std::string> rider_of;
  for (const Assignment& a : res.assignments) rider_of[a.order_ids.at(0)] = a.rider_id;
  EXPECT_EQ(rider_of["o-east"], "east");
  EXPECT_EQ(rider_of["o-west"], "west");
  EXPECT_TRUE(res.complete);
  EXPECT_TRUE(res.unassigned.empty());
}

TEST(Dispatch, MatchingBeatsFirstComeNearestWhenOneRiderIsNearestToBoth) {
  // Rider A is nearest to both stores; the order ready first (o1) would take A under greedy, sending B across
  // town for o2. The matching gives o2 to A (very close) and o1 to B (close enough), less lateness overall.
  Input in;
  in.now_s = kNow;
  in.riders = {MakeRider("A", At(0, 0), 1), MakeRider("B", At(-2500, 0), 1)};
  in.orders = {MakeOrder("o1", At(-1200, 0), At(-1500, 800), 0, 900),
               MakeOrder("o2", At(400, 0), At(3500, 2000), 10, 900)};
  Options o;
  Result ours = Assign(in, kTravel, o, Far());
  Result greedy = Greedy(in, kTravel, o);
  ExpectValidPlan(in, ours);
  ExpectValidPlan(in, greedy);
  EXPECT_LT(ours.lateness_s + ours.route_s, greedy.lateness_s + greedy.route_s);
  EXPECT_LE(TotalLateness(in, ours, kTravel, o), TotalLateness(in, greedy, kTravel, o));
}

TEST(Dispatch, CapacityNoGoZonesAndDistanceLeaveOrdersWaitingWithAReason) {
  Input in;
  in.now_s = kNow;
  in.riders = {MakeRider("full", At(0, 0), 0), MakeRider("free", At(500, 0), 1)};
  // A ring around (2000..3000 east, -500..500 north).
  Point sw = At(2000, -500), ne = At(3000, 500);
  in.no_go = {{{sw.lon, sw.lat}, {ne.lon, sw.lat}, {ne.lon, ne.lat}, {sw.lon, ne.lat}, {sw.lon, sw.lat}}};
  in.orders = {MakeOrder("in-zone", At(100, 0), At(2500, 0)), MakeOrder("far", At(40000, 0), At(41000, 0)),
               MakeOrder("ok-1", At(300, 0), At(900, 900)), MakeOrder("ok-2", At(350, 0), At(-900, -900))};
  Options o;
  o.batch_max_delay_s = 0;
  Result res = Assign(in, kTravel, o, Far());
  ExpectValidPlan(in, res);
  std::map<std::string, std::string> why;
  for (const Unassigned& u : res.unassigned) why[u.order_id] = u.reason;
  EXPECT_EQ(why["in-zone"], "no_go_zone");
  EXPECT_EQ(why["far"], "no_rider_nearby");
  ASSERT_EQ(res.assignments.size(), 1u);
  EXPECT_EQ(res.assignments[0].rider_id, "free");
  EXPECT_EQ(res.assignments[0].order_ids.size(), 1u);  // room for one: the other waits
  EXPECT_EQ(why.size(), 3u);
  // Greedy respects the zones too.
  Result g = Greedy(in, kTravel, o);
  bool zone_left = false;
  for (const Unassigned& u : g.unassigned)
    zone_left = zone_left || (u.order_id == "in-zone" && u.reason == "no_go_zone");
  EXPECT_TRUE(zone_left);
}

TEST(Dispatch, BatchesOrdersFromOneStoreToNearbyDoorsButNotWhenItWouldMakeTheFirstLate) {
  Input in;
  in.now_s = kNow;
  in.riders = {MakeRider("near", At(0, 0), 3), MakeRider("far", At(-9000, 0), 3)};
  in.orders = {MakeOrder("a", At(200, 0), At(1500, 300), 0, 1500), MakeOrder("b", At(210, 10), At(1600, 500), 0, 1500)};
  Result res = Assign(in, kTravel, Options(), Far());
  ExpectValidPlan(in, res);
  ASSERT_EQ(res.assignments.size(), 1u);
  EXPECT_EQ(res.assignments[0].rider_id, "near");
  EXPECT_EQ(res.assignments[0].order_ids.size(), 2u);
  EXPECT_EQ(res.batched_riders, 1);
  // Opposite directions with tight promises and no allowance: a batch may only put the second order after the
  // first's door, never delay the first order's hand-over.
  in.orders = {MakeOrder("a", At(200, 0), At(4000, 0), 0, 1000)};
  Options strict;
  strict.batch_max_delay_s = 0;
  Result alone = Assign(in, kTravel, strict, Far());
  ASSERT_EQ(alone.assignments.size(), 1u);
  auto drop_eta = [](const Result& r, const std::string& id) {
    for (const Assignment& a : r.assignments)
      for (const PlannedStop& ps : a.stops)
        if (ps.stop.order_id == id && ps.stop.kind == StopKind::kDropoff) return ps.eta_s;
    return -1.0;
  };
  in.orders.push_back(MakeOrder("b", At(210, 0), At(-4000, 0), 0, 1000));
  res = Assign(in, kTravel, strict, Far());
  ExpectValidPlan(in, res);
  EXPECT_LE(drop_eta(res, "a"), drop_eta(alone, "a") + 1e-6);
  Options loose;
  loose.batch_max_delay_s = 1e6;
  Result any = Assign(in, kTravel, loose, Far());
  ExpectValidPlan(in, any);
  EXPECT_LE(any.lateness_s * loose.lateness_weight + any.route_s,
            res.lateness_s * loose.lateness_weight + res.route_s + 1e-6);
}

TEST(Dispatch, TheSolverReordersARiderWhoseStopsWereBadlyOrdered) {
  Input in;
  in.now_s = kNow;
  Rider r = MakeRider("r", At(0, 0), 1);
  // He carries two orders and was going to the far door first, though the near one is promised sooner.
  Stop far_drop{"c1", StopKind::kDropoff, At(6000, 0), 0, kNow + 3600};
  Stop near_drop{"c2", StopKind::kDropoff, At(800, 0), 0, kNow + 300};
  r.stops = {far_drop, near_drop};
  in.riders = {r};
  in.orders = {MakeOrder("new", At(300, 0), At(900, 100), 0, 2400)};
  Result res = Assign(in, kTravel, Options(), Far());
  ExpectValidPlan(in, res);
  ASSERT_EQ(res.assignments.size(), 1u);
  EXPECT_GE(res.solver_improved, 1);
  const std::vector<PlannedStop>& stops = res.assignments[0].stops;
  ASSERT_EQ(stops.size(), 4u);
  auto pos = [&](const std::string& id, StopKind kind) {
    for (std::size_t k = 0; k < stops.size(); ++k)
      if (stops[k].stop.order_id == id && stops[k].stop.kind == kind) return static_cast<int>(k);
    return -1;
  };
  EXPECT_LT(pos("c2", StopKind::kDropoff), pos("c1", StopKind::kDropoff));
  // Lateness of the kept order must be below what his own order would have cost.
  Result as_given;
  EXPECT_LT(TotalLateness(in, res, kTravel, Options()), TotalLateness(in, as_given, kTravel, Options()));
}

Input RandomCity(std::uint64_t seed, int riders, int orders, int capacity) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-6000, 6000), ready(0, 900), slack(1200, 2700);
  Input in;
  in.now_s = kNow;
  for (int i = 0; i < riders; ++i)
    in.riders.push_back(MakeRider("r" + std::to_string(i), At(u(rng), u(rng)), capacity));
  // Stores cluster (a few markets), doors spread out.
  std::vector<Point> stores;
  for (int i = 0; i < 25; ++i) stores.push_back(At(u(rng), u(rng)));
  for (int i = 0; i < orders; ++i) {
    double r = ready(rng);
    in.orders.push_back(
        MakeOrder("o" + std::to_string(i), stores[rng() % stores.size()], At(u(rng), u(rng)), r, r + slack(rng)));
  }
  return in;
}

TEST(Dispatch, NoMoreLatenessThanGreedyNearestRiderOnRandomDoualaRounds) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Input in = RandomCity(seed, 40, 110, 3);
    Options o;
    Result ours = Assign(in, kTravel, o, Far());
    Result greedy = Greedy(in, kTravel, o);
    ExpectValidPlan(in, ours);
    ExpectValidPlan(in, greedy);
    std::size_t ours_n = 0, greedy_n = 0;
    for (const Assignment& a : ours.assignments) ours_n += a.order_ids.size();
    for (const Assignment& a : greedy.assignments) greedy_n += a.order_ids.size();
    EXPECT_LE(ours.lateness_s, greedy.lateness_s) << "seed " << seed;
    EXPECT_GE(ours_n * 10, greedy_n * 9) << "seed " << seed << ": it must not win by leaving orders behind";
    EXPECT_TRUE(ours.complete);
  }
}

TEST(Dispatch, InARushFillGivesAsManyOrdersAsGreedyWithLessLateness) {
  for (std::uint64_t seed : {5u, 6u}) {
    Input in = RandomCity(seed, 30, 150, 3);  // 150 orders, 90 places: everyone will be late
    Options o;
    o.fill = true;
    Result ours = Assign(in, kTravel, o, Far());
    Result greedy = Greedy(in, kTravel, o);
    ExpectValidPlan(in, ours);
    std::size_t ours_n = 0, greedy_n = 0;
    for (const Assignment& a : ours.assignments) ours_n += a.order_ids.size();
    for (const Assignment& a : greedy.assignments) greedy_n += a.order_ids.size();
    EXPECT_EQ(ours_n, greedy_n) << "seed " << seed;
    EXPECT_LT(ours.lateness_s, greedy.lateness_s) << "seed " << seed;
    Options plain;
    Result waiting = Assign(in, kTravel, plain, Far());
    std::size_t waiting_n = 0;
    for (const Assignment& a : waiting.assignments) waiting_n += a.order_ids.size();
    EXPECT_LE(waiting_n, ours_n) << "without fill, some orders wait for the next round";
  }
}

TEST(Dispatch, SameInputSamePlan) {
  Input in = RandomCity(9, 30, 70, 3);
  Result a = Assign(in, kTravel, Options(), Far());
  Result b = Assign(in, kTravel, Options(), Far());
  ASSERT_EQ(a.assignments.size(), b.assignments.size());
  for (std::size_t i = 0; i < a.assignments.size(); ++i) {
    EXPECT_EQ(a.assignments[i].rider_id, b.assignments[i].rider_id);
    EXPECT_EQ(a.assignments[i].order_ids, b.assignments[i].order_ids);
    ASSERT_EQ(a.assignments[i].stops.size(), b.assignments[i].stops.size());
    for (std::size_t k = 0; k < a.assignments[i].stops.size(); ++k)
      EXPECT_EQ(a.assignments[i].stops[k].stop.order_id, b.assignments[i].stops[k].stop.order_id);
  }
  EXPECT_DOUBLE_EQ(a.lateness_s, b.lateness_s);
}

TEST(Dispatch, APassedDeadlineGivesAValidPartialPlanNotAFailure) {
  Input in = RandomCity(4, 30, 80, 3);
  Result res = Assign(in, kTravel, Options(), std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  ExpectValidPlan(in, res);
  EXPECT_FALSE(res.complete);
  for (const Unassigned& u : res.unassigned) EXPECT_EQ(u.reason, "not_this_round");
}

TEST(TravelModel, DoualaHourAndWeekday) {
  int hour = -1, weekday = -1;
  store::LocalHourAndWeekday(1772359200, hour, weekday);  // Sunday 2026-03-01 10:00 UTC = 11:00 WAT
  EXPECT_EQ(hour, 11);
  EXPECT_EQ(weekday, 6);
  store::LocalHourAndWeekday(1772359200 + 13 * 3600, hour, weekday);  // 00:00 WAT Monday
  EXPECT_EQ(hour, 0);
  EXPECT_EQ(weekday, 0);
}

}  // namespace
}  // namespace okada::brain::dispatch

namespace okada::brain::store {
namespace {

double TableSeconds(const dispatch::TravelTable& t, dispatch::Point a, dispatch::Point b) {
  double d = geo::DistanceM(a.lat, a.lon, b.lat, b.lon);
  return t.fixed_s + d * t.rate_s_per_m[static_cast<std::size_t>(t.ZoneOf(a)) * t.zones + t.ZoneOf(b)];
}

TEST(TravelModel, TheBuiltInEtaModelServesDispatchAndItsZoneTableFollowsIt) {
  std::shared_ptr<const TravelModel> m = TravelModel::Load("builtin");
  EXPECT_EQ(m->Version().rfind("builtin douala-eta@", 0), 0u) << m->Version();
  const std::int64_t monday_8h = 1772434800;  // 2026-03-02T07:00:00Z = 08:00 WAT, a Monday
  const std::int64_t monday_3h = monday_8h - 5 * 3600;
  dispatch::Point akwa{4.0511, 9.7005}, makepe{4.0780, 9.7580}, bonaberi{4.0700, 9.6600};
  // Rush hour and rain slow trips down; crossing the Wouri costs more than the same distance on one bank.
  EXPECT_GT(m->Seconds(akwa, makepe, monday_8h, false), m->Seconds(akwa, makepe, monday_3h, false));
  EXPECT_GT(m->Seconds(akwa, makepe, monday_8h, true), m->Seconds(akwa, makepe, monday_8h, false));
  dispatch::TravelTable rush = m->TableFor(monday_8h, false), night = m->TableFor(monday_3h, false);
  EXPECT_GT(rush.zones, 10);
  EXPECT_GT(TableSeconds(rush, akwa, makepe), TableSeconds(night, akwa, makepe));
  // The table (what dispatch plans with) stays close to the model on random Douala trips.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lat(4.00, 4.10), lon(9.66, 9.78);
  std::vector<double> errors;
  for (int i = 0; i < 300; ++i) {
    dispatch::Point a{lat(rng), lon(rng)}, b{lat(rng), lon(rng)};
    double model = m->Seconds(a, b, monday_8h, false);
    errors.push_back(std::abs(TableSeconds(rush, a, b) - model) / model);
  }
  std::sort(errors.begin(), errors.end());
  EXPECT_LT(errors[errors.size() / 2], 0.25) << "median relative gap between the zone table and the model";
  EXPECT_GT(m->Seconds(bonaberi, akwa, monday_8h, false) / geo::DistanceM(4.07, 9.66, 4.0511, 9.7005),
            m->Seconds(akwa, makepe, monday_8h, false) / geo::DistanceM(4.0511, 9.7005, 4.078, 9.758));
}

TEST(TravelModel, BaselineOnRequestAndABrokenModelFileIsAStartUpError) {
  EXPECT_EQ(TravelModel::Load("baseline")->Version(), "baseline");
  EXPECT_THROW(TravelModel::Load("/nonexistent/eta.gbt"), std::runtime_error);
  std::filesystem::path bad = std::filesystem::temp_directory_path() / "okada-bad-eta.gbt";
  {
    std::ofstream out(bad);
    out << "okada-eta-gbt 1\nname x\n";
  }
  EXPECT_THROW(TravelModel::Load(bad.string()), std::runtime_error);
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace okada::brain::store
