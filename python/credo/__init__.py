"""credo: the policy evaluator for credential acceptance in skills-first hiring (SPEC §14).

Load a policy once, then decide records one at a time (``Policy.evaluate``), lazily from any
iterable (``Policy.evaluate_many``) or a ``pyarrow.RecordBatch`` at a time
(``Policy.evaluate_arrow``, for pandas, Polars, DuckDB and Spark's ``mapInArrow``). Decisions
are the CLI's: ``json.loads`` of what ``credo eval --format json`` prints for the same policy
path, records and ``as_of``. A ``Policy`` pickles (as its files, path and hash), so it ships to
Spark, Dask or Ray workers.
"""

from ._credo import Policy, PolicyError, RecordError, __version__

#: The columns of the batches ``Policy.evaluate_arrow`` returns, in order.
ARROW_COLUMNS = (
    "row",
    "candidate",
    "role",
    "outcome",
    "proposed",
    "met",
    "coverage",
    "decision",
    "error",
)

#: The same columns as a Spark SQL schema (for ``DataFrame.mapInArrow``).
SPARK_SCHEMA = (
    "row long, candidate string, role string, outcome string, proposed string, "
    "met array<string>, coverage double, decision string, error string"
)


def arrow_schema():
    """The ``pyarrow.Schema`` of the batches ``Policy.evaluate_arrow`` returns."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("row", pa.int64(), nullable=False),
            pa.field("candidate", pa.string()),
            pa.field("role", pa.string()),
            pa.field("outcome", pa.string()),
            pa.field("proposed", pa.string()),
            pa.field("met", pa.list_(pa.string())),
            pa.field("coverage", pa.float64()),
            pa.field("decision", pa.string(), nullable=False),
            pa.field("error", pa.string()),
        ]
    )


__all__ = [
    "ARROW_COLUMNS",
    "SPARK_SCHEMA",
    "Policy",
    "PolicyError",
    "RecordError",
    "arrow_schema",
    "__version__",
]
