#pragma once
// The analytics service's PostgreSQL work: applying what one event says to an order's facts and recomputing the
// buckets those facts fall in (in the consumer's transaction), and reading a store's dashboard.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/rules.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::analytics::store {

/// What one event says about an order; absent fields leave the fact as it is. Times are RFC 3339 text.
struct FactChange {
  std::string order_id;
  std::optional<std::string> store_id, merchant_id, payment_method;
  std::optional<std::int64_t> items_xaf, total_xaf;
  std::optional<std::string> placed_at, confirmed_at, accepted_at, ready_at, picked_up_at, delivered_at, completed_at,
      cancelled_at, refunded_at;
  std::optional<std::string> cancel_status, cancel_kind;
  /// order.placed's products and their units (same length).
  std::vector<std::string> product_ids;
  std::vector<std::int64_t> units;
};

/// Upserts the fact (earliest time per step, first ids and amounts), inserts the products, then recomputes the
/// hour and day buckets of the order as it was and as it is now (when its store and placing time are known).
/// Idempotent and order-independent: any order and any repetition of the same changes leave the same rows.
boost::asio::awaitable<void> Apply(pg::Transaction& tx, FactChange change);

/// Recomputes store × hour and store × Douala day from the facts, under the day's lock.
boost::asio::awaitable<void> Recompute(pg::Transaction& tx, std::string store_id, std::int64_t placed_s);

/// The figures of one store over a range, as stored.
struct Totals {
  std::int64_t orders = 0, completed = 0, cancelled = 0, revenue_xaf = 0, revenue_orders = 0;
  std::int64_t prep_seconds = 0, prep_count = 0, delivery_seconds = 0, delivery_count = 0;
};
struct Bucket {
  std::int64_t key = 0;  ///< hour start (unix seconds) or day number
  std::int64_t orders = 0, completed = 0, cancelled = 0, revenue_xaf = 0;
};
struct ProductSales {
  std::string product_id;
  std::int64_t units = 0, orders = 0;
};
struct KindCount {
  std::string kind;
  std::int64_t count = 0;
};
struct Dashboard {
  Totals totals;
  std::vector<Bucket> hours;  ///< hours with orders in the range, in order
  std::vector<Bucket> days;   ///< days with orders in the range, in order (day granularity only)
  std::vector<ProductSales> top_products;
  std::vector<KindCount> cancellations;
  std::vector<double> delivery_seconds;
};

boost::asio::awaitable<Dashboard> ReadDashboard(pg::Database& db, std::string store_id, domain::Range range,
                                                Deadline deadline);

}  // namespace okada::analytics::store
