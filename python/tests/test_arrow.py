"""Arrow in and out: nested columns, null as absent, date32, record errors in place."""

import datetime
import json

import pytest

import credo
from conftest import AS_OF, compact, read_records, to_batch

pa = pytest.importorskip("pyarrow")


def policy():
    return credo.Policy.load("policies/acme-cyber.credo")


def test_output_schema_and_summary_columns():
    p = policy()
    recs = read_records("policies/audit-sample.records.jsonl")[:200]
    out = p.evaluate_arrow(to_batch(recs), as_of=AS_OF)
    assert isinstance(out, pa.RecordBatch)
    assert tuple(out.schema.names) == credo.ARROW_COLUMNS
    assert out.schema.equals(credo.arrow_schema())
    many = list(p.evaluate_many(recs, as_of=AS_OF))
    assert out.num_rows == len(many)
    for i, d in enumerate(many):
        row = {c: out.column(c)[i].as_py() for c in credo.ARROW_COLUMNS}
        assert json.loads(row["decision"]) == d
        assert row["candidate"] == d["candidate"]
        assert row["role"] == d["role"]
        assert row["outcome"] == d["outcome"]
        assert row["proposed"] == d["proposed"]
        assert row["met"] == [s["skill"] for s in d["skills"] if s["met"]]
        assert row["coverage"] == pytest.approx(d["counts"]["coverage"]) if "counts" in d else True
        assert row["error"] is None


def test_rows_point_back_to_the_input_and_several_roles_give_several_rows():
    p = policy()
    recs = [
        {"id": "a", "applied": ["soc_analyst", p.roles[1]]},
        {"id": "b", "applied": ["soc_analyst"]},
    ]
    out = p.evaluate_arrow(to_batch(recs), as_of=AS_OF)
    assert out.column("row").to_pylist() == [0, 0, 1]
    assert out.column("candidate").to_pylist() == ["a", "a", "b"]
    assert out.column("role").to_pylist() == ["soc_analyst", p.roles[1], "soc_analyst"]


def test_date32_columns_and_string_dates_decide_alike():
    p = policy()
    as_text = [{"id": "d-1", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": "2025-03-14", "verified": True}]}]
    as_dates = to_batch(
        [{"id": "d-1", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": datetime.date(2025, 3, 14), "verified": True}]}]
    )
    cred = as_dates.schema.field("credentials").type.value_type
    assert cred.field("issued").type == pa.date32()
    a = p.evaluate_arrow(to_batch(as_text), as_of=AS_OF)
    b = p.evaluate_arrow(as_dates, as_of=AS_OF)
    assert a.column("decision").to_pylist() == b.column("decision").to_pylist()
    assert compact(p.evaluate(as_text[0], as_of=AS_OF)) == b.column("decision")[0].as_py()


@pytest.mark.parametrize(
    "day,text",
    [(0, "1970-01-01"), (-1, "1969-12-31"), (11016, "2000-02-29"), (20000, "2024-10-04"), (-719468, "0000-03-01")],
)
def test_date32_values_are_written_as_civil_dates(day, text):
    p = policy()
    batch = pa.RecordBatch.from_arrays(
        [pa.array(["x"]), pa.array([[{"skill": "scripting", "months": 3}]]), pa.array([day], pa.date32())],
        names=["id", "experience", "when"],
    )
    out = p.evaluate_arrow(batch, role="soc_analyst", as_of=AS_OF)
    # `when` is not a record field: the record error quotes the whole value it read.
    assert out.column("error")[0].as_py() is not None
    assert "when" in out.column("error")[0].as_py()
    good = pa.RecordBatch.from_arrays(
        [pa.array(["x"]), pa.array([[{"id": "security_plus", "issued": day}]], pa.list_(pa.struct([("id", pa.string()), ("issued", pa.date32())])))],
        names=["id", "credentials"],
    )
    d = json.loads(p.evaluate_arrow(good, role="soc_analyst", as_of=AS_OF).column("decision")[0].as_py())
    same = p.evaluate({"id": "x", "credentials": [{"id": "security_plus", "issued": text}]}, role="soc_analyst", as_of=AS_OF)
    assert d == same


def test_timestamps_are_read_as_their_utc_date():
    p = policy()
    t = pa.struct([("id", pa.string()), ("issued", pa.timestamp("us", tz="UTC"))])
    batch = pa.RecordBatch.from_arrays(
        [pa.array(["t-1"]), pa.array([[{"id": "security_plus", "issued": datetime.datetime(2025, 3, 14, 23, 59)}]], pa.list_(t))],
        names=["id", "credentials"],
    )
    d = json.loads(p.evaluate_arrow(batch, role="soc_analyst", as_of=AS_OF).column("decision")[0].as_py())
    same = p.evaluate({"id": "t-1", "credentials": [{"id": "security_plus", "issued": "2025-03-14"}]}, role="soc_analyst", as_of=AS_OF)
    assert d == same


def test_null_is_absent():
    p = policy()
    batch = to_batch(
        [
            {"id": "n-1", "applied": None, "credentials": None, "labs": [{"title": "t", "skills": ["network_security"], "completed": None, "hours": None}]},
            {"id": "n-2", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": "2025-01-01", "verified": None}]},
        ]
    )
    out = p.evaluate_arrow(batch, role="soc_analyst", as_of=AS_OF)
    assert out.column("error").to_pylist() == [None, None]
    plain = [
        p.evaluate({"id": "n-1", "labs": [{"title": "t", "skills": ["network_security"]}]}, role="soc_analyst", as_of=AS_OF),
        p.evaluate({"id": "n-2", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": "2025-01-01"}]}, as_of=AS_OF),
    ]
    assert [json.loads(s) for s in out.column("decision").to_pylist()] == plain


def test_map_columns_read_as_objects():
    p = policy()
    protected = pa.array([[("sex", "female")]], pa.map_(pa.string(), pa.string()))
    batch = pa.RecordBatch.from_arrays([pa.array(["m-1"]), protected], names=["id", "protected"])
    out = p.evaluate_arrow(batch, role="soc_analyst", as_of=AS_OF)
    assert out.column("error")[0].as_py() is None


def test_record_errors_are_rows_in_place():
    p = policy()
    batch = to_batch(
        [
            {"id": "e-1", "applied": ["soc_analyst"]},
            {"id": None, "applied": ["soc_analyst"]},
            {"id": "e-1", "applied": ["soc_analyst"]},
            {"id": "e-4", "applied": ["nope"]},
            {"id": "e-5", "applied": ["soc_analyst"]},
        ]
    )
    out = p.evaluate_arrow(batch, as_of=AS_OF)
    assert out.num_rows == 5
    assert out.column("row").to_pylist() == [0, 1, 2, 3, 4]
    errors = out.column("error").to_pylist()
    assert errors[0] is None and errors[4] is None
    assert all(e for e in errors[1:4])
    assert "duplicate record id `e-1`" in errors[2]
    assert out.column("outcome").to_pylist()[1:4] == [None, None, None]
    assert out.column("candidate").to_pylist() == ["e-1", None, "e-1", "e-4", "e-5"]
    err = json.loads(out.column("decision")[3].as_py())
    assert err["record"] == "e-4" and err["file"] == "<arrow>" and err["line"] == 4


def test_an_unsupported_column_type_is_a_type_error_naming_it():
    p = policy()
    batch = pa.RecordBatch.from_arrays(
        [pa.array(["t-1"]), pa.array([b"\x00"], pa.binary())], names=["id", "seen"]
    )
    with pytest.raises(TypeError, match="column `seen`"):
        p.evaluate_arrow(batch, as_of=AS_OF)
    with pytest.raises(TypeError, match="RecordBatch"):
        p.evaluate_arrow([{"id": "x"}], as_of=AS_OF)


def test_an_empty_batch_gives_an_empty_batch():
    p = policy()
    batch = pa.RecordBatch.from_pylist([], schema=pa.schema([("id", pa.string())]))
    out = p.evaluate_arrow(batch, as_of=AS_OF)
    assert out.num_rows == 0 and out.schema.equals(credo.arrow_schema())


def test_a_sliced_batch_reads_its_own_rows():
    p = policy()
    recs = read_records("policies/audit-sample.records.jsonl")[:200]
    batch = to_batch(recs)
    whole = p.evaluate_arrow(batch, as_of=AS_OF).column("decision").to_pylist()
    part = p.evaluate_arrow(batch.slice(2, 3), as_of=AS_OF)
    first_of_part = [json.loads(s)["candidate"] for s in part.column("decision").to_pylist()]
    assert first_of_part[0] == recs[2]["id"]
    assert set(part.column("decision").to_pylist()) <= set(whole)
