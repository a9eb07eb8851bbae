#pragma once
/// The users service's PostgreSQL statements (schema `users`, sql/migrations/V001__users.sql) and the typed rows
/// they return. Columns ending in `_enc` hold ciphertext (api/pii.hpp opens them); nothing here decrypts.
/// Statements are named "users.<what>" (prepared once per connection, metrics label). Ownership is part of the
/// WHERE clause wherever a row belongs to someone, so a row that is not the caller's is simply not found.

#include <optional>
#include <string>

#include "okada/core/pg/pg.hpp"

namespace okada::users::store {

// --- profiles ---
extern const pg::Statement kProfileGet;     // $1 user_id
extern const pg::Statement kProfileEnsure;  // $1 user_id; INSERT … ON CONFLICT DO NOTHING
extern const pg::Statement kProfileLock;    // $1 user_id; SELECT … FOR UPDATE (per-user mutex)
// $1 user_id, $2 set_name bool, $3 name_enc, $4 lang|null, $5 preferences jsonb text|null
extern const pg::Statement kProfileUpdate;

struct ProfileRow {
  std::string user_id;
  std::optional<std::string> name_enc;
  std::string lang;
  std::string preferences;  ///< JSON object text
  std::string created_at;
  std::string updated_at;
};
ProfileRow ToProfile(const pg::Row& row);

// --- addresses ---
extern const pg::Statement kAddressList;    // $1 user_id, $2 after id|null, $3 limit
extern const pg::Statement kAddressGet;     // $1 id, $2 user_id
extern const pg::Statement kAddressCount;   // $1 user_id
extern const pg::Statement kAddressInsert;  // $1 id, $2 user_id, $3 label, $4..$8 *_enc
// $1 id, $2 user_id, $3 label|null, $4 location_enc|null, $5 landmark_enc|null, $6 neighbourhood_enc|null,
// $7 set_instructions, $8 instructions_enc, $9 set_phone, $10 phone_to_call_enc
extern const pg::Statement kAddressUpdate;
extern const pg::Statement kAddressDelete;  // $1 id, $2 user_id

struct AddressRow {
  std::string id;
  std::string user_id;
  std::string label;
  std::string location_enc;
  std::string landmark_enc;
  std::string neighbourhood_enc;
  std::optional<std::string> instructions_enc;
  std::optional<std::string> phone_to_call_enc;
  std::string created_at;
  std::string updated_at;
};
AddressRow ToAddress(const pg::Row& row);

// --- riders ---
extern const pg::Statement kRiderGet;        // $1 user_id
extern const pg::Statement kRiderLock;       // $1 user_id (FOR UPDATE)
extern const pg::Statement kRiderExists;     // $1 user_id
extern const pg::Statement kRiderInsert;     // $1 user_id, $2 vehicle_type, $3 plate_enc|null, $4 docs_enc, $5 zones
extern const pg::Statement kRiderUpdate;     // $1 user_id, $2 vehicle_type, $3 plate_enc|null, $4 docs_enc, $5 zones
extern const pg::Statement kRiderSetStatus;  // $1 user_id, $2 status
extern const pg::Statement kRiderList;       // $1 status|null, $2 after|null, $3 limit

struct RiderRow {
  std::string user_id;
  std::string status;
  std::string vehicle_type;
  std::optional<std::string> plate_enc;
  std::string id_document_refs_enc;
  std::string zones;  ///< JSON array text
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> approved_at;
  std::optional<std::string> suspended_at;
};
RiderRow ToRider(const pg::Row& row);

// --- merchants and members ---
extern const pg::Statement kMerchantInsert;     // $1 id, $2 business_name, $3 category, $4 contact_phone_enc, $5 by
extern const pg::Statement kMerchantGet;        // $1 id, $2 caller user_id (for my_role)
extern const pg::Statement kMerchantLock;       // $1 id (FOR UPDATE)
extern const pg::Statement kMerchantSetStatus;  // $1 id, $2 status
extern const pg::Statement kMerchantList;       // $1 status|null, $2 after|null, $3 limit
extern const pg::Statement kMemberInsert;       // $1 merchant_id, $2 user_id, $3 role, $4 added_by
extern const pg::Statement kMemberDelete;       // $1 merchant_id, $2 user_id (staff only)
extern const pg::Statement kMemberRole;         // $1 merchant_id, $2 user_id → role
extern const pg::Statement kMembershipOf;       // $1 user_id → merchant_id, role, business_name, status
extern const pg::Statement kMemberList;         // $1 merchant_id, $2 after|null, $3 limit
extern const pg::Statement kOwnersOf;           // $1 merchant_id → user_id

struct MerchantRow {
  std::string id;
  std::string business_name;
  std::string category;
  std::string contact_phone_enc;
  std::string status;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> approved_at;
  std::optional<std::string> my_role;  ///< the caller's membership role (kMerchantGet only)
};
MerchantRow ToMerchant(const pg::Row& row);

struct MemberRow {
  std::string user_id;
  std::string role;
  std::optional<std::string> name_enc;
  std::string created_at;
};
MemberRow ToMember(const pg::Row& row);

// --- stores ---
// $1 id, $2 merchant_id, $3 name, $4 lat, $5 lon, $6 address, $7 opening_hours, $8 radius, $9 paused
extern const pg::Statement kStoreInsert;
extern const pg::Statement kStoreGet;             // $1 id (with the merchant's category and status)
extern const pg::Statement kStoreListOfMerchant;  // $1 merchant_id, $2 after|null, $3 limit
// $1 id, $2 owner user_id, $3 name|null, $4 address|null, $5 opening_hours|null, $6 radius|null, $7 paused|null
extern const pg::Statement kStoreUpdateAsOwner;

struct StoreRow {
  std::string id;
  std::string merchant_id;
  std::string name;
  double lat = 0;
  double lon = 0;
  std::string address;
  std::string opening_hours;  ///< JSON array text
  std::int64_t delivery_radius_m = 0;
  bool paused = false;
  std::string merchant_category;
  std::string merchant_status;
  std::string created_at;
  std::string updated_at;
};
StoreRow ToStore(const pg::Row& row);

// --- outbox ---
extern const pg::Statement kOutboxInsert;  // $1 id, $2 type, $3 payload jsonb

}  // namespace okada::users::store
