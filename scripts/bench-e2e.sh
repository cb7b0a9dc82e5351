#!/usr/bin/env bash
# End-to-end benchmark of `credo eval --format jsonl` on the reference scenario.
#
#   scripts/bench-e2e.sh [RECORDS...]        (default: 1000000 10000000)
#
# For each size: generates RECORDS records with `credo-bench gen` (deterministic, seed 42),
# runs `credo eval … --format jsonl` for role r0 with /usr/bin/time -v, output to /dev/null,
# and prints records/s and peak RSS. Set FORMAT=yaml to read the records as one block YAML
# list instead of JSONL (written by scripts/jsonl-to-yaml.py, ~0.92 GB per million records),
# JOBS to pass --jobs, RUNS to repeat each measurement (the median is reported; default 3 for
# JSONL, 1 for YAML), DIR for the scratch directory (~0.75 GB of JSONL per million records),
# KEEP=1 to keep the generated files.
set -euo pipefail
cd "$(dirname "$0")/.."

format=${FORMAT:-jsonl}
case "$format" in
  jsonl) default_sizes=(1000000 10000000); default_runs=3 ;;
  yaml) default_sizes=(100000 1000000); default_runs=1 ;;
  *) echo "FORMAT must be jsonl or yaml" >&2; exit 2 ;;
esac
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=("${default_sizes[@]}")
runs=${RUNS:-$default_runs}
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-$format}
target=${CARGO_TARGET_DIR:-target}
jobs_arg=()
[ -n "${JOBS:-}" ] && jobs_arg=(--jobs "$JOBS")

cargo build --release --quiet --bin credo --bin credo-bench
credo="$target/release/credo"
bench="$target/release/credo-bench"

printf "%-10s %-6s %-9s %-12s %s\n" records run seconds records/s peak-RSS-MB
for n in "${sizes[@]}"; do
  mkdir -p "$dir/$n"
  records="$dir/$n/records.$format"
  if [ ! -s "$records" ]; then
    "$bench" gen --dir "$dir/$n" --records "$n" >/dev/null
    if [ "$format" = yaml ]; then
      scripts/jsonl-to-yaml.py <"$dir/$n/records.jsonl" >"$records"
      rm -f "$dir/$n/records.jsonl"
    fi
  fi
  results=()
  for run in $(seq 1 "$runs"); do
    log="$dir/$n/time-$run.log"
    /usr/bin/time -v "$credo" eval "$dir/$n/policy.credo" "$records" \
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
  [ -n "${KEEP:-}" ] || rm -f "$records"
done
