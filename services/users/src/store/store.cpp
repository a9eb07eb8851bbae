#include "store/store.hpp"

#include "okada/core/http/paging.hpp"

namespace okada::users::store {

// Timestamps leave the database as RFC 3339 UTC text with milliseconds.
#define OKADA_TS(expr) OKADA_SQL_TS(expr)

// --- profiles -------------------------------------------------------------------------------------------------

#define PROFILE_COLUMNS                                                                    \
  "user_id::text AS user_id, name_enc, lang, preferences::text AS preferences, " OKADA_TS( \
      "created_at") " AS created_at, " OKADA_TS("updated_at") " AS updated_at"

const pg::Statement kProfileGet{"users.profile_get",
                                "SELECT " PROFILE_COLUMNS " FROM users.profiles WHERE user_id = $1::uuid"};
const pg::Statement kProfileEnsure{
    "users.profile_ensure", "INSERT INTO users.profiles (user_id) VALUES ($1::uuid) ON CONFLICT (user_id) DO NOTHING"};
const pg::Statement kProfileLock{"users.profile_lock",
                                 "SELECT user_id FROM users.profiles WHERE user_id = $1::uuid FOR UPDATE"};
const pg::Statement kProfileUpdate{
    "users.profile_update",
    "UPDATE users.profiles SET name_enc = CASE WHEN $2::bool THEN $3::text ELSE name_enc END, "
    "lang = COALESCE($4::text, lang), preferences = COALESCE($5::jsonb, preferences), updated_at = now() "
    "WHERE user_id = $1::uuid RETURNING " PROFILE_COLUMNS};

ProfileRow ToProfile(const pg::Row& row) {
  return ProfileRow{row.Get<std::string>("user_id"),    row.Get<std::optional<std::string>>("name_enc"),
                    row.Get<std::string>("lang"),       row.Get<std::string>("preferences"),
                    row.Get<std::string>("created_at"), row.Get<std::string>("updated_at")};
}

// --- addresses ------------------------------------------------------------------------------------------------

#define ADDRESS_COLUMNS                                                                              \
  "id::text AS id, user_id::text AS user_id, label, location_enc, landmark_enc, neighbourhood_enc, " \
  "instructions_enc, phone_to_call_enc, " OKADA_TS("created_at") " AS created_at, " OKADA_TS(        \
      "updated_at") " AS updated_at"

const pg::Statement kAddressList{
    "users.address_list", "SELECT " ADDRESS_COLUMNS
                          " FROM users.addresses WHERE user_id = $1::uuid AND ($2::uuid IS NULL OR id > $2::uuid)"
                          " ORDER BY id LIMIT $3::int"};
const pg::Statement kAddressGet{
    "users.address_get", "SELECT " ADDRESS_COLUMNS " FROM users.addresses WHERE id = $1::uuid AND user_id = $2::uuid"};
const pg::Statement kAddressCount{"users.address_count",
                                  "SELECT count(*) AS n FROM users.addresses WHERE user_id = $1::uuid"};
const pg::Statement kAddressInsert{
    "users.address_insert",
    "INSERT INTO users.addresses (id, user_id, label, location_enc, landmark_enc, neighbourhood_enc, "
    "instructions_enc, phone_to_call_enc) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8) "
    "RETURNING " ADDRESS_COLUMNS};
const pg::Statement kAddressUpdate{
    "users.address_update",
    "UPDATE users.addresses SET label = COALESCE($3::text, label), location_enc = COALESCE($4::text, location_enc), "
    "landmark_enc = COALESCE($5::text, landmark_enc), neighbourhood_enc = COALESCE($6::text, neighbourhood_enc), "
    "instructions_enc = CASE WHEN $7::bool THEN $8::text ELSE instructions_enc END, "
    "phone_to_call_enc = CASE WHEN $9::bool THEN $10::text ELSE phone_to_call_enc END, updated_at = now() "
    "WHERE id = $1::uuid AND user_id = $2::uuid RETURNING " ADDRESS_COLUMNS};
const pg::Statement kAddressDelete{"users.address_delete",
                                   "DELETE FROM users.addresses WHERE id = $1::uuid AND user_id = $2::uuid"};

AddressRow ToAddress(const pg::Row& row) {
  return AddressRow{row.Get<std::string>("id"),
                    row.Get<std::string>("user_id"),
                    row.Get<std::string>("label"),
                    row.Get<std::string>("location_enc"),
                    row.Get<std::string>("landmark_enc"),
                    row.Get<std::string>("neighbourhood_enc"),
                    row.Get<std::optional<std::string>>("instructions_enc"),
                    row.Get<std::optional<std::string>>("phone_to_call_enc"),
                    row.Get<std::string>("created_at"),
                    row.Get<std::string>("updated_at")};
}

// --- riders ---------------------------------------------------------------------------------------------------

#define RIDER_COLUMNS \
  "user_id::text AS user_id, status, vehicle_type, plate_enc, id_document_refs_enc, zones::text AS zones, "       \
  OKADA_TS("created_at") " AS created_at, " OKADA_TS("updated_at") " AS updated_at, " OKADA_TS("approved_at")    \
  " AS approved_at, " OKADA_TS("suspended_at") " AS suspended_at"

const pg::Statement kRiderGet{"users.rider_get", "SELECT " RIDER_COLUMNS " FROM users.riders WHERE user_id = $1::uuid"};
const pg::Statement kRiderLock{"users.rider_lock",
                               "SELECT " RIDER_COLUMNS " FROM users.riders WHERE user_id = $1::uuid FOR UPDATE"};
const pg::Statement kRiderExists{"users.rider_exists", "SELECT 1 FROM users.riders WHERE user_id = $1::uuid"};
const pg::Statement kRiderInsert{
    "users.rider_insert",
    "INSERT INTO users.riders (user_id, status, vehicle_type, plate_enc, id_document_refs_enc, zones) "
    "VALUES ($1::uuid, 'pending', $2, $3, $4, $5::jsonb) ON CONFLICT (user_id) DO NOTHING RETURNING " RIDER_COLUMNS};
const pg::Statement kRiderUpdate{
    "users.rider_update",
    "UPDATE users.riders SET vehicle_type = $2, plate_enc = $3, id_document_refs_enc = $4, zones = $5::jsonb, "
    "updated_at = now() WHERE user_id = $1::uuid RETURNING " RIDER_COLUMNS};
const pg::Statement kRiderSetStatus{"users.rider_set_status",
                                    "UPDATE users.riders SET status = $2, updated_at = now(), "
                                    "approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END, "
                                    "suspended_at = CASE WHEN $2 = 'suspended' THEN now() ELSE suspended_at END "
                                    "WHERE user_id = $1::uuid RETURNING " RIDER_COLUMNS};
const pg::Statement kRiderList{"users.rider_list",
                               "SELECT " RIDER_COLUMNS
                               " FROM users.riders WHERE ($1::text IS NULL OR status = $1::text) "
                               "AND ($2::uuid IS NULL OR user_id > $2::uuid) ORDER BY user_id LIMIT $3::int"};

RiderRow ToRider(const pg::Row& row) {
  return RiderRow{row.Get<std::string>("user_id"),
                  row.Get<std::string>("status"),
                  row.Get<std::string>("vehicle_type"),
                  row.Get<std::optional<std::string>>("plate_enc"),
                  row.Get<std::string>("id_document_refs_enc"),
                  row.Get<std::string>("zones"),
                  row.Get<std::string>("created_at"),
                  row.Get<std::string>("updated_at"),
                  row.Get<std::optional<std::string>>("approved_at"),
                  row.Get<std::optional<std::string>>("suspended_at")};
}

// --- merchants and members ------------------------------------------------------------------------------------

#define MERCHANT_COLUMNS                                                                                           \
  "m.id::text AS id, m.business_name, m.category, m.contact_phone_enc, m.status, m.created_by::text AS "           \
  "created_by, " OKADA_TS("m.created_at") " AS created_at, " OKADA_TS("m.updated_at") " AS updated_at, " OKADA_TS( \
      "m.approved_at") " AS approved_at"

const pg::Statement kMerchantInsert{
    "users.merchant_insert",
    "INSERT INTO users.merchants AS m (id, business_name, category, contact_phone_enc, status, created_by) "
    "VALUES ($1::uuid, $2, $3, $4, 'pending', $5::uuid) RETURNING " MERCHANT_COLUMNS ", NULL::text AS my_role"};
const pg::Statement kMerchantGet{"users.merchant_get",
                                 "SELECT " MERCHANT_COLUMNS
                                 ", (SELECT mm.role FROM users.merchant_members mm WHERE mm.merchant_id = m.id AND "
                                 "mm.user_id = $2::uuid) AS my_role FROM users.merchants m WHERE m.id = $1::uuid"};
const pg::Statement kMerchantLock{"users.merchant_lock", "SELECT " MERCHANT_COLUMNS
                                                         ", NULL::text AS my_role FROM users.merchants m "
                                                         "WHERE m.id = $1::uuid FOR UPDATE"};
const pg::Statement kMerchantSetStatus{"users.merchant_set_status",
                                       "UPDATE users.merchants AS m SET status = $2, updated_at = now(), "
                                       "approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END "
                                       "WHERE m.id = $1::uuid RETURNING " MERCHANT_COLUMNS ", NULL::text AS my_role"};
const pg::Statement kMerchantList{"users.merchant_list",
                                  "SELECT " MERCHANT_COLUMNS
                                  ", NULL::text AS my_role FROM users.merchants m WHERE ($1::text IS NULL OR "
                                  "m.status = $1::text) AND ($2::uuid IS NULL OR m.id > $2::uuid) ORDER BY m.id "
                                  "LIMIT $3::int"};
const pg::Statement kMemberInsert{"users.member_insert",
                                  "INSERT INTO users.merchant_members (merchant_id, user_id, role, added_by) "
                                  "VALUES ($1::uuid, $2::uuid, $3, $4::uuid) RETURNING user_id::text AS user_id, "
                                  "role, NULL::text AS name_enc, " OKADA_TS("created_at") " AS created_at"};
const pg::Statement kMemberDelete{"users.member_delete",
                                  "DELETE FROM users.merchant_members WHERE merchant_id = $1::uuid AND "
                                  "user_id = $2::uuid AND role = 'merchant_staff'"};
const pg::Statement kMemberRole{
    "users.member_role", "SELECT role FROM users.merchant_members WHERE merchant_id = $1::uuid AND user_id = $2::uuid"};
const pg::Statement kMembershipOf{
    "users.membership_of",
    "SELECT mm.merchant_id::text AS merchant_id, mm.role, m.business_name, m.status FROM users.merchant_members mm "
    "JOIN users.merchants m ON m.id = mm.merchant_id WHERE mm.user_id = $1::uuid"};
const pg::Statement kMemberList{
    "users.member_list",
    "SELECT mm.user_id::text AS user_id, mm.role, p.name_enc, " OKADA_TS("mm.created_at")
    " AS created_at FROM users.merchant_members mm LEFT JOIN users.profiles p ON p.user_id = mm.user_id "
    "WHERE mm.merchant_id = $1::uuid AND ($2::uuid IS NULL OR mm.user_id > $2::uuid) ORDER BY mm.user_id "
    "LIMIT $3::int"};
const pg::Statement kOwnersOf{
    "users.owners_of",
    "SELECT user_id::text AS user_id FROM users.merchant_members WHERE merchant_id = $1::uuid AND "
    "role = 'merchant_owner' ORDER BY user_id"};

MerchantRow ToMerchant(const pg::Row& row) {
  return MerchantRow{row.Get<std::string>("id"),
                     row.Get<std::string>("business_name"),
                     row.Get<std::string>("category"),
                     row.Get<std::string>("contact_phone_enc"),
                     row.Get<std::string>("status"),
                     row.Get<std::string>("created_by"),
                     row.Get<std::string>("created_at"),
                     row.Get<std::string>("updated_at"),
                     row.Get<std::optional<std::string>>("approved_at"),
                     row.Get<std::optional<std::string>>("my_role")};
}

MemberRow ToMember(const pg::Row& row) {
  return MemberRow{row.Get<std::string>("user_id"), row.Get<std::string>("role"),
                   row.Get<std::optional<std::string>>("name_enc"), row.Get<std::string>("created_at")};
}

// --- stores ---------------------------------------------------------------------------------------------------

#define STORE_COLUMNS                                                                       \
  "s.id::text AS id, s.merchant_id::text AS merchant_id, s.name, s.lat, s.lon, s.address, " \
  "s.opening_hours::text AS opening_hours, s.delivery_radius_m, s.paused, " OKADA_TS(       \
      "s.created_at") " AS created_at, " OKADA_TS("s.updated_at") " AS updated_at"

const pg::Statement kStoreInsert{
    "users.store_insert",
    "WITH s AS (INSERT INTO users.stores (id, merchant_id, name, lat, lon, address, opening_hours, "
    "delivery_radius_m, paused) VALUES ($1::uuid, $2::uuid, $3, $4::float8, $5::float8, $6, $7::jsonb, $8::int, "
    "$9::bool) RETURNING *) SELECT " STORE_COLUMNS
    ", m.category AS merchant_category, m.status AS merchant_status FROM s JOIN users.merchants m ON m.id = "
    "s.merchant_id"};
const pg::Statement kStoreGet{"users.store_get",
                              "SELECT " STORE_COLUMNS
                              ", m.category AS merchant_category, m.status AS merchant_status FROM users.stores s "
                              "JOIN users.merchants m ON m.id = s.merchant_id WHERE s.id = $1::uuid"};
const pg::Statement kStoreListOfMerchant{
    "users.store_list",
    "SELECT " STORE_COLUMNS
    ", m.category AS merchant_category, m.status AS merchant_status FROM users.stores s JOIN users.merchants m "
    "ON m.id = s.merchant_id WHERE s.merchant_id = $1::uuid AND ($2::uuid IS NULL OR s.id > $2::uuid) "
    "ORDER BY s.id LIMIT $3::int"};
const pg::Statement kStoreUpdateAsOwner{
    "users.store_update",
    "WITH s AS (UPDATE users.stores st SET name = COALESCE($3::text, st.name), address = COALESCE($4::text, "
    "st.address), opening_hours = COALESCE($5::jsonb, st.opening_hours), delivery_radius_m = COALESCE($6::int, "
    "st.delivery_radius_m), paused = COALESCE($7::bool, st.paused), updated_at = now() "
    "FROM users.merchant_members mm WHERE st.id = $1::uuid AND mm.merchant_id = st.merchant_id AND "
    "mm.user_id = $2::uuid AND mm.role = 'merchant_owner' RETURNING st.*) SELECT " STORE_COLUMNS
    ", m.category AS merchant_category, m.status AS merchant_status FROM s JOIN users.merchants m ON m.id = "
    "s.merchant_id"};

StoreRow ToStore(const pg::Row& row) {
  StoreRow s;
  s.id = row.Get<std::string>("id");
  s.merchant_id = row.Get<std::string>("merchant_id");
  s.name = row.Get<std::string>("name");
  s.lat = row.Get<double>("lat");
  s.lon = row.Get<double>("lon");
  s.address = row.Get<std::string>("address");
  s.opening_hours = row.Get<std::string>("opening_hours");
  s.delivery_radius_m = row.Get<std::int64_t>("delivery_radius_m");
  s.paused = row.Get<bool>("paused");
  s.merchant_category = row.Get<std::string>("merchant_category");
  s.merchant_status = row.Get<std::string>("merchant_status");
  s.created_at = row.Get<std::string>("created_at");
  s.updated_at = row.Get<std::string>("updated_at");
  return s;
}

// --- outbox ---------------------------------------------------------------------------------------------------

const pg::Statement kOutboxInsert{"users.outbox_insert",
                                  "INSERT INTO users.outbox (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb)"};

}  // namespace okada::users::store
