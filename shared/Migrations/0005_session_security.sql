-- =============================================================================
-- 0005_session_security.sql — issue 17, item 11: one-time TOTP codes, and
-- password changes that end every session
-- =============================================================================
-- tokens_valid_after: set when the password is set (reset, change, admin reset).
-- The auth middleware refuses an access token whose iat is earlier, with the user
-- row it already reads; refresh tokens, MFA sessions and reset links of the user
-- end in the same request. NULL: no password change since this column exists.
-- mfa_last_step: the TOTP time step (unix time / 30) of the last code accepted
-- for this user: a code of that step or an earlier one is refused, so a code
-- works once, whichever check (login, MFA removal, activation) used it.
ALTER TABLE users
    ADD COLUMN tokens_valid_after TIMESTAMPTZ,
    ADD COLUMN mfa_last_step      BIGINT CHECK (mfa_last_step >= 0);
