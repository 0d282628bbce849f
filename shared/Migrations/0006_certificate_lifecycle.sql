-- =============================================================================
-- 0006_certificate_lifecycle.sql — renewal grace and admin renewal requests
-- =============================================================================
-- The 24 h grace of a certificate superseded by a renewal used to be derived from
-- revocation_reason = 'superseded' and machines.cert_revoked_at IS NULL: an admin
-- revocation given the reason "superseded" then got the grace once a re-enrolment
-- reset cert_revoked_at, and a re-enrolment revived the grace an admin revocation had
-- ended. The grace is now its own column, written by the ca only when a renewal
-- supersedes a certificate, and cleared for good by any revocation of the machine.
ALTER TABLE client_certificates ADD COLUMN grace_until TIMESTAMPTZ;

-- Certificates superseded within the last 24 h, while no revocation had ended their grace.
UPDATE client_certificates cc SET grace_until = cc.revoked_at + INTERVAL '24 hours'
FROM machines m
WHERE m.id = cc.machine_id AND m.cert_revoked_at IS NULL
  AND cc.revocation_reason = 'superseded' AND cc.revoked_at > now() - INTERVAL '24 hours';

-- POST /api/machines/:id/certificate/renew asks the agent to renew at its next heartbeat
-- (the agent then calls /agent/certificate/renew); the next certificate issued clears it.
ALTER TABLE machines ADD COLUMN cert_renewal_requested_at TIMESTAMPTZ;
