"""Decisions from Python equal the CLI's JSON byte for byte, on every shipped record set."""

import pytest

import credo
from conftest import AS_OF, ROOT, cli, compact, read_records, record_sets, to_batch

SETS = record_sets()


def cli_lines(policy, records):
    _, out = cli("eval", policy, records, "--as-of", AS_OF, "--format", "jsonl")
    return out.decode("utf-8").splitlines()


def test_every_shipped_record_set_is_found():
    assert len(SETS) >= 4, SETS


@pytest.mark.parametrize("policy,records", SETS)
def test_evaluate_many_equals_the_cli_byte_for_byte(policy, records):
    expected = cli_lines(policy, records)
    p = credo.Policy.load(policy)
    got = [compact(d) for d in p.evaluate_many(read_records(records), as_of=AS_OF)]
    assert len(got) == len(expected)
    decisions = 0
    for mine, theirs in zip(got, expected):
        if '"error"' in theirs[:200] and '"outcome"' not in theirs:
            # A record error names the file and line it was read from; from Python that is
            # the record's position in the iterable.
            continue
        assert mine == theirs
        decisions += 1
    assert decisions > 0


@pytest.mark.parametrize("policy,records", SETS)
def test_small_chunks_give_the_same_decisions(policy, records):
    p = credo.Policy.load(policy)
    recs = read_records(records)
    whole = [compact(d) for d in p.evaluate_many(recs, as_of=AS_OF)]
    chunked = [compact(d) for d in p.evaluate_many(iter(recs), as_of=AS_OF, chunk_size=3)]
    assert chunked == whole


@pytest.mark.parametrize("policy,records", SETS)
def test_arrow_decision_column_equals_the_cli_byte_for_byte(policy, records):
    pa = pytest.importorskip("pyarrow")
    expected = cli_lines(policy, records)
    p = credo.Policy.load(policy)
    recs = read_records(records)
    try:
        batches = [to_batch(recs)]
    except pa.ArrowInvalid:
        # Shapes that no one schema holds (`issuer` a URL here, an Open Badges object there):
        # a batch per record.
        batches = [to_batch([r]) for r in recs]
    decisions = []
    for batch in batches:
        out = p.evaluate_arrow(batch, as_of=AS_OF)
        decisions += [
            d for d, e in zip(out.column("decision").to_pylist(), out.column("error").to_pylist()) if e is None
        ]
    assert decisions == [line for line in expected if '"outcome"' in line]


@pytest.mark.parametrize("policy,records", [s for s in SETS if s[1].endswith(".jsonl")])
def test_arrow_json_column_equals_the_cli_byte_for_byte(policy, records):
    pa = pytest.importorskip("pyarrow")
    expected = cli_lines(policy, records)
    lines = [l for l in (ROOT / records).read_text(encoding="utf-8").splitlines() if l.strip()]
    batch = pa.RecordBatch.from_pydict({"value": lines})
    out = credo.Policy.load(policy).evaluate_arrow(batch, as_of=AS_OF, json_column="value")
    assert out.column("decision").to_pylist() == expected


def test_evaluate_one_record_equals_the_cli_element():
    policy, records = "policies/acme-cyber.credo", "policies/acme-cyber.records.jsonl"
    expected = cli_lines(policy, records)
    p = credo.Policy.load(policy)
    first = read_records(records)[0]
    d = p.evaluate(first, as_of=AS_OF)
    assert compact(d) == expected[0]
    assert d["candidate"] == first["id"]
    assert d["as_of"] == AS_OF
    assert d["policy"]["hash"] == p.hash


def test_evaluate_with_role_picks_one_of_several():
    p = credo.Policy.load("policies/acme-cyber.credo")
    rec = {"id": "c-9", "credentials": [{"id": "security_plus", "issued": "2025-03-14"}]}
    assert len(p.roles) > 1
    with pytest.raises(ValueError, match="pass role="):
        p.evaluate(rec, as_of=AS_OF)
    d = p.evaluate(rec, role=p.roles[1], as_of=AS_OF)
    assert d["role"] == p.roles[1]
    with pytest.raises(ValueError, match="not in the policy"):
        p.evaluate(rec, role="no_such_role", as_of=AS_OF)


def test_as_of_takes_a_date_object_and_refuses_a_bad_one():
    import datetime

    p = credo.Policy.load("policies/acme-cyber.credo")
    rec = {"id": "c-9", "applied": [p.roles[0]]}
    d = p.evaluate(rec, as_of=datetime.date(2026, 11, 25))
    assert d["as_of"] == AS_OF
    with pytest.raises(ValueError, match="not a real date"):
        p.evaluate(rec, as_of="2026-02-30")


def test_policy_facts():
    p = credo.Policy.load("policies/acme-cyber.credo")
    assert p.name and p.version
    assert p.hash.startswith("sha256:") and len(p.hash) == 7 + 64
    assert "soc_analyst" in p.roles
    assert p.path == "policies/acme-cyber.credo"
    d = p.evaluate({"id": "x", "applied": ["soc_analyst"]}, as_of=AS_OF)
    assert d["policy"] == {"name": p.name, "version": p.version, "hash": p.hash}
