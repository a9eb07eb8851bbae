// The global LSTM forecaster (see global.hpp). A sample is a window of L values before an origin (scaled by the
// series' level there, with each step's calendar and covariates) and the H values after it. Per step, the base is a
// learned weighting of the values 1…4 seasons before it (equal weights at the start: a denoised seasonal naive), and
// the network predicts a correction to it and the gaps down to the 0.1 and up to the 0.9 quantile.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "common.hpp"
#include "okada/brain/forecast/metrics.hpp"

namespace okada::brain::forecast {
namespace {

using global::Calendar;
using global::CovariatesAt;
using global::kCalendarCount;
using global::Scale;
using global::SeasonalAnchor;

constexpr int kAnchors = 4;  // values 1…4 seasons before a step

struct NetImpl : torch::nn::Module {
  NetImpl(int inputs, int hidden, int horizon, int future_width)
      : horizon(horizon),
        mix(register_parameter("mix", torch::zeros({kAnchors}))),
        lstm(register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(inputs, hidden).batch_first(true)))),
        head1(register_module("head1", torch::nn::Linear(hidden + future_width, 128))),
        head2(register_module("head2", torch::nn::Linear(128, horizon * 3))) {}

  // x [B, L, inputs], future [B, H·(calendar + covariates)], anchors [B, H, 4] → [B, H, 3] (q10, q50, q90)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& future, const torch::Tensor& anchors) {
    const auto out = std::get<0>(lstm->forward(x));
    const auto last = out.select(1, out.size(1) - 1);
    const auto o = head2->forward(torch::relu(head1->forward(torch::cat({last, future}, 1)))).view({-1, horizon, 3});
    const auto base = (anchors * torch::softmax(mix, 0)).sum(2);
    const auto q50 = base + o.select(2, 0);
    const auto q10 = q50 - torch::nn::functional::softplus(o.select(2, 1));
    const auto q90 = q50 + torch::nn::functional::softplus(o.select(2, 2));
    return torch::stack({q10, q50, q90}, 2);
  }

  int horizon;
  torch::Tensor mix;
  torch::nn::LSTM lstm;
  torch::nn::Linear head1, head2;
};
TORCH_MODULE(Net);

// Builds the tensors of a batch of (series, origin) samples. Targets are filled when `with_targets`.
struct Batch {
  std::vector<float> x, future, anchor, target, weight;
  std::vector<double> scale;
};

struct Shape {
  int window = 0, patch = 1, inputs = 0, future_width = 0, horizon = 0;
};

void AddSample(const Shape& shape, const GlobalOptions& o, std::size_t s, std::span<const double> values, long origin,
               bool with_targets, Batch& b) {
  const double scale = Scale(values.first(static_cast<std::size_t>(origin)), o.season);
  b.scale.push_back(scale);
  float cal[kCalendarCount];
  // The window as L/P patches of P consecutive values: the patch's values, the calendar of its first step and the
  // mean of its covariates (steps before the series began repeat its first value).
  for (long start = origin - shape.window; start < origin; start += shape.patch) {
    for (long t = start; t < start + shape.patch; ++t)
      b.x.push_back(static_cast<float>(values[static_cast<std::size_t>(std::max<long>(0, t))] / scale));
    Calendar(std::max<long>(0, start), o.season, cal);
    b.x.insert(b.x.end(), cal, cal + kCalendarCount);
    for (int c = 0; c < o.covariate_count; ++c) {
      float sum = 0;
      for (long t = start; t < start + shape.patch; ++t) sum += CovariatesAt(o, s, std::max<long>(0, t))[c];
      b.x.push_back(sum / static_cast<float>(shape.patch));
    }
  }
  for (int h = 1; h <= shape.horizon; ++h) {
    const long t = origin + h - 1;
    Calendar(t, o.season, cal);
    b.future.insert(b.future.end(), cal, cal + kCalendarCount);
    if (const float* c = CovariatesAt(o, s, t)) b.future.insert(b.future.end(), c, c + o.covariate_count);
    // The value k seasons before the step, for the k = 1…4 nearest that lie in the history (the nearest
    // again where the history is too short).
    const long first = ((t - origin) / o.season + 1) * o.season;
    const double nearest = SeasonalAnchor(values, origin, t, o.season);
    for (int k = 0; k < kAnchors; ++k) {
      const long i = t - first - static_cast<long>(k) * o.season;
      const double v = o.season > 1 && origin >= o.season && i >= 0 ? values[static_cast<std::size_t>(i)] : nearest;
      b.anchor.push_back(static_cast<float>(v / scale));
    }
    if (with_targets) b.target.push_back(static_cast<float>(values[static_cast<std::size_t>(t)] / scale));
  }
}

torch::Tensor Tensor(std::vector<float>& data, std::vector<std::int64_t> shape) {
  return torch::from_blob(data.data(), shape, torch::kFloat32).clone();
}

}  // namespace

std::vector<Forecast> LstmForecasts(const std::vector<Series>& train, const GlobalOptions& options,
                                    const LstmBudget& budget) {
  global::Validate(train, options);
  if (budget.steps < 0 || budget.batch < 1 || budget.hidden < 1)
    throw std::invalid_argument("lstm: steps ≥ 0, batch ≥ 1 and hidden ≥ 1 are required");
  Shape shape;
  // The LSTM steps over patches of P values (a quarter of a sub-daily season: 6 hours of hourly data), not single
  // values: a sequence of 12 patches instead of 72 values costs a sixth of the time for the same window.
  shape.patch = options.season >= 12 ? options.season / 4 : 1;
  const int window = budget.window > 0 ? budget.window : std::clamp(3 * options.season, 28, 72);
  shape.window = (window + shape.patch - 1) / shape.patch * shape.patch;
  shape.inputs = shape.patch + kCalendarCount + options.covariate_count;
  shape.future_width = options.horizon * (kCalendarCount + options.covariate_count);
  shape.horizon = options.horizon;
  const std::int64_t B = budget.batch, L = shape.window / shape.patch, H = options.horizon;

  torch::set_num_threads(std::max(1, options.threads));
  torch::manual_seed(options.seed);
  std::mt19937_64 rng(options.seed);
  Net net(shape.inputs, budget.hidden, shape.horizon, shape.future_width);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(budget.learning_rate));

  // Series long enough to give a whole horizon of targets after at least one value.
  // Each series' windows weigh its level over its in-sample seasonal naive error, so that the loss on scaled
  // values is the MASE the series will be judged by (clamped: a nearly constant series cannot take over).
  std::vector<std::size_t> trainable;
  std::vector<float> weight(train.size(), 1.0f);
  for (std::size_t s = 0; s < train.size(); ++s) {
    const auto& v = train[s].values;
    if (static_cast<long>(v.size()) - H >= 1) trainable.push_back(s);
    const double naive = MaseScale(v, static_cast<long>(v.size()) > options.season ? options.season : 1);
    if (std::isfinite(naive) && naive > 0)
      weight[s] = static_cast<float>(std::clamp(Scale(v, options.season) / naive, 0.5, 50.0));
  }
  const auto quantiles = torch::tensor({0.1f, 0.5f, 0.9f}).view({1, 1, 3});
  double running = 0;
  net->train();
  for (int step = 0; step < budget.steps && !trainable.empty(); ++step) {
    Batch b;
    for (std::int64_t i = 0; i < B; ++i) {
      const std::size_t s = trainable[std::uniform_int_distribution<std::size_t>(0, trainable.size() - 1)(rng)];
      const auto& values = train[s].values;
      const long last = static_cast<long>(values.size()) - H;
      const long first = std::max<long>(1, std::min<long>(options.season, last));
      AddSample(shape, options, s, values, std::uniform_int_distribution<long>(first, last)(rng), true, b);
      b.weight.push_back(weight[s]);
    }
    // Cosine decay from the learning rate to a tenth of it over the budget.
    const double progress = budget.steps > 1 ? static_cast<double>(step) / (budget.steps - 1) : 1.0;
    const double lr = budget.learning_rate * (0.1 + 0.45 * (1 + std::cos(std::numbers::pi * progress)));
    for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    const auto predicted = net->forward(Tensor(b.x, {B, L, shape.inputs}), Tensor(b.future, {B, shape.future_width}),
                                        Tensor(b.anchor, {B, H, kAnchors}));
    const auto error = Tensor(b.target, {B, H}).unsqueeze(2) - predicted;
    const auto pinball = torch::max(quantiles * error, (quantiles - 1) * error).mean({1, 2});
    const auto w = Tensor(b.weight, {B});
    const auto loss = (pinball * w).sum() / w.sum();
    adam.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
    adam.step();
    running = step == 0 ? loss.item<double>() : 0.98 * running + 0.02 * loss.item<double>();
    if (options.progress && ((step + 1) % 100 == 0 || step + 1 == budget.steps))
      options.progress("lstm: step " + std::to_string(step + 1) + "/" + std::to_string(budget.steps) +
                       ", pinball loss (scaled) " + std::to_string(running));
  }

  net->eval();
  torch::NoGradGuard no_grad;
  std::vector<Forecast> out(train.size());
  constexpr std::size_t kChunk = 256;
  for (std::size_t begin = 0; begin < train.size(); begin += kChunk) {
    const std::size_t end = std::min(train.size(), begin + kChunk);
    Batch b;
    for (std::size_t s = begin; s < end; ++s)
      AddSample(shape, options, s, train[s].values, static_cast<long>(train[s].values.size()), false, b);
    const auto n = static_cast<std::int64_t>(end - begin);
    const auto predicted = net->forward(Tensor(b.x, {n, L, shape.inputs}), Tensor(b.future, {n, shape.future_width}),
                                        Tensor(b.anchor, {n, H, kAnchors}))
                               .contiguous();
    const float* p = predicted.data_ptr<float>();
    for (std::size_t s = begin; s < end; ++s) {
      const auto& values = train[s].values;
      const bool nonnegative = std::all_of(values.begin(), values.end(), [](double v) { return v >= 0; });
      const double scale = b.scale[s - begin];
      const auto level = [&](float z) { return nonnegative ? std::max(0.0, z * scale) : z * scale; };
      Forecast& f = out[s];
      for (std::int64_t h = 0; h < H; ++h) {
        const float* q = p + ((static_cast<std::int64_t>(s - begin) * H + h) * 3);
        f.q10.push_back(level(q[0]));
        f.q50.push_back(level(q[1]));
        f.q90.push_back(level(q[2]));
        f.point.push_back(f.q50.back());
      }
    }
  }
  return out;
}

}  // namespace okada::brain::forecast
