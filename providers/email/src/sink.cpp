// The local SMTP sink (`okada sandbox smtp`, and in-process in tests): an SMTP server (RFC 5321) and a small HTTP
// API on one thread of its own (a one-thread IoPool), messages kept in memory (the last kMaxMessages), failures
// on demand.
//
// SMTP, one coroutine per connection:
//   220 greeting
//   EHLO name        250-okada.sink / 250-8BITMIME / 250-AUTH PLAIN / 250 SIZE 1048576   (HELO: 250 only)
//   AUTH PLAIN [ir]  RFC 4954 + RFC 4616: 334 asks for the response when none came; 235 or 535; after EHLO only
//   MAIL FROM:<a>    250; 530 when credentials are configured and AUTH has not succeeded; 451 while FailNext is
//                    pending; 552 for a SIZE= over the limit
//   RCPT TO:<a>      250; 452 past kMaxRecipients
//   DATA             354, then lines up to "."; a leading '.' is removed (dot-unstuffing); 250 once stored, 552
//                    when the message passed kMaxMessageBytes
//   RSET, NOOP       250          QUIT   221 and close
//   anything else    500; a command out of order 503; bad arguments 501. After kMaxErrors errors: 421 and close.
// Connections idle for kIdle are closed.
//
// HTTP (no authentication; the sink binds to loopback by default):
//   GET    /v1/messages?to=a   {"items":[{id,from,from_name,to,subject,text,received_at}]}, oldest first
//   DELETE /v1/messages        {"deleted":n}
//   POST   /v1/sandbox/fail    {"count":N}: the next N MAIL FROM answer 451
//   GET    /healthz            {"status":"ok"}
// Personal data: nothing here logs an address, a subject or a text; the HTTP server's access log prints the path
// only (no query string).

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <unordered_set>

#include "internal.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/email.hpp"

namespace okada::email {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using http::Method;
using http::Request;
using http::Response;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxMessages = 10000;
constexpr std::size_t kMaxRecipients = 100;
constexpr std::size_t kMaxMessageBytes = 1024 * 1024;
constexpr std::size_t kMaxCommandLine = 4096;  // RFC 5321 says 512; AUTH responses may reach 12288 (RFC 4954)
constexpr int kMaxErrors = 20;
constexpr std::chrono::seconds kIdle{60};
constexpr const char* kName = "okada.sink";

using Stored = Sink::Stored;

// One SMTP connection. Touched only on the sink's thread.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::string in;  ///< bytes read and not yet consumed
  std::array<char, 16 * 1024> buffer{};
};

// What the sink and its connections share. Connection coroutines hold it by shared_ptr, so it outlives any frame
// left behind when the sink's io_context goes away.
struct Store {
  Sink::Options options;

  mutable std::mutex mu;
  std::deque<Stored> messages;  ///< oldest first, at most kMaxMessages
  int fail_next = 0;
  std::size_t sessions = 0;  ///< connections whose coroutine is still running
  std::condition_variable sessions_done;

  // The sink's thread only.
  bool closing = false;
  std::unordered_set<Connection*> live;

  // True when the next MAIL FROM is to fail (and counts it).
  bool TakeFailure() {
    std::lock_guard lock(mu);
    if (fail_next <= 0) return false;
    --fail_next;
    return true;
  }

  void Add(Stored s) {
    std::lock_guard lock(mu);
    messages.push_back(std::move(s));
    while (messages.size() > kMaxMessages) messages.pop_front();
  }
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// An envelope address as the sink accepts it: printable ASCII without spaces, with an '@' inside (the mailer is
// stricter; the sink also takes what other tools send).
bool PlausibleAddress(std::string_view a) {
  if (a.size() < 3 || a.size() > 254) return false;
  std::size_t at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  for (char c : a)
    if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>') return false;
  return true;
}

// "FROM:<a@b> SIZE=10" (after MAIL) or "TO:<a@b>" (after RCPT): the address between the angle brackets and the
// parameters after them. nullopt when the syntax is wrong.
struct Path {
  std::string address;
  std::string params;
};
std::optional<Path> ParsePath(std::string_view arg, std::string_view keyword) {
  if (arg.size() < keyword.size() || !http::IEquals(arg.substr(0, keyword.size()), keyword)) return std::nullopt;
  arg.remove_prefix(keyword.size());
  while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
  if (arg.empty() || arg.front() != '<') return std::nullopt;
  std::size_t close = arg.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view address = arg.substr(1, close - 1);
  // A source route ("@relay1,@relay2:user@host", RFC 5321 §4.1.2) is accepted and ignored.
  if (!address.empty() && address.front() == '@') {
    std::size_t colon = address.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    address.remove_prefix(colon + 1);
  }
  std::string_view params = arg.substr(close + 1);
  if (!params.empty() && params.front() != ' ') return std::nullopt;
  while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
  return Path{std::string(address), std::string(params)};
}

// The SIZE=n parameter of MAIL (RFC 1870), 0 when absent; -1 when malformed.
long long SizeParam(std::string_view params) {
  while (!params.empty()) {
    std::string_view p = params.substr(0, params.find(' '));
    params.remove_prefix(std::min(params.size(), p.size() + 1));
    if (p.size() > 5 && http::IEquals(p.substr(0, 5), "SIZE=")) {
      long long n = 0;
      for (char c : p.substr(5)) {
        if (c < '0' || c > '9' || n > (1LL << 40)) return -1;
        n = n * 10 + (c - '0');
      }
      return n;
    }
  }
  return 0;
}

class Session {
 public:
  Session(std::shared_ptr<Store> store, std::shared_ptr<Connection> conn)
      : store_(std::move(store)), conn_(std::move(conn)) {}

  asio::awaitable<void> Run() {
    std::string greeting = std::string("220 ") + kName + " ESMTP Okada sink ready\r\n";
    if (!co_await Send(std::move(greeting))) co_return;
    for (;;) {
      Line line = co_await ReadLine(kMaxCommandLine);
      if (!line.ok) co_return;  // closed, idle too long, or the sink is stopping
      std::string reply;
      bool quit = false;
      if (line.too_long) {
        reply = "500 Line too long\r\n";
      } else {
        std::string_view text = line.text;
        std::string_view verb = text.substr(0, text.find(' '));
        std::string_view arg = verb.size() < text.size() ? text.substr(verb.size() + 1) : std::string_view();
        std::string command = Upper(verb);
        if (command == "DATA") {
          reply = co_await Data(arg);
        } else if (command == "AUTH") {
          reply = co_await Auth(arg);
        } else if (command == "QUIT") {
          reply = std::string("221 ") + kName + " closing connection\r\n";
          quit = true;
        } else {
          reply = Handle(command, arg);
        }
      }
      if (reply.empty()) co_return;  // the connection broke inside DATA or AUTH
      if (reply[0] == '5' && ++errors_ >= kMaxErrors) {
        std::string last = reply + "421 Too many errors, closing connection\r\n";
        co_await Send(std::move(last));
        co_return;
      }
      if (!co_await Send(std::move(reply)) || quit) co_return;
    }
  }

 private:
  struct Line {
    bool ok = false;        ///< false: the connection is over
    bool too_long = false;  ///< the line passed the limit; its bytes were dropped
    std::string text;       ///< without its line end
  };

  asio::awaitable<Line> ReadLine(std::size_t limit) {
    Line out;
    Connection& c = *conn_;
    bool dropping = false;
    for (;;) {
      std::size_t nl = c.in.find('\n');
      if (nl != std::string::npos) {
        out.ok = true;
        out.too_long = dropping || nl > limit + 1;
        if (!out.too_long) {
          out.text = c.in.substr(0, nl);
          if (!out.text.empty() && out.text.back() == '\r') out.text.pop_back();
        }
        c.in.erase(0, nl + 1);
        co_return out;
      }
      if (c.in.size() > limit + 1) {
        dropping = true;
        c.in.clear();
      }
      c.stream.expires_after(kIdle);
      auto [ec, n] = co_await c.stream.async_read_some(asio::buffer(c.buffer), kTuple);
      if (ec) co_return out;
      c.in.append(c.buffer.data(), n);
    }
  }

  asio::awaitable<bool> Send(std::string text) {
    conn_->stream.expires_after(kIdle);
    auto [ec, n] = co_await asio::async_write(conn_->stream, asio::buffer(text), kTuple);
    co_return !ec;
  }

  void Reset() {
    in_mail_ = false;
    from_.clear();
    rcpts_.clear();
  }

  std::string Handle(const std::string& command, std::string_view arg) {
    if (command == "EHLO" || command == "HELO") {
      if (arg.empty() || arg.find(' ') != std::string_view::npos) return "501 Syntax: " + command + " hostname\r\n";
      Reset();
      greeted_ = true;
      extended_ = command == "EHLO";
      if (!extended_) return std::string("250 ") + kName + "\r\n";
      return std::string("250-") + kName + " greets the client\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SIZE " +
             std::to_string(kMaxMessageBytes) + "\r\n";
    }
    if (command == "MAIL") {
      if (!greeted_) return "503 Send EHLO or HELO first\r\n";
      if (in_mail_) return "503 Nested MAIL command\r\n";
      auto path = ParsePath(arg, "FROM:");
      if (!path || (!path->address.empty() && !PlausibleAddress(path->address)))
        return "501 Syntax: MAIL FROM:<address>\r\n";
      long long size = SizeParam(path->params);
      if (size < 0) return "501 Bad SIZE parameter\r\n";
      if (!store_->options.username.empty() && !authenticated_) return "530 Authentication required\r\n";
      if (static_cast<unsigned long long>(size) > kMaxMessageBytes) return "552 Message size exceeds fixed limit\r\n";
      if (store_->TakeFailure()) return "451 Temporary failure requested (sandbox)\r\n";
      in_mail_ = true;
      from_ = std::move(path->address);
      return "250 OK\r\n";
    }
    if (command == "RCPT") {
      if (!in_mail_) return "503 Need MAIL before RCPT\r\n";
      auto path = ParsePath(arg, "TO:");
      if (!path || !PlausibleAddress(path->address)) return "501 Syntax: RCPT TO:<address>\r\n";
      if (rcpts_.size() >= kMaxRecipients) return "452 Too many recipients\r\n";
      rcpts_.push_back(std::move(path->address));
      return "250 OK\r\n";
    }
    if (command == "RSET") {
      if (!arg.empty()) return "501 Syntax: RSET\r\n";
      Reset();
      return "250 OK\r\n";
    }
    if (command == "NOOP") return "250 OK\r\n";
    return "500 Command unrecognized\r\n";
  }

  // AUTH PLAIN (RFC 4954 with RFC 4616), the initial response on the command line or after a 334.
  asio::awaitable<std::string> Auth(std::string_view arg) {
    if (!greeted_ || !extended_) co_return "503 Send EHLO first\r\n";
    if (authenticated_) co_return "503 Already authenticated\r\n";
    if (in_mail_) co_return "503 AUTH not allowed during a mail transaction\r\n";
    std::string_view mechanism = arg.substr(0, arg.find(' '));
    if (mechanism.empty()) co_return "501 Syntax: AUTH mechanism\r\n";
    if (!http::IEquals(mechanism, "PLAIN")) co_return "504 Unrecognized authentication type\r\n";
    std::string response;
    if (mechanism.size() < arg.size()) {
      response = std::string(arg.substr(mechanism.size() + 1));
    } else {
      std::string ask = "334 \r\n";
      if (!co_await Send(std::move(ask))) co_return std::string();
      Line line = co_await ReadLine(kMaxCommandLine);
      if (!line.ok) co_return std::string();
      if (line.too_long) co_return "500 Line too long\r\n";
      if (line.text == "*") co_return "501 Authentication cancelled\r\n";
      response = std::move(line.text);
    }
    if (response == "=") response.clear();  // RFC 4954 §4: an empty initial response
    auto decoded = internal::Base64Decode(response);
    if (!decoded) co_return "501 Malformed authentication response\r\n";
    // authzid NUL authcid NUL password
    std::size_t first = decoded->find('\0');
    std::size_t second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
    if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos) {
      crypto::Wipe(*decoded);
      co_return "501 Malformed authentication response\r\n";
    }
    std::string_view user = std::string_view(*decoded).substr(first + 1, second - first - 1);
    std::string_view password = std::string_view(*decoded).substr(second + 1);
    const Sink::Options& o = store_->options;
    bool ok = o.username.empty() ||
              (crypto::ConstantTimeEquals(user, o.username) && crypto::ConstantTimeEquals(password, o.password));
    crypto::Wipe(*decoded);
    if (!ok) co_return "535 Authentication credentials invalid\r\n";
    authenticated_ = true;
    co_return "235 Authentication successful\r\n";
  }

  // DATA: 354, then the message up to the line ".". Returns the final reply ("" when the connection broke).
  asio::awaitable<std::string> Data(std::string_view arg) {
    if (!arg.empty()) co_return "501 Syntax: DATA\r\n";
    if (!in_mail_) co_return "503 Need MAIL command\r\n";
    if (rcpts_.empty()) co_return "503 Need RCPT (recipient)\r\n";
    std::string go = "354 End data with <CR><LF>.<CR><LF>\r\n";
    if (!co_await Send(std::move(go))) co_return std::string();
    std::string raw;
    bool too_big = false;
    for (;;) {
      Line line = co_await ReadLine(kMaxMessageBytes);
      if (!line.ok) co_return std::string();
      if (line.too_long) {
        too_big = true;
        continue;
      }
      if (line.text == ".") break;
      std::string_view text = line.text;
      if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // RFC 5321 §4.5.2
      if (too_big || raw.size() + text.size() + 2 > kMaxMessageBytes) {
        too_big = true;
        raw.clear();
        raw.shrink_to_fit();
        continue;
      }
      raw += text;
      raw += "\r\n";
    }
    if (too_big) {
      Reset();
      co_return "552 Message exceeds " + std::to_string(kMaxMessageBytes) + " bytes\r\n";
    }

    internal::ParsedMessage parsed = internal::ParseMessage(raw);
    Stored s;
    s.id = !parsed.message_id.empty() ? std::move(parsed.message_id) : "<" + crypto::UuidV7() + "@" + kName + ">";
    s.from = from_;
    s.from_name = std::move(parsed.from_name);
    s.to = rcpts_;
    s.subject = std::move(parsed.subject);
    s.text = std::move(parsed.text);
    s.raw = std::move(raw);
    s.received_ms = UnixMillisNow();
    bool printable_id = s.id.size() <= 200;
    for (char c : s.id) printable_id = printable_id && c > 0x20 && c < 0x7F;
    std::string reply = printable_id ? "250 OK queued as " + s.id + "\r\n" : std::string("250 OK queued\r\n");
    store_->Add(std::move(s));
    Reset();
    co_return reply;
  }

  std::shared_ptr<Store> store_;
  std::shared_ptr<Connection> conn_;
  bool greeted_ = false;
  bool extended_ = false;
  bool authenticated_ = false;
  bool in_mail_ = false;
  std::string from_;
  std::vector<std::string> rcpts_;
  int errors_ = 0;
};

// Registers a connection while its coroutine runs (the frame owns it, so it also unregisters when the frame is
// destroyed without finishing).
struct Registration {
  Registration(std::shared_ptr<Store> s, Connection* c) : store(std::move(s)), conn(c) {
    store->live.insert(conn);
    std::lock_guard lock(store->mu);
    ++store->sessions;
  }
  ~Registration() {
    store->live.erase(conn);
    std::lock_guard lock(store->mu);
    --store->sessions;
    store->sessions_done.notify_all();
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  std::shared_ptr<Store> store;
  Connection* conn;
};

asio::awaitable<void> RunConnection(std::shared_ptr<Store> store, std::shared_ptr<Connection> conn) {
  Registration registration(store, conn.get());
  if (store->closing) co_return;
  Session session(store, conn);
  co_await session.Run();
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn->stream.socket().close(ignored);
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<Store> store, std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(kTuple);
    if (store->closing || !acceptor->is_open()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: give it a moment rather than spin.
      asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    asio::co_spawn(acceptor->get_executor(), RunConnection(store, std::move(conn)), asio::detached);
  }
}

std::string ErrorJson(std::string_view error, std::string_view message) {
  json::object o;
  o["error"] = error;
  o["message"] = message;
  return json::serialize(o);
}

}  // namespace

struct Sink::Impl {
  explicit Impl(Options o) : store(std::make_shared<Store>()) {
    store->options = std::move(o);
    const Options& options = store->options;
    boost::system::error_code ec;
    asio::ip::address address = asio::ip::make_address(options.host, ec);
    if (ec) throw std::invalid_argument("email sink: host must be an IP address");

    auto sync = [this](Response (Impl::*fn)(Request&)) {
      return http::SyncHandler([this, fn](Request& r) { return (this->*fn)(r); });
    };
    router.Add(Method::kGet, "/v1/messages", sync(&Impl::GetMessages));
    router.Add(Method::kDelete, "/v1/messages", sync(&Impl::DeleteMessages));
    router.Add(Method::kPost, "/v1/sandbox/fail", sync(&Impl::PostFail));
    http::RouteOptions quiet;
    quiet.quiet = true;
    router.Add(Method::kGet, "/healthz",
               http::SyncHandler([](Request&) { return Response::Json(R"({"status":"ok"})"); }), quiet);
    http::ServerOptions so;
    so.host = options.host;
    so.port = options.http_port;
    so.body_limit = 64 * 1024;
    server = std::make_unique<http::Server>(so, router, metrics, io);

    acceptor = std::make_shared<tcp::acceptor>(io.context(0));
    tcp::endpoint endpoint(address, options.smtp_port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::system_error(
          std::error_code(ec.value(), std::system_category()),
          "email sink: cannot listen for SMTP on " + options.host + ":" + std::to_string(options.smtp_port));
    smtp_port = acceptor->local_endpoint().port();

    io.Start();
    try {
      server->Start();
    } catch (...) {
      io.Stop();
      throw;
    }
    asio::co_spawn(io.context(0), AcceptLoop(store, acceptor), asio::detached);
  }

  ~Impl() {
    // SMTP first: on the sink's thread, stop accepting and close every connection (their pending reads and
    // writes end at once), then wait for their coroutines to finish.
    std::promise<void> closed;
    asio::post(io.context(0), [this, &closed] {
      store->closing = true;
      boost::system::error_code ignored;
      acceptor->close(ignored);
      for (Connection* c : store->live) c->stream.socket().close(ignored);
      closed.set_value();
    });
    closed.get_future().wait();
    {
      std::unique_lock lock(store->mu);
      store->sessions_done.wait_for(lock, std::chrono::seconds(2), [this] { return store->sessions == 0; });
    }
    server->BeginDrain();
    server->WaitDrained(std::chrono::seconds(2));
    io.Stop();
    // Members go in reverse order: server and acceptor while the io_context still exists, the IoPool last.
  }

  Response GetMessages(Request& req) {
    std::string to = http::QueryValueKeepingPlus(req.query(), "to");
    json::array items;
    for (const Stored& s : Snapshot(to)) {
      json::object item;
      item["id"] = s.id;
      item["from"] = s.from;
      item["from_name"] = s.from_name;
      json::array recipients;
      for (const auto& r : s.to) recipients.emplace_back(r);
      item["to"] = std::move(recipients);
      item["subject"] = s.subject;
      item["text"] = s.text;
      item["received_at"] = Rfc3339Millis(s.received_ms);
      items.push_back(std::move(item));
    }
    json::object out;
    out["items"] = std::move(items);
    return Response::Json(json::serialize(out));
  }

  Response DeleteMessages(Request&) {
    std::size_t n = Clear();
    return Response::Json(R"({"deleted":)" + std::to_string(n) + "}");
  }

  Response PostFail(Request& req) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    const json::value* count = nullptr;
    if (!ec && body.is_object()) count = body.as_object().if_contains("count");
    if (count == nullptr || !count->is_int64() || count->as_int64() < 0 || count->as_int64() > 1000000)
      return Response::Json(ErrorJson("invalid_request", "count must be an integer from 0 to 1000000"), 400);
    SetFailNext(static_cast<int>(count->as_int64()));
    return Response::Json(R"({"fail_next":)" + std::to_string(count->as_int64()) + "}");
  }

  std::vector<Stored> Snapshot(std::string_view to) const {
    std::lock_guard lock(store->mu);
    std::vector<Stored> out;
    for (const Stored& s : store->messages) {
      bool match = to.empty();
      for (const auto& r : s.to) match = match || http::IEquals(r, to);
      if (match) out.push_back(s);
    }
    return out;
  }

  std::size_t Clear() {
    std::lock_guard lock(store->mu);
    std::size_t n = store->messages.size();
    store->messages.clear();
    return n;
  }

  void SetFailNext(int count) {
    std::lock_guard lock(store->mu);
    store->fail_next = count < 0 ? 0 : count;
  }

  IoPool io{1};
  Metrics metrics;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::shared_ptr<Store> store;
  std::shared_ptr<tcp::acceptor> acceptor;
  std::uint16_t smtp_port = 0;
};

Sink::Sink(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Sink::~Sink() = default;

std::uint16_t Sink::smtp_port() const { return impl_->smtp_port; }
std::uint16_t Sink::http_port() const { return impl_->server->port(); }

std::vector<Sink::Stored> Sink::Messages(std::string_view to) const { return impl_->Snapshot(to); }

void Sink::Clear() { impl_->Clear(); }

void Sink::FailNext(int count) { impl_->SetFailNext(count); }

}  // namespace okada::email
