# Sourced first by the tests in tests/ops and tests/console: `ops_test NAME` makes a work folder
# ($work) that goes at exit with every process listed in $pids, and fail MESSAGE, which names the
# test, runs $on_failure (e.g. to show a log) and exits 1.
ops_test() {
  test_name=$1
  work=$(mktemp -d "/tmp/dps-$1.XXXXXX")
  pids=()
  on_failure=''
  trap ops_cleanup EXIT
}
ops_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
fail() {
  echo "$test_name: FAIL: $*" >&2
  [ -z "$on_failure" ] || eval "$on_failure" >&2 || true
  exit 1
}
