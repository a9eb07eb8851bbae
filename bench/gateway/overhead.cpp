// okada-bench-gateway: what the edge (token verification, deny-list, role table, rate limit, the pipeline)
// adds in the all-in-one process. For GET /v1/auth/me it interleaves N calls through Server::Handle (the
// whole pipeline with a bearer token) with N direct calls of the route's handler (principal preset), and
// prints the p50 of each and their difference as JSON. Run by bench/gateway/run.sh.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "okada/core/config.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/io.hpp"
#include "okada/core/pg/migrations.hpp"
#include "services.hpp"

namespace asio = boost::asio;
using Us = std::chrono::duration<double, std::micro>;

namespace {

asio::awaitable<std::string> SignUp(okada::Host* host) {
  std::string body = R"({"phone":"+237690000001","password":"bench overhead passphrase"})";
  std::vector<std::pair<std::string_view, std::string_view>> headers{{"Content-Type", "application/json"}};
  okada::http::Request req(okada::http::Method::kPost, "/v1/auth/signup", headers, body);
  req.set_remote_address("127.0.0.1");
  auto res = co_await host->server().Handle(req);
  if (res.status != 201) throw std::runtime_error("sign-up failed: " + res.body);
  co_return std::string(boost::json::parse(res.body).at("access_token").as_string());
}

struct Timings {
  std::vector<double> full, direct;
};

asio::awaitable<Timings> Measure(okada::Host* host, std::string token, std::string subject, int n) {
  Timings t;
  std::string auth = "Bearer " + token;
  auto match = host->router().Find(okada::http::Method::kGet, "/v1/auth/me");
  for (int i = 0; i < 2 * n; ++i) {
    // Alternate which variant goes first, so neither always runs on a connection the other just warmed.
    bool full_now = (i % 2 == 0) == ((i / 2) % 2 == 0);
    if (full_now) {
      std::vector<std::pair<std::string_view, std::string_view>> headers{{"Authorization", auth}};
      okada::http::Request req(okada::http::Method::kGet, "/v1/auth/me", headers, {});
      req.set_remote_address("127.0.0.1");
      auto start = std::chrono::steady_clock::now();
      auto res = co_await host->server().Handle(req);
      t.full.push_back(Us(std::chrono::steady_clock::now() - start).count());
      if (res.status != 200) throw std::runtime_error("pipeline answered " + std::to_string(res.status) + res.body);
    } else {
      okada::http::Request req(okada::http::Method::kGet, "/v1/auth/me", {}, {});
      okada::http::Principal p;
      p.subject = subject;
      p.role = "customer";
      req.set_principal(p);
      req.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(2));
      auto start = std::chrono::steady_clock::now();
      auto res = co_await match.route->async(req);
      t.direct.push_back(Us(std::chrono::steady_clock::now() - start).count());
      if (res.status != 200) throw std::runtime_error("handler answered " + std::to_string(res.status));
    }
  }
  co_return t;
}

double P50(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string pg, redis;
  int n = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--pg") pg = argv[i + 1];
    if (a == "--redis") redis = argv[i + 1];
    if (a == "--iterations") n = std::stoi(argv[i + 1]);
  }
  if (pg.empty() || redis.empty()) {
    std::cerr << "usage: okada-bench-gateway --pg URL --redis URL [--iterations N]\n";
    return 2;
  }
  char tmpl[] = "/tmp/okada-bench-overhead-XXXXXX";
  std::filesystem::path state = ::mkdtemp(tmpl);
  okada::Config config = okada::Config::Defaults({{"pg.url", pg},
                                                  {"redis.url", redis},
                                                  {"http.port", "0"},
                                                  {"http.io_threads", "1"},
                                                  {"state.dir", state.string()},
                                                  {"log.level", "warn"},
                                                  {"log.access", "false"},
                                                  {"gateway.general_rate", "1000000"},
                                                  {"gateway.general_burst", "1000000"},
                                                  {"gateway.signin_per_min", "100000"}});
  okada::Host host(config, okada::app::Catalogue());
  okada::pg::Migrate(pg, host.MigrationsOf({"all"}), [](const std::string&) {});
  host.Start({"auth", "users"});
  auto& ctx = host.io().context(0);
  // The sign-up may race the first JWKS fetch; the edge fetches on the first unknown kid by itself.
  std::string token = asio::co_spawn(ctx, SignUp(&host), asio::use_future).get();
  auto claims = okada::crypto::KeyStore::LoadOrCreate(state)
                    ->Verifier({config.GetString("auth.issuer"), config.GetString("auth.audience")})
                    .Verify(token);
  auto warm = asio::co_spawn(ctx, Measure(&host, token, claims.sub, 500), asio::use_future).get();
  (void)warm;
  auto t = asio::co_spawn(ctx, Measure(&host, token, claims.sub, n), asio::use_future).get();
  double full = P50(t.full), direct = P50(t.direct);
  char line[256];
  std::snprintf(line, sizeof line,
                R"({"iterations":%d,"full_p50_us":%.1f,"direct_p50_us":%.1f,"overhead_p50_us":%.1f})", n, full, direct,
                full - direct);
  std::cout << line << "\n";
  host.Shutdown();
  std::filesystem::remove_all(state);
  return 0;
}
