#pragma once
/// E-mail over SMTP (RFC 5321) to a relay, and the local SMTP sink the project ships.
///
///   client                                   server
///   (connect)                                220 okada.sink ESMTP
///   EHLO okada.local                         250-okada.sink  250-AUTH PLAIN  250 SIZE 1048576   (5xx: HELO instead)
///   AUTH PLAIN base64("\0user\0password")    235                                 (only when a username is set)
///   MAIL FROM:<no-reply@okada.cm> SIZE=n     250
///   RCPT TO:<client@example.cm>              250
///   DATA                                     354
///   the message, dot-stuffed, then "."       250
///   QUIT                                     221
///
/// The message is RFC 5322 + MIME, all 7-bit: Date, From (display name as RFC 2047 encoded words when it is not
/// ASCII), To, Subject (RFC 2047 "=?UTF-8?B?...?=" when not ASCII), Message-ID, MIME-Version, Content-Type
/// text/plain; charset=UTF-8, and the body in quoted-printable (RFC 2045 §6.7).
///
/// No STARTTLS: the relay must be reached over a trusted link (loopback, a private network, or a local relay that
/// does TLS onwards); AUTH PLAIN sends the password in base64, i.e. in clear.
///
/// `Sink` is the local SMTP server (`okada sandbox smtp`, and in-process in tests): it accepts what the mailer
/// sends, keeps the messages decoded in memory, shows them over a small HTTP API, and can be told to fail.
///
/// Personal data: addresses, names, subjects and texts never appear in logs or in error details.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"

namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::email {

/// One plain-text e-mail. Every field is UTF-8.
struct Mail {
  std::string from_name;  ///< display name of the sender ("Okada"); empty = the bare address
  std::string to;         ///< exactly one address, local@domain (ASCII)
  std::string subject;
  std::string text;  ///< the body; line breaks may be \n, \r\n or \r
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  /// Hands one mail to the relay; returns its Message-ID header value, angle brackets included
  /// ("<0193...@okada.cm>"). Throws okada::Error(kValidationFailed) for a mail that may not be sent (see
  /// Validate) before any connection is made, and okada::Error(kEmailUnavailable) when the relay is unreachable,
  /// times out, answers 4xx/5xx ("smtp rcpt answered 550") or the circuit breaker is open. Error details never
  /// contain an address, a name, the subject or the text.
  virtual boost::asio::awaitable<std::string> Send(Mail mail, Deadline deadline) = 0;
};

struct SmtpOptions {
  std::string host = "127.0.0.1";  ///< a name or an IP address
  std::uint16_t port = 25;
  std::string helo_name = "okada.local";           ///< what EHLO/HELO announce
  std::string from_address = "no-reply@okada.cm";  ///< envelope sender and From address; its domain ends Message-IDs
  std::string username;                            ///< AUTH PLAIN when not empty (the server must offer it)
  std::string password;
  std::chrono::milliseconds timeout{5000};  ///< cap on one whole send (connect to QUIT)
};

/// The SMTP adapter: one connection per send, and one circuit breaker per I/O shard of `io` (a call from a thread
/// that is not one of the pool's runs on shard 0). Each send's deadline is min(deadline, now + options.timeout),
/// and covers every step. `metrics` (optional, must outlive the mailer): okada_email_sent_total,
/// okada_email_failures_total{reason}, okada_email_send_duration_seconds, and the breaker's (upstream="email").
/// Throws std::invalid_argument for an invalid from_address or helo_name, or a password without a username.
/// The mailer must outlive its calls; `io` must be started for calls to complete.
std::unique_ptr<Mailer> MakeSmtpMailer(IoPool& io, SmtpOptions options, Metrics* metrics = nullptr);

// --- the message format, exposed for tests and tools; pure functions, thread-safe ---

/// `local@domain` in plain ASCII: a dot-atom local part of at most 64 characters, a domain of at least two
/// dot-separated labels (letters, digits, '-' inside), 254 characters at most; no spaces, quotes, brackets or
/// control characters.
bool IsValidAddress(std::string_view address);

/// Checks a mail before sending: `to` per IsValidAddress; from_name (≤ 200 bytes) and subject (≤ 1000 bytes)
/// valid UTF-8 without control characters (so no CR/LF: no header injection); text valid UTF-8 of at most
/// 256 KiB, controls other than \n, \r and \t refused. Throws okada::Error(kValidationFailed) naming the field
/// (never its value).
void Validate(const Mail& mail);

/// RFC 2045 §6.7 quoted-printable of a body. Line breaks (\r\n, \n or a lone \r) become hard CRLF breaks; longer
/// lines get soft breaks ("=" CRLF) so that no line exceeds 76 characters; '=', controls and bytes above 0x7E are
/// "=XX" (upper-case hex); a space or tab that ends a line is =20 / =09. Ends in CRLF only when `text` ends with
/// a line break.
std::string QuotedPrintableEncode(std::string_view text);

/// Decodes quoted-printable leniently (RFC 2045 §6.7 asks decoders to be robust): soft breaks (= CRLF, = LF)
/// vanish, =XX in either case is decoded, an '=' that starts no valid escape is kept as it is, and whitespace
/// at the end of a line is dropped. Hard line breaks are kept as they come (CRLF or LF).
std::string QuotedPrintableDecode(std::string_view encoded);

/// Header text (Subject, a display name) ready to follow "Name: ", where `used` characters are already on the
/// line. Printable ASCII stays as it is, folded at spaces (lines ≤ 78). Anything else becomes RFC 2047 encoded
/// words "=?UTF-8?B?...?=" of whole characters, joined by CRLF SP, no line longer than 76 characters.
std::string EncodeHeaderText(std::string_view utf8, std::size_t used);

/// RFC 2047 decoding of header text: unfolds, decodes B and Q encoded words (UTF-8 and US-ASCII as they are,
/// ISO-8859-1 converted to UTF-8, other charsets passed as their bytes) and drops the whitespace between two
/// adjacent encoded words. A malformed encoded word stays as it is.
std::string DecodeHeaderText(std::string_view text);

/// RFC 5321 §4.5.2 transparency: a line (CRLF-terminated) that starts with '.' gets a second '.'.
std::string DotStuff(std::string_view message);
/// The receiver's side: one leading '.' is removed from every line that starts with '.'.
std::string DotUnstuff(std::string_view message);

/// The whole message: headers and the quoted-printable body, CRLF line ends, ending in CRLF, not dot-stuffed.
/// `message_id` is the header value ("<...@...>"); `unix_ms` is the Date (UTC). Does not validate `mail`.
std::string ComposeMessage(const Mail& mail, std::string_view from_address, std::string_view message_id,
                           std::int64_t unix_ms);

/// The local SMTP server. Runs on its own thread (its own one-thread IoPool), with an HTTP API on a second port.
/// Thread-safe.
///
/// SMTP: 220 greeting; EHLO (250-AUTH PLAIN, 250 SIZE 1048576), HELO, AUTH PLAIN (any credentials when no
/// username is configured; otherwise they must match and MAIL needs it: 530), MAIL (SIZE= honoured), RCPT (at
/// most 100: 452), DATA (dot-unstuffed; over 1 MiB: 552), RSET, NOOP, QUIT; 500 for an unknown command, 503 for
/// one out of order, 501 for bad arguments; idle connections are closed after 60 s.
///
/// HTTP (no authentication: bind it to loopback):
///   GET    /v1/messages?to=addr   {"items":[{id,from,to:[...],subject,text,received_at}]}, oldest first
///   DELETE /v1/messages           forgets everything: {"deleted":n}
///   POST   /v1/sandbox/fail       {"count":N}: the next N MAIL FROM commands answer 451
///   GET    /healthz
/// Keeps the last 10,000 messages. Never logs addresses, subjects or texts.
class Sink {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t smtp_port = 0;  ///< 0 = any free port
    std::uint16_t http_port = 0;  ///< 0 = any free port
    std::string username;         ///< empty = AUTH optional, any credentials accepted
    std::string password;
  };
  struct Stored {
    std::string id;               ///< the Message-ID header as sent ("<...>"), or one the sink made up
    std::string from;             ///< the envelope sender (MAIL FROM), possibly empty
    std::string from_name;        ///< the From header's display name, RFC 2047-decoded
    std::vector<std::string> to;  ///< the envelope recipients (RCPT TO)
    std::string subject;          ///< RFC 2047-decoded
    std::string text;  ///< the body decoded per Content-Transfer-Encoding, line breaks as \n, without the line
                       ///< break that ends the message (it belongs to the transport: ComposeMessage adds one)
    std::string raw;   ///< the message as received (dot-unstuffed, CRLF line ends)
    std::int64_t received_ms = 0;  ///< Unix time in milliseconds (wall clock)
  };
  /// Listening on both ports when it returns. Throws std::invalid_argument when `host` is not an IP address,
  /// std::system_error if it cannot bind.
  explicit Sink(Options options);
  /// Closes every SMTP connection, stops the HTTP server (requests in flight finish, up to 2 s) and the thread.
  ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  std::uint16_t smtp_port() const;
  std::uint16_t http_port() const;
  /// Messages received so far, oldest first; `to` (compared without regard to case) keeps those with that
  /// recipient.
  std::vector<Stored> Messages(std::string_view to = {}) const;
  /// Forgets every message.
  void Clear();
  /// The next `count` MAIL FROM commands answer 451 (tests of the mailer's failure handling).
  void FailNext(int count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::email
