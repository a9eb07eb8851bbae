-- Every recommendation served, with the model version that produced it (ARCHITECTURE §9: measured later against
-- what the customer bought: brain.interactions). Written in batches by the brain.predictions job.
CREATE TABLE brain.predictions (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  endpoint    text NOT NULL,
  customer_id uuid,
  model       text NOT NULL,
  version     integer NOT NULL,   -- 0: the popularity fallback (no model)
  variant     text NOT NULL,      -- champion | challenger | fallback
  items       text[] NOT NULL,
  latency_us  integer NOT NULL
);
CREATE INDEX predictions_at ON brain.predictions (at);
