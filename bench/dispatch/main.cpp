// okada-bench-dispatch: one dispatch round of the AI Brain on a simulated Douala lunchtime (bench/dispatch/run.sh).
//
// Builds a round from the OpenStreetMap points of Douala (data/geo): stores at pharmacies, restaurants, bars,
// bakeries, supermarkets and kiosks; doors at other points; riders scattered near points, some already carrying
// an order. Plans it in-process with the brain's dispatch (the code the service runs, with the built-in ETA
// model) under the given deadline, plans it again with greedy nearest-rider, scores both with the same travel
// table, and prints one JSON line. --write-request also writes the round as a POST /v1/brain/dispatch/assign
// body, so run.sh can time the same round through HTTP.
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "domain/dispatch.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/travel.hpp"

namespace {

namespace dispatch = okada::brain::dispatch;
namespace json = boost::json;

struct Poi {
  double lat = 0, lon = 0;
  bool store = false;
};

std::vector<Poi> ReadPois(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Poi> out;
  std::string line;
  std::getline(in, line);  // header: osm_node_id,lat,lon,name,tag,value
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the extract has CRLF line ends
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    if (f.size() < 6) continue;
    Poi p;
    try {
      p.lat = std::stod(f[1]);
      p.lon = std::stod(f[2]);
    } catch (const std::exception&) {
      continue;
    }
    const std::string& v = f[f.size() - 1];
    p.store = v == "pharmacy" || v == "restaurant" || v == "bar" || v == "bakery" || v == "supermarket" ||
              v == "kiosk" || v == "fast_food" || v == "convenience";
    // The delivery area: Douala's city centre and its neighbourhoods (not the outlying villages).
    if (p.lat > 3.98 && p.lat < 4.12 && p.lon > 9.64 && p.lon < 9.80) out.push_back(p);
  }
  return out;
}

std::string Iso(double unix_s) { return okada::Rfc3339Millis(static_cast<std::int64_t>(std::llround(unix_s * 1000))); }

json::object PointJson(dispatch::Point p) {
  json::object o;
  o["lat"] = p.lat;
  o["lon"] = p.lon;
  return o;
}

std::string RequestJson(const dispatch::Input& in, int deadline_ms, bool fill) {
  json::array riders;
  for (const dispatch::Rider& r : in.riders) {
    json::object o;
    o["id"] = r.id;
    o["position"] = PointJson(r.at);
    o["capacity"] = r.capacity;
    json::array stops;
    for (const dispatch::Stop& s : r.stops) {
      json::object st;
      st["order_id"] = s.order_id;
      st["kind"] = s.kind == dispatch::StopKind::kPickup ? "pickup" : "dropoff";
      st["position"] = PointJson(s.at);
      if (std::isfinite(s.promised_s)) st["promised_at"] = Iso(s.promised_s);
      stops.push_back(std::move(st));
    }
    o["stops"] = std::move(stops);
    riders.push_back(std::move(o));
  }
  json::array orders;
  for (const dispatch::Order& x : in.orders) {
    json::object o;
    o["id"] = x.id;
    o["pickup"] = PointJson(x.pickup);
    o["ready_at"] = Iso(x.ready_s);
    o["dropoff"] = PointJson(x.dropoff);
    o["promised_at"] = Iso(x.promised_s);
    orders.push_back(std::move(o));
  }
  json::object body;
  body["now"] = Iso(in.now_s);
  body["deadline_ms"] = deadline_ms;
  body["fill"] = fill;
  body["riders"] = std::move(riders);
  body["orders"] = std::move(orders);
  return json::serialize(body);
}

dispatch::Point Jitter(const Poi& p, std::mt19937_64& rng, double metres) {
  std::uniform_real_distribution<double> u(-metres, metres);
  return {p.lat + u(rng) / 111195.0, p.lon + u(rng) / 111000.0};
}

std::size_t Assigned(const dispatch::Result& r) {
  std::size_t n = 0;
  for (const dispatch::Assignment& a : r.assignments) n += a.order_ids.size();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  int orders = 1000, riders = 300, capacity = 3, deadline_ms = 200;
  std::string pois = "data/geo/douala_poi_nodes.csv", write_request;
  bool fill = false;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--fill") {
      fill = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "okada-bench-dispatch: " << k << " needs a value\n";
      return 2;
    }
    std::string v = argv[i + 1];
    if (k == "--seed")
      seed = std::stoull(v);
    else if (k == "--orders")
      orders = std::stoi(v);
    else if (k == "--riders")
      riders = std::stoi(v);
    else if (k == "--capacity")
      capacity = std::stoi(v);
    else if (k == "--deadline-ms")
      deadline_ms = std::stoi(v);
    else if (k == "--pois")
      pois = v;
    else if (k == "--write-request")
      write_request = v;
    else {
      std::cerr << "okada-bench-dispatch: unknown option " << k << "\n";
      return 2;
    }
  }
  try {
    std::vector<Poi> all = ReadPois(pois);
    std::vector<const Poi*> stores;
    for (const Poi& p : all)
      if (p.store) stores.push_back(&p);
    if (stores.empty() || all.size() < 10) throw std::runtime_error("too few points in " + pois);
    std::mt19937_64 rng(seed);
    dispatch::Input in;
    in.now_s = 1772449200 + static_cast<double>(seed % 5) * 86400;  // 12:00 WAT, Monday 2026-03-02 onwards
    std::uniform_int_distribution<std::size_t> any(0, all.size() - 1), store(0, stores.size() - 1);
    std::uniform_real_distribution<double> ready(0, 900), promise(1500, 2700), chance(0, 1);
    for (int i = 0; i < riders; ++i) {
      dispatch::Rider r;
      r.id = "rider-" + std::to_string(i);
      r.at = Jitter(all[any(rng)], rng, 300);
      r.capacity = capacity;
      if (chance(rng) < 0.2) {  // already carrying one order to its door
        dispatch::Stop s;
        s.order_id = "carried-" + std::to_string(i);
        s.kind = dispatch::StopKind::kDropoff;
        s.at = Jitter(all[any(rng)], rng, 100);
        s.promised_s = in.now_s + promise(rng) / 2;
        r.stops.push_back(s);
        r.capacity = capacity - 1;
      }
      in.riders.push_back(std::move(r));
    }
    for (int i = 0; i < orders; ++i) {
      dispatch::Order o;
      o.id = "ord-" + std::to_string(i);
      const Poi& s = *stores[store(rng)];
      o.pickup = {s.lat, s.lon};
      o.ready_s = in.now_s + ready(rng);
      o.dropoff = Jitter(all[any(rng)], rng, 150);
      o.promised_s = o.ready_s + promise(rng);
      in.orders.push_back(std::move(o));
    }
    if (!write_request.empty()) {
      std::ofstream out(write_request);
      out << RequestJson(in, deadline_ms, fill);
    }
    std::shared_ptr<const okada::brain::store::TravelModel> model = okada::brain::store::TravelModel::Load("builtin");
    dispatch::Options options;
    options.fill = fill;
    auto t0 = std::chrono::steady_clock::now();
    dispatch::TravelTable table = model->TableFor(static_cast<std::int64_t>(in.now_s), false);
    // The service's budget: 80 % of the caller's deadline (the rest is for the answer's journey).
    dispatch::Result ours = dispatch::Assign(in, table, options, t0 + std::chrono::milliseconds(deadline_ms * 8 / 10));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto g0 = std::chrono::steady_clock::now();
    dispatch::Result greedy = dispatch::Greedy(in, table, options);
    double greedy_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g0).count();
    json::object line;
    line["seed"] = seed;
    line["orders"] = orders;
    line["riders"] = riders;
    line["fill"] = fill;
    line["eta_model"] = model->Version();
    line["ms"] = ms;
    line["complete"] = ours.complete;
    line["assigned"] = Assigned(ours);
    line["batched_riders"] = ours.batched_riders;
    line["reordered_by_solver"] = ours.solver_improved;
    line["left_in_insertion_order"] = ours.solver_skipped;
    line["lateness_s"] = dispatch::TotalLateness(in, ours, table, options);
    line["greedy_ms"] = greedy_ms;
    line["greedy_assigned"] = Assigned(greedy);
    line["greedy_lateness_s"] = dispatch::TotalLateness(in, greedy, table, options);
    std::cout << json::serialize(line) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "okada-bench-dispatch: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
