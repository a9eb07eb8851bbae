// The SMTP mailer against the local sink over real loopback TCP: delivery with French text and dot-stuffing,
// AUTH PLAIN, injected failures, a relay that is down or silent, the circuit breaker; the mailer against a
// scripted server (multi-line replies, the HELO fallback, a server without AUTH); and the sink's own SMTP and
// HTTP sides as other tools see them.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/providers/email.hpp"
#include "support/test_support.hpp"

namespace okada::email {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr const char* kTo = "client@example.cm";
constexpr const char* kSubject = "Votre commande est livrée ✓";
const std::string kText =
    "Bonjour Awa,\n"
    "\n"
    "Votre commande n°1042 est arrivée à Bépanda. Total : 12 500 FCFA = payé.\n"
    ".Cette ligne commence par un point\n"
    "..et celle-ci par deux\n"
    ".\n"
    "Une très longue ligne pour forcer des sauts de ligne doux dans le quoted-printable, avec des accents : "
    "éèêëàâîïôûùç ÉÈÊ ✓ 🚚 fin.\n"
    "Espaces en fin de ligne   \n"
    "Merci d'avoir choisi Okada !";

class EmailMailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    io_.Start();
    sink_ = std::make_unique<Sink>(Sink::Options{});
  }
  void TearDown() override {
    mailer_.reset();
    io_.Stop();
  }

  Mailer& Make(std::uint16_t port, std::string username = {}, std::string password = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    SmtpOptions o;
    o.port = port;
    o.username = std::move(username);
    o.password = std::move(password);
    o.timeout = timeout;
    mailer_ = MakeSmtpMailer(io_, std::move(o), &metrics_);
    return *mailer_;
  }

  std::string Send(Mailer& m, Mail mail = Mail{"Okada", kTo, kSubject, kText}) {
    return test::Await(io_.context(0), m.Send(std::move(mail), DeadlineIn(std::chrono::seconds(10))));
  }

  // The send must fail with EMAIL_UNAVAILABLE; returns the error's detail, checked free of personal data.
  std::string ExpectUnavailable(Mailer& m) {
    try {
      Send(m);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kEmailUnavailable) << e.detail();
      for (const std::string& secret : {std::string(kTo), std::string("example.cm"), std::string("Votre")}) {
        EXPECT_EQ(e.detail().find(secret), std::string::npos) << e.detail();
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
      }
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
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Mailer> mailer_;
};

TEST_F(EmailMailerTest, SentMailArrivesDecodedInTheSink) {
  Mailer& m = Make(sink_->smtp_port());
  std::string id = Send(m);
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@okada.cm>"), std::string::npos) << id;

  auto mine = sink_->Messages(kTo);
  ASSERT_EQ(mine.size(), 1u);
  const Sink::Stored& s = mine[0];
  EXPECT_EQ(s.id, id);
  EXPECT_EQ(s.from, "no-reply@okada.cm");
  EXPECT_EQ(s.from_name, "Okada");
  EXPECT_EQ(s.to, std::vector<std::string>{kTo});
  EXPECT_EQ(s.subject, kSubject);
  EXPECT_EQ(s.text, kText);
  EXPECT_NE(s.text.find("\n.Cette ligne commence par un point\n..et celle-ci par deux\n.\n"), std::string::npos);
  EXPECT_GT(s.received_ms, 0);
  // On the wire: 7-bit, encoded subject, quoted-printable body.
  EXPECT_NE(s.raw.find("\r\nSubject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(s.raw.find("\r\nContent-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_EQ(s.raw.find("é"), std::string::npos);
  EXPECT_NE(s.raw.find("\r\n.Cette ligne"), std::string::npos);  // unstuffed by the sink

  EXPECT_TRUE(sink_->Messages("someone.else@example.cm").empty());
  EXPECT_EQ(sink_->Messages("CLIENT@example.cm").size(), 1u);  // addresses compare without regard to case
  EXPECT_EQ(Counter("okada_email_sent_total"), 1u);

  // A display name outside ASCII, and a text that ends with a line break.
  std::string second = Send(m, Mail{"Épicerie Akwa — Douala", "autre@example.cm", "Reçu", "Merci\n"});
  auto other = sink_->Messages("autre@example.cm");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].id, second);
  EXPECT_EQ(other[0].from_name, "Épicerie Akwa — Douala");
  EXPECT_EQ(other[0].subject, "Reçu");
  EXPECT_EQ(other[0].text, "Merci\n");
  EXPECT_NE(second, id);

  sink_->Clear();
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(EmailMailerTest, InvalidRecipientIsRefusedBeforeConnecting) {
  Mailer& m = Make(sink_->smtp_port());
  try {
    Send(m, Mail{"Okada", "client@example.cm\r\nBcc: spy@evil.cm", "s", "t"});
    FAIL() << "the send succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
    EXPECT_EQ(e.detail().find("spy"), std::string::npos);
  }
  EXPECT_TRUE(sink_->Messages().empty());
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "invalid"}}), 1u);
}

TEST_F(EmailMailerTest, AuthPlainWrongPasswordFailsRightPasswordWorks) {
  sink_ = std::make_unique<Sink>(Sink::Options{"127.0.0.1", 0, 0, "okada", "s3cret"});
  Mailer& wrong = Make(sink_->smtp_port(), "okada", "not-it");
  std::string detail = ExpectUnavailable(wrong);
  EXPECT_EQ(detail, "smtp auth answered 535");
  EXPECT_EQ(detail.find("not-it"), std::string::npos);
  EXPECT_TRUE(sink_->Messages().empty());
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "auth"}}), 1u);

  Mailer& right = Make(sink_->smtp_port(), "okada", "s3cret");
  std::string id = Send(right);
  auto mine = sink_->Messages(kTo);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, id);
  EXPECT_EQ(mine[0].subject, kSubject);
}

TEST_F(EmailMailerTest, SinkWithCredentialsRefusesMailWithoutAuth) {
  sink_ = std::make_unique<Sink>(Sink::Options{"127.0.0.1", 0, 0, "okada", "s3cret"});
  Mailer& m = Make(sink_->smtp_port());
  EXPECT_EQ(ExpectUnavailable(m), "smtp mail answered 530");
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(EmailMailerTest, InjectedFailureIsUnavailableThenTheNextSendWorks) {
  Mailer& m = Make(sink_->smtp_port());
  sink_->FailNext(1);
  EXPECT_EQ(ExpectUnavailable(m), "smtp mail answered 451");
  EXPECT_TRUE(sink_->Messages().empty());
  std::string id = Send(m);
  auto mine = sink_->Messages(kTo);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, id);
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "deferred"}}), 1u);
  EXPECT_EQ(Counter("okada_email_sent_total"), 1u);
}

TEST_F(EmailMailerTest, ClosedPortIsUnavailableWithinTheDeadline) {
  auto gone = std::make_unique<Sink>(Sink::Options{});
  std::uint16_t port = gone->smtp_port();
  gone.reset();  // nothing listens on `port` any more
  Mailer& m = Make(port, {}, {}, std::chrono::milliseconds(2000));
  auto start = std::chrono::steady_clock::now();
  std::string detail = ExpectUnavailable(m);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
  EXPECT_NE(detail.find("smtp connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << detail;
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "unreachable"}}), 1u);
}

TEST_F(EmailMailerTest, SilentServerFailsAtTheMailerTimeoutNotTheCallersDeadline) {
  // A socket that listens but never greets: connecting works, the 220 never comes.
  asio::io_context quiet;
  tcp::acceptor acceptor(quiet, {asio::ip::make_address("127.0.0.1"), 0});
  Mailer& m = Make(acceptor.local_endpoint().port(), {}, {}, std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  auto done =
      asio::co_spawn(io_.context(0), m.Send(Mail{"Okada", kTo, kSubject, kText}, DeadlineIn(std::chrono::minutes(10))),
                     asio::use_future);
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "the timeout was not applied";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  try {
    done.get();
    FAIL() << "the send succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kEmailUnavailable);
    EXPECT_EQ(e.detail(), "smtp greeting timed out");
  }
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "timeout"}}), 1u);
}

TEST_F(EmailMailerTest, BreakerFailsFastAfterRepeatedFailures) {
  Mailer& m = Make(sink_->smtp_port());
  sink_->FailNext(5);
  for (int i = 0; i < 5; ++i) ExpectUnavailable(m);
  // The sink would accept now, but the breaker (5 failures in a row) refuses without calling it.
  std::string detail = ExpectUnavailable(m);
  EXPECT_NE(detail.find("circuit open"), std::string::npos) << detail;
  EXPECT_TRUE(sink_->Messages().empty());
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "breaker_open"}}), 1u);
}

TEST_F(EmailMailerTest, SendFromOutsideThePoolHopsToAShard) {
  Mailer& m = Make(sink_->smtp_port());
  asio::io_context foreign;
  auto guard = asio::make_work_guard(foreign);
  std::thread runner([&] { foreign.run(); });
  std::string id;
  EXPECT_NO_THROW(
      id = test::Await(foreign, m.Send(Mail{"Okada", kTo, kSubject, kText}, DeadlineIn(std::chrono::seconds(10)))));
  guard.reset();
  runner.join();
  auto mine = sink_->Messages(kTo);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, id);
}

// --- the mailer against a scripted server: what the sink never does ---

// Accepts one connection and answers each command line with the reply given for its verb (the message after
// DATA is read up to "." and answered with replies["."]). Records the command lines it saw.
class ScriptedServer {
 public:
  ScriptedServer(std::string greeting, std::map<std::string, std::string> replies)
      : acceptor_(ctx_, {asio::ip::make_address("127.0.0.1"), 0}),
        greeting_(std::move(greeting)),
        replies_(std::move(replies)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    if (!accepted_) {
      // Nobody came: connect ourselves so that the blocking accept returns.
      tcp::socket s(ctx_);
      boost::system::error_code ec;
      s.connect(acceptor_.local_endpoint(), ec);
    }
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> Commands() {
    std::lock_guard lock(mu_);
    return commands_;
  }

 private:
  void Serve() {
    boost::system::error_code ec;
    tcp::socket socket(ctx_);
    acceptor_.accept(socket, ec);
    accepted_ = true;
    if (ec) return;
    asio::write(socket, asio::buffer(greeting_), ec);
    std::string in;
    bool data = false;
    while (!ec) {
      std::size_t n = asio::read_until(socket, asio::dynamic_buffer(in), "\r\n", ec);
      if (ec) break;
      std::string line = in.substr(0, n - 2);
      in.erase(0, n);
      if (data) {
        if (line != ".") continue;
        data = false;
        asio::write(socket, asio::buffer(replies_["."]), ec);
        continue;
      }
      {
        std::lock_guard lock(mu_);
        commands_.push_back(line);
      }
      std::string verb = line.substr(0, line.find(' '));
      auto it = replies_.find(verb);
      std::string reply = it == replies_.end() ? "500 unknown\r\n" : it->second;
      asio::write(socket, asio::buffer(reply), ec);
      if (verb == "DATA" && reply.rfind("354", 0) == 0) data = true;
      if (verb == "QUIT") break;
    }
  }

  asio::io_context ctx_;
  tcp::acceptor acceptor_;
  std::string greeting_;
  std::map<std::string, std::string> replies_;
  std::thread thread_;
  std::atomic<bool> accepted_{false};
  std::mutex mu_;
  std::vector<std::string> commands_;
};

TEST_F(EmailMailerTest, MultiLineRepliesAndTheHeloFallback) {
  ScriptedServer server("220-relay.example\r\n220-a second greeting line\r\n220 ready\r\n",
                        {{"EHLO", "502 5.5.1 EHLO not understood\r\n"},
                         {"HELO", "250 relay.example\r\n"},
                         {"MAIL", "250 2.1.0 ok\r\n"},
                         {"RCPT", "250-2.1.5 recipient\r\n250 2.1.5 ok\r\n"},
                         {"DATA", "354 go ahead\r\n"},
                         {".", "250-2.0.0 queued\r\n250-as\r\n250 2.0.0 ABC123\r\n"},
                         {"QUIT", "221 bye\r\n"}});
  Mailer& m = Make(server.port());
  EXPECT_NO_THROW(Send(m));
  auto commands = server.Commands();
  ASSERT_GE(commands.size(), 6u);
  EXPECT_EQ(commands[0], "EHLO okada.local");
  EXPECT_EQ(commands[1], "HELO okada.local");
  EXPECT_EQ(commands[2], "MAIL FROM:<no-reply@okada.cm>");  // no SIZE=: HELO announces no extension
  EXPECT_EQ(commands[3], std::string("RCPT TO:<") + kTo + ">");
  EXPECT_EQ(commands[4], "DATA");
  EXPECT_EQ(commands[5], "QUIT");
}

TEST_F(EmailMailerTest, CredentialsWithoutAuthOfferedFailClearly) {
  ScriptedServer server(
      "220 relay.example\r\n",
      {{"EHLO", "250-relay.example\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n"}, {"QUIT", "221 bye\r\n"}});
  Mailer& m = Make(server.port(), "okada", "s3cret");
  EXPECT_EQ(ExpectUnavailable(m), "smtp server does not offer AUTH PLAIN");
  auto commands = server.Commands();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[1], "QUIT");  // nothing of the credentials went out
}

TEST_F(EmailMailerTest, RefusedRecipientNamesTheStepAndTheEnhancedCodeOnly) {
  ScriptedServer server("220 relay.example\r\n",
                        {{"EHLO", "250-relay.example\r\n250 AUTH=PLAIN LOGIN\r\n"},
                         {"MAIL", "250 ok\r\n"},
                         {"RCPT", "550 5.1.1 <client@example.cm>: Recipient address rejected\r\n"},
                         {"QUIT", "221 bye\r\n"}});
  Mailer& m = Make(server.port());
  EXPECT_EQ(ExpectUnavailable(m), "smtp rcpt answered 550 (5.1.1)");
  EXPECT_EQ(Counter("okada_email_failures_total", {{"reason", "rejected"}}), 1u);
}

// --- the sink as other tools see it ---

class EmailSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("error");
    sink_ = std::make_unique<Sink>(Sink::Options{});
  }
  test::RawResult Smtp(const std::string& lines) {
    return test::RawExchange(sink_->smtp_port(), lines, std::chrono::seconds(5));
  }
  std::unique_ptr<Sink> sink_;
};

TEST_F(EmailSinkTest, CommandsOutOfOrderGet503) {
  auto r = Smtp("EHLO tester\r\nMAIL FROM:<a@b.cm>\r\nDATA\r\nQUIT\r\n");
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.data.rfind("220 ", 0), 0u) << r.data;
  EXPECT_NE(r.data.find("250-AUTH PLAIN\r\n"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("250 SIZE 1048576\r\n"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n503 "), std::string::npos) << r.data;  // DATA before RCPT
  EXPECT_NE(r.data.find("\r\n221 "), std::string::npos) << r.data;

  r = Smtp("MAIL FROM:<a@b.cm>\r\nQUIT\r\n");  // before EHLO
  EXPECT_NE(r.data.find("\r\n503 "), std::string::npos) << r.data;
  r = Smtp("HELO tester\r\nRCPT TO:<a@b.cm>\r\nDATA\r\nQUIT\r\n");  // before MAIL
  EXPECT_NE(r.data.find("\r\n503 Need MAIL before RCPT"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n503 Need MAIL command"), std::string::npos) << r.data;
  r = Smtp("HELO tester\r\nAUTH PLAIN AGEAYg==\r\nQUIT\r\n");  // AUTH needs EHLO
  EXPECT_NE(r.data.find("\r\n503 "), std::string::npos) << r.data;
  r = Smtp("EHLO tester\r\nVRFY root\r\nFROB\r\nNOOP\r\nRSET\r\nQUIT\r\n");
  EXPECT_NE(r.data.find("\r\n500 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n250 OK\r\n250 OK\r\n221 "), std::string::npos) << r.data;
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(EmailSinkTest, RawSessionIsStoredUnstuffedAndDecoded) {
  std::string session =
      "EHLO tester\r\n"
      "AUTH PLAIN AHVzZXIAcGFzcw==\r\n"
      "MAIL FROM:<sender@example.org> SIZE=500\r\n"
      "RCPT TO:<one@example.cm>\r\n"
      "RCPT TO:<two@example.cm>\r\n"
      "DATA\r\n"
      "From: =?ISO-8859-1?Q?Caf=E9?= <sender@example.org>\r\n"
      "Subject: =?UTF-8?Q?Pr=C3=AAt?=\r\n"
      " =?UTF-8?Q?_=C3=A0_partir?=\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "TGlnbmUgdW4KLnBvaW50Cg==\r\n"
      ".\r\n"
      "MAIL FROM:<>\r\n"
      "RCPT TO:<three@example.cm>\r\n"
      "DATA\r\n"
      "Subject: plain\r\n"
      "\r\n"
      "..dot-stuffed line\r\n"
      "8bit: crème\r\n"
      ".\r\n"
      "QUIT\r\n";
  auto r = Smtp(session);
  EXPECT_NE(r.data.find("\r\n235 "), std::string::npos) << r.data;  // no credentials configured: any accepted
  EXPECT_NE(r.data.find("\r\n354 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n221 "), std::string::npos) << r.data;

  auto all = sink_->Messages();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].from, "sender@example.org");
  EXPECT_EQ(all[0].from_name, "Café");
  EXPECT_EQ(all[0].to, (std::vector<std::string>{"one@example.cm", "two@example.cm"}));
  EXPECT_EQ(all[0].subject, "Prêt à partir");
  EXPECT_EQ(all[0].text, "Ligne un\n.point\n");
  EXPECT_EQ(all[0].id.rfind("<", 0), 0u);  // made up: the message had no Message-ID
  EXPECT_EQ(all[1].from, "");
  EXPECT_EQ(all[1].subject, "plain");
  EXPECT_EQ(all[1].text, ".dot-stuffed line\n8bit: crème");
  EXPECT_EQ(sink_->Messages("two@example.cm").size(), 1u);
}

TEST_F(EmailSinkTest, LimitsOnSizeAndRecipients) {
  auto r = Smtp("EHLO t\r\nMAIL FROM:<a@b.cm> SIZE=2000000\r\nQUIT\r\n");
  EXPECT_NE(r.data.find("\r\n552 "), std::string::npos) << r.data;

  std::string many = "EHLO t\r\nMAIL FROM:<a@b.cm>\r\n";
  for (int i = 0; i < 101; ++i) many += "RCPT TO:<r" + std::to_string(i) + "@b.cm>\r\n";
  many += "QUIT\r\n";
  r = Smtp(many);
  EXPECT_NE(r.data.find("\r\n452 "), std::string::npos) << r.data;

  std::string big = "EHLO t\r\nMAIL FROM:<a@b.cm>\r\nRCPT TO:<c@d.cm>\r\nDATA\r\nSubject: big\r\n\r\n";
  for (int i = 0; i < 11000; ++i) big += std::string(98, 'x') + "\r\n";  // 1.1 MB
  big += ".\r\nQUIT\r\n";
  r = Smtp(big);
  EXPECT_NE(r.data.find("\r\n552 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n221 "), std::string::npos) << r.data;
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(EmailSinkTest, KeepsOnlyTheLatestTenThousandMessages) {
  // Pipelined sessions of 250 messages each (small enough that the replies never fill the socket buffers).
  int n = 0;
  for (int session = 0; session < 41; ++session) {
    std::string lines = "EHLO t\r\n";
    for (int i = 0; i < 250; ++i, ++n)
      lines += "MAIL FROM:<a@b.cm>\r\nRCPT TO:<c@d.cm>\r\nDATA\r\nSubject: " + std::to_string(n) + "\r\n\r\nx\r\n.\r\n";
    lines += "QUIT\r\n";
    auto r = Smtp(lines);
    ASSERT_TRUE(r.closed) << session;
  }
  auto all = sink_->Messages();
  ASSERT_EQ(all.size(), 10000u);
  EXPECT_EQ(all.front().subject, "250");  // the first 250 were dropped
  EXPECT_EQ(all.back().subject, "10249");
}

TEST_F(EmailSinkTest, AuthWithConfiguredCredentials) {
  sink_ = std::make_unique<Sink>(Sink::Options{"127.0.0.1", 0, 0, "user", "pass"});
  // base64("\0user\0pass") = AHVzZXIAcGFzcw== ; base64("\0user\0nope") = AHVzZXIAbm9wZQ==
  auto r = Smtp(
      "EHLO t\r\nAUTH PLAIN AHVzZXIAbm9wZQ==\r\nMAIL FROM:<a@b.cm>\r\nAUTH PLAIN\r\nAHVzZXIAcGFzcw==\r\n"
      "MAIL FROM:<a@b.cm>\r\nQUIT\r\n");
  EXPECT_NE(r.data.find("\r\n535 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n530 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n334 \r\n235 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n235 Authentication successful\r\n250 OK\r\n221 "), std::string::npos) << r.data;
  r = Smtp("EHLO t\r\nAUTH LOGIN\r\nAUTH PLAIN !!!\r\nQUIT\r\n");
  EXPECT_NE(r.data.find("\r\n504 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n501 "), std::string::npos) << r.data;
}

TEST_F(EmailSinkTest, FailNextAnswers451OnMailFrom) {
  sink_->FailNext(1);
  auto r = Smtp("EHLO t\r\nMAIL FROM:<a@b.cm>\r\nMAIL FROM:<a@b.cm>\r\nQUIT\r\n");
  EXPECT_NE(r.data.find("\r\n451 "), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("\r\n451 Temporary failure requested (sandbox)\r\n250 OK\r\n"), std::string::npos) << r.data;
}

TEST_F(EmailSinkTest, HttpApiListsFailsAndClears) {
  std::uint16_t http = sink_->http_port();
  EXPECT_NE(http, sink_->smtp_port());
  EXPECT_EQ(test::HttpCall(http, "GET", "/healthz").status, 200);

  auto sent = Smtp(
      "EHLO t\r\nMAIL FROM:<no-reply@okada.cm>\r\nRCPT TO:<a+tag@example.cm>\r\nDATA\r\n"
      "Message-ID: <m1@okada.cm>\r\nSubject: =?UTF-8?B?Vm90cmUgY29tbWFuZGUgZXN0IGxpdnLDqWUg4pyT?=\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\nlivr=C3=A9e=\r\n !\r\n.\r\nQUIT\r\n");
  ASSERT_NE(sent.data.find("250 OK queued as <m1@okada.cm>"), std::string::npos) << sent.data;

  auto listed = test::HttpCall(http, "GET", "/v1/messages?to=a+tag@example.cm");
  ASSERT_EQ(listed.status, 200) << listed.body;
  json::array items = json::parse(listed.body).as_object()["items"].as_array();
  ASSERT_EQ(items.size(), 1u);
  json::object item = items[0].as_object();
  EXPECT_EQ(item["id"].as_string(), "<m1@okada.cm>");
  EXPECT_EQ(item["from"].as_string(), "no-reply@okada.cm");
  ASSERT_EQ(item["to"].as_array().size(), 1u);
  EXPECT_EQ(item["to"].as_array()[0].as_string(), "a+tag@example.cm");
  EXPECT_EQ(item["subject"].as_string(), "Votre commande est livrée ✓");
  EXPECT_EQ(item["text"].as_string(), "livrée !");
  EXPECT_EQ(item["received_at"].as_string().size(), 24u);  // 2026-03-01T10:00:00.123Z
  auto encoded = test::HttpCall(http, "GET", "/v1/messages?to=a%2Btag%40example.cm");
  EXPECT_EQ(json::parse(encoded.body).as_object()["items"].as_array().size(), 1u);
  auto nobody = test::HttpCall(http, "GET", "/v1/messages?to=b@example.cm");
  EXPECT_EQ(json::parse(nobody.body).as_object()["items"].as_array().size(), 0u);
  auto all = test::HttpCall(http, "GET", "/v1/messages");
  EXPECT_EQ(json::parse(all.body).as_object()["items"].as_array().size(), 1u);

  EXPECT_EQ(test::HttpCall(http, "POST", "/v1/sandbox/fail", {{"Content-Type", "application/json"}}, R"({"count":-1})")
                .status,
            400);
  EXPECT_EQ(
      test::HttpCall(http, "POST", "/v1/sandbox/fail", {{"Content-Type", "application/json"}}, R"({"count":1})").status,
      200);
  auto failed = Smtp("EHLO t\r\nMAIL FROM:<a@b.cm>\r\nQUIT\r\n");
  EXPECT_NE(failed.data.find("\r\n451 "), std::string::npos) << failed.data;

  auto deleted = test::HttpCall(http, "DELETE", "/v1/messages");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(json::parse(deleted.body).as_object()["deleted"].as_int64(), 1);
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(EmailSinkTest, ClosesIdleConnectionsOnShutdown) {
  // A client that connects and says nothing must not hold the sink's destructor for the idle timeout.
  asio::io_context ctx;
  tcp::socket s(ctx);
  s.connect({asio::ip::make_address("127.0.0.1"), sink_->smtp_port()});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  sink_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace okada::email
