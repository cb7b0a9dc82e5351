#!/usr/bin/env bash
# Credential-proof benchmark (SPEC §15).
#
#   scripts/bench-proofs.sh [RECORDS]        (default: 100000)
#
# Writes RECORDS records per suite with scripts/bench-proofs.py (needs Python's `cryptography`),
# each record holding one distinct signed Open Badges 3.0 credential: eddsa-jcs-2022,
# eddsa-rdfc-2022, EdDSA, RS256 and ES256 VC-JWT, plus `jcs-rep`, where ten records share each eddsa-jcs-2022
# credential (what the run's proof cache saves). For each suite it times
#   - `credo verify` (reads every record and checks its proof): verifications/s, and
#   - `credo eval --format jsonl` under `verified_only proofs` (reads, checks, decides):
#     records/s,
# both by the wall clock and per CPU-second (user + system time: what one core does, whatever
# else the machine is running). Each figure is the median of RUNS runs (default 3). The load
# average is printed before and after: the machine may be shared. JOBS passes --jobs; DIR is the
# scratch directory; KEEP=1 keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-3}
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-proofs}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")
credo="$target/release/credo"

cargo build --release --quiet --bin credo
python3 scripts/bench-proofs.py "$dir" "$n"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# One run of "$@", output discarded: prints "WALL CPU" seconds.
time_run() {
  /usr/bin/time -o "$dir/time" -f '%e %U %S' "$@" > /dev/null 2> /dev/null
  awk '{printf "%s %s\n", $1, $2 + $3}' "$dir/time"
}
# RUNS runs: prints "RECORDS/s-by-wall RECORDS/s-per-CPU-second" (medians).
rate() {
  local times
  times=$(for _ in $(seq "$runs"); do time_run "$@"; done)
  printf '%.0f %.0f\n' \
    "$(echo "$n / $(cut -d' ' -f1 <<< "$times" | median)" | bc -l)" \
    "$(echo "$n / $(cut -d' ' -f2 <<< "$times" | median)" | bc -l)"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)   ($n records, $(nproc) cores, --jobs ${JOBS:-all})"
printf '%-10s %10s %12s %11s %13s\n' suite "verify/s" "verify/cpu-s" "eval rec/s" "eval rec/cpu-s"
for suite in jcs jcs-rep rdfc jwt-eddsa jwt-rs256 jwt-es256; do
  f="$dir/$suite.jsonl"
  [ "$suite" = jcs-rep ] && f="$dir/jcs-repeated.jsonl"
  # Every proof must verify: a benchmark of failures would measure the wrong thing.
  failed=$("$credo" verify "$f" --policy "$dir/policy.credo" --format json "${jobs_arg[@]}" \
    | grep -o '"proof":"[^"]*"' | grep -vc '"proof":"verified"' || true)
  [ "$failed" = 0 ] || { echo "$suite: $failed proofs did not verify" >&2; exit 1; }
  read -r vw vc < <(rate "$credo" verify "$f" --policy "$dir/policy.credo" --format json "${jobs_arg[@]}")
  read -r ew ec < <(rate "$credo" eval "$dir/policy.credo" "$f" --as-of 2026-01-01 --format jsonl "${jobs_arg[@]}")
  printf '%-10s %10s %12s %11s %13s\n' "$suite" "$vw" "$vc" "$ew" "$ec"
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${KEEP:-}" = 1 ] || rm -rf "$dir"
