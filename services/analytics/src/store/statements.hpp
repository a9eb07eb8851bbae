#pragma once
// Every SQL statement of the analytics service (schema `analytics`: V001__analytics.sql). Times cross as unix
// seconds (to_timestamp) or RFC 3339 text, never through the session's time zone; Douala's days and hours are
// computed by domain/rules.hpp and passed in.
#include "okada/core/pg/pg.hpp"

namespace okada::analytics::store {

// ---- Facts (the consumer) ------------------------------------------------------------------------------------

// The fact's bucket before this event changes it (locked: a concurrent event of the same order waits).
inline const pg::Statement kFactBefore{
    "analytics.fact_before",
    "SELECT store_id::text AS store_id, floor(extract(epoch FROM placed_at))::bigint AS placed_s "
    "FROM analytics.orders WHERE order_id = $1 FOR UPDATE"};

// Upserts what one event says about an order: ids and amounts from the first event that carries them, each
// step's time the earliest seen. Returns the order's bucket keys as they are now.
// $1 order_id, $2 store_id, $3 merchant_id, $4 payment_method, $5 items_xaf, $6 total_xaf, $7 placed_at,
// $8 confirmed_at, $9 accepted_at, $10 ready_at, $11 picked_up_at, $12 delivered_at, $13 completed_at,
// $14 cancelled_at, $15 refunded_at, $16 cancel_status, $17 cancel_kind
inline const pg::Statement kFactUpsert{
    "analytics.fact_upsert",
    "INSERT INTO analytics.orders AS o (order_id, store_id, merchant_id, payment_method, items_xaf, total_xaf, "
    "placed_at, confirmed_at, accepted_at, ready_at, picked_up_at, delivered_at, completed_at, cancelled_at, "
    "refunded_at, cancel_status, cancel_kind) "
    "VALUES ($1, $2::uuid, $3::uuid, $4, $5::bigint, $6::bigint, $7::timestamptz, $8::timestamptz, $9::timestamptz, "
    "$10::timestamptz, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14::timestamptz, $15::timestamptz, "
    "$16, $17) "
    "ON CONFLICT (order_id) DO UPDATE SET "
    "store_id = COALESCE(o.store_id, EXCLUDED.store_id), "
    "merchant_id = COALESCE(o.merchant_id, EXCLUDED.merchant_id), "
    "payment_method = COALESCE(o.payment_method, EXCLUDED.payment_method), "
    "items_xaf = COALESCE(o.items_xaf, EXCLUDED.items_xaf), "
    "total_xaf = COALESCE(o.total_xaf, EXCLUDED.total_xaf), "
    "placed_at = LEAST(o.placed_at, EXCLUDED.placed_at), "
    "confirmed_at = LEAST(o.confirmed_at, EXCLUDED.confirmed_at), "
    "accepted_at = LEAST(o.accepted_at, EXCLUDED.accepted_at), "
    "ready_at = LEAST(o.ready_at, EXCLUDED.ready_at), "
    "picked_up_at = LEAST(o.picked_up_at, EXCLUDED.picked_up_at), "
    "delivered_at = LEAST(o.delivered_at, EXCLUDED.delivered_at), "
    "completed_at = LEAST(o.completed_at, EXCLUDED.completed_at), "
    "cancelled_at = LEAST(o.cancelled_at, EXCLUDED.cancelled_at), "
    "refunded_at = LEAST(o.refunded_at, EXCLUDED.refunded_at), "
    "cancel_status = COALESCE(o.cancel_status, EXCLUDED.cancel_status), "
    "cancel_kind = COALESCE(o.cancel_kind, EXCLUDED.cancel_kind), "
    "updated_at = now() "
    "RETURNING store_id::text AS store_id, floor(extract(epoch FROM placed_at))::bigint AS placed_s"};

// $1 order_id, $2 product_ids (text[] of UUIDs), $3 units (int[] in the same order). The placed order's lines never
// change: a repeated event inserts nothing.
inline const pg::Statement kProductsInsert{
    "analytics.products_insert",
    "INSERT INTO analytics.order_products (order_id, product_id, units) "
    "SELECT $1, p::uuid, u FROM unnest($2::text[], $3::int[]) AS t(p, u) ON CONFLICT DO NOTHING"};

// Serialises the recomputation of one store × Douala day (its day bucket and its hours) between transactions:
// the second waits for the first to commit, then reads its facts. $1 store_id, $2 day number.
inline const pg::Statement kLockDay{"analytics.lock_day",
                                    "SELECT pg_advisory_xact_lock(hashtextextended('analytics:' || $1::text || ':' "
                                    "|| $2::text, 0))"};

// A bucket's rollup: OKADA_ANALYTICS_ROLLUP its values from the facts of store $1 placed in [$3, $4) (unix
// seconds), OKADA_ANALYTICS_ROLLUP_SET what an existing bucket row takes from them, OKADA_ANALYTICS_ROLLUP_COLUMNS
// their columns.
#define OKADA_ANALYTICS_ROLLUP                                                                                   \
  "count(*), "                                                                                                   \
  "count(*) FILTER (WHERE delivered_at IS NOT NULL OR completed_at IS NOT NULL), "                               \
  "count(*) FILTER (WHERE cancelled_at IS NOT NULL), "                                                           \
  "COALESCE(sum(items_xaf) FILTER (WHERE cancelled_at IS NULL AND refunded_at IS NULL), 0), "                    \
  "count(*) FILTER (WHERE cancelled_at IS NULL AND refunded_at IS NULL), "                                       \
  "COALESCE(round(sum(extract(epoch FROM ready_at - accepted_at)) FILTER (WHERE ready_at >= accepted_at)), 0), " \
  "count(*) FILTER (WHERE ready_at >= accepted_at), "                                                            \
  "COALESCE(round(sum(extract(epoch FROM delivered_at - COALESCE(confirmed_at, placed_at))) "                    \
  "FILTER (WHERE delivered_at >= COALESCE(confirmed_at, placed_at))), 0), "                                      \
  "count(*) FILTER (WHERE delivered_at >= COALESCE(confirmed_at, placed_at)), now() "                            \
  "FROM analytics.orders "                                                                                       \
  "WHERE store_id = $1::uuid AND placed_at >= to_timestamp($3::bigint) AND placed_at < to_timestamp($4::bigint) "
#define OKADA_ANALYTICS_ROLLUP_SET                                                                           \
  "DO UPDATE SET orders = EXCLUDED.orders, completed = EXCLUDED.completed, cancelled = EXCLUDED.cancelled, " \
  "revenue_xaf = EXCLUDED.revenue_xaf, revenue_orders = EXCLUDED.revenue_orders, "                           \
  "prep_seconds = EXCLUDED.prep_seconds, prep_count = EXCLUDED.prep_count, "                                 \
  "delivery_seconds = EXCLUDED.delivery_seconds, delivery_count = EXCLUDED.delivery_count, "                 \
  "computed_at = EXCLUDED.computed_at"
#define OKADA_ANALYTICS_ROLLUP_COLUMNS                                                                      \
  "orders, completed, cancelled, revenue_xaf, revenue_orders, prep_seconds, prep_count, delivery_seconds, " \
  "delivery_count, computed_at"

// $1 store_id, $2 the hour (unix seconds), $3 = $2, $4 = $2 + 3600.
inline const pg::Statement kRecomputeHour{"analytics.recompute_hour",
                                          "INSERT INTO analytics.store_hourly (store_id, hour, "  //
                                          OKADA_ANALYTICS_ROLLUP_COLUMNS                          //
                                          ") SELECT $1::uuid, to_timestamp($2::bigint), "         //
                                          OKADA_ANALYTICS_ROLLUP                                  //
                                          "ON CONFLICT (store_id, hour) "                         //
                                          OKADA_ANALYTICS_ROLLUP_SET};
// $1 store_id, $2 the Douala day (YYYY-MM-DD), $3 its first instant, $4 the next day's (unix seconds).
inline const pg::Statement kRecomputeDay{"analytics.recompute_day",
                                         "INSERT INTO analytics.store_daily (store_id, day, "  //
                                         OKADA_ANALYTICS_ROLLUP_COLUMNS                        //
                                         ") SELECT $1::uuid, $2::date, "                       //
                                         OKADA_ANALYTICS_ROLLUP                                //
                                         "ON CONFLICT (store_id, day) "                        //
                                         OKADA_ANALYTICS_ROLLUP_SET};

// ---- The dashboard -------------------------------------------------------------------------------------------

// $1 store_id, $2 first day, $3 last day (YYYY-MM-DD, included).
inline const pg::Statement kSummary{
    "analytics.summary",
    "SELECT COALESCE(sum(orders), 0)::bigint AS orders, COALESCE(sum(completed), 0)::bigint AS completed, "
    "COALESCE(sum(cancelled), 0)::bigint AS cancelled, COALESCE(sum(revenue_xaf), 0)::bigint AS revenue_xaf, "
    "COALESCE(sum(revenue_orders), 0)::bigint AS revenue_orders, "
    "COALESCE(sum(prep_seconds), 0)::bigint AS prep_seconds, COALESCE(sum(prep_count), 0)::bigint AS prep_count, "
    "COALESCE(sum(delivery_seconds), 0)::bigint AS delivery_seconds, "
    "COALESCE(sum(delivery_count), 0)::bigint AS delivery_count "
    "FROM analytics.store_daily WHERE store_id = $1::uuid AND day >= $2::date AND day <= $3::date"};

// $1 store_id, $2 from, $3 to (unix seconds, [from, to)). Only hours with orders have rows.
inline const pg::Statement kHours{
    "analytics.hours",
    "SELECT floor(extract(epoch FROM hour))::bigint AS at, orders, completed, cancelled, revenue_xaf "
    "FROM analytics.store_hourly WHERE store_id = $1::uuid AND hour >= to_timestamp($2::bigint) "
    "AND hour < to_timestamp($3::bigint) ORDER BY hour"};

// $1 store_id, $2 first day, $3 last day (YYYY-MM-DD, included). `day` as days since 1970-01-01.
inline const pg::Statement kDays{
    "analytics.days",
    "SELECT (day - DATE '1970-01-01')::bigint AS day, orders, completed, cancelled, revenue_xaf "
    "FROM analytics.store_daily WHERE store_id = $1::uuid AND day >= $2::date AND day <= $3::date ORDER BY day"};

// The most sold products of the orders placed in [from, to) that were neither cancelled nor refunded.
// $1 store_id, $2 from, $3 to (unix seconds), $4 limit.
inline const pg::Statement kTopProducts{
    "analytics.top_products",
    "SELECT p.product_id::text AS product_id, sum(p.units)::bigint AS units, count(*)::bigint AS orders "
    "FROM analytics.orders o JOIN analytics.order_products p ON p.order_id = o.order_id "
    "WHERE o.store_id = $1::uuid AND o.placed_at >= to_timestamp($2::bigint) "
    "AND o.placed_at < to_timestamp($3::bigint) AND o.cancelled_at IS NULL AND o.refunded_at IS NULL "
    "GROUP BY p.product_id ORDER BY units DESC, orders DESC, product_id LIMIT $4::int"};

// $1 store_id, $2 from, $3 to (unix seconds).
inline const pg::Statement kCancellations{
    "analytics.cancellations",
    "SELECT cancel_kind AS kind, count(*)::bigint AS count FROM analytics.orders "
    "WHERE store_id = $1::uuid AND placed_at >= to_timestamp($2::bigint) AND placed_at < to_timestamp($3::bigint) "
    "AND cancel_kind IS NOT NULL GROUP BY cancel_kind ORDER BY count DESC, kind"};

// Seconds from confirmed (else placed) to delivered of each delivered order. $1 store_id, $2 from, $3 to.
inline const pg::Statement kDeliverySeconds{
    "analytics.delivery_seconds",
    "SELECT extract(epoch FROM delivered_at - COALESCE(confirmed_at, placed_at))::float8 AS s FROM analytics.orders "
    "WHERE store_id = $1::uuid AND placed_at >= to_timestamp($2::bigint) AND placed_at < to_timestamp($3::bigint) "
    "AND delivered_at >= COALESCE(confirmed_at, placed_at)"};

}  // namespace okada::analytics::store
