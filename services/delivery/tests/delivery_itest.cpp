// Delivery, live tracking and notifications, end to end on the whole platform (real PostgreSQL and Redis, the
// SMS gateway, SMTP sink and web push service sandboxes): a cash order from the customer's tap to the rider's
// hand-over, what each party sees live over /v1/ws, the French SMS and web pushes the customer gets at each step,
// and the ledger afterwards; who may follow which channel; offers that lapse and go to the next rider while the
// brain is down; and a notification sent once although its event arrives twice.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live_client.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr double kStoreLat = 4.0525, kStoreLon = 9.6963;  // Akwa, Douala
constexpr double kDropLat = 4.0580, kDropLon = 9.7010;

std::int64_t Scalar(const std::string& url, const std::string& sql) {
  auto rows = Psql(url, sql);
  return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0]);
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// An event frame whose data has `type` (and optionally `status`).
std::function<bool(const json::object&)> EventOf(std::string type, std::string status = {}) {
  return [type, status](const json::object& o) {
    if (Str(o, "type") != "event") return false;
    const json::object& d = o.at("data").as_object();
    return Str(d, "type") == type && (status.empty() || Str(d, "status") == status);
  };
}

class Flow {
 public:
  explicit Flow(Platform& p) : p_(p) {}

  std::string Rider(double lat, double lon, Platform::Account* out = nullptr) {
    Platform::Account a = p_.SignUp();
    std::string token = p_.Promote(a, "rider");
    EXPECT_EQ(p_.CallAs(token, "PUT", "/v1/rider/shift", R"({"online":true})").status, 200);
    Position(token, lat, lon);
    if (out) *out = a;
    return token;
  }
  void Position(const std::string& rider, double lat, double lon) {
    json::object pt{{"lat", lat}, {"lon", lon}, {"accuracy_m", 8}, {"speed_kmh", 22}, {"at_ms", NowMs()}};
    json::object body{{"points", json::array{pt}}};
    auto res = p_.CallAs(rider, "POST", "/v1/rider/locations", json::serialize(body));
    EXPECT_EQ(res.status, 202) << res.body;
  }
  std::unique_ptr<LiveClient> Live(const std::string& token) {
    auto t = p_.CallAs(token, "POST", "/v1/live/tickets");
    EXPECT_EQ(t.status, 201) << t.body;
    int status = 0;
    auto c = LiveClient::Connect(p_.port(), JsonField(t.body, "url"), "", &status);
    EXPECT_NE(c, nullptr) << "upgrade refused with " << status;
    return c;
  }
  // A cash order of one item, placed by a fresh customer; returns the order id.
  std::string Order(const Platform::Merchant& m, const std::string& product, Platform::Account* customer) {
    *customer = p_.SignUp();
    EXPECT_EQ(
        p_.CallAs(customer->access_token, "PUT", "/v1/carts/" + m.store + "/lines/" + product, R"({"qty":1})").status,
        200);
    std::string body = R"({"store_id":")" + m.store + R"(","payment_method":"cash","delivery":{"location":{"lat":)" +
                       std::to_string(kDropLat) + R"(,"lon":)" + std::to_string(kDropLon) +
                       R"(},"landmark":"face pharmacie du Wouri"}})";
    auto res = p_.CallAs(customer->access_token, "POST", "/v1/checkout", body, {{"Idempotency-Key", NewKey()}});
    EXPECT_EQ(res.status, 201) << res.body;
    return JsonField(res.body, "id");
  }
  void Merchant(const Platform::Merchant& m, const std::string& order, const std::string& status) {
    auto res = p_.CallAs(m.token, "POST", "/v1/orders/" + order + "/status", R"({"status":")" + status + R"("})");
    EXPECT_EQ(res.status, 200) << status << ": " << res.body;
  }
  std::string OrderStatus(const std::string& token, const std::string& order) {
    return JsonField(p_.CallAs(token, "GET", "/v1/orders/" + order).body, "status");
  }
  std::string DeliveryField(const std::string& token, const std::string& order, const std::string& field) {
    return JsonField(p_.CallAs(token, "GET", "/v1/deliveries/" + order).body, field);
  }
  static std::string NewKey() { return "k-" + std::to_string(NowMs()) + "-" + std::to_string(++counter_); }

 private:
  Platform& p_;
  static inline int counter_ = 0;
};

class DeliveryTest : public SharedPlatformTest<DeliveryTest> {
 public:
  static constexpr const char* kSuite = "delivery";
};

TEST_F(DeliveryTest, CashOrderFromTapToHandOverLiveWithFrenchSmsAndPushAndTheLedger) {
  Flow f(p());
  auto m = p().NewMerchant("Chez Mama Ndolé", kStoreLat, kStoreLon);
  std::string product = p().NewListedProduct(m, "Ndolé complet", 2500, 50);
  Platform::Account rider_account;
  std::string rider = f.Rider(kStoreLat + 0.002, kStoreLon, &rider_account);
  auto rider_live = f.Live(rider);
  ASSERT_NE(rider_live, nullptr);
  EXPECT_EQ(Str(rider_live->Subscribe("rider:" + rider_account.id), "type"), "subscribed");

  Platform::Account customer;
  std::string order = f.Order(m, product, &customer);
  ASSERT_FALSE(order.empty());
  // The customer's browser subscribes to web push (the sandbox plays the browser and decrypts what arrives).
  auto sub = p().push().Subscribe();
  json::object keys{{"p256dh", sub.subscription.p256dh}, {"auth", sub.subscription.auth}};
  json::object sub_body{{"endpoint", sub.subscription.endpoint}, {"keys", keys}};
  ASSERT_EQ(p().CallAs(customer.access_token, "POST", "/v1/notifications/push-subscriptions", json::serialize(sub_body))
                .status,
            201);
  auto customer_live = f.Live(customer.access_token);
  ASSERT_NE(customer_live, nullptr);
  EXPECT_EQ(Str(customer_live->Subscribe("order:" + order), "type"), "subscribed");
  auto merchant_live = f.Live(m.token);
  EXPECT_EQ(Str(merchant_live->Subscribe("store:" + m.store), "type"), "subscribed");

  // The merchant accepts: the rider gets the offer over the WebSocket while the order is being prepared.
  f.Merchant(m, order, "accepted");
  auto offer = rider_live->WaitFor(EventOf("offer"), 15s);
  ASSERT_TRUE(offer) << "no offer reached the rider";
  const json::object& od = offer->at("data").as_object();
  EXPECT_EQ(Str(od, "order_id"), order);
  EXPECT_GT(od.at("cash_to_collect_xaf").as_int64(), 2500) << "items and the delivery fee";
  EXPECT_GT(od.at("expires_in_s").as_int64(), 0);
  EXPECT_EQ(f.OrderStatus(customer.access_token, order), "accepted") << "the offer came before the order was ready";
  // The AI Brain chose the rider (hosted in this platform), and logged its round with the ETA model it used.
  EXPECT_NE(p().Call("GET", "/metrics").body.find("okada_delivery_offers_total{via=\"brain\"} 1"), std::string::npos);
  auto rounds =
      Psql(p().db_url(), "SELECT eta_model FROM brain.dispatch_rounds WHERE plan::text LIKE '%" + order + "%'");
  ASSERT_GE(rounds.size(), 1u);
  EXPECT_FALSE(rounds[0].empty());
  auto accepted = p().CallAs(rider, "POST", "/v1/rider/offers/" + Str(od, "id") + "/accept");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_TRUE(customer_live->WaitFor(EventOf("delivery.status", "assigned"), 10s));

  f.Merchant(m, order, "preparing");
  f.Merchant(m, order, "ready_for_pickup");
  // The merchant's live queue saw the order move.
  EXPECT_TRUE(merchant_live->WaitFor(EventOf("order.status", "ready_for_pickup"), 10s));

  // The rider's positions reach the customer.
  f.Position(rider, kStoreLat + 0.001, kStoreLon);
  auto pos = customer_live->WaitFor(EventOf("rider.position"), 10s);
  ASSERT_TRUE(pos);
  EXPECT_NEAR(pos->at("data").at("lat").to_number<double>(), kStoreLat + 0.001, 1e-6);

  // At the store: the pickup code shown on the merchant's screen.
  EXPECT_EQ(p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/arrived").status, 200);
  ASSERT_TRUE(Eventually([&] { return f.DeliveryField(m.token, order, "ready") == "true"; }))
      << "order.ready never reached delivery";
  std::string pickup_code = f.DeliveryField(m.token, order, "pickup_code");
  ASSERT_EQ(pickup_code.size(), 4u);
  EXPECT_EQ(p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/pickup", R"({"code":"99999"})").status, 422);
  auto picked = p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/pickup", R"({"code":")" + pickup_code + "\"}");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_TRUE(Eventually([&] { return f.OrderStatus(customer.access_token, order) == "picked_up"; }));

  // Near the door: arriving, by position alone.
  f.Position(rider, kDropLat + 0.001, kDropLon);
  EXPECT_TRUE(customer_live->WaitFor(EventOf("delivery.status", "arriving"), 10s));

  // Hand-over: the customer's code and the cash.
  std::string code = f.DeliveryField(customer.access_token, order, "delivery_code");
  ASSERT_EQ(code.size(), 4u);
  EXPECT_EQ(f.DeliveryField(customer.access_token, order, "pickup_code"), "")
      << "the customer never sees the pickup code";
  std::int64_t total =
      std::stoll(JsonField(p().CallAs(customer.access_token, "GET", "/v1/orders/" + order).body, "total_xaf"));
  auto short_cash =
      p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/deliver",
                 R"({"code":")" + code + R"(","cash_collected_xaf":)" + std::to_string(total - 100) + "}");
  EXPECT_EQ(short_cash.status, 422) << short_cash.body;
  auto done = p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/deliver",
                         R"({"code":")" + code + R"(","cash_collected_xaf":)" + std::to_string(total) + "}");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(JsonField(done.body, "status"), "delivered");
  EXPECT_TRUE(Eventually([&] { return f.OrderStatus(customer.access_token, order) == "delivered"; }));

  // The ledger: the rider holds the cash, and earned his share of the fee.
  std::string db = p().db_url();
  auto proof = Psql(db,
                    "SELECT payload->>'proof' FROM delivery.outbox WHERE type = 'delivery.delivered' AND "
                    "payload->>'order_id' = '" +
                        order + "'");
  ASSERT_EQ(proof.size(), 1u);
  EXPECT_EQ(proof[0], "code");
  EXPECT_TRUE(Eventually([&] {
    return Scalar(db, "SELECT coalesce((SELECT abs(balance) FROM payments.accounts WHERE key = 'rider_cash_held:" +
                          rider_account.id + "'), 0)") == total;
  })) << "cash held";
  std::int64_t fee = od.at("rider_fee_xaf").as_int64();
  EXPECT_EQ(Scalar(db, "SELECT coalesce((SELECT abs(balance) FROM payments.accounts WHERE key = 'rider_earnings:" +
                           rider_account.id + "'), 0)"),
            fee);
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(balance), 0) FROM payments.accounts"), 0);

  // French SMS and web push at each step, read back from the sandboxes.
  const std::vector<std::string> steps{"est confirmée",        "a accepté", "un livreur prend", "a récupéré",
                                       "votre livreur arrive", "livrée"};
  ASSERT_TRUE(Eventually([&] { return p().sms().Messages(customer.phone).size() >= steps.size(); }, 20s))
      << p().sms().Messages(customer.phone).size() << " SMS";
  ASSERT_TRUE(Eventually([&] { return p().push().Messages(sub.id).size() >= steps.size(); }, 20s))
      << p().push().Messages(sub.id).size() << " pushes";
  auto sms = p().sms().Messages(customer.phone);
  auto pushes = p().push().Messages(sub.id);
  for (const std::string& step : steps) {
    bool in_sms =
        std::any_of(sms.begin(), sms.end(), [&](const auto& m) { return m.text.find(step) != std::string::npos; });
    bool in_push = std::any_of(pushes.begin(), pushes.end(),
                               [&](const auto& m) { return m.text.find(step) != std::string::npos; });
    EXPECT_TRUE(in_sms) << "no SMS saying '" << step << "'";
    EXPECT_TRUE(in_push) << "no push saying '" << step << "'";
  }
  EXPECT_EQ(sms.size(), steps.size()) << "one SMS per step, no more";
  // Every delivered message has its status.
  auto mine = p().CallAs(customer.access_token, "GET", "/v1/notifications?channel=sms");
  EXPECT_EQ(mine.status, 200);
  json::value list = json::parse(mine.body);
  EXPECT_EQ(list.at("items").as_array().size(), steps.size());
  for (const auto& i : list.at("items").as_array()) EXPECT_EQ(i.at("status").as_string(), "sent");
}

TEST_F(DeliveryTest, ChannelsAreScopedByOwnershipAndSocketsNeedAFreshTicketAndOurOrigin) {
  Flow f(p());
  auto m = p().NewMerchant("Boutique Bonapriso", kStoreLat, kStoreLon);
  std::string product = p().NewListedProduct(m, "Riz parfumé 5 kg", 6500, 20);
  Platform::Account owner, other;
  std::string order = f.Order(m, product, &owner);
  Platform::Account rider_a, rider_b;
  std::string ra = f.Rider(kStoreLat + 0.3, kStoreLon, &rider_a);  // far away: no offer for this test
  std::string rb = f.Rider(kStoreLat + 0.3, kStoreLon, &rider_b);
  other = p().SignUp();

  auto stranger = f.Live(other.access_token);
  json::object refused = stranger->Subscribe("order:" + order);
  EXPECT_EQ(Str(refused, "type"), "error");
  EXPECT_EQ(Str(refused, "code"), "CHANNEL_FORBIDDEN");
  EXPECT_EQ(Str(stranger->Subscribe("user:" + owner.id), "code"), "CHANNEL_FORBIDDEN");
  EXPECT_EQ(Str(stranger->Subscribe("store:" + m.store), "code"), "CHANNEL_FORBIDDEN");
  auto own = f.Live(owner.access_token);
  EXPECT_EQ(Str(own->Subscribe("order:" + order), "type"), "subscribed");

  auto b = f.Live(rb);
  EXPECT_EQ(Str(b->Subscribe("rider:" + rider_a.id), "code"), "CHANNEL_FORBIDDEN");
  EXPECT_EQ(Str(b->Subscribe("rider:" + rider_b.id), "type"), "subscribed");
  EXPECT_EQ(Str(b->Subscribe("order:" + order), "code"), "CHANNEL_FORBIDDEN") << "not his delivery";
  auto offers = p().CallAs(rb, "GET", "/v1/rider/offers");
  EXPECT_EQ(offers.status, 200);
  EXPECT_EQ(json::parse(offers.body).at("items").as_array().size(), 0u);

  // No ticket, a made-up ticket, a used ticket, a foreign Origin: refused before the upgrade.
  int status = 0;
  EXPECT_EQ(LiveClient::Connect(p().port(), "/v1/ws", "", &status), nullptr);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(LiveClient::Connect(p().port(), "/v1/ws?ticket=made-up", "", &status), nullptr);
  EXPECT_EQ(status, 401);
  auto t = p().CallAs(owner.access_token, "POST", "/v1/live/tickets");
  std::string url = JsonField(t.body, "url");
  EXPECT_EQ(LiveClient::Connect(p().port(), url, "https://evil.example", &status), nullptr);
  EXPECT_EQ(status, 403);
  auto first = LiveClient::Connect(p().port(), url, "http://localhost:3000", &status);
  EXPECT_NE(first, nullptr) << status;
  EXPECT_EQ(LiveClient::Connect(p().port(), url, "", &status), nullptr) << "a ticket works once";
  EXPECT_EQ(status, 401);

  // Resume after a reconnect: what was published while away comes from the order's stream, in order, once.
  f.Merchant(m, order, "accepted");
  auto seen = own->WaitFor(EventOf("order.status", "accepted"), 10s);
  ASSERT_TRUE(seen);
  std::string last_id = Str(*seen, "id");
  own.reset();
  f.Merchant(m, order, "preparing");
  f.Merchant(m, order, "ready_for_pickup");
  std::this_thread::sleep_for(1500ms);  // the notifications consumer tells the order's channel
  auto again = f.Live(owner.access_token);
  EXPECT_EQ(Str(again->Subscribe("order:" + order, last_id), "type"), "subscribed");
  // (`preparing` publishes no event; `ready_for_pickup` does.)
  auto e1 = again->WaitFor(EventOf("order.status"), 5s);
  ASSERT_TRUE(e1);
  EXPECT_EQ(Str(e1->at("data").as_object(), "status"), "ready_for_pickup");
  EXPECT_GT(Str(*e1, "id"), last_id);
  EXPECT_FALSE(again->WaitFor(EventOf("order.status"), 700ms)) << "sent once, and nothing before the resume point";

  // SSE fallback: the same channel's events after an id.
  auto sse = p().CallAs(owner.access_token, "GET", "/v1/live/events?channel=order:" + order + "&after=" + last_id);
  EXPECT_EQ(sse.status, 200);
  EXPECT_NE(sse.body.find("\"status\":\"ready_for_pickup\""), std::string::npos) << sse.body;
  EXPECT_EQ(sse.body.find("\"status\":\"accepted\""), std::string::npos) << "only what came after the id";
  EXPECT_NE(sse.body.find("id: "), std::string::npos);
  EXPECT_EQ(p().CallAs(other.access_token, "GET", "/v1/live/events?channel=order:" + order).status, 403);
}

TEST_F(DeliveryTest, PreferencesAndQuietHoursShapeWhatIsSentAndEnglishReadersGetEnglish) {
  Flow f(p());
  auto m = p().NewMerchant("Épicerie New Bell", kStoreLat, kStoreLon);
  std::string product = p().NewListedProduct(m, "Huile de palme 1 L", 1500, 30);
  // A customer who reads English, wants no SMS, and is in quiet hours right now (the whole day but one minute).
  Platform::Account quiet = p().SignUp();
  auto wat_minute = [] {
    std::int64_t minutes = NowMs() / 60000 + 60;
    return static_cast<int>(((minutes % 1440) + 1440) % 1440);
  };
  auto hhmm = [](int minute) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d:%02d", (minute / 60) % 24, minute % 60);
    return std::string(b);
  };
  int now = wat_minute();
  std::string prefs = R"({"lang":"en","channels":{"sms":false},"email":"client@example.cm","quiet_hours":{"start":")" +
                      hhmm((now + 1439) % 1440) + R"(","end":")" + hhmm((now + 1438) % 1440) + R"("}})";
  auto put = p().CallAs(quiet.access_token, "PUT", "/v1/notifications/preferences", prefs);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(JsonField(put.body, "quiet_hours.time_zone"), "Africa/Douala");
  auto bad = p().CallAs(quiet.access_token, "PUT", "/v1/notifications/preferences",
                        R"({"quiet_hours":{"start":"25:00","end":"07:00"}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("quiet_hours.start"), std::string::npos) << bad.body;

  ASSERT_EQ(p().CallAs(quiet.access_token, "PUT", "/v1/carts/" + m.store + "/lines/" + product, R"({"qty":1})").status,
            200);
  std::string body = R"({"store_id":")" + m.store + R"(","payment_method":"cash","delivery":{"location":{"lat":)" +
                     std::to_string(kDropLat) + R"(,"lon":)" + std::to_string(kDropLon) + R"(}}})";
  auto placed = p().CallAs(quiet.access_token, "POST", "/v1/checkout", body, {{"Idempotency-Key", Flow::NewKey()}});
  ASSERT_EQ(placed.status, 201) << placed.body;

  // In-app comes at once, in English; e-mail (not urgent) waits for the end of the quiet hours; no SMS at all.
  auto in_app = [&] {
    auto r = p().CallAs(quiet.access_token, "GET", "/v1/notifications?channel=in_app");
    return json::parse(r.body).at("items").as_array();
  };
  ASSERT_TRUE(Eventually([&] { return !in_app().empty() && in_app()[0].at("status").as_string() == "sent"; }));
  EXPECT_EQ(in_app()[0].at("lang").as_string(), "en");
  auto email = json::parse(p().CallAs(quiet.access_token, "GET", "/v1/notifications?channel=email").body);
  ASSERT_EQ(email.at("items").as_array().size(), 1u);
  EXPECT_EQ(email.at("items").as_array()[0].at("status").as_string(), "queued") << "held until the quiet hours end";
  auto sms = json::parse(p().CallAs(quiet.access_token, "GET", "/v1/notifications?channel=sms").body);
  EXPECT_TRUE(sms.at("items").as_array().empty());
  EXPECT_TRUE(p().sms().Messages(quiet.phone).empty());
  EXPECT_TRUE(p().smtp().Messages("client@example.cm").empty());

  // Quiet hours off: the held e-mail goes out (the sender looks again), in English, to the SMTP sink.
  std::string db = p().db_url();
  ASSERT_EQ(p().CallAs(quiet.access_token, "PUT", "/v1/notifications/preferences",
                       R"({"quiet_hours":{"start":"00:00","end":"00:00"}})")
                .status,
            200);
  Psql(db,
       "UPDATE notifications.messages SET next_at = now() WHERE user_id = '" + quiet.id + "' AND status = 'queued'");
  ASSERT_TRUE(Eventually([&] { return !p().smtp().Messages("client@example.cm").empty(); }));
  auto mail = p().smtp().Messages("client@example.cm").front();
  EXPECT_EQ(mail.subject, "Order confirmed");
  EXPECT_NE(mail.text.find("is confirmed"), std::string::npos) << mail.text;
}

TEST_F(DeliveryTest, NotificationIsSentOnceWhenItsEventArrivesTwice) {
  Flow f(p());
  auto m = p().NewMerchant("Pharmacie du Port", kStoreLat, kStoreLon);
  std::string product = p().NewListedProduct(m, "Paracétamol 500 mg", 800, 30);
  Platform::Account customer;
  std::string order = f.Order(m, product, &customer);
  f.Merchant(m, order, "accepted");
  ASSERT_TRUE(Eventually([&] { return p().sms().Messages(customer.phone).size() >= 2; }));
  std::this_thread::sleep_for(500ms);
  std::size_t before = p().sms().Messages(customer.phone).size();
  std::string db = p().db_url();
  std::int64_t rows = Scalar(db, "SELECT count(*) FROM notifications.messages WHERE user_id = '" + customer.id + "'");
  // Deliver every order event again: forget what the consumer saw, and have orders publish its events again
  // (same event ids, as after a relay crash between publishing and marking).
  Psql(db, "DELETE FROM notifications.inbox");
  Psql(db, "UPDATE orders.outbox SET published_at = NULL");
  ASSERT_TRUE(Eventually([&] {
    return Scalar(db,
                  "SELECT count(*) FROM notifications.inbox WHERE event_id IN (SELECT id FROM orders.outbox WHERE "
                  "payload->>'order_id' = '" +
                      order + "')") >= 2;
  })) << "the events were not consumed again";
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(p().sms().Messages(customer.phone).size(), before);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM notifications.messages WHERE user_id = '" + customer.id + "'"), rows);
}

// A free loopback port (for a platform that must know its own address before it starts).
std::uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The SMS gateway reports delivery back to the platform (its public address is configured): the message's status
// becomes `delivered`; a report without the secret token changes nothing.
TEST(NotificationsReportTest, SmsDeliveryReportsMarkMessagesDelivered) {
  std::uint16_t port = FreePort();
  PlatformOptions po;
  po.config["http.port"] = std::to_string(port);
  po.config["notifications.public_base_url"] = "http://127.0.0.1:" + std::to_string(port);
  Platform p("delivery_reports", po);
  Flow f(p);
  auto m = p.NewMerchant("Boulangerie Deido", kStoreLat, kStoreLon);
  std::string product = p.NewListedProduct(m, "Pain chargé", 500, 30);
  Platform::Account customer;
  f.Order(m, product, &customer);
  auto status = [&] {
    auto r = p.CallAs(customer.access_token, "GET", "/v1/notifications?channel=sms");
    auto items = json::parse(r.body).at("items").as_array();
    return items.empty() ? std::string() : std::string(items[0].at("status").as_string());
  };
  EXPECT_TRUE(Eventually([&] { return status() == "delivered"; })) << status();
  auto forged = p.Call("POST", "/v1/notifications/sms-reports?token=wrong", R"({"id":"msg_1","status":"failed"})");
  EXPECT_EQ(forged.status, 404);
  EXPECT_EQ(status(), "delivered");
}

// Its own platform: short offers, and a brain that is configured but never answers.
TEST(DeliveryDispatchTest, LapsedOfferGoesToTheNextRiderAndTheFlowCompletesWithTheBrainDown) {
  PlatformOptions po;
  po.config["delivery.offer_ttl_ms"] = "1500";
  po.config["delivery.brain_timeout_ms"] = "200";
  po.config["services.remote"] = "brain=http://127.0.0.1:9";
  po.services = {"auth", "users", "products", "orders", "payments", "delivery", "notifications"};  // not the brain
  Platform p("delivery_dispatch", po);
  Flow f(p);
  auto m = p.NewMerchant("Poissonnerie Youpwe", kStoreLat, kStoreLon);
  std::string product = p.NewListedProduct(m, "Poisson braisé", 3000, 10);
  Platform::Account near_account, far_account;
  std::string near = f.Rider(kStoreLat + 0.001, kStoreLon, &near_account);
  std::string far = f.Rider(kStoreLat + 0.01, kStoreLon, &far_account);
  auto near_live = f.Live(near);
  auto far_live = f.Live(far);
  near_live->Subscribe("rider:" + near_account.id);
  far_live->Subscribe("rider:" + far_account.id);
  Platform::Account customer;
  std::string order = f.Order(m, product, &customer);
  f.Merchant(m, order, "accepted");

  // The nearest rider is asked first, lets it lapse, is told; the next one gets it.
  auto first = near_live->WaitFor(EventOf("offer"), 15s);
  ASSERT_TRUE(first) << "no offer to the nearest rider";
  auto closed = near_live->WaitFor(EventOf("offer.closed"), 10s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(Str(closed->at("data").as_object(), "reason"), "expired");
  auto second = far_live->WaitFor(EventOf("offer"), 15s);
  ASSERT_TRUE(second) << "the offer never went to the next rider";
  auto lapsed = p.CallAs(near, "POST", "/v1/rider/offers/" + Str(first->at("data").as_object(), "id") + "/accept");
  EXPECT_EQ(lapsed.status, 409) << "a lapsed offer cannot be taken";
  ASSERT_EQ(p.CallAs(far, "POST", "/v1/rider/offers/" + Str(second->at("data").as_object(), "id") + "/accept").status,
            200);

  f.Merchant(m, order, "preparing");
  f.Merchant(m, order, "ready_for_pickup");
  ASSERT_TRUE(Eventually([&] { return f.DeliveryField(m.token, order, "ready") == "true"; }));
  std::string pickup = f.DeliveryField(m.token, order, "pickup_code");
  ASSERT_EQ(p.CallAs(far, "POST", "/v1/deliveries/" + order + "/pickup", R"({"code":")" + pickup + "\"}").status, 200);
  // A photo proof at the door instead of the code (cash collected as well).
  std::int64_t total =
      std::stoll(JsonField(p.CallAs(customer.access_token, "GET", "/v1/orders/" + order).body, "total_xaf"));
  json::object photo{
      {"ref", "proofs/2026/11/30/abc.jpg"}, {"lat", kDropLat}, {"lon", kDropLon}, {"captured_at_ms", NowMs()}};
  json::object body{{"photo", photo}, {"cash_collected_xaf", total}};
  auto done = p.CallAs(far, "POST", "/v1/deliveries/" + order + "/deliver", json::serialize(body));
  ASSERT_EQ(done.status, 200) << done.body;
  auto proof = Psql(p.db_url(),
                    "SELECT payload->>'proof' FROM delivery.outbox WHERE type = 'delivery.delivered' AND "
                    "payload->>'order_id' = '" +
                        order + "'");
  ASSERT_EQ(proof.size(), 1u);
  EXPECT_EQ(proof[0], "photo");
  EXPECT_TRUE(Eventually([&] { return f.OrderStatus(customer.access_token, order) == "delivered"; }));

  // Both offers were made without the brain (each dispatch call failed and fell back).
  auto metrics = p.Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("okada_delivery_offers_total{via=\"nearest\"} 2"), std::string::npos);
  EXPECT_EQ(metrics.find("okada_delivery_offers_total{via=\"brain\"} 1"), std::string::npos);
}

TEST_F(DeliveryTest, FailedDeliveryNeedsLoggedCallsThenTheGoodsGoBackAndTheOrderIsCancelled) {
  Flow f(p());
  auto m = p().NewMerchant("Supermarché Akwa", kStoreLat, kStoreLon);
  std::string product = p().NewListedProduct(m, "Savon de Marseille", 600, 30);
  Platform::Account rider_account;
  std::string rider = f.Rider(kStoreLat - 0.001, kStoreLon, &rider_account);
  auto live = f.Live(rider);
  live->Subscribe("rider:" + rider_account.id);
  Platform::Account customer;
  std::string order = f.Order(m, product, &customer);
  f.Merchant(m, order, "accepted");
  auto offer = live->WaitFor(
      [&](const json::object& o) { return EventOf("offer")(o) && Str(o.at("data").as_object(), "order_id") == order; },
      15s);
  ASSERT_TRUE(offer);
  ASSERT_EQ(
      p().CallAs(rider, "POST", "/v1/rider/offers/" + Str(offer->at("data").as_object(), "id") + "/accept").status,
      200);
  f.Merchant(m, order, "preparing");
  f.Merchant(m, order, "ready_for_pickup");
  ASSERT_TRUE(Eventually([&] { return f.DeliveryField(m.token, order, "ready") == "true"; }));
  std::string pickup = f.DeliveryField(m.token, order, "pickup_code");
  ASSERT_EQ(p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/pickup", R"({"code":")" + pickup + "\"}").status,
            200);

  auto too_soon =
      p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/fail", R"({"reason":"customer_unreachable"})");
  EXPECT_EQ(too_soon.status, 409);
  EXPECT_EQ(JsonField(too_soon.body, "code"), "CALL_ATTEMPTS_REQUIRED");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(
        p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/call-attempts", R"({"outcome":"no_answer"})").status,
        201);
  auto failed = p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/fail", R"({"reason":"customer_unreachable"})");
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(JsonField(failed.body, "status"), "failed");
  auto back = p().CallAs(rider, "POST", "/v1/deliveries/" + order + "/return", R"({"code":")" + pickup + "\"}");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(JsonField(back.body, "status"), "returned");
  EXPECT_TRUE(Eventually([&] { return f.OrderStatus(customer.access_token, order) == "cancelled"; }));
  // The timeline keeps the calls.
  auto d = p().CallAs(customer.access_token, "GET", "/v1/deliveries/" + order);
  EXPECT_NE(d.body.find("\"no_answer\""), std::string::npos);
}

}  // namespace
}  // namespace okada::test
