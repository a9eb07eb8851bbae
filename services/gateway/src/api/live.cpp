// Live updates at the edge: one-time tickets, the /v1/ws WebSocket (subscriptions scoped by role and ownership,
// resume from a channel's capped stream, heartbeats) and the Server-Sent Events fallback. See live.hpp.
#include "api/live.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "domain/live_access.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/io.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::gateway {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kTicketPrefix = "okada:live:ticket:";
using LivePtr = std::shared_ptr<LiveState>;

asio::awaitable<Response> IssueTicket(LivePtr L, Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  if (!req.body().empty()) {  // no body, or an empty JSON object
    JsonReader r(req.body());
    r.RejectUnknownFields();
    r.Finish();
  }
  std::string ticket = crypto::RandomToken(24);
  std::vector<std::string> cmd{"SET", std::string(kTicketPrefix) + ticket,
                               req.principal()->subject + "\n" + req.principal()->role, "PX",
                               std::to_string(L->ticket_ttl.count())};
  redis::Reply r = co_await L->redis->Local().Command(std::move(cmd), req.deadline());
  if (r.is_error()) throw Error(ErrorCode::kCacheUnavailable, "could not store the ticket");
  json::object o;
  o["ticket"] = ticket;
  o["expires_in_s"] = L->ticket_ttl.count() / 1000;
  o["url"] = "/v1/ws?ticket=" + ticket;
  co_return Response::Json(json::serialize(o), 201);
}

bool OriginAllowed(const LiveState& L, std::string_view origin, std::optional<std::string_view> host) {
  for (const std::string& o : L.origins)
    if (o == origin) return true;
  // Same origin: the page was served by this gateway (scheme://host[:port] with our Host header).
  if (host) {
    std::size_t scheme = origin.find("://");
    if (scheme != std::string_view::npos && origin.substr(scheme + 3) == *host) return true;
  }
  return false;
}

// Before the upgrade: Origin (browsers always send it; a native app may not), then the one-time ticket.
asio::awaitable<std::optional<Response>> Admit(LivePtr L, Request& req) {
  if (std::optional<std::string_view> origin = req.header("Origin")) {
    if (!OriginAllowed(*L, *origin, req.header("Host"))) {
      L->refused->Add();
      throw Error(ErrorCode::kForbidden, "this site may not open live connections");
    }
  }
  std::optional<std::string> ticket = req.query_param("ticket");
  if (!ticket || ticket->empty() || ticket->size() > 64) {
    L->refused->Add();
    throw Error(ErrorCode::kLiveTicketInvalid, "ask POST /v1/live/tickets for a ticket first");
  }
  std::vector<std::string> cmd{"GETDEL", std::string(kTicketPrefix) + *ticket};
  redis::Reply r = co_await L->redis->Local().Command(std::move(cmd), req.deadline());
  std::size_t nl = r.str.find('\n');
  if (r.type != redis::Reply::Type::kString || nl == std::string::npos) {
    L->refused->Add();
    throw Error(ErrorCode::kLiveTicketInvalid);
  }
  http::Principal p;
  p.subject = r.str.substr(0, nl);
  p.role = r.str.substr(nl + 1);
  req.set_principal(std::move(p));
  co_return std::nullopt;
}

// The facts MayFollow needs, looked up from orders and users (which check nothing themselves here: the rule is
// ours).
asio::awaitable<bool> Authorize(LivePtr L, const http::Principal& who, std::string channel, Deadline deadline) {
  std::optional<std::pair<std::string, std::string>> parts = domain::SplitChannel(channel);
  if (!parts) co_return false;
  domain::Viewer v;
  v.id = who.subject;
  v.role = who.role;
  domain::ChannelFacts f;
  f.kind = parts->first;
  f.id = parts->second;
  if (v.role == "merchant_owner" || v.role == "merchant_staff") {
    std::optional<users::Membership> m = co_await L->users->MemberOf(deadline, v.id);
    if (m) v.merchant_id = m->merchant_id;
  }
  bool desk = v.role == "support" || v.role == "admin";
  if (f.kind == "order" && !desk) {
    bool missing = false;
    orders::OrderInfo o;
    try {
      o = co_await L->orders->Get(deadline, f.id);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kOrderNotFound) throw;
      missing = true;
    }
    f.exists = !missing;
    if (!missing) {
      f.customer_id = o.customer_id;
      f.rider_id = o.rider_id;
      f.merchant_id = o.merchant_id;
    }
  } else if (f.kind == "store" && !desk) {
    std::optional<users::StoreInfo> st = co_await L->users->Store(deadline, f.id);
    f.exists = st.has_value();
    if (st) f.merchant_id = st->merchant_id;
  }
  co_return domain::MayFollow(v, f);
}

std::string EventFrame(const std::string& channel, const live::Entry& e) {
  // Channel and id are validated ([A-Za-z0-9:_-]); the message is the publisher's JSON object: no re-encoding.
  std::string out;
  out.reserve(channel.size() + e.id.size() + e.message.size() + 48);
  out += R"({"type":"event","channel":")";
  out += channel;
  out += R"(","id":")";
  out += e.id;
  out += R"(","data":)";
  out += e.message;
  out += '}';
  return out;
}

std::string Frame(std::string_view type, std::string_view channel = {}) {
  json::object o;
  o["type"] = type;
  if (!channel.empty()) o["channel"] = channel;
  return json::serialize(o);
}

std::string ErrorFrame(std::string_view channel, ErrorCode code, std::string_view lang, std::string_view detail = {}) {
  json::object o;
  o["type"] = "error";
  o["channel"] = channel;
  const ErrorInfo& info = Describe(code);
  o["code"] = info.code;
  o["title"] = lang == "en" ? info.title_en : info.title_fr;
  if (!detail.empty()) o["detail"] = detail;
  return json::serialize(o);
}

class Socket : public Follower {
 public:
  Socket(http::WebSocket& ws, LiveState& L) : ws_(ws), L_(L) {}

  void Deliver(const std::string& channel, const live::Entry& entry) override {
    if (replaying_.count(channel)) {
      pending_[channel].push_back(entry);
      return;
    }
    Send(channel, entry);
  }

  void Send(const std::string& channel, const live::Entry& entry) {
    std::string& last = last_[channel];
    if (!last.empty() && live::CompareIds(entry.id, last) <= 0) return;  // already sent (replay and live overlap)
    last = entry.id;
    if (ws_.Send(EventFrame(channel, entry))) L_.delivered->Add();
  }

  void BeginReplay(const std::string& channel, std::string after) {
    replaying_.insert(channel);
    last_[channel] = std::move(after);
  }
  void EndReplay(const std::string& channel) {
    replaying_.erase(channel);
    auto it = pending_.find(channel);
    if (it == pending_.end()) return;
    std::vector<live::Entry> held = std::move(it->second);
    pending_.erase(it);
    for (const live::Entry& e : held) Send(channel, e);
  }
  void Forget(const std::string& channel) {
    last_.erase(channel);
    pending_.erase(channel);
    replaying_.erase(channel);
  }

 private:
  http::WebSocket& ws_;
  LiveState& L_;
  std::map<std::string, std::string> last_;
  std::map<std::string, std::vector<live::Entry>> pending_;
  std::set<std::string> replaying_;
};

asio::awaitable<void> Heartbeat(http::WebSocket* ws, std::shared_ptr<bool> alive, std::chrono::milliseconds every) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (*alive) {
    timer.expires_after(every);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive) break;
    if (!ws->Send(R"({"type":"ping"})")) break;
  }
}

struct Op {
  std::string op, channel, after;
};

std::optional<Op> ParseOp(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  Op o;
  const json::object& obj = v.get_object();
  auto str = [&](std::string_view k) {
    const json::value* x = obj.if_contains(k);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  o.op = str("op");
  o.channel = str("channel");
  o.after = str("after");
  if (o.after.size() > 40) o.after.clear();
  return o;
}

// Follows `channel` for `sock`: authorization, subscription, then the replay after `after` (if any).
asio::awaitable<void> Subscribe(LivePtr L, Hub& hub, Socket& sock, http::WebSocket& ws, const http::Principal& who,
                                std::set<std::string>& following, Op op, std::string lang) {
  if (!live::ValidChannel(op.channel)) {
    ws.Send(ErrorFrame(op.channel, ErrorCode::kValidationFailed, lang, "channel: order:…, rider:…, store:… or user:…"));
    co_return;
  }
  if (following.count(op.channel)) {
    ws.Send(Frame("subscribed", op.channel));
    co_return;
  }
  if (following.size() >= L->max_channels) {
    ws.Send(ErrorFrame(op.channel, ErrorCode::kValidationFailed, lang, "too many channels on one socket"));
    co_return;
  }
  Deadline deadline = Clock::now() + std::chrono::seconds(3);
  bool allowed = false;
  std::optional<ErrorCode> failed;
  try {
    allowed = co_await Authorize(L, who, op.channel, deadline);
  } catch (const Error& e) {
    failed = e.code();
  } catch (const std::exception&) {
    failed = ErrorCode::kInternal;
  }
  if (failed) {
    ws.Send(ErrorFrame(op.channel, *failed, lang));
    co_return;
  }
  if (!allowed) {
    L->refused->Add();
    ws.Send(ErrorFrame(op.channel, ErrorCode::kChannelForbidden, lang));
    co_return;
  }
  sock.BeginReplay(op.channel, op.after);
  bool subscribed = false;
  try {
    co_await hub.Follow(op.channel, &sock);
    subscribed = true;
  } catch (const std::exception&) {
  }
  if (!subscribed) {
    sock.Forget(op.channel);
    ws.Send(ErrorFrame(op.channel, ErrorCode::kCacheUnavailable, lang));
    co_return;
  }
  following.insert(op.channel);
  ws.Send(Frame("subscribed", op.channel));
  if (!op.after.empty()) {
    std::vector<live::Entry> missed;
    try {
      missed = co_await live::After(L->redis->Local(), op.channel, op.after, live::kKeep, deadline);
    } catch (const std::exception&) {
    }
    for (const live::Entry& e : missed) sock.Send(op.channel, e);
  }
  sock.EndReplay(op.channel);
}

asio::awaitable<void> Serve(LivePtr L, http::WebSocket& ws, Request& req) {
  int shard = IoPool::CurrentShard();
  Hub& hub = *L->hubs[shard < 0 ? 0 : static_cast<std::size_t>(shard)];
  http::Principal who = *req.principal();
  std::string lang(req.lang());
  Socket sock(ws, *L);
  std::set<std::string> following;
  auto alive = std::make_shared<bool>(true);
  L->sockets->Add(1);
  asio::co_spawn(co_await asio::this_coro::executor, Heartbeat(&ws, alive, L->heartbeat), asio::detached);
  std::string failure;
  try {
    while (true) {
      std::optional<std::string> text = co_await ws.Read();
      if (!text) break;
      std::optional<Op> op = ParseOp(*text);
      if (!op) {
        ws.Send(ErrorFrame("", ErrorCode::kMalformedJson, lang));
        continue;
      }
      if (op->op == "ping") {
        ws.Send(Frame("pong"));
      } else if (op->op == "subscribe") {
        co_await Subscribe(L, hub, sock, ws, who, following, *op, lang);
      } else if (op->op == "unsubscribe") {
        if (following.erase(op->channel)) {
          hub.Unfollow(op->channel, &sock);
          sock.Forget(op->channel);
        }
        ws.Send(Frame("unsubscribed", op->channel));
      } else {
        ws.Send(ErrorFrame("", ErrorCode::kValidationFailed, lang, "op: subscribe, unsubscribe or ping"));
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  *alive = false;
  for (const std::string& ch : following) hub.Unfollow(ch, &sock);
  L->sockets->Add(-1);
  if (!failure.empty()) log::Warn("gateway.live_socket_failed", {{"error", failure}});
}

// Server-Sent Events: what the channel has after the client's last id, waiting up to a few seconds for news.
asio::awaitable<Response> Events(LivePtr L, Request& req) {
  if (!req.principal() || req.principal()->subject.empty()) throw Error(ErrorCode::kUnauthenticated);
  std::string channel = req.query_param("channel").value_or("");
  if (!live::ValidChannel(channel)) {
    Error e(ErrorCode::kValidationFailed);
    e.WithField({"channel", "INVALID_FORMAT", "order:…, rider:…, store:… or user:…"});
    throw e;
  }
  std::string after = req.query_param("after").value_or("");
  if (std::optional<std::string_view> h = req.header("Last-Event-ID")) after = std::string(*h);
  if (after.size() > 40) after.clear();
  bool allowed = co_await Authorize(L, *req.principal(), channel, req.deadline());
  if (!allowed) throw Error(ErrorCode::kChannelForbidden);
  Deadline until = std::min(req.deadline() - std::chrono::milliseconds(300), Clock::now() + std::chrono::seconds(10));
  std::vector<live::Entry> entries;
  while (true) {
    entries = co_await live::After(L->redis->Local(), channel, after, live::kKeep, req.deadline());
    if (!entries.empty() || after.empty() || Clock::now() + std::chrono::milliseconds(250) >= until) break;
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(250));
    co_await t.async_wait(asio::use_awaitable);
  }
  std::string body = "retry: 1000\n\n";
  for (const live::Entry& e : entries) body += "id: " + e.id + "\nevent: message\ndata: " + e.message + "\n\n";
  if (entries.empty()) body += ": nothing new\n\n";
  Response res;
  res.status = 200;
  res.content_type = "text/event-stream; charset=utf-8";
  res.body = std::move(body);
  res.Header("Cache-Control", "no-cache");
  co_return res;
}

}  // namespace

void AddLiveRoutes(ServiceContext& ctx, LivePtr L) {
  ctx.router().Add(http::Method::kPost, "/v1/live/tickets",
                   http::AsyncHandler([L](Request& r) { return IssueTicket(L, r); }));
  ctx.router().Add(http::Method::kGet, "/v1/live/events", http::AsyncHandler([L](Request& r) { return Events(L, r); }));
  ctx.AddWebSocket(
      "/v1/ws", [L](http::WebSocket& ws, Request& r) { return Serve(L, ws, r); },
      [L](Request& r) { return Admit(L, r); });
}

}  // namespace okada::gateway
