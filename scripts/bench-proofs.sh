#!/usr/bin/env bash
# Credential-proof benchmark (SPEC §15).
#
#   scripts/bench-proofs.sh [RECORDS]        (default: 100000)
#
# Writes RECORDS records per suite with scripts/bench-proofs.py (needs Python's `cryptography`),
# each record holding one distinct signed Open Badges 3.0 credential: eddsa-jcs-2022,
# eddsa-rdfc-2022, EdDSA
# VC-JWT and RS256 VC-JWT. For each suite it times
#   - `credo verify` (reads every record and checks its proof): verifications/s, and
#   - `credo eval --format jsonl` under `verified_only proofs` (reads, checks, decides):
#     records/s.
# Each figure is the median of RUNS runs (default 3). JOBS passes --jobs; DIR is the scratch
# directory; KEEP=1 keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-3}
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-proofs}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")

cargo build --release --quiet --bin credo
python3 scripts/bench-proofs.py "$dir" "$n"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_run() { # prints seconds for one run of "$@", output discarded
  local s e
  s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
printf '%-10s %14s %14s   (%s records, %s cores)\n' suite "verify/s" "eval rec/s" "$n" "$(nproc)"
for suite in jcs rdfc jwt-eddsa jwt-rs256; do
  f="$dir/$suite.jsonl"
  # Every proof must verify: a benchmark of failures would measure the wrong thing.
  failed=$("$target/release/credo" verify "$f" --policy "$dir/policy.credo" --format json "${jobs_arg[@]}" \
    | grep -o '"proof":"[^"]*"' | grep -vc '"proof":"verified"' || true)
  [ "$failed" = 0 ] || { echo "$suite: $failed proofs did not verify" >&2; exit 1; }
  v=$(for _ in $(seq "$runs"); do time_run "$target/release/credo" verify "$f" --policy "$dir/policy.credo" --format json "${jobs_arg[@]}"; done | median)
  e=$(for _ in $(seq "$runs"); do time_run "$target/release/credo" eval "$dir/policy.credo" "$f" --as-of 2026-01-01 --format jsonl "${jobs_arg[@]}"; done | median)
  printf '%-10s %14.0f %14.0f\n' "$suite" "$(echo "$n / $v" | bc -l)" "$(echo "$n / $e" | bc -l)"
done
[ "${KEEP:-}" = 1 ] || rm -rf "$dir"
