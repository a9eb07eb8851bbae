// The delivery jobs: lapse offers whose countdown ran out, offer deliveries whose time has come (the brain's
// dispatch API when it answers, nearest available rider otherwise), finish what orders and payments still have to
// hear, and keep the trip history's daily partitions.
#include <boost/json.hpp>
#include <set>

#include "api/api.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/service_call.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/statements.hpp"

namespace okada::delivery {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Candidate {
  std::string rider_id;
  double distance_m = 0;
  double lat = 0, lon = 0;
};

// Up to `count` riders near the store with a fresh position, nearest first (Redis GEO); empty when Redis is down.
// `*full` says whether the search hit `count` (there may be more riders further away within the radius).
asio::awaitable<std::vector<Candidate>> Nearby(StatePtr s, const DeliveryRow& d, double radius_m, std::size_t count,
                                               Deadline deadline, bool* full) {
  std::vector<Candidate> out;
  std::string failure;
  redis::Reply geo, seen;
  try {
    char lon[32], lat[32], radius[32];
    std::snprintf(lon, sizeof lon, "%.7f", d.pickup_lon);
    std::snprintf(lat, sizeof lat, "%.7f", d.pickup_lat);
    std::snprintf(radius, sizeof radius, "%.0f", radius_m);
    std::vector<std::string> search{
        "GEOSEARCH", kPositionsKey, "FROMLONLAT",          lon,        lat,        "BYRADIUS", radius, "m",
        "ASC",       "COUNT",       std::to_string(count), "WITHDIST", "WITHCOORD"};
    geo = co_await s->redis->Local().Command(std::move(search), deadline);
    if (!geo.is_error() && !geo.elements.empty()) {
      std::vector<std::string> cmd{"ZMSCORE", kSeenKey};
      for (const redis::Reply& e : geo.elements)
        if (!e.elements.empty()) cmd.push_back(e.elements[0].str);
      seen = co_await s->redis->Local().Command(std::move(cmd), deadline);
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    log::Warn("delivery.nearby_failed", {{"error", failure}});
    co_return out;
  }
  if (geo.is_error()) {
    log::Warn("delivery.nearby_failed", {{"error", geo.str}});
    co_return out;
  }
  *full = geo.elements.size() >= count;
  std::int64_t fresh_after = NowMs() - s->settings.position_stale.count();
  for (std::size_t i = 0; i < geo.elements.size(); ++i) {
    const redis::Reply& e = geo.elements[i];
    if (e.elements.size() < 3 || e.elements[2].elements.size() != 2) continue;
    if (i >= seen.elements.size() || seen.elements[i].is_nil()) continue;
    if (std::stod(seen.elements[i].str) < static_cast<double>(fresh_after)) continue;
    Candidate c;
    c.rider_id = e.elements[0].str;
    c.distance_m = std::stod(e.elements[1].str);
    c.lon = std::stod(e.elements[2].elements[0].str);
    c.lat = std::stod(e.elements[2].elements[1].str);
    out.push_back(std::move(c));
  }
  co_return out;
}

std::string UuidArray(const std::vector<Candidate>& cs) {
  std::string out = "{";
  for (std::size_t i = 0; i < cs.size(); ++i) out += (i ? "," : "") + cs[i].rider_id;
  return out + "}";
}

json::object Point(double lat, double lon) {
  json::object p;
  p["lat"] = lat;
  p["lon"] = lon;
  return p;
}

std::string DispatchBody(const State& s, const DeliveryRow& d, const std::vector<Candidate>& riders) {
  json::array rs;
  for (const Candidate& c : riders) {
    json::object r;
    r["id"] = c.rider_id;
    r["position"] = Point(c.lat, c.lon);
    r["capacity"] = 1;
    r["stops"] = json::array();
    rs.push_back(std::move(r));
  }
  DropOff drop = OpenDropOff(s, d);
  json::object o;
  o["id"] = d.public_order_id;
  o["pickup"] = Point(d.pickup_lat, d.pickup_lon);
  o["ready_at"] = d.ready_expected_at;
  o["dropoff"] = Point(drop.lat, drop.lon);
  json::array os;
  os.push_back(std::move(o));
  json::object body;
  body["riders"] = std::move(rs);
  body["orders"] = std::move(os);
  body["deadline_ms"] = s.settings.brain_timeout.count();
  return json::serialize(body);
}

// The brain's choice among `riders` for `d`, or nullopt (brain absent, breaker open, failed, or no choice).
asio::awaitable<std::optional<std::string>> AskBrain(StatePtr s, const DeliveryRow& d,
                                                     const std::vector<Candidate>& riders) {
  if (s->brain == nullptr || riders.empty()) co_return std::nullopt;
  int shard = IoPool::CurrentShard();
  resilience::CircuitBreaker& breaker = *s->brain_breakers[shard < 0 ? 0 : static_cast<std::size_t>(shard)];
  if (!breaker.Allow()) co_return std::nullopt;
  std::optional<std::string> chosen;
  std::string failure;
  try {
    http::ClientRequest req =
        http::ServiceRequest(http::Method::kPost, "/v1/brain/dispatch/assign", s->service_token,
                             DispatchBody(*s, d, riders), Clock::now() + s->settings.brain_timeout);
    http::ClientResponse res = co_await s->brain->Call(std::move(req));
    json::object answer = http::ServiceAnswer(res, "delivery_brain", "the AI Brain", "dispatch", {});
    if (const json::value* a = answer.if_contains("assignments"); a && a->is_array()) {
      for (const json::value& x : a->get_array()) {
        if (!x.is_object()) continue;
        const json::value* rider = x.get_object().if_contains("rider_id");
        const json::value* ids = x.get_object().if_contains("order_ids");
        if (!rider || !rider->is_string() || !ids || !ids->is_array()) continue;
        for (const json::value& id : ids->get_array())
          if (id.is_string() && id.get_string() == d.public_order_id) chosen = std::string(rider->get_string());
      }
    }
    breaker.RecordSuccess();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    breaker.RecordFailure();
    log::Warn("delivery.brain_dispatch_failed", {{"error", failure}});
    co_return std::nullopt;
  }
  // The brain may only pick among the riders it was given.
  for (const Candidate& c : riders)
    if (chosen && c.rider_id == *chosen) co_return chosen;
  co_return std::nullopt;
}

struct Made {
  std::string rider_id, offer_id;
  json::object message;
};

// One delivery: find a rider and offer it to him (in `tx`, which holds the delivery's row).
asio::awaitable<std::optional<Made>> OfferOne(StatePtr s, pg::Transaction& tx, DeliveryRow& d, Deadline deadline) {
  const Settings& st = s->settings;
  double radius = domain::SearchRadiusM(d.offers_made, st.search_radius_m, st.riders_per_ring, st.search_radius_max_m);
  // The nearest riders first; when all of them are busy (a crowded area), look at more of them.
  std::vector<Candidate> eligible;
  static constexpr std::size_t kCounts[] = {64, 512, 4096};
  for (std::size_t count : kCounts) {
    bool full = false;
    std::vector<Candidate> near = co_await Nearby(s, d, radius, count, deadline, &full);
    if (near.empty()) co_return std::nullopt;
    pg::Result ok = co_await tx.Execute(store::kEligible, UuidArray(near), d.id, d.pickup_zone, st.rider_capacity);
    std::set<std::string> allowed;
    for (const pg::Row& r : ok) allowed.insert(r.Get<std::string>("rider_id"));
    for (const Candidate& c : near)
      if (allowed.count(c.rider_id)) eligible.push_back(c);
    if (!eligible.empty() || !full) break;
  }
  if (eligible.empty()) co_return std::nullopt;
  std::string via = "brain";
  std::optional<std::string> chosen = co_await AskBrain(s, d, eligible);
  if (!chosen) {
    via = "nearest";
    chosen = eligible.front().rider_id;
  }
  const Candidate* c = &eligible.front();
  for (const Candidate& e : eligible)
    if (e.rider_id == *chosen) c = &e;
  std::string offer_id = crypto::UuidV7();
  std::int64_t expires = NowMs() + st.offer_ttl.count();
  co_await tx.Execute(store::kOfferInsert, offer_id, d.id, c->rider_id, via, static_cast<int>(c->distance_m), expires);
  co_await tx.Execute(store::kOffersMade, d.id);
  (via == "brain" ? s->offers_by_brain : s->offers_by_nearest)->Add();
  json::object detail;
  detail["offer_id"] = offer_id;
  detail["via"] = via;
  d.rider_id = c->rider_id;  // for the event payload only: the delivery has no rider until he accepts
  json::object extra;
  extra["attempt"] = d.offers_made + 1;
  extra["distance_m"] = static_cast<std::int64_t>(c->distance_m);
  extra["rider_fee_xaf"] = d.rider_fee_xaf;
  extra["expires_at"] = Rfc3339Millis(expires);
  Who system;
  co_await MoveIn(s, tx, d, "offered", system, std::nullopt, false, detail, extra);
  pg::Result row = co_await tx.Execute(store::kOfferLock, offer_id);
  Made m;
  m.rider_id = c->rider_id;
  m.offer_id = offer_id;
  m.message = OfferJson(row.front());
  m.message["type"] = "offer";
  co_return m;
}

}  // namespace

// A job's deadline is its interval (short, to keep offers snappy); a pass may take longer than that: the next
// pass simply starts later. Each pass gets at least this long.
constexpr std::chrono::seconds kPassBudget{3};

Deadline PassDeadline(Deadline job) { return std::max(job, Clock::now() + kPassBudget); }

asio::awaitable<void> OfferDue(StatePtr s, Deadline job_deadline) {
  Deadline deadline = PassDeadline(job_deadline);
  Deadline stop_taking = std::max(job_deadline, Clock::now() + std::chrono::seconds(1));
  for (int i = 0; i < 50 && Clock::now() < stop_taking; ++i) {
    pg::Transaction tx = co_await s->db->Begin(deadline);
    pg::Result due = co_await tx.Execute(store::kToOffer, 1);
    if (due.empty()) co_return;
    DeliveryRow d = ToDelivery(due.front());
    std::optional<Made> made = co_await OfferOne(s, tx, d, deadline);
    if (!made) {
      // Nobody free nearby: look again in a few seconds, after the others waiting.
      co_await tx.Execute(store::kOfferLater, d.id);
      co_await tx.Commit();
      continue;
    }
    co_await tx.Commit();
    co_await Tell(s, "rider:" + made->rider_id, made->message);
    d.rider_id.reset();
    co_await TellMoved(s, d);
  }
}

asio::awaitable<void> LapseOffers(StatePtr s, Deadline job_deadline) {
  Deadline deadline = PassDeadline(job_deadline);
  pg::Transaction tx = co_await s->db->Begin(deadline);
  pg::Result lapsed = co_await tx.Execute(store::kOffersLapsed, 100);
  std::vector<std::pair<std::string, std::string>> told;
  for (const pg::Row& o : lapsed) {
    std::string id = o.Get<std::string>("id");
    co_await tx.Execute(store::kOfferAnswer, id, std::string("expired"));
    pg::Result locked = co_await tx.Execute(store::kDeliveryLockById, o.Get<std::string>("delivery_id"));
    DeliveryRow d = ToDelivery(locked.front());
    if (d.status == "offered") {
      json::object detail;
      detail["offer_id"] = id;
      detail["lapsed"] = true;
      Who system;
      co_await MoveIn(s, tx, d, "unassigned", system, std::nullopt, true, detail);
    }
    told.emplace_back(o.Get<std::string>("rider_id"), id);
  }
  co_await tx.Commit();
  for (const auto& [rider, id] : told) co_await Tell(s, "rider:" + rider, OfferClosed(id, "expired"));
}

asio::awaitable<void> SyncDue(StatePtr s, Deadline job_deadline) {
  Deadline deadline = PassDeadline(job_deadline);
  pg::Result due = co_await s->db->Execute(deadline, store::kDeliveryDue, 50);
  for (const pg::Row& r : due) {
    if (Clock::now() >= deadline) break;
    co_await SyncDelivery(s, r.Get<std::string>("id"), deadline);
  }
}

asio::awaitable<void> KeepPartitions(StatePtr s, Deadline job_deadline) {
  Deadline deadline = PassDeadline(job_deadline);
  pg::Result have = co_await s->db->Execute(deadline, store::kPartitions);
  std::int64_t today = NowMs() / 86'400'000;
  std::vector<std::string> names;
  for (const pg::Row& r : have) names.push_back(r.Get<std::string>(0));
  std::string script;
  for (int i = 0; i <= 2; ++i) {
    std::string day = Rfc3339Millis((today + i) * 86'400'000).substr(0, 10);
    std::string next = Rfc3339Millis((today + i + 1) * 86'400'000).substr(0, 10);
    std::string name = "positions_" + day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    script += "CREATE TABLE IF NOT EXISTS delivery." + name + " PARTITION OF delivery.positions FOR VALUES FROM ('" +
              day + "') TO ('" + next + "');";
  }
  std::string oldest = Rfc3339Millis((today - s->settings.keep_positions_days) * 86'400'000).substr(0, 10);
  std::string oldest_name = "positions_" + oldest.substr(0, 4) + oldest.substr(5, 2) + oldest.substr(8, 2);
  for (const std::string& n : names)
    if (n < oldest_name) script += "DROP TABLE IF EXISTS delivery." + n + ";";
  if (!script.empty()) co_await s->db->Local().ExecuteScript(deadline, script);
}

}  // namespace okada::delivery
