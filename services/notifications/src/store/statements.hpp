#pragma once
// Every SQL statement of the notifications service (schema `notifications`, V001__notifications.sql).
#include "okada/core/http/paging.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::notifications::store {

inline const pg::Statement kPrefsGet{
    "notifications.prefs_get",
    "SELECT lang, sms, push, email, in_app, email_enc, quiet_start::int AS quiet_start, quiet_end::int AS quiet_end "
    "FROM notifications.preferences WHERE user_id = $1::uuid"};
// $1 user, $2 lang|null, $3 sms, $4 push, $5 email, $6 in_app, $7 email_enc|null, $8 quiet_start|null, $9
// quiet_end|null
inline const pg::Statement kPrefsPut{
    "notifications.prefs_put",
    "INSERT INTO notifications.preferences (user_id, lang, sms, push, email, in_app, email_enc, quiet_start, "
    "quiet_end) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::smallint, $9::smallint) ON CONFLICT (user_id) DO "
    "UPDATE SET lang = EXCLUDED.lang, sms = EXCLUDED.sms, push = EXCLUDED.push, email = EXCLUDED.email, in_app = "
    "EXCLUDED.in_app, email_enc = EXCLUDED.email_enc, quiet_start = EXCLUDED.quiet_start, quiet_end = "
    "EXCLUDED.quiet_end, updated_at = now()"};

// $1 id, $2 user, $3 endpoint hash, $4 endpoint enc, $5 p256dh, $6 auth
inline const pg::Statement kPushSubscribe{
    "notifications.push_subscribe",
    "INSERT INTO notifications.push_subscriptions (id, user_id, endpoint_hash, endpoint_enc, p256dh, auth) VALUES "
    "($1::uuid, $2::uuid, $3, $4, $5, $6) ON CONFLICT (endpoint_hash) DO UPDATE SET user_id = EXCLUDED.user_id, "
    "p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth RETURNING id::text AS id"};
inline const pg::Statement kPushOf{
    "notifications.push_of",
    "SELECT id::text AS id, endpoint_enc, p256dh, auth FROM notifications.push_subscriptions WHERE user_id = "
    "$1::uuid ORDER BY created_at DESC LIMIT 10"};
inline const pg::Statement kPushDelete{
    "notifications.push_delete",
    "DELETE FROM notifications.push_subscriptions WHERE id = $1::uuid AND ($2::uuid IS NULL OR user_id = $2::uuid)"};
inline const pg::Statement kPushOk{
    "notifications.push_ok", "UPDATE notifications.push_subscriptions SET last_ok_at = now() WHERE id = $1::uuid"};

// $1 id, $2 event, $3 user, $4 channel, $5 template, $6 lang, $7 params json, $8 next_at (ms)
inline const pg::Statement kMessageInsert{
    "notifications.message_insert",
    "INSERT INTO notifications.messages (id, event_id, user_id, channel, template, lang, params, status, next_at) "
    "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::jsonb, 'queued', to_timestamp($8 / 1000.0)) "
    "ON CONFLICT (event_id, user_id, channel, template) DO NOTHING"};
// Claims due messages for a lease of a minute (a crashed sender's claim runs out; the message is tried again).
inline const pg::Statement kClaimDue{
    "notifications.claim_due",
    "UPDATE notifications.messages SET next_at = now() + interval '60 seconds', attempts = attempts + 1 WHERE id IN "
    "(SELECT id FROM notifications.messages WHERE status = 'queued' AND next_at <= now() ORDER BY next_at LIMIT $1 "
    "FOR UPDATE SKIP LOCKED) RETURNING id::text AS id, event_id::text AS event_id, user_id::text AS user_id, "
    "channel, template, lang, params::text AS params, attempts"};
// $1 id, $2 status, $3 provider id|null, $4 parts|null, $5 error|null
inline const pg::Statement kMessageDone{
    "notifications.message_done",
    "UPDATE notifications.messages SET status = $2, provider_id = $3, parts = $4, error = $5, sent_at = CASE WHEN $2 "
    "IN ('sent', 'delivered') THEN now() ELSE sent_at END WHERE id = $1::uuid"};
// $1 id, $2 next (ms), $3 error
inline const pg::Statement kMessageRetry{
    "notifications.message_retry",
    "UPDATE notifications.messages SET next_at = to_timestamp($2 / 1000.0), error = $3 WHERE id = $1::uuid"};
// Sent to `user` on `channel` in the last hour (the per-person limit).
inline const pg::Statement kSentLastHour{
    "notifications.sent_last_hour",
    "SELECT count(*) AS n FROM notifications.messages WHERE user_id = $1::uuid AND channel = $2 AND sent_at > now() - "
    "interval '1 hour'"};
inline const pg::Statement kDelivered{
    "notifications.delivered",
    "UPDATE notifications.messages SET status = $2 WHERE provider_id = $1 AND channel = 'sms' AND status = 'sent' "
    "RETURNING id::text"};
inline const pg::Statement kMessagesOf{
    "notifications.messages_of",
    "SELECT id::text AS id, channel, template, lang, status, attempts, error, params::text AS params, "
    OKADA_SQL_TS("created_at") " AS created_at, " OKADA_SQL_TS("sent_at") " AS sent_at FROM notifications.messages "
    "WHERE user_id = $1::uuid AND ($2::text IS NULL OR channel = $2) AND ($3::uuid IS NULL OR id < $3::uuid) ORDER BY "
    "id DESC LIMIT $4"};

}  // namespace okada::notifications::store
