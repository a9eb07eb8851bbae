-- Units of each ordered product (order.placed's quantities; 1 for events written before they were carried), so
-- the export can give the demand forecasts units sold, not order lines.
ALTER TABLE brain.interactions ADD COLUMN quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0);
