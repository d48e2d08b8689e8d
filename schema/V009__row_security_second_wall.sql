-- Row-level security matching the application's own checks, so that it is a second wall and not a
-- looser copy (issue 15, defect 11). PostgreSQL only: SQLite has no row-level security.
-- @postgresql

-- Operators get a scope of their own ('operator', set by dpsd for an operator's requests): the
-- directory they administer (tenants, provider organisations, users, roles, tokens) and audit rows
-- they append, and nothing of a council's business: dps_row_visible is false for them everywhere
-- else. The 'platform' scope stays for start-up, authentication and the platform's own sweeps.
CREATE FUNCTION dps_operator() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT current_setting('dps.scope', true) = 'operator'
$$;
CREATE POLICY operator_desk ON tenants USING (dps_operator());
CREATE POLICY operator_desk ON provider_organisations USING (dps_operator());
CREATE POLICY operator_desk ON users USING (dps_operator());
CREATE POLICY operator_desk ON role_grants USING (dps_operator());
CREATE POLICY operator_desk ON api_tokens USING (dps_operator());
CREATE POLICY operator_appends ON audit_log FOR INSERT WITH CHECK (dps_operator());

-- A draft DPS is its lead's alone; its lots follow it (dps_systems' own policies apply inside the
-- subquery, so a lot is readable exactly when its DPS is). Operators read the published catalogue.
DROP POLICY catalogue_read ON dps_systems;
CREATE POLICY catalogue_read ON dps_systems FOR SELECT USING (
    current_setting('dps.scope', true) IN ('platform', 'operator', 'tenant', 'provider')
    AND (status <> 'draft' OR dps_row_visible(tenant_id, NULL)));
DROP POLICY catalogue_read ON lots;
CREATE POLICY catalogue_read ON lots FOR SELECT USING (
    EXISTS (SELECT 1 FROM dps_systems d WHERE d.id = lots.dps_id));

-- A provider reads a published call-off only while admitted to its lot and while the organisation
-- itself is active, as calloff_store's visible_to requires.
DROP POLICY admitted_providers_read ON call_offs;
CREATE POLICY admitted_providers_read ON call_offs FOR SELECT USING (
    status <> 'draft' AND EXISTS (
        SELECT 1 FROM applications a JOIN provider_organisations p ON p.id = a.provider_org_id
        WHERE a.lot_id = call_offs.lot_id AND a.status = 'admitted' AND p.status = 'active'
          AND dps_row_visible(NULL, a.provider_org_id)));
