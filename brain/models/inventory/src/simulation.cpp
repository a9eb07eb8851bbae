#include "okada/brain/inventory/simulation.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace okada::brain::inventory {
namespace {

// SplitMix64 and hand-written distributions: std's distributions differ between standard libraries, and the
// simulation must give the same figures everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  double Normal() {  // Box–Muller, one of the pair
    return std::sqrt(-2 * std::log(Uniform())) * std::cos(6.283185307179586 * Uniform());
  }
  double Gamma(double shape) {  // Marsaglia–Tsang, shape ≥ 1, scale 1
    const double d = shape - 1.0 / 3.0, c = 1 / std::sqrt(9 * d);
    for (;;) {
      const double x = Normal();
      double v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      if (std::log(Uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  int Poisson(double lambda) {
    if (!(lambda > 0)) return 0;
    if (lambda >= 30) return std::max(0, static_cast<int>(std::lround(lambda + std::sqrt(lambda) * Normal())));
    const double limit = std::exp(-lambda);
    int k = 0;
    double p = Uniform();
    while (p > limit) {
      ++k;
      p *= Uniform();
    }
    return k;
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<double, 7> kWeekday{0.9, 0.92, 0.95, 1.0, 1.15, 1.3, 1.1};  // Mon..Sun, as brain/sim
constexpr double kPayday = 1.35;
constexpr double kRain = 1.2;
constexpr double kRainPersistence = 0.4;
constexpr std::array<double, 12> kRainDouala{0.15, 0.2, 0.4, 0.5, 0.6, 0.75, 0.85, 0.85, 0.8, 0.65, 0.35, 0.15};
constexpr double kGammaShape = 10;

double HolidayDemand(Date d) {  // brain/sim/market.conf's holidays_fixed
  struct H {
    int month, day;
    double demand;
  };
  static constexpr std::array<H, 8> kHolidays{{{1, 1, 1.5},
                                               {2, 11, 1.25},
                                               {5, 1, 1.15},
                                               {5, 20, 1.3},
                                               {8, 15, 1.1},
                                               {12, 24, 1.3},
                                               {12, 25, 1.6},
                                               {12, 31, 1.4}}};
  for (const auto& h : kHolidays)
    if (h.month == d.month && h.day == d.day) return h.demand;
  return 1.0;
}

struct Lot {
  int units;
  int last_day;  // the last simulated day it can be sold
};
struct Arrival {
  int day;
  int units;
};

enum class Kind { kRecommended, kBaseline };

double MeanLast(const std::vector<double>& v, std::size_t n) {
  n = std::min(n, v.size());
  if (n == 0) return 0;
  return std::accumulate(v.end() - static_cast<std::ptrdiff_t>(n), v.end(), 0.0) / static_cast<double>(n);
}

PolicyMetrics Run(const SimProduct& p, const std::vector<int>& demand, Date start, const SimulationOptions& o,
                  Kind kind) {
  const Supplier& s = p.supplier;
  const int lead = s.lead_time_days, shelf = s.shelf_life_days;
  const int horizon = std::max({lead + s.review_period_days, lead + shelf, 14}) + 7;
  std::vector<double> sales(demand.begin(), demand.begin() + o.history_days);
  // The same opening stock for both policies: five days of recent sales (fewer for short-lived goods), fresh.
  const double m28 = MeanLast(sales, 28);
  const int opening = static_cast<int>(std::ceil(m28 * (shelf > 0 ? std::min(5, shelf) : 5)));
  std::vector<Lot> lots{{opening, shelf > 0 ? shelf - 1 : INT_MAX}};
  std::vector<Arrival> pipeline;
  PolicyMetrics m;
  forecast::Forecast fitted;
  int fitted_day = -1;

  auto on_hand = [&] {
    int u = 0;
    for (const auto& l : lots) u += l.units;
    return u;
  };
  auto receive = [&](int t) {
    for (auto it = pipeline.begin(); it != pipeline.end();) {
      if (it->day > t) {
        ++it;
        continue;
      }
      lots.push_back({it->units, shelf > 0 ? t + shelf - 1 : INT_MAX});
      it = pipeline.erase(it);
    }
    std::stable_sort(lots.begin(), lots.end(), [](const Lot& a, const Lot& b) { return a.last_day < b.last_day; });
  };
  auto place = [&](int t, int units) {
    if (units <= 0) return;
    pipeline.push_back({t + lead, units});
    ++m.orders;
  };

  for (int t = 0; t < o.days; ++t) {
    const Date today = AddDays(start, t);
    receive(t);
    if (kind == Kind::kRecommended) {
      if (t % s.review_period_days == 0) {
        if (fitted_day < 0 || t - fitted_day >= o.refit_every_days) {
          fitted = ForecastDemand(sales, today, horizon + o.refit_every_days - 1, o.model);
          fitted_day = t;
        }
        forecast::Forecast f;
        const auto skip = static_cast<std::ptrdiff_t>(t - fitted_day);
        f.point.assign(fitted.point.begin() + skip, fitted.point.end());
        f.q10.assign(fitted.q10.begin() + skip, fitted.q10.end());
        f.q50.assign(fitted.q50.begin() + skip, fitted.q50.end());
        f.q90.assign(fitted.q90.begin() + skip, fitted.q90.end());
        ItemState item;
        item.today = today;
        item.on_hand = on_hand();
        if (shelf > 0)
          for (const auto& l : lots) item.batches.push_back({l.units, l.last_day - t + 1});
        for (const auto& a : pipeline) item.on_order.push_back({a.day - t, a.units});
        item.supplier = s;
        item.sales_history = sales;
        place(t, Recommend(item, f, o.policy).order_units);
      }
    } else {
      const double mean = MeanLast(sales, 28);
      int position = on_hand();
      for (const auto& a : pipeline) position += a.units;
      if (mean > 0 && position <= mean * lead) {
        int q = RoundUpToPacks(7 * mean, s.pack_size);
        q = std::max(q, RoundUpToPacks(s.min_order_units, s.pack_size));
        if (s.max_order_units > 0) q = std::min(q, s.max_order_units / s.pack_size * s.pack_size);
        place(t, q);
      }
    }
    receive(t);  // lead time 0: it arrives before the day's sales

    const int d = demand[static_cast<std::size_t>(o.history_days + t)];
    int left = d;
    for (auto& l : lots) {
      const int sold = std::min(left, l.units);
      l.units -= sold;
      left -= sold;
    }
    m.demand_units += d;
    m.lost_units += left;
    if (left > 0) ++m.stockout_days;
    sales.push_back(d - left);

    for (auto& l : lots)
      if (l.last_day <= t) {
        m.wasted_units += l.units;
        l.units = 0;
      }
    lots.erase(std::remove_if(lots.begin(), lots.end(), [](const Lot& l) { return l.units == 0; }), lots.end());
    const int held = on_hand();
    m.unit_days_held += held;
    m.holding_cost += held * p.holding_cost_per_unit_day;
  }
  return m;
}

PolicyMetrics Sum(const std::vector<ProductRun>& runs, PolicyMetrics ProductRun::*field) {
  PolicyMetrics t;
  for (const auto& r : runs) {
    const PolicyMetrics& m = r.*field;
    t.stockout_days += m.stockout_days;
    t.lost_units += m.lost_units;
    t.demand_units += m.demand_units;
    t.wasted_units += m.wasted_units;
    t.unit_days_held += m.unit_days_held;
    t.holding_cost += m.holding_cost;
    t.orders += m.orders;
  }
  return t;
}

}  // namespace

std::vector<SimProduct> ShopProducts(std::uint64_t seed) {
  // name, base units/day, supplier {L, R, pack, min, max, shelf life}, holding XAF per unit-day (≈ 0.15–0.4% of the
  // purchase price a day: money tied up, space, shrinkage; more for chilled goods).
  std::vector<SimProduct> out{
      {"Riz parfumé 5 kg", 5, 0, {3, 1, 5, 0, 0, 0}, 9},
      {"Pain baguette", 30, 0, {1, 1, 10, 0, 0, 2}, 0.5},
      {"Yaourt nature 500 g", 8, 0, {2, 2, 6, 0, 0, 7}, 2.5},
      {"Huile de palme 1 L", 6, 0, {4, 2, 12, 24, 0, 0}, 2},
      {"Top Pamplemousse 60 cl", 20, 0, {2, 1, 12, 0, 0, 0}, 0.6},
  };
  Rng rng(seed * 0x2545F4914F6CDD1DULL + 17);
  for (auto& p : out) {
    p.base_daily *= rng.Uniform(0.6, 1.5);
    p.trend_per_day = rng.Uniform(-0.0015, 0.0025);
  }
  return out;
}

std::vector<int> GenerateDemand(const SimProduct& product, Date first_day, int days, std::uint64_t seed,
                                std::uint64_t weather) {
  Rng sky(weather);
  Rng rng(seed);
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(std::max(days, 0)));
  bool rain = false;
  for (int t = 0; t < days; ++t) {
    const Date d = AddDays(first_day, t);
    const double p = kRainDouala[static_cast<std::size_t>(d.month - 1)];
    rain = sky.Uniform() < (rain ? p + kRainPersistence * (1 - p) : p * (1 - kRainPersistence));
    double mean = product.base_daily * std::pow(1 + product.trend_per_day, t) *
                  kWeekday[static_cast<std::size_t>(Weekday(d))] * (IsPaydayWindow(d) ? kPayday : 1.0) *
                  HolidayDemand(d) * (rain ? kRain : 1.0);
    mean *= rng.Gamma(kGammaShape) / kGammaShape;
    out.push_back(rng.Poisson(mean));
  }
  return out;
}

PolicyMetrics SimulationResult::TotalRecommended() const { return Sum(products, &ProductRun::recommended); }
PolicyMetrics SimulationResult::TotalBaseline() const { return Sum(products, &ProductRun::baseline); }

SimulationResult Simulate(const std::vector<SimProduct>& products, const SimulationOptions& o) {
  if (o.days < 1) throw std::invalid_argument("Simulate: days must be at least 1");
  if (o.history_days < 28) throw std::invalid_argument("Simulate: history_days must be at least 28");
  if (o.refit_every_days < 1) throw std::invalid_argument("Simulate: refit_every_days must be at least 1");
  SimulationResult result;
  result.days = o.days;
  result.start =
      o.start_from_seed ? AddDays(Date{2026, 1, 1}, static_cast<std::int64_t>((o.seed * 37) % 365)) : o.start;
  const Date first = AddDays(result.start, -o.history_days);
  const std::uint64_t weather = o.seed * 0xD1B54A32D192ED03ULL + 5;
  for (std::size_t i = 0; i < products.size(); ++i) {
    const auto demand =
        GenerateDemand(products[i], first, o.history_days + o.days, o.seed * 1000003ULL + i * 7919ULL + 1, weather);
    ProductRun run;
    run.name = products[i].name;
    run.recommended = Run(products[i], demand, result.start, o, Kind::kRecommended);
    run.baseline = Run(products[i], demand, result.start, o, Kind::kBaseline);
    result.products.push_back(std::move(run));
  }
  return result;
}

}  // namespace okada::brain::inventory
