-- =============================================================================
-- 0014_smart_alert_rules.sql — "Alertes Intelligentes (Essentials+)"
-- =============================================================================
-- A smart rule (`/api/alerts/rules`) watches one metric over a window of `duration_minutes`:
-- `static` compares it with a fixed `threshold`; `adaptive` with the machine's own baseline
-- from `metric_baselines` (p95 + `sigma_factor` standard deviations), so only cpu and ram, the
-- metrics the AI service keeps baselines for. Scope as `alert_rules`: every machine, one
-- machine or one group (deleted with it: SET NULL would widen the rule). See docs/smart-alerts.md.
CREATE TABLE smart_alert_rules (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID              NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name              VARCHAR(100)      NOT NULL CHECK (btrim(name) <> ''),
    metric            VARCHAR(30)       NOT NULL CHECK (metric IN ('cpu', 'ram', 'disk', 'temperature')),
    mode              VARCHAR(10)       NOT NULL CHECK (mode IN ('adaptive', 'static')),
    sigma_factor      DOUBLE PRECISION  CHECK (sigma_factor BETWEEN 1 AND 6),
    threshold         DOUBLE PRECISION  CHECK (threshold BETWEEN 0 AND 150),
    duration_minutes  INT               NOT NULL DEFAULT 10 CHECK (duration_minutes BETWEEN 5 AND 60),
    severity          VARCHAR(20)       NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    enabled           BOOLEAN           NOT NULL DEFAULT true,
    machine_id        UUID,
    group_id          UUID,
    created_by        UUID              REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ       NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ       NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    CONSTRAINT smart_alert_rules_mode CHECK (
        (mode = 'adaptive' AND sigma_factor IS NOT NULL AND threshold IS NULL AND metric IN ('cpu', 'ram'))
        OR (mode = 'static' AND threshold IS NOT NULL AND sigma_factor IS NULL)),
    CONSTRAINT smart_alert_rules_single_target CHECK (machine_id IS NULL OR group_id IS NULL),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, group_id)   REFERENCES groups   (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_smart_alert_rules_client  ON smart_alert_rules (client_id, enabled);
CREATE INDEX idx_smart_alert_rules_machine ON smart_alert_rules (machine_id) WHERE machine_id IS NOT NULL;
CREATE INDEX idx_smart_alert_rules_group   ON smart_alert_rules (group_id)   WHERE group_id IS NOT NULL;

-- The latest alert of each smart rule on each machine: the rule's cooldown (by severity) is
-- claimed on this row with INSERT … ON CONFLICT … DO UPDATE … WHERE, so a restart or a second
-- scheduler replica never sends the same alert twice; `metric` and `severity` as sent serve
-- the grouping with `alert_rule_history` (one alert per machine and metric per 15 minutes).
CREATE TABLE smart_alert_firings (
    client_id   UUID              NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    rule_id     UUID              NOT NULL,
    machine_id  UUID              NOT NULL,
    metric      VARCHAR(30)       NOT NULL,
    severity    VARCHAR(20)       NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    value       DOUBLE PRECISION  NOT NULL,
    threshold   DOUBLE PRECISION  NOT NULL,
    fired_at    TIMESTAMPTZ       NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, machine_id),
    FOREIGN KEY (client_id, rule_id)    REFERENCES smart_alert_rules (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, machine_id) REFERENCES machines          (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_smart_alert_firings_client ON smart_alert_firings (client_id);
CREATE INDEX idx_smart_alert_firings_group  ON smart_alert_firings (machine_id, metric, fired_at DESC);
