#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>

#include "okada/brain/policy/policy.hpp"
#include "okada/brain/policy/weights.hpp"

namespace okada::brain::policy {
namespace {

std::vector<Tensor> RandomTensors(const Config& c, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  std::vector<Tensor> t = Layout(c);
  for (Tensor& x : t) {
    std::size_t n = 1;
    for (int s : x.shape) n *= static_cast<std::size_t>(s);
    x.values.resize(n);
    for (float& v : x.values) v = u(rng);
  }
  return t;
}

std::string Valid() { return WriteWeights(Config{16, 2, 32, 2}, RandomTensors(Config{16, 2, 32, 2}, 1)); }

// The loader's message for `bytes`, or "" when it loads.
std::string LoadError(const std::string& bytes) {
  try {
    Policy::FromBytes(bytes, "test.bin");
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

void PutU32At(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

TEST(PolicyWeights, RoundTripAndValidTours) {
  Config c{16, 2, 32, 2};
  std::string bytes = WriteWeights(c, RandomTensors(c, 3));
  Policy p = Policy::FromBytes(bytes);
  EXPECT_EQ(p.GetConfig().embed_dim, 16);
  EXPECT_EQ(p.GetConfig().layers, 2);
  std::size_t expected = 0;
  for (const Tensor& t : Layout(c)) {
    std::size_t n = 1;
    for (int s : t.shape) n *= static_cast<std::size_t>(s);
    expected += n;
  }
  EXPECT_EQ(p.Parameters(), expected);
  for (int stops : {2, 20, 50}) {
    Instance inst = GenerateInstance(stops, 5);
    Decoded d = p.Decode(inst);
    std::string why;
    EXPECT_TRUE(IsValidTour(inst, d.tour, &why)) << why;
    ASSERT_EQ(d.log_probs.size(), d.tour.size());
    for (double lp : d.log_probs) EXPECT_LE(lp, 1e-12);
    EXPECT_NEAR(d.length, TourLength(inst, d.tour), 1e-12);
    std::vector<int> best = p.BestTour(inst, 8);
    EXPECT_TRUE(IsValidTour(inst, best, &why)) << why;
    EXPECT_LE(TourLength(inst, best), d.length + 1e-12);  // copy 0 is the plain greedy tour
  }
}

TEST(PolicyWeights, RejectsTruncatedFilesAtEveryField) {
  std::string bytes = Valid();
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{10}, std::size_t{30},
                          std::size_t{33}, std::size_t{40}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    std::string err = LoadError(bytes.substr(0, cut));
    ASSERT_FALSE(err.empty()) << "cut at " << cut;
    EXPECT_NE(err.find("test.bin"), std::string::npos) << err;
    if (cut >= 8) {
      EXPECT_NE(err.find("truncated"), std::string::npos) << "cut at " << cut << ": " << err;
    }
  }
}

TEST(PolicyWeights, RejectsMalformedContent) {
  std::string good = Valid();
  ASSERT_EQ(LoadError(good), "");
  std::string s = good;
  s[0] = 'X';
  EXPECT_NE(LoadError(s).find("magic"), std::string::npos);
  s = good;
  PutU32At(s, 8, 2);
  EXPECT_NE(LoadError(s).find("unsupported version 2"), std::string::npos);
  s = good;
  PutU32At(s, 12, 15);  // embed_dim 15 with 2 heads
  EXPECT_NE(LoadError(s).find("divisible"), std::string::npos) << LoadError(s);
  s = good;
  PutU32At(s, 28, 7);  // tensor count
  EXPECT_NE(LoadError(s).find("holds 7 tensors"), std::string::npos) << LoadError(s);
  s = good;
  s[36] = 'X';  // first tensor's name: "init_depot_w" → "Xnit_depot_w"
  EXPECT_NE(LoadError(s).find("unknown tensor 'Xnit_depot_w'"), std::string::npos) << LoadError(s);
  s = good;
  // First tensor: name_len at 32, name (12 bytes) at 36, ndim at 48, dims at 52 and 56.
  PutU32At(s, 52, 17);
  EXPECT_NE(LoadError(s).find("init_depot_w has shape [17,2], expected [16,2]"), std::string::npos) << LoadError(s);
  s = good;
  PutU32At(s, 48, 1);
  EXPECT_NE(LoadError(s).find("rank"), std::string::npos) << LoadError(s);
  s = good;
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::uint32_t bits;
  std::memcpy(&bits, &nan, 4);
  PutU32At(s, 60, bits);
  EXPECT_NE(LoadError(s).find("non-finite"), std::string::npos) << LoadError(s);
  s = good;
  s[70] = static_cast<char>(s[70] ^ 0x01);  // a flipped bit in a value
  EXPECT_NE(LoadError(s).find("checksum"), std::string::npos) << LoadError(s);
  s = good + "xx";
  EXPECT_NE(LoadError(s).find("unexpected bytes"), std::string::npos) << LoadError(s);
}

TEST(PolicyWeights, RejectsDuplicatedTensorAndMissingFile) {
  Config c{16, 2, 32, 2};
  std::vector<Tensor> t = RandomTensors(c, 2);
  t[1].name = t[0].name;
  EXPECT_THROW(WriteWeights(c, t), std::runtime_error);
  try {
    Policy::Load("/nonexistent/policy.bin");
    FAIL() << "loaded a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/policy.bin"), std::string::npos);
  }
}

}  // namespace
}  // namespace okada::brain::policy
