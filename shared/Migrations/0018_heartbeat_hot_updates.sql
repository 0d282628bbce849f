-- =============================================================================
-- 0018_heartbeat_hot_updates.sql: a heartbeat rewrites its machine's row in place
-- =============================================================================
-- Every agent's heartbeat (one a minute) sets `machines.last_seen`. Two indexes held that
-- column, so each heartbeat was a non-HOT update: a new row version on another page and a
-- new entry in each of the table's nine indexes, about 170 updates a second for 10,000
-- agents (docs/ingestion.md), and as many dead index entries for vacuum to clear. Without
-- them, and with room left on each page for the new version, the update is HOT: one heap
-- page written, no index touched.
--
-- What read them, and reads without them:
-- - the scheduler's offline check (once a minute): a sequential scan of `machines`, a few
--   milliseconds for 10,000 machines;
-- - machine lists sorted by last seen: within one client, through `(client_id, …)` indexes.
-- =============================================================================

DROP INDEX IF EXISTS idx_machines_client_last_seen;
DROP INDEX IF EXISTS idx_machines_offline;

-- Room for the next version of a row on its own page (new pages; existing ones as they fill).
ALTER TABLE machines SET (fillfactor = 80);
