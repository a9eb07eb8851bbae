#include "okada/brain/monitoring/drift.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace okada::brain::monitoring {
namespace {

constexpr double kSmooth = 1e-4;

std::vector<double> Sorted(std::span<const double> v) {
  std::vector<double> s;
  s.reserve(v.size());
  for (double x : v)
    if (std::isfinite(x)) s.push_back(x);
  std::sort(s.begin(), s.end());
  return s;
}

double Term(double p, double q) {
  p = std::max(p, kSmooth);
  q = std::max(q, kSmooth);
  return (q - p) * std::log(q / p);
}

// Asymptotic Kolmogorov distribution: P(K > x) = 2 Σ (-1)^(k-1) e^(-2 k² x²).
double KolmogorovSurvival(double x) {
  if (x < 0.2) return 1.0;
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

// Regularised lower incomplete gamma P(a, x) by its series or continued fraction (Numerical Recipes' method).
double GammaP(double a, double x) {
  if (x <= 0) return 0;
  const double gln = std::lgamma(a);
  if (x < a + 1) {
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < 1000; ++n) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (std::fabs(del) < std::fabs(sum) * 1e-15) break;
    }
    return sum * std::exp(-x + a * std::log(x) - gln);
  }
  double b = x + 1 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (std::fabs(c) < 1e-300) c = 1e-300;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return 1.0 - std::exp(-x + a * std::log(x) - gln) * h;
}

double Total(const Counts& c) {
  double t = 0;
  for (const auto& [k, v] : c) t += v;
  return t;
}

std::set<std::string> Keys(const Counts& a, const Counts& b) {
  std::set<std::string> k;
  for (const auto& [name, v] : a) k.insert(name);
  for (const auto& [name, v] : b) k.insert(name);
  return k;
}

double Get(const Counts& c, const std::string& k) {
  auto it = c.find(k);
  return it == c.end() ? 0 : it->second;
}

Level LevelOf(double psi, double p_value, std::size_t n_ref, std::size_t n_cur, const Thresholds& t) {
  if (psi >= t.psi_alert) return Level::kAlert;
  if (psi >= t.psi_warn) {
    const bool tested = n_ref >= t.min_samples && n_cur >= t.min_samples;
    return tested && p_value < t.alert_p_value ? Level::kAlert : Level::kWarn;
  }
  return Level::kOk;
}

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarn:
      return "warn";
    case Level::kAlert:
      return "alert";
  }
  return "ok";
}

double Psi(std::span<const double> reference, std::span<const double> current, int bins) {
  const std::vector<double> ref = Sorted(reference), cur = Sorted(current);
  if (ref.empty() || cur.empty() || bins < 2) return 0;
  // Edges at the reference's quantiles; repeated edges (heavy ties) collapse into one bin.
  std::vector<double> edges;
  for (int b = 1; b < bins; ++b) {
    const double e =
        ref[std::min(ref.size() - 1, ref.size() * static_cast<std::size_t>(b) / static_cast<std::size_t>(bins))];
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  const auto histogram = [&](const std::vector<double>& v) {
    std::vector<double> h(edges.size() + 1, 0);
    for (double x : v)
      h[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin())] += 1;
    for (double& c : h) c /= static_cast<double>(v.size());
    return h;
  };
  const std::vector<double> p = histogram(ref), q = histogram(cur);
  double psi = 0;
  for (std::size_t i = 0; i < p.size(); ++i) psi += Term(p[i], q[i]);
  return psi;
}

KsResult KolmogorovSmirnov(std::span<const double> reference, std::span<const double> current) {
  const std::vector<double> a = Sorted(reference), b = Sorted(current);
  KsResult r;
  if (a.empty() || b.empty()) return r;
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  const double n = static_cast<double>(a.size()) * b.size() / (a.size() + b.size());
  const double sqrt_n = std::sqrt(n);
  r.statistic = d;
  r.p_value = KolmogorovSurvival((sqrt_n + 0.12 + 0.11 / sqrt_n) * d);
  return r;
}

double Wasserstein(std::span<const double> reference, std::span<const double> current) {
  const std::vector<double> a = Sorted(reference), b = Sorted(current);
  if (a.empty() || b.empty()) return 0;
  // Integral of |F_a - F_b| over the merged support.
  std::vector<double> xs(a);
  xs.insert(xs.end(), b.begin(), b.end());
  std::sort(xs.begin(), xs.end());
  double w = 0;
  std::size_t i = 0, j = 0;
  for (std::size_t k = 0; k + 1 < xs.size(); ++k) {
    while (i < a.size() && a[i] <= xs[k]) ++i;
    while (j < b.size() && b[j] <= xs[k]) ++j;
    w += std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()) * (xs[k + 1] - xs[k]);
  }
  return w;
}

double PsiCategorical(const Counts& reference, const Counts& current) {
  const double ta = Total(reference), tb = Total(current);
  if (ta <= 0 || tb <= 0) return 0;
  double psi = 0;
  for (const std::string& k : Keys(reference, current)) psi += Term(Get(reference, k) / ta, Get(current, k) / tb);
  return psi;
}

double ChiSquareSurvival(double x, int k) {
  if (k <= 0) return 1;
  if (x <= 0) return 1;
  return std::clamp(1.0 - GammaP(k / 2.0, x / 2.0), 0.0, 1.0);
}

ChiSquareResult ChiSquare(const Counts& reference, const Counts& current) {
  ChiSquareResult r;
  const double ta = Total(reference), tb = Total(current), total = ta + tb;
  if (ta <= 0 || tb <= 0) return r;
  int categories = 0;
  for (const std::string& k : Keys(reference, current)) {
    const double a = Get(reference, k), b = Get(current, k), col = a + b;
    if (col <= 0) continue;
    ++categories;
    const double ea = col * ta / total, eb = col * tb / total;
    r.statistic += (a - ea) * (a - ea) / ea + (b - eb) * (b - eb) / eb;
  }
  r.degrees_of_freedom = std::max(0, categories - 1);
  r.p_value = ChiSquareSurvival(r.statistic, r.degrees_of_freedom);
  return r;
}

double JensenShannon(const Counts& reference, const Counts& current) {
  const double ta = Total(reference), tb = Total(current);
  if (ta <= 0 || tb <= 0) return 0;
  double js = 0;
  for (const std::string& k : Keys(reference, current)) {
    const double p = Get(reference, k) / ta, q = Get(current, k) / tb, m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * std::log2(p / m);
    if (q > 0) js += 0.5 * q * std::log2(q / m);
  }
  return std::sqrt(std::max(0.0, js));
}

FeatureDrift CompareNumeric(const std::string& feature, std::span<const double> reference,
                            std::span<const double> current, const Thresholds& t) {
  FeatureDrift f;
  f.feature = feature;
  f.reference_n = reference.size();
  f.current_n = current.size();
  f.psi = Psi(reference, current, t.bins);
  const KsResult ks = KolmogorovSmirnov(reference, current);
  f.ks = ks.statistic;
  f.p_value = ks.p_value;
  f.wasserstein = Wasserstein(reference, current);
  double mean = 0, sq = 0;
  for (double x : reference) mean += x;
  mean /= std::max<std::size_t>(1, reference.size());
  for (double x : reference) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / std::max<std::size_t>(1, reference.size()));
  f.wasserstein_sd = sd > 0 ? f.wasserstein / sd : 0;
  f.level = LevelOf(f.psi, f.p_value, f.reference_n, f.current_n, t);
  return f;
}

FeatureDrift CompareCategorical(const std::string& feature, const Counts& reference, const Counts& current,
                                const Thresholds& t) {
  FeatureDrift f;
  f.feature = feature;
  f.categorical = true;
  f.reference_n = static_cast<std::size_t>(Total(reference));
  f.current_n = static_cast<std::size_t>(Total(current));
  f.psi = PsiCategorical(reference, current);
  const ChiSquareResult chi = ChiSquare(reference, current);
  f.chi_square = chi.statistic;
  f.p_value = chi.p_value;
  f.js = JensenShannon(reference, current);
  f.level = LevelOf(f.psi, f.p_value, f.reference_n, f.current_n, t);
  return f;
}

DatasetDrift Summarise(std::vector<FeatureDrift> features, const Thresholds& t) {
  DatasetDrift d;
  d.features = std::move(features);
  std::size_t alerts = 0;
  for (const FeatureDrift& f : d.features) {
    alerts += f.level == Level::kAlert;
    d.level = std::max(d.level, f.level);
  }
  d.drift_share = d.features.empty() ? 0 : static_cast<double>(alerts) / d.features.size();
  d.drifted = !d.features.empty() && d.drift_share >= t.dataset_share;
  return d;
}

}  // namespace okada::brain::monitoring
