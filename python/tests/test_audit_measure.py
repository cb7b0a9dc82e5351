"""audit and measure on iterables equal the CLI's JSON reports."""

import csv
import json

import credo
from conftest import AS_OF, ROOT, cli, read_records


def test_audit_equals_the_cli_report():
    policy, records = "policies/acme-cyber.credo", "policies/audit-sample.records.jsonl"
    _, out = cli("audit", policy, records, "--as-of", AS_OF, "--format", "json")
    expected = json.loads(out)
    got = credo.Policy.load(policy).audit(read_records(records), as_of=AS_OF)
    assert got == expected
    assert got  # a report with content


def outcome_dicts():
    """The sample's hire outcomes (CSV) as dicts: numbers as numbers, moves as a list."""
    out = []
    with open(ROOT / "policies/outcomes-sample.outcomes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = {k: v for k, v in row.items() if v}
            for k in ("training_hours", "training_cost"):
                if k in d:
                    d[k] = float(d[k])
            if "moves" in d:
                d["moves"] = [dict(zip(("date", "role"), m.split())) for m in d["moves"].split(";")]
            out.append(d)
    return out


def test_measure_equals_the_cli_report(tmp_path):
    policy = "policies/outcomes-sample.credo"
    records = "policies/outcomes-sample.records.jsonl"
    outcomes = outcome_dicts()
    assert len(outcomes) > 100
    path = tmp_path / "outcomes.jsonl"
    path.write_text("".join(json.dumps(o) + "\n" for o in outcomes), encoding="utf-8")
    _, out = cli("measure", policy, records, "--outcomes", str(path), "--as-of", AS_OF, "--format", "json")
    expected = json.loads(out)
    got = credo.Policy.load(policy).measure(read_records(records), outcomes, as_of=AS_OF)
    # Outcome errors name their file: the CLI's is the temporary file, Python's `<outcomes>`.
    assert json.dumps(got).replace("<outcomes>", str(path)) == json.dumps(expected)
    assert got["totals"]
