-- =============================================================================
-- 0017_apm.sql — "APM - Application Performance Monitoring (Pro+)"
-- =============================================================================
-- An application (`/api/apm/applications`) is an HTTP(S) URL that one machine's agent probes
-- every `interval_seconds` (status, response time, TLS expiry), an optional systemd unit whose
-- journal gives the error rate, and an OTLP/HTTP ingest key (`POST /v1/traces`, `/v1/metrics`)
-- of which only the SHA-256 is kept. Deleted with its client or its machine. See docs/apm.md.
CREATE TABLE apm_applications (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id        UUID          NOT NULL,
    name              VARCHAR(100)  NOT NULL CHECK (btrim(name) <> ''),
    url               VARCHAR(2048) NOT NULL CHECK (url ~ '^https?://'),
    interval_seconds  INT           NOT NULL DEFAULT 60 CHECK (interval_seconds BETWEEN 30 AND 3600),
    expected_status   INT           NOT NULL DEFAULT 200 CHECK (expected_status BETWEEN 100 AND 599),
    timeout_seconds   INT           NOT NULL DEFAULT 10 CHECK (timeout_seconds BETWEEN 1 AND 60),
    journal_unit      VARCHAR(256),
    ingest_key_hash   CHAR(64)      NOT NULL UNIQUE,
    ingest_key_prefix VARCHAR(16)   NOT NULL,
    created_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    UNIQUE (client_id, name),
    UNIQUE (client_id, id),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX apm_applications_machine ON apm_applications (machine_id);

-- The agent's probes (collector `apm`): a time series, kept by the licence's metrics retention
-- like `metrics` (the scheduler's RetentionJob joins `machine_id` to the client).
CREATE TABLE apm_probes (
    application_id    UUID              NOT NULL REFERENCES apm_applications (id) ON DELETE CASCADE,
    machine_id        UUID              NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at       TIMESTAMPTZ       NOT NULL,
    up                BOOLEAN           NOT NULL,
    status_code       INT,
    response_time_ms  DOUBLE PRECISION,
    tls_days_left     INT,
    error_count       INT,
    error             VARCHAR(500),
    PRIMARY KEY (application_id, recorded_at)
);

-- OTLP spans (`POST /v1/traces`, Business+). A re-sent span is stored once. Kept 7 days
-- (the scheduler's fixed retention), by `received_at`.
CREATE TABLE apm_spans (
    application_id  UUID          NOT NULL REFERENCES apm_applications (id) ON DELETE CASCADE,
    trace_id        CHAR(32)      NOT NULL,
    span_id         CHAR(16)      NOT NULL,
    parent_span_id  CHAR(16),
    name            VARCHAR(256)  NOT NULL,
    kind            SMALLINT      NOT NULL DEFAULT 0,
    service_name    VARCHAR(256),
    started_at      TIMESTAMPTZ   NOT NULL,
    start_unix_nano BIGINT        NOT NULL CHECK (start_unix_nano > 0),
    duration_ns     BIGINT        NOT NULL CHECK (duration_ns >= 0),
    status_code     SMALLINT      NOT NULL DEFAULT 0,
    status_message  VARCHAR(1024),
    attributes      JSONB         NOT NULL DEFAULT '{}',
    received_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, trace_id, span_id)
);
CREATE INDEX apm_spans_recent ON apm_spans (application_id, started_at DESC);
CREATE INDEX apm_spans_received ON apm_spans (received_at);

-- OTLP metric points (`POST /v1/metrics`, Enterprise: "custom metrics"): gauges and sums only.
-- Kept 7 days like the spans.
CREATE TABLE apm_metric_points (
    application_id  UUID              NOT NULL REFERENCES apm_applications (id) ON DELETE CASCADE,
    name            VARCHAR(256)      NOT NULL,
    kind            VARCHAR(10)       NOT NULL CHECK (kind IN ('gauge', 'sum')),
    recorded_at     TIMESTAMPTZ       NOT NULL,
    value           DOUBLE PRECISION  NOT NULL,
    attributes      JSONB             NOT NULL DEFAULT '{}',
    received_at     TIMESTAMPTZ       NOT NULL DEFAULT now()
);
CREATE INDEX apm_metric_points_recent ON apm_metric_points (application_id, name, recorded_at DESC);
CREATE INDEX apm_metric_points_received ON apm_metric_points (received_at);

-- The agent's `apm` collector joins the replay marks.
ALTER TABLE agent_collect_sequences DROP CONSTRAINT agent_collect_sequences_kind_check;
ALTER TABLE agent_collect_sequences ADD CONSTRAINT agent_collect_sequences_kind_check CHECK (kind IN
    ('metrics','storage','storage_health','network','services','security','software','patches','events','databases','apm'));
