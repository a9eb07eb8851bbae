#include "okada/orders/client.hpp"

#include <boost/json.hpp>

#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/service_call.hpp"

namespace okada::orders {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::string> OptStr(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

std::int64_t Int(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

OrderInfo InfoOf(const json::object& o) {
  OrderInfo i;
  i.id = Str(o, "id");
  i.status = Str(o, "status");
  i.store_id = Str(o, "store_id");
  i.merchant_id = Str(o, "merchant_id");
  i.customer_id = Str(o, "customer_id");
  i.rider_id = OptStr(o, "rider_id");
  i.payment_method = Str(o, "payment_method");
  i.items_xaf = Int(o, "items_xaf");
  i.delivery_fee_xaf = Int(o, "delivery_fee_xaf");
  i.total_xaf = Int(o, "total_xaf");
  i.payment_due_at = OptStr(o, "payment_due_at");
  if (const json::value* d = o.if_contains("delivery"); d && d->is_object()) {
    const json::value* loc = d->get_object().if_contains("location");
    if (loc && loc->is_object()) {
      const json::value* lat = loc->get_object().if_contains("lat");
      const json::value* lon = loc->get_object().if_contains("lon");
      if (lat && lon && lat->is_number() && lon->is_number())
        i.dropoff = Point{lat->to_number<double>(), lon->to_number<double>()};
    }
    i.landmark = OptStr(d->get_object(), "landmark");
  }
  const json::value* paid = o.if_contains("paid");
  i.paid = paid && paid->is_bool() && paid->get_bool();
  return i;
}

json::object Answer(const http::ClientResponse& res, std::string_view call) {
  return http::ServiceAnswer(res, "orders_client", "the orders service", call,
                             {"ORDER_NOT_FOUND", "INVALID_TRANSITION", "TRANSITION_FORBIDDEN"});
}

std::string MoveBody(const std::string& status, const std::string& reason) {
  json::object o;
  o["status"] = status;
  if (!reason.empty()) o["reason"] = reason;
  return json::serialize(o);
}

}  // namespace

std::string PublicId(std::string_view uuid) {
  std::string out = "ord_";
  for (char c : uuid)
    if (c != '-') out += c;
  return out;
}

std::optional<std::string> UuidOf(std::string_view public_id) {
  if (public_id.size() != 36 || public_id.substr(0, 4) != "ord_") return std::nullopt;
  std::string hex(public_id.substr(4));
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

Client::Client(ServiceTransport* transport, std::string service_token)
    : transport_(transport), token_(std::move(service_token)) {}

boost::asio::awaitable<OrderInfo> Client::Get(Deadline deadline, std::string order_id) const {
  if (transport_ == nullptr) throw Unavailable("the orders service is not reachable from this process");
  http::ClientRequest req =
      http::ServiceRequest(http::Method::kGet, "/internal/v1/orders/" + order_id, token_, {}, deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  co_return InfoOf(Answer(res, "get"));
}

boost::asio::awaitable<OrderInfo> Client::Move(Deadline deadline, std::string order_id, std::string status,
                                               std::string reason) const {
  if (transport_ == nullptr) throw Unavailable("the orders service is not reachable from this process");
  http::ClientRequest req = http::ServiceRequest(http::Method::kPost, "/internal/v1/orders/" + order_id + "/status",
                                                 token_, MoveBody(status, reason), deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  co_return InfoOf(Answer(res, "move"));
}

boost::asio::awaitable<OrderInfo> Client::SetRider(Deadline deadline, std::string order_id,
                                                   std::string rider_id) const {
  if (transport_ == nullptr) throw Unavailable("the orders service is not reachable from this process");
  json::object body;
  body["rider_id"] = rider_id;
  http::ClientRequest req = http::ServiceRequest(http::Method::kPut, "/internal/v1/orders/" + order_id + "/rider",
                                                 token_, json::serialize(body), deadline);
  http::ClientResponse res = co_await transport_->Call(std::move(req));
  co_return InfoOf(Answer(res, "set_rider"));
}

}  // namespace okada::orders
