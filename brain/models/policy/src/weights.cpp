#include "okada/brain/policy/weights.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

namespace okada::brain::policy {
namespace {

constexpr char kMagic[8] = {'O', 'K', 'P', 'O', 'L', 'I', 'C', 'Y'};
constexpr std::uint32_t kVersion = 1;

std::uint32_t Fnv1a(std::string_view bytes) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutF32(std::string& out, float f) {
  std::uint32_t v;
  std::memcpy(&v, &f, 4);
  PutU32(out, v);
}

std::string ShapeText(const std::vector<int>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

class Reader {
 public:
  Reader(std::string_view bytes, std::string_view what) : bytes_(bytes), what_(what) {}
  [[noreturn]] void Fail(const std::string& message) const {
    throw std::runtime_error("policy weights " + std::string(what_) + ": " + message);
  }
  void Need(std::size_t n, const char* field) const {
    if (bytes_.size() - pos_ < n)
      Fail(std::string("truncated: file ends inside ") + field + " (offset " + std::to_string(pos_) + ")");
  }
  std::uint32_t U32(const char* field) {
    Need(4, field);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  std::string_view Bytes(std::size_t n, const char* field) {
    Need(n, field);
    auto out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t Pos() const { return pos_; }
  std::size_t Left() const { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  std::string_view what_;
  std::size_t pos_ = 0;
};

}  // namespace

void CheckConfig(const Config& c) {
  if (c.embed_dim < 8 || c.embed_dim > 1024) throw std::runtime_error("embed_dim must be within 8..1024");
  if (c.heads < 1 || c.heads > 64) throw std::runtime_error("heads must be within 1..64");
  if (c.embed_dim % c.heads != 0) throw std::runtime_error("embed_dim must be divisible by heads");
  if (c.ff_dim < 1 || c.ff_dim > 8192) throw std::runtime_error("ff_dim must be within 1..8192");
  if (c.layers < 1 || c.layers > 16) throw std::runtime_error("layers must be within 1..16");
}

std::vector<Tensor> Layout(const Config& c) {
  const int d = c.embed_dim, f = c.ff_dim;
  std::vector<Tensor> out;
  auto add = [&](std::string name, std::vector<int> shape) { out.push_back({std::move(name), std::move(shape), {}}); };
  add("init_depot_w", {d, 2});
  add("init_depot_b", {d});
  add("init_pick_w", {d, 4});
  add("init_pick_b", {d});
  add("init_deliv_w", {d, 4});
  add("init_deliv_b", {d});
  for (int l = 0; l < c.layers; ++l) {
    const std::string p = "enc" + std::to_string(l) + "_";
    add(p + "wq", {d, d});
    add(p + "wk", {d, d});
    add(p + "wv", {d, d});
    add(p + "wo", {d, d});
    add(p + "ln1_g", {d});
    add(p + "ln1_b", {d});
    add(p + "ff1_w", {f, d});
    add(p + "ff1_b", {f});
    add(p + "ff2_w", {d, f});
    add(p + "ff2_b", {d});
    add(p + "ln2_g", {d});
    add(p + "ln2_b", {d});
  }
  for (const char* name : {"dec_wg", "dec_wc", "dec_wk", "dec_wv", "dec_wo", "dec_wl"}) add(name, {d, d});
  return out;
}

std::string WriteWeights(const Config& config, const std::vector<Tensor>& tensors) {
  CheckConfig(config);
  std::vector<Tensor> layout = Layout(config);
  if (tensors.size() != layout.size())
    throw std::runtime_error("expected " + std::to_string(layout.size()) + " tensors, got " +
                             std::to_string(tensors.size()));
  std::string out(kMagic, sizeof kMagic);
  PutU32(out, kVersion);
  PutU32(out, static_cast<std::uint32_t>(config.embed_dim));
  PutU32(out, static_cast<std::uint32_t>(config.heads));
  PutU32(out, static_cast<std::uint32_t>(config.ff_dim));
  PutU32(out, static_cast<std::uint32_t>(config.layers));
  PutU32(out, static_cast<std::uint32_t>(layout.size()));
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.name != layout[i].name)
      throw std::runtime_error("tensor " + std::to_string(i) + " is '" + t.name + "', expected '" + layout[i].name +
                               "'");
    if (t.shape != layout[i].shape)
      throw std::runtime_error("tensor " + t.name + " has shape " + ShapeText(t.shape) + ", expected " +
                               ShapeText(layout[i].shape));
    std::size_t count = 1;
    for (int s : t.shape) count *= static_cast<std::size_t>(s);
    if (t.values.size() != count) throw std::runtime_error("tensor " + t.name + " has the wrong number of values");
    PutU32(out, static_cast<std::uint32_t>(t.name.size()));
    out += t.name;
    PutU32(out, static_cast<std::uint32_t>(t.shape.size()));
    for (int s : t.shape) PutU32(out, static_cast<std::uint32_t>(s));
    for (float v : t.values) {
      if (!std::isfinite(v)) throw std::runtime_error("tensor " + t.name + " holds a non-finite value");
      PutF32(out, v);
    }
  }
  PutU32(out, Fnv1a(out));
  return out;
}

void ReadWeights(std::string_view bytes, std::string_view what, Config& config, std::vector<Tensor>& tensors) {
  Reader r(bytes, what);
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    r.Fail("not a policy weight file (magic \"OKPOLICY\" missing)");
  r.Bytes(sizeof kMagic, "magic");
  std::uint32_t version = r.U32("version");
  if (version != kVersion)
    r.Fail("unsupported version " + std::to_string(version) + " (this build reads " + std::to_string(kVersion) + ")");
  Config c;
  std::uint32_t fields[4];
  const char* names[4] = {"embed_dim", "heads", "ff_dim", "layers"};
  for (int i = 0; i < 4; ++i) {
    fields[i] = r.U32(names[i]);
    if (fields[i] > 1u << 20) r.Fail(std::string(names[i]) + " is out of range: " + std::to_string(fields[i]));
  }
  c.embed_dim = static_cast<int>(fields[0]);
  c.heads = static_cast<int>(fields[1]);
  c.ff_dim = static_cast<int>(fields[2]);
  c.layers = static_cast<int>(fields[3]);
  try {
    CheckConfig(c);
  } catch (const std::runtime_error& e) {
    r.Fail(std::string("bad header: ") + e.what());
  }
  std::vector<Tensor> layout = Layout(c);
  std::map<std::string, std::size_t> slot;
  for (std::size_t i = 0; i < layout.size(); ++i) slot[layout[i].name] = i;
  std::uint32_t count = r.U32("tensor count");
  if (count != layout.size())
    r.Fail("holds " + std::to_string(count) + " tensors, the header's model has " + std::to_string(layout.size()));
  std::vector<char> seen(layout.size(), 0);
  for (std::uint32_t k = 0; k < count; ++k) {
    std::uint32_t len = r.U32("tensor name length");
    if (len < 1 || len > 64) r.Fail("tensor " + std::to_string(k) + " has a name length of " + std::to_string(len));
    std::string name(r.Bytes(len, "tensor name"));
    auto it = slot.find(name);
    if (it == slot.end()) r.Fail("unknown tensor '" + name + "'");
    if (seen[it->second]) r.Fail("tensor " + name + " appears twice");
    seen[it->second] = 1;
    Tensor& t = layout[it->second];
    std::uint32_t ndim = r.U32("tensor rank");
    if (ndim != t.shape.size())
      r.Fail("tensor " + name + " has rank " + std::to_string(ndim) + ", expected shape " + ShapeText(t.shape));
    std::vector<int> shape;
    for (std::uint32_t i = 0; i < ndim; ++i)
      shape.push_back(static_cast<int>(std::min<std::uint32_t>(r.U32("tensor shape"), 1u << 30)));
    if (shape != t.shape)
      r.Fail("tensor " + name + " has shape " + ShapeText(shape) + ", expected " + ShapeText(t.shape));
    std::size_t n = 1;
    for (int s : shape) n *= static_cast<std::size_t>(s);
    std::string_view raw = r.Bytes(4 * n, "tensor values");
    t.values.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t v = 0;
      for (int b = 0; b < 4; ++b)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(raw[4 * i + b])) << (8 * b);
      float f;
      std::memcpy(&f, &v, 4);
      if (!std::isfinite(f)) r.Fail("tensor " + name + " holds a non-finite value at index " + std::to_string(i));
      t.values[i] = f;
    }
  }
  std::size_t body = r.Pos();
  std::uint32_t checksum = r.U32("checksum");
  if (r.Left() != 0) r.Fail(std::to_string(r.Left()) + " unexpected bytes after the checksum");
  if (checksum != Fnv1a(bytes.substr(0, body))) r.Fail("checksum mismatch (file corrupted)");
  config = c;
  tensors = std::move(layout);
}

}  // namespace okada::brain::policy
