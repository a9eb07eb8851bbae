#include "okada/core/http/router.hpp"

#include <gtest/gtest.h>

namespace okada::http {
namespace {

SyncHandler Named(std::string name) {
  return [name](Request&) { return Response::Text(name); };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router r;
  r.Add(Method::kGet, "/v1/orders/{id}", Named("get-order"));
  r.Add(Method::kGet, "/v1/orders/mine", Named("mine"));
  r.Add(Method::kPost, "/v1/orders/{id}/cancel", Named("cancel"));

  Match m = r.Find(Method::kGet, "/v1/orders/ord_42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/orders/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "ord_42");

  // A literal beats a parameter at the same depth.
  m = r.Find(Method::kGet, "/v1/orders/mine");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/orders/mine");
  EXPECT_TRUE(m.params.empty());

  m = r.Find(Method::kPost, "/v1/orders/ord_7/cancel");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "ord_7");
}

TEST(Router, BacktracksFromLiteralToParameter) {
  Router r;
  r.Add(Method::kGet, "/a/b/c", Named("abc"));
  r.Add(Method::kGet, "/a/{x}/d", Named("axd"));
  Match m = r.Find(Method::kGet, "/a/b/d");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/a/{x}/d");
  EXPECT_EQ(m.params[0].second, "b");
}

TEST(Router, UnknownPathIsNotFoundWithoutAllow) {
  Router r;
  r.Add(Method::kGet, "/v1/products", Named("list"));
  Match m = r.Find(Method::kGet, "/v1/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allow.empty());
  m = r.Find(Method::kGet, "/v1/products/extra");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allow.empty());
}

TEST(Router, WrongMethodListsAllowedMethods) {
  Router r;
  r.Add(Method::kGet, "/v1/cart", Named("get"));
  r.Add(Method::kPut, "/v1/cart", Named("put"));
  Match m = r.Find(Method::kDelete, "/v1/cart");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, PUT, HEAD");
}

TEST(Router, HeadFallsBackToGet) {
  Router r;
  r.Add(Method::kGet, "/healthz", Named("h"));
  Match m = r.Find(Method::kHead, "/healthz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, Method::kGet);
}

TEST(Router, TrailingAndDoubleSlashesAreTolerated) {
  Router r;
  r.Add(Method::kGet, "/v1/products", Named("list"));
  EXPECT_NE(r.Find(Method::kGet, "/v1/products/").route, nullptr);
  EXPECT_NE(r.Find(Method::kGet, "//v1//products").route, nullptr);
}

TEST(Router, RejectsDuplicatesAndMalformedPatterns) {
  Router r;
  r.Add(Method::kGet, "/x/{id}", Named("a"));
  EXPECT_THROW(r.Add(Method::kGet, "/x/{id}", Named("b")), std::invalid_argument);
  EXPECT_THROW(r.Add(Method::kGet, "no-slash", Named("c")), std::invalid_argument);
  EXPECT_THROW(r.Add(Method::kGet, "/x/{bad", Named("d")), std::invalid_argument);
  EXPECT_EQ(r.Routes().size(), 1u);
}

TEST(Router, RestOfPathComesLastAndKeepsSlashes) {
  Router r;
  r.Add(Method::kGet, "/merchant", Named("root"));
  r.Add(Method::kGet, "/merchant/{path...}", Named("file"));
  r.Add(Method::kGet, "/merchant/api/{id}", Named("literal-first"));

  Match m = r.Find(Method::kGet, "/merchant/_next/static/chunks/app.js");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/merchant/{path...}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "path");
  EXPECT_EQ(m.params[0].second, "_next/static/chunks/app.js");

  m = r.Find(Method::kGet, "/merchant/orders/");  // the trailing slash is part of the rest
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "orders/");

  m = r.Find(Method::kGet, "/merchant/api/7");  // literal and parameter segments are tried first
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/merchant/api/{id}");

  m = r.Find(Method::kGet, "/merchant/");  // no segment left: the rest matches one or more
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/merchant");

  m = r.Find(Method::kPost, "/merchant/x.js");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, HEAD");

  EXPECT_THROW(r.Add(Method::kGet, "/a/{rest...}/b", Named("x")), std::invalid_argument);
}

TEST(Request, ParsesTargetQueryAndHeaders) {
  Request req(Method::kGet, "/v1/search?q=ndol%C3%A9&page=2&empty=&flag",
              {{"Accept-Language", "en-GB"}, {"X-Thing", "1"}}, "");
  EXPECT_EQ(req.path(), "/v1/search");
  EXPECT_EQ(req.query_param("q").value(), "ndolé");
  EXPECT_EQ(req.query_param("page").value(), "2");
  EXPECT_EQ(req.query_param("empty").value(), "");
  EXPECT_EQ(req.query_param("flag").value(), "");
  EXPECT_FALSE(req.query_param("missing").has_value());
  EXPECT_EQ(req.header("x-thing").value(), "1");
  EXPECT_FALSE(req.header("nope").has_value());
}

TEST(Request, UrlDecodeRejectsBrokenEscapes) {
  EXPECT_EQ(UrlDecode("a+b%20c").value(), "a b c");
  EXPECT_FALSE(UrlDecode("%").has_value());
  EXPECT_FALSE(UrlDecode("%4").has_value());
  EXPECT_FALSE(UrlDecode("%zz").has_value());
}

}  // namespace
}  // namespace okada::http
