#!/usr/bin/env bash
# The audit chain end to end: an auditor downloads the council's chain from a real dpsd and checks
# it offline with scripts/audit-verify (python3's standard library only); a changed line, a
# removed line and a wrong noted head are each refused. Then `dpsctl audit verify` on the database
# passes, and fails naming the row once the schema owner has changed one behind the triggers' back.
# Usage: audit_chain.sh DPSD DPSCTL SOURCE_DIR.
set -euo pipefail
dpsd=$1 dpsctl=$2 root=$3
source "$root/tests/ops/harness.sh"
ops_test audit_chain
source "$root/tests/ops/start_dpsd.sh"
verify=$root/scripts/audit-verify

auditor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["newham"]["auditor"])' "$tokens")
commissioner=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["newham"]["commissioner"])' "$tokens")
tenant_id=$(curl -sS --cacert "$cacert" -H "Authorization: Bearer $auditor" "$base/v1/me" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["tenant"]["id"])')
# Something to audit beyond the seed: a DPS made by the council.
code=$(curl -sS --cacert "$cacert" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $commissioner" \
  -H 'Content-Type: application/json' --data '{"title":"Audit test DPS","category":"childrens_social_care","regime":"pcr2015_reg34","term_starts_on":"2025-04-01","term_ends_on":"2029-03-31","latest_end_on":"2031-03-31"}' \
  "$base/v1/dps")
[ "$code" = 201 ] || fail "POST /v1/dps answered $code"

code=$(curl -sS --cacert "$cacert" -o "$work/chain.jsonl" -w '%{http_code}' -H "Authorization: Bearer $auditor" \
  "$base/v1/tenants/$tenant_id/audit-chain")
[ "$code" = 200 ] || fail "GET audit-chain answered $code"
head_hash=$(head -1 "$work/chain.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["head_hash"])')
grep -q '"action":"dps.create"' "$work/chain.jsonl" || fail "the chain lacks the DPS just created"
out=$("$verify" "$work/chain.jsonl" --head "$head_hash") || fail "an intact chain was refused: $out"
echo "  ok: $out"

# A changed field on the third line, a removed middle line, a line cut off the end with the header
# edited to match, and the right file against a wrongly noted head: each refused.
sed '3s/"actor":"[^"]*"/"actor":"user:999"/' "$work/chain.jsonl" >"$work/changed.jsonl"
if out=$("$verify" "$work/changed.jsonl"); then fail "a changed row passed"; fi
[[ $out == *"does not match its hash"* ]] || fail "changed row: $out"
sed '4d' "$work/chain.jsonl" >"$work/removed.jsonl"
if out=$("$verify" "$work/removed.jsonl"); then fail "a removed row passed"; fi
[[ $out == *"is missing"* ]] || fail "removed row: $out"
python3 - "$work/chain.jsonl" "$work/cut.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
head, rows = json.loads(lines[0]), lines[1:-1]
last = json.loads(rows[-1])
head.update(rows=len(rows), head_seq=len(rows), head_hash=last["hash"])
open(sys.argv[2], "w").write("\n".join([json.dumps(head)] + rows) + "\n")
PY
"$verify" "$work/cut.jsonl" >/dev/null || fail "a consistent shorter file should verify on its own"
if out=$("$verify" "$work/cut.jsonl" --head "$head_hash"); then fail "a chain cut short passed against the noted head"; fi
echo "  ok: changed, removed and cut-off rows refused offline"

out=$("$dpsctl" audit verify) || fail "dpsctl audit verify refused an intact database: $out"
echo "  ok: dpsctl audit verify: ${out##*$'\n'}"
"$dpsctl" audit verify --tenant newham >/dev/null || fail "dpsctl audit verify --tenant newham"
# The owner (on SQLite: whoever holds the file) changes a row behind the triggers' back.
victim=$(python3 - "$work/dps.db" "$tenant_id" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(victim,) = db.execute("SELECT id FROM audit_log WHERE chain_key = ? AND chain_seq = 2", (f"tenant:{sys.argv[2]}",)).fetchone()
db.execute("DROP TRIGGER audit_log_no_update")
db.execute("UPDATE audit_log SET entity_id = 'rewritten' WHERE id = ?", (victim,))
db.commit()
print(victim)
PY
)
if out=$("$dpsctl" audit verify); then fail "dpsctl audit verify passed a changed row"; fi
[[ $out == *"row $victim (position 2)"* ]] || fail "dpsctl audit verify did not name row $victim: $out"
echo "  ok: dpsctl audit verify names row $victim, changed by the owner"
echo "audit_chain: ok"
