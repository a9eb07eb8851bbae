#include "fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "okada/brain/forecast/models.hpp"

namespace okada::brain::forecast::detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> x0,
                               double step, int max_evals, double tol, double* best) {
  const std::size_t k = x0.size();
  int evals = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evals;
    const double v = f(x);
    return std::isnan(v) ? kInf : v;
  };
  std::vector<double> x_best = x0;
  double f_best = eval(x0);
  for (int run = 0; run < 2 && evals < max_evals; ++run) {
    std::vector<std::vector<double>> simplex(k + 1, x_best);
    std::vector<double> values(k + 1, f_best);
    for (std::size_t i = 0; i < k; ++i) {
      simplex[i + 1][i] += step;
      values[i + 1] = eval(simplex[i + 1]);
    }
    std::vector<std::size_t> order(k + 1);
    while (evals < max_evals) {
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
      const std::size_t lo = order[0], hi = order[k], second = order[k - 1];
      if (std::isfinite(values[hi]) &&
          std::fabs(values[hi] - values[lo]) <= tol * (std::fabs(values[lo]) + std::fabs(values[hi]) + 1e-12))
        break;
      std::vector<double> centroid(k, 0.0);
      for (std::size_t i = 0; i <= k; ++i)
        if (i != hi)
          for (std::size_t j = 0; j < k; ++j) centroid[j] += simplex[i][j] / static_cast<double>(k);
      auto along = [&](double t) {
        std::vector<double> x(k);
        for (std::size_t j = 0; j < k; ++j) x[j] = centroid[j] + t * (simplex[hi][j] - centroid[j]);
        return x;
      };
      const auto xr = along(-1.0);
      const double fr = eval(xr);
      if (fr < values[lo]) {
        const auto xe = along(-2.0);
        const double fe = eval(xe);
        if (fe < fr) {
          simplex[hi] = xe;
          values[hi] = fe;
        } else {
          simplex[hi] = xr;
          values[hi] = fr;
        }
      } else if (fr < values[second]) {
        simplex[hi] = xr;
        values[hi] = fr;
      } else {
        const bool outside = fr < values[hi];
        const auto xc = along(outside ? -0.5 : 0.5);
        const double fc = eval(xc);
        if (fc < std::min(fr, values[hi])) {
          simplex[hi] = xc;
          values[hi] = fc;
        } else {  // shrink towards the best vertex
          for (std::size_t i = 0; i <= k; ++i) {
            if (i == lo) continue;
            for (std::size_t j = 0; j < k; ++j) simplex[i][j] = simplex[lo][j] + 0.5 * (simplex[i][j] - simplex[lo][j]);
            values[i] = eval(simplex[i]);
          }
        }
      }
    }
    const std::size_t lo = static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
    if (values[lo] < f_best) {
      f_best = values[lo];
      x_best = simplex[lo];
    }
  }
  if (best) *best = f_best;
  return x_best;
}

double ToBounded(double z, double lo, double hi) { return lo + (hi - lo) / (1.0 + std::exp(-z)); }
double FromBounded(double x, double lo, double hi) {
  const double u = std::clamp((x - lo) / (hi - lo), 1e-6, 1 - 1e-6);
  return std::log(u / (1 - u));
}

HwState HwInitialState(const std::vector<double>& y, const HwSpec& spec) {
  HwState s;
  const std::size_t n = y.size();
  const bool seasonal = spec.season > 1 && n >= 2 * static_cast<std::size_t>(spec.season);
  const std::size_t m = seasonal ? static_cast<std::size_t>(spec.season) : 1;
  if (seasonal) {
    s.seasonal = SeasonalIndices(y, spec.season, spec.multiplicative);
  } else {
    s.seasonal.assign(1, spec.multiplicative ? 1.0 : 0.0);
  }
  auto adjusted = [&](std::size_t t) {
    if (!seasonal) return y[t];
    const double idx = s.seasonal[t % m];
    return spec.multiplicative ? y[t] / idx : y[t] - idx;
  };
  // Non-seasonal: average the first few values so one outlier does not set the level.
  const std::size_t w = seasonal ? m : std::min<std::size_t>(n, 4);
  double first = 0, second = 0;
  for (std::size_t t = 0; t < w; ++t) first += adjusted(t) / static_cast<double>(w);
  s.level = first;
  if (spec.trend && n >= 2 * w) {
    for (std::size_t t = w; t < 2 * w; ++t) second += adjusted(t) / static_cast<double>(w);
    s.slope = (second - first) / static_cast<double>(w);
    s.level = first - s.slope * (static_cast<double>(w) - 1) / 2.0;  // the level at t = 0, not mid-window
  }
  return s;
}

double HwRun(const std::vector<double>& y, const HwSpec& spec, const HwParams& p, HwState& st,
             std::vector<double>* residuals) {
  const bool seasonal = spec.season > 1 && st.seasonal.size() == static_cast<std::size_t>(spec.season);
  const std::size_t m = seasonal ? st.seasonal.size() : 1;
  const bool mult = spec.multiplicative && seasonal;
  const double phi = spec.trend ? p.phi : 0.0;
  double l = st.level, b = spec.trend ? st.slope : 0.0;
  double sse = 0;
  if (residuals) residuals->assign(y.size(), 0.0);
  for (std::size_t t = 0; t < y.size(); ++t) {
    const double base = l + phi * b;
    double& s = st.seasonal[seasonal ? t % m : 0];
    const double season = seasonal ? s : (mult ? 1.0 : 0.0);
    const double yhat = mult ? base * season : base + season;
    const double e = y[t] - yhat;
    sse += e * e;
    if (residuals) (*residuals)[t] = e;
    const double l_new =
        mult ? p.alpha * y[t] / season + (1 - p.alpha) * base : p.alpha * (y[t] - season) + (1 - p.alpha) * base;
    if (spec.trend) b = p.beta * (l_new - l) + (1 - p.beta) * phi * b;
    l = l_new;
    if (seasonal) s = mult ? p.gamma * y[t] / l + (1 - p.gamma) * s : p.gamma * (y[t] - l) + (1 - p.gamma) * s;
    if (mult && (!(l > 0) || !(s > 0))) return kInf;
    if (!std::isfinite(sse)) return kInf;
  }
  st.level = l;
  st.slope = b;
  return sse;
}

double HwMultiStepSse(const std::vector<double>& y, const HwSpec& spec, const HwParams& p, HwState& st,
                      const std::vector<int>& horizons) {
  const bool seasonal = spec.season > 1 && st.seasonal.size() == static_cast<std::size_t>(spec.season);
  const std::size_t m = seasonal ? st.seasonal.size() : 1;
  const bool mult = spec.multiplicative && seasonal;
  const double phi = spec.trend ? p.phi : 0.0;
  // Σ_{i=1..h} φ^i per listed horizon.
  std::vector<double> damp(horizons.size(), 0.0);
  for (std::size_t k = 0; k < horizons.size(); ++k) {
    double f = 1;
    for (int i = 1; i <= horizons[k]; ++i) damp[k] += (f *= phi);
  }
  double l = st.level, b = spec.trend ? st.slope : 0.0;
  double sse = 0;
  const std::size_t n = y.size();
  for (std::size_t t = 0; t < n; ++t) {
    // Forecasts from the state before y[t] (origin t−1) for t−1+h. The seasonal slot of a phase holds its latest
    // estimate, which is what a forecast made at this origin would use.
    for (std::size_t k = 0; k < horizons.size(); ++k) {
      const std::size_t target = t + static_cast<std::size_t>(horizons[k]) - 1;
      if (target >= n) continue;
      const double base = l + damp[k] * b;
      const double s = seasonal ? st.seasonal[target % m] : (mult ? 1.0 : 0.0);
      const double e = y[target] - (mult ? base * s : base + s);
      sse += e * e;
    }
    const double base = l + phi * b;
    double& s = st.seasonal[seasonal ? t % m : 0];
    const double season = seasonal ? s : (mult ? 1.0 : 0.0);
    const double l_new =
        mult ? p.alpha * y[t] / season + (1 - p.alpha) * base : p.alpha * (y[t] - season) + (1 - p.alpha) * base;
    if (spec.trend) b = p.beta * (l_new - l) + (1 - p.beta) * phi * b;
    l = l_new;
    if (seasonal) s = mult ? p.gamma * y[t] / l + (1 - p.gamma) * s : p.gamma * (y[t] - l) + (1 - p.gamma) * s;
    if (mult && (!(l > 0) || !(s > 0))) return kInf;
    if (!std::isfinite(sse)) return kInf;
  }
  st.level = l;
  st.slope = b;
  return sse;
}

std::vector<double> HwForecast(const HwSpec& spec, const HwParams& p, const HwState& st, std::size_t n, int horizon) {
  const bool seasonal = spec.season > 1 && st.seasonal.size() == static_cast<std::size_t>(spec.season);
  const bool mult = spec.multiplicative && seasonal;
  std::vector<double> out(static_cast<std::size_t>(horizon));
  double damp = 0, phi_h = 1;
  for (int h = 1; h <= horizon; ++h) {
    if (spec.trend) {
      phi_h *= p.phi;
      damp += phi_h;
    }
    const double base = st.level + damp * st.slope;
    const double s =
        seasonal ? st.seasonal[(n + static_cast<std::size_t>(h) - 1) % st.seasonal.size()] : (mult ? 1 : 0);
    out[static_cast<std::size_t>(h - 1)] = mult ? base * s : base + s;
  }
  return out;
}

bool FitHoltWinters(const std::vector<double>& y, const HwSpec& spec, HwFit& out, const std::vector<int>& horizons) {
  const HwState init = HwInitialState(y, spec);
  const bool seasonal = spec.season > 1 && init.seasonal.size() == static_cast<std::size_t>(spec.season);
  // Coordinates: α; then β/α and φ with a trend; then γ/(1−α) with a season.
  auto params = [&](const std::vector<double>& z) {
    HwParams p;
    std::size_t i = 0;
    p.alpha = ToBounded(z[i++], 1e-4, 0.9999);
    if (spec.trend) {
      p.beta = p.alpha * ToBounded(z[i++], 0.0, 1.0);
      p.phi = ToBounded(z[i++], 0.8, 0.98);
    }
    if (seasonal) p.gamma = (1 - p.alpha) * ToBounded(z[i++], 0.0, 1.0);
    return p;
  };
  std::vector<double> z0{FromBounded(0.2, 1e-4, 0.9999)};
  if (spec.trend) {
    z0.push_back(FromBounded(0.1, 0, 1));
    z0.push_back(FromBounded(0.95, 0.8, 0.98));
  }
  if (seasonal) z0.push_back(FromBounded(0.05, 0, 1));
  HwState scratch;
  auto sse = [&](const std::vector<double>& z) {
    scratch = init;
    return horizons.empty() ? HwRun(y, spec, params(z), scratch, nullptr)
                            : HwMultiStepSse(y, spec, params(z), scratch, horizons);
  };
  double best = kInf;
  const auto z = NelderMead(sse, z0, 1.0, 150 * static_cast<int>(z0.size()), 1e-7, &best);
  if (!std::isfinite(best)) return false;
  double terms = 0;
  for (int h : horizons.empty() ? std::vector<int>{1} : horizons)
    terms +=
        y.size() >= static_cast<std::size_t>(h) ? static_cast<double>(y.size() - static_cast<std::size_t>(h) + 1) : 0;
  terms = std::max(terms, 1.0);
  out.spec = spec;
  out.params = params(z);
  out.state = init;
  out.sse = HwRun(y, spec, out.params, out.state, &out.residuals);
  // Parameters: α and the initial level; β, φ and the initial slope; γ and the M − 1 free initial seasons + σ², as
  // R's ets counts them.
  const double k = 2 + (spec.trend ? 3 : 0) + (seasonal ? static_cast<double>(spec.season) : 0);
  out.choice = terms * std::log(std::max(best / terms, 1e-300)) + 2 * k;
  return std::isfinite(out.sse);
}

SesFit FitSes(const std::vector<double>& y) {
  const std::size_t n = y.size();
  double mean = 0, var = 0;
  for (double v : y) mean += v / static_cast<double>(n);
  for (double v : y) var += (v - mean) * (v - mean) / static_cast<double>(n);
  const double scale = std::sqrt(var) + 1e-9;
  auto run = [&](double alpha, double l0, std::vector<double>* fitted) {
    double l = l0, sse = 0;
    for (std::size_t t = 0; t < n; ++t) {
      if (fitted) (*fitted)[t] = l;
      const double e = y[t] - l;
      sse += e * e;
      l += alpha * e;
    }
    return std::pair{sse, l};
  };
  auto f = [&](const std::vector<double>& z) {
    return run(ToBounded(z[0], 1e-4, 0.9999), y[0] + z[1] * scale, nullptr).first;
  };
  double best = 0;
  const auto z = NelderMead(f, {FromBounded(0.3, 1e-4, 0.9999), 0.0}, 1.0, 300, 1e-9, &best);
  SesFit out;
  out.alpha = ToBounded(z[0], 1e-4, 0.9999);
  out.fitted.assign(n, 0.0);
  out.level = run(out.alpha, y[0] + z[1] * scale, &out.fitted).second;
  return out;
}

std::vector<int> FitHorizons(int horizon) {
  std::vector<int> out;
  for (int eighths : {0, 1, 2, 3, 4, 6, 8}) {
    const int h = std::max(1, horizon * eighths / 8);
    if (out.empty() || h > out.back()) out.push_back(h);
  }
  return out;
}

}  // namespace okada::brain::forecast::detail
