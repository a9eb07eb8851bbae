// Orange Money Cameroon merchant-payment adapter (protocol in mobile_money.hpp): token, mp/init → payToken
// (Prepare), mp/pay (Collect), mp/paymentstatus (CollectionStatus). The payToken is stored by the caller before
// mp/pay, so a retry pays the same token. Status values are parsed leniently (CAMEROON.md: partly unverified).
// Orange has no transfers here: payouts and refunds to Orange wallets go through another rail.

#include <boost/json.hpp>

#include "caller.hpp"
#include "okada/core/errors.hpp"

namespace okada::mobile_money {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::Answer;
using detail::Str;

constexpr const char* kApi = "/omcoreapis/1.0.2";

// Orange answers {"message": "...", "data": {...}}; some versions put the fields at the top level.
json::object Data(const json::object& o) {
  if (const json::value* d = o.if_contains("data"); d != nullptr && d->is_object()) return d->as_object();
  return o;
}

bool IsPayToken(std::string_view s) { return !detail::Code(s).empty() && s.size() >= 8; }

State Parse(std::string status) {
  for (char& c : status) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (status == "SUCCESSFULL" || status == "SUCCESSFUL" || status == "SUCCESS") return State::kSucceeded;
  if (status == "FAILED" || status == "CANCELLED" || status == "CANCELED" || status == "EXPIRED" ||
      status == "REJECTED")
    return State::kFailed;
  return State::kPending;  // PENDING, INITIATED and anything new: not settled
}

class Orange final : public Provider {
 public:
  Orange(IoPool& io, OrangeOptions o, Metrics* metrics)
      : options_(std::move(o)), caller_(io, "orange_money", options_.timeout, options_.breaker, metrics) {}

  std::string_view name() const override { return "orange_money"; }
  bool CanTransfer() const override { return false; }

  asio::awaitable<std::string> Prepare(Deadline deadline) override {
    http::ClientRequest r = Base(http::Method::kPost, std::string(kApi) + "/mp/init");
    Answer a = co_await caller_.Call(0, Fetch(), std::move(r), deadline);
    if (a.status != 200 && a.status != 201) detail::Refused("orange_money", "mp/init", a);
    auto o = detail::ParseObject(a.body);
    std::string token = o ? Str(Data(*o), "payToken") : std::string();
    if (!IsPayToken(token)) caller_.BadAnswer("mp/init");
    co_return token;
  }

  asio::awaitable<void> Collect(Request in, Deadline deadline) override {
    if (!IsPayToken(in.reference)) throw Error(ErrorCode::kInternal, "orange_money: the reference must be a payToken");
    json::object body;
    body["notifUrl"] = in.callback_url;
    body["channelUserMsisdn"] = options_.channel_msisdn;
    body["amount"] = std::to_string(in.amount);
    body["subscriberMsisdn"] = in.msisdn;
    body["pin"] = options_.pin;
    body["orderId"] = in.external_id;
    body["description"] = in.message;
    body["payToken"] = in.reference;
    http::ClientRequest r = Base(http::Method::kPost, std::string(kApi) + "/mp/pay");
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(body);
    Answer a = co_await caller_.Call(0, Fetch(), std::move(r), deadline);
    if (a.status == 200 || a.status == 201 || a.status == 202) co_return;
    // Paying a token that is already being paid: the earlier attempt went through.
    if (a.status == 409) co_return;
    detail::Refused("orange_money", "mp/pay", a);
  }

  asio::awaitable<Observed> CollectionStatus(std::string reference, Deadline deadline) override {
    if (!IsPayToken(reference)) throw Error(ErrorCode::kInternal, "orange_money: the reference must be a payToken");
    http::ClientRequest r = Base(http::Method::kGet, std::string(kApi) + "/mp/paymentstatus/" + reference);
    Answer a = co_await caller_.Call(0, Fetch(), std::move(r), deadline);
    if (a.status != 200) detail::Refused("orange_money", "mp/paymentstatus", a);
    auto o = detail::ParseObject(a.body);
    if (!o) caller_.BadAnswer("mp/paymentstatus");
    json::object d = Data(*o);
    Observed out;
    out.state = Parse(Str(d, "status"));
    out.amount = detail::Amount(d, "amount");
    out.currency = "XAF";  // Orange Money Cameroon moves XAF only; the answer carries no currency
    out.provider_transaction = detail::Code(Str(d, "txnid"));
    out.reason = detail::Code(Str(d, "confirmtxnmessage"));
    out.external_id = detail::Code(Str(d, "orderId"));
    co_return out;
  }

  asio::awaitable<std::string> PrepareTransfer(Deadline) override { NoTransfers(); }
  asio::awaitable<void> Transfer(Request, Deadline) override { NoTransfers(); }
  asio::awaitable<Observed> TransferStatus(std::string, Deadline) override { NoTransfers(); }

 private:
  [[noreturn]] static void NoTransfers() {
    throw Error(ErrorCode::kPaymentRefused, "orange_money: transfers are not supported; pay out through MoMo");
  }

  http::ClientRequest Base(http::Method method, const std::string& path) const {
    http::ClientRequest r;
    r.method = method;
    r.url = detail::Join(options_.base_url, path);
    r.headers.emplace_back("X-AUTH-TOKEN", options_.auth_token);
    return r;
  }

  detail::TokenRequest Fetch() const {
    return [this] {
      http::ClientRequest r;
      r.method = http::Method::kPost;
      r.url = detail::Join(options_.base_url, "/token");
      r.headers.emplace_back("Authorization", "Basic " + Base64(options_.client_id + ":" + options_.client_secret));
      r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      r.body = "grant_type=client_credentials";
      return r;
    };
  }

  OrangeOptions options_;
  detail::Caller caller_;
};

}  // namespace

std::unique_ptr<Provider> MakeOrange(IoPool& io, OrangeOptions options, Metrics* metrics) {
  return std::make_unique<Orange>(io, std::move(options), metrics);
}

}  // namespace okada::mobile_money
