// Server-side carts: one per customer and store. Lines hold product and quantity; prices and stock are quoted
// from products each time the cart is shown (the price charged is the one reserved at checkout).
#include <boost/asio/awaitable.hpp>

#include "api/api.hpp"
#include "api/views.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/json_reader.hpp"
#include "store/statements.hpp"

namespace okada::orders::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr int kMaxLines = 50;

std::string Customer(const http::Request& req) {
  if (!req.principal() || req.principal()->role != "customer") throw Forbidden("carts belong to customers");
  return req.principal()->subject;
}

std::string PathUuid(const http::Request& req, std::string_view name, ErrorCode not_found) {
  std::string v(req.path_param(name));
  if (!paging::IsUuid(v)) throw Error(not_found);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}

json::object CartJson(const std::string& store_id, const std::vector<products::PricedLine>& quoted,
                      const pg::Result& rows, std::string_view lang) {
  json::array lines;
  std::int64_t total = 0;
  bool all_available = true;
  for (const pg::Row& r : rows) {
    std::string product_id = r.Get<std::string>(0);
    int qty = r.Get<int>(1);
    json::object l;
    l["product_id"] = product_id;
    l["qty"] = qty;
    const products::PricedLine* q = nullptr;
    for (const auto& p : quoted)
      if (p.product_id == product_id) q = &p;
    bool available = q != nullptr && q->available && q->in_stock >= qty;
    all_available = all_available && available;
    if (q != nullptr) {
      l["name"] = lang == "en" ? q->name_en : q->name_fr;
      l["unit_price_xaf"] = q->unit_price_xaf;
      l["line_total_xaf"] = q->unit_price_xaf * qty;
      l["in_stock"] = q->in_stock;
      if (q->available) total += q->unit_price_xaf * qty;
    }
    l["available"] = available;
    lines.push_back(std::move(l));
  }
  json::object c;
  c["store_id"] = store_id;
  c["lines"] = std::move(lines);
  c["items_xaf"] = total;
  c["currency"] = "XAF";
  c["ready_for_checkout"] = all_available && !rows.empty();
  return c;
}

std::vector<products::Line> LinesOf(const pg::Result& rows) {
  std::vector<products::Line> lines;
  for (const pg::Row& r : rows) lines.push_back(products::Line{r.Get<std::string>(0), r.Get<int>(1)});
  return lines;
}

asio::awaitable<http::Response> Show(StatePtr s, std::string customer, std::string store_id, std::string lang,
                                     Deadline d) {
  pg::Result rows = co_await s->db->Execute(d, store::kCartLines, customer, store_id);
  std::vector<products::PricedLine> quoted;
  if (!rows.empty()) quoted = co_await s->products->Quote(d, store_id, LinesOf(rows));
  co_return JsonAnswer(CartJson(store_id, quoted, rows, lang), 200);
}

asio::awaitable<http::Response> Get(StatePtr s, http::Request& req) {
  std::string customer = Customer(req);
  std::string store_id = PathUuid(req, "store_id", ErrorCode::kStoreNotFound);
  co_return co_await Show(s, customer, store_id, std::string(req.lang()), req.deadline());
}

Error CartFull() {
  Error e(ErrorCode::kValidationFailed, "a cart holds at most 50 different products");
  e.WithField({"product_id", "TOO_MANY", "cart is full"});
  return e;
}

int ParseQty(const std::string& body) {
  JsonReader r(body);
  int qty = static_cast<int>(r.Int("qty", 0, 99));
  r.RejectUnknownFields();
  r.Finish();
  return qty;
}

asio::awaitable<http::Response> PutLine(StatePtr s, http::Request& req) {
  std::string customer = Customer(req);
  std::string store_id = PathUuid(req, "store_id", ErrorCode::kStoreNotFound);
  std::string product_id = PathUuid(req, "product_id", ErrorCode::kProductNotFound);
  int qty = ParseQty(req.body());
  if (qty == 0) {
    co_await s->db->Execute(req.deadline(), store::kCartRemove, customer, store_id, product_id);
    co_return co_await Show(s, customer, store_id, std::string(req.lang()), req.deadline());
  }
  std::vector<products::Line> one;
  one.push_back(products::Line{product_id, qty});
  std::vector<products::PricedLine> q = co_await s->products->Quote(req.deadline(), store_id, one);
  if (q.empty() || !q.front().available)
    throw Error(ErrorCode::kProductUnavailable, "this product is not sold in this store right now");
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  co_await tx.Execute(store::kCartLock, customer, store_id);
  pg::Result upserted = co_await tx.Execute(store::kCartUpsert, customer, store_id, product_id, qty);
  if (upserted.empty()) throw CartFull();
  co_await tx.Commit();
  json::object line;
  line["store_id"] = store_id;
  line["product_id"] = product_id;
  line["qty"] = qty;
  line["name"] = req.lang() == "en" ? q.front().name_en : q.front().name_fr;
  line["unit_price_xaf"] = q.front().unit_price_xaf;
  line["line_total_xaf"] = q.front().unit_price_xaf * qty;
  line["in_stock"] = q.front().in_stock;
  co_return JsonAnswer(line, 200);
}

asio::awaitable<http::Response> Clear(StatePtr s, http::Request& req) {
  std::string customer = Customer(req);
  std::string store_id = PathUuid(req, "store_id", ErrorCode::kStoreNotFound);
  co_await s->db->Execute(req.deadline(), store::kCartClear, customer, store_id);
  co_return http::Response::NoContent();
}

}  // namespace

void AddCartRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/carts/{store_id}",
             http::AsyncHandler([s](http::Request& r) { return Get(s, r); }));
  router.Add(http::Method::kPut, "/v1/carts/{store_id}/lines/{product_id}",
             http::AsyncHandler([s](http::Request& r) { return PutLine(s, r); }));
  router.Add(http::Method::kDelete, "/v1/carts/{store_id}",
             http::AsyncHandler([s](http::Request& r) { return Clear(s, r); }));
}

}  // namespace okada::orders::api
