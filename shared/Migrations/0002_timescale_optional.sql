-- =============================================================================
-- 0002_timescale_optional.sql — TimescaleDB hypertables, only where TimescaleDB exists
-- =============================================================================
-- Spec: database-security.fr.txt "TimescaleDB" (1-day chunks, compression after
-- 2 days) and "Politiques TimescaleDB natives" (365-day safety-net retention on
-- metrics, disk_info, event_logs, smart_data; 30 days on activity_logs and
-- service_uptime, "Service Uptime Tracking").
--
-- On plain PostgreSQL (tests, CI, `make run`) this block does nothing: the schema
-- of 0001 is complete without it and application queries never need Timescale.
-- It also does nothing when the extension files are installed but the library is
-- not in shared_preload_libraries (CREATE EXTENSION would fail there).
-- Every Timescale call goes through EXECUTE so the block parses without the extension.
-- Per-licence retention stays the scheduler's job; the policies below are the net.
--
-- Compression settings: each table is segmented by the column its foreign key uses
-- (TimescaleDB only allows foreign keys on segment-by columns of a compressed
-- hypertable) and ordered by the remaining primary-key columns.
-- =============================================================================
DO $$
DECLARE
    ts  record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        RAISE NOTICE '0002: timescaledb is not available, time-series tables stay plain tables';
        RETURN;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        IF current_setting('shared_preload_libraries', true) IS NULL
           OR position('timescaledb' IN current_setting('shared_preload_libraries', true)) = 0 THEN
            RAISE NOTICE '0002: timescaledb is installed but not preloaded, time-series tables stay plain tables';
            RETURN;
        END IF;
        EXECUTE 'CREATE EXTENSION IF NOT EXISTS timescaledb';
    END IF;

    FOR ts IN
        SELECT * FROM (VALUES
            -- table,            time column,   segment by,     order by,                     retention
            ('metrics',        'recorded_at', 'machine_id',   'recorded_at DESC, id',        INTERVAL '365 days'),
            ('disk_info',      'recorded_at', 'machine_id',   'recorded_at DESC, id',        INTERVAL '365 days'),
            ('event_logs',     'recorded_at', 'machine_id',   'recorded_at DESC, id',        INTERVAL '365 days'),
            ('smart_data',     'recorded_at', 'machine_id',   'recorded_at DESC, id',        INTERVAL '365 days'),
            ('activity_logs',  'timestamp',   'client_id',    '"timestamp" DESC, id',        INTERVAL '30 days'),
            ('service_uptime', 'checked_at',  'service_name', 'checked_at DESC, id',         INTERVAL '30 days')
        ) AS t(tbl, time_col, segment_by, order_by, retention)
    LOOP
        EXECUTE format(
            'SELECT create_hypertable(%L::regclass, %L::name, chunk_time_interval => INTERVAL %L, '
            'migrate_data => true, if_not_exists => true)',
            ts.tbl, ts.time_col, '1 day');

        EXECUTE format(
            'ALTER TABLE %I SET (timescaledb.compress, timescaledb.compress_segmentby = %L, '
            'timescaledb.compress_orderby = %L)',
            ts.tbl, ts.segment_by, ts.order_by);

        EXECUTE format(
            'SELECT add_compression_policy(%L::regclass, INTERVAL %L, if_not_exists => true)',
            ts.tbl, '2 days');

        EXECUTE format(
            'SELECT add_retention_policy(%L::regclass, %L::interval, if_not_exists => true)',
            ts.tbl, ts.retention);

        RAISE NOTICE '0002: % is a hypertable (1-day chunks, compressed after 2 days, kept %)',
            ts.tbl, ts.retention;
    END LOOP;
END;
$$;
