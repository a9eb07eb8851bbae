// okada brain train forecast: marketplace demand forecasting through the registry (issue 9, item 3). Daily units per
// store × product and hourly orders per delivery zone are forecast by `auto` (per series by rolling-origin backtest,
// plus the gbdt global model with the calendar, payday, holiday and rain covariates where it backtests better per
// segment), scored on a time-based holdout against the seasonal naive and the champion's recipe, registered with the
// forecasts from the last day of data as the artifact, and promoted by the registry's rule.
#include "forecast_train_cmd.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "okada/brain/forecast/benchmark.hpp"
#include "okada/brain/forecast/global.hpp"
#include "okada/brain/forecast/market.hpp"
#include "okada/brain/registry/registry.hpp"
#include "pipeline_common.hpp"

namespace okada::brain {
namespace {

namespace fs = std::filesystem;
namespace reg = okada::brain::registry;
namespace fc = okada::brain::forecast;
namespace mk = okada::brain::forecast::market;

constexpr const char* kHelp =
    R"(Usage: okada brain train forecast --data DIR [--holdout-days D] [--horizon H] [--zone-horizon-hours Z]
                                  [--zone-days N] [--global gbdt|lstm|gbdt,lstm|none] [--lstm-steps N]
                                  [--promote auto|never] [--registry DIR] [--seed N] [--threads T]

Marketplace demand forecasting through the registry:
  extract   read the demand layout in DIR (as `okada sim export` and `okada brain export` write it):
              sales_daily.csv    day,city,store,item,units       units sold per store × product and day
              orders_hourly.csv  hour,city,zone,orders           orders per delivery zone (geohash-5) and hour
              calendar.csv       day,city,payday,holiday,rain_hours  (optional; days to come with rain empty)
              promotions.csv     first_day,last_day,city,store,item,discount  (optional; planned ones too)
            and hash the files
  features  daily series per store × product (from the Monday before its first sale), hourly series per zone
            (the last N days); covariates per day: month-end payday window, holiday, rain (hours known only
            before the cut; after it, the month's share of rain hours: no model reads the weather it forecasts),
            and per store × product its promotion's discount (planned, so known ahead)
  train     `auto` per series: the candidate models (seasonal naive, Holt-Winters, Theta, Croston for slow
            products, seasonal means, weekly models for hours) or the mean of the best few, chosen by a
            rolling-origin backtest on the training history alone; with --global, one model across all series
            with the covariates (gbdt: XGBoost; lstm: the LibTorch LSTM, --lstm-steps Adam steps) replaces or
            joins that choice per segment (slow, regular) where it backtests better on the last H training values
  evaluate  on the last D days, held out: MASE and sMAPE (M4 definitions) of auto, of the seasonal naive and of
            the champion's recipe refitted on the same days
  register  the forecasts from the last day of data (store × product for H days, zones for Z hours, with the
            0.1/0.5/0.9 quantiles) as the artifact, the metrics, the data window and hash; alias 'challenger'
  promote   if its MASE beats the champion's on the same holdout, or equals it on newer data (a forecast is
            made from its data: the same recipe a week later replaces the stale forecasts); --promote never
            leaves it challenger
A report (metrics, the choices per segment, SVG charts of history, holdout, backtest and forecast with their
10-90% bands) is written to <registry>/runs/<run id>/report.html, and one JSON object to stdout.
The `brain` service serves the champion's forecasts (GET /v1/brain/forecasts/zones, the store × product rows
to the products service's inventory advice).

  --data DIR              the demand files
  --holdout-days D        days held out for evaluation (default 28; 7-120)
  --horizon H             days forecast for store × product (default 28; 1-120)
  --zone-horizon-hours Z  hours forecast per zone (default 168, a week of rider shifts; 24-720)
  --zone-days N           days of zone history fitted (default 56; 14-365)
  --global G              gbdt (default), lstm, gbdt,lstm, or none (statistical models alone)
  --lstm-steps N          the LSTM's training budget in Adam steps (default 1500; with --global lstm)
  --promote P             auto (default) or never
  --registry DIR          the registry (default: $OKADA_BRAIN_REGISTRY, else $OKADA_STATE_DIR/brain/registry)
  --seed N                gbdt's seed (default 1)
  --threads T             gbdt's threads (default 2)

Schedule: weekly, after `okada brain export` (deploy/cron/brain-retrain).
Exit status: 0 run finished (promoted or not), 1 input or registry error, 2 usage error.
)";

struct Recipe {
  std::string global = "gbdt";  // "none", or the global models auto weighs: "gbdt", "lstm", "gbdt,lstm"
  std::uint64_t seed = 1;
  int zone_days = 56;
  int lstm_steps = 1500;
  bool operator==(const Recipe&) const = default;
};

std::vector<std::string> GlobalModels(const Recipe& r) {
  std::vector<std::string> out;
  if (r.global == "none") return out;
  std::size_t at = 0;
  while (at <= r.global.size()) {
    const std::size_t comma = std::min(r.global.find(',', at), r.global.size());
    out.push_back(r.global.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

struct Context {
  const mk::Demand* demand = nullptr;
  int threads = 2;
};

// Fits "snaive" and "auto" (with the recipe's global model) on a panel; the global model sees the covariates of
// exactly the series it is handed, rain known only before known_until_day.
fc::RunResult Fit(const Context& c, const mk::Panel& p, int horizon, bool hourly, std::int64_t known_until_day,
                  const Recipe& recipe, const std::string& what) {
  fc::RunOptions o;
  o.horizon = horizon;
  o.season = hourly ? 24 : 7;
  o.models = {"snaive", "auto"};
  for (const std::string& model : GlobalModels(recipe)) {
    o.global[model] = [&c, &p, horizon, hourly, known_until_day, recipe, what,
                       model](const std::vector<fc::Series>& s) {
      fc::GlobalOptions g;
      g.horizon = horizon;
      g.season = hourly ? 24 : 7;
      g.seed = recipe.seed;
      g.threads = c.threads;
      g.covariates = mk::PanelCovariates(*c.demand, p, s, horizon, hourly, known_until_day);
      g.covariate_count = mk::kCovariates;
      g.progress = [what, model](const std::string& line) { Say(what + ": " + line); };
      if (model == "lstm") {
        fc::LstmBudget budget;
        budget.steps = recipe.lstm_steps;
        return fc::LstmForecasts(s, g, budget);
      }
      return fc::GbdtForecasts(s, g);
    };
    o.auto_global.push_back(model);
  }
  const std::size_t every = std::max<std::size_t>(1, p.series.size() / 10);
  o.progress = [every, what](std::size_t done, std::size_t total) {
    if (done % every == 0 || done == total)
      Say(what + ": " + std::to_string(done) + "/" + std::to_string(total) + " series (" +
          std::to_string(100 * done / total) + "%)");
  };
  fc::RunResult r = fc::RunForecasts(p.series, o);
  for (const auto& line : r.auto_segments) Say(what + ": per segment, " + line);
  return r;
}

struct Scored {
  fc::Scores mine, naive;
  std::optional<fc::Scores> champion;
  fc::RunResult run;
  std::vector<fc::Series> actual;
};

// The held-out values of each panel series: `n` steps from the cut.
std::vector<fc::Series> Actuals(const mk::Demand& d, const mk::Panel& p, bool hourly, std::int64_t cut, int n) {
  std::vector<fc::Series> out;
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const auto& v = hourly ? d.zones[p.source[i]].orders : d.items[p.source[i]].units;
    const std::int64_t from = cut - (hourly ? d.first_hour : d.first_day);
    out.push_back(fc::Series{p.series[i].id, std::vector<double>(v.begin() + from, v.begin() + from + n)});
  }
  return out;
}

Scored Backtest(const Context& c, bool hourly, std::int64_t cut, int n, const Recipe& mine,
                const std::optional<Recipe>& champion, const std::string& what) {
  const mk::Demand& d = *c.demand;
  const std::int64_t cut_day = hourly ? cut / 24 : cut;
  const mk::Panel p = hourly ? mk::ZonePanel(d, cut, mine.zone_days) : mk::ItemPanel(d, cut);
  Scored s;
  if (p.series.empty()) return s;
  s.actual = Actuals(d, p, hourly, cut, n);
  const int season = hourly ? 24 : 7;
  s.run = Fit(c, p, n, hourly, cut_day, mine, what);
  s.mine = fc::Score(p.series, s.actual, s.run.forecasts.at("auto"), n, season);
  s.naive = fc::Score(p.series, s.actual, s.run.forecasts.at("snaive"), n, season);
  if (champion && *champion == mine) {
    s.champion = s.mine;  // the same recipe on the same days: the same forecasts (the fits are deterministic)
  } else if (champion) {
    const mk::Panel cp = hourly ? mk::ZonePanel(d, cut, champion->zone_days) : p;
    const auto their_actual = hourly ? Actuals(d, cp, hourly, cut, n) : s.actual;
    const fc::RunResult theirs = Fit(c, cp, n, hourly, cut_day, *champion, what + " (champion's recipe)");
    s.champion = fc::Score(cp.series, their_actual, theirs.forecasts.at("auto"), n, season);
  }
  return s;
}

std::optional<Recipe> RecipeOf(const reg::ModelVersion& v) {
  try {
    const boost::json::object o = boost::json::parse(v.params).as_object();
    Recipe r;
    r.global = std::string(o.at("global").as_string());
    r.seed = o.at("seed").to_number<std::uint64_t>();
    r.zone_days = o.at("zone_days").to_number<int>();
    if (const auto* steps = o.if_contains("lstm_steps")) r.lstm_steps = steps->to_number<int>();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// One SVG chart: the last training values, the held-out actuals with the backtest forecast and its 10-90% band,
// then the forecast from the last day of data with its band.
std::string SeriesChart(const std::string& title, const std::vector<double>& history, const std::vector<double>& actual,
                        const fc::Forecast* backtest, const fc::Forecast* future) {
  const int w = 860, h = 230, left = 46, right = 10, top = 26, bottom = 24;
  const std::size_t n_hist = history.size(), n_act = actual.size(), n_fut = future ? future->point.size() : 0,
                    total = n_hist + n_act + n_fut;
  double max = 1;
  for (double v : history) max = std::max(max, v);
  for (double v : actual) max = std::max(max, v);
  for (const fc::Forecast* f : {backtest, future})
    if (f)
      for (double v : f->q90) max = std::max(max, v);
  const double plot_w = w - left - right, plot_h = h - top - bottom;
  const auto x = [&](std::size_t i) {
    return left + plot_w * static_cast<double>(i) / std::max<std::size_t>(1, total - 1);
  };
  const auto y = [&](double v) { return top + plot_h * (1 - std::max(0.0, v) / max); };
  const auto line = [&](std::size_t from, const std::vector<double>& v, const char* colour, const char* dash) {
    std::string pts;
    for (std::size_t i = 0; i < v.size(); ++i) pts += Fixed(x(from + i), 1) + "," + Fixed(y(v[i]), 1) + " ";
    return "<polyline fill='none' stroke='" + std::string(colour) + "' stroke-width='1.5' " + dash + " points='" + pts +
           "'/>";
  };
  const auto band = [&](std::size_t from, const fc::Forecast& f, const char* colour) {
    std::string pts;
    for (std::size_t i = 0; i < f.q90.size(); ++i) pts += Fixed(x(from + i), 1) + "," + Fixed(y(f.q90[i]), 1) + " ";
    for (std::size_t i = f.q10.size(); i-- > 0;) pts += Fixed(x(from + i), 1) + "," + Fixed(y(f.q10[i]), 1) + " ";
    return "<polygon fill='" + std::string(colour) + "' fill-opacity='0.25' stroke='none' points='" + pts + "'/>";
  };
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' role='img' aria-label='"
    << Html(title) << "'><text x='" << left << "' y='16' font-size='13'>" << Html(title) << "</text>"
    << "<line x1='" << left << "' y1='" << h - bottom << "' x2='" << w - right << "' y2='" << h - bottom
    << "' stroke='#333'/><text x='4' y='" << top + 8 << "' font-size='10'>" << Fixed(max, 0) << "</text>"
    << "<text x='4' y='" << h - bottom << "' font-size='10'>0</text>";
  if (n_act > 0)
    s << "<line x1='" << Fixed(x(n_hist), 1) << "' y1='" << top << "' x2='" << Fixed(x(n_hist), 1) << "' y2='"
      << h - bottom << "' stroke='#999' stroke-dasharray='3,3'/>";
  if (backtest) s << band(n_hist, *backtest, "#dd6b20");
  if (future) s << band(n_hist + n_act, *future, "#2b6cb0");
  s << line(0, history, "#333", "");
  if (n_act) s << line(n_hist, actual, "#333", "");
  if (backtest) s << line(n_hist, backtest->point, "#dd6b20", "stroke-dasharray='4,2'");
  if (future) s << line(n_hist + n_act, future->point, "#2b6cb0", "");
  s << "<text x='" << left << "' y='" << h - 6 << "' font-size='10'>history · held out (black) with the backtest "
    << "forecast (orange, 10-90% band) · forecast from the last day (blue)</text></svg>";
  return s.str();
}

std::string ScoresRow(const std::string& name, const fc::Scores& s, const fc::Scores& naive) {
  return "<tr><th>" + Html(name) + "</th><td>" + Fixed(s.mase) + "</td><td>" +
         Fixed(naive.mase > 0 ? s.mase / naive.mase : 1, 3) + "</td><td>" + Fixed(s.smape, 2) + "</td><td>" +
         std::to_string(s.series) + "</td></tr>";
}

std::string ChoiceCounts(const std::vector<std::string>& choices) {
  std::map<std::string, int> counts;
  for (const auto& c : choices) ++counts[c];
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [name, n] : counts) sorted.emplace_back(-n, name);
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (std::size_t i = 0; i < sorted.size() && i < 8; ++i)
    out += (i ? ", " : "") + sorted[i].second + " ×" + std::to_string(-sorted[i].first);
  if (sorted.size() > 8) out += ", … (" + std::to_string(sorted.size()) + " kinds)";
  return out;
}

}  // namespace

int TrainForecastCommand(int argc, char** argv) {
  const std::string command = "train forecast";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 3,
                  {"--data", "--holdout-days", "--horizon", "--zone-horizon-hours", "--zone-days", "--global",
                   "--lstm-steps", "--promote", "--registry", "--seed", "--threads"},
                  {}, a))
    return 2;
  if (a.help) {
    std::cout << kHelp;
    return 0;
  }
  if (a.Get("--data").empty()) return cli::Usage(command, "--data DIR is required");
  long long holdout = 28, horizon = 28, zone_horizon = 168, zone_days = 56, seed = 1, threads = 2, lstm_steps = 1500;
  if (!cli::Int(a.values, command, "--holdout-days", 7, 120, holdout) ||
      !cli::Int(a.values, command, "--horizon", 1, 120, horizon) ||
      !cli::Int(a.values, command, "--zone-horizon-hours", 24, 720, zone_horizon) ||
      !cli::Int(a.values, command, "--zone-days", 14, 365, zone_days) ||
      !cli::Int(a.values, command, "--seed", 0, 1LL << 62, seed) ||
      !cli::Int(a.values, command, "--threads", 1, 64, threads) ||
      !cli::Int(a.values, command, "--lstm-steps", 1, 1000000, lstm_steps))
    return 2;
  Recipe recipe;
  recipe.global = a.Get("--global", "gbdt");
  recipe.seed = static_cast<std::uint64_t>(seed);
  recipe.zone_days = static_cast<int>(zone_days);
  recipe.lstm_steps = static_cast<int>(lstm_steps);
  if (recipe.global != "gbdt" && recipe.global != "lstm" && recipe.global != "gbdt,lstm" && recipe.global != "none")
    return cli::Usage(command, "--global is gbdt, lstm, gbdt,lstm or none");
  const std::string promote = a.Get("--promote", "auto");
  if (promote != "auto" && promote != "never") return cli::Usage(command, "--promote is auto or never");
  try {
    reg::Registry r(RegistryDir(a));
    const auto started = std::chrono::steady_clock::now();
    const std::string run_id = RunId("forecast");
    const fs::path dir = a.Get("--data");

    // Extract.
    Say("extract: reading " + dir.string());
    const mk::Demand d = mk::LoadDemand(dir);
    std::string hashes;
    for (const char* f : {"sales_daily.csv", "orders_hourly.csv", "calendar.csv", "promotions.csv"})
      if (fs::exists(dir / f)) hashes += std::string(f) + " " + reg::Sha256File(dir / f) + "\n";
    const std::string data_hash = reg::Sha256Hex(hashes);
    const std::int64_t end_day = d.first_day + d.days, cut = end_day - holdout;
    if (d.days < holdout + 28)
      throw std::runtime_error("sales_daily.csv spans " + std::to_string(d.days) + " days; at least " +
                               std::to_string(holdout + 28) + " are needed (--holdout-days " + std::to_string(holdout) +
                               " held out and four weeks to learn from)");
    Say("features: " + std::to_string(d.items.size()) + " store × product series from " + mk::FormatDay(d.first_day) +
        " to " + mk::FormatDay(end_day - 1) + ", " + std::to_string(d.zones.size()) + " zones; holdout from " +
        mk::FormatDay(cut));

    const auto champion = r.ByAlias("forecast", "champion");
    std::optional<Recipe> champion_recipe;
    if (champion) {
      champion_recipe = RecipeOf(*champion);
      if (!champion_recipe)
        Say("evaluate: the champion v" + std::to_string(champion->version) +
            "'s settings are unreadable; it is compared as missing");
    }
    Context c{&d, static_cast<int>(threads)};

    // Train and evaluate on the holdout.
    Say("train: store × product, holding out the last " + std::to_string(holdout) + " days");
    const Scored items = Backtest(c, false, cut, static_cast<int>(holdout), recipe, champion_recipe, "items");
    if (items.mine.series == 0) throw std::runtime_error("no store × product sold anything before the holdout");
    const int zone_eval = static_cast<int>(std::min<long long>(zone_horizon, holdout * 24));
    const std::int64_t zone_cut = std::min(cut * 24, d.first_hour + d.hours - zone_eval);
    Scored zones;
    if (!d.zones.empty()) {
      Say("train: zones, holding out " + std::to_string(zone_eval) + " hours");
      zones = Backtest(c, true, zone_cut, zone_eval, recipe, champion_recipe, "zones");
    }

    // Forecast from the last day of data: the artifact.
    Say("forecast: from " + mk::FormatDay(end_day) + ", " + std::to_string(horizon) + " days per store × product");
    const mk::Panel item_panel = mk::ItemPanel(d, end_day);
    const fc::RunResult item_future = Fit(c, item_panel, static_cast<int>(horizon), false, end_day, recipe, "items");
    std::vector<mk::ForecastRow> rows;
    for (std::size_t i = 0; i < item_panel.series.size(); ++i) {
      const auto& src = d.items[item_panel.source[i]];
      const fc::Forecast& f = item_future.bands.at("auto")[i];
      for (std::size_t k = 0; k < f.point.size(); ++k)
        rows.push_back({"item_day", src.city, src.store, src.item, "",
                        mk::FormatDay(end_day + static_cast<std::int64_t>(k)), std::max(0.0, f.q10[k]),
                        std::max(0.0, f.point[k]), std::max(0.0, f.q90[k]), item_future.auto_choices[i]});
    }
    mk::Panel zone_panel;
    fc::RunResult zone_future;
    const std::int64_t end_hour = d.first_hour + d.hours;
    if (!d.zones.empty()) {
      Say("forecast: from " + mk::FormatHour(end_hour) + ", " + std::to_string(zone_horizon) + " hours per zone");
      zone_panel = mk::ZonePanel(d, end_hour, recipe.zone_days);
      zone_future = Fit(c, zone_panel, static_cast<int>(zone_horizon), true, end_hour / 24, recipe, "zones");
      for (std::size_t i = 0; i < zone_panel.series.size(); ++i) {
        const auto& src = d.zones[zone_panel.source[i]];
        const fc::Forecast& f = zone_future.bands.at("auto")[i];
        for (std::size_t k = 0; k < f.point.size(); ++k)
          rows.push_back({"zone_hour", src.city, "", "", src.zone,
                          mk::FormatHour(end_hour + static_cast<std::int64_t>(k)), std::max(0.0, f.q10[k]),
                          std::max(0.0, f.point[k]), std::max(0.0, f.q90[k]), zone_future.auto_choices[i]});
      }
    }

    // Register.
    const fs::path tmp = r.RunDir(run_id) / "forecasts.csv";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      mk::WriteForecastRows(out, rows);
      out.flush();
      if (!out) throw std::runtime_error(tmp.string() + ": write failed");
    }
    reg::ModelVersion v;
    v.model = "forecast";
    v.run_id = run_id;
    v.primary_metric = "mase";
    v.higher_is_better = false;
    v.refresh = true;
    v.metrics = {{"mase", items.mine.mase},
                 {"smape", items.mine.smape},
                 {"snaive_mase", items.naive.mase},
                 {"mase_vs_snaive", items.naive.mase > 0 ? items.mine.mase / items.naive.mase : 1},
                 {"series", static_cast<double>(items.mine.series)}};
    if (zones.mine.series > 0) {
      v.metrics["zones_mase"] = zones.mine.mase;
      v.metrics["zones_snaive_mase"] = zones.naive.mase;
      v.metrics["zones"] = static_cast<double>(zones.mine.series);
    }
    if (champion && items.champion) {
      v.champion_metrics = {{"mase", items.champion->mase}, {"smape", items.champion->smape}};
      if (zones.champion) v.champion_metrics["zones_mase"] = zones.champion->mase;
      v.compared_with = champion->version;
    }
    v.data_from = Rfc3339((d.first_day) * 86400 - 3600);  // local midnight, Douala (UTC+1)
    v.data_to = Rfc3339(end_day * 86400 - 3600);
    v.data_hash = data_hash;
    v.data_rows = d.rows;
    v.params = "{\"global\": " + JsonString(recipe.global) + ", \"seed\": " + std::to_string(recipe.seed) +
               ", \"zone_days\": " + std::to_string(recipe.zone_days) +
               ", \"lstm_steps\": " + std::to_string(recipe.lstm_steps) +
               ", \"holdout_days\": " + std::to_string(holdout) + ", \"horizon\": " + std::to_string(horizon) +
               ", \"zone_horizon_hours\": " + std::to_string(zone_horizon) +
               ", \"origin\": " + JsonString(mk::FormatDay(end_day)) + "}";
    const reg::ModelVersion registered = r.Register(v, tmp);
    fs::remove(tmp);
    Say("register: forecast v" + std::to_string(registered.version) + " (" + std::to_string(rows.size()) +
        " rows, sha256 " + registered.sha256.substr(0, 12) + "…)");
    reg::Decision decision{false, "not promoted (--promote never)"};
    if (promote == "auto") decision = r.Promote("forecast", registered.version);
    Say(std::string(decision.promote ? "promote: " : "promote: refused: ") + decision.reason);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // Report.
    const std::string version = "v" + std::to_string(registered.version);
    std::ostringstream html;
    html << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Okada brain run " << Html(run_id)
         << "</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:"
            "collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style></head><body>"
         << "<h1>Training run " << Html(run_id) << "</h1><p>Model <b>forecast</b> " << version << ", "
         << Fixed(seconds, 1) << " s. Data " << Html(dir.string()) << " (sha256 " << data_hash.substr(0, 16)
         << "…): " << mk::FormatDay(d.first_day) << " → " << mk::FormatDay(end_day - 1) << ", " << d.rows
         << " rows; the last " << holdout << " days held out (from " << mk::FormatDay(cut) << ").</p>"
         << "<p><b>Decision:</b> " << Html(decision.reason) << "</p>"
         << "<h2>Daily units per store × product</h2><table><tr><th></th><th>MASE</th><th>÷ seasonal naive</th>"
         << "<th>sMAPE</th><th>series</th></tr>"
         << ScoresRow("auto " + version + " (" + recipe.global + ")", items.mine, items.naive)
         << ScoresRow("seasonal naive", items.naive, items.naive);
    if (items.champion)
      html << ScoresRow("champion v" + std::to_string(champion->version) + "'s recipe", *items.champion, items.naive);
    html << "</table><p>Choices: " << Html(ChoiceCounts(items.run.auto_choices)) << ".</p>";
    for (const auto& line : items.run.auto_segments) html << "<p>Segment " << Html(line) << "</p>";
    if (zones.mine.series > 0) {
      html << "<h2>Hourly orders per zone (rider staffing)</h2><table><tr><th></th><th>MASE</th><th>÷ seasonal "
              "naive</th><th>sMAPE</th><th>zones</th></tr>"
           << ScoresRow("auto " + version, zones.mine, zones.naive)
           << ScoresRow("seasonal naive", zones.naive, zones.naive);
      if (zones.champion) html << ScoresRow("champion's recipe", *zones.champion, zones.naive);
      html << "</table><p>Choices: " << Html(ChoiceCounts(zones.run.auto_choices)) << ".</p>";
    }
    // Charts: the busiest store × products and zones.
    const auto busiest = [](const mk::Panel& p, std::size_t k) {
      std::vector<std::size_t> idx(p.series.size());
      std::iota(idx.begin(), idx.end(), 0);
      std::sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) {
        const double sx = std::accumulate(p.series[x].values.begin(), p.series[x].values.end(), 0.0);
        const double sy = std::accumulate(p.series[y].values.begin(), p.series[y].values.end(), 0.0);
        return sx != sy ? sx > sy : p.series[x].id < p.series[y].id;
      });
      idx.resize(std::min(k, idx.size()));
      return idx;
    };
    const auto chart = [&](const mk::Panel& future_panel, const fc::RunResult& future, const Scored& back, bool hourly,
                           std::size_t k, std::size_t tail) {
      std::map<std::string, std::size_t> back_index;
      for (std::size_t i = 0; i < back.actual.size(); ++i) back_index[back.actual[i].id] = i;
      for (std::size_t i : busiest(future_panel, k)) {
        const fc::Series& s = future_panel.series[i];
        const auto b = back_index.find(s.id);
        std::vector<double> history, actual;
        const fc::Forecast* backtest = nullptr;
        if (b != back_index.end()) {
          actual = back.actual[b->second].values;
          backtest = &back.run.bands.at("auto")[b->second];
        }
        const std::size_t before = s.values.size() - actual.size();
        history.assign(s.values.begin() + static_cast<std::ptrdiff_t>(before - std::min(before, tail)),
                       s.values.begin() + static_cast<std::ptrdiff_t>(before));
        html << SeriesChart((hourly ? "zone " : "") + s.id + " — " + future.auto_choices[i], history, actual, backtest,
                            &future.bands.at("auto")[i]);
      }
    };
    html << "<h2>Busiest store × products</h2>";
    chart(item_panel, item_future, items, false, 4, 56);
    if (!zone_panel.series.empty()) {
      html << "<h2>Busiest zones</h2>";
      chart(zone_panel, zone_future, zones, true, 2, 7 * 24);
    }
    html << "<p>Artifact " << Html(registered.artifact) << ", " << registered.artifact_bytes << " bytes, sha256 "
         << registered.sha256 << ".</p></body></html>\n";
    const fs::path report = r.RunDir(run_id) / "report.html";
    std::ofstream(report) << html.str();

    std::ostringstream summary;
    summary << "{\"run_id\": " << JsonString(run_id) << ", \"model\": \"forecast\", \"version\": " << registered.version
            << ", \"promoted\": " << (decision.promote ? "true" : "false")
            << ", \"reason\": " << JsonString(decision.reason)
            << ", \"metrics\": {\"mase\": " << Fixed(items.mine.mase, 6)
            << ", \"smape\": " << Fixed(items.mine.smape, 4) << ", \"snaive_mase\": " << Fixed(items.naive.mase, 6)
            << ", \"mase_vs_snaive\": " << Fixed(v.metrics.at("mase_vs_snaive"), 6);
    if (zones.mine.series > 0)
      summary << ", \"zones_mase\": " << Fixed(zones.mine.mase, 6)
              << ", \"zones_snaive_mase\": " << Fixed(zones.naive.mase, 6);
    summary << "}, \"champion\": ";
    if (items.champion)
      summary << "{\"version\": " << champion->version << ", \"mase\": " << Fixed(items.champion->mase, 6) << "}";
    else
      summary << "null";
    summary << ", \"series\": {\"items\": " << item_panel.series.size() << ", \"zones\": " << zone_panel.series.size()
            << "}, \"forecasts\": {\"from\": " << JsonString(mk::FormatDay(end_day)) << ", \"days\": " << horizon
            << ", \"zone_hours\": " << (zone_panel.series.empty() ? 0 : zone_horizon) << ", \"rows\": " << rows.size()
            << "}, \"report\": " << JsonString(report.string()) << ", \"seconds\": " << Fixed(seconds, 1) << "}";
    std::ofstream(r.RunDir(run_id) / "run.json") << summary.str() << "\n";
    std::cout << summary.str() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain train forecast: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace okada::brain
