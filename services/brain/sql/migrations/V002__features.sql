-- The feature store's offline side and what feeds it (ARCHITECTURE §9; brain/features). Everything here is built
-- from events (order.placed, listing.updated) the brain consumes; it reads no other service's tables.

-- Events already handled (the consumer's inbox: a redelivered event changes nothing).
CREATE TABLE brain.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- One row per product of a placed order (order.placed): who, what, where (the coarse delivery zone), when.
CREATE TABLE brain.interactions (
  order_id    text NOT NULL,
  product_id  uuid NOT NULL,
  customer_id uuid NOT NULL,
  store_id    uuid NOT NULL,
  zone        text,
  at          timestamptz NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX interactions_at ON brain.interactions (at);
CREATE INDEX interactions_customer ON brain.interactions (customer_id, at);

-- What each store offers (listing.updated): serving keeps only what is available.
CREATE TABLE brain.listings (
  store_id    uuid NOT NULL,
  product_id  uuid NOT NULL,
  price_xaf   bigint NOT NULL,
  available   boolean NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (store_id, product_id)
);

-- Feature rows: an entity's values for a view as of a time, computed from data up to that time only.
CREATE TABLE brain.feature_rows (
  view        text NOT NULL,
  entity      text NOT NULL,
  as_of       timestamptz NOT NULL,
  vals        jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (view, entity, as_of)
);
CREATE INDEX feature_rows_as_of ON brain.feature_rows (view, as_of);
