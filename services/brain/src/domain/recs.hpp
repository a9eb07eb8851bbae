#pragma once
// Recommendation serving rules, pure: which model answers a customer (champion or challenger, by a stable hash of
// the customer), and ranking with a model over what is on sale. The I/O (histories, listings, stores, the
// registry) is in store/recs.cpp; the routes in api/recs.cpp.
#include <cstdint>
#include <functional>
#include <string>
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

}  // namespace okada::brain::recs_serving
