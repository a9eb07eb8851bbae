#include "okada/brain/sim/report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "text.hpp"

namespace okada::brain::sim {
namespace {

// Calls f(line_no, fields) for each record of dir/name after checking its header starts with `header`.
template <typename F>
void ReadCsv(const std::filesystem::path& path, std::string_view header, F f) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open (is this an 'okada sim export' directory?)");
  std::string line;
  std::vector<std::string> fields;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1) {
      if (line.rfind(header, 0) != 0)
        throw std::runtime_error(path.string() + ":1: expected a header starting '" + std::string(header) + "'");
      continue;
    }
    if (line.empty()) continue;
    if (!SplitCsv(line, fields))
      throw std::runtime_error(path.string() + ":" + std::to_string(line_no) + ": bad quoting");
    f(line_no, fields);
  }
}

int CityOf(const std::string& name, const std::filesystem::path& path, int line) {
  for (int c = 0; c < kCityCount; ++c)
    if (kCityNames[static_cast<std::size_t>(c)] == name) return c;
  throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": unknown city '" + name + "'");
}

std::int64_t TimeOf(const std::string& text, const std::filesystem::path& path, int line) {
  try {
    return ParseLocalTime(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + e.what());
  }
}

double NumberOf(const std::string& text, const std::filesystem::path& path, int line) {
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": '" + text + "' is not a number");
  return v;
}

void Need(const std::vector<std::string>& f, std::size_t n, const std::filesystem::path& path, int line) {
  if (f.size() < n)
    throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": expected " + std::to_string(n) +
                             " fields");
}

int DayKind(int weekday) { return weekday < 5 ? 0 : weekday == 5 ? 1 : 2; }

struct Mean {
  double sum = 0;
  double n = 0;
  void Add(double v, double w = 1) {
    sum += v * w;
    n += w;
  }
  double Get() const { return n > 0 ? sum / n : 0; }
};

}  // namespace

ExportData ReadExport(const std::filesystem::path& dir) {
  ExportData d;
  {
    const auto path = dir / "weather.csv";
    std::int64_t first = 0, last = 0;
    bool any = false;
    std::vector<std::pair<int, std::int64_t>> rows;
    std::vector<std::uint8_t> flags;
    ReadCsv(path, "city,hour,rain", [&](int line, const std::vector<std::string>& f) {
      Need(f, 3, path, line);
      const int city = CityOf(f[0], path, line);
      const std::int64_t t = TimeOf(f[1], path, line);
      if (std::find(d.cities.begin(), d.cities.end(), city) == d.cities.end()) d.cities.push_back(city);
      first = any ? std::min(first, t) : t;
      last = any ? std::max(last, t) : t;
      any = true;
      rows.emplace_back(city, t);
      flags.push_back(f[2] == "1" ? 1 : 0);
    });
    if (!any) throw std::runtime_error(path.string() + ": no hours");
    d.start_day = first / 86400;
    d.days = static_cast<int>(last / 86400 - d.start_day + 1);
    for (int c : d.cities) d.rain[static_cast<std::size_t>(c)].assign(static_cast<std::size_t>(d.days) * 24, 0);
    for (std::size_t i = 0; i < rows.size(); ++i)
      d.rain[static_cast<std::size_t>(rows[i].first)]
            [static_cast<std::size_t>((rows[i].second - d.start_day * 86400) / 3600)] = flags[i];
  }
  {
    const auto path = dir / "orders.csv";
    ReadCsv(path, "order,city,customer,merchant,store_type,placed_at",
            [&](int line, const std::vector<std::string>& f) {
              Need(f, 8, path, line);
              ExportData::OrderRow o;
              o.city = CityOf(f[1], path, line);
              o.store_type = StoreTypeByName(f[4]);
              if (o.store_type < 0)
                throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": unknown store type");
              o.placed_at = TimeOf(f[5], path, line);
              o.rain = f[7] == "1";
              d.orders.push_back(o);
            });
  }
  {
    const auto path = dir / "trips.csv";
    ReadCsv(path, "order,rider,city,assigned_at,picked_up_at", [&](int line, const std::vector<std::string>& f) {
      Need(f, 15, path, line);
      ExportData::TripRow t;
      t.city = CityOf(f[2], path, line);
      t.picked_up_at = TimeOf(f[4], path, line);
      t.rain = f[12] == "1";
      t.speed_kmh = NumberOf(f[13], path, line);
      d.trips.push_back(t);
    });
  }
  {
    const auto path = dir / "order_lines.csv";
    ReadCsv(path, "order,line,item", [&](int line, const std::vector<std::string>& f) {
      Need(f, 8, path, line);
      ++d.lines;
      d.repeat_lines += f[7] == "1";
    });
  }
  return d;
}

Measurement Measure(const ExportData& d, const MarketParams& p) {
  Measurement m;
  m.orders = static_cast<int>(d.orders.size());
  m.trips = static_cast<int>(d.trips.size());
  m.days = d.days;
  m.start_day = d.start_day;
  const std::size_t days = static_cast<std::size_t>(d.days);
  std::vector<DayInfo> info;
  for (int i = 0; i < d.days; ++i) info.push_back(DescribeDay(p, d.start_day + i));
  const auto ordinary = [&](std::size_t day) { return !info[day].payday && info[day].holiday.empty(); };
  const auto day_of = [&](std::int64_t t) -> long { return static_cast<long>(t / 86400 - d.start_day); };

  // Counts per city, day and hour.
  std::array<std::vector<double>, kCityCount> per_hour;             // [day*24+hour]
  std::array<std::vector<double>, kCityCount> meal_day, other_day;  // Ramadan-window daytime counts
  for (int c : d.cities) {
    per_hour[static_cast<std::size_t>(c)].assign(days * 24, 0);
    meal_day[static_cast<std::size_t>(c)].assign(days, 0);
    other_day[static_cast<std::size_t>(c)].assign(days, 0);
  }
  m.daily_orders.assign(days, 0);
  for (const auto& o : d.orders) {
    const long day = day_of(o.placed_at);
    if (day < 0 || day >= d.days || per_hour[static_cast<std::size_t>(o.city)].empty()) continue;
    const int hour = static_cast<int>(o.placed_at % 86400 / 3600);
    per_hour[static_cast<std::size_t>(o.city)][static_cast<std::size_t>(day) * 24 + static_cast<std::size_t>(hour)] +=
        1;
    m.daily_orders[static_cast<std::size_t>(day)] += 1;
    m.hour_measured[static_cast<std::size_t>(hour)] += 1;
    if (p.ramadan_daytime.Contains(hour))
      ((o.store_type == kRestaurant || o.store_type == kFastFood)
           ? meal_day
           : other_day)[static_cast<std::size_t>(o.city)][static_cast<std::size_t>(day)] += 1;
  }
  double hour_total = 0, hour_param_total = 0;
  for (int h = 0; h < 24; ++h) {
    hour_total += m.hour_measured[static_cast<std::size_t>(h)];
    hour_param_total += p.hour_demand[static_cast<std::size_t>(h)];
  }
  for (int h = 0; h < 24; ++h) {
    m.hour_measured[static_cast<std::size_t>(h)] /= std::max(1.0, hour_total);
    m.hour_param[static_cast<std::size_t>(h)] = p.hour_demand[static_cast<std::size_t>(h)] / hour_param_total;
  }

  // Weekday means over ordinary days, per city; the measured profile sums the cities.
  std::array<std::array<Mean, 7>, kCityCount> wd_mean{};
  for (int c : d.cities)
    for (std::size_t day = 0; day < days; ++day) {
      if (!ordinary(day)) continue;
      double n = 0;
      for (int h = 0; h < 24; ++h) n += per_hour[static_cast<std::size_t>(c)][day * 24 + static_cast<std::size_t>(h)];
      wd_mean[static_cast<std::size_t>(c)][static_cast<std::size_t>(info[day].weekday)].Add(n);
    }
  double wd_sum = 0, wd_param_sum = 0;
  for (int w = 0; w < 7; ++w) {
    for (int c : d.cities)
      m.weekday_measured[static_cast<std::size_t>(w)] +=
          wd_mean[static_cast<std::size_t>(c)][static_cast<std::size_t>(w)].Get();
    wd_sum += m.weekday_measured[static_cast<std::size_t>(w)];
    wd_param_sum += p.weekday_demand[static_cast<std::size_t>(w)];
  }
  for (int w = 0; w < 7; ++w) {
    m.weekday_measured[static_cast<std::size_t>(w)] *= 7 / std::max(1e-9, wd_sum);
    m.weekday_param[static_cast<std::size_t>(w)] = p.weekday_demand[static_cast<std::size_t>(w)] * 7 / wd_param_sum;
  }

  // Day index: a day's orders over its weekday's ordinary mean (per city, averaged over the cities).
  std::vector<double> index(days, 0);
  for (std::size_t day = 0; day < days; ++day) {
    Mean idx;
    for (int c : d.cities) {
      const double base = wd_mean[static_cast<std::size_t>(c)][static_cast<std::size_t>(info[day].weekday)].Get();
      if (base <= 0) continue;
      double n = 0;
      for (int h = 0; h < 24; ++h) n += per_hour[static_cast<std::size_t>(c)][day * 24 + static_cast<std::size_t>(h)];
      idx.Add(n / base);
    }
    index[day] = idx.Get();
  }
  Mean pay, normal;
  for (std::size_t day = 0; day < days; ++day) {
    if (!info[day].holiday.empty()) {
      m.holidays.push_back({d.start_day + static_cast<std::int64_t>(day), info[day].holiday, index[day],
                            info[day].holiday_demand * (info[day].payday ? p.payday_demand : 1.0)});
      continue;
    }
    (info[day].payday ? pay : normal).Add(index[day]);
  }
  m.payday_measured = normal.Get() > 0 ? pay.Get() / normal.Get() : 0;
  m.payday_param = p.payday_demand;

  // Rain and orders: per hour of day, mean orders in rainy and dry hours of ordinary days, standardised on the
  // rainy hours' distribution.
  {
    std::array<Mean, 24> wet{}, dry{};
    for (int c : d.cities)
      for (std::size_t day = 0; day < days; ++day) {
        if (!ordinary(day)) continue;
        for (int h = 0; h < 24; ++h) {
          const std::size_t i = day * 24 + static_cast<std::size_t>(h);
          (d.rain[static_cast<std::size_t>(c)][i] ? wet : dry)[static_cast<std::size_t>(h)].Add(
              per_hour[static_cast<std::size_t>(c)][i]);
        }
      }
    double num = 0, den = 0;
    for (int h = 0; h < 24; ++h) {
      if (wet[static_cast<std::size_t>(h)].n == 0 || dry[static_cast<std::size_t>(h)].n == 0) continue;
      num += wet[static_cast<std::size_t>(h)].n * wet[static_cast<std::size_t>(h)].Get();
      den += wet[static_cast<std::size_t>(h)].n * dry[static_cast<std::size_t>(h)].Get();
    }
    m.rain_orders_measured = den > 0 ? num / den : 0;
    m.rain_orders_param = p.rain_demand;
  }

  // Speeds.
  {
    std::array<std::array<Mean, 24>, 3> wet{}, dry{};
    for (const auto& t : d.trips) {
      const std::int64_t day = t.picked_up_at / 86400;
      const int kind = DayKind(WeekdayOfDay(day));
      const int hour = static_cast<int>(t.picked_up_at % 86400 / 3600);
      (t.rain ? wet : dry)[static_cast<std::size_t>(kind)][static_cast<std::size_t>(hour)].Add(t.speed_kmh);
    }
    double num = 0, den = 0;
    for (int k = 0; k < 3; ++k)
      for (int h = 0; h < 24; ++h) {
        const Mean& w = wet[static_cast<std::size_t>(k)][static_cast<std::size_t>(h)];
        const Mean& y = dry[static_cast<std::size_t>(k)][static_cast<std::size_t>(h)];
        if (w.n == 0 || y.n == 0) continue;
        num += w.n * w.Get();
        den += w.n * y.Get();
      }
    m.rain_speed_measured = den > 0 ? num / den : 0;
    m.rain_speed_param = p.rain_speed_factor;

    const auto& wf = p.speed_factor[0];
    std::array<int, 24> order{};
    for (int h = 0; h < 24; ++h) order[static_cast<std::size_t>(h)] = h;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return wf[static_cast<std::size_t>(a)] < wf[static_cast<std::size_t>(b)]; });
    for (int i = 0; i < 4; ++i) m.rush_hours[static_cast<std::size_t>(i)] = order[static_cast<std::size_t>(i)];
    std::sort(m.rush_hours.begin(), m.rush_hours.end());
    Mean rush, mid, rush_f, mid_f, free_flow;
    const double max_factor = *std::max_element(wf.begin(), wf.end());
    for (int h = 0; h < 24; ++h) {
      const Mean& y = dry[0][static_cast<std::size_t>(h)];
      const bool is_rush = std::find(m.rush_hours.begin(), m.rush_hours.end(), h) != m.rush_hours.end();
      if (is_rush) {
        rush.Add(y.Get(), y.n);
        rush_f.Add(wf[static_cast<std::size_t>(h)], y.n);
      } else if (h >= 10 && h <= 15) {
        mid.Add(y.Get(), y.n);
        mid_f.Add(wf[static_cast<std::size_t>(h)], y.n);
      }
      if (wf[static_cast<std::size_t>(h)] == max_factor) free_flow.Add(y.Get(), y.n);
    }
    m.rush_speed_measured = mid.Get() > 0 ? rush.Get() / mid.Get() : 0;
    m.rush_speed_param = mid_f.Get() > 0 ? rush_f.Get() / mid_f.Get() : 0;
    for (int h = 0; h < 24; ++h) {
      m.speed_by_hour_measured[static_cast<std::size_t>(h)] =
          free_flow.Get() > 0 ? dry[0][static_cast<std::size_t>(h)].Get() / free_flow.Get() : 0;
      m.speed_by_hour_param[static_cast<std::size_t>(h)] = wf[static_cast<std::size_t>(h)] / max_factor;
    }
  }

  // Ramadan: meal orders relative to other orders in daytime, Ramadan days over other ordinary days.
  {
    double rm = 0, ro = 0, nm = 0, no = 0, weight = 0, param = 0;
    bool any_ramadan = false, any_other = false;
    for (int c : d.cities)
      for (std::size_t day = 0; day < days; ++day) {
        if (!info[day].holiday.empty()) continue;
        if (info[day].ramadan) {
          rm += meal_day[static_cast<std::size_t>(c)][day];
          ro += other_day[static_cast<std::size_t>(c)][day];
          weight += meal_day[static_cast<std::size_t>(c)][day];
          param += meal_day[static_cast<std::size_t>(c)][day] *
                   (1 - p.city[static_cast<std::size_t>(c)].muslim_share * (1 - p.ramadan_daytime_meal_demand));
          any_ramadan = true;
        } else {
          nm += meal_day[static_cast<std::size_t>(c)][day];
          no += other_day[static_cast<std::size_t>(c)][day];
          any_other = true;
        }
      }
    if (any_ramadan && any_other && ro > 0 && nm > 0 && no > 0 && weight > 0) {
      m.ramadan_meal_measured = (rm / ro) / (nm / no);
      m.ramadan_meal_param = param / weight;
    }
  }

  m.repeat_share = d.lines > 0 ? static_cast<double>(d.repeat_lines) / static_cast<double>(d.lines) : 0;
  m.repeat_param = p.favourite_store_probability * p.favourite_product_probability;
  m.daily_rain.assign(days, 0);
  for (int c : d.cities)
    for (std::size_t i = 0; i < days * 24; ++i)
      if (d.rain[static_cast<std::size_t>(c)][i]) m.daily_rain[i / 24] = 1;
  return m;
}

// --- HTML ---------------------------------------------------------------------------------------------------------
namespace {

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string F(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

constexpr const char* kMeasuredColour = "#1f77b4";
constexpr const char* kParamColour = "#ff7f0e";

struct Series {
  std::string name, colour;
  std::vector<double> values;
};

// Grouped bars (or lines) with a y axis from 0 to the maximum, labels under the x axis.
std::string Chart(const std::string& title, const std::vector<std::string>& labels, const std::vector<Series>& series,
                  bool lines, int width = 720, int height = 250, const std::vector<std::uint8_t>* shade = nullptr,
                  const std::vector<std::uint8_t>* marks = nullptr) {
  const double left = 50, right = 10, top = 30;
  const double bottom = 36 + 16 * static_cast<double>(series.size());  // x labels, then the legend
  height += static_cast<int>(16 * series.size());
  const double pw = width - left - right, ph = height - top - bottom;
  double ymax = 0;
  for (const auto& s : series)
    for (double v : s.values) ymax = std::max(ymax, v);
  if (ymax <= 0) ymax = 1;
  // A round step for four grid lines: 1, 2, 2.5 or 5 × 10^k.
  const double raw = ymax * 1.05 / 4, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double k : {1.0, 2.0, 2.5, 5.0})
    if (k * mag >= raw) {
      step = k * mag;
      break;
    }
  ymax = 4 * step;
  const std::size_t n = labels.size();
  const double slot = pw / static_cast<double>(std::max<std::size_t>(1, n));
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<text x=\"" + F(left, 0) + "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + Esc(title) + "</text>\n";
  for (std::size_t i = 0; i < n; ++i) {
    const double x = left + slot * static_cast<double>(i);
    if (shade && i < shade->size() && (*shade)[i])
      svg += "<rect x=\"" + F(x, 1) + "\" y=\"" + F(top, 1) + "\" width=\"" + F(slot, 1) + "\" height=\"" + F(ph, 1) +
             "\" fill=\"#fde9c9\"/>\n";
    if (marks && i < marks->size() && (*marks)[i])
      svg += "<rect x=\"" + F(x, 1) + "\" y=\"" + F(top + ph - 4, 1) + "\" width=\"" + F(slot, 1) +
             "\" height=\"4\" fill=\"#6baed6\"/>\n";
  }
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4, y = top + ph - ph * k / 4;
    svg += "<line x1=\"" + F(left, 0) + "\" x2=\"" + F(left + pw, 0) + "\" y1=\"" + F(y, 1) + "\" y2=\"" + F(y, 1) +
           "\" stroke=\"#ddd\"/><text x=\"" + F(left - 4, 0) + "\" y=\"" + F(y + 4, 1) + "\" text-anchor=\"end\">" +
           F(v, step < 0.1 ? 3
                : step < 1 ? 2
                           : 0) +
           "</text>\n";
  }
  const std::size_t every = n > 40 ? (n + 29) / 30 : 1;
  for (std::size_t i = 0; i < n; i += every)
    svg += "<text x=\"" + F(left + slot * (static_cast<double>(i) + 0.5), 1) + "\" y=\"" + F(top + ph + 14, 1) +
           "\" text-anchor=\"middle\">" + Esc(labels[i]) + "</text>\n";
  const double group = slot * 0.8 / static_cast<double>(std::max<std::size_t>(1, series.size()));
  for (std::size_t s = 0; s < series.size(); ++s) {
    const auto& vals = series[s].values;
    if (lines) {
      std::string pts;
      for (std::size_t i = 0; i < vals.size() && i < n; ++i)
        pts += F(left + slot * (static_cast<double>(i) + 0.5), 1) + "," + F(top + ph - ph * vals[i] / ymax, 1) + " ";
      svg +=
          "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + series[s].colour + "\" points=\"" + pts + "\"/>\n";
    } else {
      for (std::size_t i = 0; i < vals.size() && i < n; ++i) {
        const double h = ph * vals[i] / ymax;
        svg += "<rect x=\"" + F(left + slot * static_cast<double>(i) + slot * 0.1 + group * static_cast<double>(s), 1) +
               "\" y=\"" + F(top + ph - h, 1) + "\" width=\"" + F(group, 1) + "\" height=\"" + F(h, 1) + "\" fill=\"" +
               series[s].colour + "\"><title>" + Esc(series[s].name) + " " + Esc(labels[i]) + ": " + F(vals[i], 3) +
               "</title></rect>\n";
      }
    }
    const double ly = top + ph + 26 + 16 * static_cast<double>(s);
    svg += "<rect x=\"" + F(left, 0) + "\" y=\"" + F(ly, 0) + "\" width=\"10\" height=\"10\" fill=\"" +
           series[s].colour + "\"/><text x=\"" + F(left + 15, 0) + "\" y=\"" + F(ly + 9, 0) + "\">" +
           Esc(series[s].name) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

std::string Row(const std::string& what, const std::string& param, double param_v, double measured, bool judge = true) {
  const double ratio = param_v != 0 ? measured / param_v : 0;
  const char* cls = !judge ? "ref" : std::fabs(ratio - 1) <= 0.1 ? "ok" : "off";
  return "<tr><td>" + Esc(what) + "</td><td><code>" + Esc(param) + "</code></td><td>" + F(param_v, 3) + "</td><td>" +
         F(measured, 3) + "</td><td class=\"" + cls + "\">" + F(ratio, 3) + "</td></tr>\n";
}

}  // namespace

std::string ReportHtml(const Measurement& m, const MarketParams& p, const std::string& source_dir) {
  static const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::string h = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Okada market simulator: measured effects</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child,td:nth-child(2){text-align:left}
.ok{background:#e4f5e4}.off{background:#fbe3e3}.ref{background:#eee}.pair{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}
.note{color:#555;font-size:90%}</style></head><body>
<h1>Market simulator: what the export shows against the parameters</h1>
)";
  h += "<p>Export <code>" + Esc(source_dir) + "</code>: " + std::to_string(m.orders) + " orders, " +
       std::to_string(m.trips) + " trips over " + std::to_string(m.days) +
       " days. The behaviour is invented (brain/sim/market.conf), the measurements are taken from the exported CSV "
       "files only. Ratio = measured / parameter (green within 10%).</p>\n";

  h += "<h2>Parameters against measurements</h2>\n<table><tr><th>effect</th><th>parameter</th><th>value</th>"
       "<th>measured</th><th>ratio</th></tr>\n";
  for (int w = 0; w < 7; ++w)
    h += Row(std::string("weekday ") + kWeekdays[w] + " (relative to the week's mean)", "weekday_demand",
             m.weekday_param[static_cast<std::size_t>(w)], m.weekday_measured[static_cast<std::size_t>(w)]);
  h += Row("payday days vs ordinary days", "payday_demand", m.payday_param, m.payday_measured);
  h += Row("orders per hour, rain vs dry (same hour of day)", "rain_demand", m.rain_orders_param,
           m.rain_orders_measured);
  h += Row("rider speed, rain vs dry (same day type and hour)", "rain_speed_factor", m.rain_speed_param,
           m.rain_speed_measured);
  std::string rush = "weekday speed at ";
  for (int i = 0; i < 4; ++i) rush += (i ? "," : "") + std::to_string(m.rush_hours[static_cast<std::size_t>(i)]) + "h";
  h += Row(rush + " vs 10-15h (dry)", "speed_factor_weekday", m.rush_speed_param, m.rush_speed_measured);
  if (m.ramadan_meal_measured >= 0)
    h += Row("daytime meal orders vs other orders, Ramadan vs not",
             "1 - muslim_share × (1 - ramadan_daytime_meal_demand)", m.ramadan_meal_param, m.ramadan_meal_measured);
  for (const auto& hol : m.holidays)
    h += Row(FormatDate(hol.day) + " " + hol.name + " (vs its weekday's mean)", "holiday multiplier (× payday)",
             hol.param, hol.measured);
  h +=
      Row("order lines re-buying an earlier purchase (reference: lines drawn from favourites at favourite "
          "stores; first purchases are not repeats, other stores add some)",
          "favourite_store_probability × favourite_product_probability", m.repeat_param, m.repeat_share, false);
  h += "</table>\n";

  std::vector<std::string> wd_labels(kWeekdays, kWeekdays + 7);
  h += "<h2>Weekly seasonality</h2><div class=\"pair\">" +
       Chart("Orders per ordinary day by weekday (mean = 1)", wd_labels,
             {{"measured", kMeasuredColour, {m.weekday_measured.begin(), m.weekday_measured.end()}},
              {"weekday_demand", kParamColour, {m.weekday_param.begin(), m.weekday_param.end()}}},
             false, 560) +
       "</div>\n";

  std::vector<std::string> hours;
  for (int i = 0; i < 24; ++i) hours.push_back(std::to_string(i));
  h += "<h2>Daily seasonality</h2>" +
       Chart("Share of orders by hour", hours,
             {{"measured", kMeasuredColour, {m.hour_measured.begin(), m.hour_measured.end()}},
              {"hour_demand (normalised)", kParamColour, {m.hour_param.begin(), m.hour_param.end()}}},
             false) +
       "<p class=\"note\">Rain (more orders while it rains, more often in the afternoon) and Ramadan shift the "
       "measured shares slightly from the parameter.</p>\n";

  std::vector<std::string> day_labels;
  std::vector<double> daily;
  std::vector<std::uint8_t> payday;
  for (std::size_t i = 0; i < m.daily_orders.size(); ++i) {
    const std::int64_t day = m.start_day + static_cast<std::int64_t>(i);
    day_labels.push_back(FormatDate(day).substr(5));
    daily.push_back(static_cast<double>(m.daily_orders[i]));
    payday.push_back(DescribeDay(p, day).payday ? 1 : 0);
  }
  h += "<h2>Paydays, holidays and the calendar</h2>" +
       Chart("Orders per day (shaded: month-end payday window; blue ticks: rain that day)", day_labels,
             {{"orders", kMeasuredColour, daily}}, true, 960, 280, &payday, &m.daily_rain) +
       "<div class=\"pair\">" +
       Chart("Payday days vs ordinary days (weekday-adjusted)", {"payday"},
             {{"measured", kMeasuredColour, {m.payday_measured}}, {"payday_demand", kParamColour, {m.payday_param}}},
             false, 300);
  if (!m.holidays.empty()) {
    std::vector<std::string> names;
    std::vector<double> measured, param;
    for (const auto& hol : m.holidays) {
      names.push_back(hol.name);
      measured.push_back(hol.measured);
      param.push_back(hol.param);
    }
    h += Chart("Holidays: the day's orders vs its weekday's mean", names,
               {{"measured", kMeasuredColour, measured}, {"multiplier", kParamColour, param}}, false, 600);
  }
  h += "</div>\n";
  h += "<h2>Rain</h2><div class=\"pair\">" +
       Chart("Rain vs dry (measured / parameter)", {"orders per hour", "rider speed"},
             {{"measured", kMeasuredColour, {m.rain_orders_measured, m.rain_speed_measured}},
              {"parameter", kParamColour, {m.rain_orders_param, m.rain_speed_param}}},
             false, 420) +
       "</div>\n";
  h += "<h2>Rush hours</h2>" +
       Chart("Weekday dry speed by hour relative to free flow", hours,
             {{"measured", kMeasuredColour, {m.speed_by_hour_measured.begin(), m.speed_by_hour_measured.end()}},
              {"speed_factor_weekday", kParamColour, {m.speed_by_hour_param.begin(), m.speed_by_hour_param.end()}}},
             true);
  h += "</body></html>\n";
  return h;
}

}  // namespace okada::brain::sim
