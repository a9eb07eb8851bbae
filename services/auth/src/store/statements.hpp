#pragma once
// Every SQL statement of the auth service (schema `auth`). Named: the name is the prepared statement's and
// the metrics label.
#include "okada/core/http/paging.hpp"  // OKADA_SQL_TS
#include "okada/core/pg/pg.hpp"

namespace okada::auth::store {

inline const pg::Statement kInsertAccount{
    "auth.insert_account",
    "INSERT INTO auth.accounts (id, phone_idx, phone_enc, password_hash, lang) VALUES ($1, $2, $3, $4, $5)"};
inline const pg::Statement kAccountByPhone{
    "auth.account_by_phone",
    "SELECT id::text, password_hash, role, status, phone_verified, lang FROM auth.accounts WHERE phone_idx = $1"};
inline const pg::Statement kAccountById{
    "auth.account_by_id",
    "SELECT id::text, phone_enc, role, status, phone_verified, lang, " OKADA_SQL_TS("created_at") " FROM auth.accounts "
    "WHERE id = $1"};
inline const pg::Statement kSetPassword{
    "auth.set_password", "UPDATE auth.accounts SET password_hash = $2, updated_at = now() WHERE id = $1"};
inline const pg::Statement kSetVerified{
    "auth.set_verified", "UPDATE auth.accounts SET phone_verified = true, updated_at = now() WHERE id = $1"};
inline const pg::Statement kSetRole{
    "auth.set_role",
    "UPDATE auth.accounts SET role = $2, updated_at = now() WHERE id = $1 RETURNING (SELECT role FROM "
    "auth.accounts WHERE id = $1)"};
inline const pg::Statement kSetStatus{"auth.set_status",
                                      "UPDATE auth.accounts SET status = $2, updated_at = now() WHERE id = $1"};

inline const pg::Statement kConsumeOpenCodes{
    "auth.consume_open_codes",
    "UPDATE auth.otp_codes SET consumed_at = now() WHERE phone_idx = $1 AND purpose = $2 AND consumed_at IS NULL"};
inline const pg::Statement kInsertCode{
    "auth.insert_code",
    "INSERT INTO auth.otp_codes (id, phone_idx, purpose, code_hash, expires_at) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))"};
inline const pg::Statement kDeleteCode{"auth.delete_code", "DELETE FROM auth.otp_codes WHERE id = $1"};
inline const pg::Statement kOpenCode{
    "auth.open_code",
    "SELECT id::text, code_hash, attempts FROM auth.otp_codes WHERE phone_idx = $1 AND purpose = $2 "
    "AND consumed_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE"};
inline const pg::Statement kCodeAttempt{"auth.code_attempt",
                                        "UPDATE auth.otp_codes SET attempts = attempts + 1 WHERE id = $1"};
inline const pg::Statement kCodeConsumed{"auth.code_consumed",
                                         "UPDATE auth.otp_codes SET consumed_at = now() WHERE id = $1"};

inline const pg::Statement kInsertSession{
    "auth.insert_session",
    "INSERT INTO auth.sessions (id, account_id, device, client, expires_at) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))"};
inline const pg::Statement kInsertRefresh{
    "auth.insert_refresh", "INSERT INTO auth.refresh_tokens (token_hash, session_id, generation) VALUES ($1, $2, $3)"};
// The token, its session and account, locked: concurrent refreshes of one family serialise here.
inline const pg::Statement kRefreshForUpdate{
    "auth.refresh_for_update",
    "SELECT r.session_id::text, r.generation, r.spent_at IS NOT NULL AS spent, "
    "  COALESCE(EXTRACT(EPOCH FROM (now() - r.spent_at)) * 1000, 0)::bigint AS spent_ms_ago, r.replaced_by, "
    "  r.replay_enc, s.account_id::text, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired, "
    "  (EXTRACT(EPOCH FROM (now() - s.last_used_at)) * 1000)::bigint AS idle_ms, s.client, a.role, a.status, "
    "  a.phone_verified, a.lang, "
    "  (SELECT n.spent_at IS NULL FROM auth.refresh_tokens n WHERE n.token_hash = r.replaced_by) AS next_unspent "
    "FROM auth.refresh_tokens r JOIN auth.sessions s ON s.id = r.session_id JOIN auth.accounts a ON a.id = "
    "s.account_id WHERE r.token_hash = $1 FOR UPDATE OF r, s"};
inline const pg::Statement kSpendRefresh{
    "auth.spend_refresh",
    "UPDATE auth.refresh_tokens SET spent_at = now(), replaced_by = $2, replay_enc = $3 WHERE token_hash = $1"};
inline const pg::Statement kTouchSession{"auth.touch_session",
                                         "UPDATE auth.sessions SET last_used_at = now() WHERE id = $1"};
inline const pg::Statement kRevokeSession{
    "auth.revoke_session",
    "UPDATE auth.sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND account_id = $2 "
    "AND revoked_at IS NULL RETURNING id::text"};
inline const pg::Statement kRevokeAllSessions{
    "auth.revoke_all_sessions",
    "UPDATE auth.sessions SET revoked_at = now(), revoked_reason = $2 WHERE account_id = $1 AND revoked_at IS NULL "
    "RETURNING id::text"};
inline const pg::Statement kListSessions{
    "auth.list_sessions",
    "SELECT id::text, device, client, " OKADA_SQL_TS("created_at") ", " OKADA_SQL_TS("last_used_at") " FROM auth.sessions "
    "WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::uuid IS NULL OR id < $2::uuid) "
    "ORDER BY id DESC LIMIT $3"};
inline const pg::Statement kClearReplays{
    "auth.clear_replays",
    "UPDATE auth.refresh_tokens SET replay_enc = NULL WHERE replay_enc IS NOT NULL "
    "AND spent_at < now() - make_interval(secs => $1::double precision / 1000)"};

inline const pg::Statement kInsertDenial{
    "auth.insert_denial",
    "INSERT INTO auth.denials (member, expires_at) VALUES ($1, $2) "
    "ON CONFLICT (member) DO UPDATE SET expires_at = GREATEST(auth.denials.expires_at, EXCLUDED.expires_at)"};
inline const pg::Statement kLiveDenials{"auth.live_denials",
                                        "SELECT member, expires_at FROM auth.denials WHERE expires_at >= $1"};
inline const pg::Statement kPruneDenials{"auth.prune_denials", "DELETE FROM auth.denials WHERE expires_at < $1"};

inline const pg::Statement kInsertAudit{
    "auth.insert_audit",
    "INSERT INTO auth.audit_log (id, event, account_id, actor_id, client_ref, detail) "
    "VALUES ($1, $2, $3::uuid, $4::uuid, $5, $6::jsonb)"};
inline const pg::Statement kListAudit{
    "auth.list_audit",
    "SELECT id::text, " OKADA_SQL_TS("at") ", event, account_id::text, actor_id::text, detail::text FROM auth.audit_log "
    "WHERE ($1::uuid IS NULL OR account_id = $1::uuid) AND ($2::uuid IS NULL OR id < $2::uuid) "
    "ORDER BY id DESC LIMIT $3"};

inline const pg::Statement kInsertOutbox{"auth.insert_outbox",
                                         "INSERT INTO auth.outbox (id, type, payload) VALUES ($1, $2, $3::jsonb)"};

}  // namespace okada::auth::store
