"""A Policy pickles as its files, path and hash, and decides the same after unpickling."""

import pickle

import pytest

import credo
from conftest import AS_OF, ROOT, compact, read_records


def test_pickle_round_trip_keeps_the_decisions_byte_for_byte():
    p = credo.Policy.load("policies/acme-cyber.credo")
    q = pickle.loads(pickle.dumps(p))
    assert (q.name, q.version, q.hash, q.roles, q.path) == (p.name, p.version, p.hash, p.roles, p.path)
    recs = read_records("policies/acme-cyber.records.jsonl")
    assert [compact(d) for d in q.evaluate_many(recs, as_of=AS_OF)] == [
        compact(d) for d in p.evaluate_many(recs, as_of=AS_OF)
    ]


def test_reduce_is_source_path_and_hash():
    p = credo.Policy.load("policies/acme-cyber.credo")
    restore, (files, path, hash_) = p.__reduce__()
    assert path == "policies/acme-cyber.credo" and hash_ == p.hash
    assert files == [("policies/acme-cyber.credo", "acme-cyber.credo", (ROOT / path).read_text(encoding="utf-8"))]
    assert restore(files, path, hash_).hash == p.hash


def test_a_tampered_pickle_is_refused():
    p = credo.Policy.load("policies/acme-cyber.credo")
    restore, (files, path, hash_) = p.__reduce__()
    name, rel, text = files[0]
    with pytest.raises(credo.PolicyError, match="hash"):
        restore([(name, rel, text + "\n# changed\n")], path, hash_)


def test_a_policy_directory_pickles_every_file(tmp_path):
    text = (ROOT / "policies/acme-cyber.credo").read_text(encoding="utf-8")
    (tmp_path / "set").mkdir()
    (tmp_path / "set/main.credo").write_text(text, encoding="utf-8")
    (tmp_path / "set/more.credo").write_text("# nothing more\n", encoding="utf-8")
    p = credo.Policy.load(str(tmp_path / "set"))
    q = pickle.loads(pickle.dumps(p))
    assert q.hash == p.hash and len(p.__reduce__()[1][0]) == 2


def test_from_str_pickles_too():
    text = (ROOT / "policies/acme-cyber.credo").read_text(encoding="utf-8")
    p = credo.Policy.from_str(text, "tenant-42/acme.credo")
    q = pickle.loads(pickle.dumps(p))
    assert q.path == "tenant-42/acme.credo" and q.hash == p.hash
    d = q.evaluate({"id": "c-1", "applied": ["soc_analyst"]}, as_of=AS_OF)
    assert d["rule"]["at"].startswith("tenant-42/acme.credo:")
