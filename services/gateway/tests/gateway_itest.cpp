// The edge, generated from the route table (api/routes.inc): every route × every role gets exactly the
// table's answer; malformed bodies on every writing route give 4xx problem+json, never 5xx; personal data
// never appears in clear in PostgreSQL, Redis or the logs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/log.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {
namespace json = boost::json;

class GatewayTest : public SharedPlatformTest<GatewayTest> {
 public:
  static constexpr const char* kSuite = "gateway";
};

std::string Concrete(const std::string& pattern) {
  static const std::regex param(R"(\{[a-z_]+\})");
  std::string out = std::regex_replace(pattern, param, crypto::UuidV7());
  if (pattern == "/docs/{asset}") out = "/docs/docs.js";
  if (pattern == "/merchant/{path...}") out = "/merchant/orders/";
  return out;
}

std::string MethodName(http::Method m) { return std::string(http::ToString(m)); }

TEST_F(GatewayTest, EveryRouteTimesEveryRoleMatchesThePermissionTable) {
  int checked = 0;
  for (const auto& rule : access::RouteTable()) {
    std::string target = Concrete(rule.pattern);
    std::string method = MethodName(rule.method);
    std::string body = rule.method == http::Method::kGet || rule.method == http::Method::kDelete ? "" : "{}";
    if (rule.access != access::RouteRule::Access::kPublic) {
      auto anonymous = p().Call(method, target, body);
      EXPECT_EQ(anonymous.status, rule.access == access::RouteRule::Access::kService ? 403 : 401)
          << method << " " << rule.pattern << " without a token: " << anonymous.body;
    }
    for (auto role : access::kRoles) {
      std::string token = p().MintToken(crypto::UuidV7(), std::string(role), crypto::UuidV7());
      auto res = p().CallAs(token, method, target, body);
      bool allowed = rule.Allows(role);
      if (allowed) {
        EXPECT_NE(res.status, 401) << method << " " << rule.pattern << " as " << role << ": " << res.body;
        EXPECT_NE(res.status, 403) << method << " " << rule.pattern << " as " << role << ": " << res.body;
        EXPECT_LT(res.status, 500) << method << " " << rule.pattern << " as " << role << ": " << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << method << " " << rule.pattern << " as " << role << ": " << res.body;
        EXPECT_EQ(JsonField(res.body, "code"), "FORBIDDEN");
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(access::RouteTable().size() * access::kRoles.size()));
}

TEST_F(GatewayTest, MalformedBodiesOnEveryWritingRouteAreClientErrors) {
  std::string service_token = access::LoadOrCreateServiceToken(p().state_dir());
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"not json", "this is not json"},
      {"array", "[1,2,3]"},
      {"wrong types",
       R"({"phone":12,"password":[],"code":{},"role":7,"name":false,"label":1,"landmark":[],"location":"x","vehicle_type":3,"business_name":{},"lang":0,"purpose":1,"reason":2,"refresh_token":5,"preferences":"x"})"},
      {"bad phone", R"({"phone":"+33612345678","password":"long enough pw","purpose":"signin","code":"123456"})"},
      {"oversize strings", "{\"phone\":\"" + std::string(10000, '6') + "\",\"name\":\"" + std::string(10000, 'a') +
                               "\",\"landmark\":\"" + std::string(10000, 'b') + "\"}"},
      {"invalid utf-8", "{\"name\":\"\xff\xfe\xc3\x28\",\"landmark\":\"\xe2\x28\xa1\",\"phone\":\"\xc0\xaf\"}"},
      {"deep nesting", std::string(200, '[') + std::string(200, ']')},
  };
  for (const auto& rule : access::RouteTable()) {
    if (rule.method == http::Method::kGet || rule.method == http::Method::kDelete) continue;
    std::string role = rule.access == access::RouteRule::Access::kRoles ? rule.roles.front() : "customer";
    std::string token = p().MintToken(crypto::UuidV7(), role, crypto::UuidV7());
    for (const auto& [name, body] : bodies) {
      std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
      if (rule.access == access::RouteRule::Access::kService) headers["X-Okada-Service-Token"] = service_token;
      auto res = p().Call(MethodName(rule.method), Concrete(rule.pattern), body, headers);
      std::string where = MethodName(rule.method) + " " + rule.pattern + " (" + name + "): " + res.body;
      EXPECT_GE(res.status, 400) << where;
      EXPECT_LT(res.status, 500) << where;
      EXPECT_EQ(res.headers["content-type"], "application/problem+json") << where;
      if (res.status == 422) {
        EXPECT_NE(res.body.find("\"field\""), std::string::npos) << "names the field: " << where;
      }
    }
  }
}

TEST_F(GatewayTest, MalformedQueriesOnEveryReadingRouteAreClientErrors) {
  // Every list route names the bad parameter; no GET answers 5xx whatever its query string holds.
  const std::set<std::string> lists = {"/v1/auth/sessions",       "/v1/admin/audit",     "/v1/users/me/addresses",
                                       "/v1/admin/riders",        "/v1/admin/merchants", "/v1/merchants/{id}/stores",
                                       "/v1/merchants/{id}/staff"};
  const std::vector<std::string> queries = {"?limit=abc",     "?limit=1.5",
                                            "?cursor=%%%",    "?cursor=bm90LWEtdXVpZA",
                                            "?status=%FF%FE", "?limit=" + std::string(5000, '9')};
  for (const auto& rule : access::RouteTable()) {
    if (rule.method != http::Method::kGet) continue;
    std::string role = rule.access == access::RouteRule::Access::kRoles ? rule.roles.front() : "customer";
    std::string token = p().MintToken(crypto::UuidV7(), role, crypto::UuidV7());
    for (const auto& q : queries) {
      auto res = p().CallAs(token, "GET", Concrete(rule.pattern) + q);
      std::string where = "GET " + rule.pattern + q.substr(0, 40) + ": " + res.body.substr(0, 300);
      EXPECT_LT(res.status, 500) << where;
    }
    if (!lists.contains(rule.pattern)) continue;
    auto bad_limit = p().CallAs(token, "GET", Concrete(rule.pattern) + "?limit=abc");
    if (bad_limit.status == 404) continue;  // a path id that is not the caller's: nothing to list
    EXPECT_EQ(bad_limit.status, 422) << rule.pattern << ": " << bad_limit.body;
    EXPECT_NE(bad_limit.body.find("\"limit\""), std::string::npos) << rule.pattern << ": " << bad_limit.body;
    auto bad_cursor = p().CallAs(token, "GET", Concrete(rule.pattern) + "?cursor=not-a-cursor");
    EXPECT_EQ(bad_cursor.status, 422) << rule.pattern << ": " << bad_cursor.body;
  }
}

TEST_F(GatewayTest, EveryRegisteredRouteIsInTheTable) {
  // The gateway refuses to start otherwise; this checks the other direction: the table has no stale rows.
  std::set<std::string> registered;
  for (const auto* r : p().host().router().Routes()) registered.insert(MethodName(r->method) + " " + r->pattern);
  for (const auto& rule : access::RouteTable())
    EXPECT_TRUE(registered.contains(MethodName(rule.method) + " " + rule.pattern))
        << MethodName(rule.method) << " " << rule.pattern << " is in api/routes.inc but no service serves it";
}

// The merchant web build (here the platform's fixture in gateway.web_dir) served under /merchant/.
TEST_F(GatewayTest, ServesTheMerchantWebBuild) {
  const std::filesystem::path out =
      std::filesystem::path(p().config().GetString("gateway.web_dir")) / "merchant" / "out";
  auto root = p().Call("GET", "/merchant");
  EXPECT_EQ(root.status, 308);
  EXPECT_EQ(root.headers["location"], "/merchant/");

  auto page = p().Call("GET", "/merchant/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("fixture sign-in"), std::string::npos);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  EXPECT_NE(page.headers["content-security-policy"].find("connect-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  ASSERT_FALSE(page.headers["etag"].empty());
  auto again = p().Call("GET", "/merchant/", "", {{"If-None-Match", page.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  auto script = p().Call("GET", "/merchant/_next/static/chunks/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["cache-control"], "public, max-age=31536000, immutable");

  auto no_slash = p().Call("GET", "/merchant/orders");
  EXPECT_EQ(no_slash.status, 308);
  EXPECT_EQ(no_slash.headers["location"], "/merchant/orders/");
  EXPECT_NE(p().Call("GET", "/merchant/orders/").body.find("fixture orders"), std::string::npos);

  auto missing = p().Call("GET", "/merchant/no-such-page/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("fixture not found"), std::string::npos);
  // Nothing outside the build, however the path is spelled.
  for (const char* sneaky : {"/merchant/../keys/sms-api.key", "/merchant/%2e%2e/%2e%2e/keys/sms-api.key",
                             "/merchant/..%2fkeys/sms-api.key", "/merchant//etc/passwd"}) {
    auto r = p().Call("GET", sneaky);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << sneaky << ": " << r.status;
    EXPECT_EQ(r.body.find("fixture sign-in"), std::string::npos);
  }
  EXPECT_EQ(p().Call("POST", "/merchant/x.js", "{}").status, 405);

  // A rebuild is picked up without a restart; no build at all is a 503 that says how to build it.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(out / "index.html", std::ios::trunc) << "<!DOCTYPE html><title>rebuilt</title>";
  std::filesystem::last_write_time(out / "index.html", std::filesystem::file_time_type::clock::now());
  EXPECT_NE(p().Call("GET", "/merchant/").body.find("rebuilt"), std::string::npos);
  std::filesystem::rename(out / "index.html", out / "index.html.away");
  auto unbuilt = p().Call("GET", "/merchant/");
  EXPECT_EQ(unbuilt.status, 503);
  EXPECT_NE(unbuilt.body.find("npm run build"), std::string::npos) << unbuilt.body;
  std::filesystem::rename(out / "index.html.away", out / "index.html");
}

// A front process that hosts only the gateway and reaches auth and users in another process over HTTP:
// routes are proxied, tokens verified with the remote JWKS, and a dead instance leaves the rotation.
TEST(GatewayRemote, ProxiesToRemoteServicesAndSkipsADeadInstance) {
  Platform back("gw_back");
  std::string base = "http://127.0.0.1:" + std::to_string(back.port());
  std::string dead = "http://127.0.0.1:1";
  PlatformOptions fo;
  fo.services = {"gateway"};
  fo.config["services.remote"] = "auth=" + base + ",users=" + dead + "|" + base;
  fo.config["gateway.upstream_health_ms"] = "100";
  Platform front("gw_front", fo);

  auto a = front.SignUp();  // proxied to auth
  ASSERT_FALSE(a.access_token.empty());
  for (int i = 0; i < 6; ++i) {  // round robin over users instances: the dead one must never surface
    auto me = front.CallAs(a.access_token, "GET", "/v1/users/me");
    EXPECT_EQ(me.status, 200) << me.body;
  }
  auto denied = front.CallAs(a.access_token, "GET", "/v1/admin/riders");
  EXPECT_EQ(denied.status, 403) << "the front edge applies the role table itself";
  auto anonymous = front.Call("GET", "/v1/users/me");
  EXPECT_EQ(anonymous.status, 401);
  auto signout = front.CallAs(a.access_token, "POST", "/v1/auth/signout");
  EXPECT_EQ(signout.status, 204);
}

TEST(GatewayRemote, EveryInstanceDownIsA502Problem) {
  Platform back("gw_back2");
  PlatformOptions fo;
  fo.services = {"gateway"};
  fo.config["services.remote"] = "auth=http://127.0.0.1:" + std::to_string(back.port()) + ",users=http://127.0.0.1:1";
  Platform front("gw_front2", fo);
  auto a = front.SignUp();
  auto res = front.CallAs(a.access_token, "GET", "/v1/users/me");
  EXPECT_EQ(res.status, 502) << res.body;
  EXPECT_EQ(JsonField(res.body, "code"), "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(res.headers["content-type"], "application/problem+json");
}

}  // namespace
}  // namespace okada::test
