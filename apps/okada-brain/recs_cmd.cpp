#include "recs_cmd.hpp"

#include <iostream>
#include <thread>

#include "cli.hpp"
#include "okada/brain/recs/evaluate.hpp"

namespace okada::brain {
namespace {

constexpr const char* kHelp =
    R"(Usage: okada brain eval-recs --interactions FILE.csv --k 10 --protocol leave-last-out|random-75-25
                             [--repeat] [--seed N] [--items FILE.csv] [--threads T]

Measures three recommenders offline on implicit feedback and prints one JSON object on stdout:
  {"protocol", "k", "users", "items",
   "models": {"popularity": {"hr", "ndcg", "precision", "coverage"}, "item_knn": {…}, "hybrid": {…}},
   "repeat", "users_skipped", "hybrid_weights": {component: weight},
   "hybrid_vs_popularity": {"metric": "ndcg", "mean_difference", "ci95": [low, high], "resamples"}}
Progress (validation figures, the blend being learned) goes to stderr.

  --interactions FILE  CSV with a header naming user,item,timestamp[,weight] (any order; common spellings such
                       as userId, movieId, rating, Member_number, Date, itemDescription are understood).
                       timestamp: unix seconds or a date (2015-07-21, 2015-07-21T18:30:00Z, 21-07-2015).
                       Rows with the same user, item and timestamp are merged (weights added); weights <= 0
                       are ignored.
  --k K                list length (default 10)
  --protocol P         leave-last-out: every item of each user's last timestamp is held out (users with a
                       single timestamp are skipped); random-75-25: a random 25% of each user's distinct items
  --repeat             candidates are all items (repeat-purchase domains such as groceries); by default, only
                       items the user has not interacted with in training
  --seed N             seed of the random split, the validation split and the models (default 1)
  --items FILE         item content for the hybrid: CSV with item,category,name_fr,name_en,price_xaf (as
                       `okada sim export` writes items.csv); without it, item names that are words are used
  --threads T          worker threads (default: the machine's cores); results do not depend on it

Models: popularity (training events per item); item_knn (item-to-item cosine, 200 neighbours, shrinkage 10);
hybrid: popularity, item_knn, implicit ALS matrix factorisation, content (names, category, price band) and, with
--repeat, the user's own purchase history, each standardised per user and blended with weights learned by
coordinate ascent on a validation split cut from the training part with the same protocol. The held-out items
never influence any choice. NDCG uses binary gains, normalised by the ideal over min(K, held-out items);
coverage is the share of items recommended to at least one user.

Exit status: 0 printed, 1 unreadable or invalid input, 2 usage error.
)";

}  // namespace

int EvalRecsCommand(int argc, char** argv) {
  const std::string command = "eval-recs";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 2, {"--interactions", "--k", "--protocol", "--seed", "--items", "--threads"},
                  {"--repeat"}, a))
    return 2;
  if (a.help) {
    std::cout << kHelp;
    return 0;
  }
  if (a.Get("--interactions").empty()) return cli::Usage(command, "--interactions is required");
  if (!a.Has("--protocol")) return cli::Usage(command, "--protocol is required (leave-last-out or random-75-25)");
  recs::EvalOptions o;
  try {
    o.protocol = recs::ParseProtocol(a.Get("--protocol"));
  } catch (const std::exception& e) {
    return cli::Usage(command, e.what());
  }
  long long k = 10, seed = 1, threads = std::max(1u, std::thread::hardware_concurrency());
  if (!cli::Int(a.values, command, "--k", 1, 1000, k) || !cli::Int(a.values, command, "--seed", 0, (1LL << 62), seed) ||
      !cli::Int(a.values, command, "--threads", 1, 256, threads))
    return 2;
  o.k = static_cast<int>(k);
  o.seed = static_cast<std::uint64_t>(seed);
  o.threads = static_cast<int>(threads);
  o.repeat = a.Flag("--repeat");
  o.progress = &std::cerr;
  try {
    const recs::Dataset data = recs::LoadInteractionsCsv(a.Get("--interactions"));
    if (data.rows.empty()) throw std::runtime_error(a.Get("--interactions") + ": no interactions");
    if (data.rows_ignored > 0)
      std::cerr << "okada brain eval-recs: ignored " << data.rows_ignored << " rows with a weight <= 0\n";
    o.content =
        a.Has("--items") ? recs::LoadItemContent(a.Get("--items"), data.items) : recs::ContentFromNames(data.items);
    const recs::EvalReport report = recs::EvalRecs(data, o);
    if (report.users == 0)
      throw std::runtime_error("no user has enough history for " + a.Get("--protocol") +
                               " (every user has a single timestamp or a single item)");
    std::cout << recs::ReportJson(report) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain eval-recs: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace okada::brain
