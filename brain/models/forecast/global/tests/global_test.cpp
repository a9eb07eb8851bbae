// The global forecasters on crafted sets where learning across series must pay: a shared daily shape under heavy
// noise (the seasonal naive repeats yesterday's noise; a model that pools the series sees the shape), and a
// known-ahead promotion that triples demand (only a model reading the covariate can foresee it).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "okada/brain/forecast/global.hpp"
#include "okada/brain/forecast/metrics.hpp"
#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast {
namespace {

constexpr int kSeason = 24, kHorizon = 24, kDays = 14;

struct Set {
  std::vector<Series> train, test;
  std::vector<std::vector<float>> covariates;  // (history + horizon) × 1: the promotion flag
};

// 60 series: level × (shared daily shape) × (1 + noise), tripled on promotion steps when `promotions`.
Set Make(std::uint64_t seed, bool promotions) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> level(10, 1000), u(0, 1);
  std::normal_distribution<double> noise(0, 0.25);
  Set set;
  const int n = kSeason * kDays;
  for (int i = 0; i < 60; ++i) {
    const double l = level(rng);
    Series all{"S" + std::to_string(i), {}};
    std::vector<float> cov;
    for (int t = 0; t < n + kHorizon; ++t) {
      const double shape = 1 + 0.6 * std::sin(2 * std::numbers::pi * (t % kSeason) / kSeason);
      const bool promo = promotions && u(rng) < 0.1;
      cov.push_back(promo ? 1.0f : 0.0f);
      all.values.push_back(std::max(0.0, l * shape * (1 + noise(rng)) * (promo ? 3.0 : 1.0)));
    }
    set.train.push_back({all.id, {all.values.begin(), all.values.begin() + n}});
    set.test.push_back({all.id, {all.values.begin() + n, all.values.end()}});
    set.covariates.push_back(std::move(cov));
  }
  return set;
}

double MeanMase(const Set& set, const std::vector<Forecast>& f) {
  double sum = 0;
  for (std::size_t i = 0; i < set.train.size(); ++i)
    sum += Mase(set.train[i].values, set.test[i].values, f[i].point, kSeason);
  return sum / static_cast<double>(set.train.size());
}

std::vector<Forecast> Snaive(const Set& set) {
  std::vector<Forecast> out;
  for (const auto& s : set.train) out.push_back(SeasonalNaive(s.values, kHorizon, kSeason));
  return out;
}

GlobalOptions Options() {
  GlobalOptions o;
  o.horizon = kHorizon;
  o.season = kSeason;
  o.seed = 3;
  o.threads = 1;
  return o;
}

GbdtBudget SmallGbdt() {
  GbdtBudget b;
  b.rounds = 150;
  b.max_depth = 6;
  b.rows_per_series = 600;
  return b;
}

LstmBudget SmallLstm() {
  LstmBudget b;
  b.steps = 300;
  b.batch = 64;
  b.hidden = 32;
  return b;
}

TEST(Gbdt, PoolsTheSeriesToSeeTheShapeThroughTheNoise) {
  const Set set = Make(1, false);
  const auto gbdt = GbdtForecasts(set.train, Options(), SmallGbdt());
  const double ours = MeanMase(set, gbdt), naive = MeanMase(set, Snaive(set));
  EXPECT_LT(ours, 0.85 * naive) << "gbdt " << ours << " vs snaive " << naive;
  // The 0.1–0.9 band is ordered and covers roughly its 80% of what happened.
  int inside = 0, total = 0;
  for (std::size_t i = 0; i < set.test.size(); ++i)
    for (int h = 0; h < kHorizon; ++h) {
      const auto& f = gbdt[i];
      ASSERT_LE(f.q10[h], f.q50[h]);
      ASSERT_LE(f.q50[h], f.q90[h]);
      const double y = set.test[i].values[h];
      inside += f.q10[h] <= y && y <= f.q90[h];
      ++total;
    }
  const double coverage = static_cast<double>(inside) / total;
  EXPECT_GT(coverage, 0.6);
  EXPECT_LT(coverage, 0.95);
}

TEST(Gbdt, SameSeedSameForecasts) {
  const Set set = Make(2, false);
  const auto a = GbdtForecasts(set.train, Options(), SmallGbdt());
  const auto b = GbdtForecasts(set.train, Options(), SmallGbdt());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].point, b[i].point) << set.train[i].id;
}

TEST(Gbdt, ReadsTheKnownAheadCovariates) {
  const Set set = Make(4, true);
  GlobalOptions with = Options();
  with.covariates = set.covariates;
  with.covariate_count = 1;
  const double blind = MeanMase(set, GbdtForecasts(set.train, Options(), SmallGbdt()));
  const double seeing = MeanMase(set, GbdtForecasts(set.train, with, SmallGbdt()));
  EXPECT_LT(seeing, 0.85 * blind) << "with the promotion flag " << seeing << ", without " << blind;
}

TEST(Lstm, PoolsTheSeriesToSeeTheShapeThroughTheNoise) {
  const Set set = Make(1, false);
  const auto lstm = LstmForecasts(set.train, Options(), SmallLstm());
  const double ours = MeanMase(set, lstm), naive = MeanMase(set, Snaive(set));
  EXPECT_LT(ours, 0.9 * naive) << "lstm " << ours << " vs snaive " << naive;
  for (const auto& f : lstm)
    for (int h = 0; h < kHorizon; ++h) {
      ASSERT_LE(f.q10[h], f.q50[h]);
      ASSERT_LE(f.q50[h], f.q90[h]);
      ASSERT_EQ(f.point[h], f.q50[h]);
    }
}

TEST(Lstm, ReadsTheKnownAheadCovariates) {
  const Set set = Make(4, true);
  GlobalOptions with = Options();
  with.covariates = set.covariates;
  with.covariate_count = 1;
  const double blind = MeanMase(set, LstmForecasts(set.train, Options(), SmallLstm()));
  const double seeing = MeanMase(set, LstmForecasts(set.train, with, SmallLstm()));
  EXPECT_LT(seeing, 0.9 * blind) << "with the promotion flag " << seeing << ", without " << blind;
}

TEST(Global, RefusesBadInput) {
  const Set set = Make(5, false);
  GlobalOptions o = Options();
  o.covariates = set.covariates;
  o.covariate_count = 2;  // each series has one value per step
  EXPECT_THROW(GbdtForecasts(set.train, o, SmallGbdt()), std::invalid_argument);
  EXPECT_THROW(LstmForecasts(set.train, o, SmallLstm()), std::invalid_argument);
  o = Options();
  o.horizon = 0;
  EXPECT_THROW(GbdtForecasts(set.train, o), std::invalid_argument);
  EXPECT_THROW(LstmForecasts({}, Options()), std::invalid_argument);
  EXPECT_THROW(GbdtForecasts({Series{"empty", {}}}, Options()), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::forecast
