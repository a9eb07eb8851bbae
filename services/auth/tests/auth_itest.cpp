// The auth service through the real gateway, PostgreSQL, Redis and SMS sandbox: sign-up and sign-in, SMS
// codes and their limits, refresh-token rotation with reuse detection, sessions, deny-list, broken tokens.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <sys/wait.h>
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/crypto/random.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

std::string Body(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  json::object o;
  for (auto& [k, v] : fields) o[k] = v;
  return json::serialize(o);
}

class AuthTest : public SharedPlatformTest<AuthTest> {
 public:
  static constexpr const char* kSuite = "auth";
};

TEST_F(AuthTest, SignUpThenMeShowsTheAccount) {
  auto a = p().SignUp();
  ASSERT_FALSE(a.access_token.empty());
  ASSERT_FALSE(a.refresh_token.empty());
  auto me = p().CallAs(a.access_token, "GET", "/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(JsonField(me.body, "id"), a.id);
  EXPECT_EQ(JsonField(me.body, "role"), "customer");
  EXPECT_EQ(JsonField(me.body, "phone"), a.phone);
}

TEST_F(AuthTest, SignUpAcceptsLocalFormatsAndRefusesADuplicate) {
  std::string phone = UniquePhone();    // +2376XXXXXXXX
  std::string local = phone.substr(4);  // 6XXXXXXXX
  auto first = p().Call("POST", "/v1/auth/signup", Body({{"phone", local}, {"password", "a long passphrase"}}));
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = p().Call("POST", "/v1/auth/signup", Body({{"phone", phone}, {"password", "another passphrase"}}));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(JsonField(again.body, "code"), "PHONE_ALREADY_REGISTERED");
}

TEST_F(AuthTest, MassAssignmentInSignUpIsRejected) {
  for (const char* field : {"role", "status", "id", "phone_verified"}) {
    json::object o{{"phone", UniquePhone()}, {"password", "a long passphrase"}};
    o[field] = std::string(field) == "phone_verified" ? json::value(true) : json::value("admin");
    auto res = p().Call("POST", "/v1/auth/signup", json::serialize(o));
    EXPECT_EQ(res.status, 422) << field << ": " << res.body;
    EXPECT_NE(res.body.find(field), std::string::npos) << res.body;
  }
}

TEST_F(AuthTest, WrongPasswordAndUnknownPhoneGiveTheSameAnswer) {
  auto a = p().SignUp();
  auto wrong = p().Call("POST", "/v1/auth/signin", Body({{"phone", a.phone}, {"password", "not the password"}}));
  auto unknown = p().Call("POST", "/v1/auth/signin", Body({{"phone", UniquePhone()}, {"password", "whatever123"}}));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(JsonField(wrong.body, "code"), "INVALID_CREDENTIALS");
  EXPECT_EQ(JsonField(unknown.body, "code"), "INVALID_CREDENTIALS");
  auto ok = p().Call("POST", "/v1/auth/signin", Body({{"phone", a.phone}, {"password", a.password}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(AuthTest, SmsCodeSignsInAndWrongCodesRunOut) {
  auto a = p().SignUp();
  auto sent = p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "signin"}}));
  ASSERT_EQ(sent.status, 202) << sent.body;
  std::string code = p().LastCode(a.phone);
  ASSERT_EQ(code.size(), 6u);
  std::string wrong = code == "000000" ? "111111" : "000000";
  auto bad = p().Call("POST", "/v1/auth/signin/otp", Body({{"phone", a.phone}, {"code", wrong}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(JsonField(bad.body, "code"), "OTP_INVALID");
  auto good = p().Call("POST", "/v1/auth/signin/otp", Body({{"phone", a.phone}, {"code", code}}));
  ASSERT_EQ(good.status, 200) << good.body;
  auto reused = p().Call("POST", "/v1/auth/signin/otp", Body({{"phone", a.phone}, {"code", code}}));
  EXPECT_EQ(reused.status, 400) << "a code works once";

  // Five wrong entries exhaust a fresh code: even the right one is refused afterwards.
  auto b = p().SignUp();
  ASSERT_EQ(p().Call("POST", "/v1/auth/otp", Body({{"phone", b.phone}, {"purpose", "signin"}})).status, 202);
  std::string code_b = p().LastCode(b.phone);
  std::string wrong_b = code_b == "000000" ? "111111" : "000000";
  HttpResult last;
  for (int i = 0; i < 5; ++i)
    last = p().Call("POST", "/v1/auth/signin/otp", Body({{"phone", b.phone}, {"code", wrong_b}}));
  EXPECT_EQ(JsonField(last.body, "code"), "OTP_ATTEMPTS_EXCEEDED");
  auto after = p().Call("POST", "/v1/auth/signin/otp", Body({{"phone", b.phone}, {"code", code_b}}));
  EXPECT_EQ(after.status, 429) << after.body;
}

TEST_F(AuthTest, OtpSendsAreThrottledPerPhone) {
  auto a = p().SignUp();
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "signin"}})).status, 202);
  auto fourth = p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "signin"}}));
  EXPECT_EQ(fourth.status, 429);
  EXPECT_TRUE(fourth.headers.contains("retry-after"));
  EXPECT_EQ(p().sms().Messages(a.phone).size(), 3u) << "no SMS leaves once the phone's budget is spent";
}

TEST_F(AuthTest, AnSmsGatewayFailureLeavesNoCodeBehind) {
  auto a = p().SignUp();
  p().sms().FailNext(1);
  auto failed = p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "signin"}}));
  EXPECT_EQ(failed.status, 503) << failed.body;
  EXPECT_EQ(JsonField(failed.body, "code"), "SMS_UNAVAILABLE");
  EXPECT_TRUE(p().sms().Messages(a.phone).empty());
  auto rows = Psql(p().db_url(),
                   "SELECT count(*) FROM auth.otp_codes c JOIN auth.accounts a ON a.phone_idx = "
                   "c.phone_idx WHERE a.id = '" +
                       a.id + "'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], "0") << "the code row rolled back with the failed send";
  auto again = p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "signin"}}));
  EXPECT_EQ(again.status, 202) << "the next try works";
  EXPECT_EQ(p().LastCode(a.phone).size(), 6u);
}

TEST_F(AuthTest, PasswordResetByCodeEndsEverySession) {
  auto a = p().SignUp();
  ASSERT_EQ(p().Call("POST", "/v1/auth/otp", Body({{"phone", a.phone}, {"purpose", "reset_password"}})).status, 202);
  std::string code = p().LastCode(a.phone);
  auto reset = p().Call("POST", "/v1/auth/password/reset",
                        Body({{"phone", a.phone}, {"code", code}, {"password", "a brand new passphrase"}}));
  ASSERT_EQ(reset.status, 204) << reset.body;
  EXPECT_EQ(p().CallAs(a.access_token, "GET", "/v1/auth/me").status, 401);
  EXPECT_EQ(p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}})).status, 401);
  EXPECT_EQ(
      p().Call("POST", "/v1/auth/signin", Body({{"phone", a.phone}, {"password", "a brand new passphrase"}})).status,
      200);
}

TEST_F(AuthTest, RefreshRotatesAndTheGraceWindowReplaysTheSamePair) {
  auto a = p().SignUp();
  auto r1 = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}}));
  ASSERT_EQ(r1.status, 200) << r1.body;
  std::string rt2 = JsonField(r1.body, "refresh_token");
  ASSERT_NE(rt2, a.refresh_token);
  // The answer was "lost": the client presents the previous token again within the grace window.
  auto replay = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}}));
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(JsonField(replay.body, "refresh_token"), rt2);
  EXPECT_EQ(JsonField(replay.body, "access_token"), JsonField(r1.body, "access_token"));
  // Nothing was revoked: the new token still rotates.
  auto r2 = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", rt2}}));
  EXPECT_EQ(r2.status, 200) << r2.body;
}

TEST_F(AuthTest, ReuseOutsideTheGraceWindowRevokesTheWholeFamily) {
  auto a = p().SignUp();
  auto r1 = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}}));
  ASSERT_EQ(r1.status, 200);
  std::string rt2 = JsonField(r1.body, "refresh_token");
  std::string at2 = JsonField(r1.body, "access_token");
  // Move the first token's spending an hour into the past (no sleeping in tests).
  Psql(p().db_url(),
       "UPDATE auth.refresh_tokens SET spent_at = now() - interval '1 hour' WHERE spent_at IS NOT NULL "
       "AND session_id = (SELECT id FROM auth.sessions WHERE account_id = '" +
           a.id + "')");
  auto reuse = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}}));
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(JsonField(reuse.body, "code"), "REFRESH_TOKEN_REUSED");
  auto newest = p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", rt2}}));
  EXPECT_EQ(newest.status, 401) << "the newest token of the family is dead too";
  auto access = p().CallAs(at2, "GET", "/v1/auth/me");
  EXPECT_EQ(access.status, 401);
  EXPECT_EQ(JsonField(access.body, "code"), "TOKEN_REVOKED");
  auto audit = p().CallAs(p().MintToken(crypto::UuidV7(), "admin"), "GET", "/v1/admin/audit?account_id=" + a.id);
  EXPECT_NE(audit.body.find("refresh_reuse_detected"), std::string::npos) << audit.body;
}

TEST_F(AuthTest, WebClientsGetTheRefreshTokenInAStrictCookie) {
  std::string phone = UniquePhone();
  auto res = p().Call("POST", "/v1/auth/signup",
                      Body({{"phone", phone}, {"password", "a long passphrase"}, {"client", "web"}}));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(JsonField(res.body, "refresh_token"), "") << "not readable by scripts";
  std::string cookie = res.headers["set-cookie"];
  for (const char* part : {"okada_rt=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/v1/auth/refresh"})
    EXPECT_NE(cookie.find(part), std::string::npos) << part << " in " << cookie;
  std::string pair = cookie.substr(0, cookie.find(';'));
  auto without_header = p().Call("POST", "/v1/auth/refresh", "", {{"Cookie", pair}});
  EXPECT_EQ(without_header.status, 422) << "a cookie alone (cross-site form) is not enough";
  auto refreshed = p().Call("POST", "/v1/auth/refresh", "", {{"Cookie", pair}, {"X-Okada-Client", "web"}});
  EXPECT_EQ(refreshed.status, 200) << refreshed.body;
}

TEST_F(AuthTest, SignOutAndSessionRevocationDenyTheAccessToken) {
  auto a = p().SignUp();
  ASSERT_EQ(p().CallAs(a.access_token, "GET", "/v1/auth/me").status, 200);
  ASSERT_EQ(p().CallAs(a.access_token, "POST", "/v1/auth/signout").status, 204);
  auto after = p().CallAs(a.access_token, "GET", "/v1/auth/me");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(JsonField(after.body, "code"), "TOKEN_REVOKED");
  EXPECT_EQ(p().Call("POST", "/v1/auth/refresh", Body({{"refresh_token", a.refresh_token}})).status, 401);
}

TEST_F(AuthTest, SessionsAreListedAndOnlyTheOwnerCanRevokeThem) {
  auto a = p().SignUp();
  auto b = p().SignUp();
  auto second = p().Call("POST", "/v1/auth/signin",
                         Body({{"phone", a.phone}, {"password", a.password}, {"device", "Tecno Spark 10"}}));
  ASSERT_EQ(second.status, 200);
  auto list = p().CallAs(a.access_token, "GET", "/v1/auth/sessions?limit=100000");
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = json::parse(list.body).at("items").as_array();
  EXPECT_EQ(items.size(), 2u);
  std::string b_session = JsonField(p().CallAs(b.access_token, "GET", "/v1/auth/me").body, "session_id");
  ASSERT_FALSE(b_session.empty());
  auto bola = p().CallAs(a.access_token, "DELETE", "/v1/auth/sessions/" + b_session);
  EXPECT_EQ(bola.status, 404) << "A cannot end B's session";
  EXPECT_EQ(p().CallAs(b.access_token, "GET", "/v1/auth/me").status, 200) << "B is still signed in";
  std::string second_session = JsonField(second.body, "session_id");
  EXPECT_EQ(p().CallAs(a.access_token, "DELETE", "/v1/auth/sessions/" + second_session).status, 204);
  EXPECT_EQ(p().CallAs(JsonField(second.body, "access_token"), "GET", "/v1/auth/me").status, 401);
}

TEST_F(AuthTest, RoleChangeDenyListsOldTokensAndTheNextSignInCarriesTheRole) {
  auto a = p().SignUp();
  std::string old_token = a.access_token;
  std::string fresh = p().Promote(a, "support");
  EXPECT_EQ(p().CallAs(old_token, "GET", "/v1/auth/me").status, 401);
  auto me = p().CallAs(fresh, "GET", "/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(JsonField(me.body, "role"), "support");
  EXPECT_EQ(p().CallAs(fresh, "GET", "/v1/admin/audit").status, 200) << "support may read the audit log";
}

TEST_F(AuthTest, SuspendedAccountsCannotSignIn) {
  auto a = p().SignUp();
  auto admin = p().MintToken(crypto::UuidV7(), "admin");
  ASSERT_EQ(p().CallAs(admin, "POST", "/v1/admin/accounts/" + a.id + "/suspend", Body({{"reason", "fraud"}})).status,
            200);
  EXPECT_EQ(p().CallAs(a.access_token, "GET", "/v1/auth/me").status, 401);
  auto in = p().Call("POST", "/v1/auth/signin", Body({{"phone", a.phone}, {"password", a.password}}));
  EXPECT_EQ(in.status, 403);
  EXPECT_EQ(JsonField(in.body, "code"), "ACCOUNT_SUSPENDED");
  ASSERT_EQ(p().CallAs(admin, "POST", "/v1/admin/accounts/" + a.id + "/reinstate").status, 200);
  EXPECT_EQ(p().Call("POST", "/v1/auth/signin", Body({{"phone", a.phone}, {"password", a.password}})).status, 200);
}

// --- broken authentication (OWASP API2) -------------------------------------------------------------------

std::string B64(std::string_view s) { return crypto::Base64UrlEncode(s); }

TEST_F(AuthTest, BrokenTokensAreRefused) {
  auto a = p().SignUp();
  auto keys = crypto::KeyStore::LoadOrCreate(p().state_dir());
  std::string kid = keys->active_kid();
  std::string iss = p().config().GetString("auth.issuer"), aud = p().config().GetString("auth.audience");
  auto now = std::chrono::system_clock::now();
  auto claims = [&] {
    crypto::Claims c;
    c.iss = iss;
    c.aud = aud;
    c.sub = a.id;
    c.role = "admin";
    c.SetLifetime(std::chrono::minutes(10), now);
    return c;
  };
  std::string payload =
      B64(R"({"iss":")" + iss + R"(","aud":")" + aud + R"(","sub":")" + a.id + R"(","role":"admin","exp":)" +
          std::to_string(std::chrono::system_clock::to_time_t(now) + 600) + "}");
  std::map<std::string, std::string> cases;
  cases["alg none"] = B64(R"({"alg":"none","typ":"at+jwt","kid":")" + kid + "\"}") + "." + payload + ".";
  {
    // HS256 keyed with the public key's PEM: the classic algorithm-confusion attack.
    std::string head = B64(R"({"alg":"HS256","typ":"at+jwt","kid":")" + kid + "\"}") + "." + payload;
    std::string pem = keys->PublicKeys().front().Pem();
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()), reinterpret_cast<const unsigned char*>(head.data()),
         head.size(), mac, &len);
    cases["HS256 with the public key"] = head + "." + B64(std::string_view(reinterpret_cast<char*>(mac), len));
  }
  {
    auto c = claims();
    c.SetLifetime(std::chrono::minutes(10), now - std::chrono::hours(1));
    cases["expired"] = keys->Signer().Sign(c);
  }
  {
    auto c = claims();
    c.aud = "someone-else";
    cases["wrong aud"] = keys->Signer().Sign(c);
  }
  {
    auto c = claims();
    c.iss = "https://evil.example";
    cases["wrong iss"] = keys->Signer().Sign(c);
  }
  {
    auto c = claims();
    c.role = "customer";
    std::string good = keys->Signer().Sign(c);
    auto d1 = good.find('.'), d2 = good.rfind('.');
    cases["tampered payload"] = good.substr(0, d1 + 1) + payload + good.substr(d2);
  }
  cases["unknown kid"] = crypto::JwtSigner(crypto::SigningKey::Generate()).Sign(claims());
  cases["garbage"] = "not.a.token";
  for (const auto& [name, token] : cases) {
    auto res = p().CallAs(token, "GET", "/v1/admin/audit");
    EXPECT_EQ(res.status, 401) << name << ": " << res.body;
    EXPECT_TRUE(res.headers.contains("www-authenticate")) << name;
  }
  // The control: a well-formed admin token passes, so the cases above fail for the reason they name.
  EXPECT_EQ(p().CallAs(keys->Signer().Sign(claims()), "GET", "/v1/admin/audit").status, 200);
  EXPECT_EQ(p().Call("GET", "/v1/admin/audit").status, 401) << "no token";
}

TEST_F(AuthTest, JwksPublishesOnlyPublicKeys) {
  auto res = p().Call("GET", "/.well-known/jwks.json");
  ASSERT_EQ(res.status, 200);
  auto keys = json::parse(res.body).at("keys").as_array();
  ASSERT_GE(keys.size(), 1u);
  for (const auto& k : keys) {
    EXPECT_FALSE(k.as_object().contains("d")) << "no private part";
    EXPECT_EQ(k.at("alg").as_string(), "ES256");
  }
}

TEST_F(AuthTest, InternalRoutesNeedTheServiceToken) {
  auto a = p().SignUp();
  auto admin = p().MintToken(crypto::UuidV7(), "admin");
  EXPECT_EQ(p().CallAs(admin, "POST", "/internal/v1/accounts/lookup", Body({{"phone", a.phone}})).status, 403);
  std::string token = access::LoadOrCreateServiceToken(p().state_dir());
  auto ok =
      p().Call("POST", "/internal/v1/accounts/lookup", Body({{"phone", a.phone}}), {{"X-Okada-Service-Token", token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(JsonField(ok.body, "id"), a.id);
}

TEST_F(AuthTest, OversizeBodiesAre413) {
  // Announce 2 MiB (over http.body_limit): the server answers 413 before reading the body.
  auto raw = RawExchange(p().port(),
                         "POST /v1/auth/signin HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         "Content-Length: 2097152\r\n\r\n{\"phone\":\"",
                         std::chrono::seconds(5));
  EXPECT_NE(raw.data.find(" 413 "), std::string::npos) << raw.data.substr(0, 200);
  EXPECT_NE(raw.data.find("PAYLOAD_TOO_LARGE"), std::string::npos);
}

// Per-address ceiling (generous in production: many people share one carrier address), checked after the
// per-phone limit: distinct phones from one address run into it.
TEST(AuthOtpLimits, SendsAreThrottledPerClientAddress) {
  PlatformOptions po;
  po.config["auth.otp_sends_per_ip"] = "3";
  Platform p("auth_ip", po);
  std::vector<Platform::Account> accounts;
  for (int i = 0; i < 4; ++i) accounts.push_back(p.SignUp());
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(p.Call("POST", "/v1/auth/otp", R"({"phone":")" + accounts[i].phone + R"(","purpose":"signin"})").status,
              202);
  auto fourth = p.Call("POST", "/v1/auth/otp", R"({"phone":")" + accounts[3].phone + R"(","purpose":"signin"})");
  EXPECT_EQ(fourth.status, 429) << fourth.body;
  EXPECT_EQ(JsonField(fourth.body, "code"), "RATE_LIMITED");
  EXPECT_TRUE(p.sms().Messages(accounts[3].phone).empty());
}

std::string KidOfToken(const std::string& token) {
  auto header = crypto::Base64UrlDecode(token.substr(0, token.find('.')));
  return header ? JsonField(*header, "kid") : std::string();
}

// How many times this process answered GET /.well-known/jwks.json (the edge's fetches go through it).
long JwksFetches(Platform& p) {
  auto metrics = p.Call("GET", "/metrics").body;
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("okada_http_request_duration_seconds_count") &&
        line.find("/.well-known/jwks.json") != std::string::npos)
      return std::stol(line.substr(line.rfind(' ') + 1));
  return 0;
}

TEST(AuthKeys, ARotationIsPickedUpAndTheEdgeFetchesTheNewKey) {
  PlatformOptions po;
  po.config["auth.key_reload_ms"] = "100";
  po.config["gateway.jwks_refetch_ms"] = "0";
  Platform p("auth_keys", po);
  auto a = p.SignUp();
  std::string old_kid = KidOfToken(a.access_token);
  ASSERT_EQ(p.CallAs(a.access_token, "GET", "/v1/auth/me").status, 200);

  std::string new_kid = crypto::KeyStore::LoadOrCreate(p.state_dir())->Rotate();  // what `okada keys rotate` does
  ASSERT_NE(new_kid, old_kid);
  std::string jwks;
  for (int i = 0; i < 100 && jwks.find(new_kid) == std::string::npos; ++i) {  // the reload job runs every 100 ms
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    jwks = p.Call("GET", "/.well-known/jwks.json").body;
  }
  ASSERT_NE(jwks.find(new_kid), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(old_kid), std::string::npos) << "the old key stays published while its tokens live";

  auto in = p.Call("POST", "/v1/auth/signin", R"({"phone":")" + a.phone + R"(","password":")" + a.password + "\"}");
  ASSERT_EQ(in.status, 200);
  std::string fresh = JsonField(in.body, "access_token");
  EXPECT_EQ(KidOfToken(fresh), new_kid);
  EXPECT_EQ(p.CallAs(fresh, "GET", "/v1/auth/me").status, 200) << "the edge fetched the JWKS for the unknown kid";
  EXPECT_EQ(p.CallAs(a.access_token, "GET", "/v1/auth/me").status, 200) << "tokens of the old key still work";
}

TEST(AuthKeys, UnknownKidsReFetchTheJwksAtMostOncePerInterval) {
  PlatformOptions po;
  po.config["gateway.jwks_refetch_ms"] = "3600000";
  Platform p("auth_kid_flood", po);
  auto a = p.SignUp();
  ASSERT_EQ(p.CallAs(a.access_token, "GET", "/v1/auth/me").status, 200);  // keys are loaded
  long before = JwksFetches(p);
  for (int i = 0; i < 20; ++i) {
    crypto::Claims c;
    c.iss = "https://auth.okada.cm";
    c.aud = "okada-api";
    c.sub = a.id;
    c.role = "admin";
    c.SetLifetime(std::chrono::minutes(5));
    std::string forged = crypto::JwtSigner(crypto::SigningKey::Generate()).Sign(c);
    EXPECT_EQ(p.CallAs(forged, "GET", "/v1/auth/me").status, 401);
  }
  EXPECT_LE(JwksFetches(p) - before, 1) << "20 unknown kids must not make 20 JWKS fetches";
}

std::string OkadaBinary() {
  auto self = std::filesystem::read_symlink("/proc/self/exe");  // build/<preset>/services/auth/tests/auth_itest
  return (self.parent_path().parent_path().parent_path().parent_path() / "apps" / "okada" / "okada").string();
}

// The operator's way to make the first admin: `okada accounts set-role` against the same database and keys.
TEST(AuthCli, AccountsSetRoleMakesTheFirstAdmin) {
  Platform p("auth_cli");
  auto a = p.SignUp();
  std::string env = "OKADA_PG_URL='" + p.db_url() + "' OKADA_REDIS_URL='" + RequiredEnv("OKADA_REDIS_URL") +
                    "' OKADA_STATE_DIR='" + p.state_dir().string() + "' OKADA_AUTH_INSECURE_FAST_HASHING=true ";
  auto [rc, out] =
      Shell(env + "'" + OkadaBinary() + "' accounts set-role --phone '" + a.phone.substr(4) + "' --role admin");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("is now admin"), std::string::npos) << out;

  // The old token dies (the deny-list entry reaches this process through Redis), the next sign-in is admin.
  int status = 0;
  for (int i = 0; i < 100 && status != 401; ++i) {
    status = p.CallAs(a.access_token, "GET", "/v1/auth/me").status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 401);
  auto in = p.Call("POST", "/v1/auth/signin", R"({"phone":")" + a.phone + R"(","password":")" + a.password + "\"}");
  ASSERT_EQ(in.status, 200);
  EXPECT_EQ(JsonField(in.body, "account.role"), "admin");
  auto audit = p.CallAs(JsonField(in.body, "access_token"), "GET", "/v1/admin/audit?account_id=" + a.id);
  EXPECT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("role_changed"), std::string::npos) << audit.body;

  auto [rc2, out2] = Shell(env + "'" + OkadaBinary() + "' accounts set-role --phone 699999999 --role admin");
  EXPECT_EQ(rc2, 1) << out2;
  EXPECT_NE(out2.find("no account"), std::string::npos) << out2;
  auto [rc3, out3] = Shell(env + "'" + OkadaBinary() + "' accounts set-role --phone 12 --role admin");
  EXPECT_EQ(rc3, 2) << out3;
}

}  // namespace
}  // namespace okada::test
