#!/usr/bin/env bash
# Real answers from a real dpsd checked against the schemas of the document it serves
# (tests/ops/openapi_answers.py). Usage: openapi_answers.sh DPSD DPSCTL SOURCE_DIR.
set -euo pipefail
dpsd=$1 dpsctl=$2 root=$3
source "$root/tests/ops/harness.sh"
ops_test openapi_answers
source "$root/tests/ops/start_dpsd.sh"
# Debian's interpreter and its python3-jsonschema (scripts/install-deps), whatever python3 is first on PATH.
/usr/bin/python3 "$root/tests/ops/openapi_answers.py" "$base" "$cacert" "$tokens"
