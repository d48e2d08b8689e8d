-- Spot purchases as records that reports stand on (issue 12): why the council bought outside the
-- DPS is kept with the purchase (until now only in the call-off's decision history), and the lead
-- authority reads, never writes, what partners call off and buy on its DPS: it must, to monitor
-- the DPS and report on it to committee.
ALTER TABLE spot_purchases ADD COLUMN reason TEXT CHECK (reason IS NULL OR length(reason) <= 2000);
CREATE INDEX spot_purchases_by_tenant ON spot_purchases (tenant_id, recorded_at);
CREATE INDEX call_offs_by_lead ON call_offs (lead_tenant_id, dps_id);
-- The backfill reads every council's history: migrations run in the platform scope, which row-level
-- security (forced on the owner too) lets through.
UPDATE spot_purchases SET reason = (
    SELECT d.reason FROM call_off_decisions d
    WHERE d.call_off_id = spot_purchases.call_off_id AND d.entity_type = 'call_off' AND d.to_status = 'unfilled'
    ORDER BY d.id DESC LIMIT 1);
-- @postgresql
-- The lead's read of its DPS's call-offs: the column is on the row, so no subquery to plan (V010).
CREATE POLICY lead_reads ON call_offs FOR SELECT USING (dps_row_visible(lead_tenant_id, NULL));
-- And of their spot purchases, through the call-off (the lead's read above applies inside).
CREATE FUNCTION dps_lead_reads_call_off(p_call_off BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM call_offs c WHERE c.id = p_call_off AND dps_row_visible(c.lead_tenant_id, NULL));
END
$$;
CREATE POLICY lead_reads ON spot_purchases FOR SELECT USING (dps_lead_reads_call_off(call_off_id));
-- And of the contracts let under them (a contract names its DPS; the catalogue of DPSs is readable).
CREATE FUNCTION dps_leads(p_dps BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM dps_systems d WHERE d.id = p_dps AND dps_row_visible(d.tenant_id, NULL));
END
$$;
CREATE POLICY lead_reads ON contracts FOR SELECT USING (dps_leads(dps_id));
-- Councils that share an access agreement read each other's directory row (name and slug, which
-- the DPS's notice publishes anyway), so a lead's report can name its partners.
CREATE FUNCTION dps_shares_agreement(p_tenant BIGINT) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM access_agreements a
                   WHERE (a.partner_tenant_id = p_tenant AND dps_row_visible(a.lead_tenant_id, NULL))
                      OR (a.lead_tenant_id = p_tenant AND dps_row_visible(a.partner_tenant_id, NULL)));
END
$$;
CREATE POLICY agreement_parties_read ON tenants FOR SELECT USING (dps_shares_agreement(id));
