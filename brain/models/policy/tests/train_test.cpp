#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "okada/brain/policy/policy.hpp"
#include "okada/brain/policy/train/train.hpp"

namespace okada::brain::policy {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The plain C++ inference and the LibTorch network decode the same greedy tours with the same
// log-probabilities, for untrained weights exported through the training exporter.
TEST(PolicyTrain, PlainInferenceMatchesLibTorch) {
  struct Case {
    Config config;
    int stops;
  };
  for (const Case& c : {Case{{64, 4, 128, 2}, 20}, Case{{32, 8, 64, 3}, 50}, Case{{16, 1, 16, 1}, 6}}) {
    for (std::uint64_t seed : {1u, 2u}) {
      std::string bytes = train::RandomWeights(c.config, seed);
      Policy p = Policy::FromBytes(bytes);
      std::vector<Instance> instances;
      for (int i = 0; i < 4; ++i) instances.push_back(GenerateInstance(c.stops, DeriveSeed(kEvalDomain, seed, i)));
      std::vector<Decoded> torch_out = train::TorchGreedy(bytes, instances);
      ASSERT_EQ(torch_out.size(), instances.size());
      for (std::size_t i = 0; i < instances.size(); ++i) {
        Decoded mine = p.Decode(instances[i]);
        ASSERT_EQ(mine.tour, torch_out[i].tour) << "config d" << c.config.embed_dim << " instance " << i;
        ASSERT_EQ(mine.log_probs.size(), torch_out[i].log_probs.size());
        for (std::size_t s = 0; s < mine.log_probs.size(); ++s)
          EXPECT_NEAR(mine.log_probs[s], torch_out[i].log_probs[s], 1e-4) << "step " << s;
        EXPECT_NEAR(mine.length, torch_out[i].length, 1e-4);
      }
    }
  }
}

// A tiny run writes a checkpoint per epoch and the exported weights; resuming from epoch 1 gives exactly the
// run that was never interrupted.
TEST(PolicyTrain, TinyRunCheckpointsAndResumes) {
  auto base = std::filesystem::temp_directory_path() / ("okada-policy-train-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  train::TrainOptions o;
  o.stops = 6;
  o.epochs = 2;
  o.batches_per_epoch = 2;
  o.batch_size = 8;
  o.validation_size = o.baseline_test_size = 8;
  o.config = {16, 2, 32, 1};
  o.seed = 3;
  o.out_dir = (base / "straight").string();
  std::ostringstream log1;
  train::Train(o, log1);
  EXPECT_NE(log1.str().find("epoch 2/2: mean cost"), std::string::npos) << log1.str();
  EXPECT_TRUE(std::filesystem::exists(base / "straight" / "checkpoint-epoch001.pt"));
  EXPECT_TRUE(std::filesystem::exists(base / "straight" / "checkpoint-epoch002.pt"));
  std::string straight = Slurp(base / "straight" / "policy-final.bin");
  Policy p = Policy::FromBytes(straight);
  EXPECT_EQ(p.GetConfig().embed_dim, 16);
  Policy::Load(base / "straight" / "policy-best.bin");

  // Stop after one epoch, then resume to two.
  o.out_dir = (base / "resumed").string();
  o.epochs = 1;
  std::ostringstream log2;
  train::Train(o, log2);
  std::string after_one = Slurp(base / "resumed" / "policy-final.bin");
  EXPECT_NE(after_one, straight);
  o.epochs = 2;
  o.resume = (base / "resumed" / "checkpoint-epoch001.pt").string();
  o.config = {};  // the checkpoint's architecture is used
  std::ostringstream log3;
  train::Train(o, log3);
  EXPECT_NE(log3.str().find("resumed from"), std::string::npos) << log3.str();
  EXPECT_NE(log3.str().find("epoch 2/2"), std::string::npos) << log3.str();
  EXPECT_EQ(log3.str().find("epoch 1/2"), std::string::npos) << log3.str();
  EXPECT_TRUE(std::filesystem::exists(base / "resumed" / "checkpoint-epoch002.pt"));
  EXPECT_EQ(Slurp(base / "resumed" / "policy-final.bin"), straight) << "resumed run differs from the straight one";

  // A missing checkpoint is a clear error.
  o.resume = (base / "nope.pt").string();
  EXPECT_THROW(train::Train(o, log3), std::runtime_error);
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace okada::brain::policy
