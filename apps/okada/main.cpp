// okada: the platform's one lean binary. `okada serve` runs services, `okada migrate` applies their schema
// migrations, `okada brain …` hands over to okada-brain (the binary that links LibTorch/XGBoost).

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <map>
#include "brain_export_cmd.hpp"
#include "events_cmd.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/io.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "sandbox_cmd.hpp"
#include "seed_cmd.hpp"
#include "services.hpp"
#include "sim_cmd.hpp"

extern char** environ;

namespace {

constexpr const char* kMainHelp = R"(okada — quick commerce and delivery platform for Cameroon

Usage: okada <command> [options]

Commands:
  serve      Run services over HTTP (all of them by default)
  migrate    Apply the services' database migrations
  config     Print the effective configuration and where each value comes from
  version    Print the version
  brain      AI Brain commands (training, evaluation), handled by okada-brain; 'okada brain export'
             writes the platform's interactions and items for training (here: it reads the platform)
  routes     Print every HTTP route with who may call it (--json for the OpenAPI check)
  accounts   'okada accounts set-role --phone P --role admin': make the first admin, fix a role
  keys       Signing keys: 'okada keys rotate' (signing key), 'rotate-data' (data key), 'list'
  events     Event bus: 'okada events dlq list|replay', 'okada events replay --service S --since T'
  sandbox    Local stand-ins for outside parties: 'okada sandbox sms' (the SMS gateway)
  sim        Market simulator: 'okada sim export --out DIR' (CSV files), 'okada sim report' (HTML)
  seed       Load a demo slice of the simulated market into a running platform through its API

Run 'okada <command> --help' for a command's options.
Configuration: built-in defaults < --config FILE (or OKADA_CONFIG) < OKADA_* environment variables.
)";

constexpr const char* kServeHelp = R"(Usage: okada serve [--services=a,b] [--config FILE]

Runs the selected services in one process (all when --services is absent or 'all') and serves HTTP on
http.host:http.port (OKADA_HTTP_HOST, OKADA_HTTP_PORT). Built-in endpoints: /healthz, /readyz, /metrics.
SIGTERM or SIGINT drains: readiness goes off, new connections are refused, requests in flight finish
(up to http.drain_timeout_ms), then the process exits with status 0.
)";

constexpr const char* kMigrateHelp = R"(Usage: okada migrate [--services=a,b] [--config FILE]

Applies pending migrations of the selected services (all by default) to pg.url (OKADA_PG_URL), each in
its own transaction, in version order. An already-applied migration that was edited is refused.
)";

constexpr const char* kConfigHelp = R"(Usage: okada config [--config FILE] [--keys]

Prints the effective configuration (secrets masked) with the source of each value. With --keys, lists
every known key with its environment variable, default and meaning.
)";

struct Args {
  std::string command;
  std::string config_file;
  std::vector<std::string> services;
  bool help = false;
  bool keys = false;
  std::vector<std::string> rest;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int Usage(const char* text, int code) {
  (code == 0 ? std::cout : std::cerr) << text;
  return code;
}

okada::Config LoadConfig(const Args& a) {
  std::string file = a.config_file;
  if (file.empty())
    if (const char* env = std::getenv("OKADA_CONFIG")) file = env;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  return okada::Config::Load(file, env);
}

std::vector<std::string> SelectedServices(const Args& a, const okada::Config& c) {
  return a.services.empty() ? c.GetList("services") : a.services;
}

int Brain(int argc, char** argv) {
  // okada-brain lives next to okada (installed) or in the build tree's sibling folder.
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  for (auto candidate :
       {self.parent_path() / "okada-brain", self.parent_path().parent_path() / "okada-brain" / "okada-brain"}) {
    if (std::filesystem::exists(candidate)) {
      std::vector<char*> args;
      std::string path = candidate.string();
      args.push_back(path.data());
      for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
      args.push_back(nullptr);
      execv(path.c_str(), args.data());
      std::cerr << "okada: cannot run " << path << ": " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  std::cerr << "okada: okada-brain is not installed next to " << self.string()
            << " (build it with: cmake --build --preset release --target okada-brain)\n";
  return 1;
}

// Builds every service against a throw-away state directory (nothing is served or connected) and prints the
// router's routes joined with api/routes.inc.
int Routes(bool as_json) {
  char tmpl[] = "/tmp/okada-routes-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  okada::Config config = okada::Config::Defaults(
      {{"http.port", "0"}, {"state.dir", dir.string()}, {"log.level", "off"}, {"http.io_threads", "1"}});
  okada::Host host(config, okada::app::Catalogue());
  host.Start({"all"});
  boost::json::array out;
  for (const auto* r : host.router().Routes()) {
    const auto* rule = okada::access::FindRule(r->method, r->pattern);
    boost::json::object o{{"method", okada::http::ToString(r->method)},
                          {"pattern", r->pattern},
                          {"service", rule ? rule->service : "?"},
                          {"who", rule ? rule->who : "?"},
                          {"rate_class", rule ? rule->rate_class : ""}};
    if (as_json)
      out.push_back(std::move(o));
    else
      std::cout << okada::http::ToString(r->method) << "\t" << r->pattern << "\t" << (rule ? rule->who : "?") << "\n";
  }
  host.Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (as_json) std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

// `okada accounts set-role --phone P --role R`: how an operator makes the first admin (and fixes roles when
// the API is not reachable). Runs the auth service in-process against the configured database and goes through
// its internal routes, so the change is audited and deny-lists the account's current tokens like any other.
boost::asio::awaitable<okada::http::ClientResponse> CallAuth(okada::ServiceTransport* auth, okada::http::Method method,
                                                             std::string url, std::string body, std::string token) {
  okada::http::ClientRequest req;
  req.method = method;
  req.url = std::move(url);
  req.body = std::move(body);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back(std::string(okada::access::kServiceTokenHeader), std::move(token));
  req.deadline = okada::DeadlineIn(std::chrono::seconds(10));
  co_return co_await auth->Call(std::move(req));
}

int Accounts(int argc, char** argv) {
  std::string sub = argc > 2 ? argv[2] : "", phone, role;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--phone") phone = argv[i + 1];
    if (a == "--role") role = argv[i + 1];
  }
  if (sub != "set-role" || phone.empty() || !okada::access::IsRole(role)) {
    std::cerr << "Usage: okada accounts set-role --phone +2376XXXXXXXX --role "
                 "customer|rider|merchant_owner|merchant_staff|support|admin\n";
    return 2;
  }
  auto e164 = okada::NormalizeCameroonPhone(phone);
  if (!e164) {
    std::cerr << "okada accounts: '" << phone << "' is not a Cameroon mobile number (+237 6XX XX XX XX)\n";
    return 2;
  }
  // The configured database and state directory, on a private port with one thread and quiet logs.
  ::setenv("OKADA_HTTP_PORT", "0", 1);
  ::setenv("OKADA_HTTP_IO_THREADS", "1", 1);
  ::setenv("OKADA_LOG_LEVEL", "warn", 1);
  ::setenv("OKADA_SERVICES_REMOTE", "", 1);
  Args a;
  okada::Config config = LoadConfig(a);
  okada::Host host(config, okada::app::Catalogue());
  host.Start({"auth"});
  std::string token = okada::access::LoadOrCreateServiceToken(okada::StateDir(config));
  // The in-process transport is the same pipeline the HTTP server runs.
  okada::ServiceContext ctx(host);
  okada::ServiceTransport* auth = &ctx.TransportTo("auth");
  auto& io = host.io().context(0);
  auto found = boost::asio::co_spawn(io,
                                     CallAuth(auth, okada::http::Method::kPost, "/internal/v1/accounts/lookup",
                                              "{\"phone\":\"" + *e164 + "\"}", token),
                                     boost::asio::use_future)
                   .get();
  if (found.status != 200) {
    std::cerr << "okada accounts: no account with this number (it must sign up first): " << found.body << "\n";
    host.Shutdown();
    return 1;
  }
  std::string id(boost::json::parse(found.body).at("id").as_string());
  auto changed =
      boost::asio::co_spawn(io,
                            CallAuth(auth, okada::http::Method::kPut, "/internal/v1/accounts/" + id + "/role",
                                     "{\"role\":\"" + role + "\"}", token),
                            boost::asio::use_future)
          .get();
  host.Shutdown();
  if (changed.status != 200) {
    std::cerr << "okada accounts: the role change failed: " << changed.body << "\n";
    return 1;
  }
  std::cout << "okada accounts: " << id << " is now " << role
            << " (their current tokens stop working; they sign in again to get the new role)\n";
  return 0;
}

int Keys(int argc, char** argv) {
  std::string sub = argc > 2 ? argv[2] : "";
  Args a;
  okada::Config config = LoadConfig(a);
  auto store = okada::crypto::KeyStore::LoadOrCreate(okada::StateDir(config));
  if (sub == "rotate") {
    std::string kid = store->Rotate();
    std::cout << "okada keys: new active signing key " << kid
              << " (previous keys stay in the JWKS; running auth services switch within auth.key_reload_ms)\n";
    return 0;
  }
  if (sub == "rotate-data") {
    auto ring = okada::crypto::Keyring::Rotate(okada::StateDir(config));
    std::cout << "okada keys: personal data key version " << static_cast<int>(ring.active_version())
              << " is active; running services re-encrypt stored data in the background (keys.reencrypt_ms)\n";
    return 0;
  }
  if (sub == "list") {
    for (const auto& k : store->PublicKeys())
      std::cout << k.kid() << (k.kid() == store->active_kid() ? "  (active)" : "") << "\n";
    return 0;
  }
  std::cerr << "Usage: okada keys rotate|rotate-data|list\n"
               "  rotate       new token-signing key (old ones stay in the JWKS until pruned)\n"
               "  rotate-data  new key for personal data at rest; services re-encrypt in the background\n"
               "  list         signing keys, the active one marked\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(kMainHelp, 2);
  Args a;
  a.command = argv[1];
  if (a.command == "brain" && argc > 2 && std::string(argv[2]) == "export")
    return okada::app::RunBrainExportCommand(argc, argv);
  if (a.command == "brain") return Brain(argc, argv);
  if (a.command == "sandbox") return okada::app::RunSandboxCommand(argc, argv);
  if (a.command == "sim") return okada::app::RunSimCommand(argc, argv);
  if (a.command == "routes") return Routes(argc > 2 && std::string(argv[2]) == "--json");
  if (a.command == "keys") return Keys(argc, argv);
  if (a.command == "accounts") return Accounts(argc, argv);
  if (a.command == "events") return okada::app::RunEventsCommand(argc, argv, LoadConfig(a));
  if (a.command == "seed") return okada::app::RunSeedCommand(argc, argv, LoadConfig(a));
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h")
      a.help = true;
    else if (arg == "--keys")
      a.keys = true;
    else if (arg.rfind("--services=", 0) == 0)
      a.services = SplitList(arg.substr(11));
    else if (arg == "--services" && i + 1 < argc)
      a.services = SplitList(argv[++i]);
    else if (arg.rfind("--config=", 0) == 0)
      a.config_file = arg.substr(9);
    else if (arg == "--config" && i + 1 < argc)
      a.config_file = argv[++i];
    else {
      std::cerr << "okada " << a.command << ": unknown option '" << arg << "' (see okada " << a.command << " --help)\n";
      return 2;
    }
  }

  try {
    if (a.command == "help" || a.command == "--help" || a.command == "-h") return Usage(kMainHelp, 0);
    if (a.command == "version" || a.command == "--version") {
      if (a.help) return Usage("Usage: okada version\n\nPrints the version of this binary.\n", 0);
      std::cout << "okada " << OKADA_VERSION << "\n";
      return 0;
    }
    if (a.command == "config") {
      if (a.help) return Usage(kConfigHelp, 0);
      if (a.keys) {
        for (const auto& k : okada::Config::Schema())
          std::cout << k.name << "  (" << okada::EnvNameFor(k.name) << ", default '" << k.default_value << "')\n    "
                    << k.help << "\n";
        return 0;
      }
      std::cout << LoadConfig(a).Describe();
      return 0;
    }
    if (a.command == "serve") {
      if (a.help) return Usage(kServeHelp, 0);
      okada::Config config = LoadConfig(a);
      okada::Host host(config, okada::app::Catalogue());
      return host.Run(SelectedServices(a, config));
    }
    if (a.command == "migrate") {
      if (a.help) return Usage(kMigrateHelp, 0);
      okada::Config config = LoadConfig(a);
      okada::Host host(config, okada::app::Catalogue());
      auto sets = host.MigrationsOf(SelectedServices(a, config));
      auto report = okada::pg::Migrate(config.GetString("pg.url"), sets,
                                       [](const std::string& line) { std::cout << "okada migrate: " << line << "\n"; });
      std::cout << "okada migrate: " << report.applied.size() << " applied, " << report.up_to_date
                << " already up to date (" << sets.size() << " services)\n";
      return 0;
    }
    std::cerr << "okada: unknown command '" << a.command << "'\n\n";
    return Usage(kMainHelp, 2);
  } catch (const okada::ConfigError& e) {
    std::cerr << "okada: configuration error: " << e.what() << "\n";
    return 78;  // EX_CONFIG
  } catch (const okada::pg::MigrationError& e) {
    std::cerr << "okada migrate: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "okada: " << e.what() << "\n";
    return 1;
  }
}
