"""Shared helpers: the repository root (tests run from it, so policy paths match the CLI's), the
credo binary to compare with, and the shipped policies and records."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
AS_OF = "2026-11-25"


def credo_bin():
    """The CLI built by `cargo test` / `cargo build` (CREDO_BIN overrides)."""
    given = os.environ.get("CREDO_BIN")
    if given:
        return given
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "credo"
        if p.exists():
            return str(p)
    pytest.fail("no credo binary: run `cargo build` first (or set CREDO_BIN)")


def cli(*args, check_codes=(0, 3)):
    """Runs the CLI from the repository root; returns (exit code, stdout bytes)."""
    run = subprocess.run([credo_bin(), *args], cwd=ROOT, capture_output=True)
    assert run.returncode in check_codes, (args, run.returncode, run.stderr.decode())
    return run.returncode, run.stdout


def record_sets():
    """(policy path, records path) of every shipped record set, relative to the root."""
    out = []
    for rec in sorted((ROOT / "policies").glob("*.records.*")):
        policy = rec.name.split(".records.")[0] + ".credo"
        # The audit sample is decided by the cybersecurity policy (policies/README.md).
        policy = POLICY_OF.get(policy, policy)
        out.append((f"policies/{policy}", f"policies/{rec.name}"))
    return out


POLICY_OF = {"audit-sample.credo": "acme-cyber.credo"}


def to_batch(records):
    """A RecordBatch of records, its schema inferred from every record (from_pylist would take
    the first record's keys only)."""
    import pyarrow as pa

    return pa.RecordBatch.from_struct_array(pa.array(records))


def read_records(path):
    """The records of a shipped file as Python dicts (JSONL or YAML)."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    import yaml

    data = yaml.safe_load(text)
    return data if isinstance(data, list) else [data]


def compact(d):
    """A decision dict serialised as the CLI writes JSON (compact, UTF-8)."""
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
