#!/usr/bin/env bash
# Benchmark of record sets of CSV tables (SPEC §16) through `credo eval --format jsonl`.
#
#   scripts/bench-tables.sh [CANDIDATES...]        (default: 1000000)
#
# For each size: generates CANDIDATES records with `credo-bench gen` (deterministic, seed 42),
# converts them to a folder of CSV tables with `credo convert --to csv` (tables in candidates
# order, so the join streams), then runs `credo eval DIR --role r0 --format jsonl` with
# /usr/bin/time -v, output to /dev/null, and prints records/s and peak RSS; the same records
# as JSONL are timed alongside for comparison. DIR sets the scratch directory (about 1.2 GB per
# million candidates), KEEP=1 keeps the files, JOBS passes --jobs, NO_BUILD=1 uses the built
# binaries as they are.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000)
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-tables}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")

[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --bin credo --bin credo-bench
credo="$target/release/credo"
bench="$target/release/credo-bench"

run() { # label, n, input
  local log="$dir/$2/time-$1.log"
  /usr/bin/time -v "$credo" eval "$dir/$2/policy.credo" "$3" \
    --role r0 --as-of 2026-11-25 --format jsonl "${jobs_arg[@]}" 2>"$log" >"$dir/$2/out-$1.jsonl" || true
  local secs rss rate lines
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
  rate=$(awk -v n="$2" -v s="$secs" 'BEGIN {printf "%.0f", n/s}')
  lines=$(wc -l <"$dir/$2/out-$1.jsonl")
  printf "%-10s %-6s %-9s %-12s %-12s %s\n" "$2" "$1" "$secs" "$rate" "$rss" "$lines"
}

for n in "${sizes[@]}"; do
  mkdir -p "$dir/$n"
  if [ ! -s "$dir/$n/set/candidates.csv" ]; then
    "$bench" gen --dir "$dir/$n" --records "$n" >/dev/null
    "$credo" convert "$dir/$n/records.jsonl" --to csv --out "$dir/$n/set"
  fi
  du -sh "$dir/$n/set" | sed 's/^/CSV set: /'
  printf "%-10s %-6s %-9s %-12s %-12s %s\n" records input seconds records/s peak-RSS-MB output-lines
  run csv "$n" "$dir/$n/set"
  run jsonl "$n" "$dir/$n/records.jsonl"
  if cmp -s "$dir/$n/out-csv.jsonl" "$dir/$n/out-jsonl.jsonl"; then
    echo "decisions from the CSV set and the JSONL are byte-identical"
  else
    echo "decisions DIFFER between the CSV set and the JSONL" >&2
  fi
  [ -n "${KEEP:-}" ] || rm -rf "$dir/$n"
done
