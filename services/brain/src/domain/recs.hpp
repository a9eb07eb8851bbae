#pragma once
// Recommendation serving rules, pure: which model answers a customer (champion or challenger, by a stable hash of
// the customer), and ranking with a model over what is on sale. The I/O (histories, listings, stores, the
// registry) is in store/recs.cpp; the routes in api/recs.cpp.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "okada/brain/recs/recs_model.hpp"

namespace okada::brain::recs_serving {

struct HistoryItem {
  std::string product_id;
  float events = 1;       // orders containing it
  std::int64_t last = 0;  // unix seconds
};

struct Pick {
  std::string product_id;
  double score = 0;
};

// Stable for a customer: the same customer always gets the same variant while the percent is unchanged.
bool InChallenger(const std::string& customer_id, int challenger_percent);

// Ranks every product the model knows by its score for `history`, keeping those `allowed` says are on sale and
// not in `exclude`; best first, ties by product id. At most `limit`.
std::vector<Pick> Rank(const recs::RecsModel& model, const std::vector<HistoryItem>& history, std::int64_t now,
                       const std::function<bool(const std::string&)>& allowed,
                       const std::unordered_set<std::string>& exclude, std::size_t limit);

// "Buy again": the customer's own products that are on sale, most often then most recently bought first.
std::vector<Pick> BuyAgain(const std::vector<HistoryItem>& history, std::int64_t now,
                           const std::function<bool(const std::string&)>& allowed, std::size_t limit);

// --- Cold start: popularity by neighbourhood and time of day ---
// A customer with no history (or any customer while no model is trained) sees what sells around them at this time
// of day. Cameroon keeps UTC+1 all year (no daylight saving).
inline constexpr int kDayparts = 5;
int LocalHour(std::int64_t unix_s);
// 0 night (22–5 h), 1 morning (5–10), 2 midday (10–14), 3 afternoon (14–18), 4 evening (18–22).
int Daypart(int local_hour);
// The neighbourhood of a coarse zone (a geohash, as events carry it): its first 5 characters, ≈ 4.9 × 4.9 km.
// "" when the zone is shorter (unknown).
std::string Neighbourhood(std::string_view zone);

struct PopularityTable {
  std::vector<Pick> overall;  // orders in 28 days, most first
  // "<neighbourhood>|<daypart>" (and "*|<daypart>" for the whole city) → orders, most first.
  std::unordered_map<std::string, std::vector<Pick>> by_slot;
};

class PopularityBuilder {
 public:
  // `orders` orders of `product` delivered to `zone` ("" unknown) at `local_hour`.
  void Add(std::string_view zone, int local_hour, const std::string& product, double orders);
  PopularityTable Build(std::vector<Pick> overall) const;

 private:
  std::unordered_map<std::string, std::unordered_map<std::string, double>> counts_;
};

// Ranks by local orders (this neighbourhood, this part of the day), shrunk towards the city's favourites at this
// time of day (worth up to 3 orders) and then overall (up to 1): a few local orders outweigh the city, none leave
// the city's taste. `neighbourhood` may be "" (unknown: the city's time-of-day list). Best first, ties by id.
std::vector<Pick> ContextualPopular(const PopularityTable& table, const std::string& neighbourhood, int daypart,
                                    const std::function<bool(const std::string&)>& allowed,
                                    const std::unordered_set<std::string>& exclude, std::size_t limit);

}  // namespace okada::brain::recs_serving
