-- =============================================================================
-- 0001_core.sql — Optralis core schema (plain PostgreSQL 15, no extension)
-- =============================================================================
-- Source of truth: specs/database-security.fr.txt ("DB" below) and
-- specs/backend-api.fr.txt ("API" below). Section names are quoted as in the spec.
--
-- Conventions
--   * UUID primary keys with DEFAULT gen_random_uuid() (built into PostgreSQL 13+).
--   * Every timestamp is TIMESTAMPTZ.
--   * Tenant tables carry client_id NOT NULL REFERENCES clients ON DELETE CASCADE and
--     an index that starts with client_id. High-volume time-series tables reach their
--     client through machine_id instead (API "Cascade Deletes": deleting a machine or a
--     client removes its data through ON DELETE CASCADE).
--   * Where a tenant row points at another tenant row (machine -> group, rule -> channel,
--     machine_labels, ...) the foreign key is composite, (client_id, x_id) ->
--     x(client_id, id), so the database itself refuses a cross-tenant link.
--     `ON DELETE SET NULL (col)` (PostgreSQL 15+) nulls only the pointer column.
--   * Time-series tables (metrics, disk_info, event_logs, smart_data, activity_logs,
--     service_uptime) have a primary key that includes their time column, so
--     0002_timescale_optional.sql can turn them into hypertables. They carry no
--     range CHECKs on measured values: one bad sample must not reject a whole batch.
--   * Hourly roll-ups (metrics_hourly, disk_hourly, network_hourly) are ordinary tables
--     filled by the scheduler, so queries are identical with or without TimescaleDB.
--   * IP addresses are VARCHAR(45) (IPv6 text form), not INET: the Swift driver binds
--     strings as text, and the value is only ever displayed or logged.
--   * The runner wraps this file in one transaction: no BEGIN/COMMIT here.
-- =============================================================================


-- -----------------------------------------------------------------------------
-- Helper: keep updated_at current on every UPDATE.
-- -----------------------------------------------------------------------------
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;


-- =============================================================================
-- 1. Licensing and tenants
-- =============================================================================

-- API "Gestion des Licences" (/api/admin/license-types CRUD), DB "Rétention par Licence",
-- API "Système de Quota" (AI monthly quota per licence).
-- max_machines: the spec gives no figures; the seeded values are a product default
-- the super admin edits. NULL = unlimited.
CREATE TABLE license_types (
    id                      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    code                    VARCHAR(30)  NOT NULL UNIQUE
                            CHECK (code ~ '^[a-z][a-z0-9_]{1,29}$'),
    name                    VARCHAR(100) NOT NULL,
    tier_level              INT          NOT NULL DEFAULT 0 CHECK (tier_level >= 0),   -- for "Essentials+"-style gates
    max_machines            INT          CHECK (max_machines IS NULL OR max_machines > 0),
    metrics_retention_days  INT          NOT NULL CHECK (metrics_retention_days BETWEEN 1 AND 3650), -- metrics, disk_info, smart_data, hourly roll-ups
    events_retention_days   INT          NOT NULL CHECK (events_retention_days  BETWEEN 1 AND 3650), -- event_logs
    ai_monthly_quota        INT          NOT NULL DEFAULT 0 CHECK (ai_monthly_quota >= 0),
    is_active               BOOLEAN      NOT NULL DEFAULT true,
    created_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ  NOT NULL DEFAULT now()
);

INSERT INTO license_types
    (code, name, tier_level, max_machines, metrics_retention_days, events_retention_days, ai_monthly_quota)
VALUES
    ('trial',      'Trial',      0,    5,   7,   7,    50),
    ('starter',    'Starter',    1,   10,  30,  30,   150),
    ('essentials', 'Essentials', 2,   25,  30,  30,   300),
    ('pro',        'Pro',        3,  100,  90,  90,  1500),
    ('business',   'Business',   4,  500,  90,  90,  5000),
    ('enterprise', 'Enterprise', 5, NULL, 365, 365, 15000);

-- API "Modèles de Données" (Client), "Gestion des Clients", AI scheduler query
-- (c.license_type, c.license_status), DB "Rappels Expiration Licence".
CREATE TABLE clients (
    id                     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name                   VARCHAR(255) NOT NULL CHECK (btrim(name) <> ''),
    -- Client.LicenseID: the licence key, regenerable by POST /api/admin/clients/:id/regenerate-license-id
    license_id             UUID         NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    license_type           VARCHAR(30)  NOT NULL DEFAULT 'trial'
                           REFERENCES license_types (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    license_status         VARCHAR(20)  NOT NULL DEFAULT 'active'
                           CHECK (license_status IN ('active', 'expired', 'suspended')),
    license_started_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    license_expires_at     TIMESTAMPTZ,                 -- NULL = no expiry
    language               VARCHAR(5)   NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    -- API "Synthèse Quotidienne (Tous plans)": Settings > Notifications > Synthèse quotidienne
    daily_summary_enabled  BOOLEAN      NOT NULL DEFAULT true,
    created_at             TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX idx_clients_license_type    ON clients (license_type);
CREATE INDEX idx_clients_license_expires ON clients (license_expires_at) WHERE license_expires_at IS NOT NULL;

-- API "Multi-Sites (Business+)" gives this table verbatim (plus updated_at).
CREATE TABLE sites (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id   UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name        VARCHAR(100) NOT NULL CHECK (btrim(name) <> ''),
    location    VARCHAR(200),
    timezone    VARCHAR(50)  NOT NULL DEFAULT 'Europe/Paris',
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    UNIQUE (client_id, name)
);


-- =============================================================================
-- 2. Users and authentication
-- =============================================================================

-- API "Modèles de Données" (User), "Système Multi-Utilisateurs" (roles, unique email),
-- DB "Politique des Mots de Passe" (90-day expiry, change at first login), API "MFA".
-- super_admin users may have no client (client_id NULL); admin and observer must have one.
CREATE TABLE users (
    id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id             UUID         REFERENCES clients (id) ON DELETE CASCADE,
    email                 VARCHAR(255) NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    password_hash         VARCHAR(255) NOT NULL CHECK (password_hash ~ '^\$2[aby]\$'),  -- bcrypt, cost 12
    first_name            VARCHAR(100) NOT NULL DEFAULT '',
    last_name             VARCHAR(100) NOT NULL DEFAULT '',
    role                  VARCHAR(20)  NOT NULL DEFAULT 'observer'
                          CHECK (role IN ('super_admin', 'admin', 'observer')),
    language              VARCHAR(5)   NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    must_change_password  BOOLEAN      NOT NULL DEFAULT true,
    password_changed_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    password_expires_at   TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '90 days',
    -- TOTP: secret is written at /api/users/mfa/setup, mfa_enabled flips at /api/users/mfa/verify
    -- (a secret with mfa_enabled = false is a pending setup). mfa_enabled_at = "verified_at".
    mfa_secret            TEXT,
    mfa_enabled           BOOLEAN      NOT NULL DEFAULT false,
    mfa_enabled_at        TIMESTAMPTZ,
    -- Not named by the spec: lets the api detect brute force (alert type brute_force)
    -- even when Redis, which holds the rate-limit counters, is down.
    failed_login_count    INT          NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    last_failed_login_at  TIMESTAMPTZ,
    last_login_at         TIMESTAMPTZ,
    created_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT users_tenant_role CHECK (role = 'super_admin' OR client_id IS NOT NULL),
    CONSTRAINT users_mfa_needs_secret CHECK (NOT mfa_enabled OR mfa_secret IS NOT NULL)
);
-- "Email unique: contrainte UNIQUE sur email" — made case-insensitive.
CREATE UNIQUE INDEX idx_users_email_lower ON users (lower(email));
-- API "Index critiques": idx_users_client_id, idx_users_totp_enabled (partial).
CREATE INDEX idx_users_client_id      ON users (client_id, role);
CREATE INDEX idx_users_totp_enabled   ON users (id) WHERE mfa_enabled;
CREATE INDEX idx_users_password_expiry ON users (password_expires_at);

-- API "POST /api/users/mfa/setup" returns backup codes; "backup_codes_left" in the status.
-- Stored hashed (never in clear); used_at marks a consumed code.
CREATE TABLE user_backup_codes (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   VARCHAR(255) NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX idx_user_backup_codes_user ON user_backup_codes (user_id) WHERE used_at IS NULL;

-- API "POST /auth/mfa/verify" ({mfa_session_id, code}; "Session MFA invalide/expirée").
-- Kept in PostgreSQL so MFA login works when Redis is down; the id given to the
-- browser is a random token, only its SHA-256 is stored.
CREATE TABLE mfa_sessions (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    attempts     INT          NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ip_address   VARCHAR(45),
    user_agent   VARCHAR(512),
    expires_at   TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '5 minutes',
    used_at      TIMESTAMPTZ,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX idx_mfa_sessions_user    ON mfa_sessions (user_id);
CREATE INDEX idx_mfa_sessions_expires ON mfa_sessions (expires_at);

-- DB "Token Rotation & Theft Detection": family_id, rotation_count, soft delete
-- (is_revoked), IP and User-Agent per token. 7-day lifetime (DB "Authentification").
CREATE TABLE refresh_tokens (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash      VARCHAR(64)  NOT NULL UNIQUE,          -- SHA-256 hex of the token
    family_id       UUID         NOT NULL,                  -- one per login session
    rotation_count  INT          NOT NULL DEFAULT 0 CHECK (rotation_count >= 0),
    is_revoked      BOOLEAN      NOT NULL DEFAULT false,
    revoked_at      TIMESTAMPTZ,
    revoked_reason  VARCHAR(50),                            -- rotated, logout, theft_detected, ...
    ip_address      VARCHAR(45),
    user_agent      VARCHAR(512),
    expires_at      TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '7 days',
    last_used_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT refresh_tokens_revocation CHECK (NOT is_revoked OR revoked_at IS NOT NULL)
);
CREATE INDEX idx_refresh_tokens_user    ON refresh_tokens (user_id);
CREATE INDEX idx_refresh_tokens_family  ON refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_expires ON refresh_tokens (expires_at);

-- DB "Token Blacklist": Redis is the fast path; this is the audit table
-- ("DB Audit: Table token_blacklist pour traçabilité"), purged hourly once expired.
-- Deleting the user sets user_id NULL; the jti, reason and times stay for the audit.
CREATE TABLE token_blacklist (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    jti             VARCHAR(64)  NOT NULL UNIQUE,           -- JWT id of the access token
    user_id         UUID         REFERENCES users (id) ON DELETE SET NULL,
    reason          VARCHAR(50)  NOT NULL DEFAULT 'logout',
    ip_address      VARCHAR(45),
    user_agent      VARCHAR(512),
    expires_at      TIMESTAMPTZ  NOT NULL,                  -- the token's own exp
    blacklisted_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX idx_token_blacklist_expires ON token_blacklist (expires_at);
CREATE INDEX idx_token_blacklist_user    ON token_blacklist (user_id);

-- DB "Politique des Mots de Passe": reset token valid 1 hour; API /auth/*-reset*.
CREATE TABLE password_reset_tokens (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,              -- SHA-256 hex, never the token
    expires_at   TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '1 hour',
    used_at      TIMESTAMPTZ,
    ip_address   VARCHAR(45),
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX idx_password_reset_tokens_user    ON password_reset_tokens (user_id);
CREATE INDEX idx_password_reset_tokens_expires ON password_reset_tokens (expires_at);


-- =============================================================================
-- 3. Machines and their organisation
-- =============================================================================

-- DB "Validation des Entrées": group name 1-50 chars trimmed, colour #XXXXXX.
CREATE TABLE groups (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id   UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name        VARCHAR(50)  NOT NULL CHECK (name = btrim(name) AND char_length(name) BETWEEN 1 AND 50),
    color       VARCHAR(7)   NOT NULL DEFAULT '#3b82f6' CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    UNIQUE (client_id, name)
);

-- API "Modèles de Données" (Machine), "Anti-Spam Machine Offline" (offline_notified_at),
-- DB "Colonnes certificat dans machines", "Colonne de synchronisation configuration",
-- API routes /channel, /maintenance, /force-collect, "Validation Conformité OS",
-- "Multi-Sites" (site_id), "Configuration IA" (criticality lives in ai_machine_classifications).
CREATE TABLE machines (
    id                          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id                   UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    group_id                    UUID,
    site_id                     UUID,
    hostname                    VARCHAR(255) NOT NULL CHECK (char_length(hostname) BETWEEN 1 AND 255),
    hardware_id                 VARCHAR(255),                 -- persistent hardware GUID
    os                          VARCHAR(100),
    os_version                  VARCHAR(255),
    architecture                VARCHAR(20)  CHECK (architecture IN ('amd64', 'arm64')),
    ip_address                  VARCHAR(45),                  -- local IP reported by the agent
    agent_version               VARCHAR(50),
    update_channel              VARCHAR(20)  NOT NULL DEFAULT 'stable' CHECK (update_channel IN ('stable', 'beta')),
    last_seen                   TIMESTAMPTZ,
    health_score                INT          CHECK (health_score BETWEEN 0 AND 100),
    is_os_compliant             BOOLEAN      NOT NULL DEFAULT true,
    offline_notified_at         TIMESTAMPTZ,                  -- NULL = online / never notified
    maintenance_mode            BOOLEAN      NOT NULL DEFAULT false,
    maintenance_started_at      TIMESTAMPTZ,
    maintenance_until           TIMESTAMPTZ,                  -- NULL = until turned off
    force_collect_requested_at  TIMESTAMPTZ,                  -- set by force-collect, cleared when the agent picks it up
    cert_serial                 VARCHAR(64),
    cert_issued_at              TIMESTAMPTZ,
    cert_expires_at             TIMESTAMPTZ,
    cert_revoked_at             TIMESTAMPTZ,
    last_config_sync            TIMESTAMPTZ,
    created_at                  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    FOREIGN KEY (client_id, group_id) REFERENCES groups (client_id, id) ON DELETE SET NULL (group_id),
    FOREIGN KEY (client_id, site_id)  REFERENCES sites  (client_id, id) ON DELETE SET NULL (site_id)
);
-- DB "Index Fonctionnel: Index sur LOWER(hostname)", API "Index critiques": idx_machines_hostname_lower.
-- Scoped by tenant and unique: the API addresses machines by hostname (/by-hostname/:hostname).
CREATE UNIQUE INDEX idx_machines_hostname_lower ON machines (client_id, lower(hostname));
-- API "Machine Lookup": by LOWER(hardware_id) first. Not unique: cloned VMs can share a GUID.
CREATE INDEX idx_machines_hardware_id_lower ON machines (client_id, lower(hardware_id)) WHERE hardware_id IS NOT NULL;
CREATE INDEX idx_machines_client_last_seen ON machines (client_id, last_seen);
CREATE INDEX idx_machines_group   ON machines (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX idx_machines_site    ON machines (site_id)  WHERE site_id IS NOT NULL;
CREATE INDEX idx_machines_offline ON machines (last_seen) WHERE offline_notified_at IS NULL AND NOT maintenance_mode;
CREATE INDEX idx_machines_cert_serial ON machines (cert_serial) WHERE cert_serial IS NOT NULL;

-- API "Labels (Tags Machines)": key max 50 chars, colour hex (default blue), 409 on duplicate key.
CREATE TABLE labels (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id   UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    key         VARCHAR(50)  NOT NULL CHECK (key = btrim(key) AND char_length(key) BETWEEN 1 AND 50),
    color       VARCHAR(7)   NOT NULL DEFAULT '#3b82f6' CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    UNIQUE (client_id, key)
);

-- API "POST /api/labels/assign" (value max 100, ON CONFLICT (machine_id, label_id)).
-- The "max 10 labels per machine" rule is enforced by the api in the same transaction.
CREATE TABLE machine_labels (
    client_id    UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id   UUID         NOT NULL,
    label_id     UUID         NOT NULL,
    value        VARCHAR(100) NOT NULL CHECK (char_length(value) BETWEEN 1 AND 100),
    assigned_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (machine_id, label_id),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, label_id)   REFERENCES labels   (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_machine_labels_client_label ON machine_labels (client_id, label_id, value);

-- API "Collection Settings": priority, scope, intervals in seconds per collector;
-- resolution machine > label > group > global > default ("GET /agent/config/collectors").
-- Per-collector min/max bounds are checked by the api (they are product rules, not integrity).
CREATE TABLE collection_settings (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id           UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name                VARCHAR(100) NOT NULL CHECK (btrim(name) <> ''),
    priority            INT          NOT NULL DEFAULT 0,
    scope               VARCHAR(20)  NOT NULL DEFAULT 'global'
                        CHECK (scope IN ('global', 'group', 'label', 'machine')),
    machine_id          UUID,
    group_id            UUID,
    label_id            UUID,
    label_value         VARCHAR(100),                       -- NULL = any value of the label
    intervals           JSONB        NOT NULL DEFAULT '{}'::jsonb,
    collectors_enabled  JSONB        NOT NULL DEFAULT '{}'::jsonb,   -- {"software": false, ...}; absent = enabled
    created_by          UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT collection_settings_scope_target CHECK (
        (scope = 'global'  AND machine_id IS NULL     AND group_id IS NULL     AND label_id IS NULL) OR
        (scope = 'machine' AND machine_id IS NOT NULL AND group_id IS NULL     AND label_id IS NULL) OR
        (scope = 'group'   AND machine_id IS NULL     AND group_id IS NOT NULL AND label_id IS NULL) OR
        (scope = 'label'   AND machine_id IS NULL     AND group_id IS NULL     AND label_id IS NOT NULL)),
    CONSTRAINT collection_settings_intervals_keys CHECK (
        jsonb_typeof(intervals) = 'object' AND
        intervals - ARRAY['metrics','storage','storage_health','network','services','security','software','patches'] = '{}'::jsonb),
    CONSTRAINT collection_settings_enabled_keys CHECK (
        jsonb_typeof(collectors_enabled) = 'object' AND
        collectors_enabled - ARRAY['metrics','storage','storage_health','network','services','security','software','patches'] = '{}'::jsonb),
    -- A setting whose target is deleted is deleted with it (it would otherwise widen to 'global').
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, group_id)   REFERENCES groups   (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, label_id)   REFERENCES labels   (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_collection_settings_client ON collection_settings (client_id, scope, priority DESC);

-- DB "Tables Snapshot": last JSON of each collector per machine, UPSERT on (machine_id, collector).
CREATE TABLE machine_collector_data (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    machine_id    UUID         NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    collector     VARCHAR(30)  NOT NULL CHECK (collector IN
                  ('metrics','storage','storage_health','network','services','security','software','patches')),
    data          JSONB        NOT NULL,
    collected_at  TIMESTAMPTZ,                               -- agent's timestamp, when sent
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (machine_id, collector)
);

-- DB "Colonnes machine_inventory (snapshot)": one row per machine, updated by the
-- services, security, software, network and patches collectors.
CREATE TABLE machine_inventory (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    machine_id           UUID         NOT NULL UNIQUE REFERENCES machines (id) ON DELETE CASCADE,
    antivirus_name       VARCHAR(255),
    antivirus_version    TEXT,
    antivirus_enabled    BOOLEAN,
    antivirus_updated    BOOLEAN,
    firewall_enabled     BOOLEAN,
    bitlocker_enabled    BOOLEAN,
    secure_boot_enabled  BOOLEAN,
    services_total       INT,
    services_running     INT,
    services_failed      INT,
    all_services         JSONB,
    failed_services      JSONB,
    software_count       INT,
    software_details     JSONB,
    users_total          INT,
    users_admin          INT,
    users_details        JSONB,
    ports_open           INT,
    ports_risky_open     INT,
    all_ports            JSONB,
    risky_ports_details  JSONB,
    network_interfaces   JSONB,
    pending_updates      INT,
    security_updates     INT,
    reboot_required      BOOLEAN,
    patches_auto_update  BOOLEAN,
    patches_last_check   TIMESTAMPTZ,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- API routes /api/machines/by-hostname/:hostname/risk-overrides (list, create-or-update,
-- delete). The spec names no columns: an override marks one risk item of a machine
-- (risk_type e.g. 'risky_port', risk_key e.g. '3389/tcp') as accepted by the tenant.
CREATE TABLE machine_risk_overrides (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id   UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id  UUID         NOT NULL,
    risk_type   VARCHAR(50)  NOT NULL CHECK (risk_type ~ '^[a-z][a-z0-9_]*$'),
    risk_key    VARCHAR(255) NOT NULL DEFAULT '',            -- '' = the whole risk type
    status      VARCHAR(20)  NOT NULL DEFAULT 'accepted'
                CHECK (status IN ('accepted', 'false_positive', 'mitigated')),
    reason      TEXT,
    expires_at  TIMESTAMPTZ,                                 -- NULL = permanent
    created_by  UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (machine_id, risk_type, risk_key),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_machine_risk_overrides_client ON machine_risk_overrides (client_id, machine_id);


-- =============================================================================
-- 4. Agents: certificates, install tokens, versions, OS requirements
-- =============================================================================

-- DB "Table client_certificates". One active certificate per machine.
-- machine_id is nullable and SET NULL on machine deletion (not CASCADE): a deleted
-- machine's certificate stays valid cryptographically for up to a year, so its revoked
-- row must survive to stay in the CRL. The api revokes it before deleting the machine.
CREATE TABLE client_certificates (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id          UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id         UUID,
    serial             VARCHAR(64)  NOT NULL UNIQUE,
    issued_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at         TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '1 year',
    revoked_at         TIMESTAMPTZ,                          -- NULL = valid
    revocation_reason  TEXT,
    created_by         UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT client_certificates_validity CHECK (expires_at > issued_at),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE SET NULL (machine_id)
);
CREATE INDEX idx_client_certificates_machine_id ON client_certificates (machine_id);
-- The spec's predicate is "revoked_at IS NULL AND expires_at > NOW()", but an index
-- predicate must be IMMUTABLE and NOW() is not, so PostgreSQL refuses it. We index
-- "revoked_at IS NULL" only; consequences for the ca service:
--   * issuing a new certificate first sets revoked_at on the machine's previous one
--     (reason 'superseded'), even if that one has already expired;
--   * the renewal grace period (API "POST /agent/certificate/renew": old certificate
--     soft-revoked with 24 h grace) is written as revoked_at = now() + 24 h, and the
--     revocation check treats a revoked_at in the future as "still valid until then".
CREATE UNIQUE INDEX idx_client_certificates_active_machine
    ON client_certificates (machine_id) WHERE revoked_at IS NULL;
CREATE INDEX idx_client_certificates_client  ON client_certificates (client_id, expires_at);
CREATE INDEX idx_client_certificates_revoked ON client_certificates (revoked_at) WHERE revoked_at IS NOT NULL;

-- DB "Table install_tokens" (SHA-256 of a 256-bit token, 15 min default, 60 min max).
-- platform is not in the spec's column list: it serves GET /api/install-tokens/windows/active.
CREATE TABLE install_tokens (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id     UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    token_hash    VARCHAR(255) NOT NULL,
    name          VARCHAR(100) NOT NULL DEFAULT '',
    platform      VARCHAR(10)  NOT NULL DEFAULT 'any' CHECK (platform IN ('any', 'linux', 'windows')),
    expires_at    TIMESTAMPTZ  NOT NULL DEFAULT now() + INTERVAL '15 minutes',
    usage_count   INT          NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
    max_usage     INT          NOT NULL DEFAULT 0 CHECK (max_usage >= 0),   -- 0 = unlimited
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,                              -- NULL = active
    created_by    UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT install_tokens_expiry CHECK (expires_at > created_at),
    CONSTRAINT install_tokens_usage  CHECK (max_usage = 0 OR usage_count <= max_usage)
);
CREATE UNIQUE INDEX idx_install_tokens_hash ON install_tokens (token_hash);
CREATE INDEX idx_install_tokens_client  ON install_tokens (client_id, expires_at DESC);
CREATE INDEX idx_install_tokens_expires ON install_tokens (expires_at);

-- API "GET /api/public/latest-version" response, "Gestion Agent Versions" (promote, delete).
-- Global (not tenant) data.
CREATE TABLE agent_versions (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    version          VARCHAR(50)  NOT NULL,
    channel          VARCHAR(20)  NOT NULL DEFAULT 'stable' CHECK (channel IN ('stable', 'beta')),
    platform         VARCHAR(20)  NOT NULL CHECK (platform IN ('windows', 'linux')),
    architecture     VARCHAR(20)  NOT NULL DEFAULT 'amd64' CHECK (architecture IN ('amd64', 'arm64')),
    download_url     TEXT         NOT NULL,
    file_path        TEXT,                                   -- file on the server, removed on DELETE
    checksum_sha256  CHAR(64)     NOT NULL CHECK (checksum_sha256 ~ '^[0-9a-f]{64}$'),
    file_size_bytes  BIGINT       NOT NULL CHECK (file_size_bytes >= 0),
    changelog        TEXT         NOT NULL DEFAULT '',
    is_active        BOOLEAN      NOT NULL DEFAULT true,
    created_by       UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (version, channel, platform, architecture)
);
-- At most one active version per (channel, platform, architecture).
CREATE UNIQUE INDEX idx_agent_versions_active
    ON agent_versions (channel, platform, architecture) WHERE is_active;

-- DB "agent_requirements": singleton, seeded with the spec's defaults.
CREATE TABLE agent_requirements (
    id                        UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    windows_client_enabled    BOOLEAN     NOT NULL DEFAULT true,
    windows_client_min_build  INT         NOT NULL DEFAULT 0 CHECK (windows_client_min_build >= 0),
    windows_server_enabled    BOOLEAN     NOT NULL DEFAULT true,
    windows_server_min_build  INT         NOT NULL DEFAULT 0 CHECK (windows_server_min_build >= 0),
    linux_enabled             BOOLEAN     NOT NULL DEFAULT true,
    unsupported_os_message    TEXT,
    updated_by                UUID        REFERENCES users (id) ON DELETE SET NULL,
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Singleton: a unique index on a constant allows exactly one row.
CREATE UNIQUE INDEX agent_requirements_singleton ON agent_requirements ((true));
INSERT INTO agent_requirements DEFAULT VALUES;

-- DB "windows_builds": reference list, seeded. UNIQUE(os_type, build_number).
-- The spec lists "LTSC 2021 (19044)" and Windows 10 "21H2" separately, but both are
-- build 19044 and the unique key allows one row: it is named "Windows 10 LTSC 2021 (21H2)".
CREATE TABLE windows_builds (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    os_type       VARCHAR(20)  NOT NULL CHECK (os_type IN ('client', 'server')),
    build_number  INT          NOT NULL CHECK (build_number > 0),
    name          VARCHAR(100) NOT NULL,
    release_date  DATE,
    is_active     BOOLEAN      NOT NULL DEFAULT true,
    sort_order    INT          NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (os_type, build_number)
);
INSERT INTO windows_builds (os_type, build_number, name, release_date, sort_order) VALUES
    ('client', 17763, 'Windows 10 LTSC 2019',        DATE '2018-11-13',  10),
    ('client', 18362, 'Windows 10 (1903)',           DATE '2019-05-21',  20),
    ('client', 18363, 'Windows 10 (1909)',           DATE '2019-11-12',  30),
    ('client', 19041, 'Windows 10 (2004)',           DATE '2020-05-27',  40),
    ('client', 19042, 'Windows 10 (20H2)',           DATE '2020-10-20',  50),
    ('client', 19043, 'Windows 10 (21H1)',           DATE '2021-05-18',  60),
    ('client', 19044, 'Windows 10 LTSC 2021 (21H2)', DATE '2021-11-16',  70),
    ('client', 19045, 'Windows 10 (22H2)',           DATE '2022-10-18',  80),
    ('client', 22000, 'Windows 11 (21H2)',           DATE '2021-10-04',  90),
    ('client', 22621, 'Windows 11 (22H2)',           DATE '2022-09-20', 100),
    ('client', 22631, 'Windows 11 (23H2)',           DATE '2023-10-31', 110),
    ('client', 26100, 'Windows 11 (24H2)',           DATE '2024-10-01', 120),
    ('server', 14393, 'Windows Server 2016',         DATE '2016-10-12',  10),
    ('server', 17763, 'Windows Server 2019',         DATE '2018-11-13',  20),
    ('server', 20348, 'Windows Server 2022',         DATE '2021-08-18',  30),
    ('server', 26100, 'Windows Server 2025',         DATE '2024-11-01',  40);


-- =============================================================================
-- 5. Time series (future hypertables — see 0002)
--    PK includes the time column; (machine_id, recorded_at DESC) index for dashboards.
-- =============================================================================

-- API "Architecture de Stockage des Collectors": the metrics collector (CPU, RAM,
-- uptime, temperature, disk IO) and the network collector (bandwidth, latency,
-- packet loss) both insert here; columns a collector does not fill stay NULL.
CREATE TABLE metrics (
    id                        UUID             NOT NULL DEFAULT gen_random_uuid(),
    machine_id                UUID             NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at               TIMESTAMPTZ      NOT NULL,
    cpu_percent               DOUBLE PRECISION,
    ram_percent               DOUBLE PRECISION,
    ram_used_bytes            BIGINT,
    ram_total_bytes           BIGINT,
    swap_percent              DOUBLE PRECISION,
    uptime_seconds            BIGINT,
    cpu_temp                  DOUBLE PRECISION,          -- °C
    process_count             INT,
    disk_read_bytes_per_sec   DOUBLE PRECISION,
    disk_write_bytes_per_sec  DOUBLE PRECISION,
    disk_latency_ms           DOUBLE PRECISION,          -- drift metric (metric_baselines)
    io_wait_percent           DOUBLE PRECISION,          -- intermittence analysis (> 15 %)
    bytes_recv                DOUBLE PRECISION,          -- bytes/s over the sample interval
    bytes_sent                DOUBLE PRECISION,          -- bytes/s over the sample interval
    packet_loss               DOUBLE PRECISION,          -- percent
    latency_ms                DOUBLE PRECISION,
    PRIMARY KEY (machine_id, recorded_at, id)
);
-- API "Index critiques": idx_metrics_machine_time.
CREATE INDEX idx_metrics_machine_time ON metrics (machine_id, recorded_at DESC);

-- DB "Colonnes disk_info (time-series)": the spec's exact columns.
CREATE TABLE disk_info (
    id            UUID           NOT NULL DEFAULT gen_random_uuid(),
    machine_id    UUID           NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at   TIMESTAMPTZ    NOT NULL,
    mount_point   VARCHAR(255)   NOT NULL,
    device        VARCHAR(255),
    fs_type       VARCHAR(50),
    total_gb      DECIMAL(10,2),
    used_gb       DECIMAL(10,2),
    used_percent  DECIMAL(5,2),
    model         VARCHAR(255),
    interface     VARCHAR(50),
    PRIMARY KEY (machine_id, recorded_at, id)
);
CREATE INDEX idx_disk_info_machine_time ON disk_info (machine_id, recorded_at DESC);

-- Overview "Événements système" (errors and warnings), API /ai/correlate example
-- (source, event_id, message, timestamp). recorded_at is the event's own time.
CREATE TABLE event_logs (
    id           UUID          NOT NULL DEFAULT gen_random_uuid(),
    machine_id   UUID          NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at  TIMESTAMPTZ   NOT NULL,
    log_name     VARCHAR(100),                       -- System, Application, journald unit...
    source       VARCHAR(255),
    event_id     INT,
    level        VARCHAR(20)   NOT NULL CHECK (level IN ('critical', 'error', 'warning', 'info')),
    message      TEXT          NOT NULL DEFAULT '',
    metadata     JSONB,
    received_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (machine_id, recorded_at, id)
);
CREATE INDEX idx_event_logs_machine_time ON event_logs (machine_id, recorded_at DESC);
CREATE INDEX idx_event_logs_machine_level ON event_logs (machine_id, level, recorded_at DESC);

-- API "Modèles de Données des Collectors" — SmartDiskInfo (storage_health).
CREATE TABLE smart_data (
    id                       UUID          NOT NULL DEFAULT gen_random_uuid(),
    machine_id               UUID          NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    recorded_at              TIMESTAMPTZ   NOT NULL,
    device                   VARCHAR(255)  NOT NULL,
    model                    VARCHAR(255),
    serial                   VARCHAR(255),
    firmware                 VARCHAR(100),
    smart_status             VARCHAR(20)   NOT NULL
                             CHECK (smart_status IN ('healthy', 'warning', 'critical', 'virtual', 'unavailable')),
    is_virtual               BOOLEAN       NOT NULL DEFAULT false,
    overall_health_test      VARCHAR(50),
    temperature              INT,
    power_on_hours           BIGINT,
    power_cycle_count        BIGINT,
    reallocated_sectors      BIGINT,
    current_pending_sectors  BIGINT,
    offline_uncorrectable    BIGINT,
    predicted_failure        BOOLEAN       NOT NULL DEFAULT false,
    attributes               JSONB,                  -- raw SMART attribute table, when available
    PRIMARY KEY (machine_id, recorded_at, id)
);
CREATE INDEX idx_smart_data_machine_time ON smart_data (machine_id, recorded_at DESC);

-- API "Activity Logging System" and ActivityLog model (Timestamp, Level, Category,
-- Message, Metadata, ClientID, UserID, IPAddress). Not per machine, so the time index
-- is (client_id, timestamp DESC). client_id is NULL for platform-wide events.
-- user_id has no foreign key on purpose: an audit line keeps the author's id after the
-- user is deleted, and TimescaleDB compression only allows FKs on segment-by columns.
CREATE TABLE activity_logs (
    id          UUID          NOT NULL DEFAULT gen_random_uuid(),
    timestamp   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    level       VARCHAR(10)   NOT NULL DEFAULT 'info' CHECK (level IN ('info', 'warn', 'error')),
    category    VARCHAR(20)   NOT NULL
                CHECK (category IN ('auth', 'email', 'alert', 'system', 'user', 'machine', 'certificate')),
    message     TEXT          NOT NULL,
    metadata    JSONB,
    client_id   UUID          REFERENCES clients (id) ON DELETE CASCADE,
    user_id     UUID,
    ip_address  VARCHAR(45),
    PRIMARY KEY (timestamp, id)
);
CREATE INDEX idx_activity_logs_client_time   ON activity_logs (client_id, timestamp DESC);
CREATE INDEX idx_activity_logs_time          ON activity_logs (timestamp DESC);
CREATE INDEX idx_activity_logs_category_time ON activity_logs (category, timestamp DESC);

-- DB "Table service_uptime" (status page, 30-day retention). Global, not tenant data.
CREATE TABLE service_uptime (
    id                UUID         NOT NULL DEFAULT gen_random_uuid(),
    service_name      VARCHAR(50)  NOT NULL CHECK (service_name ~ '^[a-z][a-z0-9_-]*$'),  -- api, database, ai, ...
    status            VARCHAR(20)  NOT NULL CHECK (status IN ('online', 'degraded', 'offline')),
    response_time_ms  INT          CHECK (response_time_ms >= 0),
    checked_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_name, checked_at, id)
);
CREATE INDEX idx_service_uptime_service_time ON service_uptime (service_name, checked_at DESC);
CREATE INDEX idx_service_uptime_time ON service_uptime (checked_at DESC);

-- API ServiceIncident model and GET /status/incidents. At most one open incident per service.
CREATE TABLE service_incidents (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    service_name  VARCHAR(50)  NOT NULL CHECK (service_name ~ '^[a-z][a-z0-9_-]*$'),
    status        VARCHAR(20)  NOT NULL CHECK (status IN ('degraded', 'offline')),
    started_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    resolved_at   TIMESTAMPTZ,
    description   TEXT,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT service_incidents_period CHECK (resolved_at IS NULL OR resolved_at >= started_at)
);
CREATE INDEX idx_service_incidents_started ON service_incidents (started_at DESC);
CREATE UNIQUE INDEX idx_service_incidents_open ON service_incidents (service_name) WHERE resolved_at IS NULL;


-- =============================================================================
-- 6. Hourly roll-ups — the spec's "metric_aggregates" / continuous aggregates
--    (DB "Continuous Aggregates": metrics_hourly, disk_hourly, network_hourly).
--    Ordinary tables keyed by (machine, hour), upserted by the scheduler every hour
--    (INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE), kept for the
--    licence's MetricsRetentionDays. bucket = start of the UTC hour.
-- =============================================================================

CREATE TABLE metrics_hourly (
    machine_id    UUID             NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    bucket        TIMESTAMPTZ      NOT NULL,
    cpu_avg       DOUBLE PRECISION,
    cpu_min       DOUBLE PRECISION,
    cpu_max       DOUBLE PRECISION,
    ram_avg       DOUBLE PRECISION,
    ram_min       DOUBLE PRECISION,
    ram_max       DOUBLE PRECISION,
    cpu_temp_avg  DOUBLE PRECISION,
    cpu_temp_min  DOUBLE PRECISION,
    cpu_temp_max  DOUBLE PRECISION,
    sample_count  INT              NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
    PRIMARY KEY (machine_id, bucket)
);
CREATE INDEX idx_metrics_hourly_bucket ON metrics_hourly (bucket);

-- Per mount point (the spec's view aggregates disk_usage_avg/max; per-disk keeps it useful).
CREATE TABLE disk_hourly (
    machine_id      UUID             NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    bucket          TIMESTAMPTZ      NOT NULL,
    mount_point     VARCHAR(255)     NOT NULL,
    disk_usage_avg  DOUBLE PRECISION,
    disk_usage_max  DOUBLE PRECISION,
    sample_count    INT              NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
    PRIMARY KEY (machine_id, bucket, mount_point)
);
CREATE INDEX idx_disk_hourly_bucket ON disk_hourly (bucket);

CREATE TABLE network_hourly (
    machine_id        UUID             NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    bucket            TIMESTAMPTZ      NOT NULL,
    bytes_recv_avg    DOUBLE PRECISION,
    bytes_recv_max    DOUBLE PRECISION,
    bytes_sent_avg    DOUBLE PRECISION,
    bytes_sent_max    DOUBLE PRECISION,
    packet_loss_avg   DOUBLE PRECISION,
    packet_loss_max   DOUBLE PRECISION,
    latency_avg       DOUBLE PRECISION,
    latency_max       DOUBLE PRECISION,
    sample_count      INT              NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
    PRIMARY KEY (machine_id, bucket)
);
CREATE INDEX idx_network_hourly_bucket ON network_hourly (bucket);

-- DB "Table metric_baselines (drift detection)": the spec's columns, UNIQUE(machine_id, metric_type).
CREATE TABLE metric_baselines (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    machine_id          UUID          NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    metric_type         VARCHAR(50)   NOT NULL CHECK (metric_type IN ('cpu_percent', 'ram_percent', 'disk_latency_ms')),
    baseline_mean       DECIMAL(10,2),
    baseline_stddev     DECIMAL(10,2),
    baseline_p95        DECIMAL(10,2),
    current_value       DECIMAL(10,2),
    z_score             DECIMAL(10,2),
    warning_threshold   DECIMAL(5,2)  NOT NULL DEFAULT 2.0,
    critical_threshold  DECIMAL(5,2)  NOT NULL DEFAULT 3.0,
    drift_detected      BOOLEAN       NOT NULL DEFAULT false,
    drift_severity      VARCHAR(20)   CHECK (drift_severity IN ('warning', 'critical')),
    drift_explanation   TEXT,
    last_updated        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    UNIQUE (machine_id, metric_type),
    CONSTRAINT metric_baselines_severity CHECK (drift_detected OR drift_severity IS NULL)
);


-- =============================================================================
-- 7. Notifications and alert rules
-- =============================================================================

-- API NotificationChannel model; "Architecture Simplifiée": a channel is a destination
-- (type + name + config: emails or webhook_url). alert_types (empty = every type) comes
-- from the overview's "types d'alertes configurables" and GET /api/notifications/types;
-- it only filters built-in alerts, rules pick their channels in alert_rule_channels.
CREATE TABLE notification_channels (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id    UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    type         VARCHAR(30)   NOT NULL
                 CHECK (type IN ('email', 'webhook_teams', 'webhook_slack', 'webhook_discord')),
    name         VARCHAR(100)  NOT NULL CHECK (btrim(name) <> ''),
    enabled      BOOLEAN       NOT NULL DEFAULT true,
    config       JSONB         NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(config) = 'object'),
    alert_types  TEXT[]        NOT NULL DEFAULT '{}'
                 CHECK (alert_types <@ ARRAY['machine_offline', 'machine_online', 'high_cpu', 'high_ram',
                                             'disk_critical', 'smart_warning', 'brute_force']::text[]),
    created_by   UUID          REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    UNIQUE (client_id, id)
);
CREATE INDEX idx_notification_channels_client ON notification_channels (client_id, enabled);

-- API AlertRule model and "POST /api/alert-rules" (metric, operator, severity lists,
-- cooldown default 60 min, min 5). Scope: all machines, one machine, or one group.
-- A rule whose machine or group is deleted is deleted too (SET NULL would widen it to all machines).
CREATE TABLE alert_rules (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID              NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name              VARCHAR(100)      NOT NULL CHECK (btrim(name) <> ''),
    metric            VARCHAR(30)       NOT NULL
                      CHECK (metric IN ('cpu', 'ram', 'disk', 'temperature', 'offline_minutes')),
    operator          VARCHAR(2)        NOT NULL CHECK (operator IN ('>', '<', '>=', '<=', '==')),
    threshold         DOUBLE PRECISION  NOT NULL,
    severity          VARCHAR(20)       NOT NULL CHECK (severity IN ('low', 'warning', 'critical')),
    enabled           BOOLEAN           NOT NULL DEFAULT true,
    cooldown_minutes  INT               NOT NULL DEFAULT 60 CHECK (cooldown_minutes >= 5),
    machine_id        UUID,
    group_id          UUID,
    created_by        UUID              REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ       NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ       NOT NULL DEFAULT now(),
    UNIQUE (client_id, id),
    CONSTRAINT alert_rules_single_target CHECK (machine_id IS NULL OR group_id IS NULL),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, group_id)   REFERENCES groups   (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_alert_rules_client  ON alert_rules (client_id, enabled);
CREATE INDEX idx_alert_rules_machine ON alert_rules (machine_id) WHERE machine_id IS NOT NULL;
CREATE INDEX idx_alert_rules_group   ON alert_rules (group_id)   WHERE group_id IS NOT NULL;

-- AlertRule.ChannelIDs as a join table, so a deleted channel leaves no dangling id and
-- a rule can only name channels of its own tenant.
CREATE TABLE alert_rule_channels (
    client_id   UUID  NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    rule_id     UUID  NOT NULL,
    channel_id  UUID  NOT NULL,
    PRIMARY KEY (rule_id, channel_id),
    FOREIGN KEY (client_id, rule_id)    REFERENCES alert_rules           (client_id, id) ON DELETE CASCADE,
    FOREIGN KEY (client_id, channel_id) REFERENCES notification_channels (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_alert_rule_channels_client  ON alert_rule_channels (client_id, rule_id);
CREATE INDEX idx_alert_rule_channels_channel ON alert_rule_channels (channel_id);

-- API "GET /api/alert-rules/history" and "Cooldown" (last trigger per rule and machine);
-- DB retention 90 days on triggered_at. The rule's definition is copied so history
-- stays readable after the rule is edited or deleted (rule_id then becomes NULL).
CREATE TABLE alert_rule_history (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID              NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    rule_id           UUID              REFERENCES alert_rules (id) ON DELETE SET NULL,
    machine_id        UUID              NOT NULL,
    rule_name         VARCHAR(100)      NOT NULL,
    metric            VARCHAR(30)       NOT NULL,
    operator          VARCHAR(2)        NOT NULL,
    threshold         DOUBLE PRECISION  NOT NULL,
    severity          VARCHAR(20)       NOT NULL CHECK (severity IN ('low', 'warning', 'critical')),
    triggered_value   DOUBLE PRECISION  NOT NULL,
    triggered_at      TIMESTAMPTZ       NOT NULL DEFAULT now(),
    resolved_at       TIMESTAMPTZ,
    channels_notified INT               NOT NULL DEFAULT 0,
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_alert_rule_history_client   ON alert_rule_history (client_id, triggered_at DESC);
CREATE INDEX idx_alert_rule_history_cooldown ON alert_rule_history (rule_id, machine_id, triggered_at DESC);
CREATE INDEX idx_alert_rule_history_machine  ON alert_rule_history (machine_id, triggered_at DESC);
CREATE INDEX idx_alert_rule_history_time     ON alert_rule_history (triggered_at);

-- API "GET /api/notifications/history"; DB retention 30 days on sent_at
-- (sent_at = time of the last delivery attempt, whatever its outcome).
CREATE TABLE notification_history (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id      UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    channel_id     UUID          REFERENCES notification_channels (id) ON DELETE SET NULL,
    channel_type   VARCHAR(30)   NOT NULL
                   CHECK (channel_type IN ('email', 'webhook_teams', 'webhook_slack', 'webhook_discord')),
    alert_type     VARCHAR(50)   NOT NULL CHECK (alert_type ~ '^[a-z][a-z0-9_]*$'),  -- machine_offline, alert_rule, test, ...
    severity       VARCHAR(20)   CHECK (severity IN ('info', 'low', 'warning', 'critical')),
    machine_id     UUID          REFERENCES machines (id) ON DELETE SET NULL,
    rule_id        UUID          REFERENCES alert_rules (id) ON DELETE SET NULL,
    job_id         VARCHAR(64),                              -- notifier queue job id
    subject        TEXT          NOT NULL DEFAULT '',
    message        TEXT          NOT NULL DEFAULT '',
    status         VARCHAR(20)   NOT NULL CHECK (status IN ('sent', 'failed', 'dead_letter')),
    attempts       INT           NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    error_message  TEXT,
    sent_at        TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX idx_notification_history_client ON notification_history (client_id, sent_at DESC);
CREATE INDEX idx_notification_history_time   ON notification_history (sent_at);
CREATE INDEX idx_notification_history_job    ON notification_history (job_id) WHERE job_id IS NOT NULL;
-- For the ON DELETE SET NULL lookups when a machine, channel or rule is deleted.
CREATE INDEX idx_notification_history_machine ON notification_history (machine_id) WHERE machine_id IS NOT NULL;
CREATE INDEX idx_notification_history_channel ON notification_history (channel_id) WHERE channel_id IS NOT NULL;
CREATE INDEX idx_notification_history_rule    ON notification_history (rule_id)    WHERE rule_id IS NOT NULL;

-- Scheduler bookkeeping, not named by the spec: which expiry reminder was already sent
-- (DB "Politique des Mots de Passe" 30/10/3 days, "Rappels Expiration Licence"
-- 30/14/7/3 days, API certificate-expiration email), so a restart or a second
-- scheduler replica never sends one twice. subject_id = user, client or certificate id.
CREATE TABLE expiry_reminders (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id    UUID         REFERENCES clients (id) ON DELETE CASCADE,   -- NULL for a super_admin's password
    kind         VARCHAR(20)  NOT NULL CHECK (kind IN ('password', 'license', 'certificate')),
    subject_id   UUID         NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,             -- the expiry the reminder was about
    days_before  INT          NOT NULL CHECK (days_before >= 0),
    sent_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (kind, subject_id, expires_at, days_before)
);
CREATE INDEX idx_expiry_reminders_client ON expiry_reminders (client_id, sent_at DESC);


-- =============================================================================
-- 8. AI service
-- =============================================================================

-- API "Configuration IA (Enterprise only)": per-client config and custom prompt context.
CREATE TABLE ai_configs (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id            UUID         NOT NULL UNIQUE REFERENCES clients (id) ON DELETE CASCADE,
    auto_detect_enabled  BOOLEAN      NOT NULL DEFAULT true,
    custom_context       TEXT         NOT NULL DEFAULT '',
    custom_patterns      JSONB        NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(custom_patterns) = 'array'),
    language             VARCHAR(5)   NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    last_analyzed_at     TIMESTAMPTZ,
    updated_by           UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Same section: machine criticality, auto-detected from hostname patterns or set by hand.
CREATE TABLE ai_machine_classifications (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id        UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id       UUID          NOT NULL UNIQUE,
    criticality      VARCHAR(20)   NOT NULL CHECK (criticality IN ('critical', 'important', 'standard')),
    source           VARCHAR(10)   NOT NULL DEFAULT 'auto' CHECK (source IN ('auto', 'manual')),
    matched_pattern  VARCHAR(50),
    reason           VARCHAR(255),
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ai_machine_classifications_client ON ai_machine_classifications (client_id, criticality);

-- API "Système de Quota": POST /ai/quota/set {client_id, monthly_limit} overrides the
-- licence's default (license_types.ai_monthly_quota).
CREATE TABLE ai_quotas (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id      UUID         NOT NULL UNIQUE REFERENCES clients (id) ON DELETE CASCADE,
    monthly_limit  INT          NOT NULL CHECK (monthly_limit >= 0),
    set_by         UUID         REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Quota consumption per client and calendar month (UTC), in quota units
-- (an analysis costs 0-5 units, API "Coût quota").
CREATE TABLE ai_usage (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id        UUID         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    period_month     DATE         NOT NULL CHECK (extract(day FROM period_month) = 1),
    units_used       INT          NOT NULL DEFAULT 0 CHECK (units_used >= 0),
    request_count    INT          NOT NULL DEFAULT 0 CHECK (request_count >= 0),
    last_request_at  TIMESTAMPTZ,
    UNIQUE (client_id, period_month)
);

-- DB retention "ai_analysis_results (expires_at ou 90 jours, created_at)"; API /ai/* analyses.
-- The latest row per (machine, analysis_type) drives the per-machine cooldown and the
-- change detection (data_fingerprint holds what the next call compares against).
CREATE TABLE ai_analysis_results (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id         UUID              NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id        UUID,                                   -- NULL for fleet-wide analyses
    analysis_type     VARCHAR(40)       NOT NULL CHECK (analysis_type IN
                      ('logs', 'anomalies', 'full', 'recommendations', 'health_score', 'trends',
                       'scripts', 'degradation', 'intermittent', 'correlation',
                       'predictive_maintenance', 'drift')),
    source            VARCHAR(10)       NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'routine', 'trigger')),
    language          VARCHAR(5)        NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    summary           TEXT,
    result            JSONB             NOT NULL,
    overall_score     INT               CHECK (overall_score BETWEEN 0 AND 100),
    risk_level        VARCHAR(20)       CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    confidence        DOUBLE PRECISION  CHECK (confidence BETWEEN 0 AND 1),
    data_fingerprint  JSONB,
    model             VARCHAR(100),
    quota_cost        INT               NOT NULL DEFAULT 1 CHECK (quota_cost >= 0),
    input_tokens      INT,
    output_tokens     INT,
    created_by        UUID              REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ       NOT NULL DEFAULT now(),
    expires_at        TIMESTAMPTZ,
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ai_analysis_results_client  ON ai_analysis_results (client_id, created_at DESC);
CREATE INDEX idx_ai_analysis_results_machine ON ai_analysis_results (machine_id, analysis_type, created_at DESC);
CREATE INDEX idx_ai_analysis_results_expiry  ON ai_analysis_results (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX idx_ai_analysis_results_time    ON ai_analysis_results (created_at);

-- API "AI Routines": the spec lists two sets of type names (POST body and "Types de
-- routines"); both are accepted. next_run_at is the single source of truth for
-- scheduling; schedule_hour / schedule_day only compute the next one.
CREATE TABLE ai_routines (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id      UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    routine_type   VARCHAR(40)   NOT NULL CHECK (routine_type IN
                   ('daily_health_check', 'daily_health_score', 'daily_report', 'weekly_report',
                    'trend_analysis', 'drift_detection')),
    schedule       VARCHAR(100)  NOT NULL DEFAULT '0 8 * * *',   -- cron expression
    schedule_hour  INT           NOT NULL DEFAULT 8 CHECK (schedule_hour BETWEEN 0 AND 23),
    schedule_day   INT           CHECK (schedule_day BETWEEN 0 AND 6),   -- weekly routines, 0 = Sunday
    enabled        BOOLEAN       NOT NULL DEFAULT true,
    config         JSONB         NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(config) = 'object'),
    last_run_at    TIMESTAMPTZ,
    next_run_at    TIMESTAMPTZ,
    created_by     UUID          REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX idx_ai_routines_client ON ai_routines (client_id, routine_type);
CREATE INDEX idx_ai_routines_due    ON ai_routines (next_run_at) WHERE enabled;

-- API "GET /api/ai/routines/:id/history"; DB retention 90 days on executed_at.
CREATE TABLE ai_routine_history (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id          UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    routine_id         UUID          NOT NULL REFERENCES ai_routines (id) ON DELETE CASCADE,
    routine_type       VARCHAR(40)   NOT NULL,
    status             VARCHAR(20)   NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'success', 'partial', 'failed', 'skipped')),
    started_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    completed_at       TIMESTAMPTZ,
    machines_analyzed  INT           NOT NULL DEFAULT 0 CHECK (machines_analyzed >= 0),
    issues_found       INT           NOT NULL DEFAULT 0 CHECK (issues_found >= 0),
    result             JSONB,
    error_message      TEXT,
    executed_at        TIMESTAMPTZ   NOT NULL DEFAULT now()   -- retention column named by the spec
);
CREATE INDEX idx_ai_routine_history_client  ON ai_routine_history (client_id, executed_at DESC);
CREATE INDEX idx_ai_routine_history_routine ON ai_routine_history (routine_id, executed_at DESC);
CREATE INDEX idx_ai_routine_history_time    ON ai_routine_history (executed_at);

-- API "AI Triggers": condition-based analyses.
CREATE TABLE ai_triggers (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id          UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    trigger_type       VARCHAR(40)   NOT NULL CHECK (trigger_type IN ('critical_machine', 'new_machine', 'degradation')),
    enabled            BOOLEAN       NOT NULL DEFAULT true,
    conditions         JSONB         NOT NULL CHECK (jsonb_typeof(conditions) = 'object'),
    actions            JSONB         NOT NULL CHECK (jsonb_typeof(actions) = 'object'),
    last_triggered_at  TIMESTAMPTZ,
    created_by         UUID          REFERENCES users (id) ON DELETE SET NULL,
    created_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX idx_ai_triggers_client ON ai_triggers (client_id, enabled);

-- API "GET /api/ai/triggers/:id/history"; DB retention 90 days on executed_at.
CREATE TABLE ai_trigger_history (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id        UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    trigger_id       UUID          NOT NULL REFERENCES ai_triggers (id) ON DELETE CASCADE,
    machine_id       UUID,
    analysis_id      UUID          REFERENCES ai_analysis_results (id) ON DELETE SET NULL,
    trigger_reason   TEXT          NOT NULL DEFAULT '',
    analysis_result  JSONB,
    status           VARCHAR(20)   NOT NULL DEFAULT 'success' CHECK (status IN ('success', 'failed', 'skipped')),
    triggered_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    executed_at      TIMESTAMPTZ   NOT NULL DEFAULT now(),   -- retention column named by the spec
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ai_trigger_history_client  ON ai_trigger_history (client_id, executed_at DESC);
CREATE INDEX idx_ai_trigger_history_trigger ON ai_trigger_history (trigger_id, executed_at DESC);
CREATE INDEX idx_ai_trigger_history_time    ON ai_trigger_history (executed_at);
CREATE INDEX idx_ai_trigger_history_machine ON ai_trigger_history (machine_id) WHERE machine_id IS NOT NULL;
CREATE INDEX idx_ai_trigger_history_analysis ON ai_trigger_history (analysis_id) WHERE analysis_id IS NOT NULL;

-- API "/ai/reports/generate", "/ai/reports", "/ai/reports/:id/download" (HTML):
-- daily, weekly or monthly reports, executive or technical.
CREATE TABLE ai_reports (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id     UUID          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    machine_id    UUID,                                      -- NULL = whole fleet
    report_type   VARCHAR(20)   NOT NULL CHECK (report_type IN ('daily', 'weekly', 'monthly')),
    format        VARCHAR(20)   NOT NULL DEFAULT 'executive' CHECK (format IN ('executive', 'technical')),
    language      VARCHAR(5)    NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    period_start  TIMESTAMPTZ   NOT NULL,
    period_end    TIMESTAMPTZ   NOT NULL,
    title         VARCHAR(255)  NOT NULL,
    summary       TEXT,
    content       JSONB         NOT NULL DEFAULT '{}'::jsonb,
    html          TEXT,
    quota_cost    INT           NOT NULL DEFAULT 2 CHECK (quota_cost >= 0),
    routine_id    UUID          REFERENCES ai_routines (id) ON DELETE SET NULL,
    created_by    UUID          REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT ai_reports_period CHECK (period_end >= period_start),
    FOREIGN KEY (client_id, machine_id) REFERENCES machines (client_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ai_reports_client ON ai_reports (client_id, created_at DESC);
CREATE INDEX idx_ai_reports_machine ON ai_reports (machine_id) WHERE machine_id IS NOT NULL;
CREATE INDEX idx_ai_reports_routine ON ai_reports (routine_id) WHERE routine_id IS NOT NULL;


-- =============================================================================
-- 9. updated_at triggers
-- =============================================================================
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'license_types', 'clients', 'sites', 'users', 'groups', 'machines', 'labels',
        'collection_settings', 'machine_collector_data', 'machine_inventory', 'machine_risk_overrides',
        'install_tokens', 'agent_versions', 'agent_requirements',
        'notification_channels', 'alert_rules', 'ai_configs', 'ai_machine_classifications',
        'ai_quotas', 'ai_routines', 'ai_triggers'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
            t || '_set_updated_at', t);
    END LOOP;
END;
$$;
