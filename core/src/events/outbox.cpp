// The event bus: outbox relay to Redis Streams, consumer groups with an inbox, dead letters (events/outbox.hpp).
#include "okada/core/events/outbox.hpp"

#include <unistd.h>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <stdexcept>

#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/log.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::events {

namespace {

// A schema name goes into SQL text: only lower-case identifiers are accepted.
std::string CheckedSchema(std::string schema) {
  bool ok = !schema.empty() && schema.size() <= 40;
  for (char c : schema) ok = ok && ((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'));
  if (!ok) throw std::invalid_argument("events: bad schema name '" + schema + "'");
  return schema;
}

pg::Statement Named(const std::string& schema, std::string_view what, std::string sql) {
  return pg::Statement{"events." + schema + "." + std::string(what), std::move(sql)};
}

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields FieldsOf(const redis::Reply& list) {
  Fields f;
  for (std::size_t i = 0; i + 1 < list.elements.size(); i += 2)
    f.emplace_back(list.elements[i].str, list.elements[i + 1].str);
  return f;
}

std::string FieldOr(const Fields& f, std::string_view name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return {};
}

Event EventOf(const std::string& stream, const redis::Reply& entry) {
  Event e;
  e.stream = stream;
  if (entry.elements.size() < 2) return e;
  e.entry_id = entry.elements[0].str;
  Fields f = FieldsOf(entry.elements[1]);
  e.id = FieldOr(f, "id");
  e.type = FieldOr(f, "type");
  e.source = FieldOr(f, "source");
  e.payload = FieldOr(f, "payload");
  e.at = FieldOr(f, "at");
  return e;
}

std::vector<std::string> EventFields(const Event& e) {
  std::vector<std::string> v;
  v.push_back("id");
  v.push_back(e.id);
  v.push_back("type");
  v.push_back(e.type);
  v.push_back("source");
  v.push_back(e.source);
  v.push_back("payload");
  v.push_back(e.payload);
  v.push_back("at");
  v.push_back(e.at);
  return v;
}

std::vector<std::string> XAdd(const std::string& stream, const std::vector<std::string>& fields) {
  std::vector<std::string> cmd;
  cmd.push_back("XADD");
  cmd.push_back(stream);
  // Streams are a transport, not the record (the outbox is): keep roughly the last million entries.
  cmd.push_back("MAXLEN");
  cmd.push_back("~");
  cmd.push_back("1000000");
  cmd.push_back("*");
  cmd.insert(cmd.end(), fields.begin(), fields.end());
  return cmd;
}

void ThrowIfError(const redis::Reply& r, std::string_view what) {
  if (r.is_error()) throw Error(ErrorCode::kCacheUnavailable, std::string(what) + ": " + r.str);
}

}  // namespace

std::string StreamOf(std::string_view type) {
  auto dot = type.find('.');
  return std::string(kStreamPrefix) + std::string(type.substr(0, dot));
}

// --- outbox ---

Outbox::Outbox(std::string schema)
    : schema_(CheckedSchema(std::move(schema))),
      insert_(Named(schema_, "insert",
                    "INSERT INTO " + schema_ + ".outbox (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb)")),
      claim_(Named(schema_, "claim",
                   "SELECT id::text, type, payload::text, " OKADA_SQL_TS("created_at") " AS at FROM " + schema_ +
                       ".outbox WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED")),
      mark_(
          Named(schema_, "mark", "UPDATE " + schema_ + ".outbox SET published_at = now() WHERE id = ANY($1::uuid[])")),
      prune_(Named(schema_, "prune",
                   "DELETE FROM " + schema_ +
                       ".outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)")),
      replay_(Named(
          schema_, "replay",
          "UPDATE " + schema_ +
              ".outbox SET published_at = NULL WHERE created_at >= $1::timestamptz AND published_at IS NOT NULL")),
      backlog_(Named(schema_, "backlog", "SELECT count(*) FROM " + schema_ + ".outbox WHERE published_at IS NULL")) {}

boost::asio::awaitable<std::string> Outbox::Append(pg::Transaction& tx, std::string type,
                                                   std::string payload_json) const {
  std::string id = crypto::UuidV7();
  co_await tx.Execute(insert_, id, type, payload_json);
  co_return id;
}

boost::asio::awaitable<std::size_t> Outbox::RelayOnce(pg::Database& db, redis::Client& redis, Deadline deadline,
                                                      std::size_t batch, RelayFault fault) const {
  pg::Transaction tx = co_await db.Begin(deadline);
  pg::Result rows = co_await tx.Execute(claim_, static_cast<std::int64_t>(batch));
  if (rows.empty()) co_return 0;
  std::vector<std::vector<std::string>> commands;
  std::string ids = "{";
  for (const pg::Row& row : rows) {
    Event e;
    e.id = row.Get<std::string>(0);
    e.type = row.Get<std::string>(1);
    e.payload = row.Get<std::string>(2);
    e.at = row.Get<std::string>(3);
    e.source = schema_;
    commands.push_back(XAdd(StreamOf(e.type), EventFields(e)));
    if (ids.size() > 1) ids += ',';
    ids += e.id;
  }
  ids += '}';
  std::vector<redis::Reply> replies = co_await redis.Pipeline(std::move(commands), deadline);
  for (const redis::Reply& r : replies) ThrowIfError(r, "XADD");
  // A crash here publishes these rows again after restart: consumers drop the duplicates by event id.
  if (fault.stop_after_publish) co_return 0;
  co_await tx.Execute(mark_, ids);
  co_await tx.Commit();
  co_return static_cast<std::size_t>(rows.size());
}

boost::asio::awaitable<std::int64_t> Outbox::Prune(pg::Database& db, Deadline deadline, std::chrono::hours keep) const {
  double secs = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(keep).count());
  pg::Result r = co_await db.Execute(deadline, prune_, secs);
  co_return r.affected();
}

boost::asio::awaitable<std::int64_t> Outbox::Replay(pg::Database& db, Deadline deadline, std::string since) const {
  pg::Result r = co_await db.Execute(deadline, replay_, since);
  co_return r.affected();
}

boost::asio::awaitable<std::int64_t> Outbox::Backlog(pg::Database& db, Deadline deadline) const {
  pg::Result r = co_await db.Execute(deadline, backlog_);
  co_return r.front().Get<std::int64_t>(0);
}

namespace {

boost::asio::awaitable<void> RelayLoop(std::shared_ptr<const Outbox> outbox, pg::Database* db, redis::Redis* redis,
                                       Deadline deadline) {
  // Drain the backlog in batches while the pass has time left.
  // The job interval is short (100 ms): each pass gets its own budget so a busy moment is drained, not cut off
  // mid-transaction (which would drop connections and start over).
  (void)deadline;
  Deadline budget = Clock::now() + std::chrono::seconds(5);
  for (int i = 0; i < 50 && Clock::now() < budget; ++i) {
    std::size_t n = co_await outbox->RelayOnce(*db, redis->Local(), budget);
    if (n < 200) break;
  }
}

boost::asio::awaitable<void> PruneOnce(std::shared_ptr<const Outbox> outbox, pg::Database* db, std::chrono::hours keep,
                                       Deadline deadline) {
  std::int64_t n = co_await outbox->Prune(*db, deadline, keep);
  if (n > 0) log::Info("events.pruned", {{"schema", outbox->schema()}, {"rows", n}});
}

}  // namespace

void AddRelay(ServiceContext& ctx, std::shared_ptr<const Outbox> outbox) {
  pg::Database* db = &ctx.db();
  redis::Redis* redis = &ctx.redis();
  auto keep = std::chrono::duration_cast<std::chrono::hours>(ctx.config().GetDuration("events.keep_ms"));
  ctx.AddJob(Job{outbox->schema() + ".outbox_relay", ctx.config().GetDuration("events.relay_ms"),
                 [outbox, db, redis](Deadline d) { return RelayLoop(outbox, db, redis, d); }});
  ctx.AddJob(Job{outbox->schema() + ".outbox_prune", std::chrono::hours(1),
                 [outbox, db, keep](Deadline d) { return PruneOnce(outbox, db, keep, d); }});
}

// --- consumers ---

struct Consumer::Impl {
  std::string schema;
  std::string group;
  std::string name;  // this process within the group
  std::vector<std::string> streams;
  Handler handler;
  ConsumerOptions options;
  pg::Statement inbox;
  pg::Statement inbox_prune;
  bool groups_ready = false;
  std::mutex mu;
  std::map<std::string, std::string> last_error;  // entry id → last failure (bounded)

  std::chrono::milliseconds Backoff(const std::string& entry_id, std::int64_t deliveries) const {
    std::int64_t base = options.backoff_base.count();
    std::int64_t cap = options.backoff_cap.count();
    std::int64_t full = base;
    for (std::int64_t i = 1; i < deliveries && full < cap; ++i) full *= 2;
    full = std::min(full, cap);
    // Jitter fixed per (entry, attempt) so each poll does not re-draw it.
    std::size_t h = std::hash<std::string>{}(entry_id + "#" + std::to_string(deliveries));
    double frac = 0.5 + 0.5 * static_cast<double>(h % 1000) / 1000.0;
    return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(full) * frac));
  }
  void Remember(const std::string& entry_id, std::string error) {
    std::lock_guard lock(mu);
    if (last_error.size() > 10000) last_error.clear();
    last_error[entry_id] = std::move(error);
  }
  std::string Forget(const std::string& entry_id) {
    std::lock_guard lock(mu);
    auto it = last_error.find(entry_id);
    if (it == last_error.end()) return "failed repeatedly";
    std::string e = std::move(it->second);
    last_error.erase(it);
    return e;
  }
};

Consumer::Consumer(std::string schema, std::string group, std::vector<std::string> types, Handler handler,
                   ConsumerOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->schema = CheckedSchema(std::move(schema));
  impl_->group = std::move(group);
  char host[128] = {};
  gethostname(host, sizeof host - 1);
  impl_->name = std::string(host) + "-" + std::to_string(getpid());
  for (const std::string& t : types) {
    std::string s = StreamOf(t);
    if (std::find(impl_->streams.begin(), impl_->streams.end(), s) == impl_->streams.end()) impl_->streams.push_back(s);
  }
  impl_->handler = std::move(handler);
  impl_->options = options;
  impl_->inbox = Named(
      impl_->schema, "inbox." + impl_->group,
      "INSERT INTO " + impl_->schema + ".inbox (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING");
}

Consumer::~Consumer() = default;

const std::string& Consumer::group() const noexcept { return impl_->group; }

boost::asio::awaitable<std::int64_t> Consumer::PruneInbox(pg::Database& db, Deadline deadline,
                                                          std::chrono::hours keep) const {
  double secs = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(keep).count());
  pg::Result r = co_await db.Execute(deadline, impl_->inbox_prune, impl_->group, secs);
  co_return r.affected();
}

namespace {

boost::asio::awaitable<void> EnsureGroups(Consumer::Impl& c, redis::Client& redis, Deadline d) {
  for (const std::string& s : c.streams) {
    std::vector<std::string> cmd;
    cmd.push_back("XGROUP");
    cmd.push_back("CREATE");
    cmd.push_back(s);
    cmd.push_back(c.group);
    cmd.push_back("0");
    cmd.push_back("MKSTREAM");
    redis::Reply r = co_await redis.Command(std::move(cmd), d);
    if (r.is_error() && r.str.find("BUSYGROUP") == std::string::npos) ThrowIfError(r, "XGROUP CREATE");
  }
  c.groups_ready = true;
}

boost::asio::awaitable<void> Ack(Consumer::Impl& c, redis::Client& redis, const Event& e, Deadline d) {
  std::vector<std::string> cmd;
  cmd.push_back("XACK");
  cmd.push_back(e.stream);
  cmd.push_back(c.group);
  cmd.push_back(e.entry_id);
  redis::Reply r = co_await redis.Command(std::move(cmd), d);
  ThrowIfError(r, "XACK");
}

// The consumer's after-commit hook, if any, over the events a committed transaction applied; never throws.
boost::asio::awaitable<void> AfterCommit(Consumer::Impl& c, redis::Client& redis, const std::vector<Event>& applied,
                                         Deadline d) {
  if (!c.options.after_commit || applied.empty()) co_return;
  std::string failure;
  try {
    co_await c.options.after_commit(applied, redis, d);
  } catch (const std::exception& ex) {
    failure = ex.what();
  }
  if (!failure.empty()) log::Warn("events.after_commit_failed", {{"group", c.group}, {"error", failure}});
}

// Returns true if handled (or a duplicate), false if it failed (left pending for a retry).
boost::asio::awaitable<bool> HandleOne(Consumer::Impl& c, pg::Database& db, redis::Client& redis, const Event& e,
                                       Deadline d) {
  std::string failure;
  std::vector<Event> applied;
  try {
    if (!paging::IsUuid(e.id)) throw std::runtime_error("entry has no valid event id");
    pg::Transaction tx = co_await db.Begin(d);
    pg::Result r = co_await tx.Execute(c.inbox, c.group, e.id);
    if (r.affected() == 1) {
      co_await c.handler(e, tx);
      applied.push_back(e);
    }
    co_await tx.Commit();
  } catch (const std::exception& ex) {
    failure = ex.what();
  }
  if (!failure.empty()) {
    log::Warn("events.handler_failed", {{"group", c.group}, {"type", e.type}, {"event", e.id}, {"error", failure}});
    c.Remember(e.entry_id, failure);
    co_return false;
  }
  co_await AfterCommit(c, redis, applied, d);
  co_await Ack(c, redis, e, d);
  co_return true;
}

boost::asio::awaitable<bool> HandleBatch(Consumer::Impl& c, pg::Database& db, redis::Client& redis,
                                         const std::vector<Event>& batch, Deadline d) {
  bool ok = true;
  std::vector<Event> applied;
  try {
    pg::Transaction tx = co_await db.Begin(d);
    for (const Event& e : batch) {
      if (!paging::IsUuid(e.id)) throw std::runtime_error("entry has no valid event id");
      pg::Result r = co_await tx.Execute(c.inbox, c.group, e.id);
      if (r.affected() == 1) {
        co_await c.handler(e, tx);
        applied.push_back(e);
      }
    }
    co_await tx.Commit();
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok) co_return false;
  co_await AfterCommit(c, redis, applied, d);
  std::map<std::string, std::vector<std::string>> by_stream;
  for (const Event& e : batch) by_stream[e.stream].push_back(e.entry_id);
  for (auto& [stream, ids] : by_stream) {
    std::vector<std::string> ack;
    ack.push_back("XACK");
    ack.push_back(stream);
    ack.push_back(c.group);
    ack.insert(ack.end(), ids.begin(), ids.end());
    redis::Reply acked = co_await redis.Command(std::move(ack), d);
    ThrowIfError(acked, "XACK");
  }
  co_return true;
}

boost::asio::awaitable<void> DeadLetterOne(Consumer::Impl& c, redis::Client& redis, const std::string& stream,
                                           const std::string& entry_id, Deadline d) {
  // Claim it first (JUSTID: no delivery count bump): if another consumer is handling it right now (idle
  // below the base backoff) or already dead-lettered it, this process leaves it alone.
  std::vector<std::string> claim;
  claim.push_back("XCLAIM");
  claim.push_back(stream);
  claim.push_back(c.group);
  claim.push_back(c.name);
  claim.push_back(std::to_string(c.options.backoff_base.count()));
  claim.push_back(entry_id);
  claim.push_back("JUSTID");
  redis::Reply claimed = co_await redis.Command(std::move(claim), d);
  ThrowIfError(claimed, "XCLAIM");
  if (claimed.elements.empty()) co_return;
  std::vector<std::string> range;
  range.push_back("XRANGE");
  range.push_back(stream);
  range.push_back(entry_id);
  range.push_back(entry_id);
  redis::Reply r = co_await redis.Command(std::move(range), d);
  ThrowIfError(r, "XRANGE");
  Event e;
  if (!r.elements.empty()) e = EventOf(stream, r.elements[0]);
  std::vector<std::string> fields = EventFields(e);
  fields.push_back("group");
  fields.push_back(c.group);
  fields.push_back("stream");
  fields.push_back(stream);
  fields.push_back("error");
  fields.push_back(c.Forget(entry_id));
  redis::Reply added = co_await redis.Command(XAdd(std::string(kDeadLetterStream), fields), d);
  ThrowIfError(added, "XADD dlq");
  e.stream = stream;
  e.entry_id = entry_id;
  co_await Ack(c, redis, e, d);
  log::Error("events.dead_lettered", {{"group", c.group}, {"stream", stream}, {"event", e.id}, {"type", e.type}});
}

}  // namespace

boost::asio::awaitable<std::size_t> Consumer::PollOnce(pg::Database& db, redis::Client& redis, Deadline deadline) {
  std::shared_ptr<Impl> keep = impl_;
  Impl& c = *keep;
  if (!c.groups_ready) co_await EnsureGroups(c, redis, deadline);
  std::size_t handled = 0;

  // 1. New entries.
  std::vector<std::string> read;
  read.push_back("XREADGROUP");
  read.push_back("GROUP");
  read.push_back(c.group);
  read.push_back(c.name);
  read.push_back("COUNT");
  read.push_back(std::to_string(c.options.batch));
  read.push_back("STREAMS");
  for (const std::string& s : c.streams) read.push_back(s);
  for (std::size_t i = 0; i < c.streams.size(); ++i) read.push_back(">");
  redis::Reply r = co_await redis.Command(std::move(read), deadline);
  if (r.is_error() && r.str.find("NOGROUP") != std::string::npos) {
    c.groups_ready = false;  // the stream was deleted (or Redis lost it): recreate next pass
    co_return 0;
  }
  ThrowIfError(r, "XREADGROUP");
  std::vector<Event> fresh;
  for (const redis::Reply& per_stream : r.elements) {
    if (per_stream.elements.size() < 2) continue;
    const std::string& stream = per_stream.elements[0].str;
    for (const redis::Reply& entry : per_stream.elements[1].elements) fresh.push_back(EventOf(stream, entry));
  }
  // The whole batch in one transaction (one commit, one XACK per stream); if any event fails, the batch is
  // rolled back and its events are handled one by one, so only the failing one waits for a retry.
  if (!fresh.empty()) {
    bool batched = co_await HandleBatch(c, db, redis, fresh, deadline);
    if (batched) {
      handled += fresh.size();
    } else {
      for (const Event& e : fresh)
        if (co_await HandleOne(c, db, redis, e, deadline)) ++handled;
    }
  }

  // 2. Pending entries (failed or left by a crashed consumer): retry after their backoff, or dead-letter.
  for (const std::string& stream : c.streams) {
    std::vector<std::string> pending;
    pending.push_back("XPENDING");
    pending.push_back(stream);
    pending.push_back(c.group);
    pending.push_back("IDLE");
    pending.push_back(std::to_string(c.options.backoff_base.count() / 2));
    pending.push_back("-");
    pending.push_back("+");
    pending.push_back(std::to_string(c.options.batch));
    redis::Reply p = co_await redis.Command(std::move(pending), deadline);
    ThrowIfError(p, "XPENDING");
    for (const redis::Reply& item : p.elements) {
      if (item.elements.size() < 4) continue;
      std::string entry_id = item.elements[0].str;
      std::int64_t idle = item.elements[2].integer;
      std::int64_t deliveries = item.elements[3].integer;
      if (deliveries >= c.options.max_deliveries) {
        co_await DeadLetterOne(c, redis, stream, entry_id, deadline);
        continue;
      }
      auto wait = c.Backoff(entry_id, deliveries);
      if (idle < wait.count()) continue;
      std::vector<std::string> claim;
      claim.push_back("XCLAIM");
      claim.push_back(stream);
      claim.push_back(c.group);
      claim.push_back(c.name);
      claim.push_back(std::to_string(wait.count()));
      claim.push_back(entry_id);
      redis::Reply claimed = co_await redis.Command(std::move(claim), deadline);
      ThrowIfError(claimed, "XCLAIM");
      for (const redis::Reply& entry : claimed.elements) {
        if (entry.is_nil() || entry.elements.size() < 2) continue;
        Event e = EventOf(stream, entry);
        e.deliveries = deliveries + 1;
        if (co_await HandleOne(c, db, redis, e, deadline)) ++handled;
      }
    }
  }
  co_return handled;
}

namespace {

boost::asio::awaitable<void> PollLoop(std::shared_ptr<Consumer> consumer, pg::Database* db, redis::Redis* redis,
                                      Deadline deadline) {
  (void)deadline;  // see RelayLoop
  Deadline budget = Clock::now() + std::chrono::seconds(5);
  for (int i = 0; i < 20 && Clock::now() < budget; ++i) {
    std::size_t n = co_await consumer->PollOnce(*db, redis->Local(), budget);
    if (n == 0) break;
  }
}

}  // namespace

boost::asio::awaitable<void> PruneInboxOnce(std::shared_ptr<Consumer> consumer, pg::Database* db,
                                            std::chrono::hours keep, Deadline d) {
  co_await consumer->PruneInbox(*db, d, keep);
}

void AddConsumer(ServiceContext& ctx, std::shared_ptr<Consumer> consumer) {
  pg::Database* db = &ctx.db();
  redis::Redis* redis = &ctx.redis();
  ctx.AddJob(Job{"events." + consumer->group(), ctx.config().GetDuration("events.poll_ms"),
                 [consumer, db, redis](Deadline d) { return PollLoop(consumer, db, redis, d); }});
  auto keep = std::chrono::duration_cast<std::chrono::hours>(ctx.config().GetDuration("events.keep_ms")) +
              std::chrono::hours(24);
  ctx.AddJob(Job{"events." + consumer->group() + ".inbox_prune", std::chrono::hours(1),
                 [consumer, db, keep](Deadline d) { return PruneInboxOnce(consumer, db, keep, d); }});
}

// --- dead letters ---

boost::asio::awaitable<std::vector<DeadLetter>> ListDeadLetters(redis::Client& redis, std::size_t limit) {
  Deadline d = Clock::now() + std::chrono::seconds(5);
  std::vector<std::string> cmd;
  cmd.push_back("XRANGE");
  cmd.push_back(std::string(kDeadLetterStream));
  cmd.push_back("-");
  cmd.push_back("+");
  cmd.push_back("COUNT");
  cmd.push_back(std::to_string(limit));
  redis::Reply r = co_await redis.Command(std::move(cmd), d);
  ThrowIfError(r, "XRANGE dlq");
  std::vector<DeadLetter> out;
  for (const redis::Reply& entry : r.elements) {
    if (entry.elements.size() < 2) continue;
    DeadLetter dl;
    dl.entry_id = entry.elements[0].str;
    Fields f = FieldsOf(entry.elements[1]);
    dl.group = FieldOr(f, "group");
    dl.stream = FieldOr(f, "stream");
    dl.error = FieldOr(f, "error");
    dl.event = EventOf(dl.stream, entry);
    dl.event.entry_id.clear();
    out.push_back(std::move(dl));
  }
  co_return out;
}

boost::asio::awaitable<std::size_t> ReplayDeadLetters(redis::Client& redis, std::string entry_id) {
  Deadline d = Clock::now() + std::chrono::seconds(30);
  std::vector<DeadLetter> all = co_await ListDeadLetters(redis, 100000);
  std::size_t n = 0;
  for (const DeadLetter& dl : all) {
    if (!entry_id.empty() && dl.entry_id != entry_id) continue;
    if (dl.stream.rfind(kStreamPrefix, 0) != 0) continue;
    redis::Reply added = co_await redis.Command(XAdd(dl.stream, EventFields(dl.event)), d);
    ThrowIfError(added, "XADD");
    std::vector<std::string> del;
    del.push_back("XDEL");
    del.push_back(std::string(kDeadLetterStream));
    del.push_back(dl.entry_id);
    redis::Reply removed = co_await redis.Command(std::move(del), d);
    ThrowIfError(removed, "XDEL");
    ++n;
  }
  co_return n;
}

}  // namespace okada::events
