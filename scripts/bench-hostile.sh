#!/usr/bin/env bash
# Times credo on the hostile inputs of issue 14, item 8 (see scripts/hostile-inputs.py):
#
#   scripts/bench-hostile.sh [CREDENTIALS] [ROLES]     (default: 80000 2000)
#
# - `credo eval` and `credo audit` of one record holding CREDENTIALS unrecognised credentials;
# - `credo check` of a policy of ROLES roles of 12 skills with decide rules.
# Prints wall time and peak RSS of each (/usr/bin/time). CREDO= runs another binary (to
# compare with an older build); DIR= is the scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."

credentials=${1:-80000}
roles=${2:-2000}
dir=${DIR:-${TMPDIR:-/tmp}/credo-hostile}
if [ -z "${CREDO:-}" ]; then
  cargo build --release --quiet --bin credo
  CREDO=${CARGO_TARGET_DIR:-target}/release/credo
fi
python3 scripts/hostile-inputs.py "$dir" "$credentials" "$roles"

run() {
  local what=$1
  shift
  /usr/bin/time -f "$what: %e s, peak RSS %M KB" "$@" > /dev/null 2> "$dir/stderr" || true
  tail -n 1 "$dir/stderr"
}
run "eval, $credentials credentials" \
  "$CREDO" eval policies/acme-cyber.credo "$dir/many-credentials.jsonl" --as-of 2026-11-25 --format jsonl
run "audit, $credentials credentials" \
  "$CREDO" audit policies/acme-cyber.credo "$dir/many-credentials.jsonl" --as-of 2026-11-25
run "check, $roles roles of 12 skills" "$CREDO" check "$dir/many-roles.credo"
