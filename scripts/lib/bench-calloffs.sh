# The call-off load run for scripts/bench (sourced; expects $root, $build_dir, $work, $seconds,
# $connections, $threads, run_wrk, to_ms, and scripts/lib/postgres.sh loaded).
# dpsd on a throwaway PostgreSQL: providers listing open call-offs (GET /v1/call-offs) and amending
# their bid (PATCH /v1/bids/{id}); then pgbench replays the exact SQL one bid amendment executed
# (captured from PostgreSQL's statement log), so the platform's overhead is a ratio.

bench_calloffs() {
  pg_start_throwaway
  local psql=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U dps)
  pg_create_app_database dps_bench
  local url=$APP_DB_URL
  DPS_DB_URL=$url DPS_DB_MIGRATE_URL=$OWNER_DB_URL "$build_dir/platform/dpsctl" migrate >/dev/null
  DPS_DB_URL=$url "$build_dir/platform/dpsctl" seed-demo --seed "$root/tenants/demo-seed.json" --out "$work/tokens.json" >/dev/null 2>&1
  # shellcheck disable=SC1091
  source "$work/tokens.env"
  local port
  port=$(pg_free_port)
  DPS_TLS_CERT=$work/tls/cert.pem DPS_TLS_KEY=$work/tls/key.pem DPS_DB_URL=$url DPS_LISTEN=127.0.0.1:$port \
    DPS_THREADS=$threads "$build_dir/platform/dpsd" 2>"$work/dpsd-pg.log" &
  pids+=($!)
  wait_for "$port"
  local base="https://127.0.0.1:$port"
  call() { local a=(-sk -X "$2" -H "Authorization: Bearer $1" "$base$3"); [ $# -ge 4 ] && a+=(-H 'Content-Type: application/json' -d "$4"); curl "${a[@]}"; }
  id_of() { sed -n 's/^{"id":\([0-9]*\).*/\1/p'; }
  local today ends dps_id call_off bid
  today=$(date -u +%F); ends=$(date -u -d "$today + 2 years" +%F)
  dps_id=$(call "$NEWHAM_COMMISSIONER" POST /v1/dps "{\"title\":\"Bench DPS\",\"category\":\"placements\",\"regime\":\"pcr2015_reg34\",\"term_starts_on\":\"$today\",\"term_ends_on\":\"$ends\"}" | id_of)
  call "$NEWHAM_COMMISSIONER" POST "/v1/dps/$dps_id/lots/from-plugin" >/dev/null
  call "$NEWHAM_COMMISSIONER" POST "/v1/dps/$dps_id/status" '{"action":"open"}' >/dev/null
  call "$RIVERSIDE_PROVIDER_ADMIN" PATCH "/v1/providers/$RIVERSIDE_PROVIDER_ID/profile" '{"ofsted_rating":"good","ofsted_urn":"SC900001"}' >/dev/null
  local app
  app=$(call "$RIVERSIDE_BIDDER" POST "/v1/dps/$dps_id/lots/lot2/applications" | id_of)
  call "$NEWHAM_COMMISSIONER" POST "/v1/applications/$app/decision" '{"action":"admit"}' >/dev/null
  for i in $(seq 1 20); do # a realistic list: twenty open call-offs on the lot
    call_off=$(call "$NEWHAM_COMMISSIONER" POST "/v1/dps/$dps_id/call-offs" "{\"lot_code\":\"lot2\",\"title\":\"Placement $i\",\"bid_deadline\":\"$(date -u -d "$today + 60 days" +%F)T12:00:00Z\",\"package\":{\"category\":\"residential\",\"placement_type\":\"children's home\",\"area\":\"E15\",\"start_date\":\"$(date -u -d "$today + 90 days" +%F)\",\"duration_weeks\":26,\"requirements\":[\"Ofsted Good or better\"]}}" | id_of)
    call "$NEWHAM_COMMISSIONER" POST "/v1/call-offs/$call_off/publish" >/dev/null
  done
  local bid_body="{\"weekly_cost_pence\":550000,\"earliest_start\":\"$(date -u -d "$today + 90 days" +%F)\",\"notes\":\"bench\"}"
  bid=$(call "$RIVERSIDE_BIDDER" POST "/v1/call-offs/$call_off/bids" "$bid_body" | id_of)
  if [ -z "$bid" ]; then echo "call-off bench: set-up failed (see $work/dpsd-pg.log)" >&2; pg_stop_throwaway; return 1; fi

  cat >"$work/list.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $RIVERSIDE_BIDDER"
LUA
  cat >"$work/amend.lua" <<LUA
wrk.method = "PATCH"
wrk.body = '$bid_body'
wrk.headers["Authorization"] = "Bearer $RIVERSIDE_BIDDER"
wrk.headers["Content-Type"] = "application/json"
LUA
  echo
  echo "Call-offs on PostgreSQL over HTTPS keep-alive: ${seconds}s, $connections connections, $threads server threads"
  local list_rps list_p99 amend_rps amend_p99
  read -r list_rps list_p99 < <(run_wrk_script "$port" /v1/call-offs "$work/list.lua")
  read -r amend_rps amend_p99 < <(run_wrk_script "$port" "/v1/bids/$bid" "$work/amend.lua")
  printf '%-34s %10s req/s   p99 %8s ms\n' "GET /v1/call-offs (provider)" "$list_rps" "$(to_ms "$list_p99")" \
    "PATCH /v1/bids/{id} (amend a bid)" "$amend_rps" "$(to_ms "$amend_p99")"

  # Capture the SQL of one amendment and replay it with pgbench.
  "${psql[@]}" -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  local mark
  mark=$(wc -l <"$PG_DIR/server.log")
  call "$RIVERSIDE_BIDDER" PATCH "/v1/bids/$bid" "$bid_body" >/dev/null
  sleep 0.5
  "${psql[@]}" -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((mark + 1))" "$PG_DIR/server.log" | python3 "$root/scripts/lib/pglog_to_pgbench.py" >"$work/amend.sql"
  local statements
  statements=$(grep -c . "$work/amend.sql")
  local pgbench_out
  pgbench_out=$(/usr/lib/postgresql/15/bin/pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U dps_app -c "$connections" -j 1 \
    -T "$seconds" -f "$work/amend.sql" dps_bench 2>&1 || true)
  local pg_tps
  pg_tps=$(awk '/^tps = / {print $3; exit}' <<<"$pgbench_out")
  if [ -z "$pg_tps" ]; then
    echo "pgbench did not run; its output and the captured script follow:" >&2
    head -20 <<<"$pgbench_out" >&2
    head -40 "$work/amend.sql" >&2
  fi
  echo "pgbench, the same $statements statements one amendment runs: $pg_tps transactions/s"
  awk -v a="$amend_rps" -v b="$pg_tps" 'BEGIN { if (b > 0) printf "bid amendment over HTTPS / pgbench: %.0f%% (target: 50%% or more)\n", 100*a/b }'
  pg_stop_throwaway
}
