// okada-brain: the AI Brain's offline binary. `okada brain ARGS` forwards ARGS here.
// Commands: route, route-check, eta, policy, eval-recs, forecast, train|evaluate|promote|list (see kMainHelp).

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "eta_cmd.hpp"
#include "forecast_cmd.hpp"
#include "okada/brain/routing/checker.hpp"
#include "okada/brain/routing/problem.hpp"
#include "okada/brain/routing/solution.hpp"
#include "okada/brain/routing/solver.hpp"
#include "pipeline_cmd.hpp"
#include "policy_cmd.hpp"
#include "recs_cmd.hpp"

namespace {

namespace routing = okada::brain::routing;

constexpr const char* kMainHelp = R"(Usage: okada brain <command> [options]   (or: okada-brain <command> [options])

Commands:
  route        solve a pickup-and-delivery (Li & Lim) or VRPTW (Solomon) instance; prints a JSON solution
  route-check  validate a JSON solution against an instance, naming the first violated constraint
  eta          ETA (travel-time) model: eta trips|train|evaluate (synthetic trips, XGBoost training, errors)
  policy       train (LibTorch) or evaluate the learned routing policy: policy train|eval
  eval-recs    measure the recommenders (popularity, item-kNN, hybrid) offline on an interactions CSV
  forecast     forecast series in the M4 layout (seasonal naive, ETS, Theta, auto); M4 sMAPE/MASE with --test
  train        train a model, evaluate it against the champion, register it, promote it if better
               (recs; forecast: marketplace demand per store × product and per zone)
  evaluate     evaluate a registered version against the champion on fresh data
  promote      make a registered version the champion (only if it beats the champion)
  list         the model registry: versions, aliases, metrics, data windows, artifacts

Run 'okada brain <command> --help' for a command's options.
)";

constexpr const char* kRouteHelp =
    R"(Usage: okada brain route --instance FILE --format lilim|solomon --time-limit SECONDS
                         [--seed N] [--iterations N]

Solves the instance with adaptive large neighbourhood search under the literature's hierarchical objective
(fewest vehicles, then total distance) and prints one JSON object on stdout:
  {"instance": NAME, "feasible": BOOL, "vehicles": N, "distance": X, "seconds": S,
   "routes": [[task ids in visiting order, depot excluded], ...]}
Progress lines (best vehicles/distance as it improves) go to stderr.

  --instance FILE      instance file
  --format F           lilim (Li & Lim PDPTW) or solomon (Solomon VRPTW)
  --time-limit S       stop after S seconds (> 0); the best solution so far is printed
  --seed N             random seed (default 1)
  --iterations N       also stop after N iterations (default: no iteration limit); a run that ends on
                       iterations, with a time limit it never comes near, is reproducible for a given seed

Exit status: 0 solution printed, 1 instance unreadable or invalid, 2 usage error.
)";

constexpr const char* kCheckHelp =
    R"(Usage: okada brain route-check --instance FILE --format lilim|solomon --solution FILE.json

Validates a solution (as printed by 'okada brain route') independently of the solver: every task served
once (unknown, repeated, missing task), pickup and delivery on the same route (pairing), pickup first
(precedence), capacity, time windows (including the return to the depot), fleet size, and the file's
"vehicles"/"distance"/"feasible" claims. Prints 'valid: ...' or 'invalid: <constraint>: <details>'.

Exit status: 0 valid, 1 invalid (or unreadable input), 2 usage error.
)";

struct Options {
  std::string instance;
  std::string format;
  std::string solution;
  std::string time_limit;
  std::string seed = "1";
  std::string iterations;
  bool help = false;
};

using okada::brain::cli::Usage;

// Parses `--name value` and `--name=value`; returns false (after printing) on an unknown or valueless option.
bool ParseOptions(const std::string& command, int argc, char** argv, const std::vector<std::string>& allowed,
                  Options& out) {
  okada::brain::cli::Args a;
  if (!okada::brain::cli::Parse(command, argc, argv, 2, allowed, {}, a)) return false;
  out.help = a.help;
  out.instance = a.Get("--instance", out.instance);
  out.format = a.Get("--format", out.format);
  out.solution = a.Get("--solution", out.solution);
  out.time_limit = a.Get("--time-limit", out.time_limit);
  out.seed = a.Get("--seed", out.seed);
  out.iterations = a.Get("--iterations", out.iterations);
  return true;
}

bool ParseNumber(const std::string& text, double& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && errno == 0;
}

bool ParseUnsigned(const std::string& text, unsigned long long& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text.c_str(), &end, 10);
  return errno == 0;
}

int Route(int argc, char** argv) {
  Options o;
  if (!ParseOptions("route", argc, argv, {"--instance", "--format", "--time-limit", "--seed", "--iterations"}, o))
    return 2;
  if (o.help) {
    std::cout << kRouteHelp;
    return 0;
  }
  if (o.instance.empty()) return Usage("route", "--instance is required");
  if (o.format.empty()) return Usage("route", "--format is required (lilim or solomon)");
  if (o.time_limit.empty()) return Usage("route", "--time-limit is required");
  routing::SolverOptions options;
  double seconds = 0;
  if (!ParseNumber(o.time_limit, seconds) || !(seconds > 0) || seconds > 1e6)
    return Usage("route", "--time-limit must be a number of seconds > 0, got '" + o.time_limit + "'");
  options.time_limit_seconds = seconds;
  unsigned long long seed = 0;
  if (!ParseUnsigned(o.seed, seed))
    return Usage("route", "--seed must be a non-negative integer, got '" + o.seed + "'");
  options.seed = seed;
  if (!o.iterations.empty()) {
    unsigned long long iterations = 0;
    if (!ParseUnsigned(o.iterations, iterations) || iterations == 0 || iterations > (1ULL << 60))
      return Usage("route", "--iterations must be a positive integer, got '" + o.iterations + "'");
    options.max_iterations = static_cast<std::int64_t>(iterations);
  }
  routing::Format format;
  try {
    format = routing::ParseFormat(o.format);
  } catch (const std::exception& e) {
    return Usage("route", e.what());
  }
  try {
    routing::Problem problem = routing::LoadProblem(o.instance, format);
    auto result = routing::Solve(problem, options, [](const routing::Progress& p) {
      std::fprintf(stderr, "[%8.2fs] iteration %lld: vehicles %d distance %.2f%s\n", p.seconds,
                   static_cast<long long>(p.iteration), p.vehicles, p.distance,
                   p.unassigned ? (" unassigned " + std::to_string(p.unassigned)).c_str() : "");
    });
    routing::SolutionFile out;
    out.instance = problem.Name();
    out.feasible = result.feasible;
    out.vehicles = result.vehicles;
    out.distance = result.distance;
    out.seconds = result.seconds;
    out.routes = result.routes;
    std::cout << routing::WriteSolutionJson(out) << "\n";
    std::fprintf(stderr, "done: %lld iterations in %.2fs, vehicles %d distance %.2f%s\n",
                 static_cast<long long>(result.iterations), result.seconds, result.vehicles, result.distance,
                 result.feasible ? "" : " (INFEASIBLE: not every task could be served)");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain route: " << e.what() << "\n";
    return 1;
  }
}

int RouteCheck(int argc, char** argv) {
  Options o;
  if (!ParseOptions("route-check", argc, argv, {"--instance", "--format", "--solution"}, o)) return 2;
  if (o.help) {
    std::cout << kCheckHelp;
    return 0;
  }
  if (o.instance.empty()) return Usage("route-check", "--instance is required");
  if (o.format.empty()) return Usage("route-check", "--format is required (lilim or solomon)");
  if (o.solution.empty()) return Usage("route-check", "--solution is required");
  routing::Format format;
  try {
    format = routing::ParseFormat(o.format);
  } catch (const std::exception& e) {
    return Usage("route-check", e.what());
  }
  try {
    routing::Problem problem = routing::LoadProblem(o.instance, format);
    std::ifstream in(o.solution, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read solution " + o.solution);
    std::stringstream buffer;
    buffer << in.rdbuf();
    routing::SolutionFile solution = routing::ReadSolutionJson(buffer.str());
    if (!solution.instance.empty() && solution.instance != problem.Name())
      std::cerr << "okada brain route-check: warning: solution is for '" << solution.instance << "', instance is '"
                << problem.Name() << "'\n";
    routing::CheckResult r = routing::CheckSolution(problem, solution);
    if (!r.Valid()) {
      std::cout << "invalid: " << r.message << "\n";
      return 1;
    }
    std::printf("valid: %s vehicles %d distance %.4f\n", problem.Name().c_str(), r.vehicles, r.distance);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain route-check: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kMainHelp;
    return 2;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kMainHelp;
    return 0;
  }
  if (command == "route") return Route(argc, argv);
  if (command == "route-check") return RouteCheck(argc, argv);
  if (command == "eta") return okada::brain::eta_cmd::EtaCommand(argc, argv);
  if (command == "policy") return okada::brain::PolicyCommand(argc, argv);
  if (command == "eval-recs") return okada::brain::EvalRecsCommand(argc, argv);
  if (command == "forecast") return okada::brain::RunForecastCommand(argc, argv);
  if (command == "train" || command == "evaluate" || command == "promote" || command == "list")
    return okada::brain::PipelineCommand(argc, argv);
  std::cerr << "okada brain: unknown command '" << command << "'\n\n" << kMainHelp;
  return 2;
}
