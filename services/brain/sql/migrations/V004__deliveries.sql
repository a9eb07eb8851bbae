-- Riders' outcomes for the feature store's rider view (delivery.delivered / delivery.failed events).
CREATE TABLE brain.deliveries (
  delivery_id uuid NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  rider_id    uuid NOT NULL,
  order_id    text NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (delivery_id, outcome)
);
CREATE INDEX deliveries_rider ON brain.deliveries (rider_id, at);
CREATE INDEX deliveries_at ON brain.deliveries (at);
