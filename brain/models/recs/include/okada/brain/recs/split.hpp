#pragma once
// Offline evaluation protocols: which interactions train the models and which items each user is tested on.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "okada/brain/recs/interactions.hpp"

namespace okada::brain::recs {

enum class Protocol {
  kLeaveLastOut,  // every item of each user's last timestamp is held out; earlier interactions train
  kRandom7525,    // a random 25% of each user's distinct items is held out (all their interactions)
};

// "leave-last-out" / "random-75-25"; throws std::invalid_argument otherwise.
Protocol ParseProtocol(std::string_view text);
const char* ProtocolName(Protocol p);

struct Split {
  std::vector<Interaction> train;                    // sorted like Dataset::rows
  std::vector<std::uint32_t> users;                  // evaluated users, ascending
  std::vector<std::vector<std::uint32_t>> held_out;  // per evaluated user: distinct items, ascending
  std::vector<std::int64_t> request_time;            // per evaluated user: when the recommendation is asked for
                                                     // (leave-last-out: the held-out timestamp; random: after training)
  std::size_t users_skipped = 0;                     // users with too little history to hold anything out
};

// `rows` sorted like Dataset::rows. leave-last-out skips users with a single timestamp (their rows all train);
// random-75-25 holds out max(1, round(25% of n)) of a user's n >= 2 distinct items, chosen by `seed`, and skips
// users with a single item. Deterministic for a seed.
Split MakeSplit(std::span<const Interaction> rows, Protocol protocol, std::uint64_t seed);

// A time-based holdout (the training pipeline): rows before `cutoff` train; every user with rows at or after
// `eval_from` is evaluated on the distinct items of those rows, asked at their first such time. Rows in
// [cutoff, eval_from) do neither (they are data the champion may have seen).
Split TimeSplit(std::span<const Interaction> rows, std::int64_t cutoff, std::int64_t eval_from);

// A small deterministic generator (splitmix64): the same numbers on every machine.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace okada::brain::recs
