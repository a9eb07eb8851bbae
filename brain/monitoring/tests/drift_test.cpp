#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "okada/brain/monitoring/drift.hpp"

namespace okada::brain::monitoring {
namespace {

// A deterministic normal sampler (splitmix64 + Box–Muller), so the test is the same everywhere.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : s_(seed) {}
  double Uniform() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (static_cast<double>((z ^ (z >> 31)) >> 11) + 0.5) * 0x1.0p-53;
  }
  double operator()(double mean, double sd) {
    return mean + sd * std::sqrt(-2 * std::log(Uniform())) * std::cos(6.283185307179586 * Uniform());
  }

 private:
  std::uint64_t s_;
};

std::vector<double> Sample(Normal& rng, std::size_t n, double mean, double sd) {
  std::vector<double> v(n);
  for (double& x : v) x = rng(mean, sd);
  return v;
}

// Five features of a day of recommendation requests (basket value, hour, distance, items, rain mm): a training
// window as the reference, then days drawn from the same distributions, or with one feature's mean shifted.
struct Feature {
  const char* name;
  double mean, sd;
};
const Feature kFeatures[] = {
    {"basket_xaf", 6500, 2500}, {"hour", 14, 4}, {"distance_km", 3.2, 1.4}, {"items", 4, 1.5}, {"rain_mm", 2, 1}};

DatasetDrift Day(std::uint64_t seed, int shifted_feature, double shift_sd) {
  Normal ref_rng(1), day_rng(seed);
  std::vector<FeatureDrift> out;
  for (int f = 0; f < 5; ++f) {
    const Feature& x = kFeatures[f];
    const auto reference = Sample(ref_rng, 20000, x.mean, x.sd);
    const double mean = x.mean + (f == shifted_feature ? shift_sd * x.sd : 0);
    const auto today = Sample(day_rng, 2000, mean, x.sd);
    out.push_back(CompareNumeric(x.name, reference, today));
  }
  return Summarise(std::move(out));
}

TEST(Drift, AlertsOnHalfAStandardDeviationShiftInOneFeature) {
  for (std::uint64_t day = 100; day < 105; ++day) {
    for (int f = 0; f < 5; ++f) {
      const DatasetDrift d = Day(day, f, 0.5);
      EXPECT_EQ(d.level, Level::kAlert) << kFeatures[f].name << " day " << day;
      for (int g = 0; g < 5; ++g) {
        const FeatureDrift& x = d.features[static_cast<std::size_t>(g)];
        if (g == f) {
          EXPECT_EQ(x.level, Level::kAlert) << x.feature << " psi " << x.psi << " p " << x.p_value;
          RecordProperty(std::string(x.feature) + "_psi_day" + std::to_string(day), std::to_string(x.psi));
          EXPECT_GT(x.psi, 0.1);
          EXPECT_NEAR(x.wasserstein_sd, 0.5, 0.1);
        } else {
          EXPECT_EQ(x.level, Level::kOk) << x.feature << " psi " << x.psi;
        }
      }
      EXPECT_NEAR(d.drift_share, 0.2, 1e-12);
      EXPECT_FALSE(d.drifted);  // one feature of five: an alert on the feature, not dataset drift
    }
  }
}

TEST(Drift, QuietOnUnshiftedDays) {
  for (std::uint64_t day = 200; day < 230; ++day) {
    const DatasetDrift d = Day(day, -1, 0);
    EXPECT_EQ(d.level, Level::kOk) << "day " << day;
    for (const FeatureDrift& x : d.features) EXPECT_LT(x.psi, 0.05) << x.feature;
  }
}

TEST(Drift, DatasetDriftWhenMostFeaturesMove) {
  Normal rng(5);
  std::vector<FeatureDrift> f;
  for (int i = 0; i < 4; ++i)
    f.push_back(CompareNumeric("f" + std::to_string(i), Sample(rng, 5000, 0, 1), Sample(rng, 1000, i < 3 ? 1 : 0, 1)));
  const DatasetDrift d = Summarise(f);
  EXPECT_NEAR(d.drift_share, 0.75, 1e-12);
  EXPECT_TRUE(d.drifted);
}

TEST(Drift, SmallSamplesCannotAlertOnATestAlone) {
  Normal rng(6);
  const auto reference = Sample(rng, 5000, 0, 1);
  const auto today = Sample(rng, 300, 0.4, 1);
  Thresholds strict;
  strict.min_samples = 1000;  // 300 observations are too few for the test to escalate
  const FeatureDrift tested = CompareNumeric("x", reference, today);
  const FeatureDrift untested = CompareNumeric("x", reference, today, strict);
  ASSERT_GE(tested.psi, 0.1);
  ASSERT_LT(tested.psi, 0.25);  // PSI alone: warn
  EXPECT_LT(tested.p_value, 1e-3);
  EXPECT_EQ(tested.level, Level::kAlert);
  EXPECT_EQ(untested.level, Level::kWarn);
}

TEST(Statistics, KnownValues) {
  EXPECT_NEAR(ChiSquareSurvival(3.841458820694124, 1), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquareSurvival(18.307038053275146, 10), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquareSurvival(2.0, 2), std::exp(-1.0), 1e-9);
  const std::vector<double> a = {1, 2, 3, 4}, b = {3, 4, 5, 6};
  EXPECT_NEAR(Wasserstein(a, b), 2.0, 1e-12);
  EXPECT_NEAR(KolmogorovSmirnov(a, b).statistic, 0.5, 1e-12);
  EXPECT_NEAR(KolmogorovSmirnov(a, a).p_value, 1.0, 1e-12);
  const Counts p = {{"momo", 50}, {"orange", 30}, {"cash", 20}};
  const Counts disjoint = {{"card", 10}};
  EXPECT_NEAR(JensenShannon(p, p), 0.0, 1e-12);
  EXPECT_NEAR(JensenShannon(p, disjoint), 1.0, 1e-12);
  EXPECT_NEAR(PsiCategorical(p, p), 0.0, 1e-12);
  // PSI by hand: (0.4-0.5)ln(0.8) + (0.3-0.3)·0 + (0.3-0.2)ln(1.5).
  const Counts q = {{"momo", 40}, {"orange", 30}, {"cash", 30}};
  EXPECT_NEAR(PsiCategorical(p, q), -0.1 * std::log(0.8) + 0.1 * std::log(1.5), 1e-12);
  // Chi-square by hand for the 2×3 table p vs q.
  double chi = 0;
  const double rows[2][3] = {{50, 30, 20}, {40, 30, 30}};
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < 2; ++r) {
      const double e = (rows[0][c] + rows[1][c]) * 100 / 200;
      chi += (rows[r][c] - e) * (rows[r][c] - e) / e;
    }
  EXPECT_NEAR(ChiSquare(p, q).statistic, chi, 1e-9);
  EXPECT_EQ(ChiSquare(p, q).degrees_of_freedom, 2);
}

TEST(Drift, CategoricalPaymentMixShift) {
  const Counts reference = {{"momo", 5000}, {"orange_money", 3000}, {"cash", 2000}};
  const Counts same = {{"momo", 512}, {"orange_money", 291}, {"cash", 197}};
  const Counts moved = {{"momo", 350}, {"orange_money", 300}, {"cash", 350}};
  EXPECT_EQ(CompareCategorical("payment", reference, same).level, Level::kOk);
  const FeatureDrift f = CompareCategorical("payment", reference, moved);
  EXPECT_EQ(f.level, Level::kAlert) << f.psi;
  EXPECT_LT(f.p_value, 1e-6);
  EXPECT_GT(f.js, 0.05);
}

}  // namespace
}  // namespace okada::brain::monitoring
