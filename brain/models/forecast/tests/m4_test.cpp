#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

#include "okada/brain/forecast/m4.hpp"

namespace okada::brain::forecast {
namespace {

std::vector<Series> Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseM4(in, "test.csv");
}

TEST(ParseM4, QuotedIdsValuesAndPadding) {
  const auto s = Parse(
      "\"V1\",\"V2\",\"V3\",\"V4\",\"V5\"\r\n"
      "\"H1\",\"605\",\"586\",\"586\",\"559\"\r\n"
      "\"H2\",\"3.5\",\"-1e2\",,\r\n"
      "H3,7,,,\n"
      "\n"
      "\"a \"\"quoted\"\", id\",\"1\",2,,\n");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].id, "H1");
  EXPECT_EQ(s[0].values, (std::vector<double>{605, 586, 586, 559}));
  EXPECT_EQ(s[1].id, "H2");
  EXPECT_EQ(s[1].values, (std::vector<double>{3.5, -100}));  // trailing empty cells are padding
  EXPECT_EQ(s[2].id, "H3");
  EXPECT_EQ(s[2].values, (std::vector<double>{7}));
  EXPECT_EQ(s[3].id, "a \"quoted\", id");  // a comma and doubled quotes inside a quoted field
  EXPECT_EQ(s[3].values, (std::vector<double>{1, 2}));
}

TEST(ParseM4, HeaderOnlyIsEmpty) { EXPECT_TRUE(Parse("\"V1\",\"V2\"\n").empty()); }

TEST(ParseM4, RejectsMalformedRowsNamingTheLine) {
  auto message = [](const std::string& text) {
    try {
      Parse(text);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("V1\n\"H1\",\"1\",,\"3\"\n").find("test.csv:2: series 'H1': empty cell 2"), std::string::npos);
  EXPECT_NE(message("V1\n\"H1\",\"1\"\n\"H2\",\"x\"\n").find("test.csv:3: series 'H2': 'x' is not a number"),
            std::string::npos);
  EXPECT_NE(message("V1\n\"H1\",\"1\"\n\"H1\",\"2\"\n").find("repeated series id 'H1'"), std::string::npos);
  EXPECT_NE(message("V1\n\"H1\",,,\n").find("has no values"), std::string::npos);
  EXPECT_NE(message("V1\n\"H1,1\n").find("unterminated quote"), std::string::npos);
  EXPECT_NE(message("V1\n\"H1\",\"inf\"\n").find("is not a number"), std::string::npos);
}

TEST(WriteM4, HeaderFAndRoundTrip) {
  std::ostringstream out;
  WriteM4(out, {{"H1", {1.5, 2, 1e-7}}, {"H2", {3}}});
  EXPECT_EQ(out.str(),
            "\"id\",\"F1\",\"F2\",\"F3\"\n"
            "\"H1\",\"1.5\",\"2\",\"1e-07\"\n"
            "\"H2\",\"3\",,\n");
  const auto back = Parse(out.str());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].values, (std::vector<double>{1.5, 2, 1e-7}));  // shortest round-trip: exact
  EXPECT_EQ(back[1].values, (std::vector<double>{3}));
}

}  // namespace
}  // namespace okada::brain::forecast
