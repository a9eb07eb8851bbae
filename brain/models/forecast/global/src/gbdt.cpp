// The global gradient-boosted forecaster (see global.hpp). One row per (series, origin, step h): the features are
// read from the history before the origin only, the label is the value at origin + h − 1, both divided by the
// series' level at the origin.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include "common.hpp"
#include "okada/brain/forecast/metrics.hpp"
#include "okada/brain/xgb.hpp"

namespace okada::brain::forecast {
namespace {

using global::CovariatesAt;
using global::Scale;
using global::SeasonalAnchor;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

struct Layout {
  int lags = 0;
  int covariates = 0;
  int count() const { return 1 + lags + 3 + 5 + global::kCalendarCount + 2 + covariates; }
};

Layout MakeLayout(const GlobalOptions& o) { return Layout{std::clamp(2 * o.season, 14, 72), o.covariate_count}; }

// Writes the features of step h after `origin` (the history is values[0, origin)) into out; returns the scale.
double Features(const Layout& layout, const GlobalOptions& o, std::size_t s, std::span<const double> values,
                long origin, int h, float* out) {
  const std::span<const double> before = values.first(static_cast<std::size_t>(origin));
  const double scale = Scale(before, o.season);
  const auto z = [&](long i) {
    return i < 0 ? kMissing : static_cast<float>(values[static_cast<std::size_t>(i)] / scale);
  };
  const long t = origin + h - 1;
  const int season = o.season;
  float* f = out;
  *f++ = static_cast<float>(h);
  for (int k = 1; k <= layout.lags; ++k) *f++ = z(origin - k);
  // The value one season, two seasons and (sub-daily data) one week before the target, inside the history.
  *f++ = static_cast<float>(SeasonalAnchor(values, origin, t, season) / scale);
  const long back = ((t - origin) / season + 1) * season;
  *f++ = z(t - back - season);
  if (season >= 12) {
    const long week = 7L * season;
    *f++ = z(t - ((t - origin) / week + 1) * week);
  } else {
    *f++ = kMissing;
  }
  // Rolling statistics of the last season (at least 7 values) and of the last week.
  const long recent = std::min<long>(origin, std::max(7, season));
  double sum = 0, sq = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (long i = origin - recent; i < origin; ++i) {
    const double v = values[static_cast<std::size_t>(i)] / scale;
    sum += v;
    sq += v * v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double mean = sum / static_cast<double>(recent);
  *f++ = static_cast<float>(mean);
  *f++ = static_cast<float>(std::sqrt(std::max(0.0, sq / static_cast<double>(recent) - mean * mean)));
  *f++ = static_cast<float>(lo);
  *f++ = static_cast<float>(hi);
  const long longer = std::min<long>(origin, 7L * std::max(7, season));
  double long_sum = 0;
  for (long i = origin - longer; i < origin; ++i) long_sum += values[static_cast<std::size_t>(i)] / scale;
  *f++ = static_cast<float>(long_sum / static_cast<double>(longer));
  global::Calendar(t, season, f);
  f += global::kCalendarCount;
  *f++ = static_cast<float>(season > 1 ? t % season : 0);
  *f++ = static_cast<float>(season >= 12 ? (t / season) % 7 : 0);
  if (const float* c = CovariatesAt(o, s, t)) f = std::copy(c, c + layout.covariates, f);
  return scale;
}

double ParseMetric(const char* eval, const char* name) {  // "[12]\ttrain-mae:0.1\tvalid-mae:0.2" → 0.2
  const std::string text(eval), key = std::string(name) + "-mae:";
  const auto at = text.find(key);
  return at == std::string::npos ? std::numeric_limits<double>::infinity()
                                 : std::strtod(text.c_str() + at + key.size(), nullptr);
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

std::vector<Forecast> GbdtForecasts(const std::vector<Series>& train, const GlobalOptions& options,
                                    const GbdtBudget& budget) {
  global::Validate(train, options);
  const Layout layout = MakeLayout(options);
  const int width = layout.count();
  // The label is the scaled value minus the seasonal naive one (feature `anchor`): the trees learn corrections to
  // it, so that a level or trend beyond what they saw in training still carries through.
  const std::size_t anchor = 1 + static_cast<std::size_t>(layout.lags);
  const int horizon = options.horizon;
  std::mt19937_64 rng(options.seed);
  const int rows_per_series = static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(budget.rows_per_series),
                            std::max<std::size_t>(50, static_cast<std::size_t>(budget.max_rows) / train.size())));

  // Training rows: targets before each series' last H values. Validation rows: the last H values from the origin
  // just before them (for early stopping and the quantiles), never trained on.
  std::vector<float> x, y, w, vx, vy, vw;
  std::vector<int> v_step;
  std::vector<float> row(static_cast<std::size_t>(width));
  for (std::size_t s = 0; s < train.size(); ++s) {
    const auto& values = train[s].values;
    const long n = static_cast<long>(values.size());
    const bool validate = n - horizon >= std::max(2, options.season);
    const long n_train = validate ? n - horizon : n;
    // Rows are weighted by the series' level over its in-sample seasonal naive error, so that the loss on scaled
    // values is the MASE each series will be judged by (a smooth series' small errors count as much as a noisy
    // one's large ones); clamped so that a nearly constant series cannot take over.
    const std::span<const double> history(values.data(), static_cast<std::size_t>(n_train));
    const double naive_error = MaseScale(history, n_train > options.season ? options.season : 1);
    const double weight = std::isfinite(naive_error) && naive_error > 0
                              ? std::clamp(Scale(history, options.season) / naive_error, 0.5, 50.0)
                              : 1.0;
    for (int r = 0; r < rows_per_series; ++r) {
      const int h = std::uniform_int_distribution<int>(1, horizon)(rng);
      const long last_origin = n_train - h;  // target index origin + h − 1 ≤ n_train − 1
      const long first_origin = std::max<long>(1, std::min<long>(options.season, last_origin));
      if (last_origin < 1) continue;
      const long origin = std::uniform_int_distribution<long>(first_origin, last_origin)(rng);
      const double scale = Features(layout, options, s, values, origin, h, row.data());
      x.insert(x.end(), row.begin(), row.end());
      y.push_back(static_cast<float>(values[static_cast<std::size_t>(origin + h - 1)] / scale) - row[anchor]);
      w.push_back(static_cast<float>(weight));
    }
    if (!validate) continue;
    for (int h = 1; h <= horizon; ++h) {
      const double scale = Features(layout, options, s, values, n_train, h, row.data());
      vx.insert(vx.end(), row.begin(), row.end());
      vy.push_back(static_cast<float>(values[static_cast<std::size_t>(n_train + h - 1)] / scale) - row[anchor]);
      vw.push_back(static_cast<float>(weight));
      v_step.push_back(h);
    }
  }
  if (y.empty()) throw std::invalid_argument("gbdt: the series are too short to learn from");
  if (options.progress)
    options.progress("gbdt: " + std::to_string(y.size()) + " training rows, " + std::to_string(vy.size()) +
                     " validation rows, " + std::to_string(width) + " features");

  using xgb::Check;
  xgb::DMatrix dtrain, dvalid;
  Check(XGDMatrixCreateFromMat_omp(x.data(), y.size(), static_cast<bst_ulong>(width), kMissing, &dtrain.handle,
                                   options.threads),
        "creating the training matrix");
  Check(XGDMatrixSetFloatInfo(dtrain.handle, "label", y.data(), y.size()), "setting labels");
  Check(XGDMatrixSetFloatInfo(dtrain.handle, "weight", w.data(), w.size()), "setting weights");
  const bool has_valid = !vy.empty();
  if (has_valid) {
    Check(XGDMatrixCreateFromMat_omp(vx.data(), vy.size(), static_cast<bst_ulong>(width), kMissing, &dvalid.handle,
                                     options.threads),
          "creating the validation matrix");
    Check(XGDMatrixSetFloatInfo(dvalid.handle, "label", vy.data(), vy.size()), "setting labels");
    Check(XGDMatrixSetFloatInfo(dvalid.handle, "weight", vw.data(), vw.size()), "setting weights");
  }
  xgb::Booster booster;
  DMatrixHandle cache[2] = {dtrain.handle, dvalid.handle};
  Check(XGBoosterCreate(cache, has_valid ? 2 : 1, &booster.handle), "creating the booster");
  char eta[32];
  std::snprintf(eta, sizeof eta, "%.6f", budget.learning_rate);
  const std::pair<const char*, std::string> params[] = {
      {"objective", "reg:absoluteerror"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(budget.max_depth)},
      {"eta", eta},
      {"min_child_weight", "20"},
      {"subsample", "0.8"},
      {"colsample_bytree", "0.8"},
      {"base_score", "0"},
      {"eval_metric", "mae"},
      {"nthread", std::to_string(options.threads)},
      {"seed", std::to_string(options.seed % 2147483647)},
      {"verbosity", "1"},
  };
  for (const auto& [key, value] : params) Check(XGBoosterSetParam(booster.handle, key, value.c_str()), key);
  const char* names[2] = {"train", "valid"};
  int best_round = 0;
  double best = std::numeric_limits<double>::infinity();
  for (int round = 0; round < budget.rounds; ++round) {
    Check(XGBoosterUpdateOneIter(booster.handle, round, dtrain.handle), "training");
    if (!has_valid) {
      best_round = round;
      continue;
    }
    const char* eval = nullptr;
    Check(XGBoosterEvalOneIter(booster.handle, round, cache + 1, names + 1, 1, &eval), "evaluating");
    const double mae = ParseMetric(eval, "valid");
    if (mae < best) {
      best = mae;
      best_round = round;
    }
    if (options.progress && (round % 50 == 0 || round + 1 == budget.rounds))
      options.progress("gbdt: round " + std::to_string(round + 1) + "/" + std::to_string(budget.rounds) +
                       ", validation MAE (scaled) " + std::to_string(mae));
    if (round - best_round >= 40) break;
  }
  if (options.progress && has_valid)
    options.progress("gbdt: keeping " + std::to_string(best_round + 1) + " rounds (validation MAE " +
                     std::to_string(best) + ")");

  const std::string config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": " +
                             std::to_string(best_round + 1) + ", \"strict_shape\": false}";
  auto predict = [&](const std::vector<float>& features, std::size_t rows) {
    xgb::DMatrix m;
    Check(XGDMatrixCreateFromMat_omp(features.data(), rows, static_cast<bst_ulong>(width), kMissing, &m.handle,
                                     options.threads),
          "creating the prediction matrix");
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* out = nullptr;
    Check(XGBoosterPredictFromDMatrix(booster.handle, m.handle, config.c_str(), &shape, &dims, &out), "predicting");
    return std::vector<float>(out, out + rows);
  };

  // Quantiles of the scaled validation errors, per step when there are enough series, else over all steps.
  std::vector<double> lo(static_cast<std::size_t>(horizon), 0), hi(static_cast<std::size_t>(horizon), 0);
  if (has_valid) {
    const auto fitted = predict(vx, vy.size());
    std::vector<std::vector<double>> errors(static_cast<std::size_t>(horizon));
    std::vector<double> all;
    for (std::size_t i = 0; i < vy.size(); ++i) {
      const double e = static_cast<double>(vy[i]) - static_cast<double>(fitted[i]);
      errors[static_cast<std::size_t>(v_step[i] - 1)].push_back(e);
      all.push_back(e);
    }
    const bool per_step = errors[0].size() >= 40;
    for (int h = 0; h < horizon; ++h) {
      const auto& e = per_step ? errors[static_cast<std::size_t>(h)] : all;
      lo[static_cast<std::size_t>(h)] = Quantile(e, 0.1);
      hi[static_cast<std::size_t>(h)] = Quantile(e, 0.9);
    }
  }

  std::vector<float> px(train.size() * static_cast<std::size_t>(horizon) * static_cast<std::size_t>(width));
  std::vector<double> scales(train.size());
  for (std::size_t s = 0; s < train.size(); ++s)
    for (int h = 1; h <= horizon; ++h)
      scales[s] = Features(layout, options, s, train[s].values, static_cast<long>(train[s].values.size()), h,
                           px.data() + (s * static_cast<std::size_t>(horizon) + static_cast<std::size_t>(h - 1)) *
                                           static_cast<std::size_t>(width));
  const auto predicted = predict(px, train.size() * static_cast<std::size_t>(horizon));
  std::vector<Forecast> out(train.size());
  for (std::size_t s = 0; s < train.size(); ++s) {
    const bool nonnegative =
        std::all_of(train[s].values.begin(), train[s].values.end(), [](double v) { return v >= 0; });
    const auto floor = [&](double v) { return nonnegative ? std::max(0.0, v) : v; };
    Forecast& f = out[s];
    for (int h = 0; h < horizon; ++h) {
      const std::size_t at = s * static_cast<std::size_t>(horizon) + static_cast<std::size_t>(h);
      const double z = predicted[at] + px[at * static_cast<std::size_t>(width) + anchor];
      const double point = floor(z * scales[s]);
      f.point.push_back(point);
      f.q50.push_back(point);
      f.q10.push_back(std::min(point, floor((z + lo[static_cast<std::size_t>(h)]) * scales[s])));
      f.q90.push_back(std::max(point, floor((z + hi[static_cast<std::size_t>(h)]) * scales[s])));
    }
  }
  return out;
}

}  // namespace okada::brain::forecast
