-- brain: the AI Brain's serving side (ARCHITECTURE §9). It reads no other service's tables; what it needs comes
-- in the request or through the services' internal APIs.
CREATE SCHEMA IF NOT EXISTS brain;

-- One row per dispatch round, for later accuracy measurement (the ETAs it promised against what happened) and
-- for operators (how often rounds are cut short, how much is batched). `plan` holds each assigned rider's stops
-- with their ETAs; `eta_model` names the travel-time model version that produced them.
CREATE TABLE brain.dispatch_rounds (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  riders       integer NOT NULL,
  orders       integer NOT NULL,
  assigned     integer NOT NULL,
  unassigned   integer NOT NULL,
  batched      integer NOT NULL,
  lateness_s   double precision NOT NULL,
  complete     boolean NOT NULL,
  elapsed_ms   double precision NOT NULL,
  eta_model    text NOT NULL,
  plan         jsonb NOT NULL
);
CREATE INDEX dispatch_rounds_at ON brain.dispatch_rounds (at);
