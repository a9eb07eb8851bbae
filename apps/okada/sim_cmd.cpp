// `okada sim export`: simulate a Douala/Yaoundé marketplace and write it as CSV files; `okada sim report`: measure
// an export against the parameters that produced it (HTML with inline SVG). See brain/sim/README.md.

#include "sim_cmd.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "okada/brain/sim/market.hpp"
#include "okada/brain/sim/params.hpp"
#include "okada/brain/sim/report.hpp"

namespace okada::app {
namespace {

namespace sim = okada::brain::sim;

constexpr const char* kSimHelp = R"(Usage: okada sim <command> [options]

The market simulator: a deterministic, made-up but living Douala/Yaoundé marketplace (merchants at real
OpenStreetMap points, Cameroonian products, customers with habits, paydays, holidays, Ramadan, rain, riders).

Commands:
  export   Simulate and write the market as CSV files ('okada sim export --help')
  report   Measure an export against its parameters, as an HTML page with charts ('okada sim report --help')
)";

constexpr const char* kExportHelp =
    R"(Usage: okada sim export --out DIR [--city douala|yaounde|both] [--days N] [--seed S]
                        [--params FILE] [--catalog FILE] [--geo-dir DIR]

Simulates N days from the parameters' start_date and writes into DIR (created if missing):
  merchants.csv products.csv items.csv customers.csv riders.csv orders.csv order_lines.csv trips.csv
  eta_trips.csv (the ETA model's trip format) weather.csv interactions.csv (user,item,timestamp,weight) and
  market.conf (the parameters used). The same options and seed give byte-identical files.

  --out DIR        output directory (required)
  --city C         douala (default), yaounde or both
  --days N         days to simulate (default 90, at most 3660)
  --seed S         random seed, a whole number (default 1)
  --params FILE    market parameters (default: the committed brain/sim/market.conf, built in)
  --catalog FILE   product catalogue CSV (default: the committed brain/sim/catalog.csv, built in)
  --geo-dir DIR    folder with douala_poi_nodes.csv / yaounde_poi_nodes.csv (default: data/geo of the source tree)
A progress bar goes to stderr when it is a terminal; a summary line is always printed there.
)";

constexpr const char* kReportHelp = R"(Usage: okada sim report --in DIR --out FILE.html [--params FILE]

Reads an 'okada sim export' directory and writes an HTML page (inline SVG, no scripts) that shows, measured from
the exported data, weekly and daily seasonality, the payday effect, holidays, Ramadan, rain on orders and on rider
speed, rush hours and repeat purchases, each next to the parameter values that produced it.

  --in DIR         the export directory (required)
  --out FILE       the HTML file to write (required)
  --params FILE    parameters to compare with (default: DIR/market.conf, else the built-in market.conf)
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --name VALUE or --name=VALUE for the allowed names; --help/-h sets "help".
std::map<std::string, std::string> ParseOptions(int argc, char** argv, int first,
                                                const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out["help"] = "1";
      continue;
    }
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    bool known = false;
    for (const auto& n : names) known |= arg == "--" + n;
    if (!known) throw UsageError("unknown option '" + arg + "'");
    if (!has_value) {
      if (i + 1 >= argc) throw UsageError("option '" + arg + "' needs a value");
      value = argv[++i];
    }
    if (out.count(arg.substr(2))) throw UsageError("option '" + arg + "' given twice");
    out[arg.substr(2)] = value;
  }
  return out;
}

long long WholeNumber(const std::string& option, const std::string& text, long long lo, long long hi) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '+' || v < lo || v > hi)
    throw UsageError("--" + option + " must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + ", got '" + text + "'");
  return v;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Export(int argc, char** argv) {
  auto opt = ParseOptions(argc, argv, 3, {"out", "city", "days", "seed", "params", "catalog", "geo-dir"});
  if (opt.count("help")) {
    std::cout << kExportHelp;
    return 0;
  }
  if (!opt.count("out") || opt["out"].empty()) throw UsageError("--out DIR is required");
  sim::SimOptions o;
  const std::string city = opt.count("city") ? opt["city"] : "douala";
  if (city == "douala")
    o.cities = {sim::kDouala};
  else if (city == "yaounde")
    o.cities = {sim::kYaounde};
  else if (city == "both")
    o.cities = {sim::kDouala, sim::kYaounde};
  else
    throw UsageError("--city must be douala, yaounde or both, got '" + city + "'");
  if (opt.count("days")) o.days = static_cast<int>(WholeNumber("days", opt["days"], 1, 3660));
  if (opt.count("seed")) o.seed = static_cast<std::uint64_t>(WholeNumber("seed", opt["seed"], 0, 9007199254740991LL));

  const std::string params_text =
      opt.count("params") ? ReadText(opt["params"]) : std::string(sim::DefaultMarketParamsText());
  const sim::MarketParams params =
      sim::ParseMarketParams(params_text, opt.count("params") ? opt["params"] : "brain/sim/market.conf");
  const auto catalog = opt.count("catalog") ? sim::LoadCatalog(opt["catalog"]) : sim::DefaultCatalog();
  const std::filesystem::path geo_dir =
      opt.count("geo-dir") ? std::filesystem::path(opt["geo-dir"]) : sim::DefaultGeoDir();
  std::array<std::vector<sim::Poi>, sim::kCityCount> pois;
  for (int c : o.cities) pois[static_cast<std::size_t>(c)] = sim::ReadPois(sim::PoiFile(geo_dir, c));

  const auto t0 = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty)
    o.progress = [](int done, int total) {
      constexpr int kWidth = 30;
      const int filled = total > 0 ? done * kWidth / total : kWidth;
      std::fprintf(stderr, "\rokada sim export: [%.*s%*s] %d/%d days", filled, "##############################",
                   kWidth - filled, "", done, total);
      std::fflush(stderr);
    };
  const sim::Market market = sim::Simulate(params, catalog, pois, o);
  if (tty) std::fprintf(stderr, "\r%*s\r", 70, "");
  const std::filesystem::path out = opt["out"];
  sim::WriteExport(market, out);
  {
    std::ofstream conf(out / "market.conf", std::ios::binary | std::ios::trunc);
    conf << params_text;
    if (!conf) throw std::runtime_error((out / "market.conf").string() + ": cannot write");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr,
               "okada sim export: %s, %d days from %s, seed %llu: %zu merchants, %zu offers, %zu customers, %zu "
               "riders, %zu orders, %zu lines -> %s (%.1f s)\n",
               city.c_str(), o.days, sim::FormatDate(params.start_day).c_str(), static_cast<unsigned long long>(o.seed),
               market.merchants.size(), market.offers.size(), market.customers.size(), market.riders.size(),
               market.orders.size(), market.lines.size(), out.string().c_str(), seconds);
  return 0;
}

int Report(int argc, char** argv) {
  auto opt = ParseOptions(argc, argv, 3, {"in", "out", "params"});
  if (opt.count("help")) {
    std::cout << kReportHelp;
    return 0;
  }
  if (!opt.count("in") || opt["in"].empty()) throw UsageError("--in DIR is required");
  if (!opt.count("out") || opt["out"].empty()) throw UsageError("--out FILE.html is required");
  const std::filesystem::path in = opt["in"];
  sim::MarketParams params;
  if (opt.count("params"))
    params = sim::LoadMarketParams(opt["params"]);
  else if (std::filesystem::exists(in / "market.conf"))
    params = sim::LoadMarketParams(in / "market.conf");
  else
    params = sim::DefaultMarketParams();
  const sim::ExportData data = sim::ReadExport(in);
  const sim::Measurement m = sim::Measure(data, params);
  const std::string html = sim::ReportHtml(m, params, in.string());
  std::ofstream out(opt["out"], std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) throw std::runtime_error(opt["out"] + ": cannot write");
  std::fprintf(stderr,
               "okada sim report: %d orders over %d days; weekday Sat/Mon %.2f (param %.2f), payday %.2f (%.2f), "
               "rain orders %.2f (%.2f), rain speed %.2f (%.2f), rush speed %.2f (%.2f) -> %s\n",
               m.orders, m.days, m.weekday_measured[5] / m.weekday_measured[0], m.weekday_param[5] / m.weekday_param[0],
               m.payday_measured, m.payday_param, m.rain_orders_measured, m.rain_orders_param, m.rain_speed_measured,
               m.rain_speed_param, m.rush_speed_measured, m.rush_speed_param, opt["out"].c_str());
  return 0;
}

}  // namespace

int RunSimCommand(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub.empty() || sub == "--help" || sub == "-h" || sub == "help") {
    (sub.empty() ? std::cerr : std::cout) << kSimHelp;
    return sub.empty() ? 2 : 0;
  }
  if (sub != "export" && sub != "report") {
    std::cerr << "okada sim: unknown command '" << sub << "' (see okada sim --help)\n";
    return 2;
  }
  try {
    return sub == "export" ? Export(argc, argv) : Report(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "okada sim " << sub << ": " << e.what() << " (see okada sim " << sub << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "okada sim " << sub << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace okada::app
