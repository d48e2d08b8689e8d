-- Authentication in one statement (issue 11). Every request looks its bearer token up. The lookup
-- reads the directory (tokens, users, grants, tenants, organisations) at the platform scope, and
-- needed a transaction of its own for that: BEGIN with the scope settings, the query, COMMIT, three
-- round trips, and the query planned afresh each time. This function sets the platform scope for
-- its own query only, restores whatever scope was set before it returns, and runs outside any
-- transaction as one autocommit statement: one round trip, and PL/pgSQL keeps the query's plan per
-- connection. It runs as the caller (SECURITY INVOKER), so row-level security applies to it exactly
-- as it did to the query it replaces. SQLite has no scopes and runs the query itself.
-- @postgresql
CREATE FUNCTION dps_principal_for_token(p_hash TEXT, p_now TEXT)
RETURNS TABLE (user_id BIGINT, user_kind TEXT, tenant_id BIGINT, provider_org_id BIGINT, email TEXT, display_name TEXT,
               token_id BIGINT, token_kind TEXT, token_expires_at TEXT, grants TEXT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    was_scope TEXT := COALESCE(current_setting('dps.scope', true), '');
    was_tenant TEXT := COALESCE(current_setting('dps.tenant_id', true), '');
    was_provider TEXT := COALESCE(current_setting('dps.provider_id', true), '');
BEGIN
    PERFORM set_config('dps.scope', 'platform', true), set_config('dps.tenant_id', '', true),
            set_config('dps.provider_id', '', true);
    RETURN QUERY
        SELECT u.id, u.kind, u.tenant_id, u.provider_org_id, u.email, u.display_name, t.id, t.kind, t.expires_at,
               (SELECT COALESCE(json_agg(json_build_array(g.id, g.role, g.authority) ORDER BY g.id), '[]')::text
                  FROM role_grants g WHERE g.user_id = u.id)
          FROM api_tokens t JOIN users u ON u.id = t.user_id
          LEFT JOIN tenants tn ON tn.id = u.tenant_id
          LEFT JOIN provider_organisations po ON po.id = u.provider_org_id
         WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND t.expires_at > p_now AND u.status = 'active'
           AND (tn.id IS NULL OR tn.status = 'active') AND (po.id IS NULL OR po.status = 'active');
    -- Inside a caller's transaction, the caller's scope is back before the rows are read.
    PERFORM set_config('dps.scope', was_scope, true), set_config('dps.tenant_id', was_tenant, true),
            set_config('dps.provider_id', was_provider, true);
END
$$;
