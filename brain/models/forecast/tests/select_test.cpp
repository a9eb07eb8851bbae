#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "okada/brain/forecast/benchmark.hpp"
#include "okada/brain/forecast/metrics.hpp"
#include "okada/brain/forecast/models.hpp"
#include "okada/brain/forecast/select.hpp"
#include "test_series.hpp"

namespace okada::brain::forecast {
namespace {

using testing::Daily;
using testing::DailyAfter;
using testing::MaxAbsDiff;

// The evaluation window would reward cheating: the history is a clean daily cycle, but the 48 held-out hours are
// flat at the mean, which only a flat forecast (naive mean, no season) would get right. `auto` sees the history
// alone, so it must keep the season the history supports and score badly on this window.
TEST(SelectModel, NeverReadsTheEvaluationWindow) {
  const std::size_t n = 24 * 30, h = 48;
  const auto history = Daily(n, 100, 30, 0, 1.0, 11);
  const std::vector<double> flat_test(h, 100.0);  // the "cheating" window
  const std::vector<Series> train{{"S1", history}};
  const std::vector<Series> test{{"S1", flat_test}};

  RunOptions options;
  options.horizon = static_cast<int>(h);
  options.season = 24;
  options.models = {"auto"};
  const auto run = RunForecasts(train, options);
  const auto& f = run.forecasts.at("auto").front().values;
  ASSERT_EQ(f.size(), h);

  // What the history supports: the daily cycle continues.
  EXPECT_LT(MaxAbsDiff(f, DailyAfter(n, h, 100, 30)), 3.0);
  const auto [lo, hi] = std::minmax_element(f.begin(), f.end());
  EXPECT_GT(*hi - *lo, 60.0);  // peak to trough of the cycle (≈ 2·30·1.2), not a flat line

  // The flat forecast would have been perfect on the window; auto is far from it, as an honest choice must be.
  const std::vector<Series> flat{{"S1", std::vector<double>(h, 100.0)}};
  const Scores cheat = Score(train, test, flat, options.horizon, 24);
  const Scores honest = Score(train, test, run.forecasts.at("auto"), options.horizon, 24);
  EXPECT_DOUBLE_EQ(cheat.smape, 0.0);
  EXPECT_GT(honest.smape, 15.0);

  // The selection is a function of the history alone: the same history with a different future chooses the same.
  const std::vector<Series> seasonal_test{{"S1", DailyAfter(n, h, 100, 30)}};
  const Scores same = Score(train, seasonal_test, run.forecasts.at("auto"), options.horizon, 24);
  EXPECT_LT(same.smape, 3.0);
  const Selection sel = SelectModel(history, static_cast<int>(h), 24);
  EXPECT_EQ(sel.Name(), run.auto_choices.front());
  EXPECT_EQ(sel.origins, 12);
  for (const auto& m : sel.models) EXPECT_NE(m, "naive") << sel.Name();
}

// A window that only a peeking selector would get right. Every day of the history has its own random level, so
// copying last week (snaive_w) backtests badly — no better than copying yesterday, worse than averaging days — and
// a week before the end come two unusually busy days. The evaluation window repeats those two days exactly: scored
// on it, snaive_w is perfect and a selector that read the window would pick it. `auto` must choose what the history
// supports, and pay for it on this window.
TEST(SelectModel, DoesNotPickTheModelOnlyTheWindowRewards) {
  testing::Noise u(21);
  const std::size_t days = 35, n = 24 * days, h = 48;
  std::vector<double> offset(days);
  for (double& o : offset) o = 30 * u.Next();
  offset[days - 7] = offset[days - 6] = 90;  // an unusual pair of days a week before the end
  std::vector<double> history(n);
  for (std::size_t t = 0; t < n; ++t) history[t] = 100 + 30 * testing::DailyShape(t) + offset[t / 24];
  const std::vector<double> window(history.end() - 168, history.end() - 168 + h);  // last week, repeated

  // The cheat's view: each candidate scored on the window.
  std::string cheat;
  double cheat_smape = 1e9;
  for (const auto& m : CandidateModels(n, 24)) {
    const double s = Smape(window, ForecastByName(m, history, static_cast<int>(h), 24).point);
    if (s < cheat_smape) {
      cheat_smape = s;
      cheat = m;
    }
  }
  ASSERT_EQ(cheat, "snaive_w");
  ASSERT_LT(cheat_smape, 1e-9);

  Selection sel;
  const auto f = SelectAndForecast(history, static_cast<int>(h), 24, &sel);
  EXPECT_NE(sel.models.front(), "snaive_w") << sel.Name();  // may join an ensemble, never lead it
  EXPECT_GT(Smape(window, f.point), 15.0) << sel.Name();    // the cheat scores 0
  EXPECT_GT(MaxAbsDiff(f.point, window), 30.0) << sel.Name();
}

// A weekly pattern (quiet weekends) that the daily seasonal naive cannot see: the backtest must find a weekly model.
TEST(SelectModel, FindsTheWeeklyPatternInHourlyData) {
  auto value = [](std::size_t t) {
    const std::size_t day = (t / 24) % 7;
    return (day >= 5 ? 60.0 : 100.0) * (1 + 0.3 * testing::DailyShape(t));
  };
  testing::Noise u(5);
  std::vector<double> y;
  for (std::size_t t = 0; t < 24 * 7 * 5 + 24 * 4; ++t) y.push_back(value(t) + u.Next());  // ends on a Friday
  const Selection sel = SelectModel(y, 48, 24);
  bool weekly = false;
  for (const auto& m : sel.models) weekly = weekly || m.find("_w") != std::string::npos;
  EXPECT_TRUE(weekly) << sel.Name();

  std::vector<double> truth;
  for (std::size_t i = 0; i < 48; ++i) truth.push_back(value(y.size() + i));  // the weekend
  const auto f = SelectAndForecast(y, 48, 24);
  const auto naive = SeasonalNaive(y, 48, 24);
  EXPECT_LT(Smape(truth, f.point), 0.5 * Smape(truth, naive.point));
}

TEST(SelectModel, TooShortToBacktestFallsBackToEts) {
  const auto y = Daily(60, 100, 30);
  const Selection sel = SelectModel(y, 48, 24);
  EXPECT_EQ(sel.origins, 0);
  EXPECT_EQ(sel.Name(), "ets");
  const auto f = SelectAndForecast(y, 48, 24);
  ASSERT_EQ(f.point.size(), 48u);
  for (double v : f.point) EXPECT_TRUE(std::isfinite(v));
}

TEST(SelectAndForecast, AnEnsembleIsTheMeanOfItsMembers) {
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    const auto y = Daily(24 * 20, 100, 20, 0.02, 15, seed);
    Selection sel;
    const auto f = SelectAndForecast(y, 24, 24, &sel);
    ASSERT_FALSE(sel.models.empty());
    std::vector<double> mean(24, 0.0), q90(24, 0.0);
    for (const auto& m : sel.models) {
      const auto part = ForecastByName(m, y, 24, 24);
      for (std::size_t i = 0; i < 24; ++i) {
        mean[i] += part.point[i] / static_cast<double>(sel.models.size());
        q90[i] += part.q90[i] / static_cast<double>(sel.models.size());
      }
    }
    EXPECT_LT(MaxAbsDiff(f.point, mean), 1e-9) << sel.Name();
    EXPECT_LT(MaxAbsDiff(f.q90, q90), 1e-9) << sel.Name();
    EXPECT_EQ(f.q50, f.point);
  }
}

// A store's slow product: 0–3 units a day, more at weekends, zero on most weekdays. sMAPE would favour echoing last
// week (200 on every zero day with a non-zero forecast, 0 when both are zero); judged by MASE, as intermittent series
// are, a smoother model wins and forecasts the next four weeks better than seasonal naive.
TEST(SelectModel, IntermittentDemandIsJudgedByScaledErrorNotSmape) {
  std::uint64_t state = 12345;
  const auto uniform = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  std::vector<double> all;
  for (int d = 0; d < 180; ++d) {
    const double rate = d % 7 >= 5 ? 1.6 : 0.35;  // Saturday and Sunday busier
    int units = -1;                               // Poisson(rate), Knuth's product of uniforms
    for (double p = 1; p > std::exp(-rate); p *= uniform()) ++units;
    all.push_back(units);
  }
  const std::vector<double> history(all.begin(), all.end() - 28), future(all.end() - 28, all.end());
  ASSERT_TRUE(Intermittent(history));
  Selection sel;
  const Forecast f = SelectAndForecast(history, 28, 7, &sel);
  EXPECT_NE(sel.Name(), "snaive");
  const Forecast naive = ForecastByName("snaive", history, 28, 7);
  EXPECT_LT(Mase(history, future, f.point, 7), Mase(history, future, naive.point, 7)) << sel.Name();
  std::vector<double> steady(100, 5.0);
  steady[10] = 0;
  EXPECT_FALSE(Intermittent(steady));
}

TEST(CandidateModels, WeeklyOnesOnlyForHourlyDataWithTwoWeeks) {
  EXPECT_EQ(CandidateModels(1000, 12), (std::vector<std::string>{"snaive", "ets", "theta", "smean"}));
  EXPECT_EQ(CandidateModels(300, 24), (std::vector<std::string>{"snaive", "ets", "theta", "smean"}));
  EXPECT_EQ(CandidateModels(336, 24),
            (std::vector<std::string>{"snaive", "ets", "theta", "smean", "snaive_w", "theta_w", "ets_w", "smean_w"}));
  EXPECT_EQ(CandidateModels(50, 1), (std::vector<std::string>{"snaive", "ets", "theta"}));
  EXPECT_EQ(CandidateModels(150, 7, true),
            (std::vector<std::string>{"snaive", "ets", "theta", "smean", "croston", "smean_long"}));
}

}  // namespace
}  // namespace okada::brain::forecast
