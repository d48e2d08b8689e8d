-- Tenants (councils, co-commissioners), provider organisations, users, role grants, API/session tokens,
-- and the append-only audit log.
-- Timestamps are ISO 8601 UTC text written by the platform's clock ("2026-11-25T13:39:42.123Z"),
-- identical on both databases (fixed width, so text order is time order); dates are 'YYYY-MM-DD'.
-- Rows owned by a council carry tenant_id; rows owned by a provider carry provider_org_id: the
-- application scopes every query by them, and on PostgreSQL row-level security enforces it again.

CREATE TABLE tenants (
    id {{pk}},
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 2 AND 64),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('council', 'co_commissioner')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TEXT NOT NULL
);

CREATE TABLE provider_organisations (
    id {{pk}},
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    companies_house_number TEXT UNIQUE,
    cqc_provider_id TEXT,
    ofsted_urn TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id {{pk}},
    kind TEXT NOT NULL CHECK (kind IN ('operator', 'council', 'provider')),
    tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at TEXT NOT NULL,
    CHECK ((kind = 'operator' AND tenant_id IS NULL AND provider_org_id IS NULL)
        OR (kind = 'council' AND tenant_id IS NOT NULL AND provider_org_id IS NULL)
        OR (kind = 'provider' AND provider_org_id IS NOT NULL AND tenant_id IS NULL))
);
CREATE INDEX users_tenant ON users (tenant_id);
CREATE INDEX users_provider ON users (provider_org_id);

CREATE TABLE role_grants (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    role TEXT NOT NULL,
    authority TEXT NOT NULL DEFAULT '', -- for approvers: the named authority, e.g. director_childrens_services
    created_at TEXT NOT NULL,
    UNIQUE (user_id, role, authority)
);

CREATE TABLE api_tokens (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64), -- SHA-256 of the secret; the secret is never stored
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id {{pk}},
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    payload_digest TEXT NOT NULL CHECK (length(payload_digest) = 64)
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, occurred_at);

-- The audit log is append-only: the database itself refuses to change or remove a row.
-- @postgresql
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Row-level security, the second wall. Each transaction sets dps.scope ('platform', 'tenant' or
-- 'provider') and dps.tenant_id / dps.provider_id; FORCE applies it to the owner the platform connects as.
CREATE FUNCTION dps_row_visible(row_tenant BIGINT, row_provider BIGINT) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE current_setting('dps.scope', true)
        WHEN 'platform' THEN true
        WHEN 'tenant' THEN row_tenant IS NOT NULL AND row_tenant = NULLIF(current_setting('dps.tenant_id', true), '')::bigint
        WHEN 'provider' THEN row_provider IS NOT NULL AND row_provider = NULLIF(current_setting('dps.provider_id', true), '')::bigint
        ELSE false
    END
$$;
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON tenants USING (dps_row_visible(id, NULL));
ALTER TABLE provider_organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON provider_organisations USING (dps_row_visible(NULL, id));
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON users USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE role_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON role_grants USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON api_tokens USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON audit_log USING (dps_row_visible(tenant_id, provider_org_id));

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
