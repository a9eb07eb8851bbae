// Async PostgreSQL against the real server started by scripts/test: queries, transactions, pool limits,
// timeouts, restarts, migrations. Each suite works in a fresh database.

#include "okada/core/pg/pg.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "okada/core/crypto/rotation.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"
#include "support/test_support.hpp"

namespace okada::pg {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::Await;

const Statement kCreate{"t.create",
                        "CREATE TABLE IF NOT EXISTS items (id bigint PRIMARY KEY, name text, price bigint)"};
const Statement kInsert{"t.insert", "INSERT INTO items (id, name, price) VALUES ($1, $2, $3)"};
const Statement kGet{"t.get", "SELECT id, name, price FROM items WHERE id = $1"};
const Statement kCount{"t.count", "SELECT count(*) AS n FROM items"};
const Statement kSleep{"t.sleep", "SELECT pg_sleep($1::float8)"};
const Statement kNulls{"t.nulls", "SELECT NULL::text AS a, 'x'::text AS b, true AS c, 2.5::float8 AS d"};

class PgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("warn");
    db_ = new test::FreshDatabase("pg");
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override {
    io_.Start();
    PoolOptions o;
    o.conninfo = db_->url();
    o.max_size = 2;
    o.acquire_timeout = 300ms;
    o.statement_timeout = 3000ms;
    pool_ = std::make_unique<Pool>(io_.context(0), o, &metrics_);
    Await(ctx(), pool_->Execute(DeadlineIn(5s), kCreate));
    Await(ctx(), pool_->ExecuteScript(DeadlineIn(5s), "TRUNCATE items"));
  }
  void TearDown() override {
    io_.Stop();
    pool_.reset();
  }
  asio::io_context& ctx() { return io_.context(0); }

  static test::FreshDatabase* db_;
  IoPool io_{1};
  Metrics metrics_;
  std::unique_ptr<Pool> pool_;
};
test::FreshDatabase* PgTest::db_ = nullptr;

TEST_F(PgTest, BoundParametersAndTypedRows) {
  Await(ctx(), pool_->Execute(DeadlineIn(2s), kInsert, std::int64_t{1}, "Ndolé 'spécial'; DROP TABLE items", 2500));
  Result r = Await(ctx(), pool_->Execute(DeadlineIn(2s), kGet, std::int64_t{1}));
  ASSERT_EQ(r.size(), 1);
  EXPECT_EQ(r[0].Get<std::int64_t>("id"), 1);
  EXPECT_EQ(r[0].Get<std::string>("name"), "Ndolé 'spécial'; DROP TABLE items");
  EXPECT_EQ(r[0].Get<std::int64_t>("price"), 2500);
  Result n = Await(ctx(), pool_->Execute(DeadlineIn(2s), kNulls));
  EXPECT_FALSE(n[0].Get<std::optional<std::string>>("a").has_value());
  EXPECT_EQ(n[0].Get<std::optional<std::string>>("b").value(), "x");
  EXPECT_TRUE(n[0].Get<bool>("c"));
  EXPECT_DOUBLE_EQ(n[0].Get<double>("d"), 2.5);
  EXPECT_THROW(n[0].Get<std::string>("a"), Error);  // NULL into a non-optional
  Result missing = Await(ctx(), pool_->Execute(DeadlineIn(2s), kGet, std::int64_t{99}));
  EXPECT_TRUE(missing.empty());
  EXPECT_THROW(missing.front(), Error);
}

TEST_F(PgTest, UniqueViolationIsConflict) {
  Await(ctx(), pool_->Execute(DeadlineIn(2s), kInsert, std::int64_t{1}, "a", 1));
  try {
    Await(ctx(), pool_->Execute(DeadlineIn(2s), kInsert, std::int64_t{1}, "b", 1));
    FAIL() << "expected a conflict";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_TRUE(e.detail().empty()) << "SQL details must not reach clients";
  }
}

asio::awaitable<void> CommitThenAbandon(Pool* pool) {
  {
    Transaction tx = co_await pool->Begin(DeadlineIn(2s));
    co_await tx.Execute(kInsert, std::int64_t{10}, "kept", 1);
    co_await tx.Commit();
  }
  {
    Transaction tx = co_await pool->Begin(DeadlineIn(2s));
    co_await tx.Execute(kInsert, std::int64_t{11}, "rolled back", 1);
    // No commit: leaving scope rolls back.
  }
  {
    Transaction tx = co_await pool->Begin(DeadlineIn(2s));
    co_await tx.Execute(kInsert, std::int64_t{12}, "explicit rollback", 1);
    co_await tx.Rollback();
  }
}

TEST_F(PgTest, TransactionsCommitOrRollBack) {
  Await(ctx(), CommitThenAbandon(pool_.get()));
  // The abandoned transaction's rollback runs asynchronously before its connection is reused.
  std::this_thread::sleep_for(100ms);
  Result n = Await(ctx(), pool_->Execute(DeadlineIn(2s), kCount));
  EXPECT_EQ(n[0].Get<std::int64_t>("n"), 1);
  EXPECT_EQ(test::Psql(db_->url(), "SELECT name FROM items"), std::vector<std::string>{"kept"});
}

asio::awaitable<void> HoldAll(Pool* pool, std::vector<Transaction>* held) {
  held->push_back(co_await pool->Begin(DeadlineIn(2s)));
  held->push_back(co_await pool->Begin(DeadlineIn(2s)));
}

TEST_F(PgTest, PoolExhaustionAnswersAnErrorInsteadOfHanging) {
  std::vector<Transaction> held;
  Await(ctx(), HoldAll(pool_.get(), &held));
  EXPECT_EQ(pool_->size(), 2u);
  try {
    Await(ctx(), pool_->Execute(DeadlineIn(10s), kCount));
    FAIL() << "expected DATABASE_BUSY";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDatabasePoolExhausted);
    EXPECT_EQ(e.info().status, 503);
  }
  EXPECT_NE(metrics_.Render().find("okada_pg_pool_exhausted_total{shard=\"0\"} 1"), std::string::npos);
  // Releasing one connection lets the next caller through.
  asio::post(ctx(), [&] { held.clear(); });
  std::this_thread::sleep_for(200ms);
  Result n = Await(ctx(), pool_->Execute(DeadlineIn(2s), kCount));
  EXPECT_EQ(n.size(), 1);
}

TEST_F(PgTest, StatementTimeoutFires) {
  PoolOptions o;
  o.conninfo = db_->url();
  o.statement_timeout = 200ms;
  Pool short_pool(ctx(), o);
  try {
    Await(ctx(), short_pool.Execute(DeadlineIn(10s), kSleep, 3.0));
    FAIL() << "expected a statement timeout";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "57014");
    EXPECT_EQ(e.code(), ErrorCode::kDeadlineExceeded);
  }
  // The connection is still good for the next statement.
  Result r = Await(ctx(), short_pool.Execute(DeadlineIn(2s), kCount));
  EXPECT_EQ(r.size(), 1);
}

TEST_F(PgTest, ClientDeadlineCancelsTheWaitAndThePoolRecovers) {
  try {
    Await(ctx(), pool_->Execute(DeadlineIn(200ms), kSleep, 2.0));
    FAIL() << "expected DEADLINE_EXCEEDED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeadlineExceeded);
  }
  Result r = Await(ctx(), pool_->Execute(DeadlineIn(2s), kCount));
  EXPECT_EQ(r.size(), 1);
  // A deadline already past fails at once.
  EXPECT_THROW(Await(ctx(), pool_->Execute(Clock::now() - 1ms, kCount)), Error);
}

TEST_F(PgTest, SurvivesAServerRestart) {
  Await(ctx(), pool_->Execute(DeadlineIn(2s), kCount));  // a pooled, idle connection now exists
  ASSERT_EQ(test::DevEnv("restart-pg"), 0);
  // The idle connection is dead; the pool notices and reconnects without failing the caller.
  Result r = Await(ctx(), pool_->Execute(DeadlineIn(5s), kCount));
  EXPECT_EQ(r.size(), 1);
}

TEST_F(PgTest, ServerDownFailsFastWithUnavailableThenRecovers) {
  ASSERT_EQ(test::DevEnv("stop-pg"), 0);
  try {
    Await(ctx(), pool_->Execute(DeadlineIn(2s), kCount));
    ADD_FAILURE() << "expected DATABASE_UNAVAILABLE";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDatabaseUnavailable);
    bool retry_after = false;
    for (const auto& [k, v] : e.headers()) retry_after |= k == "Retry-After";
    EXPECT_TRUE(retry_after);
  }
  ASSERT_EQ(test::DevEnv("start-pg"), 0);
  Result r = Await(ctx(), pool_->Execute(DeadlineIn(5s), kCount));
  EXPECT_EQ(r.size(), 1);
}

// --- migrations ---------------------------------------------------------------------------------------------

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<test::FreshDatabase>("migrations");
    dir_ = std::filesystem::temp_directory_path() / ("okada_mig_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& sql) { std::ofstream(dir_ / name) << sql; }
  MigrationSet Set() { return MigrationSet{"shop", LoadMigrationDir(dir_.string())}; }

  std::unique_ptr<test::FreshDatabase> db_;
  std::filesystem::path dir_;
};

TEST_F(MigrationsTest, AppliesInOrderOnceAndRecordsChecksums) {
  Write("V002__add_price.sql", "ALTER TABLE shop.items ADD COLUMN price bigint NOT NULL DEFAULT 0;");
  Write("V001__init.sql", "CREATE SCHEMA shop; CREATE TABLE shop.items (id bigint PRIMARY KEY);");
  Write("README.txt", "not a migration");
  std::vector<std::string> lines;
  auto report = Migrate(db_->url(), {Set()}, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(report.applied, (std::vector<std::string>{"shop/V001__init.sql", "shop/V002__add_price.sql"}));
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(test::Psql(db_->url(), "SELECT count(*) FROM okada_meta.schema_migrations WHERE service = 'shop'"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(
      test::Psql(db_->url(), "SELECT checksum FROM okada_meta.schema_migrations WHERE version = 1"),
      std::vector<std::string>{Sha256Hex("CREATE SCHEMA shop; CREATE TABLE shop.items (id bigint PRIMARY KEY);")});
  auto again = Migrate(db_->url(), {Set()});
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.up_to_date, 2u);
}

TEST_F(MigrationsTest, EditedAppliedMigrationIsRefusedByName) {
  Write("V001__init.sql", "CREATE TABLE t1 (id int);");
  Migrate(db_->url(), {Set()});
  Write("V001__init.sql", "CREATE TABLE t1 (id bigint);");
  try {
    Migrate(db_->url(), {Set()});
    FAIL() << "expected a MigrationError";
  } catch (const MigrationError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("shop/V001__init.sql"), std::string::npos) << msg;
    EXPECT_NE(msg.find("changed after it was applied"), std::string::npos) << msg;
  }
}

TEST_F(MigrationsTest, FailingMigrationRollsBackCompletely) {
  Write("V001__init.sql", "CREATE TABLE good (id int);");
  Write("V002__broken.sql", "CREATE TABLE half (id int); INSERT INTO nowhere VALUES (1);");
  EXPECT_THROW(Migrate(db_->url(), {Set()}), MigrationError);
  EXPECT_EQ(test::Psql(db_->url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(test::Psql(db_->url(), "SELECT count(*) FROM okada_meta.schema_migrations"), std::vector<std::string>{"1"});
}

TEST(MigrationNames, MustFollowTheConvention) {
  EXPECT_EQ(ParseMigration("V012__orders.sql", "").version, 12);
  for (const char* bad : {"V1_init.sql", "init.sql", "V__x.sql", "Vx__y.sql", "V001__.sql", "V001__a.txt", "V0__a.sql"})
    EXPECT_THROW(ParseMigration(bad, ""), MigrationError) << bad;
}

// --- background re-encryption --------------------------------------------------------------------------------

class Reencryption : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("warn");
    dir_ = std::filesystem::temp_directory_path() / ("okada_reenc_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    io_.Stop();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Database& Open(const std::string& url) {
    io_.Start();
    PoolOptions o;
    o.conninfo = url;
    o.max_size = 2;
    db_ = std::make_unique<Database>(io_, o);
    return *db_;
  }
  std::size_t Run(crypto::Reencryptor& r) { return Await(io_.context(0), r.Run(*db_, DeadlineIn(5s))); }

  std::filesystem::path dir_;
  IoPool io_{1};
  std::unique_ptr<Database> db_;
};

// A row whose rewrite fails (here a trigger refuses the first UPDATE of the table's last row, as a deadline or a
// dropped connection would) is tried again on the next run: the pass must not move past it, find nothing after
// it, and settle with it still under the old key.
TEST_F(Reencryption, ARowWhoseRewriteFailedIsRetriedNotSkipped) {
  test::FreshDatabase fresh("reencrypt");
  auto v1 = crypto::Keyring::LoadOrCreate(dir_);
  test::Psql(fresh.url(), "CREATE TABLE notes (id uuid PRIMARY KEY, body_enc text)");
  std::vector<std::string> ids{"00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b",
                               "00000000-0000-0000-0000-00000000000c"};
  for (const auto& id : ids)
    test::Psql(fresh.url(), "INSERT INTO notes VALUES ('" + id + "', '" +
                                v1.EncryptToText("Carrefour Ndokotti " + id, "note:" + id) + "')");
  // nextval is not rolled back with the failing statement: only the first UPDATE of row c fails.
  test::Psql(fresh.url(),
             "CREATE SEQUENCE fail_once; "
             "CREATE FUNCTION refuse_first() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             "IF NEW.id = '" +
                 ids.back() +
                 "' AND nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; "
                 "CREATE TRIGGER refuse_first BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION refuse_first()");

  crypto::LiveKeyring live(dir_);
  auto v2 = crypto::Keyring::Rotate(dir_);
  crypto::Reencryptor reenc("t", {{"notes", "id", {{"body_enc", "note:"}}}}, &live);
  Open(fresh.url());
  EXPECT_THROW(Run(reenc), std::exception) << "the injected failure";
  std::size_t total = 0;
  for (int run = 0; run < 4; ++run) total += Run(reenc);
  EXPECT_EQ(total, 1u) << "the refused value rewritten by a later run (a and b went before the failure)";
  for (const auto& id : ids) {
    auto v = test::Psql(fresh.url(), "SELECT body_enc FROM notes WHERE id = '" + id + "'");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_FALSE(v2.NeedsReencryption(v[0])) << id << " still under key 1";
    EXPECT_EQ(v2.DecryptText(v[0], "note:" + id), "Carrefour Ndokotti " + id);
  }
  EXPECT_EQ(Run(reenc), 0u) << "settled";
}

// A pass that began under key 1 and is interrupted (here a view refuses its first read, as a deadline would)
// must not carry on under key 2 from where it stopped: the rows it had walked were only checked against key 1.
TEST_F(Reencryption, AKeyRotatedMidPassRestartsThePass) {
  test::FreshDatabase fresh("reencrypt_mid");
  auto v1 = crypto::Keyring::LoadOrCreate(dir_);
  std::string id = "00000000-0000-0000-0000-00000000000a";
  test::Psql(fresh.url(),
             "CREATE TABLE notes (id uuid PRIMARY KEY, body_enc text); "
             "CREATE TABLE later_base (id uuid PRIMARY KEY, body_enc text); "
             "INSERT INTO later_base VALUES ('" +
                 id +
                 "', NULL); "
                 "CREATE SEQUENCE read_once; "
                 "CREATE FUNCTION refuse_first_read() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
                 "IF nextval('read_once') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; "
                 "RETURN true; END $$; "
                 "CREATE VIEW later AS SELECT id, body_enc FROM later_base WHERE refuse_first_read()");
  test::Psql(fresh.url(),
             "INSERT INTO notes VALUES ('" + id + "', '" + v1.EncryptToText("Bonamoussadi", "note:" + id) + "')");

  crypto::LiveKeyring live(dir_);
  crypto::Reencryptor reenc("t", {{"notes", "id", {{"body_enc", "note:"}}}, {"later", "id", {{"body_enc", "later:"}}}},
                            &live);
  Open(fresh.url());
  // Under key 1: `notes` is walked (nothing to rewrite), then reading `later` fails.
  EXPECT_THROW(Run(reenc), std::exception) << "the injected failure";
  auto v2 = crypto::Keyring::Rotate(dir_);
  std::size_t total = 0;
  for (int run = 0; run < 4; ++run) total += Run(reenc);
  EXPECT_EQ(total, 1u);
  auto v = test::Psql(fresh.url(), "SELECT body_enc FROM notes");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(v2.NeedsReencryption(v[0])) << "notes still under key 1";
}

}  // namespace
}  // namespace okada::pg
