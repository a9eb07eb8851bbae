// Async Redis: hiredis 0.14 (RESP2) driven by Asio.
//
// Layers, bottom up:
//   Link       one hiredis async connection and its Asio adapter (socket readiness via stream_descriptor waits,
//              connect timeout). Shared-owned: every pending socket wait holds a reference, and a wait that
//              completes after hiredis freed the context finds `ac_ == nullptr` and does nothing.
//   Client     commands on one Link, each under an Asio timer (hiredis 0.14 has no timeouts). A command that
//              misses its deadline drops the Link; hiredis then completes every pending callback with a NULL
//              reply, so no caller waits longer than its own deadline.
//   Subscriber a Link in pub/sub mode that re-subscribes after reconnecting.
//   Redis      one Client per IoPool shard.
//
// Rules that keep this safe:
//   * Everything runs on the owning io_context's thread; hiredis callbacks only record data and cancel timers
//     (cancel only posts the waiter's completion), they never free a context or resume a coroutine inline.
//   * Contexts are freed (redisAsyncFree) only from timer handlers, coroutines and destructors, never from
//     inside a hiredis callback.
//   * Coroutines are free functions taking shared_ptr<Impl> by value (GCC 12 miscompiles capturing coroutine
//     lambdas; a by-value shared_ptr keeps the state alive even if the Client is destroyed mid-call).

#include "okada/core/redis/redis.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <charconv>
#include <deque>
#include <functional>
#include <set>
#include <stdexcept>
#include <utility>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"

namespace okada::redis {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::chrono::milliseconds kBackoffMin{50};
constexpr std::chrono::milliseconds kBackoffMax{1000};
constexpr std::size_t kMaxQueuedMessages = 65536;

// Connected Client connections in the process, behind the okada_redis_connected gauge. A process-wide count
// (not a per-Client series) because every shard's Client registers the same gauge and the callback must
// stay valid after the Clients are gone.
std::atomic<std::int64_t> g_connected_clients{0};

Error CacheError(std::string_view detail) {
  return Error(ErrorCode::kCacheUnavailable, "redis: " + std::string(detail));
}

Reply Convert(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(Convert(*r.element[i]));
      break;
    default:  // REDIS_REPLY_NIL (also the null array)
      out.type = Reply::Type::kNil;
      break;
  }
  return out;
}

// Binary-safe: hiredis formats the command from (pointer, length) pairs and copies it at once.
int SendArgv(redisAsyncContext* ac, redisCallbackFn* fn, void* privdata, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return redisAsyncCommandArgv(ac, fn, privdata, static_cast<int>(args.size()), argv.data(), lengths.data());
}

// A pub/sub push: [kind, channel, count-or-payload] with kind and channel as bulk strings.
bool IsPubSubPush(const redisReply& r) {
  return r.type == REDIS_REPLY_ARRAY && r.elements >= 3 && r.element[0]->type == REDIS_REPLY_STRING &&
         r.element[1]->type == REDIS_REPLY_STRING;
}

// ---------------------------------------------------------------------------------------------------------------
// Link: one hiredis connection.

class Link : public std::enable_shared_from_this<Link> {
 public:
  struct Hooks {
    std::function<void()> on_connected;
    /// After the context is gone (error, timeout or Close). `was_connected`: the handshake had succeeded.
    std::function<void(bool was_connected, const std::string& reason)> on_closed;
    /// Pub/sub replies (subscribe confirmations and messages); Subscriber links only.
    std::function<void(const redisReply&)> on_push;
  };

  /// Starts a non-blocking connect. Returns null (and `error`) when it fails at once, e.g. connection refused.
  /// Commands may be sent right away: hiredis buffers them until the socket is writable.
  static std::shared_ptr<Link> Open(asio::io_context& ioc, const Options& options, Hooks hooks, std::string& error) {
    redisAsyncContext* ac = redisAsyncConnect(options.host.c_str(), options.port);
    if (ac == nullptr) {
      error = "out of memory";
      return nullptr;
    }
    if (ac->c.err) {
      error = ac->c.errstr;
      redisAsyncFree(ac);
      return nullptr;
    }
    auto link = std::make_shared<Link>(ioc, std::move(hooks));
    if (!link->Attach(ac, options.connect_timeout, error)) return nullptr;
    return link;
  }

  Link(asio::io_context& ioc, Hooks hooks) : sd_(ioc), connect_timer_(ioc), hooks_(std::move(hooks)) {}

  ~Link() {
    hooks_ = {};
    Close("closed");
    if (sd_.is_open()) sd_.release();  // never close: the fd belongs to hiredis
  }

  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  redisAsyncContext* context() const noexcept { return ac_; }
  bool closed() const noexcept { return ac_ == nullptr; }
  bool connected() const noexcept { return ac_ != nullptr && connected_; }

  /// Why the connection failed or ended (for error messages; never contains data).
  std::string Reason() const {
    if (!reason_.empty()) return reason_;
    if (ac_ != nullptr && ac_->c.err) return ac_->c.errstr;
    return "connection lost";
  }

  /// Frees the context: hiredis calls every pending callback with a NULL reply, then our Cleanup hook.
  void Close(std::string_view reason) {
    if (ac_ == nullptr) return;
    if (reason_.empty()) reason_ = reason;
    redisAsyncFree(ac_);
  }

 private:
  bool Attach(redisAsyncContext* ac, std::chrono::milliseconds connect_timeout, std::string& error) {
    boost::system::error_code ec;
    sd_.assign(ac->c.fd, ec);
    if (ec) {
      error = "cannot watch the socket: " + ec.message();
      redisAsyncFree(ac);
      return false;
    }
    ac_ = ac;
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = &Link::AddRead;
    ac->ev.delRead = &Link::DelRead;
    ac->ev.addWrite = &Link::AddWrite;
    ac->ev.delWrite = &Link::DelWrite;
    ac->ev.cleanup = &Link::Cleanup;
    // Setting the connect callback arms the first write wait (writability = connect finished), so the hooks
    // above must be in place first.
    redisAsyncSetConnectCallback(ac, &Link::OnConnect);
    connect_timer_.expires_after(connect_timeout);
    connect_timer_.async_wait([weak = weak_from_this()](boost::system::error_code wait_ec) {
      if (wait_ec) return;
      if (auto self = weak.lock(); self && self->ac_ != nullptr && !self->connected_) self->Close("connect timed out");
    });
    return true;
  }

  static Link* From(void* p) { return static_cast<Link*>(p); }
  static void AddRead(void* p) {
    From(p)->want_read_ = true;
    From(p)->ArmRead();
  }
  static void DelRead(void* p) { From(p)->want_read_ = false; }
  static void AddWrite(void* p) {
    From(p)->want_write_ = true;
    From(p)->ArmWrite();
  }
  static void DelWrite(void* p) { From(p)->want_write_ = false; }
  static void Cleanup(void* p) { From(p)->OnCleanup(); }

  static void OnConnect(const redisAsyncContext* ac, int status) {
    Link* self = static_cast<Link*>(ac->data);
    if (status != REDIS_OK) {
      // hiredis frees the context right after this callback; Cleanup reports it.
      if (self->reason_.empty()) self->reason_ = std::string("cannot connect: ") + ac->c.errstr;
      return;
    }
    self->connected_ = true;
    self->connect_timer_.cancel();
    if (self->hooks_.on_connected) self->hooks_.on_connected();
  }

  // One wait per direction at a time; hiredis's add/del calls only toggle the interest flags. A wait that
  // completes while the interest is off is simply not re-armed.
  void ArmRead() {
    if (ac_ == nullptr || read_armed_) return;
    auto self = weak_from_this().lock();
    if (!self) return;
    read_armed_ = true;
    sd_.async_wait(asio::posix::descriptor_base::wait_read,
                   [self](boost::system::error_code ec) { self->OnReady(ec, /*read=*/true); });
  }
  void ArmWrite() {
    if (ac_ == nullptr || write_armed_) return;
    auto self = weak_from_this().lock();
    if (!self) return;
    write_armed_ = true;
    sd_.async_wait(asio::posix::descriptor_base::wait_write,
                   [self](boost::system::error_code ec) { self->OnReady(ec, /*read=*/false); });
  }

  void OnReady(boost::system::error_code ec, bool read) {
    (read ? read_armed_ : write_armed_) = false;
    if (ac_ == nullptr) return;  // context freed meanwhile (Cleanup released the descriptor)
    if (ec) {
      if (ec != asio::error::operation_aborted) Close("socket wait failed: " + ec.message());
      return;
    }
    if (read) {
      if (!want_read_) return;
      redisAsyncHandleRead(ac_);  // may free the context (EOF, error): Cleanup then nulls ac_
      if (ac_ != nullptr && want_read_) ArmRead();
    } else {
      if (!want_write_) return;
      redisAsyncHandleWrite(ac_);  // also completes the connect handshake
      if (ac_ != nullptr && want_write_) ArmWrite();
    }
  }

  // Called by hiredis while freeing the context (after the pending callbacks ran, before the fd is closed).
  void OnCleanup() {
    if (reason_.empty()) reason_ = ac_ != nullptr && ac_->c.err ? std::string(ac_->c.errstr) : "connection closed";
    ac_ = nullptr;
    want_read_ = want_write_ = false;
    sd_.release();  // cancels our waits (they see ac_ == nullptr); hiredis closes the fd itself
    connect_timer_.cancel();
    bool was_connected = connected_;
    connected_ = false;
    if (hooks_.on_closed) hooks_.on_closed(was_connected, reason_);
  }

  friend void OnPubSubReply(redisAsyncContext*, void*, void*);

  redisAsyncContext* ac_ = nullptr;
  asio::posix::stream_descriptor sd_;
  asio::steady_timer connect_timer_;
  Hooks hooks_;
  std::string reason_;
  bool connected_ = false;
  bool want_read_ = false, want_write_ = false;
  bool read_armed_ = false, write_armed_ = false;
};

// Channel callback of a Subscriber link (privdata = the Link, which outlives its context). hiredis calls it for
// every subscribe/unsubscribe confirmation and message of the channel, and with NULL when the context is freed.
void OnPubSubReply(redisAsyncContext*, void* reply, void* privdata) {
  auto* link = static_cast<Link*>(privdata);
  if (reply == nullptr || !link->hooks_.on_push) return;
  link->hooks_.on_push(*static_cast<redisReply*>(reply));
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting for hiredis callbacks.

// The replies of one Command/Pipeline call. The timer is both the deadline and the wake-up: it expires at the
// deadline, and the callback of the last reply cancels it.
struct Batch {
  Batch(asio::io_context& ioc, std::size_t n) : timer(ioc), replies(n), remaining(n) {}
  asio::steady_timer timer;
  std::vector<Reply> replies;
  std::size_t remaining;
  std::optional<std::string> failure;  ///< set when a reply is NULL (the connection went away)
};

// privdata of one command: owned by hiredis until its callback, which hiredis calls exactly once (with the
// reply, or with NULL when the context is freed).
struct Slot {
  std::shared_ptr<Batch> batch;
  std::size_t index;
};

void OnCommandReply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Slot> slot(static_cast<Slot*>(privdata));
  Batch& b = *slot->batch;
  if (reply != nullptr) {
    try {
      b.replies[slot->index] = Convert(*static_cast<redisReply*>(reply));
    } catch (...) {  // never let an exception cross the C library
      if (!b.failure) b.failure = "cannot store the reply";
    }
  } else if (!b.failure) {
    b.failure = static_cast<Link*>(ac->data)->Reason();
  }
  if (--b.remaining == 0) b.timer.cancel();
}

// Wakes every coroutine parked in WaitForChange (Subscriber). Safe from hiredis callbacks: cancel only posts.
struct Notifier {
  std::vector<asio::steady_timer*> waiting;
  void NotifyAll() {
    for (auto* t : waiting) t->cancel();
  }
};

// Registers a waiting timer for the life of the coroutine frame (also when the frame is destroyed unresumed).
class WaitRegistration {
 public:
  WaitRegistration(Notifier& n, asio::steady_timer* t) : n_(n), t_(t) { n_.waiting.push_back(t_); }
  ~WaitRegistration() { std::erase(n_.waiting, t_); }
  WaitRegistration(const WaitRegistration&) = delete;
  WaitRegistration& operator=(const WaitRegistration&) = delete;

 private:
  Notifier& n_;
  asio::steady_timer* t_;
};

template <typename Impl>
void ShutdownOnOwnThread(const std::shared_ptr<Impl>& impl, asio::io_context& ioc) {
  // A Client/Subscriber is used from its shard's thread only. Destroyed elsewhere while that thread still
  // runs (e.g. the Redis facade destroyed from main before IoPool::Stop), the shutdown is handed over to it;
  // after the context stopped, nothing else touches the state and we close right here.
  if (ioc.get_executor().running_in_this_thread() || ioc.stopped()) {
    impl->Shutdown();
  } else {
    asio::post(ioc, [impl] { impl->Shutdown(); });
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Options, Script

Options Options::FromUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme))
    throw std::invalid_argument(
        "redis URL must look like redis://host:port (other schemes, TLS and unix sockets "
        "are not supported)");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find('@') != std::string_view::npos)
    throw std::invalid_argument("redis URL must not contain credentials (AUTH is not supported)");
  if (rest.find_first_of("?#") != std::string_view::npos)
    throw std::invalid_argument("redis URL must not have a query or fragment");
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    throw std::invalid_argument("redis URL must not have a path or database number (use redis://host:port)");

  std::string_view host = rest;
  std::optional<std::string_view> port;
  if (rest.starts_with('[')) {  // IPv6 literal: redis://[::1]:6379
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("redis URL has an unterminated [IPv6] host");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw std::invalid_argument("redis URL has junk after the [IPv6] host");
      port = after.substr(1);
    }
  } else if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) throw std::invalid_argument("redis URL has no host");

  Options o;
  o.host = std::string(host);
  if (port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (port->empty() || ec != std::errc() || end != port->data() + port->size() || value == 0 || value > 65535)
      throw std::invalid_argument("redis URL port must be a number from 1 to 65535");
    o.port = static_cast<std::uint16_t>(value);
  }
  return o;
}

Script::Script(std::string src) : source(std::move(src)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(source.data(), source.size(), digest, &length, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("redis: SHA-1 of the script failed");
  static constexpr char kHex[] = "0123456789abcdef";
  sha1.reserve(static_cast<std::size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    sha1.push_back(kHex[digest[i] >> 4]);
    sha1.push_back(kHex[digest[i] & 0xF]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Client

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(asio::io_context& io, Options opts, Metrics* metrics) : ioc(io), options(std::move(opts)) {
    if (metrics != nullptr) {
      commands_total = &metrics->GetCounter("okada_redis_commands_total", "Redis commands sent");
      timeout_errors = &metrics->GetCounter("okada_redis_errors_total", "Redis calls that failed (CACHE_UNAVAILABLE)",
                                            {{"kind", "timeout"}});
      connection_errors = &metrics->GetCounter("okada_redis_errors_total",
                                               "Redis calls that failed (CACHE_UNAVAILABLE)", {{"kind", "connection"}});
      metrics->AddCallbackGauge("okada_redis_connected", "Redis client connections that are up", {},
                                [] { return static_cast<double>(g_connected_clients.load()); });
    }
  }
  ~Impl() { Shutdown(); }

  /// The current connection, opening one if there is none. Throws CACHE_UNAVAILABLE when that fails at once.
  std::shared_ptr<Link> Connection() {
    if (shut_down) throw CacheError("client is shut down");
    if (link && !link->closed()) return link;
    link.reset();
    Link::Hooks hooks;
    std::weak_ptr<Impl> weak = weak_from_this();
    hooks.on_connected = [weak] {
      if (auto self = weak.lock()) self->OnConnected();
    };
    hooks.on_closed = [weak](bool was_connected, const std::string& reason) {
      if (auto self = weak.lock()) self->OnClosed(was_connected, reason);
    };
    std::string error;
    link = Link::Open(ioc, options, std::move(hooks), error);
    if (!link) {
      OnClosed(false, error);
      Count(connection_errors);
      throw CacheError(error);
    }
    return link;
  }

  /// Drops `l` (after a timeout): its pending commands fail, the next call reconnects.
  void Drop(const std::shared_ptr<Link>& l, std::string_view reason) {
    if (l == link) link.reset();
    l->Close(reason);
  }

  void Shutdown() {
    shut_down = true;
    if (link) {
      std::shared_ptr<Link> l = std::move(link);
      l->Close("client closed");
    }
    if (up.exchange(false)) --g_connected_clients;
  }

  void OnConnected() {
    if (!up.exchange(true)) ++g_connected_clients;
    outage_logged = false;
    log::Info("redis.connected", {{"host", options.host}, {"port", static_cast<int>(options.port)}});
  }

  void OnClosed(bool was_connected, const std::string& reason) {
    if (up.exchange(false)) --g_connected_clients;
    if (shut_down) return;
    if (was_connected) {
      log::Warn("redis.disconnected",
                {{"host", options.host}, {"port", static_cast<int>(options.port)}, {"reason", reason}});
    } else if (!outage_logged) {  // once per outage: every call retries the connect while Redis is down
      outage_logged = true;
      log::Warn("redis.connect_failed",
                {{"host", options.host}, {"port", static_cast<int>(options.port)}, {"reason", reason}});
    }
  }

  static void Count(Counter* c) {
    if (c != nullptr) c->Add();
  }

  asio::io_context& ioc;
  const Options options;
  std::shared_ptr<Link> link;
  bool shut_down = false;
  bool outage_logged = false;
  std::atomic<bool> up{false};
  Counter* commands_total = nullptr;
  Counter* timeout_errors = nullptr;
  Counter* connection_errors = nullptr;
};

namespace {

// Sends `commands` back to back and waits for all replies (or the deadline).
asio::awaitable<std::vector<Reply>> Exec(std::shared_ptr<Client::Impl> self,
                                         std::vector<std::vector<std::string>> commands, Deadline deadline) {
  if (commands.empty()) co_return std::vector<Reply>{};
  for (const auto& c : commands)
    if (c.empty()) throw std::invalid_argument("redis: empty command");
  if (Clock::now() >= deadline) {
    Client::Impl::Count(self->timeout_errors);
    throw CacheError("deadline passed before the command was sent");
  }
  std::shared_ptr<Link> link = self->Connection();

  auto batch = std::make_shared<Batch>(self->ioc, commands.size());
  batch->timer.expires_at(deadline);
  std::size_t sent = 0;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto* slot = new Slot{batch, i};
    if (SendArgv(link->context(), &OnCommandReply, slot, commands[i]) != REDIS_OK) {
      // Only when the context is being torn down; the commands already queued complete with NULL.
      delete slot;
      batch->remaining -= commands.size() - i;
      batch->failure = "connection is closing";
      self->Drop(link, "connection is closing");
      break;
    }
    ++sent;
  }
  if (self->commands_total != nullptr) self->commands_total->Add(sent);

  if (batch->remaining > 0) {
    auto [ec] = co_await batch->timer.async_wait(kTuple);
    if (batch->remaining > 0) {
      // Our callbacks cancel the timer only once every reply is in: an abort here is the caller's cancellation.
      // The abandoned replies still arrive and are discarded (the batch lives on in the slots).
      if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
      // hiredis cannot cancel one command: drop the connection so that nothing queues behind a stuck one.
      self->Drop(link, "command timed out");
      Client::Impl::Count(self->timeout_errors);
      throw CacheError("command timed out");
    }
  }
  if (batch->failure) {
    Client::Impl::Count(self->connection_errors);
    throw CacheError(*batch->failure);
  }
  co_return std::move(batch->replies);
}

asio::awaitable<Reply> Single(std::shared_ptr<Client::Impl> self, std::vector<std::string> args, Deadline deadline) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back(std::move(args));
  std::vector<Reply> replies = co_await Exec(std::move(self), std::move(commands), deadline);
  co_return std::move(replies.front());
}

asio::awaitable<Reply> EvalSha(std::shared_ptr<Client::Impl> self, std::string source, std::string sha1,
                               std::vector<std::string> keys, std::vector<std::string> args, Deadline deadline) {
  std::vector<std::string> evalsha;
  evalsha.reserve(3 + keys.size() + args.size());
  evalsha.push_back("EVALSHA");
  evalsha.push_back(std::move(sha1));
  evalsha.push_back(std::to_string(keys.size()));
  for (auto& k : keys) evalsha.push_back(std::move(k));
  for (auto& a : args) evalsha.push_back(std::move(a));

  std::vector<std::vector<std::string>> first;
  first.push_back(evalsha);
  std::vector<Reply> r = co_await Exec(self, std::move(first), deadline);
  if (!(r[0].is_error() && r[0].str.starts_with("NOSCRIPT"))) co_return std::move(r[0]);

  // The script cache is empty (Redis restarted, SCRIPT FLUSH): load and retry in one round trip.
  // (No braced lists of strings in coroutine bodies: GCC 12 mishandles some of them.)
  std::vector<std::string> load;
  load.push_back("SCRIPT");
  load.push_back("LOAD");
  load.push_back(std::move(source));
  std::vector<std::vector<std::string>> retry;
  retry.push_back(std::move(load));
  retry.push_back(std::move(evalsha));
  std::vector<Reply> r2 = co_await Exec(self, std::move(retry), deadline);
  if (r2[0].is_error()) co_return std::move(r2[0]);
  co_return std::move(r2[1]);
}

}  // namespace

Client::Client(asio::io_context& ioc, Options options, Metrics* metrics)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), metrics)) {}

Client::~Client() { ShutdownOnOwnThread(impl_, impl_->ioc); }

// The public calls are plain functions returning the coroutine: arguments are copied into its frame at call
// time (a `const Script&` to a temporary would dangle in a lazily started coroutine), and the deadline counts
// from the call.
asio::awaitable<Reply> Client::Command(std::vector<std::string> args, std::optional<Deadline> deadline) {
  return Single(impl_, std::move(args), deadline.value_or(Clock::now() + impl_->options.timeout));
}

asio::awaitable<std::vector<Reply>> Client::Pipeline(std::vector<std::vector<std::string>> commands,
                                                     std::optional<Deadline> deadline) {
  return Exec(impl_, std::move(commands), deadline.value_or(Clock::now() + impl_->options.timeout));
}

asio::awaitable<Reply> Client::Eval(const Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                                    std::optional<Deadline> deadline) {
  return EvalSha(impl_, script.source, script.sha1, std::move(keys), std::move(args),
                 deadline.value_or(Clock::now() + impl_->options.timeout));
}

bool Client::connected() const noexcept { return impl_->up.load(); }

// ---------------------------------------------------------------------------------------------------------------
// Subscriber

struct Subscriber::Impl : std::enable_shared_from_this<Subscriber::Impl> {
  Impl(asio::io_context& io, Options opts) : ioc(io), options(std::move(opts)) {}
  ~Impl() { Shutdown(); }

  void Shutdown() {
    closed = true;
    queue.clear();
    if (link) {
      std::shared_ptr<Link> l = std::move(link);
      l->Close("subscriber closed");
    }
    changed.NotifyAll();
  }

  bool LinkUp() const { return link && !link->closed(); }

  /// Moves towards "every wanted channel subscribed": reconnects when the backoff allows and sends SUBSCRIBE
  /// for the wanted channels not yet requested on this connection. Never waits.
  void Pump() {
    if (closed) return;
    if (!LinkUp()) {
      if (wanted.empty() || Clock::now() < next_attempt) return;
      active.clear();
      requested.clear();
      Link::Hooks hooks;
      std::weak_ptr<Impl> weak = weak_from_this();
      hooks.on_connected = [weak] {
        if (auto self = weak.lock()) self->OnConnected();
      };
      hooks.on_closed = [weak](bool was_connected, const std::string& reason) {
        if (auto self = weak.lock()) self->OnClosed(was_connected, reason);
      };
      hooks.on_push = [weak](const redisReply& r) {
        if (auto self = weak.lock()) self->OnPush(r);
      };
      std::string error;
      link = Link::Open(ioc, options, std::move(hooks), error);
      if (!link) {
        OnClosed(false, error);
        return;
      }
    }
    std::vector<std::string> command{"SUBSCRIBE"};
    for (const auto& ch : wanted)
      if (!active.contains(ch) && !requested.contains(ch)) command.push_back(ch);
    if (command.size() == 1) return;
    if (SendArgv(link->context(), &OnPubSubReply, link.get(), command) != REDIS_OK) {
      link->Close("SUBSCRIBE rejected by the client library");
      return;
    }
    requested.insert(command.begin() + 1, command.end());
  }

  /// When to wake up at the latest: the caller's deadline, or the next reconnect attempt while down.
  Deadline WakeTime(Deadline deadline) const {
    if (!LinkUp() && !wanted.empty()) return std::min(deadline, std::max(next_attempt, Clock::now()));
    return deadline;
  }

  void OnConnected() {
    backoff = kBackoffMin;
    if (down_logged) log::Info("redis.subscriber.reconnected", {{"host", options.host}});
    down_logged = false;
  }

  void OnClosed(bool was_connected, const std::string& reason) {
    active.clear();
    requested.clear();
    next_attempt = Clock::now() + backoff;
    backoff = std::min(backoff * 2, kBackoffMax);
    if (!closed && !down_logged && (was_connected || !wanted.empty())) {
      down_logged = true;
      log::Warn("redis.subscriber.disconnected",
                {{"host", options.host}, {"port", static_cast<int>(options.port)}, {"reason", reason}});
    }
    changed.NotifyAll();
  }

  void OnPush(const redisReply& r) {
    if (!IsPubSubPush(r)) return;
    std::string_view kind(r.element[0]->str, r.element[0]->len);
    std::string channel(r.element[1]->str, r.element[1]->len);
    if (kind == "subscribe") {
      requested.erase(channel);
      active.insert(std::move(channel));
    } else if (kind == "unsubscribe") {
      requested.erase(channel);
      active.erase(channel);
    } else if (kind == "message" && r.element[2]->type == REDIS_REPLY_STRING) {
      if (!wanted.contains(channel)) return;  // a late message of a channel being unsubscribed
      if (queue.size() >= kMaxQueuedMessages) {
        queue.pop_front();
        if (!overflow_logged) log::Warn("redis.subscriber.queue_full", {{"max", kMaxQueuedMessages}});
        overflow_logged = true;
      }
      queue.push_back(Message{std::move(channel), std::string(r.element[2]->str, r.element[2]->len)});
    } else {
      return;
    }
    changed.NotifyAll();
  }

  asio::io_context& ioc;
  const Options options;
  std::shared_ptr<Link> link;
  std::set<std::string> wanted;     ///< channels the caller subscribed to (kept across reconnects)
  std::set<std::string> active;     ///< confirmed on the current connection
  std::set<std::string> requested;  ///< SUBSCRIBE sent on the current connection, not yet confirmed
  std::deque<Message> queue;
  Notifier changed;
  bool closed = false;
  bool down_logged = false;
  bool overflow_logged = false;
  Deadline next_attempt{};
  std::chrono::milliseconds backoff = kBackoffMin;
};

namespace {

asio::awaitable<void> WaitForChange(std::shared_ptr<Subscriber::Impl> self, Deadline until) {
  asio::steady_timer timer(self->ioc, until);
  WaitRegistration registration(self->changed, &timer);
  co_await timer.async_wait(kTuple);
}

bool AllConfirmed(const Subscriber::Impl& s, const std::vector<std::string>& channels) {
  return std::all_of(channels.begin(), channels.end(),
                     [&](const std::string& c) { return s.active.contains(c) || !s.wanted.contains(c); });
}

asio::awaitable<void> DoSubscribe(std::shared_ptr<Subscriber::Impl> self, std::vector<std::string> channels) {
  if (self->closed) throw CacheError("subscriber is closed");
  // Wanted even if the confirmation below times out: Next() keeps trying to subscribe.
  self->wanted.insert(channels.begin(), channels.end());
  Deadline deadline = Clock::now() + self->options.connect_timeout + self->options.timeout;
  for (;;) {
    self->Pump();
    if (self->closed) throw CacheError("subscriber is closed");
    if (AllConfirmed(*self, channels)) co_return;
    if (Clock::now() >= deadline) throw CacheError("subscription not confirmed in time");
    co_await WaitForChange(self, self->WakeTime(deadline));
  }
}

asio::awaitable<void> DoUnsubscribe(std::shared_ptr<Subscriber::Impl> self, std::vector<std::string> channels) {
  for (const auto& c : channels) self->wanted.erase(c);
  if (!self->LinkUp()) co_return;  // a new connection will not subscribe them
  std::vector<std::string> command;
  command.push_back("UNSUBSCRIBE");
  for (const auto& c : channels)
    if (self->active.contains(c) || self->requested.contains(c)) command.push_back(c);
  if (command.size() == 1) co_return;
  std::shared_ptr<Link> link = self->link;
  // hiredis routes the confirmations to the channels' SUBSCRIBE callbacks; this command has none of its own.
  if (SendArgv(link->context(), nullptr, nullptr, command) != REDIS_OK) {
    link->Close("UNSUBSCRIBE rejected by the client library");
    co_return;
  }
  Deadline deadline = Clock::now() + self->options.timeout;
  for (;;) {
    bool pending = std::any_of(command.begin() + 1, command.end(), [&](const std::string& c) {
      return self->active.contains(c) || self->requested.contains(c);
    });
    if (!pending || self->link != link || !self->LinkUp()) co_return;
    if (Clock::now() >= deadline) {
      // No confirmation: reconnecting without these channels gives the same guarantee.
      link->Close("UNSUBSCRIBE not confirmed in time");
      co_return;
    }
    co_await WaitForChange(self, deadline);
  }
}

asio::awaitable<std::optional<Message>> DoNext(std::shared_ptr<Subscriber::Impl> self, Deadline deadline) {
  for (;;) {
    if (self->closed) co_return std::nullopt;
    if (!self->queue.empty()) {
      Message m = std::move(self->queue.front());
      self->queue.pop_front();
      self->overflow_logged = false;
      co_return m;
    }
    if (Clock::now() >= deadline) co_return std::nullopt;
    self->Pump();  // reconnects and re-subscribes after a drop
    co_await WaitForChange(self, self->WakeTime(deadline));
  }
}

}  // namespace

Subscriber::Subscriber(asio::io_context& ioc, Options options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

Subscriber::~Subscriber() { ShutdownOnOwnThread(impl_, impl_->ioc); }

asio::awaitable<void> Subscriber::Subscribe(std::vector<std::string> channels) {
  return DoSubscribe(impl_, std::move(channels));
}

asio::awaitable<void> Subscriber::Unsubscribe(std::vector<std::string> channels) {
  return DoUnsubscribe(impl_, std::move(channels));
}

asio::awaitable<std::optional<Message>> Subscriber::Next(Deadline deadline) { return DoNext(impl_, deadline); }

void Subscriber::Close() { impl_->Shutdown(); }

// ---------------------------------------------------------------------------------------------------------------
// Redis

Redis::Redis(IoPool& io, Options options, Metrics* metrics) : options_(std::move(options)) {
  clients_.reserve(io.size());
  for (std::size_t i = 0; i < io.size(); ++i)
    clients_.push_back(std::make_unique<Client>(io.context(i), options_, metrics));
}

Redis::~Redis() = default;

Client& Redis::Local() {
  int shard = IoPool::CurrentShard();
  auto i = static_cast<std::size_t>(shard < 0 ? 0 : shard);
  return *clients_.at(i < clients_.size() ? i : 0);
}

}  // namespace okada::redis
