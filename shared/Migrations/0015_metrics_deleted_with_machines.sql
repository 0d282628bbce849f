-- =============================================================================
-- 0015_metrics_deleted_with_machines.sql: `metrics` rows go with their machine by one
-- statement per deletion instead of a foreign-key check per inserted row
-- =============================================================================
-- The ingest benchmark (docs/ingestion.md) found the foreign key of `metrics` taking
-- about 30 % of PostgreSQL's time for a batch of metrics posts: a lookup of the machine
-- and a row lock on it (FOR KEY SHARE, which writes WAL and conflicts with a heartbeat's
-- update of the same machine) for every row, about 1,000 rows a second for 10,000 agents.
--
-- What the key guaranteed still holds:
-- - no row for a machine that does not exist: the api stores a `metrics` row only in the
--   statement that locks the post's replay mark in `agent_collect_sequences` (FOR UPDATE),
--   a row that has its own foreign key to `machines` and goes with the machine. A machine
--   being deleted meanwhile waits for that lock; the rows committed before are then deleted
--   by the trigger below, which runs after the cascade;
-- - a machine's rows go with it, whether the machine is deleted alone or with its client:
--   the statement trigger below, fired by every deletion from `machines`, cascades included.
-- =============================================================================

ALTER TABLE metrics DROP CONSTRAINT metrics_machine_id_fkey;

CREATE FUNCTION delete_metrics_of_deleted_machines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM metrics m USING deleted_machines d WHERE m.machine_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER machines_delete_metrics AFTER DELETE ON machines
    REFERENCING OLD TABLE AS deleted_machines
    FOR EACH STATEMENT EXECUTE FUNCTION delete_metrics_of_deleted_machines();
