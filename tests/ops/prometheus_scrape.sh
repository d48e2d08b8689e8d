#!/usr/bin/env bash
# A real Prometheus (Debian's) scrapes a real dpsd over HTTPS: the target must be up with no scrape
# error (so the exposition parses), and what it stored must match what the test did: 7 healthz
# answers, one unmatched path, a call-off looked up by id counted under its route template (never
# the id), the pool's capacity as configured and the demo tenants' plugin calls.
# Usage: prometheus_scrape.sh DPSD DPSCTL SOURCE_DIR. About 10 seconds.
set -euo pipefail
dpsd=$1 dpsctl=$2 root=$3
source "$root/tests/ops/harness.sh"
ops_test prometheus_scrape
on_failure='[ ! -f "$work/prometheus.log" ] || tail -20 "$work/prometheus.log"'
command -v prometheus >/dev/null || fail "no prometheus on PATH: scripts/install-deps installs Debian's"
# Prometheus runs as whoever runs the test; as root it reads the test's files fine.
chmod 755 "$work"

DPSD_ENV="DPS_DB_POOL=5"
source "$root/tests/ops/start_dpsd.sh"
get() { curl -sS --cacert "$cacert" -o /dev/null -w '%{http_code}' "$@"; }

# What the scrape must show.
for _ in 1 2 3 4 5 6 7; do [ "$(get "$base/healthz")" = 200 ] || fail "healthz"; done
[ "$(get "$base/no/such/thing")" = 404 ] || fail "an unknown path did not answer 404"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["newham"]["commissioner"])' "$tokens")
[ "$(get -H "Authorization: Bearer $token" "$base/v1/call-offs/987654")" = 404 ] || fail "GET /v1/call-offs/987654"
tenant_id=$(curl -sS --cacert "$cacert" -H "Authorization: Bearer $token" "$base/v1/me" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["tenant"]["id"])')
[ "$(get -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data '{"hook":"termination_notice","args":[{"lot_codes":["HC"]}]}' \
      "$base/v1/tenants/$tenant_id/plugin/evaluate")" = 200 ] || fail "POST plugin/evaluate (runs newham's plugin)"

prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: dpsd
    scheme: https
    tls_config:
      ca_file: $work/tls/cert.pem
      server_name: localhost
    static_configs:
      - targets: ["127.0.0.1:$port"]
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
api=http://127.0.0.1:$prom_port/api/v1

# Prints the first value a PromQL query returns (empty if none).
query() {
  curl -sS --get --data-urlencode "query=$1" "$api/query" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["status"] == "success", r
print(r["data"]["result"][0]["value"][1] if r["data"]["result"] else "")'
}

health=""
for _ in $(seq 1 150); do
  targets=$(curl -sS "$api/targets" 2>/dev/null || true)
  health=$(python3 -c '
import json, sys
try:
    t = json.loads(sys.argv[1])["data"]["activeTargets"][0]
    print(t["health"], t["lastError"])
except Exception:
    print("")' "$targets" 2>/dev/null || true)
  [[ $health == up* ]] && break
  [[ $health == down* ]] && fail "Prometheus could not scrape dpsd: ${health#down }"
  sleep 0.2
done
[[ $health == up* ]] || fail "Prometheus never scraped dpsd (health: '${health}')"
echo "  ok: Prometheus scraped https://127.0.0.1:$port/metrics: target up, no scrape error"

# Stored values appear after the scrape has been appended; wait for them.
expect() { # QUERY EXPECTED: the query's value must reach EXPECTED (a number) within 10 s
  local v=""
  for _ in $(seq 1 50); do
    v=$(query "$1")
    [ -n "$v" ] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) == float(sys.argv[2]) else 1)' "$v" "$2" && {
      echo "  ok: $1 = $v"
      return 0
    }
    sleep 0.2
  done
  fail "$1 is '${v}', expected $2"
}
expect 'dps_http_requests_total{job="dpsd",route="/healthz",method="GET",status="200"}' 7
expect 'dps_http_requests_total{job="dpsd",route="unmatched",status="404"}' 1
expect 'dps_http_requests_total{job="dpsd",route="/v1/call-offs/{call_off_id}",method="GET",status="404"}' 1
expect 'dps_http_request_duration_seconds_count{job="dpsd",route="/healthz"}' 7
expect 'dps_http_request_duration_seconds_bucket{job="dpsd",route="/healthz",le="+Inf"}' 7
expect 'dps_db_pool_connections{job="dpsd",pool="primary",state="capacity"}' 5
expect 'count(dps_http_requests_total{job="dpsd",route=~".*987654.*"}) or vector(0)' 0
expect 'dps_plugin_calls_total{job="dpsd",tenant="newham"} > bool 0' 1
expect 'dps_tls_handshakes_total{job="dpsd",result="ok"} > bool 9' 1
echo "prometheus_scrape: ok"
