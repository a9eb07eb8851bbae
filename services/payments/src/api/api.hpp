#pragma once
/// The payments service's HTTP layer and the operations its jobs and event handlers share with it. Every route
/// here is a row of api/routes.inc with service "payments"; the gateway checks the role column first, the
/// handlers check ownership (a customer sees only her payments, a merchant owner only her merchant's accounts,
/// a rider only his own).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "api/state.hpp"
#include "events/events.hpp"
#include "okada/core/http/router.hpp"

namespace okada::payments {

namespace api {
void AddPaymentRoutes(http::Router& router, StatePtr s);         // payments.cpp (pay, read, callbacks, refund)
void AddLedgerRoutes(http::Router& router, StatePtr s);          // ledger.cpp (statements, drop-offs, cash)
void AddPayoutRoutes(http::Router& router, StatePtr s);          // payouts.cpp
void AddReconciliationRoutes(http::Router& router, StatePtr s);  // reconciliation.cpp
}  // namespace api

/// A payment as loaded from the store.
struct PaymentRow {
  std::string id, order_id, customer_id, merchant_id, provider, payer_enc;
  std::int64_t items_xaf = 0, delivery_fee_xaf = 0, amount_xaf = 0;
  std::string currency, status;
  std::optional<std::string> reference, provider_transaction, failure_reason;
  int attempts = 0, checks = 0;
  bool order_synced = false;
  std::string created_at, updated_at, expires_at;
  std::optional<std::string> settled_at;
};
PaymentRow ToPayment(const pg::Row& row);
boost::asio::awaitable<std::optional<PaymentRow>> LoadPayment(pg::Database& db, Deadline d, std::string id);

/// "ord_" + hex ↔ UUID (the orders service's format).
inline std::string PublicOrderId(std::string_view uuid) { return orders::PublicId(uuid); }
inline std::optional<std::string> OrderUuid(std::string_view public_id) { return orders::UuidOf(public_id); }

/// Sealed payer and payee numbers (keyring; the payment or party id as associated data).
std::string SealNumber(const State& s, std::string_view owner_id, std::string_view msisdn);
std::string OpenNumber(const State& s, std::string_view owner_id, std::string_view sealed);

/// When to look again after `looks` looks (full jitter, payments.poll_first_ms backing off to poll_max_ms), in ms;
/// an expired payment, only watched for a late approval, far less often (poll_max_ms to 8 × poll_max_ms).
double LaterMs(const State& s, int looks);
double LateLookMs(const State& s, int looks);

/// What the payment.* events say about a payment.
events::PaymentFacts FactsOf(const PaymentRow& p);

/// The deadline of a provider call made under `d`: three quarters of what is left, so that a provider that hangs
/// leaves time to record the attempt (and answer the customer 202; the worker asks again) instead of a 503.
Deadline ProviderDeadline(Deadline d);

/// The provider, or 503 PAYMENT_PROVIDER_UNAVAILABLE when this process has none configured by that name.
mobile_money::Provider& ProviderOf(const State& s, const std::string& name);

/// Asks the payer (again) for an open payment: reference first (stored before the request), then the
/// collection request (same reference on every retry). A provider that is down leaves the payment for the
/// worker (backoff); a refusal fails it. Never inside a transaction.
boost::asio::awaitable<void> RequestCollection(StatePtr s, PaymentRow p, Deadline d);
/// Asks the provider where a payment stands and records the answer (credit only on a confirmed amount and
/// currency). Returns the payment as it now is. A provider that is down changes nothing.
boost::asio::awaitable<PaymentRow> LookAndSettle(StatePtr s, PaymentRow p, Deadline d);
/// Makes the order follow a settled payment (confirmed | payment_failed | expired); a payment captured for an
/// order that can no longer be confirmed is refunded. Idempotent; the worker retries until it holds.
boost::asio::awaitable<void> SyncOrder(StatePtr s, std::string payment_id, Deadline d);
/// Creates the refund of a succeeded payment (once per payment) in `tx`. Returns its id (the existing one when
/// there is one already).
boost::asio::awaitable<std::string> CreateRefund(StatePtr s, pg::Transaction& tx, const PaymentRow& p, bool delivered,
                                                 std::string reason, std::string requested_by);
/// Sends or checks one transfer (refund or payout) and books its outcome.
boost::asio::awaitable<void> AdvanceTransfer(StatePtr s, std::string transfer_id, Deadline d);

/// The order's money as the ledger splits it.
domain::OrderMoney MoneyOf(const State& s, const std::string& order_uuid, const std::string& merchant_id,
                           std::int64_t items, std::int64_t fee);

}  // namespace okada::payments
