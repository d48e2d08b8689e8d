# The call-off load run for scripts/bench (sourced; expects $root, $build_dir, $work, $seconds,
# $connections, $threads, run_wrk, to_ms, and scripts/lib/postgres.sh loaded).
# dpsd on a throwaway PostgreSQL: a provider reading one call-off (GET /v1/call-offs/{id}), listing
# its open call-offs (GET /v1/call-offs) and amending its bid (PATCH /v1/bids/{id}). Each route's
# SQL for one request is captured from PostgreSQL's statement log and counted; the anchors run in
# the same session: pgbench -S -M prepared for the reads (the database's own read capacity at the
# same client count) and pgbench's tpcb-like -M prepared for the write (issue 11: the old anchor,
# the amendment's own SQL replayed by 32 clients on one row, measured lock contention).

# Starts dpsd on DB_URL (migrated and seeded with the demo tenants) and sets up a DPS with twenty
# open call-offs on a lot a provider is admitted to, and that provider's bid on the last.
# Sets: port, base, call_off, bid, bid_body, the demo tokens; defines call.
start_seeded_dpsd() { # start_seeded_dpsd NAME DB_URL [MIGRATE_URL]
  local name=$1 url=$2 migrate_url=${3:-$2}
  DPS_DB_URL=$url DPS_DB_MIGRATE_URL=$migrate_url "$build_dir/platform/dpsctl" migrate >/dev/null
  DPS_DB_URL=$url "$build_dir/platform/dpsctl" seed-demo --seed "$root/tenants/demo-seed.json" --out "$work/tokens.json" >/dev/null 2>&1
  # shellcheck disable=SC1091
  source "$work/tokens.env"
  port=$(free_port)
  DPS_TLS_CERT=$work/tls/cert.pem DPS_TLS_KEY=$work/tls/key.pem DPS_DB_URL=$url DPS_LISTEN=127.0.0.1:$port \
    DPS_THREADS=$threads "$build_dir/platform/dpsd" 2>"$work/dpsd-$name.log" &
  pids+=($!)
  wait_for "$port"
  base="https://127.0.0.1:$port"
  call() { local a=(-sk -X "$2" -H "Authorization: Bearer $1" "$base$3"); [ $# -ge 4 ] && a+=(-H 'Content-Type: application/json' -d "$4"); curl "${a[@]}"; }
  id_of() { sed -n 's/^{"id":\([0-9]*\).*/\1/p'; }
  local today ends dps_id
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
  bid_body="{\"weekly_cost_pence\":550000,\"earliest_start\":\"$(date -u -d "$today + 90 days" +%F)\",\"notes\":\"bench\"}"
  bid=$(call "$RIVERSIDE_BIDDER" POST "/v1/call-offs/$call_off/bids" "$bid_body" | id_of)
  if [ -z "$bid" ]; then echo "call-off bench: set-up failed (see $work/dpsd-$name.log)" >&2; return 1; fi

}

bench_calloffs() {
  pg_start_throwaway
  local psql=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U dps)
  pg_create_app_database dps_bench
  local port base call_off bid bid_body
  start_seeded_dpsd pg "$APP_DB_URL" "$OWNER_DB_URL" || { pg_stop_throwaway; return 1; }
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
  local get_rps get_p99 list_rps list_p99 amend_rps amend_p99
  read -r get_rps get_p99 < <(run_wrk_script "$port" "/v1/call-offs/$call_off" "$work/list.lua")
  read -r list_rps list_p99 < <(run_wrk_script "$port" /v1/call-offs "$work/list.lua")
  read -r amend_rps amend_p99 < <(run_wrk_script "$port" "/v1/bids/$bid" "$work/amend.lua")

  # The SQL of one request of each route, from the statement log: statements executed, and the
  # round trips they cost (each executed statement, plus SOCI's DEALLOCATE after every rowset).
  statements_of() { # statements_of NAME TOKEN METHOD PATH [BODY] → prints "statements round_trips"
    local name=$1; shift
    "${psql[@]}" -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
    local mark
    mark=$(wc -l <"$PG_DIR/server.log")
    call "$@" >/dev/null
    sleep 0.5
    "${psql[@]}" -d postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
    tail -n +"$((mark + 1))" "$PG_DIR/server.log" >"$work/$name.log"
    [ -z "${BENCH_KEEP_SQL:-}" ] || cp "$work/$name.log" "$BENCH_KEEP_SQL/$name.log"
    python3 "$root/scripts/lib/pglog_to_pgbench.py" <"$work/$name.log" >"$work/$name.sql"
    local executed housekeeping
    executed=$(grep -c . "$work/$name.sql" || true)
    housekeeping=$(grep -c 'statement: DEALLOCATE' "$work/$name.log" || true)
    echo "$executed $((executed + housekeeping))"
  }
  local get_sql list_sql amend_sql
  get_sql=$(statements_of get "$RIVERSIDE_BIDDER" GET "/v1/call-offs/$call_off")
  list_sql=$(statements_of list "$RIVERSIDE_BIDDER" GET /v1/call-offs)
  amend_sql=$(statements_of amend "$RIVERSIDE_BIDDER" PATCH "/v1/bids/$bid" "$bid_body")

  # The anchors, on the same server at the same client count: pgbench's own tables in the bench database.
  local pgbench=(/usr/lib/postgresql/15/bin/pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U dps -c "$connections" -j 1 -T "$seconds" -M prepared)
  /usr/lib/postgresql/15/bin/pgbench -i -q -s 1 -h 127.0.0.1 -p "$PG_PORT" -U dps dps_bench >/dev/null 2>&1
  local select_tps tpcb_tps
  select_tps=$("${pgbench[@]}" -S dps_bench 2>&1 | awk '/^tps = / {print $3; exit}')
  tpcb_tps=$("${pgbench[@]}" dps_bench 2>&1 | awk '/^tps = / {print $3; exit}')
  echo "pgbench -S -M prepared ($connections clients): $select_tps tps; tpcb-like -M prepared: $tpcb_tps tps"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100*a/b; else printf "n/a" }'; }
  printf '%-36s %10s %10s %12s %10s %12s %8s\n' route req/s "p99 ms" statements "round trips" anchor target
  printf '%-36s %10s %10s %12s %10s %12s %8s\n' \
    "GET /v1/call-offs/{id} (provider)" "$get_rps" "$(to_ms "$get_p99")" ${get_sql} "$(ratio "$get_rps" "$select_tps") of -S" "25%" \
    "GET /v1/call-offs (20 open)" "$list_rps" "$(to_ms "$list_p99")" ${list_sql} "$(ratio "$list_rps" "$select_tps") of -S" "10%" \
    "PATCH /v1/bids/{id}" "$amend_rps" "$(to_ms "$amend_p99")" ${amend_sql} "$(ratio "$amend_rps" "$tpcb_tps") of tpcb" "40%"
  pg_stop_throwaway
}

# The embedded default under concurrent reads (issue 11): read units begin deferred, so readers do
# not queue on SQLite's one write lock. One provider reading one call-off with 1 connection, then 8:
# reads that serialised would give the same throughput at 8 as at 1.
bench_sqlite_reads() {
  local port base call_off bid bid_body
  start_seeded_dpsd sqlite "sqlite:$work/reads.db" || return 1
  cat >"$work/reader.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $RIVERSIDE_BIDDER"
LUA
  echo
  echo "SQLite, GET /v1/call-offs/{id} (provider) over HTTPS keep-alive: ${seconds}s, $threads server threads"
  local one_rps one_p99 eight_rps eight_p99
  read -r one_rps one_p99 < <(connections=1 run_wrk_script "$port" "/v1/call-offs/$call_off" "$work/reader.lua")
  read -r eight_rps eight_p99 < <(connections=8 run_wrk_script "$port" "/v1/call-offs/$call_off" "$work/reader.lua")
  printf '%-16s %10s req/s   p99 %8s ms\n' "1 connection" "$one_rps" "$(to_ms "$one_p99")" "8 connections" "$eight_rps" "$(to_ms "$eight_p99")"
  awk -v a="$eight_rps" -v b="$one_rps" 'BEGIN { if (b > 0) printf "8 connections / 1: %.2fx (serialised reads would stay near 1x)\n", a/b }'
}
