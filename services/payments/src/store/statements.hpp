#pragma once
/// Every SQL statement of the payments service (schema `payments`) but the ledger's own (store/ledger.cpp).
/// Parameters are always bound.
#include "okada/core/http/paging.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::payments::store {

#define OKADA_PAYMENT_COLUMNS \
  "id::text AS id, order_id::text AS order_id, customer_id::text AS customer_id, merchant_id::text AS merchant_id, " \
  "provider, payer_enc, items_xaf, delivery_fee_xaf, amount_xaf, currency, status, reference, provider_transaction, " \
  "failure_reason, attempts, checks, order_synced, " OKADA_SQL_TS("created_at") " AS created_at, " OKADA_SQL_TS(      \
      "updated_at") " AS updated_at, " OKADA_SQL_TS("expires_at") " AS expires_at, "                                 \
                    "CASE WHEN settled_at IS NULL THEN NULL ELSE " OKADA_SQL_TS("settled_at") " END AS settled_at"

// --- payments ---
// A new payment for an order (at most one per order: a second request finds the first, see kPaymentOfOrder).
inline const pg::Statement kPaymentInsert{
    "payments.payment_insert",
    "INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, provider, payer_enc, items_xaf, "
    "delivery_fee_xaf, amount_xaf, status, expires_at, next_check_at) VALUES ($1::uuid, $2::uuid, "
    "$3::uuid, $4::uuid, $5, $6, $7, $8, $9, 'intent', $10::timestamptz, now()) ON CONFLICT (order_id) DO NOTHING "
    "RETURNING " OKADA_PAYMENT_COLUMNS};
inline const pg::Statement kPaymentGet{"payments.payment_get",
                                       "SELECT " OKADA_PAYMENT_COLUMNS " FROM payments.payments WHERE id = $1::uuid"};
inline const pg::Statement kPaymentOfOrder{
    "payments.payment_of_order", "SELECT " OKADA_PAYMENT_COLUMNS " FROM payments.payments WHERE order_id = $1::uuid"};
// The provider's reference, stored once (the first request to prepare one wins; later ones reuse it).
inline const pg::Statement kPaymentSetReference{
    "payments.payment_set_reference",
    "UPDATE payments.payments SET reference = $2, updated_at = now() WHERE id = $1::uuid AND reference IS NULL "
    "RETURNING reference"};
// The provider accepted the collection request: pending, first look after $2 ms.
inline const pg::Statement kPaymentRequested{
    "payments.payment_requested",
    "UPDATE payments.payments SET status = CASE WHEN status = 'intent' THEN 'pending' ELSE status END, "
    "attempts = attempts + 1, next_check_at = now() + make_interval(secs => $2 / 1000.0), updated_at = now() "
    "WHERE id = $1::uuid"};
// The request could not be sent (provider down): try again after $2 ms with the same reference.
inline const pg::Statement kPaymentRetryLater{
    "payments.payment_retry_later",
    "UPDATE payments.payments SET attempts = attempts + 1, next_check_at = now() + make_interval(secs => $2 / 1000.0), "
    "updated_at = now() WHERE id = $1::uuid"};
// A status look found it still pending (or could not ask): next look after $2 ms.
inline const pg::Statement kPaymentLookLater{
    "payments.payment_look_later",
    "UPDATE payments.payments SET checks = checks + 1, next_check_at = now() + make_interval(secs => $2 / 1000.0) "
    "WHERE id = $1::uuid"};
// Settles a payment once: the row is returned only to the transaction that moved it.
inline const pg::Statement kPaymentSucceed{
    "payments.payment_succeed",
    "UPDATE payments.payments SET status = 'succeeded', provider_transaction = $2, settled_at = now(), "
    "updated_at = now(), order_synced = false WHERE id = $1::uuid AND status IN ('intent', 'pending', 'expired') "
    "RETURNING status"};
inline const pg::Statement kPaymentFail{
    "payments.payment_fail",
    "UPDATE payments.payments SET status = 'failed', failure_reason = $2, updated_at = now(), order_synced = false "
    "WHERE id = $1::uuid AND status IN ('intent', 'pending') RETURNING status"};
// A succeeded-but-wrong answer: noted for support, nothing booked; the payment keeps being watched.
inline const pg::Statement kPaymentFlag{
    "payments.payment_flag",
    "UPDATE payments.payments SET failure_reason = $2, checks = checks + 1, updated_at = now(), "
    "next_check_at = now() + make_interval(secs => $3 / 1000.0) WHERE id = $1::uuid"};
// Due for a look: open payments whose next look is due, and expired ones still inside the late window.
inline const pg::Statement kPaymentsDue{
    "payments.payments_due",
    "SELECT id::text, expires_at <= now() FROM payments.payments WHERE next_check_at <= now() AND (status IN "
    "('intent', 'pending') OR "
    "(status = 'expired' AND reference IS NOT NULL AND expires_at > now() - make_interval(secs => $1 / 1000.0))) "
    "ORDER BY next_check_at LIMIT $2"};
inline const pg::Statement kPaymentExpire{
    "payments.payment_expire",
    "UPDATE payments.payments SET status = 'expired', failure_reason = 'timeout', updated_at = now(), "
    "order_synced = false WHERE id = $1::uuid AND status IN ('intent', 'pending') AND expires_at <= now() "
    "RETURNING status"};
inline const pg::Statement kPaymentsUnsynced{
    "payments.payments_unsynced",
    "SELECT id::text FROM payments.payments WHERE NOT order_synced AND status IN ('succeeded', 'failed', 'expired') "
    "ORDER BY updated_at LIMIT $1"};
inline const pg::Statement kPaymentSynced{
    "payments.payment_synced", "UPDATE payments.payments SET order_synced = true WHERE id = $1::uuid AND status = $2"};

// --- transfers (refunds and payouts) ---
#define OKADA_TRANSFER_COLUMNS \
  "id::text AS id, purpose, payment_id::text AS payment_id, delivered, batch_id::text AS batch_id, party, "          \
  "order_id::text AS order_id, provider, payee_enc, amount_xaf, status, reference, failure_reason, reason, "         \
  "requested_by, attempts, " OKADA_SQL_TS("created_at") " AS created_at, " OKADA_SQL_TS(                             \
      "updated_at") " AS updated_at, CASE WHEN settled_at IS NULL THEN NULL ELSE " OKADA_SQL_TS("settled_at") " END " \
                    "AS settled_at"
inline const pg::Statement kRefundInsert{
    "payments.refund_insert",
    "INSERT INTO payments.transfers (id, purpose, payment_id, delivered, order_id, provider, payee_enc, amount_xaf, "
    "status, reason, requested_by) VALUES ($1::uuid, 'refund', $2::uuid, $3, $4::uuid, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (payment_id) DO NOTHING RETURNING id::text"};
inline const pg::Statement kRefundOfPayment{"payments.refund_of_payment",
                                            "SELECT " OKADA_TRANSFER_COLUMNS
                                            " FROM payments.transfers WHERE payment_id = $1::uuid"};
inline const pg::Statement kTransferGet{
    "payments.transfer_get", "SELECT " OKADA_TRANSFER_COLUMNS " FROM payments.transfers WHERE id = $1::uuid"};
inline const pg::Statement kTransfersDue{
    "payments.transfers_due",
    "SELECT id::text FROM payments.transfers WHERE status IN ('pending', 'sent') AND next_check_at <= now() "
    "ORDER BY next_check_at LIMIT $1"};
inline const pg::Statement kTransferSetReference{
    "payments.transfer_set_reference",
    "UPDATE payments.transfers SET reference = $2, updated_at = now() WHERE id = $1::uuid AND reference IS NULL "
    "RETURNING reference"};
inline const pg::Statement kTransferSent{
    "payments.transfer_sent",
    "UPDATE payments.transfers SET status = 'sent', attempts = attempts + 1, updated_at = now(), "
    "next_check_at = now() + make_interval(secs => $2 / 1000.0) WHERE id = $1::uuid AND status IN ('pending', 'sent')"};
inline const pg::Statement kTransferLater{
    "payments.transfer_later",
    "UPDATE payments.transfers SET attempts = attempts + 1, updated_at = now(), "
    "next_check_at = now() + make_interval(secs => $2 / 1000.0) WHERE id = $1::uuid"};
inline const pg::Statement kTransferFinish{
    "payments.transfer_finish",
    "UPDATE payments.transfers SET status = $2, failure_reason = $3, updated_at = now(), "
    "settled_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE NULL END WHERE id = $1::uuid "
    "AND status IN ('pending', 'sent') RETURNING id::text"};
inline const pg::Statement kTransfersOfBatch{"payments.transfers_of_batch",
                                             "SELECT " OKADA_TRANSFER_COLUMNS
                                             " FROM payments.transfers WHERE batch_id = $1::uuid ORDER BY party"};

// --- payouts ---
inline const pg::Statement kPayoutAccountUpsert{
    "payments.payout_account_upsert",
    "INSERT INTO payments.payout_accounts (party, provider, payee_enc) VALUES ($1, 'momo', $2) ON CONFLICT (party) "
    "DO UPDATE SET payee_enc = EXCLUDED.payee_enc, updated_at = now()"};
inline const pg::Statement kBatchInsert{
    "payments.batch_insert",
    "INSERT INTO payments.payout_batches (id, party_kind, created_by, min_xaf) VALUES ($1::uuid, $2, $3, $4)"};
inline const pg::Statement kBatchGet{
    "payments.batch_get",
    "SELECT id::text, party_kind, created_by, min_xaf, " OKADA_SQL_TS("created_at") " FROM payments.payout_batches "
    "WHERE id = $1::uuid"};
// Who is owed at least $2 and has a payout number and no payout in flight; their account rows are locked until
// the batch commits (a refund or another batch waits), so the amount booked is exactly what is owed.
inline const pg::Statement kPayable{
    "payments.payable",
    "SELECT a.key, a.owner, -a.balance, pa.payee_enc FROM payments.accounts a "
    "JOIN payments.payout_accounts pa ON pa.party = a.key WHERE a.kind = $1 AND -a.balance >= $2 AND NOT EXISTS "
    "(SELECT 1 FROM payments.transfers t WHERE t.party = a.key AND t.purpose = 'payout' AND t.status IN "
    "('pending', 'sent')) ORDER BY a.key LIMIT 500 FOR UPDATE OF a"};
inline const pg::Statement kPayoutInsert{
    "payments.payout_insert",
    "INSERT INTO payments.transfers (id, purpose, batch_id, party, provider, payee_enc, amount_xaf, status, "
    "requested_by) VALUES ($1::uuid, 'payout', $2::uuid, $3, 'momo', $4, $5, 'pending', $6)"};

// --- ledger reads ---
inline const pg::Statement kEntryExists{"payments.entry_exists", "SELECT 1 FROM payments.journal WHERE entry_key = $1"};
inline const pg::Statement kAccountGet{"payments.account_get",
                                       "SELECT key, kind, owner, balance FROM payments.accounts WHERE key = $1"};
// An account's postings, newest first, with the balance after each (keyset paging on the journal id).
inline const pg::Statement kStatement{
    "payments.statement",
    "SELECT j.id::text, j.kind, j.entry_key, CASE WHEN j.order_id IS NULL THEN NULL ELSE "
    "'ord_' || replace(j.order_id::text, '-', '') END, p.amount, " OKADA_SQL_TS("j.created_at") ", "
    "sum(p.amount) OVER (ORDER BY j.id) FROM payments.postings p JOIN payments.journal j ON j.id = p.entry_id "
    "WHERE p.account = $1 ORDER BY j.id DESC LIMIT $2"};
inline const pg::Statement kAllBalances{"payments.all_balances",
                                        "SELECT key, kind, owner, balance FROM payments.accounts ORDER BY key"};

// --- reconciliation ---
// Our side for one provider: collections and transfers since $2 ms ago; `young` within the grace of $3 ms.
inline const pg::Statement kBookItems{
    "payments.book_items",
    "SELECT reference, id::text, amount_xaf, status = 'succeeded', updated_at > now() - make_interval(secs => $3 / "
    "1000.0) FROM payments.payments WHERE provider = $1 AND reference IS NOT NULL AND created_at > now() - "
    "make_interval(secs => $2 / 1000.0) UNION ALL SELECT reference, id::text, amount_xaf, status = 'succeeded', "
    "updated_at > now() - make_interval(secs => $3 / 1000.0) FROM payments.transfers WHERE provider = $1 AND "
    "reference IS NOT NULL AND created_at > now() - make_interval(secs => $2 / 1000.0)"};
inline const pg::Statement kReconInsert{
    "payments.recon_insert",
    "INSERT INTO payments.reconciliations (id, provider, statement_items, ledger_items, mismatches) VALUES "
    "($1::uuid, $2, $3, $4, $5)"};
inline const pg::Statement kMismatchInsert{
    "payments.mismatch_insert",
    "INSERT INTO payments.mismatches (run_id, kind, reference, external_id, ours_xaf, theirs_xaf) VALUES "
    "($1::uuid, $2, $3, $4, $5, $6)"};
inline const pg::Statement kReconLatest{
    "payments.recon_latest",
    "SELECT id::text, provider, " OKADA_SQL_TS("started_at") ", statement_items, ledger_items, mismatches FROM "
    "payments.reconciliations WHERE provider = $1 ORDER BY started_at DESC LIMIT 1"};
inline const pg::Statement kMismatchesOf{
    "payments.mismatches_of",
    "SELECT kind, reference, external_id, ours_xaf, theirs_xaf FROM payments.mismatches WHERE run_id = $1::uuid "
    "ORDER BY kind, reference"};

}  // namespace okada::payments::store
