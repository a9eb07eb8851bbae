#include "okada/brain/eta/model.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

constexpr std::string_view kMagic = "okada-eta-gbt";
constexpr int kFormatVersion = 1;
constexpr std::size_t kMaxTrees = 100000;
constexpr std::size_t kMaxNodesPerTree = 1 << 20;
constexpr std::size_t kMaxTotalNodes = 20000000;

std::string FloatText(float v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string DoubleText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

void ValidateBaseline(const Baseline& b, const std::string& where) {
  if (!std::isfinite(b.circuity) || b.circuity < 1.0 || b.circuity > 5.0)
    throw std::runtime_error(where + "baseline circuity must be within [1, 5], got " + DoubleText(b.circuity));
  if (!std::isfinite(b.speed_mps) || b.speed_mps < 0.1 || b.speed_mps > 50.0)
    throw std::runtime_error(where + "baseline speed must be within [0.1, 50] m/s, got " + DoubleText(b.speed_mps));
}

void ValidateTree(const Tree& tree, std::size_t index) {
  const std::string where = "tree " + std::to_string(index) + ": ";
  const std::size_t n = tree.nodes.size();
  if (n == 0) throw std::runtime_error(where + "has no nodes");
  if (n > kMaxNodesPerTree) throw std::runtime_error(where + "has too many nodes");
  std::vector<int> parents(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const TreeNode& node = tree.nodes[i];
    const std::string at = where + "node " + std::to_string(i) + ": ";
    if (!std::isfinite(node.value)) throw std::runtime_error(at + "value is not finite");
    if (node.feature == -1) {
      if (node.left != -1 || node.right != -1) throw std::runtime_error(at + "a leaf has children");
      continue;
    }
    if (node.feature < 0 || node.feature >= kFeatureCount)
      throw std::runtime_error(at + "split feature " + std::to_string(node.feature) + " is not in [0, " +
                               std::to_string(kFeatureCount) + ")");
    for (std::int32_t child : {node.left, node.right}) {
      if (child <= static_cast<std::int32_t>(i) || static_cast<std::size_t>(child) >= n)
        throw std::runtime_error(at + "child " + std::to_string(child) + " must be after the node and before " +
                                 std::to_string(n));
      ++parents[static_cast<std::size_t>(child)];
    }
    if (node.left == node.right) throw std::runtime_error(at + "left and right child are the same node");
  }
  for (std::size_t i = 1; i < n; ++i)
    if (parents[i] != 1)
      throw std::runtime_error(where + "node " + std::to_string(i) + " has " + std::to_string(parents[i]) +
                               " parents (each node but the root needs exactly one)");
}

// Line-by-line reader with the line number for messages.
class Reader {
 public:
  Reader(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

  [[noreturn]] void Fail(const std::string& reason) const {
    throw std::runtime_error(source_ + ":" + std::to_string(line_) + ": " + reason);
  }

  // Next line split on single spaces; fails at end of input.
  std::vector<std::string_view> Next(const char* expecting) {
    ++line_;
    if (pos_ >= text_.size()) Fail(std::string("unexpected end of file (truncated?), expecting ") + expecting);
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) Fail("line not terminated by a newline (truncated?)");
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t space = line.find(' ', start);
      if (space == std::string_view::npos) space = line.size();
      tokens.push_back(line.substr(start, space - start));
      start = space + 1;
    }
    for (auto t : tokens)
      if (t.empty()) Fail("empty field (fields are separated by exactly one space)");
    return tokens;
  }

  std::vector<std::string_view> Expect(std::string_view keyword, std::size_t count) {
    auto tokens = Next(std::string(keyword).c_str());
    if (tokens[0] != keyword) Fail("expected '" + std::string(keyword) + "', got '" + std::string(tokens[0]) + "'");
    if (tokens.size() != count)
      Fail("'" + std::string(keyword) + "' line needs " + std::to_string(count - 1) + " value(s), got " +
           std::to_string(tokens.size() - 1));
    return tokens;
  }

  template <typename T>
  T Number(std::string_view token, const char* what) {
    T value{};
    auto r = std::from_chars(token.data(), token.data() + token.size(), value);
    if (r.ec != std::errc() || r.ptr != token.data() + token.size())
      Fail(std::string("bad ") + what + " '" + std::string(token) + "'");
    if constexpr (std::is_floating_point_v<T>)
      if (!std::isfinite(value)) Fail(std::string(what) + " is not finite");
    return value;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

 private:
  std::string_view text_;
  std::string source_;
  std::size_t pos_ = 0;
  int line_ = 0;
};

}  // namespace

double Baseline::Seconds(const TripQuery& q) const {
  ValidateQuery(q);
  return HaversineMetres(q.from_lat, q.from_lon, q.to_lat, q.to_lon) * circuity / speed_mps;
}

std::string WriteModelText(const ModelData& data) {
  std::string out;
  out += std::string(kMagic) + " " + std::to_string(kFormatVersion) + "\n";
  out += "name " + data.name + "\n";
  out += "features " + std::to_string(kFeatureCount);
  for (auto name : FeatureNames()) out += " " + std::string(name);
  out += "\ntarget log_seconds\n";
  out += "baseline " + DoubleText(data.baseline.circuity) + " " + DoubleText(data.baseline.speed_mps) + "\n";
  out += "base_score " + FloatText(data.base_score) + "\n";
  out += "trees " + std::to_string(data.trees.size()) + "\n";
  for (const Tree& tree : data.trees) {
    out += "tree " + std::to_string(tree.nodes.size()) + "\n";
    for (const TreeNode& n : tree.nodes) {
      if (n.feature < 0) {
        out += "l " + FloatText(n.value) + "\n";
      } else {
        out += "s " + std::to_string(n.feature) + " " + FloatText(n.value) + " " + std::to_string(n.left) + " " +
               std::to_string(n.right) + (n.default_left ? " 1\n" : " 0\n");
      }
    }
  }
  out += "end\n";
  return out;
}

Model Model::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open ETA model file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path.string() + ": read error");
  return Parse(buffer.str(), path.string());
}

Model Model::LoadOrBaselineOnly(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return BaselineOnly();
  return Load(path);
}

Model Model::Parse(std::string_view text, const std::string& source) {
  Reader r(text, source);
  ModelData data;
  auto magic = r.Next("the header");
  if (magic.size() != 2 || magic[0] != kMagic) r.Fail("not an okada ETA model (expected 'okada-eta-gbt 1')");
  if (r.Number<int>(magic[1], "format version") != kFormatVersion)
    r.Fail("unsupported format version " + std::string(magic[1]) + " (this reader knows 1)");
  data.name = std::string(r.Expect("name", 2)[1]);
  if (!ValidName(data.name)) r.Fail("bad model name '" + data.name + "'");
  auto features = r.Next("features");
  if (features[0] != "features") r.Fail("expected 'features', got '" + std::string(features[0]) + "'");
  if (features.size() < 2 || r.Number<int>(features[1], "feature count") != kFeatureCount ||
      features.size() != 2 + static_cast<std::size_t>(kFeatureCount))
    r.Fail("the model must list the " + std::to_string(kFeatureCount) + " features this code computes");
  for (int i = 0; i < kFeatureCount; ++i)
    if (features[2 + i] != FeatureNames()[i])
      r.Fail("feature " + std::to_string(i) + " is '" + std::string(features[2 + i]) + "', this code computes '" +
             std::string(FeatureNames()[i]) + "'");
  if (r.Expect("target", 2)[1] != "log_seconds") r.Fail("unsupported target (only log_seconds)");
  auto baseline = r.Expect("baseline", 3);
  data.baseline.circuity = r.Number<double>(baseline[1], "baseline circuity");
  data.baseline.speed_mps = r.Number<double>(baseline[2], "baseline speed");
  try {
    ValidateBaseline(data.baseline, "");
  } catch (const std::exception& e) {
    r.Fail(e.what());
  }
  data.base_score = r.Number<float>(r.Expect("base_score", 2)[1], "base_score");
  const auto tree_count = r.Number<std::size_t>(r.Expect("trees", 2)[1], "tree count");
  if (tree_count > kMaxTrees) r.Fail("too many trees (at most " + std::to_string(kMaxTrees) + ")");
  std::size_t total = 0;
  data.trees.reserve(tree_count);
  for (std::size_t t = 0; t < tree_count; ++t) {
    const auto n = r.Number<std::size_t>(r.Expect("tree", 2)[1], "node count");
    if (n == 0 || n > kMaxNodesPerTree) r.Fail("tree " + std::to_string(t) + ": bad node count");
    total += n;
    if (total > kMaxTotalNodes) r.Fail("too many nodes in total");
    Tree tree;
    tree.nodes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto tok = r.Next("a tree node");
      TreeNode& node = tree.nodes[i];
      if (tok[0] == "l" && tok.size() == 2) {
        node.value = r.Number<float>(tok[1], "leaf value");
      } else if (tok[0] == "s" && tok.size() == 6) {
        node.feature = r.Number<std::int32_t>(tok[1], "split feature");
        node.value = r.Number<float>(tok[2], "split threshold");
        node.left = r.Number<std::int32_t>(tok[3], "left child");
        node.right = r.Number<std::int32_t>(tok[4], "right child");
        if (tok[5] != "0" && tok[5] != "1") r.Fail("default_left must be 0 or 1");
        node.default_left = tok[5] == "1";
      } else {
        r.Fail("tree " + std::to_string(t) + " node " + std::to_string(i) +
               ": expected 'l VALUE' or 's FEATURE THRESHOLD LEFT RIGHT DEFAULT_LEFT'");
      }
    }
    try {
      ValidateTree(tree, t);
    } catch (const std::exception& e) {
      r.Fail(e.what());
    }
    data.trees.push_back(std::move(tree));
  }
  r.Expect("end", 1);
  if (!r.AtEnd()) r.Fail("data after 'end'");
  Model model;
  model.data_ = std::move(data);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(Fnv1a64(text)));
  model.version_ = model.data_.name + "@" + hash;
  return model;
}

Model Model::FromData(ModelData data) {
  if (!ValidName(data.name)) throw std::runtime_error("bad model name '" + data.name + "'");
  ValidateBaseline(data.baseline, "");
  if (!std::isfinite(data.base_score)) throw std::runtime_error("base_score is not finite");
  if (data.trees.size() > kMaxTrees) throw std::runtime_error("too many trees");
  for (std::size_t t = 0; t < data.trees.size(); ++t) ValidateTree(data.trees[t], t);
  // The version is the hash of the text it would be saved as, so a saved and reloaded model keeps it.
  return Parse(WriteModelText(data), data.name);
}

Model Model::BaselineOnly(double circuity, double speed_kmh) {
  if (!std::isfinite(speed_kmh) || !(speed_kmh > 0)) throw std::invalid_argument("eta: speed must be > 0 km/h");
  Model model;
  model.data_.name = "baseline-only";
  model.data_.baseline = Baseline{circuity, speed_kmh / 3.6};
  try {
    ValidateBaseline(model.data_.baseline, "");
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("eta: ") + e.what());
  }
  model.version_ = "baseline-only(circuity=" + DoubleText(circuity) + ",speed_kmh=" + DoubleText(speed_kmh) + ")";
  return model;
}

float Model::Margin(const FeatureVector& x) const {
  float sum = data_.base_score;
  for (const Tree& tree : data_.trees) {
    std::size_t i = 0;
    while (tree.nodes[i].feature >= 0) {
      const TreeNode& n = tree.nodes[i];
      const float v = x[static_cast<std::size_t>(n.feature)];
      const bool left = std::isnan(v) ? n.default_left : v < n.value;
      i = static_cast<std::size_t>(left ? n.left : n.right);
    }
    sum += tree.nodes[i].value;
  }
  return sum;
}

double Model::Seconds(const TripQuery& q) const {
  if (data_.trees.empty()) return BaselineSeconds(q);
  return std::exp(static_cast<double>(Margin(Features(q))));
}

double Model::BaselineSeconds(const TripQuery& q) const { return data_.baseline.Seconds(q); }

}  // namespace okada::brain::eta
