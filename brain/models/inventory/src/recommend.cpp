#include "okada/brain/inventory/recommend.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace okada::brain::inventory {
namespace {

constexpr double kZ90 = 1.2815515655446004;  // okada_forecast's bands are q50 ± kZ90·σ_h
constexpr int kWeek = 7;
constexpr int kYear = 366;

// The forecast, repeated week by week beyond its horizon (its mean when it is shorter than a week).
class View {
 public:
  explicit View(const Forecast& f) : f_(f), n_(static_cast<int>(f.point.size())) {}
  double Point(int h) const { return At(f_.point, h); }
  double Sigma(int h) const { return std::max(At(f_.q90, h) - At(f_.q10, h), 0.0) / (2 * kZ90); }
  int Size() const { return n_; }

 private:
  double At(const std::vector<double>& v, int h) const {
    if (h < n_) return std::max(v[static_cast<std::size_t>(h)], 0.0);
    if (n_ >= kWeek) return std::max(v[static_cast<std::size_t>(n_ - kWeek + (h - n_) % kWeek)], 0.0);
    return std::max(std::accumulate(v.begin(), v.end(), 0.0) / n_, 0.0);
  }
  const Forecast& f_;
  int n_;
};

void Validate(const ItemState& item, const Forecast& f, const Policy& policy) {
  const Supplier& s = item.supplier;
  auto fail = [](const std::string& what) { throw std::invalid_argument("inventory: " + what); };
  if (item.on_hand < 0) fail("on_hand must not be negative");
  if (s.lead_time_days < 0) fail("lead_time_days must not be negative");
  if (s.review_period_days < 1) fail("review_period_days must be at least 1");
  if (s.pack_size < 1) fail("pack_size must be at least 1");
  if (s.min_order_units < 0 || s.max_order_units < 0) fail("min/max order must not be negative");
  if (s.max_order_units > 0 && s.max_order_units < s.pack_size) fail("max_order_units is below one pack");
  if (s.max_order_units > 0 && s.min_order_units > s.max_order_units) fail("min_order_units exceeds max_order_units");
  if (s.shelf_life_days < 0) fail("shelf_life_days must not be negative");
  if (!(policy.service_level > 0 && policy.service_level < 1)) fail("service_level must be in (0, 1)");
  const std::size_t p = static_cast<std::size_t>(s.lead_time_days + s.review_period_days);
  if (f.point.size() < p) fail("the forecast must cover lead time + review period");
  if (f.q10.size() != f.point.size() || f.q90.size() != f.point.size()) fail("forecast quantiles of another length");
  int batched = 0;
  for (const auto& b : item.batches) {
    if (b.units < 0 || b.days_left < 1) fail("a batch needs units ≥ 0 and days_left ≥ 1");
    batched += b.units;
  }
  if (!item.batches.empty() && batched != item.on_hand) fail("batches must sum to on_hand");
  for (const auto& o : item.on_order)
    if (o.units < 0 || o.arrives_in_days < 0) fail("an incoming order needs units ≥ 0 and arrives_in_days ≥ 0");
}

// FIFO against the point forecast: which on-hand units expire before they sell.
struct Expiry {
  double units = 0;              // expected to expire unsold
  double units_before_lead = 0;  // of which on days before L
  int first_day = -1;
};
Expiry ProjectExpiry(std::vector<Batch> batches, const View& v, int lead) {
  Expiry e;
  std::sort(batches.begin(), batches.end(), [](const Batch& a, const Batch& b) { return a.days_left < b.days_left; });
  std::vector<double> left;
  for (const auto& b : batches) left.push_back(b.units);
  const int last = batches.empty() ? 0 : batches.back().days_left;
  for (int h = 0; h < last; ++h) {
    double demand = v.Point(h);
    for (std::size_t i = 0; i < batches.size() && demand > 0; ++i) {
      if (batches[i].days_left <= h) continue;
      const double sold = std::min(demand, left[i]);
      left[i] -= sold;
      demand -= sold;
    }
    for (std::size_t i = 0; i < batches.size(); ++i) {
      if (batches[i].days_left != h + 1 || left[i] < 0.5) continue;
      e.units += left[i];
      if (h < lead) e.units_before_lead += left[i];
      if (e.first_day < 0) e.first_day = h;
    }
  }
  return e;
}

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

bool Ordinary(Date d) { return !IsPaydayWindow(d) && CameroonHoliday(d).empty(); }

// Weekday factors (mean 1) from the last 8 weeks of ordinary days; all ones with fewer than 14 such days.
std::vector<double> WeekdayFactors(const std::vector<double>& sales, Date today) {
  std::vector<double> sum(kWeek, 0.0), count(kWeek, 0.0);
  const int n = static_cast<int>(sales.size());
  double total = 0, days = 0;
  for (int i = std::max(0, n - 8 * kWeek); i < n; ++i) {
    const Date d = AddDays(today, i - n);
    if (!Ordinary(d)) continue;
    sum[static_cast<std::size_t>(Weekday(d))] += sales[static_cast<std::size_t>(i)];
    count[static_cast<std::size_t>(Weekday(d))] += 1;
    total += sales[static_cast<std::size_t>(i)];
    days += 1;
  }
  std::vector<double> wf(kWeek, 1.0);
  if (days < 14 || !(total > 0)) return wf;
  const double mean = total / days;
  for (std::size_t d = 0; d < kWeek; ++d)
    if (count[d] > 0) wf[d] = std::max(sum[d] / count[d] / mean, 0.2);
  return wf;
}

std::vector<CauseFound> FindCauses(const ItemState& item, const View& v, int protection, const Policy& policy) {
  std::vector<CauseFound> out;
  const std::vector<double> wf = WeekdayFactors(item.sales_history, item.today);
  const int known = std::min(v.Size(), 4 * kWeek);  // the forecast the caller gave, up to four weeks
  const int window = std::min(std::max(protection, kWeek), v.Size());
  auto date = [&](int h) { return AddDays(item.today, h); };
  auto adjusted = [&](int h) { return v.Point(h) / wf[static_cast<std::size_t>(Weekday(date(h)))]; };

  std::vector<double> ordinary_adj, weekend, weekdays;
  for (int h = 0; h < known; ++h) {
    if (!Ordinary(date(h))) continue;
    ordinary_adj.push_back(adjusted(h));
    (Weekday(date(h)) >= 5 ? weekend : weekdays).push_back(v.Point(h));
  }
  const double base = Mean(ordinary_adj);

  // Month-end payday: the payday days ahead in the window vs ordinary days, weekday-adjusted.
  std::vector<double> pay;
  int first_pay = -1;
  for (int h = 0; h < window; ++h) {
    if (!IsPaydayWindow(date(h)) || !CameroonHoliday(date(h)).empty()) continue;
    pay.push_back(adjusted(h));
    if (first_pay < 0) first_pay = h;
  }
  if (!pay.empty() && base > 0) {
    const double up = Mean(pay) / base - 1;
    if (up >= policy.cause_threshold) out.push_back({Cause::kMonthEnd, up, date(first_pay)});
  }
  // Weekend peak: when the window holds a Saturday or Sunday.
  bool weekend_ahead = false;
  for (int h = 0; h < window; ++h) weekend_ahead = weekend_ahead || Weekday(date(h)) >= 5;
  if (weekend_ahead && !weekend.empty() && !weekdays.empty() && Mean(weekdays) > 0) {
    const double up = Mean(weekend) / Mean(weekdays) - 1;
    if (up >= policy.cause_threshold) out.push_back({Cause::kWeekend, up, item.today});
  }
  // A public holiday in the window that the forecast lifts — above the days like it: a holiday in the payday window
  // (1 May, 1 January) is compared with the other payday days, so the payday uplift is not credited to the holiday.
  for (int h = 0; h < window; ++h) {
    if (CameroonHoliday(date(h)).empty()) continue;
    const double like = IsPaydayWindow(date(h)) ? Mean(pay) : base;
    if (!(like > 0)) break;
    const double up = adjusted(h) / like - 1;
    if (up >= policy.cause_threshold) out.push_back({Cause::kHoliday, up, date(h)});
    break;
  }
  // Trend: the last 14 days vs the 14 before (ordinary days, weekday-adjusted), when the difference is also more than
  // twice its standard error — noise alone should not be called a trend.
  const int n = static_cast<int>(item.sales_history.size());
  if (n >= 4 * kWeek) {
    std::vector<double> last, prev;
    for (int i = n - 4 * kWeek; i < n; ++i) {
      const Date d = AddDays(item.today, i - n);
      if (!Ordinary(d)) continue;
      const double a = item.sales_history[static_cast<std::size_t>(i)] / wf[static_cast<std::size_t>(Weekday(d))];
      (i >= n - 2 * kWeek ? last : prev).push_back(a);
    }
    auto variance = [](const std::vector<double>& x) {
      const double m = Mean(x);
      double s = 0;
      for (double v : x) s += (v - m) * (v - m);
      return x.size() > 1 ? s / static_cast<double>(x.size() - 1) : 0.0;
    };
    if (last.size() >= 5 && prev.size() >= 5 && Mean(prev) > 0) {
      const double diff = Mean(last) - Mean(prev);
      const double se = std::sqrt(variance(last) / static_cast<double>(last.size()) +
                                  variance(prev) / static_cast<double>(prev.size()));
      const double change = diff / Mean(prev);
      if (std::fabs(change) >= policy.trend_threshold && std::fabs(diff) > 2 * se)
        out.push_back({change > 0 ? Cause::kRisingTrend : Cause::kFallingTrend, change, item.today});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CauseFound& a, const CauseFound& b) { return std::fabs(a.uplift) > std::fabs(b.uplift); });
  return out;
}

// ---- Words ---------------------------------------------------------------------------------------------------------

std::string Percent(double x, bool french) {
  const long p = std::lround(std::fabs(x) * 100);
  return (x < 0 ? "-" : "+") + std::to_string(p) + (french ? " %" : "%");
}

std::string Plural(long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string CauseText(const CauseFound& c, const ItemState& item, bool fr) {
  const long pct = std::lround(std::fabs(c.uplift) * 100);
  switch (c.cause) {
    case Cause::kMonthEnd:
      if (c.day != item.today && c.day.day > 2)
        return fr ? "les ventes augmentent avant la fin du mois (" + Percent(c.uplift, fr) + ")"
                  : "sales rise before month-end (" + Percent(c.uplift, fr) + ")";
      return fr ? "la paie de fin de mois fait monter les ventes (" + Percent(c.uplift, fr) + ")"
                : "the month-end payday lifts sales (" + Percent(c.uplift, fr) + ")";
    case Cause::kWeekend:
      return fr ? "les ventes culminent le week-end (" + Percent(c.uplift, fr) + ")"
                : "sales peak at the weekend (" + Percent(c.uplift, fr) + ")";
    case Cause::kHoliday:
      return fr ? "le jour férié du " + FormatDayMonth(c.day, true) + " fait monter les ventes (" +
                      Percent(c.uplift, fr) + ")"
                : "the public holiday on " + FormatDayMonth(c.day, false) + " lifts sales (" + Percent(c.uplift, fr) +
                      ")";
    case Cause::kRisingTrend:
      return fr ? "les ventes ont augmenté de " + std::to_string(pct) + " % par rapport aux deux semaines précédentes"
                : "sales are up " + std::to_string(pct) + "% on the previous two weeks";
    case Cause::kFallingTrend:
      return fr ? "les ventes ont baissé de " + std::to_string(pct) + " % par rapport aux deux semaines précédentes"
                : "sales are down " + std::to_string(pct) + "% on the previous two weeks";
  }
  return "";
}

std::string StockText(const ItemState& item, const Recommendation& r, bool fr) {
  if (item.on_hand == 0) return fr ? "le stock est épuisé" : "out of stock";
  if (std::isinf(r.days_of_stock)) return fr ? "aucune vente n'est prévue" : "no sales are expected";
  const long d = static_cast<long>(std::floor(r.days_of_stock));
  if (d < 1) return fr ? "il reste moins d'un jour de stock" : "less than 1 day of stock left";
  return fr ? "il reste " + Plural(d, "jour", "jours") + " de stock" : Plural(d, "day", "days") + " of stock left";
}

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Reason(const ItemState& item, const Recommendation& r, bool fr) {
  const Supplier& s = item.supplier;
  std::string first;
  for (std::size_t i = 0; i < r.causes.size() && i < 2; ++i)
    first += CauseText(r.causes[i], item, fr) + (fr ? " ; " : "; ");
  std::string out = Capitalised(first + StockText(item, r, fr)) + ".";
  if (r.expiring_soon) {
    const long x = r.expiring_units;
    const std::string when =
        r.expiring_in_days == 0
            ? (fr ? "aujourd'hui" : "today")
            : (fr ? "dans " : "in ") + Plural(r.expiring_in_days, fr ? "jour" : "day", fr ? "jours" : "days");
    out += fr ? " " + Plural(x, "unité", "unités") + (x == 1 ? " va expirer " : " vont expirer ") + when +
                    (x == 1 ? " avant d'être vendue" : " avant d'être vendues") + " : mettez-les en promotion."
              : " " + Plural(x, "unit", "units") + " will expire " + when + " before selling: put them on promotion.";
  }
  if (r.stockout_risk) {
    const std::string days = Plural(s.lead_time_days, fr ? "jour" : "day", fr ? "jours" : "days");
    out += fr ? " Risque de rupture avant qu'une livraison puisse arriver (dans " + days + ")."
              : " Risk of running out before a delivery can arrive (in " + days + ").";
  }
  if (r.on_order_units > 0)
    out += fr ? " " + std::to_string(r.on_order_units) + " déjà en commande."
              : " " + std::to_string(r.on_order_units) + " already on order.";
  if (r.order_units > 0) {
    std::string packs;
    if (s.pack_size > 1)
      packs = fr ? " (" + Plural(r.packs, "carton", "cartons") + " de " + std::to_string(s.pack_size) + ")"
                 : " (" + Plural(r.packs, "pack", "packs") + " of " + std::to_string(s.pack_size) + ")";
    out += fr ? " Commandez " + std::to_string(r.order_units) + packs + " aujourd'hui."
              : " Order " + std::to_string(r.order_units) + packs + " today.";
    if (r.raised_to_min)
      out += fr ? " La commande minimale du fournisseur est de " + std::to_string(s.min_order_units) + "."
                : " The supplier's minimum order is " + std::to_string(s.min_order_units) + ".";
    if (r.lowered_to_max)
      out += fr ? " La commande maximale du fournisseur est de " + std::to_string(s.max_order_units) + "."
                : " The supplier's maximum order is " + std::to_string(s.max_order_units) + ".";
    if (r.capped_by_shelf_life)
      out += fr ? " Pas plus de " + std::to_string(r.order_units) + " : le reste expirerait avant d'être vendu."
                : " No more than " + std::to_string(r.order_units) + ": more would expire before it sells.";
  } else if (r.capped_by_shelf_life) {
    out += fr ? " Ne commandez pas : même la plus petite commande expirerait avant d'être vendue."
              : " Do not order: even the smallest order would expire before it sells.";
  } else {
    out += fr ? " Pas de commande nécessaire aujourd'hui." : " No order needed today.";
  }
  return out;
}

}  // namespace

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("NormalQuantile: p must be in (0, 1)");
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - kLow) return -NormalQuantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

int RoundUpToPacks(double units, int pack_size) {
  if (pack_size < 1) throw std::invalid_argument("RoundUpToPacks: pack_size must be at least 1");
  if (!(units > 0)) return 0;
  // A hair of tolerance so 24.0000000001 (floating-point sums) is not rounded to the next pack.
  const double packs = std::ceil(units / pack_size - 1e-9);
  return static_cast<int>(packs) * pack_size;
}

Recommendation Recommend(const ItemState& item, const Forecast& forecast, const Policy& policy) {
  Validate(item, forecast, policy);
  const Supplier& s = item.supplier;
  const int lead = s.lead_time_days;
  const int protection = lead + s.review_period_days;
  const View v(forecast);
  Recommendation r;
  r.protection_days = protection;
  r.z = NormalQuantile(policy.service_level);

  double var_p = 0, var_l = 0;
  for (int h = 0; h < protection; ++h) {
    const double mu = v.Point(h), sd = v.Sigma(h);
    r.demand_cover += mu;
    var_p += sd * sd;
    if (h < lead) {
      r.demand_lead += mu;
      var_l += sd * sd;
    }
  }
  r.sigma_cover = std::sqrt(std::max(var_p, r.demand_cover));
  const double sigma_lead = std::sqrt(std::max(var_l, r.demand_lead));
  r.safety_stock = std::max(r.z * r.sigma_cover, 0.0);
  r.reorder_point = std::max(r.demand_cover + r.safety_stock, 0.0);

  // Expiry: FIFO against the forecast, when the ages are known.
  const Expiry expiry =
      s.shelf_life_days > 0 || !item.batches.empty() ? ProjectExpiry(item.batches, v, lead) : Expiry{};
  r.expiring_units = static_cast<int>(std::lround(expiry.units));
  r.expiring_soon = r.expiring_units > 0;
  r.expiring_in_days = r.expiring_soon ? expiry.first_day : 0;

  int arriving_before_lead = 0, arriving_in_shelf = 0;
  for (const auto& o : item.on_order) {
    r.on_order_units += o.units;
    if (o.arrives_in_days < lead)
      arriving_before_lead += o.units;
    else if (o.arrives_in_days < lead + std::max(s.shelf_life_days, 1))
      arriving_in_shelf += o.units;
  }
  r.inventory_position = item.on_hand + r.on_order_units - expiry.units;

  // How much: up to the reorder point in whole packs, then the supplier's limits, then the shelf life.
  const double need = r.reorder_point - r.inventory_position;
  r.needed_units = need > 0 ? RoundUpToPacks(need, s.pack_size) : 0;
  int q = r.needed_units;
  const int min_units = RoundUpToPacks(s.min_order_units, s.pack_size);
  if (q > 0 && q < min_units) {
    q = min_units;
    r.raised_to_min = true;
  }
  if (s.max_order_units > 0) {
    const int max_units = s.max_order_units / s.pack_size * s.pack_size;
    if (q > max_units) {
      q = max_units;
      r.lowered_to_max = true;
    }
  }
  if (s.shelf_life_days > 0) {
    // What sells from arrival (day L) until expiry (day L + shelf life − 1), after the stock that will still be there.
    double sells = 0;
    for (int h = lead; h < lead + s.shelf_life_days; ++h) sells += v.Point(h);
    const double left_at_arrival =
        std::max(item.on_hand - expiry.units_before_lead + arriving_before_lead - r.demand_lead, 0.0) +
        arriving_in_shelf;
    const double room = std::max(sells - left_at_arrival, 0.0);
    r.shelf_life_cap = static_cast<int>(std::floor(room / s.pack_size + 1e-9)) * s.pack_size;
    if (q > r.shelf_life_cap) {
      q = r.shelf_life_cap;
      r.capped_by_shelf_life = true;
      if (q < std::max(min_units, s.pack_size)) q = 0;
    }
  }
  r.order_units = q;
  r.packs = q / s.pack_size;
  r.order_now = q > 0;

  // Days of stock: on hand against the forecast.
  double cum = 0;
  for (int h = 0; h < kYear; ++h) {
    const double d = v.Point(h);
    if (cum + d >= item.on_hand && d > 0) {
      r.days_of_stock = h + (item.on_hand - cum) / d;
      break;
    }
    cum += d;
  }
  if (item.on_hand == 0) r.days_of_stock = 0;

  const double available_before_lead = item.on_hand - expiry.units_before_lead + arriving_before_lead;
  r.stockout_risk = lead > 0 && r.demand_lead > 0 && available_before_lead < r.demand_lead + r.z * sigma_lead;

  r.causes = FindCauses(item, v, protection, policy);
  r.reason_en = Reason(item, r, false);
  r.reason_fr = Reason(item, r, true);
  return r;
}

}  // namespace okada::brain::inventory
