// What delivery does with the orders service's events. order.accepted creates the delivery (offers start while
// the merchant prepares, timed to the expected ready time); order.ready lets the rider pick up; order.cancelled
// stops a delivery that has not left the store and withdraws its offers. Each runs in the transaction that also
// marks the event seen (inbox), so a redelivered event changes nothing.
#include <boost/json.hpp>
#include <cstdio>

#include "api/api.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/geo.hpp"
#include "okada/core/live/live.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/statements.hpp"

namespace okada::delivery::events {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string Code() {
  std::string b = crypto::RandomBytes(4);
  std::uint32_t n = 0;
  for (char c : b) n = (n << 8) | static_cast<unsigned char>(c);
  char out[8];
  std::snprintf(out, sizeof out, "%04u", n % 10000);
  return out;
}

// The delivery of `order_id`, created from the order and its store when it does not exist yet.
asio::awaitable<std::optional<DeliveryRow>> Ensure(StatePtr s, pg::Transaction& tx, const std::string& order_id,
                                                   Deadline deadline) {
  std::optional<std::string> uuid = orders::UuidOf(order_id);
  if (!uuid) co_return std::nullopt;
  pg::Result have = co_await tx.Execute(store::kDeliveryLock, *uuid);
  if (!have.empty()) co_return ToDelivery(have.front());
  // An order this platform does not know (an event replayed from another database's history): nothing to do.
  orders::OrderInfo o;
  bool unknown = false;
  try {
    o = co_await s->orders->Get(deadline, order_id);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kOrderNotFound) throw;
    unknown = true;
  }
  if (unknown || !o.dropoff) co_return std::nullopt;  // an order without a delivery point is not delivered by a rider
  std::optional<users::StoreInfo> store = co_await s->users->Store(deadline, o.store_id);
  if (!store) co_return std::nullopt;
  const Settings& st = s->settings;
  std::string id = crypto::UuidV7();
  std::int64_t now = NowMs();
  std::int64_t ready = now + st.prep_estimate.count();
  std::int64_t offer_from = std::max(now, ready - st.offer_lead.count());
  DropOff drop;
  drop.lat = o.dropoff->lat;
  drop.lon = o.dropoff->lon;
  drop.landmark = o.landmark;
  int distance = static_cast<int>(geo::DistanceM(store->lat, store->lon, drop.lat, drop.lon));
  co_await tx.Execute(
      store::kDeliveryInsert, id, *uuid, order_id, o.store_id, o.merchant_id, o.customer_id, o.payment_method,
      o.total_xaf, o.delivery_fee_xaf, domain::RiderFee(o.delivery_fee_xaf, st.rider_share_bp), ready, offer_from,
      store->lat, store->lon, geo::Geohash(store->lat, store->lon, 7), geo::Geohash(drop.lat, drop.lon, 6),
      SealDropOff(*s, id, drop), distance, SealCode(*s, id, "pickup", Code()), SealCode(*s, id, "delivery", Code()));
  co_await tx.Execute(store::kTimelineAdd, id, std::string("status"), std::string("unassigned"), std::string("system"),
                      std::optional<std::string>(), std::optional<std::string>());
  pg::Result made = co_await tx.Execute(store::kDeliveryLock, *uuid);
  co_return ToDelivery(made.front());
}

}  // namespace

asio::awaitable<void> OnOrderEvent(StatePtr s, const okada::events::Event& event, pg::Transaction& tx) {
  OrderFacts f = ParseOrder(event.payload);
  if (f.order_id.empty()) co_return;
  Deadline deadline = Clock::now() + std::chrono::seconds(5);
  if (event.type == "order.accepted") {
    co_await Ensure(s, tx, f.order_id, deadline);
  } else if (event.type == "order.ready") {
    std::optional<DeliveryRow> d = co_await Ensure(s, tx, f.order_id, deadline);
    if (!d) co_return;
    pg::Result marked = co_await tx.Execute(store::kDeliveryReady, d->order_id);
    if (!marked.empty())
      co_await tx.Execute(store::kTimelineAdd, d->id, std::string("ready"), std::optional<std::string>(),
                          std::string("system"), std::optional<std::string>(), std::optional<std::string>());
  } else if (event.type == "order.cancelled") {
    std::optional<std::string> uuid = orders::UuidOf(f.order_id);
    if (!uuid) co_return;
    pg::Result have = co_await tx.Execute(store::kDeliveryLock, *uuid);
    if (have.empty()) co_return;
    DeliveryRow d = ToDelivery(have.front());
    if (d.status != "unassigned" && d.status != "offered" && d.status != "assigned" && d.status != "at_store")
      co_return;  // on the road already: the rider brings it back through fail/return
    pg::Result withdrawn = co_await tx.Execute(store::kOffersOpenOf, d.id);
    Who system;
    co_await MoveIn(s, tx, d, "cancelled", system, std::nullopt, false, {});
    for (const pg::Row& o : withdrawn)
      co_await Tell(s, "rider:" + o.Get<std::string>("rider_id"), OfferClosed(o.Get<std::string>("id"), "withdrawn"));
    co_await TellMoved(s, d);
  }
}

}  // namespace okada::delivery::events
