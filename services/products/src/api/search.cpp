// GET /v1/products: public search over listings (product × store). Full text in French and English on unaccented
// text OR trigram word similarity (typos), filters, sorts, offset cursors (capped), a Redis read-through cache
// invalidated by one INCR, and a strong ETag.
#include <boost/asio/awaitable.hpp>
#include <charconv>
#include <cmath>

#include "api/handlers.hpp"
#include "domain/rules.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/pg/migrations.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct SearchQuery {
  std::optional<std::string> q;
  std::optional<std::string> category;
  std::optional<std::string> store;
  std::optional<std::int64_t> min_price;
  std::optional<std::int64_t> max_price;
  std::optional<double> lat;
  std::optional<double> lon;
  int radius_m = domain::kDefaultRadiusM;
  std::string sort = "relevance";
  int limit = paging::kDefaultLimit;
  int offset = 0;
};

SearchQuery ParseSearch(const http::Request& req) {
  std::vector<FieldError> errors;
  SearchQuery out;
  if (auto q = req.query_param("q")) {
    if (!domain::IsValidUtf8(*q) || domain::HasControlChars(*q)) {
      errors.push_back(FieldError{"q", "INVALID_FORMAT", "text without control characters"});
    } else if (domain::CodePoints(*q) > domain::kMaxQueryLength) {
      errors.push_back(FieldError{"q", "TOO_LONG", "at most 100 characters"});
    } else {
      out.q = domain::NormaliseQuery(*q);
    }
  }
  if (auto c = req.query_param("category"); c && !c->empty()) {
    std::string lower = domain::Lower(*c);
    if (domain::IsSlug(lower) || domain::IsUuid(lower))
      out.category = lower;
    else
      errors.push_back(FieldError{"category", "INVALID_FORMAT", "a category slug or id"});
  }
  if (auto st = req.query_param("store"); st && !st->empty()) {
    if (domain::IsUuid(*st))
      out.store = domain::Lower(*st);
    else
      errors.push_back(FieldError{"store", "INVALID_FORMAT", "a store id"});
  }
  auto price = [&](const char* name) -> std::optional<std::int64_t> {
    auto v = req.query_param(name);
    if (!v || v->empty()) return std::nullopt;
    auto n = ParseInt64(*v);
    if (!n || *n < 0 || *n > domain::kMaxPriceXaf) {
      errors.push_back(FieldError{name, "OUT_OF_RANGE", "an integer amount in XAF, 0..100000000"});
      return std::nullopt;
    }
    return n;
  };
  out.min_price = price("min_price");
  out.max_price = price("max_price");
  if (auto near = req.query_param("near"); near && !near->empty()) {
    auto comma = near->find(',');
    std::optional<double> lat, lon;
    if (comma != std::string::npos) {
      lat = ParseDouble(std::string_view(*near).substr(0, comma));
      lon = ParseDouble(std::string_view(*near).substr(comma + 1));
    }
    if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
      errors.push_back(FieldError{"near", "INVALID_FORMAT", "lat,lon in decimal degrees"});
    } else {
      out.lat = lat;
      out.lon = lon;
    }
  }
  if (auto r = req.query_param("radius_m"); r && !r->empty()) {
    auto n = ParseInt64(*r);
    if (!n || *n < 1 || *n > domain::kMaxRadiusM)
      errors.push_back(FieldError{"radius_m", "OUT_OF_RANGE", "1..20000"});
    else
      out.radius_m = static_cast<int>(*n);
  }
  if (auto sort = req.query_param("sort"); sort && !sort->empty()) {
    if (*sort != "relevance" && *sort != "popularity" && *sort != "distance" && *sort != "price_asc" &&
        *sort != "price_desc") {
      errors.push_back(
          FieldError{"sort", "NOT_ALLOWED", "one of: relevance, popularity, distance, price_asc, price_desc"});
    } else if (*sort == "distance" && !out.lat) {
      errors.push_back(FieldError{"sort", "NOT_ALLOWED", "distance needs near=lat,lon"});
    } else {
      out.sort = *sort;
    }
  }
  std::optional<std::string> limit = req.query_param("limit");
  std::optional<int> parsed = paging::ParseLimit(limit ? std::optional<std::string_view>(*limit) : std::nullopt);
  if (parsed)
    out.limit = *parsed;
  else
    errors.push_back(FieldError{"limit", "INVALID_TYPE", "an integer; values outside 1..100 are clamped"});
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    std::optional<int> offset = domain::DecodeOffsetCursor(*cursor);
    if (offset)
      out.offset = *offset;
    else
      errors.push_back(FieldError{"cursor", "INVALID_FORMAT", "use next_cursor of the previous page"});
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  return out;
}

/// The cache key: every parameter that changes the answer, normalised, hashed.
std::string CacheKey(const SearchQuery& q, std::string_view lang) {
  auto opt = [](const auto& v) {
    if (!v) return std::string("-");
    if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>)
      return *v;
    else
      return std::to_string(*v);
  };
  std::string canonical = "v1|" + std::string(lang) + "|q=" + opt(q.q) + "|c=" + opt(q.category) +
                          "|s=" + opt(q.store) + "|min=" + opt(q.min_price) + "|max=" + opt(q.max_price) +
                          "|lat=" + opt(q.lat) + "|lon=" + opt(q.lon) + "|r=" + std::to_string(q.radius_m) +
                          "|sort=" + q.sort + "|l=" + std::to_string(q.limit) + "|o=" + std::to_string(q.offset);
  return pg::Sha256Hex(canonical);
}

std::vector<pg::Param> SearchParams(const SearchQuery& q) {
  std::vector<pg::Param> p;
  p.push_back(q.q);
  p.push_back(q.category);
  p.push_back(q.store);
  p.push_back(pg::ToParam(q.min_price));
  p.push_back(pg::ToParam(q.max_price));
  p.push_back(q.lat ? pg::ToParam(*q.lat) : pg::Param(std::nullopt));
  p.push_back(q.lon ? pg::ToParam(*q.lon) : pg::Param(std::nullopt));
  p.push_back(std::to_string(q.radius_m));
  p.push_back(q.sort);
  p.push_back(std::to_string(q.limit + 1));
  p.push_back(std::to_string(q.offset));
  return p;
}

std::string SearchJson(const pg::Result& rows, const SearchQuery& q, std::string_view lang) {
  json::array items;
  for (const pg::Row& row : rows) {
    if (items.size() == static_cast<std::size_t>(q.limit)) break;
    std::string name_fr = row.Get<std::string>("name_fr");
    std::optional<std::string> name_en = row.Get<std::optional<std::string>>("name_en");
    json::object o;
    o["product_id"] = row.Get<std::string>("product_id");
    o["store_id"] = row.Get<std::string>("store_id");
    o["sku"] = row.Get<std::string>("sku");
    o["name"] = NameIn(lang, name_fr, name_en);
    o["name_fr"] = name_fr;
    o["name_en"] = name_en ? json::value(*name_en) : json::value(nullptr);
    o["unit"] = row.Get<std::string>("unit");
    std::optional<std::string> category = row.Get<std::optional<std::string>>("category");
    o["category"] = category ? json::value(*category) : json::value(nullptr);
    std::optional<std::string> image = row.Get<std::optional<std::string>>("image_url");
    o["image_url"] = image ? json::value(*image) : json::value(nullptr);
    o["price_xaf"] = row.Get<std::int64_t>("price_xaf");
    o["in_stock"] = row.Get<std::int64_t>("in_stock") > 0;
    std::optional<double> dist = row.Get<std::optional<double>>("distance_m");
    o["distance_m"] = dist ? json::value(static_cast<std::int64_t>(std::llround(*dist))) : json::value(nullptr);
    items.push_back(std::move(o));
  }
  json::object out;
  int next = q.offset + q.limit;
  bool more = rows.size() > q.limit && next <= domain::kMaxOffset;
  out["items"] = std::move(items);
  out["next_cursor"] = more ? json::value(domain::EncodeOffsetCursor(next)) : json::value(nullptr);
  return json::serialize(out);
}

bool Matches(std::string_view if_none_match, std::string_view etag) {
  // A list of entity tags, or "*"; weak comparison is allowed for If-None-Match (RFC 9110 §13.1.2).
  if (if_none_match.find('*') != std::string_view::npos) return true;
  return if_none_match.find(etag) != std::string_view::npos;
}

http::Response Answer(std::string body, const http::Request& req, bool hit) {
  std::string etag = "\"" + pg::Sha256Hex(body).substr(0, 32) + "\"";
  std::optional<std::string_view> inm = req.header("If-None-Match");
  http::Response res;
  if (inm && Matches(*inm, etag)) {
    res.status = 304;
    res.content_type.clear();
  } else {
    res = http::Response::Json(std::move(body));
  }
  res.Header("ETag", etag);
  res.Header("Cache-Control", "public, max-age=30");
  res.Header("Vary", "Accept-Language");
  res.Header("X-Cache", hit ? "hit" : "miss");
  return res;
}

asio::awaitable<http::Response> Search(StatePtr s, http::Request& req) {
  SearchQuery q = ParseSearch(req);
  std::string key = CacheKey(q, req.lang());
  store::CacheProbe probe = co_await store::SearchCacheGet(s->redis, key, req.deadline());
  if (probe.body) co_return Answer(std::move(*probe.body), req, true);
  pg::Result rows = co_await s->db->Local().ExecuteParams(req.deadline(), store::kSearch, SearchParams(q));
  std::string body = SearchJson(rows, q, req.lang());
  if (probe.key) co_await store::SearchCachePut(s->redis, *probe.key, body, s->search_cache_ttl, req.deadline());
  co_return Answer(std::move(body), req, false);
}

}  // namespace

void AddSearchRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/products", http::AsyncHandler([s](http::Request& r) { return Search(s, r); }));
}

}  // namespace okada::products::api
