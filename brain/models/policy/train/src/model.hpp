#pragma once
// The policy network in LibTorch (batched). Internal to okada_policy_train.

#include <torch/torch.h>

#include <map>
#include <string>

#include "okada/brain/policy/instance.hpp"
#include "okada/brain/policy/weights.hpp"

namespace okada::brain::policy::train {

struct Rollout {
  torch::Tensor tours;      // [B, 2n] int64, nodes 1..2n
  torch::Tensor log_probs;  // [B, 2n] log-probability of each choice
  torch::Tensor lengths;    // [B] closed tour length
};

class NetImpl : public torch::nn::Module {
 public:
  explicit NetImpl(const Config& config);
  // coords [B, N, 2] float; greedy: argmax, else sampled from the policy.
  Rollout Run(const torch::Tensor& coords, bool greedy);
  torch::Tensor P(const std::string& name) const { return params_.at(name); }
  const Config& config() const { return config_; }
  // Copies every parameter from `other` (same config).
  void CopyFrom(const NetImpl& other);
  std::string Export() const;
  void Import(const std::vector<Tensor>& tensors);

 private:
  Config config_;
  std::map<std::string, torch::Tensor> params_;
};
TORCH_MODULE(Net);

// [B, N, 2] float tensor of the instances' points.
torch::Tensor Coords(const std::vector<Instance>& instances);
// Closed tour lengths [B] of tours [B, 2n] over coords [B, N, 2].
torch::Tensor TourLengths(const torch::Tensor& coords, const torch::Tensor& tours);

}  // namespace okada::brain::policy::train
