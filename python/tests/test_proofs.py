"""Credential proofs (SPEC §15) decided from Python: the package is built with the `rdfc`
feature, so every cryptosuite credo verifies from the CLI it verifies from Python too, with the
same decisions byte for byte. The signed credentials come from scripts/bench-proofs.py (fresh
keys each run; it needs the `cryptography` package, which scripts/test installs)."""

import json
import subprocess
import sys

import pytest

import credo
from conftest import AS_OF, ROOT, cli, compact

SUITES = ["jcs", "rdfc", "jwt-eddsa", "jwt-rs256", "jwt-es256"]


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A folder with policy.credo and SUITE.jsonl: four records per suite, all signed."""
    out = tmp_path_factory.mktemp("proofs")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench-proofs.py"), str(out), "4"], check=True
    )
    return out


def decide_both(policy, records_path, records):
    _, out = cli("eval", str(policy), str(records_path), "--as-of", AS_OF, "--format", "jsonl")
    theirs = out.decode("utf-8").splitlines()
    p = credo.Policy.load(str(policy))
    mine = [compact(d) for d in p.evaluate_many(records, as_of=AS_OF)]
    return mine, theirs


@pytest.mark.parametrize("suite", SUITES)
def test_every_suite_verifies_from_python_as_from_the_cli(signed, suite):
    path = signed / f"{suite}.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    mine, theirs = decide_both(signed / "policy.credo", path, records)
    assert len(theirs) == 4
    assert mine == theirs
    for line in mine:
        assert '"accepted_proofs":["verified"]' in line, line


def test_an_altered_rdfc_credential_fails_from_python_as_from_the_cli(signed, tmp_path):
    records = [json.loads(line) for line in (signed / "rdfc.jsonl").read_text().splitlines()]
    records[0]["credentials"][0]["name"] = "Altered after signing"
    path = tmp_path / "altered.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    mine, theirs = decide_both(signed / "policy.credo", path, records)
    assert mine == theirs
    assert '"accepted_proofs":["verified"]' not in mine[0]
    assert "failed" in mine[0], mine[0]
    assert all('"accepted_proofs":["verified"]' in line for line in mine[1:])
