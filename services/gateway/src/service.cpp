// The gateway: the edge of every process (ARCHITECTURE §1, §6). It checks every registered route against
// api/routes.inc, verifies access tokens with the auth service's public keys, applies the route × role table
// and the deny-list, rate-limits, proxies routes of services that run in other processes (round robin over
// their instances, with health checks), and serves the API docs.
#include "okada/gateway/service.hpp"

#include <sodium.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api/docs.hpp"
#include "api/live.hpp"
#include "api/web.hpp"
#include "domain/edge.hpp"
#include "okada/core/config.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/core/resilience/rate_limit.hpp"
#include "store/edge_state.hpp"

namespace okada::gateway {
namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

// Tokens already verified on this shard (ES256 verification costs tens of microseconds; a client sends the
// same token for minutes). Keyed by the whole token, so a hit means byte-identical input; entries end at the
// token's expiry, and the deny-list and role checks still run on every request. Bounded: cleared when full.
class VerifiedTokens {
 public:
  const crypto::Claims* Find(std::string_view token, std::int64_t now_s) {
    auto it = map_.find(token);  // heterogeneous lookup: no copy of the token on the hot path
    if (it == map_.end()) return nullptr;
    if (it->second.exp <= now_s) {
      map_.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  void Put(std::string_view token, const crypto::Claims& claims) {
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(std::string(token), claims);
  }
  void Clear() { map_.clear(); }

 private:
  static constexpr std::size_t kMaxEntries = 20000;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, crypto::Claims, Hash, std::equal_to<>> map_;
};

struct Edge {
  std::vector<std::unique_ptr<VerifiedTokens>> verified;  // one per I/O shard
  std::unique_ptr<RouteRules> rules;
  std::unique_ptr<Keys> keys;
  access::DenyList* deny = nullptr;
  std::string service_token;
  std::shared_ptr<resilience::ShardedLimiter> limiter;
  http::Hook rate_hook;
  Counter* denied_unauth = nullptr;
  Counter* denied_invalid = nullptr;
  Counter* denied_revoked = nullptr;
  Counter* denied_role = nullptr;
};

Error Unauthenticated(ErrorCode code, std::string detail) {
  return std::move(Error(code, std::move(detail)).WithHeader("WWW-Authenticate", R"(Bearer realm="okada")"));
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

asio::awaitable<std::optional<Response>> Authenticate(std::shared_ptr<Edge> e, Request& req, const http::Route& route) {
  const access::RouteRule& rule = e->rules->Of(route);
  if (rule.access == access::RouteRule::Access::kPublic) co_return std::nullopt;
  if (rule.access == access::RouteRule::Access::kService) {
    auto token = req.header(access::kServiceTokenHeader);
    if (!token || !SameSecret(*token, e->service_token)) {
      e->denied_role->Add();
      throw Forbidden("internal route");
    }
    http::Principal p;
    p.role = "service";
    p.service = true;
    req.set_principal(std::move(p));
    co_return std::nullopt;
  }

  auto header = req.header("Authorization");
  auto bearer = header ? BearerToken(*header) : std::nullopt;
  if (!bearer) {
    e->denied_unauth->Add();
    throw Unauthenticated(ErrorCode::kUnauthenticated, "no bearer token");
  }
  int shard = IoPool::CurrentShard();
  VerifiedTokens* cache =
      shard >= 0 && static_cast<std::size_t>(shard) < e->verified.size() ? e->verified[shard].get() : nullptr;
  std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  crypto::Claims claims;
  if (const crypto::Claims* hit = cache ? cache->Find(*bearer, now_s) : nullptr) {
    claims = *hit;
  } else {
    auto verifier = e->keys->verifier();
    if (auto kid = KidOf(*bearer); kid && !verifier->HasKey(*kid)) {
      // A key we have not seen: the auth service may have rotated. Re-fetch (rate-limited), then decide.
      if (co_await e->keys->Refetch(req.deadline(), false)) verifier = e->keys->verifier();
    }
    try {
      claims = verifier->Verify(*bearer);
    } catch (const Error& err) {
      e->denied_invalid->Add();
      throw Unauthenticated(err.code(), err.detail());
    }
    if (cache) cache->Put(*bearer, claims);
  }
  auto sid = claims.extra.find("sid");
  std::string session = sid == claims.extra.end() ? std::string() : sid->second;
  std::int64_t issued_ms = access::IssuedMsOfUuidV7(claims.jti).value_or(claims.iat * 1000);
  if (e->deny->Denies(claims.jti, session, claims.sub, issued_ms)) {
    e->denied_revoked->Add();
    throw Unauthenticated(ErrorCode::kTokenRevoked, "deny-listed");
  }
  if (!rule.Allows(claims.role)) {
    e->denied_role->Add();
    throw Forbidden("role " + claims.role + " may not call " + rule.pattern);
  }
  http::Principal p;
  p.subject = std::move(claims.sub);
  p.role = std::move(claims.role);
  p.session = std::move(session);
  p.token_id = std::move(claims.jti);
  req.set_principal(std::move(p));
  co_return std::nullopt;
}

asio::awaitable<std::optional<Response>> Limit(std::shared_ptr<Edge> e, Request& req, const http::Route& route) {
  if (req.principal() && req.principal()->service) co_return std::nullopt;  // internal calls are not throttled
  co_return co_await e->rate_hook(req, route);
}

// --- proxy to services in other processes -----------------------------------------------------------------

constexpr std::array<std::string_view, 9> kForwardRequest = {
    "Authorization", "Content-Type",   "Accept-Language",       "Idempotency-Key", "If-None-Match",
    "Cookie",        "X-Okada-Client", "X-Okada-Service-Token", "Origin"};
constexpr std::array<std::string_view, 11> kForwardResponse = {
    "Set-Cookie",      "Retry-After",         "ETag",
    "Location",        "Cache-Control",       "WWW-Authenticate",
    "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
    "Allow",           "Content-Language"};

asio::awaitable<Response> Proxy(ServiceTransport* upstream, Request& req) {
  http::ClientRequest out;
  out.method = req.method();
  out.url = std::string(req.target());
  out.deadline = req.deadline();
  out.request_id = req.request_id();
  for (auto name : kForwardRequest)
    if (auto v = req.header(name)) out.headers.emplace_back(std::string(name), std::string(*v));
  out.headers.emplace_back("X-Forwarded-For", std::string(req.remote_address()));
  out.body = req.body();
  auto in = co_await upstream->Call(std::move(out));
  Response res;
  res.status = in.status;
  res.content_type.clear();
  for (auto& [k, v] : in.headers) {
    if (http::IEquals(k, "Content-Type")) {
      res.content_type = v;
      continue;
    }
    for (auto name : kForwardResponse)
      if (http::IEquals(k, name)) res.headers.emplace_back(k, v);
  }
  res.body = std::move(in.body);
  co_return res;
}

// A hub's reader loop. It ends at Stop() (the hub closed), while the I/O threads still run: a coroutine left
// suspended would be destroyed with its io_context, and the hub's Redis connection with it, from the wrong place.
asio::awaitable<void> RunHub(std::shared_ptr<LiveState> live, std::size_t shard) {
  Hub* hub = live->hubs[shard].get();
  std::shared_ptr<std::atomic<int>> running = live->hubs_running;
  live.reset();  // the service owns the state; this loop must not be what keeps it alive
  co_await hub->Run();
  running->fetch_sub(1);
}

resilience::RateLimit PerSecond(std::int64_t rate, std::int64_t burst) {
  resilience::RateLimit l;
  l.rate = rate;
  l.period = std::chrono::seconds(1);
  l.burst = burst;
  return l;
}
resilience::RateLimit PerMinute(std::int64_t n) {
  resilience::RateLimit l;
  l.rate = n;
  l.period = std::chrono::minutes(1);
  l.burst = n;
  return l;
}

class GatewayService : public Service {
 public:
  std::string_view name() const override { return "gateway"; }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    auto e = std::make_shared<Edge>();
    e->deny = &ctx.deny_list();
    e->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());

    // Routes of services hosted elsewhere: the same patterns, answered by forwarding.
    for (const std::string& remote : ctx.RemoteServices()) {
      ServiceTransport* upstream = &ctx.TransportTo(remote);
      for (const auto& rule : access::RouteTable()) {
        if (rule.service != remote) continue;
        ctx.router().Add(rule.method, rule.pattern,
                         http::AsyncHandler([upstream](Request& req) { return Proxy(upstream, req); }));
      }
      ctx.AddJob(Job{"gateway.health." + remote, c.GetDuration("gateway.upstream_health_ms"),
                     [upstream](Deadline d) { return upstream->CheckHealth(d); }});
    }
    RegisterDocs(ctx, c);
    RegisterWebApps(ctx, c);
    StartLive(ctx, c, e->service_token);

    // Every route of this process must be in the table (fails start-up otherwise).
    e->rules = std::make_unique<RouteRules>(ctx.Routes());

    crypto::VerifyOptions vo;
    vo.issuer = c.GetString("auth.issuer");
    vo.audience = c.GetString("auth.audience");
    ServiceTransport* auth = nullptr;
    try {
      auth = &ctx.TransportTo("auth");
    } catch (const std::invalid_argument&) {
      log::Warn("gateway.no_auth", {{"detail", "auth neither hosted nor remote: only public routes will work"}});
    }
    e->keys = std::make_unique<Keys>(auth, vo, c.GetDuration("gateway.jwks_refetch_ms"));
    for (std::size_t i = 0; i < ctx.io().size(); ++i) e->verified.push_back(std::make_unique<VerifiedTokens>());

    auto& m = ctx.metrics();
    auto denied = [&](const char* reason) {
      return &m.GetCounter("okada_gateway_denied_total", "requests refused at the edge", {{"reason", reason}});
    };
    e->denied_unauth = denied("no_token");
    e->denied_invalid = denied("invalid_token");
    e->denied_revoked = denied("revoked");
    e->denied_role = denied("forbidden");

    resilience::LimiterOptions lo;
    lo.instances = static_cast<std::size_t>(c.GetInt("gateway.instances"));
    lo.key_secret = e->service_token;
    lo.classes[""] = {PerSecond(c.GetInt("gateway.general_rate"), c.GetInt("gateway.general_burst")), false};
    lo.classes["signin"] = {PerMinute(c.GetInt("gateway.signin_per_min")), true};
    lo.classes["otp"] = {PerMinute(c.GetInt("gateway.otp_per_min")), true};
    lo.classes["checkout"] = {PerMinute(c.GetInt("gateway.checkout_per_min")), true};
    lo.classes["payment"] = {PerMinute(c.GetInt("gateway.payment_per_min")), true};
    e->limiter = std::make_shared<resilience::ShardedLimiter>(ctx.io(), lo, &ctx.redis(), &m);
    e->rate_hook = resilience::MakeRateLimitHook(e->limiter);

    ctx.SetAuthHook([e](Request& req, const http::Route& route) { return Authenticate(e, req, route); });
    ctx.SetRateLimitHook([e](Request& req, const http::Route& route) { return Limit(e, req, route); });

    if (auth) {
      Keys* keys = e->keys.get();
      ctx.AddJob(Job{
          "gateway.jwks", std::chrono::milliseconds(1000),
          [keys, every = c.GetDuration("gateway.jwks_refresh_ms")](Deadline d) { return keys->Refresh(d, every); }});
    }
    redis::Redis* redis = &ctx.redis();
    access::DenyList* deny = e->deny;
    ctx.AddJob(Job{"gateway.deny_sync", c.GetDuration("gateway.deny_sync_ms"),
                   [redis, deny](Deadline d) { return SyncDenyList(*redis, *deny, d); }});
    shard0_ = &ctx.io().context(0);
    subscriber_ = std::make_shared<redis::Subscriber>(*shard0_, redis->options());
    auto sub = subscriber_;
    ctx.AddJob(Job{"gateway.deny_listen", std::chrono::milliseconds(50),
                   [sub, deny](Deadline d) { return ListenDenyList(*sub, *deny, d); }});
    edge_ = e;
  }

  // Live updates: a hub per shard (its own pub/sub connection), the ticket and SSE routes, the WebSocket.
  void StartLive(ServiceContext& ctx, const Config& c, const std::string& service_token) {
    auto live = std::make_shared<LiveState>();
    live->redis = &ctx.redis();
    live->orders = std::make_shared<orders::Client>(ctx.FindTransport("orders"), service_token);
    live->users = std::make_shared<users::Client>(ctx.FindTransport("users"), service_token);
    for (const std::string& o : c.GetList("http.cors_origins")) live->origins.push_back(o);
    for (const std::string& o : c.GetList("live.origins")) live->origins.push_back(o);
    live->ticket_ttl = c.GetDuration("live.ticket_ttl_ms");
    live->heartbeat = c.GetDuration("live.heartbeat_ms");
    live->max_channels = static_cast<std::size_t>(c.GetInt("live.max_channels"));
    auto& m = ctx.metrics();
    live->sockets = &m.GetGauge("okada_live_sockets", "open live WebSockets");
    live->delivered = &m.GetCounter("okada_live_messages_total", "live messages written to sockets");
    live->refused = &m.GetCounter("okada_live_refused_total", "live sockets and subscriptions refused");
    for (std::size_t i = 0; i < ctx.io().size(); ++i)
      live->hubs.push_back(std::make_unique<Hub>(ctx.io().context(i), ctx.redis().options()));
    AddLiveRoutes(ctx, live);
    live->hubs_running->store(static_cast<int>(ctx.io().size()));
    for (std::size_t i = 0; i < ctx.io().size(); ++i)
      asio::co_spawn(ctx.io().context(i), RunHub(live, i), asio::detached);
    live_ = live;
    io_ = &ctx.io();
  }

  // The subscribers belong to their shards: close them on those threads (the I/O threads still run during Stop()).
  void Stop() override {
    if (live_) {
      for (std::size_t i = 0; i < live_->hubs.size(); ++i) {
        auto done = std::make_shared<std::promise<void>>();
        auto finished = done->get_future();
        asio::post(io_->context(i), [live = live_, i, done] {
          live->hubs[i]->Close();
          done->set_value();
        });
        finished.wait_for(std::chrono::seconds(2));
      }
      for (int i = 0; i < 300 && live_->hubs_running->load() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!subscriber_) return;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    asio::post(*shard0_, [sub = subscriber_, done] {
      sub->Close();
      done->set_value();
    });
    finished.wait_for(std::chrono::seconds(2));
  }

 private:
  std::shared_ptr<Edge> edge_;
  std::shared_ptr<redis::Subscriber> subscriber_;
  asio::io_context* shard0_ = nullptr;
  std::shared_ptr<LiveState> live_;
  IoPool* io_ = nullptr;
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<GatewayService>(); }

}  // namespace okada::gateway
