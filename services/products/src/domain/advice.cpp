#include "domain/advice.hpp"

#include <algorithm>

#include "okada/brain/inventory/demand.hpp"

namespace okada::products::domain {

namespace inv = brain::inventory;

int AdviceHorizon(const ListingFacts& listing, int review_period_days) {
  return std::max(kAdviceMinDays, listing.lead_time_days + review_period_days);
}

Advice AdviseListing(const ListingFacts& listing, const std::vector<double>& sales,
                     const std::vector<Restock>& restocks, inv::Date today, int review_period_days,
                     double service_level, const inv::Forecast* stored) {
  inv::ItemState item;
  item.today = today;
  item.on_hand = std::max(0, listing.on_hand - listing.reserved);
  item.supplier.lead_time_days = listing.lead_time_days;
  item.supplier.review_period_days = review_period_days;
  item.supplier.pack_size = listing.pack_size;
  item.supplier.shelf_life_days = listing.shelf_life_days.value_or(0);
  // Days before the first sale are not history: the product may not have been on sale here yet, and weeks of
  // leading zeros would read as a sudden launch.
  const auto first_sale = std::find_if(sales.begin(), sales.end(), [](double v) { return v > 0; });
  item.sales_history.assign(first_sale, sales.end());
  Advice out;
  if (listing.shelf_life_days && item.on_hand > 0) {
    // Newest restocks hold the newest units; the oldest units are sold first.
    int left = item.on_hand;
    std::vector<inv::Batch> batches;
    for (const Restock& r : restocks) {
      if (left == 0) break;
      const int units = std::min(left, std::max(0, r.units));
      if (units == 0) continue;
      batches.push_back(inv::Batch{units, std::max(1, *listing.shelf_life_days - r.days_ago)});
      left -= units;
    }
    if (left == 0) {
      std::reverse(batches.begin(), batches.end());
      item.batches = std::move(batches);
      out.ages_known = true;
    }
  }
  const auto horizon = static_cast<std::size_t>(AdviceHorizon(listing, review_period_days));
  const auto covers = [horizon](const std::vector<double>& v) { return v.size() >= horizon; };
  if (stored && covers(stored->point) && covers(stored->q10) && covers(stored->q50) && covers(stored->q90)) {
    const auto first = [horizon](const std::vector<double>& v) {
      return std::vector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(horizon));
    };
    out.forecast = inv::Forecast{first(stored->point), first(stored->q10), first(stored->q50), first(stored->q90)};
    out.stored_forecast = true;
  } else {
    out.forecast = inv::ForecastDemand(item.sales_history, today, static_cast<int>(horizon));
  }
  inv::Policy policy;
  policy.service_level = service_level;
  out.recommendation = inv::Recommend(item, out.forecast, policy);
  return out;
}

std::string CauseCode(inv::Cause cause) {
  switch (cause) {
    case inv::Cause::kMonthEnd:
      return "month_end";
    case inv::Cause::kWeekend:
      return "weekend";
    case inv::Cause::kHoliday:
      return "holiday";
    case inv::Cause::kRisingTrend:
      return "rising";
    case inv::Cause::kFallingTrend:
      return "falling";
  }
  return "other";
}

}  // namespace okada::products::domain
