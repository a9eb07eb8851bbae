#include "platform.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "okada/core/config.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/pg/migrations.hpp"
#include "services.hpp"

namespace okada::test {
namespace json = boost::json;

std::string UniquePhone() {
  static std::atomic<int> counter{0};
  // +2376 7 then 7 digits (an MTN-shaped mobile): pid and a counter keep parallel test processes apart.
  int n = counter.fetch_add(1);
  long v = (static_cast<long>(::getpid()) % 10000) * 1000 + n % 1000;
  std::string digits = std::to_string(v);
  return "+23767" + std::string(7 - digits.size(), '0') + digits;
}

std::string JsonField(const std::string& body, const std::string& path) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return {};
  const json::value* cur = &v;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return {};
    cur = cur->as_object().if_contains(key);
    if (!cur) return {};
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_string()) return std::string(cur->as_string());
  return json::serialize(*cur);
}

namespace {
void WriteWebFixture(const std::filesystem::path& out) {
  const std::pair<const char*, const char*> files[] = {
      {"index.html", "<!DOCTYPE html><html lang=\"fr\"><title>fixture sign-in</title></html>"},
      {"orders/index.html", "<!DOCTYPE html><html lang=\"fr\"><title>fixture orders</title></html>"},
      {"404.html", "<!DOCTYPE html><html lang=\"fr\"><title>fixture not found</title></html>"},
      {"_next/static/chunks/app.js", "console.log('fixture');"}};
  for (const auto& [name, text] : files) {
    std::filesystem::create_directories((out / name).parent_path());
    std::ofstream(out / name, std::ios::binary) << text;
  }
}
}  // namespace

Platform::Platform(const std::string& suite, PlatformOptions options) {
  db_ = std::make_unique<FreshDatabase>(suite);
  char tmpl[] = "/tmp/okada-state-XXXXXX";
  state_dir_ = ::mkdtemp(tmpl);

  // A tiny stand-in for the web build (the gateway serves it at /merchant/): tests do not depend on `npm run build`.
  WriteWebFixture(state_dir_ / "web" / "merchant" / "out");

  std::string sms_key = crypto::RandomToken();
  crypto::EnsurePrivateDirectory(state_dir_ / "keys");
  crypto::WriteSecretFile(state_dir_ / "keys" / "sms-api.key", sms_key + "\n");
  sms::Sandbox::Options so;
  so.api_key = sms_key;
  sms_ = std::make_unique<sms::Sandbox>(so);

  // The two mobile-money sandboxes, with credentials files where the payments service looks for them.
  auto start_money = [&](mobile_money::Sandbox::Kind kind, const std::string& file) {
    mobile_money::Sandbox::Options mo;
    mo.kind = kind;
    mo.user = kind == mobile_money::Sandbox::Kind::kMomo ? crypto::UuidV7() : crypto::RandomToken(12);
    mo.secret = crypto::RandomToken();
    mo.key = crypto::RandomToken();
    json::object creds{{"user", mo.user}, {"secret", mo.secret}, {"key", mo.key}};
    crypto::WriteSecretFile(state_dir_ / "keys" / file, json::serialize(creds));
    return std::make_unique<mobile_money::Sandbox>(mo);
  };
  momo_ = start_money(mobile_money::Sandbox::Kind::kMomo, "momo-sandbox.json");
  orange_ = start_money(mobile_money::Sandbox::Kind::kOrange, "orange-sandbox.json");
  smtp_ = std::make_unique<email::Sink>(email::Sink::Options{});
  push_ = std::make_unique<webpush::Sandbox>();

  std::map<std::string, std::string> cfg{
      {"http.port", "0"},
      {"http.io_threads", "2"},
      {"pg.url", db_->url()},
      {"pg.pool_size", "8"},
      {"redis.url", RequiredEnv("OKADA_REDIS_URL")},
      {"state.dir", state_dir_.string()},
      {"sms.url", "http://127.0.0.1:" + std::to_string(sms_->port())},
      {"payments.momo_url", "http://127.0.0.1:" + std::to_string(momo_->port())},
      {"payments.orange_url", "http://127.0.0.1:" + std::to_string(orange_->port())},
      {"notifications.smtp_port", std::to_string(smtp_->smtp_port())},
      {"notifications.sweep_ms", "100"},
      {"delivery.dispatch_ms", "200"},
      {"auth.insecure_fast_hashing", "true"},
      {"log.level", "warn"},
      {"http.request_deadline_ms", "10000"},
      {"gateway.signin_per_min", "100000"},
      {"gateway.general_rate", "100000"},
      {"gateway.general_burst", "100000"},
      {"gateway.web_dir", (state_dir_ / "web").string()},
  };
  for (auto& [k, v] : options.config) cfg[k] = v;
  config_ = std::make_unique<Config>(Config::Defaults(cfg));

  host_ = std::make_unique<Host>(*config_, app::Catalogue());
  auto sets = host_->MigrationsOf(options.services);
  pg::Migrate(db_->url(), sets, [](const std::string&) {});
  host_->Start(options.services);
}

Platform::~Platform() {
  if (host_) host_->Shutdown();
  host_.reset();
  sms_.reset();
  momo_.reset();
  orange_.reset();
  smtp_.reset();
  push_.reset();
  std::error_code ec;
  std::filesystem::remove_all(state_dir_, ec);
}

std::uint16_t Platform::port() const { return host_->port(); }

HttpResult Platform::Call(const std::string& method, const std::string& target, const std::string& body,
                          std::map<std::string, std::string> headers) const {
  if (!body.empty() && !headers.contains("Content-Type")) headers["Content-Type"] = "application/json";
  return HttpCall(port(), method, target, headers, body);
}

HttpResult Platform::CallAs(const std::string& token, const std::string& method, const std::string& target,
                            const std::string& body, std::map<std::string, std::string> headers) const {
  headers["Authorization"] = "Bearer " + token;
  return Call(method, target, body, std::move(headers));
}

std::string Platform::MintToken(const std::string& subject, const std::string& role, const std::string& session) const {
  auto keys = crypto::KeyStore::LoadOrCreate(state_dir_);
  crypto::Claims c;
  c.iss = config_->GetString("auth.issuer");
  c.aud = config_->GetString("auth.audience");
  c.sub = subject;
  c.role = role;
  if (!session.empty()) c.extra["sid"] = session;
  c.SetLifetime(std::chrono::minutes(10));
  return keys->Signer().Sign(c);
}

Platform::Account Platform::SignUp(const std::string& password) {
  Account a;
  a.phone = UniquePhone();
  a.password = password;
  json::object body{{"phone", a.phone}, {"password", password}};
  auto res = Call("POST", "/v1/auth/signup", json::serialize(body));
  EXPECT_EQ(res.status, 201) << res.body;
  a.id = JsonField(res.body, "account.id");
  a.access_token = JsonField(res.body, "access_token");
  a.refresh_token = JsonField(res.body, "refresh_token");
  return a;
}

std::string Platform::LastCode(const std::string& phone) const {
  auto messages = sms_->Messages(phone);
  if (messages.empty()) return {};
  const std::string& text = messages.back().text;
  for (std::size_t i = 0; i + 6 <= text.size(); ++i) {
    bool six = true;
    for (std::size_t j = 0; j < 6 && six; ++j) six = std::isdigit(static_cast<unsigned char>(text[i + j])) != 0;
    bool bounded = (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))) &&
                   (i + 6 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 6])));
    if (six && bounded) return text.substr(i, 6);
  }
  return {};
}

std::string Platform::Promote(Account& account, const std::string& role) {
  std::string admin = MintToken(crypto::UuidV7(), "admin");
  json::object body{{"role", role}};
  auto res = CallAs(admin, "PUT", "/v1/admin/accounts/" + account.id + "/role", json::serialize(body));
  EXPECT_EQ(res.status, 200) << res.body;
  json::object signin{{"phone", account.phone}, {"password", account.password}};
  auto in = Call("POST", "/v1/auth/signin", json::serialize(signin));
  EXPECT_EQ(in.status, 200) << in.body;
  account.access_token = JsonField(in.body, "access_token");
  account.refresh_token = JsonField(in.body, "refresh_token");
  return account.access_token;
}

}  // namespace okada::test

namespace okada::test {

namespace {
constexpr const char* kWeekHours =
    R"([[{"open":"00:00","close":"24:00"}],[{"open":"00:00","close":"24:00"}],[{"open":"00:00","close":"24:00"}],)"
    R"([{"open":"00:00","close":"24:00"}],[{"open":"00:00","close":"24:00"}],[{"open":"00:00","close":"24:00"}],)"
    R"([{"open":"00:00","close":"24:00"}]])";
}  // namespace

Platform::Merchant Platform::NewMerchant(const std::string& name, double lat, double lon) {
  Merchant m;
  m.owner = SignUp();
  json::object body{{"business_name", name}, {"category", "grocery"}, {"contact_phone", "+237 699 11 22 33"}};
  auto applied = CallAs(m.owner.access_token, "POST", "/v1/merchants", json::serialize(body));
  EXPECT_EQ(applied.status, 201) << applied.body;
  m.id = JsonField(applied.body, "id");
  std::string admin = MintToken(crypto::UuidV7(), "admin", crypto::UuidV7());
  auto approved = CallAs(admin, "POST", "/v1/admin/merchants/" + m.id + "/approve");
  EXPECT_EQ(approved.status, 200) << approved.body;
  json::object signin{{"phone", m.owner.phone}, {"password", m.owner.password}};
  auto res = Call("POST", "/v1/auth/signin", json::serialize(signin));
  EXPECT_EQ(res.status, 200) << res.body;
  m.token = JsonField(res.body, "access_token");
  std::string store = R"({"name":")" + name + R"(","location":{"lat":)" + std::to_string(lat) + R"(,"lon":)" +
                      std::to_string(lon) + R"(},"address":"Rue Joffre, Akwa","opening_hours":)" + kWeekHours +
                      R"(,"delivery_radius_m":5000})";
  auto created = CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/stores", store);
  EXPECT_EQ(created.status, 201) << created.body;
  m.store = JsonField(created.body, "id");
  return m;
}

std::string Platform::NewListedProduct(const Merchant& m, const std::string& name, std::int64_t price,
                                       std::int64_t on_hand) {
  std::string sku = "SKU-" + crypto::RandomToken(6);
  std::string body = R"({"sku":")" + sku + R"(","name_fr":")" + name + R"(","name_en":")" + name +
                     R"(","unit":"piece","category":"groceries"})";
  auto res = CallAs(m.token, "POST", "/v1/merchants/" + m.id + "/products", body);
  EXPECT_EQ(res.status, 201) << res.body;
  std::string id = JsonField(res.body, "id");
  std::string listing = R"({"price_xaf":)" + std::to_string(price) + R"(,"on_hand":)" + std::to_string(on_hand) +
                        R"(,"low_stock_threshold":2})";
  auto listed = CallAs(m.token, "PUT", "/v1/stores/" + m.store + "/listings/" + id, listing);
  EXPECT_EQ(listed.status, 201) << listed.body;
  return id;
}

}  // namespace okada::test
