-- =============================================================================
-- 0016_database_monitoring.sql — "Monitoring Bases de Données (Pro+)"
-- =============================================================================
-- `monitored_databases`: the databases a client watches (`/api/databases`), each collected by
-- the agent of one of its machines. The password is stored encrypted (AES-256-GCM, the api's
-- DATABASE_CREDENTIALS_KEY): `password_sealed` is nonce ‖ ciphertext ‖ tag, never plaintext.
-- The latest slow queries and the figures the agent could not read (`missing`) live on the row;
-- the samples go to `database_metrics` (a time series, kept by the licence's metrics retention).
CREATE TABLE monitored_databases (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id        UUID          NOT NULL,
    name              VARCHAR(100),
    engine            VARCHAR(20)   NOT NULL CHECK (engine IN ('postgresql', 'mysql')),
    host              VARCHAR(255)  NOT NULL CHECK (btrim(host) <> ''),
    port              INT           NOT NULL CHECK (port BETWEEN 1 AND 65535),
    database_name     VARCHAR(128)  NOT NULL CHECK (btrim(database_name) <> ''),
    username          VARCHAR(128)  NOT NULL CHECK (btrim(username) <> ''),
    password_sealed   BYTEA,
    enabled           BOOLEAN       NOT NULL DEFAULT true,
    slow_queries      JSONB         NOT NULL DEFAULT '[]',
    missing           JSONB         NOT NULL DEFAULT '[]',
    last_error        TEXT,
    last_collected_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_monitored_databases_client  ON monitored_databases (client_id, created_at);
CREATE INDEX idx_monitored_databases_machine ON monitored_databases (machine_id);

-- One sample a minute per database; NULL: the figure was not available (see `missing`).
-- `deadlocks_count`: deadlocks since the previous sample (the server's counter as a delta).
CREATE TABLE database_metrics (
    database_id          UUID              NOT NULL REFERENCES monitored_databases (id) ON DELETE CASCADE,
    machine_id           UUID              NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at          TIMESTAMPTZ       NOT NULL,
    connections_active   INT               CHECK (connections_active >= 0),
    connections_idle     INT               CHECK (connections_idle >= 0),
    query_time_avg_ms    DOUBLE PRECISION  CHECK (query_time_avg_ms >= 0),
    slow_queries_count   BIGINT            CHECK (slow_queries_count >= 0),
    deadlocks_count      BIGINT            CHECK (deadlocks_count >= 0),
    cache_hit_ratio      DOUBLE PRECISION  CHECK (cache_hit_ratio BETWEEN 0 AND 100),
    replication_lag_ms   DOUBLE PRECISION  CHECK (replication_lag_ms >= 0),
    PRIMARY KEY (database_id, recorded_at)
);
CREATE INDEX idx_database_metrics_machine ON database_metrics (machine_id, recorded_at);

-- The agents' replay marks accept the new collector.
ALTER TABLE agent_collect_sequences DROP CONSTRAINT agent_collect_sequences_kind_check;
ALTER TABLE agent_collect_sequences ADD CONSTRAINT agent_collect_sequences_kind_check CHECK (kind IN
    ('metrics','storage','storage_health','network','services','security','software','patches','events','databases'));

-- Alert rules on a machine's monitored databases (`MachineAlertJob`): the busiest connection
-- count, the lowest cache hit ratio, the longest replication lag in ms, of the latest samples.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_metric_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_metric_check CHECK (metric IN
    ('cpu', 'ram', 'disk', 'temperature', 'offline_minutes', 'db_connections', 'db_cache_hit_ratio', 'db_replication_lag_ms'));
