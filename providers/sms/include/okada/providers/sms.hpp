#pragma once
/// SMS through an HTTP SMS gateway of the common Cameroonian aggregator shape (CAMEROON.md):
///
///   POST {base}/v1/messages   Authorization: Bearer <api key>   Content-Type: application/json
///        {"from":"OKADA","to":["+2376XXXXXXXX"],"text":"...","callback_url":"https://..."}   (callback optional)
///   201  {"id":"msg_...","status":"queued","parts":1,"encoding":"GSM-7"}
///   4xx/5xx problem JSON {"error":"...","message":"..."}
///   Delivery report (by the gateway, to callback_url): POST {"id":"msg_...","status":"delivered"|"failed",...}
///
/// A second provider of the same shape is a configuration change (sms.url, sms.api_key_file, sms.sender).
/// `Sandbox` is the local gateway the project ships (`okada sandbox sms`): it speaks the same protocol, keeps
/// messages in memory and lets tests read them (GET /v1/messages?to=...), and can be told to fail.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"

namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::sms {

struct Message {
  std::string to;    ///< E.164, e.g. +237670000001
  std::string text;  ///< UTF-8
};

struct SendResult {
  std::string id;  ///< the gateway's message id
  int parts = 1;
};

/// GSM-7 (160 characters per single part, 153 per part when concatenated) unless a character outside the
/// GSM 03.38 default alphabet (and its extension table) appears, then UCS-2 (70 / 67).
/// Extension-table characters (€ { } [ ] ~ | ^ \ and form feed) cost 2 septets; in UCS-2, characters outside the
/// BMP (emoji) cost 2 UTF-16 units. French: é è à ù and capital Ç are GSM-7; ê â î ô û ë ç are not.
/// Malformed UTF-8 never throws: it makes the text UCS-2 (each bad byte counts one unit).
struct Encoding {
  bool gsm7 = true;
  int parts = 1;
};
Encoding Measure(std::string_view utf8_text);

class Gateway {
 public:
  virtual ~Gateway() = default;
  /// Sends one message. Throws okada::Error(kSmsUnavailable) when the gateway is unreachable, times out,
  /// refuses the request or answers 5xx (a circuit breaker fails fast after repeated failures). The error's
  /// detail never contains the phone number or the text.
  virtual boost::asio::awaitable<SendResult> Send(Message message, Deadline deadline) = 0;
};

struct HttpGatewayOptions {
  std::string base_url;  ///< e.g. http://127.0.0.1:58025
  std::string api_key;
  std::string sender = "OKADA";
  std::chrono::milliseconds timeout{3000};
  std::string callback_url;  ///< delivery reports; empty = none requested
};

/// The API key of the SMS gateway: `configured` (sms.api_key_file) or `<state_dir>/keys/sms-api.key`, created with a
/// random key on first run (in development the sandbox reads the same file). Trailing newlines are dropped.
std::string LoadApiKey(const std::string& configured, const std::filesystem::path& state_dir);

/// The HTTP adapter; uses the calling shard's keep-alive client and circuit breaker (one per I/O thread of `io`;
/// a call from any other thread runs on shard 0). Each send's deadline is min(deadline, now + options.timeout).
/// `metrics` (optional, must outlive the gateway): okada_sms_sent_total, okada_sms_parts_total,
/// okada_sms_failures_total{reason}, okada_sms_send_duration_seconds, and the breaker's (upstream="sms").
/// The gateway must outlive its calls; `io` must be started for calls to complete.
std::unique_ptr<Gateway> MakeHttpGateway(IoPool& io, HttpGatewayOptions options, Metrics* metrics = nullptr);

/// The local SMS gateway. Runs its own HTTP server on its own thread (its own one-thread IoPool). Thread-safe.
/// Routes (all but /healthz need `Authorization: Bearer <api_key>`, else 401 {"error":"unauthorized"}):
///   POST   /v1/messages        201 {"id","status":"queued","parts","encoding"}; 400 {"error":"invalid_request",
///                              "message"}; 503 {"error":"unavailable"} while FailNext is pending; a callback_url
///                              gets {"id","status":"delivered","to"} per recipient (asynchronous, best effort)
///   GET    /v1/messages?to=+2376...   {"items":[{id,from,to,text,parts,encoding,received_at}]}, oldest first
///   DELETE /v1/messages        forgets everything
///   POST   /v1/sandbox/fail    {"count":N}: the next N sends answer 503
///   GET    /healthz
/// Keeps the last 10,000 messages (one per recipient). Never logs numbers or texts.
class Sandbox {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = any free port
    std::string api_key;     ///< required bearer token
  };
  struct Stored {
    std::string id;
    std::string from;
    std::string to;
    std::string text;
    int parts = 1;
    std::string encoding;
    std::int64_t received_ms = 0;  ///< Unix time in milliseconds (wall clock)
  };
  /// Listening when it returns. Throws std::invalid_argument for an empty api_key, std::system_error if it
  /// cannot bind.
  explicit Sandbox(Options options);
  /// Stops the server (requests in flight finish, up to 2 s) and its thread.
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::uint16_t port() const;
  /// Messages received so far, oldest first; `to` filters by recipient (E.164) when non-empty.
  std::vector<Stored> Messages(std::string_view to = {}) const;
  /// The next `count` sends answer 503 (tests of the adapter's failure handling).
  void FailNext(int count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::sms
