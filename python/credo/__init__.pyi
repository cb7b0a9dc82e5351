"""Type stubs of the credo extension module (SPEC §14)."""

import datetime
import os
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

__version__: str

Record = Mapping[str, Any]
Date = Union[str, datetime.date]

ARROW_COLUMNS: Tuple[str, ...]
SPARK_SCHEMA: str

def arrow_schema() -> Any:
    """The ``pyarrow.Schema`` of the batches ``Policy.evaluate_arrow`` returns."""

class PolicyError(Exception):
    """A policy that does not check (or cannot be read)."""

    diagnostics: List[Dict[str, Any]]
    """Each diagnostic as ``credo check --error-format json`` prints it: code, severity,
    message, file, line, column, label, help."""

class RecordError(ValueError):
    """A record ``Policy.evaluate`` cannot decide."""

    error: Dict[str, Any]
    """The record error as the CLI prints it: record, file, line, error."""

class Decisions(Iterator[Dict[str, Any]]):
    """The lazy result of ``Policy.evaluate_many``."""

    def __iter__(self) -> "Decisions": ...
    def __next__(self) -> Dict[str, Any]: ...

class Policy:
    """A checked policy: immutable, thread-safe, picklable."""

    @staticmethod
    def load(path: Union[str, "os.PathLike[str]"]) -> "Policy":
        """Loads and checks a ``.credo`` file or a directory of them.

        Raises ``PolicyError`` on policy errors and ``OSError`` when the path cannot be read."""
    @staticmethod
    def from_str(text: str, path: str = "policy.credo") -> "Policy":
        """Checks policy text; ``path`` names it in diagnostics and decisions."""
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str:
        """``sha256:…`` over the policy's files."""
    @property
    def roles(self) -> List[str]: ...
    @property
    def path(self) -> str: ...
    @property
    def warnings(self) -> List[Dict[str, Any]]: ...
    def evaluate(
        self, record: Record, role: Optional[str] = None, as_of: Optional[Date] = None
    ) -> Dict[str, Any]:
        """One record's decision, equal to ``json.loads`` of ``credo eval --format json``'s
        element. Raises ``RecordError`` for a record that cannot be read."""
    def evaluate_many(
        self,
        records: Iterable[Record],
        role: Optional[str] = None,
        as_of: Optional[Date] = None,
        chunk_size: int = 1024,
    ) -> Decisions:
        """Decisions of every record, in order, with record errors as
        ``{"record", "file", "line", "error", "problems"}`` dicts in the record's place."""
    def evaluate_arrow(
        self,
        batch: Any,
        role: Optional[str] = None,
        as_of: Optional[Date] = None,
        json_column: Optional[str] = None,
    ) -> Any:
        """A ``pyarrow.RecordBatch`` of records in, a ``RecordBatch`` of decisions out
        (columns ``ARROW_COLUMNS``). With ``json_column``, that string column holds each
        record as JSON text instead of the record's fields as columns."""
    def audit(
        self, records: Iterable[Record], role: Optional[str] = None, as_of: Optional[Date] = None
    ) -> Dict[str, Any]:
        """``credo audit --format json`` of the records, as a dict."""
    def measure(
        self,
        records: Iterable[Record],
        outcomes: Iterable[Record],
        role: Optional[str] = None,
        as_of: Optional[Date] = None,
    ) -> Dict[str, Any]:
        """``credo measure --format json`` of the records and hire outcomes, as a dict."""
    def __reduce__(self) -> Tuple[Any, Tuple[List[Tuple[str, str, str]], str, str]]: ...
