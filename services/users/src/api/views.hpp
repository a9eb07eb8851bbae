#pragma once
/// JSON shapes of the users service's answers (plain functions: they decrypt personal data with the keyring,
/// so they run only for callers the handler has already authorised), and the opening-hours codec.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/common.hpp"
#include "domain/rules.hpp"
#include "store/store.hpp"

namespace okada::users::api {

// Encryption contexts ("users.<table>.<column>"), bound to the row id.
inline constexpr std::string_view kColName = "users.profiles.name";
inline constexpr std::string_view kColLocation = "users.addresses.location";
inline constexpr std::string_view kColLandmark = "users.addresses.landmark";
inline constexpr std::string_view kColNeighbourhood = "users.addresses.neighbourhood";
inline constexpr std::string_view kColInstructions = "users.addresses.instructions";
inline constexpr std::string_view kColPhoneToCall = "users.addresses.phone_to_call";
inline constexpr std::string_view kColPlate = "users.riders.plate";
inline constexpr std::string_view kColDocuments = "users.riders.id_document_refs";
inline constexpr std::string_view kColContactPhone = "users.merchants.contact_phone";

/// "lat,lon" (full double precision) and back.
std::string LocationText(double lat, double lon);
LatLon ParseLocationText(std::string_view text);

/// {"id","name","lang","preferences","created_at","updated_at"}
boost::json::object ProfileJson(const State& s, const store::ProfileRow& p);
/// {"id","label","location":{"lat","lon"},"landmark","neighbourhood","instructions","phone_to_call",
///  "created_at","updated_at"}
boost::json::object AddressJson(const State& s, const store::AddressRow& a);
/// {"id","user_id","status","vehicle_type","plate","id_document_refs":[...],"zones":[...],"created_at",
///  "updated_at","approved_at","suspended_at"}
boost::json::object RiderJson(const State& s, const store::RiderRow& r);
/// {"id","business_name","category","status","contact_phone","my_role","created_at","updated_at","approved_at"}
boost::json::object MerchantJson(const State& s, const store::MerchantRow& m);
/// {"user_id","role","name","added_at"}
boost::json::object MemberJson(const State& s, const store::MemberRow& m);
/// {"id","merchant_id","name","location":{"lat","lon"},"address","opening_hours":[7 days],"delivery_radius_m",
///  "paused","merchant_category","created_at","updated_at"} (no personal data: public)
boost::json::object StoreJson(const store::StoreRow& st);

/// Reads `opening_hours` from a body: exactly 7 entries (Monday first), each null (closed) or an array of up to
/// 3 {"open":"HH:MM","close":"HH:MM"} (close may be "24:00"), non-overlapping. Errors name the element, e.g.
/// opening_hours[2][0].close. nullopt when absent or invalid.
std::optional<domain::WeekHours> ReadOpeningHours(Body& body, std::string_view field, bool required);
/// Canonical JSON of a week (sorted ranges, null for closed days).
boost::json::array HoursJson(const domain::WeekHours& week);

/// Serialized JSON array of strings.
std::string StringsJson(const std::vector<std::string>& items);
std::vector<std::string> ParseStrings(std::string_view json_array_text);

}  // namespace okada::users::api
