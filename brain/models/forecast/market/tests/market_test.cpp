#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "okada/brain/forecast/market.hpp"

namespace okada::brain::forecast::market {
namespace {

namespace fs = std::filesystem;

class DemandFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("okada-market-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string Error() {
    try {
      LoadDemand(dir_);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

// 2026-03-02 is a Monday.
TEST_F(DemandFiles, ReadsTheThreeFilesIntoDenseSeries) {
  Write("sales_daily.csv",
        "day,city,store,item,units\n"
        "2026-03-02,douala,s1,rice,3\n"
        "2026-03-04,douala,s1,rice,2\n"
        "2026-03-04,douala,s1,rice,1\n"  // two rows of one day add up
        "2026-03-15,douala,s2,\"oil, palm\",5\n");
  Write("orders_hourly.csv", "hour,city,zone,orders\n2026-03-02T09,douala,s0v7y,2\n2026-03-03T23,douala,s0v7z,1\n");
  Write("calendar.csv", "day,city,payday,holiday,rain_hours\n2026-03-02,douala,1,,3\n2026-03-03,douala,0,Fête,\n");
  Write("promotions.csv", "first_day,last_day,city,store,item,discount\n2026-03-03,2026-03-04,douala,s1,rice,0.2\n");
  const Demand d = LoadDemand(dir_);
  EXPECT_EQ(FormatDay(d.first_day), "2026-03-02");
  EXPECT_EQ(d.days, 14);
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[0].store, "s1");
  EXPECT_EQ(d.items[0].units[0], 3);
  EXPECT_EQ(d.items[0].units[1], 0);
  EXPECT_EQ(d.items[0].units[2], 3);
  EXPECT_EQ(d.items[1].item, "oil, palm");
  EXPECT_EQ(d.items[1].units[13], 5);
  EXPECT_EQ(FormatHour(d.first_hour), "2026-03-02T00");
  EXPECT_EQ(d.hours, 14 * 24);
  ASSERT_EQ(d.zones.size(), 2u);
  EXPECT_EQ(d.zones[0].orders[9], 2);
  EXPECT_EQ(d.zones[1].orders[24 + 23], 1);
  EXPECT_TRUE(d.calendar.at("douala").at(ParseDay("2026-03-02")).payday);
  EXPECT_EQ(d.calendar.at("douala").at(ParseDay("2026-03-03")).holiday, "Fête");
  EXPECT_LT(d.calendar.at("douala").at(ParseDay("2026-03-03")).rain_hours, 0);
  ASSERT_EQ(d.promotions.count({"s1", "rice"}), 1u);
  EXPECT_EQ(d.promotions.at({"s1", "rice"})[0].last_day, ParseDay("2026-03-04"));
  EXPECT_EQ(d.rows, 9u);
  // The promotion reaches the rice series' covariates (known ahead: planned), not the oil's.
  const Panel p = ItemPanel(d, d.first_day + d.days);
  const auto cov = PanelCovariates(d, p, p.series, 2, false, d.first_day + d.days);
  ASSERT_EQ(p.series[0].id, "s1/rice");
  EXPECT_FLOAT_EQ(cov[0][1 * kCovariates + 3], 0.2f);
  EXPECT_FLOAT_EQ(cov[0][2 * kCovariates + 3], 0.2f);
  EXPECT_FLOAT_EQ(cov[0][3 * kCovariates + 3], 0.f);
  for (std::size_t k = 3; k < cov[1].size(); k += kCovariates) EXPECT_EQ(cov[1][k], 0.f);
}

TEST_F(DemandFiles, BadRowsAreNamedByFileAndLine) {
  EXPECT_NE(Error().find("sales_daily.csv: cannot open"), std::string::npos) << Error();
  Write("sales_daily.csv", "day,store,item,units\n");
  EXPECT_NE(Error().find("sales_daily.csv:1: expected the header"), std::string::npos) << Error();
  Write("sales_daily.csv", "day,city,store,item,units\n2026-03-02,douala,s1,rice,3\n2026-02-30,douala,s1,rice,1\n");
  EXPECT_NE(Error().find("sales_daily.csv:3: no such day: '2026-02-30'"), std::string::npos) << Error();
  Write("sales_daily.csv", "day,city,store,item,units\n2026-03-02,douala,s1,rice,-1\n");
  EXPECT_NE(Error().find("sales_daily.csv:2: units must be a number ≥ 0"), std::string::npos) << Error();
  Write("sales_daily.csv", "day,city,store,item,units\n2026-03-02,douala,s1,rice,1\n");
  Write("orders_hourly.csv", "hour,city,zone,orders\n2026-03-02T24,douala,s0v7y,2\n");
  EXPECT_NE(Error().find("orders_hourly.csv:2: no such hour"), std::string::npos) << Error();
  Write("orders_hourly.csv", "hour,city,zone,orders\n");
  Write("calendar.csv", "day,city,payday,holiday,rain_hours\n2026-03-02,douala,yes,,\n");
  EXPECT_NE(Error().find("calendar.csv:2: payday must be 0 or 1"), std::string::npos) << Error();
  Write("calendar.csv", "day,city,payday,holiday,rain_hours\n2026-03-02,douala,1,,25\n");
  EXPECT_NE(Error().find("calendar.csv:2: rain_hours must be at most 24"), std::string::npos) << Error();
  Write("calendar.csv", "day,city,payday,holiday,rain_hours\n");
  Write("promotions.csv", "first_day,last_day,city,store,item,discount\n2026-03-05,2026-03-04,douala,s1,rice,0.2\n");
  EXPECT_NE(Error().find("promotions.csv:2: last_day is before first_day"), std::string::npos) << Error();
  Write("promotions.csv", "first_day,last_day,city,store,item,discount\n2026-03-04,2026-03-04,douala,s1,rice,1\n");
  EXPECT_NE(Error().find("promotions.csv:2: discount must be below 1"), std::string::npos) << Error();
}

// Series start on a Monday so the global models' day-of-week is the same for all; a product first sold mid-week
// starts on the Monday before; nothing after the cut is in the panel; a product that sold only after it is left out.
TEST(Panels, StartOnMondaysAndStopAtTheCut) {
  Demand d;
  d.first_day = ParseDay("2026-03-04");  // a Wednesday
  d.days = 28;
  d.items = {{"douala", "s1", "early", std::vector<double>(28, 1.0)},
             {"douala", "s1", "late", std::vector<double>(28, 0.0)},
             {"douala", "s1", "after", std::vector<double>(28, 0.0)}};
  d.items[1].units[12] = 4;  // 2026-03-16, a Monday
  d.items[2].units[27] = 2;
  const std::int64_t cut = d.first_day + 21;
  const Panel p = ItemPanel(d, cut);
  ASSERT_EQ(p.series.size(), 2u);
  EXPECT_EQ(p.series[0].id, "s1/early");
  EXPECT_EQ(FormatDay(p.start[0]), "2026-03-09");  // the data begins on a Wednesday: the first Monday after
  EXPECT_EQ(p.series[0].values.size(), static_cast<std::size_t>(cut - p.start[0]));
  EXPECT_EQ(FormatDay(p.start[1]), "2026-03-16");
  EXPECT_EQ(p.series[1].values.front(), 4);
  for (std::int64_t s : p.start) EXPECT_EQ(((s - 4) % 7 + 7) % 7, 0) << FormatDay(s);
  // Covariates follow each series' own start, also for a backtest's shortened copy of one of them.
  Series shorter{p.series[1].id, std::vector<double>(p.series[1].values.begin(), p.series[1].values.end() - 2)};
  const auto cov = PanelCovariates(d, p, {shorter}, 5, false, cut);
  ASSERT_EQ(cov.size(), 1u);
  EXPECT_EQ(cov[0],
            DailyCovariates(d, "douala", p.start[1], static_cast<std::int64_t>(shorter.values.size()) + 5, cut));
  EXPECT_THROW(PanelCovariates(d, p, {Series{"s9/none", {1}}}, 1, false, cut), std::invalid_argument);

  d.first_hour = d.first_day * 24;
  d.hours = 28 * 24;
  d.zones = {{"douala", "s0v7y", std::vector<double>(28 * 24, 1.0)}, {"douala", "s0v7z", std::vector<double>(28 * 24)}};
  const Panel z = ZonePanel(d, cut * 24, 7);
  ASSERT_EQ(z.series.size(), 1u);  // the zone without orders is left out
  EXPECT_EQ(FormatHour(z.start[0]), "2026-03-23T00");
  EXPECT_EQ(z.series[0].values.size(), static_cast<std::size_t>(cut * 24 - z.start[0]));
}

// Rain is a known covariate only before the cut: later days get the month's climate from the known days, so a
// backtest never reads the weather of the days it forecasts. Payday and holidays are known ahead.
TEST(Covariates, RainAfterTheCutIsTheClimateNotTheRecord) {
  Demand d;
  const std::int64_t march1 = ParseDay("2026-03-01");
  for (int i = 0; i < 31; ++i) {
    CalendarDay c;
    c.rain_hours = i < 20 ? (i % 2 ? 6 : 0) : 24;  // the last days are all rain
    c.payday = i >= 28;
    d.calendar["douala"][march1 + i] = c;
  }
  d.calendar["douala"][march1 + 5].holiday = "Test Day";
  const auto before = DailyCovariates(d, "douala", march1, 31, march1 + 20);
  ASSERT_EQ(before.size(), 31u * kCovariates);
  EXPECT_FLOAT_EQ(before[1 * kCovariates + 2], 0.25f);  // day 1: 6 of 24 hours, known
  const float climate = before[25 * kCovariates + 2];
  EXPECT_NEAR(climate, 60.0 / (24 * 20), 1e-6);  // 10 days × 6 h over the 20 known days
  EXPECT_EQ(before[29 * kCovariates + 0], 1.f);
  EXPECT_EQ(before[5 * kCovariates + 1], 1.f);
  EXPECT_EQ(before[6 * kCovariates + 1], 0.f);
  const auto after = DailyCovariates(d, "douala", march1, 31, march1 + 31);
  EXPECT_FLOAT_EQ(after[25 * kCovariates + 2], 1.f);
  // Without a calendar: the inventory calendar's payday window and fixed holidays, no rain.
  const auto bare = DailyCovariates(Demand{}, "douala", ParseDay("2026-05-19"), 2, 0);
  EXPECT_EQ(bare[0 * kCovariates + 1], 0.f);
  EXPECT_EQ(bare[1 * kCovariates + 1], 1.f);  // 20 May, National Day
  EXPECT_EQ(bare[1 * kCovariates + 2], 0.f);
  const auto hourly = HourlyCovariates(d, "douala", march1 * 24 + 22, 4, march1 + 20);
  EXPECT_EQ(hourly[0 * kCovariates + 2], 0.f);          // 1 March, 22:00: no rain that day
  EXPECT_FLOAT_EQ(hourly[2 * kCovariates + 2], 0.25f);  // 2 March, 00:00
}

// What the exports write, the pipeline reads back: sales added up per day, orders per zone-hour, the calendar
// filled from the inventory calendar where not set, promotions.
TEST_F(DemandFiles, TheWriterWritesWhatTheReaderReads) {
  DemandWriter w;
  const std::int64_t day = ParseDay("2026-05-18");
  w.AddSale(day, "douala", "s1", "rice", 2);
  w.AddSale(day, "douala", "s1", "rice", 1.5);
  w.AddSale(day + 2, "douala", "s1", "oil, palm", 4);
  w.AddOrders(day * 24 + 12, "douala", "s0wzh");
  w.AddOrders(day * 24 + 12, "douala", "s0wzh");
  w.SetDay("douala", day, CalendarDay{true, "", 5});
  w.FillCalendar("douala", day, day + 3);
  w.AddPromotion("douala", "s1", "rice", PromotionSpan{day + 1, day + 3, 0.15});
  w.Write(dir_);
  EXPECT_FALSE(fs::exists(dir_ / "sales_daily.csv.part"));
  const Demand d = LoadDemand(dir_);
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[1].item, "rice");
  EXPECT_DOUBLE_EQ(d.items[1].units[0], 3.5);
  EXPECT_EQ(d.items[0].units[2], 4);
  EXPECT_EQ(d.zones.at(0).orders[12], 2);
  const auto& cal = d.calendar.at("douala");
  EXPECT_TRUE(cal.at(day).payday);
  EXPECT_EQ(cal.at(day).rain_hours, 5);
  EXPECT_EQ(cal.at(day + 2).holiday, "National Day");  // 20 May, from the inventory calendar
  EXPECT_LT(cal.at(day + 2).rain_hours, 0);
  EXPECT_DOUBLE_EQ(d.promotions.at({"s1", "rice"}).at(0).discount, 0.15);
}

TEST(ForecastRows, RoundTripAndRefuseNonsense) {
  std::vector<ForecastRow> rows = {
      {"item_day", "douala", "s1", "oil, palm", "", "2026-03-02", 0.5, 1.25, 2, "theta"},
      {"zone_hour", "douala", "", "", "s0v7y", "2026-03-02T07", 1, 3, 5, "mean(ets,gbdt)"}};
  std::stringstream text;
  WriteForecastRows(text, rows);
  const auto back = ReadForecastRows(text, "forecasts.csv");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].item, "oil, palm");
  EXPECT_DOUBLE_EQ(back[0].q50, 1.25);
  EXPECT_EQ(back[1].model, "mean(ets,gbdt)");
  EXPECT_EQ(back[1].period, "2026-03-02T07");
  std::stringstream bad("kind,city,store,item,zone,period,q10,q50,q90,model\nweekly,,,,,2026-03-02,1,1,1,x\n");
  EXPECT_THROW(ReadForecastRows(bad, "f.csv"), std::runtime_error);
  std::stringstream bad_day("kind,city,store,item,zone,period,q10,q50,q90,model\nitem_day,,s,i,,2026-13-02,1,1,1,x\n");
  try {
    ReadForecastRows(bad_day, "f.csv");
    ADD_FAILURE() << "a month 13 was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("f.csv:2:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace okada::brain::forecast::market
