-- Stage one of a DPS: the DPS and its lots (owned by the lead council), providers' applications and
-- admissions per lot, access agreements with partner councils (lots joined, fees, notice), and
-- partners' spend authorities. Dates are 'YYYY-MM-DD'; money is integer pence.

-- Provider organisation profile: ratings and commitments that lots require.
ALTER TABLE provider_organisations ADD COLUMN cqc_location_id TEXT;
ALTER TABLE provider_organisations ADD COLUMN cqc_rating TEXT CHECK (cqc_rating IN ('outstanding', 'good', 'requires_improvement', 'inadequate'));
ALTER TABLE provider_organisations ADD COLUMN cqc_inspected_on TEXT;
ALTER TABLE provider_organisations ADD COLUMN ofsted_rating TEXT CHECK (ofsted_rating IN ('outstanding', 'good', 'requires_improvement', 'inadequate'));
ALTER TABLE provider_organisations ADD COLUMN ofsted_inspected_on TEXT;
ALTER TABLE provider_organisations ADD COLUMN insurance_expires_on TEXT;
ALTER TABLE provider_organisations ADD COLUMN living_wage_commitment TEXT CHECK (living_wage_commitment IN ('none', 'national_living_wage', 'real_living_wage', 'london_living_wage'));
ALTER TABLE provider_organisations ADD COLUMN contact_email TEXT;
ALTER TABLE provider_organisations ADD COLUMN contact_phone TEXT;

CREATE TABLE dps_systems (
    id {{pk}},
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    category TEXT NOT NULL,
    regime TEXT NOT NULL CHECK (regime IN ('pcr2015_reg34', 'pa2023_dynamic_market')),
    term_starts_on TEXT NOT NULL,
    term_ends_on TEXT NOT NULL,
    latest_end_on TEXT NOT NULL, -- the furthest the extension options allow
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'suspended', 'expired', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (term_ends_on > term_starts_on AND latest_end_on >= term_ends_on)
);

CREATE TABLE lots (
    id {{pk}},
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    requirements TEXT NOT NULL DEFAULT '{}', -- JSON: regulator, minimum_rating, living_wage, insurance
    created_at TEXT NOT NULL,
    UNIQUE (dps_id, code)
);

-- A provider's application to one lot; once admitted the same row carries the admission
-- (admitted, suspended, removed). A rejected provider may apply again: a new row.
CREATE TABLE applications (
    id {{pk}},
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),                     -- the lead
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'admitted', 'rejected', 'withdrawn', 'suspended', 'removed')),
    checks TEXT NOT NULL,   -- JSON: each criterion and whether it passed
    reason TEXT,            -- why rejected, suspended or removed
    evidence_required TEXT, -- for a suspension
    suspended_from TEXT,
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX applications_one_live ON applications (lot_id, provider_org_id)
    WHERE status IN ('submitted', 'admitted', 'suspended');
CREATE INDEX applications_provider ON applications (provider_org_id);

CREATE TABLE access_agreements (
    id {{pk}},
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    lead_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    partner_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    status TEXT NOT NULL CHECK (status IN ('requested', 'active', 'declined', 'notice_given', 'terminated', 'withdrawn')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    notice_given_on TEXT,
    notice_given_by TEXT CHECK (notice_given_by IN ('lead', 'partner')),
    effective_end_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on > starts_on),
    CHECK (lead_tenant_id <> partner_tenant_id)
);
CREATE UNIQUE INDEX access_agreements_one_live ON access_agreements (dps_id, partner_tenant_id)
    WHERE status IN ('requested', 'active', 'notice_given');

CREATE TABLE agreement_lots (
    id {{pk}},
    agreement_id BIGINT NOT NULL REFERENCES access_agreements (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    lead_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    partner_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    annual_fee_pence BIGINT NOT NULL CHECK (annual_fee_pence >= 0),
    joined_on TEXT NOT NULL,
    dropped_on TEXT
);
CREATE UNIQUE INDEX agreement_lots_one_live ON agreement_lots (agreement_id, lot_id) WHERE dropped_on IS NULL;

-- What a partner owes for each agreement year: due at the start of the year.
CREATE TABLE agreement_fees (
    id {{pk}},
    agreement_id BIGINT NOT NULL REFERENCES access_agreements (id),
    lead_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    partner_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    year_starts_on TEXT NOT NULL,
    year_ends_on TEXT NOT NULL,
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    due_on TEXT NOT NULL,
    paid_on TEXT,
    UNIQUE (agreement_id, year_starts_on)
);

-- A partner's authorised maximum spend through a DPS for a period (enforced at award, issue 7).
CREATE TABLE spend_authorities (
    id {{pk}},
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    limit_pence BIGINT NOT NULL CHECK (limit_pence > 0),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    approved_by TEXT,
    created_at TEXT NOT NULL,
    CHECK (ends_on > starts_on)
);

-- Every decision on a DPS, application or agreement, in order: the history the councils keep.
CREATE TABLE dps_decisions (
    id {{pk}},
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),       -- the lead
    partner_tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    actor TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX dps_decisions_entity ON dps_decisions (entity_type, entity_id);

-- @postgresql
-- DPSs and lots are a catalogue every signed-in council and provider may read; only the lead writes.
ALTER TABLE dps_systems ENABLE ROW LEVEL SECURITY;
ALTER TABLE dps_systems FORCE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON dps_systems FOR SELECT USING (current_setting('dps.scope', true) IN ('platform', 'tenant', 'provider'));
CREATE POLICY lead_writes ON dps_systems FOR ALL USING (dps_row_visible(tenant_id, NULL));
ALTER TABLE lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE lots FORCE ROW LEVEL SECURITY;
CREATE POLICY catalogue_read ON lots FOR SELECT USING (current_setting('dps.scope', true) IN ('platform', 'tenant', 'provider'));
CREATE POLICY lead_writes ON lots FOR ALL USING (dps_row_visible(tenant_id, NULL));

CREATE FUNCTION dps_is_partner(row_lead BIGINT, row_partner BIGINT) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT dps_row_visible(row_lead, NULL) OR dps_row_visible(row_partner, NULL)
$$;
ALTER TABLE access_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY both_councils ON access_agreements USING (dps_is_partner(lead_tenant_id, partner_tenant_id));
ALTER TABLE agreement_lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_lots FORCE ROW LEVEL SECURITY;
CREATE POLICY both_councils ON agreement_lots USING (dps_is_partner(lead_tenant_id, partner_tenant_id));
ALTER TABLE agreement_fees ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_fees FORCE ROW LEVEL SECURITY;
CREATE POLICY both_councils ON agreement_fees USING (dps_is_partner(lead_tenant_id, partner_tenant_id));
ALTER TABLE spend_authorities ENABLE ROW LEVEL SECURITY;
ALTER TABLE spend_authorities FORCE ROW LEVEL SECURITY;
CREATE POLICY own_council ON spend_authorities USING (dps_row_visible(tenant_id, NULL));
ALTER TABLE dps_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE dps_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY involved ON dps_decisions USING (dps_row_visible(tenant_id, provider_org_id) OR dps_row_visible(partner_tenant_id, NULL));

-- Applications: the lead and the applying provider; a partner sees admissions (only) on lots it
-- has joined under a live agreement.
ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_and_provider ON applications USING (dps_row_visible(tenant_id, provider_org_id));
CREATE POLICY partner_reads_admissions ON applications FOR SELECT USING (
    status = 'admitted' AND EXISTS (
        SELECT 1 FROM agreement_lots al JOIN access_agreements a ON a.id = al.agreement_id
        WHERE al.lot_id = applications.lot_id AND al.dropped_on IS NULL AND a.status IN ('active', 'notice_given')
          AND dps_row_visible(a.partner_tenant_id, NULL)));

-- Provider organisations are a directory: any signed-in council or provider may read them
-- (names, regulator ratings); only the organisation itself or an operator changes them.
CREATE POLICY directory_read ON provider_organisations FOR SELECT USING (current_setting('dps.scope', true) IN ('platform', 'tenant', 'provider'));
