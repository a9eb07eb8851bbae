#include "okada/brain/recs/recs_model.hpp"

#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace okada::brain::recs {
namespace {
constexpr std::string_view kMagic = "OKADA-RECS\n";
constexpr std::uint32_t kFormat = 1;

class Mapped final : public Scorer {
 public:
  Mapped(const RecsModel& m, const std::vector<std::string>& items) : m_(m), to_model_(items.size(), -1) {
    for (std::size_t i = 0; i < items.size(); ++i)
      if (auto x = m.Index(items[i])) to_model_[i] = *x;
  }
  const char* Name() const override { return "mapped"; }
  void Score(const History& h, std::int64_t request_time, std::span<float> out) const override {
    std::vector<std::uint32_t> items;
    std::vector<float> value, events;
    std::vector<std::int64_t> last;
    for (std::size_t k = 0; k < h.Size(); ++k) {
      if (h.items[k] >= to_model_.size() || to_model_[h.items[k]] < 0) continue;
      items.push_back(static_cast<std::uint32_t>(to_model_[h.items[k]]));
      value.push_back(h.value[k]);
      events.push_back(h.events[k]);
      last.push_back(h.last[k]);
    }
    std::vector<float> scores(m_.items.size());
    m_.hybrid->Score(History{items, value, events, last}, request_time, scores);
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] =
          to_model_[i] < 0 ? -std::numeric_limits<float>::infinity() : scores[static_cast<std::size_t>(to_model_[i])];
  }
  void Save(BinaryWriter&) const override { throw std::logic_error("a mapped model is not saved"); }

 private:
  const RecsModel& m_;
  std::vector<std::int64_t> to_model_;
};

}  // namespace

std::unique_ptr<Scorer> ForCatalogue(const RecsModel& model, const std::vector<std::string>& items) {
  return std::make_unique<Mapped>(model, items);
}

std::optional<std::uint32_t> RecsModel::Index(const std::string& item) const {
  auto it = index_.find(item);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void RecsModel::BuildIndex() {
  index_.clear();
  for (std::size_t i = 0; i < items.size(); ++i) index_.emplace(items[i], static_cast<std::uint32_t>(i));
}

std::string SerializeRecsModel(const std::vector<std::string>& items, std::int64_t trained_until,
                               const HybridScorer& hybrid) {
  BinaryWriter w;
  w.Put<std::uint32_t>(kFormat);
  w.Put<std::uint64_t>(items.size());
  for (const std::string& item : items) w.PutString(item);
  w.Put<std::int64_t>(trained_until);
  hybrid.Save(w);
  return std::string(kMagic) + w.Bytes();
}

RecsModel ParseRecsModel(const std::string& bytes) {
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) throw std::runtime_error("not an Okada recommender model");
  BinaryReader r(std::string_view(bytes).substr(kMagic.size()));
  const auto format = r.Get<std::uint32_t>();
  if (format != kFormat)
    throw std::runtime_error("recommender model format " + std::to_string(format) + " (this build reads " +
                             std::to_string(kFormat) + ")");
  RecsModel m;
  const auto n = r.Get<std::uint64_t>();
  if (n > (std::uint64_t{1} << 26)) throw std::runtime_error("model file corrupt (item count)");
  m.items.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) m.items.push_back(r.GetString(4096));
  m.trained_until = r.Get<std::int64_t>();
  m.hybrid = HybridScorer::Load(r, m.items.size());
  if (!r.AtEnd()) throw std::runtime_error("model file corrupt (trailing bytes)");
  m.BuildIndex();
  return m;
}

void SaveRecsModel(const std::string& path, const std::vector<std::string>& items, std::int64_t trained_until,
                   const HybridScorer& hybrid) {
  const std::string bytes = SerializeRecsModel(items, trained_until, hybrid);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

RecsModel LoadRecsModel(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return ParseRecsModel(buffer.str());
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace okada::brain::recs
