#pragma once
/// Web Push (RFC 8030) to browsers: message encryption (RFC 8291 over the RFC 8188 "aes128gcm" content coding),
/// VAPID application-server identification (RFC 8292), the HTTP sender adapter and a local push service.
///
/// A browser subscribes with the application server's VAPID public key and hands us a PushSubscription:
///   {"endpoint":"https://push.example/...","keys":{"p256dh":"<65-byte P-256 point, b64url>","auth":"<16 bytes>"}}
/// To notify it we POST the encrypted message to the endpoint (the endpoint URL itself is a capability: whoever
/// knows it can push, so it is treated as a secret and never logged):
///
///   POST <endpoint>
///   TTL: 86400                      seconds the push service may keep the message while the browser is away
///   Urgency: normal                 very-low | low | normal | high (RFC 8030 §5.3)
///   Topic: order-42                 optional; a newer message with the same topic replaces a pending one
///   Content-Encoding: aes128gcm
///   Content-Type: application/octet-stream
///   Authorization: vapid t=<ES256 JWT {"aud":"<endpoint origin>","exp":..,"sub":"mailto:.."}>, k=<public key>
///   <body: salt(16) rs(4, big-endian) idlen(1)=65 keyid(65)=ephemeral public key, then one AES-128-GCM record>
///
///   201 Created (Location: the message resource)  accepted
///   404 / 410                                       the subscription is gone: delete it
///   400 / 401 / 403 / 413                           refused (malformed, bad VAPID, key mismatch, too large)
///   429 / 5xx                                       try again later
///
/// Encryption (RFC 8291 §3.3-3.4): ECDH(ephemeral key, p256dh) → IKM = HKDF-SHA256(salt = auth secret,
/// info = "WebPush: info\0" || ua_public || as_public, 32 bytes); then RFC 8188: PRK = HKDF-Extract(salt, IKM),
/// CEK = 16 bytes of "Content-Encoding: aes128gcm\0", NONCE = 12 bytes of "Content-Encoding: nonce\0"; the single
/// record is AES-128-GCM(plaintext || 0x02). Push services need only accept 4096-byte bodies, hence at most 3993
/// bytes of plaintext (4096 − 86 header − 16 tag − 1 delimiter).
///
/// `Sandbox` is the local push service (`okada sandbox push`, and in-process in tests): it plays the browser too
/// (it holds each subscription's private key and decrypts what it receives) and lets tests read the messages.
///
/// Personal data: payloads travel encrypted in bodies only; endpoints (capability URLs) are never logged nor put
/// in error details, which name the push service's origin at most.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/crypto/random.hpp"
#include "okada/core/deadline.hpp"

namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::crypto {
class SigningKey;
}

namespace okada::webpush {

// The core's strict base64url (RFC 4648 §5, no padding), as browsers render keys.
using crypto::Base64UrlDecode;
using crypto::Base64UrlEncode;

inline constexpr std::size_t kPublicKeyBytes = 65;   ///< uncompressed P-256 point: 0x04 || X || Y
inline constexpr std::size_t kPrivateKeyBytes = 32;  ///< P-256 scalar, big-endian
inline constexpr std::size_t kAuthSecretBytes = 16;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kHeaderBytes = kSaltBytes + 4 + 1 + kPublicKeyBytes;  ///< 86
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::uint32_t kDefaultRecordSize = 4096;
/// The largest plaintext Encrypt accepts: the whole body then fits in 4096 bytes.
inline constexpr std::size_t kMaxPlaintextBytes = 4096 - kHeaderBytes - kTagBytes - 1;  ///< 3993

/// A browser's PushSubscription. p256dh and auth are base64url as the browser gives them (trailing '=' padding
/// is tolerated).
struct Subscription {
  std::string endpoint;
  std::string p256dh;  ///< 65-byte uncompressed P-256 point
  std::string auth;    ///< 16-byte authentication secret
};

/// A raw P-256 key pair (binary strings).
struct KeyPair {
  std::string private_key;  ///< 32 bytes
  std::string public_key;   ///< 65 bytes, uncompressed
};
/// A fresh random P-256 key pair (the browser's side of a subscription; the sandbox and tests use it).
KeyPair GenerateKeyPair();

/// RFC 8291 encryption with every input given (binary strings): deterministic, for test vectors. Returns the
/// whole body (header then the single record, padding delimiter 0x02, no padding).
/// Throws okada::Error(kPushSubscriptionInvalid) for a ua_public that is not a 65-byte point on P-256 or an
/// auth_secret that is not 16 bytes; okada::Error(kPayloadTooLarge) when the plaintext exceeds
/// kMaxPlaintextBytes or does not fit one record of `record_size`; okada::Error(kInternal) for a bad as_private,
/// salt or record_size (below 18).
std::string EncryptWith(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                        std::string_view as_private, std::string_view salt,
                        std::uint32_t record_size = kDefaultRecordSize);

/// Encrypts `plaintext` for `sub` with a fresh random salt and ephemeral key. Throws
/// okada::Error(kPushSubscriptionInvalid) when p256dh/auth are not base64url of a P-256 point / 16 bytes, and
/// okada::Error(kPayloadTooLarge) above kMaxPlaintextBytes. The endpoint is not looked at.
std::string Encrypt(std::string_view plaintext, const Subscription& sub);

/// The user agent's side: decrypts a body made by Encrypt/EncryptWith (single record, keyid = the sender's
/// 65-byte public key). Throws okada::Error(kBadRequest) for any malformed, truncated, forged or foreign body,
/// okada::Error(kPushSubscriptionInvalid) for malformed ua keys or auth secret (binary strings).
std::string Decrypt(std::string_view body, std::string_view ua_private, std::string_view ua_public,
                    std::string_view auth_secret);

/// The VAPID audience of an endpoint: its origin, "scheme://host[:port]" (lower-case scheme and host, default
/// port omitted). Throws okada::Error(kPushSubscriptionInvalid) for an endpoint that is not an absolute http(s)
/// URL with a host. The detail never contains the endpoint.
std::string Audience(std::string_view endpoint);

/// The application server's VAPID key (ECDSA P-256). Immutable, cheap to copy (shared), thread-safe.
/// A default-constructed key is empty (valid() == false); signing with it throws okada::Error(kInternal).
class VapidKey {
 public:
  VapidKey() = default;
  static VapidKey Generate();
  /// From a PKCS#8 or SEC1 PEM. Throws okada::Error(kInternal) unless it is an unencrypted P-256 private key.
  static VapidKey FromPem(std::string_view pem);
  /// Loads the PEM at `pem_file`, or creates it (a fresh key, mode 0600, directory 0700 if created) when missing.
  /// Two processes racing to create it end with the same key. Throws okada::Error(kInternal) on I/O or key errors.
  static VapidKey LoadOrCreate(const std::filesystem::path& pem_file);

  bool valid() const noexcept { return key_ != nullptr; }
  /// The 65-byte uncompressed public point, base64url (what the browser's applicationServerKey takes).
  std::string PublicKeyB64() const;
  /// The same point, binary.
  const std::string& public_key() const noexcept { return public_raw_; }
  /// PKCS#8 PEM of the private key (secret: wipe with crypto::Wipe when done).
  std::string PrivatePem() const;
  /// Raw 64-byte R||S ES256 signature of `data`.
  std::string SignEs256(std::string_view data) const;

 private:
  explicit VapidKey(std::shared_ptr<const crypto::SigningKey> key);
  std::shared_ptr<const crypto::SigningKey> key_;
  std::string public_raw_;
};

/// RFC 8292 §3: `vapid t=<JWT>, k=<public key b64url>`, the JWT being {"typ":"JWT","alg":"ES256"} .
/// {"aud":audience,"exp":expires_unix,"sub":subject}. Throws okada::Error(kInternal) for an empty key, a subject
/// that is not a mailto: or https: URI, or an audience that is not "http(s)://host[:port]".
std::string VapidAuthorization(const VapidKey& key, std::string_view audience, std::string_view subject,
                               std::int64_t expires_unix);

/// The push service's check of an Authorization header (the sandbox uses it): scheme "vapid", t and k present,
/// k a P-256 point, the JWT's alg ES256 and its signature valid under k, aud == expected_audience, exp after
/// now_unix and at most 24 hours after it, sub (when present) a mailto: or https: URI. On failure returns false
/// and, when `why` is not null, says which check failed (never echoing the token).
bool VerifyVapid(std::string_view authorization_header, std::string_view expected_audience, std::int64_t now_unix,
                 std::string* why = nullptr);

/// How one message is delivered (RFC 8030 §5.2-5.4).
struct MessageOptions {
  std::chrono::seconds ttl{86400};  ///< 0 = deliver now or drop
  std::string urgency = "normal";   ///< very-low | low | normal | high
  std::string topic;                ///< optional; at most 32 base64url characters
};

struct SendResult {
  int status = 0;        ///< the push service's HTTP status
  bool gone = false;     ///< 404/410: the subscription no longer exists; delete it
  std::string location;  ///< the message resource (Location header) when accepted
};

class Sender {
 public:
  virtual ~Sender() = default;
  /// Encrypts `payload` for `subscription` and posts it. Returns normally when the push service accepted it
  /// (2xx) and when the subscription is gone (404/410, `gone` = true: not an error, the caller deletes it).
  /// Throws okada::Error(kPushUnavailable) when the service is unreachable, times out, throttles (429, with
  /// Retry-After when given), answers 5xx, or refuses the request (400/401/403/413 and other statuses: detail
  /// "push service refused: <status>"); a circuit breaker per push-service origin fails fast after repeated
  /// failures. Before any I/O: okada::Error(kPushSubscriptionInvalid) for a malformed subscription,
  /// okada::Error(kPayloadTooLarge) above kMaxPlaintextBytes, okada::Error(kInternal) for a bad urgency/topic.
  /// Error details never contain the endpoint, the keys or the payload.
  virtual boost::asio::awaitable<SendResult> Send(Subscription subscription, std::string payload,
                                                  MessageOptions options, Deadline deadline) = 0;
};

struct SenderOptions {
  VapidKey key;         ///< required
  std::string subject;  ///< "mailto:ops@okada.cm" or "https://okada.cm" (RFC 8292 §2.1), required
  std::chrono::milliseconds timeout{3000};
  std::chrono::seconds vapid_lifetime{12 * 3600};  ///< exp of each JWT (at most 24 h, RFC 8292 §2)
};

/// The HTTP sender; uses the calling shard's keep-alive client and its circuit breakers (one per push-service
/// origin per I/O thread of `io`; a call from any other thread runs on shard 0). Each send's deadline is
/// min(deadline, now + options.timeout). Throws okada::Error(kInternal) for an empty key or a bad subject.
/// `metrics` (optional, must outlive the sender): okada_push_sent_total, okada_push_gone_total,
/// okada_push_failures_total{reason}, okada_push_send_duration_seconds, and the breakers' (upstream="push").
/// Real push services are https: the core HTTP client verifies them against the system's trust store.
/// The sender must outlive its calls; `io` must be started for calls to complete.
std::unique_ptr<Sender> MakeHttpSender(IoPool& io, SenderOptions options, Metrics* metrics = nullptr);

/// The local push service. Runs its own HTTP server on its own thread (its own one-thread IoPool). Thread-safe.
/// Routes:
///   POST   /sandbox/subscriptions        {"applicationServerKey":"<b64url>"} optional → 201 {"id","endpoint",
///                                        "keys":{"p256dh","auth"}}: the sandbox is the browser and keeps the keys
///   POST   /push/{id}                    the push protocol above: 401 bad or missing VAPID (aud must be this
///                                        sandbox's origin), 403 VAPID key other than the subscription's
///                                        applicationServerKey, 400 no `Content-Encoding: aes128gcm` / no or bad
///                                        TTL / bad Urgency or Topic / undecryptable body, 413 body over 4096
///                                        bytes, 410 unknown or deleted id, 503 while FailNext is pending;
///                                        201 + Location when stored
///   GET    /sandbox/subscriptions/{id}/messages   {"items":[{id,text,ttl,urgency,topic,received_at}]}, oldest
///                                        first; 404 unknown id
///   DELETE /sandbox/subscriptions/{id}   204; later pushes answer 410; 404 unknown id
///   POST   /sandbox/fail                 {"count":N}: the next N pushes answer 503
///   GET    /healthz
/// Keeps the last 1,000 messages per subscription and at most 10,000 subscriptions (then 503 on subscribe).
class Sandbox {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = any free port
    /// How senders reach the sandbox, e.g. "http://push-sandbox:8090"; empty = "http://<host>:<port>" (a
    /// wildcard host becomes 127.0.0.1). Endpoints are built on it and VAPID's aud must be its origin.
    std::string public_base_url;
  };
  struct Stored {
    std::string id;  ///< the message id (last segment of its Location)
    std::string text;
    std::int64_t ttl = 0;
    std::string urgency;  ///< "normal" when the request had no Urgency header
    std::string topic;
    std::int64_t received_ms = 0;  ///< Unix time in milliseconds (wall clock)
  };
  struct NewSubscription {
    std::string id;
    Subscription subscription;  ///< endpoint http://.../push/<id>, p256dh and auth base64url
  };

  /// Listening when it returns. Throws std::system_error if it cannot bind.
  explicit Sandbox(Options options);
  Sandbox() : Sandbox(Options{}) {}
  /// Stops the server (requests in flight finish, up to 2 s) and its thread.
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::uint16_t port() const;
  /// "http://127.0.0.1:<port>" (or the public_base_url): the VAPID audience of every endpoint.
  std::string origin() const;

  /// A new subscription, as POST /sandbox/subscriptions makes it. `application_server_key` (base64url, optional)
  /// restricts it to that VAPID key. Throws okada::Error(kUnavailable) when 10,000 subscriptions exist.
  NewSubscription Subscribe(std::string_view application_server_key = {});
  /// Deletes a subscription (later pushes answer 410). False if unknown.
  bool Unsubscribe(std::string_view id);
  /// The messages a subscription received, oldest first (empty for an unknown id).
  std::vector<Stored> Messages(std::string_view id) const;
  /// The next `count` pushes answer 503.
  void FailNext(int count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::webpush
