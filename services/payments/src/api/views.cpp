#include "api/views.hpp"

#include "okada/core/http/paging.hpp"

namespace okada::payments::api {

namespace json = boost::json;

namespace {
json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
}  // namespace

http::Response JsonAnswer(const json::value& v, int status) { return http::Response::Json(json::serialize(v), status); }

json::object TransferJson(const pg::Row& t) {
  json::object o;
  o["id"] = t.Get<std::string>("id");
  o["purpose"] = t.Get<std::string>("purpose");
  o["payment_id"] = Opt(t.Get<std::optional<std::string>>("payment_id"));
  o["batch_id"] = Opt(t.Get<std::optional<std::string>>("batch_id"));
  o["party"] = Opt(t.Get<std::optional<std::string>>("party"));
  std::optional<std::string> order = t.Get<std::optional<std::string>>("order_id");
  o["order_id"] = order ? json::value(PublicOrderId(*order)) : json::value(nullptr);
  o["provider"] = t.Get<std::string>("provider");
  o["amount_xaf"] = t.Get<std::int64_t>("amount_xaf");
  o["currency"] = "XAF";
  o["status"] = t.Get<std::string>("status");
  o["delivered"] = t.Get<bool>("delivered");
  o["failure_reason"] = Opt(t.Get<std::optional<std::string>>("failure_reason"));
  o["reason"] = Opt(t.Get<std::optional<std::string>>("reason"));
  o["attempts"] = t.Get<int>("attempts");
  o["created_at"] = t.Get<std::string>("created_at");
  o["updated_at"] = t.Get<std::string>("updated_at");
  o["settled_at"] = Opt(t.Get<std::optional<std::string>>("settled_at"));
  return o;
}

json::object PaymentJson(const PaymentRow& p, const pg::Result* refund) {
  json::object o;
  o["id"] = p.id;
  o["order_id"] = PublicOrderId(p.order_id);
  o["provider"] = p.provider;
  o["amount_xaf"] = p.amount_xaf;
  o["currency"] = p.currency;
  o["status"] = p.status;
  o["failure_reason"] = Opt(p.failure_reason);
  o["provider_transaction"] = Opt(p.provider_transaction);
  o["attempts"] = p.attempts;
  o["created_at"] = p.created_at;
  o["updated_at"] = p.updated_at;
  o["expires_at"] = p.expires_at;
  o["settled_at"] = Opt(p.settled_at);
  o["refund"] = refund && !refund->empty() ? json::value(TransferJson(refund->front())) : json::value(nullptr);
  return o;
}

json::object CallbackAck() {
  json::object o;
  o["received"] = true;
  return o;
}

std::string ClaimedStatus(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const json::object* o = &v.get_object();
  if (const json::value* data = o->if_contains("data"); data && data->is_object()) o = &data->get_object();
  const json::value* st = o->if_contains("status");
  if (st == nullptr || !st->is_string()) return {};
  std::string s(st->get_string());
  if (s == "SUCCESSFUL" || s == "SUCCESSFULL" || s == "SUCCESS") return "succeeded";
  if (s == "FAILED" || s == "CANCELLED" || s == "EXPIRED" || s == "REJECTED") return "failed";
  return "pending";
}

std::optional<std::string> NormalizeMsisdn(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != ' ' && c != '+' && c != '-' && c != '.')
      return std::nullopt;
  }
  if (digits.size() == 12 && digits.rfind("237", 0) == 0) digits = digits.substr(3);
  if (digits.size() != 9 || digits[0] != '6') return std::nullopt;
  return "237" + digits;
}

bool IsUuid(std::string_view s) { return paging::IsUuid(s); }

}  // namespace okada::payments::api
