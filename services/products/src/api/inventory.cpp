// Listings and stock of a store: members of the store's merchant set prices and adjust stock (audited, stock.low
// on the way down); support and admin read. Stock changes other than orders go through adjustments only.
#include <boost/asio/awaitable.hpp>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct ListingInput {
  std::int64_t price_xaf = 0;
  std::optional<bool> available;
  std::optional<std::int64_t> low_stock_threshold;
  std::optional<std::int64_t> on_hand;
};

ListingInput ParseListing(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  ListingInput in;
  in.price_xaf = r.Int("price_xaf", 1, domain::kMaxPriceXaf);
  in.available = r.OptionalBool("available");
  in.low_stock_threshold = r.OptionalInt("low_stock_threshold", 0, domain::kMaxStock);
  in.on_hand = r.OptionalInt("on_hand", 0, domain::kMaxStock);
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

struct AdjustInput {
  std::int64_t delta = 0;
  std::string reason;
  std::optional<std::string> note;
};

AdjustInput ParseAdjust(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  AdjustInput in;
  in.delta = r.Int("delta", -domain::kMaxStock, domain::kMaxStock);
  if (in.delta == 0 && r.errors().empty()) r.Fail("delta", "OUT_OF_RANGE", "not zero");
  in.reason = r.Enum("reason", {"restock", "damaged", "expired", "count_correction", "theft", "other"});
  in.note = b.Text("note", StringRule{0, 500}, true);
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

[[noreturn]] void NotYourProduct() { throw Error(ErrorCode::kProductNotFound); }

asio::awaitable<http::Response> PutListing(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string store_id = PathId(req, "id");
  std::string product_id = PathId(req, "product_id", ErrorCode::kProductNotFound);
  ListingInput in = ParseListing(req.body());
  StoreRef st = co_await StoreForCaller(s, c, store_id, true, req.deadline());
  pg::Result prod = co_await s->db->Execute(req.deadline(), store::kProductGet, product_id);
  if (prod.empty()) NotYourProduct();
  store::ProductRow p = store::ToProduct(prod.front());
  if (p.merchant_id != st.merchant_id) NotYourProduct();
  if (p.status != "active") throw Error(ErrorCode::kProductUnavailable, "the product is archived");
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result row = co_await tx.Execute(store::kListingUpsert, store_id, product_id, st.merchant_id, in.price_xaf,
                                       in.available, in.low_stock_threshold, in.on_hand);
  store::ListingRow l = store::ToListing(row.front());
  bool created = row.front().Get<bool>("created");
  if (!created && in.on_hand && *in.on_hand != l.on_hand)
    throw Conflict("the stock of an existing listing changes through adjustments");
  if (created && l.on_hand > 0) {
    // The opening stock is the first line of the audit trail.
    std::string adj_id = crypto::UuidV7();
    std::string reason = "restock";
    std::string note = "opening stock";
    co_await tx.Execute(store::kAdjustmentInsert, adj_id, store_id, product_id, l.on_hand, reason, note, c.id,
                        l.on_hand);
  }
  std::string payload = events::ListingPayload(store_id, product_id, st.merchant_id, l.price_xaf, l.available);
  co_await s->outbox->Append(tx, "listing.updated", payload);
  co_await tx.Commit();
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return JsonResponse(ListingJson(l), created ? 201 : 200);
}

json::value AdjustedJson(const pg::Row& adjustment, std::int64_t in_stock, bool low) {
  json::object o = AdjustmentJson(adjustment);
  o["in_stock"] = in_stock;
  o["low_stock"] = low;
  return o;
}

asio::awaitable<http::Response> Adjust(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string store_id = PathId(req, "id");
  std::string product_id = PathId(req, "product_id", ErrorCode::kProductNotFound);
  AdjustInput in = ParseAdjust(req.body());
  co_await StoreForCaller(s, c, store_id, false, req.deadline());
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result r = co_await tx.Execute(store::kAdjust, store_id, product_id, in.delta);
  if (r.empty()) {
    pg::Result exists = co_await tx.Execute(store::kListingExists, store_id, product_id);
    if (exists.empty()) NotYourProduct();
    throw Error(ErrorCode::kStockBelowReserved,
                "the stock cannot go below what is reserved for orders; try a smaller decrease");
  }
  std::int64_t on_hand = r.front().Get<std::int64_t>("on_hand");
  std::int64_t reserved = r.front().Get<std::int64_t>("reserved");
  std::int64_t threshold = r.front().Get<std::int64_t>("low_stock_threshold");
  std::string merchant_id = r.front().Get<std::string>("merchant_id");
  std::int64_t after = on_hand - reserved;
  std::int64_t before = after - in.delta;
  std::string id = crypto::UuidV7();
  pg::Result adj = co_await tx.Execute(store::kAdjustmentInsert, id, store_id, product_id, in.delta, in.reason, in.note,
                                       c.id, on_hand);
  if (domain::CrossesLowStock(before, after, threshold)) {
    std::string payload = events::StockLowPayload(store_id, product_id, merchant_id, after, threshold);
    co_await s->outbox->Append(tx, "stock.low", payload);
  }
  co_await tx.Commit();
  co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  co_return JsonResponse(AdjustedJson(adj.front(), after, after <= threshold), 201);
}

json::value InventoryPage(const pg::Result& rows, int limit, std::string_view lang) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    store::ListingRow l = store::ToListing(row);
    json::object o = ListingJson(l);
    std::string name_fr = row.Get<std::string>("name_fr");
    std::optional<std::string> name_en = row.Get<std::optional<std::string>>("name_en");
    o["sku"] = row.Get<std::string>("sku");
    o["name"] = NameIn(lang, name_fr, name_en);
    o["unit"] = row.Get<std::string>("unit");
    o["product_status"] = row.Get<std::string>("status");
    ids.push_back(l.product_id);
    items.push_back(std::move(o));
  }
  return PageJson(std::move(items), ids, limit);
}

asio::awaitable<http::Response> Inventory(StatePtr s, http::Request& req) {
  Caller c = RequireMerchantOrSupport(req);
  std::string store_id = PathId(req, "id");
  ListQuery q = ParseListQuery(req);
  co_await StoreForCaller(s, c, store_id, false, req.deadline());
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kInventory, store_id, q.after, q.limit + 1);
  co_return JsonResponse(InventoryPage(rows, q.limit, req.lang()));
}

json::value AdjustmentPage(const pg::Result& rows, int limit) {
  json::array items;
  std::vector<std::string> ids;
  for (const pg::Row& row : rows) {
    ids.push_back(row.Get<std::string>("id"));
    items.push_back(AdjustmentJson(row));
  }
  return PageJson(std::move(items), ids, limit);
}

asio::awaitable<http::Response> Adjustments(StatePtr s, http::Request& req) {
  Caller c = RequireMerchantOrSupport(req);
  std::string store_id = PathId(req, "id");
  ListQuery q = ParseListQuery(req);
  co_await StoreForCaller(s, c, store_id, false, req.deadline());
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kAdjustmentList, store_id, q.after, q.limit + 1);
  co_return JsonResponse(AdjustmentPage(rows, q.limit));
}

}  // namespace

void AddInventoryRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/stores/{id}/inventory",
             http::AsyncHandler([s](http::Request& r) { return Inventory(s, r); }));
  router.Add(http::Method::kPut, "/v1/stores/{id}/listings/{product_id}",
             http::AsyncHandler([s](http::Request& r) { return PutListing(s, r); }));
  router.Add(http::Method::kPost, "/v1/stores/{id}/listings/{product_id}/adjustments",
             http::AsyncHandler([s](http::Request& r) { return Adjust(s, r); }));
  router.Add(http::Method::kGet, "/v1/stores/{id}/adjustments",
             http::AsyncHandler([s](http::Request& r) { return Adjustments(s, r); }));
}

}  // namespace okada::products::api
