#include "api/views.hpp"

#include <cstdio>
#include <cstdlib>

namespace okada::users::api {

namespace json = boost::json;

namespace {
json::value OptString(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}
json::object LocationJson(double lat, double lon) {
  json::object o;
  o["lat"] = lat;
  o["lon"] = lon;
  return o;
}
}  // namespace

std::string LocationText(double lat, double lon) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g,%.17g", lat, lon);
  return buf;
}

LatLon ParseLocationText(std::string_view text) {
  std::string t(text);
  auto comma = t.find(',');
  if (comma == std::string::npos) throw Error(ErrorCode::kInternal);
  LatLon out;
  char* end = nullptr;
  out.lat = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + comma) throw Error(ErrorCode::kInternal);
  out.lon = std::strtod(t.c_str() + comma + 1, &end);
  if (end != t.c_str() + t.size()) throw Error(ErrorCode::kInternal);
  return out;
}

json::object ProfileJson(const State& s, const store::ProfileRow& p) {
  json::object o;
  o["id"] = p.user_id;
  o["name"] = OptString(OpenOpt(s, kColName, p.user_id, p.name_enc));
  o["lang"] = p.lang;
  o["preferences"] = ParseStored(p.preferences);
  o["created_at"] = p.created_at;
  o["updated_at"] = p.updated_at;
  return o;
}

json::object AddressJson(const State& s, const store::AddressRow& a) {
  LatLon loc = ParseLocationText(Open(s, kColLocation, a.id, a.location_enc));
  json::object o;
  o["id"] = a.id;
  o["label"] = a.label;
  o["location"] = LocationJson(loc.lat, loc.lon);
  o["landmark"] = Open(s, kColLandmark, a.id, a.landmark_enc);
  o["neighbourhood"] = Open(s, kColNeighbourhood, a.id, a.neighbourhood_enc);
  o["instructions"] = OptString(OpenOpt(s, kColInstructions, a.id, a.instructions_enc));
  o["phone_to_call"] = OptString(OpenOpt(s, kColPhoneToCall, a.id, a.phone_to_call_enc));
  o["created_at"] = a.created_at;
  o["updated_at"] = a.updated_at;
  return o;
}

json::object RiderJson(const State& s, const store::RiderRow& r) {
  json::object o;
  o["id"] = r.user_id;
  o["user_id"] = r.user_id;
  o["status"] = r.status;
  o["vehicle_type"] = r.vehicle_type;
  o["plate"] = OptString(OpenOpt(s, kColPlate, r.user_id, r.plate_enc));
  o["id_document_refs"] = ParseStored(Open(s, kColDocuments, r.user_id, r.id_document_refs_enc));
  o["zones"] = ParseStored(r.zones);
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  o["approved_at"] = OptString(r.approved_at);
  o["suspended_at"] = OptString(r.suspended_at);
  return o;
}

json::object MerchantJson(const State& s, const store::MerchantRow& m) {
  json::object o;
  o["id"] = m.id;
  o["business_name"] = m.business_name;
  o["category"] = m.category;
  o["status"] = m.status;
  o["contact_phone"] = Open(s, kColContactPhone, m.id, m.contact_phone_enc);
  o["my_role"] = OptString(m.my_role);
  o["created_at"] = m.created_at;
  o["updated_at"] = m.updated_at;
  o["approved_at"] = OptString(m.approved_at);
  return o;
}

json::object MemberJson(const State& s, const store::MemberRow& m) {
  json::object o;
  o["user_id"] = m.user_id;
  o["role"] = m.role;
  o["name"] = OptString(OpenOpt(s, kColName, m.user_id, m.name_enc));
  o["added_at"] = m.created_at;
  return o;
}

json::object StoreJson(const store::StoreRow& st) {
  json::object o;
  o["id"] = st.id;
  o["merchant_id"] = st.merchant_id;
  o["name"] = st.name;
  o["location"] = LocationJson(st.lat, st.lon);
  o["address"] = st.address;
  o["opening_hours"] = ParseStored(st.opening_hours);
  o["delivery_radius_m"] = st.delivery_radius_m;
  o["paused"] = st.paused;
  o["merchant_category"] = st.merchant_category;
  o["created_at"] = st.created_at;
  o["updated_at"] = st.updated_at;
  return o;
}

std::optional<domain::WeekHours> ReadOpeningHours(Body& body, std::string_view field, bool required) {
  JsonReader& r = body.r();
  const json::value* v = body.Get(field);
  if (v == nullptr || v->is_null()) {
    if (required) r.Fail(field, "REQUIRED");
    return std::nullopt;
  }
  if (!v->is_array()) {
    r.Fail(field, "INVALID_TYPE", "expected an array of 7 days (Monday first)");
    return std::nullopt;
  }
  const json::array& days = v->get_array();
  if (days.size() != 7) {
    r.Fail(field, days.size() < 7 ? "TOO_SHORT" : "TOO_LONG", "exactly 7 days, Monday first");
    return std::nullopt;
  }
  domain::WeekHours week;
  bool ok = true;
  for (std::size_t d = 0; d < 7; ++d) {
    std::string day_path = std::string(field) + "[" + std::to_string(d) + "]";
    const json::value& day = days[d];
    if (day.is_null()) continue;  // closed
    if (!day.is_array()) {
      r.Fail(day_path, "INVALID_TYPE", "null (closed) or an array of {\"open\",\"close\"}");
      ok = false;
      continue;
    }
    const json::array& ranges = day.get_array();
    if (ranges.size() > domain::kMaxRangesPerDay) {
      r.Fail(day_path, "TOO_LONG", "at most 3 opening ranges per day");
      ok = false;
      continue;
    }
    bool day_ok = true;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      std::string range_path = day_path + "[" + std::to_string(i) + "]";
      if (!ranges[i].is_object()) {
        r.Fail(range_path, "INVALID_TYPE", "expected {\"open\":\"HH:MM\",\"close\":\"HH:MM\"}");
        day_ok = false;
        continue;
      }
      const json::object& range = ranges[i].get_object();
      std::optional<int> times[2];
      const char* names[2] = {"open", "close"};
      for (int k = 0; k < 2; ++k) {
        const json::value* t = range.if_contains(names[k]);
        if (t == nullptr || t->is_null()) {
          r.Fail(range_path + "." + names[k], "REQUIRED");
        } else if (!t->is_string()) {
          r.Fail(range_path + "." + names[k], "INVALID_TYPE", "expected \"HH:MM\"");
        } else {
          times[k] = domain::ParseClock(t->get_string(), k == 1);
          if (!times[k]) r.Fail(range_path + "." + names[k], "INVALID_FORMAT", "expected \"HH:MM\" (00:00..24:00)");
        }
      }
      for (const auto& kv : range) {
        if (kv.key() != "open" && kv.key() != "close") {
          r.Fail(range_path + "." + std::string(kv.key()), "NOT_ALLOWED", "unknown field");
          day_ok = false;
        }
      }
      if (!times[0] || !times[1]) {
        day_ok = false;
        continue;
      }
      week[d].push_back(domain::TimeRange{*times[0], *times[1]});
    }
    if (!day_ok) {
      ok = false;
      continue;
    }
    if (auto err = domain::CheckDay(week[d])) {
      r.Fail(day_path, err->code, err->detail);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return week;
}

json::array HoursJson(const domain::WeekHours& week) {
  json::array out;
  for (const domain::DayHours& day : week) {
    if (day.empty()) {
      out.emplace_back(nullptr);
      continue;
    }
    json::array ranges;
    for (const domain::TimeRange& r : day) {
      json::object o;
      o["open"] = domain::FormatClock(r.open);
      o["close"] = domain::FormatClock(r.close);
      ranges.push_back(std::move(o));
    }
    out.push_back(std::move(ranges));
  }
  return out;
}

std::string StringsJson(const std::vector<std::string>& items) {
  json::array a;
  for (const std::string& s : items) a.emplace_back(json::string(s));
  return json::serialize(a);
}

std::vector<std::string> ParseStrings(std::string_view json_array_text) {
  json::value v = ParseStored(json_array_text);
  std::vector<std::string> out;
  if (!v.is_array()) throw Error(ErrorCode::kInternal);
  for (const json::value& e : v.get_array()) {
    if (!e.is_string()) throw Error(ErrorCode::kInternal);
    out.emplace_back(e.get_string());
  }
  return out;
}

}  // namespace okada::users::api
