"""Decide a DataFrame of candidate records with credo on Spark (or Databricks).

    spark-submit examples/spark_eval.py POLICY RECORDS.jsonl OUT_DIR [--as-of DATE] [--role R]

Reads the records (JSON lines, one record per line, as `credo eval` takes them) as a DataFrame
of text lines, decides every partition with `DataFrame.mapInArrow` and writes the decisions, one
JSON object per line, to OUT_DIR (plus a count per role and outcome on standard output). A
table whose columns are the record fields (`spark.table(...)`) is decided by `decide` without
`json_column`.

Scale-out: a decision is a pure function of (policy, record, as_of), so partitions are decided
independently and in any order; each decision is byte for byte what `credo eval --format json`
prints for that record. The policy is checked once on the driver and shipped to the executors
as a broadcast variable (a `credo.Policy` pickles as its source files, path and hash): each
Python worker unpickles (re-checks) it once and decides every batch of every task it runs with
it. Record ids are checked for repeats within each Arrow batch only; de-duplicate upstream
when a data set may hold one candidate twice.
"""

import argparse
import datetime
import os
import sys

import credo


def decide(df, policy, as_of, role=None, json_column=None):
    """A DataFrame of decisions (columns `credo.SPARK_SCHEMA`) for a DataFrame of records.

    `policy` is a `credo.Policy`. Either `df`'s columns are named as the record fields (`id`,
    `applied`, `credentials`, …; a null is an absent field), or `json_column` names a string
    column holding each record as JSON text (`spark.read.text` gives `value`), which suits
    records whose shapes differ (an `issuer` that is a URL here and an Open Badges object
    there: `spark.read.json` would turn the object into a string)."""
    spark = df.sparkSession
    shipped = spark.sparkContext.broadcast(policy)
    as_of = str(as_of)

    def decide_batches(batches):
        # `shipped.value` is unpickled once per Python worker and then cached there.
        p = shipped.value
        for batch in batches:
            yield p.evaluate_arrow(batch, role=role, as_of=as_of, json_column=json_column)

    return df.mapInArrow(decide_batches, credo.SPARK_SCHEMA)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("policy")
    parser.add_argument("records", help="JSON lines, one record per line (any path Spark reads)")
    parser.add_argument("out", help="output directory for the decisions (JSON lines)")
    parser.add_argument("--as-of", default=datetime.date.today().isoformat())
    parser.add_argument("--role")
    parser.add_argument("--master", help="e.g. local[2]; default: what spark-submit gives")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("credo-eval")
    if args.master:
        builder = builder.master(args.master)
        # Local workers run this interpreter, which has credo and pyarrow installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    try:
        policy = credo.Policy.load(args.policy)  # raises credo.PolicyError on a bad policy
        lines = spark.read.text(args.records)
        records = lines.filter(lines.value.rlike(r"\S"))  # blank lines are no records, as in the CLI
        decisions = decide(records, policy, args.as_of, args.role, json_column="value")
        decisions.select("decision").write.mode("overwrite").text(args.out)
        for row in decisions.groupBy("role", "outcome").count().orderBy("role", "outcome").collect():
            print(f"{row['role'] or '(record error)'}\t{row['outcome'] or '-'}\t{row['count']}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
