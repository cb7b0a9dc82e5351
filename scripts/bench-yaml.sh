#!/usr/bin/env bash
# End-to-end benchmark of `credo eval --format jsonl` on a YAML list of records.
#
#   scripts/bench-yaml.sh [RECORDS...]        (default: 100000 1000000)
#
# For each size: generates RECORDS reference records with `credo-bench gen` (deterministic,
# seed 42), writes them as one block YAML list (scripts/jsonl-to-yaml.py, ~0.92 GB per million
# records), runs `credo eval … --format jsonl` for role r0 with /usr/bin/time -v, output to
# /dev/null, and prints records/s and peak RSS. Set JOBS to pass --jobs, RUNS to repeat each
# measurement (the median is reported), DIR for the scratch directory, KEEP=1 to keep the files.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
runs=${RUNS:-1}
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-yaml}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")

cargo build --release --quiet --bin credo --bin credo-bench
credo="$target/release/credo"
bench="$target/release/credo-bench"

printf "%-10s %-6s %-9s %-12s %s\n" records run seconds records/s peak-RSS-MB
for n in "${sizes[@]}"; do
  mkdir -p "$dir/$n"
  if [ ! -s "$dir/$n/records.yaml" ]; then
    "$bench" gen --dir "$dir/$n" --records "$n" >/dev/null
    scripts/jsonl-to-yaml.py <"$dir/$n/records.jsonl" >"$dir/$n/records.yaml"
    rm -f "$dir/$n/records.jsonl"
  fi
  results=()
  for run in $(seq 1 "$runs"); do
    log="$dir/$n/time-$run.log"
    /usr/bin/time -v "$credo" eval "$dir/$n/policy.credo" "$dir/$n/records.yaml" \
      --role r0 --as-of 2026-11-25 --format jsonl "${jobs_arg[@]}" 2>"$log" \
      >/dev/null
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN {printf "%.0f", n/s}')
    printf "%-10s %-6s %-9s %-12s %s\n" "$n" "$run" "$secs" "$rate" "$rss"
    results+=("$rate $rss")
  done
  median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
  rate=$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | median)
  rss=$(printf '%s\n' "${results[@]}" | cut -d' ' -f2 | median)
  echo "$n records: median $rate records/s, median peak RSS $rss MB ($runs runs)"
  [ -n "${KEEP:-}" ] || rm -f "$dir/$n/records.yaml"
done
