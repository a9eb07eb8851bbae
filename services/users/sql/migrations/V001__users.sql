-- The users service: customer profiles and addresses, rider applications, merchants, their members and stores,
-- and the outbox of events. Personal data (columns ending in _enc) is XChaCha20-Poly1305 ciphertext as base64url
-- text, bound to "users.<table>.<column>:<row id>" (crypto::Keyring); it is never stored in clear.

CREATE SCHEMA IF NOT EXISTS users;

-- One row per account that opened its profile (created lazily by GET /v1/users/me). user_id is the auth
-- service's account id; there is no foreign key across services.
CREATE TABLE users.profiles (
  user_id uuid PRIMARY KEY,
  name_enc text,
  lang text NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en')),
  preferences jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(preferences) = 'object' AND octet_length(preferences::text) <= 16384),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A customer's delivery addresses (at most 20 each, enforced by the service under the profile row lock).
-- The GPS pin is personal too: location_enc holds "lat,lon" encrypted.
CREATE TABLE users.addresses (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users.profiles (user_id) ON DELETE CASCADE,
  label text NOT NULL CHECK (label IN ('home', 'work', 'other')),
  location_enc text NOT NULL,
  landmark_enc text NOT NULL,
  neighbourhood_enc text NOT NULL,
  instructions_enc text,
  phone_to_call_enc text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_by_user ON users.addresses (user_id, id);

-- Rider applications; a rider's id is his account id. Zones are business data (dispatch reads them).
CREATE TABLE users.riders (
  user_id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'suspended')),
  vehicle_type text NOT NULL CHECK (vehicle_type IN ('motorcycle', 'bicycle', 'car', 'on_foot')),
  plate_enc text,
  id_document_refs_enc text NOT NULL,
  zones jsonb NOT NULL CHECK (jsonb_typeof(zones) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  approved_at timestamptz,
  suspended_at timestamptz
);
CREATE INDEX riders_by_status ON users.riders (status, user_id);

CREATE TABLE users.merchants (
  id uuid PRIMARY KEY,
  business_name text NOT NULL,
  category text NOT NULL CHECK (category IN ('grocery', 'restaurant', 'pharmacy', 'other')),
  contact_phone_enc text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'suspended')),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  approved_at timestamptz
);
CREATE INDEX merchants_by_status ON users.merchants (status, id);

-- Who works for which merchant. An account belongs to at most one merchant (merchant_members_one_merchant).
CREATE TABLE users.merchant_members (
  merchant_id uuid NOT NULL REFERENCES users.merchants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('merchant_owner', 'merchant_staff')),
  added_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, user_id)
);
CREATE UNIQUE INDEX merchant_members_one_merchant ON users.merchant_members (user_id);

-- Stores are business data: location and address stay in clear (customers and dispatch need them).
-- opening_hours: a JSON array of 7 days (Monday first), each null (closed) or [{"open":"HH:MM","close":"HH:MM"}].
CREATE TABLE users.stores (
  id uuid PRIMARY KEY,
  merchant_id uuid NOT NULL REFERENCES users.merchants (id) ON DELETE CASCADE,
  name text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  address text NOT NULL,
  opening_hours jsonb NOT NULL CHECK (jsonb_typeof(opening_hours) = 'array' AND jsonb_array_length(opening_hours) = 7),
  delivery_radius_m integer NOT NULL CHECK (delivery_radius_m BETWEEN 500 AND 20000),
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stores_by_merchant ON users.stores (merchant_id, id);

-- Events, written in the same transaction as the change they describe; payloads carry ids only. No publisher
-- reads this table yet (the event bus arrives with a later issue); published_at is for it.
CREATE TABLE users.outbox (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON users.outbox (created_at) WHERE published_at IS NULL;
