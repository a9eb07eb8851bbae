// WriteExport: the simulated market as CSV files (columns documented in brain/sim/README.md).

#include <algorithm>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include "okada/brain/forecast/market.hpp"
#include "okada/brain/sim/market.hpp"
#include "okada/core/geo.hpp"
#include "text.hpp"

namespace okada::brain::sim {
namespace {

class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, std::string_view header) : path_(path) {
    buf_.reserve(1 << 20);
    buf_ += header;
    buf_ += '\n';
  }
  CsvFile& Text(std::string_view v) {
    Sep();
    AppendCsvField(buf_, v);
    return *this;
  }
  CsvFile& Int(std::int64_t v) {
    Sep();
    AppendInt(buf_, v);
    return *this;
  }
  CsvFile& Fixed(double v, int decimals) {
    Sep();
    AppendFixed(buf_, v, decimals);
    return *this;
  }
  void End() {
    buf_ += '\n';
    first_ = true;
    if (buf_.size() > (1u << 20)) Flush();
  }
  void Close() {
    Flush();
    out_.close();
    if (!out_) throw std::runtime_error(path_.string() + ": write failed");
  }

 private:
  void Sep() {
    if (!first_) buf_ += ',';
    first_ = false;
  }
  void Flush() {
    if (!out_.is_open()) {
      out_.open(path_, std::ios::binary | std::ios::trunc);
      if (!out_) throw std::runtime_error(path_.string() + ": cannot write");
    }
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  std::filesystem::path path_;
  std::ofstream out_;
  std::string buf_;
  bool first_ = true;
};

std::string HoursText(const HourRange& h) { return std::to_string(h.from) + "-" + std::to_string(h.to); }

// The demand layout the forecasting pipeline reads (brain/models/forecast/market): units sold per day, store and
// offer; orders per hour and delivery zone (geohash-5 of the customer's home); the calendar of the simulated days
// and the 6 weeks after them (rain unknown ahead).
constexpr int kCalendarDaysAhead = 42;
constexpr int kZonePrecision = 5;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void WriteDemandFiles(const Market& m, const std::filesystem::path& dir) {
  forecast::market::DemandWriter w;
  for (const Order& o : m.orders) {
    const Customer& c = m.customers[static_cast<std::size_t>(o.customer)];
    const std::string city(kCityNames[static_cast<std::size_t>(o.city)]);
    const std::string& store = m.merchants[static_cast<std::size_t>(o.merchant)].id;
    for (int li = 0; li < o.line_count; ++li) {
      const OrderLine& l = m.lines[o.first_line + static_cast<std::size_t>(li)];
      w.AddSale(FloorDiv(o.placed_at, 86400), city, store, m.offers[static_cast<std::size_t>(l.offer)].id, l.quantity);
    }
    w.AddOrders(FloorDiv(o.placed_at, 3600), city, geo::Geohash(c.lat, c.lon, kZonePrecision));
  }
  for (int city : m.cities) {
    const auto& rain = m.rain[static_cast<std::size_t>(city)];
    for (std::int64_t day = m.start_day; day < m.start_day + m.days + kCalendarDaysAhead; ++day) {
      const DayInfo info = DescribeDay(m.params, day);
      forecast::market::CalendarDay facts{info.payday, info.holiday, -1};
      const std::int64_t from = (day - m.start_day) * 24;
      if (from + 24 <= static_cast<std::int64_t>(rain.size())) {
        facts.rain_hours = 0;
        for (std::int64_t h = from; h < from + 24; ++h) facts.rain_hours += rain[static_cast<std::size_t>(h)];
      }
      w.SetDay(std::string(kCityNames[static_cast<std::size_t>(city)]), day, facts);
    }
  }
  for (const Promotion& pr : m.promotions) {
    const Offer& off = m.offers[static_cast<std::size_t>(pr.offer)];
    const Merchant& mer = m.merchants[static_cast<std::size_t>(off.merchant)];
    w.AddPromotion(std::string(kCityNames[static_cast<std::size_t>(mer.city)]), mer.id, off.id,
                   forecast::market::PromotionSpan{pr.first_day, pr.last_day, pr.discount});
  }
  w.Write(dir);
}

}  // namespace

void WriteExport(const Market& m, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const MarketParams& p = m.params;

  {
    CsvFile f(dir / "merchants.csv",
              "merchant,city,name,store_type,osm_node_id,lat,lon,neighbourhood,opens,closes,price_level,offers");
    for (const Merchant& mer : m.merchants) {
      const HourRange& h = p.store_hours[static_cast<std::size_t>(mer.type)];
      f.Text(mer.id).Text(kCityNames[static_cast<std::size_t>(mer.city)]).Text(mer.name);
      f.Text(kStoreTypeNames[static_cast<std::size_t>(mer.type)])
          .Int(mer.osm_node_id)
          .Fixed(mer.lat, 6)
          .Fixed(mer.lon, 6);
      f.Text(m.places[static_cast<std::size_t>(mer.city)][static_cast<std::size_t>(mer.place)].name);
      f.Int(h.from).Int(h.to).Fixed(mer.price_level, 3).Int(static_cast<std::int64_t>(mer.offers.size()));
      f.End();
    }
    f.Close();
  }
  {
    CsvFile f(dir / "products.csv",
              "offer,merchant,sku,category,name_fr,name_en,unit,price_xaf,catalogue_price_xaf,perishable");
    CsvFile items(dir / "items.csv", "item,category,name_fr,name_en,price_xaf,store");
    for (const Offer& off : m.offers) {
      const Product& prod = m.products[static_cast<std::size_t>(off.product)];
      const Merchant& mer = m.merchants[static_cast<std::size_t>(off.merchant)];
      f.Text(off.id).Text(mer.id).Text(prod.sku).Text(prod.category).Text(prod.name_fr).Text(prod.name_en);
      f.Text(prod.unit).Int(off.price_xaf).Int(prod.price_xaf).Int(prod.perishable ? 1 : 0);
      f.End();
      items.Text(off.id).Text(prod.category).Text(prod.name_fr).Text(prod.name_en).Int(off.price_xaf).Text(mer.id);
      items.End();
    }
    f.Close();
    items.Close();
  }
  {
    CsvFile f(dir / "customers.csv",
              "customer,city,neighbourhood,lat,lon,income_band,language,fasts_in_ramadan,order_rate,preferred_hour,"
              "payment,favourite_stores");
    for (const Customer& c : m.customers) {
      std::string favs;
      for (std::size_t i = 0; i < c.favourite_stores.size(); ++i)
        favs += (i ? ";" : "") + m.merchants[static_cast<std::size_t>(c.favourite_stores[i])].id;
      f.Text(c.id).Text(kCityNames[static_cast<std::size_t>(c.city)]);
      f.Text(m.places[static_cast<std::size_t>(c.city)][static_cast<std::size_t>(c.place)].name);
      f.Fixed(c.lat, 6).Fixed(c.lon, 6).Text(kIncomeNames[static_cast<std::size_t>(c.income)]);
      f.Text(c.english ? "en" : "fr").Int(c.muslim ? 1 : 0).Fixed(c.rate, 3).Int(c.preferred_hour);
      f.Text(kPaymentNames[static_cast<std::size_t>(c.payment)]).Text(favs);
      f.End();
    }
    f.Close();
  }
  {
    CsvFile f(dir / "riders.csv", "rider,city,home_neighbourhood,lat,lon,base_speed_kmh,shift");
    for (const Rider& r : m.riders) {
      f.Text(r.id).Text(kCityNames[static_cast<std::size_t>(r.city)]);
      f.Text(m.places[static_cast<std::size_t>(r.city)][static_cast<std::size_t>(r.place)].name);
      f.Fixed(r.lat, 6).Fixed(r.lon, 6).Fixed(r.base_speed_kmh, 2).Text(HoursText(r.shift));
      f.End();
    }
    f.Close();
  }

  // Orders of every city merged in time order (a stable sort keeps the cities' order for equal times).
  std::vector<std::size_t> order_idx(m.orders.size());
  std::iota(order_idx.begin(), order_idx.end(), 0);
  std::stable_sort(order_idx.begin(), order_idx.end(),
                   [&](std::size_t a, std::size_t b) { return m.orders[a].placed_at < m.orders[b].placed_at; });
  {
    CsvFile orders(dir / "orders.csv",
                   "order,city,customer,merchant,store_type,placed_at,unix_time,rain,payment,lines,items_xaf,"
                   "delivery_fee_xaf,total_xaf,rider,delivered_at");
    CsvFile lines(dir / "order_lines.csv", "order,line,item,sku,quantity,unit_price_xaf,amount_xaf,repeat");
    CsvFile trips(dir / "trips.csv",
                  "order,rider,city,assigned_at,picked_up_at,delivered_at,from_lat,from_lon,to_lat,to_lon,to_store_m,"
                  "distance_m,rain,speed_kmh,seconds");
    CsvFile eta(dir / "eta_trips.csv", "started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds");
    CsvFile inter(dir / "interactions.csv", "user,item,timestamp,weight");
    for (std::size_t oi : order_idx) {
      const Order& o = m.orders[oi];
      const Customer& c = m.customers[static_cast<std::size_t>(o.customer)];
      const Merchant& mer = m.merchants[static_cast<std::size_t>(o.merchant)];
      const std::string& rider = m.riders[static_cast<std::size_t>(o.rider)].id;
      const std::string placed = FormatLocalTime(o.placed_at);
      const std::string delivered = FormatLocalTime(o.delivered_at);
      const std::string picked = FormatLocalTime(o.picked_up_at);
      orders.Text(o.id).Text(kCityNames[static_cast<std::size_t>(o.city)]).Text(c.id).Text(mer.id);
      orders.Text(kStoreTypeNames[static_cast<std::size_t>(mer.type)]).Text(placed).Int(o.placed_at - kDoualaOffsetS);
      orders.Int(o.rain ? 1 : 0).Text(kPaymentNames[static_cast<std::size_t>(o.payment)]).Int(o.line_count);
      orders.Int(o.items_xaf).Int(o.delivery_fee_xaf).Int(o.items_xaf + o.delivery_fee_xaf).Text(rider).Text(delivered);
      orders.End();
      for (int li = 0; li < o.line_count; ++li) {
        const OrderLine& l = m.lines[o.first_line + static_cast<std::size_t>(li)];
        const Offer& off = m.offers[static_cast<std::size_t>(l.offer)];
        lines.Text(o.id).Int(li + 1).Text(off.id).Text(m.products[static_cast<std::size_t>(off.product)].sku);
        lines.Int(l.quantity).Int(l.unit_price_xaf).Int(static_cast<std::int64_t>(l.quantity) * l.unit_price_xaf);
        lines.Int(l.repeat ? 1 : 0);
        lines.End();
        inter.Text(c.id).Text(off.id).Int(o.placed_at - kDoualaOffsetS).Int(l.quantity);
        inter.End();
      }
      trips.Text(o.id).Text(rider).Text(kCityNames[static_cast<std::size_t>(o.city)]);
      trips.Text(FormatLocalTime(o.assigned_at)).Text(picked).Text(delivered);
      trips.Fixed(mer.lat, 6).Fixed(mer.lon, 6).Fixed(c.lat, 6).Fixed(c.lon, 6);
      trips.Fixed(o.to_store_m, 0).Fixed(o.distance_m, 0).Int(o.trip_rain ? 1 : 0).Fixed(o.speed_kmh, 2);
      trips.Int(o.delivered_at - o.picked_up_at);
      trips.End();
      // The ETA model's trip format (brain/models/eta/include/okada/brain/eta/trips.hpp): the delivery leg.
      eta.Text(picked).Fixed(mer.lat, 7).Fixed(mer.lon, 7).Fixed(c.lat, 7).Fixed(c.lon, 7);
      eta.Int(o.trip_rain ? 1 : 0).Fixed(static_cast<double>(o.delivered_at - o.picked_up_at), 1);
      eta.End();
    }
    orders.Close();
    lines.Close();
    trips.Close();
    eta.Close();
    inter.Close();
  }
  {
    CsvFile f(dir / "weather.csv", "city,hour,rain");
    for (int city : m.cities) {
      const auto& rain = m.rain[static_cast<std::size_t>(city)];
      for (std::size_t h = 0; h < rain.size(); ++h) {
        f.Text(kCityNames[static_cast<std::size_t>(city)]);
        f.Text(FormatLocalTime(m.start_day * 86400 + static_cast<std::int64_t>(h) * 3600)).Int(rain[h]);
        f.End();
      }
    }
    f.Close();
  }
  WriteDemandFiles(m, dir);
}

}  // namespace okada::brain::sim
