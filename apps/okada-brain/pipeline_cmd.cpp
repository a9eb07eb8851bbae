// okada brain train|evaluate|promote|list: extract → features → train → evaluate on a time-based holdout against
// the champion → register → promote only if better (brain/registry, ADR 0020), with a report per run.
#include "pipeline_cmd.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "forecast_train_cmd.hpp"
#include "okada/brain/recs/evaluate.hpp"
#include "okada/brain/recs/recs_model.hpp"
#include "okada/brain/registry/registry.hpp"
#include "pipeline_common.hpp"

namespace okada::brain {
namespace {

namespace fs = std::filesystem;
namespace reg = okada::brain::registry;

constexpr const char* kTrainHelp =
    R"(Usage: okada brain train forecast --data DIR …   (see okada brain train forecast --help)
       okada brain train recs --interactions FILE.csv [--items FILE.csv] [--holdout-days D] [--k K]
                              [--repeat] [--mode full|incremental] [--window-days N] [--promote auto|never]
                              [--registry DIR] [--seed N] [--threads T]

Trains the hybrid recommender and takes it through the registry:
  extract   read the interactions (as `okada sim export` or the platform's export writes them) and hash them
  features  per customer histories, item popularity and trends, item neighbours, content (names, category,
            price band) — all from the rows before the holdout
  train     the hybrid's blend and ALS settings are learned on a validation split cut from the training rows
  evaluate  on the last D days (the time-based holdout) against the champion, on the same customers and days;
            if the champion was trained on part of those days, only the days after its training window count
  register  the model file, its sha256, the metrics, the data window and hash, the run id; alias 'challenger'
  promote   only if it beats the champion on the primary metric (ndcg@K); --promote never leaves it challenger
A report (metrics table and SVG charts) is written to <registry>/runs/<run id>/report.html, and one JSON object
summarising the run to stdout. Progress goes to stderr.

  --interactions FILE  user,item,timestamp[,weight] CSV (see okada brain eval-recs --help)
  --items FILE         item content CSV (item,category,name_fr,name_en,price_xaf)
  --holdout-days D     days at the end held out for evaluation (default 14)
  --k K                list length for the metrics (default 10)
  --repeat             candidates include items the customer already bought (groceries); default on for
                       marketplace data is to pass it explicitly
  --mode M             full (default: every row before the holdout) or incremental (only the last
                       --window-days, default 90: the daily run)
  --promote P          auto (default) or never
  --registry DIR       the registry (default: $OKADA_BRAIN_REGISTRY, else $OKADA_STATE_DIR/brain/registry)
  --seed N, --threads T

Schedule: weekly `okada brain train recs --mode full …`, daily `… --mode incremental`; see brain/README.md.
Exit status: 0 run finished (promoted or not), 1 input or registry error, 2 usage error.
)";

constexpr const char* kEvaluateHelp =
    R"(Usage: okada brain evaluate recs --version V --interactions FILE.csv [--items FILE.csv] [--holdout-days D]
                                 [--k K] [--repeat] [--registry DIR] [--threads T]

Evaluates a registered version and the current champion on the same time-based holdout and records the result
in the version's registry record (so 'okada brain promote' can decide on fresh figures). Prints one JSON object.
)";

constexpr const char* kPromoteHelp =
    R"(Usage: okada brain promote MODEL --version V [--force --reason TEXT] [--registry DIR]

Makes version V the champion if it beats the current champion on its primary metric on the same holdout (as
recorded by 'train' or 'evaluate'). Refuses otherwise and says why. --force (with a --reason, recorded) overrides
the rule, for a rollback. The previous champion becomes the alias 'previous'.
Exit status: 0 promoted, 3 refused, 1 registry error, 2 usage error.
)";

constexpr const char* kListHelp =
    R"(Usage: okada brain list [MODEL] [--json] [--registry DIR]

Lists the registry's models and versions with their aliases, metrics, data windows and artifact hashes.
)";

reg::Metrics AsMetrics(const recs::Metrics& m, int k) {
  const std::string at = "@" + std::to_string(k);
  return {{"ndcg" + at, m.ndcg}, {"hr" + at, m.hr}, {"precision" + at, m.precision}, {"coverage" + at, m.coverage}};
}

struct Evaluation {
  recs::Ranked challenger, popularity;
  std::optional<recs::Ranked> champion;
  std::optional<reg::ModelVersion> champion_version;
  std::size_t users = 0;
  std::int64_t eval_from = 0;
};

struct Prepared {
  recs::Dataset data;
  std::string data_hash;
  std::int64_t first = 0, last = 0, cutoff = 0, eval_from = 0;
  recs::Split split;                   // histories: every row before the cutoff
  recs::TrainData train;               // the customers' histories as serving would see them
  std::vector<recs::Interaction> fit;  // what the model is fitted on (the window in incremental mode)
  recs::TrainData fit_data;
  std::int64_t fit_first = 0;
};

// Reads the data and cuts the holdout; eval_from moves past the champion's training window if they overlap.
Prepared Prepare(const std::string& path, int holdout_days, const std::optional<reg::ModelVersion>& champion,
                 std::int64_t window_days) {
  Prepared p;
  Say("extract: reading " + path);
  p.data = recs::LoadInteractionsCsv(path);
  if (p.data.rows.empty()) throw std::runtime_error(path + ": no interactions");
  p.data_hash = reg::Sha256File(path);
  p.first = p.data.rows.front().time;
  p.last = p.data.rows.front().time;
  for (const auto& r : p.data.rows) {
    p.first = std::min(p.first, r.time);
    p.last = std::max(p.last, r.time);
  }
  p.cutoff = p.last - static_cast<std::int64_t>(holdout_days) * 86400 + 1;
  p.eval_from = p.cutoff;
  if (champion && !champion->data_to.empty()) {
    std::tm tm{};
    if (strptime(champion->data_to.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
      const std::int64_t champion_end = timegm(&tm);
      if (champion_end > p.eval_from) {
        p.eval_from = champion_end;
        Say("evaluate: the champion v" + std::to_string(champion->version) + " was trained up to " + champion->data_to +
            "; only later days are evaluated");
      }
    }
  }
  if (p.eval_from > p.last)
    throw std::runtime_error("no data after the champion's training window (" + champion->data_to +
                             "): nothing to compare on; wait for new data");
  p.split = recs::TimeSplit(p.data.rows, p.cutoff, p.eval_from);
  if (p.split.train.empty()) throw std::runtime_error("no interactions before the holdout; lower --holdout-days");
  if (p.split.users.empty()) throw std::runtime_error("no customer bought anything in the holdout");
  p.train = recs::BuildTrainData(p.split.train, p.data.users.size(), p.data.items.size());
  p.fit = p.split.train;
  if (window_days > 0) {
    const std::int64_t start = p.cutoff - window_days * 86400;
    std::erase_if(p.fit, [&](const recs::Interaction& r) { return r.time < start; });
    if (p.fit.empty()) throw std::runtime_error("no interactions in the last --window-days before the holdout");
  }
  p.fit_data = recs::BuildTrainData(p.fit, p.data.users.size(), p.data.items.size());
  p.fit_first = p.cutoff;
  for (const recs::Interaction& r : p.fit) p.fit_first = std::min(p.fit_first, r.time);
  Say("features: " + std::to_string(p.fit.size()) + " training interactions from " + Rfc3339(p.fit_first) + " to " +
      Rfc3339(p.cutoff - 1) + "; holdout from " + Rfc3339(p.eval_from) + ": " + std::to_string(p.split.users.size()) +
      " customers");
  return p;
}

std::optional<recs::Ranked> EvaluateChampion(const reg::Registry& r, const std::optional<reg::ModelVersion>& champion,
                                             const Prepared& p, int k, bool repeat, int threads) {
  if (!champion) return std::nullopt;
  if (!r.Verify(*champion))
    throw std::runtime_error("the champion v" + std::to_string(champion->version) + "'s artifact fails its sha256");
  const recs::RecsModel m = recs::LoadRecsModel(r.ArtifactPath(*champion).string());
  const auto scorer = recs::ForCatalogue(m, p.data.items);
  return recs::Evaluate(*scorer, p.train, p.split, k, repeat, threads);
}

std::string MetricsRow(const std::string& name, const recs::Metrics& m) {
  return "<tr><th>" + Html(name) + "</th><td>" + Fixed(m.ndcg) + "</td><td>" + Fixed(m.hr) + "</td><td>" +
         Fixed(m.precision) + "</td><td>" + Fixed(m.coverage) + "</td></tr>";
}

int Train(int argc, char** argv) {
  if (argc > 2 && std::string(argv[2]) == "forecast") return TrainForecastCommand(argc, argv);
  const std::string command = "train";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 3,
                  {"--interactions", "--items", "--holdout-days", "--k", "--mode", "--window-days", "--promote",
                   "--registry", "--seed", "--threads"},
                  {"--repeat"}, a))
    return 2;
  if (a.help || argc < 3) {
    std::cout << kTrainHelp;
    return a.help ? 0 : 2;
  }
  const std::string model = argv[2];
  if (model != "recs")
    return cli::Usage(
        command, "unknown model '" + model + "' (models trained here: recs, forecast; eta: okada brain eta train)");
  if (a.Get("--interactions").empty()) return cli::Usage(command, "--interactions is required");
  long long holdout = 14, k = 10, seed = 1, window = 90, threads = std::max(1u, std::thread::hardware_concurrency());
  if (!cli::Int(a.values, command, "--holdout-days", 1, 365, holdout) ||
      !cli::Int(a.values, command, "--k", 1, 1000, k) || !cli::Int(a.values, command, "--seed", 0, 1LL << 62, seed) ||
      !cli::Int(a.values, command, "--window-days", 1, 3650, window) ||
      !cli::Int(a.values, command, "--threads", 1, 256, threads))
    return 2;
  const std::string mode = a.Get("--mode", "full"), promote = a.Get("--promote", "auto");
  if (mode != "full" && mode != "incremental") return cli::Usage(command, "--mode is full or incremental");
  if (promote != "auto" && promote != "never") return cli::Usage(command, "--promote is auto or never");
  try {
    reg::Registry r(RegistryDir(a));
    const auto started = std::chrono::steady_clock::now();
    const std::string run_id = RunId("recs");
    const auto champion = r.ByAlias("recs", "champion");
    Prepared p =
        Prepare(a.Get("--interactions"), static_cast<int>(holdout), champion, mode == "incremental" ? window : 0);

    recs::EvalOptions o;
    o.protocol = recs::Protocol::kLeaveLastOut;
    o.k = static_cast<int>(k);
    o.repeat = a.Flag("--repeat");
    o.seed = static_cast<std::uint64_t>(seed);
    o.threads = static_cast<int>(threads);
    o.progress = &std::cerr;
    o.content =
        a.Has("--items") ? recs::LoadItemContent(a.Get("--items"), p.data.items) : recs::ContentFromNames(p.data.items);
    Say("train: learning the blend on a validation split of the training rows");
    const recs::BlendChoice choice = recs::LearnBlend(p.fit, p.data.users.size(), p.data.items.size(), o);
    const auto hybrid = recs::BuildHybrid(p.fit, p.fit_data, o, choice);
    Say("evaluate: the challenger, popularity and the champion on the holdout");
    const recs::Ranked mine = recs::Evaluate(*hybrid, p.train, p.split, o.k, o.repeat, o.threads);
    const auto pop_scorer = recs::MakePopularity(p.fit_data);
    const recs::Ranked pop = recs::Evaluate(*pop_scorer, p.train, p.split, o.k, o.repeat, o.threads);
    const std::optional<recs::Ranked> theirs = EvaluateChampion(r, champion, p, o.k, o.repeat, o.threads);

    // Register.
    const fs::path tmp = r.RunDir(run_id) / "recs.okrecs";
    recs::SaveRecsModel(tmp.string(), p.data.items, p.cutoff - 1, *hybrid);
    reg::ModelVersion v;
    v.model = "recs";
    v.run_id = run_id;
    v.primary_metric = "ndcg@" + std::to_string(k);
    v.metrics = AsMetrics(mine.metrics, o.k);
    v.metrics["popularity_ndcg@" + std::to_string(k)] = pop.metrics.ndcg;
    if (theirs) {
      v.champion_metrics = AsMetrics(theirs->metrics, o.k);
      v.compared_with = champion->version;
    }
    v.data_from = Rfc3339(p.fit_first);
    v.data_to = Rfc3339(p.cutoff);
    v.data_hash = p.data_hash;
    v.data_rows = p.fit.size();
    std::string weights = "{";
    for (std::size_t c = 0; c < choice.components.size(); ++c)
      weights += (c ? ", " : "") + JsonString(choice.components[c]) + ": " + Fixed(choice.weights[c], 2);
    weights += "}";
    v.params = "{\"mode\": " + JsonString(mode) + ", \"holdout_days\": " + std::to_string(holdout) +
               ", \"k\": " + std::to_string(k) + ", \"repeat\": " + (o.repeat ? "true" : "false") +
               ", \"seed\": " + std::to_string(seed) + ", \"weights\": " + weights +
               ", \"als\": {\"factors\": " + std::to_string(choice.als.factors) +
               ", \"regularization\": " + Fixed(choice.als.regularization, 2) +
               ", \"alpha\": " + Fixed(choice.als.alpha, 2) + "}}";
    const reg::ModelVersion registered = r.Register(v, tmp);
    fs::remove(tmp);
    Say("register: recs v" + std::to_string(registered.version) + " (sha256 " + registered.sha256.substr(0, 12) + "…)");
    reg::Decision decision{false, "not promoted (--promote never)"};
    if (promote == "auto") decision = r.Promote("recs", registered.version);
    Say(std::string(decision.promote ? "promote: " : "promote: refused: ") + decision.reason);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // Report.
    const std::string at = "@" + std::to_string(k);
    std::vector<std::pair<std::string, std::vector<double>>> series = {
        {"challenger v" + std::to_string(registered.version),
         {mine.metrics.ndcg, mine.metrics.hr, mine.metrics.precision, mine.metrics.coverage}},
        {"popularity", {pop.metrics.ndcg, pop.metrics.hr, pop.metrics.precision, pop.metrics.coverage}}};
    if (theirs)
      series.push_back(
          {"champion v" + std::to_string(champion->version),
           {theirs->metrics.ndcg, theirs->metrics.hr, theirs->metrics.precision, theirs->metrics.coverage}});
    std::vector<std::pair<std::string, std::vector<double>>> blend = {{"weight", choice.weights}};
    std::ostringstream html;
    html << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Okada brain run " << run_id
         << "</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:"
            "collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style></head><body>"
         << "<h1>Training run " << Html(run_id) << "</h1><p>Model <b>recs</b> v" << registered.version << " ("
         << Html(mode) << "), " << Fixed(seconds, 1) << " s. Data " << Html(a.Get("--interactions")) << " (sha256 "
         << registered.data_hash.substr(0, 16) << "…): training " << Html(v.data_from) << " → " << Html(v.data_to)
         << ", " << v.data_rows << " interactions; holdout from " << Rfc3339(p.eval_from) << ", "
         << p.split.users.size() << " customers.</p><p><b>Decision:</b> " << Html(decision.reason) << "</p>"
         << "<table><tr><th></th><th>NDCG" << at << "</th><th>HR" << at << "</th><th>precision" << at
         << "</th><th>coverage" << at << "</th></tr>"
         << MetricsRow("challenger v" + std::to_string(registered.version), mine.metrics)
         << MetricsRow("popularity", pop.metrics);
    if (theirs) html << MetricsRow("champion v" + std::to_string(champion->version), theirs->metrics);
    html << "</table>"
         << BarChart("Holdout metrics", {"ndcg" + at, "hr" + at, "precision" + at, "coverage" + at}, series)
         << BarChart("Blend weights (learned on validation, NDCG " + Fixed(choice.validation_ndcg) + ")",
                     choice.components, blend)
         << "<p>Artifact " << Html(registered.artifact) << ", " << registered.artifact_bytes << " bytes, sha256 "
         << registered.sha256 << ".</p></body></html>\n";
    const fs::path report = r.RunDir(run_id) / "report.html";
    std::ofstream(report) << html.str();
    std::ostringstream summary;
    summary << "{\"run_id\": " << JsonString(run_id) << ", \"model\": \"recs\", \"version\": " << registered.version
            << ", \"promoted\": " << (decision.promote ? "true" : "false")
            << ", \"reason\": " << JsonString(decision.reason) << ", \"metrics\": {\"ndcg" << at
            << "\": " << Fixed(mine.metrics.ndcg, 6) << ", \"hr" << at << "\": " << Fixed(mine.metrics.hr, 6)
            << "}, \"popularity\": {\"ndcg" << at << "\": " << Fixed(pop.metrics.ndcg, 6) << "}, \"champion\": ";
    if (theirs)
      summary << "{\"version\": " << champion->version << ", \"ndcg" << at << "\": " << Fixed(theirs->metrics.ndcg, 6)
              << "}";
    else
      summary << "null";
    summary << ", \"report\": " << JsonString(report.string()) << ", \"seconds\": " << Fixed(seconds, 1) << "}";
    std::ofstream(r.RunDir(run_id) / "run.json") << summary.str() << "\n";
    std::cout << summary.str() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain train: " << e.what() << "\n";
    return 1;
  }
}

int Evaluate(int argc, char** argv) {
  const std::string command = "evaluate";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 3,
                  {"--version", "--interactions", "--items", "--holdout-days", "--k", "--registry", "--threads"},
                  {"--repeat"}, a))
    return 2;
  if (a.help || argc < 3) {
    std::cout << kEvaluateHelp;
    return a.help ? 0 : 2;
  }
  if (std::string(argv[2]) != "recs")
    return cli::Usage(command, "unknown model '" + std::string(argv[2]) +
                                   "' (a forecast is evaluated as it trains: okada brain train forecast)");
  long long version = 0, holdout = 14, k = 10, threads = std::max(1u, std::thread::hardware_concurrency());
  if (!a.Has("--version")) return cli::Usage(command, "--version is required");
  if (a.Get("--interactions").empty()) return cli::Usage(command, "--interactions is required");
  if (!cli::Int(a.values, command, "--version", 1, 1 << 30, version) ||
      !cli::Int(a.values, command, "--holdout-days", 1, 365, holdout) ||
      !cli::Int(a.values, command, "--k", 1, 1000, k) || !cli::Int(a.values, command, "--threads", 1, 256, threads))
    return 2;
  try {
    reg::Registry r(RegistryDir(a));
    const auto mine = r.Get("recs", static_cast<int>(version));
    if (!mine) throw std::invalid_argument("no version " + std::to_string(version) + " of recs");
    auto champion = r.ByAlias("recs", "champion");
    if (champion && champion->version == mine->version) champion.reset();
    // Both models must not have seen the holdout: evaluate after the later of their training windows.
    std::optional<reg::ModelVersion> later = champion;
    if (!later || mine->data_to > later->data_to) later = mine;
    Prepared p = Prepare(a.Get("--interactions"), static_cast<int>(holdout), later, 0);
    const bool repeat = a.Flag("--repeat");
    const auto ranked = EvaluateChampion(r, mine, p, static_cast<int>(k), repeat, static_cast<int>(threads));
    const auto theirs = EvaluateChampion(r, champion, p, static_cast<int>(k), repeat, static_cast<int>(threads));
    reg::Metrics metrics = AsMetrics(ranked->metrics, static_cast<int>(k));
    reg::Metrics champion_metrics;
    if (theirs) champion_metrics = AsMetrics(theirs->metrics, static_cast<int>(k));
    r.UpdateComparison("recs", mine->version, metrics, champion_metrics, champion ? champion->version : 0);
    const reg::Decision d = reg::Decide(*r.Get("recs", mine->version), champion);
    std::cout << "{\"model\": \"recs\", \"version\": " << mine->version << ", \"ndcg@" << k
              << "\": " << Fixed(ranked->metrics.ndcg, 6) << ", \"champion\": "
              << (theirs ? "{\"version\": " + std::to_string(champion->version) + ", \"ndcg@" + std::to_string(k) +
                               "\": " + Fixed(theirs->metrics.ndcg, 6) + "}"
                         : std::string("null"))
              << ", \"would_promote\": " << (d.promote ? "true" : "false") << ", \"reason\": " << JsonString(d.reason)
              << "}\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain evaluate: " << e.what() << "\n";
    return 1;
  }
}

int Promote(int argc, char** argv) {
  const std::string command = "promote";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 3, {"--version", "--reason", "--registry"}, {"--force"}, a)) return 2;
  if (a.help || argc < 3) {
    std::cout << kPromoteHelp;
    return a.help ? 0 : 2;
  }
  long long version = 0;
  if (!a.Has("--version")) return cli::Usage(command, "--version is required");
  if (!cli::Int(a.values, command, "--version", 1, 1 << 30, version)) return 2;
  if (a.Flag("--force") && a.Get("--reason").empty()) return cli::Usage(command, "--force needs a --reason");
  try {
    reg::Registry r(RegistryDir(a));
    const reg::Decision d = r.Promote(argv[2], static_cast<int>(version), a.Flag("--force"), a.Get("--reason"));
    std::cout << (d.promote ? "promoted: " : "refused: ") << d.reason << "\n";
    return d.promote ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << "okada brain promote: " << e.what() << "\n";
    return 1;
  }
}

int List(int argc, char** argv) {
  const std::string command = "list";
  cli::Args a;
  const bool has_model = argc > 2 && std::string(argv[2]).rfind("--", 0) != 0;
  if (!cli::Parse(command, argc, argv, has_model ? 3 : 2, {"--registry"}, {"--json"}, a)) return 2;
  if (a.help) {
    std::cout << kListHelp;
    return 0;
  }
  try {
    reg::Registry r(RegistryDir(a));
    std::vector<std::string> models = has_model ? std::vector<std::string>{argv[2]} : r.Models();
    const bool json = a.Flag("--json");
    std::string out = json ? "[" : "";
    bool first = true;
    for (const std::string& m : models) {
      const auto aliases = r.Aliases(m);
      for (const reg::ModelVersion& v : r.Versions(m)) {
        std::string tags;
        for (const auto& [alias, version] : aliases)
          if (version == v.version) tags += (tags.empty() ? "" : ",") + alias;
        const auto metric = v.metrics.find(v.primary_metric);
        const std::string value = metric == v.metrics.end() ? "-" : Fixed(metric->second);
        if (json) {
          out += std::string(first ? "" : ", ") + "{\"model\": " + JsonString(m) +
                 ", \"version\": " + std::to_string(v.version) + ", \"aliases\": " + JsonString(tags) + ", \"" +
                 v.primary_metric + "\": " + (value == "-" ? "null" : value) + ", \"run_id\": " + JsonString(v.run_id) +
                 ", \"data_from\": " + JsonString(v.data_from) + ", \"data_to\": " + JsonString(v.data_to) +
                 ", \"sha256\": " + JsonString(v.sha256) + ", \"created_at\": " + JsonString(v.created_at) + "}";
        } else {
          char line[512];
          std::snprintf(line, sizeof line, "%-6s v%-3d %-20s %s %-8s data %s → %s  run %s  sha256 %.12s\n", m.c_str(),
                        v.version, tags.empty() ? "-" : tags.c_str(), v.primary_metric.c_str(), value.c_str(),
                        v.data_from.c_str(), v.data_to.c_str(), v.run_id.c_str(), v.sha256.c_str());
          out += line;
        }
        first = false;
      }
    }
    if (json) out += "]\n";
    if (!json && out.empty()) out = "the registry at " + r.Root().string() + " has no models yet\n";
    std::cout << out;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain list: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int PipelineCommand(int argc, char** argv) {
  const std::string c = argv[1];
  if (c == "train") return Train(argc, argv);
  if (c == "evaluate") return Evaluate(argc, argv);
  if (c == "promote") return Promote(argc, argv);
  return List(argc, argv);
}

}  // namespace okada::brain
