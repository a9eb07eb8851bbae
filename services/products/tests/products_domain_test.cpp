// The products service's rules without I/O: the CSV reader, import rows, search normalisation and cursors, the
// low-stock crossing and field formats.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "domain/advice.hpp"
#include "domain/rules.hpp"

namespace okada::products::domain {
namespace {

ErrorCode CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(Csv, QuotesCrlfBomAndEmbeddedNewlines) {
  CsvTable t = ParseCsv(
      "\xEF\xBB\xBFsku,name_fr\r\nA1,\"Riz, parfumé\"\r\n\r\nA2,\"Dit \"\"le bon\"\"\nsur deux lignes\"\nA3,", 10);
  ASSERT_EQ(t.header.size(), 2u);
  EXPECT_EQ(t.header[0], "sku");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[0].fields[1], "Riz, parfumé");
  EXPECT_EQ(t.rows[1].line, 4) << "blank lines are skipped but counted";
  EXPECT_EQ(t.rows[1].fields[1], "Dit \"le bon\"\nsur deux lignes");
  EXPECT_EQ(t.rows[2].line, 6);
  ASSERT_EQ(t.rows[2].fields.size(), 2u);
  EXPECT_EQ(t.rows[2].fields[1], "");
}

TEST(Csv, MalformedAndTooLarge) {
  EXPECT_EQ(CodeOf([] { ParseCsv("sku\n\"open", 10); }), ErrorCode::kCsvMalformed);
  EXPECT_EQ(CodeOf([] { ParseCsv("sku\nab\"c\n", 10); }), ErrorCode::kCsvMalformed);
  EXPECT_EQ(CodeOf([] { ParseCsv("sku\n\"a\"b\n", 10); }), ErrorCode::kCsvMalformed);
  EXPECT_EQ(CodeOf([] { ParseCsv("", 10); }), ErrorCode::kCsvMalformed);
  EXPECT_EQ(CodeOf([] { ParseCsv("sku\n1\n2\n3\n", 2); }), ErrorCode::kCsvTooLarge);
  EXPECT_EQ(ParseCsv("sku\n1\n2\n", 2).rows.size(), 2u);
}

TEST(Import, HeaderNeedsKnownUniqueColumns) {
  EXPECT_TRUE(CheckImportHeader({"sku", "name_fr", "unit", "price_xaf", "store_id"}).empty());
  auto errors = CheckImportHeader({"sku", "Name_FR", "colour", "sku"});
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "colour");
  EXPECT_EQ(errors[1].code, "NOT_ALLOWED");  // repeated sku
  EXPECT_EQ(errors[2].field, "unit");
  EXPECT_EQ(errors[2].code, "REQUIRED");
}

TEST(Import, RowsAreCheckedFieldByField) {
  std::vector<std::string> header = {"sku",        "name_fr",  "unit",      "tags",
                                     "image_urls", "store_id", "price_xaf", "available"};
  ImportRow row;
  CsvTable::Row good{7,
                     {" RIZ-5KG ", "Riz parfumé 5 kg", "KG", "riz|céréales|riz", "https://cdn.okada.cm/r.jpg",
                      "0193F6C8-4B5C-7D6E-9F70-8192A3B4C5D6", "4500", "oui"}};
  EXPECT_TRUE(ReadImportRow(header, good, row).empty());
  EXPECT_EQ(row.row, 7);
  EXPECT_EQ(row.product.sku, "RIZ-5KG");
  EXPECT_EQ(row.product.unit, "kg");
  EXPECT_EQ(row.product.tags, (std::vector<std::string>{"riz", "céréales"}));
  EXPECT_EQ(row.store_id, "0193f6c8-4b5c-7d6e-9f70-8192a3b4c5d6");
  EXPECT_EQ(row.price_xaf, 4500);
  EXPECT_EQ(row.available, true);

  CsvTable::Row bad{9, {"", "Riz", "barrel", "", "http://x.cm/a.jpg", "", "-1", "peut-être"}};
  auto errors = ReadImportRow(header, bad, row);
  std::set<std::string> fields;
  for (const auto& e : errors) {
    EXPECT_EQ(e.row, 9);
    fields.insert(e.field);
  }
  EXPECT_EQ(fields, (std::set<std::string>{"sku", "unit", "image_urls", "price_xaf", "available"}));

  CsvTable::Row short_row{3, {"A"}};
  errors = ReadImportRow(header, short_row, row);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "INVALID_FORMAT");
}

TEST(Search, QueryNormalisationAndCursors) {
  EXPECT_EQ(NormaliseQuery("  Poulet   BRAISÉ "), "poulet braisÉ");  // ASCII only; unaccent runs in SQL
  EXPECT_EQ(NormaliseQuery("   "), std::nullopt);
  for (int offset : {0, 20, 1000}) EXPECT_EQ(DecodeOffsetCursor(EncodeOffsetCursor(offset)), offset);
  EXPECT_EQ(DecodeOffsetCursor(EncodeOffsetCursor(1001)), std::nullopt) << "offsets are capped";
  EXPECT_EQ(DecodeOffsetCursor("not-a-cursor"), std::nullopt);
  EXPECT_EQ(DecodeOffsetCursor(""), std::nullopt);
}

TEST(Search, Haversine) {
  // Douala (Akwa) to Yaoundé (Poste centrale): about 200 km as the crow flies.
  double d = HaversineM(4.0511, 9.7679, 3.8667, 11.5167);
  EXPECT_GT(d, 190000);
  EXPECT_LT(d, 200000);
  EXPECT_NEAR(HaversineM(4.05, 9.7, 4.05, 9.7), 0, 1e-6);
}

TEST(Stock, LowStockIsACrossing) {
  EXPECT_TRUE(CrossesLowStock(10, 3, 3));
  EXPECT_TRUE(CrossesLowStock(4, 0, 3));
  EXPECT_FALSE(CrossesLowStock(3, 1, 3)) << "already low: no second alert";
  EXPECT_FALSE(CrossesLowStock(10, 4, 3));
  EXPECT_FALSE(CrossesLowStock(2, 10, 3));
}

TEST(Formats, SkuUnitUrlSlug) {
  EXPECT_TRUE(IsSku("ABC-12_x.5/2"));
  EXPECT_FALSE(IsSku("a b"));
  EXPECT_FALSE(IsSku(std::string(65, 'a')));
  EXPECT_TRUE(IsUnit("bunch"));
  EXPECT_FALSE(IsUnit("barrel"));
  EXPECT_TRUE(IsHttpsUrl("https://cdn.okada.cm/p/1.jpg"));
  EXPECT_FALSE(IsHttpsUrl("http://cdn.okada.cm/p/1.jpg"));
  EXPECT_FALSE(IsHttpsUrl("https://user@evil/x"));
  EXPECT_FALSE(IsHttpsUrl("https://cdn.okada.cm/a b.jpg"));
  EXPECT_TRUE(IsSlug("fresh-fish"));
  EXPECT_FALSE(IsSlug("-x"));
  EXPECT_FALSE(IsSlug("Épicerie"));
}

}  // namespace
}  // namespace okada::products::domain

namespace okada::products::domain {
namespace {

// The units for sale are dated by the restocks, newest units last received (FIFO); when the restocks do not cover
// them, ages are unknown and nothing is said to expire. Days before the first sale are not history.
TEST(Advice, PerishableAgesComeFromTheRestocks) {
  const brain::inventory::Date today{2026, 12, 1};
  std::vector<double> sales(84, 0.0);
  for (std::size_t i = 56; i < sales.size(); ++i) sales[i] = 3;  // on sale for the last 4 weeks only
  ListingFacts yoghurt{30, 0, 1, 6, 5};
  // 10 received today, 20 four days ago (1 day left): about 3 sell today, the rest of the old ones expire.
  const Advice dated = AdviseListing(yoghurt, sales, {{10, 0}, {20, 4}}, today, 1, 0.95);
  EXPECT_TRUE(dated.ages_known);
  EXPECT_TRUE(dated.recommendation.expiring_soon);
  EXPECT_NEAR(dated.recommendation.expiring_units, 17, 1);
  EXPECT_NEAR(dated.forecast.point[0], 3, 0.3) << "four weeks at 3 a day, not twelve weeks averaging 1";
  // Restocks explain only 10 of the 30: ages unknown, no expiry claimed.
  const Advice unknown = AdviseListing(yoghurt, sales, {{10, 0}}, today, 1, 0.95);
  EXPECT_FALSE(unknown.ages_known);
  EXPECT_FALSE(unknown.recommendation.expiring_soon);
  // Reserved units are not for sale; pack size rounds the order up.
  ListingFacts bread{14, 4, 2, 10, std::nullopt};
  const Advice b = AdviseListing(bread, sales, {}, today, 1, 0.95);
  EXPECT_NEAR(b.recommendation.days_of_stock, 10.0 / 3, 0.2);
  EXPECT_EQ(b.recommendation.order_units % 10, 0);
  EXPECT_EQ(CauseCode(brain::inventory::Cause::kMonthEnd), "month_end");
}

}  // namespace
}  // namespace okada::products::domain
