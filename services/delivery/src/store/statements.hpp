#pragma once
// Every SQL statement of the delivery service (schema `delivery`, V001__delivery.sql).
#include "okada/core/http/paging.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::delivery::store {

#define DELIVERY_COLUMNS \
  "d.id::text AS id, d.order_id::text AS order_id, d.public_order_id, d.store_id::text AS store_id, "             \
  "d.merchant_id::text AS merchant_id, d.customer_id::text AS customer_id, d.payment_method, d.total_xaf, "       \
  "d.delivery_fee_xaf, d.rider_fee_xaf, d.status, d.rider_id::text AS rider_id, d.ready, "                        \
  OKADA_SQL_TS("d.ready_expected_at") " AS ready_expected_at, d.pickup_lat, d.pickup_lon, d.pickup_zone, "        \
  "d.dropoff_zone, d.dropoff_enc, d.distance_m, d.pickup_code_enc, d.delivery_code_enc, d.code_failures, "        \
  "d.offers_made, d.proof::text AS proof, d.cash_collected_xaf, d.failure_reason, d.order_sync, d.money_sync, " \
  OKADA_SQL_TS("d.created_at") " AS created_at, " OKADA_SQL_TS("d.updated_at") " AS updated_at"

// --- shifts and positions ---
// $1 rider, $2 online, $3 zones (text[] literal)
inline const pg::Statement kShiftUpsert{
    "delivery.shift_upsert",
    "INSERT INTO delivery.shifts (rider_id, online, zones) VALUES ($1::uuid, $2::boolean, $3::text[]) "
    "ON CONFLICT (rider_id) DO UPDATE SET online = EXCLUDED.online, zones = EXCLUDED.zones, since = CASE WHEN "
    "delivery.shifts.online = EXCLUDED.online THEN delivery.shifts.since ELSE now() END, updated_at = now() "
    "RETURNING online, array_to_string(zones, ',') AS zones, " OKADA_SQL_TS("since") " AS since"};
inline const pg::Statement kShiftGet{"delivery.shift_get",
                                     "SELECT online, array_to_string(zones, ',') AS zones, " OKADA_SQL_TS(
                                         "since") " AS since FROM delivery.shifts WHERE rider_id = $1::uuid"};
// $1 rider, $2 at[] (ms), $3 lat[], $4 lon[], $5 accuracy[], $6 speed[] (NULL entries allowed), $7 order uuid|null
inline const pg::Statement kPositionsInsert{
    "delivery.positions_insert",
    "INSERT INTO delivery.positions (rider_id, at, lat, lon, accuracy_m, speed_kmh, order_id) "
    "SELECT $1::uuid, to_timestamp(p.at / 1000.0), p.lat, p.lon, p.acc, p.speed, $7::uuid FROM "
    "unnest($2::bigint[], $3::float8[], $4::float8[], $5::real[], $6::real[]) AS p(at, lat, lon, acc, speed)"};
// The rider's deliveries under way (position goes to their customers), newest first.
inline const pg::Statement kActiveOfRider{
    "delivery.active_of_rider",
    "SELECT " DELIVERY_COLUMNS
    " FROM delivery.deliveries d WHERE d.rider_id = $1::uuid AND d.status IN "
    "('assigned', 'at_store', 'picked_up', 'arriving') ORDER BY d.created_at DESC LIMIT 10"};

// --- deliveries ---
// $1 id, $2 order uuid, $3 public id, $4 store, $5 merchant, $6 customer, $7 method, $8 total, $9 fee,
// $10 rider fee, $11 ready expected (ms), $12 offer from (ms), $13 pickup lat, $14 lon, $15 pickup zone,
// $16 dropoff zone, $17 dropoff_enc, $18 distance, $19 pickup code enc, $20 delivery code enc
inline const pg::Statement kDeliveryInsert{
    "delivery.delivery_insert",
    "INSERT INTO delivery.deliveries (id, order_id, public_order_id, store_id, merchant_id, customer_id, "
    "payment_method, total_xaf, delivery_fee_xaf, rider_fee_xaf, status, ready_expected_at, offer_from, pickup_lat, "
    "pickup_lon, pickup_zone, dropoff_zone, dropoff_enc, distance_m, pickup_code_enc, delivery_code_enc) VALUES "
    "($1::uuid, $2::uuid, $3, $4::uuid, $5::uuid, $6::uuid, $7, $8, $9, $10, 'unassigned', "
    "to_timestamp($11 / 1000.0), to_timestamp($12 / 1000.0), $13, $14, $15, $16, $17, $18, $19, $20) "
    "ON CONFLICT (order_id) DO NOTHING RETURNING id::text"};
inline const pg::Statement kDeliveryByOrder{
    "delivery.delivery_by_order", "SELECT " DELIVERY_COLUMNS " FROM delivery.deliveries d WHERE d.order_id = $1::uuid"};
inline const pg::Statement kDeliveryById{
    "delivery.delivery_by_id", "SELECT " DELIVERY_COLUMNS " FROM delivery.deliveries d WHERE d.id = $1::uuid"};
inline const pg::Statement kDeliveryLock{"delivery.delivery_lock",
                                         "SELECT " DELIVERY_COLUMNS
                                         " FROM delivery.deliveries d WHERE d.order_id = $1::uuid FOR UPDATE"};
inline const pg::Statement kDeliveryLockById{"delivery.delivery_lock_by_id",
                                             "SELECT " DELIVERY_COLUMNS
                                             " FROM delivery.deliveries d WHERE d.id = $1::uuid FOR UPDATE"};
// $1 id, $2 status, $3 rider|null (kept when null and $4 false), $4 clear rider
inline const pg::Statement kDeliveryMove{
    "delivery.delivery_move",
    "UPDATE delivery.deliveries SET status = $2, rider_id = CASE WHEN $4::boolean THEN NULL ELSE "
    "COALESCE($3::uuid, rider_id) END, updated_at = now() WHERE id = $1::uuid"};
inline const pg::Statement kDeliveryReady{
    "delivery.delivery_ready",
    "UPDATE delivery.deliveries SET ready = true, updated_at = now() WHERE order_id = $1::uuid AND NOT ready "
    "RETURNING id::text"};
inline const pg::Statement kDeliveryCodeFailure{
    "delivery.delivery_code_failure",
    "UPDATE delivery.deliveries SET code_failures = code_failures + 1 WHERE id = $1::uuid RETURNING code_failures"};
// $1 id, $2 proof json, $3 cash|null
inline const pg::Statement kDeliveryProof{
    "delivery.delivery_proof",
    "UPDATE delivery.deliveries SET proof = $2::jsonb, cash_collected_xaf = $3 WHERE id = $1::uuid"};
inline const pg::Statement kDeliveryFailure{"delivery.delivery_failure",
                                            "UPDATE delivery.deliveries SET failure_reason = $2 WHERE id = $1::uuid"};
// What orders and payments still have to hear: $1 id, $2 order status to tell|null, $3 drop-off to book
inline const pg::Statement kDeliveryToSync{
    "delivery.delivery_to_sync",
    "UPDATE delivery.deliveries SET order_sync = COALESCE($2, order_sync), money_sync = money_sync OR $3::boolean, "
    "sync_attempts = 0, sync_after = now() WHERE id = $1::uuid"};
inline const pg::Statement kDeliveryDue{
    "delivery.delivery_due",
    "SELECT d.id::text AS id FROM delivery.deliveries d WHERE (d.order_sync IS NOT NULL OR d.money_sync) AND "
    "d.sync_after <= now() ORDER BY d.sync_after LIMIT $1"};
// $1 id, $2 order status told (clears it if unchanged), $3 money booked
inline const pg::Statement kDeliverySynced{
    "delivery.delivery_synced",
    "UPDATE delivery.deliveries SET order_sync = CASE WHEN order_sync = $2 THEN NULL ELSE order_sync END, "
    "money_sync = money_sync AND NOT $3::boolean WHERE id = $1::uuid"};
inline const pg::Statement kDeliverySyncLater{
    "delivery.delivery_sync_later",
    "UPDATE delivery.deliveries SET sync_attempts = sync_attempts + 1, sync_after = now() + make_interval(secs => "
    "LEAST(300, 2 ^ LEAST(sync_attempts, 8))) WHERE id = $1::uuid"};
inline const pg::Statement kRiderDeliveries{
    "delivery.rider_deliveries", "SELECT " DELIVERY_COLUMNS
                                 " FROM delivery.deliveries d WHERE d.rider_id = $1::uuid ORDER BY d.created_at DESC "
                                 "LIMIT $2"};

// --- offers ---
// Deliveries waiting for a rider whose offer time has come (skipped when another dispatcher holds them).
inline const pg::Statement kToOffer{
    "delivery.to_offer", "SELECT " DELIVERY_COLUMNS
                         " FROM delivery.deliveries d WHERE d.status = 'unassigned' AND d.offer_from <= now() "
                         "ORDER BY d.offer_from LIMIT $1 FOR UPDATE SKIP LOCKED"};
// Which of the candidates ($1 uuid[]) may be offered delivery $2: on shift, serving the zone $3, with room
// ($4 capacity), no open offer, and never offered this delivery.
inline const pg::Statement kEligible{
    "delivery.eligible",
    "SELECT s.rider_id::text AS rider_id, array_to_string(s.zones, ',') AS zones FROM delivery.shifts s "
    "WHERE s.rider_id = ANY($1::uuid[]) AND s.online "
    "AND (SELECT count(*) FROM delivery.deliveries x WHERE x.rider_id = s.rider_id AND x.status IN ('assigned', "
    "'at_store', 'picked_up', 'arriving')) < $4 "
    "AND NOT EXISTS (SELECT 1 FROM delivery.offers o WHERE o.rider_id = s.rider_id AND (o.status = 'open' OR "
    "o.delivery_id = $2::uuid)) "
    "AND (cardinality(s.zones) = 0 OR EXISTS (SELECT 1 FROM unnest(s.zones) z WHERE starts_with($3, z)))"};
// $1 id, $2 delivery, $3 rider, $4 via, $5 distance, $6 expires (ms)
inline const pg::Statement kOfferInsert{
    "delivery.offer_insert",
    "INSERT INTO delivery.offers (id, delivery_id, rider_id, status, via, distance_m, expires_at) VALUES ($1::uuid, "
    "$2::uuid, $3::uuid, 'open', $4, $5, to_timestamp($6 / 1000.0)) RETURNING " OKADA_SQL_TS(
        "expires_at") " AS expires_at"};
inline const pg::Statement kOfferLater{
    "delivery.offer_later",
    "UPDATE delivery.deliveries SET offer_from = now() + interval '5 seconds' WHERE id = $1::uuid"};
inline const pg::Statement kOffersMade{
    "delivery.offers_made",
    "UPDATE delivery.deliveries SET offers_made = offers_made + 1, status = 'offered', updated_at = now() WHERE id = "
    "$1::uuid"};
#define OFFER_COLUMNS \
  "o.id::text AS id, o.delivery_id::text AS delivery_id, o.rider_id::text AS rider_id, o.status, o.via, "    \
  "o.distance_m, " OKADA_SQL_TS("o.created_at") " AS created_at, " OKADA_SQL_TS("o.expires_at") " AS expires_at, " \
  "(extract(epoch FROM o.expires_at) * 1000)::bigint AS expires_ms, d.public_order_id, d.store_id::text AS store_id, " \
  "d.pickup_lat, d.pickup_lon, d.pickup_zone, d.dropoff_zone, d.distance_m AS trip_m, d.rider_fee_xaf, "  \
  "d.payment_method, d.total_xaf"
inline const pg::Statement kOfferLock{"delivery.offer_lock",
                                      "SELECT " OFFER_COLUMNS
                                      " FROM delivery.offers o JOIN delivery.deliveries d ON d.id = o.delivery_id "
                                      "WHERE o.id = $1::uuid FOR UPDATE OF o"};
inline const pg::Statement kOffersOfRider{
    "delivery.offers_of_rider",
    "SELECT " OFFER_COLUMNS
    " FROM delivery.offers o JOIN delivery.deliveries d ON d.id = o.delivery_id "
    "WHERE o.rider_id = $1::uuid AND o.status = 'open' AND o.expires_at > now() ORDER BY o.created_at"};
inline const pg::Statement kOfferAnswer{
    "delivery.offer_answer",
    "UPDATE delivery.offers SET status = $2, answered_at = now() WHERE id = $1::uuid AND status = 'open'"};
// Open offers past their time (locked, skipped by a concurrent dispatcher).
inline const pg::Statement kOffersLapsed{
    "delivery.offers_lapsed",
    "SELECT o.id::text AS id, o.delivery_id::text AS delivery_id, o.rider_id::text AS rider_id FROM delivery.offers o "
    "WHERE o.status = 'open' AND o.expires_at <= now() ORDER BY o.expires_at LIMIT $1 FOR UPDATE SKIP LOCKED"};
// Every open offer of a delivery (withdrawn when the order is cancelled).
inline const pg::Statement kOffersOpenOf{
    "delivery.offers_open_of",
    "UPDATE delivery.offers SET status = 'withdrawn', answered_at = now() WHERE delivery_id = $1::uuid AND status = "
    "'open' RETURNING id::text AS id, rider_id::text AS rider_id"};

// --- timeline ---
// $1 delivery, $2 kind, $3 status|null, $4 actor role, $5 actor id|null, $6 detail json|null
inline const pg::Statement kTimelineAdd{
    "delivery.timeline_add",
    "INSERT INTO delivery.timeline (delivery_id, kind, status, actor_role, actor_id, detail) VALUES ($1::uuid, $2, $3, "
    "$4, $5::uuid, $6::jsonb)"};
inline const pg::Statement kTimelineOf{
    "delivery.timeline_of",
    "SELECT seq, kind, status, actor_role, detail::text AS detail, " OKADA_SQL_TS("at") " AS at FROM "
    "delivery.timeline WHERE delivery_id = $1::uuid ORDER BY seq"};
inline const pg::Statement kCallsUnanswered{
    "delivery.calls_unanswered",
    "SELECT count(*) AS n FROM delivery.timeline WHERE delivery_id = $1::uuid AND kind = 'call' AND "
    "detail->>'outcome' <> 'answered'"};

// --- partitions ---
inline const pg::Statement kPartitions{
    "delivery.partitions",
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
    "JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'delivery' AND p.relname = 'positions' AND "
    "c.relname ~ '^positions_[0-9]{8}$'"};

}  // namespace okada::delivery::store
