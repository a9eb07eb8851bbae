// The ledger in a real PostgreSQL (migration V001 on a fresh database): entries written with their postings and
// balances, idempotent by entry key; and the rules the database enforces whatever the code does: an entry that
// does not sum to zero cannot commit, the journal is append-only, and a merchant's payable cannot turn into a
// debt (a payout larger than what is owed is refused and leaves nothing behind).

#include <gtest/gtest.h>

#include "domain/ledger.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"
#include "store/ledger.hpp"
#include "support/test_support.hpp"

namespace okada::payments {
std::vector<pg::Migration> Migrations();  // embedded from sql/migrations
}

namespace okada::payments {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<bool> PostOne(pg::Database* db, domain::Entry entry, std::string key) {
  pg::Transaction tx = co_await db->Begin(DeadlineIn(5s));
  bool written = co_await store::Post(tx, entry, key);
  co_await tx.Commit();
  co_return written;
}

class LedgerStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("warn");
    fresh_ = new test::FreshDatabase("payments");
    pg::Migrate(fresh_->url(), {pg::MigrationSet{"payments", Migrations()}});
  }
  static void TearDownTestSuite() {
    delete fresh_;
    fresh_ = nullptr;
  }
  void SetUp() override {
    io_.Start();
    pg::PoolOptions o;
    o.conninfo = fresh_->url();
    o.max_size = 2;
    db_ = std::make_unique<pg::Database>(io_, o);
  }
  void TearDown() override {
    io_.Stop();
    db_.reset();
  }
  bool Post(const domain::Entry& e, const std::string& key) {
    return test::Await(io_.context(0), PostOne(db_.get(), e, key));
  }
  std::int64_t Balance(const std::string& key) {
    return test::Await(io_.context(0), store::BalanceOf(*db_, DeadlineIn(5s), key));
  }
  std::int64_t Trial() { return test::Await(io_.context(0), store::TrialBalance(*db_, DeadlineIn(5s))); }
  std::string Count(const std::string& table) {
    return test::Psql(fresh_->url(), "SELECT count(*) FROM " + table).at(0);
  }
  test::ShellResult Sql(const std::string& sql) {
    return test::Shell("psql '" + fresh_->url() + "' -v ON_ERROR_STOP=1 -qAtc \"" + sql + "\" 2>&1");
  }

  static test::FreshDatabase* fresh_;
  IoPool io_{1};
  std::unique_ptr<pg::Database> db_;
};
test::FreshDatabase* LedgerStoreTest::fresh_ = nullptr;

domain::OrderMoney Order(const std::string& merchant, std::int64_t items, std::int64_t fee) {
  return domain::OrderMoney{"", merchant, domain::SplitOrder(items, fee)};
}

TEST_F(LedgerStoreTest, EntriesKeepBalancesAndTheBooksSumToZero) {
  domain::OrderMoney o = Order("m-store-1", 10000, 1000);
  EXPECT_TRUE(Post(domain::Captured(o, "momo"), "captured:p1"));
  EXPECT_TRUE(Post(domain::Delivered(o, "r-store-1"), "delivered:o1"));
  EXPECT_TRUE(Post(domain::Payout("m-store-1", 8000, "momo"), "payout:b1"));
  EXPECT_EQ(Balance("merchant_payable:m-store-1"), -800);
  EXPECT_EQ(Balance("rider_earnings:r-store-1"), -800);
  EXPECT_EQ(Balance("clearing:momo"), 11000 - 8000);
  EXPECT_EQ(Balance("never_used"), 0);
  EXPECT_EQ(Trial(), 0);
  // The balances agree with the postings they came from.
  EXPECT_EQ(test::Psql(fresh_->url(),
                       "SELECT count(*) FROM payments.accounts a WHERE balance <> (SELECT "
                       "coalesce(sum(amount), 0) FROM payments.postings p WHERE p.account = a.key)")
                .at(0),
            "0");
}

TEST_F(LedgerStoreTest, TheSameEntryKeyIsWrittenOnce) {
  domain::OrderMoney o = Order("m-store-2", 5000, 500);
  EXPECT_TRUE(Post(domain::Captured(o, "orange_money"), "captured:p2"));
  std::string journal = Count("payments.journal");
  EXPECT_FALSE(Post(domain::Captured(o, "orange_money"), "captured:p2")) << "a retried callback";
  EXPECT_EQ(Count("payments.journal"), journal);
  EXPECT_EQ(Balance("merchant_payable:m-store-2"), -4400) << "credited once";
  EXPECT_EQ(Trial(), 0);
}

TEST_F(LedgerStoreTest, AnUnbalancedEntryCannotCommit) {
  domain::Entry bad{"payout", {domain::Posting{domain::Account{domain::AccountKind::kClearing, "momo"}, -100}}};
  EXPECT_THROW(Post(bad, "payout:bad"), std::invalid_argument) << "refused before any SQL";
  // Past the code, straight in SQL: the deferred check refuses the commit, and nothing stays.
  std::string journal = Count("payments.journal");
  auto r = Sql(
      "BEGIN; INSERT INTO payments.accounts (key, kind) VALUES ('refunds', 'refunds') ON CONFLICT DO NOTHING; "
      "INSERT INTO payments.journal (id, kind, entry_key) VALUES ('0190c0de-0000-7000-8000-000000000001', 'refund', "
      "'sql:bad'); INSERT INTO payments.postings VALUES ('0190c0de-0000-7000-8000-000000000001', 0, 'refunds', 100); "
      "COMMIT;");
  EXPECT_NE(r.output.find("does not balance"), std::string::npos) << r.output;
  EXPECT_EQ(Count("payments.journal"), journal);
  EXPECT_EQ(Trial(), 0);
}

TEST_F(LedgerStoreTest, TheJournalIsAppendOnly) {
  domain::OrderMoney o = Order("m-store-3", 3000, 0);
  ASSERT_TRUE(Post(domain::Captured(o, "momo"), "captured:p3"));
  for (const char* sql : {"UPDATE payments.postings SET amount = amount * 2", "DELETE FROM payments.postings",
                          "UPDATE payments.journal SET kind = 'refund'", "DELETE FROM payments.journal",
                          "TRUNCATE payments.postings, payments.journal"}) {
    auto r = Sql(sql);
    EXPECT_NE(r.status, 0) << sql;
    EXPECT_NE(r.output.find("append-only"), std::string::npos) << sql << ": " << r.output;
  }
  EXPECT_EQ(Balance("merchant_payable:m-store-3"), -2640);
  EXPECT_EQ(Trial(), 0);
}

TEST_F(LedgerStoreTest, APayoutLargerThanWhatIsOwedIsRefusedAndLeavesNothing) {
  domain::OrderMoney o = Order("m-store-4", 10000, 0);
  ASSERT_TRUE(Post(domain::Captured(o, "momo"), "captured:p4"));
  std::string journal = Count("payments.journal");
  try {
    Post(domain::Payout("m-store-4", 9000, "momo"), "payout:too-much");  // 8,800 is owed
    ADD_FAILURE() << "the payout went through";
  } catch (const pg::QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "23514") << e.message();
    EXPECT_NE(e.message().find("payable_never_a_debt"), std::string::npos) << e.message();
  }
  EXPECT_EQ(Count("payments.journal"), journal);
  EXPECT_EQ(Balance("merchant_payable:m-store-4"), -8800);
  EXPECT_TRUE(Post(domain::Payout("m-store-4", 8800, "momo"), "payout:exact"));
  EXPECT_EQ(Balance("merchant_payable:m-store-4"), 0);
  EXPECT_EQ(Trial(), 0);
}

}  // namespace
}  // namespace okada::payments
