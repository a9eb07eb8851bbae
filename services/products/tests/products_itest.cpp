// The products service through the whole platform (gateway, auth, users, products in-process on a fresh
// database, real Redis): search (typos, accents, both languages, filters, sorts, cursors, ETag, cache
// invalidation), CSV import with bad rows among thousands, stock reservations under concurrency, commit/release/
// expiry, audited adjustments with stock.low, and merchant isolation.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "okada/core/access/access.hpp"
#include "okada/core/crypto/random.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {
namespace json = boost::json;

json::value Parse(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

json::array Items(const std::string& body) {
  json::value v = Parse(body);
  if (!v.is_object() || !v.as_object().contains("items")) return {};
  return v.at("items").as_array();
}

std::vector<std::string> Names(const std::string& body, const char* field = "name_fr") {
  std::vector<std::string> out;
  for (const json::value& item : Items(body)) out.emplace_back(item.at(field).as_string());
  return out;
}

std::int64_t Int(const std::string& s) { return s.empty() ? -1 : std::stoll(s); }

class ProductsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PlatformOptions o;
    o.config["products.reservation_sweep_ms"] = "100";
    o.config["pg.pool_size"] = "16";
    o.config["pg.acquire_timeout_ms"] = "10000";
    o.config["http.body_limit"] = "5M";
    platform_ = new Platform("products", o);
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  Platform& p() { return *platform_; }
  static inline Platform* platform_ = nullptr;

  std::string Admin() { return p().MintToken(crypto::UuidV7(), "admin", crypto::UuidV7()); }
  std::string Support() { return p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7()); }
  std::map<std::string, std::string> ServiceHeaders() {
    return {{std::string(access::kServiceTokenHeader), access::LoadOrCreateServiceToken(p().state_dir())}};
  }
  HttpResult Internal(const std::string& method, const std::string& target, const std::string& body = {}) {
    return p().Call(method, target, body, ServiceHeaders());
  }

  using Merchant = Platform::Merchant;
  Merchant NewMerchant(const std::string& name, double lat = 4.05, double lon = 9.7) {
    return p().NewMerchant(name, lat, lon);
  }

  std::string NewProduct(const Merchant& m, const std::string& sku, const std::string& name_fr,
                         const std::string& name_en, const std::string& unit, const std::string& category,
                         const std::string& extra = "") {
    std::string body = R"({"sku":")" + sku + R"(","name_fr":")" + name_fr + R"(","name_en":")" + name_en +
                       R"(","unit":")" + unit + R"(","category":")" + category + "\"" + extra + "}";
    auto res = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products", body);
    EXPECT_EQ(res.status, 201) << res.body;
    return JsonField(res.body, "id");
  }

  void List(const Merchant& m, const std::string& product, std::int64_t price, std::int64_t on_hand,
            std::int64_t threshold = 5) {
    std::string body = R"({"price_xaf":)" + std::to_string(price) + R"(,"on_hand":)" + std::to_string(on_hand) +
                       R"(,"low_stock_threshold":)" + std::to_string(threshold) + "}";
    auto res = p().CallAs(m.token, "PUT", "/v1/stores/" + m.store + "/listings/" + product, body);
    EXPECT_EQ(res.status, 201) << res.body;
  }

  /// {on_hand, reserved} of a listing, read straight from the database.
  std::pair<std::int64_t, std::int64_t> Stock(const std::string& store, const std::string& product) {
    auto rows = Psql(p().db_url(), "SELECT on_hand || ',' || reserved FROM products.listings WHERE store_id = '" +
                                       store + "' AND product_id = '" + product + "'");
    if (rows.empty()) return {-1, -1};
    auto comma = rows[0].find(',');
    return {std::stoll(rows[0].substr(0, comma)), std::stoll(rows[0].substr(comma + 1))};
  }

  std::string ReserveBody(const std::string& order, const std::string& store,
                          const std::vector<std::pair<std::string, int>>& lines, int ttl_s = 900, bool commit = false) {
    json::array a;
    for (const auto& [product, qty] : lines) a.push_back(json::object{{"product_id", product}, {"qty", qty}});
    json::object o{{"order_id", order}, {"store_id", store}, {"lines", a}, {"ttl_s", ttl_s}, {"commit", commit}};
    return json::serialize(o);
  }
};

// --- search ---------------------------------------------------------------------------------------------------

TEST_F(ProductsTest, SearchFindsTyposAccentsAndBothLanguages) {
  Merchant m = NewMerchant("Marché Akwa");
  std::string plantain = NewProduct(m, "PL-1", "Plantain mûr", "Ripe plantain", "bunch", "groceries");
  std::string poulet = NewProduct(m, "PB-1", "Poulet braisé", "Grilled chicken", "plate", "meals");
  std::string savon = NewProduct(m, "SV-1", "Savon de Marseille", "Marseille soap", "piece", "household");
  std::string jus = NewProduct(m, "JA-1", "Jus d'ananas", "Pineapple juice", "l", "drinks");
  List(m, plantain, 1500, 10);
  List(m, poulet, 3500, 10);
  List(m, savon, 800, 0);
  List(m, jus, 1200, 10);
  const std::string in_store = "&store=" + m.store;

  auto typo = p().Call("GET", "/v1/products?q=plantin" + in_store);
  ASSERT_EQ(typo.status, 200) << typo.body;
  ASSERT_FALSE(Names(typo.body).empty()) << typo.body;
  EXPECT_EQ(Names(typo.body)[0], "Plantain mûr");

  auto accents = p().Call("GET", "/v1/products?q=poulet%20braise" + in_store);
  ASSERT_FALSE(Names(accents.body).empty()) << accents.body;
  EXPECT_EQ(Names(accents.body)[0], "Poulet braisé");

  auto english = p().Call("GET", "/v1/products?q=chicken" + in_store, "", {{"Accept-Language", "en"}});
  ASSERT_FALSE(Names(english.body).empty()) << english.body;
  EXPECT_EQ(Names(english.body)[0], "Poulet braisé");
  EXPECT_EQ(Names(english.body, "name")[0], "Grilled chicken") << "name follows Accept-Language";
  auto french = p().Call("GET", "/v1/products?q=savon" + in_store);
  ASSERT_FALSE(Names(french.body).empty()) << french.body;
  EXPECT_EQ(Names(french.body)[0], "Savon de Marseille");
  EXPECT_EQ(Items(french.body)[0].at("in_stock").as_bool(), false) << "listed with nothing on hand";
  auto none = p().Call("GET", "/v1/products?q=ordinateur" + in_store);
  EXPECT_TRUE(Items(none.body).empty()) << none.body;

  // Filters.
  auto groceries = p().Call("GET", "/v1/products?category=groceries" + in_store);
  EXPECT_EQ(Names(groceries.body), std::vector<std::string>{"Plantain mûr"}) << groceries.body;
  auto priced = p().Call("GET", "/v1/products?min_price=1000&max_price=2000&sort=price_asc" + in_store);
  EXPECT_EQ(Names(priced.body), (std::vector<std::string>{"Jus d'ananas", "Plantain mûr"})) << priced.body;
  auto asc = p().Call("GET", "/v1/products?sort=price_asc" + in_store);
  EXPECT_EQ(Names(asc.body),
            (std::vector<std::string>{"Savon de Marseille", "Jus d'ananas", "Plantain mûr", "Poulet braisé"}));
  auto desc = p().Call("GET", "/v1/products?sort=price_desc" + in_store);
  EXPECT_EQ(Names(desc.body),
            (std::vector<std::string>{"Poulet braisé", "Plantain mûr", "Jus d'ananas", "Savon de Marseille"}));
  auto near = p().Call("GET", "/v1/products?near=4.051,9.701&radius_m=1000&sort=distance" + in_store);
  ASSERT_EQ(Items(near.body).size(), 4u) << near.body;
  EXPECT_LT(Items(near.body)[0].at("distance_m").as_int64(), 1000);
  auto far = p().Call("GET", "/v1/products?near=3.8667,11.5167&radius_m=20000" + in_store);  // Yaoundé
  EXPECT_TRUE(Items(far.body).empty()) << far.body;
  auto bad = p().Call("GET", "/v1/products?sort=distance");
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto long_q = p().Call("GET", "/v1/products?q=" + std::string(101, 'a'));
  EXPECT_EQ(long_q.status, 422);
  EXPECT_EQ(p().Call("GET", "/v1/products?cursor=garbage").status, 422);

  // Cursor paging: 4 listings in pages of 3.
  auto page1 = p().Call("GET", "/v1/products?limit=3&sort=price_asc" + in_store);
  ASSERT_EQ(Items(page1.body).size(), 3u);
  std::string cursor = JsonField(page1.body, "next_cursor");
  ASSERT_NE(cursor, "null");
  auto page2 = p().Call("GET", "/v1/products?limit=3&sort=price_asc&cursor=" + cursor + in_store);
  ASSERT_EQ(Names(page2.body), std::vector<std::string>{"Poulet braisé"}) << page2.body;
  EXPECT_EQ(JsonField(page2.body, "next_cursor"), "null");

  // Archived products leave the results.
  ASSERT_EQ(p().CallAs(m.token, "POST", "/v1/products/" + jus + "/archive").status, 200);
  auto after = p().Call("GET", "/v1/products?sort=price_asc" + in_store);
  EXPECT_EQ(Names(after.body), (std::vector<std::string>{"Savon de Marseille", "Plantain mûr", "Poulet braisé"}));
  EXPECT_EQ(p().Call("GET", "/v1/products/" + jus).status, 404);

  // A product with its listings.
  auto one = p().Call("GET", "/v1/products/" + plantain);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(JsonField(one.body, "category"), "groceries");
  json::array listings = Parse(one.body).at("listings").as_array();
  ASSERT_EQ(listings.size(), 1u);
  EXPECT_EQ(listings[0].at("price_xaf").as_int64(), 1500);
}

TEST_F(ProductsTest, SearchETagAndCacheInvalidation) {
  Merchant m = NewMerchant("Boutique Bonapriso");
  std::string ndole = NewProduct(m, "ND-1", "Ndolè aux crevettes", "Ndole with shrimps", "plate", "meals");
  List(m, ndole, 2500, 5);
  const std::string url = "/v1/products?q=ndole&store=" + m.store;

  auto first = p().Call("GET", url);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(Names(first.body), std::vector<std::string>{"Ndolè aux crevettes"});
  std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());
  auto again = p().Call("GET", url);
  EXPECT_EQ(again.headers["x-cache"], "hit");
  EXPECT_EQ(again.headers["etag"], etag);
  EXPECT_EQ(again.body, first.body);
  auto not_modified = p().Call("GET", url, "", {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());

  // An edit invalidates every cached answer at once.
  auto patched = p().CallAs(m.token, "PATCH", "/v1/products/" + ndole, R"({"name_fr":"Ndolè royal"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(JsonField(patched.body, "name_en"), "Ndole with shrimps") << "only the fields sent change";
  auto fresh = p().Call("GET", url);
  EXPECT_EQ(fresh.headers["x-cache"], "miss");
  EXPECT_EQ(Names(fresh.body), std::vector<std::string>{"Ndolè royal"});
  EXPECT_NE(fresh.headers["etag"], etag);
  EXPECT_EQ(p().Call("GET", url, "", {{"If-None-Match", etag}}).status, 200);
}

// --- CSV import -----------------------------------------------------------------------------------------------

TEST_F(ProductsTest, CsvImportKeepsGoodRowsAndNamesBadOnes) {
  Merchant m = NewMerchant("Grossiste Mboppi");
  const int kRows = 3000;
  std::string csv = "sku,name_fr,name_en,unit,category,tags,store_id,price_xaf,on_hand\n";
  for (int i = 0; i < kRows; ++i) {
    std::string n = std::to_string(i);
    std::string unit = i == 500 ? "barrel" : "kg";
    std::string price = i == 1700 ? "abc" : std::to_string(100 + i);
    csv += "SKU-" + n + ",\"Article " + n + ", qualité\",Item " + n + "," + unit + ",groceries,vrac|lot," + m.store +
           "," + price + ",7\n";
  }
  const std::string before = Psql(p().db_url(), "SELECT now()::text").at(0);
  auto res =
      p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(res.status, 200) << res.body.substr(0, 500);
  // Autovacuum analyses the catalogue rarely (V001, ADR 0015): a bulk import refreshes its statistics itself.
  for (const char* table : {"products.products", "products.listings"}) {
    auto analysed = Psql(p().db_url(), std::string("SELECT coalesce(last_analyze >= '") + before +
                                           "'::timestamptz, false) FROM pg_stat_user_tables WHERE relid = '" + table +
                                           "'::regclass");
    EXPECT_EQ(analysed.at(0), "t") << table << " analysed after a bulk import";
  }
  EXPECT_EQ(Int(JsonField(res.body, "created")), kRows - 2);
  EXPECT_EQ(Int(JsonField(res.body, "updated")), 0);
  EXPECT_EQ(Int(JsonField(res.body, "failed")), 2);
  json::array errors = Parse(res.body).at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u) << res.body;
  EXPECT_EQ(errors[0].at("row").as_int64(), 502) << "data row 500 is spreadsheet row 502 (header is row 1)";
  EXPECT_EQ(errors[0].at("field").as_string(), "unit");
  EXPECT_EQ(errors[1].at("row").as_int64(), 1702);
  EXPECT_EQ(errors[1].at("field").as_string(), "price_xaf");

  auto count = Psql(p().db_url(), "SELECT count(*) FROM products.products WHERE merchant_id = '" + m.id + "'");
  EXPECT_EQ(count.at(0), std::to_string(kRows - 2));
  EXPECT_TRUE(Psql(p().db_url(), "SELECT id FROM products.products WHERE merchant_id = '" + m.id +
                                     "' AND sku IN ('SKU-500', 'SKU-1700')")
                  .empty())
      << "bad rows are absent";
  auto listings =
      Psql(p().db_url(), "SELECT count(*) FROM products.listings WHERE store_id = '" + m.store + "' AND on_hand = 7");
  EXPECT_EQ(listings.at(0), std::to_string(kRows - 2));
  auto name =
      Psql(p().db_url(), "SELECT name_fr FROM products.products WHERE sku = 'SKU-42' AND merchant_id = '" + m.id + "'");
  EXPECT_EQ(name.at(0), "Article 42, qualité");

  // Again with a new name and price: upserted by sku; the listing's stock is not touched by a re-import.
  std::string again = "sku,name_fr,unit,store_id,price_xaf,on_hand\nSKU-42,Article renommé,kg," + m.store +
                      ",999,50\nSKU-500,Article 500,kg,,,\n";
  auto res2 = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", again,
                         {{"Content-Type", "text/csv; charset=utf-8"}});
  ASSERT_EQ(res2.status, 200) << res2.body;
  EXPECT_EQ(Int(JsonField(res2.body, "created")), 1);
  EXPECT_EQ(Int(JsonField(res2.body, "updated")), 1);
  auto listing = Psql(p().db_url(),
                      "SELECT price_xaf || ',' || on_hand FROM products.listings l JOIN "
                      "products.products p ON p.id = l.product_id WHERE p.sku = 'SKU-42' AND "
                      "p.merchant_id = '" +
                          m.id + "'");
  EXPECT_EQ(listing.at(0), "999,7");
  // Imported rows publish what a single create or listing change publishes, in the same transaction.
  const std::string sku42 =
      "(SELECT id::text FROM products.products WHERE sku = 'SKU-42' AND merchant_id = '" + m.id + "')";
  EXPECT_EQ(Psql(p().db_url(),
                 "SELECT string_agg(type, ',' ORDER BY created_at, type) FROM products.outbox WHERE "
                 "payload->>'product_id' = " +
                     sku42)
                .at(0),
            "listing.updated,product.created,listing.updated,product.updated");
  EXPECT_EQ(Psql(p().db_url(),
                 "SELECT payload->>'price_xaf' FROM products.outbox WHERE type = 'listing.updated' AND "
                 "payload->>'product_id' = " +
                     sku42 + " ORDER BY created_at DESC LIMIT 1")
                .at(0),
            "999");
  EXPECT_EQ(Psql(p().db_url(),
                 "SELECT count(*) FROM products.outbox WHERE type = 'listing.updated' AND "
                 "payload->>'merchant_id' = '" +
                     m.id + "'")
                .at(0),
            std::to_string(kRows - 2 + 1));

  // Whole-file problems.
  auto header = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", "sku,colour\nA,red\n",
                           {{"Content-Type", "text/csv"}});
  EXPECT_EQ(header.status, 422) << header.body;
  auto json_body = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", "{}");
  EXPECT_EQ(json_body.status, 415) << json_body.body;
  auto broken = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import",
                           "sku,name_fr,unit\n\"A,b,kg\n", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(broken.status, 422);
  EXPECT_EQ(JsonField(broken.body, "code"), "CSV_MALFORMED");
  // Another merchant's store in a row is refused for that row only.
  Merchant other = NewMerchant("Autre commerce");
  std::string foreign =
      "sku,name_fr,unit,store_id,price_xaf\nFX-1,Article,kg," + other.store + ",100\nFX-2,Article,kg,,\n";
  auto res3 = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", foreign,
                         {{"Content-Type", "text/csv"}});
  ASSERT_EQ(res3.status, 200) << res3.body;
  EXPECT_EQ(Int(JsonField(res3.body, "created")), 1);
  EXPECT_EQ(Int(JsonField(res3.body, "failed")), 1);
  // A listing column without a price for a new listing names price_xaf.
  std::string no_price = "sku,name_fr,unit,store_id,on_hand\nNP-1,Article,kg," + m.store + ",3\n";
  auto res4 = p().CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products/import", no_price,
                         {{"Content-Type", "text/csv"}});
  ASSERT_EQ(res4.status, 200) << res4.body;
  EXPECT_EQ(Int(JsonField(res4.body, "failed")), 1) << res4.body;
  EXPECT_TRUE(Psql(p().db_url(), "SELECT id FROM products.products WHERE sku = 'NP-1'").empty())
      << "the product of a refused row is not half-applied";
}

// --- reservations ---------------------------------------------------------------------------------------------

TEST_F(ProductsTest, ConcurrentReservationsNeverOversell) {
  Merchant m = NewMerchant("Supermarché Mahima");
  std::string riz = NewProduct(m, "RIZ-1", "Riz parfumé", "Fragrant rice", "kg", "groceries");
  List(m, riz, 900, 20);
  const int kBuyers = 100;
  std::atomic<int> ok{0}, out_of_stock{0}, other{0};
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> min_available{1000};
  std::thread sampler([&] {
    while (!done.load()) {
      auto [on_hand, reserved] = Stock(m.store, riz);
      std::int64_t v = on_hand - reserved;
      std::int64_t cur = min_available.load();
      while (v < cur && !min_available.compare_exchange_weak(cur, v)) {
      }
    }
  });
  std::vector<std::thread> buyers;
  for (int i = 0; i < kBuyers; ++i) {
    buyers.emplace_back([&] {
      auto res = Internal("POST", "/internal/v1/reservations", ReserveBody(crypto::UuidV7(), m.store, {{riz, 1}}));
      if (res.status == 201)
        ++ok;
      else if (res.status == 409 && JsonField(res.body, "code") == "OUT_OF_STOCK")
        ++out_of_stock;
      else
        ++other;
    });
  }
  for (auto& t : buyers) t.join();
  done = true;
  sampler.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(out_of_stock.load(), kBuyers - 20);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(min_available.load(), 0);
  EXPECT_EQ(Stock(m.store, riz), (std::pair<std::int64_t, std::int64_t>{20, 20}));
}

TEST_F(ProductsTest, ReservationsAreIdempotentAndCommitReleaseExpire) {
  Merchant m = NewMerchant("Épicerie Mvog-Mbi");
  std::string huile = NewProduct(m, "HU-1", "Huile de palme", "Palm oil", "l", "groceries");
  std::string sel = NewProduct(m, "SE-1", "Sel", "Salt", "kg", "groceries");
  std::string unlisted = NewProduct(m, "UN-1", "Article non listé", "Unlisted", "piece", "groceries");
  List(m, huile, 1800, 10);
  List(m, sel, 300, 2);

  // Quote: prices, stock, and unlisted lines marked unavailable.
  std::string quote = R"({"store_id":")" + m.store + R"(","lines":[{"product_id":")" + huile +
                      R"(","qty":2},{"product_id":")" + unlisted + R"(","qty":1}]})";
  auto q = Internal("POST", "/internal/v1/listings/quote", quote);
  ASSERT_EQ(q.status, 200) << q.body;
  json::array ql = Parse(q.body).at("lines").as_array();
  ASSERT_EQ(ql.size(), 2u);
  EXPECT_EQ(ql[0].at("unit_price_xaf").as_int64(), 1800);
  EXPECT_EQ(ql[0].at("in_stock").as_int64(), 10);
  EXPECT_TRUE(ql[0].at("available").as_bool());
  EXPECT_FALSE(ql[1].at("available").as_bool());

  // Idempotent by order id.
  std::string order = crypto::UuidV7();
  auto first = Internal("POST", "/internal/v1/reservations", ReserveBody(order, m.store, {{huile, 3}}));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(JsonField(first.body, "status"), "held");
  auto second = Internal("POST", "/internal/v1/reservations", ReserveBody(order, m.store, {{huile, 3}}));
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(JsonField(second.body, "lines"), JsonField(first.body, "lines"));
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 3}));
  EXPECT_EQ(Parse(first.body).at("lines").at(0).at("unit_price_xaf").as_int64(), 1800);

  // Commit takes the stock for good (twice is once); release of a committed order returns it.
  auto commit = Internal("POST", "/internal/v1/reservations/" + order + "/commit");
  ASSERT_EQ(commit.status, 200) << commit.body;
  EXPECT_EQ(JsonField(commit.body, "status"), "committed");
  EXPECT_EQ(Internal("POST", "/internal/v1/reservations/" + order + "/commit").status, 200);
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{7, 0}));
  auto release = Internal("POST", "/internal/v1/reservations/" + order + "/release");
  ASSERT_EQ(release.status, 200) << release.body;
  EXPECT_EQ(JsonField(release.body, "status"), "released");
  EXPECT_EQ(Internal("POST", "/internal/v1/reservations/" + order + "/release").status, 200);
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 0}));

  // Releasing a held reservation returns the reserved units.
  std::string held = crypto::UuidV7();
  ASSERT_EQ(Internal("POST", "/internal/v1/reservations", ReserveBody(held, m.store, {{huile, 4}})).status, 201);
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 4}));
  ASSERT_EQ(Internal("POST", "/internal/v1/reservations/" + held + "/release").status, 200);
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 0}));

  // An unknown order is "absent" (a saga compensating a reservation that was never made).
  auto absent = Internal("POST", "/internal/v1/reservations/" + crypto::UuidV7() + "/release");
  EXPECT_EQ(absent.status, 200);
  EXPECT_EQ(JsonField(absent.body, "status"), "absent");
  EXPECT_EQ(Internal("GET", "/internal/v1/reservations/" + crypto::UuidV7()).status, 404);

  // One short line refuses the whole reservation, naming the product; nothing stays reserved.
  std::string greedy = crypto::UuidV7();
  auto short_line = Internal("POST", "/internal/v1/reservations", ReserveBody(greedy, m.store, {{huile, 1}, {sel, 3}}));
  EXPECT_EQ(short_line.status, 409) << short_line.body;
  EXPECT_EQ(JsonField(short_line.body, "code"), "OUT_OF_STOCK");
  EXPECT_NE(short_line.body.find(sel), std::string::npos) << "the problem names the product";
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 0}));
  EXPECT_EQ(Internal("GET", "/internal/v1/reservations/" + greedy).status, 404);
  auto not_sold =
      Internal("POST", "/internal/v1/reservations", ReserveBody(crypto::UuidV7(), m.store, {{unlisted, 1}}));
  EXPECT_EQ(not_sold.status, 422) << not_sold.body;
  EXPECT_EQ(JsonField(not_sold.body, "code"), "PRODUCT_UNAVAILABLE");

  // commit=true takes the stock at once.
  std::string direct = crypto::UuidV7();
  auto now = Internal("POST", "/internal/v1/reservations", ReserveBody(direct, m.store, {{sel, 2}}, 900, true));
  ASSERT_EQ(now.status, 201) << now.body;
  EXPECT_EQ(JsonField(now.body, "status"), "committed");
  EXPECT_EQ(Stock(m.store, sel), (std::pair<std::int64_t, std::int64_t>{0, 0}));

  // The sweep expires a held reservation past its expiry and returns the stock (polled, not slept on).
  std::string brief = crypto::UuidV7();
  ASSERT_EQ(Internal("POST", "/internal/v1/reservations", ReserveBody(brief, m.store, {{huile, 5}}, 1)).status, 201);
  std::string status;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    status = JsonField(Internal("GET", "/internal/v1/reservations/" + brief).body, "status");
    if (status == "expired") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, "expired");
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{10, 0}));
  // Committing an expired reservation takes the stock again when it is still there.
  auto late = Internal("POST", "/internal/v1/reservations/" + brief + "/commit");
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(Stock(m.store, huile), (std::pair<std::int64_t, std::int64_t>{5, 0}));

  // End users never reach the internal routes.
  EXPECT_EQ(p().CallAs(m.token, "GET", "/internal/v1/reservations/" + order).status, 403);
}

// --- adjustments and authorisation ----------------------------------------------------------------------------

TEST_F(ProductsTest, AdjustmentsAreAuditedAndEmitStockLow) {
  Merchant m = NewMerchant("Pharmacie du Centre");
  std::string para = NewProduct(m, "PA-1", "Paracétamol 500 mg", "Paracetamol 500 mg", "pack", "pharmacy");
  List(m, para, 1000, 10, 3);
  const std::string base = "/v1/stores/" + m.store + "/listings/" + para;

  auto down =
      p().CallAs(m.token, "POST", base + "/adjustments", R"({"delta":-8,"reason":"damaged","note":"carton mouillé"})");
  ASSERT_EQ(down.status, 201) << down.body;
  EXPECT_EQ(Int(JsonField(down.body, "on_hand_after")), 2);
  EXPECT_EQ(JsonField(down.body, "low_stock"), "true");
  EXPECT_EQ(JsonField(down.body, "actor_id"), m.owner.id);
  auto low = Psql(p().db_url(),
                  "SELECT count(*) FROM products.outbox WHERE type = 'stock.low' AND "
                  "payload->>'product_id' = '" +
                      para + "'");
  EXPECT_EQ(low.at(0), "1");
  // Already low: no second alert.
  ASSERT_EQ(p().CallAs(m.token, "POST", base + "/adjustments", R"({"delta":-1,"reason":"theft"})").status, 201);
  low = Psql(p().db_url(),
             "SELECT count(*) FROM products.outbox WHERE type = 'stock.low' AND "
             "payload->>'product_id' = '" +
                 para + "'");
  EXPECT_EQ(low.at(0), "1");

  // Never below what orders hold.
  ASSERT_EQ(Internal("POST", "/internal/v1/reservations", ReserveBody(crypto::UuidV7(), m.store, {{para, 1}})).status,
            201);
  auto below = p().CallAs(m.token, "POST", base + "/adjustments", R"({"delta":-1,"reason":"count_correction"})");
  EXPECT_EQ(below.status, 409) << below.body;
  EXPECT_EQ(JsonField(below.body, "code"), "STOCK_BELOW_RESERVED");
  EXPECT_EQ(p().CallAs(m.token, "POST", base + "/adjustments", R"({"delta":5,"reason":"gift"})").status, 422);
  EXPECT_EQ(p().CallAs(m.token, "POST", base + "/adjustments", R"({"delta":0,"reason":"other"})").status, 422);

  auto trail = p().CallAs(m.token, "GET", "/v1/stores/" + m.store + "/adjustments");
  ASSERT_EQ(trail.status, 200) << trail.body;
  json::array items = Items(trail.body);
  ASSERT_EQ(items.size(), 3u) << trail.body;  // theft, damaged, opening stock (newest first)
  EXPECT_EQ(items[0].at("reason").as_string(), "theft");
  EXPECT_EQ(items[1].at("note").as_string(), "carton mouillé");
  EXPECT_EQ(items[2].at("delta").as_int64(), 10);

  auto inventory = p().CallAs(Support(), "GET", "/v1/stores/" + m.store + "/inventory");
  ASSERT_EQ(inventory.status, 200) << inventory.body;
  ASSERT_EQ(Items(inventory.body).size(), 1u);
  EXPECT_EQ(Items(inventory.body)[0].at("on_hand").as_int64(), 1);
  EXPECT_EQ(Items(inventory.body)[0].at("reserved").as_int64(), 1);

  // The stock of an existing listing changes only through adjustments.
  auto put = p().CallAs(m.token, "PUT", base, R"({"price_xaf":1100,"on_hand":50})");
  EXPECT_EQ(put.status, 409) << put.body;
  auto reprice = p().CallAs(m.token, "PUT", base, R"({"price_xaf":1100})");
  EXPECT_EQ(reprice.status, 200) << reprice.body;
  EXPECT_EQ(Int(JsonField(reprice.body, "on_hand")), 1);
}

// --- reorder advice ---------------------------------------------------------------------------------------------

// Four weeks of sales (committed orders, dated back in the database: the API cannot place an order in the past).
// Bread sells about 6 a day with 12 left and a 2-day lead time: order today, in whole packs of 10, and say why in
// the caller's language. Soap does not sell: nothing to order. Yoghurt restocked 4 days ago keeps 5 days: most of it
// expires before it sells.
TEST_F(ProductsTest, InventoryAdviceOrdersWholePacksAndSaysWhy) {
  Merchant m = NewMerchant("Boulangerie de Bonapriso");
  std::string pain =
      NewProduct(m, "PN-1", "Pain", "Bread", "piece", "groceries", R"(,"lead_time_days":2,"pack_size":10)");
  std::string savon =
      NewProduct(m, "SV-1", "Savon", "Soap", "piece", "groceries", R"(,"lead_time_days":3,"pack_size":12)");
  std::string yaourt = NewProduct(m, "YA-1", "Yaourt", "Yoghurt", "piece", "groceries",
                                  R"(,"lead_time_days":1,"pack_size":6,"shelf_life_days":5)");
  List(m, pain, 150, 6 * 28 + 12);
  List(m, savon, 400, 50);
  List(m, yaourt, 300, 3 * 28);
  for (int day = 1; day <= 28; ++day) {
    for (const auto& [product, qty] : std::vector<std::pair<std::string, int>>{{pain, 6}, {yaourt, 3}}) {
      std::string order = crypto::UuidV7();
      auto r = Internal("POST", "/internal/v1/reservations", ReserveBody(order, m.store, {{product, qty}}, 900, true));
      ASSERT_EQ(r.status, 201) << r.body;
      Psql(p().db_url(), "UPDATE products.reservations SET updated_at = now() - interval '" + std::to_string(day) +
                             " days' WHERE order_id = '" + order + "'");
    }
  }
  auto restock = p().CallAs(m.token, "POST", "/v1/stores/" + m.store + "/listings/" + yaourt + "/adjustments",
                            R"({"delta":30,"reason":"restock"})");
  ASSERT_EQ(restock.status, 201) << restock.body;
  Psql(p().db_url(),
       "UPDATE products.stock_adjustments SET created_at = now() - interval '4 days' WHERE product_id = '" + yaourt +
           "'");

  const std::string url = "/v1/stores/" + m.store + "/inventory/advice";
  auto fr = p().CallAs(m.token, "GET", url);
  ASSERT_EQ(fr.status, 200) << fr.body;
  auto en = p().Call("GET", url, "", {{"Authorization", "Bearer " + m.token}, {"Accept-Language", "en"}});
  ASSERT_EQ(en.status, 200) << en.body;
  std::map<std::string, json::object> advice, english;
  const json::value fr_body = Parse(fr.body), en_body = Parse(en.body);
  for (const auto& item : fr_body.at("items").as_array())
    advice[item.at("product_id").as_string().c_str()] = item.as_object();
  for (const auto& item : en_body.at("items").as_array())
    english[item.at("product_id").as_string().c_str()] = item.as_object();
  ASSERT_EQ(advice.size(), 3u) << fr.body;

  const json::object& bread = advice.at(pain);
  EXPECT_TRUE(bread.at("order_now").as_bool()) << json::serialize(bread);
  const std::int64_t units = bread.at("order_units").as_int64();
  EXPECT_GT(units, 0);
  EXPECT_EQ(units % 10, 0) << "whole packs of 10";
  EXPECT_EQ(bread.at("packs").as_int64() * 10, units);
  EXPECT_NEAR(bread.at("demand_lead_time").to_number<double>(), 12, 3) << "about 6 a day over 2 days";
  EXPECT_NEAR(bread.at("days_of_stock").to_number<double>(), 2, 0.7) << "12 left at about 6 a day";
  EXPECT_GE(bread.at("forecast").as_array().size(), 7u);
  const std::string reason_fr = bread.at("reason").as_string().c_str();
  const std::string reason_en = english.at(pain).at("reason").as_string().c_str();
  EXPECT_NE(reason_fr.find("jour"), std::string::npos) << reason_fr;
  EXPECT_NE(reason_en.find("day"), std::string::npos) << reason_en;
  EXPECT_NE(reason_fr, reason_en);
  EXPECT_EQ(english.at(pain).at("name").as_string(), "Bread");

  const json::object& soap = advice.at(savon);
  EXPECT_FALSE(soap.at("order_now").as_bool()) << json::serialize(soap);
  EXPECT_TRUE(soap.at("days_of_stock").is_null()) << "never sold: the stock is never used up";

  const json::object& yog = advice.at(yaourt);
  EXPECT_TRUE(yog.at("expiring").at("known").as_bool()) << json::serialize(yog);
  EXPECT_TRUE(yog.at("expiring").at("soon").as_bool()) << json::serialize(yog);
  EXPECT_GT(yog.at("expiring").at("units").as_int64(), 20) << "30 units with a day left sell about 3";

  // Bad parameters are named; another merchant's store is not theirs to read.
  auto bad = p().CallAs(m.token, "GET", url + "?service_level=2&review_days=0");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("service_level"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("review_days"), std::string::npos) << bad.body;
  EXPECT_EQ(p().CallAs(m.token, "GET", url + "?service_level=0.9x").status, 422) << "trailing characters";
  Merchant other = NewMerchant("Concurrent");
  auto foreign = p().CallAs(other.token, "GET", url);
  EXPECT_TRUE(foreign.status == 403 || foreign.status == 404) << foreign.status << " " << foreign.body;
  // Pages: one listing at a time, all three reached through the cursor.
  std::set<std::string> seen;
  std::string cursor;
  for (int i = 0; i < 5; ++i) {
    auto page = p().CallAs(m.token, "GET", url + "?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    const json::value body = Parse(page.body);
    for (const auto& item : body.at("items").as_array()) seen.insert(item.at("product_id").as_string().c_str());
    if (body.at("next_cursor").is_null()) break;
    cursor = body.at("next_cursor").as_string().c_str();
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(ProductsTest, MerchantsOnlyTouchTheirOwnCatalogue) {
  Merchant a = NewMerchant("Alimentation A");
  Merchant b = NewMerchant("Alimentation B");
  std::string product = NewProduct(a, "A-1", "Tomates", "Tomatoes", "kg", "groceries");
  List(a, product, 700, 4);

  EXPECT_EQ(p().CallAs(b.token, "POST", "/v1/merchants/" + a.id + "/products",
                       R"({"sku":"X","name_fr":"Intrus","unit":"kg"})")
                .status,
            403);
  EXPECT_EQ(p().CallAs(b.token, "PATCH", "/v1/products/" + product, R"({"name_fr":"Volé"})").status, 404);
  EXPECT_EQ(p().CallAs(b.token, "POST", "/v1/products/" + product + "/archive").status, 404);
  EXPECT_EQ(p().CallAs(b.token, "PUT", "/v1/stores/" + a.store + "/listings/" + product, R"({"price_xaf":1})").status,
            404);
  EXPECT_EQ(p().CallAs(b.token, "POST", "/v1/stores/" + a.store + "/listings/" + product + "/adjustments",
                       R"({"delta":-4,"reason":"theft"})")
                .status,
            404);
  EXPECT_EQ(p().CallAs(b.token, "GET", "/v1/stores/" + a.store + "/inventory").status, 404);
  EXPECT_EQ(p().CallAs(b.token, "GET", "/v1/stores/" + a.store + "/adjustments").status, 404);
  // B cannot list A's product in B's own store either.
  EXPECT_EQ(p().CallAs(b.token, "PUT", "/v1/stores/" + b.store + "/listings/" + product, R"({"price_xaf":1})").status,
            404);
  auto customer = p().SignUp();
  EXPECT_EQ(p().CallAs(customer.access_token, "GET", "/v1/stores/" + a.store + "/inventory").status, 403);
  EXPECT_EQ(Stock(a.store, product), (std::pair<std::int64_t, std::int64_t>{4, 0}));
  auto still = p().Call("GET", "/v1/products/" + product);
  EXPECT_EQ(JsonField(still.body, "name_fr"), "Tomates");

  // Validation and mass assignment on create.
  auto bad = p().CallAs(a.token, "POST", "/v1/merchants/" + a.id + "/products",
                        R"({"sku":"B 1","name_fr":"","unit":"barrel","image_urls":["http://x"],"status":"archived",)"
                        R"("merchant_id":")" +
                            b.id + R"("})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto dup = p().CallAs(a.token, "POST", "/v1/merchants/" + a.id + "/products",
                        R"({"sku":"A-1","name_fr":"Doublon","unit":"kg"})");
  EXPECT_EQ(dup.status, 409) << dup.body;

  // Categories: anyone reads, admins add (subcategories are found through their parent).
  auto cats = p().Call("GET", "/v1/categories");
  ASSERT_EQ(cats.status, 200);
  EXPECT_GE(Items(cats.body).size(), 5u);
  auto sub = p().CallAs(
      Admin(), "POST", "/v1/admin/categories",
      R"({"slug":"fresh-vegetables","name_fr":"Légumes frais","name_en":"Fresh vegetables","parent":"groceries"})");
  ASSERT_EQ(sub.status, 201) << sub.body;
  EXPECT_EQ(p().CallAs(a.token, "POST", "/v1/admin/categories", R"({"slug":"x1","name_fr":"x","name_en":"x"})").status,
            403);
  auto moved = p().CallAs(a.token, "PATCH", "/v1/products/" + product, R"({"category":"fresh-vegetables"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto in_parent = p().Call("GET", "/v1/products?category=groceries&store=" + a.store);
  EXPECT_EQ(Names(in_parent.body), std::vector<std::string>{"Tomates"}) << in_parent.body;
}

}  // namespace
}  // namespace okada::test
