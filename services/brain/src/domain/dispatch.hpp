#pragma once
/// Batch dispatch: which rider takes which waiting order, and in what order each rider makes his stops.
///
/// One call plans a round. Orders whose store or door lies in a no-go zone are left out. Each order has a short
/// list of candidate riders (the nearest ones with room). Then, in rounds, every rider with room may take one
/// more order: the marginal cost of inserting each candidate order into each rider's planned stops (lateness
/// against promised times, weighted, plus added route time) fills a cost matrix, and a minimum-cost assignment
/// (Hungarian method) picks the round's pairs. A second or third order joins a rider (a batch) only when it does
/// not delay the orders he already carries by more than `batch_max_delay_s`; the matching then prefers it only
/// when it is cheaper than giving the order to someone else. Last, each rider with several orders has his stops
/// re-ordered by the routing solver (ALNS, weighted objective, open route) when that lowers his cost.
/// Anytime: when the deadline comes, the plan so far is returned (`complete` false) and the rest waits.
///
/// Pure: no I/O, no clocks other than the deadline; deterministic for a given input when the deadline is not hit.
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace okada::brain::dispatch {

struct Point {
  double lat = 0;
  double lon = 0;
};

/// Travel times between points for one round: a fixed overhead plus straight-line metres × a rate (seconds per
/// metre) that depends on the zones of both ends. The rates come from the ETA model for the round's hour,
/// weekday and weather (store/travel), or from the baseline (one zone).
struct TravelTable {
  int zones = 1;
  std::vector<Point> centroids;      ///< zone centres (empty with one zone: every point is zone 0)
  std::vector<double> rate_s_per_m;  ///< zones × zones, row = from
  double fixed_s = 0;                ///< per leg (parking, finding the door)

  int ZoneOf(Point p) const;
  /// The baseline: straight line × `circuity` at `speed_mps`.
  static TravelTable Uniform(double circuity, double speed_mps, double fixed_s);
};

enum class StopKind { kPickup, kDropoff };

struct Stop {
  std::string order_id;
  StopKind kind = StopKind::kPickup;
  Point at;
  double ready_s = 0;  ///< pickups: the goods are ready then (Unix seconds); the rider waits
  double promised_s = std::numeric_limits<double>::infinity();  ///< drop-offs: promised by then (Unix seconds)
};

struct Rider {
  std::string id;
  Point at;
  int capacity = 1;         ///< how many more orders he may take this round
  std::vector<Stop> stops;  ///< what he is already doing, in his current order
};

struct Order {
  std::string id;
  Point pickup;
  double ready_s = 0;
  Point dropoff;
  double promised_s = std::numeric_limits<double>::infinity();
};

/// A ring of [lon, lat] vertices (GeoJSON order), as orders keeps its no-go zones.
using Ring = std::vector<std::pair<double, double>>;

struct Input {
  std::vector<Rider> riders;
  std::vector<Order> orders;
  std::vector<Ring> no_go;
  double now_s = 0;  ///< Unix seconds
};

struct Options {
  double pickup_service_s = 120;
  double dropoff_service_s = 180;
  int candidates = 12;             ///< riders considered per order (nearest first)
  double max_pickup_m = 10'000;    ///< farther riders are never asked
  double batch_max_delay_s = 900;  ///< a batch may delay the rider's earlier orders by at most this, in total
  double lateness_weight = 10;     ///< per second late, against 1 per second of route time
  double time_weight = 1;
  int solver_iterations = 100;  ///< ALNS iterations per multi-order rider
  /// Also give every order still waiting after the rounds to the cheapest candidate rider with room, beyond the
  /// batch allowance (a rush: nobody will be on time, and waiting makes it worse).
  bool fill = false;
  std::uint64_t seed = 1;
};

struct PlannedStop {
  Stop stop;
  double eta_s = 0;  ///< arrival (Unix seconds); for pickups, service starts at max(eta, ready)
};

struct Assignment {
  std::string rider_id;
  std::vector<std::string> order_ids;  ///< the orders given to him this round
  std::vector<PlannedStop> stops;      ///< all his stops (earlier and new) in the planned order
};

struct Unassigned {
  std::string order_id;
  std::string reason;  ///< no_go_zone | no_rider_nearby | not_this_round
};

struct Result {
  std::vector<Assignment> assignments;
  std::vector<Unassigned> unassigned;
  double lateness_s = 0;    ///< total lateness of every drop-off on the changed riders' routes
  double route_s = 0;       ///< total route time of the changed riders
  int batched_riders = 0;   ///< riders given more than one order
  int solver_improved = 0;  ///< riders whose stop order the solver improved
  int solver_skipped = 0;   ///< multi-order riders the deadline left in their insertion order
  bool complete = true;     ///< false when the deadline cut the assignment short (orders left waiting for it)
};

using Deadline = std::chrono::steady_clock::time_point;

/// Plans one round (see the file comment).
Result Assign(const Input& in, const TravelTable& travel, const Options& options, Deadline deadline);

/// The comparison point: orders by ready time, each to the nearest rider with room (no distance limit, no-go
/// zones still respected), appended after his last stop. No batching logic, no re-ordering.
Result Greedy(const Input& in, const TravelTable& travel, const Options& options);

/// Total lateness (s) of every drop-off when each rider of `in` follows the stops `plan` gives him (riders absent
/// from `plan` keep their own stops). Both planners are scored with this.
double TotalLateness(const Input& in, const Result& plan, const TravelTable& travel, const Options& options);

}  // namespace okada::brain::dispatch
