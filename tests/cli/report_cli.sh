#!/usr/bin/env bash
# dpsctl report dps-vs-spot (and export ocds's refusals) on a fresh SQLite database with the demo councils: JSON and CSV answer,
# bad arguments are refused with exit 1 and a message naming the flag. Usage: report_cli.sh DPSCTL SOURCE_DIR
set -euo pipefail
dpsctl=$1
cd "$2"
work=$(mktemp -d /tmp/dps-cli-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DPS_DB_URL="sqlite:$work/cli.db"
"$dpsctl" migrate >/dev/null
"$dpsctl" seed-demo --out "$work/tokens.json" >/dev/null
json=$("$dpsctl" report dps-vs-spot --tenant newham --financial-year 2025)
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["report"]=="dps-vs-spot" and r["from"]=="2025-04-01" and r["to"]=="2026-03-31", r' "$json"
"$dpsctl" report dps-vs-spot --tenant newham --financial-year 2025 --format csv >"$work/r.csv"
python3 - "$work/r.csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "byte-order mark"
rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
assert rows[0][:3] == ["financial_year", "group", "key"], rows[0]
assert rows[1][:4] == ["2025", "total", "total", "0"], rows[1]
PY
for bad in "--tenant nowhere --financial-year 2025" "--tenant newham --financial-year 1990" "--tenant newham" \
           "--tenant newham --financial-year 2025 --format xlsx" "--tenant newham --financial-year 2025 --dps-id x"; do
  # shellcheck disable=SC2086
  if "$dpsctl" report dps-vs-spot $bad >"$work/out" 2>"$work/err"; then echo "accepted: $bad" >&2; exit 1; fi
  grep -q '^dpsctl: ' "$work/err" || { echo "no message for: $bad" >&2; exit 1; }
done
# dpsctl export ocds: the service's package is tested in tests/integration/ocds_test.cpp; here the
# command's refusals (the demo seed has no DPS yet, so the lead's DPS 1 does not exist).
for bad in "--tenant newham --dps-id 1" "--tenant newham" "--tenant nowhere --dps-id 1" "--tenant newham --dps-id 0"; do
  # shellcheck disable=SC2086
  if "$dpsctl" export ocds $bad >"$work/out" 2>"$work/err"; then echo "accepted: export ocds $bad" >&2; exit 1; fi
  grep -q '^dpsctl: ' "$work/err" || { echo "no message for: export ocds $bad" >&2; exit 1; }
done
grep -q 'no such DPS led by your council' <("$dpsctl" export ocds --tenant newham --dps-id 1 2>&1 || true)
echo "report_cli: ok"
