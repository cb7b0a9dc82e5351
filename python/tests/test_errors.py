"""Policies that do not check raise PolicyError with the CLI's diagnostics; bad records are
errors in their place and the batch goes on."""

import json
import pathlib

import pytest

import credo
from conftest import AS_OF, ROOT, cli

MALFORMED = sorted((ROOT / "tests/fixtures/malformed/policies").glob("*.credo"))


def test_the_malformed_corpus_is_found():
    assert len(MALFORMED) >= 30


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_malformed_policies_raise_policy_error_with_the_cli_diagnostics(path):
    rel = str(path.relative_to(ROOT))
    code, out = cli("check", rel, "--error-format", "json", check_codes=(0, 1))
    if code == 0:
        p = credo.Policy.load(rel)
        assert p.hash.startswith("sha256:")
        return
    with pytest.raises(credo.PolicyError) as caught:
        credo.Policy.load(rel)
    diags = caught.value.diagnostics
    assert diags and all(d["severity"] in ("error", "warning") for d in diags)
    assert any(d["severity"] == "error" for d in diags)
    cli_diags = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]
    if cli_diags:
        assert diags == cli_diags
    else:
        # Unreadable (not UTF-8, too large): one diagnostic with its stable code.
        assert diags[0]["code"].startswith("credo::")
        assert diags[0]["file"] == rel


def test_policy_error_message_names_the_first_error():
    text = 'policy "x" { version "1" effective 2026-01-01 owner "HR" }\nrole r { require nope { accept at least 1 labs } }\n'
    with pytest.raises(credo.PolicyError) as caught:
        credo.Policy.from_str(text, "inline.credo")
    assert "inline.credo:2:" in str(caught.value)
    assert caught.value.diagnostics[0]["file"] == "inline.credo"


def test_a_missing_policy_file_is_an_os_error():
    with pytest.raises(OSError):
        credo.Policy.load("policies/no-such-policy.credo")


def records_with_errors():
    return [
        {"id": "c-1", "applied": ["soc_analyst"]},
        {"id": "c-2", "applied": ["soc_analyst"], "shoe_size": 42},
        "not a record",
        {"id": "c-4", "applied": ["soc_analyst"], "credentials": [{"id": "security_plus", "issued": object()}]},
        {"id": "c-1", "applied": ["soc_analyst"]},
        {"id": "c-6", "applied": ["no_such_role"]},
        {"id": "c-7", "applied": ["soc_analyst"], "work_samples": [{"skill": "scripting", "score": float("nan")}]},
        {"id": "c-8", "applied": ["soc_analyst"]},
    ]


def test_record_errors_come_back_in_place_and_the_batch_goes_on():
    p = credo.Policy.load("policies/acme-cyber.credo")
    out = list(p.evaluate_many(records_with_errors(), as_of=AS_OF))
    assert len(out) == 8
    ok = [d["candidate"] for d in out if "outcome" in d]
    assert ok == ["c-1", "c-8"]
    errors = [d for d in out if "outcome" not in d]
    assert [e["record"] for e in errors] == ["c-2", None, "c-4", "c-1", "c-6", "c-7"]
    assert [e["line"] for e in errors] == [2, 3, 4, 5, 6, 7]
    assert all(set(e) - {"problems"} == {"record", "file", "line", "error"} and e["file"] == "<python>" for e in errors)
    # A record's problems name their fields; without a text to place them in, they stand at the
    # record's position and have no column.
    shoe = errors[0]["problems"]
    assert [p["field"] for p in shoe] == ["shoe_size"]
    assert all(p["line"] == 2 and p["column"] is None for p in shoe)
    assert "shoe_size" in errors[0]["error"]
    assert "dict" in errors[1]["error"]
    assert "credentials[0].issued" in errors[2]["error"]
    assert "duplicate record id `c-1` (first at line 1)" == errors[3]["error"]
    assert "no_such_role" in errors[4]["error"]
    assert "nan" in errors[5]["error"].lower()


def test_evaluate_raises_record_error_with_the_error_dict():
    p = credo.Policy.load("policies/acme-cyber.credo")
    with pytest.raises(credo.RecordError) as caught:
        p.evaluate({"id": "c-2", "applied": ["soc_analyst"], "shoe_size": 42}, as_of=AS_OF)
    assert caught.value.error["record"] == "c-2"
    assert "shoe_size" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_evaluate_many_takes_any_iterable_lazily():
    p = credo.Policy.load("policies/acme-cyber.credo")
    pulled = []

    def gen():
        for i in range(5000):
            pulled.append(i)
            yield {"id": f"g-{i}", "applied": ["soc_analyst"]}

    it = p.evaluate_many(gen(), as_of=AS_OF, chunk_size=100)
    first = next(it)
    assert first["candidate"] == "g-0"
    assert len(pulled) == 100
    rest = list(it)
    assert len(rest) == 4999 and rest[-1]["candidate"] == "g-4999"
