-- notifications: what people are told, on which channel, and how it went. Messages are created by the event
-- consumer (one per event, person, channel and template: a redelivered event finds them already there) and sent
-- by the notifications.send job with retries; each keeps its delivery status.
CREATE SCHEMA IF NOT EXISTS notifications;

-- Per person: language (NULL = the account's), channels, e-mail address (encrypted), quiet hours in minutes after
-- midnight, Cameroon time (WAT, UTC+1, no daylight saving).
CREATE TABLE notifications.preferences (
  user_id       uuid PRIMARY KEY,
  lang          text CHECK (lang IN ('fr', 'en')),
  sms           boolean NOT NULL DEFAULT true,
  push          boolean NOT NULL DEFAULT true,
  email         boolean NOT NULL DEFAULT true,
  in_app        boolean NOT NULL DEFAULT true,
  email_enc     text,
  quiet_start   smallint CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end     smallint CHECK (quiet_end BETWEEN 0 AND 1439),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Browsers' push subscriptions (RFC 8030 endpoint + RFC 8291 keys). The endpoint is a capability URL: encrypted,
-- found again by its hash.
CREATE TABLE notifications.push_subscriptions (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL,
  endpoint_hash text NOT NULL UNIQUE,
  endpoint_enc  text NOT NULL,
  p256dh        text NOT NULL,
  auth          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_ok_at    timestamptz
);
CREATE INDEX push_subscriptions_by_user ON notifications.push_subscriptions (user_id);

-- status: queued → sent (→ delivered, SMS reports) | failed (attempts exhausted or refused) | skipped (no address,
-- channel off) | rate_limited. next_at: when the job may (re)try it (quiet hours and backoff push it later).
CREATE TABLE notifications.messages (
  id           uuid PRIMARY KEY,
  event_id     uuid NOT NULL,
  user_id      uuid NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'in_app')),
  template     text NOT NULL,
  lang         text NOT NULL,
  params       jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'skipped', 'rate_limited')),
  attempts     integer NOT NULL DEFAULT 0,
  next_at      timestamptz NOT NULL DEFAULT now(),
  provider_id  text,
  parts        integer,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  UNIQUE (event_id, user_id, channel, template)
);
CREATE INDEX messages_due ON notifications.messages (next_at) WHERE status = 'queued';
CREATE INDEX messages_by_user ON notifications.messages (user_id, created_at DESC);
CREATE INDEX messages_recent_sent ON notifications.messages (user_id, channel, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX messages_by_provider_id ON notifications.messages (provider_id) WHERE provider_id IS NOT NULL;

CREATE TABLE notifications.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
