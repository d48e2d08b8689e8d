-- Tenants (councils and co-commissioners), their users, and the append-only audit log.
-- Timestamps are ISO 8601 UTC text written by the platform's clock ("2026-11-25T13:39:42.123Z"),
-- identical on both databases; dates are 'YYYY-MM-DD'.

CREATE TABLE tenants (
    id {{pk}},
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 2 AND 64),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('council', 'co_commissioner')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id {{pk}},
    tenant_id BIGINT REFERENCES tenants (id),
    email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at TEXT NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE audit_log (
    id {{pk}},
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    tenant_id BIGINT REFERENCES tenants (id),
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
-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
