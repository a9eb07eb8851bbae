#pragma once
// An Okada platform for integration tests: the real services (the catalogue of apps/okada) hosted in this
// process on a fresh database of the test PostgreSQL, the test Redis, a private state directory (keys) and
// in-process sandboxes of the outside parties (SMS gateway, MTN MoMo, Orange Money, SMTP sink, web push service). Tests
// talk to it over real HTTP on a loopback port.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "okada/core/host.hpp"
#include "okada/providers/email.hpp"
#include "okada/providers/mobile_money.hpp"
#include "okada/providers/sms.hpp"
#include "okada/providers/webpush.hpp"
#include "support/test_support.hpp"

namespace okada::test {

struct PlatformOptions {
  std::vector<std::string> services{"all"};
  std::map<std::string, std::string> config;  ///< extra configuration keys (override the test defaults)
};

class Platform {
 public:
  explicit Platform(const std::string& suite, PlatformOptions options = {});
  ~Platform();

  std::uint16_t port() const;
  Host& host() { return *host_; }
  sms::Sandbox& sms() { return *sms_; }
  mobile_money::Sandbox& momo() { return *momo_; }
  mobile_money::Sandbox& orange() { return *orange_; }
  email::Sink& smtp() { return *smtp_; }
  webpush::Sandbox& push() { return *push_; }
  const std::string& db_url() const { return db_->url(); }
  const std::filesystem::path& state_dir() const { return state_dir_; }
  const Config& config() const { return *config_; }

  /// An HTTP exchange with the platform (adds Content-Type: application/json when there is a body).
  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                  std::map<std::string, std::string> headers = {}) const;
  /// Same, signed in with `token` (Authorization: Bearer).
  HttpResult CallAs(const std::string& token, const std::string& method, const std::string& target,
                    const std::string& body = {}, std::map<std::string, std::string> headers = {}) const;

  /// An access token signed with this platform's active key, exactly as the auth service would issue it.
  std::string MintToken(const std::string& subject, const std::string& role, const std::string& session = {}) const;

  struct Account {
    std::string id;
    std::string phone;  ///< E.164
    std::string password;
    std::string access_token;
    std::string refresh_token;
  };
  /// Signs up a fresh customer through the API (unique phone per call) and returns its tokens.
  Account SignUp(const std::string& password = "correct horse battery");
  /// The latest SMS code sent to `phone` (read from the sandbox), or "" if none.
  std::string LastCode(const std::string& phone) const;
  /// Gives `account` a new role the way an admin would (through the auth service), and returns a fresh
  /// access token carrying it (signed in again).
  std::string Promote(Account& account, const std::string& role);

  struct Merchant {
    Account owner;
    std::string token;  ///< the owner's access token as merchant_owner
    std::string id, store;
  };
  /// An approved merchant with one store open every day, delivering 5 km around (lat, lon) (Akwa, Douala).
  Merchant NewMerchant(const std::string& name, double lat = 4.0525, double lon = 9.6963);
  /// A product of `m`, listed in its store at `price` with `on_hand` in stock. Returns the product id.
  std::string NewListedProduct(const Merchant& m, const std::string& name, std::int64_t price, std::int64_t on_hand);

 private:
  std::unique_ptr<FreshDatabase> db_;
  std::filesystem::path state_dir_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<sms::Sandbox> sms_;
  std::unique_ptr<mobile_money::Sandbox> momo_, orange_;
  std::unique_ptr<email::Sink> smtp_;
  std::unique_ptr<webpush::Sandbox> push_;
  std::unique_ptr<Host> host_;
};

/// A test suite sharing one Platform, started once for the suite:
///   class OrdersTest : public SharedPlatformTest<OrdersTest> { public: static constexpr const char* kSuite = "orders";
///   };
template <typename Suite>
class SharedPlatformTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { platform_ = new Platform(Suite::kSuite); }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  Platform& p() { return *platform_; }
  static inline Platform* platform_ = nullptr;
};

/// A unique Cameroon mobile number for this test process (+2376 then 8 digits).
std::string UniquePhone();
/// Parses a JSON body and returns the string at a dotted path ("user.id"), or "" when absent.
std::string JsonField(const std::string& body, const std::string& path);

}  // namespace okada::test
