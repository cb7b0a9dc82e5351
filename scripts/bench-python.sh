#!/usr/bin/env bash
# Benchmark of the Python package: `Policy.evaluate_arrow` on 1,000,000 records against
# `credo eval --format jsonl` on the same records, in the same run.
#
#   scripts/bench-python.sh [RECORDS]          (default: 1000000)
#
# Generates RECORDS records with `credo-bench gen` (deterministic, seed 42; ~0.75 GB of JSONL
# per million), times the CLI deciding them for role r0 (output to /dev/null), then in Python
# reads the same JSONL into Arrow with pyarrow.json (timed apart: in Spark the data arrives as
# Arrow) and times `evaluate_arrow` over the table's batches of BATCH rows (default 65536),
# keeping only each output batch's row count. Prints both times and the ratio Python / CLI.
# The package is built in release mode into the venv target/py-venv (made if missing).
# RUNS repeats each measurement (the median is reported; default 3); DIR is the scratch
# directory; KEEP=1 keeps the generated files.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-1000000}
runs=${RUNS:-3}
batch=${BATCH:-65536}
dir=${DIR:-${TMPDIR:-/tmp}/credo-bench-python}
target=${CARGO_TARGET_DIR:-target}
venv=${VENV:-target/py-venv}

cargo build --release --quiet --bin credo --bin credo-bench
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet maturin pyarrow
VIRTUAL_ENV="$PWD/$venv" "$venv/bin/maturin" develop --release --quiet --manifest-path python/Cargo.toml >/dev/null

mkdir -p "$dir/$n"
if [ ! -s "$dir/$n/records.jsonl" ]; then
  "$target/release/credo-bench" gen --dir "$dir/$n" --records "$n" >/dev/null
fi

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

cli_times=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$target/release/credo" eval "$dir/$n/policy.credo" "$dir/$n/records.jsonl" \
    --role r0 --as-of 2026-11-25 --format jsonl >/dev/null
  end=$(date +%s.%N)
  cli_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b-a}')")
  echo "cli run $run: ${cli_times[-1]} s"
done
cli=$(printf '%s\n' "${cli_times[@]}" | median)

py=$("$venv/bin/python" - "$dir/$n" "$runs" "$batch" <<'PY'
import statistics, sys, time
import pyarrow.json as pj
import credo

d, runs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
table = pj.read_json(f"{d}/records.jsonl", read_options=pj.ReadOptions(block_size=64 << 20))
print(f"pyarrow.json read: {time.perf_counter() - t:.3f} s ({table.num_rows} rows)", file=sys.stderr)
batches = table.to_batches(max_chunksize=batch)
policy = credo.Policy.load(f"{d}/policy.credo")
times = []
for run in range(runs):
    t = time.perf_counter()
    rows = 0
    for b in batches:
        rows += policy.evaluate_arrow(b, role="r0", as_of="2026-11-25").num_rows
    times.append(time.perf_counter() - t)
    print(f"evaluate_arrow run {run + 1}: {times[-1]:.3f} s ({rows} decisions)", file=sys.stderr)
print(f"{statistics.median(times):.3f}")
PY
)
ratio=$(awk -v p="$py" -v c="$cli" 'BEGIN {printf "%.2f", p/c}')
echo "$n records: CLI median $cli s, evaluate_arrow median $py s, ratio $ratio (target <= 1.5)"
if [ -z "${KEEP:-}" ]; then
  rm -rf "$dir/$n"
fi
