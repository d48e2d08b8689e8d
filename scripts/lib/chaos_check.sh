# shellcheck shell=bash
# The after-the-storm checks for scripts/chaos (sourced). chaos_check PSQL_ARGS... WRITES_CSV
# Loads the load driver's log of writes into the throwaway database (schema "chaos", as the
# superuser, so row-level security does not hide rows), then asks PostgreSQL directly:
#   every acknowledged write is present, exactly once; no call-off has two live awards;
#   no spend authority is exceeded. Prints KEY=VALUE lines.

chaos_check() {
  local csv=${*: -1}
  local psql=("${@:1:$#-1}")
  "${psql[@]}" -v ON_ERROR_STOP=1 -q <<SQL
CREATE SCHEMA IF NOT EXISTS chaos;
CREATE TABLE chaos.writes (kind text, op_key text, outcome text, http_status text, code text, attempts int, obj_id text,
                           call_off_id text, provider_id text, note text, seq text, t text);
\copy chaos.writes FROM '$csv' WITH (FORMAT csv, HEADER true)
-- Typed: ids are empty where a write made nothing.
CREATE VIEW chaos.w AS SELECT kind, op_key, outcome, NULLIF(obj_id, '')::bigint AS obj_id, NULLIF(call_off_id, '')::bigint AS call_off_id,
  NULLIF(provider_id, '')::bigint AS provider_id, note, NULLIF(seq, '')::int AS seq FROM chaos.writes;
SQL
  # Each query yields one number; the key names what a non-zero value means.
  "${psql[@]}" -v ON_ERROR_STOP=1 -At -F= <<'SQL'
-- Acknowledged writes that are absent (or not as acknowledged).
SELECT 'lost_call_offs', count(*) FROM chaos.w w WHERE kind = 'call_off' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM call_offs c WHERE c.id = w.obj_id AND c.title = w.note);
SELECT 'lost_publishes', count(*) FROM chaos.w w WHERE kind = 'publish' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM call_offs c WHERE c.id = w.obj_id AND c.status <> 'draft' AND c.published_at IS NOT NULL);
SELECT 'lost_bids', count(*) FROM chaos.w w WHERE kind = 'bid' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM bids b WHERE b.id = w.obj_id AND b.call_off_id = w.call_off_id
                  AND b.provider_org_id = w.provider_id);
-- An amendment is a PATCH: the bid must hold the last acknowledged one, or a later attempt whose answer was lost.
WITH last_ack AS (SELECT obj_id AS bid, max(seq) AS seq FROM chaos.w
                  WHERE kind = 'amend' AND outcome = 'acked' GROUP BY 1)
SELECT 'lost_amendments', count(*) FROM last_ack l LEFT JOIN bids b ON b.id = l.bid
 WHERE b.id IS NULL OR b.notes NOT IN (SELECT note FROM chaos.w w WHERE w.kind = 'amend'
                                        AND w.obj_id = l.bid AND w.seq >= l.seq);
SELECT 'lost_evaluations', count(*) FROM chaos.w w WHERE kind = 'evaluate' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM call_offs c WHERE c.id = w.obj_id AND c.status NOT IN ('draft', 'open'));
SELECT 'lost_awards', count(*) FROM chaos.w w WHERE kind = 'award' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM awards a WHERE a.id = w.obj_id AND a.call_off_id = w.call_off_id AND a.kind = 'award');
SELECT 'lost_approvals', count(*) FROM chaos.w w WHERE kind = 'approve' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM awards a JOIN contracts k ON k.award_id = a.id
                  WHERE a.id = w.obj_id AND a.status = 'approved' AND k.id::text = w.note);
SELECT 'lost_rejections', count(*) FROM chaos.w w WHERE kind = 'reject' AND outcome = 'acked'
  AND NOT EXISTS (SELECT 1 FROM awards a WHERE a.id = w.obj_id AND a.status = 'rejected');

-- Duplicates: rows beyond one per operation (we never withdraw a bid, so one bid per provider per call-off).
SELECT 'dup_call_offs', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM call_offs WHERE title LIKE 'Chaos co-%'
  GROUP BY title HAVING count(*) > 1) d;
SELECT 'dup_bids', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM bids b JOIN call_offs c ON c.id = b.call_off_id
  WHERE c.title LIKE 'Chaos co-%' GROUP BY b.call_off_id, b.provider_org_id HAVING count(*) > 1) d;
-- Award rows beyond the presses that could have made one (acknowledged, or answer lost).
SELECT 'dup_awards', coalesce(sum(greatest(0, made - presses)), 0) FROM (
  SELECT c.id, (SELECT count(*) FROM awards a WHERE a.call_off_id = c.id AND a.kind = 'award') AS made,
         (SELECT count(DISTINCT op_key) FROM chaos.w w WHERE w.kind = 'award' AND w.call_off_id = c.id
           AND w.outcome IN ('acked', 'unknown')) AS presses
  FROM call_offs c WHERE c.title LIKE 'Chaos co-%') d;
SELECT 'dup_idempotency_keys', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM idempotency_keys
  GROUP BY user_id, idempotency_key HAVING count(*) > 1) d;
SELECT 'dup_decisions', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM call_off_decisions
  WHERE entity_type = 'award_approval' GROUP BY entity_id HAVING count(*) > 1) d;

-- One live award per call-off; one contract per call-off.
SELECT 'double_awards', count(*) FROM (SELECT call_off_id FROM awards WHERE kind = 'award'
  AND status NOT IN ('rejected', 'withdrawn') GROUP BY call_off_id HAVING count(*) > 1) d;
SELECT 'double_contracts', count(*) FROM (SELECT call_off_id FROM contracts GROUP BY call_off_id HAVING count(*) > 1) d;

-- Spend: as platform/calloff/spend_check.cpp computes it, the values of the council's contracts on the
-- DPS starting within the authority's period, against each recorded authority.
SELECT 'authorities_exceeded', count(*) FROM spend_authorities sa
 WHERE (SELECT coalesce(sum(value_pence), 0) FROM contracts k WHERE k.tenant_id = sa.tenant_id AND k.dps_id = sa.dps_id
          AND k.starts_on >= sa.starts_on AND k.starts_on <= sa.ends_on) > sa.limit_pence;
SELECT 'spend_used', string_agg(t.slug || ':' || used || '/' || sa.limit_pence, ' ' ORDER BY t.slug)
  FROM spend_authorities sa JOIN tenants t ON t.id = sa.tenant_id,
  LATERAL (SELECT coalesce(sum(value_pence), 0) AS used FROM contracts k WHERE k.tenant_id = sa.tenant_id AND k.dps_id = sa.dps_id
           AND k.starts_on >= sa.starts_on AND k.starts_on <= sa.ends_on) u;

-- For the record: writes saved although their answer never arrived (allowed: the client could not know).
SELECT 'committed_unacked_call_offs', count(*) FROM call_offs c WHERE c.title LIKE 'Chaos co-%'
  AND NOT EXISTS (SELECT 1 FROM chaos.w w WHERE w.kind = 'call_off' AND w.outcome = 'acked' AND w.note = c.title);
SELECT 'rows', (SELECT count(*) FROM call_offs) || ' call-offs, ' || (SELECT count(*) FROM bids) || ' bids, '
  || (SELECT count(*) FROM awards) || ' awards, ' || (SELECT count(*) FROM contracts) || ' contracts';
SQL
}
