// `okada seed`: simulate a Douala/Yaoundé market with brain/sim (the same market `okada sim export` writes for the
// same options) and load a demo-sized slice of it into a RUNNING platform through the public HTTP API, the way a
// person would: sign-ups, merchant applications approved by the admin, stores at the merchants' real OSM points,
// catalogue imports, customers' home addresses, riders approved and on shift, and the most recent simulated orders
// placed through the cart and checkout. Every step looks up before it creates, so a second run adds nothing.
// The demo logins (phone / generated password) go to STATE_DIR/demo-logins.txt (mode 0600).

#include "seed_cmd.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "okada/brain/sim/market.hpp"
#include "okada/brain/sim/params.hpp"
#include "okada/core/http/client.hpp"

extern char** environ;

namespace okada::app {
namespace {

namespace sim = okada::brain::sim;
namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;

constexpr const char* kSeedHelp =
    R"(Usage: okada seed [--city douala|yaounde] [--days N] [--seed S] [--base-url URL] [--state-dir DIR]
                  [--merchants M] [--customers C] [--riders R] [--orders K]

Simulates the market with brain/sim (the same market 'okada sim export --city C --days N --seed S' writes) and
loads a demo-sized slice of it into a RUNNING Okada through its public HTTP API, as people would:
  - an admin (+237690000001; made admin with 'okada accounts set-role', which needs the platform's database
    and state directory: run it with the same OKADA_* environment as the server);
  - in Douala, the named demo stores Marché Akwa and Pharmacie du Wouri (data/demo/*.csv, owners +237690000002
    and +237690000003) and the demo customer +237690000004;
  - M simulated merchants of varied types (the busiest of each type, in turn) with their store at the real
    OpenStreetMap point, its opening hours and its simulated catalogue (FR/EN names, XAF prices);
  - C simulated customers (the most active with those merchants) with a home address in their neighbourhood;
  - R riders, approved, on shift at their home position;
  - the K most recent simulated orders between those customers and merchants, placed now through the cart
    and checkout (cash on delivery), so the dashboards have live data.
Idempotent: everything is looked up before it is created (merchants by contact phone, stores by name,
products by sku, addresses, riders, each customer's order count), so a second run creates nothing.
Passwords are generated on the first run and kept with the phones in DIR/demo-logins.txt (mode 0600); later
runs sign in with them.

The months of simulated history are NOT loaded: checkout stamps orders with the current time. Training and
evaluation read 'okada sim export' CSV files until the platform has its own export.

  --city C        douala (default) or yaounde
  --days N        days simulated (default 90): which orders are 'the most recent'
  --seed S        simulator seed (default 1)
  --base-url URL  the running platform (default http://127.0.0.1:<http.port>)
  --state-dir DIR where demo-logins.txt is kept (default: the configured state.dir)
  --merchants M   simulated merchants to load (default 12, at most 200)
  --customers C   simulated customers (default 30, at most 1000)
  --riders R      riders (default 10, at most 200)
  --orders K      recent orders to place (default 20, at most 500)
A first run with the defaults makes about 80 sign-ups/sign-ins; a 429 from the gateway's rate limits
(gateway.signin_per_min) is waited out (Retry-After) with a 'waiting for the rate limit' line.
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

long long WholeNumber(const std::map<std::string, std::string>& opt, const std::string& name, long long dflt,
                      long long lo, long long hi) {
  auto it = opt.find(name);
  if (it == opt.end()) return dflt;
  const std::string& text = it->second;
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '+' || v < lo || v > hi)
    throw UsageError("--" + name + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                     ", got '" + text + "'");
  return v;
}

void Say(const std::string& line) { std::cout << "okada seed: " << line << std::endl; }

// --- the platform's public API, called synchronously with the core HTTP client ------------------------------------

struct Reply {
  int status = 0;
  json::value body;
  std::string raw;
  const json::object& obj() const {
    static const json::object empty;
    return body.is_object() ? body.as_object() : empty;
  }
  std::string str(std::string_view key) const {
    const auto* v = obj().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
};

std::string Str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class Api {
 public:
  explicit Api(std::string base)
      : base_(std::move(base)), client_(ioc_), guard_(asio::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}
  ~Api() {
    guard_.reset();
    ioc_.stop();
    thread_.join();
  }
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Waits out 429 (and 409 with Retry-After: an idempotent request still running) and retries transport errors a
  // few times; any other status is returned.
  Reply Call(Method method, const std::string& path, std::string body = {}, const std::string& token = {},
             const std::string& content_type = "application/json", const std::string& idempotency_key = {}) {
    int transport_failures = 0;
    for (int attempt = 0;; ++attempt) {
      http::ClientRequest req;
      req.method = method;
      req.url = base_ + path;
      req.body = body;
      if (!body.empty()) req.headers.emplace_back("Content-Type", content_type);
      if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
      if (!idempotency_key.empty()) req.headers.emplace_back("Idempotency-Key", idempotency_key);
      req.headers.emplace_back("Accept-Language", "en");
      req.deadline = DeadlineIn(std::chrono::seconds(60));
      http::ClientResponse res;
      try {
        res = asio::co_spawn(ioc_, client_.Send(std::move(req)), asio::use_future).get();
      } catch (const std::exception& e) {
        if (++transport_failures > 5)
          throw std::runtime_error("cannot reach " + base_ + " (" + e.what() + "): is the platform running?");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      std::string retry_after = res.header("Retry-After");
      if ((res.status == 429 || (res.status == 409 && !retry_after.empty())) && attempt < 60) {
        int seconds = 1;
        try {
          seconds = std::clamp(std::stoi(retry_after), 1, 60);
        } catch (const std::exception&) {
        }
        if (res.status == 429)
          Say("waiting " + std::to_string(seconds) + " s for the rate limit (" + std::string(http::ToString(method)) +
              " " + path.substr(0, path.find('?')) + ")");
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        continue;
      }
      Reply r;
      r.status = res.status;
      r.raw = std::move(res.body);
      boost::system::error_code ec;
      if (!r.raw.empty()) r.body = json::parse(r.raw, ec);
      if (ec) r.body = nullptr;
      return r;
    }
  }
  Reply CallJson(Method method, const std::string& path, const json::value& body, const std::string& token,
                 const std::string& idempotency_key = {}) {
    return Call(method, path, json::serialize(body), token, "application/json", idempotency_key);
  }

  // Every item of a paged list (limit/cursor).
  std::vector<json::object> ListAll(const std::string& path, const std::string& token) {
    std::vector<json::object> out;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      std::string url = path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=100";
      if (!cursor.empty()) url += "&cursor=" + UrlEncode(cursor);
      Reply r = Call(Method::kGet, url, std::string(), token);
      if (r.status != 200)
        throw std::runtime_error("GET " + path + " failed: HTTP " + std::to_string(r.status) + " " + r.raw);
      if (const auto* items = r.obj().if_contains("items"); items && items->is_array())
        for (const auto& it : items->as_array())
          if (it.is_object()) out.push_back(it.as_object());
      cursor = r.str("next_cursor");
      if (cursor.empty()) break;
    }
    return out;
  }

 private:
  std::string base_;
  asio::io_context ioc_;
  http::Client client_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

void Need(bool ok, const std::string& what, const Reply& r) {
  if (!ok) throw std::runtime_error(what + " failed: HTTP " + std::to_string(r.status) + " " + r.raw);
}

// --- accounts and the logins file ---------------------------------------------------------------------------------

struct Account {
  std::string label;  // shown in demo-logins.txt
  std::string phone, password, lang = "fr";
  bool known = false;  // the password came from demo-logins.txt (the account may exist)
  std::string token, id, role;
};

// Display width of UTF-8 text (code points), and the text padded to `width` of them.
std::size_t Width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
std::string Pad(const std::string& s, std::size_t width) {
  return s + std::string(width - std::min(width, Width(s)), ' ');
}

std::string NewPassword() {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;  // /dev/urandom
  std::string p = "demo-";
  for (int i = 0; i < 12; ++i) p += alphabet[rd() % 64];
  return p;
}

// Lines "    <label>  +2376XXXXXXXX / <password>" (also what scripts/seed-demo wrote).
std::map<std::string, std::string> ReadLogins(const std::filesystem::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    const auto sep = line.rfind(" / ");
    if (sep == std::string::npos || sep < 13) continue;
    const std::string phone = line.substr(sep - 13, 13), password = line.substr(sep + 3);
    const bool digits = std::all_of(phone.begin() + 1, phone.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (phone.rfind("+237", 0) == 0 && digits && !password.empty() && password.find(' ') == std::string::npos)
      out[phone] = password;
  }
  return out;
}

void WriteLogins(const std::filesystem::path& file, const std::vector<std::string>& head,
                 const std::vector<Account*>& accounts) {
  std::ostringstream text;
  for (const auto& h : head) text << h << "\n";
  text << "  Demo logins (phone / password):\n";
  std::size_t width = 0;
  for (const auto* a : accounts) width = std::max(width, Width(a->label));
  for (const auto* a : accounts) text << "    " << Pad(a->label, width + 2) << a->phone << " / " << a->password << "\n";
  std::filesystem::create_directories(file.parent_path());
  const std::string tmp = file.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(tmp + ": cannot write");
  ::fchmod(fd, 0600);
  const std::string s = text.str();
  bool ok = ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) throw std::runtime_error(file.string() + ": cannot write");
}

class Accounts {
 public:
  Accounts(Api& api, std::string logins_file) : api_(api), logins_file_(std::move(logins_file)) {}

  void SignIn(Account& a) {
    Reply r = api_.CallJson(Method::kPost, "/v1/auth/signin",
                            json::value(json::object{{"phone", a.phone}, {"password", a.password}}), {});
    if (r.status == 401)
      throw std::runtime_error(a.phone + " (" + a.label + ") has an account but its password is not the one in " +
                               logins_file_ + ". Reset the database (scripts/dev-env dropdb okada) to seed again.");
    Need(r.status == 200, "sign-in of " + a.phone, r);
    Take(a, r);
  }

  // Signs in (known password) or signs up; leaves a.token/id/role set.
  void Ensure(Account& a) {
    if (!a.token.empty()) return;
    if (a.known) {
      Reply r = api_.CallJson(Method::kPost, "/v1/auth/signin",
                              json::value(json::object{{"phone", a.phone}, {"password", a.password}}), {});
      if (r.status == 200) return Take(a, r);
      Need(r.status == 401, "sign-in of " + a.phone, r);  // 401: no account yet (or another password)
    }
    Reply r =
        api_.CallJson(Method::kPost, "/v1/auth/signup",
                      json::value(json::object{{"phone", a.phone}, {"password", a.password}, {"lang", a.lang}}), {});
    if (r.status == 409)
      throw std::runtime_error(a.phone + " (" + a.label + ") already has an account but its password is not in " +
                               logins_file_ +
                               "; the demo was seeded with other passwords. Reset the database (scripts/dev-env "
                               "dropdb okada) to seed again.");
    Need(r.status == 201, "sign-up of " + a.phone, r);
    ++created_;
    Take(a, r);
  }

  int created() const { return created_; }

 private:
  static void Take(Account& a, const Reply& r) {
    a.token = r.str("access_token");
    const auto* acc = r.obj().if_contains("account");
    if (acc && acc->is_object()) {
      a.id = Str(acc->as_object(), "id");
      a.role = Str(acc->as_object(), "role");
    }
  }
  Api& api_;
  std::string logins_file_;
  int created_ = 0;
};

// `okada accounts set-role --phone P --role admin` with this very binary (same environment).
void SetRoleAdmin(const std::string& phone) {
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> args = {self, "accounts", "set-role", "--phone", phone, "--role", "admin"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot run " + self + " accounts set-role");
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("'okada accounts set-role --phone " + phone +
                             " --role admin' failed (it needs the platform's OKADA_PG_URL and state directory)");
}

// --- what gets loaded ---------------------------------------------------------------------------------------------

struct StorePlan {
  std::string name, category, address;
  double lat = 0, lon = 0;
  json::array hours;
  int radius_m = 5000;
  Account* owner = nullptr;
  std::string csv_header;             // without store_id
  std::vector<std::string> csv_rows;  // without store_id
  int sim_merchant = -1;              // index into Market::merchants, -1 for the named demo stores
  // found or created
  std::string merchant_id, store_id;
  std::map<std::string, std::string> product_of_sku;
};

struct CustomerPlan {
  Account* account = nullptr;
  int sim_customer = -1;
  std::string neighbourhood;
  double lat = 0, lon = 0;
  std::vector<int> orders;  // indices into Market::orders, oldest first
};

struct RiderPlan {
  Account* account = nullptr;
  int sim_rider = -1;
  std::string neighbourhood;
  double lat = 0, lon = 0;
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Hhmm(int hour) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:00", hour);
  return buf;
}

json::array Hours(const sim::HourRange& h) {
  json::array day;
  if (h.to - h.from >= 24 || (h.from == 0 && h.to == 24)) {
    day.push_back(json::object{{"open", "00:00"}, {"close", "24:00"}});
  } else if (h.from < h.to) {
    day.push_back(json::object{{"open", Hhmm(h.from)}, {"close", h.to == 24 ? "24:00" : Hhmm(h.to)}});
  } else {  // past midnight: the small hours, then the evening
    if (h.to > 0) day.push_back(json::object{{"open", "00:00"}, {"close", Hhmm(h.to)}});
    day.push_back(json::object{{"open", Hhmm(h.from)}, {"close", "24:00"}});
  }
  json::array week;
  for (int d = 0; d < 7; ++d) week.push_back(day);
  return week;
}

std::string MerchantCategory(int type) {
  switch (type) {
    case sim::kRestaurant:
    case sim::kFastFood:
    case sim::kBar:
      return "restaurant";
    case sim::kPharmacy:
      return "pharmacy";
    default:
      return "grocery";
  }
}

std::string ProductCategory(const std::string& c) {
  if (c == "meal" || c == "snack") return "meals";
  if (c == "drink" || c == "beer") return "drinks";
  if (c == "household") return "household";
  if (c == "pharmacy") return "pharmacy";
  return "groceries";  // grocery, fresh, bakery
}

std::string Unit(const std::string& u) {
  auto starts = [&](std::string_view p) { return u.rfind(p, 0) == 0; };
  if (u == "1 kg") return "kg";
  if (u == "1 L") return "l";
  if (starts("plat") || starts("assiette") || starts("portion") || starts("part") || starts("bol")) return "plate";
  if (starts("régime") || starts("tas")) return "bunch";
  if (starts("paquet") || starts("lot") || starts("sachet") || starts("sac") || starts("plaquette") ||
      starts("boîte de"))
    return "pack";
  return "piece";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// data/demo/<file>.csv as header + rows (one record per line in these files).
void LoadDemoCsv(StorePlan& p, const std::filesystem::path& file) {
  std::istringstream in(ReadFile(file));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (p.csv_header.empty())
      p.csv_header = line;
    else
      p.csv_rows.push_back(line);
  }
}

std::string CsvFor(const StorePlan& p) {
  std::string out = p.csv_header + ",store_id\n";
  for (const auto& r : p.csv_rows) out += r + "," + p.store_id + "\n";
  return out;
}

// +237 69K C NNNNN: K = 1 merchant owners, 2 customers, 3 riders; C = city.
std::string SimPhone(int kind, int city, int n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "+23769%d%d%05d", kind, city, n);
  return buf;
}

int Run(const std::map<std::string, std::string>& opt, const Config& config) {
  const std::string city_name = opt.count("city") ? opt.at("city") : "douala";
  int city = 0;
  if (city_name == "douala")
    city = sim::kDouala;
  else if (city_name == "yaounde")
    city = sim::kYaounde;
  else
    throw UsageError("--city must be douala or yaounde, got '" + city_name + "'");
  const int days = static_cast<int>(WholeNumber(opt, "days", 90, 1, 3660));
  const auto seed = static_cast<std::uint64_t>(WholeNumber(opt, "seed", 1, 0, 9007199254740991LL));
  const int n_merchants = static_cast<int>(WholeNumber(opt, "merchants", 12, 0, 200));
  const int n_customers = static_cast<int>(WholeNumber(opt, "customers", 30, 0, 1000));
  const int n_riders = static_cast<int>(WholeNumber(opt, "riders", 10, 0, 200));
  const int n_orders = static_cast<int>(WholeNumber(opt, "orders", 20, 0, 500));
  std::string base =
      opt.count("base-url") ? opt.at("base-url") : "http://127.0.0.1:" + std::to_string(config.GetInt("http.port"));
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::filesystem::path state = opt.count("state-dir") ? std::filesystem::path(opt.at("state-dir")) : StateDir(config);
  // `okada accounts set-role` must open the same state directory (data keys) as the server.
  if (opt.count("state-dir")) ::setenv("OKADA_STATE_DIR", state.c_str(), 1);
  const std::filesystem::path logins_file = state / "demo-logins.txt";
  const std::string city_label = city == sim::kDouala ? "Douala" : "Yaoundé";

  // 1. The market, exactly as `okada sim export` makes it.
  const auto t0 = std::chrono::steady_clock::now();
  const sim::MarketParams params = sim::DefaultMarketParams();
  const auto catalog = sim::DefaultCatalog();
  std::array<std::vector<sim::Poi>, sim::kCityCount> pois;
  pois[static_cast<std::size_t>(city)] = sim::ReadPois(sim::PoiFile(sim::DefaultGeoDir(), city));
  sim::SimOptions so;
  so.cities = {city};
  so.days = days;
  so.seed = seed;
  const sim::Market market = sim::Simulate(params, catalog, pois, so);
  Say("simulated " + city_name + ", " + std::to_string(days) + " days, seed " + std::to_string(seed) + ": " +
      std::to_string(market.merchants.size()) + " merchants, " + std::to_string(market.customers.size()) +
      " customers, " + std::to_string(market.orders.size()) + " orders (" +
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()) +
      " ms)");
  const auto& places = market.places[static_cast<std::size_t>(city)];
  auto place_name = [&](int i) {
    return i >= 0 && static_cast<std::size_t>(i) < places.size() ? places[static_cast<std::size_t>(i)].name
                                                                 : city_label;
  };

  // 2. The slice: the busiest merchants of each type in turn, the customers most active with them, riders, and the
  // most recent orders between those customers and merchants.
  std::vector<int> merchant_orders(market.merchants.size());
  for (const auto& o : market.orders) ++merchant_orders[static_cast<std::size_t>(o.merchant)];
  std::array<std::vector<int>, sim::kStoreTypeCount> by_type;
  for (std::size_t i = 0; i < market.merchants.size(); ++i)
    if (!market.merchants[i].offers.empty())
      by_type[static_cast<std::size_t>(market.merchants[i].type)].push_back(static_cast<int>(i));
  for (auto& v : by_type)
    std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
      return merchant_orders[static_cast<std::size_t>(a)] > merchant_orders[static_cast<std::size_t>(b)];
    });
  std::vector<int> chosen_merchants;
  for (std::size_t round = 0; static_cast<int>(chosen_merchants.size()) < n_merchants; ++round) {
    bool any = false;
    for (const auto& v : by_type)
      if (round < v.size() && static_cast<int>(chosen_merchants.size()) < n_merchants) {
        chosen_merchants.push_back(v[round]);
        any = true;
      }
    if (!any) break;
  }
  std::vector<int> slot_of_merchant(market.merchants.size(), -1);
  for (std::size_t k = 0; k < chosen_merchants.size(); ++k)
    slot_of_merchant[static_cast<std::size_t>(chosen_merchants[k])] = static_cast<int>(k);

  std::vector<int> customer_orders(market.customers.size());
  for (const auto& o : market.orders)
    if (slot_of_merchant[static_cast<std::size_t>(o.merchant)] >= 0)
      ++customer_orders[static_cast<std::size_t>(o.customer)];
  std::vector<int> ranked;
  for (std::size_t i = 0; i < market.customers.size(); ++i)
    if (customer_orders[i] > 0) ranked.push_back(static_cast<int>(i));
  std::stable_sort(ranked.begin(), ranked.end(), [&](int a, int b) {
    return customer_orders[static_cast<std::size_t>(a)] > customer_orders[static_cast<std::size_t>(b)];
  });
  if (static_cast<int>(ranked.size()) > n_customers) ranked.resize(static_cast<std::size_t>(n_customers));

  // Accounts (stable addresses: std::vector reserved up front).
  std::vector<Account> accounts;
  accounts.reserve(8 + chosen_merchants.size() + ranked.size() + static_cast<std::size_t>(n_riders));
  auto add = [&](std::string label, std::string phone, std::string lang) {
    Account a;
    a.label = std::move(label);
    a.phone = std::move(phone);
    a.lang = std::move(lang);
    accounts.push_back(std::move(a));
    return &accounts.back();
  };
  Account* admin = add("admin", "+237690000001", "fr");
  std::vector<StorePlan> stores;
  const int radius_m = static_cast<int>(std::clamp(params.max_delivery_km * 1000.0, 500.0, 20000.0));
  const std::filesystem::path demo_dir = sim::DefaultGeoDir().parent_path() / "demo";
  if (city == sim::kDouala) {
    json::array week;
    for (int d = 0; d < 6; ++d) week.push_back(json::array{json::object{{"open", "07:00"}, {"close", "22:00"}}});
    week.push_back(json::array{json::object{{"open", "09:00"}, {"close", "20:00"}}});
    struct Named {
      const char *key_label, *phone, *name, *category, *address;
      double lat, lon;
      const char* csv;
    };
    for (const Named& n : {Named{"Marché Akwa owner", "+237690000002", "Marché Akwa", "grocery",
                                 "Rue Joffre, Akwa, Douala", 4.0525, 9.6963, "marche-akwa.csv"},
                           Named{"Pharmacie du Wouri owner", "+237690000003", "Pharmacie du Wouri", "pharmacy",
                                 "Boulevard de la Liberté, Akwa, Douala", 4.0486, 9.7020, "pharmacie-du-wouri.csv"}}) {
      StorePlan p;
      p.name = n.name;
      p.category = n.category;
      p.address = n.address;
      p.lat = n.lat;
      p.lon = n.lon;
      p.hours = week;
      p.radius_m = 6000;
      p.owner = add(n.key_label, n.phone, "fr");
      LoadDemoCsv(p, demo_dir / n.csv);
      stores.push_back(std::move(p));
    }
  }
  Account* demo_customer = add("customer", "+237690000004", "fr");
  for (std::size_t k = 0; k < chosen_merchants.size(); ++k) {
    const auto& m = market.merchants[static_cast<std::size_t>(chosen_merchants[k])];
    StorePlan p;
    p.sim_merchant = chosen_merchants[k];
    p.name = m.name.size() >= 2 ? m.name : m.name + " " + place_name(m.place);
    if (p.name.size() > 120) p.name.resize(120);
    p.category = MerchantCategory(m.type);
    p.address = place_name(m.place) + ", " + city_label;
    p.lat = m.lat;
    p.lon = m.lon;
    p.hours = Hours(params.store_hours[static_cast<std::size_t>(m.type)]);
    p.radius_m = radius_m;
    p.owner = add("owner of " + p.name + " (" + std::string(sim::kStoreTypeNames[static_cast<std::size_t>(m.type)]) +
                      ", " + m.id + ")",
                  SimPhone(1, city, static_cast<int>(k) + 1), "fr");
    p.csv_header =
        "sku,name_fr,name_en,description_fr,description_en,category,unit,price_xaf,on_hand,low_stock_threshold";
    for (int oi : m.offers) {
      const auto& offer = market.offers[static_cast<std::size_t>(oi)];
      const auto& prod = market.products[static_cast<std::size_t>(offer.product)];
      p.csv_rows.push_back(Quote(prod.sku) + "," + Quote(prod.name_fr) + "," + Quote(prod.name_en) + "," +
                           Quote("Unité : " + prod.unit) + "," + Quote("Unit: " + prod.unit) + "," +
                           ProductCategory(prod.category) + "," + Unit(prod.unit) + "," +
                           std::to_string(offer.price_xaf) + ",200,10");
    }
    stores.push_back(std::move(p));
  }
  const std::size_t first_sim_store = stores.size() - chosen_merchants.size();

  std::vector<CustomerPlan> customers;
  CustomerPlan demo_plan;
  demo_plan.account = demo_customer;
  demo_plan.neighbourhood = city == sim::kDouala ? "Akwa" : "Bastos";
  demo_plan.lat = city == sim::kDouala ? 4.0505 : 3.8891;
  demo_plan.lon = city == sim::kDouala ? 9.7000 : 11.5123;
  customers.push_back(demo_plan);
  std::vector<int> plan_of_customer(market.customers.size(), -1);
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    const auto& c = market.customers[static_cast<std::size_t>(ranked[k])];
    CustomerPlan p;
    p.sim_customer = ranked[k];
    p.neighbourhood = place_name(c.place);
    p.lat = c.lat;
    p.lon = c.lon;
    p.account = add("customer " + c.id + " (" + p.neighbourhood + ")", SimPhone(2, city, static_cast<int>(k) + 1),
                    c.english ? "en" : "fr");
    plan_of_customer[static_cast<std::size_t>(ranked[k])] = static_cast<int>(customers.size());
    customers.push_back(std::move(p));
  }
  std::vector<int> recent;
  for (std::size_t i = market.orders.size(); i-- > 0 && static_cast<int>(recent.size()) < n_orders;) {
    const auto& o = market.orders[i];
    if (slot_of_merchant[static_cast<std::size_t>(o.merchant)] >= 0 &&
        plan_of_customer[static_cast<std::size_t>(o.customer)] >= 0)
      recent.push_back(static_cast<int>(i));
  }
  std::reverse(recent.begin(), recent.end());
  for (int oi : recent)
    customers[static_cast<std::size_t>(
                  plan_of_customer[static_cast<std::size_t>(market.orders[static_cast<std::size_t>(oi)].customer)])]
        .orders.push_back(oi);

  std::vector<RiderPlan> riders;
  for (std::size_t i = 0; i < market.riders.size() && static_cast<int>(riders.size()) < n_riders; ++i) {
    const auto& r = market.riders[i];
    RiderPlan p;
    p.sim_rider = static_cast<int>(i);
    p.neighbourhood = place_name(r.place);
    p.lat = r.lat;
    p.lon = r.lon;
    p.account = add("rider " + r.id + " (" + p.neighbourhood + ")",
                    SimPhone(3, city, static_cast<int>(riders.size()) + 1), "fr");
    riders.push_back(std::move(p));
  }

  // 3. Passwords: the known ones from demo-logins.txt, new ones written down before any account is created.
  const auto known = ReadLogins(logins_file);
  std::vector<Account*> all;
  for (auto& a : accounts) {
    if (auto it = known.find(a.phone); it != known.end()) {
      a.password = it->second;
      a.known = true;
    } else {
      a.password = NewPassword();
    }
    all.push_back(&a);
  }
  const std::vector<std::string> pending_head = {"  Demo marketplace (" + city_label + "): being seeded by okada seed",
                                                 ""};
  WriteLogins(logins_file, pending_head, all);
  Say(std::to_string(known.size()) + " logins known from " + logins_file.string() + "; seeding " + base);

  Api api(base);
  Accounts acc(api, logins_file.string());

  // 4. The admin.
  acc.Ensure(*admin);
  if (admin->role != "admin") {
    Say("making " + admin->phone + " an admin (okada accounts set-role)");
    SetRoleAdmin(admin->phone);
    acc.SignIn(*admin);
    if (admin->role != "admin") throw std::runtime_error("the admin's new role did not take effect");
  }
  const std::string& adm = admin->token;

  // 5. Merchants, stores, catalogues.
  std::map<std::string, json::object> merchant_by_phone;
  for (auto& m : api.ListAll("/v1/admin/merchants", adm)) merchant_by_phone[Str(m, "contact_phone")] = m;
  int merchants_created = 0, stores_created = 0, imports = 0;
  auto owner_token = [&](StorePlan& p) -> const std::string& {
    if (p.owner->role != "merchant_owner") {
      p.owner->token.clear();
      if (p.owner->known || !p.owner->id.empty())
        acc.SignIn(*p.owner);
      else
        acc.Ensure(*p.owner);
      if (p.owner->role != "merchant_owner")
        throw std::runtime_error(p.owner->phone + " is " + p.owner->role + ", not the owner of " + p.name);
    }
    return p.owner->token;
  };
  for (auto& p : stores) {
    json::object m;
    if (auto it = merchant_by_phone.find(p.owner->phone); it != merchant_by_phone.end()) {
      m = it->second;
    } else {
      acc.Ensure(*p.owner);
      Reply r =
          api.CallJson(Method::kPost, "/v1/merchants",
                       json::value(json::object{
                           {"business_name", p.name}, {"category", p.category}, {"contact_phone", p.owner->phone}}),
                       p.owner->token);
      Need(r.status == 201, "merchant application of " + p.name, r);
      m = r.obj();
      ++merchants_created;
    }
    p.merchant_id = Str(m, "id");
    if (Str(m, "status") == "pending") {
      Reply r = api.Call(Method::kPost, "/v1/admin/merchants/" + p.merchant_id + "/approve", std::string(), adm);
      Need(r.status == 200, "approval of " + p.name, r);
      p.owner->role.clear();  // its tokens were revoked with the role change
    }
    for (auto& s : api.ListAll("/v1/merchants/" + p.merchant_id + "/stores", adm))
      if (Str(s, "name") == p.name) p.store_id = Str(s, "id");
    if (p.store_id.empty()) {
      Reply r = api.CallJson(Method::kPost, "/v1/merchants/" + p.merchant_id + "/stores",
                             json::value(json::object{{"name", p.name},
                                                      {"location", json::object{{"lat", p.lat}, {"lon", p.lon}}},
                                                      {"address", p.address},
                                                      {"opening_hours", p.hours},
                                                      {"delivery_radius_m", p.radius_m}}),
                             owner_token(p));
      Need(r.status == 201, "store of " + p.name, r);
      p.store_id = r.str("id");
      ++stores_created;
    }
    auto inventory = [&] {
      p.product_of_sku.clear();
      for (auto& l : api.ListAll("/v1/stores/" + p.store_id + "/inventory", adm))
        p.product_of_sku[Str(l, "sku")] = Str(l, "product_id");
    };
    inventory();
    if (p.product_of_sku.size() < p.csv_rows.size()) {
      Reply r = api.Call(Method::kPost, "/v1/merchants/" + p.merchant_id + "/products/import", CsvFor(p),
                         owner_token(p), "text/csv");
      Need(r.status == 200 && r.obj().contains("failed") && r.obj().at("failed").to_number<int>() == 0,
           "catalogue import of " + p.name, r);
      ++imports;
      inventory();
    }
    Say(p.name + ": store " + p.store_id + ", " + std::to_string(p.product_of_sku.size()) + " products");
  }

  // 6. Customers and their home addresses; how many orders each already has.
  int addresses_created = 0;
  std::vector<int> existing_orders(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    auto& c = customers[i];
    acc.Ensure(*c.account);
    const std::string& tok = c.account->token;
    Reply r = api.Call(Method::kGet, "/v1/users/me/addresses?limit=100", std::string(), tok);
    Need(r.status == 200, "addresses of " + c.account->phone, r);
    const auto* items = r.obj().if_contains("items");
    if (!items || !items->is_array() || items->as_array().empty()) {
      Reply a = api.CallJson(Method::kPost, "/v1/users/me/addresses",
                             json::value(json::object{{"label", "home"},
                                                      {"location", json::object{{"lat", c.lat}, {"lon", c.lon}}},
                                                      {"landmark", "Près du carrefour principal de " + c.neighbourhood},
                                                      {"neighbourhood", c.neighbourhood}}),
                             tok);
      Need(a.status == 201, "address of " + c.account->phone, a);
      ++addresses_created;
    }
    if (!c.orders.empty()) existing_orders[i] = static_cast<int>(api.ListAll("/v1/orders", tok).size());
  }
  Say(std::to_string(customers.size()) + " customers (" + std::to_string(addresses_created) + " addresses added)");

  // 7. Riders: apply, approval, on shift at home.
  int riders_created = 0, riders_online = 0;
  for (auto& rp : riders) {
    Account& a = *rp.account;
    acc.Ensure(a);
    if (a.role != "rider") {
      Reply me = api.Call(Method::kGet, "/v1/riders/me", std::string(), a.token);
      json::object rider;
      if (me.status == 404) {
        const auto& sr = market.riders[static_cast<std::size_t>(rp.sim_rider)];
        Reply r = api.CallJson(
            Method::kPost, "/v1/riders",
            json::value(json::object{
                {"vehicle_type", "motorcycle"},
                {"plate", (city == sim::kDouala ? "LT " : "CE ") + std::to_string(100 + rp.sim_rider) + " SIM"},
                {"id_document_refs", json::array{"doc_cni_" + sr.id, "doc_permis_" + sr.id}},
                {"zones", json::array{json::string(rp.neighbourhood.substr(0, 50))}}}),
            a.token);
        Need(r.status == 201, "rider application of " + a.phone, r);
        rider = r.obj();
        ++riders_created;
      } else {
        Need(me.status == 200, "rider record of " + a.phone, me);
        rider = me.obj();
      }
      if (Str(rider, "status") == "pending") {
        Reply r = api.Call(Method::kPost, "/v1/admin/riders/" + Str(rider, "id") + "/approve", std::string(), adm);
        Need(r.status == 200, "approval of rider " + a.phone, r);
      }
      acc.SignIn(a);
      if (a.role != "rider") throw std::runtime_error(a.phone + " is " + a.role + " after the rider approval");
    }
    Reply shift = api.Call(Method::kGet, "/v1/rider/shift", std::string(), a.token);
    Need(shift.status == 200, "shift of " + a.phone, shift);
    const auto* online = shift.obj().if_contains("online");
    if (!online || !online->is_bool() || !online->as_bool()) {
      Reply r = api.CallJson(Method::kPut, "/v1/rider/shift",
                             json::value(json::object{{"online", true}, {"zones", json::array{}}}), a.token);
      Need(r.status == 200, "shift start of " + a.phone, r);
    }
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    Reply r = api.CallJson(
        Method::kPost, "/v1/rider/locations",
        json::value(json::object{
            {"points",
             json::array{json::object{
                 {"lat", rp.lat}, {"lon", rp.lon}, {"accuracy_m", 10}, {"speed_kmh", 0}, {"at_ms", now_ms}}}}}),
        a.token);
    Need(r.status == 202 || r.status == 200, "position of rider " + a.phone, r);
    ++riders_online;
  }
  Say(std::to_string(riders.size()) + " riders (" + std::to_string(riders_created) + " new), " +
      std::to_string(riders_online) + " on shift");

  // 8. The most recent simulated orders, placed now (cash on delivery). A customer who already has as many orders
  // as planned gets none: a second run places nothing.
  int placed = 0, skipped_lines = 0, refused = 0;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    auto& c = customers[i];
    for (std::size_t j = static_cast<std::size_t>(existing_orders[i]); j < c.orders.size(); ++j) {
      const auto& o = market.orders[static_cast<std::size_t>(c.orders[j])];
      StorePlan& p =
          stores[first_sim_store + static_cast<std::size_t>(slot_of_merchant[static_cast<std::size_t>(o.merchant)])];
      const std::string& tok = c.account->token;
      Reply clear = api.Call(Method::kDelete, "/v1/carts/" + p.store_id, std::string(), tok);
      Need(clear.status == 204 || clear.status == 200, "emptying the cart of " + c.account->phone, clear);
      int lines = 0;
      for (std::size_t l = o.first_line; l < o.first_line + static_cast<std::size_t>(o.line_count); ++l) {
        const auto& line = market.lines[l];
        const auto& offer = market.offers[static_cast<std::size_t>(line.offer)];
        auto it = p.product_of_sku.find(market.products[static_cast<std::size_t>(offer.product)].sku);
        if (it == p.product_of_sku.end()) {
          ++skipped_lines;
          continue;
        }
        Reply r = api.CallJson(Method::kPut, "/v1/carts/" + p.store_id + "/lines/" + it->second,
                               json::value(json::object{{"qty", std::clamp(line.quantity, 1, 99)}}), tok);
        Need(r.status == 200, "cart line of " + c.account->phone, r);
        ++lines;
      }
      if (lines == 0) continue;
      Reply r = api.CallJson(
          Method::kPost, "/v1/checkout",
          json::value(json::object{
              {"store_id", p.store_id},
              {"payment_method", "cash"},
              {"delivery", json::object{{"location", json::object{{"lat", c.lat}, {"lon", c.lon}}},
                                        {"landmark", "Près du carrefour principal de " + c.neighbourhood}}}}),
          tok, "okada-seed-" + o.id + "-" + c.account->id);
      if (r.status == 422 || r.status == 409) {
        // The platform's rules refuse this one (a drop-off in a no-go zone such as Bonanjo, a store closed at this
        // hour…): the demo goes on without it, and says why.
        ++refused;
        Say("order " + o.id + " not placed: " + c.account->phone + " at " + p.name + ": " +
            (r.obj().contains("code") ? r.str("code") : std::string("HTTP ") + std::to_string(r.status)) +
            (r.obj().contains("detail") ? " (" + r.str("detail") + ")" : std::string()));
        continue;
      }
      Need(r.status == 201, "checkout of " + o.id + " by " + c.account->phone + " at " + p.name, r);
      ++placed;
      Say("order " + r.str("id") + " (" + o.id + "): " + c.account->phone + " at " + p.name + ", " +
          std::to_string(lines) + " lines, " +
          std::to_string(r.obj().contains("total_xaf") ? r.obj().at("total_xaf").to_number<long long>() : 0) + " XAF");
    }
  }
  int existing_total = 0;
  for (int n : existing_orders) existing_total += n;
  Say(std::to_string(placed) + " orders placed now (" + std::to_string(existing_total) + " from earlier runs kept" +
      (skipped_lines ? ", " + std::to_string(skipped_lines) + " lines without product" : "") +
      (refused ? ", " + std::to_string(refused) + " refused by the platform's rules" : "") + ")");

  // 9. The logins, with a summary.
  std::vector<std::string> head = {"  Demo marketplace (" + city_label + "; okada seed --city " + city_name +
                                   " --days " + std::to_string(days) + " --seed " + std::to_string(seed) + "):"};
  for (const auto& p : stores) {
    head.push_back("    " + Pad(p.name, 32) + " store " + p.store_id + ", " + std::to_string(p.product_of_sku.size()) +
                   " products");
  }
  head.push_back("    " + std::to_string(customers.size()) + " customers, " + std::to_string(riders.size()) +
                 " riders on shift, " + std::to_string(placed + existing_total) + " recent orders");
  head.push_back("");
  WriteLogins(logins_file, head, all);
  for (const auto& h : head) std::cout << h << "\n";
  std::cout << "  Demo logins (phone / password):\n";
  for (const Account* a : {admin, demo_customer})
    std::cout << "    " << Pad(a->label, 26) << a->phone << " / " << a->password << "\n";
  for (const auto& p : stores)
    if (p.sim_merchant < 0)
      std::cout << "    " << Pad(p.owner->label, 26) << p.owner->phone << " / " << p.owner->password << "\n";
  std::cout << "    (all " << all.size() << " logins, merchants', customers' and riders', in " << logins_file.string()
            << ")\n";
  Say("done: " + std::to_string(acc.created()) + " accounts, " + std::to_string(merchants_created) + " merchants, " +
      std::to_string(stores_created) + " stores, " + std::to_string(imports) + " catalogue imports, " +
      std::to_string(addresses_created) + " addresses, " + std::to_string(riders_created) + " riders, " +
      std::to_string(placed) + " orders created");
  return 0;
}

}  // namespace

int RunSeedCommand(int argc, char** argv, const Config& config) {
  try {
    auto opt = ParseOptions(
        argc, argv, 2, {"city", "days", "seed", "base-url", "state-dir", "merchants", "customers", "riders", "orders"});
    if (opt.count("help")) {
      std::cout << kSeedHelp;
      return 0;
    }
    return Run(opt, config);
  } catch (const UsageError& e) {
    std::cerr << "okada seed: " << e.what() << " (see okada seed --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "okada seed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace okada::app
