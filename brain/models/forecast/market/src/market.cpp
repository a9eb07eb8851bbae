#include "okada/brain/forecast/market.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "okada/brain/civil_days.hpp"
#include "okada/brain/inventory/calendar.hpp"
#include "okada/brain/params/csv.hpp"

namespace okada::brain::forecast::market {

namespace {

int Digits(const std::string& s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') throw std::invalid_argument("not a date: '" + s + "'");
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

double Count(const std::string& text, const std::string& what) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0)
    throw std::invalid_argument(what + " must be a number ≥ 0, got '" + text + "'");
  return v;
}

// Reads a CSV file whose header must be exactly `header`; calls row(fields) for each data row. Missing file: false.
template <typename Row>
bool ReadCsv(const std::filesystem::path& path, const std::string& header, std::size_t& rows, Row row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::string source = path.filename().string();
  std::string line;
  std::vector<std::string> f;
  std::size_t columns = 0;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto fail = [&](const std::string& reason) {
      return std::runtime_error(source + ":" + std::to_string(line_no) + ": " + reason);
    };
    if (line_no == 1) {
      if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
      if (line != header) throw fail("expected the header '" + header + "', got '" + line + "'");
      params::SplitCsv(header, f);
      columns = f.size();
      continue;
    }
    if (line.empty()) continue;
    if (!params::SplitCsv(line, f)) throw fail("unterminated quote");
    if (f.size() != columns)
      throw fail("expected " + std::to_string(columns) + " fields, found " + std::to_string(f.size()));
    try {
      row(f);
    } catch (const std::invalid_argument& e) {
      throw fail(e.what());
    }
    ++rows;
  }
  return true;
}

const CalendarDay* Lookup(const Demand& d, const std::string& city, std::int64_t day) {
  for (const std::string& c : {city, std::string()}) {
    const auto by_city = d.calendar.find(c);
    if (by_city == d.calendar.end()) continue;
    const auto it = by_city->second.find(day);
    if (it != by_city->second.end()) return &it->second;
  }
  return nullptr;
}

// Per calendar month (1-12; 0 = all months), the share of known rain hours over the days before known_until.
std::array<double, 13> RainClimate(const Demand& d, const std::string& city, std::int64_t known_until) {
  std::array<double, 13> hours{}, days{};
  for (const std::string& c : {city, std::string()}) {
    const auto by_city = d.calendar.find(c);
    if (by_city == d.calendar.end()) continue;
    for (const auto& [day, facts] : by_city->second) {
      if (day >= known_until || facts.rain_hours < 0) continue;
      const int month = CivilFromDays(day).month;
      hours[static_cast<std::size_t>(month)] += facts.rain_hours;
      days[static_cast<std::size_t>(month)] += 1;
      hours[0] += facts.rain_hours;
      days[0] += 1;
    }
    if (days[0] > 0) break;  // the city's own record; the city-less one only without it
  }
  std::array<double, 13> share{};
  for (std::size_t m = 0; m < 13; ++m) {
    const std::size_t from = days[m] > 0 ? m : 0;
    share[m] = days[from] > 0 ? hours[from] / (24 * days[from]) : 0;
  }
  return share;
}

void DayCovariates(const Demand& d, const std::string& city, std::int64_t day, std::int64_t known_until,
                   const std::array<double, 13>& climate, float* out) {
  const CalendarDay* facts = Lookup(d, city, day);
  const CivilYmd ymd = CivilFromDays(day);
  const inventory::Date date{ymd.year, ymd.month, ymd.day};
  out[0] = (facts ? facts->payday : inventory::IsPaydayWindow(date)) ? 1.f : 0.f;
  out[1] = (facts ? !facts->holiday.empty() : !inventory::CameroonHoliday(date).empty()) ? 1.f : 0.f;
  const bool known = facts && facts->rain_hours >= 0 && day < known_until;
  out[2] = static_cast<float>(known ? facts->rain_hours / 24 : climate[static_cast<std::size_t>(ymd.month)]);
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The Monday on or before `day` (1970-01-01 was a Thursday: day 4 is a Monday).
std::int64_t MondayOnOrBefore(std::int64_t day) { return day - (((day - 4) % 7) + 7) % 7; }

}  // namespace

std::int64_t ParseDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') throw std::invalid_argument("not a day YYYY-MM-DD: '" + s + "'");
  const int y = Digits(s, 0, 4), m = Digits(s, 5, 2), dd = Digits(s, 8, 2);
  if (m < 1 || m > 12 || dd < 1 || dd > inventory::DaysInMonth(y, m))
    throw std::invalid_argument("no such day: '" + s + "'");
  return DaysFromCivil(y, m, dd);
}

std::string FormatDay(std::int64_t day) {
  const CivilYmd c = CivilFromDays(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::int64_t ParseHour(const std::string& s) {
  if (s.size() != 13 || s[10] != 'T') throw std::invalid_argument("not an hour YYYY-MM-DDTHH: '" + s + "'");
  const int h = Digits(s, 11, 2);
  if (h > 23) throw std::invalid_argument("no such hour: '" + s + "'");
  return ParseDay(s.substr(0, 10)) * 24 + h;
}

std::string FormatHour(std::int64_t hour) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "T%02d", static_cast<int>(hour - FloorDiv(hour, 24) * 24));
  return FormatDay(FloorDiv(hour, 24)) + buf;
}

Demand LoadDemand(const std::filesystem::path& dir) {
  Demand d;
  std::map<std::tuple<std::string, std::string>, std::pair<std::string, std::map<std::int64_t, double>>> sales;
  if (!ReadCsv(dir / "sales_daily.csv", "day,city,store,item,units", d.rows, [&](const std::vector<std::string>& f) {
        if (f[2].empty() || f[3].empty()) throw std::invalid_argument("empty store or item");
        auto& s = sales[{f[2], f[3]}];
        s.first = f[1];
        s.second[ParseDay(f[0])] += Count(f[4], "units");
      }))
    throw std::runtime_error((dir / "sales_daily.csv").string() +
                             ": cannot open (the demand layout: see okada brain "
                             "train forecast --help)");
  if (sales.empty()) throw std::runtime_error((dir / "sales_daily.csv").string() + ": no sales");
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& [key, s] : sales) {
    first = std::min(first, s.second.begin()->first);
    last = std::max(last, s.second.rbegin()->first);
  }
  d.first_day = first;
  d.days = last - first + 1;
  for (auto& [key, s] : sales) {
    Demand::Item item{s.first, std::get<0>(key), std::get<1>(key),
                      std::vector<double>(static_cast<std::size_t>(d.days))};
    for (const auto& [day, units] : s.second) item.units[static_cast<std::size_t>(day - first)] = units;
    d.items.push_back(std::move(item));
  }

  std::map<std::string, std::pair<std::string, std::map<std::int64_t, double>>> zones;
  ReadCsv(dir / "orders_hourly.csv", "hour,city,zone,orders", d.rows, [&](const std::vector<std::string>& f) {
    if (f[2].empty()) throw std::invalid_argument("empty zone");
    auto& z = zones[f[2]];
    z.first = f[1];
    z.second[ParseHour(f[0])] += Count(f[3], "orders");
  });
  if (!zones.empty()) {
    std::int64_t h0 = INT64_MAX, h1 = INT64_MIN;
    for (const auto& [zone, z] : zones) {
      h0 = std::min(h0, z.second.begin()->first);
      h1 = std::max(h1, z.second.rbegin()->first);
    }
    // The hours span whole days, from the earlier of the orders' and the sales' first day.
    d.first_hour = std::min(FloorDiv(h0, 24), d.first_day) * 24;
    const std::int64_t end = std::max((FloorDiv(h1, 24) + 1) * 24, (d.first_day + d.days) * 24);
    d.hours = end - d.first_hour;
    for (auto& [zone, z] : zones) {
      Demand::Zone out{z.first, zone, std::vector<double>(static_cast<std::size_t>(d.hours))};
      for (const auto& [hour, n] : z.second) out.orders[static_cast<std::size_t>(hour - d.first_hour)] = n;
      d.zones.push_back(std::move(out));
    }
  }

  ReadCsv(dir / "calendar.csv", "day,city,payday,holiday,rain_hours", d.rows, [&](const std::vector<std::string>& f) {
    CalendarDay c;
    if (f[2] != "0" && f[2] != "1") throw std::invalid_argument("payday must be 0 or 1, got '" + f[2] + "'");
    c.payday = f[2] == "1";
    c.holiday = f[3];
    c.rain_hours = f[4].empty() ? -1 : Count(f[4], "rain_hours");
    if (c.rain_hours > 24) throw std::invalid_argument("rain_hours must be at most 24, got '" + f[4] + "'");
    d.calendar[f[1]][ParseDay(f[0])] = c;
  });
  ReadCsv(dir / "promotions.csv", "first_day,last_day,city,store,item,discount", d.rows,
          [&](const std::vector<std::string>& f) {
            PromotionSpan span{ParseDay(f[0]), ParseDay(f[1]), Count(f[5], "discount")};
            if (span.last_day < span.first_day) throw std::invalid_argument("last_day is before first_day");
            if (span.discount >= 1) throw std::invalid_argument("discount must be below 1, got '" + f[5] + "'");
            if (f[3].empty() || f[4].empty()) throw std::invalid_argument("empty store or item");
            d.promotions[{f[3], f[4]}].push_back(span);
          });
  return d;
}

std::vector<float> DailyCovariates(const Demand& d, const std::string& city, std::int64_t first_day, std::int64_t n,
                                   std::int64_t known_until) {
  const auto climate = RainClimate(d, city, known_until);
  std::vector<float> out(static_cast<std::size_t>(std::max<std::int64_t>(0, n)) * kCovariates);
  for (std::int64_t i = 0; i < n; ++i)
    DayCovariates(d, city, first_day + i, known_until, climate, &out[static_cast<std::size_t>(i) * kCovariates]);
  return out;
}

std::vector<float> HourlyCovariates(const Demand& d, const std::string& city, std::int64_t first_hour, std::int64_t n,
                                    std::int64_t known_until_day) {
  const auto climate = RainClimate(d, city, known_until_day);
  std::vector<float> out(static_cast<std::size_t>(std::max<std::int64_t>(0, n)) * kCovariates);
  std::int64_t day = INT64_MIN;
  float facts[kCovariates] = {};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t today = FloorDiv(first_hour + i, 24);
    if (today != day) {
      day = today;
      DayCovariates(d, city, day, known_until_day, climate, facts);
    }
    std::copy(facts, facts + kCovariates, &out[static_cast<std::size_t>(i) * kCovariates]);
  }
  return out;
}

Panel ItemPanel(const Demand& d, std::int64_t end_day) {
  Panel p;
  const std::int64_t n = std::min(end_day, d.first_day + d.days) - d.first_day;
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    const auto& units = d.items[i].units;
    std::int64_t first_sale = -1;
    for (std::int64_t k = 0; k < n; ++k)
      if (units[static_cast<std::size_t>(k)] > 0) {
        first_sale = k;
        break;
      }
    if (first_sale < 0) continue;
    const std::int64_t start = std::max(d.first_day, MondayOnOrBefore(d.first_day + first_sale));
    // When the data begins mid-week, the series starts on the first Monday instead (a few days are dropped).
    const std::int64_t aligned = start == MondayOnOrBefore(start) ? start : MondayOnOrBefore(start) + 7;
    if (aligned >= d.first_day + n) continue;
    p.series.push_back(Series{d.items[i].store + "/" + d.items[i].item,
                              std::vector<double>(units.begin() + (aligned - d.first_day), units.begin() + n)});
    p.city.push_back(d.items[i].city);
    p.start.push_back(aligned);
    p.source.push_back(i);
  }
  return p;
}

Panel ZonePanel(const Demand& d, std::int64_t end_hour, int max_days) {
  Panel p;
  const std::int64_t end = std::min(end_hour, d.first_hour + d.hours);
  std::int64_t from = std::max(d.first_hour, end - static_cast<std::int64_t>(max_days) * 24);
  const std::int64_t day = FloorDiv(from + 23, 24);  // the first whole day
  const std::int64_t monday = MondayOnOrBefore(day) == day ? day : MondayOnOrBefore(day) + 7;
  from = monday * 24;
  if (from >= end) return p;
  for (std::size_t i = 0; i < d.zones.size(); ++i) {
    const auto& v = d.zones[i].orders;
    Series s{d.zones[i].zone, std::vector<double>(v.begin() + (from - d.first_hour), v.begin() + (end - d.first_hour))};
    bool any = false;
    for (double x : s.values) any = any || x > 0;
    if (!any) continue;
    p.series.push_back(std::move(s));
    p.city.push_back(d.zones[i].city);
    p.start.push_back(from);
    p.source.push_back(i);
  }
  return p;
}

std::vector<std::vector<float>> PanelCovariates(const Demand& d, const Panel& p, const std::vector<Series>& series,
                                                int horizon, bool hourly, std::int64_t known_until_day) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < p.series.size(); ++i) index.emplace(p.series[i].id, i);
  std::vector<std::vector<float>> out;
  out.reserve(series.size());
  for (const Series& s : series) {
    const auto it = index.find(s.id);
    if (it == index.end()) throw std::invalid_argument("series '" + s.id + "' is not in the panel");
    const std::size_t i = it->second;
    const auto n = static_cast<std::int64_t>(s.values.size()) + horizon;
    out.push_back(hourly ? HourlyCovariates(d, p.city[i], p.start[i], n, known_until_day)
                         : DailyCovariates(d, p.city[i], p.start[i], n, known_until_day));
    if (hourly) continue;
    const auto& item = d.items[p.source[i]];
    const auto spans = d.promotions.find({item.store, item.item});
    if (spans == d.promotions.end()) continue;
    for (const PromotionSpan& span : spans->second)
      for (std::int64_t day = std::max(span.first_day, p.start[i]); day <= span.last_day && day < p.start[i] + n; ++day)
        out.back()[static_cast<std::size_t>(day - p.start[i]) * kCovariates + 3] =
            std::max(out.back()[static_cast<std::size_t>(day - p.start[i]) * kCovariates + 3],
                     static_cast<float>(span.discount));
  }
  return out;
}

void DemandWriter::AddSale(std::int64_t day, const std::string& city, const std::string& store, const std::string& item,
                           double units) {
  auto& cell = sales_[{day, store, item}];
  cell.first = city;
  cell.second += units;
}

void DemandWriter::AddOrders(std::int64_t hour, const std::string& city, const std::string& zone, double orders) {
  auto& cell = orders_[{hour, zone}];
  cell.first = city;
  cell.second += orders;
}

void DemandWriter::SetDay(const std::string& city, std::int64_t day, const CalendarDay& facts) {
  calendar_[{city, day}] = facts;
}

void DemandWriter::AddPromotion(const std::string& city, const std::string& store, const std::string& item,
                                const PromotionSpan& span) {
  promotions_.emplace_back(span.first_day, span.last_day, city, store, item, span.discount);
}

void DemandWriter::FillCalendar(const std::string& city, std::int64_t first, std::int64_t last) {
  for (std::int64_t day = first; day <= last; ++day) {
    if (calendar_.count({city, day})) continue;
    const CivilYmd c = CivilFromDays(day);
    const inventory::Date date{c.year, c.month, c.day};
    calendar_[{city, day}] = CalendarDay{inventory::IsPaydayWindow(date), inventory::CameroonHoliday(date), -1};
  }
}

namespace {
void AppendNumber(std::string& line, double v) {
  char buf[48];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf, sizeof buf, "%.3f", v);
  line += buf;
}

void WriteWhole(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path part = path.string() + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(part.string() + ": cannot write");
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(part.string() + ": write failed (disk full?)");
  }
  std::filesystem::rename(part, path);
}
}  // namespace

void DemandWriter::Write(const std::filesystem::path& dir) const {
  std::filesystem::create_directories(dir);
  std::string text = "day,city,store,item,units\n";
  for (const auto& [key, cell] : sales_) {
    text += FormatDay(std::get<0>(key)) + ",";
    for (const std::string* f : {&cell.first, &std::get<1>(key), &std::get<2>(key)}) {
      params::AppendCsvField(text, *f);
      text += ',';
    }
    AppendNumber(text, cell.second);
    text += '\n';
  }
  WriteWhole(dir / "sales_daily.csv", text);
  text = "hour,city,zone,orders\n";
  for (const auto& [key, cell] : orders_) {
    text += FormatHour(std::get<0>(key)) + ",";
    params::AppendCsvField(text, cell.first);
    text += ',';
    params::AppendCsvField(text, std::get<1>(key));
    text += ',';
    AppendNumber(text, cell.second);
    text += '\n';
  }
  WriteWhole(dir / "orders_hourly.csv", text);
  // By city, then day.
  text = "day,city,payday,holiday,rain_hours\n";
  for (const auto& [key, facts] : calendar_) {
    text += FormatDay(key.second) + ",";
    params::AppendCsvField(text, key.first);
    text += facts.payday ? ",1," : ",0,";
    params::AppendCsvField(text, facts.holiday);
    text += ',';
    if (facts.rain_hours >= 0) AppendNumber(text, facts.rain_hours);
    text += '\n';
  }
  WriteWhole(dir / "calendar.csv", text);
  auto promotions = promotions_;
  std::sort(promotions.begin(), promotions.end());
  text = "first_day,last_day,city,store,item,discount\n";
  for (const auto& [first, last, city, store, item, discount] : promotions) {
    text += FormatDay(first) + "," + FormatDay(last) + ",";
    for (const std::string* f : {&city, &store, &item}) {
      params::AppendCsvField(text, *f);
      text += ',';
    }
    AppendNumber(text, discount);
    text += '\n';
  }
  WriteWhole(dir / "promotions.csv", text);
}

void WriteForecastRows(std::ostream& out, const std::vector<ForecastRow>& rows) {
  std::string line = "kind,city,store,item,zone,period,q10,q50,q90,model\n";
  out << line;
  char num[96];
  for (const ForecastRow& r : rows) {
    line.clear();
    for (const std::string* f : {&r.kind, &r.city, &r.store, &r.item, &r.zone, &r.period}) {
      params::AppendCsvField(line, *f);
      line += ',';
    }
    std::snprintf(num, sizeof num, "%.3f,%.3f,%.3f,", r.q10, r.q50, r.q90);
    line += num;
    params::AppendCsvField(line, r.model);
    line += '\n';
    out << line;
  }
}

std::vector<ForecastRow> ReadForecastRows(std::istream& in, const std::string& source) {
  std::vector<ForecastRow> rows;
  std::string line;
  std::vector<std::string> f;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto fail = [&](const std::string& reason) {
      return std::runtime_error(source + ":" + std::to_string(line_no) + ": " + reason);
    };
    if (line_no == 1) {
      if (line != "kind,city,store,item,zone,period,q10,q50,q90,model") throw fail("not a forecasts file");
      continue;
    }
    if (line.empty()) continue;
    if (!params::SplitCsv(line, f) || f.size() != 10) throw fail("expected 10 fields");
    ForecastRow r{f[0], f[1], f[2], f[3], f[4], f[5], 0, 0, 0, f[9]};
    if (r.kind != "item_day" && r.kind != "zone_hour") throw fail("unknown kind '" + r.kind + "'");
    try {
      r.q10 = Count(f[6], "q10");
      r.q50 = Count(f[7], "q50");
      r.q90 = Count(f[8], "q90");
      if (r.kind == "item_day")
        ParseDay(r.period);
      else
        ParseHour(r.period);
    } catch (const std::invalid_argument& e) {
      throw fail(e.what());
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace okada::brain::forecast::market
