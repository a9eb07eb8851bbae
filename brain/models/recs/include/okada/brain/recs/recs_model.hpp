#pragma once
// The recommender as a file: the item catalogue (names as in the training data), when training ended, and the
// hybrid with its components' serving data. Written by `okada brain train recs`, read by the brain service.
//
// Format (little-endian): "OKADA-RECS\n", u32 format version (1), u64 item count + item names, i64 trained_until,
// then the hybrid: u32 components, each: name, f64 weight, its section (length-prefixed bytes).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "okada/brain/recs/evaluate.hpp"

namespace okada::brain::recs {

struct RecsModel {
  std::vector<std::string> items;
  std::int64_t trained_until = 0;
  std::unique_ptr<HybridScorer> hybrid;

  std::optional<std::uint32_t> Index(const std::string& item) const;
  void BuildIndex();

 private:
  std::unordered_map<std::string, std::uint32_t> index_;
};

// `model` as a scorer over another catalogue (`items`, e.g. a newer dataset's): histories are mapped into the
// model's items (unknown ones dropped) and items the model does not know score -infinity. `model` must outlive it.
std::unique_ptr<Scorer> ForCatalogue(const RecsModel& model, const std::vector<std::string>& items);

std::string SerializeRecsModel(const std::vector<std::string>& items, std::int64_t trained_until,
                               const HybridScorer& hybrid);
// Throws std::runtime_error naming what is wrong for a file that is not a recommender model or is corrupt.
RecsModel ParseRecsModel(const std::string& bytes);
void SaveRecsModel(const std::string& path, const std::vector<std::string>& items, std::int64_t trained_until,
                   const HybridScorer& hybrid);
RecsModel LoadRecsModel(const std::string& path);

}  // namespace okada::brain::recs
