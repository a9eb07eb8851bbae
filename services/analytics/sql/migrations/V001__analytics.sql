-- analytics: order events rolled up per store per hour and per Douala day for the merchant dashboard. Everything
-- here is built from events (order.*, delivery.picked_up|delivered, payment.refunded); it reads no other service's
-- tables. Facts first (one row per order, one per ordered product), then buckets recomputed from the facts: events
-- arrive at least once and in any order, and a recomputation gives the same answer whatever the order (ADR 0025).
-- No personal data: store, merchant and product ids, amounts, times and statuses only.
CREATE SCHEMA IF NOT EXISTS analytics;

-- Events already handled (the consumer's inbox: a redelivered event changes nothing).
CREATE TABLE analytics.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- One fact row per order (public id ord_…), filled by whichever of its events arrives: ids and amounts from the
-- first event that carries them, each step's time the earliest seen (the event's `at`, the outbox row's creation
-- time). store_id and placed_at stay NULL until order.placed arrives (delivery events carry the order id only);
-- such rows count nowhere until then. cancel_status is order.cancelled's status (cancelled, rejected,
-- payment_failed, expired) and cancel_kind its class (domain::CancelKind). refunded_at: a full refund
-- (payment.refunded with full = true). status: the last step known, derived from the times.
CREATE TABLE analytics.orders (
  order_id       text PRIMARY KEY,
  store_id       uuid,
  merchant_id    uuid,
  payment_method text,
  items_xaf      bigint,
  total_xaf      bigint,
  placed_at      timestamptz,
  confirmed_at   timestamptz,
  accepted_at    timestamptz,
  ready_at       timestamptz,
  picked_up_at   timestamptz,
  delivered_at   timestamptz,
  completed_at   timestamptz,
  cancelled_at   timestamptz,
  refunded_at    timestamptz,
  cancel_status  text CHECK (cancel_status IN ('cancelled', 'rejected', 'payment_failed', 'expired')),
  cancel_kind    text CHECK (cancel_kind IN ('rejected_by_store', 'payment_failed', 'expired', 'cancelled_by_customer',
                                             'cancelled_by_store', 'cancelled_by_support', 'cancelled_by_platform')),
  status         text GENERATED ALWAYS AS (
    CASE
      WHEN refunded_at IS NOT NULL THEN 'refunded'
      WHEN cancel_status IS NOT NULL THEN cancel_status
      WHEN completed_at IS NOT NULL THEN 'completed'
      WHEN delivered_at IS NOT NULL THEN 'delivered'
      WHEN picked_up_at IS NOT NULL THEN 'picked_up'
      WHEN ready_at IS NOT NULL THEN 'ready_for_pickup'
      WHEN accepted_at IS NOT NULL THEN 'accepted'
      WHEN confirmed_at IS NOT NULL THEN 'confirmed'
      WHEN placed_at IS NOT NULL THEN 'pending_payment'
      ELSE 'unknown'
    END) STORED,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_by_store_placed ON analytics.orders (store_id, placed_at) WHERE placed_at IS NOT NULL;

-- The products of an order and their units (order.placed's product_ids and quantities; 1 when it has none).
CREATE TABLE analytics.order_products (
  order_id   text NOT NULL,
  product_id uuid NOT NULL,
  units      integer NOT NULL CHECK (units > 0),
  PRIMARY KEY (order_id, product_id)
);

-- The rollups, recomputed from analytics.orders for the bucket of a fact that changed (store × the hour, store ×
-- the Douala day the order was placed in). orders: placed; completed: delivered or completed; cancelled: any
-- cancellation; revenue_xaf: items_xaf of the orders neither cancelled (in any way) nor refunded, revenue_orders
-- how many those are; prep: accepted → ready; delivery: confirmed (else placed) → delivered.
CREATE TABLE analytics.store_hourly (
  store_id         uuid NOT NULL,
  hour             timestamptz NOT NULL,
  orders           integer NOT NULL,
  completed        integer NOT NULL,
  cancelled        integer NOT NULL,
  revenue_xaf      bigint NOT NULL,
  revenue_orders   integer NOT NULL,
  prep_seconds     bigint NOT NULL,
  prep_count       integer NOT NULL,
  delivery_seconds bigint NOT NULL,
  delivery_count   integer NOT NULL,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, hour)
);

CREATE TABLE analytics.store_daily (
  store_id         uuid NOT NULL,
  day              date NOT NULL,
  orders           integer NOT NULL,
  completed        integer NOT NULL,
  cancelled        integer NOT NULL,
  revenue_xaf      bigint NOT NULL,
  revenue_orders   integer NOT NULL,
  prep_seconds     bigint NOT NULL,
  prep_count       integer NOT NULL,
  delivery_seconds bigint NOT NULL,
  delivery_count   integer NOT NULL,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, day)
);
