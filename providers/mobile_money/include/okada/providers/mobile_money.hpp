#pragma once
/// Mobile-money providers behind one interface (CAMEROON.md), each adapter speaking the provider's real HTTP
/// protocol, and the local sandbox that plays either provider in development and tests.
///
/// MTN MoMo Open API (`MakeMomo`):
///   Collections    POST /collection/token/                  Basic base64(api_user:api_key) → {access_token,…}
///                  POST /collection/v1_0/requesttopay       Bearer, X-Reference-Id (UUID v4, reused on every retry:
///                       {amount:"5000",currency,externalId,  it becomes the resource id), X-Target-Environment,
///                        payer:{partyIdType:"MSISDN",partyId}, X-Callback-Url, Ocp-Apim-Subscription-Key → 202;
///                        payerMessage,payeeNote}             the same reference again → 409 RESOURCE_ALREADY_EXIST
///                  GET  /collection/v1_0/requesttopay/{ref} → 200 {status PENDING|SUCCESSFUL|FAILED, amount,
///                       currency, financialTransactionId, externalId, reason}
///                  callback: PUT to X-Callback-Url with the same body as the status (unsigned: a hint only)
///   Disbursements  POST /disbursement/token/, POST /disbursement/v1_0/transfer ({…, payee:{…}}),
///                  GET /disbursement/v1_0/transfer/{ref}; same rules.
/// Orange Money Cameroon merchant payment (`MakeOrange`):
///   POST /token (Basic base64(client_id:client_secret), grant_type=client_credentials) → {access_token,…}
///   POST /omcoreapis/1.0.2/mp/init      Bearer + X-AUTH-TOKEN → {data:{payToken}}
///   POST /omcoreapis/1.0.2/mp/pay       {notifUrl, channelUserMsisdn, amount, subscriberMsisdn, pin, orderId,
///                                        description, payToken} → {data:{status:"PENDING",…}}
///   GET  /omcoreapis/1.0.2/mp/paymentstatus/{payToken} → {data:{status, amount, txnid, orderId,…}}; statuses
///        parsed leniently (SUCCESSFULL and SUCCESSFUL, FAILED, CANCELLED, EXPIRED, PENDING, INITIATED)
///   notification: POST to notifUrl {payToken, status, …} (a hint only). No transfers (payouts go through MoMo).
///
/// Every call: the caller's deadline capped by the adapter's timeout; a circuit breaker per provider and I/O
/// shard (5xx, timeouts and unreachable count against it; a refusal of one request does not); access tokens
/// cached until shortly before they expire and fetched again once on a 401. Nothing here retries: the payments
/// service decides what is safe to repeat (a request with the same reference is). Failures throw
/// okada::Error(kPaymentProviderUnavailable) (503) or, when the provider refused this request (4xx),
/// okada::Error(kPaymentRefused) (422); details never carry phone numbers or secrets.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/resilience/circuit_breaker.hpp"

namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::mobile_money {

/// What the provider says about one collection or transfer.
enum class State { kPending, kSucceeded, kFailed };
std::string_view StateName(State s);  ///< "pending" | "succeeded" | "failed"

struct Request {
  std::string reference;    ///< from Prepare(): MoMo's X-Reference-Id, Orange's payToken
  std::string msisdn;       ///< the payer (collections) or payee (transfers): 237 + 9 digits, no '+'
  std::int64_t amount = 0;  ///< XAF, whole francs
  std::string currency = "XAF";
  std::string external_id;   ///< ours (the payment or payout id); MoMo externalId, Orange orderId
  std::string callback_url;  ///< carries the per-payment token; empty = no callback asked for
  std::string message;       ///< shown to the payer (payerMessage / description); no personal data
};

struct Observed {
  State state = State::kPending;
  std::int64_t amount = 0;           ///< as the provider reports it (0 if absent or unparsable)
  std::string currency;              ///< as reported (empty if absent)
  std::string provider_transaction;  ///< financialTransactionId / txnid, when settled
  std::string reason;                ///< the provider's reason for a failure, when given (a code, no free text)
  std::string external_id;           ///< as reported
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;  ///< "momo" | "orange_money"

  /// The reference to store with the payment *before* asking the payer, so every retry reuses it.
  /// MoMo: a fresh UUID v4 (no call). Orange: mp/init → payToken (one call).
  virtual boost::asio::awaitable<std::string> Prepare(Deadline deadline) = 0;
  /// Asks the payer to approve. Safe to repeat with the same reference: a provider that already has it
  /// (MoMo 409 RESOURCE_ALREADY_EXIST) counts as accepted.
  virtual boost::asio::awaitable<void> Collect(Request request, Deadline deadline) = 0;
  virtual boost::asio::awaitable<Observed> CollectionStatus(std::string reference, Deadline deadline) = 0;

  /// Payouts and refunds (MoMo Disbursements). Providers without transfers throw kPaymentRefused.
  virtual bool CanTransfer() const = 0;
  virtual boost::asio::awaitable<std::string> PrepareTransfer(Deadline deadline) = 0;
  virtual boost::asio::awaitable<void> Transfer(Request request, Deadline deadline) = 0;
  virtual boost::asio::awaitable<Observed> TransferStatus(std::string reference, Deadline deadline) = 0;
};

struct MomoOptions {
  std::string base_url;  ///< e.g. http://127.0.0.1:58030 (sandbox) or https://proxy.momoapi.mtn.com
  std::string api_user;  ///< the API user (a UUID)
  std::string api_key;
  std::string collection_key;                  ///< Ocp-Apim-Subscription-Key of the Collections product
  std::string disbursement_key;                ///< … of the Disbursements product
  std::string target_environment = "sandbox";  ///< "mtncameroon" in production
  std::chrono::milliseconds timeout{10000};
  resilience::BreakerOptions breaker;  ///< per I/O shard
};
std::unique_ptr<Provider> MakeMomo(IoPool& io, MomoOptions options, Metrics* metrics = nullptr);

struct OrangeOptions {
  std::string base_url;   ///< e.g. http://127.0.0.1:58031 (sandbox) or the operator's API host
  std::string client_id;  ///< Basic credentials of /token
  std::string client_secret;
  std::string auth_token;      ///< X-AUTH-TOKEN
  std::string channel_msisdn;  ///< the merchant's channel number (channelUserMsisdn)
  std::string pin;             ///< the channel PIN
  std::chrono::milliseconds timeout{10000};
  resilience::BreakerOptions breaker;  ///< per I/O shard
};
std::unique_ptr<Provider> MakeOrange(IoPool& io, OrangeOptions options, Metrics* metrics = nullptr);

/// Standard base64 with padding (RFC 4648 §4), for HTTP Basic credentials.
std::string Base64(std::string_view bytes);

/// A local stand-in for MoMo or Orange Money: their HTTP APIs (as above) on localhost, on its own thread, with
/// outcomes programmable per payer number, and a statement of settled transactions.
///
/// Sandbox routes, besides the provider's own (no credentials needed; localhost only):
///   POST   /sandbox/payers     {"msisdn":"2376…","outcome":"approve|decline|never|error","after_ms":N,
///                               "slow_ms":N,"callback":"normal|none|duplicate|late","late_ms":N} → 200
///   DELETE /sandbox/payers     forget every programmed payer
///   GET    /sandbox/statement  {"items":[{kind,reference,external_id,msisdn,amount,currency,
///                               financial_transaction_id,settled_at}]}: settled (successful) transactions
///   POST   /sandbox/statement/tamper  {"drop":REF} | {"amount":{"reference":REF,"value":N}} |
///                               {"add":{"external_id","amount","msisdn"}}: mismatches for reconciliation tests
///   GET    /sandbox/callbacks  {"sent":N}: callbacks (and notifications) sent so far
///   GET    /healthz
/// Outcomes: approve/decline settle `after_ms` after the request (default 1000); never stays pending; error
/// answers 500 to the request and status calls. slow_ms delays every answer about that payer. Callbacks go
/// once at settlement (normal), not at all (none), twice (duplicate) or late_ms after settlement (late).
/// Unprogrammed payers: approve after Options::default_after.
class Sandbox {
 public:
  enum class Kind { kMomo, kOrange };
  struct Options {
    Kind kind = Kind::kMomo;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = any free port
    std::string user;        ///< MoMo api_user / Orange client_id
    std::string secret;      ///< MoMo api_key / Orange client_secret
    std::string key;         ///< MoMo subscription key (both products) / Orange X-AUTH-TOKEN
    std::chrono::milliseconds default_after{1000};
    std::chrono::seconds token_ttl{3600};
  };
  struct Programme {
    std::string outcome = "approve";  ///< approve | decline | never | error
    std::chrono::milliseconds after{1000};
    std::chrono::milliseconds slow{0};
    std::string callback = "normal";  ///< normal | none | duplicate | late
    std::chrono::milliseconds late{0};
  };
  /// Listening when it returns. Throws std::invalid_argument for missing credentials, std::system_error if it
  /// cannot bind.
  explicit Sandbox(Options options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::uint16_t port() const;
  void Program(const std::string& msisdn, Programme programme);
  int callbacks_sent() const;
  /// Tokens issued so far (tests of the adapters' token cache).
  int tokens_issued() const;
  /// Forgets issued tokens: the next call with an old token gets 401.
  void RevokeTokens();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okada::mobile_money
