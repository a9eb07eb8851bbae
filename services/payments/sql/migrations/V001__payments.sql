-- payments: the double-entry ledger (issue 5). Rules in src/domain/ledger.hpp; the database enforces the
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
                                           'refund')),
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
