#include "okada/brain/policy/instance.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "poi_table.hpp"

namespace okada::brain::policy {
namespace {

constexpr double kLat0 = 3.98, kLat1 = 4.12, kLon0 = 9.65, kLon1 = 9.79;
constexpr double kKmPerDegLat = 110.574;
constexpr double kPi = 3.14159265358979323846;
constexpr double kDropJitterKm = 0.4;
constexpr double kPickupJitterKm = 0.03;  // two shops at one OSM point still get distinct doors

std::uint64_t SplitMix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  double Uniform() { return static_cast<double>(SplitMix(state_) >> 11) * 0x1.0p-53; }
  int Below(int n) { return static_cast<int>(SplitMix(state_) % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

double KmPerDegLon() { return 111.320 * std::cos((kLat0 + kLat1) / 2 * kPi / 180); }
double BoxSideKm() { return std::max((kLat1 - kLat0) * kKmPerDegLat, (kLon1 - kLon0) * KmPerDegLon()); }

// Projects into the unit square, adds a uniform offset within `jitter_km` and clamps to the square.
Point Place(const detail::LatLon& p, double jitter_km, Rng& rng) {
  const double side = BoxSideKm();
  double x = (p.lon - kLon0) * KmPerDegLon();
  double y = (p.lat - kLat0) * kKmPerDegLat;
  double r = jitter_km * std::sqrt(rng.Uniform());
  double a = 2 * kPi * rng.Uniform();
  x += r * std::cos(a);
  y += r * std::sin(a);
  return {std::clamp(x / side, 0.0, 1.0), std::clamp(y / side, 0.0, 1.0)};
}

}  // namespace

double BoxKilometres() { return BoxSideKm(); }

std::uint64_t DeriveSeed(std::uint64_t domain, std::uint64_t seed, std::uint64_t index) {
  std::uint64_t s = domain;
  SplitMix(s);
  s ^= seed * 0xd1b54a32d192ed03ULL;
  std::uint64_t a = SplitMix(s);
  s ^= index * 0x8cb92ba72f3d8dd7ULL;
  return a ^ SplitMix(s);
}

Instance GenerateInstance(int stops, std::uint64_t seed) {
  if (stops < 2 || stops > 400 || stops % 2 != 0)
    throw std::invalid_argument("stops must be even and within 2..400, got " + std::to_string(stops));
  Rng rng(seed);
  Instance out;
  out.pairs = stops / 2;
  out.km_per_unit = BoxSideKm();
  out.points.resize(static_cast<std::size_t>(stops) + 1);
  const int n = out.pairs;
  if (rng.Below(2) == 0)
    out.points[0] = Place(detail::kPickupPoints[rng.Below(detail::kPickupCount)], kPickupJitterKm, rng);
  else
    out.points[0] = Place(detail::kDropPoints[rng.Below(detail::kDropCount)], kDropJitterKm, rng);
  for (int i = 1; i <= n; ++i) {
    out.points[i] = Place(detail::kPickupPoints[rng.Below(detail::kPickupCount)], kPickupJitterKm, rng);
    out.points[i + n] = Place(detail::kDropPoints[rng.Below(detail::kDropCount)], kDropJitterKm, rng);
  }
  return out;
}

double TourLength(const Instance& instance, const std::vector<int>& tour) {
  const auto& p = instance.points;
  auto dist = [&](int a, int b) { return std::hypot(p[a].x - p[b].x, p[a].y - p[b].y); };
  double length = 0;
  int prev = 0;
  for (int node : tour) {
    length += dist(prev, node);
    prev = node;
  }
  return length + dist(prev, 0);
}

bool IsValidTour(const Instance& instance, const std::vector<int>& tour, std::string* why) {
  auto fail = [&](const std::string& reason) {
    if (why) *why = reason;
    return false;
  };
  const int n = instance.pairs;
  if (static_cast<int>(tour.size()) != 2 * n)
    return fail("tour has " + std::to_string(tour.size()) + " stops, expected " + std::to_string(2 * n));
  std::vector<char> seen(instance.points.size(), 0);
  for (std::size_t k = 0; k < tour.size(); ++k) {
    int node = tour[k];
    if (node < 1 || node > 2 * n) return fail("stop " + std::to_string(k) + " is node " + std::to_string(node));
    if (seen[node]) return fail("node " + std::to_string(node) + " visited twice");
    if (node > n && !seen[node - n])
      return fail("delivery " + std::to_string(node) + " before its pickup " + std::to_string(node - n));
    seen[node] = 1;
  }
  return true;
}

}  // namespace okada::brain::policy
