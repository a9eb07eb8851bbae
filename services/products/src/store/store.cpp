#include "store/store.hpp"

#include "okada/core/http/paging.hpp"

namespace okada::products::store {

#define OKADA_TS(expr) OKADA_SQL_TS(expr)

// --- categories -----------------------------------------------------------------------------------------------

#define CATEGORY_COLUMNS \
  "id::text AS id, parent_id::text AS parent_id, slug, name_fr, name_en, position::int8 AS position"

const pg::Statement kCategoryList{"products.category_list",
                                  "SELECT " CATEGORY_COLUMNS " FROM products.categories ORDER BY position, slug"};
const pg::Statement kCategoryResolve{"products.category_resolve",
                                     "SELECT id::text AS id FROM products.categories WHERE slug = $1 OR id::text = $1"};
const pg::Statement kCategoryInsert{
    "products.category_insert",
    "INSERT INTO products.categories (id, parent_id, slug, name_fr, name_en, position) VALUES ($1::uuid, "
    "$2::uuid, $3, $4, $5, $6::int) ON CONFLICT (slug) DO NOTHING RETURNING " CATEGORY_COLUMNS};

CategoryRow ToCategory(const pg::Row& row) {
  return CategoryRow{row.Get<std::string>("id"),      row.Get<std::optional<std::string>>("parent_id"),
                     row.Get<std::string>("slug"),    row.Get<std::string>("name_fr"),
                     row.Get<std::string>("name_en"), row.Get<std::int64_t>("position")};
}

// --- products -------------------------------------------------------------------------------------------------

#define PRODUCT_COLUMNS                                                                                            \
  "p.id::text AS id, p.merchant_id::text AS merchant_id, p.category_id::text AS category_id, c.slug AS "           \
  "category_slug, p.sku, p.name_fr, p.name_en, p.description_fr, p.description_en, p.unit, p.image_urls::text AS " \
  "image_urls, array_to_json(p.tags)::text AS tags, p.attributes::text AS attributes, p.lead_time_days::int8 AS "  \
  "lead_time_days, p.pack_size::int8 AS pack_size, p.shelf_life_days::int8 AS shelf_life_days, p.status, "         \
  "p.popularity, " OKADA_TS("p.created_at") " AS created_at, " OKADA_TS("p.updated_at") " AS updated_at"

#define PRODUCT_FROM_CTE " FROM p LEFT JOIN products.categories c ON c.id = p.category_id"

#define PRODUCT_VALUES                                                                                        \
  "$1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10::jsonb, ARRAY(SELECT jsonb_array_elements_text(" \
  "$11::jsonb)), $12::jsonb, $13::int, $14::int, $15::int"

const pg::Statement kProductInsert{
    "products.product_insert",
    "WITH p AS (INSERT INTO products.products (id, merchant_id, category_id, sku, name_fr, name_en, "
    "description_fr, description_en, unit, image_urls, tags, attributes, lead_time_days, pack_size, "
    "shelf_life_days) VALUES (" PRODUCT_VALUES
    ") ON CONFLICT (merchant_id, sku) DO NOTHING RETURNING *) "
    "SELECT " PRODUCT_COLUMNS PRODUCT_FROM_CTE};
const pg::Statement kProductGet{"products.product_get",
                                "SELECT " PRODUCT_COLUMNS
                                " FROM products.products p LEFT JOIN products.categories c ON c.id = p.category_id "
                                "WHERE p.id = $1::uuid"};
const pg::Statement kProductLock{"products.product_lock",
                                 "SELECT " PRODUCT_COLUMNS
                                 " FROM products.products p LEFT JOIN products.categories c ON c.id = "
                                 "p.category_id WHERE p.id = $1::uuid FOR UPDATE OF p"};
const pg::Statement kProductUpdate{
    "products.product_update",
    "WITH p AS (UPDATE products.products SET category_id = $3::uuid, sku = $4, name_fr = $5, name_en = $6, "
    "description_fr = $7, description_en = $8, unit = $9, image_urls = $10::jsonb, tags = ARRAY(SELECT "
    "jsonb_array_elements_text($11::jsonb)), attributes = $12::jsonb, lead_time_days = $13::int, pack_size = "
    "$14::int, shelf_life_days = $15::int, updated_at = now() WHERE id = $1::uuid AND merchant_id = $2::uuid "
    "RETURNING *) SELECT " PRODUCT_COLUMNS PRODUCT_FROM_CTE};
const pg::Statement kProductArchive{
    "products.product_archive",
    "WITH p AS (UPDATE products.products SET status = 'archived', updated_at = CASE WHEN status = 'archived' "
    "THEN updated_at ELSE now() END WHERE id = $1::uuid RETURNING *) SELECT " PRODUCT_COLUMNS PRODUCT_FROM_CTE};
const pg::Statement kProductListings{
    "products.product_listings",
    "SELECT l.store_id::text AS store_id, l.price_xaf, l.available, (l.on_hand - l.reserved)::int8 AS in_stock, "
    "s.lat, s.lon FROM products.listings l JOIN products.stores s ON s.id = l.store_id WHERE l.product_id = "
    "$1::uuid AND l.available ORDER BY l.price_xaf, l.store_id LIMIT 100"};
const pg::Statement kProductUpsert{
    "products.product_upsert",
    "WITH p AS (INSERT INTO products.products AS x (id, merchant_id, category_id, sku, name_fr, name_en, "
    "description_fr, description_en, unit, image_urls, tags, attributes, lead_time_days, pack_size, "
    "shelf_life_days) VALUES (" PRODUCT_VALUES
    ") ON CONFLICT (merchant_id, sku) DO UPDATE SET category_id = "
    "EXCLUDED.category_id, name_fr = EXCLUDED.name_fr, name_en = EXCLUDED.name_en, description_fr = "
    "EXCLUDED.description_fr, description_en = EXCLUDED.description_en, unit = EXCLUDED.unit, image_urls = "
    "EXCLUDED.image_urls, tags = EXCLUDED.tags, attributes = EXCLUDED.attributes, lead_time_days = "
    "EXCLUDED.lead_time_days, pack_size = EXCLUDED.pack_size, shelf_life_days = EXCLUDED.shelf_life_days, "
    "updated_at = now() RETURNING x.id, (x.xmax = 0) AS created), "
    "l AS (INSERT INTO products.listings AS y (store_id, product_id, merchant_id, price_xaf, available, on_hand, "
    "low_stock_threshold) SELECT $16::uuid, p.id, $2::uuid, COALESCE($17::int8, (SELECT z.price_xaf FROM "
    "products.listings z WHERE z.store_id = $16::uuid AND z.product_id = p.id)), COALESCE($19::bool, true), "
    "COALESCE($18::int, 0), COALESCE($20::int, 5) FROM p WHERE $16::uuid IS NOT NULL ON CONFLICT (store_id, "
    "product_id) DO UPDATE SET price_xaf = EXCLUDED.price_xaf, available = COALESCE($19::bool, y.available), "
    "low_stock_threshold = COALESCE($20::int, y.low_stock_threshold), updated_at = now() "
    "RETURNING y.price_xaf, y.available) "
    "SELECT p.id::text AS product_id, p.created, (SELECT count(*) FROM l)::int8 AS listings, "
    "(SELECT price_xaf FROM l) AS price_xaf, (SELECT available FROM l) AS available FROM p"};

ProductRow ToProduct(const pg::Row& row) {
  ProductRow p;
  p.id = row.Get<std::string>("id");
  p.merchant_id = row.Get<std::string>("merchant_id");
  p.category_id = row.Get<std::optional<std::string>>("category_id");
  p.category_slug = row.Get<std::optional<std::string>>("category_slug");
  p.sku = row.Get<std::string>("sku");
  p.name_fr = row.Get<std::string>("name_fr");
  p.name_en = row.Get<std::optional<std::string>>("name_en");
  p.description_fr = row.Get<std::optional<std::string>>("description_fr");
  p.description_en = row.Get<std::optional<std::string>>("description_en");
  p.unit = row.Get<std::string>("unit");
  p.image_urls = row.Get<std::string>("image_urls");
  p.tags = row.Get<std::string>("tags");
  p.attributes = row.Get<std::string>("attributes");
  p.lead_time_days = row.Get<std::int64_t>("lead_time_days");
  p.pack_size = row.Get<std::int64_t>("pack_size");
  p.shelf_life_days = row.Get<std::optional<std::int64_t>>("shelf_life_days");
  p.status = row.Get<std::string>("status");
  p.popularity = row.Get<std::int64_t>("popularity");
  p.created_at = row.Get<std::string>("created_at");
  p.updated_at = row.Get<std::string>("updated_at");
  return p;
}

// --- stores ---------------------------------------------------------------------------------------------------

const pg::Statement kStoreUpsert{
    "products.store_upsert",
    "INSERT INTO products.stores (id, merchant_id, lat, lon) VALUES ($1::uuid, $2::uuid, $3::float8, $4::float8) "
    "ON CONFLICT (id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, lat = EXCLUDED.lat, lon = EXCLUDED.lon, "
    "refreshed_at = now()"};
const pg::Statement kStoreGet{"products.store_get",
                              "SELECT merchant_id::text AS merchant_id, lat, lon FROM products.stores WHERE id = "
                              "$1::uuid"};

// --- listings -------------------------------------------------------------------------------------------------

#define LISTING_COLUMNS                                                                                        \
  "l.store_id::text AS store_id, l.product_id::text AS product_id, l.merchant_id::text AS merchant_id, "       \
  "l.price_xaf, l.available, l.on_hand::int8 AS on_hand, l.reserved::int8 AS reserved, "                       \
  "l.low_stock_threshold::int8 AS low_stock_threshold, " OKADA_TS("l.created_at") " AS created_at, " OKADA_TS( \
      "l.updated_at") " AS updated_at"

const pg::Statement kListingUpsert{
    "products.listing_upsert",
    "WITH l AS (INSERT INTO products.listings AS y (store_id, product_id, merchant_id, price_xaf, available, "
    "on_hand, low_stock_threshold) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::int8, COALESCE($5::bool, true), "
    "COALESCE($7::int, 0), COALESCE($6::int, 5)) ON CONFLICT (store_id, product_id) DO UPDATE SET price_xaf = "
    "EXCLUDED.price_xaf, available = COALESCE($5::bool, y.available), low_stock_threshold = COALESCE($6::int, "
    "y.low_stock_threshold), updated_at = now() RETURNING y.*, (y.xmax = 0) AS created) "
    "SELECT " LISTING_COLUMNS ", l.created FROM l"};
const pg::Statement kInventory{
    "products.inventory",
    "SELECT " LISTING_COLUMNS
    ", p.sku, p.name_fr, p.name_en, p.unit, p.status FROM products.listings l JOIN products.products p ON p.id = "
    "l.product_id WHERE l.store_id = $1::uuid AND ($2::uuid IS NULL OR l.product_id > $2::uuid) ORDER BY "
    "l.product_id LIMIT $3::int"};
const pg::Statement kAdjust{
    "products.adjust",
    "UPDATE products.listings SET on_hand = on_hand + $3::int, updated_at = now() WHERE store_id = $1::uuid AND "
    "product_id = $2::uuid AND on_hand + $3::int >= reserved RETURNING on_hand::int8 AS on_hand, reserved::int8 AS "
    "reserved, low_stock_threshold::int8 AS low_stock_threshold, merchant_id::text AS merchant_id"};
const pg::Statement kListingExists{
    "products.listing_exists", "SELECT 1 FROM products.listings WHERE store_id = $1::uuid AND product_id = $2::uuid"};

#define ADJUSTMENT_COLUMNS                                                                                     \
  "id::text AS id, store_id::text AS store_id, product_id::text AS product_id, delta::int8 AS delta, reason, " \
  "note, actor_id::text AS actor_id, on_hand_after::int8 AS on_hand_after, " OKADA_TS("created_at") " AS created_at"

const pg::Statement kAdjustmentInsert{
    "products.adjustment_insert",
    "INSERT INTO products.stock_adjustments (id, store_id, product_id, delta, reason, note, actor_id, "
    "on_hand_after) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::int, $5, $6, $7::uuid, $8::int) "
    "RETURNING " ADJUSTMENT_COLUMNS};
const pg::Statement kAdjustmentList{
    "products.adjustment_list",
    "SELECT " ADJUSTMENT_COLUMNS
    " FROM products.stock_adjustments WHERE store_id = $1::uuid AND ($2::uuid IS NULL OR id < $2::uuid) "
    "ORDER BY id DESC LIMIT $3::int"};
const pg::Statement kQuote{
    "products.quote",
    "SELECT p.id::text AS product_id, p.name_fr, p.name_en, l.price_xaf, (l.available AND p.status = 'active') "
    "AS available, (l.on_hand - l.reserved)::int8 AS in_stock FROM products.listings l JOIN products.products p "
    "ON p.id = l.product_id WHERE l.store_id = $1::uuid AND l.product_id = ANY($2::uuid[])"};

const pg::Statement kAdviceListings{
    "products.advice_listings",
    "SELECT l.product_id::text AS product_id, l.on_hand::int8 AS on_hand, l.reserved::int8 AS reserved, l.available, "
    "l.price_xaf, p.lead_time_days::int8 AS lead_time_days, p.pack_size::int8 AS pack_size, p.shelf_life_days::int8 "
    "AS shelf_life_days, p.name_fr, p.name_en, p.unit FROM products.listings l JOIN products.products p ON p.id = "
    "l.product_id WHERE l.store_id = $1::uuid AND p.status = 'active' AND ($2::uuid IS NULL OR l.product_id > "
    "$2::uuid) ORDER BY l.product_id LIMIT $3::int"};
// Committed reservations are the store's sales; the day is Douala's (UTC+1, no daylight saving).
const pg::Statement kDailySales{
    "products.daily_sales",
    "SELECT rl.product_id::text AS product_id, ($3::date - ((r.updated_at AT TIME ZONE 'UTC') + interval '1 "
    "hour')::date)"
    "::int8 AS days_ago, sum(rl.qty)::int8 AS units FROM products.reservations r JOIN products.reservation_lines rl "
    "ON rl.order_id = r.order_id WHERE r.store_id = $1::uuid AND r.status = 'committed' AND rl.product_id = "
    "ANY($2::uuid[]) AND r.updated_at >= ($3::date - $4::int)::timestamp AT TIME ZONE 'UTC' - interval '1 hour' "
    "GROUP BY 1, 2"};
const pg::Statement kRecentRestocks{
    "products.recent_restocks",
    "SELECT product_id::text AS product_id, delta::int8 AS units, (((now() AT TIME ZONE 'UTC') + interval '1 hour')"
    "::date - ((created_at AT TIME ZONE 'UTC') + interval '1 hour')::date)::int8 AS days_ago FROM "
    "products.stock_adjustments WHERE store_id = $1::uuid AND reason = 'restock' AND delta > 0 AND product_id = "
    "ANY($2::uuid[]) AND created_at >= now() - make_interval(days => $3::int) ORDER BY created_at DESC"};

const pg::Statement kAnalyzeCatalogue{"products.analyze_catalogue", "ANALYZE products.products, products.listings"};

// One product: the cart's hot path (every line added). With `= ANY($2)` the planner costs a generic plan for an
// unknown array length above a custom plan for the actual one, so PostgreSQL would re-plan the statement on every
// call (measured: planning took 10x the execution); with `=` the generic plan is as cheap and is kept.
const pg::Statement kQuoteOne{
    "products.quote_one",
    "SELECT p.id::text AS product_id, p.name_fr, p.name_en, l.price_xaf, (l.available AND p.status = 'active') "
    "AS available, (l.on_hand - l.reserved)::int8 AS in_stock FROM products.listings l JOIN products.products p "
    "ON p.id = l.product_id WHERE l.store_id = $1::uuid AND l.product_id = $2::uuid"};

ListingRow ToListing(const pg::Row& row) {
  ListingRow l;
  l.store_id = row.Get<std::string>("store_id");
  l.product_id = row.Get<std::string>("product_id");
  l.merchant_id = row.Get<std::string>("merchant_id");
  l.price_xaf = row.Get<std::int64_t>("price_xaf");
  l.available = row.Get<bool>("available");
  l.on_hand = row.Get<std::int64_t>("on_hand");
  l.reserved = row.Get<std::int64_t>("reserved");
  l.low_stock_threshold = row.Get<std::int64_t>("low_stock_threshold");
  l.created_at = row.Get<std::string>("created_at");
  l.updated_at = row.Get<std::string>("updated_at");
  return l;
}

// --- reservations ---------------------------------------------------------------------------------------------

#define RESERVATION_COLUMNS \
  "order_id::text AS order_id, store_id::text AS store_id, status, " OKADA_TS(                                 \
      "expires_at") " AS expires_at, " OKADA_TS("created_at") " AS created_at, " OKADA_TS("updated_at") " AS " \
                                                                                                        "updated_at"

const pg::Statement kReservationInsert{
    "products.reservation_insert",
    "INSERT INTO products.reservations (order_id, store_id, status, expires_at) VALUES ($1::uuid, $2::uuid, $3, "
    "now() + make_interval(secs => $4::int)) ON CONFLICT (order_id) DO NOTHING RETURNING " RESERVATION_COLUMNS};
const pg::Statement kReservationGet{"products.reservation_get", "SELECT " RESERVATION_COLUMNS
                                                                " FROM products.reservations WHERE order_id = "
                                                                "$1::uuid"};
const pg::Statement kReservationLock{"products.reservation_lock",
                                     "SELECT " RESERVATION_COLUMNS
                                     " FROM products.reservations WHERE order_id = $1::uuid FOR UPDATE"};
const pg::Statement kReservationSetStatus{
    "products.reservation_set_status",
    "UPDATE products.reservations SET status = $2, updated_at = now() WHERE order_id = $1::uuid "
    "RETURNING " RESERVATION_COLUMNS};
const pg::Statement kReservationLines{
    "products.reservation_lines",
    "SELECT product_id::text AS product_id, qty::int8 AS qty, unit_price_xaf, name_fr, name_en FROM "
    "products.reservation_lines WHERE order_id = $1::uuid ORDER BY product_id"};
// Takes one line's stock and records the line, in one round trip: the UPDATE locks and checks the listing; the line
// is inserted only from its RETURNING row, so a short line inserts nothing (the caller then refuses and rolls back).
// $1 store, $2 product, $3 qty, $4 commit now (bool), $5 order.
const pg::Statement kReserveLine{
    "products.reserve_line",
    "WITH taken AS (UPDATE products.listings l SET reserved = l.reserved + CASE WHEN $4::bool THEN 0 ELSE $3::int "
    "END, on_hand = l.on_hand - CASE WHEN $4::bool THEN $3::int ELSE 0 END, updated_at = now() FROM "
    "products.products p WHERE p.id = l.product_id AND l.store_id = $1::uuid AND l.product_id = $2::uuid AND "
    "p.status = 'active' AND l.available AND l.on_hand - l.reserved >= $3::int RETURNING l.price_xaf, p.name_fr, "
    "p.name_en, (l.on_hand - l.reserved)::int8 AS available_after, l.low_stock_threshold::int8 AS threshold, "
    "l.merchant_id::text AS merchant_id), line AS (INSERT INTO products.reservation_lines (order_id, product_id, "
    "qty, unit_price_xaf, name_fr, name_en) SELECT $5::uuid, $2::uuid, $3::int, price_xaf, name_fr, name_en FROM "
    "taken) SELECT * FROM taken"};
const pg::Statement kLineState{
    "products.line_state",
    "SELECT (l.available AND p.status = 'active') AS sellable, (l.on_hand - l.reserved)::int8 AS in_stock FROM "
    "products.listings l JOIN products.products p ON p.id = l.product_id WHERE l.store_id = $1::uuid AND "
    "l.product_id = $2::uuid"};
const pg::Statement kCommitHeldLine{
    "products.commit_held_line",
    "UPDATE products.listings SET on_hand = on_hand - $3::int, reserved = reserved - $3::int, updated_at = now() "
    "WHERE store_id = $1::uuid AND product_id = $2::uuid"};
const pg::Statement kRetakeLine{
    "products.retake_line",
    "UPDATE products.listings SET on_hand = on_hand - $3::int, updated_at = now() WHERE store_id = $1::uuid AND "
    "product_id = $2::uuid AND on_hand - reserved >= $3::int RETURNING 1"};
const pg::Statement kReleaseHeldLine{
    "products.release_held_line",
    "UPDATE products.listings SET reserved = GREATEST(reserved - $3::int, 0), updated_at = now() WHERE store_id "
    "= $1::uuid AND product_id = $2::uuid"};
const pg::Statement kReturnCommittedLine{
    "products.return_committed_line",
    "UPDATE products.listings SET on_hand = on_hand + $3::int, updated_at = now() WHERE store_id = $1::uuid AND "
    "product_id = $2::uuid"};
const pg::Statement kDueReservations{
    "products.due_reservations",
    "SELECT order_id::text AS order_id FROM products.reservations WHERE status = 'held' AND expires_at < now() "
    "ORDER BY expires_at LIMIT $1::int"};
const pg::Statement kLockDueReservation{
    "products.lock_due_reservation",
    "SELECT store_id::text AS store_id FROM products.reservations WHERE order_id = $1::uuid AND status = 'held' "
    "AND expires_at < now() FOR UPDATE SKIP LOCKED"};

ReservationRow ToReservation(const pg::Row& row) {
  return ReservationRow{row.Get<std::string>("order_id"),   row.Get<std::string>("store_id"),
                        row.Get<std::string>("status"),     row.Get<std::string>("expires_at"),
                        row.Get<std::string>("created_at"), row.Get<std::string>("updated_at")};
}

ReservationLineRow ToReservationLine(const pg::Row& row) {
  return ReservationLineRow{row.Get<std::string>("product_id"), row.Get<std::int64_t>("qty"),
                            row.Get<std::int64_t>("unit_price_xaf"), row.Get<std::string>("name_fr"),
                            row.Get<std::optional<std::string>>("name_en")};
}

// --- search ---------------------------------------------------------------------------------------------------

// Matches: the full-text query in French OR English on unaccented text, OR trigram word similarity (typos).
// Category includes its subcategories. Distance is the haversine on products.stores.
const pg::Statement kSearch{
    "products.search",
    "WITH q AS (SELECT lower(unaccent($1::text)) AS t), "
    "tq AS (SELECT t, CASE WHEN t IS NULL THEN NULL ELSE websearch_to_tsquery('french', t) || "
    "websearch_to_tsquery('english', t) END AS ts FROM q), "
    "cats AS (WITH RECURSIVE c(id) AS (SELECT id FROM products.categories WHERE $2::text IS NOT NULL AND (slug = "
    "$2::text OR id::text = $2::text) UNION SELECT k.id FROM products.categories k JOIN c ON k.parent_id = c.id) "
    "SELECT id FROM c) "
    "SELECT p.id::text AS product_id, l.store_id::text AS store_id, p.sku, p.name_fr, p.name_en, p.unit, "
    "c.slug AS category, p.image_urls->>0 AS image_url, l.price_xaf, (l.on_hand - l.reserved)::int8 AS in_stock, "
    "s.lat, s.lon, d.dist AS distance_m, r.score "
    "FROM products.listings l JOIN products.products p ON p.id = l.product_id "
    "JOIN products.stores s ON s.id = l.store_id LEFT JOIN products.categories c ON c.id = p.category_id "
    "CROSS JOIN tq "
    "CROSS JOIN LATERAL (SELECT CASE WHEN $6::float8 IS NULL THEN NULL ELSE 2 * 6371000 * asin(least(1, sqrt("
    "sin(radians(s.lat - $6::float8) / 2) ^ 2 + cos(radians($6::float8)) * cos(radians(s.lat)) * "
    "sin(radians(s.lon - $7::float8) / 2) ^ 2))) END AS dist) d "
    "CROSS JOIN LATERAL (SELECT CASE WHEN tq.t IS NULL THEN 0 ELSE ts_rank(p.search_vector, tq.ts) + "
    "word_similarity(tq.t, p.search_text) END AS score) r "
    "WHERE p.status = 'active' AND l.available "
    "AND (tq.t IS NULL OR p.search_vector @@ tq.ts OR tq.t <% p.search_text) "
    "AND ($2::text IS NULL OR p.category_id IN (SELECT id FROM cats)) "
    "AND ($3::uuid IS NULL OR l.store_id = $3::uuid) "
    "AND ($4::int8 IS NULL OR l.price_xaf >= $4::int8) AND ($5::int8 IS NULL OR l.price_xaf <= $5::int8) "
    "AND ($6::float8 IS NULL OR d.dist <= $8::int) "
    "ORDER BY CASE WHEN $9::text = 'relevance' THEN r.score END DESC NULLS LAST, "
    "CASE WHEN $9::text = 'popularity' THEN p.popularity END DESC NULLS LAST, "
    "CASE WHEN $9::text = 'distance' THEN d.dist END ASC NULLS LAST, "
    "CASE WHEN $9::text = 'price_asc' THEN l.price_xaf END ASC NULLS LAST, "
    "CASE WHEN $9::text = 'price_desc' THEN l.price_xaf END DESC NULLS LAST, "
    "p.popularity DESC, l.product_id, l.store_id LIMIT $10::int OFFSET $11::int"};

// --- outbox ---------------------------------------------------------------------------------------------------

const pg::Statement kOutboxInsert{"products.outbox_insert",
                                  "INSERT INTO products.outbox (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb)"};

const pg::Statement kBumpPopularity{
    "products.bump_popularity", "UPDATE products.products SET popularity = popularity + 1 WHERE id = ANY($1::uuid[])"};

}  // namespace okada::products::store
