-- Each tenant's Lua plugin, versioned: source, its SHA-256, the fixtures it passed, who uploaded it.
-- At most one version per tenant is active; earlier versions stay for rollback.
CREATE TABLE tenant_plugins (
    id {{pk}},
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    file_name TEXT NOT NULL,
    source TEXT NOT NULL,
    source_sha256 TEXT NOT NULL CHECK (length(source_sha256) = 64),
    fixtures TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    activated_at TEXT,
    UNIQUE (tenant_id, version)
);
CREATE UNIQUE INDEX tenant_plugins_one_active ON tenant_plugins (tenant_id) WHERE status = 'active';

-- @postgresql
ALTER TABLE tenant_plugins ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_plugins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON tenant_plugins USING (dps_row_visible(tenant_id, NULL));
