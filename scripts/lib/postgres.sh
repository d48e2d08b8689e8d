# A throwaway PostgreSQL 15 cluster on loopback for tests and benchmarks. Source it, then:
#   pg_start_throwaway   sets PG_URL (superuser "dps", database "postgres") and PG_DIR
#   pg_stop_throwaway    stops the cluster and removes its folder
# PostgreSQL refuses to run as root, so as root the cluster runs as the "postgres" user
# (created by the postgresql-15 package) on a folder that user owns.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Ports: free_port (scripts/lib/ports.sh).
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

pg_start_throwaway() {
  PG_DIR=$(mktemp -d /tmp/dps-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
  local port
  port=$(free_port)
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U dps -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # fsync stays on: the tests check that acknowledged writes survive; small shared_buffers suit a 2-core box.
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200 -c shared_buffers=128MB" start >/dev/null ||
    { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_URL="postgresql://dps@127.0.0.1:$port/postgres"
  PG_PORT=$port
  export PG_URL PG_PORT PG_DIR
}

pg_stop_throwaway() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

# Creates database $1 on the throwaway cluster the way production runs it (docs/operations.md): the
# owner role dps_owner owns it and migrates; dpsd runs as dps_app, which owns nothing. Sets
# APP_DB_URL (for DPS_DB_URL) and OWNER_DB_URL (for DPS_DB_MIGRATE_URL).
pg_create_app_database() {
  local name=$1
  local psql=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U dps -d postgres)
  local role
  for role in dps_owner dps_app; do
    "${psql[@]}" -c "DO \$\$ BEGIN CREATE ROLE $role LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
                     EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
  done
  "${psql[@]}" -c "CREATE DATABASE $name OWNER dps_owner" >/dev/null
  APP_DB_URL="postgresql://dps_app@127.0.0.1:$PG_PORT/$name"
  OWNER_DB_URL="postgresql://dps_owner@127.0.0.1:$PG_PORT/$name"
  export APP_DB_URL OWNER_DB_URL
}
