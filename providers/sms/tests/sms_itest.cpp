// The SMS adapter against the local sandbox over real loopback HTTP: delivery, wrong key, injected failures, a
// gateway that is down or silent, the circuit breaker, delivery reports, and the sandbox's own HTTP API.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/providers/sms.hpp"
#include "support/test_support.hpp"

namespace okada::sms {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kKey = "sandbox-test-key";
constexpr const char* kPhone = "+237670000001";
constexpr const char* kOtherPhone = "+237690000002";
constexpr const char* kText = "Votre code Okada est 482913";

std::string Base(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

std::map<std::string, std::string> Bearer(const std::string& key = kKey) {
  return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

class SmsGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    io_.Start();
    sandbox_ = std::make_unique<Sandbox>(Sandbox::Options{"127.0.0.1", 0, kKey});
  }
  void TearDown() override {
    gateway_.reset();
    io_.Stop();
  }

  Gateway& Make(std::uint16_t port, std::string key = kKey, std::chrono::milliseconds timeout = {}) {
    HttpGatewayOptions o;
    o.base_url = Base(port);
    o.api_key = std::move(key);
    if (timeout.count() > 0) o.timeout = timeout;
    o.callback_url = callback_url_;
    gateway_ = MakeHttpGateway(io_, std::move(o), &metrics_);
    return *gateway_;
  }

  SendResult Send(Gateway& g, std::string to = kPhone, std::string text = kText) {
    return test::Await(io_.context(0),
                       g.Send(Message{std::move(to), std::move(text)}, DeadlineIn(std::chrono::seconds(10))));
  }

  // The send must fail with SMS_UNAVAILABLE; returns the error's detail, checked free of personal data.
  std::string ExpectUnavailable(Gateway& g, const std::string& to = kPhone, const std::string& text = kText) {
    try {
      Send(g, to, text);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kSmsUnavailable) << e.detail();
      EXPECT_EQ(e.detail().find(to), std::string::npos) << e.detail();
      EXPECT_EQ(e.detail().find(to.substr(1)), std::string::npos) << e.detail();
      EXPECT_EQ(e.detail().find(text), std::string::npos) << e.detail();
      EXPECT_EQ(std::string(e.what()).find(to.substr(1)), std::string::npos) << e.what();
      return e.detail();
    }
    ADD_FAILURE() << "the send succeeded";
    return {};
  }

  std::uint64_t Counter(const std::string& name, const Labels& labels = {}) {
    return metrics_.GetCounter(name, "", labels).value();
  }

  IoPool io_{2};
  Metrics metrics_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<Gateway> gateway_;
  std::string callback_url_;
};

TEST_F(SmsGatewayTest, SentMessageIsVisibleInTheSandbox) {
  Gateway& g = Make(sandbox_->port());
  SendResult r = Send(g);
  EXPECT_EQ(r.id.rfind("msg_", 0), 0u) << r.id;
  EXPECT_EQ(r.parts, 1);

  auto mine = sandbox_->Messages(kPhone);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, r.id);
  EXPECT_EQ(mine[0].to, kPhone);
  EXPECT_EQ(mine[0].from, "OKADA");
  EXPECT_EQ(mine[0].text, kText);
  EXPECT_EQ(mine[0].encoding, "GSM-7");
  EXPECT_EQ(mine[0].parts, 1);
  EXPECT_GT(mine[0].received_ms, 0);
  EXPECT_TRUE(sandbox_->Messages(kOtherPhone).empty());
  EXPECT_EQ(sandbox_->Messages().size(), 1u);
  EXPECT_EQ(Counter("okada_sms_sent_total"), 1u);
  EXPECT_EQ(Counter("okada_sms_parts_total"), 1u);
}

TEST_F(SmsGatewayTest, PartsAndEncodingComeFromTheGateway) {
  Gateway& g = Make(sandbox_->port());
  std::string text = "Votre reçu est prêt. " + std::string(60, 'x');  // ç, ê → UCS-2, 81 characters → 2 parts
  SendResult r = Send(g, kOtherPhone, text);
  EXPECT_EQ(r.parts, 2);
  auto mine = sandbox_->Messages(kOtherPhone);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].text, text);
  EXPECT_EQ(mine[0].encoding, "UCS-2");
  EXPECT_EQ(mine[0].parts, 2);
}

TEST_F(SmsGatewayTest, WrongApiKeyIsSmsUnavailable) {
  Gateway& g = Make(sandbox_->port(), "not-the-key");
  std::string detail = ExpectUnavailable(g);
  EXPECT_NE(detail.find("401"), std::string::npos) << detail;
  EXPECT_TRUE(sandbox_->Messages(kPhone).empty());
  EXPECT_EQ(Counter("okada_sms_failures_total", {{"reason", "refused"}}), 1u);
}

TEST_F(SmsGatewayTest, InjectedFailureIsSmsUnavailableThenTheNextSendWorks) {
  Gateway& g = Make(sandbox_->port());
  sandbox_->FailNext(1);
  std::string detail = ExpectUnavailable(g);
  EXPECT_NE(detail.find("503"), std::string::npos) << detail;
  EXPECT_TRUE(sandbox_->Messages(kPhone).empty());
  SendResult r = Send(g);
  auto mine = sandbox_->Messages(kPhone);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, r.id);
  EXPECT_EQ(Counter("okada_sms_failures_total", {{"reason", "gateway_error"}}), 1u);
  EXPECT_EQ(Counter("okada_sms_sent_total"), 1u);
}

TEST_F(SmsGatewayTest, SandboxDownIsSmsUnavailable) {
  auto gone = std::make_unique<Sandbox>(Sandbox::Options{"127.0.0.1", 0, kKey});
  std::uint16_t port = gone->port();
  gone.reset();  // nothing listens on `port` any more
  Gateway& g = Make(port);
  ExpectUnavailable(g);
  EXPECT_EQ(Counter("okada_sms_failures_total", {{"reason", "unreachable"}}), 1u);
}

TEST_F(SmsGatewayTest, SilentGatewayFailsAtTheAdapterTimeoutNotTheCallersDeadline) {
  // A socket that listens but never answers: connecting works, the answer never comes.
  asio::io_context quiet;
  asio::ip::tcp::acceptor acceptor(quiet, {asio::ip::make_address("127.0.0.1"), 0});
  Gateway& g = Make(acceptor.local_endpoint().port(), kKey, std::chrono::milliseconds(300));
  // The caller allows ten minutes; the adapter's own timeout must end the call long before.
  auto done = asio::co_spawn(io_.context(0), g.Send(Message{kPhone, kText}, DeadlineIn(std::chrono::minutes(10))),
                             asio::use_future);
  ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "the timeout was not applied";
  try {
    done.get();
    FAIL() << "the send succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kSmsUnavailable);
    EXPECT_EQ(e.detail().find(kPhone + 1), std::string::npos) << e.detail();
  }
  EXPECT_EQ(Counter("okada_sms_failures_total", {{"reason", "timeout"}}), 1u);
}

TEST_F(SmsGatewayTest, BreakerFailsFastAfterRepeatedFailures) {
  Gateway& g = Make(sandbox_->port());
  sandbox_->FailNext(5);
  for (int i = 0; i < 5; ++i) ExpectUnavailable(g);
  // The sandbox would accept now, but the breaker (5 failures in a row, open for 5 s) refuses without calling it.
  std::string detail = ExpectUnavailable(g);
  EXPECT_NE(detail.find("circuit open"), std::string::npos) << detail;
  EXPECT_TRUE(sandbox_->Messages().empty());
  EXPECT_EQ(Counter("okada_sms_failures_total", {{"reason", "breaker_open"}}), 1u);
}

TEST_F(SmsGatewayTest, SendFromOutsideThePoolHopsToAShard) {
  Gateway& g = Make(sandbox_->port());
  asio::io_context foreign;
  auto guard = asio::make_work_guard(foreign);
  std::thread runner([&] { foreign.run(); });
  SendResult r;
  EXPECT_NO_THROW(r = test::Await(foreign, g.Send(Message{kPhone, kText}, DeadlineIn(std::chrono::seconds(10)))));
  guard.reset();
  runner.join();
  auto mine = sandbox_->Messages(kPhone);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, r.id);
}

TEST_F(SmsGatewayTest, CallbackUrlReceivesADeliveryReport) {
  test::CallbackRecorder receiver("/sms/reports");
  callback_url_ = receiver.Url("/sms/reports");
  Gateway& g = Make(sandbox_->port());
  SendResult r = Send(g);
  auto calls = receiver.WaitFor(1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  json::object report = json::parse(calls[0].body).as_object();
  EXPECT_EQ(report["id"].as_string(), r.id);
  EXPECT_EQ(report["status"].as_string(), "delivered");
  EXPECT_EQ(report["to"].as_string(), kPhone);
}

// --- the sandbox's HTTP API, as developers and other tests use it ---

class SmsSandboxHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    sandbox_ = std::make_unique<Sandbox>(Sandbox::Options{"127.0.0.1", 0, kKey});
    port_ = sandbox_->port();
  }
  test::HttpResult Post(const std::string& body, const std::string& key = kKey) {
    return test::HttpCall(port_, "POST", "/v1/messages", Bearer(key), body);
  }
  static std::string Body(const std::string& from, const std::string& to_json, const std::string& text) {
    json::object o;
    o["from"] = from;
    o["to"] = json::parse(to_json);
    o["text"] = text;
    return json::serialize(o);
  }
  std::unique_ptr<Sandbox> sandbox_;
  std::uint16_t port_ = 0;
};

TEST_F(SmsSandboxHttpTest, RequiresTheBearerKey) {
  std::string body = Body("OKADA", R"(["+237670000001"])", "hello");
  EXPECT_EQ(test::HttpCall(port_, "POST", "/v1/messages", {{"Content-Type", "application/json"}}, body).status, 401);
  auto wrong = Post(body, "nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json::parse(wrong.body).as_object()["error"].as_string(), "unauthorized");
  EXPECT_EQ(test::HttpCall(port_, "GET", "/v1/messages?to=+237670000001", {}).status, 401);
  EXPECT_EQ(test::HttpCall(port_, "DELETE", "/v1/messages", {}).status, 401);
  EXPECT_EQ(test::HttpCall(port_, "POST", "/v1/sandbox/fail", {}, R"({"count":1})").status, 401);
  EXPECT_TRUE(sandbox_->Messages().empty());
  EXPECT_EQ(test::HttpCall(port_, "GET", "/healthz").status, 200);
}

TEST_F(SmsSandboxHttpTest, ValidatesTheRequestWithoutEchoingIt) {
  struct Case {
    std::string body;
    const char* why;
  };
  std::vector<Case> cases = {
      {"not json", "not JSON"},
      {R"(["an","array"])", "not an object"},
      {Body("", R"(["+237670000001"])", "hi"), "empty from"},
      {Body("OKADA-LONGER", R"(["+237670000001"])", "hi"), "from of 12 characters"},
      {Body("OKADA", R"([])", "hi"), "no recipient"},
      {Body("OKADA", R"(["237670000001"])", "hi"), "no plus"},
      {Body("OKADA", R"(["+2376700"])", "hi"), "7 digits"},
      {Body("OKADA", R"(["+2376700000011234"])", "hi"), "16 digits"},
      {Body("OKADA", R"(["+23767000x001"])", "hi"), "a letter"},
      {Body("OKADA", R"([237670000001])", "hi"), "a number, not a string"},
      {Body("OKADA", R"(["+237670000001"])", ""), "empty text"},
      {Body("OKADA", R"(["+237670000001"])", std::string(1601, 'a')), "text of 1601 characters"},
      {R"({"from":"OKADA","text":"hi"})", "no to"},
      {R"({"from":"OKADA","to":["+237670000001"]})", "no text"},
      {R"({"from":"OKADA","to":["+237670000001"],"text":"hi","callback_url":"ftp://x"})", "bad callback"},
  };
  std::string many = "[";
  for (int i = 0; i < 101; ++i)
    many += std::string(i ? "," : "") + "\"+2376700001" + std::to_string(10 + i % 80) + "\"";
  cases.push_back({Body("OKADA", many + "]", "hi"), "101 recipients"});
  for (const auto& c : cases) {
    auto r = Post(c.body);
    EXPECT_EQ(r.status, 400) << c.why;
    json::object o = json::parse(r.body).as_object();
    EXPECT_EQ(o["error"].as_string(), "invalid_request") << c.why;
    EXPECT_FALSE(o["message"].as_string().empty()) << c.why;
    EXPECT_EQ(r.body.find("23767000"), std::string::npos) << c.why << ": " << r.body;
  }
  EXPECT_TRUE(sandbox_->Messages().empty());
  // The limits themselves are accepted: 11-character sender, 8 and 15 digits, 1600 characters, 100 recipients.
  EXPECT_EQ(Post(Body("OKADA-SHOPS", R"(["+23767000", "+237670000001234"])", std::string(1600, 'a'))).status, 201);
  EXPECT_EQ(Post(Body("OKADA", many.substr(0, many.rfind(',')) + "]", "hi")).status, 201);
  EXPECT_EQ(sandbox_->Messages().size(), 102u);
}

TEST_F(SmsSandboxHttpTest, SendListFailAndClear) {
  auto sent = Post(Body("OKADA", R"(["+237670000001","+237690000002"])", "Commande prête à Akwa"));
  ASSERT_EQ(sent.status, 201) << sent.body;
  json::object answer = json::parse(sent.body).as_object();
  EXPECT_EQ(answer["status"].as_string(), "queued");
  EXPECT_EQ(answer["parts"].as_int64(), 1);
  EXPECT_EQ(answer["encoding"].as_string(), "UCS-2");  // ê
  std::string id(answer["id"].as_string());
  EXPECT_EQ(id.rfind("msg_", 0), 0u);

  // `?to=+237...` as typed: the '+' is not a space.
  auto listed = test::HttpCall(port_, "GET", "/v1/messages?to=+237670000001", Bearer());
  ASSERT_EQ(listed.status, 200);
  json::array items = json::parse(listed.body).as_object()["items"].as_array();
  ASSERT_EQ(items.size(), 1u);
  json::object item = items[0].as_object();
  EXPECT_EQ(item["id"].as_string(), id);
  EXPECT_EQ(item["from"].as_string(), "OKADA");
  EXPECT_EQ(item["to"].as_string(), "+237670000001");
  EXPECT_EQ(item["text"].as_string(), "Commande prête à Akwa");
  EXPECT_EQ(item["parts"].as_int64(), 1);
  EXPECT_EQ(item["encoding"].as_string(), "UCS-2");
  EXPECT_EQ(item["received_at"].as_string().size(), 24u);  // 2026-03-01T10:00:00.123Z
  auto encoded = test::HttpCall(port_, "GET", "/v1/messages?to=%2B237690000002", Bearer());
  EXPECT_EQ(json::parse(encoded.body).as_object()["items"].as_array().size(), 1u);
  auto all = test::HttpCall(port_, "GET", "/v1/messages", Bearer());
  EXPECT_EQ(json::parse(all.body).as_object()["items"].as_array().size(), 2u);

  EXPECT_EQ(test::HttpCall(port_, "POST", "/v1/sandbox/fail", Bearer(), R"({"count":2})").status, 200);
  EXPECT_EQ(test::HttpCall(port_, "POST", "/v1/sandbox/fail", Bearer(), R"({"count":-1})").status, 400);
  std::string body = Body("OKADA", R"(["+237670000003"])", "hi");
  auto failed = Post(body);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(json::parse(failed.body).as_object()["error"].as_string(), "unavailable");
  EXPECT_EQ(Post(body).status, 503);
  EXPECT_EQ(Post(body).status, 201);
  EXPECT_EQ(sandbox_->Messages("+237670000003").size(), 1u);

  EXPECT_EQ(test::HttpCall(port_, "DELETE", "/v1/messages", Bearer()).status, 200);
  EXPECT_TRUE(sandbox_->Messages().empty());
}

TEST_F(SmsSandboxHttpTest, KeepsOnlyTheLatestTenThousandMessages) {
  std::string to = "[";
  for (int i = 0; i < 100; ++i) to += std::string(i ? "," : "") + "\"+2376700002" + std::to_string(10 + i) + "\"";
  to += "]";
  for (int i = 0; i < 101; ++i) {
    auto r = Post(Body("OKADA", to, "batch " + std::to_string(i)));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto all = sandbox_->Messages();
  ASSERT_EQ(all.size(), 10000u);
  EXPECT_EQ(all.front().text, "batch 1");  // the first batch of 100 was dropped
  EXPECT_EQ(all.back().text, "batch 100");
}

}  // namespace
}  // namespace okada::sms
