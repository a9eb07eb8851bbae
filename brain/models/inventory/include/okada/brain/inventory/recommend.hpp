#pragma once
// Merchant inventory recommendations (issue 9, item 4): for one store × product, from the stock, what is on order, the
// supplier's terms and a daily demand forecast, how much to order today, and why — in French and in English.
//
// The policy is a periodic review, order-up-to rule with a safety stock:
//   protection period  P = L + R days (an order placed today arrives in L days; the next chance to order is in R days,
//                      and that order arrives L days later, so today's order and the stock must last P days);
//   demand_cover       μ_P = Σ_{h<P} forecast_h;
//   spread             σ_P = √max(Σ_{h<P} σ_h², μ_P) with σ_h = (q90_h − q10_h) / (2·1.2816) — the forecast's own
//                      band, never below a Poisson count's spread (√μ): whole units sold are at least that variable;
//   safety stock       SS = z(service level) · σ_P;
//   reorder point      ROP = μ_P + SS;
//   position           IP = on hand + on order − units on hand expected to expire unsold;
//   order              when IP < ROP: ROP − IP rounded UP to whole packs, raised to the supplier's minimum, lowered to
//                      the maximum (in whole packs), and for a perishable capped (in whole packs, rounded down) at what
//                      is expected to sell between its arrival and its expiry; below the minimum after the cap: none.
// Everything is a pure function of its inputs: no clock (the caller says which day it is), no I/O; thread-safe.

#include <limits>
#include <string>
#include <vector>

#include "okada/brain/forecast/models.hpp"
#include "okada/brain/inventory/calendar.hpp"

namespace okada::brain::inventory {

using forecast::Forecast;

/// Units already ordered, received at the start of day `arrives_in_days` (0 = today, before today's sales).
struct Incoming {
  int arrives_in_days = 0;
  int units = 0;
};

/// Units on hand that expire together: they can be sold today and `days_left` − 1 more days (1 = today is the last).
struct Batch {
  int units = 0;
  int days_left = 1;
};

/// The supplier's terms for this product.
struct Supplier {
  int lead_time_days = 1;      // L ≥ 0: an order placed today is received at the start of day L
  int review_period_days = 1;  // R ≥ 1: days until the next chance to order
  int pack_size = 1;           // orders are whole packs (≥ 1)
  int min_order_units = 0;     // 0: no minimum
  int max_order_units = 0;     // 0: no maximum
  int shelf_life_days = 0;     // 0: not perishable; else the days a delivered unit can be sold
};

struct ItemState {
  Date today;                      // the day of the decision: forecast day 0
  int on_hand = 0;                 // units in the shop now (before today's sales)
  std::vector<Batch> batches;      // perishables: the on-hand units by expiry (must sum to on_hand); empty =
                                   // ages unknown: no expiry warning, nothing deducted from the position
  std::vector<Incoming> on_order;  // orders placed and not yet received
  Supplier supplier;
  std::vector<double> sales_history;  // daily units sold, oldest first; the last is yesterday's
};

struct Policy {
  double service_level = 0.95;    // probability of not running out during the protection period, in (0, 1)
  double cause_threshold = 0.15;  // a calendar cause is named when the forecast is this much above its comparison
  double trend_threshold = 0.10;  // a trend is named when the last 14 days differ from the 14 before by this much
};

enum class Cause { kMonthEnd, kWeekend, kHoliday, kRisingTrend, kFallingTrend };

struct CauseFound {
  Cause cause;
  double uplift = 0;  // +0.34 = 34% above the comparison (negative for a falling trend)
  Date day;           // kHoliday: the holiday; kMonthEnd: the first payday day ahead
};

struct Recommendation {
  int protection_days = 0;        // P = L + R
  double demand_cover = 0;        // μ_P: forecast demand over the lead time and review period
  double demand_lead = 0;         // μ_L: forecast demand over the lead time
  double sigma_cover = 0;         // σ_P
  double z = 0;                   // the normal quantile of the service level
  double safety_stock = 0;        // z · σ_P
  double reorder_point = 0;       // μ_P + safety stock
  double inventory_position = 0;  // on hand + on order − units expected to expire unsold
  int on_order_units = 0;

  int order_units = 0;      // what to order today (0: nothing)
  int packs = 0;            // order_units / pack size
  int needed_units = 0;     // ROP − IP rounded up to packs, before the min/max clamp and the shelf-life cap
  int shelf_life_cap = -1;  // perishables: the most that sells before expiry, in whole packs (−1: no cap)
  bool raised_to_min = false, lowered_to_max = false, capped_by_shelf_life = false;

  /// On-hand units ÷ the forecast: fractional days until they are sold out (arrivals not counted); +inf when the
  /// forecast (repeated week by week beyond its horizon, up to a year) never uses them up.
  double days_of_stock = std::numeric_limits<double>::infinity();
  bool order_now = false;      // order_units > 0
  bool stockout_risk = false;  // stock and arrivals before day L are below μ_L + z·σ_L: may run out before an order
                               // placed today can arrive
  bool expiring_soon = false;  // some on-hand units are expected to expire before they sell (FIFO against the forecast)
  int expiring_units = 0;
  int expiring_in_days = 0;  // the first day such units expire (0 = at the end of today)

  std::vector<CauseFound> causes;  // what the numbers show, strongest first
  std::string reason_en, reason_fr;
};

/// The recommendation for one store × product. `forecast` starts today (day 0) and must hold at least L + R days
/// (q10 and q90 the same length as point); beyond its end (the perishable cap, days of stock) it is repeated week by
/// week. Throws std::invalid_argument on inconsistent input (negative stock, pack < 1, R < 1, min > max, a maximum
/// below one pack, batches not summing to on_hand, a short forecast, a service level outside (0, 1)).
Recommendation Recommend(const ItemState& item, const Forecast& forecast, const Policy& policy = {});

/// The standard normal quantile Φ⁻¹(p), p in (0, 1) (Acklam's rational approximation, |error| < 1.2e-9).
double NormalQuantile(double p);

/// `units` rounded up to whole packs (0 stays 0; negative gives 0).
int RoundUpToPacks(double units, int pack_size);

}  // namespace okada::brain::inventory
