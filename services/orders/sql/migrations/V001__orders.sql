-- orders: carts, orders and their lines, the status timeline, no-go zones, the outbox/inbox of the event bus
-- and the Idempotency-Key store. Stock lives in products (reserved through its API: checkout is a saga).
CREATE SCHEMA IF NOT EXISTS orders;

-- One server-side cart per customer and store.
CREATE TABLE orders.cart_lines (
  customer_id uuid NOT NULL,
  store_id    uuid NOT NULL,
  product_id  uuid NOT NULL,
  qty         integer NOT NULL CHECK (qty BETWEEN 1 AND 99),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, store_id, product_id)
);

-- status: see docs/order-state-machine.md; the one place that decides transitions is src/domain/lifecycle.cpp.
-- stock: where the products reservation stands (held → committed | released), so a restart can finish the saga.
-- delivery_enc: the exact drop-off point, landmark and instructions (personal data, encrypted at rest).
CREATE TABLE orders.orders (
  id              uuid PRIMARY KEY,
  public_id       text NOT NULL UNIQUE,
  customer_id     uuid NOT NULL,
  store_id        uuid NOT NULL,
  merchant_id     uuid NOT NULL,
  rider_id        uuid,
  status          text NOT NULL CHECK (status IN ('pending_payment', 'confirmed', 'accepted', 'preparing',
                    'ready_for_pickup', 'picked_up', 'delivered', 'completed', 'cancelled', 'rejected',
                    'payment_failed', 'expired', 'refunded')),
  payment_method  text NOT NULL CHECK (payment_method IN ('momo', 'orange_money', 'cash')),
  stock           text NOT NULL DEFAULT 'held' CHECK (stock IN ('held', 'committed', 'released')),
  items_xaf       bigint NOT NULL CHECK (items_xaf >= 0),
  delivery_fee_xaf bigint NOT NULL CHECK (delivery_fee_xaf >= 0),
  total_xaf       bigint NOT NULL CHECK (total_xaf = items_xaf + delivery_fee_xaf),
  distance_m      integer NOT NULL,
  zone            text NOT NULL,          -- coarse (geohash-6) for analytics: never the exact point
  delivery_enc    text NOT NULL,
  payment_due_at  timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
CREATE INDEX orders_by_customer ON orders.orders (customer_id, id DESC);
CREATE INDEX orders_by_store ON orders.orders (store_id, id DESC);
CREATE INDEX orders_by_merchant ON orders.orders (merchant_id, id DESC);
CREATE INDEX orders_payment_due ON orders.orders (payment_due_at) WHERE status = 'pending_payment';
-- The settle job's two queues (held stock of live orders, unreleased stock of cancelled ones): no scans.
CREATE INDEX orders_stock_held ON orders.orders (updated_at) WHERE stock = 'held';
CREATE INDEX orders_stock_to_release ON orders.orders (updated_at)
  WHERE stock <> 'released' AND status IN ('cancelled', 'rejected', 'payment_failed', 'expired');

CREATE TABLE orders.order_lines (
  order_id       uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
  product_id     uuid NOT NULL,
  name_fr        text NOT NULL,
  name_en        text NOT NULL,
  unit_price_xaf bigint NOT NULL CHECK (unit_price_xaf > 0),
  qty            integer NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, product_id)
);

-- Every transition, with who made it and when (actor_id null = the platform itself).
CREATE TABLE orders.timeline (
  order_id    uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  actor_id    uuid,
  actor_role  text NOT NULL,
  reason      text,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq)
);

-- Areas where moto-taxis may not go (polygons of [lon, lat] rings). Bonanjo (Douala's administrative
-- quarter) is closed to moto-taxis by the city; the polygon is approximate. Admins edit these by API.
CREATE TABLE orders.no_go_zones (
  slug       text PRIMARY KEY CHECK (slug ~ '^[a-z0-9-]{1,60}$'),
  name       text NOT NULL,
  polygon    jsonb NOT NULL,
  active     boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders.no_go_zones (slug, name, polygon) VALUES
  ('douala-bonanjo', 'Bonanjo, Douala',
   '[[9.6800, 4.0500], [9.6935, 4.0500], [9.6945, 4.0400], [9.6900, 4.0350], [9.6810, 4.0370], [9.6800, 4.0500]]');

-- Event bus (core okada::events).
CREATE TABLE orders.outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON orders.outbox (created_at) WHERE published_at IS NULL;
CREATE TABLE orders.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Idempotency-Key store (core okada::idempotency), kept 24 h.
CREATE TABLE orders.idempotency (
  caller       text NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  resource_id  text NOT NULL,
  status       integer,
  response     text,
  location     text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  locked_at    timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_age ON orders.idempotency (created_at);
-- Unfinished claims, for the stranded-checkout job.
CREATE INDEX idempotency_open ON orders.idempotency (locked_at) WHERE status IS NULL;

-- Statistics refresh by what the planner needs, not by row churn (ADR 0015). Every ANALYZE invalidates the
-- cached plans of every statement on the table in every connection; with PostgreSQL's defaults (10% of the
-- table changed) these young, fast-growing tables were re-analysed on every autovacuum pass, and each pass
-- stalled checkouts for seconds at 200/s. They are read only by key or by narrow indexed ranges, for which the
-- row counts that VACUUM keeps current are enough: analyse them once per million changed rows. Vacuum itself
-- keeps its defaults (dead rows are still reclaimed as often as before).
ALTER TABLE orders.cart_lines  SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.orders      SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.order_lines SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.timeline    SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.outbox      SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.inbox       SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE orders.idempotency SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
