#include "okada/brain/recs/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <sstream>

namespace okada::brain::recs {
namespace {

// The top `k` of `scores` among items not excluded, best first, ties to the lower index.
void TopK(std::span<const float> scores, const std::vector<char>& excluded, int k, std::vector<std::uint32_t>& out) {
  out.clear();
  const auto better = [&](std::uint32_t a, std::uint32_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  };
  // A min-heap (worst on top) of the best k so far.
  for (std::uint32_t i = 0; i < scores.size(); ++i) {
    if (excluded[i]) continue;
    if (out.size() < static_cast<std::size_t>(k)) {
      out.push_back(i);
      std::push_heap(out.begin(), out.end(), better);
    } else if (better(i, out.front())) {
      std::pop_heap(out.begin(), out.end(), better);
      out.back() = i;
      std::push_heap(out.begin(), out.end(), better);
    }
  }
  std::sort(out.begin(), out.end(), better);
}

void Standardise(std::span<float> s) {
  double sum = 0, sq = 0, largest = 0;
  for (float v : s) {
    sum += v;
    largest = std::max(largest, std::fabs(static_cast<double>(v)));
  }
  const double mean = sum / static_cast<double>(s.size());
  for (float v : s) sq += (v - mean) * (v - mean);
  const double sd = std::sqrt(sq / static_cast<double>(s.size()));
  if (sd <= 1e-9 * largest || sd == 0) {  // constant scores: no information
    std::fill(s.begin(), s.end(), 0.0f);
    return;
  }
  for (float& v : s) v = static_cast<float>((v - mean) / sd);
}

void MarkTraining(const TrainData& train, std::uint32_t user, bool repeat, std::vector<char>& excluded, bool on) {
  if (repeat) return;
  for (std::uint32_t j : train.ItemsOf(user)) excluded[j] = on;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

struct Components {
  std::vector<std::unique_ptr<Scorer>> scorers;
  std::vector<std::string> names;
};

std::vector<std::string> ComponentNames(const EvalOptions& o) {
  std::vector<std::string> names = {"popularity", "trending", "item_knn", "als"};
  if (!o.content.Empty()) names.emplace_back("content");
  if (o.repeat) names.emplace_back("history");
  return names;
}

Components BuildComponents(std::span<const Interaction> rows, const TrainData& train, const EvalOptions& o,
                           const AlsOptions& als, const std::vector<double>* weights = nullptr) {
  Components c;
  std::size_t at = 0;
  const auto wanted = [&] { return !weights || (*weights)[at++] != 0; };
  if (wanted()) c.scorers.push_back(MakePopularity(train));
  if (wanted()) c.scorers.push_back(MakeTrending(rows, train.items, 30));
  if (wanted()) c.scorers.push_back(MakeItemKnn(train, KnnOptions{.threads = o.threads}));
  if (wanted()) c.scorers.push_back(MakeAls(train, als));
  if (!o.content.Empty() && wanted()) c.scorers.push_back(MakeContent(train.items, o.content));
  if (o.repeat && wanted()) c.scorers.push_back(MakeHistory());
  for (const auto& s : c.scorers) c.names.emplace_back(s->Name());
  return c;
}

void Progress(const EvalOptions& o, const std::string& line) {
  if (o.progress) *o.progress << "okada brain eval-recs: " << line << std::endl;
}

// Validation users' standardised component scores, so blends are cheap to try.
struct ValidationScores {
  std::size_t items = 0;
  std::vector<std::vector<float>> z;        // per component: users × items
  std::vector<std::vector<char>> excluded;  // per user
  std::vector<const std::vector<std::uint32_t>*> relevant;
};

double BlendNdcg(const ValidationScores& v, const std::vector<double>& w, int k, int threads) {
  const std::size_t users = v.relevant.size();
  std::vector<double> ndcg(users, 0);
  ParallelFor(users, threads, [&](std::size_t x) {
    thread_local std::vector<float> s;
    thread_local std::vector<std::uint32_t> top;
    s.assign(v.items, 0.0f);
    for (std::size_t c = 0; c < w.size(); ++c) {
      if (w[c] == 0) continue;
      const float* z = v.z[c].data() + x * v.items;
      const float wc = static_cast<float>(w[c]);
      for (std::size_t i = 0; i < v.items; ++i) s[i] += wc * z[i];
    }
    TopK(s, v.excluded[x], k, top);
    ndcg[x] = Ndcg(top, *v.relevant[x], k);
  });
  double sum = 0;
  for (double d : ndcg) sum += d;
  return users ? sum / static_cast<double>(users) : 0;
}

}  // namespace

double Ndcg(const std::vector<std::uint32_t>& top, const std::vector<std::uint32_t>& relevant, int k) {
  double dcg = 0, ideal = 0;
  for (std::size_t r = 0; r < top.size() && r < static_cast<std::size_t>(k); ++r)
    if (std::binary_search(relevant.begin(), relevant.end(), top[r]))
      dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(k), relevant.size());
  for (std::size_t r = 0; r < n; ++r) ideal += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  return ideal > 0 ? dcg / ideal : 0;
}

Ranked Evaluate(const Scorer& scorer, const TrainData& train, const Split& split, int k, bool repeat, int threads) {
  const std::size_t n = split.users.size();
  Ranked r;
  r.user_ndcg.assign(n, 0);
  std::vector<double> hit(n, 0), precision(n, 0);
  std::vector<std::vector<std::uint32_t>> tops(n);
  ParallelFor(n, threads, [&](std::size_t x) {
    thread_local std::vector<float> scores;
    thread_local std::vector<char> excluded;
    scores.assign(train.items, 0.0f);
    excluded.assign(train.items, 0);
    const std::uint32_t user = split.users[x];
    scorer.Score(train.HistoryOf(user), split.request_time[x], scores);
    MarkTraining(train, user, repeat, excluded, true);
    TopK(scores, excluded, k, tops[x]);
    std::size_t hits = 0;
    for (std::uint32_t i : tops[x]) hits += std::binary_search(split.held_out[x].begin(), split.held_out[x].end(), i);
    hit[x] = hits > 0;
    precision[x] = static_cast<double>(hits) / k;
    r.user_ndcg[x] = Ndcg(tops[x], split.held_out[x], k);
  });
  std::vector<char> recommended(train.items, 0);
  for (const auto& t : tops)
    for (std::uint32_t i : t) recommended[i] = 1;
  double h = 0, p = 0, g = 0, covered = 0;
  for (std::size_t x = 0; x < n; ++x) {
    h += hit[x];
    p += precision[x];
    g += r.user_ndcg[x];
  }
  for (char c : recommended) covered += c;
  if (n > 0) r.metrics = {h / n, g / n, p / n, train.items ? covered / train.items : 0};
  return r;
}

Bootstrap PairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, int resamples,
                          std::uint64_t seed) {
  Bootstrap out;
  out.resamples = resamples;
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0 || resamples <= 0) return out;
  std::vector<double> diff(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += diff[i] = a[i] - b[i];
  out.mean_difference = sum / static_cast<double>(n);
  Rng rng(seed ^ 0xB007'57A9ull);
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (double& m : means) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += diff[rng.Below(n)];
    m = s / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const auto at = [&](double q) {
    const std::size_t i = static_cast<std::size_t>(std::floor(q * static_cast<double>(resamples - 1)));
    return means[std::min(i, means.size() - 1)];
  };
  out.low = at(0.025);
  out.high = at(0.975);
  return out;
}

HybridScorer::HybridScorer(std::vector<std::unique_ptr<Scorer>> components, std::vector<double> weights)
    : components_(std::move(components)), weights_(std::move(weights)) {
  if (components_.size() != weights_.size()) throw std::invalid_argument("hybrid: one weight per component");
}

void HybridScorer::Score(const History& history, std::int64_t request_time, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  std::vector<float> s(out.size());
  for (std::size_t c = 0; c < components_.size(); ++c) {
    if (weights_[c] == 0) continue;
    components_[c]->Score(history, request_time, s);
    Standardise(s);
    const float w = static_cast<float>(weights_[c]);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += w * s[i];
  }
}

void HybridScorer::Save(BinaryWriter& out) const {
  out.Put<std::uint32_t>(static_cast<std::uint32_t>(components_.size()));
  for (std::size_t c = 0; c < components_.size(); ++c) {
    BinaryWriter section;
    components_[c]->Save(section);
    out.PutString(components_[c]->Name());
    out.Put<double>(weights_[c]);
    out.PutString(section.Bytes());
  }
}

std::unique_ptr<HybridScorer> HybridScorer::Load(BinaryReader& in, std::size_t items) {
  const auto n = in.Get<std::uint32_t>();
  if (n > 64) throw std::runtime_error("model file corrupt (components)");
  std::vector<std::unique_ptr<Scorer>> components;
  std::vector<double> weights;
  for (std::uint32_t c = 0; c < n; ++c) {
    const std::string name = in.GetString(64);
    const double w = in.Get<double>();
    if (!std::isfinite(w)) throw std::runtime_error("model file corrupt (weight of " + name + ")");
    const std::string bytes = in.GetString(std::size_t{1} << 34);
    BinaryReader section(bytes);
    components.push_back(LoadScorer(name, section, items));
    if (!section.AtEnd()) throw std::runtime_error("model file corrupt (section " + name + " too long)");
    weights.push_back(w);
  }
  return std::make_unique<HybridScorer>(std::move(components), std::move(weights));
}

BlendChoice LearnBlend(std::span<const Interaction> train, std::size_t users, std::size_t items, const EvalOptions& o) {
  BlendChoice choice;
  const Split val = MakeSplit(train, o.protocol, o.seed + 0x5EED);
  const TrainData val_train = BuildTrainData(val.train, users, items);
  std::vector<std::size_t> sample(val.users.size());
  for (std::size_t i = 0; i < sample.size(); ++i) sample[i] = i;
  const std::size_t components_max = 6;
  const std::size_t budget = std::max<std::size_t>(
      200, static_cast<std::size_t>(2e8 / static_cast<double>(components_max * std::max<std::size_t>(items, 1))));
  const std::size_t limit = std::min(o.max_validation_users, budget);
  if (sample.size() > limit) {
    Rng rng(o.seed ^ 0x7A11DA7Eull);
    for (std::size_t i = 0; i < limit; ++i) std::swap(sample[i], sample[i + rng.Below(sample.size() - i)]);
    sample.resize(limit);
    std::sort(sample.begin(), sample.end());
  }
  Split val_sample;
  for (std::size_t x : sample) {
    val_sample.users.push_back(val.users[x]);
    val_sample.held_out.push_back(val.held_out[x]);
    val_sample.request_time.push_back(val.request_time[x]);
  }
  Progress(o, "validation: " + std::to_string(val.train.size()) + " training interactions, " +
                  std::to_string(val_sample.users.size()) + " users");
  if (val_sample.users.empty()) {
    // Too little history to validate anything: popularity alone.
    choice.components = ComponentNames(o);
    choice.weights.assign(choice.components.size(), 0);
    choice.weights[0] = 1;
    return choice;
  }

  // ALS settings: a small grid, judged by ALS alone on validation.
  AlsOptions best_als;
  best_als.seed = o.seed;
  best_als.threads = o.threads;
  best_als.factors = std::max(2, std::min<int>(o.als_factors, static_cast<int>(items / 2)));
  best_als.iterations = o.als_iterations;
  double best_als_ndcg = -1;
  for (double reg : {0.3, 3.0, 30.0, 300.0}) {
    for (double alpha : {1.0, 4.0}) {
      AlsOptions a = best_als;
      a.regularization = reg;
      a.alpha = alpha;
      const auto als = MakeAls(val_train, a);
      const double ndcg = Evaluate(*als, val_train, val_sample, o.k, o.repeat, o.threads).metrics.ndcg;
      Progress(o, "validation: als regularization " + Fixed(reg, 2) + " alpha " + Fixed(alpha, 1) + ": ndcg@" +
                      std::to_string(o.k) + " " + Fixed(ndcg, 4));
      if (ndcg > best_als_ndcg) {
        best_als_ndcg = ndcg;
        best_als.regularization = reg;
        best_als.alpha = alpha;
      }
    }
  }
  choice.als = best_als;

  // Blend weights by coordinate ascent on validation NDCG@k.
  const Components comps = BuildComponents(val.train, val_train, o, best_als);
  ValidationScores v;
  v.items = items;
  const std::size_t n = val_sample.users.size();
  v.z.assign(comps.scorers.size(), std::vector<float>(n * v.items));
  v.excluded.assign(n, std::vector<char>(v.items, 0));
  for (std::size_t x = 0; x < n; ++x) v.relevant.push_back(&val_sample.held_out[x]);
  ParallelFor(n, o.threads, [&](std::size_t x) {
    MarkTraining(val_train, val_sample.users[x], o.repeat, v.excluded[x], true);
    const History h = val_train.HistoryOf(val_sample.users[x]);
    for (std::size_t c = 0; c < comps.scorers.size(); ++c) {
      std::span<float> s(v.z[c].data() + x * v.items, v.items);
      comps.scorers[c]->Score(h, val_sample.request_time[x], s);
      Standardise(s);
    }
  });
  std::vector<double> w(comps.scorers.size(), 0);
  double best = -1;
  for (std::size_t c = 0; c < w.size(); ++c) {
    std::vector<double> single(w.size(), 0);
    single[c] = 1;
    const double ndcg = BlendNdcg(v, single, o.k, o.threads);
    Progress(o, "validation: " + comps.names[c] + " alone: ndcg@" + std::to_string(o.k) + " " + Fixed(ndcg, 4));
    if (ndcg > best) {
      best = ndcg;
      w = single;
    }
  }
  const double grid[] = {0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5};
  for (int round = 0; round < 4; ++round) {
    bool improved = false;
    for (std::size_t c = 0; c < w.size(); ++c) {
      for (double g : grid) {
        if (g == w[c]) continue;
        std::vector<double> trial = w;
        trial[c] = g;
        if (std::all_of(trial.begin(), trial.end(), [](double x) { return x == 0; })) continue;
        const double ndcg = BlendNdcg(v, trial, o.k, o.threads);
        if (ndcg > best + 1e-9) {
          best = ndcg;
          w = trial;
          improved = true;
        }
      }
    }
    std::string line = "validation: blend round " + std::to_string(round + 1) + ": ndcg@" + std::to_string(o.k) + " " +
                       Fixed(best, 4) + " with";
    for (std::size_t c = 0; c < w.size(); ++c) line += " " + comps.names[c] + "=" + Fixed(w[c], 2);
    Progress(o, line);
    if (!improved) break;
  }
  choice.components = comps.names;
  choice.weights = w;
  choice.validation_ndcg = best;
  return choice;
}

std::unique_ptr<HybridScorer> BuildHybrid(std::span<const Interaction> rows, const TrainData& data,
                                          const EvalOptions& o, const BlendChoice& choice) {
  Components comps = BuildComponents(rows, data, o, choice.als, &choice.weights);
  std::vector<double> weights;
  for (double w : choice.weights)
    if (w != 0) weights.push_back(w);
  return std::make_unique<HybridScorer>(std::move(comps.scorers), std::move(weights));
}

EvalReport EvalRecs(const Dataset& data, const EvalOptions& o) {
  EvalReport rep;
  rep.protocol = o.protocol;
  rep.k = o.k;
  rep.repeat = o.repeat;
  rep.items = data.items.size();
  const Split split = MakeSplit(data.rows, o.protocol, o.seed);
  rep.users = split.users.size();
  rep.users_skipped = split.users_skipped;
  rep.train_interactions = split.train.size();
  Progress(o, std::to_string(data.rows.size()) + " interactions, " + std::to_string(data.users.size()) + " users, " +
                  std::to_string(data.items.size()) + " items; " + ProtocolName(o.protocol) + ": " +
                  std::to_string(rep.users) + " users evaluated, " + std::to_string(rep.users_skipped) + " skipped");

  // ---- Validation: the same protocol applied to the training part only. -------------------------------------
  const BlendChoice choice = LearnBlend(split.train, data.users.size(), data.items.size(), o);
  rep.als = choice.als;
  rep.hybrid_components = choice.components;
  rep.hybrid_weights = choice.weights;
  rep.validation_ndcg = choice.validation_ndcg;

  // ---- Final: train on the whole training part, measure on the held-out items. -------------------------------
  const TrainData train = BuildTrainData(split.train, data.users.size(), data.items.size());
  const auto popularity = MakePopularity(train);
  const auto knn = MakeItemKnn(train, KnnOptions{.threads = o.threads});
  const auto hybrid = BuildHybrid(split.train, train, o, choice);
  const Ranked pop = Evaluate(*popularity, train, split, o.k, o.repeat, o.threads);
  Progress(o, "test: popularity ndcg@" + std::to_string(o.k) + " " + Fixed(pop.metrics.ndcg, 4));
  const Ranked knn_r = Evaluate(*knn, train, split, o.k, o.repeat, o.threads);
  Progress(o, "test: item_knn ndcg@" + std::to_string(o.k) + " " + Fixed(knn_r.metrics.ndcg, 4));
  const Ranked hyb = Evaluate(*hybrid, train, split, o.k, o.repeat, o.threads);
  Progress(o, "test: hybrid ndcg@" + std::to_string(o.k) + " " + Fixed(hyb.metrics.ndcg, 4));
  rep.models = {{"popularity", pop.metrics}, {"item_knn", knn_r.metrics}, {"hybrid", hyb.metrics}};
  rep.hybrid_vs_popularity = PairedBootstrap(hyb.user_ndcg, pop.user_ndcg, 1000, o.seed);
  return rep;
}

std::string ReportJson(const EvalReport& r) {
  std::ostringstream j;
  const auto metrics = [](const Metrics& m) {
    return "{\"hr\": " + Fixed(m.hr, 6) + ", \"ndcg\": " + Fixed(m.ndcg, 6) +
           ", \"precision\": " + Fixed(m.precision, 6) + ", \"coverage\": " + Fixed(m.coverage, 6) + "}";
  };
  j << "{\"protocol\": \"" << ProtocolName(r.protocol) << "\", \"k\": " << r.k << ", \"users\": " << r.users
    << ", \"items\": " << r.items << ", \"models\": {";
  for (std::size_t i = 0; i < r.models.size(); ++i)
    j << (i ? ", " : "") << "\"" << r.models[i].name << "\": " << metrics(r.models[i].metrics);
  j << "}, \"repeat\": " << (r.repeat ? "true" : "false") << ", \"users_skipped\": " << r.users_skipped
    << ", \"hybrid_weights\": {";
  for (std::size_t i = 0; i < r.hybrid_components.size(); ++i)
    j << (i ? ", " : "") << "\"" << r.hybrid_components[i] << "\": " << Fixed(r.hybrid_weights[i], 2);
  j << "}, \"hybrid_vs_popularity\": {\"metric\": \"ndcg\", \"mean_difference\": "
    << Fixed(r.hybrid_vs_popularity.mean_difference, 6) << ", \"ci95\": [" << Fixed(r.hybrid_vs_popularity.low, 6)
    << ", " << Fixed(r.hybrid_vs_popularity.high, 6) << "], \"resamples\": " << r.hybrid_vs_popularity.resamples
    << "}}";
  return j.str();
}

}  // namespace okada::brain::recs
