#include "domain/lifecycle.hpp"

#include <algorithm>
#include <cmath>

namespace okada::delivery::domain {

namespace {

constexpr unsigned Bit(Actor a) { return 1u << static_cast<unsigned>(a); }
constexpr unsigned kRider = Bit(Actor::kRider);
constexpr unsigned kDesk = Bit(Actor::kDesk);
constexpr unsigned kSystem = Bit(Actor::kSystem);

// The whole machine. Adding a move = one row here (and the drawing in lifecycle.hpp and the README).
const std::vector<Move>& Moves() {
  static const std::vector<Move> moves = {
      {"unassigned", "offered", kSystem, "delivery.offered"},
      {"offered", "unassigned", kSystem | kRider | kDesk, ""},  // declined or lapsed: the next rider
      {"offered", "assigned", kRider | kDesk, "delivery.assigned"},
      {"assigned", "at_store", kRider | kDesk, ""},
      {"assigned", "picked_up", kRider | kDesk, "delivery.picked_up"},
      {"at_store", "picked_up", kRider | kDesk, "delivery.picked_up"},
      {"assigned", "unassigned", kDesk, ""},  // support takes a rider off (breakdown): offered again
      {"at_store", "unassigned", kDesk, ""},
      {"picked_up", "arriving", kRider | kDesk | kSystem, "delivery.arriving"},
      {"picked_up", "delivered", kRider | kDesk, "delivery.delivered"},
      {"arriving", "delivered", kRider | kDesk, "delivery.delivered"},
      {"picked_up", "failed", kRider | kDesk, "delivery.failed"},
      {"arriving", "failed", kRider | kDesk, "delivery.failed"},
      {"failed", "returned", kRider | kDesk, "delivery.returned"},
      {"unassigned", "cancelled", kSystem | kDesk, ""},
      {"offered", "cancelled", kSystem | kDesk, ""},
      {"assigned", "cancelled", kSystem | kDesk, ""},
      {"at_store", "cancelled", kSystem | kDesk, ""},
  };
  return moves;
}

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kPi = 3.14159265358979323846;
constexpr const char* kBase32 = "0123456789bcdefghjkmnpqrstuvwxyz";

}  // namespace

const std::vector<std::string_view>& Statuses() {
  static const std::vector<std::string_view> s = {"unassigned", "offered",   "assigned", "at_store", "picked_up",
                                                  "arriving",   "delivered", "failed",   "returned", "cancelled"};
  return s;
}

bool IsFinal(std::string_view status) {
  return std::none_of(Moves().begin(), Moves().end(), [&](const Move& m) { return m.from == status; });
}

bool IsActive(std::string_view status) {
  return status == "assigned" || status == "at_store" || status == "picked_up" || status == "arriving";
}

const Move& Decide(std::string_view from, std::string_view to, Actor actor) {
  for (const Move& m : Moves()) {
    if (m.from != from || m.to != to) continue;
    if ((m.actors & Bit(actor)) == 0) throw Error(ErrorCode::kForbidden, "this step is not yours to take");
    return m;
  }
  throw Error(ErrorCode::kDeliveryInvalidTransition,
              "the delivery is " + std::string(from) + "; it cannot become " + std::string(to));
}

double DistanceM(double lat1, double lon1, double lat2, double lon2) {
  auto rad = [](double d) { return d * kPi / 180.0; };
  double dlat = rad(lat2 - lat1), dlon = rad(lon2 - lon1);
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(rad(lat1)) * std::cos(rad(lat2)) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string Geohash(double lat, double lon, int precision) {
  double lat_lo = -90, lat_hi = 90, lon_lo = -180, lon_hi = 180;
  std::string out;
  bool even = true;
  int bit = 0, ch = 0;
  while (static_cast<int>(out.size()) < precision) {
    if (even) {
      double mid = (lon_lo + lon_hi) / 2;
      ch = ch * 2 + (lon >= mid ? 1 : 0);
      (lon >= mid ? lon_lo : lon_hi) = mid;
    } else {
      double mid = (lat_lo + lat_hi) / 2;
      ch = ch * 2 + (lat >= mid ? 1 : 0);
      (lat >= mid ? lat_lo : lat_hi) = mid;
    }
    even = !even;
    if (++bit == 5) {
      out += kBase32[ch];
      bit = 0;
      ch = 0;
    }
  }
  return out;
}

bool InZones(const std::vector<std::string>& zones, std::string_view pickup_zone) {
  if (zones.empty()) return true;
  return std::any_of(zones.begin(), zones.end(), [&](const std::string& z) { return pickup_zone.rfind(z, 0) == 0; });
}

std::int64_t RiderFee(std::int64_t delivery_fee_xaf, int rider_share_bp) {
  return delivery_fee_xaf * rider_share_bp / 10000;
}

double SearchRadiusM(int offers_made, double base_m, int per_ring, double max_m) {
  int rings = per_ring > 0 ? offers_made / per_ring : 0;
  double r = base_m * std::pow(2.0, std::min(rings, 10));
  return std::min(r, max_m);
}

std::optional<std::string> CheckPhotoProof(double lat, double lon, double drop_lat, double drop_lon, double radius_m,
                                           long long captured_ms, long long now_ms, long long max_age_s) {
  if (captured_ms > now_ms + 60'000 || captured_ms < now_ms - max_age_s * 1000) return std::string("captured_at");
  if (DistanceM(lat, lon, drop_lat, drop_lon) > radius_m) return std::string("location");
  return std::nullopt;
}

}  // namespace okada::delivery::domain
