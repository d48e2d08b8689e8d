-- Changes to call-off contracts after award: variations and extensions (each an award of kind
-- 'variation' or 'extension' through the council's approval route; applied on the last approval),
-- annual rate uplifts (applied at once, audited), and block arrangements (guaranteed hours a week
-- for a discount off the hourly rate, capped by the council's max_block_discount_percent hook).
-- Money is integer pence; dates 'YYYY-MM-DD'.

-- A block arrangement on a contract, or proposed with an award: the hourly rate stays the agreed
-- rate; the rate paid is rate x (100 - discount) / 100, rounded to the nearest penny.
ALTER TABLE contracts ADD COLUMN block_guaranteed_hours INTEGER CHECK (block_guaranteed_hours > 0);
ALTER TABLE contracts ADD COLUMN block_discount_percent INTEGER CHECK (block_discount_percent BETWEEN 0 AND 100);
ALTER TABLE awards ADD COLUMN block_guaranteed_hours INTEGER CHECK (block_guaranteed_hours > 0);
ALTER TABLE awards ADD COLUMN block_discount_percent INTEGER CHECK (block_discount_percent BETWEEN 0 AND 100);

-- Every change to a contract's terms, before and after: pending while its award awaits approval,
-- then applied or rejected; uplifts are applied when recorded.
CREATE TABLE contract_changes (
    id {{pk}},
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    provider_org_id BIGINT NOT NULL REFERENCES provider_organisations (id),
    award_id BIGINT UNIQUE REFERENCES awards (id), -- a variation's or extension's approvals; NULL for an uplift
    kind TEXT NOT NULL CHECK (kind IN ('variation', 'extension', 'uplift')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'rejected')),
    effective_on TEXT NOT NULL,     -- the first day the new terms apply
    hourly_rate_before BIGINT,
    hourly_rate_after BIGINT CHECK (hourly_rate_after > 0),
    hours_before INTEGER,
    hours_after INTEGER CHECK (hours_after > 0),
    weekly_cost_before BIGINT,
    weekly_cost_after BIGINT CHECK (weekly_cost_after > 0),
    block_hours_before INTEGER,
    block_hours_after INTEGER CHECK (block_hours_after > 0),
    block_discount_before INTEGER,
    block_discount_after INTEGER CHECK (block_discount_after BETWEEN 0 AND 100),
    ends_on_before TEXT NOT NULL,
    ends_on_after TEXT NOT NULL,
    value_before_pence BIGINT NOT NULL,
    value_after_pence BIGINT NOT NULL CHECK (value_after_pence > 0),
    reason TEXT,
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
-- One change in flight per contract: a second is refused until the first is decided.
CREATE UNIQUE INDEX contract_changes_one_pending ON contract_changes (contract_id) WHERE status = 'pending';
-- An uplift is applied at most once for a date, however often (or concurrently) it is pressed.
CREATE UNIQUE INDEX contract_changes_one_uplift ON contract_changes (contract_id, effective_on) WHERE kind = 'uplift';
CREATE INDEX contract_changes_contract ON contract_changes (contract_id, id);

-- @postgresql
-- The contracting council and the provider both read a contract's changes; only the council makes them.
ALTER TABLE contract_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE contract_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY council_and_provider ON contract_changes USING (dps_row_visible(tenant_id, provider_org_id));
