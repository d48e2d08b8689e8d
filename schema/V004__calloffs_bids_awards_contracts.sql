-- Stage two of a DPS: call-offs (anonymised packages) on one lot by the lead or a partner council,
-- providers' sealed bids, awards with their ordered approvals, the call-off contracts that follow,
-- spot purchases made when a call-off goes unfilled, the decision history of all of them, and
-- Idempotency-Key replays. Money is integer pence; dates 'YYYY-MM-DD'; timestamps as in V001.

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
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'evaluated', 'awarding', 'awarded', 'unfilled', 'cancelled')),
    published_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX call_offs_lot ON call_offs (lot_id, status);
CREATE INDEX call_offs_tenant ON call_offs (tenant_id);

-- A provider's bid: an hourly rate and hours a week, or a weekly cost (placements); total over the weeks.
CREATE TABLE bids (
    id {{pk}},
    call_off_id BIGINT NOT NULL REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id), -- the calling-off council
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    hourly_rate_pence BIGINT CHECK (hourly_rate_pence > 0),
    hours_per_week INTEGER CHECK (hours_per_week > 0),
    weekly_cost_pence BIGINT CHECK (weekly_cost_pence > 0),
    total_pence BIGINT NOT NULL CHECK (total_pence > 0),
    earliest_start TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('submitted', 'withdrawn', 'awarded', 'unsuccessful')),
    score DOUBLE PRECISION,
    rank INTEGER,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX bids_one_live ON bids (call_off_id, provider_org_id) WHERE status <> 'withdrawn';
CREATE INDEX bids_provider ON bids (provider_org_id);

-- An award (or a contract's variation) waiting for, or past, its approvals.
CREATE TABLE awards (
    id {{pk}},
    call_off_id BIGINT NOT NULL REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('award', 'variation', 'extension')),
    contract_id BIGINT,             -- the contract a variation changes
    value_pence BIGINT NOT NULL CHECK (value_pence > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    proposed_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
-- Exactly one live award per call-off, whoever presses award and however often.
CREATE UNIQUE INDEX awards_one_per_call_off ON awards (call_off_id) WHERE kind = 'award' AND status IN ('pending', 'approved');

CREATE TABLE award_approvals (
    id {{pk}},
    award_id BIGINT NOT NULL REFERENCES awards (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    step INTEGER NOT NULL,
    authority TEXT NOT NULL,
    in_consultation_with TEXT NOT NULL DEFAULT '[]', -- JSON list of authority names
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by TEXT,
    comment TEXT,
    decided_at TEXT,
    UNIQUE (award_id, step)
);

CREATE TABLE contracts (
    id {{pk}},
    call_off_id BIGINT NOT NULL REFERENCES call_offs (id),
    award_id BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    dps_id BIGINT NOT NULL REFERENCES dps_systems (id),
    lot_id BIGINT NOT NULL REFERENCES lots (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    hourly_rate_pence BIGINT,
    hours_per_week INTEGER,
    weekly_cost_pence BIGINT,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    value_pence BIGINT NOT NULL CHECK (value_pence > 0),
    status TEXT NOT NULL CHECK (status IN ('active', 'ended', 'terminated')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE UNIQUE INDEX contracts_one_per_call_off ON contracts (call_off_id);
CREATE INDEX contracts_tenant_start ON contracts (tenant_id, starts_on);

-- What a council bought outside the DPS when a call-off went unfilled: DPS versus spot purchase.
CREATE TABLE spot_purchases (
    id {{pk}},
    call_off_id BIGINT NOT NULL UNIQUE REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    provider_name TEXT NOT NULL CHECK (length(provider_name) BETWEEN 1 AND 200),
    hourly_rate_pence BIGINT CHECK (hourly_rate_pence > 0),
    hours_per_week INTEGER CHECK (hours_per_week > 0),
    cost_pence BIGINT NOT NULL CHECK (cost_pence > 0),
    recorded_at TEXT NOT NULL
);

-- Every move of a call-off, bid, award or contract, in order: the calling council's history.
CREATE TABLE call_off_decisions (
    id {{pk}},
    call_off_id BIGINT NOT NULL REFERENCES call_offs (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
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
CREATE INDEX call_off_decisions_entity ON call_off_decisions (entity_type, entity_id);

-- The first answer to a creating POST, replayed to a retry with the same Idempotency-Key.
CREATE TABLE idempotency_keys (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    tenant_id BIGINT REFERENCES tenants (id),
    provider_org_id BIGINT REFERENCES provider_organisations (id),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_digest TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    status_code INTEGER,
    response_body TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);

-- @postgresql
-- A call-off is its calling council's; providers read it (never a draft) while admitted, unsuspended, to its lot.
ALTER TABLE call_offs ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_offs FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON call_offs USING (dps_row_visible(tenant_id, NULL));
CREATE POLICY admitted_providers_read ON call_offs FOR SELECT USING (
    status <> 'draft' AND EXISTS (
        SELECT 1 FROM applications a
        WHERE a.lot_id = call_offs.lot_id AND a.status = 'admitted' AND dps_row_visible(NULL, a.provider_org_id)));
ALTER TABLE bids ENABLE ROW LEVEL SECURITY;
ALTER TABLE bids FORCE ROW LEVEL SECURITY;
CREATE POLICY council_and_bidder ON bids USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE awards ENABLE ROW LEVEL SECURITY;
ALTER TABLE awards FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON awards USING (dps_row_visible(tenant_id, NULL));
ALTER TABLE award_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE award_approvals FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON award_approvals USING (dps_row_visible(tenant_id, NULL));
ALTER TABLE contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contracts FORCE ROW LEVEL SECURITY;
CREATE POLICY council_and_provider ON contracts USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE spot_purchases ENABLE ROW LEVEL SECURITY;
ALTER TABLE spot_purchases FORCE ROW LEVEL SECURITY;
CREATE POLICY calling_council ON spot_purchases USING (dps_row_visible(tenant_id, NULL));
ALTER TABLE call_off_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_off_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY involved ON call_off_decisions USING (dps_row_visible(tenant_id, provider_org_id));
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY own_keys ON idempotency_keys USING (dps_row_visible(tenant_id, provider_org_id));
