#!/usr/bin/env bash
# How long `credo lsp` takes per keystroke: one session that opens a policy and types N edits
# (each an incremental didChange, re-checked and published, followed by a hover and a
# completion), timed end to end.
#
#   scripts/bench-lsp.sh [POLICY] [N]     (default: policies/acme-cyber.credo 500)
#
# CREDO=path/to/credo picks the binary (default: target/release/credo, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
policy=${1:-policies/acme-cyber.credo}
n=${2:-500}
credo=${CREDO:-target/release/credo}
if [[ ! -x $credo ]]; then
  cargo build --release --bin credo
fi
input=$(mktemp)
output=$(mktemp)
trap 'rm -f "$input" "$output"' EXIT
python3 - "$policy" "$n" >"$input" <<'PY'
import json, sys
policy, n = sys.argv[1], int(sys.argv[2])
text = open(policy, encoding="utf-8").read()
uri = "file:///bench/" + policy.rsplit("/", 1)[-1]
out = sys.stdout.buffer
def send(msg):
    body = json.dumps(msg).encode()
    out.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": uri, "languageId": "credo", "version": 1, "text": text}}})
# Type at the end of the last line that has `accept`: a space, then take it back.
lines = text.splitlines()
line = max(i for i, l in enumerate(lines) if "accept" in l)
col = len(lines[line])
for i in range(n):
    change = ({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": " "}
              if i % 2 == 0 else
              {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]}})
    pos = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 6}}
    send({"jsonrpc": "2.0", "id": 2 * i + 1, "method": "textDocument/hover", "params": pos})
    send({"jsonrpc": "2.0", "id": 2 * i + 2, "method": "textDocument/completion", "params": pos})
send({"jsonrpc": "2.0", "id": 2 * n + 1, "method": "shutdown"})
send({"jsonrpc": "2.0", "method": "exit"})
PY
start=$(date +%s%N)
"$credo" lsp <"$input" >"$output"
end=$(date +%s%N)
published=$(grep -c 'publishDiagnostics' "$output" || true)
ms=$(( (end - start) / 1000000 ))
echo "$policy: $n edits ($published diagnostics published, each with a hover and a completion) in ${ms} ms: $(( (end - start) / n / 1000 )) µs per keystroke"
