#pragma once
/// Reorder advice for a store's listings (issue 9, item 4): what to order today and why, from the stock, the
/// supplier's terms on the product (lead time, pack size, shelf life) and the daily units the store sold, with the
/// AI Brain's inventory library (brain/models/inventory: forecast, safety stock, reorder point, packs, perishables,
/// the reason in French and English). Pure: the caller reads the rows and says which day it is.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "okada/brain/inventory/recommend.hpp"

namespace okada::products::domain {

inline constexpr int kAdviceHistoryDays = 84;  ///< 12 weeks of sales: what the demand model fits
inline constexpr int kAdviceMinDays = 7;       ///< the forecast shown covers at least a week

/// One listing as the service stores it.
struct ListingFacts {
  int on_hand = 0;
  int reserved = 0;  ///< held for orders in progress: not for sale
  int lead_time_days = 0;
  int pack_size = 1;
  std::optional<int> shelf_life_days;
};

/// A restock adjustment (units received, days ago: 0 = today).
struct Restock {
  int units = 0;
  int days_ago = 0;
};

struct Advice {
  brain::inventory::Recommendation recommendation;
  brain::inventory::Forecast forecast;  ///< daily, from today, max(L + R, 7) days
  bool ages_known = false;              ///< perishables: the on-hand units' ages came from the restocks
  bool stored_forecast = false;         ///< the forecast is the AI Brain's stored one, not fitted here
};

/// The days of forecast the advice needs for a listing: max(L + R, kAdviceMinDays).
int AdviceHorizon(const ListingFacts& listing, int review_period_days);

/// `sales`: daily units sold, oldest first, the last one yesterday's (kAdviceHistoryDays long or shorter); the days
/// before the first sale are left out.
/// `restocks`: newest first. The units for sale (on hand − reserved) are dated by walking the restocks back (FIFO:
/// the newest units are the last received); when the restocks do not account for all of them, ages are unknown and
/// nothing is flagged as expiring. Throws std::invalid_argument on inconsistent facts.
/// `stored`: the AI Brain's forecast from today (the weekly model trained on the whole marketplace, with the
/// calendar and weather covariates), used when it covers AdviceHorizon days; otherwise the demand model is fitted on
/// `sales` here.
Advice AdviseListing(const ListingFacts& listing, const std::vector<double>& sales,
                     const std::vector<Restock>& restocks, brain::inventory::Date today, int review_period_days,
                     double service_level, const brain::inventory::Forecast* stored = nullptr);

/// Stable codes for the causes a recommendation names ("month_end", "weekend", "holiday", "rising", "falling").
std::string CauseCode(brain::inventory::Cause cause);

}  // namespace okada::products::domain
