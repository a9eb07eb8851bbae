// A known phone number (in every format) and a known landmark text appear nowhere in clear after a
// realistic journey: not in a pg_dump, not in Redis keys or values, not in the logs, not in event payloads
// (the outbox tables are part of the dump).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "okada/core/crypto/aead.hpp"

#include "okada/core/crypto/random.hpp"
#include "okada/core/log.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {
namespace json = boost::json;

std::string Out(const std::string& cmd) { return Shell(cmd).output; }

// Every key and every value of the test Redis, rendered as text. Two redis-cli sessions fed from files (types,
// then values) rather than a process per key: the shared test Redis holds thousands of keys by this point.
std::string RedisEverything(const std::string& url) {
  std::string cli = "redis-cli -u '" + url + "' ";
  std::vector<std::string> keys;
  std::istringstream scan(Out(cli + "--scan"));
  for (std::string key; std::getline(scan, key);)
    if (!key.empty()) keys.push_back(key);
  char path[] = "/tmp/okada-pii-redis-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return "mkstemp failed";
  ::close(fd);
  auto quoted = [](const std::string& k) {  // redis-cli's quoting: "..." with \" and \\ escapes
    std::string q = "\"";
    for (char c : k) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  auto session = [&](const std::function<std::string(const std::string&)>& command) {
    {
      std::ofstream cmds(path, std::ios::trunc);
      for (std::size_t i = 0; i < keys.size(); ++i) cmds << command(keys[i]) << "\n";
    }
    return Out(cli + "< " + path);
  };
  std::vector<std::string> types;
  std::istringstream typed(session([&](const std::string& k) { return "TYPE " + quoted(k); }));
  for (std::string t; std::getline(typed, t);) types.push_back(t);
  std::map<std::string, std::string> type_of;
  for (std::size_t i = 0; i < keys.size() && i < types.size(); ++i) type_of[keys[i]] = types[i];
  std::string all;
  for (const auto& k : keys) all += "KEY " + k + "\n";
  all += session([&](const std::string& k) {
    const std::string& type = type_of[k];
    std::string q = quoted(k);
    if (type == "string") return "GET " + q;
    if (type == "zset") return "ZRANGE " + q + " 0 -1 WITHSCORES";
    if (type == "hash") return "HGETALL " + q;
    if (type == "list") return "LRANGE " + q + " 0 -1";
    if (type == "set") return "SMEMBERS " + q;
    if (type == "stream") return "XRANGE " + q + " - +";
    return std::string("PING");
  });
  ::unlink(path);
  return all;
}

TEST(Pii, PhoneAndLandmarkNeverAppearInClear) {
  // Logs go to stderr: capture them in a file for the whole journey.
  char log_path[] = "/tmp/okada-pii-log-XXXXXX";
  int log_fd = ::mkstemp(log_path);
  ASSERT_GE(log_fd, 0);
  std::fflush(stderr);
  int saved = ::dup(2);
  ::dup2(log_fd, 2);

  std::string phone, landmark = "Derrière la station Total, carrefour Bastos " + crypto::RandomToken(4);
  std::string db_url;
  {
    PlatformOptions po;
    po.config["log.level"] = "debug";
    Platform p("pii", po);
    db_url = p.db_url();
    auto a = p.SignUp();
    phone = a.phone;
    std::string local = phone.substr(4);
    // The same person types their number differently: sign in with the local form, ask for codes.
    auto in = p.Call("POST", "/v1/auth/signin", R"({"phone":")" + local + R"(","password":")" + a.password + "\"}");
    ASSERT_EQ(in.status, 200) << in.body;
    ASSERT_EQ(p.Call("POST", "/v1/auth/otp", R"({"phone":"237)" + local + R"(","purpose":"signin"})").status, 202);
    std::string code = p.LastCode(phone);
    ASSERT_EQ(p.Call("POST", "/v1/auth/signin/otp", R"({"phone":")" + phone + R"(","code":")" + code + "\"}").status,
              200);
    json::object addr{{"label", "home"},
                      {"location", json::object{{"lat", 4.0611}, {"lon", 9.7679}}},
                      {"landmark", landmark},
                      {"neighbourhood", "Akwa"},
                      {"phone_to_call", phone}};
    auto created = p.CallAs(a.access_token, "POST", "/v1/users/me/addresses", json::serialize(addr));
    ASSERT_EQ(created.status, 201) << created.body;
    ASSERT_EQ(p.CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":"Ngo Bassa )" + local + "\"}").status, 200);
    auto r = p.Call("POST", "/v1/auth/refresh", R"({"refresh_token":")" + a.refresh_token + "\"}");
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(p.CallAs(a.access_token, "POST", "/v1/auth/signout").status, 204);

    std::string dump = Out("pg_dump --data-only '" + db_url + "'");
    ASSERT_NE(dump.find("auth.accounts"), std::string::npos) << "the dump ran";
    std::string redis = RedisEverything(RequiredEnv("OKADA_REDIS_URL"));
    ASSERT_NE(redis.find("user.registered"), std::string::npos) << "the event streams' entries were read";
    for (const std::string& needle : {local, landmark.substr(0, 30), std::string("Ngo Bassa")}) {
      EXPECT_EQ(dump.find(needle), std::string::npos) << "pg_dump contains " << needle;
      EXPECT_EQ(redis.find(needle), std::string::npos) << "Redis contains " << needle;
    }
    auto outbox = Psql(db_url, "SELECT payload::text FROM auth.outbox");
    ASSERT_FALSE(outbox.empty()) << "user.registered was written";
    for (const auto& payload : outbox) EXPECT_EQ(payload.find(local), std::string::npos) << payload;
  }
  log::Flush();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::ifstream in(log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string logs = ss.str();
  ::unlink(log_path);
  EXPECT_NE(logs.find("http.request"), std::string::npos) << "access logs were captured";
  EXPECT_EQ(logs.find(phone.substr(4)), std::string::npos) << "logs contain the phone number";
  EXPECT_EQ(logs.find(landmark.substr(0, 30)), std::string::npos) << "logs contain the landmark";
}

// `okada keys rotate-data` adds a key; running services start encrypting with it and rewrite what is stored.
TEST(Pii, ADataKeyRotationReencryptsStoredDataInTheBackground) {
  PlatformOptions po;
  po.config["keys.reencrypt_ms"] = "100";
  Platform p("pii_rotation", po);
  auto a = p.SignUp();
  std::string landmark = "Face pharmacie du Rond-point Deido " + crypto::RandomToken(4);
  json::object addr{
      {"location", json::object{{"lat", 4.0611}, {"lon", 9.7679}}}, {"landmark", landmark}, {"neighbourhood", "Deido"}};
  ASSERT_EQ(p.CallAs(a.access_token, "POST", "/v1/users/me/addresses", json::serialize(addr)).status, 201);
  ASSERT_EQ(p.CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":"Ekwalla"})").status, 200);

  auto stored = [&] {  // (column, value) of every encrypted value the journey wrote
    std::vector<std::pair<std::string, std::string>> all;
    for (const char* sql :
         {"SELECT 'auth.accounts.phone_enc|' || phone_enc FROM auth.accounts",
          "SELECT 'users.addresses.landmark_enc|' || landmark_enc FROM users.addresses",
          "SELECT 'users.addresses.location_enc|' || location_enc FROM users.addresses",
          "SELECT 'users.profiles.name_enc|' || name_enc FROM users.profiles WHERE name_enc IS NOT NULL"})
      for (auto& v : Psql(p.db_url(), sql)) {
        auto bar = v.find('|');
        all.emplace_back(v.substr(0, bar), v.substr(bar + 1));
      }
    return all;
  };
  // Read what is stored before rotating: the services may start re-encrypting as soon as the new key exists.
  auto before = stored();
  auto ring = crypto::Keyring::Rotate(p.state_dir());  // what `okada keys rotate-data` does
  ASSERT_EQ(ring.active_version(), 2);
  ASSERT_GE(before.size(), 4u);
  for (const auto& [column, v] : before) ASSERT_TRUE(ring.NeedsReencryption(v)) << column << " written under key 1";

  std::string stale;               // the columns still holding a value under key 1
  for (int i = 0; i < 600; ++i) {  // up to 30 s: CI machines are shared and slow
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stale.clear();
    for (const auto& [column, v] : stored())
      if (ring.NeedsReencryption(v)) stale += column + " ";
    if (stale.empty()) break;
  }
  EXPECT_EQ(stale, "") << "every value rewritten under key 2";

  // Everything still reads, and the phone (blind index, separate key) still signs in.
  auto list = p.CallAs(a.access_token, "GET", "/v1/users/me/addresses");
  EXPECT_NE(list.body.find(landmark), std::string::npos) << list.body;
  auto in = p.Call("POST", "/v1/auth/signin", R"({"phone":")" + a.phone + R"(","password":")" + a.password + "\"}");
  EXPECT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(JsonField(p.CallAs(a.access_token, "GET", "/v1/auth/me").body, "phone"), a.phone);
  EXPECT_EQ(JsonField(p.CallAs(a.access_token, "GET", "/v1/users/me").body, "name"), "Ekwalla");
}

}  // namespace
}  // namespace okada::test
