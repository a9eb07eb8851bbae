#pragma once
// A replenishment simulation for issue 9's acceptance: one shop, a few products, daily demand from a process shaped
// like a Cameroonian shop's (weekly pattern, month-end payday uplift, public holidays, rain days, a slow trend,
// over-dispersed noise; some products perishable), lost sales on stockout, and two ordering policies fed the same
// demand:
//   (a) "recommended": Recommend() on every review day, on a forecast (ForecastDemand) of the sales seen so far;
//   (b) "baseline": a fixed (s, Q) rule — every day, with m the mean daily sales of the last 28 days, order Q = 7·m
//       (rounded up to whole packs, clamped to the supplier's min/max) when on hand + on order ≤ s = m·L.
// Neither sees future demand. Deterministic for a seed (own random generator, no std distributions).
//
// A day: receive what arrives today → decide and order (an order with lead time L arrives at the start of day t+L;
// L = 0 arrives at once) → demand; sales = min(demand, stock), first-expiring first; the rest is lost → units whose
// last day was today expire → holding cost on the units left overnight.

#include <cstdint>
#include <string>
#include <vector>

#include "okada/brain/inventory/calendar.hpp"
#include "okada/brain/inventory/demand.hpp"
#include "okada/brain/inventory/recommend.hpp"

namespace okada::brain::inventory {

struct SimProduct {
  std::string name;
  double base_daily = 10;    // mean units per day before the calendar, rain and trend
  double trend_per_day = 0;  // multiplicative: mean × (1 + trend)^t
  Supplier supplier;
  double holding_cost_per_unit_day = 1;  // XAF
};

/// The shop's products for a seed: rice, bread, yoghurt, palm oil and a soft drink, with their suppliers' terms; the
/// base demand (× 0.6–1.5) and the trend (−0.15%…+0.25% a day) are drawn from the seed.
std::vector<SimProduct> ShopProducts(std::uint64_t seed);

/// The demand path of `days` days from `first_day`: the mean is base × (1+trend)^t × weekday factor (Mon…Sun 0.9 0.92
/// 0.95 1.0 1.15 1.3 1.1, as brain/sim) × 1.35 in the payday window × the holiday's multiplier × 1.2 on rain days
/// (a Markov chain with Douala's monthly rain probabilities, persistence 0.4, shared by the shop's products: `weather`
/// seeds it); the day's demand is Poisson with a gamma-distributed mean (shape 10: variance μ + μ²/10).
std::vector<int> GenerateDemand(const SimProduct& product, Date first_day, int days, std::uint64_t seed,
                                std::uint64_t weather);

struct SimulationOptions {
  std::uint64_t seed = 1;
  int days = 90;          // simulated days
  int history_days = 84;  // demand before day 0, seen by both policies as sales history
  Date start{};           // day 0; default: 2026-01-01 plus (seed × 37) mod 365 days
  bool start_from_seed = true;
  Policy policy{};
  DemandModel model{};
  int refit_every_days = 1;  // the forecast is refitted every this many days and shifted in between
};

struct PolicyMetrics {
  int stockout_days = 0;  // days with unmet demand
  long lost_units = 0;
  long demand_units = 0;
  long wasted_units = 0;      // perishables that expired unsold
  double unit_days_held = 0;  // Σ over days of units left overnight
  double holding_cost = 0;    // XAF over the run
  int orders = 0;
  double MeanHoldingCostPerDay(int days) const { return days > 0 ? holding_cost / days : 0; }
};

struct ProductRun {
  std::string name;
  PolicyMetrics recommended, baseline;
};

struct SimulationResult {
  int days = 0;
  Date start;
  std::vector<ProductRun> products;
  PolicyMetrics TotalRecommended() const;
  PolicyMetrics TotalBaseline() const;
};

/// Runs both policies over the same demand. Throws std::invalid_argument on days < 1 or history_days < 28.
SimulationResult Simulate(const std::vector<SimProduct>& products, const SimulationOptions& options);

}  // namespace okada::brain::inventory
