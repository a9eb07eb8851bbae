#include "domain/dispatch.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string_view>

#include "domain/assignment.hpp"
#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solver.hpp"
#include "okada/core/geo.hpp"

namespace okada::brain::dispatch {

int TravelTable::ZoneOf(Point p) const {
  if (zones <= 1 || centroids.empty()) return 0;
  int best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (int z = 0; z < static_cast<int>(centroids.size()); ++z) {
    double dlat = p.lat - centroids[z].lat, dlon = (p.lon - centroids[z].lon) * std::cos(p.lat * M_PI / 180);
    double d = dlat * dlat + dlon * dlon;
    if (d < best_d) {
      best_d = d;
      best = z;
    }
  }
  return best;
}

TravelTable TravelTable::Uniform(double circuity, double speed_mps, double fixed_s) {
  TravelTable t;
  t.zones = 1;
  t.rate_s_per_m = {circuity / speed_mps};
  t.fixed_s = fixed_s;
  return t;
}

namespace {

constexpr double kForbidden = 1e18;

// A point projected on a local plane (metres; equirectangular around the round's centre: exact enough within a
// city, and far cheaper than a great circle in the inner loops) with its zone.
struct Xy {
  double x = 0, y = 0;
  int zone = 0;
};

struct S {
  Stop stop;
  Xy p;
};

class Planner {
 public:
  Planner(const Input& in, const TravelTable& travel, const Options& o) : in_(in), travel_(travel), o_(o) {
    double lat0 = 0;
    std::size_t n = 0;
    for (const Rider& r : in.riders) lat0 += r.at.lat, ++n;
    for (const Order& x : in.orders) lat0 += x.pickup.lat, ++n;
    lat0 = n ? lat0 / static_cast<double>(n) : 0;
    kx_ = 6371008.8 * M_PI / 180 * std::cos(lat0 * M_PI / 180);
    ky_ = 6371008.8 * M_PI / 180;
  }

  Xy Project(Point p) const { return {p.lon * kx_, p.lat * ky_, travel_.ZoneOf(p)}; }

  double Leg(const Xy& a, const Xy& b) const {
    double dx = a.x - b.x, dy = a.y - b.y;
    double d = std::sqrt(dx * dx + dy * dy);
    if (d < 1) return 0;
    return travel_.fixed_s + d * travel_.rate_s_per_m[static_cast<std::size_t>(a.zone) * travel_.zones + b.zone];
  }

  double MetresBetween(const Xy& a, const Xy& b) const {
    double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
  }

  struct Sim {
    double lateness = 0;  // all drop-offs
    double end = 0;
    double cost = 0;
  };

  // Simulates `count` stops given by `at(k)` from the rider's start; fills `etas` when given.
  template <typename At>
  Sim Simulate(const Xy& start, int count, const At& at, std::vector<double>* etas = nullptr) const {
    Sim r;
    double t = in_.now_s;
    const Xy* prev = &start;
    for (int k = 0; k < count; ++k) {
      const S& s = at(k);
      t += Leg(*prev, s.p);
      if (etas) etas->push_back(t);
      if (s.stop.kind == StopKind::kPickup) {
        t = std::max(t, s.stop.ready_s);
        t += o_.pickup_service_s;
      } else {
        if (std::isfinite(s.stop.promised_s)) r.lateness += std::max(0.0, t - s.stop.promised_s);
        t += o_.dropoff_service_s;
      }
      prev = &s.p;
    }
    r.end = t;
    r.cost = o_.lateness_weight * r.lateness + o_.time_weight * (t - in_.now_s);
    return r;
  }

  Sim SimulateRoute(const Xy& start, const std::vector<S>& route, std::vector<double>* etas = nullptr) const {
    return Simulate(
        start, static_cast<int>(route.size()), [&](int k) -> const S& { return route[k]; }, etas);
  }

  struct Insertion {
    double delta = kForbidden;
    int i = 0, j = 0;  // positions of the pickup and the drop-off in the new sequence (i < j)
  };

  // The cheapest way to add `pick`/`drop` to `route` without re-ordering it; forbidden when it would delay the
  // route's own drop-offs by more than the batch allowance.
  Insertion BestInsertion(const Xy& start, const std::vector<S>& route, const Sim& before, const S& pick, const S& drop,
                          bool allowance = true) const {
    Insertion best;
    const int m = static_cast<int>(route.size());
    for (int i = 0; i <= m; ++i) {
      for (int j = i + 1; j <= m + 1; ++j) {
        auto at = [&](int k) -> const S& {
          if (k == i) return pick;
          if (k == j) return drop;
          return route[k - (k > i ? 1 : 0) - (k > j ? 1 : 0)];
        };
        Sim after = Simulate(start, m + 2, at);
        // Lateness the others suffer = total after − the new order's own lateness.
        double own = 0;
        {
          double t = in_.now_s;
          const Xy* prev = &start;
          for (int k = 0; k <= j; ++k) {
            const S& s = at(k);
            t += Leg(*prev, s.p);
            if (k == j) {
              if (std::isfinite(s.stop.promised_s)) own = std::max(0.0, t - s.stop.promised_s);
              break;
            }
            t = s.stop.kind == StopKind::kPickup ? std::max(t, s.stop.ready_s) + o_.pickup_service_s
                                                 : t + o_.dropoff_service_s;
            prev = &s.p;
          }
        }
        if (allowance && m > 0 && after.lateness - own - before.lateness > o_.batch_max_delay_s) continue;
        double delta = after.cost - before.cost;
        if (delta < best.delta) best = {delta, i, j};
      }
    }
    return best;
  }

  const Input& in_;
  const TravelTable& travel_;
  const Options& o_;
  double kx_ = 0, ky_ = 0;
};

bool InNoGo(const Input& in, Point p) {
  for (const Ring& ring : in.no_go)
    if (geo::InRing(p.lat, p.lon, ring)) return true;
  return false;
}

S MakeStop(const Planner& pl, std::string order_id, StopKind kind, Point at, double ready, double promised) {
  S s;
  s.stop.order_id = std::move(order_id);
  s.stop.kind = kind;
  s.stop.at = at;
  s.stop.ready_s = ready;
  s.stop.promised_s = promised;
  s.p = pl.Project(at);
  return s;
}

struct RiderPlan {
  Xy start;
  std::vector<S> route;
  int room = 0;
  std::vector<std::string> taken;
};

std::vector<RiderPlan> StartPlans(const Input& in, const Planner& pl) {
  std::vector<RiderPlan> plans;
  plans.reserve(in.riders.size());
  for (const Rider& r : in.riders) {
    RiderPlan p;
    p.start = pl.Project(r.at);
    p.room = std::max(0, r.capacity);
    for (const Stop& s : r.stops) {
      S x;
      x.stop = s;
      x.p = pl.Project(s.at);
      p.route.push_back(std::move(x));
    }
    plans.push_back(std::move(p));
  }
  return plans;
}

// Re-orders a multi-order rider's stops with the ALNS (weighted objective, open route); true when it found a
// cheaper order (then `plan.route` holds it).
bool Reorder(const Planner& pl, const Options& o, double now, RiderPlan& plan, double seconds) {
  const int n = static_cast<int>(plan.route.size());
  if (n < 3) return false;
  double origin = now;
  for (const S& s : plan.route)
    if (std::isfinite(s.stop.promised_s)) origin = std::min(origin, s.stop.promised_s);
  origin -= 1;
  constexpr double kFar = 1e9;
  std::vector<routing::Node> nodes(static_cast<std::size_t>(n) + 1);
  nodes[0].id = 0;
  nodes[0].earliest = now - origin;
  nodes[0].latest = kFar;
  std::map<std::string, std::pair<int, int>> by_order;  // order → (pickup index, drop-off index)
  for (int k = 0; k < n; ++k) {
    const S& s = plan.route[k];
    routing::Node& node = nodes[k + 1];
    node.id = k + 1;
    if (s.stop.kind == StopKind::kPickup) {
      node.earliest = std::max(s.stop.ready_s, now) - origin;
      node.latest = kFar;
      node.service = o.pickup_service_s;
      by_order[s.stop.order_id].first = k + 1;
    } else {
      node.earliest = 0;
      node.latest = std::isfinite(s.stop.promised_s) ? s.stop.promised_s - origin : kFar;
      node.service = o.dropoff_service_s;
      by_order[s.stop.order_id].second = k + 1;
    }
  }
  for (auto& [id, pd] : by_order) {
    if (pd.first > 0 && pd.second > 0) {
      nodes[pd.first].demand = 1;
      nodes[pd.first].delivery = pd.second;
      nodes[pd.second].demand = -1;
      nodes[pd.second].pickup = pd.first;
    }
  }
  std::vector<double> matrix(static_cast<std::size_t>(n + 1) * (n + 1), 0);
  auto xy = [&](int idx) -> const Xy& { return idx == 0 ? plan.start : plan.route[idx - 1].p; };
  for (int a = 0; a <= n; ++a)
    for (int b = 1; b <= n; ++b)  // column 0 stays 0: the rider does not come back
      matrix[static_cast<std::size_t>(a) * (n + 1) + b] = pl.Leg(xy(a), xy(b));
  routing::Problem problem("rider", 1, n + 1, std::move(nodes), std::move(matrix));
  routing::SolverOptions so;
  so.objective = routing::Objective::kWeighted;
  so.weights.lateness = o.lateness_weight;
  so.weights.time = o.time_weight;
  so.weights.distance = 0;
  so.weights.vehicle = 0;
  so.seed = o.seed;
  so.max_iterations = o.solver_iterations;
  so.time_limit_seconds = std::max(seconds, 1e-3);
  so.fleet_share = 0;
  routing::SolveResult solved = routing::Solve(problem, so);
  if (solved.routes.size() != 1 || !solved.unassigned.empty() || static_cast<int>(solved.routes[0].size()) != n)
    return false;
  std::vector<S> reordered;
  reordered.reserve(static_cast<std::size_t>(n));
  for (int id : solved.routes[0]) reordered.push_back(plan.route[id - 1]);
  if (pl.SimulateRoute(plan.start, reordered).cost + 1e-6 >= pl.SimulateRoute(plan.start, plan.route).cost)
    return false;
  plan.route = std::move(reordered);
  return true;
}

Result Finish(const Input& in, const Planner& pl, std::vector<RiderPlan>& plans, Result out) {
  for (std::size_t r = 0; r < plans.size(); ++r) {
    RiderPlan& p = plans[r];
    if (p.taken.empty()) continue;
    Assignment a;
    a.rider_id = in.riders[r].id;
    a.order_ids = p.taken;
    std::vector<double> etas;
    Planner::Sim sim = pl.SimulateRoute(p.start, p.route, &etas);
    out.route_s += sim.end - in.now_s;
    for (std::size_t k = 0; k < p.route.size(); ++k) a.stops.push_back({p.route[k].stop, etas[k]});
    if (p.taken.size() > 1) ++out.batched_riders;
    out.assignments.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Result Assign(const Input& in, const TravelTable& travel, const Options& o, Deadline deadline) {
  Planner pl(in, travel, o);
  Result out;
  std::vector<RiderPlan> plans = StartPlans(in, pl);

  // Orders that can be planned, with their stops and candidate riders (nearest first).
  struct Pending {
    const Order* order = nullptr;
    S pick, drop;
    std::vector<int> riders;
    bool done = false;
  };
  std::vector<Pending> pending;
  for (const Order& x : in.orders) {
    if (InNoGo(in, x.pickup) || InNoGo(in, x.dropoff)) {
      out.unassigned.push_back({x.id, "no_go_zone"});
      continue;
    }
    Pending p;
    p.order = &x;
    p.pick = MakeStop(pl, x.id, StopKind::kPickup, x.pickup, x.ready_s, std::numeric_limits<double>::infinity());
    p.drop = MakeStop(pl, x.id, StopKind::kDropoff, x.dropoff, 0, x.promised_s);
    std::vector<std::pair<double, int>> near;
    for (std::size_t r = 0; r < plans.size(); ++r) {
      if (plans[r].room <= 0) continue;
      double d = pl.MetresBetween(plans[r].start, p.pick.p);
      if (d <= o.max_pickup_m) near.emplace_back(d, static_cast<int>(r));
    }
    std::size_t keep = std::min<std::size_t>(near.size(), static_cast<std::size_t>(std::max(1, o.candidates)));
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(keep), near.end());
    for (std::size_t k = 0; k < keep; ++k) p.riders.push_back(near[k].second);
    if (p.riders.empty()) {
      out.unassigned.push_back({x.id, "no_rider_nearby"});
      continue;
    }
    pending.push_back(std::move(p));
  }

  // Rounds: each rider with room may take one more order per round.
  int max_room = 0;
  for (const RiderPlan& p : plans) max_room = std::max(max_room, p.room);
  for (int round = 0; round < max_room; ++round) {
    if (std::chrono::steady_clock::now() >= deadline) {
      out.complete = false;
      break;
    }
    std::vector<int> row_rider, col_order;
    std::vector<int> row_of(plans.size(), -1);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (pending[i].done) continue;
      bool any = false;
      for (int r : pending[i].riders)
        if (plans[r].room > 0) {
          any = true;
          if (row_of[r] < 0) {
            row_of[r] = static_cast<int>(row_rider.size());
            row_rider.push_back(r);
          }
        }
      if (any) col_order.push_back(static_cast<int>(i));
    }
    if (row_rider.empty() || col_order.empty()) break;
    const std::size_t rows = row_rider.size(), cols = col_order.size();
    std::vector<Planner::Sim> before(rows);
    for (std::size_t k = 0; k < rows; ++k)
      before[k] = pl.SimulateRoute(plans[row_rider[k]].start, plans[row_rider[k]].route);
    std::vector<double> cost(rows * cols, kForbidden);
    std::vector<Planner::Insertion> where(rows * cols);
    bool cut = false;
    for (std::size_t c = 0; c < cols; ++c) {
      if ((c & 63) == 0 && std::chrono::steady_clock::now() >= deadline) {
        cut = true;
        break;
      }
      const Pending& p = pending[col_order[c]];
      for (int r : p.riders) {
        if (plans[r].room <= 0) continue;
        std::size_t row = static_cast<std::size_t>(row_of[r]);
        Planner::Insertion ins = pl.BestInsertion(plans[r].start, plans[r].route, before[row], p.pick, p.drop);
        cost[row * cols + c] = ins.delta;
        where[row * cols + c] = ins;
      }
    }
    if (cut) {
      out.complete = false;
      break;
    }
    std::vector<int> match = MinCostAssignment(static_cast<int>(rows), static_cast<int>(cols), cost, kForbidden);
    int made = 0;
    for (std::size_t row = 0; row < rows; ++row) {
      if (match[row] < 0) continue;
      std::size_t c = static_cast<std::size_t>(match[row]);
      Pending& p = pending[col_order[c]];
      RiderPlan& plan = plans[row_rider[row]];
      const Planner::Insertion& ins = where[row * cols + c];
      plan.route.insert(plan.route.begin() + ins.i, p.pick);
      plan.route.insert(plan.route.begin() + ins.j, p.drop);
      plan.taken.push_back(p.order->id);
      --plan.room;
      p.done = true;
      ++made;
    }
    if (made == 0) break;
  }
  for (const Pending& p : pending)
    if (!p.done) out.unassigned.push_back({p.order->id, "not_this_round"});

  // Relocation: a round gives each rider one order at most, so two orders from one store may have gone to two
  // riders when one rider could carry both for less. Move an order to another candidate rider (a batch) whenever
  // that lowers the two riders' total cost; repeat while something moves and time remains.
  std::vector<int> holder(pending.size(), -1);
  {
    std::map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < pending.size(); ++i) index.emplace(pending[i].order->id, i);
    for (std::size_t r = 0; r < plans.size(); ++r)
      for (const std::string& id : plans[r].taken) holder[index.at(id)] = static_cast<int>(r);
  }
  std::vector<double> route_cost(plans.size());
  for (std::size_t r = 0; r < plans.size(); ++r) route_cost[r] = pl.SimulateRoute(plans[r].start, plans[r].route).cost;
  for (int pass = 0; pass < 3 && out.complete; ++pass) {
    int moved = 0;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (holder[i] < 0) continue;
      if ((i & 63) == 0 && std::chrono::steady_clock::now() >= deadline) {
        out.complete = false;
        break;
      }
      RiderPlan& from = plans[static_cast<std::size_t>(holder[i])];
      const std::string& id = pending[i].order->id;
      std::vector<S> without;
      without.reserve(from.route.size());
      for (const S& x : from.route)
        if (x.stop.order_id != id) without.push_back(x);
      double from_after = pl.SimulateRoute(from.start, without).cost;
      double gain_out = route_cost[static_cast<std::size_t>(holder[i])] - from_after;
      int best = -1;
      Planner::Insertion best_ins;
      double best_total = 0;
      for (int r : pending[i].riders) {
        if (r == holder[i] || plans[r].room <= 0) continue;
        Planner::Sim before = pl.SimulateRoute(plans[r].start, plans[r].route);
        Planner::Insertion ins =
            pl.BestInsertion(plans[r].start, plans[r].route, before, pending[i].pick, pending[i].drop);
        if (ins.delta >= kForbidden) continue;
        double total = ins.delta - gain_out;
        if (total < best_total - 1e-6) {
          best_total = total;
          best = r;
          best_ins = ins;
        }
      }
      if (best < 0) continue;
      // Batch allowance on the receiving rider was checked by BestInsertion; the giver only gets lighter.
      RiderPlan& to = plans[static_cast<std::size_t>(best)];
      from.route = std::move(without);
      from.taken.erase(std::find(from.taken.begin(), from.taken.end(), id));
      ++from.room;
      route_cost[static_cast<std::size_t>(holder[i])] = from_after;
      to.route.insert(to.route.begin() + best_ins.i, pending[i].pick);
      to.route.insert(to.route.begin() + best_ins.j, pending[i].drop);
      to.taken.push_back(id);
      --to.room;
      route_cost[static_cast<std::size_t>(best)] += best_ins.delta;
      holder[i] = best;
      ++moved;
    }
    if (moved == 0) break;
  }

  // Fill (optional): when every order should leave with someone this round (a rush the fleet cannot absorb in
  // time anyway), the orders still waiting go, earliest ready first, to the rider with room among their
  // candidates where they cost least, whatever the batch allowance.
  if (o.fill && out.complete) {
    std::vector<std::size_t> left;
    for (std::size_t i = 0; i < pending.size(); ++i)
      if (holder[i] < 0) left.push_back(i);
    std::stable_sort(left.begin(), left.end(), [&](std::size_t a, std::size_t b) {
      return pending[a].order->ready_s < pending[b].order->ready_s;
    });
    for (std::size_t n = 0; n < left.size(); ++n) {
      if ((n & 31) == 0 && std::chrono::steady_clock::now() >= deadline) {
        out.complete = false;
        break;
      }
      Pending& p = pending[left[n]];
      // Its candidates are likely full by now: look at the nearest riders that still have room, wherever.
      std::vector<std::pair<double, int>> near;
      for (std::size_t r = 0; r < plans.size(); ++r)
        if (plans[r].room > 0) near.emplace_back(pl.MetresBetween(plans[r].start, p.pick.p), static_cast<int>(r));
      std::size_t keep = std::min<std::size_t>(near.size(), static_cast<std::size_t>(std::max(1, o.candidates)));
      std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(keep), near.end());
      int best = -1;
      Planner::Insertion best_ins;
      for (std::size_t k = 0; k < keep; ++k) {
        int r = near[k].second;
        Planner::Sim before = pl.SimulateRoute(plans[r].start, plans[r].route);
        Planner::Insertion ins = pl.BestInsertion(plans[r].start, plans[r].route, before, p.pick, p.drop, false);
        if (ins.delta < best_ins.delta) {
          best_ins = ins;
          best = r;
        }
      }
      if (best < 0) continue;
      RiderPlan& to = plans[static_cast<std::size_t>(best)];
      to.route.insert(to.route.begin() + best_ins.i, p.pick);
      to.route.insert(to.route.begin() + best_ins.j, p.drop);
      to.taken.push_back(p.order->id);
      --to.room;
      holder[left[n]] = best;
      p.done = true;
    }
  }
  {
    std::vector<Unassigned> still;
    for (Unassigned& u : out.unassigned) {
      bool placed = false;
      for (std::size_t i = 0; i < pending.size() && !placed; ++i)
        placed = holder[i] >= 0 && pending[i].order->id == u.order_id;
      if (!placed) still.push_back(std::move(u));
    }
    out.unassigned = std::move(still);
  }

  // Stop order: the solver, for riders with several orders, while time remains (the plan is complete without
  // it; riders it has no time for keep the insertion order).
  std::vector<std::size_t> multi;
  for (std::size_t r = 0; r < plans.size(); ++r)
    if (!plans[r].taken.empty() && plans[r].route.size() >= 3) multi.push_back(r);
  for (std::size_t k = 0; k < multi.size(); ++k) {
    double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0.002) {
      out.solver_skipped = static_cast<int>(multi.size() - k);
      break;
    }
    double share = left / static_cast<double>(multi.size() - k) * 0.8;
    if (Reorder(pl, o, in.now_s, plans[multi[k]], share)) ++out.solver_improved;
  }
  out = Finish(in, pl, plans, std::move(out));
  out.lateness_s = TotalLateness(in, out, travel, o);
  return out;
}

Result Greedy(const Input& in, const TravelTable& travel, const Options& o) {
  Planner pl(in, travel, o);
  Result out;
  std::vector<RiderPlan> plans = StartPlans(in, pl);
  std::vector<const Order*> order;
  for (const Order& x : in.orders) order.push_back(&x);
  std::stable_sort(order.begin(), order.end(), [](const Order* a, const Order* b) { return a->ready_s < b->ready_s; });
  for (const Order* x : order) {
    if (InNoGo(in, x->pickup) || InNoGo(in, x->dropoff)) {
      out.unassigned.push_back({x->id, "no_go_zone"});
      continue;
    }
    S pick = MakeStop(pl, x->id, StopKind::kPickup, x->pickup, x->ready_s, std::numeric_limits<double>::infinity());
    S drop = MakeStop(pl, x->id, StopKind::kDropoff, x->dropoff, 0, x->promised_s);
    int best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < plans.size(); ++r) {
      if (plans[r].room <= 0) continue;
      double d = pl.MetresBetween(plans[r].start, pick.p);
      if (d < best_d) {
        best_d = d;
        best = static_cast<int>(r);
      }
    }
    if (best < 0) {
      out.unassigned.push_back({x->id, "not_this_round"});
      continue;
    }
    RiderPlan& p = plans[static_cast<std::size_t>(best)];
    p.route.push_back(std::move(pick));
    p.route.push_back(std::move(drop));
    p.taken.push_back(x->id);
    --p.room;
  }
  out = Finish(in, pl, plans, std::move(out));
  out.lateness_s = TotalLateness(in, out, travel, o);
  return out;
}

double TotalLateness(const Input& in, const Result& plan, const TravelTable& travel, const Options& o) {
  Planner pl(in, travel, o);
  std::map<std::string, const Assignment*> by_rider;
  for (const Assignment& a : plan.assignments) by_rider[a.rider_id] = &a;
  double total = 0;
  for (const Rider& r : in.riders) {
    std::vector<S> route;
    auto it = by_rider.find(r.id);
    if (it != by_rider.end()) {
      for (const PlannedStop& ps : it->second->stops) route.push_back({ps.stop, pl.Project(ps.stop.at)});
    } else {
      for (const Stop& s : r.stops) route.push_back({s, pl.Project(s.at)});
    }
    total += pl.SimulateRoute(pl.Project(r.at), route).lateness;
  }
  return total;
}

}  // namespace okada::brain::dispatch
