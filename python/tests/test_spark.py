"""The Spark example decides the reference scenario on local[2] as the CLI does. Skips, with
the reason shown, when Java or PySpark is missing."""

import importlib.util
import json
import os
import shutil
import sys

import pytest

from conftest import AS_OF, ROOT, cli

if shutil.which("java") is None:
    pytest.skip("SKIPPED Spark test: no `java` on PATH (Spark needs Java 17)", allow_module_level=True)
if importlib.util.find_spec("pyspark") is None:
    pytest.skip("SKIPPED Spark test: pyspark is not installed (pip install pyspark)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The workers run this interpreter (with credo and pyarrow), not the first python3 on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("credo-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield s
    s.stop()


def example():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import spark_eval
    finally:
        sys.path.pop(0)
    return spark_eval


def test_spark_decisions_equal_the_cli_on_the_reference_scenario(spark):
    import credo

    policy, records = "policies/acme-cyber.credo", "policies/acme-cyber.records.jsonl"
    _, out = cli("eval", policy, records, "--as-of", AS_OF, "--format", "jsonl")
    expected = out.decode("utf-8").splitlines()
    df = spark.read.text(str(ROOT / records)).repartition(2)
    assert df.rdd.getNumPartitions() == 2
    got = example().decide(df, credo.Policy.load(policy), AS_OF, json_column="value").collect()
    assert all(r["error"] is None for r in got)
    assert sorted(r["decision"] for r in got) == sorted(expected)
    assert {(r["candidate"], r["role"]) for r in got} == {
        (json.loads(e)["candidate"], json.loads(e)["role"]) for e in expected
    }


def test_spark_example_script_writes_every_decision(tmp_path):
    import subprocess

    out_dir = tmp_path / "decisions"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples/spark_eval.py"),
            "policies/acme-cyber.credo",
            "policies/acme-cyber.records.jsonl",
            str(out_dir),
            "--as-of",
            AS_OF,
            "--master",
            "local[2]",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    _, expected = cli("eval", "policies/acme-cyber.credo", "policies/acme-cyber.records.jsonl", "--as-of", AS_OF, "--format", "jsonl")
    written = sorted(line for f in out_dir.glob("part-*") for line in f.read_text(encoding="utf-8").splitlines())
    assert written == sorted(expected.decode("utf-8").splitlines())
    assert "soc_analyst" in run.stdout


def test_spark_decides_a_table_of_record_columns(spark):
    """Records as columns (what a warehouse table holds): spark.read.json of a record set
    whose shapes agree, decided through Spark's Arrow batches, equal the CLI."""
    import credo

    policy, records = "policies/acme-cyber.credo", "policies/audit-sample.records.jsonl"
    _, out = cli("eval", policy, records, "--as-of", AS_OF, "--format", "jsonl")
    expected = out.decode("utf-8").splitlines()
    df = spark.read.json(str(ROOT / records)).repartition(2)
    got = example().decide(df, credo.Policy.load(policy), AS_OF).collect()
    assert all(r["error"] is None for r in got)
    assert sorted(r["decision"] for r in got) == sorted(expected)
