#pragma once
/// The delivery machine (one per order), pure rules without I/O:
///
///   unassigned ──offer──► offered ──accept──► assigned ──arrived──► at_store ──pickup code──► picked_up
///        ▲                   │ decline / timeout                                                │
///        └───────────────────┘                                              arriving ◄──────────┤
///                                                                               │ code or photo │
///                                                                               ▼               ▼
///                                                                           delivered ◄─────────┘
///   picked_up | arriving ──(calls logged, customer unreachable)──► failed ──back at the store──► returned
///   unassigned | offered | assigned | at_store ──order cancelled──► cancelled
///
/// Decide() is the one place that says whether a move is allowed and for whom; every handler and job asks it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"

namespace okada::delivery::domain {

enum class Actor { kRider, kDesk, kSystem };

struct Move {
  std::string_view from, to;
  unsigned actors;         ///< bit set of Actor
  std::string_view event;  ///< emitted delivery.* event, or empty
};

/// Every status, in the order of the happy path.
const std::vector<std::string_view>& Statuses();
bool IsFinal(std::string_view status);
/// A delivery with a rider on it (the rider's position is the customer's business, the rider is busy).
bool IsActive(std::string_view status);
/// The move from → to by `actor`, or throws DELIVERY_INVALID_TRANSITION (409) / FORBIDDEN (403).
const Move& Decide(std::string_view from, std::string_view to, Actor actor);

/// True if a rider working `zones` (geohash prefixes; empty = anywhere) may serve a pickup in `pickup_zone`.
bool InZones(const std::vector<std::string>& zones, std::string_view pickup_zone);

/// The rider's share of the delivery fee (basis points of 10,000), rounded down to whole francs.
std::int64_t RiderFee(std::int64_t delivery_fee_xaf, int rider_share_bp);

/// The search radius for the `offers_made`-th offer: `base_m` doubled after every `per_ring` offers, capped.
double SearchRadiusM(int offers_made, double base_m, int per_ring, double max_m);

/// A photo proof is accepted when taken within `radius_m` of the drop-off point and at most `max_age_s` before
/// it is sent (and not in the future beyond a minute's clock skew). Returns the field at fault, if any.
std::optional<std::string> CheckPhotoProof(double lat, double lon, double drop_lat, double drop_lon, double radius_m,
                                           long long captured_ms, long long now_ms, long long max_age_s);

}  // namespace okada::delivery::domain
