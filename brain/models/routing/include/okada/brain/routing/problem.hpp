#pragma once
/// Routing problem model: a depot, tasks with time windows, demands and service times, and pickup/delivery
/// pairs. One model covers both the pickup-and-delivery problem with time windows (PDPTW, Li & Lim) and the
/// vehicle routing problem with time windows (VRPTW, Solomon), whose customers are single tasks.
///
/// Distances are Euclidean in double precision and travel time equals distance.
/// A Problem is immutable after construction: safe to share between threads for reading.
/// Parsers throw std::runtime_error naming the file (or "<text>") and the line on malformed input.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace okada::brain::routing {

/// One stop of the instance. Index 0 of Problem::nodes is the depot.
struct Node {
  int id = 0;    ///< the id used in the instance file and in solutions
  double x = 0;  ///< coordinates
  double y = 0;
  int demand = 0;       ///< load change when served: > 0 pickup (or VRPTW customer), < 0 delivery
  double earliest = 0;  ///< service may not start before (the vehicle waits)
  double latest = 0;    ///< service may not start after (a promised time in the weighted objective)
  double service = 0;   ///< service duration
  int pickup = -1;      ///< for a delivery: index (into Problem::nodes) of its pickup, else -1
  int delivery = -1;    ///< for a pickup: index of its delivery, else -1
};

/// Input formats understood by the parsers.
enum class Format { kLiLim, kSolomon };

/// Parses "lilim" or "solomon"; throws std::invalid_argument otherwise.
Format ParseFormat(std::string_view text);

class Problem {
 public:
  /// Builds the distance matrix. Validates pairing (partners point at each other, a pickup's demand is the
  /// negation of its delivery's) and throws std::invalid_argument when inconsistent.
  Problem(std::string name, int vehicles, int capacity, std::vector<Node> nodes);
  /// Same, with travel times given instead of computed from coordinates: `matrix` is row-major
  /// Size()×Size(), finite and non-negative (throws std::invalid_argument otherwise). Live dispatch uses it
  /// with predicted seconds, and with a zero column 0 for open routes (a rider does not return to his start).
  Problem(std::string name, int vehicles, int capacity, std::vector<Node> nodes, std::vector<double> matrix);

  const std::string& Name() const { return name_; }
  /// Fleet size available (the instance's K).
  int Vehicles() const { return vehicles_; }
  int Capacity() const { return capacity_; }
  /// Depot at 0, then tasks.
  const std::vector<Node>& Nodes() const { return nodes_; }
  int Size() const { return static_cast<int>(nodes_.size()); }
  double Distance(int from, int to) const { return distance_[static_cast<std::size_t>(from) * nodes_.size() + to]; }
  /// Index of the task with this file id, or -1 when unknown (the depot is not a task).
  int IndexOfId(int id) const;

 private:
  std::string name_;
  int vehicles_;
  int capacity_;
  std::vector<Node> nodes_;
  std::vector<double> distance_;
  std::vector<int> index_of_id_;
};

/// Li & Lim PDPTW text: `K Q S`, then `id x y demand earliest latest service pickup delivery` per line.
/// `name` is used as the problem name.
Problem ParseLiLim(std::string_view text, std::string name);

/// Solomon VRPTW text: header with the instance name, VEHICLE NUMBER/CAPACITY, then customer rows.
/// The name is the first line of the file. Customers become single tasks with positive demand.
Problem ParseSolomon(std::string_view text);

/// Reads and parses a file; the Li & Lim name is the file stem. Throws std::runtime_error when unreadable.
Problem LoadProblem(const std::filesystem::path& file, Format format);

}  // namespace okada::brain::routing
