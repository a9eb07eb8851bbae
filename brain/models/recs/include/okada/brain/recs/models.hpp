#pragma once
// The recommenders: scorers that give every item a score for a user's history at a request time. Higher is
// better; the caller excludes what it must (items already bought, out of stock …) and takes the top K.
//   popularity   how many training events an item has (cold start, the bar to beat)
//   trending     popularity as of the request time, recent events counting more
//   history      the user's own purchase counts with recency (the "buy again" signal)
//   item_knn     item-to-item cosine similarity on who bought what, summed over the user's items
//   content      TF-IDF similarity of item names (FR/EN tokens), category and price band to the user's items
//   als          implicit-feedback matrix factorisation (alternating least squares, Hu, Koren & Volinsky 2008);
//                a user's factors are solved from their history at scoring time (fold-in), so a customer who
//                bought something since training is served from what they bought
// Scorers read only their own data and the history given, so the same object scores offline (from training
// data) and online (from the feature store's history of a customer). Each writes itself to a model file and is
// read back by LoadScorer. Plain C++20 with Eigen (in als.cpp only); no Boost, no LibTorch.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "okada/brain/recs/binary_io.hpp"
#include "okada/brain/recs/interactions.hpp"

namespace okada::brain::recs {

// One user's past: distinct items with their summed weight, number of events and latest time (parallel spans).
struct History {
  std::span<const std::uint32_t> items;
  std::span<const float> value;
  std::span<const float> events;
  std::span<const std::int64_t> last;
  std::size_t Size() const { return items.size(); }
};

// Training interactions aggregated per (user, item), indexed both ways.
struct TrainData {
  std::size_t users = 0;
  std::size_t items = 0;
  std::vector<std::size_t> user_begin;  // users + 1 offsets into the user_* arrays
  std::vector<std::uint32_t> user_item;
  std::vector<float> user_value;        // sum of weights
  std::vector<float> user_events;       // distinct timestamps
  std::vector<std::int64_t> user_last;  // latest timestamp
  std::vector<std::size_t> item_begin;  // items + 1 offsets into the item_* arrays
  std::vector<std::uint32_t> item_user;
  std::vector<float> item_value;
  std::vector<double> item_events;  // training events per item
  std::int64_t latest = 0;

  std::span<const std::uint32_t> ItemsOf(std::uint32_t user) const {
    if (user >= users) return {};
    return {user_item.data() + user_begin[user], user_begin[user + 1] - user_begin[user]};
  }
  History HistoryOf(std::uint32_t user) const;
};

TrainData BuildTrainData(std::span<const Interaction> rows, std::size_t users, std::size_t items);

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual const char* Name() const = 0;
  // Writes one score per item into `out` (size = items). Thread-safe.
  virtual void Score(const History& history, std::int64_t request_time, std::span<float> out) const = 0;
  // Writes what Score needs (not the training data) for LoadScorer(Name(), …).
  virtual void Save(BinaryWriter& out) const = 0;
};

// Reads a scorer written by Save; throws std::runtime_error on an unknown name or a corrupt section.
std::unique_ptr<Scorer> LoadScorer(const std::string& name, BinaryReader& in, std::size_t items);

std::unique_ptr<Scorer> MakePopularity(const TrainData& data);
std::unique_ptr<Scorer> MakeHistory();
// Popularity at the request time: training events up to then, each weighted 2^(-age / half-life). Saved as the
// decayed counts at the latest training event (serving asks at later times).
std::unique_ptr<Scorer> MakeTrending(std::span<const Interaction> rows, std::size_t items, double half_life_days);

struct KnnOptions {
  int neighbours = 200;  // most similar items kept per item
  double shrink = 10;    // cosine shrinkage: co / (sqrt(n_i n_j) + shrink)
  int threads = 1;
};
std::unique_ptr<Scorer> MakeItemKnn(const TrainData& data, const KnnOptions& options);

// Content of the items: a bag of tokens each (name words in both languages, "cat:…", "price:…").
struct ItemContent {
  std::vector<std::vector<std::string>> tokens;  // per item
  bool Empty() const;
};
// Tokens of free text: lowercased words of two or more characters, common FR/EN stop words removed.
std::vector<std::string> TextTokens(const std::string& text);
// From the item names themselves when they are words ("whole milk"), nothing when they are codes ("1193").
ItemContent ContentFromNames(const std::vector<std::string>& item_names);
// From an items CSV with a header `item,category,name_fr,name_en,price_xaf[,…]` (extra columns ignored; any of
// category/name_fr/name_en/price_xaf may be missing). Items absent from the file get no tokens. Throws
// std::runtime_error on a malformed file.
ItemContent LoadItemContent(const std::string& path, const std::vector<std::string>& item_names);
std::unique_ptr<Scorer> MakeContent(std::size_t items, const ItemContent& content);

struct AlsOptions {
  int factors = 64;
  int iterations = 12;
  double regularization = 1;  // λ (L2 on every factor row)
  double alpha = 2;           // confidence 1 + alpha * log1p(weight)
  std::uint64_t seed = 1;
  int threads = 1;
};
std::unique_ptr<Scorer> MakeAls(const TrainData& data, const AlsOptions& options);

// Calls fn(i) for i in [0, n) on up to `threads` threads (contiguous chunks).
void ParallelFor(std::size_t n, int threads, const std::function<void(std::size_t)>& fn);

}  // namespace okada::brain::recs
