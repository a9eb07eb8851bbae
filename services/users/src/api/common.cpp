#include "api/common.hpp"

#include <algorithm>

#include "domain/rules.hpp"

namespace okada::users::api {

namespace json = boost::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Caller RequireCaller(const http::Request& req) {
  const auto& p = req.principal();
  if (!p || p->service || !domain::IsUuid(p->subject)) throw Error(ErrorCode::kUnauthenticated);
  return Caller{Lower(p->subject), p->role, domain::ReadsEverything(p->role)};
}

Caller RequireRole(const http::Request& req, std::initializer_list<std::string_view> roles) {
  Caller c = RequireCaller(req);
  if (std::find(roles.begin(), roles.end(), std::string_view(c.role)) == roles.end()) throw Forbidden();
  return c;
}

Caller RequireSupportOrAdmin(const http::Request& req) { return RequireRole(req, {"support", "admin"}); }
Caller RequireAdmin(const http::Request& req) { return RequireRole(req, {"admin"}); }

std::string PathId(const http::Request& req, std::string_view name) {
  std::string_view v = req.path_param(name);
  if (!domain::IsUuid(v)) throw NotFound();
  return Lower(v);
}

ListQuery ParseListQuery(const http::Request& req, std::initializer_list<std::string_view> statuses) {
  std::vector<FieldError> errors;
  ListQuery q;
  std::optional<std::string> limit = req.query_param("limit");
  std::optional<int> parsed = domain::ParseLimit(limit ? std::optional<std::string_view>(*limit) : std::nullopt);
  if (parsed) {
    q.limit = *parsed;
  } else {
    errors.push_back(FieldError{"limit", "INVALID_TYPE", "an integer; values outside 1..100 are clamped"});
  }
  std::optional<std::string> cursor = req.query_param("cursor");
  if (cursor && !cursor->empty()) {
    q.after = domain::DecodeCursor(*cursor);
    if (!q.after) errors.push_back(FieldError{"cursor", "INVALID_FORMAT", "use next_cursor of the previous page"});
  }
  if (statuses.size() > 0) {
    std::optional<std::string> status = req.query_param("status");
    if (status && !status->empty()) {
      if (std::find(statuses.begin(), statuses.end(), std::string_view(*status)) == statuses.end()) {
        std::string list;
        for (std::string_view s : statuses) list += (list.empty() ? "" : ", ") + std::string(s);
        errors.push_back(FieldError{"status", "NOT_ALLOWED", "one of: " + list});
      } else {
        q.status = *status;
      }
    }
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  return q;
}

ListQuery ParseListQuery(const http::Request& req) { return ParseListQuery(req, {}); }
ListQuery ParseStatusListQuery(const http::Request& req) {
  return ParseListQuery(req, {"pending", "approved", "suspended"});
}

// --- Body -----------------------------------------------------------------------------------------------------

namespace {

void FindInvalidUtf8(const json::value& v, const std::string& path, std::vector<FieldError>& out) {
  if (out.size() >= 10) return;
  if (v.is_string()) {
    if (!domain::IsValidUtf8(v.get_string())) out.push_back(FieldError{path, "INVALID_FORMAT", "not valid UTF-8"});
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      std::string_view key = kv.key();
      if (!domain::IsValidUtf8(key)) {
        out.push_back(FieldError{path.empty() ? "(key)" : path + ".(key)", "INVALID_FORMAT", "not valid UTF-8"});
        continue;
      }
      FindInvalidUtf8(kv.value(), path.empty() ? std::string(key) : path + "." + std::string(key), out);
    }
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) FindInvalidUtf8(a[i], path + "[" + std::to_string(i) + "]", out);
  }
}

json::value ParseLenient(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = 32;
  opts.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) throw Error(ErrorCode::kMalformedJson, "the body is not valid JSON");
  if (!v.is_object()) throw Error(ErrorCode::kMalformedJson, "the body must be a JSON object");
  std::vector<FieldError> bad;
  FindInvalidUtf8(v, "", bad);
  if (!bad.empty()) throw Invalid(std::move(bad));
  return v;
}

}  // namespace

Body::Body(std::string_view text) : root_(ParseLenient(text)), reader_(text) {}
Body::~Body() = default;

const json::value* Body::Get(std::string_view field) const { return root_.get_object().if_contains(field); }

bool Body::IsNull(std::string_view field) const {
  const json::value* v = Get(field);
  return v != nullptr && v->is_null();
}

void Body::RejectUnknown(std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : root_.get_object()) {
    std::string_view key = kv.key();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      reader_.Fail(key, "NOT_ALLOWED", "unknown field");
  }
}

namespace {
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

std::optional<std::vector<std::string>> Body::StringArray(std::string_view field, std::size_t min, std::size_t max,
                                                          std::size_t max_length, bool required) {
  const json::value* v = Get(field);
  if (v == nullptr || v->is_null()) {
    if (required) reader_.Fail(field, "REQUIRED");
    return std::nullopt;
  }
  if (!v->is_array()) {
    reader_.Fail(field, "INVALID_TYPE", "expected an array of strings");
    return std::nullopt;
  }
  const json::array& a = v->get_array();
  if (a.size() < min || a.size() > max) {
    reader_.Fail(field, a.size() < min ? "TOO_SHORT" : "TOO_LONG",
                 "between " + std::to_string(min) + " and " + std::to_string(max) + " elements");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string path = std::string(field) + "[" + std::to_string(i) + "]";
    if (!a[i].is_string()) {
      reader_.Fail(path, "INVALID_TYPE", "expected a string");
      ok = false;
      continue;
    }
    std::string_view s(a[i].get_string());
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    std::size_t n = CodePoints(s);
    if (n == 0) {
      reader_.Fail(path, "REQUIRED");
      ok = false;
    } else if (n > max_length) {
      reader_.Fail(path, "TOO_LONG", "at most " + std::to_string(max_length) + " characters");
      ok = false;
    } else if (domain::HasControlChars(s)) {
      reader_.Fail(path, "INVALID_FORMAT", "control characters are not allowed");
      ok = false;
    } else if (std::find(out.begin(), out.end(), s) == out.end()) {
      out.emplace_back(s);  // duplicates are dropped
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> Body::Text(std::string_view field, StringRule rule, bool allow_newlines) {
  std::optional<std::string> s = reader_.OptionalString(field, rule);
  if (s && domain::HasControlChars(*s, allow_newlines)) {
    reader_.Fail(field, "INVALID_FORMAT", "control characters are not allowed");
    return std::nullopt;
  }
  return s;
}

std::string Body::RequiredText(std::string_view field, StringRule rule, bool allow_newlines) {
  std::string s = reader_.String(field, rule);
  if (domain::HasControlChars(s, allow_newlines)) {
    reader_.Fail(field, "INVALID_FORMAT", "control characters are not allowed");
    return {};
  }
  return s;
}

std::optional<LatLon> ReadLocation(JsonReader& r, std::string_view field) {
  std::size_t before = r.errors().size();
  JsonReader loc = r.Object(field);
  LatLon out;
  out.lat = loc.Number("lat", -90, 90);
  out.lon = loc.Number("lon", -180, 180);
  loc.RejectUnknownFields();
  if (r.errors().size() != before) return std::nullopt;
  bool ok = true;
  if (out.lat < 1.5 || out.lat > 13.2) {
    loc.Fail("lat", "OUT_OF_RANGE", "outside Cameroon (latitude 1.5..13.2)");
    ok = false;
  }
  if (out.lon < 8.3 || out.lon > 16.3) {
    loc.Fail("lon", "OUT_OF_RANGE", "outside Cameroon (longitude 8.3..16.3)");
    ok = false;
  }
  if (!ok || !domain::InCameroon(out.lat, out.lon)) return std::nullopt;
  return out;
}

// --- personal data --------------------------------------------------------------------------------------------

namespace {
std::string Context(std::string_view column, std::string_view row_id) {
  std::string ad(column);
  ad += ':';
  ad += row_id;
  return ad;
}
}  // namespace

std::string Seal(const State& s, std::string_view column, std::string_view row_id, std::string_view plain) {
  return s.keyring->get()->EncryptToText(plain, Context(column, row_id));
}

std::optional<std::string> SealOpt(const State& s, std::string_view column, std::string_view row_id,
                                   const std::optional<std::string>& plain) {
  if (!plain) return std::nullopt;
  return Seal(s, column, row_id, *plain);
}

std::string Open(const State& s, std::string_view column, std::string_view row_id, std::string_view sealed) {
  return s.keyring->get()->DecryptText(sealed, Context(column, row_id));
}

std::optional<std::string> OpenOpt(const State& s, std::string_view column, std::string_view row_id,
                                   const std::optional<std::string>& sealed) {
  if (!sealed) return std::nullopt;
  return Open(s, column, row_id, *sealed);
}

// --- answers --------------------------------------------------------------------------------------------------

http::Response JsonResponse(const json::value& v, int status) {
  return http::Response::Json(json::serialize(v), status);
}

http::Response Created(const json::value& v, std::string location) {
  http::Response r = JsonResponse(v, 201);
  r.Header("Location", std::move(location));
  return r;
}

json::value PageJson(json::array items, const std::vector<std::string>& ids, int limit) {
  json::object o;
  json::value next = nullptr;
  if (items.size() > static_cast<std::size_t>(limit)) {
    items.resize(static_cast<std::size_t>(limit));
    next = json::string(domain::EncodeCursor(ids.at(static_cast<std::size_t>(limit) - 1)));
  }
  o["items"] = std::move(items);
  o["next_cursor"] = std::move(next);
  return o;
}

json::value ParseStored(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw Error(ErrorCode::kInternal);
  return v;
}

}  // namespace okada::users::api
