#pragma once
/// The policy's weight file ("OKPOLICY" format, version 1), written by `okada brain policy train` and read by
/// Policy::Load. All integers are unsigned 32-bit little-endian, all values float32 little-endian:
///
///   magic      8 bytes "OKPOLICY"
///   version    u32 = 1
///   embed_dim  u32   d, 8..1024, divisible by heads
///   heads      u32   1..64
///   ff_dim     u32   hidden width of the encoder's feed-forward sublayers, 1..8192
///   layers     u32   encoder layers, 1..16
///   count      u32   number of tensors that follow (exactly the layout's, see Layout)
///   count times:
///     name_len u32 (1..64), name bytes (ASCII), ndim u32 (1..2), dims u32 × ndim, values f32 × prod(dims)
///   checksum   u32   FNV-1a (32-bit) of every byte before it
///
/// The reader requires every tensor of Layout(config) exactly once with its shape, in any order, and nothing
/// else, finite values, no bytes after the checksum; anything else throws std::runtime_error naming the
/// problem (and the tensor, when one is at fault).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace okada::brain::policy {

struct Config {
  int embed_dim = 64;
  int heads = 4;
  int ff_dim = 256;
  int layers = 3;
};

struct Tensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> values;  ///< row-major
};

/// The tensors a model of this configuration has (names and shapes; values empty), in file order.
/// Linear maps are stored as [out, in] (y = W x + b).
///   init_depot_w [d,2], init_depot_b [d]            start point (x, y)
///   init_pick_w [d,4], init_pick_b [d]              pickup (x, y, its delivery's x, y)
///   init_deliv_w [d,4], init_deliv_b [d]            delivery (x, y, its pickup's x, y)
///   enc{l}_wq, enc{l}_wk, enc{l}_wv, enc{l}_wo [d,d]  multi-head self-attention (no bias)
///   enc{l}_ln1_g, enc{l}_ln1_b [d]                  layer norm after attention + skip
///   enc{l}_ff1_w [f,d], enc{l}_ff1_b [f], enc{l}_ff2_w [d,f], enc{l}_ff2_b [d]   ReLU feed-forward
///   enc{l}_ln2_g, enc{l}_ln2_b [d]                  layer norm after feed-forward + skip
///   dec_wg, dec_wc [d,d]                            context query: W_g·mean(h) + W_c·h_current
///   dec_wk, dec_wv, dec_wo [d,d]                    glimpse attention keys, values, output
///   dec_wl [d,d]                                    keys of the single-head pointer (logits)
std::vector<Tensor> Layout(const Config& config);

/// Validates a configuration's ranges; throws std::runtime_error naming the field.
void CheckConfig(const Config& config);

/// Serialises (validates names and shapes against Layout; throws std::runtime_error on a mismatch).
std::string WriteWeights(const Config& config, const std::vector<Tensor>& tensors);

/// Parses; `what` names the source in error messages (e.g. the file path).
void ReadWeights(std::string_view bytes, std::string_view what, Config& config, std::vector<Tensor>& tensors);

}  // namespace okada::brain::policy
