#include "okada/core/errors.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

namespace okada {
namespace {

TEST(Errors, RegistryCodesAreUniqueUpperSnakeWithBothLanguages) {
  std::set<std::string_view> seen;
  for (const ErrorInfo& e : AllErrors()) {
    EXPECT_TRUE(seen.insert(e.code).second) << "duplicate code " << e.code;
    for (char c : e.code) EXPECT_TRUE((c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9')) << e.code;
    EXPECT_GE(e.status, 400);
    EXPECT_LT(e.status, 600);
    EXPECT_FALSE(e.title_en.empty());
    EXPECT_FALSE(e.title_fr.empty());
  }
  EXPECT_EQ(Describe(ErrorCode::kRouteNotFound).code, "ROUTE_NOT_FOUND");
  EXPECT_EQ(Describe(ErrorCode::kRouteNotFound).status, 404);
}

TEST(Errors, ProblemDocumentHasStableFields) {
  Error e = Invalid({{"phone", "INVALID_FORMAT", ""}, {"items[0].quantity", "OUT_OF_RANGE", "1..99"}});
  auto v = boost::json::parse(RenderProblem(e, "req-1", "en")).as_object();
  EXPECT_EQ(v["status"].as_int64(), 422);
  EXPECT_EQ(v["code"].as_string(), "VALIDATION_FAILED");
  EXPECT_EQ(v["request_id"].as_string(), "req-1");
  EXPECT_EQ(v["title"].as_string(), "Some fields are invalid");
  EXPECT_EQ(v["type"].as_string(), "https://okada.cm/problems/VALIDATION_FAILED");
  auto& errors = v["errors"].as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].as_object().at("field").as_string(), "phone");
  EXPECT_EQ(errors[0].as_object().at("code").as_string(), "INVALID_FORMAT");
  EXPECT_FALSE(errors[0].as_object().contains("detail"));
  EXPECT_EQ(errors[1].as_object().at("detail").as_string(), "1..99");
}

TEST(Errors, FrenchTitleByDefault) {
  auto v = boost::json::parse(RenderProblem(NotFound("no order"), "r", "fr")).as_object();
  EXPECT_EQ(v["title"].as_string(), "Introuvable");
  EXPECT_EQ(v["detail"].as_string(), "no order");
}

TEST(Errors, UnavailableCarriesRetryAfter) {
  Error e = Unavailable("db down");
  ASSERT_EQ(e.headers().size(), 1u);
  EXPECT_EQ(e.headers()[0].first, "Retry-After");
  EXPECT_EQ(e.info().status, 503);
  EXPECT_STREQ(e.what(), "UNAVAILABLE: db down");
}

}  // namespace
}  // namespace okada
