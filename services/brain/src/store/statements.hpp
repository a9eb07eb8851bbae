#pragma once
// Every SQL statement of the brain service (schema `brain`: V001__brain.sql, V002__features.sql).
#include "okada/core/pg/pg.hpp"

namespace okada::brain::store {

// $1 riders, $2 orders, $3 assigned, $4 unassigned, $5 batched, $6 lateness_s, $7 complete, $8 elapsed_ms,
// $9 eta_model, $10 plan (json)
inline const pg::Statement kRoundInsert{
    "brain.round_insert",
    "INSERT INTO brain.dispatch_rounds (riders, orders, assigned, unassigned, batched, lateness_s, complete, "
    "elapsed_ms, eta_model, plan) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)"};

// ---- The feature store (V002__features.sql). $1 as-of (unix seconds), $2 window (s), $3 short window (s). ----
inline const pg::Statement kCustomerActivity{
    "brain.fs_customer_activity",
    "INSERT INTO brain.feature_rows (view, entity, as_of, vals) "
    "SELECT 'customer_activity', customer_id::text, to_timestamp($1), jsonb_build_object("
    "'orders_28d', count(DISTINCT order_id), 'items_28d', count(*), 'stores_28d', count(DISTINCT store_id), "
    "'days_since_last_order', round((extract(epoch FROM to_timestamp($1) - max(at)) / 86400)::numeric, 3), "
    "'home_zone', mode() WITHIN GROUP (ORDER BY zone)) "
    "FROM brain.interactions WHERE at <= to_timestamp($1) AND at > to_timestamp($1) - make_interval(secs => $2) "
    "GROUP BY customer_id "
    "ON CONFLICT (view, entity, as_of) DO UPDATE SET vals = EXCLUDED.vals, computed_at = now()"};
inline const pg::Statement kProductPopularity{
    "brain.fs_product_popularity",
    "INSERT INTO brain.feature_rows (view, entity, as_of, vals) "
    "SELECT 'product_popularity', product_id::text, to_timestamp($1), jsonb_build_object("
    "'orders_7d', count(*) FILTER (WHERE at > to_timestamp($1) - make_interval(secs => $3)), "
    "'orders_28d', count(*), 'customers_28d', count(DISTINCT customer_id)) "
    "FROM brain.interactions WHERE at <= to_timestamp($1) AND at > to_timestamp($1) - make_interval(secs => $2) "
    "GROUP BY product_id "
    "ON CONFLICT (view, entity, as_of) DO UPDATE SET vals = EXCLUDED.vals, computed_at = now()"};
inline const pg::Statement kStoreActivity{
    "brain.fs_store_activity",
    "INSERT INTO brain.feature_rows (view, entity, as_of, vals) "
    "SELECT 'store_activity', store_id::text, to_timestamp($1), jsonb_build_object("
    "'orders_7d', count(DISTINCT order_id) FILTER (WHERE at > to_timestamp($1) - make_interval(secs => $3)), "
    "'orders_28d', count(DISTINCT order_id), 'customers_28d', count(DISTINCT customer_id)) "
    "FROM brain.interactions WHERE at <= to_timestamp($1) AND at > to_timestamp($1) - make_interval(secs => $2) "
    "GROUP BY store_id "
    "ON CONFLICT (view, entity, as_of) DO UPDATE SET vals = EXCLUDED.vals, computed_at = now()"};
inline const pg::Statement kZoneDemand{
    "brain.fs_zone_demand",
    "INSERT INTO brain.feature_rows (view, entity, as_of, vals) "
    "SELECT 'zone_demand', zone, to_timestamp($1), jsonb_build_object("
    "'orders_7d', count(DISTINCT order_id) FILTER (WHERE at > to_timestamp($1) - make_interval(secs => $3)), "
    "'orders_28d', count(DISTINCT order_id), 'customers_28d', count(DISTINCT customer_id)) "
    "FROM brain.interactions WHERE zone IS NOT NULL AND at <= to_timestamp($1) "
    "AND at > to_timestamp($1) - make_interval(secs => $2) GROUP BY zone "
    "ON CONFLICT (view, entity, as_of) DO UPDATE SET vals = EXCLUDED.vals, computed_at = now()"};

// $1 view, $2 entities (text[]), $3 label times (float8[], unix seconds), $4 ttl (s): one row per label, in order.
inline const pg::Statement kPointInTime{
    "brain.fs_point_in_time",
    "SELECT f.vals::text AS vals FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS l(entity, t, ord) "
    "LEFT JOIN LATERAL (SELECT r.vals FROM brain.feature_rows r WHERE r.view = $1 AND r.entity = l.entity "
    "AND r.as_of <= to_timestamp(l.t) AND r.as_of > to_timestamp(l.t) - make_interval(secs => $4) "
    "ORDER BY r.as_of DESC LIMIT 1) f ON true ORDER BY l.ord"};

// $1 view, $2 now (unix seconds), $3 ttl (s): each entity's latest usable row.
inline const pg::Statement kLatestRows{
    "brain.fs_latest_rows",
    "SELECT DISTINCT ON (entity) entity, extract(epoch FROM as_of)::float8 AS as_of, vals::text AS vals "
    "FROM brain.feature_rows WHERE view = $1 AND as_of <= to_timestamp($2) "
    "AND as_of > to_timestamp($2) - make_interval(secs => $3) ORDER BY entity, as_of DESC"};

inline const pg::Statement kRiderActivity{
    "brain.fs_rider_activity",
    "INSERT INTO brain.feature_rows (view, entity, as_of, vals) "
    "SELECT 'rider_activity', rider_id::text, to_timestamp($1), jsonb_build_object("
    "'deliveries_7d', count(*) FILTER (WHERE outcome = 'delivered' AND at > to_timestamp($1) - "
    "make_interval(secs => $3)), 'deliveries_28d', count(*) FILTER (WHERE outcome = 'delivered'), "
    "'failed_28d', count(*) FILTER (WHERE outcome = 'failed'), "
    "'success_rate_28d', round((count(*) FILTER (WHERE outcome = 'delivered'))::numeric / count(*), 4)) "
    "FROM brain.deliveries WHERE at <= to_timestamp($1) AND at > to_timestamp($1) - make_interval(secs => $2) "
    "GROUP BY rider_id "
    "ON CONFLICT (view, entity, as_of) DO UPDATE SET vals = EXCLUDED.vals, computed_at = now()"};

// $1 now (unix seconds), $2 days kept.
inline const pg::Statement kFeaturePrune{
    "brain.fs_prune", "DELETE FROM brain.feature_rows WHERE as_of < to_timestamp($1) - make_interval(days => $2)"};

// ---- What feeds it (events). ----
// $1 order id, $2 product ids (uuid[] text), $3 customer, $4 store, $5 zone (nullable), $6 at (RFC 3339)
inline const pg::Statement kInteractionsInsert{
    "brain.interactions_insert",
    "INSERT INTO brain.interactions (order_id, product_id, customer_id, store_id, zone, at, quantity) "
    "SELECT $1, p, $3::uuid, $4::uuid, $5, $6::timestamptz, q FROM unnest($2::uuid[], $7::int4[]) AS t (p, q) "
    "ON CONFLICT (order_id, product_id) DO NOTHING"};

// $1 delivery, $2 outcome, $3 rider, $4 order, $5 at (RFC 3339)
inline const pg::Statement kDeliveryOutcome{
    "brain.delivery_outcome",
    "INSERT INTO brain.deliveries (delivery_id, outcome, rider_id, order_id, at) "
    "VALUES ($1::uuid, $2, $3::uuid, $4, $5::timestamptz) ON CONFLICT (delivery_id, outcome) DO NOTHING"};

// $1 store, $2 product, $3 price, $4 available, $5 at (RFC 3339): the newest event wins.
inline const pg::Statement kListingUpsert{
    "brain.listing_upsert",
    "INSERT INTO brain.listings (store_id, product_id, price_xaf, available, updated_at) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5::timestamptz) ON CONFLICT (store_id, product_id) DO UPDATE SET "
    "price_xaf = EXCLUDED.price_xaf, available = EXCLUDED.available, updated_at = EXCLUDED.updated_at "
    "WHERE brain.listings.updated_at <= EXCLUDED.updated_at"};

// ---- Recommendation serving (V003__predictions.sql). ----
inline const pg::Statement kOnSale{
    "brain.recs_on_sale",
    "SELECT product_id::text AS product_id, store_id::text AS store_id, price_xaf FROM brain.listings "
    "WHERE available"};
inline const pg::Statement kPopular{
    "brain.recs_popular",
    "SELECT product_id::text AS product_id, count(*)::float8 AS n FROM brain.interactions "
    "WHERE at > now() - interval '28 days' GROUP BY product_id ORDER BY n DESC, product_id LIMIT 2000"};
// Orders per product by coarse zone and UTC hour, 28 days: cold-start popularity by neighbourhood and time of day.
inline const pg::Statement kPopularSlots{
    "brain.recs_popular_slots",
    "SELECT coalesce(zone, '') AS zone, extract(hour FROM at AT TIME ZONE 'UTC')::int AS utc_hour, "
    "product_id::text AS product_id, count(*)::float8 AS n FROM brain.interactions "
    "WHERE at > now() - interval '28 days' GROUP BY 1, 2, 3"};
// The pipeline's export, a page after a position: $1 since (unix s), $2 at (µs since the epoch, -1 = start),
// $3 order_id, $4 product_id, $5 limit.
inline const pg::Statement kExportInteractions{
    "brain.export_interactions",
    "SELECT customer_id::text AS customer_id, product_id::text AS product_id, order_id, "
    "(extract(epoch FROM at) * 1000000)::int8 AS at_us, quantity::int8 AS quantity, store_id::text AS store_id, "
    "coalesce(zone, '') AS zone FROM brain.interactions "
    "WHERE at >= to_timestamp($1::float8) AND (at, order_id, product_id) > "
    "(timestamptz 'epoch' + $2::int8 * interval '1 microsecond', $3::text, $4::uuid) "
    "ORDER BY at, order_id, product_id LIMIT $5::int8"};
// $1 customer
inline const pg::Statement kHistory{
    "brain.recs_history",
    "SELECT product_id::text AS product_id, count(*)::float8 AS n, extract(epoch FROM max(at))::float8 AS last "
    "FROM brain.interactions WHERE customer_id = $1::uuid AND at > now() - interval '365 days' "
    "GROUP BY product_id"};
// Parallel arrays: $1 at (float8[] unix ms), $2 endpoint, $3 customer (text[], '' = none), $4 version (int[]),
// $5 variant, $6 items (one comma-joined text per row), $7 latency (int[])
inline const pg::Statement kPredictionsInsert{
    "brain.predictions_insert",
    "INSERT INTO brain.predictions (at, endpoint, customer_id, model, version, variant, items, latency_us) "
    "SELECT to_timestamp(a / 1000.0), e, nullif(c, '')::uuid, 'recs', v, w, "
    "CASE WHEN i = '' THEN '{}'::text[] ELSE string_to_array(i, ',') END, l "
    "FROM unnest($1::float8[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[]) "
    "AS t(a, e, c, v, w, i, l)"};

// ---- Monitoring. $1 view, $2 time (unix seconds): the latest as-of at or before it. ----
inline const pg::Statement kLatestAsOf{"brain.mon_latest_as_of",
                                       "SELECT extract(epoch FROM max(as_of))::float8 AS as_of FROM brain.feature_rows "
                                       "WHERE view = $1 AND as_of <= to_timestamp($2)"};
// $1 view, $2 as-of (unix seconds): every entity's values then.
inline const pg::Statement kRowsAsOf{
    "brain.mon_rows_as_of",
    "SELECT vals::text AS vals FROM brain.feature_rows WHERE view = $1 AND as_of = to_timestamp($2)"};
inline const pg::Statement kRecsOutcomes{
    "brain.mon_recs_outcomes",
    "WITH p AS (SELECT id, at, customer_id, variant, items FROM brain.predictions WHERE endpoint = 'home' "
    "AND customer_id IS NOT NULL AND at > now() - interval '7 days' ORDER BY at DESC LIMIT 20000) "
    "SELECT variant, count(*)::int8 AS served, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM brain.interactions i "
    "WHERE i.customer_id = p.customer_id AND i.at > p.at AND i.at <= p.at + interval '7 days' "
    "AND i.product_id::text = ANY (p.items)))::int8 AS converted FROM p GROUP BY variant ORDER BY variant"};

}  // namespace okada::brain::store
