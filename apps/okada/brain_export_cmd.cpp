// `okada brain export --out DIR [--days N]`: what `okada brain train recs` reads, from the platform itself.
// Runs the brain and products services in-process against the configured database (as `okada accounts` runs auth)
// and goes through their APIs: the brain's interactions export (GET /internal/v1/brain/export/interactions, pages
// in time order) and the public catalogue (GET /v1/products/{id}) for each product's category, FR/EN names and
// price. Writes DIR/interactions.csv (user,item,timestamp) and DIR/items.csv (item,category,name_fr,name_en,
// price_xaf) for the recommender, and the demand layout for the forecasts (sales_daily.csv, orders_hourly.csv,
// calendar.csv: brain/models/forecast/market), the same layouts as `okada sim export`, each through a temporary
// file renamed at the end so a scheduled training run never reads half a file.
#include "brain_export_cmd.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "okada/brain/forecast/market.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/io.hpp"
#include "services.hpp"

namespace okada::app {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kHelp = R"(Usage: okada brain export --out DIR [--days N] [--config FILE]

The training pipeline's extract step: writes DIR/interactions.csv (user,item,timestamp: one row per product of
a placed order, unix seconds) and DIR/items.csv (item,category,name_fr,name_en,price_xaf) from the platform's
own data, through the brain's export API and the public catalogue, and the demand layout: DIR/sales_daily.csv
(units per Douala day, store and product), DIR/orders_hourly.csv (orders per hour and delivery zone, geohash-5)
and DIR/calendar.csv (payday window and fixed holidays, from the first day to 6 weeks ahead; rain unknown).
Then:

  okada brain train recs --interactions DIR/interactions.csv --items DIR/items.csv --repeat
  okada brain train forecast --data DIR

  --out DIR   where to write (created if missing); files are replaced whole, never half-written
  --days N    only the last N days of interactions (1..3650; default: everything)

Needs the platform's configuration (OKADA_PG_URL, OKADA_STATE_DIR or --config), like okada accounts.
Exit status: 0 written, 1 the platform's data could not be read or written, 2 usage error.
)";

asio::awaitable<http::ClientResponse> Get(ServiceTransport* to, std::string url, std::string token) {
  http::ClientRequest req;
  req.method = http::Method::kGet;
  req.url = std::move(url);
  req.headers.emplace_back(std::string(access::kServiceTokenHeader), std::move(token));
  req.headers.emplace_back("Accept-Language", "en");
  req.deadline = DeadlineIn(std::chrono::seconds(60));
  co_return co_await to->Call(std::move(req));
}

// One CSV field: quoted when it holds a comma, a quote or a line break.
std::string Csv(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

void Say(const std::string& line) { std::cerr << "okada brain export: " << line << std::endl; }

// "503 Database unavailable: cannot connect to the database" from a problem+json answer (the raw body otherwise).
std::string Problem(const http::ClientResponse& res) {
  std::string out = std::to_string(res.status);
  boost::system::error_code ec;
  const json::value v = json::parse(res.body, ec);
  if (ec || !v.is_object()) return out + " " + res.body.substr(0, 200);
  const std::string title = Text(v.get_object(), "title"), detail = Text(v.get_object(), "detail");
  return out + " " + title + (detail.empty() ? "" : ": " + detail);
}

}  // namespace

int RunBrainExportCommand(int argc, char** argv) {
  std::string out_dir, config_file;
  long long days = 0;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kHelp;
      return 0;
    }
    if ((arg == "--out" || arg == "--days" || arg == "--config") && i + 1 >= argc) {
      std::cerr << "okada brain export: " << arg << " needs a value\n" << kHelp;
      return 2;
    }
    if (arg == "--out") {
      out_dir = argv[++i];
    } else if (arg == "--config") {
      config_file = argv[++i];
    } else if (arg == "--days") {
      char* end = nullptr;
      days = std::strtoll(argv[++i], &end, 10);
      if (!end || *end != '\0' || days < 1 || days > 3650) {
        std::cerr << "okada brain export: --days must be a whole number from 1 to 3650\n";
        return 2;
      }
    } else {
      std::cerr << "okada brain export: unknown option '" << arg << "'\n" << kHelp;
      return 2;
    }
  }
  if (out_dir.empty()) {
    std::cerr << "okada brain export: --out is required\n" << kHelp;
    return 2;
  }

  // The configured database and state directory, on a private port with one thread and quiet logs.
  ::setenv("OKADA_HTTP_PORT", "0", 1);
  ::setenv("OKADA_HTTP_IO_THREADS", "1", 1);
  ::setenv("OKADA_LOG_LEVEL", "error", 1);
  ::setenv("OKADA_SERVICES_REMOTE", "", 1);
  if (config_file.empty())
    if (const char* env = std::getenv("OKADA_CONFIG")) config_file = env;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  int status = 0;
  try {
    Config config = Config::Load(config_file, env);
    Host host(config, Catalogue());
    host.Start({"brain", "products"});
    const std::string token = access::LoadOrCreateServiceToken(StateDir(config));
    ServiceContext ctx(host);
    ServiceTransport* brain = &ctx.TransportTo("brain");
    ServiceTransport* products = &ctx.TransportTo("products");
    auto& io = host.io().context(0);
    const auto call = [&](ServiceTransport* to, const std::string& url) {
      return asio::co_spawn(io, Get(to, url, token), asio::use_future).get();
    };
    try {
      fs::create_directories(out_dir);
      const fs::path interactions = fs::path(out_dir) / "interactions.csv", items = fs::path(out_dir) / "items.csv";
      const fs::path interactions_tmp = interactions.string() + ".part", items_tmp = items.string() + ".part";
      const long long now =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      const long long since = days > 0 ? now - days * 86400 : 0;

      // 1. Interactions, page by page.
      std::ofstream csv(interactions_tmp, std::ios::trunc);
      if (!csv) throw std::runtime_error("cannot write " + interactions_tmp.string());
      csv << "user,item,timestamp\n";
      std::set<std::string> product_ids;
      std::size_t rows = 0;
      // The demand layout: units per Douala day (UTC+1 all year), orders per hour and zone (geohash-5).
      brain::forecast::market::DemandWriter demand;
      std::set<std::string> orders_seen;
      std::int64_t first_day = INT64_MAX, last_day = INT64_MIN;
      std::string cursor;
      for (;;) {
        std::string url = "/internal/v1/brain/export/interactions?limit=20000&since=" + std::to_string(since);
        if (!cursor.empty()) url += "&cursor=" + cursor;
        http::ClientResponse res = call(brain, url);
        if (res.status != 200)
          throw std::runtime_error("the brain's export answered " + Problem(res) +
                                   (res.status == 503 ? " (is OKADA_PG_URL right and PostgreSQL running?)" : ""));
        const json::value page = json::parse(res.body);
        for (const json::value& row : page.at("items").as_array()) {
          const json::array& r = row.as_array();
          const std::string item(r.at(1).as_string());
          const std::int64_t at = r.at(2).to_number<std::int64_t>();
          csv << r.at(0).as_string().c_str() << ',' << item << ',' << at << '\n';
          product_ids.insert(item);
          ++rows;
          const std::int64_t local_hour = (at + 3600) / 3600, day = local_hour / 24;
          first_day = std::min(first_day, day);
          last_day = std::max(last_day, day);
          demand.AddSale(day, "", std::string(r.at(4).as_string()), item, r.at(3).to_number<double>());
          const std::string zone(r.at(5).as_string()), order(r.at(6).as_string());
          if (!zone.empty() && orders_seen.insert(order).second) demand.AddOrders(local_hour, "", zone.substr(0, 5));
        }
        Say(std::to_string(rows) + " interactions");
        const json::value& next = page.at("next_cursor");
        if (next.is_null()) break;
        cursor = std::string(next.as_string());
      }
      csv.close();
      if (!csv) throw std::runtime_error("writing " + interactions_tmp.string() + " failed (disk full?)");

      // 2. What each product is, from the public catalogue.
      std::ofstream items_csv(items_tmp, std::ios::trunc);
      if (!items_csv) throw std::runtime_error("cannot write " + items_tmp.string());
      items_csv << "item,category,name_fr,name_en,price_xaf\n";
      std::size_t done = 0, missing = 0;
      for (const std::string& id : product_ids) {
        http::ClientResponse res = call(products, "/v1/products/" + id);
        ++done;
        if (res.status == 404) {
          ++missing;  // archived since: it keeps its interactions, without content
          continue;
        }
        if (res.status != 200)
          throw std::runtime_error("the catalogue answered " + Problem(res) + " for product " + id);
        const json::value product = json::parse(res.body);
        const json::object& p = product.as_object();
        std::int64_t price = 0;
        if (const json::value* listings = p.if_contains("listings"); listings && listings->is_array()) {
          for (const json::value& l : listings->get_array()) {
            const json::value* x = l.is_object() ? l.get_object().if_contains("price_xaf") : nullptr;
            if (x && x->is_int64() && (price == 0 || x->get_int64() < price)) price = x->get_int64();
          }
        }
        items_csv << id << ',' << Csv(Text(p, "category")) << ',' << Csv(Text(p, "name_fr")) << ','
                  << Csv(Text(p, "name_en")) << ',' << (price > 0 ? std::to_string(price) : std::string()) << '\n';
        if (done % 200 == 0 || done == product_ids.size())
          Say(std::to_string(done) + "/" + std::to_string(product_ids.size()) + " products described");
      }
      items_csv.close();
      if (!items_csv) throw std::runtime_error("writing " + items_tmp.string() + " failed (disk full?)");
      if (rows > 0) demand.FillCalendar("", first_day, last_day + 42);
      demand.Write(out_dir);
      fs::rename(interactions_tmp, interactions);
      fs::rename(items_tmp, items);
      std::cout << "okada brain export: " << rows << " interactions of " << product_ids.size() << " products"
                << (missing ? " (" + std::to_string(missing) + " no longer in the catalogue)" : std::string()) << " → "
                << interactions.string() << ", " << items.string() << "; " << demand.sales()
                << " store × product × day sales and " << orders_seen.size() << " orders in the demand layout\n";
    } catch (const std::exception& e) {
      std::cerr << "okada brain export: " << e.what() << "\n";
      status = 1;
    }
    host.Shutdown();
  } catch (const std::exception& e) {
    std::cerr << "okada brain export: cannot start (" << e.what() << "); is OKADA_PG_URL set?\n";
    return 1;
  }
  return status;
}

}  // namespace okada::app
