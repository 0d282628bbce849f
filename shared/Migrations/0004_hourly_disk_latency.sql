-- =============================================================================
-- 0004_hourly_disk_latency.sql — disk latency in the hourly roll-ups
-- =============================================================================
-- The AI service's drift baselines (metric_baselines: cpu_percent, ram_percent,
-- disk_latency_ms) are measured on the 7 days of hourly means rather than on every
-- raw sample: a month of 10-second samples never leaves the database, and the
-- current value, an hourly mean, is compared with the spread of hourly means.
-- metrics_hourly had CPU and RAM; it gains disk latency, filled by the scheduler's
-- roll-up job like the other columns (NULL for hours rolled up before).
ALTER TABLE metrics_hourly
    ADD COLUMN disk_latency_avg DOUBLE PRECISION,
    ADD COLUMN disk_latency_max DOUBLE PRECISION;
