#pragma once
/// The learned routing policy's inference in plain C++ (no LibTorch): an attention-model encoder (Kool, van
/// Hoof & Welling 2019, "Attention, Learn to Solve Routing Problems!", with pickup/delivery-aware input
/// embeddings and layer norm) and an autoregressive pointer decoder with masks (every stop once, a delivery
/// only after its pickup; the start is never chosen: the tour returns there after the last stop).
///
/// Encoder: h⁰ = per-kind linear embedding of (x, y[, partner x, y]); L layers of
///   h = LN(h + MHA(h)); h = LN(h + W₂ ReLU(W₁ h + b₁) + b₂).
/// Decoder step t: q = W_g mean(h) + W_c h_current (the start at t = 0); glimpse g = W_o MHA(q, W_k h,
/// W_v h) over the allowed nodes; logits u_j = 10 tanh(g · W_l h_j / √d), masked; log-softmax.
/// Greedy decoding takes the first maximum. The same computation, batched, is trained in okada-brain.
///
/// A Policy is immutable after loading: Tour and Decode are const and safe to call from several threads.

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "okada/brain/policy/instance.hpp"
#include "okada/brain/policy/weights.hpp"

namespace okada::brain::policy {

struct Decoded {
  std::vector<int> tour;          ///< nodes 1..2n in visiting order (start excluded)
  std::vector<double> log_probs;  ///< log-probability of each choice under the policy
  double length = 0;              ///< TourLength of the tour (unit square)
};

class Policy {
 public:
  /// Reads a weight file (see weights.hpp); throws std::runtime_error naming the file and the problem.
  static Policy Load(const std::filesystem::path& file);
  /// Same, from bytes; `what` names the source in errors.
  static Policy FromBytes(std::string_view bytes, std::string_view what = "<bytes>");

  /// Greedy decoding.
  Decoded Decode(const Instance& instance) const;
  std::vector<int> Tour(const Instance& instance) const { return Decode(instance).tour; }
  /// Greedy decoding of up to 8 symmetric copies of the instance (the unit square's rotations and
  /// reflections, which keep every length), returning the shortest tour. augmentations = 1 is Tour().
  std::vector<int> BestTour(const Instance& instance, int augmentations = 8) const;

  const Config& GetConfig() const { return config_; }
  std::size_t Parameters() const;

 private:
  Policy() = default;
  const std::vector<float>& W(int index) const { return tensors_[static_cast<std::size_t>(index)].values; }

  Config config_;
  std::vector<Tensor> tensors_;  // in Layout order
};

}  // namespace okada::brain::policy
