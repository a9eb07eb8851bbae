// `okada brain policy train` (LibTorch, REINFORCE) and `okada brain policy eval` (plain C++ inference through
// okada_policy against the ALNS of okada_routing). See brain/models/policy/README.md.

#include "policy_cmd.hpp"

#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "okada/brain/policy/instance.hpp"
#include "okada/brain/policy/policy.hpp"
#include "okada/brain/policy/train/train.hpp"
#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solver.hpp"

namespace okada::brain {
namespace {

namespace pol = okada::brain::policy;
namespace routing = okada::brain::routing;

constexpr const char* kPolicyHelp = R"(Usage: okada brain policy train|eval [options]

  train   train the routing policy (REINFORCE, greedy-rollout baseline, LibTorch); see 'policy train --help'
  eval    compare exported weights (plain C++ inference) with the ALNS on held-out instances
)";

constexpr const char* kTrainHelp =
    R"(Usage: okada brain policy train --stops N --epochs E --batches-per-epoch B --batch-size S --out DIR
                                [--seed N] [--threads T] [--resume CHECKPOINT] [--lr X] [--max-minutes M]
                                [--embed D] [--heads H] [--ff F] [--layers L] [--validation N]

Trains the attention policy on simulated Douala pickup-and-delivery instances of N stops (N/2 orders, one
rider, closed tour) with REINFORCE and a greedy-rollout baseline. Prints a line every 20 batches and one per
epoch (mean sampled cost, mean baseline cost, validation greedy cost, seconds; costs in unit-square lengths,
the box side is 15.5 km). Writes DIR/checkpoint-epochNNN.pt per epoch, DIR/policy-best.bin (best validation)
and DIR/policy-final.bin (OKPOLICY format, read by okada_policy), and DIR/train.log.

  --stops N            stops per instance (even; default 20)
  --epochs E           epochs (default 10); --batches-per-epoch B (default 100); --batch-size S (default 256)
  --out DIR            output directory (created)
  --seed N             seed of instances and initialisation (default 1)
  --threads T          LibTorch threads (default 1)
  --resume FILE        continue from a checkpoint (its architecture is used)
  --lr X               Adam learning rate (default 0.0001)
  --max-minutes M      end the current epoch and stop after M minutes (default: no limit)
  --embed D --heads H --ff F --layers L   architecture (default 64, 4, 256, 3)
  --validation N       validation instances (default 1000; also the baseline test-set size)

Exit status: 0 trained, 1 failure, 2 usage error.
)";

constexpr const char* kEvalHelp =
    R"(Usage: okada brain policy eval --weights FILE --stops N --instances K --seed S [--alns-seconds X]
                               [--augment A] [--json]

Draws K held-out instances (evaluation seed stream, distinct from training's), decodes each with the policy
in plain C++ (okada_policy, no LibTorch): greedy, and the best greedy tour over A symmetric copies (default
8), and solves each with the ALNS (one vehicle, depot = rider start, distance objective) for X seconds
(default 1) from scratch and from the policy's tour, and for 1, 10 and 100 iterations both ways (does the
policy's start help a short search?). Prints a table (or one JSON object with --json): mean costs, gap of the
policy to the ALNS (mean, median, p90), times.

Exit status: 0 done, 1 failure, 2 usage error.
)";

int Usage(const std::string& command, const std::string& message) { return cli::Usage("policy " + command, message); }

// Parses `--name value` / `--name=value` from argv[3..]; flags (no value) listed in `flags` are stored as "1".
bool Parse(const std::string& command, int argc, char** argv, const std::vector<std::string>& allowed,
           const std::vector<std::string>& flags, std::map<std::string, std::string>& out, bool& help) {
  cli::Args a;
  if (!cli::Parse("policy " + command, argc, argv, 3, allowed, flags, a)) return false;
  out = a.values;
  for (const std::string& f : a.flags) out[f] = "1";
  help = a.help;
  return true;
}

bool Int(const std::map<std::string, std::string>& o, const std::string& name, long long lo, long long hi, long long& v,
         const std::string& command, int& status) {
  if (cli::Int(o, "policy " + command, name, lo, hi, v)) return true;
  status = 2;
  return false;
}

bool Real(const std::map<std::string, std::string>& o, const std::string& name, double lo, double hi, double& v,
          const std::string& command, int& status) {
  if (cli::Real(o, "policy " + command, name, lo, hi, v)) return true;
  status = 2;
  return false;
}

int Train(int argc, char** argv) {
  std::map<std::string, std::string> o;
  bool help = false;
  if (!Parse("train", argc, argv,
             {"--stops", "--epochs", "--batches-per-epoch", "--batch-size", "--out", "--seed", "--threads", "--resume",
              "--lr", "--max-minutes", "--embed", "--heads", "--ff", "--layers", "--validation"},
             {}, o, help))
    return 2;
  if (help) {
    std::cout << kTrainHelp;
    return 0;
  }
  pol::train::TrainOptions t;
  if (!o.count("--out")) return Usage("train", "--out is required");
  t.out_dir = o["--out"];
  if (o.count("--resume")) t.resume = o["--resume"];
  long long stops = 20, epochs = 10, bpe = 100, bs = 256, seed = 1, threads = 1, embed = 64, heads = 4, ff = 256,
            layers = 3, validation = 1000;
  int status = 0;
  if (!Int(o, "--stops", 2, 400, stops, "train", status) || !Int(o, "--epochs", 1, 100000, epochs, "train", status) ||
      !Int(o, "--batches-per-epoch", 1, 10000000, bpe, "train", status) ||
      !Int(o, "--batch-size", 2, 100000, bs, "train", status) ||
      !Int(o, "--seed", 0, (1LL << 62), seed, "train", status) ||
      !Int(o, "--threads", 1, 256, threads, "train", status) || !Int(o, "--embed", 8, 1024, embed, "train", status) ||
      !Int(o, "--heads", 1, 64, heads, "train", status) || !Int(o, "--ff", 1, 8192, ff, "train", status) ||
      !Int(o, "--layers", 1, 16, layers, "train", status) ||
      !Int(o, "--validation", 2, 1000000, validation, "train", status) ||
      !Real(o, "--lr", 1e-8, 1.0, t.learning_rate, "train", status) ||
      !Real(o, "--max-minutes", 0.0, 1e6, t.max_minutes, "train", status))
    return status;
  if (stops % 2 != 0) return Usage("train", "--stops must be even (pickup/delivery pairs)");
  if (embed % heads != 0) return Usage("train", "--embed must be divisible by --heads");
  t.stops = static_cast<int>(stops);
  t.epochs = static_cast<int>(epochs);
  t.batches_per_epoch = static_cast<int>(bpe);
  t.batch_size = static_cast<int>(bs);
  t.seed = static_cast<std::uint64_t>(seed);
  t.threads = static_cast<int>(threads);
  t.config = {static_cast<int>(embed), static_cast<int>(heads), static_cast<int>(ff), static_cast<int>(layers)};
  t.validation_size = t.baseline_test_size = static_cast<int>(validation);
  try {
    pol::train::Train(t, std::cerr);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain policy train: " << e.what() << "\n";
    return 1;
  }
}

// The ALNS's view of an instance: one vehicle, the rider's start as depot, loose windows, no capacity limit.
routing::Problem ToProblem(const pol::Instance& inst) {
  std::vector<routing::Node> nodes(inst.points.size());
  const int n = inst.pairs;
  for (int i = 0; i < inst.Size(); ++i) {
    routing::Node& node = nodes[static_cast<std::size_t>(i)];
    node.id = i;
    node.x = inst.points[static_cast<std::size_t>(i)].x;
    node.y = inst.points[static_cast<std::size_t>(i)].y;
    node.earliest = 0;
    node.latest = 1e9;
    node.service = 0;
    if (i >= 1 && i <= n) {
      node.demand = 1;
      node.delivery = i + n;
    } else if (i > n) {
      node.demand = -1;
      node.pickup = i - n;
    }
  }
  return routing::Problem("douala-pdp", 1, n, std::move(nodes));
}

struct Stats {
  double mean = 0, median = 0, p90 = 0;
};

Stats Summarise(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    double pos = p * static_cast<double>(v.size() - 1);
    std::size_t lo = static_cast<std::size_t>(pos);
    std::size_t hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
  };
  s.median = q(0.5);
  s.p90 = q(0.9);
  return s;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int Eval(int argc, char** argv) {
  std::map<std::string, std::string> o;
  bool help = false;
  if (!Parse("eval", argc, argv, {"--weights", "--stops", "--instances", "--seed", "--alns-seconds", "--augment"},
             {"--json"}, o, help))
    return 2;
  if (help) {
    std::cout << kEvalHelp;
    return 0;
  }
  if (!o.count("--weights")) return Usage("eval", "--weights is required");
  long long stops = 20, count = 100, seed = 1, augment = 8;
  double alns_seconds = 1.0;
  const std::vector<int> kShort = {1, 10, 100};  // iteration budgets of the short runs
  int status = 0;
  if (!Int(o, "--stops", 2, 400, stops, "eval", status) || !Int(o, "--instances", 1, 100000, count, "eval", status) ||
      !Int(o, "--seed", 0, (1LL << 62), seed, "eval", status) || !Int(o, "--augment", 1, 8, augment, "eval", status) ||
      !Real(o, "--alns-seconds", 0.001, 3600, alns_seconds, "eval", status))
    return status;
  if (stops % 2 != 0) return Usage("eval", "--stops must be even (pickup/delivery pairs)");
  const bool json = o.count("--json") > 0;
  try {
    pol::Policy policy = pol::Policy::Load(o["--weights"]);
    std::vector<double> greedy_cost, aug_cost, alns_cost, seeded_cost, gap_greedy, gap_aug, greedy_ms, aug_ms, alns_s,
        seeded_s;
    std::vector<std::vector<double>> short_cost(kShort.size()), short_seeded_cost(kShort.size());
    for (long long i = 0; i < count; ++i) {
      pol::Instance inst = pol::GenerateInstance(
          static_cast<int>(stops),
          pol::DeriveSeed(pol::kEvalDomain, static_cast<std::uint64_t>(seed), static_cast<std::uint64_t>(i)));
      auto t0 = std::chrono::steady_clock::now();
      std::vector<int> greedy = policy.Tour(inst);
      greedy_ms.push_back(1000 * Since(t0));
      t0 = std::chrono::steady_clock::now();
      std::vector<int> best = policy.BestTour(inst, static_cast<int>(augment));
      aug_ms.push_back(1000 * Since(t0));
      std::string why;
      if (!pol::IsValidTour(inst, greedy, &why) || !pol::IsValidTour(inst, best, &why))
        throw std::runtime_error("the policy produced an invalid tour on instance " + std::to_string(i) + ": " + why);
      routing::Problem problem = ToProblem(inst);
      auto solve = [&](double seconds, const std::vector<int>* start, double* elapsed, int iterations = 0) {
        routing::SolverOptions options;
        options.seed = static_cast<std::uint64_t>(i) + 1;
        options.time_limit_seconds = seconds;
        options.max_iterations = iterations;
        options.fleet_share = 0;  // one vehicle: nothing to minimise
        if (start) options.initial_routes = {*start};
        auto t = std::chrono::steady_clock::now();
        routing::SolveResult r = routing::Solve(problem, options);
        if (elapsed) *elapsed = Since(t);
        if (!r.feasible || r.routes.size() != 1)
          throw std::runtime_error("the ALNS left instance " + std::to_string(i) + " unsolved");
        return pol::TourLength(inst, r.routes[0]);
      };
      double s1 = 0, s2 = 0;
      double g = pol::TourLength(inst, greedy), a = pol::TourLength(inst, best);
      double alns = solve(alns_seconds, nullptr, &s1);
      double seeded = solve(alns_seconds, &best, &s2);
      greedy_cost.push_back(g);
      aug_cost.push_back(a);
      alns_cost.push_back(alns);
      seeded_cost.push_back(seeded);
      alns_s.push_back(s1);
      seeded_s.push_back(s2);
      for (std::size_t k = 0; k < kShort.size(); ++k) {
        short_cost[k].push_back(solve(0, nullptr, nullptr, kShort[k]));
        short_seeded_cost[k].push_back(solve(0, &best, nullptr, kShort[k]));
      }
      gap_greedy.push_back(100 * (g / alns - 1));
      gap_aug.push_back(100 * (a / alns - 1));
      if (!json && (i + 1) % 10 == 0)
        std::fprintf(stderr, "  %lld/%lld instances: greedy gap so far %.2f%%\n", i + 1, count,
                     Summarise(gap_greedy).mean);
    }
    const double km = pol::BoxKilometres();
    auto mean = [](const std::vector<double>& v) { return Summarise(v).mean; };
    Stats gg = Summarise(gap_greedy), ga = Summarise(gap_aug);
    if (json) {
      std::printf(
          "{\"stops\": %lld, \"instances\": %lld, \"seed\": %lld, \"alns_seconds\": %.3f, \"km_per_unit\": %.4f,\n"
          " \"policy_greedy\": {\"mean_cost\": %.5f, \"gap_mean_pct\": %.2f, \"gap_median_pct\": %.2f, "
          "\"gap_p90_pct\": %.2f, \"ms_per_instance\": %.3f},\n"
          " \"policy_augmented\": {\"copies\": %lld, \"mean_cost\": %.5f, \"gap_mean_pct\": %.2f, "
          "\"gap_median_pct\": %.2f, \"gap_p90_pct\": %.2f, \"ms_per_instance\": %.3f},\n"
          " \"alns\": {\"mean_cost\": %.5f, \"seconds_per_instance\": %.3f},\n"
          " \"alns_from_policy\": {\"mean_cost\": %.5f, \"seconds_per_instance\": %.3f},\n"
          " \"short_runs\": [",
          stops, count, seed, alns_seconds, km, mean(greedy_cost), gg.mean, gg.median, gg.p90, mean(greedy_ms), augment,
          mean(aug_cost), ga.mean, ga.median, ga.p90, mean(aug_ms), mean(alns_cost), mean(alns_s), mean(seeded_cost),
          mean(seeded_s));
      for (std::size_t k = 0; k < kShort.size(); ++k)
        std::printf("%s{\"iterations\": %d, \"alns_mean_cost\": %.5f, \"alns_from_policy_mean_cost\": %.5f}",
                    k ? ", " : "", kShort[k], mean(short_cost[k]), mean(short_seeded_cost[k]));
      std::printf("]}\n");
    } else {
      std::printf(
          "%lld held-out instances of %lld stops (seed %lld); costs: mean closed-tour length, unit square "
          "(x %.2f km)\n",
          count, stops, seed, km);
      std::printf("%-34s %10s %8s %10s %8s %8s %12s\n", "method", "mean cost", "km", "gap mean", "median", "p90",
                  "time/inst");
      std::printf("%-34s %10.4f %8.2f %9.2f%% %7.2f%% %7.2f%% %9.3f ms\n", "policy greedy (plain C++)",
                  mean(greedy_cost), km * mean(greedy_cost), gg.mean, gg.median, gg.p90, mean(greedy_ms));
      std::string aug_name = "policy best of " + std::to_string(augment) + " symmetric copies";
      std::printf("%-34s %10.4f %8.2f %9.2f%% %7.2f%% %7.2f%% %9.3f ms\n", aug_name.c_str(), mean(aug_cost),
                  km * mean(aug_cost), ga.mean, ga.median, ga.p90, mean(aug_ms));
      std::printf("%-34s %10.4f %8.2f %10s %8s %8s %10.3f s\n",
                  ("ALNS " + std::to_string(alns_seconds).substr(0, 4) + " s").c_str(), mean(alns_cost),
                  km * mean(alns_cost), "(ref)", "", "", mean(alns_s));
      std::printf("%-34s %10.4f %8.2f %9.2f%% %8s %8s %10.3f s\n", "ALNS from the policy's tour", mean(seeded_cost),
                  km * mean(seeded_cost), 100 * (mean(seeded_cost) / mean(alns_cost) - 1), "", "", mean(seeded_s));
      for (std::size_t k = 0; k < kShort.size(); ++k) {
        std::string it = std::to_string(kShort[k]) + (kShort[k] == 1 ? " iteration" : " iterations");
        std::printf("%-34s %10.4f %8.2f %9.2f%%\n", ("ALNS " + it).c_str(), mean(short_cost[k]),
                    km * mean(short_cost[k]), 100 * (mean(short_cost[k]) / mean(alns_cost) - 1));
        std::printf("%-34s %10.4f %8.2f %9.2f%%\n", ("ALNS " + it + " from the policy").c_str(),
                    mean(short_seeded_cost[k]), km * mean(short_seeded_cost[k]),
                    100 * (mean(short_seeded_cost[k]) / mean(alns_cost) - 1));
      }
      std::printf("(gaps: per-instance cost / ALNS cost - 1; ALNS rows: ratio of mean costs - 1)\n");
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain policy eval: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int PolicyCommand(int argc, char** argv) {
  std::string sub = argc >= 3 ? argv[2] : "";
  if (sub == "train") return Train(argc, argv);
  if (sub == "eval") return Eval(argc, argv);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kPolicyHelp;
    return 0;
  }
  std::cerr << (sub.empty() ? std::string("okada brain policy: a subcommand is required\n\n")
                            : "okada brain policy: unknown subcommand '" + sub + "'\n\n")
            << kPolicyHelp;
  return 2;
}

}  // namespace okada::brain
