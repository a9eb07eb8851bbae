#pragma once
/// JSON views and small parsers of the payments API (plain functions: GCC 12 mishandles JSON building inside
/// coroutine bodies).
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/api.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::payments::api {

http::Response JsonAnswer(const boost::json::value& v, int status);
/// A payment for its payer or support: never the payer's number, only its last two digits.
boost::json::object PaymentJson(const PaymentRow& p, const pg::Result* refund);
boost::json::object TransferJson(const pg::Row& t);
boost::json::object CallbackAck();
/// What a callback body claims, for the log only: "succeeded" | "failed" | "pending" | "" (never believed).
std::string ClaimedStatus(const std::string& body);
/// "+237 6 70 00 00 01", "670000001", "237670000001" → "237670000001"; nullopt when not a Cameroon mobile number.
std::optional<std::string> NormalizeMsisdn(std::string_view text);
bool IsUuid(std::string_view s);

}  // namespace okada::payments::api
