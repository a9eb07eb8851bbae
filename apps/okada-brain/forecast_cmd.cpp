#include "forecast_cmd.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "okada/brain/forecast/benchmark.hpp"
#include "okada/brain/forecast/global.hpp"
#include "okada/brain/forecast/m4.hpp"

namespace okada::brain {
namespace {

constexpr const char* kHelp =
    R"(Usage: okada brain forecast --train FILE --format m4 --horizon H --season M
                            [--models snaive,ets,theta,gbdt,lstm,auto] [--seed N] --out FORECASTS.csv [--test FILE]

Forecasts H steps ahead of every series in FILE and writes FORECASTS.csv in the M4 layout (header
"id","F1",…,"FH", then the quoted id and H values per series). With --test, prints one JSON object on stdout:
  {"series": N, "horizon": H,
   "models": {"snaive": {"smape", "mase", "mase_left_out"}, …, "auto": {…}}}
with the M4 definitions: sMAPE = mean 200·|y−f|/(|y|+|f|) in percent; MASE = mean |y−f| divided by the in-sample
mean absolute error of the seasonal naive forecast with lag M; series whose in-sample naive error is zero are left
out of MASE and counted in mase_left_out. Progress (series done / total) goes to stderr.

  --train FILE     training series, M4 layout: a header row, then the quoted id and the values, rows padded with
                   empty cells
  --format F       m4 (the only layout today)
  --horizon H      steps to forecast (1-10000)
  --season M       season length in steps (24 for hourly data with a daily cycle, 1 for none)
  --models LIST    comma-separated, run in order (default auto):
                     snaive  seasonal naive (the value one season back)
                     ets     Holt-Winters exponential smoothing, additive or multiplicative season, damped trend or
                             none; parameters fitted by the SSE of 1- to H-step errors, the form by a penalised fit
                     theta   the Theta method with the M4 benchmark's seasonality test and decomposition
                     auto    per series, the candidate (or the mean of the best two to four) with the lowest
                             rolling-origin backtest error on the training history alone; with M = 24 the
                             candidates include weekly models (season 168). Then, per segment (intermittent
                             series, the others), gbdt or the mean of gbdt and that choice replaces it where it
                             backtests better on the last H values of the histories (gbdt fitted without them)
                     gbdt    one gradient-boosted tree model (XGBoost) across all series: each step of the
                             horizon predicted directly from lags, the values one season and one week before the
                             step, rolling statistics and the position in the day and week, every series divided
                             by its level; at most 400 rounds, stopped when the error on each series' last H
                             training values (held out from its training) stops improving
                     lstm    one LSTM network (LibTorch) across all series: the last 3 seasons (at most 72 steps,
                             in patches of M/4) with the calendar; per step a correction to a learned weighting of
                             the values 1-4 seasons before; training budget 1,500 Adam steps of 128 windows
                             (--lstm-steps), never a time limit, so a seed gives the same network anywhere
                   When several models are given, FORECASTS.csv holds the LAST one's forecasts; --test scores
                   every one.
  --seed N         random seed of gbdt and lstm (default 1); the statistical models are deterministic
  --threads T      threads for gbdt and lstm (default 2)
  --lstm-steps N   the LSTM's training budget in Adam steps (default 1500)
  --out FILE       where to write the forecasts
  --test FILE      the held-out values (M4 layout, ids matching --train, at least H values each)

Exit status: 0 done, 1 unreadable or invalid input, 2 usage error.
)";

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

int RunForecastCommand(int argc, char** argv) {
  const std::string command = "forecast";
  cli::Args a;
  if (!cli::Parse(command, argc, argv, 2,
                  {"--train", "--format", "--horizon", "--season", "--models", "--seed", "--out", "--test", "--threads",
                   "--lstm-steps"},
                  {}, a))
    return 2;
  if (a.help) {
    std::cout << kHelp;
    return 0;
  }
  for (const char* required : {"--train", "--format", "--horizon", "--season", "--out"})
    if (!a.Has(required)) return cli::Usage(command, std::string(required) + " is required");
  if (a.Get("--format") != "m4") return cli::Usage(command, "--format must be m4, got '" + a.Get("--format") + "'");
  long long horizon = 0, season = 0, seed = 1, threads = 2, lstm_steps = 1500;
  if (!cli::Int(a.values, command, "--horizon", 1, 10000, horizon)) return 2;
  if (!cli::Int(a.values, command, "--season", 1, 10000, season)) return 2;
  if (!cli::Int(a.values, command, "--seed", 0, 1LL << 62, seed)) return 2;
  if (!cli::Int(a.values, command, "--threads", 1, 64, threads)) return 2;
  if (!cli::Int(a.values, command, "--lstm-steps", 0, 1000000, lstm_steps)) return 2;
  const std::vector<std::string> models = SplitList(a.Get("--models", "auto"));
  const std::set<std::string> known{"snaive", "ets", "theta", "gbdt", "lstm", "auto"};
  std::set<std::string> seen;
  if (models.empty()) return cli::Usage(command, "--models is empty");
  for (const auto& m : models) {
    if (!known.count(m))
      return cli::Usage(command, "unknown model '" + m + "' (available: snaive, ets, theta, gbdt, lstm, auto)");
    if (!seen.insert(m).second) return cli::Usage(command, "model '" + m + "' is listed twice");
  }
  try {
    const auto train = forecast::LoadM4(a.Get("--train"));
    if (train.empty()) throw std::runtime_error(a.Get("--train") + ": no series");
    std::vector<forecast::Series> test;
    if (a.Has("--test")) test = forecast::LoadM4(a.Get("--test"));
    std::cerr << "okada brain forecast: " << train.size() << " series, horizon " << horizon << ", season " << season
              << ", models " << a.Get("--models", "auto") << "\n";
    forecast::RunOptions options;
    options.horizon = static_cast<int>(horizon);
    options.season = static_cast<int>(season);
    options.models = models;
    forecast::GlobalOptions global;
    global.horizon = options.horizon;
    global.season = options.season;
    global.seed = static_cast<std::uint64_t>(seed);
    global.threads = static_cast<int>(threads);
    global.progress = [](const std::string& line) { std::cerr << "okada brain forecast: " << line << "\n"; };
    options.global["gbdt"] = [&](const std::vector<forecast::Series>& series) {
      return forecast::GbdtForecasts(series, global);
    };
    forecast::LstmBudget lstm;
    lstm.steps = static_cast<int>(lstm_steps);
    options.global["lstm"] = [&](const std::vector<forecast::Series>& series) {
      return forecast::LstmForecasts(series, global, lstm);
    };
    // auto also weighs gbdt per segment (the LSTM costs minutes more and backtested no better).
    options.auto_global = {"gbdt"};
    const std::size_t every = std::max<std::size_t>(1, train.size() / 20);  // about every 5%
    options.progress = [every](std::size_t done, std::size_t total) {
      if (done % every == 0 || done == total)
        std::fprintf(stderr, "okada brain forecast: %zu/%zu series (%.0f%%)\n", done, total,
                     100.0 * static_cast<double>(done) / static_cast<double>(total));
    };
    const auto result = forecast::RunForecasts(train, options);
    {
      std::ofstream out(a.Get("--out"), std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error(a.Get("--out") + ": cannot write");
      forecast::WriteM4(out, result.forecasts.at(models.back()));
      out.flush();
      if (!out) throw std::runtime_error(a.Get("--out") + ": write failed");
    }
    for (const auto& line : result.auto_segments)
      std::cerr << "okada brain forecast: auto's backtest on the last " << horizon << " values, " << line << "\n";
    if (!result.auto_choices.empty()) {  // a one-line summary: single models by name, ensembles by size
      std::map<std::string, int> counts;
      for (const auto& c : result.auto_choices) {
        if (c.rfind("mean(", 0) == 0)
          ++counts["mean of " + std::to_string(std::count(c.begin(), c.end(), ',') + 1)];
        else
          ++counts[c];
      }
      std::cerr << "okada brain forecast: auto chose";
      for (const auto& [name, n] : counts) std::cerr << " " << name << " ×" << n << ";";
      std::cerr << "\n";
    }
    if (a.Has("--test")) {
      std::map<std::string, forecast::Scores> scores;
      for (const auto& m : models)
        scores[m] = forecast::Score(train, test, result.forecasts.at(m), options.horizon, options.season);
      std::cout << forecast::ScoresJson(train.size(), options.horizon, models, scores) << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "okada brain forecast: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace okada::brain
