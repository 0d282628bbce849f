-- =============================================================================
-- 0007_install_token_reenrolment.sql — single-use install tokens, re-enrolment opt-in
-- =============================================================================
-- An install token used to be unlimited unless asked otherwise, and any token re-bound an
-- existing machine (found by hardware id, then host name) to whoever presented it: a live
-- machine could be taken over with an ordinary token. Tokens are now single use unless the
-- admin asks for more (max_usage, 0 still meaning unlimited), and only a token created with
-- allow_reenrolment may re-bind a machine that has a valid certificate and was seen within
-- the last 10 minutes (POST /api/public/bootstrap answers 409 MACHINE_ACTIVE otherwise).
ALTER TABLE install_tokens ALTER COLUMN max_usage SET DEFAULT 1;
ALTER TABLE install_tokens ADD COLUMN allow_reenrolment BOOLEAN NOT NULL DEFAULT false;
