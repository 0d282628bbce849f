-- =============================================================================
-- 0003_agent_collect.sql — what POST /agent/collect needs beyond 0001
-- =============================================================================
-- Replay protection: every collect post carries a sequence number, strictly
-- increasing per machine and payload kind (the agent's spool sends each kind in
-- order). A post whose sequence is not above the stored high-water mark is a retry
-- of something already stored: it is acknowledged and not stored again. One row per
-- machine and kind, so the table stays small however long the agents run.
-- A new enrolment (bootstrap) deletes the machine's rows: a reinstalled agent
-- starts counting from 1 again.
CREATE TABLE agent_collect_sequences (
    machine_id     UUID         NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    kind           VARCHAR(30)  NOT NULL CHECK (kind IN
                   ('metrics','storage','storage_health','network','services','security','software','patches','events')),
    last_sequence  BIGINT       NOT NULL CHECK (last_sequence >= 0),
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (machine_id, kind)
);

-- The metrics collector reports the load averages too (Linux and macOS; NULL on Windows).
ALTER TABLE metrics
    ADD COLUMN load_1  DOUBLE PRECISION,
    ADD COLUMN load_5  DOUBLE PRECISION,
    ADD COLUMN load_15 DOUBLE PRECISION;
