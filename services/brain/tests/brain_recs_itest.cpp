// Recommendation serving in a running platform: products listed by a merchant reach the brain through
// listing.updated, orders through order.placed; without a model popularity answers, by neighbourhood; a closed
// store's products are not recommended; a customer's new order shows in "buy again" at once (the Redis-cached
// history is marked stale after the event commits); a model promoted in the registry is picked up and answers
// (champion, and the challenger for a stable share of customers), newcomers get the cold-start popularity; cart and
// similar-item recommendations leave out what they are about; every answer is logged with its model version;
// bad requests get problem+json, not a crash.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "okada/brain/recs/recs_model.hpp"
#include "okada/brain/registry/registry.hpp"
#include "platform.hpp"
#include "support/test_support.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
namespace recs = okada::brain::recs;
namespace registry = okada::brain::registry;
using namespace std::chrono_literals;

std::int64_t Count(const std::string& db, const std::string& sql) { return std::stoll(Psql(db, sql).at(0)); }

std::vector<std::string> Ids(const std::string& body) {
  std::vector<std::string> out;
  const json::value parsed = json::parse(body);
  for (const json::value& v : parsed.at("items").as_array()) out.emplace_back(v.at("product_id").as_string());
  return out;
}

std::string Variant(const std::string& body) {
  const json::value parsed = json::parse(body);
  return std::string(parsed.at("model").at("variant").as_string());
}

// A model over the platform's product ids: customers who buy plantain buy rice; beer goes with soya.
void PromoteModel(const std::filesystem::path& registry_dir, const std::vector<std::string>& products, bool promote) {
  recs::Dataset d;
  d.items = products;  // plantain, rice, beer, soya, savon
  for (std::uint32_t u = 0; u < 200; ++u) {
    d.users.push_back("u" + std::to_string(u));
    for (int visit = 0; visit < 4; ++visit) {
      const std::int64_t t = 1767225600 + 86400LL * (visit * 7 + static_cast<int>(u % 7));
      if (u % 2 == 0) {
        d.rows.push_back({u, 0, t, 1});
        d.rows.push_back({u, 1, t, 1});
      } else {
        d.rows.push_back({u, 2, t, 1});
        d.rows.push_back({u, 3, t, 1});
      }
      if (u % 10 == 0) d.rows.push_back({u, 4, t, 1});
    }
  }
  recs::MergeAndSort(d.rows);
  recs::EvalOptions o;
  o.repeat = true;
  o.als_factors = 4;
  o.als_iterations = 3;
  recs::BlendChoice choice = recs::LearnBlend(d.rows, d.users.size(), d.items.size(), o);
  const recs::TrainData train = recs::BuildTrainData(d.rows, d.users.size(), d.items.size());
  const auto hybrid = recs::BuildHybrid(d.rows, train, o, choice);
  std::filesystem::create_directories(registry_dir);
  const std::filesystem::path file = registry_dir.string() + "-model.okrecs";
  recs::SaveRecsModel(file.string(), d.items, train.latest, *hybrid);
  registry::Registry r(registry_dir);
  registry::ModelVersion v;
  v.model = "recs";
  v.primary_metric = "ndcg@10";
  v.metrics = {{"ndcg@10", promote ? 0.5 : 0.4}};
  if (auto c = r.ByAlias("recs", "champion")) {
    v.compared_with = c->version;
    v.champion_metrics = {{"ndcg@10", 0.45}};
  }
  const registry::ModelVersion registered = r.Register(v, file);
  if (promote) {
    ASSERT_TRUE(r.Promote("recs", registered.version).promote);
  }
  std::filesystem::remove(file);
}

TEST(BrainRecsTest, ServesPopularityThenTheChampionAndChallengerWithinTheRules) {
  PlatformOptions po;
  po.config = {{"brain.recs_refresh_ms", "300"}, {"brain.recs_challenger_percent", "50"}};
  Platform p("brain_recs", po);
  const std::string db = p.db_url();
  auto m = p.NewMerchant("Marché Mboppi");
  const std::vector<std::string> products = {
      p.NewListedProduct(m, "Plantain (régime)", 2500, 50), p.NewListedProduct(m, "Riz parfumé 5 kg", 6000, 50),
      p.NewListedProduct(m, "Bière 33 Export 65 cl", 700, 50), p.NewListedProduct(m, "Soya (brochettes)", 1000, 50),
      p.NewListedProduct(m, "Savon de Marseille", 400, 50)};
  // The event streams are shared by every suite's platform on the test Redis: the brain may first work through
  // other suites' events, hence the long wait.
  ASSERT_TRUE(Eventually(
      [&] {
        return Count(db,
                     "SELECT count(*) FROM brain.listings WHERE product_id IN (SELECT "
                     "unnest(ARRAY['" +
                         products[0] + "','" + products[1] + "','" + products[2] + "','" + products[3] + "','" +
                         products[4] + "']::uuid[]))") == 5;
      },
      90s))
      << "listing.updated did not reach the brain";

  // Three customers buy plantain (one with rice, one with beer): order.placed → brain.interactions.
  int key = 0;
  // A second merchant whose store is closed every day (set before anything asked about it, so no cache holds
  // the old hours): its ndolé sells most, yet is never recommended.
  auto closed = p.NewMerchant("Chez Mama Ndolé");
  const std::string closed_week = R"({"opening_hours":[null,null,null,null,null,null,null]})";
  ASSERT_EQ(p.CallAs(closed.token, "PATCH", "/v1/stores/" + closed.store, closed_week).status, 200);
  const std::string ndole = p.NewListedProduct(closed, "Ndolé aux crevettes", 3000, 50);
  const auto order_at = [&](Platform::Account& c, const Platform::Merchant& from, std::vector<std::string> items,
                            const std::string& lat, const std::string& lon) {
    for (const std::string& item : items)
      ASSERT_EQ(p.CallAs(c.access_token, "PUT", "/v1/carts/" + from.store + "/lines/" + item, R"({"qty":1})").status,
                200);
    const std::string body = R"({"store_id":")" + from.store +
                             R"(","payment_method":"cash","delivery":{"location":{"lat":)" + lat + R"(,"lon":)" + lon +
                             "}}}";
    auto res = p.CallAs(c.access_token, "POST", "/v1/checkout", body,
                        {{"Idempotency-Key", "recs-" + std::to_string(++key) + "-" + c.id}});
    ASSERT_EQ(res.status, 201) << res.body;
  };
  // Akwa (geohash s0wzh), near the store.
  const auto order = [&](Platform::Account& c, std::vector<int> items) {
    std::vector<std::string> ids;
    for (int i : items) ids.push_back(products[static_cast<std::size_t>(i)]);
    order_at(c, m, ids, "4.0530", "9.6970");
  };
  Platform::Account a = p.SignUp(), b = p.SignUp(), c = p.SignUp(), newcomer = p.SignUp(), e = p.SignUp();
  order(a, {0, 1});
  order(b, {0});
  order(c, {0, 2});
  for (int i = 0; i < 4; ++i) order_at(e, closed, {ndole}, "4.0530", "9.6970");
  ASSERT_TRUE(Eventually(
      [&] {
        return Count(db, "SELECT count(*) FROM brain.interactions WHERE customer_id IN ('" + a.id + "','" + b.id +
                             "','" + c.id + "','" + e.id + "')") == 9;
      },
      90s))
      << "order.placed did not reach the brain";

  // No model yet: popularity (plantain first), for a newcomer too. The catalogue is refreshed from events: wait until
  // it holds all three listings, not just the first one seen (the beer's listing.updated can land after plantain's).
  HttpResult all;
  ASSERT_TRUE(Eventually([&] {
    all = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?limit=20");
    return all.status == 200 && Ids(all.body).size() >= 3;
  })) << "plantain, rice, beer: "
      << all.status << " " << all.body;
  EXPECT_EQ(Ids(all.body).size(), 3u) << "plantain, rice, beer: " << all.body;
  HttpResult home = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?limit=3");
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_EQ(Variant(home.body), "fallback");
  EXPECT_EQ(Ids(home.body).front(), products[0]);
  EXPECT_LE(Ids(home.body).size(), 3u);
  for (const auto& id : Ids(all.body)) EXPECT_NE(id, ndole) << "the closed store's ndolé was recommended";
  const json::value first = json::parse(home.body);
  EXPECT_EQ(first.at("items").as_array()[0].at("price_xaf").as_int64(), 2500);
  // Buy again: a's own products.
  auto again = p.CallAs(a.access_token, "GET", "/v1/brain/recs/buy-again");
  ASSERT_EQ(again.status, 200) << again.body;
  auto mine = Ids(again.body);
  std::sort(mine.begin(), mine.end());
  std::vector<std::string> bought = {products[0], products[1]};
  std::sort(bought.begin(), bought.end());
  EXPECT_EQ(mine, bought);

  // Popularity by neighbourhood: d, 3 km east (geohash s0wzj), buys soya twice. A newcomer there sees soya
  // first; one in Akwa still sees plantain. d's third order (rice) shows in "buy again" at once.
  Platform::Account d = p.SignUp();
  order_at(d, m, {products[3]}, "4.0700", "9.7200");
  order_at(d, m, {products[3]}, "4.0700", "9.7200");
  ASSERT_TRUE(Eventually(
      [&] { return Count(db, "SELECT count(*) FROM brain.interactions WHERE customer_id = '" + d.id + "'") == 2; },
      90s));
  ASSERT_TRUE(Eventually([&] {
    home = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?lat=4.0700&lon=9.7200");
    return home.status == 200 && !Ids(home.body).empty() && Ids(home.body).front() == products[3];
  })) << home.body;
  home = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?lat=4.0530&lon=9.6970");
  ASSERT_EQ(home.status, 200);
  ASSERT_FALSE(Ids(home.body).empty());
  EXPECT_EQ(Ids(home.body).front(), products[0]) << home.body;
  auto d_again = p.CallAs(d.access_token, "GET", "/v1/brain/recs/buy-again");
  ASSERT_EQ(d_again.status, 200);
  EXPECT_EQ(Ids(d_again.body), std::vector<std::string>{products[3]});  // now cached in Redis
  order_at(d, m, {products[1]}, "4.0700", "9.7200");
  EXPECT_TRUE(Eventually(
      [&] {
        d_again = p.CallAs(d.access_token, "GET", "/v1/brain/recs/buy-again");
        return Ids(d_again.body).size() == 2;
      },
      90s))
      << "the cached history was not marked stale: " << d_again.body;

  // Far away (Yaoundé): the Douala store does not deliver there.
  auto far = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?lat=3.8480&lon=11.5021");
  ASSERT_EQ(far.status, 200);
  EXPECT_TRUE(Ids(far.body).empty()) << far.body;

  // A champion in the registry is picked up and answers.
  const std::filesystem::path reg = p.state_dir() / "brain" / "registry";
  PromoteModel(reg, products, true);
  ASSERT_TRUE(Eventually([&] {
    home = p.CallAs(b.access_token, "GET", "/v1/brain/recs/home?limit=5");
    return home.status == 200 && Variant(home.body) != "fallback";
  })) << home.body;
  const json::value served = json::parse(home.body);
  EXPECT_EQ(served.at("model").at("version").as_int64(), 1);
  // A customer without purchases: the cold-start popularity, not the model.
  auto cold = p.CallAs(newcomer.access_token, "GET", "/v1/brain/recs/home?lat=4.0700&lon=9.7200");
  ASSERT_EQ(cold.status, 200) << cold.body;
  EXPECT_EQ(Variant(cold.body), "cold_start");
  ASSERT_FALSE(Ids(cold.body).empty());
  EXPECT_EQ(Ids(cold.body).front(), products[3]);
  // Plantain's companion is rice: first in the cart suggestions, and the cart's own product is left out.
  auto cart = p.CallAs(b.access_token, "POST", "/v1/brain/recs/bought-together",
                       R"({"product_ids":[")" + products[0] + R"("]})");
  ASSERT_EQ(cart.status, 200) << cart.body;
  ASSERT_FALSE(Ids(cart.body).empty());
  EXPECT_EQ(Ids(cart.body).front(), products[1]) << cart.body;
  for (const auto& id : Ids(cart.body)) EXPECT_NE(id, products[0]);
  auto similar = p.CallAs(b.access_token, "GET", "/v1/brain/recs/similar/" + products[2]);
  ASSERT_EQ(similar.status, 200) << similar.body;
  ASSERT_FALSE(Ids(similar.body).empty());
  EXPECT_EQ(Ids(similar.body).front(), products[3]) << "beer goes with soya";
  for (const auto& id : Ids(similar.body)) EXPECT_NE(id, products[2]);

  // A challenger: half of the customers (a stable hash) get it, the others the champion; admins can ask for
  // any customer.
  PromoteModel(reg, products, false);
  // Forty customers with a purchase each (written straight into the brain's table: customers without history
  // would get the cold-start popularity, not a model).
  // Ids of this run only (the test Redis caches histories across runs).
  char run[8];
  std::snprintf(run, sizeof run, "%04x", static_cast<unsigned>(std::random_device{}() & 0xffff));
  const std::string prefix = std::string("0193a5c2-9b33-7e50-") + run + "-";
  const auto customer = [&](int i) {
    char tail[16];
    std::snprintf(tail, sizeof tail, "%012d", i);
    return prefix + tail;
  };
  Psql(db,
       "INSERT INTO brain.interactions (order_id, product_id, customer_id, store_id, zone, at) SELECT 'ab-' || i, '" +
           products[0] + "', ('" + prefix + "' || lpad(i::text, 12, '0'))::uuid, '" + m.store +
           "', 's0wzh9', now() - interval '1 day' FROM generate_series(0, 39) i");
  Platform::Account admin = p.SignUp();
  const std::string admin_token = p.Promote(admin, "admin");
  const auto variant_of = [&](int i) {
    auto x = p.CallAs(admin_token, "GET", "/v1/brain/recs/home?customer_id=" + customer(i));
    return x.status == 200 ? Variant(x.body) : "HTTP " + std::to_string(x.status);
  };
  // Wait until the challenger is loaded (some customer gets it), then count over all forty in one pass.
  ASSERT_TRUE(Eventually([&] {
    for (int i = 0; i < 40; ++i)
      if (variant_of(i) == "challenger") return true;
    return false;
  }));
  int challenger = 0, champion = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string v = variant_of(i);
    challenger += v == "challenger";
    champion += v == "champion";
    EXPECT_EQ(variant_of(i), v) << "the variant is stable per customer";
  }
  EXPECT_EQ(challenger + champion, 40) << "customers with a history get a model";
  EXPECT_GT(challenger, 5);
  EXPECT_GT(champion, 5);

  // Every answer is logged with its model version.
  ASSERT_TRUE(Eventually([&] {
    return Count(db, "SELECT count(*) FROM brain.predictions WHERE variant = 'champion' AND version = 1") > 0 &&
           Count(db, "SELECT count(*) FROM brain.predictions WHERE variant = 'fallback' AND version = 0") > 0 &&
           Count(db, "SELECT count(*) FROM brain.predictions WHERE variant = 'cold_start' AND version = 0") > 0 &&
           Count(db, "SELECT count(*) FROM brain.predictions WHERE variant = 'challenger' AND version = 2") > 0;
  }));

  // Bad requests: problem+json with field errors, never a crash; riders and strangers are refused.
  auto bad = p.CallAs(a.access_token, "GET", "/v1/brain/recs/home?limit=ten&lat=4.05");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("\"limit\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("\"lon\""), std::string::npos) << bad.body;
  EXPECT_EQ(p.CallAs(a.access_token, "POST", "/v1/brain/recs/bought-together", R"({"product_ids":[]})").status, 422);
  EXPECT_EQ(p.CallAs(a.access_token, "POST", "/v1/brain/recs/bought-together", R"({"product_ids":["x"]})").status, 422);
  EXPECT_EQ(p.CallAs(a.access_token, "POST", "/v1/brain/recs/bought-together", "{oops").status, 400);
  EXPECT_EQ(p.CallAs(a.access_token, "GET", "/v1/brain/recs/similar/not-a-product").status, 404);
  EXPECT_EQ(p.Call("GET", "/v1/brain/recs/home").status, 401);
  Platform::Account rider = p.SignUp();
  const std::string rider_token = p.Promote(rider, "rider");
  EXPECT_EQ(p.CallAs(rider_token, "GET", "/v1/brain/recs/home").status, 403);
  EXPECT_NE(p.Call("GET", "/metrics").body.find("okada_brain_recs_seconds"), std::string::npos);
}

}  // namespace
}  // namespace okada::test
