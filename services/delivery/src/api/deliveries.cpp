// Deliveries: the shared step (MoveIn), live updates, the follow-up with orders and payments, and the routes a
// delivery's people use (read it; the rider's steps at the store and at the door; proof; failure and return).
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/http/service_call.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/live/live.hpp"
#include "okada/core/log.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/statements.hpp"

namespace okada::delivery {

namespace asio = boost::asio;
namespace json = boost::json;

DeliveryRow ToDelivery(const pg::Row& r) {
  DeliveryRow d;
  d.id = r.Get<std::string>("id");
  d.order_id = r.Get<std::string>("order_id");
  d.public_order_id = r.Get<std::string>("public_order_id");
  d.store_id = r.Get<std::string>("store_id");
  d.merchant_id = r.Get<std::string>("merchant_id");
  d.customer_id = r.Get<std::string>("customer_id");
  d.payment_method = r.Get<std::string>("payment_method");
  d.total_xaf = r.Get<std::int64_t>("total_xaf");
  d.delivery_fee_xaf = r.Get<std::int64_t>("delivery_fee_xaf");
  d.rider_fee_xaf = r.Get<std::int64_t>("rider_fee_xaf");
  d.status = r.Get<std::string>("status");
  d.rider_id = r.Get<std::optional<std::string>>("rider_id");
  d.ready = r.Get<bool>("ready");
  d.ready_expected_at = r.Get<std::string>("ready_expected_at");
  d.pickup_lat = r.Get<double>("pickup_lat");
  d.pickup_lon = r.Get<double>("pickup_lon");
  d.pickup_zone = r.Get<std::string>("pickup_zone");
  d.dropoff_zone = r.Get<std::string>("dropoff_zone");
  d.dropoff_enc = r.Get<std::string>("dropoff_enc");
  d.distance_m = r.Get<int>("distance_m");
  d.pickup_code_enc = r.Get<std::string>("pickup_code_enc");
  d.delivery_code_enc = r.Get<std::string>("delivery_code_enc");
  d.code_failures = r.Get<int>("code_failures");
  d.offers_made = r.Get<int>("offers_made");
  d.proof = r.Get<std::optional<std::string>>("proof");
  d.cash_collected_xaf = r.Get<std::optional<std::int64_t>>("cash_collected_xaf");
  d.failure_reason = r.Get<std::optional<std::string>>("failure_reason");
  d.order_sync = r.Get<std::optional<std::string>>("order_sync");
  d.money_sync = r.Get<bool>("money_sync");
  d.created_at = r.Get<std::string>("created_at");
  d.updated_at = r.Get<std::string>("updated_at");
  return d;
}

std::string SealDropOff(const State& s, const std::string& delivery_id, const DropOff& d) {
  json::object o;
  o["lat"] = d.lat;
  o["lon"] = d.lon;
  if (d.landmark) o["landmark"] = *d.landmark;
  return s.keyring->get()->EncryptToText(json::serialize(o), "delivery.dropoff:" + delivery_id);
}

DropOff OpenDropOff(const State& s, const DeliveryRow& d) {
  json::value v = json::parse(s.keyring->get()->DecryptText(d.dropoff_enc, "delivery.dropoff:" + d.id));
  DropOff out;
  const json::object& o = v.as_object();
  out.lat = o.at("lat").to_number<double>();
  out.lon = o.at("lon").to_number<double>();
  if (const json::value* l = o.if_contains("landmark"); l && l->is_string())
    out.landmark = std::string(l->get_string());
  return out;
}

std::string SealCode(const State& s, const std::string& delivery_id, std::string_view which, const std::string& code) {
  return s.keyring->get()->EncryptToText(code, "delivery." + std::string(which) + "_code:" + delivery_id);
}

std::string OpenCode(const State& s, const DeliveryRow& d, std::string_view which) {
  const std::string& sealed = which == "pickup" ? d.pickup_code_enc : d.delivery_code_enc;
  return s.keyring->get()->DecryptText(sealed, "delivery." + std::string(which) + "_code:" + d.id);
}

std::int64_t NowMs() { return UnixMillisNow(); }

http::Response JsonAnswer(const json::value& v, int status) { return http::Response::Json(json::serialize(v), status); }

namespace {

json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

// What a step tells orders: the order follows the delivery's pickup, hand-over and return.
std::optional<std::string> OrderStepOf(std::string_view to) {
  if (to == "picked_up") return std::string("picked_up");
  if (to == "delivered") return std::string("delivered");
  if (to == "returned") return std::string("cancelled");
  return std::nullopt;
}

}  // namespace

asio::awaitable<void> MoveIn(StatePtr s, pg::Transaction& tx, DeliveryRow& d, std::string to, const Who& who,
                             std::optional<std::string> rider, bool clear_rider, json::object detail,
                             json::object extra) {
  const domain::Move& m = domain::Decide(d.status, to, who.actor);
  co_await tx.Execute(store::kDeliveryMove, d.id, to, rider, clear_rider);
  std::string from = d.status;
  d.status = to;
  if (clear_rider) d.rider_id.reset();
  if (rider) d.rider_id = rider;
  detail["from"] = from;
  std::string detail_text = json::serialize(detail);
  co_await tx.Execute(store::kTimelineAdd, d.id, std::string("status"), to, who.role, who.id, detail_text);
  if (!m.event.empty()) {
    if (to == "delivered") {
      const json::value* kind = detail.if_contains("kind");  // Deliver's proof: "code" or "photo"
      extra["proof"] = kind != nullptr && kind->is_string() ? *kind : json::value("none");
    }
    if (to == "failed") extra["reason"] = d.failure_reason.value_or("customer_unreachable");
    co_await s->outbox->Append(tx, std::string(m.event), events::Payload(m.event, d, extra));
  }
  std::optional<std::string> order_step = OrderStepOf(to);
  bool money = to == "delivered";
  if (order_step || money) co_await tx.Execute(store::kDeliveryToSync, d.id, order_step, money);
}

asio::awaitable<void> Tell(StatePtr s, std::string channel, json::object message) {
  std::string failure;
  try {
    co_await live::Publish(s->redis->Local(), std::move(channel), json::serialize(message),
                           Clock::now() + std::chrono::milliseconds(500));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("delivery.live_publish_failed", {{"error", failure}});
}

asio::awaitable<void> TellMoved(StatePtr s, const DeliveryRow& d) {
  json::object m;
  m["type"] = "delivery.status";
  m["order_id"] = d.public_order_id;
  m["status"] = d.status;
  m["rider_id"] = Opt(d.rider_id);
  m["at_ms"] = NowMs();
  co_await Tell(s, "order:" + d.public_order_id, m);
  co_await Tell(s, "store:" + d.store_id, m);
}

namespace {

// payments: the hand-over (earnings; cash held for cash orders). 200 whether or not it was booked before.
asio::awaitable<void> BookDropOff(StatePtr s, const DeliveryRow& d, Deadline deadline) {
  if (s->payments == nullptr) throw Unavailable("the payments service is not reachable from this process");
  json::object body;
  body["order_id"] = d.public_order_id;
  body["rider_id"] = d.rider_id.value_or("");
  if (d.payment_method == "cash") body["cash_collected_xaf"] = d.cash_collected_xaf.value_or(0);
  http::ClientRequest req = http::ServiceRequest(http::Method::kPost, "/internal/v1/payments/drop-offs",
                                                 s->service_token, json::serialize(body), deadline);
  http::ClientResponse res = co_await s->payments->Call(std::move(req));
  http::ServiceAnswer(res, "delivery_payments", "the payments service", "drop_off", {});
}

}  // namespace

namespace {

// Moves the order to `target` as the platform, passing through picked_up when the order is still at the store
// (a pickup whose sync had not gone through yet). An order already at or past the target counts as done.
asio::awaitable<void> MoveOrder(StatePtr s, const DeliveryRow& d, std::string target, Deadline deadline) {
  orders::OrderInfo o = co_await s->orders->Get(deadline, d.public_order_id);
  if (o.status == target) co_return;
  if (target == "delivered" && o.status == "ready_for_pickup")
    o = co_await s->orders->Move(deadline, d.public_order_id, "picked_up", "");
  if (target == "delivered" && (o.status == "completed" || o.status == "refunded")) co_return;
  if (target == "picked_up" && o.status != "ready_for_pickup") co_return;  // moved on already, or support did it
  std::string reason = target == "cancelled" ? "delivery failed: the goods went back to the store" : "";
  co_await s->orders->Move(deadline, d.public_order_id, target, reason);
}

}  // namespace

asio::awaitable<void> SyncDelivery(StatePtr s, std::string delivery_id, Deadline deadline) {
  pg::Result r = co_await s->db->Execute(deadline, store::kDeliveryById, delivery_id);
  if (r.empty()) co_return;
  DeliveryRow d = ToDelivery(r.front());
  std::string failure;
  bool told = false, booked = false;
  try {
    if (d.order_sync) {
      co_await MoveOrder(s, d, *d.order_sync, deadline);
      told = true;
    }
    if (d.money_sync) {
      co_await BookDropOff(s, d, deadline);
      booked = true;
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (told || booked)
    co_await s->db->Execute(deadline, store::kDeliverySynced, d.id, d.order_sync.value_or(""), booked);
  if (!failure.empty()) {
    log::Warn("delivery.sync_failed", {{"delivery_id", d.id}, {"error", failure}});
    co_await s->db->Execute(deadline, store::kDeliverySyncLater, d.id);
  }
}

json::object DeliveryJson(const State& s, const DeliveryRow& d, std::string_view viewer) {
  json::object o;
  o["id"] = d.id;
  o["order_id"] = d.public_order_id;
  o["store_id"] = d.store_id;
  o["status"] = d.status;
  o["ready"] = d.ready;
  o["ready_expected_at"] = d.ready_expected_at;
  o["rider_id"] = Opt(d.rider_id);
  o["payment_method"] = d.payment_method;
  o["total_xaf"] = d.total_xaf;
  o["distance_m"] = d.distance_m;
  json::object pickup;
  pickup["lat"] = d.pickup_lat;
  pickup["lon"] = d.pickup_lon;
  pickup["zone"] = d.pickup_zone;
  o["pickup"] = std::move(pickup);
  o["dropoff_zone"] = d.dropoff_zone;
  bool desk = viewer == "desk";
  if ((viewer == "rider" && domain::IsActive(d.status)) || viewer == "rider_failed" || desk) {
    DropOff drop = OpenDropOff(s, d);
    json::object dj;
    dj["lat"] = drop.lat;
    dj["lon"] = drop.lon;
    dj["landmark"] = Opt(drop.landmark);
    o["dropoff"] = std::move(dj);
  }
  if (viewer == "merchant" || desk) o["pickup_code"] = OpenCode(s, d, "pickup");
  if (viewer == "customer" || desk) o["delivery_code"] = OpenCode(s, d, "delivery");
  if (viewer == "rider" || viewer == "rider_failed" || desk) o["rider_fee_xaf"] = d.rider_fee_xaf;
  o["offers_made"] = d.offers_made;
  o["cash_collected_xaf"] = d.cash_collected_xaf ? json::value(*d.cash_collected_xaf) : json::value(nullptr);
  o["failure_reason"] = Opt(d.failure_reason);
  o["created_at"] = d.created_at;
  o["updated_at"] = d.updated_at;
  return o;
}

// --- routes ----------------------------------------------------------------------------------------------

namespace {

struct Caller {
  std::string id, role;
};

Caller RequireCaller(const http::Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  return Caller{req.principal()->subject, req.principal()->role};
}

bool IsDesk(const Caller& c) { return c.role == "support" || c.role == "admin"; }

std::string PathOrderUuid(const http::Request& req) {
  std::optional<std::string> uuid = orders::UuidOf(req.path_param("order_id"));
  if (!uuid) throw Error(ErrorCode::kDeliveryNotFound, "order ids look like ord_ and 32 hex digits");
  return *uuid;
}

// The delivery and how the caller relates to it ("customer" | "rider" | "merchant" | "desk"); strangers get 404.
asio::awaitable<std::pair<DeliveryRow, std::string>> LoadFor(StatePtr s, const http::Request& req, const Caller& c) {
  std::string uuid = PathOrderUuid(req);
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kDeliveryByOrder, uuid);
  if (r.empty()) throw Error(ErrorCode::kDeliveryNotFound);
  DeliveryRow d = ToDelivery(r.front());
  std::string viewer;
  if (IsDesk(c)) {
    viewer = "desk";
  } else if (c.role == "customer" && c.id == d.customer_id) {
    viewer = "customer";
  } else if (c.role == "rider" && d.rider_id && *d.rider_id == c.id) {
    viewer = d.status == "failed" ? "rider_failed" : "rider";
  } else if (c.role == "merchant_owner" || c.role == "merchant_staff") {
    std::optional<users::Membership> m = co_await s->users->MemberOf(req.deadline(), c.id);
    if (m && m->merchant_id == d.merchant_id) viewer = "merchant";
  }
  if (viewer.empty()) throw Error(ErrorCode::kDeliveryNotFound);
  co_return std::make_pair(std::move(d), std::move(viewer));
}

asio::awaitable<http::Response> GetDelivery(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  std::pair<DeliveryRow, std::string> loaded = co_await LoadFor(s, req, c);
  const DeliveryRow& d = loaded.first;
  const std::string& viewer = loaded.second;
  json::object o = DeliveryJson(*s, d, viewer);
  // The rider's live position, for the people of an active delivery.
  if (d.rider_id && domain::IsActive(d.status)) {
    redis::Reply pos;
    std::string failure;
    try {
      std::vector<std::string> cmd{"GEOPOS", kPositionsKey, *d.rider_id};
      pos = co_await s->redis->Local().Command(std::move(cmd), req.deadline());
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty() && !pos.elements.empty() && pos.elements[0].elements.size() == 2) {
      json::object p;
      p["lon"] = std::stod(pos.elements[0].elements[0].str);
      p["lat"] = std::stod(pos.elements[0].elements[1].str);
      o["rider_position"] = std::move(p);
    }
  }
  pg::Result tl = co_await s->db->Execute(req.deadline(), store::kTimelineOf, d.id);
  json::array timeline;
  for (const pg::Row& r : tl) {
    json::object e;
    e["kind"] = r.Get<std::string>("kind");
    e["status"] = Opt(r.Get<std::optional<std::string>>("status"));
    e["actor_role"] = r.Get<std::string>("actor_role");
    if (std::optional<std::string> detail = r.Get<std::optional<std::string>>("detail")) {
      boost::system::error_code ec;
      json::value v = json::parse(*detail, ec);
      if (!ec && v.is_object()) {
        v.as_object().erase("photo_ref");
        e["detail"] = std::move(v);
      }
    }
    e["at"] = r.Get<std::string>("at");
    timeline.push_back(std::move(e));
  }
  o["timeline"] = std::move(timeline);
  co_return JsonAnswer(o);
}

// A rider's own step on his delivery (or the desk's correction): load under lock, check, move, commit, tell.
struct Step {
  std::string to;
  json::object detail;
};

asio::awaitable<DeliveryRow> LockMine(StatePtr s, pg::Transaction& tx, const http::Request& req, const Caller& c) {
  std::string uuid = PathOrderUuid(req);
  pg::Result r = co_await tx.Execute(store::kDeliveryLock, uuid);
  if (r.empty()) throw Error(ErrorCode::kDeliveryNotFound);
  DeliveryRow d = ToDelivery(r.front());
  if (!IsDesk(c) && !(d.rider_id && *d.rider_id == c.id)) throw Error(ErrorCode::kDeliveryNotFound);
  co_return d;
}

Who WhoOf(const Caller& c) {
  Who w;
  w.actor = IsDesk(c) ? domain::Actor::kDesk : domain::Actor::kRider;
  w.role = c.role;
  w.id = c.id;
  return w;
}

asio::awaitable<http::Response> Finish(StatePtr s, http::Request& req, DeliveryRow d, std::string viewer) {
  co_await TellMoved(s, d);
  if (d.order_sync || d.status == "delivered" || d.status == "picked_up" || d.status == "returned")
    co_await SyncDelivery(s, d.id, req.deadline());
  pg::Result r = co_await s->db->Execute(req.deadline(), store::kDeliveryById, d.id);
  DeliveryRow now = r.empty() ? d : ToDelivery(r.front());
  co_return JsonAnswer(DeliveryJson(*s, now, viewer));
}

std::string ViewerOf(const Caller& c) { return IsDesk(c) ? "desk" : "rider"; }

// A step with nothing to say but "now": at the store, arriving.
asio::awaitable<http::Response> BareStep(StatePtr s, http::Request& req, std::string to) {
  Caller c = RequireCaller(req);
  JsonReader r(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()));
  r.RejectUnknownFields();
  r.Finish();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  Who who = WhoOf(c);
  json::object no_detail;
  co_await MoveIn(s, tx, d, to, who, std::nullopt, false, no_detail);
  co_await tx.Commit();
  co_return co_await Finish(s, req, std::move(d), ViewerOf(c));
}

asio::awaitable<http::Response> Arrived(StatePtr s, http::Request& req) { return BareStep(s, req, "at_store"); }
asio::awaitable<http::Response> Arriving(StatePtr s, http::Request& req) { return BareStep(s, req, "arriving"); }

// A wrong code is counted (in its own transaction, so it stays counted when the step is refused).
asio::awaitable<void> CountWrongCode(StatePtr s, const DeliveryRow& d, Deadline deadline, std::string which) {
  co_await s->db->Execute(deadline, store::kDeliveryCodeFailure, d.id);
  json::object detail;
  detail["code"] = which;
  co_await s->db->Execute(deadline, store::kTimelineAdd, d.id, std::string("wrong_code"), std::optional<std::string>(),
                          std::string("rider"), d.rider_id, json::serialize(detail));
}

std::string ReadCode(JsonReader& r) {
  std::string code = r.String("code", StringRule{4, 8});
  for (char ch : code)
    if (ch < '0' || ch > '9') r.Fail("code", "INVALID_FORMAT", "digits only");
  return code;
}

asio::awaitable<http::Response> Pickup(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  JsonReader r(req.body());
  std::string code = ReadCode(r);
  r.RejectUnknownFields();
  r.Finish();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  domain::Decide(d.status, "picked_up", WhoOf(c).actor);
  if (!d.ready) throw Error(ErrorCode::kDeliveryInvalidTransition, "the store has not marked the order ready yet");
  if (d.code_failures >= s->settings.code_attempts) throw Error(ErrorCode::kTooManyCodeAttempts);
  bool right = crypto::ConstantTimeEquals(code, OpenCode(*s, d, "pickup"));
  if (!right) {
    co_await tx.Rollback();
    co_await CountWrongCode(s, d, req.deadline(), "pickup");
    throw Error(ErrorCode::kWrongCode, "ask the store for the pickup code shown on its order screen");
  }
  Who who = WhoOf(c);
  co_await MoveIn(s, tx, d, "picked_up", who, std::nullopt, false, {});
  co_await tx.Commit();
  co_return co_await Finish(s, req, std::move(d), ViewerOf(c));
}

struct DeliverInput {
  std::optional<std::string> code;
  std::optional<std::string> photo_ref;
  double lat = 0, lon = 0;
  std::int64_t captured_ms = 0;
  std::optional<std::int64_t> cash;
};

DeliverInput ParseDeliver(const std::string& body) {
  JsonReader r(body);
  DeliverInput in;
  if (r.Has("code")) in.code = ReadCode(r);
  if (r.Has("photo")) {
    JsonReader p = r.Object("photo");
    in.photo_ref = p.String("ref", StringRule{1, 200});
    in.lat = p.Number("lat", -90, 90);
    in.lon = p.Number("lon", -180, 180);
    in.captured_ms = p.Int("captured_at_ms", 0, 4'102'444'800'000);
    p.RejectUnknownFields();
  }
  in.cash = r.OptionalInt("cash_collected_xaf", 0, 100'000'000);
  r.RejectUnknownFields();
  if (!in.code && !in.photo_ref) r.Fail("code", "REQUIRED", "the customer's delivery code, or a photo proof");
  r.Finish();
  return in;
}

asio::awaitable<http::Response> Deliver(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  DeliverInput in = ParseDeliver(req.body());
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  domain::Decide(d.status, "delivered", WhoOf(c).actor);
  if (d.payment_method == "cash" && (!in.cash || *in.cash != d.total_xaf)) {
    Error e(ErrorCode::kCashAmountMismatch,
            "this order is paid in cash: collect " + std::to_string(d.total_xaf) + " XAF and record it");
    e.WithField({"cash_collected_xaf", "MISMATCH", "must equal the order's total"});
    throw e;
  }
  if (d.payment_method != "cash" && in.cash && *in.cash != 0)
    throw Error(ErrorCode::kCashAmountMismatch, "this order was paid by mobile money: collect no cash");
  json::object proof;
  if (in.code) {
    if (d.code_failures >= s->settings.code_attempts) throw Error(ErrorCode::kTooManyCodeAttempts);
    if (!crypto::ConstantTimeEquals(*in.code, OpenCode(*s, d, "delivery"))) {
      co_await tx.Rollback();
      co_await CountWrongCode(s, d, req.deadline(), "delivery");
      throw Error(ErrorCode::kWrongCode, "ask the customer for the delivery code in the app or SMS");
    }
    proof["kind"] = "code";
  } else {
    DropOff drop = OpenDropOff(*s, d);
    std::optional<std::string> bad = domain::CheckPhotoProof(in.lat, in.lon, drop.lat, drop.lon,
                                                             s->settings.proof_radius_m, in.captured_ms, NowMs(), 900);
    if (bad) {
      Error e(ErrorCode::kValidationFailed);
      e.WithField({"photo." + *bad, "NOT_ALLOWED",
                   *bad == "location" ? "the photo must be taken at the delivery point"
                                      : "the photo must be taken in the last 15 minutes"});
      throw e;
    }
    proof["kind"] = "photo";
    proof["photo_ref"] = *in.photo_ref;
    proof["captured_at_ms"] = in.captured_ms;
  }
  std::string proof_text = json::serialize(proof);
  std::optional<std::int64_t> cash;
  if (d.payment_method == "cash") cash = in.cash;
  co_await tx.Execute(store::kDeliveryProof, d.id, proof_text, cash);
  d.proof = proof_text;
  d.cash_collected_xaf = cash;
  Who who = WhoOf(c);
  co_await MoveIn(s, tx, d, "delivered", who, std::nullopt, false, proof);
  co_await tx.Commit();
  co_return co_await Finish(s, req, std::move(d), ViewerOf(c));
}

asio::awaitable<http::Response> CallAttempt(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  JsonReader r(req.body());
  std::string outcome = r.Enum("outcome", {"answered", "no_answer", "busy", "unreachable"});
  r.RejectUnknownFields();
  r.Finish();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  if (!domain::IsActive(d.status))
    throw Error(ErrorCode::kDeliveryInvalidTransition, "calls are logged while the delivery is under way");
  json::object detail;
  detail["outcome"] = outcome;
  co_await tx.Execute(store::kTimelineAdd, d.id, std::string("call"), std::optional<std::string>(), c.role,
                      std::optional<std::string>(c.id), json::serialize(detail));
  pg::Result n = co_await tx.Execute(store::kCallsUnanswered, d.id);
  co_await tx.Commit();
  json::object o;
  o["order_id"] = d.public_order_id;
  o["outcome"] = outcome;
  o["unanswered_calls"] = n.front().Get<std::int64_t>("n");
  o["calls_needed_before_failing"] = s->settings.call_attempts;
  co_return JsonAnswer(o, 201);
}

asio::awaitable<http::Response> Fail(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  JsonReader r(req.body());
  std::string reason = r.Enum("reason", {"customer_unreachable", "address_not_found", "refused", "rider_incident"});
  r.RejectUnknownFields();
  r.Finish();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  domain::Decide(d.status, "failed", WhoOf(c).actor);
  if (reason == "customer_unreachable" && !IsDesk(c)) {
    pg::Result n = co_await tx.Execute(store::kCallsUnanswered, d.id);
    std::int64_t calls = n.front().Get<std::int64_t>("n");
    if (calls < s->settings.call_attempts)
      throw Error(ErrorCode::kCallAttemptsRequired, std::to_string(calls) + " unanswered call(s) logged; " +
                                                        std::to_string(s->settings.call_attempts) + " needed");
  }
  co_await tx.Execute(store::kDeliveryFailure, d.id, reason);
  d.failure_reason = reason;
  json::object detail;
  detail["reason"] = reason;
  Who who = WhoOf(c);
  co_await MoveIn(s, tx, d, "failed", who, std::nullopt, false, detail);
  co_await tx.Commit();
  co_return co_await Finish(s, req, std::move(d), IsDesk(c) ? "desk" : "rider_failed");
}

// The goods are back at the store: the merchant reads out the pickup code again to confirm.
asio::awaitable<http::Response> Return(StatePtr s, http::Request& req) {
  Caller c = RequireCaller(req);
  JsonReader r(req.body());
  std::string code = ReadCode(r);
  r.RejectUnknownFields();
  r.Finish();
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  DeliveryRow d = co_await LockMine(s, tx, req, c);
  domain::Decide(d.status, "returned", WhoOf(c).actor);
  if (!crypto::ConstantTimeEquals(code, OpenCode(*s, d, "pickup")))
    throw Error(ErrorCode::kWrongCode, "ask the store for its pickup code to confirm the return");
  Who who = WhoOf(c);
  co_await MoveIn(s, tx, d, "returned", who, std::nullopt, false, {});
  co_await tx.Commit();
  co_return co_await Finish(s, req, std::move(d), IsDesk(c) ? "desk" : "rider_failed");
}

}  // namespace

namespace api {

void AddDeliveryRoutes(http::Router& router, StatePtr s) {
  using M = http::Method;
  router.Add(M::kGet, "/v1/deliveries/{order_id}",
             http::AsyncHandler([s](http::Request& r) { return GetDelivery(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/arrived",
             http::AsyncHandler([s](http::Request& r) { return Arrived(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/pickup",
             http::AsyncHandler([s](http::Request& r) { return Pickup(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/arriving",
             http::AsyncHandler([s](http::Request& r) { return Arriving(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/deliver",
             http::AsyncHandler([s](http::Request& r) { return Deliver(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/call-attempts",
             http::AsyncHandler([s](http::Request& r) { return CallAttempt(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/fail",
             http::AsyncHandler([s](http::Request& r) { return Fail(s, r); }));
  router.Add(M::kPost, "/v1/deliveries/{order_id}/return",
             http::AsyncHandler([s](http::Request& r) { return Return(s, r); }));
}

}  // namespace api

}  // namespace okada::delivery
