// Categories (anyone reads, admins add) and products: merchants create, edit and archive their own; anyone reads
// an active product with the stores that sell it.
#include <boost/asio/awaitable.hpp>

#include "api/handlers.hpp"
#include "api/product_input.hpp"
#include "api/views.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// --- categories ---

json::value CategoriesJson(const pg::Result& rows, std::string_view lang) {
  json::array items;
  for (const pg::Row& row : rows) items.push_back(CategoryJson(store::ToCategory(row), lang));
  json::object o;
  o["items"] = std::move(items);
  return o;
}

asio::awaitable<http::Response> ListCategories(StatePtr s, http::Request& req) {
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kCategoryList);
  http::Response res = JsonResponse(CategoriesJson(rows, req.lang()));
  res.Header("Cache-Control", "public, max-age=300");
  co_return res;
}

struct CategoryInput {
  std::string slug;
  std::string name_fr;
  std::string name_en;
  std::optional<std::string> parent;
  std::int64_t position = 0;
};

CategoryInput ParseCategory(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  CategoryInput in;
  in.slug = b.RequiredText("slug", StringRule{2, 60});
  if (!in.slug.empty() && !domain::IsSlug(in.slug)) r.Fail("slug", "INVALID_FORMAT", "a-z, 0-9 and '-'");
  in.name_fr = b.RequiredText("name_fr", StringRule{1, 80});
  in.name_en = b.RequiredText("name_en", StringRule{1, 80});
  std::optional<std::string> parent = b.Text("parent", StringRule{1, 60});
  if (parent) in.parent = domain::Lower(*parent);
  std::optional<std::int64_t> pos = r.OptionalInt("position", 0, 100000);
  if (pos) in.position = *pos;
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

[[noreturn]] void UnknownParent() {
  throw Invalid(std::vector<FieldError>{FieldError{"parent", "NOT_ALLOWED", "no such category (slug or id)"}});
}

asio::awaitable<http::Response> CreateCategory(StatePtr s, http::Request& req) {
  RequireAdmin(req);
  CategoryInput in = ParseCategory(req.body());
  std::optional<std::string> parent_id;
  if (in.parent) {
    pg::Result p = co_await s->db->Execute(req.deadline(), store::kCategoryResolve, *in.parent);
    if (p.empty()) UnknownParent();
    parent_id = p.front().Get<std::string>("id");
  }
  std::string id = crypto::UuidV7();
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kCategoryInsert, id, parent_id, in.slug, in.name_fr,
                                           in.name_en, in.position);
  if (row.empty()) throw Conflict("this slug is taken");
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return Created(CategoryJson(store::ToCategory(row.front()), req.lang()), "/v1/categories");
}

// --- products ---

asio::awaitable<std::optional<std::string>> ResolveCategory(pg::Transaction& tx, std::optional<std::string> c) {
  if (!c) co_return std::nullopt;
  pg::Result r = co_await tx.Execute(store::kCategoryResolve, *c);
  if (r.empty()) UnknownCategory();
  co_return r.front().Get<std::string>("id");
}

asio::awaitable<http::Response> CreateProduct(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string merchant_id = PathId(req, "id");
  domain::ProductInput in = ParseProduct(req.body(), std::nullopt);
  co_await RequireMemberOf(s, c, merchant_id, req.deadline());
  std::string id = crypto::UuidV7();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  std::optional<std::string> category_id = co_await ResolveCategory(tx, in.category);
  pg::Result row = co_await tx.ExecuteParams(store::kProductInsert, ProductParams(id, merchant_id, category_id, in));
  if (row.empty()) throw Conflict("this sku is already used by another product of the merchant");
  std::string payload = events::ProductPayload(id, merchant_id);
  co_await s->outbox->Append(tx, "product.created", payload);
  co_await tx.Commit();
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return Created(ProductJson(store::ToProduct(row.front()), req.lang()), "/v1/products/" + id);
}

json::value ProductWithListings(const store::ProductRow& p, const pg::Result& listings, std::string_view lang) {
  json::object o = ProductJson(p, lang);
  json::array items;
  for (const pg::Row& row : listings) {
    json::object l;
    l["store_id"] = row.Get<std::string>("store_id");
    l["price_xaf"] = row.Get<std::int64_t>("price_xaf");
    l["in_stock"] = row.Get<std::int64_t>("in_stock") > 0;
    json::object loc;
    loc["lat"] = row.Get<double>("lat");
    loc["lon"] = row.Get<double>("lon");
    l["location"] = std::move(loc);
    items.push_back(std::move(l));
  }
  o["listings"] = std::move(items);
  return o;
}

asio::awaitable<http::Response> GetProduct(StatePtr s, http::Request& req) {
  std::string id = PathId(req, "id", ErrorCode::kProductNotFound);
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kProductGet, id);
  if (row.empty()) throw Error(ErrorCode::kProductNotFound);
  store::ProductRow p = store::ToProduct(row.front());
  if (p.status != "active") throw Error(ErrorCode::kProductNotFound);
  pg::Result listings = co_await s->db->Execute(req.deadline(), store::kProductListings, id);
  co_return JsonResponse(ProductWithListings(p, listings, req.lang()));
}

asio::awaitable<http::Response> PatchProduct(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string id = PathId(req, "id", ErrorCode::kProductNotFound);
  std::string merchant_id = co_await MerchantOf(s, c, req.deadline());
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result current = co_await tx.Execute(store::kProductLock, id);
  if (current.empty()) throw Error(ErrorCode::kProductNotFound);
  store::ProductRow before = store::ToProduct(current.front());
  if (before.merchant_id != merchant_id) throw Error(ErrorCode::kProductNotFound);
  std::optional<domain::ProductInput> base = FromRow(before);
  domain::ProductInput in = ParseProduct(req.body(), base);
  std::optional<std::string> category_id = in.category;
  if (in.category != before.category_id) category_id = co_await ResolveCategory(tx, in.category);
  pg::Result row = co_await tx.ExecuteParams(store::kProductUpdate, ProductParams(id, merchant_id, category_id, in));
  if (row.empty()) throw Error(ErrorCode::kProductNotFound);
  std::string payload = events::ProductPayload(id, merchant_id);
  co_await s->outbox->Append(tx, "product.updated", payload);
  co_await tx.Commit();
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return JsonResponse(ProductJson(store::ToProduct(row.front()), req.lang()));
}

asio::awaitable<http::Response> ArchiveProduct(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string id = PathId(req, "id", ErrorCode::kProductNotFound);
  std::string merchant_id = co_await MerchantOf(s, c, req.deadline());
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result current = co_await tx.Execute(store::kProductLock, id);
  if (current.empty()) throw Error(ErrorCode::kProductNotFound);
  store::ProductRow before = store::ToProduct(current.front());
  if (before.merchant_id != merchant_id) throw Error(ErrorCode::kProductNotFound);
  pg::Result row = co_await tx.Execute(store::kProductArchive, id);
  if (before.status != "archived") {
    std::string payload = events::ProductPayload(id, merchant_id);
    co_await s->outbox->Append(tx, "product.archived", payload);
  }
  co_await tx.Commit();
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return JsonResponse(ProductJson(store::ToProduct(row.front()), req.lang()));
}

}  // namespace

void AddCatalogRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/categories",
             http::AsyncHandler([s](http::Request& r) { return ListCategories(s, r); }));
  router.Add(http::Method::kPost, "/v1/admin/categories",
             http::AsyncHandler([s](http::Request& r) { return CreateCategory(s, r); }));
  router.Add(http::Method::kPost, "/v1/merchants/{id}/products",
             http::AsyncHandler([s](http::Request& r) { return CreateProduct(s, r); }));
  router.Add(http::Method::kGet, "/v1/products/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetProduct(s, r); }));
  router.Add(http::Method::kPatch, "/v1/products/{id}",
             http::AsyncHandler([s](http::Request& r) { return PatchProduct(s, r); }));
  router.Add(http::Method::kPost, "/v1/products/{id}/archive",
             http::AsyncHandler([s](http::Request& r) { return ArchiveProduct(s, r); }));
}

}  // namespace okada::products::api
