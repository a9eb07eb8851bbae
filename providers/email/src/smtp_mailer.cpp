// The SMTP client (RFC 5321) that hands mail to a relay (protocol in email.hpp).
//
// One connection per send, opened and closed within the send's deadline (min(caller's deadline, now + timeout));
// the deadline is the expiry of the Beast stream, so every step (resolve, connect, each command and reply, the
// message) ends by it. A reply is one or more lines "NNN-text" ... "NNN text"; only the code (and an RFC 3463
// enhanced code such as 5.1.1) is ever looked at or reported: a server's text may quote the addresses back.
//
// Every failure becomes okada::Error(kEmailUnavailable) with a detail naming the step ("smtp rcpt answered 550
// (5.1.1)", "smtp connect to 127.0.0.1:25 failed: Connection refused") and never an address, a name, the subject
// or the text. One circuit breaker per I/O shard of the IoPool (house style, ADR 0002): a relay that is down,
// slow, refusing our credentials or answering 4xx tells against the relay; a 5xx for one recipient or one message
// tells against that request and does not open the breaker for everyone else.

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <stdexcept>
#include <utility>

#include "internal.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/email.hpp"

namespace okada::email {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxReplyLine = 4096;  // RFC 5321 §4.5.3.1.5 allows 512; servers do send longer ones
constexpr std::size_t kMaxReplyLines = 100;
constexpr std::chrono::milliseconds kQuitWait{1000};

// Why a send failed, and whether it tells against the relay (a breaker failure) or against this one request.
struct Failure {
  std::string reason;  ///< metrics label: unreachable, timeout, deferred, rejected, auth, protocol, too_large
  std::string detail;  ///< for the Error; never personal data
  bool upstream = true;
  bool answered = false;  ///< the server answered in step: a QUIT is still worth sending before closing
};

// How a Failure travels out of the conversation (caught once, in SendOn).
struct SmtpError : std::exception {
  explicit SmtpError(Failure f) : failure(std::move(f)) {}
  const char* what() const noexcept override { return "smtp failure"; }
  Failure failure;
};

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  ///< the text of each line, after "NNN-" or "NNN "
  std::string enhanced;            ///< RFC 3463 status of the first line ("5.1.1"), when it starts with one
};

struct Capabilities {
  bool auth_plain = false;
  bool size = false;
  std::size_t size_limit = 0;  ///< 0 = none announced
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// "5.1.1" and the like: class digit, '.', 1-3 digits, '.', 1-3 digits; only digits and dots, so safe to report.
std::string EnhancedCode(std::string_view text, int code) {
  std::size_t end = text.find(' ');
  std::string_view token = text.substr(0, end);
  if (token.size() < 5 || token.size() > 9 || token[0] != static_cast<char>('0' + code / 100) || token[1] != '.')
    return {};
  int dots = 0;
  std::size_t run = 0;
  for (char c : token.substr(2)) {
    if (c == '.') {
      if (run == 0 || run > 3) return {};
      ++dots;
      run = 0;
    } else if (IsDigit(c)) {
      ++run;
    } else {
      return {};
    }
  }
  return dots == 1 && run >= 1 && run <= 3 ? std::string(token) : std::string();
}

// The EHLO keywords after the first line (RFC 5321 §4.1.1.1): "AUTH PLAIN LOGIN", the older "AUTH=PLAIN", and
// "SIZE 1048576" (RFC 1870).
Capabilities ParseCapabilities(const Reply& ehlo) {
  Capabilities caps;
  for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string line = Upper(ehlo.lines[i]);
    std::string_view rest = line;
    std::string_view keyword = rest.substr(0, rest.find_first_of(" ="));
    rest.remove_prefix(keyword.size());
    if (keyword == "AUTH") {
      while (!rest.empty()) {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '=')) rest.remove_prefix(1);
        std::string_view mechanism = rest.substr(0, rest.find(' '));
        if (mechanism == "PLAIN") caps.auth_plain = true;
        rest.remove_prefix(mechanism.size());
      }
    } else if (keyword == "SIZE") {
      caps.size = true;
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      std::size_t limit = 0;
      for (char c : rest) {
        if (!IsDigit(c) || limit > (std::size_t{1} << 40)) break;
        limit = limit * 10 + static_cast<std::size_t>(c - '0');
      }
      caps.size_limit = limit;
    }
  }
  return caps;
}

Failure IoFailure(const char* step, const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return Failure{"timeout", std::string("smtp ") + step + " timed out"};
  if (ec == asio::error::eof || ec == asio::error::connection_reset)
    return Failure{"unreachable", std::string("smtp server closed the connection at ") + step};
  return Failure{"unreachable", std::string("smtp ") + step + " failed: " + ec.message()};
}

// A reply other than `ok` (or `ok2`) to `step` ends the send. 4xx: the relay asks to come back later; 5xx: it
// refuses. A refused recipient or message is this request's fault, anything else the relay's.
void Expect(const Reply& r, const char* step, int ok, int ok2 = 0) {
  if (r.code == ok || (ok2 != 0 && r.code == ok2)) return;
  std::string s(step);
  Failure f;
  f.answered = true;
  f.detail = "smtp " + s + " answered " + std::to_string(r.code);
  if (!r.enhanced.empty()) f.detail += " (" + r.enhanced + ")";
  if (r.code >= 500) {
    f.reason = s == "auth" ? "auth" : "rejected";
    f.upstream = !(s == "rcpt" || s == "message");
  } else if (r.code >= 400) {
    f.reason = s == "auth" ? "auth" : "deferred";
  } else {
    f.reason = "protocol";  // a 2xx/3xx, but not the one this step calls for: the server is out of step
  }
  throw SmtpError(std::move(f));
}

// One SMTP conversation over one TCP connection; lives in the frame of one send, on one shard's thread.
class Conversation {
 public:
  Conversation(asio::any_io_executor executor, Deadline deadline)
      : executor_(std::move(executor)), stream_(executor_), deadline_(deadline) {}

  asio::awaitable<void> Connect(std::string host, std::uint16_t port) {
    where_ = host + ":" + std::to_string(port);
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code aec;
    asio::ip::address address = asio::ip::make_address(host, aec);
    if (!aec) {
      endpoints.emplace_back(address, port);
    } else {
      // The resolver has no timeout of its own: a timer cancels it. The handler holds the resolver, which so
      // outlives this frame if need be.
      auto resolver = std::make_shared<tcp::resolver>(executor_);
      asio::steady_timer timer(executor_, deadline_);
      timer.async_wait([resolver](const boost::system::error_code& ec) {
        if (!ec) resolver->cancel();
      });
      std::string service = std::to_string(port);
      auto [ec, results] = co_await resolver->async_resolve(host, service, tcp::resolver::numeric_service, kTuple);
      timer.cancel();
      if (ec == asio::error::operation_aborted || (ec && Clock::now() >= deadline_))
        throw SmtpError(Failure{"timeout", "smtp resolving " + host + " timed out"});
      if (ec) throw SmtpError(Failure{"unreachable", "smtp resolving " + host + " failed: " + ec.message()});
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
      if (endpoints.empty()) throw SmtpError(Failure{"unreachable", "smtp: no address for " + host});
    }
    stream_.expires_at(deadline_);
    auto [ec, endpoint] = co_await stream_.async_connect(endpoints, kTuple);
    if (ec == beast::error::timeout) throw SmtpError(Failure{"timeout", "smtp connect to " + where_ + " timed out"});
    if (ec) throw SmtpError(Failure{"unreachable", "smtp connect to " + where_ + " failed: " + ec.message()});
    boost::system::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    connected_ = true;
  }

  // One reply, all its lines. Throws SmtpError on an I/O error, the deadline, or a malformed reply.
  asio::awaitable<Reply> Read(const char* step) {
    Reply reply;
    for (;;) {
      std::size_t nl = in_.find('\n');
      while (nl == std::string::npos) {
        if (in_.size() > kMaxReplyLine)
          throw SmtpError(Failure{"protocol", std::string("smtp ") + step + ": overlong reply"});
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buffer_), kTuple);
        if (ec) throw SmtpError(IoFailure(step, ec));
        in_.append(buffer_.data(), n);
        nl = in_.find('\n');
      }
      std::string line = in_.substr(0, nl);
      in_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      bool well_formed = line.size() >= 3 && line.size() <= kMaxReplyLine && IsDigit(line[0]) && IsDigit(line[1]) &&
                         IsDigit(line[2]) && line[0] >= '2' && line[0] <= '5' &&
                         (line.size() == 3 || line[3] == ' ' || line[3] == '-');
      if (!well_formed) throw SmtpError(Failure{"protocol", std::string("smtp ") + step + ": malformed reply"});
      int code = std::stoi(line.substr(0, 3));
      if (reply.code != 0 && code != reply.code)
        throw SmtpError(Failure{"protocol", std::string("smtp ") + step + ": inconsistent reply codes"});
      reply.code = code;
      reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
      if (reply.lines.size() > kMaxReplyLines)
        throw SmtpError(Failure{"protocol", std::string("smtp ") + step + ": overlong reply"});
      if (line.size() == 3 || line[3] == ' ') break;
    }
    reply.enhanced = EnhancedCode(reply.lines.front(), reply.code);
    co_return reply;
  }

  asio::awaitable<void> Write(std::string data, const char* step) {
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(data), kTuple);
    if (ec) throw SmtpError(IoFailure(step, ec));
  }

  // Sends a command line (CRLF added) and reads its reply.
  asio::awaitable<Reply> Command(std::string line, const char* step) {
    line += "\r\n";
    co_await Write(std::move(line), step);
    co_return co_await Read(step);
  }

  // QUIT, best effort and briefly: the outcome of the send is settled by now, so nothing here throws.
  asio::awaitable<void> QuitQuietly() {
    if (!connected_) co_return;
    connected_ = false;
    auto left = std::min<std::chrono::milliseconds>(Remaining(deadline_), kQuitWait);
    if (left.count() <= 0) co_return;
    stream_.expires_after(left);
    static const std::string kQuit = "QUIT\r\n";
    auto [wec, written] = co_await asio::async_write(stream_, asio::buffer(kQuit), kTuple);
    if (!wec) {
      // The 221 (or anything else, or nothing): read once so that the server, not we, closes first.
      co_await stream_.async_read_some(asio::buffer(buffer_), kTuple);
    }
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  asio::any_io_executor executor_;
  beast::tcp_stream stream_;
  Deadline deadline_;
  std::string where_;
  std::string in_;
  std::array<char, 4096> buffer_{};
  bool connected_ = false;
};

// The whole exchange, greeting to QUIT. `message` is dot-stuffed and ends in CRLF. Throws SmtpError.
asio::awaitable<void> Transact(Conversation& c, const SmtpOptions& options, const std::string& to,
                               const std::string& message) {
  co_await c.Connect(options.host, options.port);
  Reply greeting = co_await c.Read("greeting");
  Expect(greeting, "greeting", 220);

  std::string ehlo_command = "EHLO " + options.helo_name;
  Reply ehlo = co_await c.Command(std::move(ehlo_command), "ehlo");
  Capabilities caps;
  if (ehlo.code >= 500) {
    // An RFC 821 server: plain HELO, and no extension (so no AUTH, no SIZE).
    std::string helo_command = "HELO " + options.helo_name;
    Reply helo = co_await c.Command(std::move(helo_command), "helo");
    Expect(helo, "helo", 250);
  } else {
    Expect(ehlo, "ehlo", 250);
    caps = ParseCapabilities(ehlo);
  }

  if (!options.username.empty()) {
    if (!caps.auth_plain) {
      Failure f{"auth", "smtp server does not offer AUTH PLAIN"};
      f.answered = true;
      throw SmtpError(std::move(f));
    }
    // RFC 4616: authorization identity (empty), NUL, user name, NUL, password; sent as the initial response.
    std::string credentials;
    credentials += '\0';
    credentials += options.username;
    credentials += '\0';
    credentials += options.password;
    std::string auth_command = "AUTH PLAIN " + internal::Base64Encode(credentials);
    crypto::Wipe(credentials);
    Reply auth = co_await c.Command(std::move(auth_command), "auth");
    Expect(auth, "auth", 235);
  }

  if (caps.size_limit > 0 && message.size() > caps.size_limit) {
    Failure f{"too_large",
              "message of " + std::to_string(message.size()) + " bytes exceeds the smtp server's limit of " +
                  std::to_string(caps.size_limit),
              false, true};
    throw SmtpError(std::move(f));
  }
  std::string mail_command = "MAIL FROM:<" + options.from_address + ">";
  if (caps.size) mail_command += " SIZE=" + std::to_string(message.size());
  Reply mail = co_await c.Command(std::move(mail_command), "mail");
  Expect(mail, "mail", 250);

  std::string rcpt_command = "RCPT TO:<" + to + ">";
  Reply rcpt = co_await c.Command(std::move(rcpt_command), "rcpt");
  Expect(rcpt, "rcpt", 250, 251);

  std::string data_command = "DATA";
  Reply data = co_await c.Command(std::move(data_command), "data");
  Expect(data, "data", 354);
  std::string payload = message + ".\r\n";
  co_await c.Write(std::move(payload), "message");
  Reply accepted = co_await c.Read("message");
  Expect(accepted, "message", 250);

  co_await c.QuitQuietly();
}

// The domain of an address ("okada.cm" of "no-reply@okada.cm"): the right-hand side of Message-IDs.
std::string DomainOf(const std::string& address) { return address.substr(address.rfind('@') + 1); }

bool HasControl(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(IoPool& io, SmtpOptions options, Metrics* metrics) : io_(io), options_(std::move(options)) {
    if (!IsValidAddress(options_.from_address))
      throw std::invalid_argument("smtp mailer: from_address must be an address of the form local@domain");
    if (options_.helo_name.empty() || options_.helo_name.size() > 255 || HasControl(options_.helo_name) ||
        options_.helo_name.find(' ') != std::string::npos)
      throw std::invalid_argument("smtp mailer: helo_name must be a host name");
    if (options_.username.empty() && !options_.password.empty())
      throw std::invalid_argument("smtp mailer: a password needs a username");
    if (options_.username.find('\0') != std::string::npos || options_.password.find('\0') != std::string::npos)
      throw std::invalid_argument("smtp mailer: the credentials must not contain NUL");
    if (options_.timeout.count() <= 0) throw std::invalid_argument("smtp mailer: the timeout must be positive");
    message_domain_ = DomainOf(options_.from_address);
    for (std::size_t i = 0; i < io_.size(); ++i)
      breakers_.push_back(std::make_unique<resilience::CircuitBreaker>("email", resilience::BreakerOptions{}, metrics));
    if (metrics != nullptr) {
      sent_ = &metrics->GetCounter("okada_email_sent_total", "E-mails accepted by the SMTP relay");
      latency_ = &metrics->GetHistogram("okada_email_send_duration_seconds", "Time to hand one e-mail to the relay");
      const char* help = "E-mail sends that failed, by reason";
      for (const char* reason : {"invalid", "breaker_open", "unreachable", "timeout", "deferred", "rejected", "auth",
                                 "protocol", "too_large"})
        failures_.emplace_back(reason, &metrics->GetCounter("okada_email_failures_total", help, {{"reason", reason}}));
    }
  }

  asio::awaitable<std::string> Send(Mail mail, Deadline deadline) override {
    // Evaluated inside the coroutine, i.e. on the thread that runs it.
    int s = IoPool::CurrentShard();
    if (s >= 0 && static_cast<std::size_t>(s) < io_.size() &&
        io_.context(static_cast<std::size_t>(s)).get_executor().running_in_this_thread()) {
      co_return co_await SendOn(static_cast<std::size_t>(s), std::move(mail), deadline);
    }
    // Not one of our shards: shard 0's breaker may only be used on shard 0's thread.
    co_return co_await asio::co_spawn(io_.context(0), SendOn(0, std::move(mail), deadline), asio::use_awaitable);
  }

 private:
  void CountFailure(std::string_view reason) {
    for (auto& [name, counter] : failures_)
      if (name == reason) counter->Add();
  }

  asio::awaitable<std::string> SendOn(std::size_t shard, Mail mail, Deadline deadline) {
    resilience::CircuitBreaker& breaker = *breakers_[shard];
    auto start = Clock::now();
    deadline = std::min(deadline, start + options_.timeout);
    try {
      Validate(mail);
    } catch (const Error&) {
      CountFailure("invalid");
      throw;
    }
    if (start >= deadline) {
      // The caller's budget was spent before we began: says nothing about the relay.
      CountFailure("timeout");
      throw Error(ErrorCode::kEmailUnavailable, "deadline passed before the e-mail could be sent");
    }
    if (!breaker.Allow()) {
      CountFailure("breaker_open");
      throw breaker.OpenError(ErrorCode::kEmailUnavailable);
    }

    std::string message_id = "<" + crypto::UuidV7() + "@" + message_domain_ + ">";
    std::string message = DotStuff(ComposeMessage(mail, options_.from_address, message_id, UnixMillisNow()));

    asio::any_io_executor executor = co_await asio::this_coro::executor;
    Conversation conversation(executor, deadline);
    std::optional<Failure> failure;
    try {
      co_await Transact(conversation, options_, mail.to, message);
    } catch (const SmtpError& e) {
      failure = e.failure;
    } catch (const std::exception&) {
      failure = Failure{"unreachable", "smtp exchange failed"};
    }
    if (failure && failure->answered) co_await conversation.QuitQuietly();

    if (latency_ != nullptr) latency_->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (failure) {
      if (failure->upstream)
        breaker.RecordFailure();
      else
        breaker.RecordSuccess();
      CountFailure(failure->reason);
      log::Warn("email.send_failed", {{"reason", failure->reason}, {"detail", failure->detail}});
      throw Error(ErrorCode::kEmailUnavailable, failure->detail);
    }
    breaker.RecordSuccess();
    if (sent_ != nullptr) sent_->Add();
    co_return message_id;
  }

  IoPool& io_;
  SmtpOptions options_;
  std::string message_domain_;
  std::vector<std::unique_ptr<resilience::CircuitBreaker>> breakers_;
  Counter* sent_ = nullptr;
  Histogram* latency_ = nullptr;
  std::vector<std::pair<std::string, Counter*>> failures_;
};

}  // namespace

std::unique_ptr<Mailer> MakeSmtpMailer(IoPool& io, SmtpOptions options, Metrics* metrics) {
  return std::make_unique<SmtpMailer>(io, std::move(options), metrics);
}

}  // namespace okada::email
