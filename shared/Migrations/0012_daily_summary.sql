-- =============================================================================
-- 0012_daily_summary.sql — when, to whom, and whether today's daily summary went
-- =============================================================================
-- API "Synthèse Quotidienne (Tous plans)": a daily email per client with its machines in
-- alert, the fleet's health score, the top 5 incidents and the 24 h trend. 0001 already has
-- `clients.daily_summary_enabled` (on by default); these say at which hour of which time zone
-- it goes, to whom (empty = the client's admins), and the client's local date it last went
-- out. The scheduler claims a day with one UPDATE ... WHERE daily_summary_sent_on < <today>,
-- so a restart or a second replica never sends the same day twice (docs/daily-summary.md).
ALTER TABLE clients
    ADD COLUMN daily_summary_hour        SMALLINT     NOT NULL DEFAULT 8 CHECK (daily_summary_hour BETWEEN 0 AND 23),
    ADD COLUMN daily_summary_timezone    VARCHAR(64)  NOT NULL DEFAULT 'Europe/Paris' CHECK (btrim(daily_summary_timezone) <> ''),
    ADD COLUMN daily_summary_recipients  TEXT[]       NOT NULL DEFAULT '{}' CHECK (cardinality(daily_summary_recipients) <= 20),
    ADD COLUMN daily_summary_sent_on     DATE;        -- the client's local date of the last summary sent; NULL = never
