// A host with one probe service, for tests that need a whole process: SIGTERM drain and PostgreSQL outages.
// Configured like `okada serve` (OKADA_* environment); prints its port in the host.listening log line.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

#include "okada/core/config.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/pg/pg.hpp"

extern char** environ;

namespace {

namespace asio = boost::asio;
using okada::http::Request;
using okada::http::Response;

asio::awaitable<Response> Slow(Request& req) {
  int ms = std::stoi(req.query_param("ms").value_or("1000"));
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  co_await t.async_wait(asio::use_awaitable);
  co_return Response::Json(R"({"slept_ms":)" + std::to_string(ms) + "}");
}

const okada::pg::Statement kOne{"probe.one", "SELECT 1 AS one"};

asio::awaitable<Response> Db(okada::pg::Database* db, Request& req) {
  okada::pg::Result r = co_await db->Execute(req.deadline(), kOne);
  co_return Response::Json(R"({"one":)" + std::to_string(r.front().Get<std::int64_t>("one")) + "}");
}

class Probe : public okada::Service {
 public:
  std::string_view name() const override { return "probe"; }
  void Start(okada::ServiceContext& ctx) override {
    ctx.router().Add(okada::http::Method::kGet, "/test/slow", okada::http::AsyncHandler(Slow));
    okada::pg::Database* db = &ctx.db();
    ctx.router().Add(okada::http::Method::kGet, "/test/db",
                     okada::http::AsyncHandler([db](Request& r) { return Db(db, r); }));
  }
};

}  // namespace

int main() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  try {
    okada::Config config = okada::Config::Load("", env);
    okada::Host host(config, {{"probe", [] { return std::make_unique<Probe>(); }}});
    return host.Run({"all"});
  } catch (const std::exception& e) {
    std::cerr << "test_server: " << e.what() << "\n";
    return 1;
  }
}
