#!/usr/bin/env bash
# The web console in headless Chromium against a real dpsd (tests/console/console_browser.py).
# Usage: console_browser.sh DPSD DPSCTL SOURCE_DIR CONSOLE_DIR SCREENSHOT_DIR
set -euo pipefail
dpsd=$1 dpsctl=$2 root=$3 console_dir=$4 shots=$5
source "$root/tests/ops/harness.sh"
ops_test console_browser
[ -f "$console_dir/index.html" ] || fail "no console in $console_dir: scripts/build-console"
axe=$root/console/node_modules/axe-core/axe.min.js
[ -f "$axe" ] || fail "no $axe: scripts/build-console runs npm ci"
for b in /usr/bin/chromium /usr/bin/chromedriver; do [ -x "$b" ] || fail "no $b: scripts/install-deps installs chromium and chromium-driver"; done
DPSD_ENV="DPS_CONSOLE_DIR=$console_dir"
source "$root/tests/ops/start_dpsd.sh"
# Chromium keeps its profile and cache under HOME.
HOME=$work /usr/bin/python3 "$root/tests/console/console_browser.py" "$base" "$cacert" "$tokens" "$axe" "$shots"
