#pragma once
// The simulator's random numbers: xoshiro256** seeded through splitmix64, and our own sampling functions (the
// std::*_distribution classes are implementation-defined, so their output differs between standard libraries).
// Same seed and stream → the same integers everywhere; the continuous draws also use the C library's log and exp,
// which glibc computes the same way on every x86-64 and arm64 machine.

#include <cmath>
#include <cstdint>
#include <vector>

namespace okada::brain::sim {

inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // Independent streams for one seed (e.g. weather, customers, orders of each city).
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t sm = seed ^ (stream * 0xD1342543DE82EF95ull + 0x2545F4914F6CDD1Dull);
    for (auto& w : s_) w = SplitMix64(sm);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  bool Bernoulli(double p) { return Uniform() < p; }
  // [lo, hi], unbiased enough for the ranges used here (n << 2^32).
  int Int(int lo, int hi) {
    const auto n = static_cast<std::uint64_t>(hi - lo + 1);
    return lo + static_cast<int>(((Next() >> 32) * n) >> 32);
  }
  // Standard normal by the Marsaglia polar method.
  double Normal() {
    while (true) {
      const double u = 2 * Uniform() - 1, v = 2 * Uniform() - 1;
      const double s = u * u + v * v;
      if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
    }
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  double LogNormal(double sigma) { return sigma > 0 ? std::exp(sigma * Normal()) : 1.0; }
  // Poisson: Knuth's product method on chunks of mean <= 16 (exact, and cheap for the rates used here).
  int Poisson(double mean) {
    int total = 0;
    while (mean > 0) {
      const double chunk = mean > 16 ? 16 : mean;
      mean -= chunk;
      const double limit = std::exp(-chunk);
      double prod = Uniform();
      while (prod > limit) {
        ++total;
        prod *= Uniform();
      }
    }
    return total;
  }
  // Index drawn with probability proportional to w[i].
  template <typename Weights>
  int Pick(const Weights& w) {
    double total = 0;
    for (double x : w) total += x;
    double x = Uniform() * total;
    int last = -1;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] <= 0) continue;
      last = static_cast<int>(i);
      if (x < w[i]) return last;
      x -= w[i];
    }
    return last;  // rounding at the end (or -1 when every weight is 0)
  }
  // Index i with cumulative[i-1] <= u < cumulative[i] for u uniform over [0, cumulative.back()).
  int PickCumulative(const std::vector<double>& cumulative) {
    const double x = Uniform() * cumulative.back();
    std::size_t lo = 0, hi = cumulative.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (x < cumulative[mid])
        hi = mid;
      else
        lo = mid + 1;
    }
    return static_cast<int>(lo);
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace okada::brain::sim
