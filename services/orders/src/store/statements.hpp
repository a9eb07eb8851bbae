#pragma once
/// Every SQL statement of the orders service (schema `orders`). Parameters are always bound.
#include "okada/core/http/paging.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::orders::store {

// --- carts ---
inline const pg::Statement kCartLines{
    "orders.cart_lines",
    "SELECT product_id::text, qty FROM orders.cart_lines WHERE customer_id = $1::uuid AND store_id = $2::uuid "
    "ORDER BY added_at, product_id"};
// Upserts a line unless that would make more than 50 different products (then no row is returned).
inline const pg::Statement kCartUpsert{
    "orders.cart_upsert",
    "INSERT INTO orders.cart_lines (customer_id, store_id, product_id, qty) SELECT $1::uuid, $2::uuid, $3::uuid, $4 "
    "WHERE (SELECT count(*) FROM orders.cart_lines WHERE customer_id = $1::uuid AND store_id = $2::uuid AND "
    "product_id <> $3::uuid) < 50 ON CONFLICT (customer_id, store_id, product_id) DO UPDATE SET qty = EXCLUDED.qty "
    "RETURNING qty"};
// Opens a cart edit, in one round trip:
// - serialises edits of one cart (customer, store) for the rest of the transaction, so two concurrent additions
//   cannot both pass the 50-line cap;
// - lets the transaction commit without waiting for the WAL flush: cart edits are not orders (a crash may lose the
//   last fraction of a second of cart edits, never an order; orders and their stored answers commit durably).
inline const pg::Statement kCartLock{"orders.cart_lock",
                                     "SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 42)), "
                                     "set_config('synchronous_commit', 'off', true)"};
inline const pg::Statement kCartRemove{
    "orders.cart_remove",
    "DELETE FROM orders.cart_lines WHERE customer_id = $1::uuid AND store_id = $2::uuid AND product_id = $3::uuid"};
// After checkout: only the ordered lines. $3 product ids (array)
inline const pg::Statement kCartClearLines{
    "orders.cart_clear_lines",
    "DELETE FROM orders.cart_lines WHERE customer_id = $1::uuid AND store_id = $2::uuid AND product_id = "
    "ANY($3::uuid[])"};
inline const pg::Statement kCartClear{
    "orders.cart_clear", "DELETE FROM orders.cart_lines WHERE customer_id = $1::uuid AND store_id = $2::uuid"};

// --- orders ---
// $1 id, $2 public_id, $3 customer, $4 store, $5 merchant, $6 status, $7 payment_method, $8 stock, $9 items,
// $10 fee, $11 total, $12 distance_m, $13 zone, $14 delivery_enc, $15 payment due (RFC 3339)|null
inline const pg::Statement kOrderInsert{
    "orders.order_insert",
    "INSERT INTO orders.orders (id, public_id, customer_id, store_id, merchant_id, status, payment_method, stock, "
    "items_xaf, delivery_fee_xaf, total_xaf, distance_m, zone, delivery_enc, payment_due_at) VALUES ($1::uuid, $2, "
    "$3::uuid, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15::timestamptz) "
    "ON CONFLICT (id) DO NOTHING"};
// All lines at once: $1 order, $2 product ids, $3 names fr, $4 names en, $5 unit prices, $6 quantities (arrays).
inline const pg::Statement kLinesInsert{
    "orders.lines_insert",
    "INSERT INTO orders.order_lines (order_id, product_id, name_fr, name_en, unit_price_xaf, qty) SELECT $1::uuid, p, "
    "nf, ne, u, q FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::int[]) AS t(p, nf, ne, u, q)"};
// $1 order, $2 from|null, $3 to, $4 actor id|null, $5 actor role, $6 reason|null
inline const pg::Statement kTimelineInsert{
    "orders.timeline_insert",
    "INSERT INTO orders.timeline (order_id, seq, from_status, to_status, actor_id, actor_role, reason) "
    "SELECT $1::uuid, coalesce(max(seq), 0) + 1, $2, $3, $4::uuid, $5, $6 FROM orders.timeline WHERE order_id = "
    "$1::uuid"};

#define OKADA_ORDER_COLUMNS \
  "o.id::text AS id, o.public_id, o.customer_id::text AS customer_id, o.store_id::text AS store_id, "          \
  "o.merchant_id::text AS merchant_id, o.rider_id::text AS rider_id, o.status, o.payment_method, o.stock, "    \
  "o.items_xaf, o.delivery_fee_xaf, o.total_xaf, o.distance_m, o.zone, o.delivery_enc, "                        \
  "(o.payment_method <> 'cash' AND (SELECT bool_or(t.from_status = 'pending_payment' AND t.to_status = "  \
  "'confirmed') FROM orders.timeline t WHERE t.order_id = o.id)) AS paid, " OKADA_SQL_TS("o.created_at") " AS created_at, " OKADA_SQL_TS(           \
      "o.updated_at") " AS updated_at, CASE WHEN o.payment_due_at IS NULL THEN NULL ELSE " OKADA_SQL_TS(       \
      "o.payment_due_at") " END AS payment_due_at"

inline const pg::Statement kOrderGet{"orders.order_get",
                                     "SELECT " OKADA_ORDER_COLUMNS " FROM orders.orders o WHERE o.id = $1::uuid"};
inline const pg::Statement kOrderLines{
    "orders.order_lines",
    "SELECT product_id::text, name_fr, name_en, unit_price_xaf, qty FROM orders.order_lines WHERE order_id = "
    "$1::uuid ORDER BY name_fr, product_id"};
inline const pg::Statement kOrderTimeline{
    "orders.order_timeline",
    "SELECT seq, from_status, to_status, actor_role, actor_id::text AS actor_id, reason, " OKADA_SQL_TS(
        "at") " AS at FROM orders.timeline WHERE order_id = $1::uuid ORDER BY seq"};
// List: $1 customer|null, $2 merchant|null, $3 rider|null, $4 store|null, $5 status|null, $6 after id|null, $7 limit
inline const pg::Statement kOrderList{
    "orders.order_list",
    "SELECT " OKADA_ORDER_COLUMNS
    " FROM orders.orders o WHERE ($1::uuid IS NULL OR o.customer_id = $1::uuid) AND ($2::uuid IS NULL OR "
    "o.merchant_id = $2::uuid) AND ($3::uuid IS NULL OR o.rider_id = $3::uuid) AND ($4::uuid IS NULL OR o.store_id "
    "= $4::uuid) AND ($5::text IS NULL OR o.status = $5) AND ($6::uuid IS NULL OR o.id < $6::uuid) ORDER BY o.id "
    "DESC LIMIT $7"};
// Compare-and-set: $1 id, $2 expected status, $3 new status
inline const pg::Statement kOrderMove{
    "orders.order_move",
    "UPDATE orders.orders SET status = $3, updated_at = now(), version = version + 1, payment_due_at = CASE WHEN "
    "$3 = 'pending_payment' THEN payment_due_at ELSE NULL END WHERE id = $1::uuid AND status = $2 RETURNING id"};
// $1 id, $2 new stock state, $3 the status the step was decided for (a concurrent move makes it a no-op)
inline const pg::Statement kOrderStock{
    "orders.order_stock", "UPDATE orders.orders SET stock = $2 WHERE id = $1::uuid AND stock <> $2 AND status = $3"};
// $1 id, $2 rider: only while the order has not left the store (or for the rider already on it)
inline const pg::Statement kOrderSetRider{
    "orders.order_set_rider",
    "UPDATE orders.orders SET rider_id = $2::uuid, updated_at = now() WHERE id = $1::uuid AND (rider_id = $2::uuid OR "
    "status IN ('confirmed', 'accepted', 'preparing', 'ready_for_pickup')) RETURNING id"};
// A stock step that failed goes to the back of the settle job's queue.
inline const pg::Statement kOrderTouch{"orders.order_touch",
                                       "UPDATE orders.orders SET updated_at = now() WHERE id = $1::uuid"};

// --- jobs ---
inline const pg::Statement kPaymentOverdue{
    "orders.payment_overdue",
    "SELECT id::text FROM orders.orders WHERE status = 'pending_payment' AND payment_due_at < now() "
    "ORDER BY payment_due_at LIMIT $1"};
// Orders whose stock step did not finish (the process stopped between the status change and the call).
inline const pg::Statement kStockUnsettled{
    "orders.stock_unsettled",
    "SELECT id::text, status, stock FROM orders.orders WHERE updated_at < now() - make_interval(secs => $1) AND ("
    "(stock = 'held' AND status IN ('confirmed', 'accepted', 'preparing', 'ready_for_pickup', 'picked_up', "
    "'delivered', 'completed')) OR (stock <> 'released' AND status IN ('cancelled', 'rejected', 'payment_failed', "
    "'expired'))) ORDER BY updated_at LIMIT $2"};
// Checkouts that claimed a key and (maybe) reserved stock but never created their order: the process died.
inline const pg::Statement kStrandedCheckouts{
    "orders.stranded_checkouts",
    "SELECT i.caller, i.key, i.resource_id FROM orders.idempotency i WHERE i.status IS NULL AND i.locked_at < now() "
    "- make_interval(secs => $1) AND NOT EXISTS (SELECT 1 FROM orders.orders o WHERE o.id = i.resource_id::uuid) "
    "LIMIT $2"};
// Takes a stranded claim for the job (so no retry can take it over meanwhile): $1 caller, $2 key, $3 seconds.
inline const pg::Statement kTakeStranded{
    "orders.take_stranded",
    "UPDATE orders.idempotency SET locked_at = now() WHERE caller = $1 AND key = $2 AND status IS NULL AND "
    "locked_at < now() - make_interval(secs => $3) RETURNING locked_at::text"};
inline const pg::Statement kForgetClaim{
    "orders.forget_claim",
    "DELETE FROM orders.idempotency WHERE caller = $1 AND key = $2 AND status IS NULL AND locked_at = "
    "$3::timestamptz"};

// --- no-go zones ---
inline const pg::Statement kZones{"orders.zones",
                                  "SELECT slug, name, polygon::text, active, " OKADA_SQL_TS(
                                      "updated_at") " AS updated_at FROM orders.no_go_zones ORDER BY slug"};
inline const pg::Statement kZoneUpsert{
    "orders.zone_upsert",
    "INSERT INTO orders.no_go_zones (slug, name, polygon, active) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (slug) "
    "DO UPDATE SET name = EXCLUDED.name, polygon = EXCLUDED.polygon, active = EXCLUDED.active, updated_at = now()"};

}  // namespace okada::orders::store
