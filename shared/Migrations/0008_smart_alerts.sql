-- =============================================================================
-- 0008_smart_alerts.sql — one S.M.A.R.T. alert per failing disk
-- =============================================================================
-- A disk whose latest S.M.A.R.T. report is warning or critical, or that predicts its own
-- failure, is notified once (`smart_warning`): its row here says so. The row goes when the disk
-- is next seen healthy, so a later failure is notified again. `disk` is the drive's serial
-- number, else its device path.
CREATE TABLE smart_alerts (
    client_id    UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id   UUID          NOT NULL,
    disk         VARCHAR(255)  NOT NULL,
    status       VARCHAR(20)   NOT NULL CHECK (status IN ('warning', 'critical', 'predicted_failure')),
    notified_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (machine_id, disk),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_smart_alerts_client ON smart_alerts (client_id);
