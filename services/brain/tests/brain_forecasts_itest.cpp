// Stored demand forecasts in a running platform: before any forecast is promoted the brain says so (404
// FORECAST_NOT_AVAILABLE) and the products service's inventory advice fits the listing's own history; once a
// forecast is promoted in the registry the brain picks it up by itself, serves a store's products (service token
// only) and the zones' hours (support and admin), and the advice uses it; a newer version whose artifact fails its
// sha256 is not served (the previous one stays); bad requests get problem+json.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "okada/brain/forecast/market.hpp"
#include "okada/brain/registry/registry.hpp"
#include "okada/core/access/access.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
namespace mk = okada::brain::forecast::market;
namespace registry = okada::brain::registry;
using namespace std::chrono_literals;

std::int64_t DoualaToday() { return (static_cast<std::int64_t>(std::time(nullptr)) + 3600) / 86400; }

// Registers (and promotes) a forecast whose store × product rows start today: `units` a day for 28 days, and two
// zones with 48 hours each. Returns the version.
int PromoteForecast(const std::filesystem::path& registry_dir, const std::string& store, const std::string& product,
                    double units, const std::string& data_to) {
  std::vector<mk::ForecastRow> rows;
  const std::int64_t today = DoualaToday();
  for (int k = 0; k < 28; ++k)
    rows.push_back({"item_day", "douala", store, product, "", mk::FormatDay(today + k), units - 2, units, units + 3,
                    "mean(theta,gbdt)"});
  for (const std::string zone : {"s0wzh", "s0wzj"})
    for (int h = 0; h < 48; ++h)
      rows.push_back({"zone_hour", "douala", "", "", zone, mk::FormatHour(today * 24 + h), 1, h % 24 == 19 ? 3.0 : 2.0,
                      4, "snaive_w"});
  std::filesystem::create_directories(registry_dir);
  const std::filesystem::path file = registry_dir.string() + "-forecasts.csv";
  {
    std::ofstream out(file);
    mk::WriteForecastRows(out, rows);
  }
  registry::Registry r(registry_dir);
  registry::ModelVersion v;
  v.model = "forecast";
  v.primary_metric = "mase";
  v.higher_is_better = false;
  v.refresh = true;
  v.metrics = {{"mase", 0.7}, {"mase_vs_snaive", 0.68}};
  v.data_to = data_to;
  v.params = R"({"global": "gbdt", "seed": 1, "zone_days": 56})";
  if (auto c = r.ByAlias("forecast", "champion")) {
    v.compared_with = c->version;
    v.champion_metrics = {{"mase", 0.7}};
  }
  const registry::ModelVersion registered = r.Register(v, file);
  std::filesystem::remove(file);
  EXPECT_TRUE(r.Promote("forecast", registered.version).promote);
  return registered.version;
}

std::string Code(const HttpResult& res) { return std::string(json::parse(res.body).at("code").as_string()); }

TEST(BrainForecastsTest, ServesThePromotedForecastToTheAdviceAndToStaffingWithinTheRules) {
  PlatformOptions po;
  po.config = {{"brain.recs_refresh_ms", "300"}};
  Platform p("brain_forecasts", po);
  const std::map<std::string, std::string> as_service{
      {"X-Okada-Service-Token", access::LoadOrCreateServiceToken(p.state_dir())}};
  const std::string admin = p.MintToken("0193a5c2-0000-7000-8000-0000000000ad", "admin");
  auto m = p.NewMerchant("Épicerie Bonapriso");
  const std::string rice = p.NewListedProduct(m, "Riz parfumé 5 kg", 6000, 20);
  const std::string advice_url = "/v1/stores/" + m.store + "/inventory/advice";
  const std::string store_url = "/internal/v1/brain/forecasts/stores/" + m.store;

  // Nothing promoted: the brain says so; the advice fits the listing's own (empty) history.
  auto none = p.Call("GET", store_url, "", as_service);
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(Code(none), "FORECAST_NOT_AVAILABLE");
  EXPECT_EQ(p.CallAs(admin, "GET", "/v1/brain/forecasts/zones").status, 404);
  auto before = p.CallAs(m.token, "GET", advice_url);
  ASSERT_EQ(before.status, 200) << before.body;
  const json::object first = json::parse(before.body).at("items").as_array().at(0).as_object();
  EXPECT_EQ(first.at("forecast_source").at("kind").as_string(), "store_history");

  // Promoted: picked up without a restart.
  const std::filesystem::path registry_dir = p.state_dir() / "brain" / "registry";
  ASSERT_EQ(PromoteForecast(registry_dir, m.store, rice, 9, "2026-11-30T23:00:00Z"), 1);
  HttpResult served;
  ASSERT_TRUE(Eventually([&] {
    served = p.Call("GET", store_url + "?items=" + rice + "&days=7", "", as_service);
    return served.status == 200;
  })) << served.body;
  const json::object store = json::parse(served.body).as_object();
  EXPECT_EQ(store.at("version").as_int64(), 1);
  EXPECT_EQ(store.at("origin").as_string(), mk::FormatDay(DoualaToday()));
  ASSERT_EQ(store.at("items").as_array().size(), 1u);
  const json::object& item = store.at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("item").as_string(), rice);
  EXPECT_EQ(item.at("model").as_string(), "mean(theta,gbdt)");
  ASSERT_EQ(item.at("days").as_array().size(), 7u);
  EXPECT_EQ(item.at("days").as_array()[0].at("units").to_number<double>(), 9);
  EXPECT_EQ(item.at("days").as_array()[0].at("high").to_number<double>(), 12);
  // From a later day: the rows from that day on.
  auto later = p.Call("GET", store_url + "?from=" + mk::FormatDay(DoualaToday() + 27) + "&days=7", "", as_service);
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(json::parse(later.body).at("items").as_array()[0].at("days").as_array().size(), 1u);

  // The advice now plans on the brain's 9 a day, not on the listing's empty history.
  auto after = p.CallAs(m.token, "GET", advice_url);
  ASSERT_EQ(after.status, 200) << after.body;
  const json::object advice = json::parse(after.body).at("items").as_array().at(0).as_object();
  EXPECT_EQ(advice.at("forecast_source").at("kind").as_string(), "brain") << after.body;
  EXPECT_EQ(advice.at("forecast_source").at("version").as_int64(), 1);
  EXPECT_EQ(advice.at("forecast").as_array()[0].at("units").to_number<double>(), 9);
  ASSERT_TRUE(advice.at("days_of_stock").is_number()) << after.body;
  EXPECT_NEAR(advice.at("days_of_stock").to_number<double>(), 20.0 / 9, 0.15) << "20 in stock at 9 a day";

  // Zones for staffing: support and admin only; a day of hours by default, the evening peak visible.
  EXPECT_EQ(p.CallAs(m.token, "GET", "/v1/brain/forecasts/zones").status, 403);
  EXPECT_EQ(p.Call("GET", "/v1/brain/forecasts/zones").status, 401);
  auto zones = p.CallAs(admin, "GET", "/v1/brain/forecasts/zones");
  ASSERT_EQ(zones.status, 200) << zones.body;
  const json::value zones_answer = json::parse(zones.body);
  const json::array& zs = zones_answer.at("zones").as_array();
  ASSERT_EQ(zs.size(), 2u);
  EXPECT_EQ(zs[0].at("zone").as_string(), "s0wzh");
  ASSERT_EQ(zs[0].at("hours").as_array().size(), 24u);
  EXPECT_EQ(zs[0].at("hours").as_array()[19].at("orders").to_number<double>(), 3);
  EXPECT_EQ(zs[0].at("orders").to_number<double>(), 49);
  auto one = p.CallAs(admin, "GET", "/v1/brain/forecasts/zones?zone=s0wzj&hours=48");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.body).at("zones").as_array()[0].at("hours").as_array().size(), 48u);

  // Bad requests: problem+json with the field, never a crash.
  for (const std::string& bad :
       {store_url + "?days=0", store_url + "?days=121", store_url + "?from=2026-02-30", store_url + "?items=a,,b",
        std::string("/internal/v1/brain/forecasts/stores/bad%20id")}) {
    auto res = p.Call("GET", bad, "", as_service);
    EXPECT_EQ(res.status, 422) << bad << " " << res.body;
    EXPECT_EQ(Code(res), "VALIDATION_FAILED") << bad;
  }
  EXPECT_EQ(p.CallAs(admin, "GET", "/v1/brain/forecasts/zones?hours=721").status, 422);
  EXPECT_EQ(p.CallAs(admin, "GET", "/v1/brain/forecasts/zones?from=tomorrow").status, 422);
  auto unknown = p.Call("GET", "/internal/v1/brain/forecasts/stores/dla-m9999", "", as_service);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(p.CallAs(admin, "GET", "/v1/brain/forecasts/zones?zone=s0aaa").status, 404);
  EXPECT_EQ(p.Call("GET", store_url).status, 403) << "internal: service token only";

  // A newer version whose artifact is damaged after registration fails its sha256: v1 keeps being served.
  ASSERT_EQ(PromoteForecast(registry_dir, m.store, rice, 30, "2026-12-07T23:00:00Z"), 2);
  registry::Registry r(registry_dir);
  std::ofstream(r.ArtifactPath(*r.Get("forecast", 2)), std::ios::app) << "item_day,douala,x,y,,2026-01-01,1,1,1,z\n";
  std::this_thread::sleep_for(1500ms);  // five refresh intervals
  auto kept = p.Call("GET", store_url + "?items=" + rice, "", as_service);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(json::parse(kept.body).at("version").as_int64(), 1) << "a damaged artifact was served";
}

}  // namespace
}  // namespace okada::test
