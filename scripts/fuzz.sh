#!/usr/bin/env bash
# Runs each cargo-fuzz target for a given time (default 600 s each) and keeps every crash.
#   scripts/fuzz.sh [SECONDS] [TARGET…]
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain RUSTC_BOOTSTRAP=1 lets
# cargo-fuzz pass its -Z sanitizer flags. Crashes land in fuzz/artifacts/TARGET/; add each to
# tests/fixtures/fuzz/ (see tests/fuzz_regressions.rs) once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(policy records eval tables proofs)
mkdir -p fuzz/corpus/policy fuzz/corpus/records fuzz/corpus/eval fuzz/corpus/tables fuzz/corpus/proofs
cp -n tests/fixtures/proofs/*.json tests/fixtures/malformed/proofs/*.json fuzz/corpus/proofs/ 2>/dev/null || true
cp -n policies/*.credo tests/fixtures/check-ok/*.credo fuzz/corpus/policy/ 2>/dev/null || true
cp -n policies/*.yaml policies/*.jsonl fuzz/corpus/eval/ 2>/dev/null || true
for f in policies/*.jsonl; do printf '\x02' | cat - "$f" > "fuzz/corpus/records/$(basename "$f")"; done
# The tables target reads the tables of a set joined by 0xFF bytes, candidates first.
for d in tests/fixtures/malformed/tables/*/; do
  python3 - "$d" > "fuzz/corpus/tables/$(basename "$d")" <<'PY' || true
import os, sys
d = sys.argv[1]
names = ["candidates", "credentials", "artifacts", "labs", "work_samples", "experience", "education"]
parts = [open(os.path.join(d, n + ".csv"), "rb").read() if os.path.exists(os.path.join(d, n + ".csv")) else b"" for n in names]
sys.stdout.buffer.write(b"\xff".join(parts))
PY
done
for t in "${targets[@]}"; do
  echo "== $t for ${secs}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" --release -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 2>&1 \
    | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|SUMMARY|crash-|timeout-|oom-" | tail -5
done
