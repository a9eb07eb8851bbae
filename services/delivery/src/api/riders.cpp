// Riders: going on and off shift, sending positions in batches, and answering offers.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <cmath>

#include "api/api.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/geo.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::delivery {

namespace asio = boost::asio;
namespace json = boost::json;

json::object OfferJson(const pg::Row& r) {
  json::object o;
  o["id"] = r.Get<std::string>("id");
  o["order_id"] = r.Get<std::string>("public_order_id");
  o["store_id"] = r.Get<std::string>("store_id");
  o["status"] = r.Get<std::string>("status");
  json::object pickup;
  pickup["lat"] = r.Get<double>("pickup_lat");
  pickup["lon"] = r.Get<double>("pickup_lon");
  pickup["zone"] = r.Get<std::string>("pickup_zone");
  o["pickup"] = std::move(pickup);
  o["dropoff_zone"] = r.Get<std::string>("dropoff_zone");
  o["distance_to_store_m"] = r.Get<int>("distance_m");
  o["trip_m"] = r.Get<int>("trip_m");
  o["rider_fee_xaf"] = r.Get<std::int64_t>("rider_fee_xaf");
  o["payment_method"] = r.Get<std::string>("payment_method");
  // Cash orders: the rider must be able to give change, so he knows the amount before accepting.
  if (r.Get<std::string>("payment_method") == "cash") o["cash_to_collect_xaf"] = r.Get<std::int64_t>("total_xaf");
  o["created_at"] = r.Get<std::string>("created_at");
  o["expires_at"] = r.Get<std::string>("expires_at");
  std::int64_t left = r.Get<std::int64_t>("expires_ms") - NowMs();
  o["expires_in_s"] = left > 0 ? (left + 999) / 1000 : 0;
  return o;
}

json::object OfferClosed(const std::string& offer_id, std::string_view reason) {
  json::object m;
  m["type"] = "offer.closed";
  m["offer_id"] = offer_id;
  m["reason"] = reason;
  return m;
}

namespace {

struct Caller {
  std::string id;
};

Caller RequireRider(const http::Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  return Caller{req.principal()->subject};
}

std::string ZonesLiteral(const std::vector<std::string>& zones) {
  std::string out = "{";
  for (std::size_t i = 0; i < zones.size(); ++i) out += (i ? "," : "") + zones[i];
  return out + "}";
}

json::object ShiftJson(const pg::Row& r) {
  json::object o;
  o["online"] = r.Get<bool>("online");
  json::array zones;
  std::string z = r.Get<std::string>("zones");
  std::size_t start = 0;
  while (start < z.size()) {
    std::size_t comma = z.find(',', start);
    if (comma == std::string::npos) comma = z.size();
    zones.emplace_back(z.substr(start, comma - start));
    start = comma + 1;
  }
  o["zones"] = std::move(zones);
  o["since"] = r.Get<std::string>("since");
  return o;
}

bool IsGeohash(const std::string& z) {
  static const std::string alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
  for (char c : z)
    if (alphabet.find(c) == std::string::npos) return false;
  return true;
}

asio::awaitable<http::Response> PutShift(StatePtr s, http::Request& req) {
  Caller c = RequireRider(req);
  JsonReader r(req.body());
  bool online = r.Bool("online");
  std::vector<std::string> zones = r.OptionalStrings("zones", 20, StringRule{2, 8});
  for (std::size_t i = 0; i < zones.size(); ++i)
    if (!IsGeohash(zones[i]))
      r.Fail("zones[" + std::to_string(i) + "]", "INVALID_FORMAT", "a geohash prefix (2 to 8 characters)");
  r.RejectUnknownFields();
  r.Finish();
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kShiftUpsert, c.id, online, ZonesLiteral(zones));
  if (!online) {
    // Off shift: no more offers, and his position is nobody's business any more.
    std::string failure;
    try {
      std::vector<std::vector<std::string>> forget{{"ZREM", kPositionsKey, c.id}, {"ZREM", kSeenKey, c.id}};
      co_await s->redis->Local().Pipeline(std::move(forget), req.deadline());
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::Warn("delivery.position_forget_failed", {{"error", failure}});
  }
  co_return JsonAnswer(ShiftJson(row.front()));
}

asio::awaitable<http::Response> GetShift(StatePtr s, http::Request& req) {
  Caller c = RequireRider(req);
  pg::Result row = co_await s->db->Execute(req.deadline(), store::kShiftGet, c.id);
  if (row.empty()) {
    json::object o;
    o["online"] = false;
    o["zones"] = json::array();
    o["since"] = nullptr;
    co_return JsonAnswer(o);
  }
  co_return JsonAnswer(ShiftJson(row.front()));
}

struct Point {
  std::int64_t at_ms = 0;
  double lat = 0, lon = 0, accuracy = 0;
  std::optional<double> speed;
};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7f", v);
  return buf;
}

template <typename T, typename F>
std::string ArrayLiteral(const std::vector<T>& items, F f) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + f(items[i]);
  return out + "}";
}

// Positions come in batches (a phone on a bad network sends what it buffered). Each point has its capture time;
// points older than a day or more than a minute in the future are refused (clock or replay), the latest point
// becomes the rider's position for dispatch, and every point goes to the trip history. The customers of the
// rider's deliveries under way get the latest point on their order's channel.
asio::awaitable<http::Response> PostLocations(StatePtr s, http::Request& req) {
  Caller c = RequireRider(req);
  JsonReader r(req.body());
  std::vector<Point> points;
  std::int64_t now = NowMs();
  r.Array("points", 1, 100, [&](JsonReader& p, std::size_t i) {
    Point pt;
    pt.lat = p.Number("lat", -90, 90);
    pt.lon = p.Number("lon", -180, 180);
    pt.accuracy = p.Number("accuracy_m", 0, 10000);
    if (p.Has("speed_kmh")) pt.speed = p.Number("speed_kmh", 0, 300);
    pt.at_ms = p.Int("at_ms", 0, 4'102'444'800'000);
    if (pt.at_ms > now + 60'000 || pt.at_ms < now - 86'400'000)
      r.Fail("points[" + std::to_string(i) + "].at_ms", "OUT_OF_RANGE", "a capture time within the last day");
    points.push_back(pt);
  });
  r.RejectUnknownFields();
  r.Finish();
  pg::Result shift = co_await s->db->Execute(req.deadline(), store::kShiftGet, c.id);
  if (shift.empty() || !shift.front().Get<bool>("online")) throw Error(ErrorCode::kRiderOffline);
  const Point* latest = &points.front();
  for (const Point& p : points)
    if (p.at_ms > latest->at_ms) latest = &p;

  pg::Result active = co_await s->db->Execute(req.deadline(), store::kActiveOfRider, c.id);
  std::optional<std::string> on_order;
  if (!active.empty()) on_order = active.front().Get<std::string>("order_id");
  co_await s->db->Execute(
      req.deadline(), store::kPositionsInsert, c.id,
      ArrayLiteral(points, [](const Point& p) { return std::to_string(p.at_ms); }),
      ArrayLiteral(points, [](const Point& p) { return Num(p.lat); }),
      ArrayLiteral(points, [](const Point& p) { return Num(p.lon); }),
      ArrayLiteral(points, [](const Point& p) { return Num(p.accuracy); }),
      ArrayLiteral(points, [](const Point& p) { return p.speed ? Num(*p.speed) : std::string("NULL"); }), on_order);
  s->positions->Add(points.size());

  std::string failure;
  try {
    std::vector<std::vector<std::string>> cmds{{"GEOADD", kPositionsKey, Num(latest->lon), Num(latest->lat), c.id},
                                               {"ZADD", kSeenKey, std::to_string(now), c.id}};
    co_await s->redis->Local().Pipeline(std::move(cmds), req.deadline());
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("delivery.position_cache_failed", {{"error", failure}});

  for (const pg::Row& row : active) {
    DeliveryRow d = ToDelivery(row);
    json::object m;
    m["type"] = "rider.position";
    m["order_id"] = d.public_order_id;
    m["rider_id"] = c.id;
    m["lat"] = latest->lat;
    m["lon"] = latest->lon;
    m["accuracy_m"] = latest->accuracy;
    if (latest->speed) m["speed_kmh"] = *latest->speed;
    m["at_ms"] = latest->at_ms;
    m["sent_ms"] = now;
    co_await Tell(s, "order:" + d.public_order_id, m);
    // Near the door: the customer is told the rider is arriving (once; the machine refuses a second time).
    if (d.status == "picked_up") {
      DropOff drop = OpenDropOff(*s, d);
      if (geo::DistanceM(latest->lat, latest->lon, drop.lat, drop.lon) <= s->settings.arriving_m) {
        pg::Transaction tx = co_await s->db->Begin(req.deadline());
        pg::Result locked = co_await tx.Execute(store::kDeliveryLockById, d.id);
        if (!locked.empty()) {
          DeliveryRow now_row = ToDelivery(locked.front());
          if (now_row.status == "picked_up") {
            json::object detail;
            detail["auto"] = true;
            Who system;
            co_await MoveIn(s, tx, now_row, "arriving", system, std::nullopt, false, detail);
            co_await tx.Commit();
            co_await TellMoved(s, now_row);
          }
        }
      }
    }
  }
  json::object o;
  o["accepted"] = static_cast<std::int64_t>(points.size());
  o["on_delivery"] = !active.empty();
  co_return JsonAnswer(o, 202);
}

asio::awaitable<http::Response> ListOffers(StatePtr s, http::Request& req) {
  Caller c = RequireRider(req);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kOffersOfRider, c.id);
  json::array items;
  for (const pg::Row& r : rows) items.push_back(OfferJson(r));
  json::object o;
  o["items"] = std::move(items);
  co_return JsonAnswer(o);
}

asio::awaitable<http::Response> ListMine(StatePtr s, http::Request& req) {
  Caller c = RequireRider(req);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kRiderDeliveries, c.id, 50);
  json::array items;
  for (const pg::Row& r : rows) {
    DeliveryRow d = ToDelivery(r);
    items.push_back(DeliveryJson(*s, d, d.status == "failed" ? "rider_failed" : "rider"));
  }
  json::object o;
  o["items"] = std::move(items);
  co_return JsonAnswer(o);
}

// Accept or decline. An offer is the rider's alone (others get 404); a closed or lapsed one is 409 OFFER_CLOSED.
asio::awaitable<http::Response> Answer(StatePtr s, http::Request& req, bool accept) {
  Caller c = RequireRider(req);
  std::string id(req.path_param("id"));
  if (!paging::IsUuid(id)) throw Error(ErrorCode::kOfferNotFound);
  if (!accept && !req.body().empty()) {
    JsonReader r(req.body());
    r.OptionalString("reason", StringRule{1, 200});
    r.RejectUnknownFields();
    r.Finish();
  }
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result offer = co_await tx.Execute(store::kOfferLock, id);
  if (offer.empty() || offer.front().Get<std::string>("rider_id") != c.id) throw Error(ErrorCode::kOfferNotFound);
  const pg::Row o = offer.front();
  if (o.Get<std::string>("status") != "open" || o.Get<std::int64_t>("expires_ms") <= NowMs())
    throw Error(ErrorCode::kOfferClosed);
  pg::Result locked = co_await tx.Execute(store::kDeliveryLockById, o.Get<std::string>("delivery_id"));
  DeliveryRow d = ToDelivery(locked.front());
  co_await tx.Execute(store::kOfferAnswer, id, std::string(accept ? "accepted" : "declined"));
  Who who;
  who.actor = domain::Actor::kRider;
  who.role = "rider";
  who.id = c.id;
  json::object detail;
  detail["offer_id"] = id;
  if (accept) {
    co_await MoveIn(s, tx, d, "assigned", who, c.id, false, detail);
  } else {
    co_await MoveIn(s, tx, d, "unassigned", who, std::nullopt, true, detail);
  }
  co_await tx.Commit();
  json::object closed = OfferClosed(id, accept ? "accepted" : "declined");
  co_await Tell(s, "rider:" + c.id, closed);
  co_await TellMoved(s, d);
  if (accept) {
    // The rider may now read the order; a failure here is not the rider's problem (support can fix; the next
    // step's sync retries).
    std::string failure;
    try {
      co_await s->orders->SetRider(req.deadline(), d.public_order_id, c.id);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::Warn("delivery.set_rider_failed", {{"order_id", d.public_order_id}, {"error", failure}});
  }
  co_return JsonAnswer(DeliveryJson(*s, d, accept ? "rider" : "stranger"));
}

asio::awaitable<http::Response> Accept(StatePtr s, http::Request& req) { return Answer(s, req, true); }
asio::awaitable<http::Response> Decline(StatePtr s, http::Request& req) { return Answer(s, req, false); }

}  // namespace

namespace api {

void AddRiderRoutes(http::Router& router, StatePtr s) {
  using M = http::Method;
  router.Add(M::kGet, "/v1/rider/shift", http::AsyncHandler([s](http::Request& r) { return GetShift(s, r); }));
  router.Add(M::kPut, "/v1/rider/shift", http::AsyncHandler([s](http::Request& r) { return PutShift(s, r); }));
  router.Add(M::kPost, "/v1/rider/locations",
             http::AsyncHandler([s](http::Request& r) { return PostLocations(s, r); }));
  router.Add(M::kGet, "/v1/rider/offers", http::AsyncHandler([s](http::Request& r) { return ListOffers(s, r); }));
  router.Add(M::kPost, "/v1/rider/offers/{id}/accept",
             http::AsyncHandler([s](http::Request& r) { return Accept(s, r); }));
  router.Add(M::kPost, "/v1/rider/offers/{id}/decline",
             http::AsyncHandler([s](http::Request& r) { return Decline(s, r); }));
  router.Add(M::kGet, "/v1/rider/deliveries", http::AsyncHandler([s](http::Request& r) { return ListMine(s, r); }));
}

}  // namespace api

}  // namespace okada::delivery
