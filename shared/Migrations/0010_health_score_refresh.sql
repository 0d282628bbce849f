-- =============================================================================
-- 0010_health_score_refresh.sql — when and by what machines.health_score was set
-- =============================================================================
-- The AI service refreshes every machine's health score from its statistics every 15 minutes
-- (docs/ai.md, "Automatic health score"); the paid POST /ai/health-score still writes it too.
-- The latest computation wins: each writer sets health_score_at to the moment its statistics
-- were taken, and the automatic refresh never overwrites a newer score. A machine without a
-- metric sample in the last 24 hours has health_score NULL ("—" in the dashboard) with the
-- time it was found so.
ALTER TABLE machines
    ADD COLUMN health_score_at      TIMESTAMPTZ,   -- NULL = never computed
    ADD COLUMN health_score_source  VARCHAR(10) CHECK (health_score_source IN ('auto', 'analysis'));
