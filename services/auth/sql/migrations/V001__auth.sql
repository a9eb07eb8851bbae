-- auth: accounts, SMS codes, sessions (refresh-token families), the token deny-list, the audit log, outbox.
-- Personal data is never stored in clear: the phone number is encrypted (XChaCha20-Poly1305, keyring in the
-- state directory) and looked up through a keyed blind index (separate key).
CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE auth.accounts (
  id             uuid PRIMARY KEY,
  phone_idx      text NOT NULL UNIQUE,
  phone_enc      text NOT NULL,
  password_hash  text,
  role           text NOT NULL DEFAULT 'customer'
                 CHECK (role IN ('customer', 'rider', 'merchant_owner', 'merchant_staff', 'support', 'admin')),
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  phone_verified boolean NOT NULL DEFAULT false,
  lang           text NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE auth.otp_codes (
  id          uuid PRIMARY KEY,
  phone_idx   text NOT NULL,
  purpose     text NOT NULL CHECK (purpose IN ('signin', 'verify_phone', 'reset_password')),
  code_hash   text NOT NULL,
  attempts    int NOT NULL DEFAULT 0,
  expires_at  timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_codes_lookup ON auth.otp_codes (phone_idx, purpose, created_at DESC);

CREATE TABLE auth.sessions (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES auth.accounts (id),
  device         text NOT NULL DEFAULT '',
  client         text NOT NULL DEFAULT 'app' CHECK (client IN ('app', 'web')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_by_account ON auth.sessions (account_id, id DESC);

-- One row per refresh token ever issued; only the keyed hash of the token is stored. `replay_enc` holds the
-- (encrypted) pair handed out when this token was spent, for the grace window only.
CREATE TABLE auth.refresh_tokens (
  token_hash  text PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES auth.sessions (id),
  generation  int NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  spent_at    timestamptz,
  replaced_by text,
  replay_enc  text
);
CREATE INDEX refresh_tokens_by_session ON auth.refresh_tokens (session_id, generation DESC);

-- Durable copy of the deny-list (Redis `auth:deny` is rebuilt from it). expires_at in Unix seconds.
CREATE TABLE auth.denials (
  member     text PRIMARY KEY,
  expires_at bigint NOT NULL
);

CREATE TABLE auth.audit_log (
  id         uuid PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  event      text NOT NULL,
  account_id uuid,
  actor_id   uuid,
  client_ref text,
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_account ON auth.audit_log (account_id, id DESC);

-- Transactional outbox: events written with the change, published by the event relay (commerce issue).
-- Payloads carry ids only, never personal data.
CREATE TABLE auth.outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
