#include "okada/core/json_reader.hpp"

#include <gtest/gtest.h>

namespace okada {
namespace {

std::vector<FieldError> ErrorsOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
    return e.fields();
  }
  ADD_FAILURE() << "expected a validation error";
  return {};
}

TEST(JsonReader, ReadsTypedFields) {
  JsonReader r(R"({"name":"  Mami Ndolé ","qty":3,"price":1500.0,"paid":true,"method":"momo",
                   "phone":"+237 677 12 34 56","address":{"landmark":"derrière Total"}})");
  EXPECT_EQ(r.String("name"), "Mami Ndolé");
  EXPECT_EQ(r.Int("qty", 1, 99), 3);
  EXPECT_EQ(r.Int("price", 0, 1000000), 1500);
  EXPECT_TRUE(r.Bool("paid"));
  EXPECT_EQ(r.Enum("method", {"momo", "orange_money", "cash"}), "momo");
  EXPECT_EQ(r.Phone("phone"), "+237677123456");
  JsonReader addr = r.Object("address");
  EXPECT_EQ(addr.String("landmark"), "derrière Total");
  r.RejectUnknownFields();
  EXPECT_NO_THROW(r.Finish());
}

TEST(JsonReader, CollectsEveryFieldError) {
  auto errors = ErrorsOf([] {
    JsonReader r(R"({"qty":"three","phone":"12345","method":"card","name":"","extra":1,
                     "items":[{"sku":"a","quantity":0},{"sku":"b","quantity":2,"colour":"red"}]})");
    r.Int("qty", 1, 99);
    r.Phone("phone");
    r.Enum("method", {"momo", "cash"});
    r.String("name", {.min_length = 1});
    r.String("missing");
    r.Array("items", 1, 10, [](JsonReader& item, std::size_t) {
      item.String("sku");
      item.Int("quantity", 1, 99);
    });
    r.RejectUnknownFields();
    r.Finish();
  });
  std::map<std::string, std::string> by_field;
  for (const auto& e : errors) by_field[e.field] = e.code;
  EXPECT_EQ(by_field["qty"], "INVALID_TYPE");
  EXPECT_EQ(by_field["phone"], "INVALID_FORMAT");
  EXPECT_EQ(by_field["method"], "NOT_ALLOWED");
  EXPECT_EQ(by_field["name"], "REQUIRED");
  EXPECT_EQ(by_field["missing"], "REQUIRED");
  EXPECT_EQ(by_field["extra"], "NOT_ALLOWED");
  EXPECT_EQ(by_field["items[0].quantity"], "OUT_OF_RANGE");
  EXPECT_EQ(by_field["items[1].colour"], "NOT_ALLOWED");
  EXPECT_EQ(by_field.size(), 8u);
}

TEST(JsonReader, MalformedBodies) {
  for (const char* body : {"", "{", "[1,2]", "\"text\"", "{\"a\":}", "nul"}) {
    try {
      JsonReader r(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kMalformedJson) << body;
    }
  }
}

TEST(JsonReader, DeepNestingIsRefused) {
  std::string deep(100, '[');
  deep = "{\"a\":" + deep + std::string(100, ']') + "}";
  EXPECT_THROW(JsonReader r(deep), Error);
}

TEST(JsonReader, StringLengthsCountCharactersNotBytes) {
  JsonReader r(R"({"a":"ééééé","b":"toolong"})");
  EXPECT_EQ(r.String("a", {.max_length = 5}), "ééééé");
  r.String("b", {.max_length = 3});
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].code, "TOO_LONG");
}

TEST(JsonReader, IntegersOutOfRangeAndFractions) {
  JsonReader r(R"({"a":1.5,"b":1e300,"c":-1,"d":18446744073709551615})");
  r.Int("a", 0, 10);
  r.Int("b", 0, 10);
  r.Int("c", 0, 10);
  r.Int("d", 0, 10);
  ASSERT_EQ(r.errors().size(), 4u);
  for (const auto& e : r.errors()) EXPECT_EQ(e.code, "OUT_OF_RANGE") << e.field;
}

TEST(CameroonPhone, AcceptsCommonWritings) {
  EXPECT_EQ(NormalizeCameroonPhone("677123456").value(), "+237677123456");
  EXPECT_EQ(NormalizeCameroonPhone("237 699-12-34-56").value(), "+237699123456");
  EXPECT_EQ(NormalizeCameroonPhone("+237 655.12.34.56").value(), "+237655123456");
  EXPECT_EQ(NormalizeCameroonPhone("+237620123456").value(), "+237620123456");
}

TEST(CameroonPhone, RejectsOthers) {
  for (const char* p : {"", "+33612345678", "222123456", "+237222123456", "61012345", "6771234567", "+677123456",
                        "677 123 45a", "6401234567", "+2376401234567", "++237677123456"})
    EXPECT_FALSE(NormalizeCameroonPhone(p).has_value()) << p;
}

}  // namespace
}  // namespace okada
