// Checkout, the saga of ARCHITECTURE §1: claim the Idempotency-Key (which fixes the order id) → check the
// store and the address (radius, no-go zones) → reserve every line through products (all or none; committed
// at once for cash on delivery) → create the order, its lines, its timeline, its events and the stored
// answer in ONE transaction → 201. A failure after the reservation releases it (compensation); a crash
// after it is compensated by the stranded-checkout job (jobs.cpp), which finds the claim without an order.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "api/api.hpp"
#include "api/views.hpp"
#include "domain/lifecycle.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::orders::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct CheckoutInput {
  std::string store_id;
  std::string payment_method;
  Delivery delivery;
};

CheckoutInput ParseCheckout(const std::string& body) {
  JsonReader r(body);
  CheckoutInput in;
  in.store_id = r.String("store_id", StringRule{36, 36});
  in.payment_method = r.Enum("payment_method", {"momo", "orange_money", "cash"});
  JsonReader d = r.Object("delivery");
  JsonReader loc = d.Object("location");
  in.delivery.lat = loc.Number("lat", -90, 90);
  in.delivery.lon = loc.Number("lon", -180, 180);
  loc.RejectUnknownFields();
  in.delivery.landmark = d.OptionalString("landmark", StringRule{1, 200});
  in.delivery.instructions = d.OptionalString("instructions", StringRule{1, 500});
  d.RejectUnknownFields();
  r.RejectUnknownFields();
  if (!paging::IsUuid(in.store_id)) r.Fail("store_id", "INVALID_FORMAT", "a store id (UUID)");
  // Cameroon's bounding box: a point outside it is a typo or a spoofed position.
  if (in.delivery.lat < 1.6 || in.delivery.lat > 13.1 || in.delivery.lon < 8.4 || in.delivery.lon > 16.2)
    r.Fail("delivery.location", "OUT_OF_RANGE", "the delivery point must be in Cameroon");
  r.Finish();
  for (char& c : in.store_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return in;
}

// RFC 3339 UTC with milliseconds, as the store renders timestamps.
std::string Rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

int LocalHourWat() {
  std::time_t now = std::time(nullptr) + 3600;  // WAT = UTC+1, no daylight saving
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_hour;
}

struct Priced {
  std::int64_t items = 0;
  domain::Fee fee;
  double straight_m = 0;
};

json::object PlacedJson(const State& s, const OrderRow& o, const products::Reservation& r, const Priced& p,
                        std::string_view lang, const Delivery& d) {
  json::object j;
  j["id"] = o.public_id;
  j["status"] = o.status;
  j["store_id"] = o.store_id;
  j["merchant_id"] = o.merchant_id;
  j["payment_method"] = o.payment_method;
  j["currency"] = "XAF";
  j["items_xaf"] = p.items;
  j["delivery_fee_xaf"] = p.fee.total;
  json::object fee;
  fee["base_xaf"] = p.fee.base;
  fee["rain_xaf"] = p.fee.rain;
  fee["night_xaf"] = p.fee.night;
  fee["road_m"] = p.fee.road_m;
  j["delivery_fee"] = std::move(fee);
  j["total_xaf"] = p.items + p.fee.total;
  j["distance_m"] = static_cast<std::int64_t>(p.straight_m);
  json::array lines;
  for (const auto& l : r.lines) {
    json::object it;
    it["product_id"] = l.product_id;
    it["name"] = lang == "en" ? l.name_en : l.name_fr;
    it["unit_price_xaf"] = l.unit_price_xaf;
    it["qty"] = l.qty;
    it["line_total_xaf"] = l.unit_price_xaf * l.qty;
    lines.push_back(std::move(it));
  }
  j["lines"] = std::move(lines);
  (void)d;
  j["payment_due_at"] = o.payment_due_at ? json::value(*o.payment_due_at) : json::value(nullptr);
  (void)s;
  return j;
}

std::vector<products::Line> CartOf(const pg::Result& rows) {
  std::vector<products::Line> lines;
  for (const pg::Row& r : rows) lines.push_back(products::Line{r.Get<std::string>(0), r.Get<int>(1)});
  return lines;
}

// Checks the store and the address; returns the distance.
double CheckAddress(const users::StoreInfo& store, const CheckoutInput& in, const std::vector<NoGoZone>& zones) {
  if (store.paused) throw Error(ErrorCode::kStorePaused);
  domain::Point from{store.lat, store.lon};
  domain::Point to{in.delivery.lat, in.delivery.lon};
  double m = domain::HaversineM(from, to);
  if (m > store.delivery_radius_m)
    throw Error(ErrorCode::kOutOfDeliveryArea,
                "this store delivers up to " + std::to_string(store.delivery_radius_m / 1000.0).substr(0, 4) +
                    " km; this address is " + std::to_string(m / 1000.0).substr(0, 4) + " km away");
  for (const NoGoZone& z : zones)
    if (z.active && domain::InPolygon(to, z.ring))
      throw Error(ErrorCode::kNoGoZone, "moto-taxis may not enter " + z.name + ": choose a pickup point outside it");
  return m;
}

OrderRow NewOrder(const State& s, const std::string& order_id, const std::string& customer,
                  const users::StoreInfo& store, const CheckoutInput& in, const Priced& p) {
  OrderRow o;
  o.id = order_id;
  o.public_id = PublicId(order_id);
  o.customer_id = customer;
  o.store_id = store.id;
  o.merchant_id = store.merchant_id;
  o.status = std::string(domain::InitialStatus(in.payment_method));
  o.payment_method = in.payment_method;
  o.stock = in.payment_method == "cash" ? "committed" : "held";
  o.items_xaf = p.items;
  o.delivery_fee_xaf = p.fee.total;
  o.total_xaf = p.items + p.fee.total;
  o.distance_m = static_cast<int>(p.straight_m);
  o.zone = domain::Geohash(domain::Point{in.delivery.lat, in.delivery.lon});
  o.delivery_enc = SealDelivery(s, order_id, in.delivery);
  if (o.status == "pending_payment")
    o.payment_due_at = Rfc3339(std::chrono::system_clock::now() + s.settings.payment_ttl);
  return o;
}

// PostgreSQL array literals of the reserved lines, for one INSERT … unnest.
struct LineArrays {
  std::string ids, fr, en, prices, qtys;
};
std::string Quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}
LineArrays ArraysOf(const products::Reservation& r) {
  LineArrays a;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const char* sep = i == 0 ? "" : ",";
    a.ids += sep + r.lines[i].product_id;
    a.fr += sep + Quoted(r.lines[i].name_fr);
    a.en += sep + Quoted(r.lines[i].name_en);
    a.prices += sep + std::to_string(r.lines[i].unit_price_xaf);
    a.qtys += sep + std::to_string(r.lines[i].qty);
  }
  for (std::string* s : {&a.ids, &a.fr, &a.en, &a.prices, &a.qtys}) *s = "{" + *s + "}";
  return a;
}

void LogLeftToRecovery(const std::string& order_id, const std::string& error) {
  log::Warn("orders.checkout_left_to_recovery", {{"order", order_id}, {"error", error}});
}
void LogCheckoutFailed(const Error& e) { log::Warn("orders.checkout_failed", {{"error", e.what()}}); }

std::vector<std::string> ProductIdsOf(const products::Reservation& r) {
  std::vector<std::string> ids;
  for (const auto& l : r.lines) ids.push_back(l.product_id);
  return ids;
}
std::vector<std::int64_t> QuantitiesOf(const products::Reservation& r) {
  std::vector<std::int64_t> units;
  for (const auto& l : r.lines) units.push_back(l.qty);
  return units;
}

// The one transaction that acknowledges the order.
asio::awaitable<bool> Persist(StatePtr s, OrderRow o, products::Reservation r, idempotency::Claim claim,
                              std::string caller, std::string key, std::string body, Deadline d) {
  pg::Transaction tx = co_await s->db->Begin(d);
  pg::Result inserted = co_await tx.Execute(
      store::kOrderInsert, o.id, o.public_id, o.customer_id, o.store_id, o.merchant_id, o.status, o.payment_method,
      o.stock, o.items_xaf, o.delivery_fee_xaf, o.total_xaf, o.distance_m, o.zone, o.delivery_enc, o.payment_due_at);
  if (inserted.affected() == 0) co_return false;  // a retry of a checkout that already committed
  LineArrays arrays = ArraysOf(r);
  co_await tx.Execute(store::kLinesInsert, o.id, arrays.ids, arrays.fr, arrays.en, arrays.prices, arrays.qtys);
  std::optional<std::string> no_reason;
  std::optional<std::string> no_from;
  std::string customer_role = "customer";
  std::string first = "pending_payment";
  co_await tx.Execute(store::kTimelineInsert, o.id, no_from, first, o.customer_id, customer_role, no_reason);
  std::string placed = events::Placed(FactsOf(o), ProductIdsOf(r), QuantitiesOf(r));
  co_await s->outbox->Append(tx, "order.placed", placed);
  if (o.status == "confirmed") {
    std::string system = "system";
    std::optional<std::string> cod = std::string("cash on delivery");
    std::optional<std::string> nobody;
    co_await tx.Execute(store::kTimelineInsert, o.id, first, o.status, nobody, system, cod);
    std::string confirmed = events::Moved(FactsOf(o), first, system, "");
    co_await s->outbox->Append(tx, "order.confirmed", confirmed);
  }
  // Only the lines that were ordered: a line the customer added meanwhile stays in the cart.
  co_await tx.Execute(store::kCartClearLines, o.customer_id, o.store_id, arrays.ids);
  std::string location = "/v1/orders/" + o.public_id;
  co_await s->idempotency->Complete(tx, claim, caller, key, 201, body, location);
  co_await tx.Commit();
  co_return true;
}

// The order this checkout already created (a retry after a crash or after a takeover), answered as a 201.
asio::awaitable<std::optional<http::Response>> AlreadyPlaced(StatePtr s, std::string order_id, std::string lang,
                                                             Deadline d) {
  std::optional<OrderRow> existing = co_await LoadOrder(*s->db, d, order_id);
  if (!existing) co_return std::nullopt;
  pg::Result lines = co_await s->db->Execute(d, store::kOrderLines, order_id);
  http::Response again = JsonAnswer(OrderJson(*s, *existing, lang, &lines, nullptr, false), 201);
  again.Header("Location", "/v1/orders/" + existing->public_id);
  co_return again;
}

// Reservations outlive the payment window a little, so that the expiry job (not products' sweep) decides what
// happens to an unpaid order, and a payment confirmed at the last second still finds its stock.
std::chrono::seconds ReservationTtl(const Settings& st) {
  std::chrono::milliseconds margin = std::max<std::chrono::milliseconds>(std::chrono::seconds(5), 2 * st.sweep);
  return st.payment_ttl + std::chrono::duration_cast<std::chrono::seconds>(margin) + std::chrono::seconds(1);
}

asio::awaitable<http::Response> Place(StatePtr s, std::string customer, std::string key, CheckoutInput in,
                                      idempotency::Claim claim, std::string lang, Deadline d) {
  std::string order_id = claim.resource_id;
  if (claim.taken_over) {  // a retry after the first attempt went silent: it may have placed the order
    std::optional<http::Response> again = co_await AlreadyPlaced(s, order_id, lang, d);
    if (again) {
      co_await s->idempotency->CompleteAlone(*s->db, d, claim, customer, key, 201, again->body);
      co_return *again;
    }
  }
  pg::Result cart = co_await s->db->Execute(d, store::kCartLines, customer, in.store_id);
  if (cart.empty()) throw Error(ErrorCode::kCartEmpty, "add products to your cart for this store first");
  std::optional<users::StoreInfo> store = co_await s->users->Store(d, in.store_id);
  if (!store || !store->merchant_approved) throw Error(ErrorCode::kStoreNotFound);
  std::shared_ptr<const std::vector<NoGoZone>> zones = co_await Zones(s, d);
  Priced p;
  p.straight_m = CheckAddress(*store, in, *zones);
  p.fee = domain::DeliveryFee(s->settings.tariff, p.straight_m, s->settings.raining, LocalHourWat());

  bool take_now = in.payment_method == "cash";
  std::vector<products::Line> wanted = CartOf(cart);
  std::chrono::seconds ttl = ReservationTtl(s->settings);
  products::Reservation r = co_await s->products->Reserve(d, order_id, in.store_id, wanted, ttl, take_now);
  if (r.status != "held" && r.status != "committed")
    throw Error(ErrorCode::kOutOfStock, "the stock held for this checkout has lapsed: check out again");

  OrderRow o = NewOrder(*s, order_id, customer, *store, in, p);
  for (const auto& l : r.lines) p.items += l.unit_price_xaf * l.qty;
  o.items_xaf = p.items;
  o.total_xaf = p.items + p.fee.total;
  // The stored answer carries no personal data (the drop-off point stays encrypted in the order).
  std::string text = json::serialize(PlacedJson(*s, o, r, p, lang, in.delivery));
  bool created = co_await Persist(s, o, r, claim, customer, key, text, d);
  if (!created) {
    std::optional<http::Response> existing = co_await AlreadyPlaced(s, order_id, lang, d);
    if (existing) co_return *existing;
    throw Unavailable("try again");
  }
  http::Response res = http::Response::Json(text, 201);
  res.Header("Location", "/v1/orders/" + o.public_id);
  co_return res;
}

// After a checkout failed: unless its order was saved after all (a commit whose answer was lost), give any
// reserved stock back, then store the refusal (4xx, replayed for this key) or free the key (5xx). If any of this
// fails, the claim stays and the stranded-checkout job compensates later.
asio::awaitable<void> AfterFailure(StatePtr s, idempotency::Claim claim, std::string customer, std::string key,
                                   int refusal_status, std::string refusal_body) {
  Deadline d = Clock::now() + std::chrono::seconds(5);
  std::string failure;
  try {
    std::optional<OrderRow> saved = co_await LoadOrder(*s->db, d, claim.resource_id);
    if (!saved) {
      co_await s->products->Release(d, claim.resource_id);
      if (refusal_status > 0) {
        co_await s->idempotency->CompleteAlone(*s->db, d, claim, customer, key, refusal_status, refusal_body);
      } else {
        co_await s->idempotency->Abandon(*s->db, d, claim, customer, key);
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) LogLeftToRecovery(claim.resource_id, failure);
}

asio::awaitable<http::Response> Checkout(StatePtr s, http::Request& req) {
  if (!req.principal() || req.principal()->role != "customer") throw Forbidden("only customers check out");
  std::string customer = req.principal()->subject;
  std::string key = *idempotency::KeyOf(req, true);
  CheckoutInput in = ParseCheckout(req.body());
  std::string fingerprint = idempotency::Fingerprint(req);
  std::string fresh_id = crypto::UuidV7();
  idempotency::Claim claim = co_await s->idempotency->Begin(*s->db, req.deadline(), customer, key, fingerprint,
                                                            fresh_id, s->settings.claim_timeout);
  if (claim.kind == idempotency::Claim::Kind::kReplay) co_return idempotency::Replayed(claim);

  std::optional<Error> refused;
  std::string lang(req.lang());
  try {
    co_return co_await Place(s, customer, key, in, claim, lang, req.deadline());
  } catch (const Error& e) {
    refused = e;
  } catch (const std::exception& e) {
    refused = Error(ErrorCode::kInternal, e.what());
  }
  int status = Describe(refused->code()).status;
  bool final_refusal = status < 500;
  std::string problem = final_refusal ? RenderProblem(*refused, req.request_id(), req.lang()) : std::string();
  co_await AfterFailure(s, claim, customer, key, final_refusal ? status : 0, problem);
  if (final_refusal) throw *refused;
  LogCheckoutFailed(*refused);
  throw Unavailable("checkout failed; nothing was kept: try again with the same Idempotency-Key");
}

}  // namespace

void AddCheckoutRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/checkout", http::AsyncHandler([s](http::Request& r) { return Checkout(s, r); }));
}

}  // namespace okada::orders::api
