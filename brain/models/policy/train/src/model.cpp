#include "model.hpp"

#include <cmath>
#include <stdexcept>

namespace okada::brain::policy::train {

namespace F = torch::nn::functional;

NetImpl::NetImpl(const Config& config) : config_(config) {
  CheckConfig(config_);
  for (const Tensor& t : Layout(config_)) {
    std::vector<std::int64_t> shape(t.shape.begin(), t.shape.end());
    torch::Tensor value;
    const bool gain = t.name.ends_with("_g");
    if (gain) {
      value = torch::ones(shape);
    } else if (t.name.ends_with("ln1_b") || t.name.ends_with("ln2_b")) {
      value = torch::zeros(shape);
    } else {
      // Uniform(±1/√fan_in) as in Kool et al.; a bias takes its weight's fan-in.
      double fan_in = t.shape.size() == 2 ? t.shape[1] : 0;
      if (t.shape.size() == 1) {
        std::string weight = t.name.substr(0, t.name.size() - 1) + "w";
        for (const Tensor& u : Layout(config_))
          if (u.name == weight) fan_in = u.shape[1];
      }
      double bound = 1.0 / std::sqrt(std::max(1.0, fan_in));
      value = torch::empty(shape).uniform_(-bound, bound);
    }
    params_[t.name] = register_parameter(t.name, value);
  }
}

void NetImpl::CopyFrom(const NetImpl& other) {
  torch::NoGradGuard guard;
  for (auto& [name, p] : params_) p.copy_(other.params_.at(name));
}

std::string NetImpl::Export() const {
  std::vector<Tensor> tensors = Layout(config_);
  for (Tensor& t : tensors) {
    torch::Tensor v = params_.at(t.name).detach().to(torch::kFloat32).contiguous().view(-1);
    t.values.assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
  }
  return WriteWeights(config_, tensors);
}

void NetImpl::Import(const std::vector<Tensor>& tensors) {
  torch::NoGradGuard guard;
  for (const Tensor& t : tensors) {
    torch::Tensor& p = params_.at(t.name);
    torch::Tensor v = torch::from_blob(const_cast<float*>(t.values.data()),
                                       {static_cast<std::int64_t>(t.values.size())}, torch::kFloat32);
    p.copy_(v.view(p.sizes()));
  }
}

Rollout NetImpl::Run(const torch::Tensor& coords, bool greedy) {
  const std::int64_t B = coords.size(0), N = coords.size(1), n = (N - 1) / 2;
  const std::int64_t d = config_.embed_dim, H = config_.heads, dk = d / H;
  const double scale = 1.0 / std::sqrt(static_cast<double>(dk));
  auto pick = coords.slice(1, 1, n + 1), deliv = coords.slice(1, n + 1, N);
  torch::Tensor h = torch::cat({F::linear(coords.slice(1, 0, 1), P("init_depot_w"), P("init_depot_b")),
                                F::linear(torch::cat({pick, deliv}, 2), P("init_pick_w"), P("init_pick_b")),
                                F::linear(torch::cat({deliv, pick}, 2), P("init_deliv_w"), P("init_deliv_b"))},
                               1);
  auto heads = [&](const torch::Tensor& x) { return x.view({B, -1, H, dk}).transpose(1, 2); };  // [B,H,M,dk]
  for (int l = 0; l < config_.layers; ++l) {
    const std::string p = "enc" + std::to_string(l) + "_";
    auto q = heads(F::linear(h, P(p + "wq"))), k = heads(F::linear(h, P(p + "wk"))),
         v = heads(F::linear(h, P(p + "wv")));
    auto a = torch::softmax(torch::matmul(q, k.transpose(-1, -2)) * scale, -1);
    auto o = torch::matmul(a, v).transpose(1, 2).reshape({B, N, d});
    h = torch::layer_norm(h + F::linear(o, P(p + "wo")), {d}, P(p + "ln1_g"), P(p + "ln1_b"), 1e-5);
    auto ff = F::linear(torch::relu(F::linear(h, P(p + "ff1_w"), P(p + "ff1_b"))), P(p + "ff2_w"), P(p + "ff2_b"));
    h = torch::layer_norm(h + ff, {d}, P(p + "ln2_g"), P(p + "ln2_b"), 1e-5);
  }
  auto graph = F::linear(h.mean(1), P("dec_wg"));  // [B,d]
  auto keys = heads(F::linear(h, P("dec_wk")));    // [B,H,N,dk]
  auto values = heads(F::linear(h, P("dec_wv")));
  auto logit_keys = F::linear(h, P("dec_wl")).transpose(1, 2);  // [B,d,N]

  auto opts_bool = torch::TensorOptions().dtype(torch::kBool);
  torch::Tensor visited = torch::zeros({B, N}, opts_bool);
  visited.index_put_({torch::indexing::Slice(), 0}, true);
  torch::Tensor current = torch::zeros({B}, torch::kLong);
  std::vector<torch::Tensor> tours, log_probs;
  for (std::int64_t step = 0; step < 2 * n; ++step) {
    // A delivery is allowed once its pickup is visited.
    torch::Tensor blocked =
        torch::cat({torch::zeros({B, n + 1}, opts_bool), visited.slice(1, 1, n + 1).logical_not()}, 1);
    torch::Tensor mask = visited.logical_or(blocked);  // [B,N] true: not allowed
    auto hc = h.gather(1, current.view({B, 1, 1}).expand({B, 1, d})).squeeze(1);
    auto query = (graph + F::linear(hc, P("dec_wc"))).view({B, H, 1, dk});
    auto compat = torch::matmul(query, keys.transpose(-1, -2)) * scale;  // [B,H,1,N]
    compat = compat.masked_fill(mask.view({B, 1, 1, N}), -INFINITY);
    auto glimpse = torch::matmul(torch::softmax(compat, -1), values).reshape({B, d});
    auto g = F::linear(glimpse, P("dec_wo"));
    auto logits = torch::bmm(g.unsqueeze(1), logit_keys).squeeze(1) / std::sqrt(static_cast<double>(d));
    logits = (10.0 * torch::tanh(logits)).masked_fill(mask, -INFINITY);
    auto logp = torch::log_softmax(logits, -1);
    torch::Tensor choice;
    if (greedy)
      choice = logp.argmax(-1);
    else
      choice = torch::multinomial(logp.detach().exp(), 1).squeeze(1);
    log_probs.push_back(logp.gather(1, choice.unsqueeze(1)).squeeze(1));
    tours.push_back(choice);
    visited = visited.scatter(1, choice.unsqueeze(1), true);
    current = choice;
  }
  Rollout out;
  out.tours = torch::stack(tours, 1);
  out.log_probs = torch::stack(log_probs, 1);
  out.lengths = TourLengths(coords, out.tours);
  return out;
}

torch::Tensor Coords(const std::vector<Instance>& instances) {
  if (instances.empty()) throw std::invalid_argument("no instances");
  const std::int64_t B = static_cast<std::int64_t>(instances.size()), N = instances[0].Size();
  torch::Tensor out = torch::empty({B, N, 2}, torch::kFloat32);
  float* p = out.data_ptr<float>();
  for (const Instance& inst : instances) {
    if (inst.Size() != N) throw std::invalid_argument("instances of one batch must have the same size");
    for (const Point& pt : inst.points) {
      *p++ = static_cast<float>(pt.x);
      *p++ = static_cast<float>(pt.y);
    }
  }
  return out;
}

torch::Tensor TourLengths(const torch::Tensor& coords, const torch::Tensor& tours) {
  const std::int64_t B = tours.size(0);
  auto zero = torch::zeros({B, 1}, torch::kLong);
  auto full = torch::cat({zero, tours, zero}, 1);
  auto pts = coords.gather(1, full.unsqueeze(-1).expand({B, full.size(1), 2}));
  return (pts.slice(1, 1) - pts.slice(1, 0, -1)).norm(2, -1).sum(1);
}

}  // namespace okada::brain::policy::train
