#!/usr/bin/env bash
# Every test of the project: the Rust crate (library, CLI, service) and, as they are added, the
# front ends built on it. The README names this script; .ci/run calls it after fmt and clippy.
# Each section installs what it needs itself, and a section that cannot run says so visibly.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n==== %s ====\n' "$1"; }

section "Rust: cargo test"
cargo test

section "VS Code extension: TextMate grammar on the shipped policies (editors/vscode)"
if command -v node >/dev/null && command -v npm >/dev/null; then
  (cd editors/vscode && npm ci --no-audit --no-fund && npm test)
else
  echo "SKIPPED: node/npm not found; the grammar test in editors/vscode/test did not run"
fi

section "Python: pip install ./python, then pytest python/tests (the Spark test runs when Java is present)"
# A venv of its own under target/; pip fetches maturin, pytest, pyarrow, PyYAML, pyspark and pandas
# itself, and builds the package (release) into the workspace's target/.
venv=target/py-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check maturin pytest pyarrow pyyaml pyspark 'pandas<3'
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./python
# The tests compare with the CLI that `cargo test` just built; -rs prints why a test skipped.
CREDO_BIN="$PWD/target/debug/credo" "$venv/bin/python" -m pytest python/tests -q -rs
