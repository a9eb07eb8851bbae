-- payments: payments of orders by mobile money, refunds and payouts (transfers), reconciliation runs, the event
-- bus tables, and the double-entry ledger (issue 5). Rules in src/domain/ledger.hpp; the database enforces the
-- invariants too, so no code path can break them:
-- - a journal entry's postings sum to zero (checked at commit: a deferred constraint trigger);
-- - journal entries and postings are immutable (updates and deletes are refused);
-- - an account's balance is kept with its postings, in the same transaction;
-- - a merchant's payable never turns into a debt (positive balance): that is merchant receivable.
CREATE SCHEMA IF NOT EXISTS payments;

CREATE TABLE payments.accounts (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z_]{1,40}(:[A-Za-z0-9_.-]{1,80})?$'),
  kind       text NOT NULL CHECK (kind IN ('clearing', 'merchant_payable', 'merchant_receivable', 'rider_earnings',
                                           'rider_cash_held', 'delivery_fees_held', 'platform_revenue',
                                           'provider_fees', 'refunds')),
  owner      text,
  balance    bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payable_never_a_debt CHECK (kind <> 'merchant_payable' OR balance <= 0),
  CONSTRAINT cash_held_never_negative CHECK (kind <> 'rider_cash_held' OR balance >= 0)
);

CREATE TABLE payments.journal (
  id         uuid PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('captured', 'delivered', 'cash_collected', 'cash_settled', 'payout',
                                           'payout_reversed', 'refund')),
  entry_key  text NOT NULL UNIQUE CHECK (length(entry_key) BETWEEN 1 AND 200),  -- one entry per business event
  order_id   uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_order ON payments.journal (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE payments.postings (
  entry_id uuid NOT NULL REFERENCES payments.journal (id),
  line     smallint NOT NULL CHECK (line >= 0),
  account  text NOT NULL REFERENCES payments.accounts (key),
  amount   bigint NOT NULL CHECK (amount <> 0),  -- XAF; + debit, - credit
  PRIMARY KEY (entry_id, line)
);
CREATE INDEX postings_account ON payments.postings (account, entry_id);

CREATE FUNCTION payments.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payments.% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER journal_immutable BEFORE UPDATE OR DELETE ON payments.journal
  FOR EACH ROW EXECUTE FUNCTION payments.refuse_change();
CREATE TRIGGER postings_immutable BEFORE UPDATE OR DELETE ON payments.postings
  FOR EACH ROW EXECUTE FUNCTION payments.refuse_change();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON payments.journal
  FOR EACH STATEMENT EXECUTE FUNCTION payments.refuse_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON payments.postings
  FOR EACH STATEMENT EXECUTE FUNCTION payments.refuse_change();

CREATE FUNCTION payments.apply_posting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments.accounts SET balance = balance + NEW.amount, updated_at = now() WHERE key = NEW.account;
  RETURN NULL;
END $$;
CREATE TRIGGER postings_balance AFTER INSERT ON payments.postings
  FOR EACH ROW EXECUTE FUNCTION payments.apply_posting();

CREATE FUNCTION payments.check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM payments.postings WHERE entry_id = NEW.entry_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (sum %)', NEW.entry_id, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON payments.postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments.check_entry_balanced();

-- One payment per order (mobile money only: cash is booked when the rider collects it). Lifecycle
-- intent → pending → succeeded | failed | expired (src/domain/lifecycle.hpp). `reference` is the provider's id
-- (MoMo X-Reference-Id, Orange payToken), stored before the payer is asked so every retry reuses it.
-- The callback URL carries a token derived from the payment id under a secret key of the state directory
-- (HMAC-SHA-256): unguessable, never stored, checked in constant time.
CREATE TABLE payments.payments (
  id                   uuid PRIMARY KEY,
  order_id             uuid NOT NULL UNIQUE,
  customer_id          uuid NOT NULL,
  merchant_id          uuid NOT NULL,
  provider             text NOT NULL CHECK (provider IN ('momo', 'orange_money')),
  payer_enc            text NOT NULL,  -- the payer's number, sealed (keyring)
  items_xaf            bigint NOT NULL CHECK (items_xaf >= 0),
  delivery_fee_xaf     bigint NOT NULL CHECK (delivery_fee_xaf >= 0),
  amount_xaf           bigint NOT NULL CHECK (amount_xaf > 0 AND amount_xaf = items_xaf + delivery_fee_xaf),
  currency             text NOT NULL DEFAULT 'XAF' CHECK (currency = 'XAF'),
  status               text NOT NULL CHECK (status IN ('intent', 'pending', 'succeeded', 'failed', 'expired')),
  reference            text UNIQUE,
  provider_transaction text,
  failure_reason       text,
  attempts             integer NOT NULL DEFAULT 0,  -- collection requests sent (same reference each time)
  checks               integer NOT NULL DEFAULT 0,  -- status checks made
  next_check_at        timestamptz NOT NULL DEFAULT now(),
  expires_at           timestamptz NOT NULL,
  order_synced         boolean NOT NULL DEFAULT false,  -- the order has followed the outcome
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  settled_at           timestamptz
);
CREATE INDEX payments_due ON payments.payments (next_check_at) WHERE status IN ('intent', 'pending', 'expired');
CREATE INDEX payments_unsynced ON payments.payments (updated_at)
  WHERE NOT order_synced AND status IN ('succeeded', 'failed', 'expired');
CREATE INDEX payments_settled ON payments.payments (provider, settled_at) WHERE status = 'succeeded';

-- Money we send: refunds (one per payment) and payouts (merchants, riders), through the disbursement adapter.
-- pending (reference stored, not yet accepted) → sent → succeeded | failed; `manual` when the provider has no
-- transfer API (Orange Money): support pays it by hand.
CREATE TABLE payments.payout_batches (
  id         uuid PRIMARY KEY,
  party_kind text NOT NULL CHECK (party_kind IN ('merchant', 'rider')),
  created_by text NOT NULL,
  min_xaf    bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE payments.transfers (
  id             uuid PRIMARY KEY,
  purpose        text NOT NULL CHECK (purpose IN ('refund', 'payout')),
  payment_id     uuid UNIQUE REFERENCES payments.payments (id),
  delivered      boolean NOT NULL DEFAULT false,  -- refunds: the order had been delivered (the rider keeps his share)
  batch_id       uuid REFERENCES payments.payout_batches (id),
  party          text,                            -- payouts: merchant_payable:<id> | rider_earnings:<id>
  order_id       uuid,
  provider       text NOT NULL CHECK (provider IN ('momo', 'orange_money')),
  payee_enc      text NOT NULL,
  amount_xaf     bigint NOT NULL CHECK (amount_xaf > 0),
  status         text NOT NULL CHECK (status IN ('pending', 'sent', 'succeeded', 'failed', 'manual')),
  reference      text UNIQUE,
  failure_reason text,
  reason         text,
  requested_by   text NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  next_check_at  timestamptz NOT NULL DEFAULT now(),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  settled_at     timestamptz,
  CHECK ((purpose = 'refund') = (payment_id IS NOT NULL)),
  CHECK ((purpose = 'payout') = (party IS NOT NULL AND batch_id IS NOT NULL))
);
CREATE UNIQUE INDEX transfers_one_payout_in_flight ON payments.transfers (party)
  WHERE purpose = 'payout' AND status IN ('pending', 'sent');
CREATE INDEX transfers_due ON payments.transfers (next_check_at) WHERE status IN ('pending', 'sent');
CREATE INDEX transfers_batch ON payments.transfers (batch_id) WHERE batch_id IS NOT NULL;

-- Where a merchant's or rider's payouts go (set by the merchant owner or the rider).
CREATE TABLE payments.payout_accounts (
  party      text PRIMARY KEY,  -- merchant_payable:<id> | rider_earnings:<id>
  provider   text NOT NULL CHECK (provider IN ('momo')),
  payee_enc  text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Reconciliation: the provider's statement against our books, one run per provider at a time.
CREATE TABLE payments.reconciliations (
  id              uuid PRIMARY KEY,
  provider        text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  statement_items integer NOT NULL,
  ledger_items    integer NOT NULL,
  mismatches      integer NOT NULL
);
CREATE INDEX reconciliations_latest ON payments.reconciliations (provider, started_at DESC);
CREATE TABLE payments.mismatches (
  run_id      uuid NOT NULL REFERENCES payments.reconciliations (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('missing_at_provider', 'missing_in_books', 'amount_differs')),
  reference   text NOT NULL,
  external_id text,
  ours_xaf    bigint,
  theirs_xaf  bigint,
  PRIMARY KEY (run_id, reference)
);

CREATE TABLE payments.outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON payments.outbox (created_at) WHERE published_at IS NULL;
CREATE TABLE payments.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
