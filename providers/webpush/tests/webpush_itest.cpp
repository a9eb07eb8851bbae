// The web push sender against the local push service over real loopback HTTP: delivery and decryption end to
// end, gone subscriptions, injected failures, restricted subscriptions, the breaker, an unreachable service,
// and the sandbox's own checks (VAPID, headers, body) and HTTP API.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <thread>

#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/webpush.hpp"
#include "support/test_support.hpp"

namespace okada::webpush {
namespace {

namespace json = boost::json;

constexpr const char* kSubject = "mailto:ops@okada.cm";
// UTF-8 French with accents, an apostrophe and an emoji.
constexpr const char* kText =
    "Votre commande n°42 arrive : le livreur est à Bépanda, prévoyez 2 500 FCFA. Bon appétit ! 🛵";

class WebPushSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    io_.Start();
    sandbox_ = std::make_unique<Sandbox>();
  }
  void TearDown() override {
    sender_.reset();
    io_.Stop();
  }

  Sender& Make(std::chrono::milliseconds timeout = {}) {
    SenderOptions o{key_, kSubject};
    if (timeout.count() > 0) o.timeout = timeout;
    sender_ = MakeHttpSender(io_, std::move(o), &metrics_);
    return *sender_;
  }

  SendResult Send(Sender& s, const Subscription& sub, std::string text = kText, MessageOptions options = {}) {
    return test::Await(io_.context(0),
                       s.Send(sub, std::move(text), std::move(options), DeadlineIn(std::chrono::seconds(10))));
  }

  // The send must fail with `code`; returns the detail, checked free of the endpoint's id and the text.
  std::string ExpectError(Sender& s, const Subscription& sub, ErrorCode code = ErrorCode::kPushUnavailable) {
    try {
      Send(s, sub);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.detail();
      std::string id = sub.endpoint.substr(sub.endpoint.rfind('/') + 1);
      if (id.size() > 8) {
        EXPECT_EQ(e.detail().find(id), std::string::npos) << e.detail();
      }
      EXPECT_EQ(e.detail().find("Bépanda"), std::string::npos) << e.detail();
      EXPECT_EQ(e.detail().find(sub.p256dh), std::string::npos) << e.detail();
      return e.detail();
    }
    ADD_FAILURE() << "the send succeeded";
    return {};
  }

  std::uint64_t Counter(const std::string& name, const Labels& labels = {}) {
    return metrics_.GetCounter(name, "", labels).value();
  }

  // A raw POST with the core HTTP client (the sender would always add everything). The client lives and dies on
  // shard 0's thread, as a Client must.
  static boost::asio::awaitable<http::ClientResponse> PostOn(boost::asio::io_context& ctx,
                                                             http::ClientRequest request) {
    http::Client client(ctx);
    http::ClientResponse response = co_await client.Send(std::move(request));
    co_return response;
  }
  http::ClientResponse RawPost(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                               std::string body) {
    http::ClientRequest request;
    request.method = http::Method::kPost;
    request.url = url;
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.deadline = DeadlineIn(std::chrono::seconds(10));
    return test::Await(io_.context(0), PostOn(io_.context(0), std::move(request)));
  }

  std::string Vapid(const std::string& audience, const VapidKey* key = nullptr) {
    return VapidAuthorization(key ? *key : key_, audience, kSubject, UnixMillisNow() / 1000 + 3600);
  }

  IoPool io_{2};
  Metrics metrics_;
  VapidKey key_ = VapidKey::Generate();
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<Sender> sender_;
};

TEST_F(WebPushSenderTest, DeliversTheDecryptedTextWithItsHeaders) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  EXPECT_EQ(sub.subscription.endpoint, "http://127.0.0.1:" + std::to_string(sandbox_->port()) + "/push/" + sub.id);
  MessageOptions options;
  options.ttl = std::chrono::seconds(600);
  options.urgency = "high";
  options.topic = "order-42";
  SendResult r = Send(s, sub.subscription, kText, options);
  EXPECT_EQ(r.status, 201);
  EXPECT_FALSE(r.gone);
  EXPECT_EQ(r.location.rfind(sandbox_->origin() + "/", 0), 0u) << r.location;

  auto mine = sandbox_->Messages(sub.id);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].text, kText);
  EXPECT_EQ(mine[0].ttl, 600);
  EXPECT_EQ(mine[0].urgency, "high");
  EXPECT_EQ(mine[0].topic, "order-42");
  EXPECT_GT(mine[0].received_ms, 0);
  EXPECT_EQ(r.location.substr(r.location.rfind('/') + 1), mine[0].id);

  // Defaults: TTL one day, normal urgency, no topic.
  Send(s, sub.subscription, "deuxième");
  mine = sandbox_->Messages(sub.id);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[1].text, "deuxième");
  EXPECT_EQ(mine[1].ttl, 86400);
  EXPECT_EQ(mine[1].urgency, "normal");
  EXPECT_EQ(mine[1].topic, "");
  EXPECT_TRUE(sandbox_->Messages(sandbox_->Subscribe().id).empty());
  EXPECT_EQ(Counter("okada_push_sent_total"), 2u);
}

TEST_F(WebPushSenderTest, DeletedSubscriptionIsGoneNotAnError) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  ASSERT_TRUE(sandbox_->Unsubscribe(sub.id));
  EXPECT_FALSE(sandbox_->Unsubscribe(sub.id));
  SendResult r = Send(s, sub.subscription);
  EXPECT_TRUE(r.gone);
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(Counter("okada_push_gone_total"), 1u);
  EXPECT_EQ(Counter("okada_push_sent_total"), 0u);

  // The same through the sandbox's HTTP API.
  Sandbox::NewSubscription other = sandbox_->Subscribe();
  EXPECT_EQ(test::HttpCall(sandbox_->port(), "DELETE", "/sandbox/subscriptions/" + other.id).status, 204);
  EXPECT_TRUE(Send(s, other.subscription).gone);
  EXPECT_EQ(Counter("okada_push_gone_total"), 2u);
}

TEST_F(WebPushSenderTest, InjectedFailureIsPushUnavailableThenTheNextSendWorks) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  sandbox_->FailNext(1);
  std::string detail = ExpectError(s, sub.subscription);
  EXPECT_NE(detail.find("503"), std::string::npos) << detail;
  EXPECT_TRUE(sandbox_->Messages(sub.id).empty());
  EXPECT_EQ(Send(s, sub.subscription).status, 201);
  EXPECT_EQ(sandbox_->Messages(sub.id).size(), 1u);
  EXPECT_EQ(Counter("okada_push_failures_total", {{"reason", "service_error"}}), 1u);
}

TEST_F(WebPushSenderTest, RestrictedSubscriptionRefusesAnotherVapidKey) {
  Sender& s = Make();
  VapidKey other = VapidKey::Generate();
  Sandbox::NewSubscription theirs = sandbox_->Subscribe(other.PublicKeyB64());
  std::string detail = ExpectError(s, theirs.subscription);
  EXPECT_NE(detail.find("push service refused: 403"), std::string::npos) << detail;
  EXPECT_EQ(Counter("okada_push_failures_total", {{"reason", "refused"}}), 1u);
  Sandbox::NewSubscription ours = sandbox_->Subscribe(key_.PublicKeyB64());
  EXPECT_EQ(Send(s, ours.subscription).status, 201);
}

TEST_F(WebPushSenderTest, BadSubscriptionOrOptionsFailBeforeAnyRequest) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  Subscription bad = sub.subscription;
  bad.p256dh = bad.p256dh.substr(0, 40);
  ExpectError(s, bad, ErrorCode::kPushSubscriptionInvalid);
  bad = sub.subscription;
  bad.endpoint = "ftp://127.0.0.1/push/x";
  ExpectError(s, bad, ErrorCode::kPushSubscriptionInvalid);
  MessageOptions urgent;
  urgent.urgency = "urgent";
  EXPECT_THROW(Send(s, sub.subscription, "x", urgent), Error);
  MessageOptions topic;
  topic.topic = "order 42";
  EXPECT_THROW(Send(s, sub.subscription, "x", topic), Error);
  try {
    Send(s, sub.subscription, std::string(kMaxPlaintextBytes + 1, 'x'));
    ADD_FAILURE() << "oversize payload sent";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPayloadTooLarge);
  }
  EXPECT_TRUE(sandbox_->Messages(sub.id).empty());
  // The largest payload goes through (a 4096-byte body).
  EXPECT_EQ(Send(s, sub.subscription, std::string(kMaxPlaintextBytes, 'x')).status, 201);
}

TEST_F(WebPushSenderTest, UnreachableAndHttpsEndpointsArePushUnavailable) {
  auto gone = std::make_unique<Sandbox>();
  Sandbox::NewSubscription sub = gone->Subscribe();
  gone.reset();  // nothing listens there any more
  Sender& s = Make();
  ExpectError(s, sub.subscription);
  EXPECT_EQ(Counter("okada_push_failures_total", {{"reason", "unreachable"}}), 1u);
  // An https push service that does not answer is unavailable too (TLS itself: core_http_client_test).
  Subscription tls = sandbox_->Subscribe().subscription;
  tls.endpoint = "https://127.0.0.1:1/push/abcdefghijklmnop";
  std::string detail = ExpectError(s, tls);
  EXPECT_NE(detail.find("https"), std::string::npos) << detail;
}

TEST_F(WebPushSenderTest, BreakerFailsFastAfterRepeatedFailures) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  sandbox_->FailNext(5);
  for (int i = 0; i < 5; ++i) ExpectError(s, sub.subscription);
  std::string detail = ExpectError(s, sub.subscription);
  EXPECT_NE(detail.find("circuit open"), std::string::npos) << detail;
  EXPECT_TRUE(sandbox_->Messages(sub.id).empty());
  EXPECT_EQ(Counter("okada_push_failures_total", {{"reason", "breaker_open"}}), 1u);
}

TEST_F(WebPushSenderTest, SendFromOutsideThePoolHopsToAShard) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  boost::asio::io_context foreign;
  auto guard = boost::asio::make_work_guard(foreign);
  std::thread runner([&] { foreign.run(); });
  SendResult r;
  EXPECT_NO_THROW(r = test::Await(foreign, s.Send(sub.subscription, kText, {}, DeadlineIn(std::chrono::seconds(10)))));
  guard.reset();
  runner.join();
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(sandbox_->Messages(sub.id).size(), 1u);
}

TEST_F(WebPushSenderTest, KeepsTheLatestThousandMessagesPerSubscription) {
  Sender& s = Make();
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  for (int i = 0; i < 1001; ++i) ASSERT_EQ(Send(s, sub.subscription, "n" + std::to_string(i)).status, 201);
  auto mine = sandbox_->Messages(sub.id);
  ASSERT_EQ(mine.size(), 1000u);
  EXPECT_EQ(mine.front().text, "n1");
  EXPECT_EQ(mine.back().text, "n1000");
}

// --- the sandbox's own checks, with hand-made requests ---

TEST_F(WebPushSenderTest, SandboxRequiresAValidVapidHeader) {
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  const std::string& url = sub.subscription.endpoint;
  std::string body = Encrypt("bonjour", sub.subscription);
  std::vector<std::pair<std::string, std::string>> base = {{"TTL", "60"}, {"Content-Encoding", "aes128gcm"}};

  http::ClientResponse missing = RawPost(url, base, body);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.header("WWW-Authenticate"), "vapid");

  auto with = [&](std::string authorization) {
    auto headers = base;
    headers.emplace_back("Authorization", std::move(authorization));
    return headers;
  };
  EXPECT_EQ(RawPost(url, with(Vapid("http://127.0.0.1:1")), body).status, 401);  // another audience
  EXPECT_EQ(RawPost(url, with("Bearer abc"), body).status, 401);
  std::string expired = VapidAuthorization(key_, sandbox_->origin(), kSubject, UnixMillisNow() / 1000 - 1);
  EXPECT_EQ(RawPost(url, with(expired), body).status, 401);
  EXPECT_TRUE(sandbox_->Messages(sub.id).empty());

  http::ClientResponse ok = RawPost(url, with(Vapid(sandbox_->origin())), body);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(ok.header("Location").empty());
  auto mine = sandbox_->Messages(sub.id);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].text, "bonjour");
  EXPECT_EQ(mine[0].ttl, 60);
}

TEST_F(WebPushSenderTest, SandboxChecksHeadersAndBody) {
  Sandbox::NewSubscription sub = sandbox_->Subscribe();
  const std::string& url = sub.subscription.endpoint;
  std::string body = Encrypt("bonjour", sub.subscription);
  std::string auth = Vapid(sandbox_->origin());
  using Headers = std::vector<std::pair<std::string, std::string>>;
  struct Case {
    Headers headers;
    std::string body;
    int status;
    const char* why;
  };
  std::string forged = body;
  forged.back() = static_cast<char>(forged.back() ^ 1);
  std::vector<Case> cases = {
      {{{"Authorization", auth}, {"Content-Encoding", "aes128gcm"}}, body, 400, "no TTL"},
      {{{"Authorization", auth}, {"TTL", "-1"}, {"Content-Encoding", "aes128gcm"}}, body, 400, "negative TTL"},
      {{{"Authorization", auth}, {"TTL", "60"}}, body, 400, "no Content-Encoding"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aesgcm"}}, body, 400, "legacy aesgcm"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}, {"Urgency", "now"}},
       body,
       400,
       "bad Urgency"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}, {"Topic", "a/b"}},
       body,
       400,
       "bad Topic"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}}, forged, 400, "forged body"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}}, "", 400, "empty body"},
      {{{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}},
       std::string(4097, 'x'),
       413,
       "body over 4096 bytes"},
  };
  for (const Case& c : cases) {
    http::ClientResponse r = RawPost(url, c.headers, c.body);
    EXPECT_EQ(r.status, c.status) << c.why << ": " << r.body;
    EXPECT_EQ(r.body.find("bonjour"), std::string::npos) << c.why;
  }
  EXPECT_TRUE(sandbox_->Messages(sub.id).empty());
  // Unknown id: 410, as for a deleted subscription.
  Headers good = {{"Authorization", auth}, {"TTL", "60"}, {"Content-Encoding", "aes128gcm"}};
  EXPECT_EQ(RawPost(sandbox_->origin() + "/push/nosuchsubscription", good, body).status, 410);
  EXPECT_EQ(RawPost(url, good, body).status, 201);
}

TEST_F(WebPushSenderTest, SandboxHttpApi) {
  std::uint16_t port = sandbox_->port();
  EXPECT_EQ(test::HttpCall(port, "GET", "/healthz").status, 200);

  auto created = test::HttpCall(port, "POST", "/sandbox/subscriptions", {{"Content-Type", "application/json"}}, "{}");
  ASSERT_EQ(created.status, 201) << created.body;
  json::object o = json::parse(created.body).as_object();
  std::string id(o["id"].as_string());
  Subscription sub{std::string(o["endpoint"].as_string()), std::string(o["keys"].at("p256dh").as_string()),
                   std::string(o["keys"].at("auth").as_string())};
  EXPECT_EQ(sub.endpoint, "http://127.0.0.1:" + std::to_string(port) + "/push/" + id);
  EXPECT_EQ(Base64UrlDecode(sub.p256dh)->size(), 65u);
  EXPECT_EQ(Base64UrlDecode(sub.auth)->size(), 16u);
  EXPECT_EQ(test::HttpCall(port, "POST", "/sandbox/subscriptions", {}, "").status, 201);
  EXPECT_EQ(test::HttpCall(port, "POST", "/sandbox/subscriptions", {}, R"({"applicationServerKey":"abc"})").status,
            400);

  Sender& s = Make();
  MessageOptions options;
  options.topic = "t1";
  Send(s, sub, "Livraison effectuée ✔", options);
  auto listed = test::HttpCall(port, "GET", "/sandbox/subscriptions/" + id + "/messages");
  ASSERT_EQ(listed.status, 200);
  json::array items = json::parse(listed.body).as_object()["items"].as_array();
  ASSERT_EQ(items.size(), 1u);
  json::object item = items[0].as_object();
  EXPECT_EQ(item["text"].as_string(), "Livraison effectuée ✔");
  EXPECT_EQ(item["ttl"].as_int64(), 86400);
  EXPECT_EQ(item["urgency"].as_string(), "normal");
  EXPECT_EQ(item["topic"].as_string(), "t1");
  EXPECT_EQ(item["received_at"].as_string().size(), 24u);
  EXPECT_EQ(test::HttpCall(port, "GET", "/sandbox/subscriptions/nope/messages").status, 404);

  EXPECT_EQ(test::HttpCall(port, "POST", "/sandbox/fail", {}, R"({"count":1})").status, 200);
  EXPECT_EQ(test::HttpCall(port, "POST", "/sandbox/fail", {}, R"({"count":-1})").status, 400);
  ExpectError(s, sub);
  EXPECT_EQ(Send(s, sub, "encore").status, 201);

  EXPECT_EQ(test::HttpCall(port, "DELETE", "/sandbox/subscriptions/" + id).status, 204);
  EXPECT_EQ(test::HttpCall(port, "DELETE", "/sandbox/subscriptions/" + id).status, 404);
  EXPECT_TRUE(sandbox_->Messages(id).empty());
  EXPECT_TRUE(Send(s, sub).gone);
}

}  // namespace
}  // namespace okada::webpush
