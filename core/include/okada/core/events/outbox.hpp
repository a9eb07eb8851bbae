#pragma once
/// The event bus (ARCHITECTURE §1, §5): a transactional outbox in each service's schema, a relay that publishes
/// to Redis Streams, and consumer groups that de-duplicate through an inbox table.
///
///   auto outbox = std::make_shared<const events::Outbox>("orders");  // one per service, in its state
///   co_await outbox->Append(tx, "order.placed", payload);  // in the same transaction as the change
///   events::AddRelay(ctx, outbox);                         // at Start(): relay and prune jobs
///
/// Delivery is at least once: the relay marks rows published only after Redis accepted them, so a crash in
/// between publishes the row again with the same event id, and consumers drop it through their inbox.
/// Streams: one per event family, `okada:events:<family>` ("order.placed" → okada:events:order). Entries carry
/// the fields id, type, source (schema), payload (JSON object text), at (RFC 3339).
/// Published rows are kept `events.keep_hours` (default 7 days) so a lost stream can be replayed
/// (`okada events replay --service S --since T`). Payloads carry ids only, never personal data.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada {
class ServiceContext;
namespace redis {
class Client;
}
}  // namespace okada

namespace okada::events {

inline constexpr std::string_view kStreamPrefix = "okada:events:";
inline constexpr std::string_view kDeadLetterStream = "okada:events:dlq";

/// "order.placed" → "okada:events:order".
std::string StreamOf(std::string_view type);

/// One event as a consumer sees it.
struct Event {
  std::string id;        ///< the outbox row id (UUIDv7), stable across re-publication
  std::string type;      ///< "order.placed"
  std::string source;    ///< producing schema ("orders")
  std::string payload;   ///< JSON object text
  std::string at;        ///< RFC 3339 creation time
  std::string stream;    ///< Redis stream key
  std::string entry_id;  ///< Redis entry id ("1700000000000-0")
  std::int64_t deliveries = 1;
};

/// Test hook: a relay pass that stops after publishing and before marking rows published (as if the process
/// were killed there). Never set in production code.
struct RelayFault {
  bool stop_after_publish = false;
};

/// A service's outbox table `<schema>.outbox (id uuid, type, payload jsonb, created_at, published_at)`.
class Outbox {
 public:
  explicit Outbox(std::string schema);
  const std::string& schema() const noexcept { return schema_; }

  /// Appends an event inside `tx`; returns its id. `payload_json` must be a JSON object.
  boost::asio::awaitable<std::string> Append(pg::Transaction& tx, std::string type, std::string payload_json) const;
  /// One relay pass: publishes up to `batch` unpublished rows, oldest first, then marks them. Returns how many.
  /// Several relays may run at once (rows are claimed with FOR UPDATE SKIP LOCKED).
  boost::asio::awaitable<std::size_t> RelayOnce(pg::Database& db, redis::Client& redis, Deadline deadline,
                                                std::size_t batch = 200, RelayFault fault = {}) const;
  /// Deletes published rows older than `keep`. Returns how many.
  boost::asio::awaitable<std::int64_t> Prune(pg::Database& db, Deadline deadline, std::chrono::hours keep) const;
  /// Marks rows created at or after `since` (RFC 3339) unpublished again, so the relay sends them once more.
  boost::asio::awaitable<std::int64_t> Replay(pg::Database& db, Deadline deadline, std::string since) const;
  /// Rows not yet published (for readiness and metrics).
  boost::asio::awaitable<std::int64_t> Backlog(pg::Database& db, Deadline deadline) const;

 private:
  std::string schema_;
  pg::Statement insert_, claim_, mark_, prune_, replay_, backlog_;
};

/// Registers the relay job (every `events.relay_ms`) and the prune job (hourly) of `outbox` with the host.
void AddRelay(ServiceContext& ctx, std::shared_ptr<const Outbox> outbox);

/// Handles one event inside the transaction that also records it in the inbox: the effect and the
/// de-duplication mark commit together. Throwing rolls both back; the event is retried later.
/// Write the handler as a plain function returning an awaitable (no capturing coroutine lambdas).
using Handler = std::function<boost::asio::awaitable<void>(const Event&, pg::Transaction&)>;

struct ConsumerOptions {
  std::size_t batch = 100;
  /// After this many failed deliveries the event goes to the dead-letter stream.
  std::int64_t max_deliveries = 5;
  /// Retry backoff: a failed event is retried after a random wait in [base·2^(n−1)/2, base·2^(n−1)], capped.
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{60000};
  /// Runs after a transaction that applied events has committed, with those events (duplicates left out): for
  /// effects outside the database that may be lost but must never be wrong, such as marking a cache entry stale.
  /// Its failures are logged and ignored (the events stay handled). Write it as a plain function too.
  std::function<boost::asio::awaitable<void>(const std::vector<Event>&, redis::Client&, Deadline)> after_commit;
};

/// A consumer group over some event families, de-duplicating through `<schema>.inbox (consumer, event_id)`.
class Consumer {
 public:
  Consumer(std::string schema, std::string group, std::vector<std::string> types, Handler handler,
           ConsumerOptions options = {});
  ~Consumer();
  const std::string& group() const noexcept;

  /// One pass: new entries, then pending ones whose backoff has elapsed, then dead-lettering of those that
  /// failed `max_deliveries` times. Returns how many events were handled (duplicates included).
  boost::asio::awaitable<std::size_t> PollOnce(pg::Database& db, redis::Client& redis, Deadline deadline);
  /// Deletes this group's inbox rows older than `keep` (AddConsumer runs it hourly with events.keep_ms + 1 day).
  boost::asio::awaitable<std::int64_t> PruneInbox(pg::Database& db, Deadline deadline, std::chrono::hours keep) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// Registers `consumer`'s polling job (every `events.poll_ms`) and its hourly inbox prune with the host.
void AddConsumer(ServiceContext& ctx, std::shared_ptr<Consumer> consumer);

/// Dead-letter stream tools (`okada events dlq list|replay`).
struct DeadLetter {
  std::string entry_id;  ///< in the dead-letter stream
  std::string group;     ///< the consumer group that gave up
  std::string stream;    ///< where it came from
  std::string error;     ///< last failure, for people
  Event event;
};
boost::asio::awaitable<std::vector<DeadLetter>> ListDeadLetters(redis::Client& redis, std::size_t limit);
/// Re-publishes one dead letter (or all when `entry_id` is empty) to its stream and deletes it from the
/// dead-letter stream. Other groups see it again and drop it through their inbox. Returns how many.
boost::asio::awaitable<std::size_t> ReplayDeadLetters(redis::Client& redis, std::string entry_id);

}  // namespace okada::events
