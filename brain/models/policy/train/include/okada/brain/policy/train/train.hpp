#pragma once
/// Training of the routing policy with LibTorch (linked only into okada-brain). No LibTorch types here.
///
/// REINFORCE (Williams 1992) with a greedy-rollout baseline (Kool et al. 2019): for each batch of simulated
/// instances the policy samples tours; the gradient of mean((L(sampled) − L(baseline greedy)) · log p) is
/// followed with Adam (gradients clipped to norm 1). At the end of each epoch the current policy's greedy
/// tours are compared with the baseline's on a held-out test set (paired one-sided t-test, p < 0.05); when
/// significantly better the baseline becomes a copy of the policy and the test set is redrawn.
///
/// Each epoch reseeds LibTorch's generator from (seed, epoch) and draws its instances from
/// DeriveSeed(kTrainDomain, seed, epoch · batches + batch), so a run resumed from an epoch's checkpoint
/// continues exactly like the uninterrupted run (with the same thread count).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "okada/brain/policy/policy.hpp"

namespace okada::brain::policy::train {

struct TrainOptions {
  int stops = 20;
  int epochs = 10;
  int batches_per_epoch = 100;
  int batch_size = 256;
  std::string out_dir;  ///< checkpoints, exported weights and train.log go here
  std::uint64_t seed = 1;
  int threads = 1;     ///< LibTorch intra-op threads
  std::string resume;  ///< checkpoint to continue from (empty: start afresh)
  Config config;       ///< ignored when resuming (the checkpoint's is used)
  double learning_rate = 1e-4;
  int validation_size = 1000;     ///< fixed validation set (greedy cost printed each epoch, picks the best)
  int baseline_test_size = 1000;  ///< instances of the baseline's significance test
  double max_minutes = 0;         ///< > 0: end the epoch in progress and stop once this much time has passed
};

/// Runs training; progress lines go to `log` (and DIR/train.log). Writes DIR/checkpoint-epochNNN.pt after
/// every epoch, DIR/policy-best.bin whenever the validation cost improves and DIR/policy-final.bin at the
/// end. Throws std::runtime_error on bad options or unreadable checkpoints.
void Train(const TrainOptions& options, std::ostream& log);

/// A freshly initialised (untrained) network's weights in OKPOLICY format, for tests.
std::string RandomWeights(const Config& config, std::uint64_t seed);

/// Greedy decoding by the LibTorch network loaded from OKPOLICY bytes, all instances in one batch (they must
/// have the same size); for checking the plain C++ inference against the trained computation.
std::vector<Decoded> TorchGreedy(const std::string& weights, const std::vector<Instance>& instances);

}  // namespace okada::brain::policy::train
