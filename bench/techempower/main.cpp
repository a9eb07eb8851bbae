// okada-bench: the TechEmpower Framework Benchmarks test types (json, db, queries, updates, fortunes) served
// by the core runtime, so bench/techempower/run.sh can compare them with nginx and pgbench in one run.
// Bench-only: these routes are never compiled into `okada`.
//
//   okada-bench migrate   create and fill techempower.world / techempower.fortune
//   okada-bench serve     serve /json /db /queries /updates /fortunes (OKADA_* configuration as okada)

#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <random>

#include "okada/core/config.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"

extern char** environ;

namespace okada::bench {
std::vector<pg::Migration> Migrations();

namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

const pg::Statement kWorld{"te.world", "SELECT id, randomnumber FROM techempower.world WHERE id = $1"};
const pg::Statement kFortunes{"te.fortunes", "SELECT id, message FROM techempower.fortune"};
const pg::Statement kUpdate{"te.update",
                            "UPDATE techempower.world AS w SET randomnumber = u.r FROM "
                            "(SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS u WHERE w.id = u.id"};

int RandomWorld() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_int_distribution<int>(1, 10000)(rng);
}

// ?queries=N, clamped to 1..500; anything unparsable counts as 1 (TechEmpower's rule).
int QueryCount(const Request& req) {
  auto q = req.query_param("queries");
  int n = 1;
  if (q) {
    try {
      n = std::stoi(*q);
    } catch (const std::exception&) {
      n = 1;
    }
  }
  return std::clamp(n, 1, 500);
}

Response Json(Request&) {
  boost::json::object o{{"message", "Hello, World!"}};
  return Response::Json(boost::json::serialize(o));
}

boost::json::object WorldJson(const pg::Row& row) {
  return {{"id", row.Get<int>(0)}, {"randomNumber", row.Get<int>(1)}};
}

asio::awaitable<Response> Db(pg::Database* db, Request& req) {
  pg::Result r = co_await db->Execute(req.deadline(), kWorld, RandomWorld());
  co_return Response::Json(boost::json::serialize(WorldJson(r.front())));
}

asio::awaitable<Response> Queries(pg::Database* db, Request& req) {
  int n = QueryCount(req);
  boost::json::array out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    pg::Result r = co_await db->Execute(req.deadline(), kWorld, RandomWorld());
    out.push_back(WorldJson(r.front()));
  }
  co_return Response::Json(boost::json::serialize(out));
}

asio::awaitable<Response> Updates(pg::Database* db, Request& req) {
  int n = QueryCount(req);
  std::vector<std::pair<int, int>> worlds;
  for (int i = 0; i < n; ++i) {
    pg::Result r = co_await db->Execute(req.deadline(), kWorld, RandomWorld());
    worlds.emplace_back(r.front().Get<int>(0), RandomWorld());
  }
  // One statement for the batch, ids sorted so concurrent batches lock rows in the same order.
  std::vector<std::pair<int, int>> sorted = worlds;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.first == b.first; }),
               sorted.end());
  std::string ids = "{", numbers = "{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    ids += (i ? "," : "") + std::to_string(sorted[i].first);
    numbers += (i ? "," : "") + std::to_string(sorted[i].second);
  }
  ids += "}";
  numbers += "}";
  co_await db->Execute(req.deadline(), kUpdate, ids, numbers);
  boost::json::array out;
  for (const auto& [id, number] : worlds) {
    // Report the value written for that id (the last one wins for duplicate ids in the batch).
    int written = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(id, 0))->second;
    out.push_back(boost::json::object{{"id", id}, {"randomNumber", written}});
  }
  co_return Response::Json(boost::json::serialize(out));
}

void EscapeHtml(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out.push_back(c);
    }
  }
}

asio::awaitable<Response> Fortunes(pg::Database* db, Request& req) {
  pg::Result r = co_await db->Execute(req.deadline(), kFortunes);
  std::vector<std::pair<int, std::string>> rows;
  for (const pg::Row& row : r) rows.emplace_back(row.Get<int>(0), row.Get<std::string>(1));
  rows.emplace_back(0, "Additional fortune added at request time.");
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second < b.second; });
  std::string html =
      "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>";
  for (const auto& [id, message] : rows) {
    html += "<tr><td>" + std::to_string(id) + "</td><td>";
    EscapeHtml(html, message);
    html += "</td></tr>";
  }
  html += "</table></body></html>";
  Response res;
  res.content_type = "text/html; charset=utf-8";
  res.body = std::move(html);
  co_return res;
}

class TechEmpower : public Service {
 public:
  std::string_view name() const override { return "techempower"; }
  std::vector<pg::Migration> Migrations() const override { return bench::Migrations(); }
  void Start(ServiceContext& ctx) override {
    auto& r = ctx.router();
    pg::Database* db = &ctx.db();
    r.Add(http::Method::kGet, "/json", http::SyncHandler(Json));
    r.Add(http::Method::kGet, "/db", http::AsyncHandler([db](Request& q) { return Db(db, q); }));
    r.Add(http::Method::kGet, "/queries", http::AsyncHandler([db](Request& q) { return Queries(db, q); }));
    r.Add(http::Method::kGet, "/updates", http::AsyncHandler([db](Request& q) { return Updates(db, q); }));
    r.Add(http::Method::kGet, "/fortunes", http::AsyncHandler([db](Request& q) { return Fortunes(db, q); }));
  }
};

}  // namespace
}  // namespace okada::bench

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd != "serve" && cmd != "migrate") {
    std::cerr << "Usage: okada-bench serve|migrate   (configuration: OKADA_* environment, as okada)\n";
    return 2;
  }
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  try {
    okada::Config config = okada::Config::Load("", env);
    okada::Host host(config, {{"techempower", [] { return std::make_unique<okada::bench::TechEmpower>(); }}});
    if (cmd == "migrate") {
      auto report = okada::pg::Migrate(config.GetString("pg.url"), host.MigrationsOf({"all"}));
      std::cout << "okada-bench migrate: " << report.applied.size() << " applied, " << report.up_to_date
                << " up to date\n";
      return 0;
    }
    return host.Run({"all"});
  } catch (const std::exception& e) {
    std::cerr << "okada-bench: " << e.what() << "\n";
    return 1;
  }
}
