-- products: the catalogue (categories, products), store listings with stock, reservations for orders, the stock
-- audit trail, and the outbox/inbox. Search columns are maintained by a trigger (French + English full text on
-- unaccented text, plus a trigram column for typos such as "plantin" → "Plantain").
-- pg_trgm and unaccent must exist in the database: the dev/test server user is a superuser, so this migration
-- creates them; in production a superuser creates them once before `okada migrate` (see the README).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE SCHEMA IF NOT EXISTS products;

CREATE TABLE products.categories (
  id         uuid PRIMARY KEY,
  parent_id  uuid REFERENCES products.categories (id),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,59}$'),
  name_fr    text NOT NULL,
  name_en    text NOT NULL,
  position   int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_parent ON products.categories (parent_id);

INSERT INTO products.categories (id, parent_id, slug, name_fr, name_en, position) VALUES
  ('01930000-0000-7000-8000-000000000001', NULL, 'groceries', 'Épicerie', 'Groceries', 10),
  ('01930000-0000-7000-8000-000000000002', NULL, 'meals', 'Repas', 'Meals', 20),
  ('01930000-0000-7000-8000-000000000003', NULL, 'pharmacy', 'Pharmacie', 'Pharmacy', 30),
  ('01930000-0000-7000-8000-000000000004', NULL, 'drinks', 'Boissons', 'Drinks', 40),
  ('01930000-0000-7000-8000-000000000005', NULL, 'household', 'Maison', 'Household', 50);

CREATE TABLE products.products (
  id              uuid PRIMARY KEY,
  merchant_id     uuid NOT NULL,
  category_id     uuid REFERENCES products.categories (id),
  sku             text NOT NULL,
  name_fr         text NOT NULL,
  name_en         text,
  description_fr  text,
  description_en  text,
  unit            text NOT NULL CHECK (unit IN ('piece', 'kg', 'g', 'l', 'ml', 'pack', 'bunch', 'plate')),
  image_urls      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(image_urls) = 'array'),
  tags            text[] NOT NULL DEFAULT '{}',
  attributes      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  lead_time_days  int NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
  pack_size       int NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
  shelf_life_days int CHECK (shelf_life_days IS NULL OR shelf_life_days >= 1),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  popularity      bigint NOT NULL DEFAULT 0,
  search_vector   tsvector NOT NULL DEFAULT ''::tsvector,
  search_text     text NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, sku)
) WITH (fillfactor = 80);  -- room for HOT updates (popularity from order events)
CREATE INDEX products_category ON products.products (category_id);
CREATE INDEX products_search_vector ON products.products USING gin (search_vector);
CREATE INDEX products_search_trgm ON products.products USING gin (search_text gin_trgm_ops);

CREATE FUNCTION products.refresh_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
      setweight(to_tsvector('french', unaccent(NEW.name_fr)), 'A') ||
      setweight(to_tsvector('english', unaccent(coalesce(NEW.name_en, ''))), 'A') ||
      setweight(to_tsvector('french', unaccent(coalesce(NEW.description_fr, '') || ' ' ||
                                               array_to_string(NEW.tags, ' '))), 'B') ||
      setweight(to_tsvector('english', unaccent(coalesce(NEW.description_en, ''))), 'B');
  NEW.search_text := lower(unaccent(NEW.name_fr || ' ' || coalesce(NEW.name_en, '')));
  RETURN NEW;
END
$$;
CREATE TRIGGER products_search BEFORE INSERT OR UPDATE OF name_fr, name_en, description_fr, description_en, tags
  ON products.products FOR EACH ROW EXECUTE FUNCTION products.refresh_search();

-- Store locations, copied from the users service's API when a listing is written (never read users.*).
CREATE TABLE products.stores (
  id           uuid PRIMARY KEY,
  merchant_id  uuid NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stores_merchant ON products.stores (merchant_id);

-- A product sold in a store. reserved <= on_hand is the last line of defence against overselling.
CREATE TABLE products.listings (
  store_id            uuid NOT NULL REFERENCES products.stores (id),
  product_id          uuid NOT NULL REFERENCES products.products (id),
  merchant_id         uuid NOT NULL,
  price_xaf           bigint NOT NULL CHECK (price_xaf > 0),
  available           boolean NOT NULL DEFAULT true,
  on_hand             int NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved            int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  low_stock_threshold int NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, product_id),
  CHECK (reserved <= on_hand)
) WITH (fillfactor = 80);  -- room for HOT updates (every reservation touches reserved/on_hand)
CREATE INDEX listings_product ON products.listings (product_id);

CREATE TABLE products.reservations (
  order_id   uuid PRIMARY KEY,
  store_id   uuid NOT NULL,
  status     text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_due ON products.reservations (expires_at) WHERE status = 'held';

-- Prices and names are the ones quoted when the stock was reserved.
CREATE TABLE products.reservation_lines (
  order_id       uuid NOT NULL REFERENCES products.reservations (order_id),
  product_id     uuid NOT NULL,
  qty            int NOT NULL CHECK (qty > 0),
  unit_price_xaf bigint NOT NULL,
  name_fr        text NOT NULL,
  name_en        text,
  PRIMARY KEY (order_id, product_id)
);

-- The audit trail of every manual stock change.
CREATE TABLE products.stock_adjustments (
  id            uuid PRIMARY KEY,
  store_id      uuid NOT NULL,
  product_id    uuid NOT NULL,
  delta         int NOT NULL,
  reason        text NOT NULL CHECK (reason IN ('restock', 'damaged', 'expired', 'count_correction', 'theft', 'other')),
  note          text,
  actor_id      uuid NOT NULL,
  on_hand_after int NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_adjustments_store ON products.stock_adjustments (store_id, id);

-- Transactional outbox (same shape as the other services) and the inbox of consumed events (deduplication).
CREATE TABLE products.outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON products.outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE products.inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Statistics refresh by what the planner needs, not by row churn (ADR 0015). Every ANALYZE invalidates the
-- cached plans of every statement on the table in every connection, and with PostgreSQL's defaults (10% of the
-- table changed) these tables were re-analysed on every autovacuum pass under load, stalling checkouts for seconds.
-- - Reservations, their lines, the inbox and outbox are read by key or narrow indexed ranges: the row counts that
--   VACUUM keeps current are enough; analyse once per million changed rows.
-- - Products and listings churn through counters (popularity, reserved, on hand) that no plan depends on; what
--   search plans do depend on (names, categories, prices, the set of listings) changes through catalogue edits and
--   imports, and a CSV import analyses both tables when it ends. Autovacuum still analyses them after 200,000
--   changed rows plus 20% of the table.
ALTER TABLE products.reservations      SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE products.reservation_lines SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE products.inbox             SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE products.outbox            SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000000);
ALTER TABLE products.products SET (autovacuum_analyze_scale_factor = 0.2, autovacuum_analyze_threshold = 200000);
ALTER TABLE products.listings SET (autovacuum_analyze_scale_factor = 0.2, autovacuum_analyze_threshold = 200000);
