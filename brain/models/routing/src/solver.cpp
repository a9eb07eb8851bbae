#include "okada/brain/routing/solver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace okada::brain::routing {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Times are sums of doubles; a tiny slack keeps exact-boundary insertions feasible without ever letting the
// independent checker (tolerance 1e-6) see a violation.
constexpr double kEps = 1e-9;

// xoshiro256** seeded by splitmix64: our own generator so that a seed gives the same run on every standard
// library (std::uniform_*_distribution differ between implementations).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  std::uint64_t Next() {
    std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n).
  int Below(int n) { return n <= 1 ? 0 : static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  /// Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

struct Request {
  int pickup = 0;
  int delivery = -1;  // -1: a single task (VRPTW customer)
  int demand = 0;
};

// A route with the depot at both ends and caches rebuilt after every change: service start times, load after
// each stop and the latest start at each stop that keeps the rest of the route feasible. The latter makes
// every time-window check of an insertion O(1).
struct Route {
  std::vector<int> nodes;
  std::vector<double> start;
  std::vector<int> load;
  std::vector<double> latest;
  std::vector<int> max_load;  // max of load over this position and every later one
  double distance = 0;
  double cost = 0;
};

struct Insertion {
  double cost = kInf;
  int i = -1;  // pickup goes after position i
  int j = -1;  // delivery goes after position j of the original route (j >= i; j == i: right after pickup)
};

struct State {
  std::vector<Route> routes;
  std::vector<int> bank;  // request indices not served
  double cost = 0;        // sum of route costs
};

// Lexicographic key: unserved requests, then (hierarchical) vehicles, then cost.
struct Key {
  int bank = 0;
  int vehicles = 0;
  double cost = 0;
  bool operator<(const Key& o) const {
    if (bank != o.bank) return bank < o.bank;
    if (vehicles != o.vehicles) return vehicles < o.vehicles;
    return cost < o.cost - 1e-9;
  }
};

enum RemovalOp { kRandomRemoval, kWorstRemoval, kShawRemoval, kRouteRemoval, kRemovalOps };
constexpr int kInsertionOps = 8;  // {greedy, regret-2, regret-3, regret-m} x {no noise, noise}

class Alns {
 public:
  Alns(const Problem& problem, const SolverOptions& options, const std::function<void(const Progress&)>& progress)
      : pb_(problem), opt_(options), progress_(progress), rng_(options.seed), nodes_(problem.Nodes()) {
    weighted_ = opt_.objective == Objective::kWeighted;
    req_of_node_.assign(nodes_.size(), -1);
    for (int i = 1; i < pb_.Size(); ++i) {
      if (nodes_[i].pickup >= 0) continue;  // a delivery: its request is created from the pickup
      Request r;
      r.pickup = i;
      r.delivery = nodes_[i].delivery;
      r.demand = nodes_[i].demand;
      req_of_node_[i] = static_cast<int>(requests_.size());
      if (r.delivery >= 0) req_of_node_[r.delivery] = static_cast<int>(requests_.size());
      requests_.push_back(r);
    }
    for (int i = 0; i < pb_.Size(); ++i)
      for (int j = 0; j < pb_.Size(); ++j) max_distance_ = std::max(max_distance_, pb_.Distance(i, j));
    max_distance_ = std::max(max_distance_, 1e-9);
    horizon_ = std::max(nodes_[0].latest, 1.0);
    for (const Node& n : nodes_) max_demand_ = std::max(max_demand_, std::abs(n.demand));
    max_demand_ = std::max(max_demand_, 1);
    // Opening a route must cost more than any distance a route could save, so that insertion prefers the
    // routes already in use (hierarchical objective: vehicles first).
    vehicle_cost_ = weighted_ ? opt_.weights.vehicle : (3.0 * pb_.Size() + 2) * max_distance_;
    max_routes_ = pb_.Vehicles();
    started_ = std::chrono::steady_clock::now();
  }

  SolveResult Run() {
    State current;
    if (opt_.initial_routes.empty()) {
      current.bank.resize(requests_.size());
      std::iota(current.bank.begin(), current.bank.end(), 0);
    } else {
      current = StartFrom(opt_.initial_routes);
    }
    Insert(current, 1, false);  // regret-2 construction (of what the start left out, if one was given)
    Consider(current);
    if (requests_.empty()) return Result();

    const int n_req = static_cast<int>(requests_.size());
    q_min_ = std::min(4, n_req);
    q_max_ = std::max(q_min_, std::min(40, static_cast<int>(0.4 * n_req)));
    t0_ = 0.05 * std::max(current.cost, 1.0) / std::log(2.0);
    std::fill(std::begin(removal_weight_), std::end(removal_weight_), 1.0);
    std::fill(std::begin(insertion_weight_), std::end(insertion_weight_), 1.0);

    if (!weighted_) FleetPhase(current);
    DistancePhase();
    return Result();
  }

 private:
  // ---- budget -------------------------------------------------------------------------------------------

  double Seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }
  // Fraction of the whole budget used, from iterations when limited by them (reproducible) and from time.
  double Used() const {
    double used = 0;
    if (opt_.max_iterations > 0) used = static_cast<double>(iteration_) / static_cast<double>(opt_.max_iterations);
    if (opt_.time_limit_seconds > 0) used = std::max(used, Seconds() / opt_.time_limit_seconds);
    return used;
  }

  // ---- initial solution ---------------------------------------------------------------------------------

  // The caller's routes (SolverOptions::initial_routes), with what cannot be kept moved to the bank.
  State StartFrom(const std::vector<std::vector<int>>& routes) const {
    if (static_cast<int>(routes.size()) > pb_.Vehicles())
      throw std::invalid_argument("initial_routes has " + std::to_string(routes.size()) + " routes, the fleet " +
                                  std::to_string(pb_.Vehicles()));
    std::vector<int> route_of(nodes_.size(), -1), pos(nodes_.size(), -1);
    for (std::size_t k = 0; k < routes.size(); ++k)
      for (std::size_t t = 0; t < routes[k].size(); ++t) {
        int idx = pb_.IndexOfId(routes[k][t]);
        if (idx < 1) throw std::invalid_argument("initial_routes: unknown task id " + std::to_string(routes[k][t]));
        if (route_of[idx] >= 0)
          throw std::invalid_argument("initial_routes: task id " + std::to_string(routes[k][t]) + " listed twice");
        route_of[idx] = static_cast<int>(k);
        pos[idx] = static_cast<int>(t);
      }
    std::vector<char> keep(requests_.size(), 0);
    for (std::size_t r = 0; r < requests_.size(); ++r) {
      const int p = requests_[r].pickup, d = requests_[r].delivery;
      keep[r] = d < 0 ? route_of[p] >= 0 : route_of[p] >= 0 && route_of[p] == route_of[d] && pos[p] < pos[d];
    }
    State s;
    for (const auto& ids : routes) {
      Route route;
      route.nodes = {0};
      for (int id : ids) {
        int idx = pb_.IndexOfId(id);
        if (keep[req_of_node_[idx]]) route.nodes.push_back(idx);
      }
      route.nodes.push_back(0);
      if (route.nodes.size() <= 2) continue;
      Rebuild(route);
      bool ok = route.cost < kInf;
      const std::size_t m = route.nodes.size();
      for (std::size_t k = 1; ok && k < m; ++k) {
        if (route.load[k] < 0 || route.load[k] > pb_.Capacity()) ok = false;
        double latest = k + 1 < m ? nodes_[route.nodes[k]].latest : nodes_[0].latest;
        if (!weighted_ && route.start[k] > latest + kEps) ok = false;
      }
      if (ok) {
        s.routes.push_back(std::move(route));
      } else {
        for (std::size_t k = 1; k + 1 < m; ++k) keep[req_of_node_[route.nodes[k]]] = 0;
      }
    }
    for (std::size_t r = 0; r < requests_.size(); ++r)
      if (!keep[r]) s.bank.push_back(static_cast<int>(r));
    Recost(s);
    return s;
  }

  // ---- route evaluation ---------------------------------------------------------------------------------

  double Dist(int a, int b) const { return pb_.Distance(a, b); }

  // Cost of a node sequence (depot at both ends) under the weighted objective; kInf when capacity breaks.
  double WeightedCost(const std::vector<int>& seq) const {
    double time = nodes_[0].earliest;
    double distance = 0;
    double lateness = 0;
    int load = 0;
    for (std::size_t k = 1; k < seq.size(); ++k) {
      const Node& n = nodes_[seq[k]];
      double leg = Dist(seq[k - 1], seq[k]);
      distance += leg;
      double start = std::max(n.earliest, time + nodes_[seq[k - 1]].service + leg);
      if (k + 1 < seq.size()) {
        lateness += std::max(0.0, start - n.latest);
        load += n.demand;
        if (load > pb_.Capacity() || load < 0) return kInf;
      }
      time = start;
    }
    const Weights& w = opt_.weights;
    return w.distance * distance + w.time * (time - nodes_[0].earliest) + w.lateness * lateness;
  }

  void Rebuild(Route& r) const {
    const std::size_t m = r.nodes.size();
    r.start.assign(m, 0);
    r.load.assign(m, 0);
    r.latest.assign(m, 0);
    r.start[0] = nodes_[0].earliest;
    r.distance = 0;
    for (std::size_t k = 1; k < m; ++k) {
      int a = r.nodes[k - 1], b = r.nodes[k];
      double leg = Dist(a, b);
      r.distance += leg;
      r.start[k] = std::max(nodes_[b].earliest, r.start[k - 1] + nodes_[a].service + leg);
      r.load[k] = r.load[k - 1] + (k + 1 < m ? nodes_[b].demand : 0);
    }
    r.max_load.assign(m, 0);
    r.max_load[m - 1] = r.load[m - 1];
    for (std::size_t k = m - 1; k-- > 0;) r.max_load[k] = std::max(r.load[k], r.max_load[k + 1]);
    r.latest[m - 1] = nodes_[0].latest;
    for (std::size_t k = m - 1; k-- > 0;) {
      int a = r.nodes[k], b = r.nodes[k + 1];
      double own = k == 0 ? nodes_[0].latest : nodes_[a].latest;
      r.latest[k] = std::min(own, r.latest[k + 1] - nodes_[a].service - Dist(a, b));
    }
    r.cost = weighted_ ? WeightedCost(r.nodes) : r.distance;
  }

  // Best feasible position pair for request `req` in route `r` (cost = objective increase).
  Insertion BestInsertion(const Route& r, int req) {
    return weighted_ ? BestInsertionWeighted(r, req) : BestInsertionHard(r, req);
  }

  Insertion BestInsertionHard(const Route& r, int req) const {
    const Request& rq = requests_[req];
    const int p = rq.pickup, d = rq.delivery;
    const Node& np = nodes_[p];
    const int cap = pb_.Capacity();
    const int m = static_cast<int>(r.nodes.size());
    Insertion best;
    for (int i = 0; i + 1 < m; ++i) {
      const int a = r.nodes[i];
      const double arrive_p = r.start[i] + nodes_[a].service + Dist(a, p);
      // Start times along a feasible route only grow and distances obey the triangle inequality, so once
      // the pickup is late after position i it is late after every later position too.
      if (arrive_p > np.latest + kEps) break;
      // A single task (VRPTW customer) stays on board to the end of the route; a pickup until its delivery,
      // which the loop over j checks stop by stop.
      if ((d < 0 ? r.max_load[i] : r.load[i]) + rq.demand > cap) continue;
      const double start_p = std::max(np.earliest, arrive_p);
      const int b0 = r.nodes[i + 1];
      if (d < 0) {
        double arrive_b = start_p + np.service + Dist(p, b0);
        if (arrive_b <= r.latest[i + 1] + kEps) {
          double cost = Dist(a, p) + Dist(p, b0) - Dist(a, b0);
          if (cost < best.cost) best = {cost, i, i};
        }
        continue;
      }
      const Node& nd = nodes_[d];
      // Delivery right after the pickup.
      {
        double start_d = std::max(nd.earliest, start_p + np.service + Dist(p, d));
        if (start_d <= nd.latest + kEps) {
          double arrive_b = start_d + nd.service + Dist(d, b0);
          if (arrive_b <= r.latest[i + 1] + kEps) {
            double cost = Dist(a, p) + Dist(p, d) + Dist(d, b0) - Dist(a, b0);
            if (cost < best.cost) best = {cost, i, i};
          }
        }
      }
      // Delivery after a later stop: push the new start times forward stop by stop.
      const double pickup_cost = Dist(a, p) + Dist(p, b0) - Dist(a, b0);
      int prev = p;
      double prev_start = start_p;
      for (int j = i + 1; j + 1 < m; ++j) {
        const int k = r.nodes[j];
        double start_k = std::max(nodes_[k].earliest, prev_start + nodes_[prev].service + Dist(prev, k));
        if (start_k > r.latest[j] + kEps) break;
        if (r.load[j] + rq.demand > cap) break;
        double start_d = std::max(nd.earliest, start_k + nodes_[k].service + Dist(k, d));
        if (start_d > nd.latest + kEps) break;  // later positions start the delivery even later
        const int b = r.nodes[j + 1];
        double arrive_b = start_d + nd.service + Dist(d, b);
        if (arrive_b <= r.latest[j + 1] + kEps) {
          double cost = pickup_cost + Dist(k, d) + Dist(d, b) - Dist(k, b);
          if (cost < best.cost) best = {cost, i, j};
        }
        prev = k;
        prev_start = start_k;
      }
    }
    return best;
  }

  // Soft windows make every position feasible time-wise, so the weighted objective re-simulates the route
  // for each candidate pair; routes in live dispatch are short, and capacity still prunes.
  Insertion BestInsertionWeighted(const Route& r, int req) {
    const Request& rq = requests_[req];
    const int m = static_cast<int>(r.nodes.size());
    Insertion best;
    for (int i = 0; i + 1 < m; ++i) {
      if (r.load[i] + rq.demand > pb_.Capacity()) continue;
      for (int j = i; j + 1 < m; ++j) {
        if (j > i && r.load[j] + rq.demand > pb_.Capacity()) break;
        if (rq.delivery < 0 && j > i) break;
        scratch_ = r.nodes;
        Place(scratch_, rq, {0, i, j});
        double cost = WeightedCost(scratch_) - r.cost;
        if (cost < best.cost) best = {cost, i, j};
      }
    }
    return best;
  }

  static void Place(std::vector<int>& seq, const Request& rq, const Insertion& at) {
    seq.insert(seq.begin() + at.i + 1, rq.pickup);
    if (rq.delivery >= 0) seq.insert(seq.begin() + at.j + 2, rq.delivery);
  }

  // Cost of serving `req` alone on a new vehicle, kInf when even that breaks a hard constraint.
  Insertion NewRouteInsertion(int req) {
    Route r;
    r.nodes = {0, 0};
    Rebuild(r);
    Insertion ins = BestInsertion(r, req);
    if (ins.cost < kInf) ins.cost += vehicle_cost_;
    return ins;
  }

  // ---- insertion heuristics -----------------------------------------------------------------------------

  // Inserts bank requests one at a time. regret == 0: greedy (cheapest first); regret == k >= 1: the request
  // whose best insertion beats its next k alternatives by the most (regret-(k+1)); regret < 0: regret-m over
  // every route. Costs are cached per (request, route) and only the changed route's column is recomputed.
  // With noise, each cached cost is perturbed by up to 2.5% of the longest distance (Ropke & Pisinger's noise
  // term) so that repeated repairs explore different choices.
  void Insert(State& s, int regret, bool noise) {
    std::vector<int>& bank = s.bank;
    const int u_count = static_cast<int>(bank.size());
    if (u_count == 0) return;
    const double noise_amp = noise ? 0.025 * max_distance_ : 0.0;
    std::vector<std::vector<Insertion>> cache(u_count);
    std::vector<Insertion> fresh(u_count);
    auto noisy = [&](Insertion ins) {
      if (noise && ins.cost < kInf) ins.cost = std::max(0.0, ins.cost + noise_amp * (2 * rng_.Uniform() - 1));
      return ins;
    };
    for (int u = 0; u < u_count; ++u) {
      cache[u].reserve(s.routes.size() + 4);
      for (const Route& r : s.routes) cache[u].push_back(noisy(BestInsertion(r, bank[u])));
      fresh[u] = noisy(NewRouteInsertion(bank[u]));
    }
    std::vector<char> done(u_count, 0);
    std::vector<double> costs;
    for (;;) {
      int pick = -1, pick_route = -1;
      double pick_key = -kInf, pick_cost = kInf;
      const bool can_open = static_cast<int>(s.routes.size()) < max_routes_;
      for (int u = 0; u < u_count; ++u) {
        if (done[u]) continue;
        costs.clear();
        double best = kInf;
        int best_route = -1;
        for (std::size_t k = 0; k < s.routes.size(); ++k) {
          double c = cache[u][k].cost;
          if (c == kInf) continue;
          costs.push_back(c);
          if (c < best) {
            best = c;
            best_route = static_cast<int>(k);
          }
        }
        if (can_open && fresh[u].cost < kInf) {
          costs.push_back(fresh[u].cost);
          if (fresh[u].cost < best) {
            best = fresh[u].cost;
            best_route = static_cast<int>(s.routes.size());
          }
        }
        if (best_route < 0) continue;
        double key;
        if (regret == 0) {
          key = -best;
        } else {
          int k_alt = regret < 0 ? static_cast<int>(s.routes.size()) : regret;
          std::size_t take = std::min<std::size_t>(costs.size(), static_cast<std::size_t>(k_alt) + 1);
          std::partial_sort(costs.begin(), costs.begin() + take, costs.end());
          // A request with fewer alternatives than k counts each missing one as very expensive: it is the
          // one most likely to lose its last option, so it goes first.
          key = 0;
          for (int h = 1; h <= k_alt; ++h)
            key += (static_cast<std::size_t>(h) < take ? costs[h] : best + vehicle_cost_ + 1e6) - best;
        }
        if (key > pick_key + 1e-12 || (std::fabs(key - pick_key) <= 1e-12 && best < pick_cost)) {
          pick = u;
          pick_route = best_route;
          pick_key = key;
          pick_cost = best;
        }
      }
      if (pick < 0) break;
      done[pick] = 1;
      const Request& rq = requests_[bank[pick]];
      if (pick_route == static_cast<int>(s.routes.size())) {
        Route r;
        r.nodes = {0, 0};
        Place(r.nodes, rq, fresh[pick]);
        Rebuild(r);
        s.routes.push_back(std::move(r));
        for (int u = 0; u < u_count; ++u)
          cache[u].push_back(done[u] ? Insertion{} : noisy(BestInsertion(s.routes.back(), bank[u])));
      } else {
        Route& r = s.routes[pick_route];
        Place(r.nodes, rq, cache[pick][pick_route]);
        Rebuild(r);
        for (int u = 0; u < u_count; ++u)
          if (!done[u]) cache[u][pick_route] = noisy(BestInsertion(r, bank[u]));
      }
    }
    std::vector<int> left;
    for (int u = 0; u < u_count; ++u)
      if (!done[u]) left.push_back(bank[u]);
    bank = std::move(left);
    Recost(s);
  }

  void Recost(State& s) const {
    s.cost = 0;
    for (const Route& r : s.routes) s.cost += r.cost;
  }

  // ---- removal heuristics -------------------------------------------------------------------------------

  struct Where {
    int route = -1;
    int pos_p = -1;
    int pos_d = -1;
  };

  std::vector<Where> Locate(const State& s) const {
    std::vector<Where> where(requests_.size());
    for (std::size_t k = 0; k < s.routes.size(); ++k) {
      const auto& nodes = s.routes[k].nodes;
      for (std::size_t i = 1; i + 1 < nodes.size(); ++i) {
        int req = req_of_node_[nodes[i]];
        where[req].route = static_cast<int>(k);
        if (nodes[i] == requests_[req].pickup)
          where[req].pos_p = static_cast<int>(i);
        else
          where[req].pos_d = static_cast<int>(i);
      }
    }
    return where;
  }

  std::vector<int> Assigned(const std::vector<Where>& where) const {
    std::vector<int> out;
    for (std::size_t r = 0; r < where.size(); ++r)
      if (where[r].route >= 0) out.push_back(static_cast<int>(r));
    return out;
  }

  void RemoveRequests(State& s, const std::vector<int>& reqs) {
    if (reqs.empty()) return;
    std::vector<char> gone(requests_.size(), 0);
    for (int r : reqs) gone[r] = 1;
    for (Route& route : s.routes) {
      std::size_t before = route.nodes.size();
      std::erase_if(route.nodes, [&](int node) { return node != 0 && gone[req_of_node_[node]]; });
      if (route.nodes.size() != before) Rebuild(route);
    }
    std::erase_if(s.routes, [](const Route& r) { return r.nodes.size() <= 2; });
    s.bank.insert(s.bank.end(), reqs.begin(), reqs.end());
    Recost(s);
  }

  void RandomRemoval(State& s, int q) {
    auto assigned = Assigned(Locate(s));
    std::vector<int> out;
    while (static_cast<int>(out.size()) < q && !assigned.empty()) {
      int k = rng_.Below(static_cast<int>(assigned.size()));
      out.push_back(assigned[k]);
      assigned[k] = assigned.back();
      assigned.pop_back();
    }
    RemoveRequests(s, out);
  }

  // Requests whose removal saves the most distance, with randomisation (Ropke & Pisinger's p = 3).
  void WorstRemoval(State& s, int q) {
    auto where = Locate(s);
    std::vector<std::pair<double, int>> saving;
    for (int req : Assigned(where)) {
      const Where& w = where[req];
      const auto& nodes = s.routes[w.route].nodes;
      const Request& rq = requests_[req];
      double save;
      auto cut = [&](int pos) {
        return Dist(nodes[pos - 1], nodes[pos]) + Dist(nodes[pos], nodes[pos + 1]) -
               Dist(nodes[pos - 1], nodes[pos + 1]);
      };
      if (rq.delivery < 0) {
        save = cut(w.pos_p);
      } else if (w.pos_d == w.pos_p + 1) {
        save = Dist(nodes[w.pos_p - 1], nodes[w.pos_p]) + Dist(nodes[w.pos_p], nodes[w.pos_d]) +
               Dist(nodes[w.pos_d], nodes[w.pos_d + 1]) - Dist(nodes[w.pos_p - 1], nodes[w.pos_d + 1]);
      } else {
        save = cut(w.pos_p) + cut(w.pos_d);
      }
      saving.emplace_back(-save, req);
    }
    std::sort(saving.begin(), saving.end());
    std::vector<int> out;
    while (static_cast<int>(out.size()) < q && !saving.empty()) {
      int k = static_cast<int>(std::pow(rng_.Uniform(), 3.0) * static_cast<double>(saving.size()));
      out.push_back(saving[k].second);
      saving.erase(saving.begin() + k);
    }
    RemoveRequests(s, out);
  }

  // Shaw removal: requests related by place, time and size to ones already chosen (p = 6).
  void ShawRemoval(State& s, int q) {
    auto where = Locate(s);
    auto assigned = Assigned(where);
    if (assigned.empty()) return;
    std::vector<double> start(nodes_.size(), 0);
    for (const Route& r : s.routes)
      for (std::size_t i = 1; i + 1 < r.nodes.size(); ++i) start[r.nodes[i]] = r.start[i];
    auto related = [&](int a, int b) {
      const Request& x = requests_[a];
      const Request& y = requests_[b];
      int xd = x.delivery < 0 ? x.pickup : x.delivery;
      int yd = y.delivery < 0 ? y.pickup : y.delivery;
      return 9.0 * (Dist(x.pickup, y.pickup) + Dist(xd, yd)) / max_distance_ +
             3.0 * (std::fabs(start[x.pickup] - start[y.pickup]) + std::fabs(start[xd] - start[yd])) / horizon_ +
             2.0 * std::abs(x.demand - y.demand) / max_demand_;
    };
    std::vector<int> out;
    int first = rng_.Below(static_cast<int>(assigned.size()));
    out.push_back(assigned[first]);
    assigned.erase(assigned.begin() + first);
    std::vector<std::pair<double, int>> order;
    while (static_cast<int>(out.size()) < q && !assigned.empty()) {
      int seed = out[rng_.Below(static_cast<int>(out.size()))];
      order.clear();
      for (int r : assigned) order.emplace_back(related(seed, r), r);
      std::sort(order.begin(), order.end());
      int k = static_cast<int>(std::pow(rng_.Uniform(), 6.0) * static_cast<double>(order.size()));
      int chosen = order[k].second;
      out.push_back(chosen);
      assigned.erase(std::find(assigned.begin(), assigned.end(), chosen));
    }
    RemoveRequests(s, out);
  }

  // Removes every request of one route; short routes are likelier, since emptying them is what reduces the
  // fleet.
  void RouteRemoval(State& s) {
    if (s.routes.empty()) return;
    std::vector<std::pair<std::size_t, int>> by_size;
    for (std::size_t k = 0; k < s.routes.size(); ++k)
      by_size.emplace_back(s.routes[k].nodes.size(), static_cast<int>(k));
    std::sort(by_size.begin(), by_size.end());
    int k = static_cast<int>(std::pow(rng_.Uniform(), 2.0) * static_cast<double>(by_size.size()));
    const Route& r = s.routes[by_size[k].second];
    std::vector<int> out;
    for (std::size_t i = 1; i + 1 < r.nodes.size(); ++i)
      if (r.nodes[i] == requests_[req_of_node_[r.nodes[i]]].pickup) out.push_back(req_of_node_[r.nodes[i]]);
    RemoveRequests(s, out);
  }

  // ---- search -------------------------------------------------------------------------------------------

  Key KeyOf(const State& s) const {
    int vehicles = static_cast<int>(s.routes.size());
    if (weighted_) return {static_cast<int>(s.bank.size()), 0, s.cost + opt_.weights.vehicle * vehicles};
    return {static_cast<int>(s.bank.size()), vehicles, s.cost};
  }

  // Records a new overall best and reports it.
  bool Consider(const State& s) {
    if (have_best_ && !(KeyOf(s) < KeyOf(best_))) return false;
    best_ = s;
    have_best_ = true;
    if (progress_) {
      double distance = 0;
      for (const Route& r : s.routes) distance += r.distance;
      progress_({Seconds(), iteration_, static_cast<int>(s.routes.size()), distance, static_cast<int>(s.bank.size())});
    }
    return true;
  }

  int Roulette(const double* weights, int count) {
    double total = 0;
    for (int i = 0; i < count; ++i) total += weights[i];
    double x = rng_.Uniform() * total;
    for (int i = 0; i < count; ++i) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return count - 1;
  }

  // One destroy-and-repair step from `current`; returns the candidate and updates adaptive scores.
  State Step(const State& current, int& removal_op, int& insertion_op) {
    State cand = current;
    removal_op = Roulette(removal_weight_, kRemovalOps);
    insertion_op = Roulette(insertion_weight_, kInsertionOps);
    int q = rng_.Between(q_min_, q_max_);
    switch (removal_op) {
      case kRandomRemoval:
        RandomRemoval(cand, q);
        break;
      case kWorstRemoval:
        WorstRemoval(cand, q);
        break;
      case kShawRemoval:
        ShawRemoval(cand, q);
        break;
      default:
        RouteRemoval(cand);
        break;
    }
    static constexpr int kRegret[4] = {0, 1, 2, -1};
    Insert(cand, kRegret[insertion_op % 4], insertion_op >= 4);
    ++iteration_;
    return cand;
  }

  void Score(int removal_op, int insertion_op, double score) {
    removal_score_[removal_op] += score;
    removal_uses_[removal_op] += 1;
    insertion_score_[insertion_op] += score;
    insertion_uses_[insertion_op] += 1;
    if (iteration_ % 100 != 0) return;
    // Segment end: blend the observed scores into the weights (reaction factor 0.1).
    constexpr double kReaction = 0.1;
    for (int i = 0; i < kRemovalOps; ++i) {
      if (removal_uses_[i] > 0)
        removal_weight_[i] =
            std::max(0.05, removal_weight_[i] * (1 - kReaction) + kReaction * removal_score_[i] / removal_uses_[i]);
      removal_score_[i] = removal_uses_[i] = 0;
    }
    for (int i = 0; i < kInsertionOps; ++i) {
      if (insertion_uses_[i] > 0)
        insertion_weight_[i] = std::max(
            0.05, insertion_weight_[i] * (1 - kReaction) + kReaction * insertion_score_[i] / insertion_uses_[i]);
      insertion_score_[i] = insertion_uses_[i] = 0;
    }
  }

  bool Accept(const State& cand, const State& current, double temperature) {
    Key c = KeyOf(cand), k = KeyOf(current);
    if (c.bank != k.bank) return c.bank < k.bank;
    if (c.vehicles != k.vehicles) return c.vehicles < k.vehicles;
    if (c.cost <= k.cost) return true;
    return temperature > 0 && rng_.Uniform() < std::exp(-(c.cost - k.cost) / temperature);
  }

  bool Stop() const { return Used() >= 1.0; }

  // Vehicle minimisation: take the best complete solution, delete one of its routes and search with one
  // vehicle less until the request bank empties (success: repeat) or stalls (try another route).
  void FleetPhase(State current) {
    const double end = opt_.fleet_share;
    const std::int64_t stall_limit = std::max<std::int64_t>(1000, 40 * static_cast<std::int64_t>(requests_.size()));
    const double temperature = 0.2 * t0_;
    bool attempt_open = !current.bank.empty();  // construction left requests: first repair with the full fleet
    std::int64_t stall = 0;
    int best_bank = static_cast<int>(current.bank.size());
    double last_success = Used();
    while (Used() < end && (Used() - last_success < opt_.fleet_patience || !best_.bank.empty())) {
      if (!attempt_open) {
        if (!best_.bank.empty() || best_.routes.size() <= 1) break;
        current = best_;
        max_routes_ = static_cast<int>(current.routes.size()) - 1;
        RouteRemoval(current);
        Insert(current, 1, false);
        attempt_open = true;
        stall = 0;
        best_bank = static_cast<int>(current.bank.size());
      }
      if (current.bank.empty()) {
        if (Consider(current)) last_success = Used();
        attempt_open = false;
        continue;
      }
      int rop, iop;
      State cand = Step(current, rop, iop);
      double score = 0;
      if (static_cast<int>(cand.bank.size()) < best_bank) {
        best_bank = static_cast<int>(cand.bank.size());
        stall = 0;
        score = 33;
      } else {
        ++stall;
      }
      if (Accept(cand, current, temperature)) {
        if (score == 0) score = KeyOf(cand) < KeyOf(current) ? 9 : 13;
        current = std::move(cand);
      }
      Score(rop, iop, score);
      if (stall > stall_limit) attempt_open = false;
    }
  }

  // Distance minimisation with the fleet found, simulated annealing cooling from t0 to t0 / 500.
  void DistancePhase() {
    State current = best_;
    // Hierarchical: never give back a vehicle the fleet phase saved. Weighted: vehicles are just a cost term,
    // so the whole fleet stays available (an extra rider may be worth its lateness savings).
    max_routes_ = best_.bank.empty() && !weighted_ ? static_cast<int>(best_.routes.size()) : pb_.Vehicles();
    const double begin = Used();
    while (!Stop()) {
      double frac = std::clamp((Used() - begin) / std::max(1e-9, 1.0 - begin), 0.0, 1.0);
      double temperature = t0_ * std::pow(0.002, frac);
      int rop, iop;
      State cand = Step(current, rop, iop);
      double score = 0;
      if (Consider(cand)) {
        score = 33;
        current = cand;
      } else if (Accept(cand, current, temperature)) {
        score = KeyOf(cand) < KeyOf(current) ? 9 : 13;
        current = std::move(cand);
      }
      Score(rop, iop, score);
    }
  }

  SolveResult Result() const {
    SolveResult out;
    for (const Route& r : best_.routes) {
      std::vector<int> ids;
      for (std::size_t i = 1; i + 1 < r.nodes.size(); ++i) ids.push_back(nodes_[r.nodes[i]].id);
      out.routes.push_back(std::move(ids));
      out.distance += r.distance;
      for (std::size_t i = 1; i + 1 < r.nodes.size(); ++i)
        out.lateness += std::max(0.0, r.start[i] - nodes_[r.nodes[i]].latest);
      out.duration += r.start.back() - nodes_[0].earliest;
    }
    for (int req : best_.bank) {
      out.unassigned.push_back(nodes_[requests_[req].pickup].id);
      if (requests_[req].delivery >= 0) out.unassigned.push_back(nodes_[requests_[req].delivery].id);
    }
    out.vehicles = static_cast<int>(best_.routes.size());
    out.feasible = best_.bank.empty() && out.vehicles <= pb_.Vehicles() && (weighted_ || out.lateness <= 1e-6);
    out.cost = weighted_ ? best_.cost + opt_.weights.vehicle * out.vehicles : out.distance;
    out.seconds = Seconds();
    out.iterations = iteration_;
    return out;
  }

  const Problem& pb_;
  const SolverOptions& opt_;
  const std::function<void(const Progress&)>& progress_;
  Rng rng_;
  const std::vector<Node>& nodes_;
  bool weighted_ = false;
  std::vector<Request> requests_;
  std::vector<int> req_of_node_;
  double max_distance_ = 0;
  double horizon_ = 1;
  int max_demand_ = 1;
  double vehicle_cost_ = 0;
  int max_routes_ = 0;
  int q_min_ = 0;
  int q_max_ = 0;
  double t0_ = 1;
  std::int64_t iteration_ = 0;
  std::chrono::steady_clock::time_point started_;
  State best_;
  bool have_best_ = false;
  std::vector<int> scratch_;
  double removal_weight_[kRemovalOps] = {};
  double removal_score_[kRemovalOps] = {};
  double removal_uses_[kRemovalOps] = {};
  double insertion_weight_[kInsertionOps] = {};
  double insertion_score_[kInsertionOps] = {};
  double insertion_uses_[kInsertionOps] = {};
};

}  // namespace

SolveResult Solve(const Problem& problem, const SolverOptions& options,
                  const std::function<void(const Progress&)>& on_progress) {
  if (options.time_limit_seconds <= 0 && options.max_iterations <= 0)
    throw std::invalid_argument("set a time limit or an iteration limit");
  if (options.max_iterations < 0) throw std::invalid_argument("max_iterations must be >= 0");
  if (!(options.fleet_share >= 0 && options.fleet_share <= 1))
    throw std::invalid_argument("fleet_share must be within [0, 1]");
  if (!(options.fleet_patience > 0)) throw std::invalid_argument("fleet_patience must be > 0");
  Alns alns(problem, options, on_progress);
  return alns.Run();
}

}  // namespace okada::brain::routing
