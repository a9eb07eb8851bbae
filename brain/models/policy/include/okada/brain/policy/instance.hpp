#pragma once
/// Simulated Douala pickup-and-delivery instances for the learned routing policy.
///
/// One rider and `stops / 2` orders. Node 0 is the rider's start; nodes 1..n are pickups and n+1..2n their
/// deliveries (the delivery of pickup i is i + n). Pickups are drawn from shops, restaurants, pharmacies,
/// cafés, bars, bakeries and markets of the OpenStreetMap extract in data/geo (embedded at build time),
/// drop-offs from its places (suburbs, localities, neighbourhoods) with a uniform offset of up to 400 m
/// (a house near the neighbourhood's point), the rider's start from either set. Only points inside the
/// central box lat 3.98–4.12, lon 9.65–9.79 (about 15.5 km × 15.5 km) are used; coordinates are projected
/// (equirectangular, kilometres) and scaled so that the box is the unit square.
///
/// Cost: the closed tour's Euclidean length, start → every stop → back to the start (the rider returns to
/// where he began; the ALNS comparison uses the same convention with the start as its depot). No capacity
/// limit: a rider carries every order of the instance (a simplification; the bag rarely holds more than a
/// few parcels at once on these tours anyway, and the ALNS gets the same unconstrained problem).
///
/// Deterministic: the same (stops, seed) gives the same instance on every platform (own generator).

#include <cstdint>
#include <string>
#include <vector>

namespace okada::brain::policy {

struct Point {
  double x = 0;
  double y = 0;
};

struct Instance {
  int pairs = 0;              ///< n: orders (pickup/delivery pairs)
  std::vector<Point> points;  ///< 2n + 1 points in the unit square: start, pickups, deliveries
  double km_per_unit = 0;     ///< multiply a length by this to get kilometres

  int Size() const { return static_cast<int>(points.size()); }
  static int DeliveryOf(int pickup, int pairs) { return pickup + pairs; }
};

/// Side of the central Douala box in kilometres (the unit of Instance coordinates).
double BoxKilometres();

/// Generates an instance of `stops` stops (even, 2..400). Throws std::invalid_argument otherwise.
Instance GenerateInstance(int stops, std::uint64_t seed);

/// A well-mixed seed for the i-th instance of a stream (training batches, validation, evaluation…), so
/// that streams with different `domain` values never share instances in practice.
std::uint64_t DeriveSeed(std::uint64_t domain, std::uint64_t seed, std::uint64_t index);

/// Seed domains: training batches, the validation set, the baseline's test set and held-out evaluation.
inline constexpr std::uint64_t kTrainDomain = 0x747261696eULL;
inline constexpr std::uint64_t kValidationDomain = 0x76616cULL;
inline constexpr std::uint64_t kBaselineDomain = 0x626173ULL;
inline constexpr std::uint64_t kEvalDomain = 0x6576616cULL;

/// Length of the closed tour start → tour[0] → … → tour.back() → start, in unit-square units.
double TourLength(const Instance& instance, const std::vector<int>& tour);

/// True when `tour` visits every node 1..2n exactly once, each pickup before its delivery; otherwise false
/// with the reason in `why` (when given).
bool IsValidTour(const Instance& instance, const std::vector<int>& tour, std::string* why = nullptr);

}  // namespace okada::brain::policy
