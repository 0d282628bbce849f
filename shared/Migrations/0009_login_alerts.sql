-- =============================================================================
-- 0009_login_alerts.sql — brute-force alerts, once per account or address per hour
-- =============================================================================
-- The scheduler's login-alerts job counts the failed logins of the last 15 minutes (the
-- activity log's "Échec de connexion" rows) per account and per address; past its thresholds
-- it alerts (`brute_force`) and writes the subject here, so the same account or address is
-- alerted again only an hour later if the attempts go on. Rows older than a day are removed.
CREATE TABLE login_alerts (
    kind        VARCHAR(10)   NOT NULL CHECK (kind IN ('account', 'address')),
    subject     VARCHAR(320)  NOT NULL,   -- the email tried, or the address
    alerted_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, subject)
);
