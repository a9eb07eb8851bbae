#include "domain/recs.hpp"

#include <algorithm>
#include <cmath>

namespace okada::brain::recs_serving {

bool InChallenger(const std::string& customer_id, int challenger_percent) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : customer_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV alone keeps ids that differ in their last characters close together mod 100: finish with an avalanche
  // (MurmurHash3's fmix64) so the share is right for sequential ids too.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return static_cast<int>(h % 100) < challenger_percent;
}

std::vector<Pick> Rank(const recs::RecsModel& model, const std::vector<HistoryItem>& history, std::int64_t now,
                       const std::function<bool(const std::string&)>& allowed,
                       const std::unordered_set<std::string>& exclude, std::size_t limit) {
  std::vector<std::uint32_t> items;
  std::vector<float> value, events;
  std::vector<std::int64_t> last;
  for (const HistoryItem& h : history) {
    const auto i = model.Index(h.product_id);
    if (!i) continue;
    items.push_back(*i);
    value.push_back(h.events);
    events.push_back(h.events);
    last.push_back(h.last);
  }
  std::vector<float> scores(model.items.size());
  model.hybrid->Score(recs::History{items, value, events, last}, now, scores);
  std::vector<std::uint32_t> order(scores.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : model.items[a] < model.items[b];
  });
  std::vector<Pick> out;
  for (std::uint32_t i : order) {
    if (out.size() >= limit) break;
    if (!std::isfinite(scores[i])) continue;
    const std::string& id = model.items[i];
    if (exclude.count(id) || !allowed(id)) continue;
    out.push_back({id, scores[i]});
  }
  return out;
}

std::vector<Pick> BuyAgain(const std::vector<HistoryItem>& history, std::int64_t now,
                           const std::function<bool(const std::string&)>& allowed, std::size_t limit) {
  std::vector<Pick> out;
  for (const HistoryItem& h : history) {
    if (!allowed(h.product_id)) continue;
    const double age_days = std::max<double>(0, static_cast<double>(now - h.last) / 86400.0);
    out.push_back({h.product_id, std::log1p(h.events) + 0.5 * std::exp2(-age_days / 30)});
  }
  std::sort(out.begin(), out.end(), [](const Pick& a, const Pick& b) {
    return a.score != b.score ? a.score > b.score : a.product_id < b.product_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace okada::brain::recs_serving
