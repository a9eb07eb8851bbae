#pragma once
// Offline evaluation of the recommenders (`okada brain eval-recs`): split, train, rank every candidate item,
// score the top K against the held-out items; and the hybrid's blend weights, learned on a validation split cut
// from the training part only (the evaluation's held-out items are never seen while fitting anything).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "okada/brain/recs/interactions.hpp"
#include "okada/brain/recs/models.hpp"
#include "okada/brain/recs/split.hpp"

namespace okada::brain::recs {

struct Metrics {
  double hr = 0;         // share of users with at least one held-out item in their top K
  double ndcg = 0;       // binary gains, normalised by the ideal over min(K, held-out)
  double precision = 0;  // hits / K
  double coverage = 0;   // distinct items recommended to anyone / items
};

struct Ranked {
  Metrics metrics;
  std::vector<double> user_ndcg;  // per evaluated user, in Split::users order
};

// Ranks the candidates of every evaluated user by `scorer` and measures the top `k`. Candidates: every item the
// user has no training interaction with, or every item when `repeat`. Ties go to the lower item index.
Ranked Evaluate(const Scorer& scorer, const TrainData& train, const Split& split, int k, bool repeat, int threads);

// NDCG@k of one ranking (binary gains) against `relevant` (sorted), ideal over min(k, relevant).
double Ndcg(const std::vector<std::uint32_t>& top, const std::vector<std::uint32_t>& relevant, int k);

struct Bootstrap {
  double mean_difference = 0;  // mean over users of a - b
  double low = 0, high = 0;    // 95% percentile interval of the mean difference
  int resamples = 0;
};
// Paired bootstrap over users of mean(a) - mean(b); deterministic for a seed.
Bootstrap PairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, int resamples,
                          std::uint64_t seed);

// A weighted sum of the components' scores, each standardised per user (z-scores over all items). Owns them.
class HybridScorer final : public Scorer {
 public:
  HybridScorer(std::vector<std::unique_ptr<Scorer>> components, std::vector<double> weights);
  const char* Name() const override { return "hybrid"; }
  void Score(const History& history, std::int64_t request_time, std::span<float> out) const override;
  void Save(BinaryWriter& out) const override;
  static std::unique_ptr<HybridScorer> Load(BinaryReader& in, std::size_t items);
  const std::vector<std::unique_ptr<Scorer>>& Components() const { return components_; }
  const std::vector<double>& Weights() const { return weights_; }

 private:
  std::vector<std::unique_ptr<Scorer>> components_;
  std::vector<double> weights_;
};

struct EvalOptions {
  Protocol protocol = Protocol::kLeaveLastOut;
  int k = 10;
  bool repeat = false;
  std::uint64_t seed = 1;
  int threads = 1;
  ItemContent content;  // empty: the content component is left out
  std::size_t max_validation_users = 4000;
  int als_factors = 64;  // capped at half the number of items
  int als_iterations = 12;
  std::ostream* progress = nullptr;  // progress lines (stderr in the CLI)
};

struct ModelReport {
  std::string name;
  Metrics metrics;
};

struct EvalReport {
  Protocol protocol = Protocol::kLeaveLastOut;
  int k = 10;
  bool repeat = false;
  std::size_t users = 0;  // evaluated users
  std::size_t items = 0;
  std::size_t users_skipped = 0;
  std::size_t train_interactions = 0;
  std::vector<ModelReport> models;  // popularity, item_knn, hybrid
  std::vector<std::string> hybrid_components;
  std::vector<double> hybrid_weights;
  double validation_ndcg = 0;      // the chosen blend on the validation split
  AlsOptions als;                  // the ALS settings chosen on validation
  Bootstrap hybrid_vs_popularity;  // NDCG@k, paired over users
};

EvalReport EvalRecs(const Dataset& data, const EvalOptions& options);

// What validation chose: the ALS settings and the blend.
struct BlendChoice {
  AlsOptions als;
  std::vector<std::string> components;
  std::vector<double> weights;
  double validation_ndcg = 0;
};
// Cuts a validation split from `train` with the options' protocol, picks the ALS settings and learns the blend
// weights by coordinate ascent on NDCG@k. Never sees anything but `train`.
BlendChoice LearnBlend(std::span<const Interaction> train, std::size_t users, std::size_t items,
                       const EvalOptions& options);
// The hybrid with the chosen components (weight 0 left out), trained on `rows` (= `data`'s rows).
std::unique_ptr<HybridScorer> BuildHybrid(std::span<const Interaction> rows, const TrainData& data,
                                          const EvalOptions& options, const BlendChoice& choice);

// The report as one JSON object (the CLI's output).
std::string ReportJson(const EvalReport& report);

}  // namespace okada::brain::recs
