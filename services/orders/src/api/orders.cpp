// Orders: reads (list, one with lines and timeline) and transitions, public and internal, plus the shared
// Move/SettleStock operations the jobs use.
#include <boost/asio/awaitable.hpp>

#include "api/api.hpp"
#include "api/views.hpp"
#include "events/events.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::orders {

namespace asio = boost::asio;
namespace json = boost::json;

OrderRow ToOrder(const pg::Row& row) {
  OrderRow o;
  o.id = row.Get<std::string>("id");
  o.public_id = row.Get<std::string>("public_id");
  o.customer_id = row.Get<std::string>("customer_id");
  o.store_id = row.Get<std::string>("store_id");
  o.merchant_id = row.Get<std::string>("merchant_id");
  o.rider_id = row.Get<std::optional<std::string>>("rider_id");
  o.status = row.Get<std::string>("status");
  o.payment_method = row.Get<std::string>("payment_method");
  o.stock = row.Get<std::string>("stock");
  o.items_xaf = row.Get<std::int64_t>("items_xaf");
  o.delivery_fee_xaf = row.Get<std::int64_t>("delivery_fee_xaf");
  o.total_xaf = row.Get<std::int64_t>("total_xaf");
  o.distance_m = row.Get<int>("distance_m");
  o.zone = row.Get<std::string>("zone");
  o.delivery_enc = row.Get<std::string>("delivery_enc");
  o.paid = row.Get<std::optional<bool>>("paid").value_or(false);
  o.created_at = row.Get<std::string>("created_at");
  o.updated_at = row.Get<std::string>("updated_at");
  o.payment_due_at = row.Get<std::optional<std::string>>("payment_due_at");
  return o;
}

asio::awaitable<std::optional<OrderRow>> LoadOrder(pg::Database& db, Deadline deadline, std::string id) {
  pg::Result r = co_await db.Execute(deadline, store::kOrderGet, id);
  if (r.empty()) co_return std::nullopt;
  co_return ToOrder(r.front());
}

events::OrderFacts FactsOf(const OrderRow& o) {
  events::OrderFacts f;
  f.order_id = o.public_id;
  f.store_id = o.store_id;
  f.merchant_id = o.merchant_id;
  f.customer_id = o.customer_id;
  f.status = o.status;
  f.payment_method = o.payment_method;
  f.total_xaf = o.total_xaf;
  f.items_xaf = o.items_xaf;
  f.delivery_fee_xaf = o.delivery_fee_xaf;
  f.zone = o.zone;
  return f;
}

namespace {

void LogCommitUnexpected(const std::string& order_id, const std::string& status) {
  log::Warn("orders.commit_unexpected", {{"order", order_id}, {"status", status}});
}

}  // namespace

asio::awaitable<void> SettleStock(StatePtr s, std::string order_id, std::string status, std::string stock,
                                  Deadline deadline) {
  bool cancelled = status == "cancelled" || status == "rejected" || status == "payment_failed" || status == "expired";
  if (cancelled && stock != "released") {
    co_await s->products->Release(deadline, order_id);
    std::string released = "released";
    co_await s->db->Execute(deadline, store::kOrderStock, order_id, released, status);
  } else if (!cancelled && stock == "held" && status != "pending_payment" && status != "refunded") {
    products::Reservation r = co_await s->products->Commit(deadline, order_id);
    if (r.status != "committed") {
      LogCommitUnexpected(order_id, r.status);
      co_return;
    }
    std::string committed = "committed";
    co_await s->db->Execute(deadline, store::kOrderStock, order_id, committed, status);
  }
}

asio::awaitable<OrderRow> Move(StatePtr s, OrderRow order, std::string to, Who who, std::optional<std::string> reason,
                               Deadline deadline) {
  domain::Transition t = domain::Decide(order.status, to, who.actor, reason.has_value(), order.paid);
  std::string from = order.status;
  {
    pg::Transaction tx = co_await s->db->Begin(deadline);
    pg::Result moved = co_await tx.Execute(store::kOrderMove, order.id, from, to);
    if (moved.empty())
      throw Error(ErrorCode::kInvalidTransition, "the order changed meanwhile; reload it and try again");
    co_await tx.Execute(store::kTimelineInsert, order.id, from, to, who.id, who.role, reason);
    order.status = to;
    if (!t.event.empty()) {
      std::string payload = events::Moved(FactsOf(order), from, who.role, reason.value_or(""));
      co_await s->outbox->Append(tx, std::string(t.event), payload);
    }
    co_await tx.Commit();
  }
  if (t.stock != domain::StockEffect::kNone) {
    // The status change is durable; the stock step is retried by the settle job if this call fails.
    std::string failure;
    try {
      co_await SettleStock(s, order.id, order.status, order.stock, deadline);
      order.stock = t.stock == domain::StockEffect::kCommit ? "committed" : "released";
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::Warn("orders.stock_step_deferred", {{"order", order.id}, {"error", failure}});
  }
  std::optional<OrderRow> now = co_await LoadOrder(*s->db, deadline, order.id);
  if (!now) throw Error(ErrorCode::kOrderNotFound);
  co_return *now;
}

namespace api {

namespace {

struct Caller {
  std::string id;
  std::string role;
};

Caller RequireCaller(const http::Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  return Caller{req.principal()->subject, req.principal()->role};
}

bool IsMerchantRole(std::string_view role) { return role == "merchant_owner" || role == "merchant_staff"; }

// How the caller relates to the order (kStranger when not at all).
asio::awaitable<domain::Actor> RelationOf(StatePtr s, Caller c, const OrderRow& o, Deadline d) {
  if (c.role == "admin") co_return domain::Actor::kAdmin;
  if (c.role == "support") co_return domain::Actor::kSupport;
  if (c.role == "customer") co_return c.id == o.customer_id ? domain::Actor::kCustomer : domain::Actor::kStranger;
  if (c.role == "rider") co_return o.rider_id&&* o.rider_id == c.id ? domain::Actor::kRider : domain::Actor::kStranger;
  if (IsMerchantRole(c.role)) {
    std::optional<users::Membership> m = co_await s->users->MemberOf(d, c.id);
    co_return m && m->merchant_id == o.merchant_id ? domain::Actor::kMerchant : domain::Actor::kStranger;
  }
  co_return domain::Actor::kStranger;
}

std::string PathOrder(const http::Request& req) {
  std::optional<std::string> id = UuidOf(req.path_param("id"));
  if (!id) throw Error(ErrorCode::kOrderNotFound, "order ids look like ord_ followed by 32 hex digits");
  return *id;
}

asio::awaitable<http::Response> GetOne(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathOrder(req);
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
  if (!o) throw Error(ErrorCode::kOrderNotFound);
  domain::Actor rel = co_await RelationOf(s, c, *o, req.deadline());
  if (rel == domain::Actor::kStranger) throw Error(ErrorCode::kOrderNotFound);
  pg::Result lines = co_await s->db->Execute(req.deadline(), store::kOrderLines, id);
  pg::Result timeline = co_await s->db->Execute(req.deadline(), store::kOrderTimeline, id);
  json::object body = OrderJson(*s, *o, req.lang(), &lines, &timeline, true);
  co_return JsonAnswer(body, 200);
}

asio::awaitable<http::Response> List(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  ListFilter f = ParseListFilter(req);
  std::optional<std::string> customer, merchant, rider;
  if (c.role == "customer") {
    customer = c.id;
  } else if (c.role == "rider") {
    rider = c.id;
  } else if (IsMerchantRole(c.role)) {
    std::optional<users::Membership> m = co_await s->users->MemberOf(req.deadline(), c.id);
    // Not (or no longer) staff of an approved merchant: no orders are theirs.
    merchant = m ? m->merchant_id : std::string("00000000-0000-0000-0000-000000000000");
  } else if (c.role != "support" && c.role != "admin") {
    throw Forbidden();
  }
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kOrderList, customer, merchant, rider, f.store_id,
                                            f.status, f.after, f.limit + 1);
  co_return JsonAnswer(OrderPage(*s, rows, f.limit, req.lang()), 200);
}

struct MoveInput {
  std::string status;
  std::optional<std::string> reason;
};

MoveInput ParseMove(const std::string& body) {
  JsonReader r(body);
  MoveInput in;
  in.status = r.String("status", StringRule{1, 40});
  in.reason = r.OptionalString("reason", StringRule{1, 500});
  r.RejectUnknownFields();
  r.Finish();
  return in;
}

asio::awaitable<http::Response> PostStatus(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::string id = PathOrder(req);
  MoveInput in = ParseMove(req.body());
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
  if (!o) throw Error(ErrorCode::kOrderNotFound);
  Who who;
  who.id = c.id;
  who.role = c.role;
  who.actor = co_await RelationOf(s, c, *o, req.deadline());
  // Someone with no part in the order learns nothing about it (not even its status).
  if (who.actor == domain::Actor::kStranger)
    throw Error(ErrorCode::kTransitionForbidden, "this order is not yours to change");
  OrderRow now = co_await Move(s, *o, in.status, who, in.reason, req.deadline());
  co_return JsonAnswer(OrderJson(*s, now, req.lang(), nullptr, nullptr, true), 200);
}

// Another service (payments, delivery) reading an order: the delivery point (dispatch needs it), no lines; `paid` says
// whether a provider confirmed its payment.
asio::awaitable<http::Response> GetInternal(StatePtr s, http::Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
  std::string id = PathOrder(req);
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
  if (!o) throw Error(ErrorCode::kOrderNotFound);
  json::object body = OrderJson(*s, *o, req.lang(), nullptr, nullptr, true);
  body["paid"] = o->paid;
  co_return JsonAnswer(body, 200);
}

asio::awaitable<http::Response> PostStatusInternal(StatePtr s, http::Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
  std::string id = PathOrder(req);
  MoveInput in = ParseMove(req.body());
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
  if (!o) throw Error(ErrorCode::kOrderNotFound);
  Who who;
  who.role = "system";
  who.actor = domain::Actor::kSystem;
  OrderRow now = co_await Move(s, *o, in.status, who, in.reason, req.deadline());
  co_return JsonAnswer(OrderJson(*s, now, req.lang(), nullptr, nullptr, false), 200);
}

// The delivery service records the rider carrying the order (when a rider accepts its offer; again if it is
// re-offered). Not once the order has left the store: the rider who picked it up keeps it.
asio::awaitable<http::Response> PutRiderInternal(StatePtr s, http::Request& req) {
  if (!req.principal() || !req.principal()->service) throw Forbidden("internal route");
  std::string id = PathOrder(req);
  JsonReader r(req.body());
  std::string rider = r.String("rider_id", StringRule{36, 36});
  r.RejectUnknownFields();
  if (!paging::IsUuid(rider)) r.Fail("rider_id", "INVALID_FORMAT", "a rider's account id (UUID)");
  r.Finish();
  pg::Result done = co_await s->db->Execute(req.deadline(), store::kOrderSetRider, id, rider);
  if (done.empty()) {
    std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
    if (!o) throw Error(ErrorCode::kOrderNotFound);
    throw Error(ErrorCode::kInvalidTransition, "the order has left the store with another rider");
  }
  std::optional<OrderRow> o = co_await LoadOrder(*s->db, req.deadline(), id);
  if (!o) throw Error(ErrorCode::kOrderNotFound);
  co_return JsonAnswer(OrderJson(*s, *o, req.lang(), nullptr, nullptr, false), 200);
}

}  // namespace

void AddOrderRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/orders", http::AsyncHandler([s](http::Request& r) { return List(s, r); }));
  router.Add(http::Method::kGet, "/v1/orders/{id}", http::AsyncHandler([s](http::Request& r) { return GetOne(s, r); }));
  router.Add(http::Method::kPost, "/v1/orders/{id}/status",
             http::AsyncHandler([s](http::Request& r) { return PostStatus(s, r); }));
  router.Add(http::Method::kGet, "/internal/v1/orders/{id}",
             http::AsyncHandler([s](http::Request& r) { return GetInternal(s, r); }));
  router.Add(http::Method::kPost, "/internal/v1/orders/{id}/status",
             http::AsyncHandler([s](http::Request& r) { return PostStatusInternal(s, r); }));
  router.Add(http::Method::kPut, "/internal/v1/orders/{id}/rider",
             http::AsyncHandler([s](http::Request& r) { return PutRiderInternal(s, r); }));
}

}  // namespace api
}  // namespace okada::orders
