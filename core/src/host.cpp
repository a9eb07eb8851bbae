#include "okada/core/host.hpp"

#include <pthread.h>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::vector<pg::Migration> Service::Migrations() const { return {}; }

namespace {

// Calls a service hosted in this process through the same pipeline as a network request (ids, deadline,
// auth and rate-limit hooks, error mapping), without a socket.
class InProcessTransport : public ServiceTransport {
 public:
  explicit InProcessTransport(http::Server& server) : server_(server) {}
  asio::awaitable<http::ClientResponse> Call(http::ClientRequest request) override {
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    for (const auto& [k, v] : request.headers) headers.emplace_back(k, v);
    std::string deadline_ms = std::to_string(Remaining(request.deadline).count());
    headers.emplace_back("X-Deadline-Ms", deadline_ms);
    if (!request.request_id.empty()) headers.emplace_back("X-Request-Id", request.request_id);
    http::Request req(request.method, request.url, std::move(headers), std::move(request.body));
    req.set_remote_address("in-process");
    http::Response res = co_await server_.Handle(req);
    http::ClientResponse out;
    out.status = res.status;
    if (!res.content_type.empty()) out.headers.emplace_back("Content-Type", res.content_type);
    for (auto& h : res.headers) out.headers.push_back(std::move(h));
    out.body = std::move(res.body);
    co_return out;
  }

 private:
  http::Server& server_;
};

// Calls a service in other processes over HTTP: round robin across its instances ("http://a:8081|http://b:8081"),
// each with the calling shard's keep-alive pool. An instance that refuses connections or fails its health
// probe leaves the rotation until a probe succeeds again; a call that cannot connect tries the next instance.
class HttpTransport : public ServiceTransport {
 public:
  HttpTransport(const std::string& bases, IoPool& io) {
    std::size_t start = 0;
    while (start <= bases.size()) {
      auto bar = bases.find('|', start);
      std::string base = bases.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (!base.empty()) {
        auto u = std::make_unique<Upstream>();
        u->base = base;
        for (std::size_t i = 0; i < io.size(); ++i) u->clients.push_back(std::make_unique<http::Client>(io.context(i)));
        upstreams_.push_back(std::move(u));
      }
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    if (upstreams_.empty()) throw std::invalid_argument("services.remote: no URL in '" + bases + "'");
  }

  asio::awaitable<http::ClientResponse> Call(http::ClientRequest request) override {
    int s = IoPool::CurrentShard();
    std::size_t shard = s < 0 ? 0 : static_cast<std::size_t>(s);
    std::size_t n = upstreams_.size();
    std::size_t first = next_.fetch_add(1, std::memory_order_relaxed);
    std::string path = request.url;
    for (std::size_t attempt = 0; attempt < n; ++attempt) {
      Upstream& u = *upstreams_[(first + attempt) % n];
      bool last = attempt + 1 == n;
      if (!u.healthy.load(std::memory_order_relaxed) && !last) continue;
      request.url = u.base + path;
      try {
        co_return co_await u.clients[shard]->Send(request);
      } catch (const Error& e) {
        // Only a failure to connect is safe to retry elsewhere: the request cannot have reached anyone.
        bool not_sent = e.detail().rfind("connect", 0) == 0 || e.detail().rfind("resolving", 0) == 0;
        if (e.code() != ErrorCode::kUpstreamUnavailable || last || !not_sent) throw;
      }
      u.healthy.store(false, std::memory_order_relaxed);  // could not connect: out until a probe succeeds
    }
    throw Error(ErrorCode::kUpstreamUnavailable, "no instance answered");
  }

  asio::awaitable<void> CheckHealth(Deadline deadline) override {
    int s = IoPool::CurrentShard();
    std::size_t shard = s < 0 ? 0 : static_cast<std::size_t>(s);
    for (auto& u : upstreams_) {
      bool ok = false;
      try {
        http::ClientRequest probe;
        probe.method = http::Method::kGet;
        probe.url = u->base + "/readyz";
        probe.deadline = deadline;
        auto res = co_await u->clients[shard]->Send(std::move(probe));
        ok = res.status == 200;
      } catch (const std::exception&) {
        ok = false;
      }
      if (ok != u->healthy.load()) log::Warn("upstream.health", {{"upstream", u->base}, {"healthy", ok}});
      u->healthy.store(ok);
    }
  }

  std::size_t healthy() const override {
    std::size_t n = 0;
    for (const auto& u : upstreams_) n += u->healthy.load() ? 1 : 0;
    return n;
  }

 private:
  struct Upstream {
    std::string base;
    std::atomic<bool> healthy{true};
    std::vector<std::unique_ptr<http::Client>> clients;
  };
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace

struct Host::Impl {
  const Config& config;
  std::vector<ServiceFactory> catalogue;
  std::unique_ptr<IoPool> io;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<http::Router> router;
  access::DenyList deny_list;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<pg::Database> db;
  std::unique_ptr<redis::Redis> redis;
  std::vector<std::unique_ptr<Service>> services;  // in start order
  std::vector<std::string> hosted;
  std::map<std::string, std::unique_ptr<ServiceTransport>, std::less<>> transports;
  std::vector<Job> jobs;
  std::vector<asio::steady_timer*> job_timers;  // shard 0 only
  std::atomic<bool> stopping{false};
  std::atomic<int> jobs_running{0};  // job passes in progress (Shutdown waits for them before stopping I/O)
  bool started = false;
  bool shut_down = false;
  bool drained_ok = true;

  explicit Impl(const Config& c, std::vector<ServiceFactory> cat) : config(c), catalogue(std::move(cat)) {}
};

namespace {

asio::awaitable<void> RunJob(Host::Impl* h, std::size_t index) {
  const Job& job = h->jobs[index];
  asio::steady_timer timer(co_await asio::this_coro::executor);
  h->job_timers.push_back(&timer);
  while (!h->stopping.load()) {
    timer.expires_after(job.interval);
    co_await timer.async_wait(kTuple);
    if (h->stopping.load()) break;
    auto start = Clock::now();
    h->jobs_running.fetch_add(1);
    try {
      co_await job.run(Clock::now() + job.interval);
    } catch (const std::exception& e) {
      log::Warn("job.failed", {{"job", job.name}, {"error", e.what()}});
    }
    h->jobs_running.fetch_sub(1);
    log::Debug("job.ran",
               {{"job", job.name}, {"ms", std::chrono::duration<double, std::milli>(Clock::now() - start).count()}});
  }
  std::erase(h->job_timers, &timer);
}

// Readiness: not ready (503) while draining or without PostgreSQL, the system of record. Redis down is
// "degraded" but ready (200): ARCHITECTURE §7 keeps taking orders without cache and with local rate limits, and
// failing readiness on every pod at once would turn a cache outage into a full one.
asio::awaitable<http::Response> Ready(Host::Impl* h, http::Request& req) {
  boost::json::object checks;
  bool ready = !h->server->draining();
  bool degraded = false;
  checks["server"] = std::string_view(ready ? "ok" : "draining");
  Deadline d = Cap(req.deadline(), std::chrono::milliseconds(800));
  try {
    co_await h->db->Local().Ping(d);
    checks["postgres"] = "ok";
  } catch (const std::exception& e) {
    ready = false;
    checks["postgres"] = e.what();
  }
  try {
    std::vector<std::string> ping{std::string("PING")};  // (GCC 12: no string-literal init lists in coroutines)
    auto reply = co_await h->redis->Local().Command(std::move(ping), d);
    checks["redis"] = reply.is_error() ? reply.str : std::string("ok");
    degraded = reply.is_error();
  } catch (const std::exception& e) {
    degraded = true;
    checks["redis"] = e.what();
  }
  boost::json::object body;
  body["status"] = std::string_view(!ready ? "not_ready" : degraded ? "degraded" : "ready");
  body["checks"] = std::move(checks);
  auto res = http::Response::Json(boost::json::serialize(body), ready ? 200 : 503);
  res.Header("Cache-Control", "no-store");
  co_return res;
}

}  // namespace

// --- ServiceContext ----------------------------------------------------------------------------------------

const Config& ServiceContext::config() const { return host_.impl_->config; }
IoPool& ServiceContext::io() const { return *host_.impl_->io; }
Metrics& ServiceContext::metrics() const { return *host_.impl_->metrics; }
http::Router& ServiceContext::router() const { return *host_.impl_->router; }
pg::Database& ServiceContext::db() const { return *host_.impl_->db; }
redis::Redis& ServiceContext::redis() const { return *host_.impl_->redis; }
void ServiceContext::AddJob(Job job) { host_.impl_->jobs.push_back(std::move(job)); }
void ServiceContext::AddWebSocket(std::string path, http::WebSocketHandler handler, http::WebSocketAdmit admit) {
  host_.impl_->server->AddWebSocket(std::move(path), std::move(handler), std::move(admit));
}
void ServiceContext::SetAuthHook(http::Hook hook) { host_.impl_->server->SetAuthHook(std::move(hook)); }
void ServiceContext::SetRateLimitHook(http::Hook hook) { host_.impl_->server->SetRateLimitHook(std::move(hook)); }

ServiceTransport& ServiceContext::TransportTo(std::string_view service) {
  auto& h = *host_.impl_;
  if (auto it = h.transports.find(service); it != h.transports.end()) return *it->second;
  if (std::find(h.hosted.begin(), h.hosted.end(), service) != h.hosted.end()) {
    auto t = std::make_unique<InProcessTransport>(*h.server);
    return *h.transports.emplace(std::string(service), std::move(t)).first->second;
  }
  for (const std::string& entry : h.config.GetList("services.remote")) {
    auto eq = entry.find('=');
    if (eq != std::string::npos && entry.substr(0, eq) == service) {
      auto t = std::make_unique<HttpTransport>(entry.substr(eq + 1), *h.io);
      return *h.transports.emplace(std::string(service), std::move(t)).first->second;
    }
  }
  throw std::invalid_argument("service '" + std::string(service) +
                              "' is neither hosted in this process nor listed in services.remote");
}

ServiceTransport* ServiceContext::FindTransport(std::string_view service, std::string_view consequence) {
  try {
    return &TransportTo(service);
  } catch (const std::invalid_argument&) {
    if (!consequence.empty()) log::Warn("host.dependency_unreachable", {{"service", service}, {"detail", consequence}});
    return nullptr;
  }
}

bool ServiceContext::Hosts(std::string_view service) const {
  const auto& hosted = host_.impl_->hosted;
  return std::find(hosted.begin(), hosted.end(), service) != hosted.end();
}

std::vector<std::string> ServiceContext::RemoteServices() const {
  std::vector<std::string> out;
  for (const std::string& entry : host_.impl_->config.GetList("services.remote")) {
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string name = entry.substr(0, eq);
    if (!Hosts(name)) out.push_back(name);
  }
  return out;
}

access::DenyList& ServiceContext::deny_list() const { return host_.impl_->deny_list; }

std::vector<const http::Route*> ServiceContext::Routes() const { return host_.impl_->router->Routes(); }

std::function<std::uint16_t()> ServiceContext::listening_port() const {
  const Host* host = &host_;
  return [host] { return host->port(); };
}

std::filesystem::path ServiceContext::state_dir() const {
  auto dir = StateDir(host_.impl_->config);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  return dir;
}

// --- Host ----------------------------------------------------------------------------------------------------

Host::Host(const Config& config, std::vector<ServiceFactory> catalogue)
    : impl_(std::make_unique<Impl>(config, std::move(catalogue))) {}

Host::~Host() { Shutdown(); }

std::vector<std::string> Host::Resolve(const std::vector<std::string>& selected) const {
  std::vector<std::string> out;
  bool all = selected.empty() || std::find(selected.begin(), selected.end(), "all") != selected.end();
  for (const std::string& name : selected) {
    if (name == "all") continue;
    bool known = false;
    for (const auto& f : impl_->catalogue) known |= f.name == name;
    if (!known) {
      std::string list;
      for (const auto& f : impl_->catalogue) list += (list.empty() ? "" : ", ") + f.name;
      throw std::invalid_argument("unknown service '" + name + "' (known: " + (list.empty() ? "none" : list) + ")");
    }
  }
  // Catalogue order is start order, whatever order the user typed.
  for (const auto& f : impl_->catalogue)
    if (all || f.always || std::find(selected.begin(), selected.end(), f.name) != selected.end()) out.push_back(f.name);
  return out;
}

std::vector<pg::MigrationSet> Host::MigrationsOf(const std::vector<std::string>& selected) const {
  std::vector<pg::MigrationSet> sets;
  for (const std::string& name : Resolve(selected))
    for (const auto& f : impl_->catalogue)
      if (f.name == name) sets.push_back(pg::MigrationSet{name, f.make()->Migrations()});
  return sets;
}

void Host::Start(const std::vector<std::string>& selected) {
  Impl& h = *impl_;
  if (h.started) throw std::logic_error("host already started");
  h.hosted = Resolve(selected);
  log::Init(h.config.GetString("log.level"));

  h.io = std::make_unique<IoPool>(static_cast<std::size_t>(h.config.GetInt("http.io_threads")));
  h.metrics = std::make_unique<Metrics>();
  h.router = std::make_unique<http::Router>();
  h.server = std::make_unique<http::Server>(http::ServerOptions::FromConfig(h.config), *h.router, *h.metrics, *h.io);

  pg::PoolOptions po;
  po.conninfo = h.config.GetString("pg.url");
  po.max_size = static_cast<std::size_t>(h.config.GetInt("pg.pool_size"));
  po.acquire_timeout = h.config.GetDuration("pg.acquire_timeout_ms");
  po.connect_timeout = h.config.GetDuration("pg.connect_timeout_ms");
  po.statement_timeout = h.config.GetDuration("pg.statement_timeout_ms");
  h.db = std::make_unique<pg::Database>(*h.io, po, h.metrics.get());
  redis::Options ro = redis::Options::FromUrl(h.config.GetString("redis.url"));
  ro.timeout = h.config.GetDuration("redis.timeout_ms");
  ro.connect_timeout = h.config.GetDuration("redis.connect_timeout_ms");
  h.redis = std::make_unique<redis::Redis>(*h.io, ro, h.metrics.get());

  // Built-in endpoints of every process.
  http::RouteOptions quiet;
  quiet.quiet = true;
  h.router->Add(http::Method::kGet, "/healthz",
                http::SyncHandler([](http::Request&) { return http::Response::Json(R"({"status":"ok"})"); }), quiet);
  Impl* self = &h;
  h.router->Add(http::Method::kGet, "/readyz", http::AsyncHandler([self](http::Request& r) { return Ready(self, r); }),
                quiet);
  h.router->Add(http::Method::kGet, "/metrics", http::SyncHandler([self](http::Request&) {
                  auto res = http::Response::Text(self->metrics->Render());
                  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
                  return res;
                }),
                quiet);

  ServiceContext ctx(*this);
  for (const std::string& name : h.hosted) {
    for (const auto& f : h.catalogue) {
      if (f.name != name) continue;
      auto svc = f.make();
      log::Info("service.starting", {{"service", name}});
      svc->Start(ctx);
      h.services.push_back(std::move(svc));
    }
  }

  h.io->Start();
  h.server->Start();
  for (std::size_t i = 0; i < h.jobs.size(); ++i) asio::co_spawn(h.io->context(0), RunJob(&h, i), asio::detached);
  h.started = true;
  log::Info("host.listening", {{"port", static_cast<int>(h.server->port())},
                               {"io_threads", static_cast<std::int64_t>(h.io->size())},
                               {"services", static_cast<std::int64_t>(h.services.size())}});
}

int Host::Run(const std::vector<std::string>& selected) {
  // Block the stop signals in every thread (the I/O threads inherit the mask); this thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Start(selected);
  int sig = 0;
  sigwait(&set, &sig);
  log::Info("host.signal", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  bool clean = Shutdown();
  log::Flush();
  return clean ? 0 : 0;  // a drain that timed out is logged; stopping on request is still a normal exit
}

bool Host::Shutdown() {
  Impl& h = *impl_;
  if (!h.started || h.shut_down) return h.drained_ok;
  h.shut_down = true;
  auto drain = h.config.GetDuration("http.drain_timeout_ms");
  log::Info("host.draining", {{"in_flight", static_cast<std::int64_t>(h.server->requests_in_flight())}});
  h.server->BeginDrain();
  h.drained_ok = h.server->WaitDrained(drain);
  if (!h.drained_ok)
    log::Warn("host.drain_timeout", {{"in_flight", static_cast<std::int64_t>(h.server->requests_in_flight())}});
  h.stopping = true;
  Impl* self = &h;
  asio::post(h.io->context(0), [self] {
    for (auto* t : self->job_timers) t->cancel();
  });
  // A job pass holds database connections and transactions in its coroutine frame: let it finish while the
  // I/O threads still run, or its frame would be destroyed with the I/O contexts after the pools are gone.
  for (auto waited = Clock::now(); h.jobs_running.load() > 0 && Clock::now() - waited < drain;)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (h.jobs_running.load() > 0)
    log::Warn("host.jobs_still_running", {{"jobs", static_cast<std::int64_t>(h.jobs_running.load())}});
  for (auto it = h.services.rbegin(); it != h.services.rend(); ++it) {
    log::Info("service.stopping", {{"service", (*it)->name()}});
    (*it)->Stop();
  }
  h.io->Stop();
  h.transports.clear();
  h.services.clear();
  h.redis.reset();
  h.db.reset();
  log::Info("host.stopped", {{"clean", h.drained_ok}});
  return h.drained_ok;
}

std::uint16_t Host::port() const { return impl_->server ? impl_->server->port() : 0; }
http::Router& Host::router() { return *impl_->router; }
IoPool& Host::io() { return *impl_->io; }
http::Server& Host::server() { return *impl_->server; }
Metrics& Host::metrics() { return *impl_->metrics; }
const Config& Host::config() const { return impl_->config; }

}  // namespace okada
