#pragma once
// Feature drift between a reference sample (the training window) and a current sample (a day of serving):
// per feature PSI, plus KS and Wasserstein for numbers or chi-square and Jensen-Shannon for categories, a level
// per feature, and the dataset-level share of drifted features. Plain C++20: the brain service and okada-brain
// both use it.
//
// Levels: PSI >= 0.25 alerts and PSI >= 0.1 warns (the usual credit-scoring bands). A moderate PSI backed by an
// overwhelming test (KS or chi-square p < alert_p_value on samples of at least min_samples) also alerts: half a
// standard deviation of mean shift in one feature has a PSI just under 0.25 but is a real change of input.

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace okada::brain::monitoring {

enum class Level { kOk = 0, kWarn = 1, kAlert = 2 };
const char* LevelName(Level level);

struct Thresholds {
  double psi_warn = 0.1;
  double psi_alert = 0.25;
  double alert_p_value = 1e-3;    // with PSI >= psi_warn
  std::size_t min_samples = 200;  // below this, tests cannot raise a level (PSI still can)
  int bins = 10;                  // numeric PSI: quantile bins of the reference
  double dataset_share = 0.5;     // dataset drift when at least this share of features is at kAlert
};

// Population stability index over the reference's quantile bins (empty bins smoothed with 1e-4).
double Psi(std::span<const double> reference, std::span<const double> current, int bins);
// Two-sample Kolmogorov–Smirnov statistic D and its asymptotic p-value.
struct KsResult {
  double statistic = 0;
  double p_value = 1;
};
KsResult KolmogorovSmirnov(std::span<const double> reference, std::span<const double> current);
// 1-Wasserstein (earth mover's) distance between the two empirical distributions.
double Wasserstein(std::span<const double> reference, std::span<const double> current);

// Categorical: counts per category.
using Counts = std::map<std::string, double>;
double PsiCategorical(const Counts& reference, const Counts& current);
struct ChiSquareResult {
  double statistic = 0;
  int degrees_of_freedom = 0;
  double p_value = 1;
};
// Chi-square test of homogeneity of the two samples (2 × categories contingency table).
ChiSquareResult ChiSquare(const Counts& reference, const Counts& current);
// Jensen–Shannon distance (square root of the divergence, base 2: 0 same, 1 disjoint).
double JensenShannon(const Counts& reference, const Counts& current);

// Upper tail of the chi-square distribution, P(X >= x) with k degrees of freedom.
double ChiSquareSurvival(double x, int k);

struct FeatureDrift {
  std::string feature;
  bool categorical = false;
  std::size_t reference_n = 0, current_n = 0;
  double psi = 0;
  double ks = 0, wasserstein = 0, wasserstein_sd = 0;  // numeric: Wasserstein in reference standard deviations
  double chi_square = 0, js = 0;                       // categorical
  double p_value = 1;                                  // KS or chi-square
  Level level = Level::kOk;
};

FeatureDrift CompareNumeric(const std::string& feature, std::span<const double> reference,
                            std::span<const double> current, const Thresholds& t = {});
FeatureDrift CompareCategorical(const std::string& feature, const Counts& reference, const Counts& current,
                                const Thresholds& t = {});

struct DatasetDrift {
  std::vector<FeatureDrift> features;
  double drift_share = 0;    // share of features at kAlert
  bool drifted = false;      // drift_share >= Thresholds::dataset_share
  Level level = Level::kOk;  // the worst feature's level
};
DatasetDrift Summarise(std::vector<FeatureDrift> features, const Thresholds& t = {});

}  // namespace okada::brain::monitoring
