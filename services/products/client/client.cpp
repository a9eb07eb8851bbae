#include "okada/products/client.hpp"

#include <boost/json.hpp>

#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/service_call.hpp"

namespace okada::products {

namespace json = boost::json;

namespace {

http::ClientRequest Post(const std::string& token, std::string url, std::string body, Deadline deadline) {
  return http::ServiceRequest(http::Method::kPost, std::move(url), token, std::move(body), deadline);
}

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t Int(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

// Only the catalogue's own refusals reach the customer; anything else is the platform's fault (502/503).
json::object Answer(const http::ClientResponse& res, std::string_view what) {
  return http::ServiceAnswer(res, "products_client", "the catalog", what,
                             {"OUT_OF_STOCK", "PRODUCT_UNAVAILABLE", "PRODUCT_NOT_FOUND", "VALIDATION_FAILED",
                              "RESERVATION_NOT_FOUND", "NOT_FOUND"});
}

std::vector<PricedLine> LinesOf(const json::object& o) {
  std::vector<PricedLine> out;
  const json::value* lines = o.if_contains("lines");
  if (lines == nullptr || !lines->is_array()) return out;
  for (const json::value& l : lines->get_array()) {
    if (!l.is_object()) continue;
    const json::object& lo = l.get_object();
    PricedLine p;
    p.product_id = Str(lo, "product_id");
    p.qty = static_cast<int>(Int(lo, "qty"));
    p.unit_price_xaf = Int(lo, "unit_price_xaf");
    p.name_fr = Str(lo, "name_fr");
    p.name_en = Str(lo, "name_en");
    const json::value* a = lo.if_contains("available");
    p.available = a == nullptr || (a->is_bool() && a->get_bool());
    p.in_stock = Int(lo, "in_stock");
    out.push_back(std::move(p));
  }
  return out;
}

json::array LinesJson(const std::vector<Line>& lines) {
  json::array a;
  for (const Line& l : lines) {
    json::object o;
    o["product_id"] = l.product_id;
    o["qty"] = l.qty;
    a.push_back(std::move(o));
  }
  return a;
}

Reservation ReservationOf(const json::object& o) {
  Reservation r;
  r.order_id = Str(o, "order_id");
  r.status = Str(o, "status");
  r.lines = LinesOf(o);
  return r;
}

std::string QuoteBody(const std::string& store_id, const std::vector<Line>& lines) {
  json::object o;
  o["store_id"] = store_id;
  o["lines"] = LinesJson(lines);
  return json::serialize(o);
}

std::string ReserveBody(const std::string& order_id, const std::string& store_id, const std::vector<Line>& lines,
                        std::chrono::seconds ttl, bool commit) {
  json::object o;
  o["order_id"] = order_id;
  o["store_id"] = store_id;
  o["lines"] = LinesJson(lines);
  o["ttl_s"] = ttl.count();
  o["commit"] = commit;
  return json::serialize(o);
}

}  // namespace

Client::Client(ServiceTransport* transport, std::string service_token)
    : transport_(transport), token_(std::move(service_token)) {}

boost::asio::awaitable<std::vector<PricedLine>> Client::Quote(Deadline deadline, std::string store_id,
                                                              std::vector<Line> lines) const {
  if (transport_ == nullptr) throw Unavailable("the catalog is not reachable from this process");
  http::ClientRequest req = Post(token_, "/internal/v1/listings/quote", QuoteBody(store_id, lines), deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  json::object o = Answer(res, "quote");
  co_return LinesOf(o);
}

boost::asio::awaitable<Reservation> Client::Reserve(Deadline deadline, std::string order_id, std::string store_id,
                                                    std::vector<Line> lines, std::chrono::seconds ttl,
                                                    bool commit) const {
  if (transport_ == nullptr) throw Unavailable("the catalog is not reachable from this process");
  http::ClientRequest req =
      Post(token_, "/internal/v1/reservations", ReserveBody(order_id, store_id, lines, ttl, commit), deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  json::object o = Answer(res, "reserve");
  co_return ReservationOf(o);
}

boost::asio::awaitable<Reservation> Client::Commit(Deadline deadline, std::string order_id) const {
  if (transport_ == nullptr) throw Unavailable("the catalog is not reachable from this process");
  http::ClientRequest req = Post(token_, "/internal/v1/reservations/" + order_id + "/commit", "{}", deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  json::object o = Answer(res, "commit");
  co_return ReservationOf(o);
}

boost::asio::awaitable<Reservation> Client::Release(Deadline deadline, std::string order_id) const {
  if (transport_ == nullptr) throw Unavailable("the catalog is not reachable from this process");
  http::ClientRequest req = Post(token_, "/internal/v1/reservations/" + order_id + "/release", "{}", deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  json::object o = Answer(res, "release");
  co_return ReservationOf(o);
}

}  // namespace okada::products
