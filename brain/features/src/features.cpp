#include "okada/brain/features/features.hpp"

#include <algorithm>
#include <unordered_map>

namespace okada::brain::features {

namespace {
constexpr std::int64_t kDay = 86400;
}  // namespace

const std::vector<View>& Views() {
  static const std::vector<View> kViews = {
      {"customer_activity",
       "customer",
       28 * kDay,
       2 * kDay,
       {{"orders_28d", Kind::kNumber, "orders placed in the last 28 days"},
        {"items_28d", Kind::kNumber, "order lines in the last 28 days"},
        {"stores_28d", Kind::kNumber, "distinct stores ordered from"},
        {"days_since_last_order", Kind::kNumber, "days since the latest order"},
        {"home_zone", Kind::kCategory, "the zone most orders go to (coarse: never a point)"}},
       "what a customer has been doing: recency, frequency, breadth"},
      {"product_popularity",
       "product",
       28 * kDay,
       2 * kDay,
       {{"orders_7d", Kind::kNumber, "orders containing it, last 7 days"},
        {"orders_28d", Kind::kNumber, "orders containing it, last 28 days"},
        {"customers_28d", Kind::kNumber, "distinct customers, last 28 days"}},
       "how much a product sells, and its trend (7 vs 28 days)"},
      {"store_activity",
       "store",
       28 * kDay,
       2 * kDay,
       {{"orders_7d", Kind::kNumber, "orders, last 7 days"},
        {"orders_28d", Kind::kNumber, "orders, last 28 days"},
        {"customers_28d", Kind::kNumber, "distinct customers, last 28 days"}},
       "a store's volume"},
      {"rider_activity",
       "rider",
       28 * kDay,
       2 * kDay,
       {{"deliveries_7d", Kind::kNumber, "deliveries completed, last 7 days"},
        {"deliveries_28d", Kind::kNumber, "deliveries completed, last 28 days"},
        {"failed_28d", Kind::kNumber, "deliveries that failed (customer absent, refused …), last 28 days"},
        {"success_rate_28d", Kind::kNumber, "delivered / (delivered + failed), last 28 days"}},
       "a rider's volume and reliability (for dispatch and staffing)"},
      {"zone_demand",
       "zone",
       28 * kDay,
       2 * kDay,
       {{"orders_7d", Kind::kNumber, "orders delivered to the zone, last 7 days"},
        {"orders_28d", Kind::kNumber, "orders delivered to the zone, last 28 days"},
        {"customers_28d", Kind::kNumber, "distinct customers in the zone, last 28 days"}},
       "demand by delivery zone (for staffing and cold-start popularity)"},
  };
  return kViews;
}

const View* FindView(const std::string& name) {
  for (const View& v : Views())
    if (v.name == name) return &v;
  return nullptr;
}

const std::vector<FeatureService>& Services() {
  static const std::vector<FeatureService> kServices = {
      {"recs",
       {"customer_activity.orders_28d", "customer_activity.days_since_last_order", "customer_activity.home_zone",
        "product_popularity.orders_7d", "product_popularity.orders_28d", "store_activity.orders_28d",
        "zone_demand.orders_28d"}},
      {"dispatch", {"rider_activity.deliveries_7d", "rider_activity.success_rate_28d", "zone_demand.orders_7d"}},
      {"demand",
       {"zone_demand.orders_7d", "zone_demand.orders_28d", "store_activity.orders_7d", "product_popularity.orders_7d"}},
  };
  return kServices;
}

const FeatureService* FindService(const std::string& name) {
  for (const FeatureService& s : Services())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::ptrdiff_t> PointInTimeJoin(std::span<const Label> labels, std::span<const Row> rows,
                                            std::int64_t ttl_s) {
  // Per entity, its rows sorted by as-of time; each label binary-searches its entity's rows.
  std::unordered_map<std::string, std::vector<std::size_t>> by_entity;
  for (std::size_t i = 0; i < rows.size(); ++i) by_entity[rows[i].entity].push_back(i);
  for (auto& [entity, idx] : by_entity)
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return rows[a].as_of != rows[b].as_of ? rows[a].as_of < rows[b].as_of : a < b;
    });
  std::vector<std::ptrdiff_t> out(labels.size(), -1);
  for (std::size_t l = 0; l < labels.size(); ++l) {
    auto it = by_entity.find(labels[l].entity);
    if (it == by_entity.end()) continue;
    const auto& idx = it->second;
    // The first row strictly after the label's time; the one before it is the latest usable.
    auto after = std::upper_bound(idx.begin(), idx.end(), labels[l].time,
                                  [&](std::int64_t t, std::size_t r) { return t < rows[r].as_of; });
    if (after == idx.begin()) continue;
    const std::size_t r = *std::prev(after);
    if (rows[r].as_of <= labels[l].time - ttl_s) continue;  // expired
    out[l] = static_cast<std::ptrdiff_t>(r);
  }
  return out;
}

}  // namespace okada::brain::features
