#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "okada/brain/eta/trips.hpp"
#include "okada/brain/forecast/market.hpp"
#include "okada/brain/sim/market.hpp"
#include "okada/brain/sim/report.hpp"

namespace okada::brain::sim {
namespace {

namespace fs = std::filesystem;

const std::array<std::vector<Poi>, kCityCount>& Pois() {
  static const std::array<std::vector<Poi>, kCityCount> pois = {ReadPois(PoiFile(OKADA_SIM_TEST_GEO_DIR, kDouala)),
                                                                ReadPois(PoiFile(OKADA_SIM_TEST_GEO_DIR, kYaounde))};
  return pois;
}

// A smaller market than the committed one, so the tests stay fast.
MarketParams Small(double scale) {
  MarketParams p = DefaultMarketParams();
  for (auto& c : p.city) {
    c.customers = static_cast<int>(c.customers * scale);
    c.riders = std::max(20, static_cast<int>(c.riders * scale));
    c.orders_per_day *= scale;
  }
  return p;
}

Market Simulated(const MarketParams& p, std::vector<int> cities, int days, std::uint64_t seed) {
  SimOptions o;
  o.cities = std::move(cities);
  o.days = days;
  o.seed = seed;
  return Simulate(p, DefaultCatalog(), Pois(), o);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "okada-sim-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* const kFiles[] = {"merchants.csv",     "products.csv", "items.csv",        "customers.csv",
                              "riders.csv",        "orders.csv",   "order_lines.csv",  "trips.csv",
                              "eta_trips.csv",     "weather.csv",  "interactions.csv", "sales_daily.csv",
                              "orders_hourly.csv", "calendar.csv", "promotions.csv"};

TEST(SimMarket, SameSeedByteIdenticalExportOtherSeedDifferent) {
  const MarketParams p = Small(0.15);
  TempDir a, b, c;
  WriteExport(Simulated(p, {kDouala, kYaounde}, 8, 42), a.path());
  WriteExport(Simulated(p, {kDouala, kYaounde}, 8, 42), b.path());
  WriteExport(Simulated(p, {kDouala, kYaounde}, 8, 43), c.path());
  int differ = 0;
  for (const char* f : kFiles) {
    const std::string x = Slurp(a.path() / f);
    ASSERT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, Slurp(b.path() / f)) << f;
    differ += x != Slurp(c.path() / f);
  }
  EXPECT_GE(differ, 8);  // everything random differs (offers, customers, riders, orders, trips, weather…)
  EXPECT_NE(Slurp(a.path() / "orders.csv"), Slurp(c.path() / "orders.csv"));
  // A city's market does not depend on the other city being simulated.
  const Market both = Simulated(p, {kDouala, kYaounde}, 3, 5), alone = Simulated(p, {kDouala}, 3, 5);
  ASSERT_GT(alone.orders.size(), 10u);
  for (std::size_t i = 0; i < alone.orders.size(); ++i) {
    EXPECT_EQ(alone.orders[i].placed_at, both.orders[i].placed_at);
    EXPECT_EQ(alone.orders[i].delivered_at, both.orders[i].delivered_at);
  }
}

TEST(SimMarket, OrdersAreConsistent) {
  const MarketParams p = Small(0.25);
  const Market m = Simulated(p, {kDouala, kYaounde}, 21, 9);
  ASSERT_GT(m.orders.size(), 2000u);
  std::map<int, int> per_city;
  for (const Merchant& mer : m.merchants) {
    EXPECT_TRUE(p.city[static_cast<std::size_t>(mer.city)].Inside(mer.lat, mer.lon)) << mer.id;
    EXPECT_FALSE(mer.offers.empty()) << mer.id;
    for (int oi : mer.offers) {
      const Offer& off = m.offers[static_cast<std::size_t>(oi)];
      EXPECT_TRUE(m.products[static_cast<std::size_t>(off.product)].store_types[static_cast<std::size_t>(mer.type)])
          << off.id;
      EXPECT_GT(off.price_xaf, 0);
      EXPECT_EQ(off.price_xaf % 25, 0);
    }
    ++per_city[mer.city];
  }
  EXPECT_GT(per_city[kDouala], 100);
  EXPECT_GT(per_city[kYaounde], 200);
  for (const Customer& c : m.customers)
    EXPECT_TRUE(p.city[static_cast<std::size_t>(c.city)].Inside(c.lat, c.lon)) << c.id;
  for (const Rider& r : m.riders) EXPECT_TRUE(p.city[static_cast<std::size_t>(r.city)].Inside(r.lat, r.lon)) << r.id;
  std::set<std::string> ids;
  for (const Order& o : m.orders) {
    ASSERT_TRUE(ids.insert(o.id).second) << o.id;
    const Merchant& mer = m.merchants[static_cast<std::size_t>(o.merchant)];
    EXPECT_EQ(mer.city, o.city);
    EXPECT_EQ(m.customers[static_cast<std::size_t>(o.customer)].city, o.city);
    EXPECT_EQ(m.riders[static_cast<std::size_t>(o.rider)].city, o.city);
    ASSERT_GE(o.line_count, 1) << o.id;
    std::int64_t items = 0;
    std::set<int> offers;
    for (int i = 0; i < o.line_count; ++i) {
      const OrderLine& l = m.lines[o.first_line + static_cast<std::size_t>(i)];
      EXPECT_EQ(m.offers[static_cast<std::size_t>(l.offer)].merchant, o.merchant) << o.id;  // the store sells it
      // The list price, or less on a promotion day (PromotionsDiscountAndLiftTheirOffers checks which).
      EXPECT_LE(l.unit_price_xaf, m.offers[static_cast<std::size_t>(l.offer)].price_xaf);
      EXPECT_GT(l.unit_price_xaf, 0);
      EXPECT_GE(l.quantity, 1);
      EXPECT_TRUE(offers.insert(l.offer).second) << "offer twice in " << o.id;
      items += static_cast<std::int64_t>(l.quantity) * l.unit_price_xaf;
    }
    EXPECT_EQ(items, o.items_xaf);
    EXPECT_GT(o.delivery_fee_xaf, 0);
    EXPECT_EQ(o.delivery_fee_xaf % 50, 0);
    EXPECT_GE(o.placed_at, m.start_day * 86400);
    EXPECT_LT(o.placed_at, (m.start_day + m.days) * 86400);
    EXPECT_LE(o.placed_at, o.assigned_at);
    EXPECT_LT(o.assigned_at, o.picked_up_at) << o.id;
    EXPECT_LT(o.picked_up_at, o.delivered_at) << o.id;
    EXPECT_LT(o.delivered_at - o.placed_at, 4 * 3600) << o.id;  // riders keep up with demand
    EXPECT_GT(o.speed_kmh, 3);
    EXPECT_LT(o.speed_kmh, 80);
    // Stores serve only when open.
    const int hour = static_cast<int>(o.placed_at % 86400 / 3600);
    EXPECT_TRUE(p.store_hours[static_cast<std::size_t>(mer.type)].Contains(hour)) << o.id;
  }
}

TEST(SimMarket, ExportFilesMatchTheirReaders) {
  const MarketParams p = Small(0.1);
  const Market m = Simulated(p, {kDouala, kYaounde}, 5, 3);
  TempDir dir;
  WriteExport(m, dir.path());
  // eta_trips.csv is the ETA model's trip format.
  const auto trips = eta::ReadTripsCsv(dir.path() / "eta_trips.csv");
  ASSERT_EQ(trips.size(), m.orders.size());
  for (const auto& t : trips) {
    EXPECT_TRUE(p.city[kDouala].Inside(t.query.from_lat, t.query.from_lon) ||
                p.city[kYaounde].Inside(t.query.from_lat, t.query.from_lon));
    EXPECT_GT(t.seconds, p.leg_overhead_s);
  }
  // interactions.csv: user,item,timestamp,weight with items from items.csv.
  std::set<std::string> items;
  {
    std::istringstream in(Slurp(dir.path() / "items.csv"));
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "item,category,name_fr,name_en,price_xaf,store");
    while (std::getline(in, line)) items.insert(line.substr(0, line.find(',')));
  }
  EXPECT_EQ(items.size(), m.offers.size());
  std::istringstream in(Slurp(dir.path() / "interactions.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "user,item,timestamp,weight");
  std::size_t rows = 0;
  long long last = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 4u) << line;
    EXPECT_TRUE(items.count(f[1])) << line;
    const long long ts = std::stoll(f[2]);
    EXPECT_GE(ts, last);  // chronological
    last = ts;
    EXPECT_GE(std::stoi(f[3]), 1);
  }
  EXPECT_EQ(rows, m.lines.size());
  // The demand layout: the forecasting pipeline's reader takes it; units and orders add up to the lines and
  // orders; every order is in a zone-hour; the calendar covers the days and 6 weeks more for both cities.
  const forecast::market::Demand demand = forecast::market::LoadDemand(dir.path());
  double units = 0, lines_units = 0, orders = 0;
  for (const auto& item : demand.items)
    for (double u : item.units) units += u;
  for (const OrderLine& l : m.lines) lines_units += l.quantity;
  for (const auto& z : demand.zones)
    for (double n : z.orders) orders += n;
  EXPECT_EQ(units, lines_units);
  EXPECT_EQ(orders, static_cast<double>(m.orders.size()));
  EXPECT_EQ(demand.days, 5);
  EXPECT_EQ(demand.calendar.at("douala").size(), 5u + 42u);
  EXPECT_EQ(demand.calendar.at("yaounde").size(), 5u + 42u);
  EXPECT_GE(demand.calendar.at("douala").begin()->second.rain_hours, 0);
  EXPECT_LT(demand.calendar.at("douala").rbegin()->second.rain_hours, 0);  // the days to come: unknown
  std::size_t spans = 0;
  for (const auto& [key, list] : demand.promotions) spans += list.size();
  EXPECT_EQ(spans, m.promotions.size());
  // The report reads the export back.
  const ExportData data = ReadExport(dir.path());
  EXPECT_EQ(data.orders.size(), m.orders.size());
  EXPECT_EQ(data.trips.size(), m.orders.size());
  EXPECT_EQ(data.days, 5);
  EXPECT_EQ(data.lines, static_cast<std::int64_t>(m.lines.size()));
  const std::string html = ReportHtml(Measure(data, p), p, dir.path().string());
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("payday_demand"), std::string::npos);
  EXPECT_THROW(ReadExport(dir.path() / "missing"), std::runtime_error);
}

// A 140-day Douala market: every effect measured from the export is within tolerance of its parameter.
TEST(SimMarket, MeasuredEffectsMatchTheParameters) {
  MarketParams p = Small(0.5);
  const Market m = Simulated(p, {kDouala}, 140, 11);
  TempDir dir;
  WriteExport(m, dir.path());
  const Measurement e = Measure(ReadExport(dir.path()), p);
  for (int w = 0; w < 7; ++w)
    EXPECT_NEAR(e.weekday_measured[static_cast<std::size_t>(w)] / e.weekday_param[static_cast<std::size_t>(w)], 1, 0.06)
        << "weekday " << w;
  EXPECT_NEAR(e.payday_measured / e.payday_param, 1, 0.06);
  EXPECT_NEAR(e.rain_orders_measured / e.rain_orders_param, 1, 0.06);
  EXPECT_NEAR(e.rain_speed_measured / e.rain_speed_param, 1, 0.03);
  EXPECT_NEAR(e.rush_speed_measured / e.rush_speed_param, 1, 0.03);
  for (int h = 6; h < 23; ++h)
    EXPECT_NEAR(e.hour_measured[static_cast<std::size_t>(h)] / e.hour_param[static_cast<std::size_t>(h)], 1, 0.15) << h;
  ASSERT_GT(e.ramadan_meal_param, 0);
  EXPECT_NEAR(e.ramadan_meal_measured / e.ramadan_meal_param, 1, 0.06);
  ASSERT_GE(e.holidays.size(), 4u);  // Eid al-Fitr, Labour Day, National Day, Tabaski
  double holiday_ratio = 0;
  for (const auto& h : e.holidays) holiday_ratio += h.measured / h.param / static_cast<double>(e.holidays.size());
  EXPECT_NEAR(holiday_ratio, 1, 0.1);
  EXPECT_GT(e.repeat_share, 0.6 * e.repeat_param);  // the first purchase of a favourite is not a repeat
}

// Habits make personal signal: with them customers re-buy far more than without.
TEST(SimMarket, HabitsDriveRepeatPurchases) {
  MarketParams p = Small(0.2);
  const auto repeat_share = [](const Market& m) {
    double repeat = 0;
    for (const OrderLine& l : m.lines) repeat += l.repeat;
    return repeat / static_cast<double>(m.lines.size());
  };
  const double with = repeat_share(Simulated(p, {kDouala}, 60, 4));
  p.favourite_store_probability = 0;
  p.favourite_product_probability = 0;
  const double without = repeat_share(Simulated(p, {kDouala}, 60, 4));
  EXPECT_GT(with, 0.4 * DefaultMarketParams().favourite_store_probability *
                      DefaultMarketParams().favourite_product_probability);
  EXPECT_GT(with, 2 * without) << with << " vs " << without;
}

// Promotions: scheduled weekly per store into the 6 weeks past the simulated days, sold at the discounted price
// while they run, and an offer sells more on its promotion days than on its other days; without promotions no line
// is discounted.
TEST(SimMarket, PromotionsDiscountAndLiftTheirOffers) {
  const MarketParams p = Small(0.2);
  const int days = 56;
  const Market m = Simulated(p, {kDouala}, days, 6);
  ASSERT_FALSE(m.promotions.empty());
  std::int64_t last = 0;
  std::map<std::pair<int, std::int64_t>, double> discount;  // (offer, day) → discount
  for (const Promotion& pr : m.promotions) {
    EXPECT_GE(pr.discount, p.promotion_discount_min);
    EXPECT_LE(pr.discount, p.promotion_discount_max);
    EXPECT_GE(pr.last_day - pr.first_day + 1, p.promotion_days_min);
    EXPECT_LE(pr.last_day - pr.first_day + 1, p.promotion_days_max);
    last = std::max(last, pr.last_day);
    for (std::int64_t d = pr.first_day; d <= pr.last_day; ++d)
      discount[{pr.offer, d}] = std::max(discount[{pr.offer, d}], pr.discount);  // overlapping: the largest
  }
  EXPECT_GE(last, m.start_day + days + 30) << "planned promotions past the simulated days";
  // Units per promoted offer on and off its promotion days (per day), over the simulated days.
  double on_units = 0, on_days = 0, off_units = 0, off_days = 0;
  std::map<std::pair<int, std::int64_t>, double> sold;
  std::size_t discounted = 0;
  for (const Order& o : m.orders)
    for (int li = 0; li < o.line_count; ++li) {
      const OrderLine& l = m.lines[o.first_line + static_cast<std::size_t>(li)];
      const std::int64_t day = o.placed_at / 86400;
      sold[{l.offer, day}] += l.quantity;
      const int list = m.offers[static_cast<std::size_t>(l.offer)].price_xaf;
      const auto d = discount.find({l.offer, day});
      if (d != discount.end()) {  // the discounted price, to 25 XAF
        const int expected = std::max(25, static_cast<int>(std::llround(list * (1 - d->second) / 25)) * 25);
        EXPECT_EQ(l.unit_price_xaf, expected) << list << " at " << d->second << " off";
        discounted += l.unit_price_xaf < list;
      } else {
        EXPECT_EQ(l.unit_price_xaf, list);
      }
    }
  std::set<int> promoted;
  for (const auto& [key, d] : discount) promoted.insert(key.first);
  for (int offer : promoted)
    for (std::int64_t day = m.start_day; day < m.start_day + days; ++day) {
      const auto s = sold.find({offer, day});
      const double units = s == sold.end() ? 0 : s->second;
      if (discount.count({offer, day})) {
        on_units += units;
        ++on_days;
      } else {
        off_units += units;
        ++off_days;
      }
    }
  EXPECT_GT(discounted, 0u);
  EXPECT_GT(on_units / on_days, 1.5 * off_units / off_days)
      << "promotion lift " << on_units / on_days << " vs " << off_units / off_days;

  MarketParams none = p;
  none.promotions_per_week = 0;
  const Market plain = Simulated(none, {kDouala}, 14, 6);
  EXPECT_TRUE(plain.promotions.empty());
  for (const OrderLine& l : plain.lines)
    EXPECT_EQ(l.unit_price_xaf, plain.offers[static_cast<std::size_t>(l.offer)].price_xaf);
}

TEST(SimMarket, RejectsBadOptions) {
  const MarketParams p = Small(0.05);
  EXPECT_THROW(Simulated(p, {kDouala}, 0, 1), std::invalid_argument);
  EXPECT_THROW(Simulated(p, {}, 3, 1), std::invalid_argument);
  EXPECT_THROW(Simulated(p, {kDouala, kDouala}, 3, 1), std::invalid_argument);
  MarketParams empty_box = p;
  empty_box.city[kDouala].lat_min = 10;
  empty_box.city[kDouala].lat_max = 11;
  EXPECT_THROW(Simulated(empty_box, {kDouala}, 3, 1), std::runtime_error);
  EXPECT_THROW(ReadPois("/nonexistent/douala_poi_nodes.csv"), std::runtime_error);
}

}  // namespace
}  // namespace okada::brain::sim
