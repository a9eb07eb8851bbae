#include "okada/brain/recs/models.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace okada::brain::recs {

void ParallelFor(std::size_t n, int threads, const std::function<void(std::size_t)>& fn) {
  const std::size_t t =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1, std::max<std::size_t>(n, 1));
  if (t == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(t);
  for (std::size_t k = 0; k < t; ++k) {
    pool.emplace_back([&, k] {
      try {
        for (std::size_t i = n * k / t; i < n * (k + 1) / t; ++i) fn(i);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

TrainData BuildTrainData(std::span<const Interaction> rows, std::size_t users, std::size_t items) {
  TrainData d;
  d.users = users;
  d.items = items;
  // (user, item) aggregates, via a sort of row indices by (user, item).
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (rows[a].user != rows[b].user) return rows[a].user < rows[b].user;
    if (rows[a].item != rows[b].item) return rows[a].item < rows[b].item;
    return a < b;
  });
  d.user_begin.assign(users + 1, 0);
  d.item_events.assign(items, 0);
  for (std::size_t k = 0; k < order.size();) {
    const Interaction& first = rows[order[k]];
    if (first.user >= users || first.item >= items) throw std::out_of_range("interaction outside the dataset");
    float value = 0, events = 0;
    std::int64_t last = first.time;
    std::size_t j = k;
    for (; j < order.size() && rows[order[j]].user == first.user && rows[order[j]].item == first.item; ++j) {
      value += rows[order[j]].weight;
      events += 1;
      last = std::max(last, rows[order[j]].time);
    }
    d.user_item.push_back(first.item);
    d.user_value.push_back(value);
    d.user_events.push_back(events);
    d.user_last.push_back(last);
    d.user_begin[first.user + 1] += 1;
    d.item_events[first.item] += events;
    d.latest = std::max(d.latest, last);
    k = j;
  }
  for (std::size_t u = 0; u < users; ++u) d.user_begin[u + 1] += d.user_begin[u];
  // The transposed index.
  d.item_begin.assign(items + 1, 0);
  for (std::uint32_t i : d.user_item) d.item_begin[i + 1] += 1;
  for (std::size_t i = 0; i < items; ++i) d.item_begin[i + 1] += d.item_begin[i];
  d.item_user.resize(d.user_item.size());
  d.item_value.resize(d.user_item.size());
  std::vector<std::size_t> fill(d.item_begin.begin(), d.item_begin.end() - 1);
  for (std::uint32_t u = 0; u < users; ++u) {
    for (std::size_t k = d.user_begin[u]; k < d.user_begin[u + 1]; ++k) {
      const std::size_t at = fill[d.user_item[k]]++;
      d.item_user[at] = u;
      d.item_value[at] = d.user_value[k];
    }
  }
  return d;
}

History TrainData::HistoryOf(std::uint32_t user) const {
  if (user >= users) return {};
  const std::size_t b = user_begin[user], n = user_begin[user + 1] - b;
  return {
      {user_item.data() + b, n}, {user_value.data() + b, n}, {user_events.data() + b, n}, {user_last.data() + b, n}};
}

namespace {

class Popularity final : public Scorer {
 public:
  explicit Popularity(std::vector<float> score) : score_(std::move(score)) {}
  const char* Name() const override { return "popularity"; }
  void Score(const History&, std::int64_t, std::span<float> out) const override {
    std::copy(score_.begin(), score_.end(), out.begin());
  }
  void Save(BinaryWriter& out) const override { out.PutVector(score_); }

 private:
  std::vector<float> score_;
};

// Popularity as of the request time: each earlier training event counts 2^(-age / half-life). Only events up to
// the request time count, as a live system would see them. Offline it keeps every event time (requests come at
// many past times); saved, it keeps the decayed counts at the latest event (serving asks later).
class Trending final : public Scorer {
 public:
  Trending(std::span<const Interaction> rows, std::size_t items, double half_life_days)
      : rate_(std::log(2.0) / (half_life_days * 86400.0)), begin_(items + 1, 0) {
    for (const Interaction& r : rows) begin_[r.item + 1] += 1;
    for (std::size_t i = 0; i < items; ++i) begin_[i + 1] += begin_[i];
    time_.resize(rows.size());
    std::vector<std::size_t> fill(begin_.begin(), begin_.end() - 1);
    for (const Interaction& r : rows) time_[fill[r.item]++] = r.time;
    origin_ = rows.empty() ? 0 : rows.front().time;
    for (const Interaction& r : rows) {
      origin_ = std::min(origin_, r.time);
      latest_ = std::max(latest_, r.time);
    }
    prefix_.resize(rows.size() + items);
    for (std::size_t i = 0; i < items; ++i) {
      std::sort(time_.begin() + static_cast<std::ptrdiff_t>(begin_[i]),
                time_.begin() + static_cast<std::ptrdiff_t>(begin_[i + 1]));
      double sum = 0;
      prefix_[begin_[i] + i] = 0;
      for (std::size_t k = begin_[i]; k < begin_[i + 1]; ++k) {
        sum += std::exp(rate_ * static_cast<double>(time_[k] - origin_));
        prefix_[k + i + 1] = sum;
      }
    }
  }
  // A saved snapshot: decayed counts at `latest`.
  Trending(double rate, std::int64_t latest, std::vector<double> counts)
      : rate_(rate), origin_(latest), latest_(latest), snapshot_(std::move(counts)) {}

  const char* Name() const override { return "trending"; }
  void Score(const History&, std::int64_t request_time, std::span<float> out) const override {
    if (!snapshot_.empty() || begin_.size() <= 1) {
      const double scale = std::exp(-rate_ * static_cast<double>(std::max(request_time, latest_) - latest_));
      for (std::size_t i = 0; i < snapshot_.size(); ++i) out[i] = static_cast<float>(std::log1p(snapshot_[i] * scale));
      return;
    }
    const double scale = std::exp(-rate_ * static_cast<double>(request_time - origin_));
    for (std::size_t i = 0; i + 1 < begin_.size(); ++i)
      out[i] = static_cast<float>(std::log1p(Decayed(i, request_time) * scale));
  }
  void Save(BinaryWriter& out) const override {
    std::vector<double> counts;
    if (!snapshot_.empty()) {
      counts = snapshot_;
    } else {
      const double scale = std::exp(-rate_ * static_cast<double>(latest_ - origin_));
      for (std::size_t i = 0; i + 1 < begin_.size(); ++i) counts.push_back(Decayed(i, latest_) * scale);
    }
    out.Put<double>(rate_);
    out.Put<std::int64_t>(latest_);
    out.PutVector(counts);
  }

 private:
  double Decayed(std::size_t i, std::int64_t t) const {  // Σ e^(rate (t_e - origin)) over events up to t
    const auto first = time_.begin() + static_cast<std::ptrdiff_t>(begin_[i]);
    const auto last = time_.begin() + static_cast<std::ptrdiff_t>(begin_[i + 1]);
    const std::size_t seen = static_cast<std::size_t>(std::upper_bound(first, last, t) - first);
    return prefix_[begin_[i] + i + seen];
  }

  double rate_;
  std::int64_t origin_ = 0;
  std::int64_t latest_ = 0;
  std::vector<std::size_t> begin_;
  std::vector<std::int64_t> time_;
  std::vector<double> prefix_;    // per item: running sums of e^(rate (t - origin)), one more entry than events
  std::vector<double> snapshot_;  // loaded from a model file
};

class OwnHistory final : public Scorer {
 public:
  const char* Name() const override { return "history"; }
  void Score(const History& h, std::int64_t request_time, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    constexpr double kHalfLifeDays = 30;
    for (std::size_t k = 0; k < h.Size(); ++k) {
      if (h.items[k] >= out.size()) continue;
      const double age_days = std::max<double>(0, static_cast<double>(request_time - h.last[k]) / 86400.0);
      const double recency = std::exp2(-age_days / kHalfLifeDays);
      out[h.items[k]] = static_cast<float>(std::log1p(h.events[k]) + 0.5 * recency);
    }
  }
  void Save(BinaryWriter&) const override {}
};

// Sparse item-to-item neighbour lists, scored by summing the neighbours of the user's items.
class ItemKnn final : public Scorer {
 public:
  ItemKnn(const TrainData& d, const KnnOptions& o) : begin_(d.items + 1, 0) {
    std::vector<std::vector<std::pair<std::uint32_t, float>>> lists(d.items);
    ParallelFor(d.items, o.threads, [&](std::size_t i) {
      thread_local std::vector<float> co;
      thread_local std::vector<std::uint32_t> touched;
      if (co.size() != d.items) co.assign(d.items, 0.0f);
      touched.clear();
      for (std::size_t k = d.item_begin[i]; k < d.item_begin[i + 1]; ++k) {
        const std::uint32_t u = d.item_user[k];
        for (std::size_t m = d.user_begin[u]; m < d.user_begin[u + 1]; ++m) {
          const std::uint32_t j = d.user_item[m];
          if (j == i) continue;
          if (co[j] == 0) touched.push_back(j);
          co[j] += 1;
        }
      }
      const double ni = static_cast<double>(d.item_begin[i + 1] - d.item_begin[i]);
      auto& out = lists[i];
      out.reserve(touched.size());
      for (std::uint32_t j : touched) {
        const double nj = static_cast<double>(d.item_begin[j + 1] - d.item_begin[j]);
        out.emplace_back(j, static_cast<float>(co[j] / (std::sqrt(ni * nj) + o.shrink)));
        co[j] = 0;
      }
      const auto better = [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      };
      if (out.size() > static_cast<std::size_t>(o.neighbours)) {
        std::nth_element(out.begin(), out.begin() + o.neighbours, out.end(), better);
        out.resize(static_cast<std::size_t>(o.neighbours));
      }
      std::sort(out.begin(), out.end(), better);
    });
    for (std::size_t i = 0; i < d.items; ++i) begin_[i + 1] = begin_[i] + lists[i].size();
    neighbour_.reserve(begin_.back());
    similarity_.reserve(begin_.back());
    for (const auto& l : lists)
      for (const auto& [j, s] : l) {
        neighbour_.push_back(j);
        similarity_.push_back(s);
      }
  }
  ItemKnn(BinaryReader& in, std::size_t items) {
    begin_ = in.GetVector<std::uint64_t>();
    neighbour_ = in.GetVector<std::uint32_t>();
    similarity_ = in.GetVector<float>();
    if (begin_.size() != items + 1 || begin_.back() != neighbour_.size() || neighbour_.size() != similarity_.size() ||
        !std::is_sorted(begin_.begin(), begin_.end()) ||
        std::any_of(neighbour_.begin(), neighbour_.end(), [&](std::uint32_t j) { return j >= items; }))
      throw std::runtime_error("model file corrupt (item_knn)");
  }
  const char* Name() const override { return "item_knn"; }
  void Score(const History& h, std::int64_t, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    for (std::uint32_t j : h.items) {
      if (j + 1 >= begin_.size()) continue;
      for (std::size_t k = begin_[j]; k < begin_[j + 1]; ++k) out[neighbour_[k]] += similarity_[k];
    }
  }
  void Save(BinaryWriter& out) const override {
    out.PutVector(begin_);
    out.PutVector(neighbour_);
    out.PutVector(similarity_);
  }
  // The most similar items to `item`, best first (for "similar items").
  std::span<const std::uint32_t> Neighbours(std::uint32_t item) const {
    return {neighbour_.data() + begin_[item], begin_[item + 1] - begin_[item]};
  }

 private:
  std::vector<std::uint64_t> begin_;
  std::vector<std::uint32_t> neighbour_;
  std::vector<float> similarity_;
};

// TF-IDF item vectors (L2-normalised); a user's profile is the sum of their items' vectors.
class Content final : public Scorer {
 public:
  Content(std::size_t items, const ItemContent& c) : begin_(items + 1, 0) {
    std::unordered_map<std::string, std::uint32_t> vocabulary;
    std::vector<std::vector<std::uint32_t>> ids(items);
    for (std::size_t i = 0; i < items && i < c.tokens.size(); ++i) {
      for (const std::string& t : c.tokens[i]) {
        auto [it, added] = vocabulary.try_emplace(t, static_cast<std::uint32_t>(vocabulary.size()));
        ids[i].push_back(it->second);
      }
      std::sort(ids[i].begin(), ids[i].end());
      ids[i].erase(std::unique(ids[i].begin(), ids[i].end()), ids[i].end());
    }
    vocabulary_ = vocabulary.size();
    std::vector<double> df(vocabulary_, 0);
    for (const auto& l : ids)
      for (std::uint32_t t : l) df[t] += 1;
    const auto idf = [&](std::uint32_t t) {
      return std::log((1.0 + static_cast<double>(items)) / (1.0 + df[t])) + 1.0;
    };
    for (std::size_t i = 0; i < items; ++i) {
      double norm = 0;
      for (std::uint32_t t : ids[i]) norm += idf(t) * idf(t);
      norm = std::sqrt(norm);
      for (std::uint32_t t : ids[i]) {
        token_.push_back(t);
        value_.push_back(static_cast<float>(idf(t) / norm));
      }
      begin_[i + 1] = token_.size();
    }
  }
  Content(BinaryReader& in, std::size_t items) {
    vocabulary_ = in.Get<std::uint64_t>();
    begin_ = in.GetVector<std::uint64_t>();
    token_ = in.GetVector<std::uint32_t>();
    value_ = in.GetVector<float>();
    if (begin_.size() != items + 1 || begin_.back() != token_.size() || token_.size() != value_.size() ||
        !std::is_sorted(begin_.begin(), begin_.end()) ||
        std::any_of(token_.begin(), token_.end(), [&](std::uint32_t t) { return t >= vocabulary_; }))
      throw std::runtime_error("model file corrupt (content)");
  }
  const char* Name() const override { return "content"; }
  void Score(const History& h, std::int64_t, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    if (vocabulary_ == 0 || h.Size() == 0) return;
    std::vector<float> profile(vocabulary_, 0.0f);
    for (std::size_t k = 0; k < h.Size(); ++k) {
      const std::uint32_t j = h.items[k];
      if (j + 1 >= begin_.size()) continue;
      const float w = static_cast<float>(std::log1p(h.events[k]));
      for (std::size_t m = begin_[j]; m < begin_[j + 1]; ++m) profile[token_[m]] += w * value_[m];
    }
    for (std::size_t i = 0; i + 1 < begin_.size(); ++i) {
      float s = 0;
      for (std::size_t m = begin_[i]; m < begin_[i + 1]; ++m) s += profile[token_[m]] * value_[m];
      out[i] = s;
    }
  }
  void Save(BinaryWriter& out) const override {
    out.Put<std::uint64_t>(vocabulary_);
    out.PutVector(begin_);
    out.PutVector(token_);
    out.PutVector(value_);
  }

 private:
  std::size_t vocabulary_ = 0;
  std::vector<std::uint64_t> begin_;
  std::vector<std::uint32_t> token_;
  std::vector<float> value_;
};

bool Has(const std::vector<std::string>& header, const std::string& name, std::size_t& at) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return false;
  at = static_cast<std::size_t>(it - header.begin());
  return true;
}

std::vector<std::string> SplitSimple(const std::string& line) {  // CSV with optional double quotes
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) throw std::runtime_error("unbalanced quotes");
  out.push_back(field);
  return out;
}

}  // namespace

bool ItemContent::Empty() const {
  for (const auto& t : tokens)
    if (!t.empty()) return false;
  return true;
}

std::vector<std::string> TextTokens(const std::string& text) {
  static const std::unordered_set<std::string> kStop = {"de", "du", "des", "la",  "le", "les", "et",   "au",  "aux",
                                                        "en", "un", "une", "the", "of", "and", "with", "for", "in"};
  std::vector<std::string> out;
  std::string word;
  const auto flush = [&] {
    if (word.size() >= 2 && !kStop.count(word) && word.find_first_not_of("0123456789") != std::string::npos)
      out.push_back(word);
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      word += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

ItemContent ContentFromNames(const std::vector<std::string>& item_names) {
  ItemContent c;
  c.tokens.resize(item_names.size());
  for (std::size_t i = 0; i < item_names.size(); ++i) c.tokens[i] = TextTokens(item_names[i]);
  return c;
}

ItemContent LoadItemContent(const std::string& path, const std::vector<std::string>& item_names) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < item_names.size(); ++i) index.emplace(item_names[i], i);
  ItemContent c;
  c.tokens.resize(item_names.size());
  std::string line;
  std::vector<std::string> header;
  std::size_t item_col = 0, cat_col = 0, fr_col = 0, en_col = 0, price_col = 0;
  bool has_cat = false, has_fr = false, has_en = false, has_price = false;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    try {
      f = SplitSimple(line);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
    if (line_no == 1) {
      header = f;
      for (auto& h : header)
        for (char& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!Has(header, "item", item_col))
        throw std::runtime_error(
            path + ":1: expected a header with an 'item' column (item,category,name_fr,name_en,price_xaf)");
      has_cat = Has(header, "category", cat_col);
      has_fr = Has(header, "name_fr", fr_col);
      has_en = Has(header, "name_en", en_col);
      has_price = Has(header, "price_xaf", price_col);
      continue;
    }
    if (line.empty()) continue;
    if (f.size() != header.size())
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": expected " + std::to_string(header.size()) +
                               " fields, found " + std::to_string(f.size()));
    auto it = index.find(f[item_col]);
    if (it == index.end()) continue;  // an item nobody interacted with
    auto& tokens = c.tokens[it->second];
    if (has_fr)
      for (auto& t : TextTokens(f[fr_col])) tokens.push_back(t);
    if (has_en)
      for (auto& t : TextTokens(f[en_col])) tokens.push_back(t);
    if (has_cat && !f[cat_col].empty()) tokens.push_back("cat:" + f[cat_col]);
    if (has_price && !f[price_col].empty()) {
      char* end = nullptr;
      const double price = std::strtod(f[price_col].c_str(), &end);
      if (end && *end == '\0' && price > 0)  // price bands: a factor of two apart
        tokens.push_back("price:" + std::to_string(static_cast<int>(std::floor(std::log2(price)))));
    }
  }
  return c;
}

std::unique_ptr<Scorer> MakePopularity(const TrainData& data) {
  std::vector<float> score(data.items);
  for (std::size_t i = 0; i < data.items; ++i) score[i] = static_cast<float>(std::log1p(data.item_events[i]));
  return std::make_unique<Popularity>(std::move(score));
}
std::unique_ptr<Scorer> MakeHistory() { return std::make_unique<OwnHistory>(); }
std::unique_ptr<Scorer> MakeTrending(std::span<const Interaction> rows, std::size_t items, double half_life_days) {
  return std::make_unique<Trending>(rows, items, half_life_days);
}
std::unique_ptr<Scorer> MakeItemKnn(const TrainData& data, const KnnOptions& options) {
  return std::make_unique<ItemKnn>(data, options);
}
std::unique_ptr<Scorer> MakeContent(std::size_t items, const ItemContent& content) {
  return std::make_unique<Content>(items, content);
}

std::unique_ptr<Scorer> LoadAls(BinaryReader& in, std::size_t items);  // als.cpp

std::unique_ptr<Scorer> LoadScorer(const std::string& name, BinaryReader& in, std::size_t items) {
  if (name == "popularity") {
    auto score = in.GetVector<float>();
    if (score.size() != items) throw std::runtime_error("model file corrupt (popularity)");
    return std::make_unique<Popularity>(std::move(score));
  }
  if (name == "trending") {
    const double rate = in.Get<double>();
    const auto latest = in.Get<std::int64_t>();
    auto counts = in.GetVector<double>();
    if (counts.size() != items || !(rate > 0) || !std::isfinite(rate))
      throw std::runtime_error("model file corrupt (trending)");
    return std::make_unique<Trending>(rate, latest, std::move(counts));
  }
  if (name == "history") return std::make_unique<OwnHistory>();
  if (name == "item_knn") return std::make_unique<ItemKnn>(in, items);
  if (name == "content") return std::make_unique<Content>(in, items);
  if (name == "als") return LoadAls(in, items);
  throw std::runtime_error("model file names an unknown scorer '" + name + "'");
}

}  // namespace okada::brain::recs
