#!/usr/bin/env bash
# Benchmark of `credo measure` on the outcomes sample scaled up.
#
#   scripts/bench-measure.sh [APPLICANTS...]        (default: 1000000)
#
# For each size: generates APPLICANTS applicants and the outcomes of about a tenth of them
# (`credo-bench outcomes-sample --hire-scale "$scale"`, deterministic, seed 14) and runs
# `credo measure … --format json` with /usr/bin/time -v, output to /dev/null; prints the
# seconds, the hires and the peak RSS. HIRE_SCALE changes the share hired (0.0316: about one
# in a hundred); JOBS passes --jobs; DIR is the scratch directory (~0.4 GB per million
# applicants); KEEP=1 keeps the generated files.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000)
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-measure}
scale=${HIRE_SCALE:-0.316}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")

cargo build --release --quiet --bin credo --bin credo-bench
credo="$target/release/credo"
bench="$target/release/credo-bench"

printf "%-11s %-8s %-9s %s\n" applicants hires seconds peak-RSS-MB
for n in "${sizes[@]}"; do
  d="$dir/$n-$scale"
  if [ ! -s "$d/outcomes-sample.records.jsonl" ]; then
    "$bench" outcomes-sample --dir "$d" --applicants "$n" --hire-scale "$scale"
  fi
  hires=$(($(wc -l < "$d/outcomes-sample.outcomes.csv") - 1))
  log="$d/time.txt"
  /usr/bin/time -v "$credo" measure "$d/outcomes-sample.credo" "$d/outcomes-sample.records.jsonl" \
    --outcomes "$d/outcomes-sample.outcomes.csv" --as-of 2026-11-25 --format json \
    "${jobs_arg[@]}" > /dev/null 2> "$log"
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  printf "%-11s %-8s %-9s %s\n" "$n" "$hires" "$secs" "$rss"
  [ -n "${KEEP:-}" ] || rm -rf "$d"
done
