-- delivery: the rider side of an order (ARCHITECTURE §1): riders' shifts, their trip history, offers, and one
-- delivery per order with its own state machine (src/domain/lifecycle.cpp), linked to the order only through the
-- orders API and events.
CREATE SCHEMA IF NOT EXISTS delivery;

-- Who is on shift. zones: geohash prefixes the rider works in (empty = anywhere).
CREATE TABLE delivery.shifts (
  rider_id   uuid PRIMARY KEY,
  online     boolean NOT NULL DEFAULT false,
  zones      text[] NOT NULL DEFAULT '{}',
  since      timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- status: see services/delivery/README.md; the one place that decides moves is src/domain/lifecycle.cpp.
-- dropoff_enc: the exact drop-off point and landmark (personal data, encrypted at rest; dispatch opens it).
-- pickup_code_enc / delivery_code_enc: the codes the merchant and the customer read out (encrypted: they are
-- handed to people, so they must be readable again, but nobody with the database alone learns them).
-- order_sync: the order status this delivery still has to tell orders (picked_up, delivered, cancelled);
-- money_sync: the drop-off payments still has to book. Both retried by the delivery.sync job until they hold.
CREATE TABLE delivery.deliveries (
  id                uuid PRIMARY KEY,
  order_id          uuid NOT NULL UNIQUE,
  public_order_id   text NOT NULL UNIQUE,
  store_id          uuid NOT NULL,
  merchant_id       uuid NOT NULL,
  customer_id       uuid NOT NULL,
  payment_method    text NOT NULL,
  total_xaf         bigint NOT NULL,
  delivery_fee_xaf  bigint NOT NULL,
  rider_fee_xaf     bigint NOT NULL,
  status            text NOT NULL CHECK (status IN ('unassigned', 'offered', 'assigned', 'at_store', 'picked_up',
                      'arriving', 'delivered', 'failed', 'returned', 'cancelled')),
  rider_id          uuid,
  ready             boolean NOT NULL DEFAULT false,
  ready_expected_at timestamptz NOT NULL,
  offer_from        timestamptz NOT NULL,
  pickup_lat        double precision NOT NULL,
  pickup_lon        double precision NOT NULL,
  pickup_zone       text NOT NULL,
  dropoff_zone      text NOT NULL,
  dropoff_enc       text NOT NULL,
  distance_m        integer NOT NULL,
  pickup_code_enc   text NOT NULL,
  delivery_code_enc text NOT NULL,
  code_failures     integer NOT NULL DEFAULT 0,
  offers_made       integer NOT NULL DEFAULT 0,
  proof             jsonb,
  cash_collected_xaf bigint,
  failure_reason    text,
  order_sync        text,
  money_sync        boolean NOT NULL DEFAULT false,
  sync_attempts     integer NOT NULL DEFAULT 0,
  sync_after        timestamptz NOT NULL DEFAULT now(),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_to_offer ON delivery.deliveries (offer_from) WHERE status = 'unassigned';
CREATE INDEX deliveries_by_rider ON delivery.deliveries (rider_id, status);
CREATE INDEX deliveries_to_sync ON delivery.deliveries (sync_after) WHERE order_sync IS NOT NULL OR money_sync;

-- One offer per (delivery, rider): a rider who declined or let it lapse is not asked again for that order.
CREATE TABLE delivery.offers (
  id          uuid PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES delivery.deliveries (id),
  rider_id    uuid NOT NULL,
  status      text NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
  via         text NOT NULL CHECK (via IN ('brain', 'nearest')),
  distance_m  integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  answered_at timestamptz,
  UNIQUE (delivery_id, rider_id)
);
CREATE INDEX offers_open ON delivery.offers (expires_at) WHERE status = 'open';
CREATE INDEX offers_by_rider ON delivery.offers (rider_id, status);

-- Every step of a delivery (who, when, and what: calls, code failures, proof), for support and the customer.
CREATE TABLE delivery.timeline (
  delivery_id uuid NOT NULL REFERENCES delivery.deliveries (id),
  seq         bigserial,
  kind        text NOT NULL,
  status      text,
  actor_role  text NOT NULL,
  actor_id    uuid,
  detail      jsonb,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (delivery_id, seq)
);

-- Trip history: every point riders send, partitioned by day (the delivery.partitions job creates tomorrow's and
-- drops those older than delivery.keep_positions_days). order_id: the delivery the rider was on, if any.
CREATE TABLE delivery.positions (
  rider_id   uuid NOT NULL,
  at         timestamptz NOT NULL,
  lat        double precision NOT NULL,
  lon        double precision NOT NULL,
  accuracy_m real NOT NULL,
  speed_kmh  real,
  order_id   uuid,
  received_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);
CREATE TABLE delivery.positions_default PARTITION OF delivery.positions DEFAULT;
CREATE INDEX positions_by_rider ON delivery.positions (rider_id, at);
-- The first days' partitions; the delivery.partitions job keeps two days ahead from then on.
DO $$
DECLARE d date;
BEGIN
  FOR i IN -1..3 LOOP
    d := current_date + i;
    EXECUTE format('CREATE TABLE IF NOT EXISTS delivery.positions_%s PARTITION OF delivery.positions '
                   'FOR VALUES FROM (%L) TO (%L)', to_char(d, 'YYYYMMDD'), d, d + 1);
  END LOOP;
END $$;

CREATE TABLE delivery.outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON delivery.outbox (created_at) WHERE published_at IS NULL;
CREATE TABLE delivery.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
