// MTN MoMo Open API adapter: Collections (request to pay) and Disbursements (transfers), protocol in
// mobile_money.hpp. The X-Reference-Id is made by Prepare() and stored by the caller before any request, so a
// retry after a lost answer re-sends the same id and MoMo's 409 RESOURCE_ALREADY_EXIST means "you already asked".

#include <boost/json.hpp>

#include "caller.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"

namespace okada::mobile_money {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::Answer;
using detail::Str;

enum Scope { kCollection = 0, kDisbursement = 1 };

// MoMo wants a UUID v4 as the reference.
std::string UuidV4() {
  std::string b = crypto::RandomBytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0F) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[(static_cast<unsigned char>(b[i]) >> 4) & 15];
    out += kHex[static_cast<unsigned char>(b[i]) & 15];
  }
  return out;
}

Observed FromStatus(const json::object& o) {
  Observed r;
  std::string status = Str(o, "status");
  if (status == "SUCCESSFUL")
    r.state = State::kSucceeded;
  else if (status == "FAILED" || status == "REJECTED" || status == "TIMEOUT" || status == "EXPIRED")
    r.state = State::kFailed;
  else
    r.state = State::kPending;  // PENDING, CREATED, ONGOING and anything new: not settled
  r.amount = detail::Amount(o, "amount");
  r.currency = detail::Code(Str(o, "currency"));
  r.provider_transaction = detail::Code(Str(o, "financialTransactionId"));
  r.reason = detail::Code(Str(o, "reason"));
  if (r.reason.empty())
    if (const json::value* reason = o.if_contains("reason"); reason != nullptr && reason->is_object())
      r.reason = detail::Code(Str(reason->as_object(), "code"));
  r.external_id = detail::Code(Str(o, "externalId"));
  return r;
}

class Momo final : public Provider {
 public:
  Momo(IoPool& io, MomoOptions o, Metrics* metrics)
      : options_(std::move(o)), caller_(io, "momo", options_.timeout, options_.breaker, metrics) {}

  std::string_view name() const override { return "momo"; }
  bool CanTransfer() const override { return true; }

  asio::awaitable<std::string> Prepare(Deadline) override { co_return UuidV4(); }
  asio::awaitable<std::string> PrepareTransfer(Deadline) override { co_return UuidV4(); }

  asio::awaitable<void> Collect(Request request, Deadline deadline) override {
    co_await Start(kCollection, std::move(request), deadline);
  }
  asio::awaitable<void> Transfer(Request request, Deadline deadline) override {
    co_await Start(kDisbursement, std::move(request), deadline);
  }
  asio::awaitable<Observed> CollectionStatus(std::string reference, Deadline deadline) override {
    co_return co_await Status(kCollection, std::move(reference), deadline);
  }
  asio::awaitable<Observed> TransferStatus(std::string reference, Deadline deadline) override {
    co_return co_await Status(kDisbursement, std::move(reference), deadline);
  }

 private:
  std::string Product(int scope) const { return scope == kCollection ? "collection" : "disbursement"; }
  const std::string& Key(int scope) const {
    return scope == kCollection ? options_.collection_key : options_.disbursement_key;
  }

  detail::TokenRequest Fetch(int scope) const {
    return [this, scope] {
      http::ClientRequest r;
      r.method = http::Method::kPost;
      r.url = detail::Join(options_.base_url, "/" + Product(scope) + "/token/");
      r.headers.emplace_back("Authorization", "Basic " + Base64(options_.api_user + ":" + options_.api_key));
      r.headers.emplace_back("Ocp-Apim-Subscription-Key", Key(scope));
      return r;
    };
  }

  asio::awaitable<void> Start(int scope, Request in, Deadline deadline) {
    if (!detail::IsUuid(in.reference)) throw Error(ErrorCode::kInternal, "momo: the reference must be a UUID");
    json::object body;
    body["amount"] = std::to_string(in.amount);
    body["currency"] = in.currency;
    body["externalId"] = in.external_id;
    json::object party;
    party["partyIdType"] = "MSISDN";
    party["partyId"] = in.msisdn;
    body[scope == kCollection ? "payer" : "payee"] = std::move(party);
    body["payerMessage"] = in.message;
    body["payeeNote"] = in.message;
    http::ClientRequest r;
    r.method = http::Method::kPost;
    r.url = detail::Join(options_.base_url,
                         scope == kCollection ? "/collection/v1_0/requesttopay" : "/disbursement/v1_0/transfer");
    r.headers.emplace_back("X-Reference-Id", in.reference);
    r.headers.emplace_back("X-Target-Environment", options_.target_environment);
    r.headers.emplace_back("Ocp-Apim-Subscription-Key", Key(scope));
    r.headers.emplace_back("Content-Type", "application/json");
    if (!in.callback_url.empty()) r.headers.emplace_back("X-Callback-Url", in.callback_url);
    r.body = json::serialize(body);
    Answer a = co_await caller_.Call(scope, Fetch(scope), std::move(r), deadline);
    if (a.status == 202 || a.status == 200 || a.status == 201) co_return;
    // The same X-Reference-Id was already accepted: a retry of a request whose answer was lost.
    if (a.status == 409) co_return;
    detail::Refused("momo", scope == kCollection ? "the request to pay" : "the transfer", a);
  }

  asio::awaitable<Observed> Status(int scope, std::string reference, Deadline deadline) {
    if (!detail::IsUuid(reference)) throw Error(ErrorCode::kInternal, "momo: the reference must be a UUID");
    http::ClientRequest r;
    r.method = http::Method::kGet;
    r.url = detail::Join(options_.base_url, scope == kCollection ? "/collection/v1_0/requesttopay/" + reference
                                                                 : "/disbursement/v1_0/transfer/" + reference);
    r.headers.emplace_back("X-Target-Environment", options_.target_environment);
    r.headers.emplace_back("Ocp-Apim-Subscription-Key", Key(scope));
    Answer a = co_await caller_.Call(scope, Fetch(scope), std::move(r), deadline);
    if (a.status == 404) detail::Refused("momo", "the status call (unknown reference)", a);
    if (a.status != 200) detail::Refused("momo", "the status call", a);
    auto o = detail::ParseObject(a.body);
    if (!o) caller_.BadAnswer("the status call");
    co_return FromStatus(*o);
  }

  MomoOptions options_;
  detail::Caller caller_;
};

}  // namespace

std::unique_ptr<Provider> MakeMomo(IoPool& io, MomoOptions options, Metrics* metrics) {
  return std::make_unique<Momo>(io, std::move(options), metrics);
}

}  // namespace okada::mobile_money
