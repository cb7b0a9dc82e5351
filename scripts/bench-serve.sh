#!/usr/bin/env bash
# Loopback load test of `credo serve` (SPEC §13), bounded in time, never a unit test.
#
#   scripts/bench-serve.sh [CLIENTS] [SECONDS]        (default: 16 clients, 10 s each run)
#
# Builds credo and credo-load in release, then with CLIENTS keep-alive connections sending one
# single-record POST in a loop (the first record of policies/acme-cyber.records.jsonl):
#   1. a minimal axum hello-world server (`credo-load hello`): the ceiling of the stack;
#   2. `credo serve policies/acme-cyber.credo` on /v1/decisions (no --log);
#   3. the same with --log (each decision appended and written out before its answer).
# Each line reports requests/s, p50 and p99 latency. Only 127.0.0.1 is used; every server is
# stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
secs=${2:-10}
target=${CARGO_TARGET_DIR:-target}
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --bin credo --bin credo-load
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
head -n 1 policies/acme-cyber.records.jsonl > "$dir/record.json"

# Starts a server in the background (its stderr says where it listens).
start() {
  local err=$1; shift
  "$@" > /dev/null 2> "$err" &
  pids+=($!)
}
# Prints the address a started server listens on, once it does.
address() {
  for _ in $(seq 100); do
    addr=$(sed -n 's/.*listening on http:\/\///p' "$1")
    [ -n "$addr" ] && { echo "$addr"; return; }
    sleep 0.1
  done
  echo "server did not start: $(cat "$1")" >&2; exit 1
}

echo "cores: $(nproc); clients: $clients; $secs s per run; record: $(wc -c < "$dir/record.json") bytes"
start "$dir/hello.err" "$target/release/credo-load" hello 127.0.0.1:0; hello=$(address "$dir/hello.err")
printf 'hello-world axum:      '; "$target/release/credo-load" run "$hello" / "$dir/record.json" "$clients" "$secs"
start "$dir/serve.err" "$target/release/credo" serve policies/acme-cyber.credo --addr 127.0.0.1:0 --as-of 2026-11-25; serve=$(address "$dir/serve.err")
printf 'credo serve:           '; "$target/release/credo-load" run "$serve" /v1/decisions "$dir/record.json" "$clients" "$secs"
start "$dir/logged.err" "$target/release/credo" serve policies/acme-cyber.credo --addr 127.0.0.1:0 --as-of 2026-11-25 --log "$dir/decisions.log"; logged=$(address "$dir/logged.err")
printf 'credo serve --log:     '; "$target/release/credo-load" run "$logged" /v1/decisions "$dir/record.json" "$clients" "$secs"
kill "${pids[@]}"; wait 2>/dev/null || true; pids=()
"$target/release/credo" log verify "$dir/decisions.log"
