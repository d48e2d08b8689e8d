# Sourced by the tests in tests/ops (after harness.sh): a real dpsd on a fresh SQLite database with the demo councils,
# on a free loopback port with a self-signed certificate. Needs $dpsd, $dpsctl, $root and $work set.
# Sets: $port, $base (https://127.0.0.1:PORT), $cacert, $tokens (the demo tokens file), $dpsd_pid.
# DPSD_ENV: extra NAME=value settings for dpsd. Calls fail() (the test's own) if it does not start.
cd "$root" # the demo seed and the tenants' plugins are read from the source tree
source "$root/scripts/lib/ports.sh"
export DPS_DB_URL="sqlite:$work/dps.db"
"$dpsctl" migrate >/dev/null
tokens=$work/tokens.json
"$dpsctl" seed-demo --out "$tokens" >/dev/null
"$root/scripts/make-cert" "$work/tls" 2>/dev/null
cacert=$work/tls/cert.pem
port=$(free_port)
base=https://127.0.0.1:$port
# shellcheck disable=SC2086
env DPS_LISTEN=127.0.0.1:$port DPS_TLS_CERT=$work/tls/cert.pem DPS_TLS_KEY=$work/tls/key.pem DPS_LOG_LEVEL=warn \
  ${DPSD_ENV:-} "$dpsd" >"$work/dpsd.log" 2>&1 &
dpsd_pid=$!
pids+=("$dpsd_pid")
for _ in $(seq 1 200); do
  [ "$(curl -sS --cacert "$cacert" -o /dev/null -w '%{http_code}' "$base/readyz" 2>/dev/null)" = 200 ] && break
  kill -0 "$dpsd_pid" 2>/dev/null || break
  sleep 0.1
done
[ "$(curl -sS --cacert "$cacert" -o /dev/null -w '%{http_code}' "$base/readyz" 2>/dev/null)" = 200 ] ||
  fail "dpsd did not become ready: $(tail -5 "$work/dpsd.log")"
