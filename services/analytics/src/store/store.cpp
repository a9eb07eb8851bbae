#include "store/store.hpp"

#include "store/statements.hpp"

namespace okada::analytics::store {

namespace asio = boost::asio;

namespace {

// {a,b} text of a PostgreSQL array (the elements are checked UUIDs and integers: nothing to quote).
template <typename T>
std::string ArrayText(const std::vector<T>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    if constexpr (std::is_same_v<T, std::string>) {
      out += v[i];
    } else {
      out += std::to_string(v[i]);
    }
  }
  return out + "}";
}

struct Key {
  std::optional<std::string> store;
  std::optional<std::int64_t> placed_s;
  bool known() const { return store && placed_s; }
};

Key KeyOf(const pg::Result& r) {
  Key k;
  if (r.empty()) return k;
  const pg::Row row = r.front();
  k.store = row.Get<std::optional<std::string>>("store_id");
  k.placed_s = row.Get<std::optional<std::int64_t>>("placed_s");
  return k;
}

Bucket BucketOf(const pg::Row& r, const char* key) {
  Bucket b;
  b.key = r.Get<std::int64_t>(key);
  b.orders = r.Get<std::int64_t>("orders");
  b.completed = r.Get<std::int64_t>("completed");
  b.cancelled = r.Get<std::int64_t>("cancelled");
  b.revenue_xaf = r.Get<std::int64_t>("revenue_xaf");
  return b;
}

ProductSales ProductOf(const pg::Row& r) {
  ProductSales p;
  p.product_id = r.Get<std::string>("product_id");
  p.units = r.Get<std::int64_t>("units");
  p.orders = r.Get<std::int64_t>("orders");
  return p;
}

KindCount KindOf(const pg::Row& r) {
  KindCount k;
  k.kind = r.Get<std::string>("kind");
  k.count = r.Get<std::int64_t>("count");
  return k;
}

Totals TotalsOf(const pg::Result& rows) {
  Totals t;
  if (rows.empty()) return t;
  const pg::Row r = rows.front();
  t.orders = r.Get<std::int64_t>("orders");
  t.completed = r.Get<std::int64_t>("completed");
  t.cancelled = r.Get<std::int64_t>("cancelled");
  t.revenue_xaf = r.Get<std::int64_t>("revenue_xaf");
  t.revenue_orders = r.Get<std::int64_t>("revenue_orders");
  t.prep_seconds = r.Get<std::int64_t>("prep_seconds");
  t.prep_count = r.Get<std::int64_t>("prep_count");
  t.delivery_seconds = r.Get<std::int64_t>("delivery_seconds");
  t.delivery_count = r.Get<std::int64_t>("delivery_count");
  return t;
}

}  // namespace

asio::awaitable<void> Recompute(pg::Transaction& tx, std::string store_id, std::int64_t placed_s) {
  const std::int64_t day = domain::DoualaDay(placed_s);
  const std::int64_t hour = domain::HourStart(placed_s);
  const std::int64_t hour_end = hour + domain::kHourS;
  const std::int64_t day_start = domain::DayStart(day);
  const std::int64_t day_end = domain::DayStart(day + 1);
  const std::string day_text = domain::FormatDay(day);
  co_await tx.Execute(kLockDay, store_id, day);
  co_await tx.Execute(kRecomputeHour, store_id, hour, hour, hour_end);
  co_await tx.Execute(kRecomputeDay, store_id, day_text, day_start, day_end);
}

asio::awaitable<void> Apply(pg::Transaction& tx, FactChange c) {
  pg::Result before_rows = co_await tx.Execute(kFactBefore, c.order_id);
  const Key before = KeyOf(before_rows);
  pg::Result after_rows = co_await tx.Execute(kFactUpsert, c.order_id, c.store_id, c.merchant_id, c.payment_method,
                                              c.items_xaf, c.total_xaf, c.placed_at, c.confirmed_at, c.accepted_at,
                                              c.ready_at, c.picked_up_at, c.delivered_at, c.completed_at,
                                              c.cancelled_at, c.refunded_at, c.cancel_status, c.cancel_kind);
  const Key after = KeyOf(after_rows);
  if (!c.product_ids.empty() && c.product_ids.size() == c.units.size()) {
    const std::string ids = ArrayText(c.product_ids), units = ArrayText(c.units);
    co_await tx.Execute(kProductsInsert, c.order_id, ids, units);
  }
  // The bucket the order was in, if this event moved it (an earlier placing time), then the one it is in now.
  if (before.known() && (!after.known() || *before.store != *after.store ||
                         domain::HourStart(*before.placed_s) != domain::HourStart(*after.placed_s))) {
    co_await Recompute(tx, *before.store, *before.placed_s);
  }
  if (after.known()) co_await Recompute(tx, *after.store, *after.placed_s);
}

asio::awaitable<Dashboard> ReadDashboard(pg::Database& db, std::string store_id, domain::Range range,
                                         Deadline deadline) {
  Dashboard d;
  const std::string first = domain::FormatDay(range.from_day), last = domain::FormatDay(range.to_day);
  const std::int64_t from = range.start(), to = range.end();

  pg::Result totals = co_await db.Execute(deadline, kSummary, store_id, first, last);
  d.totals = TotalsOf(totals);
  // Hours always (the hour-of-day profile), days for day buckets.
  pg::Result hours = co_await db.Execute(deadline, kHours, store_id, from, to);
  for (const pg::Row& r : hours) d.hours.push_back(BucketOf(r, "at"));
  if (range.granularity == domain::Granularity::kDay) {
    pg::Result days = co_await db.Execute(deadline, kDays, store_id, first, last);
    for (const pg::Row& r : days) d.days.push_back(BucketOf(r, "day"));
  }
  const int limit = static_cast<int>(domain::kTopProducts);
  pg::Result top = co_await db.Execute(deadline, kTopProducts, store_id, from, to, limit);
  for (const pg::Row& r : top) d.top_products.push_back(ProductOf(r));
  pg::Result kinds = co_await db.Execute(deadline, kCancellations, store_id, from, to);
  for (const pg::Row& r : kinds) d.cancellations.push_back(KindOf(r));
  pg::Result seconds = co_await db.Execute(deadline, kDeliverySeconds, store_id, from, to);
  for (const pg::Row& r : seconds) d.delivery_seconds.push_back(r.Get<double>("s"));
  co_return d;
}

}  // namespace okada::analytics::store
