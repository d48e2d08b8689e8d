-- The same row-level security as V003, V006 and V009, planned once per connection instead of once
-- per query (issue 11). Each policy below read another table in an EXISTS subquery, and that table's
-- own policies were expanded into every query's plan, several levels deep: planning the one-row
-- lookup of a call-off's negotiation round took 14 ms, a call-off 5.6 ms, on every request (the
-- statements ran in a fraction of a millisecond). The subqueries now live in PL/pgSQL functions,
-- whose plans PostgreSQL keeps per connection; they run as the caller (SECURITY INVOKER), so the
-- inner tables' policies still apply exactly as before. PostgreSQL only, as V009.
-- @postgresql

-- A provider admitted to the lot, with an active organisation (V009's admitted_providers_read).
CREATE FUNCTION dps_provider_admitted(p_lot BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM applications a JOIN provider_organisations p ON p.id = a.provider_org_id
        WHERE a.lot_id = p_lot AND a.status = 'admitted' AND p.status = 'active'
          AND dps_row_visible(NULL, a.provider_org_id));
END
$$;
DROP POLICY admitted_providers_read ON call_offs;
CREATE POLICY admitted_providers_read ON call_offs FOR SELECT USING (status <> 'draft' AND dps_provider_admitted(lot_id));

-- A lot is readable exactly when its DPS is (V009's catalogue_read on lots).
CREATE FUNCTION dps_system_readable(p_dps BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM dps_systems d WHERE d.id = p_dps);
END
$$;
DROP POLICY catalogue_read ON lots;
CREATE POLICY catalogue_read ON lots FOR SELECT USING (dps_system_readable(dps_id));

-- A negotiation round is read by whoever may read its call-off (V006's call_off_readers).
CREATE FUNCTION dps_call_off_readable(p_call_off BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM call_offs c WHERE c.id = p_call_off);
END
$$;
DROP POLICY call_off_readers ON negotiation_rounds;
CREATE POLICY call_off_readers ON negotiation_rounds FOR SELECT USING (dps_call_off_readable(call_off_id));

-- A partner sees admissions on lots it joined under a live agreement (V003's partner_reads_admissions).
CREATE FUNCTION dps_partner_joined_lot(p_lot BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM agreement_lots al JOIN access_agreements a ON a.id = al.agreement_id
        WHERE al.lot_id = p_lot AND al.dropped_on IS NULL AND a.status IN ('active', 'notice_given')
          AND dps_row_visible(a.partner_tenant_id, NULL));
END
$$;
DROP POLICY partner_reads_admissions ON applications;
CREATE POLICY partner_reads_admissions ON applications FOR SELECT USING (status = 'admitted' AND dps_partner_joined_lot(lot_id));
