#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "okada/brain/recs/interactions.hpp"

namespace okada::brain::recs {
namespace {

TEST(ParseTimestamp, UnixSecondsIsoAndDayFirstDates) {
  EXPECT_EQ(ParseTimestamp("0"), 0);
  EXPECT_EQ(ParseTimestamp("978300760"), 978300760);
  EXPECT_EQ(ParseTimestamp("978300760.9"), 978300760);
  EXPECT_EQ(ParseTimestamp("2015-07-21"), 1437436800);
  EXPECT_EQ(ParseTimestamp("21-07-2015"), 1437436800);
  EXPECT_EQ(ParseTimestamp("21/07/2015"), 1437436800);
  EXPECT_EQ(ParseTimestamp("2015-07-21T18:30:00Z"), 1437436800 + 18 * 3600 + 30 * 60);
  EXPECT_EQ(ParseTimestamp("2015-07-21 18:30"), 1437436800 + 18 * 3600 + 30 * 60);
  EXPECT_EQ(ParseTimestamp("2015-07-21T18:30:00+01:00"), 1437436800 + 17 * 3600 + 30 * 60);
  EXPECT_EQ(ParseTimestamp("2016-02-29"), 1456704000);
}

TEST(ParseTimestamp, RejectsWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2015-02-30", "2015-13-01", "31-02-2015", "2015-07-21T25:00", "2015-07-21X",
                          "2015-07-21T10:00+5"}) {
    EXPECT_THROW(ParseTimestamp(bad), std::invalid_argument) << bad;
  }
  EXPECT_THROW(ParseTimestamp("2015-02-29"), std::invalid_argument);  // not a leap year
}

TEST(ParseInteractionsCsv, MergesDuplicatesAndSortsByUserThenTime) {
  const Dataset d = ParseInteractionsCsv(
      "user,item,timestamp,weight\n"
      "u1,milk,200,1\n"
      "u2,bread,100,2\n"
      "u1,eggs,100,1\n"
      "u1,milk,200,3\n"  // the same (user, item, time): merged, weights added
      "u1,milk,300,1\n",
      "t.csv");
  EXPECT_EQ(d.rows_read, 5u);
  ASSERT_EQ(d.users.size(), 2u);
  ASSERT_EQ(d.items.size(), 3u);
  ASSERT_EQ(d.rows.size(), 4u);
  EXPECT_EQ(d.users[d.rows[0].user], "u1");
  EXPECT_EQ(d.items[d.rows[0].item], "eggs");
  EXPECT_EQ(d.items[d.rows[1].item], "milk");
  EXPECT_FLOAT_EQ(d.rows[1].weight, 4.0f);
  EXPECT_EQ(d.rows[2].time, 300);
  EXPECT_EQ(d.users[d.rows[3].user], "u2");
}

TEST(ParseInteractionsCsv, UnderstandsPublicDatasetHeadersAndQuotes) {
  // The Kaggle groceries layout: member, day-first date, item description; column order differs.
  const Dataset g = ParseInteractionsCsv(
      "Member_number,Date,itemDescription\n1808,21-07-2015,tropical fruit\n1808,21-07-2015,\"whole milk, 1l\"\n",
      "g.csv");
  ASSERT_EQ(g.rows.size(), 2u);
  EXPECT_EQ(g.items[g.rows[1].item], "whole milk, 1l");
  EXPECT_EQ(g.rows[0].time, 1437436800);
  // A ratings layout: rating is the weight; ratings <= 0 are not positive feedback and are counted.
  const Dataset r =
      ParseInteractionsCsv("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,32,0,1260759145\n", "r.csv");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_FLOAT_EQ(r.rows[0].weight, 2.5f);
  EXPECT_EQ(r.rows_ignored, 1u);
}

TEST(ParseInteractionsCsv, NamesTheLineAndTheReason) {
  const auto message = [](const std::string& text) {
    try {
      ParseInteractionsCsv(text, "bad.csv");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("who,what\n1,2\n").find("bad.csv:1: expected a header naming the columns"), std::string::npos);
  EXPECT_NE(message("user,item,timestamp\n1,2,3\n1,2\n").find("bad.csv:3: expected 3 fields, found 2"),
            std::string::npos);
  EXPECT_NE(message("user,item,timestamp\n1,2,soon\n").find("bad.csv:2: 'soon' is not a timestamp"), std::string::npos);
  EXPECT_NE(message("user,item,timestamp,weight\n1,2,3,x\n").find("bad.csv:2: weight 'x' is not a number"),
            std::string::npos);
  EXPECT_NE(message("user,item,timestamp\n,2,3\n").find("bad.csv:2: empty user"), std::string::npos);
  EXPECT_NE(message("user,item,timestamp\n1,\"2,3\n").find("bad.csv:2: malformed CSV"), std::string::npos);
  EXPECT_NE(message("").find("empty file"), std::string::npos);
}

}  // namespace
}  // namespace okada::brain::recs
