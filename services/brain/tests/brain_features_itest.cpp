// The feature store in a real PostgreSQL (brain's migrations on a fresh database) and Redis: interactions from
// order.placed events (idempotent), views computed as of a time from data up to that time, the point-in-time join
// of a training set (never a value from after the label, never an expired one), and materialisation to Redis
// with the view's TTL.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "events/events.hpp"
#include "okada/brain/features/features.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "store/features.hpp"
#include "store/monitoring.hpp"
#include "support/test_support.hpp"

namespace okada::brain {
std::vector<pg::Migration> Migrations();  // embedded from sql/migrations
}

namespace okada::brain {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::int64_t kDay = 86400;
const std::string kAlice = "0193a5c2-9b33-7e50-9c73-4d3e5f607182";
const std::string kBob = "0193a5c2-9b33-7e50-9c73-4d3e5f607183";
const std::string kStore = "0193a5c2-7f10-7c3e-9a51-2b1c3d4e5f60";
const std::string kPlantain = "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d";
const std::string kRice = "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9e";

std::string Rfc3339(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

asio::awaitable<void> Deliver(pg::Database* db, okada::events::Event e) {
  pg::Transaction tx = co_await db->Begin(DeadlineIn(5s));
  co_await events::OnEvent(e, tx);
  co_await tx.Commit();
}

class FeatureStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("warn");
    fresh_ = new test::FreshDatabase("brain_features");
    pg::Migrate(fresh_->url(), {pg::MigrationSet{"brain", Migrations()}});
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
    redis_ =
        std::make_unique<redis::Client>(io_.context(0), redis::Options::FromUrl(test::RequiredEnv("OKADA_REDIS_URL")));
  }
  void TearDown() override {
    io_.RunOnEach([this](std::size_t) { redis_.reset(); });
    io_.Stop();
    db_.reset();
  }
  void Placed(const std::string& order, const std::string& customer, std::vector<std::string> products, std::int64_t at,
              const std::string& event_id) {
    json::array ids;
    for (const auto& p : products) ids.emplace_back(p);
    okada::events::Event e;
    e.id = event_id;
    e.type = "order.placed";
    e.at = Rfc3339(at);
    e.payload = json::serialize(json::object{{"v", 1},
                                             {"order_id", order},
                                             {"store_id", kStore},
                                             {"customer_id", customer},
                                             {"zone", "s0v7yk"},
                                             {"product_ids", ids}});
    test::Await(io_.context(0), Deliver(db_.get(), e));
  }
  std::int64_t Compute(std::int64_t as_of) {
    return test::Await(io_.context(0), store::ComputeViews(*db_, as_of, DeadlineIn(10s)));
  }
  std::vector<std::optional<std::string>> Join(const std::string& view, std::vector<features::Label> labels) {
    return test::Await(io_.context(0), store::PointInTime(*db_, *features::FindView(view), labels, DeadlineIn(10s)));
  }
  static double Field(const std::optional<std::string>& vals, const char* name) {
    return json::parse(*vals).at(name).to_number<double>();
  }

  static test::FreshDatabase* fresh_;
  IoPool io_{1};
  std::unique_ptr<pg::Database> db_;
  std::unique_ptr<redis::Client> redis_;
};
test::FreshDatabase* FeatureStoreTest::fresh_ = nullptr;

TEST_F(FeatureStoreTest, PointInTimeJoinNeverSeesTheFutureOrExpiredRows) {
  // Day 0 is nine days ago, so "now" is day 9 and rows as of day 8 are still alive in Redis.
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t d0 = now - 9 * kDay;
  Placed("ord_a1", kAlice, {kPlantain}, d0 + 1 * kDay, "01939000-0000-7000-8000-000000000001");
  Placed("ord_a2", kAlice, {kPlantain, kRice}, d0 + 5 * kDay, "01939000-0000-7000-8000-000000000002");
  Placed("ord_b1", kBob, {kRice}, d0 + 6 * kDay, "01939000-0000-7000-8000-000000000003");
  Placed("ord_a3", kAlice, {kRice}, d0 + 8 * kDay + 3600, "01939000-0000-7000-8000-000000000004");
  // The same event delivered again changes nothing.
  Placed("ord_a2", kAlice, {kPlantain, kRice}, d0 + 5 * kDay, "01939000-0000-7000-8000-000000000002");
  EXPECT_EQ(test::Psql(fresh_->url(), "SELECT count(*) FROM brain.interactions").at(0), "5");

  // Rows as of days 2, 6 and 8 (each from the data up to then only).
  EXPECT_GT(Compute(d0 + 2 * kDay), 0);
  Compute(d0 + 6 * kDay);
  Compute(d0 + 8 * kDay);
  EXPECT_EQ(Compute(d0 + 8 * kDay), Compute(d0 + 8 * kDay));  // idempotent

  const auto alice = Join("customer_activity", {{kAlice, d0 + 1 * kDay},         // before any row
                                                {kAlice, d0 + 2 * kDay},         // the day-2 row
                                                {kAlice, d0 + 3 * kDay + 7200},  // day 2, not day 6
                                                {kAlice, d0 + 8 * kDay + 1800},  // day 8: the day-8-01h order is later
                                                {kAlice, d0 + 10 * kDay + 1},    // day 8 expired (TTL 2 days)
                                                {kBob, d0 + 5 * kDay},           // Bob's first row is day 6
                                                {kAlice, d0 + 5 * kDay + 7200}});  // day 2 expired, day 6 future
  ASSERT_EQ(alice.size(), 7u);
  EXPECT_FALSE(alice[0].has_value());
  ASSERT_TRUE(alice[1].has_value());
  EXPECT_EQ(Field(alice[1], "orders_28d"), 1);
  ASSERT_TRUE(alice[2].has_value());
  EXPECT_EQ(Field(alice[2], "orders_28d"), 1) << "a label on day 3 must not see the day-5 order through the day-6 row";
  ASSERT_TRUE(alice[3].has_value());
  EXPECT_EQ(Field(alice[3], "orders_28d"), 2) << "the day-8 row must not count the order placed after it";
  EXPECT_EQ(Field(alice[3], "items_28d"), 3);
  EXPECT_NEAR(Field(alice[3], "days_since_last_order"), 3.0, 1e-3);
  EXPECT_EQ(json::parse(*alice[3]).at("home_zone").as_string(), "s0v7yk");
  EXPECT_FALSE(alice[4].has_value()) << "an expired row is missing, not stale";
  EXPECT_FALSE(alice[5].has_value());
  EXPECT_FALSE(alice[6].has_value()) << "with the day-2 row expired and the day-6 row in the future: missing";

  const auto rice = Join("product_popularity", {{kRice, d0 + 7 * kDay}, {kRice, d0 + 9 * kDay}});
  EXPECT_EQ(Field(rice[0], "orders_28d"), 2);  // ord_a2, ord_b1 (day 6 row)
  EXPECT_EQ(Field(rice[1], "orders_28d"), 2);  // day 8 row: ord_a3 came after 8d 00:00
  EXPECT_EQ(Field(rice[1], "customers_28d"), 2);

  // Online: the latest usable rows in Redis, expiring with the row.
  for (const features::View& v : features::Views())
    test::Await(io_.context(0), store::Materialise(*db_, *redis_, v, now, DeadlineIn(10s)));
  const auto online = test::Await(io_.context(0), store::Online(*redis_, "customer_activity", kAlice, DeadlineIn(5s)));
  EXPECT_EQ(online.at("orders_28d"), "2");
  EXPECT_EQ(online.at("_as_of"), std::to_string(d0 + 8 * kDay));
  std::vector<std::string> ttl_command{"PTTL", store::OnlineKey("customer_activity", kAlice)};
  const redis::Reply ttl = test::Await(io_.context(0), redis_->Command(ttl_command, DeadlineIn(5s)));
  EXPECT_GT(ttl.integer, 0);
  EXPECT_LE(ttl.integer, 1 * kDay * 1000 + 5000);  // the day-8 row lives until day 10; now is day 9
  // A customer whose only row is too old is not materialised.
  test::Psql(fresh_->url(), "DELETE FROM brain.feature_rows WHERE entity = '" + kBob + "'");
  test::Psql(fresh_->url(),
             "INSERT INTO brain.feature_rows (view, entity, as_of, vals) VALUES ('customer_activity', '" + kBob +
                 "', to_timestamp(" + std::to_string(d0) + "), '{\"orders_28d\": 9}')");
  std::vector<std::string> del{"DEL", store::OnlineKey("customer_activity", kBob)};
  test::Await(io_.context(0), redis_->Command(del, DeadlineIn(5s)));
  test::Await(io_.context(0),
              store::Materialise(*db_, *redis_, *features::FindView("customer_activity"), now, DeadlineIn(10s)));
  EXPECT_TRUE(test::Await(io_.context(0), store::Online(*redis_, "customer_activity", kBob, DeadlineIn(5s))).empty());
}

TEST_F(FeatureStoreTest, ListingsKeepTheNewestEvent) {
  const auto listing = [&](std::int64_t price, bool available, const std::string& at, const std::string& id) {
    okada::events::Event e;
    e.id = id;
    e.type = "listing.updated";
    e.at = at;
    e.payload = json::serialize(json::object{
        {"v", 1}, {"store_id", kStore}, {"product_id", kRice}, {"price_xaf", price}, {"available", available}});
    test::Await(io_.context(0), Deliver(db_.get(), e));
  };
  listing(4500, true, "2026-11-01T10:00:00Z", "01939000-0000-7000-8000-000000000010");
  listing(4700, false, "2026-11-02T10:00:00Z", "01939000-0000-7000-8000-000000000011");
  listing(4400, true, "2026-11-01T12:00:00Z", "01939000-0000-7000-8000-000000000012");  // late and older: ignored
  EXPECT_EQ(test::Psql(fresh_->url(), "SELECT price_xaf || ' ' || available FROM brain.listings").at(0), "4700 false");
  // Garbage never crashes the consumer.
  okada::events::Event bad;
  bad.id = "01939000-0000-7000-8000-000000000013";
  bad.type = "order.placed";
  bad.payload = "{not json";
  EXPECT_NO_THROW(test::Await(io_.context(0), Deliver(db_.get(), bad)));
}

TEST_F(FeatureStoreTest, RiderActivityFromDeliveryEvents) {
  const std::string rider = "0193a5c2-9b33-7e50-9c73-4d3e5f6071aa";
  const std::int64_t t0 = 1'950'000'000;
  const auto outcome = [&](const std::string& type, int n, std::int64_t at) {
    okada::events::Event e;
    e.id = "01939000-0000-7000-8000-0000000001" + std::to_string(10 + n);
    e.type = type;
    e.at = Rfc3339(at);
    e.payload =
        json::serialize(json::object{{"v", 1},
                                     {"delivery_id", "0193a5c2-7f10-7c3e-9a51-2b1c3d4e5f" + std::to_string(10 + n)},
                                     {"order_id", "ord_x" + std::to_string(n)},
                                     {"rider_id", rider}});
    test::Await(io_.context(0), Deliver(db_.get(), e));
  };
  outcome("delivery.delivered", 1, t0 - 20 * kDay);
  outcome("delivery.delivered", 2, t0 - 2 * kDay);
  outcome("delivery.failed", 3, t0 - 1 * kDay);
  outcome("delivery.delivered", 4, t0 + kDay);      // after the as-of time: not counted
  outcome("delivery.delivered", 2, t0 - 2 * kDay);  // redelivered: once
  Compute(t0);
  const auto row = Join("rider_activity", {{rider, t0 + 3600}});
  ASSERT_TRUE(row[0].has_value());
  EXPECT_EQ(Field(row[0], "deliveries_28d"), 2);
  EXPECT_EQ(Field(row[0], "deliveries_7d"), 1);
  EXPECT_EQ(Field(row[0], "failed_28d"), 1);
  EXPECT_NEAR(Field(row[0], "success_rate_28d"), 0.6667, 1e-4);
}

TEST_F(FeatureStoreTest, DriftAlertsOnAHalfSdShiftAndOutcomesAreCounted) {
  // Rows of two views a week apart, 800 entities each: customer_activity's orders_28d moves up by half a standard
  // deviation (mean 6, sd 2 → 7); everything else is drawn from the same distributions.
  const std::int64_t now = 1'900'000'000, week = 7 * kDay;
  test::Psql(fresh_->url(), "DELETE FROM brain.feature_rows");
  const auto rows = [&](std::int64_t as_of, double shift, int seed) {
    return "SELECT setseed(" + std::to_string(seed) +
           " / 100.0); "
           "INSERT INTO brain.feature_rows (view, entity, as_of, vals) SELECT v, 'e' || g, to_timestamp(" +
           std::to_string(as_of) + "), jsonb_build_object('orders_28d', round((6 + " + std::to_string(shift) +
           " + 2 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))::numeric, 3), "
           "'days_since_last_order', 3 + random(), "
           "'home_zone', (ARRAY['s0v7yk','s0v7ym','s0v7yq'])[1 + floor(random() * 3)::int], 'orders_7d', "
           "floor(random() * 10)) FROM generate_series(1, 800) g, unnest(ARRAY['customer_activity', "
           "'product_popularity']) v";
  };
  test::Psql(fresh_->url(), rows(now - week, 0, 1));
  test::Psql(fresh_->url(), rows(now, 2 * 0.5, 2));
  const auto drift = test::Await(io_.context(0), store::FeatureDrift(*db_, now + 60, week, DeadlineIn(10s)));
  std::map<std::string, monitoring::FeatureDrift> by;
  for (const store::ViewDrift& v : drift)
    for (const monitoring::FeatureDrift& f : v.drift.features) by[v.view + "." + f.feature] = f;
  ASSERT_TRUE(by.count("customer_activity.orders_28d"));
  EXPECT_EQ(by["customer_activity.orders_28d"].level, monitoring::Level::kAlert)
      << by["customer_activity.orders_28d"].psi;
  EXPECT_EQ(by["customer_activity.days_since_last_order"].level, monitoring::Level::kOk);
  EXPECT_EQ(by["customer_activity.home_zone"].level, monitoring::Level::kOk);
  EXPECT_TRUE(by["customer_activity.home_zone"].categorical);
  EXPECT_EQ(by["product_popularity.orders_7d"].level, monitoring::Level::kOk);
  // An unshifted week later: quiet.
  test::Psql(fresh_->url(), rows(now + week, 2 * 0.5, 3));
  const auto later = test::Await(io_.context(0), store::FeatureDrift(*db_, now + week + 60, week, DeadlineIn(10s)));
  for (const store::ViewDrift& v : later)
    for (const monitoring::FeatureDrift& f : v.drift.features)
      EXPECT_EQ(f.level, monitoring::Level::kOk) << v.view << "." << f.feature << " psi " << f.psi;

  // Outcomes: two home feeds; Alice then buys one of hers, Bob buys something else.
  test::Psql(fresh_->url(),
             "INSERT INTO brain.predictions (at, endpoint, customer_id, model, version, variant, items, latency_us) "
             "VALUES (now() - interval '2 days', 'home', '" +
                 kAlice + "', 'recs', 1, 'champion', ARRAY['" + kRice + "','" + kPlantain +
                 "'], 500), (now() - interval '2 days', 'home', '" + kBob + "', 'recs', 1, 'champion', ARRAY['" +
                 kPlantain + "'], 500)");
  test::Psql(fresh_->url(),
             "INSERT INTO brain.interactions (order_id, product_id, customer_id, store_id, at) VALUES "
             "('ord_out1', '" +
                 kRice + "', '" + kAlice + "', '" + kStore + "', now() - interval '1 day'), ('ord_out2', '" + kRice +
                 "', '" + kBob + "', '" + kStore + "', now() - interval '1 day')");
  const auto outcomes = test::Await(io_.context(0), store::RecsOutcomes(*db_, DeadlineIn(10s)));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].variant, "champion");
  EXPECT_EQ(outcomes[0].served, 2);
  EXPECT_EQ(outcomes[0].converted, 1);
}

}  // namespace
}  // namespace okada::brain
