#include "okada/brain/inventory/recommend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace okada::brain::inventory {
namespace {

constexpr double kZ90 = 1.2815515655446004;

// A forecast of `mu` a day with a daily spread `sigma` (okada_forecast's band: q50 ± 1.2816·σ).
Forecast Flat(double mu, double sigma, int days) {
  Forecast f;
  f.point.assign(static_cast<std::size_t>(days), mu);
  f.q50 = f.point;
  f.q10.assign(f.point.size(), mu - kZ90 * sigma);
  f.q90.assign(f.point.size(), mu + kZ90 * sigma);
  return f;
}

ItemState Item(int on_hand, int lead, int review, int pack) {
  ItemState item;
  item.today = {2026, 3, 9};  // a Monday, far from month-end and holidays
  item.on_hand = on_hand;
  item.supplier.lead_time_days = lead;
  item.supplier.review_period_days = review;
  item.supplier.pack_size = pack;
  item.sales_history.assign(56, 10.0);
  return item;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RoundUpToPacks, RoundsUpToWholePacks) {
  EXPECT_EQ(RoundUpToPacks(0, 12), 0);
  EXPECT_EQ(RoundUpToPacks(-3, 12), 0);
  EXPECT_EQ(RoundUpToPacks(0.2, 12), 12);
  EXPECT_EQ(RoundUpToPacks(12, 12), 12);
  EXPECT_EQ(RoundUpToPacks(13, 12), 24);
  EXPECT_EQ(RoundUpToPacks(24.0000000001, 12), 24);
  EXPECT_EQ(RoundUpToPacks(7, 1), 7);
  EXPECT_THROW(RoundUpToPacks(5, 0), std::invalid_argument);
}

TEST(NormalQuantile, KnownValues) {
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-9);
  EXPECT_NEAR(NormalQuantile(0.95), 1.6448536269514722, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.05), -1.6448536269514722, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.999), 3.090232306167813, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.01), -2.3263478740408408, 1e-8);
  EXPECT_THROW(NormalQuantile(1.0), std::invalid_argument);
}

// L = 2, R = 1: P = 3 days of 10 ± 4 → μ_P = 30, σ_P = √48, SS = 1.645·√48 = 11.40, ROP = 41.40. With 5 on hand the
// need is 36.4 units → 4 packs of 12 = 48.
TEST(Recommend, FormulaAndPackRoundingUp) {
  const auto r = Recommend(Item(5, 2, 1, 12), Flat(10, 4, 14));
  EXPECT_EQ(r.protection_days, 3);
  EXPECT_NEAR(r.demand_cover, 30, 1e-9);
  EXPECT_NEAR(r.demand_lead, 20, 1e-9);
  EXPECT_NEAR(r.sigma_cover, std::sqrt(48.0), 1e-6);
  EXPECT_NEAR(r.safety_stock, 1.6448536 * std::sqrt(48.0), 1e-4);
  EXPECT_NEAR(r.reorder_point, 30 + 1.6448536 * std::sqrt(48.0), 1e-4);
  EXPECT_EQ(r.needed_units, 48);
  EXPECT_EQ(r.order_units, 48);
  EXPECT_EQ(r.packs, 4);
  EXPECT_TRUE(r.order_now);
  EXPECT_TRUE(Contains(r.reason_en, "Order 48 (4 packs of 12) today.")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Commandez 48 (4 cartons de 12) aujourd'hui.")) << r.reason_fr;
}

TEST(Recommend, SpreadNeverBelowAPoissonCount) {
  // A forecast with no band still carries the noise of whole units sold: σ_P = √μ_P.
  const auto r = Recommend(Item(0, 2, 2, 1), Flat(9, 0, 14));
  EXPECT_NEAR(r.sigma_cover, 6.0, 1e-9);
  EXPECT_EQ(r.order_units, static_cast<int>(std::ceil(36 + 1.6448536269514722 * 6)));
}

TEST(Recommend, HigherServiceLevelMeansMoreSafetyStock) {
  Policy p90, p99;
  p90.service_level = 0.90;
  p99.service_level = 0.99;
  const auto a = Recommend(Item(0, 3, 1, 1), Flat(10, 5, 14), p90);
  const auto b = Recommend(Item(0, 3, 1, 1), Flat(10, 5, 14), p99);
  EXPECT_LT(a.safety_stock, b.safety_stock);
  EXPECT_LT(a.order_units, b.order_units);
}

TEST(Recommend, RaisedToTheSuppliersMinimumInWholePacks) {
  auto item = Item(30, 2, 1, 12);
  item.supplier.min_order_units = 50;  // not a whole number of packs: 5 packs = 60
  const auto r = Recommend(item, Flat(10, 4, 14));
  EXPECT_EQ(r.needed_units, 12);
  EXPECT_EQ(r.order_units, 60);
  EXPECT_TRUE(r.raised_to_min);
  EXPECT_FALSE(r.lowered_to_max);
  EXPECT_TRUE(Contains(r.reason_en, "Order 60 (5 packs of 12) today. The supplier's minimum order is 50."))
      << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "La commande minimale du fournisseur est de 50.")) << r.reason_fr;
}

TEST(Recommend, LoweredToTheSuppliersMaximumInWholePacks) {
  auto item = Item(0, 2, 1, 12);
  item.supplier.max_order_units = 30;  // 2 whole packs
  const auto r = Recommend(item, Flat(10, 4, 14));
  EXPECT_EQ(r.needed_units, 48);
  EXPECT_EQ(r.order_units, 24);
  EXPECT_EQ(r.packs, 2);
  EXPECT_TRUE(r.lowered_to_max);
  EXPECT_TRUE(Contains(r.reason_en, "The supplier's maximum order is 30.")) << r.reason_en;
}

// Bread: 10 a day, shelf life 2 days, L = 1, R = 3. The cover wants 40 + SS, but an order arriving tomorrow can only
// sell 2 days × 10 = 20 before it expires: 3 packs of 6 = 18.
TEST(Recommend, PerishableCappedAtWhatSellsBeforeExpiry) {
  auto item = Item(0, 1, 3, 6);
  item.supplier.shelf_life_days = 2;
  const auto r = Recommend(item, Flat(10, 2, 14));
  EXPECT_GT(r.needed_units, 40);
  EXPECT_EQ(r.shelf_life_cap, 18);
  EXPECT_EQ(r.order_units, 18);
  EXPECT_TRUE(r.capped_by_shelf_life);
  EXPECT_TRUE(
      Contains(r.reason_en, "Order 18 (3 packs of 6) today. No more than 18: more would expire before it sells."))
      << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Pas plus de 18 : le reste expirerait avant d'être vendu.")) << r.reason_fr;
}

TEST(Recommend, PerishableCapCountsTheStockStillThereAtArrival) {
  auto item = Item(25, 1, 3, 1);
  item.supplier.shelf_life_days = 2;
  item.batches = {{25, 3}};
  // Day 0 sells 10 of the 25; 15 are left when the order arrives; days 1–2 sell 20 → room for 5.
  const auto r = Recommend(item, Flat(10, 2, 14));
  EXPECT_EQ(r.shelf_life_cap, 5);
  EXPECT_EQ(r.order_units, 5);
}

TEST(Recommend, NoOrderWhenNotEvenOnePackSellsBeforeExpiry) {
  auto item = Item(0, 1, 1, 24);
  item.supplier.shelf_life_days = 2;
  const auto r = Recommend(item, Flat(10, 2, 14));  // 20 sell before expiry; a pack is 24
  EXPECT_GT(r.needed_units, 0);
  EXPECT_EQ(r.shelf_life_cap, 0);
  EXPECT_EQ(r.order_units, 0);
  EXPECT_FALSE(r.order_now);
  EXPECT_TRUE(Contains(r.reason_en, "Do not order: even the smallest order would expire before it sells."))
      << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Ne commandez pas")) << r.reason_fr;
}

TEST(Recommend, ZeroDemandMeansNoOrder) {
  for (int on_hand : {0, 7}) {
    auto item = Item(on_hand, 3, 2, 12);
    item.sales_history.assign(56, 0.0);
    item.supplier.min_order_units = 24;
    const auto r = Recommend(item, Flat(0, 0, 14));
    EXPECT_EQ(r.order_units, 0);
    EXPECT_FALSE(r.order_now);
    EXPECT_FALSE(r.stockout_risk);
    EXPECT_EQ(r.safety_stock, 0);
    EXPECT_TRUE(r.causes.empty());
    EXPECT_TRUE(Contains(r.reason_en, "No order needed today.")) << r.reason_en;
    EXPECT_TRUE(Contains(r.reason_fr, "Pas de commande nécessaire aujourd'hui.")) << r.reason_fr;
    if (on_hand > 0) {
      EXPECT_TRUE(std::isinf(r.days_of_stock));
      EXPECT_TRUE(Contains(r.reason_en, "No sales are expected.")) << r.reason_en;
    }
  }
}

TEST(Recommend, EnoughStockMeansNoOrder) {
  const auto r = Recommend(Item(100, 2, 1, 12), Flat(10, 4, 14));
  EXPECT_EQ(r.order_units, 0);
  EXPECT_NEAR(r.days_of_stock, 10.0, 1e-9);
  EXPECT_TRUE(Contains(r.reason_en, "10 days of stock left. No order needed today.")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Il reste 10 jours de stock. Pas de commande nécessaire aujourd'hui."))
      << r.reason_fr;
}

TEST(Recommend, OnOrderCountsInThePosition) {
  auto item = Item(5, 2, 1, 12);
  item.on_order = {{1, 36}};
  const auto r = Recommend(item, Flat(10, 4, 14));
  EXPECT_NEAR(r.inventory_position, 41, 1e-9);
  EXPECT_EQ(r.order_units, 12);  // ROP 41.40 − 41 = 0.4 → one pack
  EXPECT_TRUE(Contains(r.reason_en, "36 already on order.")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "36 déjà en commande.")) << r.reason_fr;
}

TEST(Recommend, ExpiringStockIsFlaggedAndLeftOutOfThePosition) {
  auto item = Item(10, 1, 1, 1);
  item.supplier.shelf_life_days = 5;
  item.batches = {{10, 2}};  // 3 a day sell 6 in the 2 days left: 4 expire at the end of tomorrow
  const auto r = Recommend(item, Flat(3, 1, 14));
  EXPECT_TRUE(r.expiring_soon);
  EXPECT_EQ(r.expiring_units, 4);
  EXPECT_EQ(r.expiring_in_days, 1);
  EXPECT_NEAR(r.inventory_position, 6, 1e-9);
  EXPECT_TRUE(Contains(r.reason_en, "4 units will expire in 1 day before selling: put them on promotion."))
      << r.reason_en;
  EXPECT_TRUE(
      Contains(r.reason_fr, "4 unités vont expirer dans 1 jour avant d'être vendues : mettez-les en promotion."))
      << r.reason_fr;
}

TEST(Recommend, OnlyUnitsThatCannotSellAreFlagged) {
  auto item = Item(10, 1, 1, 1);
  item.supplier.shelf_life_days = 5;
  item.batches = {{4, 1}, {6, 5}};  // 3 a day: 1 of today's 4 is left at the end of today
  const auto r = Recommend(item, Flat(3, 1, 14));
  EXPECT_EQ(r.expiring_units, 1);
  EXPECT_EQ(r.expiring_in_days, 0);
  EXPECT_TRUE(Contains(r.reason_en, "1 unit will expire today before selling")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "1 unité va expirer aujourd'hui avant d'être vendue")) << r.reason_fr;
  item.batches = {{10, 5}};
  EXPECT_FALSE(Recommend(item, Flat(3, 1, 14)).expiring_soon);
}

TEST(Recommend, StockoutRiskBeforeTheDeliveryCanArrive) {
  const auto risky = Recommend(Item(15, 3, 1, 1), Flat(10, 3, 14));  // 15 on hand; 30 + 1.645·√30 wanted before day 3
  EXPECT_TRUE(risky.stockout_risk);
  EXPECT_TRUE(Contains(risky.reason_en, "Risk of running out before a delivery can arrive (in 3 days)."))
      << risky.reason_en;
  EXPECT_TRUE(Contains(risky.reason_fr, "Risque de rupture avant qu'une livraison puisse arriver (dans 3 jours)."))
      << risky.reason_fr;
  EXPECT_FALSE(Recommend(Item(60, 3, 1, 1), Flat(10, 3, 14)).stockout_risk);
  auto covered = Item(15, 3, 1, 1);
  covered.on_order = {{1, 40}};
  EXPECT_FALSE(Recommend(covered, Flat(10, 3, 14)).stockout_risk);
}

TEST(Recommend, DaysOfStockWording) {
  auto one = Recommend(Item(12, 2, 1, 1), Flat(10, 1, 14));
  EXPECT_NEAR(one.days_of_stock, 1.2, 1e-9);
  EXPECT_TRUE(Contains(one.reason_en, "1 day of stock left.")) << one.reason_en;
  EXPECT_TRUE(Contains(one.reason_fr, "Il reste 1 jour de stock.")) << one.reason_fr;
  auto less = Recommend(Item(4, 2, 1, 1), Flat(10, 1, 14));
  EXPECT_TRUE(Contains(less.reason_en, "Less than 1 day of stock left.")) << less.reason_en;
  EXPECT_TRUE(Contains(less.reason_fr, "Il reste moins d'un jour de stock.")) << less.reason_fr;
  auto none = Recommend(Item(0, 2, 1, 1), Flat(10, 1, 14));
  EXPECT_EQ(none.days_of_stock, 0);
  EXPECT_TRUE(Contains(none.reason_en, "Out of stock.")) << none.reason_en;
  EXPECT_TRUE(Contains(none.reason_fr, "Le stock est épuisé.")) << none.reason_fr;
}

// The example: the forecast is 35% higher in the payday window (29 Jan – 2 Feb) than on ordinary days.
TEST(Recommend, MonthEndCauseInBothLanguages) {
  auto item = Item(30, 2, 1, 12);
  item.today = {2026, 1, 26};
  auto f = Flat(10, 2, 14);
  for (int h = 0; h < 14; ++h)
    if (IsPaydayWindow(AddDays(item.today, h))) f.point[static_cast<std::size_t>(h)] = 13.5;
  f.q50 = f.point;
  const auto r = Recommend(item, f);
  ASSERT_EQ(r.causes.size(), 1u);
  EXPECT_EQ(r.causes[0].cause, Cause::kMonthEnd);
  EXPECT_NEAR(r.causes[0].uplift, 0.35, 1e-9);
  EXPECT_EQ(r.causes[0].day, (Date{2026, 1, 29}));
  EXPECT_EQ(r.order_units, 12);
  EXPECT_EQ(r.reason_en, "Sales rise before month-end (+35%); 3 days of stock left. Order 12 (1 pack of 12) today.");
  EXPECT_EQ(r.reason_fr,
            "Les ventes augmentent avant la fin du mois (+35 %) ; il reste 3 jours de stock. "
            "Commandez 12 (1 carton de 12) aujourd'hui.");
}

TEST(Recommend, WeekendCause) {
  auto item = Item(30, 1, 1, 1);  // Monday 9 March
  auto f = Flat(10, 2, 14);
  for (int h = 0; h < 14; ++h)
    if (Weekday(AddDays(item.today, h)) >= 5) f.point[static_cast<std::size_t>(h)] = 13;
  const auto r = Recommend(item, f);
  ASSERT_EQ(r.causes.size(), 1u);
  EXPECT_EQ(r.causes[0].cause, Cause::kWeekend);
  EXPECT_TRUE(Contains(r.reason_en, "Sales peak at the weekend (+30%)")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Les ventes culminent le week-end (+30 %)")) << r.reason_fr;
}

TEST(Recommend, HolidayCauseOnlyWhenTheForecastShowsIt) {
  auto item = Item(30, 1, 1, 1);
  item.today = {2026, 5, 18};
  auto f = Flat(10, 2, 14);
  EXPECT_TRUE(Recommend(item, f).causes.empty());  // the holiday is there, the forecast does not lift it: say nothing
  f.point[2] = 14;                                 // 20 May, National Day
  const auto r = Recommend(item, f);
  ASSERT_EQ(r.causes.size(), 1u);
  EXPECT_EQ(r.causes[0].cause, Cause::kHoliday);
  EXPECT_TRUE(Contains(r.reason_en, "The public holiday on 20 May lifts sales (+40%)")) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Le jour férié du 20 mai fait monter les ventes (+40 %)")) << r.reason_fr;
}

// 1 May is both Labour Day and in the payday window: the payday uplift is not credited to the holiday.
TEST(Recommend, HolidayInThePaydayWindowIsComparedWithOtherPaydays) {
  auto item = Item(30, 1, 1, 1);
  item.today = {2026, 4, 27};
  auto f = Flat(10, 2, 14);
  for (int h = 0; h < 14; ++h)
    if (IsPaydayWindow(AddDays(item.today, h))) f.point[static_cast<std::size_t>(h)] = 13.5;
  auto r = Recommend(item, f);
  ASSERT_EQ(r.causes.size(), 1u) << r.reason_en;
  EXPECT_EQ(r.causes[0].cause, Cause::kMonthEnd);
  f.point[4] = 13.5 * 1.3;  // 1 May: 30% above the other payday days
  r = Recommend(item, f);
  bool holiday = false;
  for (const auto& c : r.causes)
    if (c.cause == Cause::kHoliday) {
      holiday = true;
      EXPECT_NEAR(c.uplift, 0.3, 1e-9);  // against the other payday days ahead
    }
  EXPECT_TRUE(holiday) << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "le jour férié du 1er mai")) << r.reason_fr;
}

TEST(Recommend, TrendOnlyWhenItStandsOutOfTheNoise) {
  auto rising = Item(30, 1, 1, 1);
  rising.sales_history.clear();
  for (int i = 0; i < 28; ++i) rising.sales_history.push_back((i < 14 ? 10.0 : 13.0) + (i % 2 ? 0.5 : -0.5));
  const auto r = Recommend(rising, Flat(13, 2, 14));
  ASSERT_FALSE(r.causes.empty());
  EXPECT_EQ(r.causes[0].cause, Cause::kRisingTrend);
  const long pct = std::lround(r.causes[0].uplift * 100);
  EXPECT_TRUE(Contains(r.reason_en, "Sales are up " + std::to_string(pct) + "% on the previous two weeks"))
      << r.reason_en;
  EXPECT_TRUE(Contains(r.reason_fr, "Les ventes ont augmenté de " + std::to_string(pct) + " %")) << r.reason_fr;

  auto noisy = Item(30, 1, 1, 1);  // the same 10 → 11 step, buried in ±6 noise: no trend claimed
  noisy.sales_history.clear();
  for (int i = 0; i < 28; ++i) noisy.sales_history.push_back((i < 14 ? 10.0 : 11.0) + (i % 2 ? 6 : -6));
  for (const auto& c : Recommend(noisy, Flat(10, 2, 14)).causes) EXPECT_NE(c.cause, Cause::kRisingTrend);
}

TEST(Recommend, NoCauseOnAFlatForecast) {
  const auto r = Recommend(Item(35, 2, 1, 12), Flat(10, 2, 14));
  EXPECT_TRUE(r.causes.empty());
  EXPECT_EQ(r.reason_en.rfind("3 days of stock left.", 0), 0u) << r.reason_en;
  EXPECT_EQ(r.reason_fr.rfind("Il reste 3 jours de stock.", 0), 0u) << r.reason_fr;
}

// Every number the text states is the recommendation's own, in both languages.
TEST(Recommend, ReasonStatesItsOwnNumbers) {
  for (int on_hand : {0, 8, 23, 41, 70}) {
    for (int pack : {1, 6, 12}) {
      auto item = Item(on_hand, 2, 2, pack);
      const auto r = Recommend(item, Flat(9, 3, 21));
      ASSERT_FALSE(r.reason_en.empty());
      ASSERT_FALSE(r.reason_fr.empty());
      EXPECT_NE(r.reason_en, r.reason_fr);
      if (r.order_units > 0) {
        EXPECT_TRUE(Contains(r.reason_en, "Order " + std::to_string(r.order_units))) << r.reason_en;
        EXPECT_TRUE(Contains(r.reason_fr, "Commandez " + std::to_string(r.order_units))) << r.reason_fr;
        if (pack > 1) {
          EXPECT_TRUE(Contains(r.reason_en, " of " + std::to_string(pack) + ")")) << r.reason_en;
          EXPECT_TRUE(Contains(r.reason_en, "(" + std::to_string(r.packs) + " pack")) << r.reason_en;
          EXPECT_TRUE(Contains(r.reason_fr, "(" + std::to_string(r.packs) + " carton")) << r.reason_fr;
        }
        EXPECT_EQ(r.order_units % pack, 0);
      }
      if (on_hand > 0 && r.days_of_stock >= 1) {
        const std::string d = std::to_string(static_cast<long>(std::floor(r.days_of_stock)));
        EXPECT_TRUE(Contains(r.reason_en, d + " day")) << r.reason_en;
        EXPECT_TRUE(Contains(r.reason_fr, "il reste " + d + " jour") ||
                    Contains(r.reason_fr, "Il reste " + d + " jour"))
            << r.reason_fr;
      }
    }
  }
}

TEST(Recommend, RejectsInconsistentInput) {
  EXPECT_THROW(Recommend(Item(5, 10, 5, 1), Flat(10, 1, 14)), std::invalid_argument);  // forecast shorter than L + R
  EXPECT_THROW(Recommend(Item(5, 2, 1, 0), Flat(10, 1, 14)), std::invalid_argument);
  EXPECT_THROW(Recommend(Item(-1, 2, 1, 1), Flat(10, 1, 14)), std::invalid_argument);
  EXPECT_THROW(Recommend(Item(5, 2, 0, 1), Flat(10, 1, 14)), std::invalid_argument);
  auto batches = Item(5, 2, 1, 1);
  batches.batches = {{3, 2}};
  EXPECT_THROW(Recommend(batches, Flat(10, 1, 14)), std::invalid_argument);
  auto limits = Item(5, 2, 1, 12);
  limits.supplier.max_order_units = 6;
  EXPECT_THROW(Recommend(limits, Flat(10, 1, 14)), std::invalid_argument);
  Policy p;
  p.service_level = 1.0;
  EXPECT_THROW(Recommend(Item(5, 2, 1, 1), Flat(10, 1, 14), p), std::invalid_argument);
}

}  // namespace
}  // namespace okada::brain::inventory
