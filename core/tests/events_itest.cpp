// The event bus against real PostgreSQL and Redis: the outbox relay, consumer groups with their inbox,
// retries, the dead-letter stream and replay. Each run uses its own event family, so streams never mix.
#include "okada/core/events/outbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "okada/core/crypto/random.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/redis/redis.hpp"
#include "support/test_support.hpp"

namespace okada::events {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::Await;

const pg::Statement kEffect{"evt.effect", "INSERT INTO evt.effects (event_id, type) VALUES ($1::uuid, $2)"};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

asio::awaitable<void> AppendMany(pg::Database* db, const Outbox* outbox, std::string type, int n) {
  pg::Transaction tx = co_await db->Begin(DeadlineIn(5s));
  for (int i = 0; i < n; ++i) {
    std::string payload = "{\"v\":1,\"n\":" + std::to_string(i) + "}";
    co_await outbox->Append(tx, type, payload);
  }
  co_await tx.Commit();
}

asio::awaitable<std::size_t> Relay(pg::Database* db, redis::Redis* r, const Outbox* outbox, RelayFault fault) {
  co_return co_await outbox->RelayOnce(*db, r->Local(), DeadlineIn(5s), 200, fault);
}

asio::awaitable<std::size_t> Poll(pg::Database* db, redis::Redis* r, Consumer* c) {
  co_return co_await c->PollOnce(*db, r->Local(), DeadlineIn(5s));
}

asio::awaitable<redis::Reply> Cmd(redis::Redis* r, std::vector<std::string> args) {
  co_return co_await r->Local().Command(std::move(args), DeadlineIn(2s));
}

asio::awaitable<std::vector<DeadLetter>> Dlq(redis::Redis* r) { co_return co_await ListDeadLetters(r->Local(), 1000); }
asio::awaitable<std::size_t> ReplayDlq(redis::Redis* r, std::string id) {
  co_return co_await ReplayDeadLetters(r->Local(), id);
}

// The handler records the effect in the same transaction as the inbox row.
asio::awaitable<void> Record(const Event& e, pg::Transaction& tx) { co_await tx.Execute(kEffect, e.id, e.type); }

// The after-commit hook's view: the events each committed transaction applied.
std::vector<std::string> after_commit_ids;
asio::awaitable<void> NoteCommitted(const std::vector<Event>& applied, redis::Client&, Deadline) {
  for (const Event& e : applied) after_commit_ids.push_back(e.id);
  co_return;
}

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("error");
    db_ = new test::FreshDatabase("events");
    test::Psql(db_->url(),
               "CREATE SCHEMA evt; CREATE TABLE evt.outbox (id uuid PRIMARY KEY, type text NOT NULL, payload jsonb NOT "
               "NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz); CREATE TABLE evt.inbox "
               "(consumer text NOT NULL, event_id uuid NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), "
               "PRIMARY KEY (consumer, event_id)); CREATE TABLE evt.effects (event_id uuid, type text, at timestamptz "
               "DEFAULT now())");
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override {
    std::string url = Env("OKADA_REDIS_URL");
    ASSERT_FALSE(url.empty()) << "OKADA_REDIS_URL is not set (eval \"$(scripts/dev-env env)\")";
    io_.Start();
    pg::PoolOptions o;
    o.conninfo = db_->url();
    o.max_size = 4;
    db = std::make_unique<pg::Database>(io_, o);
    redis = std::make_unique<redis::Redis>(io_, redis::Options::FromUrl(url));
    // A family of our own: "t<random>.happened" → stream okada:events:t<random>.
    family = "t" + crypto::RandomToken(6);
    for (char& ch : family)
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = 'x';
    test::Psql(db_->url(), "TRUNCATE evt.outbox, evt.inbox, evt.effects");
  }
  void TearDown() override {
    Await(ctx(), Cmd(redis.get(), {"DEL", StreamOf(family + ".x")}));
    io_.Stop();
    redis.reset();
    db.reset();
  }
  asio::io_context& ctx() { return io_.context(0); }
  std::int64_t Count(const std::string& sql) { return std::stoll(test::Psql(db_->url(), sql).at(0)); }

  static inline test::FreshDatabase* db_ = nullptr;
  IoPool io_{1};
  std::unique_ptr<pg::Database> db;
  std::unique_ptr<redis::Redis> redis;
  std::string family;
};

TEST_F(EventsTest, RelayKilledBetweenPublishAndAcknowledgeGivesADuplicateThatConsumersIgnore) {
  Outbox outbox("evt");
  std::string type = family + ".happened";
  Await(ctx(), AppendMany(db.get(), &outbox, type, 10));

  // The relay publishes, then "dies" before marking the rows: they are still unpublished.
  EXPECT_EQ(Await(ctx(), Relay(db.get(), redis.get(), &outbox, RelayFault{true})), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM evt.outbox WHERE published_at IS NULL"), 10);
  // After the restart the relay sends them again and marks them.
  EXPECT_EQ(Await(ctx(), Relay(db.get(), redis.get(), &outbox, RelayFault{})), 10u);
  EXPECT_EQ(Count("SELECT count(*) FROM evt.outbox WHERE published_at IS NULL"), 0);
  redis::Reply len = Await(ctx(), Cmd(redis.get(), {"XLEN", StreamOf(type)}));
  EXPECT_EQ(len.integer, 20) << "every event is in the stream twice";

  after_commit_ids.clear();
  ConsumerOptions opts;
  opts.after_commit = NoteCommitted;
  Consumer consumer("evt", "test-" + family, {type}, Record, opts);
  std::size_t handled = 0;
  for (int i = 0; i < 5 && handled < 20; ++i) handled += Await(ctx(), Poll(db.get(), redis.get(), &consumer));
  EXPECT_EQ(handled, 20u);
  EXPECT_EQ(Count("SELECT count(*) FROM evt.effects"), 10) << "duplicates were applied";
  // The after-commit hook saw each applied event once, and no duplicate.
  std::sort(after_commit_ids.begin(), after_commit_ids.end());
  EXPECT_EQ(after_commit_ids.size(), 10u);
  EXPECT_EQ(std::unique(after_commit_ids.begin(), after_commit_ids.end()), after_commit_ids.end());
  EXPECT_EQ(Count("SELECT count(DISTINCT event_id) FROM evt.effects"), 10);
  redis::Reply pending = Await(ctx(), Cmd(redis.get(), {"XPENDING", StreamOf(type), "test-" + family}));
  ASSERT_FALSE(pending.elements.empty());
  EXPECT_EQ(pending.elements[0].integer, 0) << "everything acknowledged";
}

asio::awaitable<void> FailOnOdd(const Event& e, pg::Transaction& tx) {
  // jsonb gives the payload back normalised: {"n": 1, "v": 1}.
  if (e.payload.find("\"n\": 1,") != std::string::npos) throw std::runtime_error("boom: cannot handle n=1");
  co_await tx.Execute(kEffect, e.id, e.type);
}

TEST_F(EventsTest, AFailingEventIsRetriedWithBackoffThenDeadLetteredAndReplayable) {
  Outbox outbox("evt");
  std::string type = family + ".happened";
  Await(ctx(), AppendMany(db.get(), &outbox, type, 3));
  Await(ctx(), Relay(db.get(), redis.get(), &outbox, RelayFault{}));
  ConsumerOptions opts;
  opts.backoff_base = 20ms;
  opts.backoff_cap = 100ms;
  opts.max_deliveries = 3;
  std::string group = "test-" + family;
  Consumer failing("evt", group, {type}, FailOnOdd, opts);
  std::vector<DeadLetter> dead;
  for (int i = 0; i < 100 && dead.empty(); ++i) {
    Await(ctx(), Poll(db.get(), redis.get(), &failing));
    for (const DeadLetter& d : Await(ctx(), Dlq(redis.get())))
      if (d.group == group) dead.push_back(d);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(dead.size(), 1u) << "the event that always fails ends in the dead-letter stream";
  EXPECT_NE(dead[0].error.find("boom"), std::string::npos) << dead[0].error;
  EXPECT_EQ(dead[0].stream, StreamOf(type));
  EXPECT_EQ(Count("SELECT count(*) FROM evt.effects"), 2) << "the other two went through";

  // Fixed handler: replaying the dead letter applies it once; the others are not applied again.
  Consumer fixed("evt", group, {type}, Record, opts);
  EXPECT_EQ(Await(ctx(), ReplayDlq(redis.get(), dead[0].entry_id)), 1u);
  for (int i = 0; i < 5; ++i) Await(ctx(), Poll(db.get(), redis.get(), &fixed));
  EXPECT_EQ(Count("SELECT count(*) FROM evt.effects"), 3);
  for (const DeadLetter& d : Await(ctx(), Dlq(redis.get()))) EXPECT_NE(d.entry_id, dead[0].entry_id);
}

asio::awaitable<std::int64_t> ReplaySince(pg::Database* db, const Outbox* o, std::string since) {
  co_return co_await o->Replay(*db, DeadlineIn(5s), since);
}

TEST_F(EventsTest, OutboxReplayRepublishesAndConsumersStayExactlyOnce) {
  Outbox outbox("evt");
  std::string type = family + ".happened";
  Await(ctx(), AppendMany(db.get(), &outbox, type, 4));
  Await(ctx(), Relay(db.get(), redis.get(), &outbox, RelayFault{}));
  Consumer consumer("evt", "test-" + family, {type}, Record);
  for (int i = 0; i < 3; ++i) Await(ctx(), Poll(db.get(), redis.get(), &consumer));
  EXPECT_EQ(Count("SELECT count(*) FROM evt.effects"), 4);
  // A lost stream: the operator replays the last hour from the outbox.
  EXPECT_EQ(Await(ctx(), ReplaySince(db.get(), &outbox, "2000-01-01T00:00:00Z")), 4);
  EXPECT_EQ(Await(ctx(), Relay(db.get(), redis.get(), &outbox, RelayFault{})), 4u);
  for (int i = 0; i < 3; ++i) Await(ctx(), Poll(db.get(), redis.get(), &consumer));
  EXPECT_EQ(Count("SELECT count(*) FROM evt.effects"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM evt.inbox"), 4);
}

}  // namespace
}  // namespace okada::events
