#include "api/common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "domain/rules.hpp"
#include "okada/core/http/paging.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

Caller RequireCaller(const http::Request& req) {
  const auto& p = req.principal();
  if (!p || p->service || !domain::IsUuid(p->subject)) throw Error(ErrorCode::kUnauthenticated);
  Caller c{domain::Lower(p->subject), p->role, p->role == "support" || p->role == "admin",
           p->role == "merchant_owner" || p->role == "merchant_staff"};
  return c;
}

Caller RequireRole(const http::Request& req, std::initializer_list<std::string_view> roles) {
  Caller c = RequireCaller(req);
  if (std::find(roles.begin(), roles.end(), std::string_view(c.role)) == roles.end()) throw Forbidden();
  return c;
}

Caller RequireMerchant(const http::Request& req) { return RequireRole(req, {"merchant_owner", "merchant_staff"}); }
Caller RequireMerchantOrSupport(const http::Request& req) {
  return RequireRole(req, {"merchant_owner", "merchant_staff", "support", "admin"});
}
Caller RequireAdmin(const http::Request& req) { return RequireRole(req, {"admin"}); }

void RequireService(const http::Request& req) {
  const auto& p = req.principal();
  if (!p || !p->service) throw Forbidden("internal route");
}

asio::awaitable<std::string> MerchantOf(StatePtr s, Caller c, Deadline deadline) {
  std::optional<users::Membership> m = co_await s->users->MemberOf(deadline, c.id);
  // Not staff of an approved merchant: nothing of any merchant is theirs (404, like every row that is not the
  // caller's; 403 stays the gateway's answer for a role the route does not allow).
  if (!m) throw NotFound("you are not staff of an approved merchant");
  co_return m->merchant_id;
}

asio::awaitable<void> RequireMemberOf(StatePtr s, Caller c, std::string merchant_id, Deadline deadline) {
  std::string mine = co_await MerchantOf(s, c, deadline);
  if (mine != merchant_id) throw Forbidden("not your merchant");
}

asio::awaitable<StoreRef> FindStore(StatePtr s, std::string store_id, bool refresh, Deadline deadline) {
  if (!refresh) {
    pg::Result row = co_await s->db->Execute(deadline, store::kStoreGet, store_id);
    if (!row.empty()) {
      pg::Row r = row.front();
      StoreRef cached{store_id, r.Get<std::string>("merchant_id"), r.Get<double>("lat"), r.Get<double>("lon")};
      co_return cached;
    }
  }
  std::optional<users::StoreInfo> info = co_await s->users->Store(deadline, store_id);
  if (!info) throw NotFound("no such store");
  StoreRef ref{store_id, domain::Lower(info->merchant_id), info->lat, info->lon};
  co_await s->db->Execute(deadline, store::kStoreUpsert, ref.id, ref.merchant_id, ref.lat, ref.lon);
  co_return ref;
}

asio::awaitable<StoreRef> StoreForCaller(StatePtr s, Caller c, std::string store_id, bool refresh, Deadline deadline) {
  if (c.reads_everything) {
    StoreRef any = co_await FindStore(s, store_id, refresh, deadline);
    co_return any;
  }
  if (!c.merchant) throw Forbidden();
  std::string mine = co_await MerchantOf(s, c, deadline);
  StoreRef ref = co_await FindStore(s, store_id, refresh, deadline);
  if (ref.merchant_id != mine) throw NotFound("no such store");
  co_return ref;
}

std::string PathId(const http::Request& req, std::string_view name, ErrorCode missing) {
  std::string_view v = req.path_param(name);
  if (!domain::IsUuid(v)) throw Error(missing);
  return domain::Lower(v);
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

std::optional<std::vector<std::string>> Body::StringArray(std::string_view field, std::size_t max,
                                                          std::size_t max_length) {
  const json::value* v = Get(field);
  if (v == nullptr || v->is_null()) return std::vector<std::string>{};
  if (!v->is_array()) {
    reader_.Fail(field, "INVALID_TYPE", "expected an array of strings");
    return std::nullopt;
  }
  const json::array& a = v->get_array();
  if (a.size() > max) {
    reader_.Fail(field, "TOO_LONG", "at most " + std::to_string(max) + " elements");
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
    std::string s = domain::Trim(std::string_view(a[i].get_string()));
    std::size_t n = domain::CodePoints(s);
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
      out.push_back(std::move(s));
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
    next = json::string(paging::EncodeCursor(ids.at(static_cast<std::size_t>(limit) - 1)));
  }
  o["items"] = std::move(items);
  o["next_cursor"] = std::move(next);
  return o;
}

std::optional<std::int64_t> ParseInt64(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

ListQuery ParseListQuery(const http::Request& req) {
  std::vector<FieldError> errors;
  ListQuery q;
  std::optional<std::string> limit = req.query_param("limit");
  std::optional<int> parsed = paging::ParseLimit(limit ? std::optional<std::string_view>(*limit) : std::nullopt);
  if (parsed) {
    q.limit = *parsed;
  } else {
    errors.push_back(FieldError{"limit", "INVALID_TYPE", "an integer; values outside 1..100 are clamped"});
  }
  std::optional<std::string> cursor = req.query_param("cursor");
  if (cursor && !cursor->empty()) {
    q.after = paging::DecodeCursor(*cursor);
    if (!q.after) errors.push_back(FieldError{"cursor", "INVALID_FORMAT", "use next_cursor of the previous page"});
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  return q;
}

json::value ParseStored(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw Error(ErrorCode::kInternal);
  return v;
}

std::string_view NameIn(std::string_view lang, const std::string& name_fr, const std::optional<std::string>& name_en) {
  if (lang == "en" && name_en) return *name_en;
  return name_fr;
}

}  // namespace okada::products::api
