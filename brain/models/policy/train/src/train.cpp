#include "okada/brain/policy/train/train.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "model.hpp"

namespace okada::brain::policy::train {
namespace {

std::vector<Instance> Draw(int stops, std::uint64_t domain, std::uint64_t seed, std::uint64_t first, int count) {
  std::vector<Instance> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    out.push_back(GenerateInstance(stops, DeriveSeed(domain, seed, first + static_cast<std::uint64_t>(i))));
  return out;
}

// Greedy tour lengths of `net` over `coords`, in chunks to bound memory.
torch::Tensor GreedyLengths(Net& net, const torch::Tensor& coords) {
  torch::NoGradGuard guard;
  std::vector<torch::Tensor> parts;
  for (std::int64_t i = 0; i < coords.size(0); i += 512)
    parts.push_back(net->Run(coords.slice(0, i, std::min<std::int64_t>(coords.size(0), i + 512)), true).lengths);
  return torch::cat(parts);
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

void Train(const TrainOptions& o, std::ostream& console) {
  if (o.out_dir.empty()) throw std::runtime_error("an output directory is required");
  if (o.stops < 2 || o.stops % 2 != 0 || o.stops > 400) throw std::runtime_error("stops must be even, 2..400");
  if (o.epochs < 1 || o.batches_per_epoch < 1 || o.batch_size < 2)
    throw std::runtime_error("epochs and batches per epoch must be >= 1, batch size >= 2");
  if (o.threads < 1) throw std::runtime_error("threads must be >= 1");
  if (o.validation_size < 2 || o.baseline_test_size < 2) throw std::runtime_error("held-out sets need >= 2 instances");
  torch::set_num_threads(o.threads);
  std::filesystem::create_directories(o.out_dir);
  const std::filesystem::path dir(o.out_dir);
  std::ofstream log_file(dir / "train.log", std::ios::app);
  auto log = [&](const std::string& line) {
    console << line << std::endl;
    log_file << line << std::endl;
  };

  Config config = o.config;
  int start_epoch = 0;
  std::uint64_t baseline_round = 0;  // which baseline test set is current
  double best_validation = INFINITY;
  torch::serialize::InputArchive checkpoint;
  if (!o.resume.empty()) {
    try {
      checkpoint.load_from(o.resume);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot read checkpoint " + o.resume + ": " + e.what());
    }
    torch::Tensor meta;
    checkpoint.read("meta", meta);
    auto m = meta.to(torch::kFloat64).contiguous();
    const double* v = m.data_ptr<double>();
    config = {static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]), static_cast<int>(v[3])};
    if (static_cast<int>(v[4]) != o.stops)
      throw std::runtime_error("checkpoint was trained on " + std::to_string(static_cast<int>(v[4])) + " stops");
    start_epoch = static_cast<int>(v[5]);
    baseline_round = static_cast<std::uint64_t>(v[6]);
    best_validation = v[7];
  }
  torch::manual_seed(o.seed);
  Net net(config), baseline(config);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(o.learning_rate));
  if (!o.resume.empty()) {
    torch::serialize::InputArchive a, b, c;
    checkpoint.read("net", a);
    checkpoint.read("baseline", b);
    checkpoint.read("optimizer", c);
    net->load(a);
    baseline->load(b);
    optimizer.load(c);
    log("resumed from " + o.resume + " after epoch " + std::to_string(start_epoch));
  } else {
    baseline->CopyFrom(*net);
  }
  std::size_t params = 0;
  for (const auto& p : net->parameters()) params += static_cast<std::size_t>(p.numel());
  log("policy train: stops " + std::to_string(o.stops) + ", embed " + std::to_string(config.embed_dim) + ", heads " +
      std::to_string(config.heads) + ", ff " + std::to_string(config.ff_dim) + ", layers " +
      std::to_string(config.layers) + ", " + std::to_string(params) + " parameters, batch " +
      std::to_string(o.batch_size) + " x " + std::to_string(o.batches_per_epoch) + " per epoch, lr " +
      Fixed(o.learning_rate, 6) + ", threads " + std::to_string(o.threads) + ", seed " + std::to_string(o.seed));

  const torch::Tensor validation = Coords(Draw(o.stops, kValidationDomain, o.seed, 0, o.validation_size));
  auto baseline_set = [&] {
    return Coords(Draw(o.stops, kBaselineDomain, o.seed,
                       baseline_round * static_cast<std::uint64_t>(o.baseline_test_size), o.baseline_test_size));
  };
  torch::Tensor baseline_test = baseline_set();
  torch::Tensor baseline_costs = GreedyLengths(baseline, baseline_test);

  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  bool out_of_time = false;
  for (int epoch = start_epoch; epoch < o.epochs && !out_of_time; ++epoch) {
    torch::manual_seed(DeriveSeed(kTrainDomain, o.seed, 1000000007ULL + static_cast<std::uint64_t>(epoch)));
    net->train();
    double sum_cost = 0, sum_base = 0;
    int batches = 0;
    for (int b = 0; b < o.batches_per_epoch; ++b) {
      std::uint64_t first = (static_cast<std::uint64_t>(epoch) * o.batches_per_epoch + b) * o.batch_size;
      torch::Tensor coords = Coords(Draw(o.stops, kTrainDomain, o.seed, first, o.batch_size));
      Rollout r = net->Run(coords, false);
      torch::Tensor base;
      {
        torch::NoGradGuard guard;
        base = baseline->Run(coords, true).lengths;
      }
      torch::Tensor advantage = (r.lengths - base).detach();
      torch::Tensor loss = (advantage * r.log_probs.sum(1)).mean();
      optimizer.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
      optimizer.step();
      sum_cost += r.lengths.mean().item<double>();
      sum_base += base.mean().item<double>();
      ++batches;
      if ((b + 1) % 20 == 0)
        log("  epoch " + std::to_string(epoch + 1) + " batch " + std::to_string(b + 1) + ": cost " +
            Fixed(r.lengths.mean().item<double>(), 4) + " baseline " + Fixed(base.mean().item<double>(), 4) + " (" +
            Fixed(seconds(), 1) + "s)");
      if (o.max_minutes > 0 && seconds() > 60 * o.max_minutes) {
        out_of_time = true;
        break;
      }
    }
    // Baseline update: replace it by the policy when the policy's greedy tours are significantly shorter.
    torch::Tensor current = GreedyLengths(net, baseline_test);
    torch::Tensor diff = (current - baseline_costs).to(torch::kFloat64);
    double mean = diff.mean().item<double>(), sd = diff.std().item<double>();
    double t = sd > 0 ? mean / (sd / std::sqrt(static_cast<double>(diff.numel()))) : (mean < 0 ? -INFINITY : 0);
    bool replaced = mean < 0 && t < -1.6449;  // one-sided p < 0.05
    if (replaced) {
      baseline->CopyFrom(*net);
      ++baseline_round;
      baseline_test = baseline_set();
      baseline_costs = GreedyLengths(baseline, baseline_test);
    }
    double val = GreedyLengths(net, validation).mean().item<double>();
    bool best = val < best_validation;
    if (best) {
      best_validation = val;
      WriteFile(dir / "policy-best.bin", net->Export());
    }
    log("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs) + ": mean cost " +
        Fixed(sum_cost / std::max(1, batches), 4) + " baseline cost " + Fixed(sum_base / std::max(1, batches), 4) +
        " validation greedy " + Fixed(val, 4) + " (" + Fixed(val * BoxKilometres(), 2) + " km)" +
        (best ? " best" : "") +
        (replaced ? ", baseline replaced (t " + Fixed(t, 2) + ")" : ", baseline kept (t " + Fixed(t, 2) + ")") + " " +
        Fixed(seconds(), 1) + "s" + (out_of_time ? " (time budget reached)" : ""));

    torch::serialize::OutputArchive archive, a, b, c;
    net->save(a);
    baseline->save(b);
    optimizer.save(c);
    archive.write("net", a);
    archive.write("baseline", b);
    archive.write("optimizer", c);
    archive.write("meta", torch::tensor({static_cast<double>(config.embed_dim), static_cast<double>(config.heads),
                                         static_cast<double>(config.ff_dim), static_cast<double>(config.layers),
                                         static_cast<double>(o.stops), static_cast<double>(epoch + 1),
                                         static_cast<double>(baseline_round), best_validation},
                                        torch::kFloat64));
    char name[64];
    std::snprintf(name, sizeof name, "checkpoint-epoch%03d.pt", epoch + 1);
    archive.save_to((dir / name).string());
    log("  wrote " + (dir / name).string());
  }
  WriteFile(dir / "policy-final.bin", net->Export());
  log("wrote " + (dir / "policy-final.bin").string() + " and " + (dir / "policy-best.bin").string() +
      " (best validation greedy " + Fixed(best_validation, 4) + ")");
}

std::string RandomWeights(const Config& config, std::uint64_t seed) {
  torch::manual_seed(seed);
  Net net(config);
  torch::NoGradGuard guard;
  // Layer-norm gains and biases start at 1 and 0; perturb them so that a test exercises them too.
  for (auto& p : net->named_parameters()) {
    if (p.key().ends_with("_g")) p.value().add_(torch::empty_like(p.value()).uniform_(-0.5, 0.5));
    if (p.key().ends_with("ln1_b") || p.key().ends_with("ln2_b")) p.value().uniform_(-0.3, 0.3);
  }
  return net->Export();
}

std::vector<Decoded> TorchGreedy(const std::string& weights, const std::vector<Instance>& instances) {
  Config config;
  std::vector<Tensor> tensors;
  ReadWeights(weights, "<bytes>", config, tensors);
  Net net(config);
  net->Import(tensors);
  torch::NoGradGuard guard;
  Rollout r = net->Run(Coords(instances), true);
  std::vector<Decoded> out(instances.size());
  auto tours = r.tours.contiguous();
  auto logp = r.log_probs.to(torch::kFloat64).contiguous();
  auto lengths = r.lengths.to(torch::kFloat64).contiguous();
  const std::int64_t steps = tours.size(1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::int64_t s = 0; s < steps; ++s) {
      out[i].tour.push_back(static_cast<int>(tours[static_cast<std::int64_t>(i)][s].item<std::int64_t>()));
      out[i].log_probs.push_back(logp[static_cast<std::int64_t>(i)][s].item<double>());
    }
    out[i].length = lengths[static_cast<std::int64_t>(i)].item<double>();
  }
  return out;
}

}  // namespace okada::brain::policy::train
