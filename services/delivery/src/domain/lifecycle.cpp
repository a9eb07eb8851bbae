#include "domain/lifecycle.hpp"

#include "okada/core/geo.hpp"

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
  if (geo::DistanceM(lat, lon, drop_lat, drop_lon) > radius_m) return std::string("location");
  return std::nullopt;
}

}  // namespace okada::delivery::domain
