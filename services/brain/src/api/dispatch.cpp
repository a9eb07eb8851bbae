// POST /v1/brain/dispatch/assign: one dispatch round (domain/dispatch.hpp) for the delivery service.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "api/api.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/store.hpp"

namespace okada::brain::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRiders = 2000;
constexpr std::size_t kMaxOrders = 5000;
constexpr std::size_t kMaxStops = 20;

dispatch::Point ReadPoint(JsonReader& r, std::string_view field) {
  JsonReader p = r.Object(field);
  dispatch::Point out;
  out.lat = p.Number("lat", -90, 90);
  out.lon = p.Number("lon", -180, 180);
  p.RejectUnknownFields();
  return out;
}

// An optional RFC 3339 time as Unix seconds; `fallback` when absent.
double ReadTime(JsonReader& r, std::string_view field, double fallback) {
  std::optional<std::string> text = r.OptionalString(field, StringRule{1, 40});
  if (!text) return fallback;
  std::optional<std::int64_t> ms = ParseRfc3339Millis(*text);
  if (!ms) {
    r.Fail(field, "INVALID_FORMAT", "an RFC 3339 date-time, e.g. 2026-03-01T10:00:00Z");
    return fallback;
  }
  return static_cast<double>(*ms) / 1000.0;
}

struct Request {
  dispatch::Input input;
  bool rain = false;
  bool fill = false;
  std::chrono::milliseconds deadline{0};
};

Request Parse(const State& s, const std::string& body) {
  JsonReader r(body);
  Request out;
  double now = static_cast<double>(UnixMillisNow()) / 1000.0;
  out.input.now_s = ReadTime(r, "now", now);
  out.rain = r.OptionalBool("rain").value_or(false);
  out.fill = r.OptionalBool("fill").value_or(s.options.fill);
  out.deadline = std::chrono::milliseconds(r.Int("deadline_ms", 10, s.max_deadline.count()));
  const double promise = s.default_promise_s;
  r.Array("riders", 0, kMaxRiders, [&](JsonReader& x, std::size_t) {
    dispatch::Rider rider;
    rider.id = x.String("id", StringRule{1, 100});
    rider.at = ReadPoint(x, "position");
    rider.capacity = static_cast<int>(x.Int("capacity", 0, 10));
    if (x.Has("stops")) {
      x.Array("stops", 0, kMaxStops, [&](JsonReader& y, std::size_t) {
        dispatch::Stop stop;
        stop.order_id = y.String("order_id", StringRule{1, 100});
        stop.kind = y.Enum("kind", {"pickup", "dropoff"}) == "pickup" ? dispatch::StopKind::kPickup
                                                                      : dispatch::StopKind::kDropoff;
        stop.at = ReadPoint(y, "position");
        stop.ready_s = ReadTime(y, "ready_at", out.input.now_s);
        stop.promised_s = ReadTime(y, "promised_at", std::numeric_limits<double>::infinity());
        rider.stops.push_back(std::move(stop));
      });
    }
    out.input.riders.push_back(std::move(rider));
  });
  r.Array("orders", 0, kMaxOrders, [&](JsonReader& x, std::size_t) {
    dispatch::Order order;
    order.id = x.String("id", StringRule{1, 100});
    order.pickup = ReadPoint(x, "pickup");
    order.ready_s = ReadTime(x, "ready_at", out.input.now_s);
    order.dropoff = ReadPoint(x, "dropoff");
    order.promised_s = ReadTime(x, "promised_at", std::max(order.ready_s, out.input.now_s) + promise);
    out.input.orders.push_back(std::move(order));
  });
  r.RejectUnknownFields();
  r.Finish();
  return out;
}

json::object PointJson(dispatch::Point p) {
  json::object o;
  o["lat"] = p.lat;
  o["lon"] = p.lon;
  return o;
}

std::string Iso(double unix_s) { return Rfc3339Millis(static_cast<std::int64_t>(std::llround(unix_s * 1000))); }

json::object AnswerJson(const dispatch::Result& res, const std::string& model, double elapsed_ms) {
  json::array assignments;
  for (const dispatch::Assignment& a : res.assignments) {
    json::object o;
    o["rider_id"] = a.rider_id;
    json::array ids;
    for (const std::string& id : a.order_ids) ids.push_back(json::value(id));
    o["order_ids"] = std::move(ids);
    json::array stops;
    for (const dispatch::PlannedStop& ps : a.stops) {
      json::object st;
      st["order_id"] = ps.stop.order_id;
      st["kind"] = ps.stop.kind == dispatch::StopKind::kPickup ? "pickup" : "dropoff";
      st["position"] = PointJson(ps.stop.at);
      st["eta"] = Iso(ps.eta_s);
      stops.push_back(std::move(st));
    }
    o["stops"] = std::move(stops);
    assignments.push_back(std::move(o));
  }
  json::array unassigned, reasons;
  for (const dispatch::Unassigned& u : res.unassigned) {
    unassigned.push_back(json::value(u.order_id));
    json::object w;
    w["order_id"] = u.order_id;
    w["reason"] = u.reason;
    reasons.push_back(std::move(w));
  }
  json::object stats;
  stats["lateness_s"] = res.lateness_s;
  stats["route_s"] = res.route_s;
  stats["batched_riders"] = res.batched_riders;
  stats["reordered_by_solver"] = res.solver_improved;
  stats["left_in_insertion_order"] = res.solver_skipped;
  stats["complete"] = res.complete;
  stats["elapsed_ms"] = elapsed_ms;
  stats["eta_model"] = model;
  json::object out;
  out["assignments"] = std::move(assignments);
  out["unassigned"] = std::move(unassigned);
  out["waiting"] = std::move(reasons);
  out["stats"] = std::move(stats);
  return out;
}

asio::awaitable<http::Response> Assign(StatePtr s, http::Request& req) {
  auto started = std::chrono::steady_clock::now();
  Request in = Parse(*s, req.body());
  // The caller's deadline, less a margin for the answer's journey; never beyond the request's own deadline.
  auto budget = started + in.deadline * 8 / 10;
  Deadline zones_by = std::min(req.deadline(), started + in.deadline / 4);
  std::shared_ptr<const std::vector<dispatch::Ring>> zones = co_await store::NoGoZones(s, zones_by);
  in.input.no_go = *zones;
  dispatch::TravelTable table = s->travel->TableFor(static_cast<std::int64_t>(in.input.now_s), in.rain);
  Deadline plan_by = std::min(budget, req.deadline());
  dispatch::Options options = s->options;
  options.fill = in.fill;
  dispatch::Result res = dispatch::Assign(in.input, table, options, plan_by);
  double elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  s->dispatch_seconds->Observe(elapsed_ms / 1000);
  std::size_t assigned = 0;
  for (const dispatch::Assignment& a : res.assignments) assigned += a.order_ids.size();
  s->dispatched_orders->Add(static_cast<std::int64_t>(assigned));
  s->waiting_orders->Add(static_cast<std::int64_t>(res.unassigned.size()));
  if (!res.complete) s->cut_rounds->Add();
  json::object answer = AnswerJson(res, s->travel->Version(), elapsed_ms);
  co_await store::LogRound(s, in.input, res, answer, elapsed_ms);
  co_return http::Response::Json(json::serialize(answer), 200);
}

}  // namespace

void AddDispatchRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/brain/dispatch/assign",
             http::AsyncHandler([s](http::Request& r) { return Assign(s, r); }));
}

}  // namespace okada::brain::api
