-- Reorder advice reads a store's committed reservations (its sales) over the last weeks: index them by store and
-- time instead of scanning every reservation.
CREATE INDEX reservations_store_committed ON products.reservations (store_id, updated_at) WHERE status = 'committed';
