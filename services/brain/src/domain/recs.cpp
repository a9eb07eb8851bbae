#include "domain/recs.hpp"

#include <algorithm>
#include <cmath>

namespace okada::brain::recs_serving {

namespace {

// Highest score first, ties by product id (answers are stable).
void BestFirst(std::vector<Pick>& picks) {
  std::sort(picks.begin(), picks.end(), [](const Pick& a, const Pick& b) {
    return a.score != b.score ? a.score > b.score : a.product_id < b.product_id;
  });
}

}  // namespace

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
  BestFirst(out);
  if (out.size() > limit) out.resize(limit);
  return out;
}

int LocalHour(std::int64_t unix_s) {
  const std::int64_t local = unix_s + 3600;
  return static_cast<int>(((local % 86400) + 86400) % 86400 / 3600);
}

int Daypart(int local_hour) {
  if (local_hour >= 22 || local_hour < 5) return 0;
  if (local_hour < 10) return 1;
  if (local_hour < 14) return 2;
  if (local_hour < 18) return 3;
  return 4;
}

std::string Neighbourhood(std::string_view zone) {
  return zone.size() >= 5 ? std::string(zone.substr(0, 5)) : std::string();
}

namespace {

std::string SlotKey(std::string_view neighbourhood, int daypart) {
  return std::string(neighbourhood) + "|" + std::to_string(daypart);
}

std::vector<Pick> MostFirst(const std::unordered_map<std::string, double>& counts) {
  std::vector<Pick> out;
  out.reserve(counts.size());
  for (const auto& [id, n] : counts) out.push_back({id, n});
  BestFirst(out);
  return out;
}

}  // namespace

void PopularityBuilder::Add(std::string_view zone, int local_hour, const std::string& product, double orders) {
  const int part = Daypart(local_hour);
  counts_[SlotKey("*", part)][product] += orders;
  const std::string area = Neighbourhood(zone);
  if (!area.empty()) counts_[SlotKey(area, part)][product] += orders;
}

PopularityTable PopularityBuilder::Build(std::vector<Pick> overall) const {
  PopularityTable t;
  t.overall = std::move(overall);
  for (const auto& [slot, counts] : counts_) t.by_slot[slot] = MostFirst(counts);
  return t;
}

std::vector<Pick> ContextualPopular(const PopularityTable& table, const std::string& neighbourhood, int daypart,
                                    const std::function<bool(const std::string&)>& allowed,
                                    const std::unordered_set<std::string>& exclude, std::size_t limit) {
  std::unordered_map<std::string, double> score;
  // Adds `weight` × (orders / the list's top orders) for a list, or the raw orders when weight is 0.
  const auto add = [&](const std::vector<Pick>* list, double weight) {
    if (!list || list->empty()) return;
    const double top = std::max(1e-9, list->front().score);
    for (const Pick& p : *list) score[p.product_id] += weight > 0 ? weight * p.score / top : p.score;
  };
  const auto slot = [&](std::string_view area) -> const std::vector<Pick>* {
    auto it = table.by_slot.find(SlotKey(area, daypart));
    return it == table.by_slot.end() ? nullptr : &it->second;
  };
  if (!neighbourhood.empty()) add(slot(neighbourhood), 0);
  add(slot("*"), 3);
  add(&table.overall, 1);
  std::vector<Pick> out;
  for (const auto& [id, s] : score)
    if (!exclude.count(id) && allowed(id)) out.push_back({id, s});
  BestFirst(out);
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace okada::brain::recs_serving
