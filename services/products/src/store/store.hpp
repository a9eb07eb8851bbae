#pragma once
/// The products service's PostgreSQL statements (schema `products`, sql/migrations/V001__products.sql) and the
/// typed rows they return. Statements are named "products.<what>" (prepared once per connection, metrics label).
/// Listing updates that move stock carry their guard in the WHERE clause (`on_hand - reserved >= q`), so a
/// statement that finds no row is the refusal; the table's CHECK (reserved <= on_hand) is the last line.

#include <cstdint>
#include <optional>
#include <string>

#include "okada/core/pg/pg.hpp"

namespace okada::products::store {

// --- categories ---
extern const pg::Statement kCategoryList;     // all, by position
extern const pg::Statement kCategoryResolve;  // $1 slug or id → id
extern const pg::Statement kCategoryInsert;   // $1 id, $2 parent_id|null, $3 slug, $4 name_fr, $5 name_en, $6 position

struct CategoryRow {
  std::string id;
  std::optional<std::string> parent_id;
  std::string slug;
  std::string name_fr;
  std::string name_en;
  std::int64_t position = 0;
};
CategoryRow ToCategory(const pg::Row& row);

// --- products ---
// $1 id, $2 merchant_id, $3 category_id|null, $4 sku, $5 name_fr, $6 name_en, $7 description_fr,
// $8 description_en, $9 unit, $10 image_urls json, $11 tags json, $12 attributes json, $13 lead_time_days,
// $14 pack_size, $15 shelf_life_days|null. ON CONFLICT (merchant_id, sku) DO NOTHING: no row = sku taken.
extern const pg::Statement kProductInsert;
extern const pg::Statement kProductGet;   // $1 id
extern const pg::Statement kProductLock;  // $1 id (FOR UPDATE)
// $1 id, then $3..$15 as kProductInsert ($2 unused merchant_id kept for symmetry)
extern const pg::Statement kProductUpdate;
extern const pg::Statement kProductArchive;   // $1 id
extern const pg::Statement kProductListings;  // $1 product_id → listings with store locations
// The CSV upsert: $1..$15 as kProductInsert, $16 store_id|null, $17 price|null, $18 on_hand|null,
// $19 available|null, $20 low_stock_threshold|null → product_id, created. One statement, so a row applies
// whole or not at all.
extern const pg::Statement kProductUpsert;

struct ProductRow {
  std::string id;
  std::string merchant_id;
  std::optional<std::string> category_id;
  std::optional<std::string> category_slug;
  std::string sku;
  std::string name_fr;
  std::optional<std::string> name_en;
  std::optional<std::string> description_fr;
  std::optional<std::string> description_en;
  std::string unit;
  std::string image_urls;  ///< JSON array text
  std::string tags;        ///< JSON array text
  std::string attributes;  ///< JSON object text
  std::int64_t lead_time_days = 0;
  std::int64_t pack_size = 1;
  std::optional<std::int64_t> shelf_life_days;
  std::string status;
  std::int64_t popularity = 0;
  std::string created_at;
  std::string updated_at;
};
ProductRow ToProduct(const pg::Row& row);

// --- stores (cache of the users service's store locations) ---
extern const pg::Statement kStoreUpsert;  // $1 id, $2 merchant_id, $3 lat, $4 lon
extern const pg::Statement kStoreGet;     // $1 id → merchant_id, lat, lon

// --- listings ---
// $1 store, $2 product, $3 merchant, $4 price, $5 available|null, $6 threshold|null, $7 on_hand|null
// → listing columns + created (on_hand applies only to a new listing).
extern const pg::Statement kListingUpsert;
extern const pg::Statement kInventory;  // $1 store, $2 after product_id|null, $3 limit
// $1 store, $2 product, $3 delta → on_hand, reserved, low_stock_threshold, merchant_id (no row: refused)
extern const pg::Statement kAdjust;
extern const pg::Statement kListingExists;  // $1 store, $2 product
// $1 id, $2 store, $3 product, $4 delta, $5 reason, $6 note|null, $7 actor, $8 on_hand_after
extern const pg::Statement kAdjustmentInsert;
extern const pg::Statement kAdjustmentList;  // $1 store, $2 before id|null, $3 limit (newest first)
extern const pg::Statement kQuote;           // $1 store, $2 product ids (uuid[] text)
/// Refreshes the planner statistics of products and listings (after a bulk import).
extern const pg::Statement kAnalyzeCatalogue;
extern const pg::Statement kQuoteOne;  // $1 store, $2 product id
// Reorder advice: a page of the store's active listings with the product's supplier terms ($1 store, $2 after
// product_id|null, $3 limit); units sold per product and Douala day ($1 store, $2 product ids (uuid[] text), $3 today
// (Douala date), $4 days back → product_id, days_ago ≥ 1, units); restocks of the last $3 days, newest first
// ($1 store, $2 product ids → product_id, units, days_ago).
extern const pg::Statement kAdviceListings;
extern const pg::Statement kDailySales;
extern const pg::Statement kRecentRestocks;

struct ListingRow {
  std::string store_id;
  std::string product_id;
  std::string merchant_id;
  std::int64_t price_xaf = 0;
  bool available = true;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t low_stock_threshold = 0;
  std::string created_at;
  std::string updated_at;
};
ListingRow ToListing(const pg::Row& row);

// --- reservations ---
extern const pg::Statement kReservationInsert;     // $1 order, $2 store, $3 status, $4 ttl_s → row (none: exists)
extern const pg::Statement kReservationGet;        // $1 order
extern const pg::Statement kReservationLock;       // $1 order (FOR UPDATE)
extern const pg::Statement kReservationSetStatus;  // $1 order, $2 status
extern const pg::Statement kReservationLines;      // $1 order, by product_id
// $1 store, $2 product, $3 qty, $4 commit now, $5 order → takes the stock and inserts the reservation line;
// returns price_xaf, name_fr, name_en, available_after, threshold, merchant_id (no row: unlisted or short)
extern const pg::Statement kReserveLine;
extern const pg::Statement kLineState;            // $1 store, $2 product → available, status, in_stock
extern const pg::Statement kCommitHeldLine;       // $1 store, $2 product, $3 qty
extern const pg::Statement kRetakeLine;           // $1 store, $2 product, $3 qty (no row: short)
extern const pg::Statement kReleaseHeldLine;      // $1 store, $2 product, $3 qty
extern const pg::Statement kReturnCommittedLine;  // $1 store, $2 product, $3 qty
extern const pg::Statement kDueReservations;      // $1 limit → order_id
extern const pg::Statement kLockDueReservation;   // $1 order → store_id (SKIP LOCKED; held and past expiry)

struct ReservationRow {
  std::string order_id;
  std::string store_id;
  std::string status;
  std::string expires_at;
  std::string created_at;
  std::string updated_at;
};
ReservationRow ToReservation(const pg::Row& row);

struct ReservationLineRow {
  std::string product_id;
  std::int64_t qty = 0;
  std::int64_t unit_price_xaf = 0;
  std::string name_fr;
  std::optional<std::string> name_en;
};
ReservationLineRow ToReservationLine(const pg::Row& row);

// --- search ---
// $1 q (normalised)|null, $2 category slug or id|null, $3 store|null, $4 min_price|null, $5 max_price|null,
// $6 lat|null, $7 lon|null, $8 radius_m, $9 sort, $10 limit, $11 offset
extern const pg::Statement kSearch;

// --- outbox ---
extern const pg::Statement kOutboxInsert;  // $1 id, $2 type, $3 payload jsonb

/// order.placed consumer: $1 product ids (array) → popularity + 1.
extern const pg::Statement kBumpPopularity;

}  // namespace okada::products::store
