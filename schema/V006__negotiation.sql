-- The negotiation round of a call-off: after evaluation the calling council may shortlist bids and
-- ask for best and final offers (BAFO) by a deadline of their own, once per call-off. Only the
-- shortlisted bids may then be amended; they stay sealed until the BAFO deadline, after which
-- evaluation scores them again. The call-off is 'negotiating' while the round is open.

-- One round per call-off (the unique key is the second wall behind the service's check).
CREATE TABLE negotiation_rounds (
    id {{pk}},
    call_off_id BIGINT NOT NULL UNIQUE REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id), -- the calling-off council
    bafo_deadline TEXT NOT NULL,    -- timestamp
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL
);

-- The bids asked for a best and final offer.
CREATE TABLE negotiation_shortlist (
    round_id BIGINT NOT NULL REFERENCES negotiation_rounds (id),
    call_off_id BIGINT NOT NULL REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    PRIMARY KEY (round_id, bid_id)
);
CREATE INDEX negotiation_shortlist_bid ON negotiation_shortlist (bid_id);

-- @sqlite
-- SQLite cannot change a CHECK constraint: call_offs is rebuilt with 'negotiating' allowed. The
-- migration runs in one transaction, where foreign_keys cannot be switched off; with the checks
-- deferred, dropping the table counts its children's rows as violations and re-inserting the same
-- ids clears them again before commit.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE call_offs_v006 AS SELECT * FROM call_offs;
DROP TABLE call_offs;
CREATE TABLE call_offs (
    id {{pk}},
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    lead_tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id), -- the calling-off council
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    package TEXT NOT NULL,          -- JSON, anonymised: category, hours or placement type, area, start, weeks, requirements
    starts_on TEXT NOT NULL,
    duration_weeks INTEGER NOT NULL CHECK (duration_weeks BETWEEN 1 AND 520),
    bid_deadline TEXT NOT NULL,     -- timestamp
    weights TEXT NOT NULL DEFAULT '{}', -- JSON: evaluation weights passed to score_bid
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'evaluated', 'negotiating', 'awarding', 'awarded', 'unfilled', 'cancelled')),
    published_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO call_offs (id, dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, duration_weeks, bid_deadline, weights,
                       status, published_at, created_at, updated_at)
    SELECT id, dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, duration_weeks, bid_deadline, weights,
           status, published_at, created_at, updated_at FROM call_offs_v006 ORDER BY id;
DROP TABLE call_offs_v006;
CREATE INDEX call_offs_lot ON call_offs (lot_id, status);
CREATE INDEX call_offs_tenant ON call_offs (tenant_id);

-- @postgresql
ALTER TABLE call_offs DROP CONSTRAINT call_offs_status_check;
ALTER TABLE call_offs ADD CONSTRAINT call_offs_status_check
    CHECK (status IN ('draft', 'open', 'evaluated', 'negotiating', 'awarding', 'awarded', 'unfilled', 'cancelled'));
-- A round is read by whoever may read its call-off (call_offs' own policies apply in the subquery);
-- only the calling council writes one.
ALTER TABLE negotiation_rounds ENABLE ROW LEVEL SECURITY;
ALTER TABLE negotiation_rounds FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON negotiation_rounds USING (dps_row_visible(tenant_id, NULL));
CREATE POLICY call_off_readers ON negotiation_rounds FOR SELECT USING (
    EXISTS (SELECT 1 FROM call_offs c WHERE c.id = negotiation_rounds.call_off_id));
-- The shortlist is the council's; a provider reads only its own place on it.
ALTER TABLE negotiation_shortlist ENABLE ROW LEVEL SECURITY;
ALTER TABLE negotiation_shortlist FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON negotiation_shortlist USING (dps_row_visible(tenant_id, NULL));
CREATE POLICY shortlisted_provider_read ON negotiation_shortlist FOR SELECT USING (dps_row_visible(NULL, provider_org_id));
