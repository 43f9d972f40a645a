"""wiretrace: find reused text across news articles and say where it came from.

The Rust core of the ``wiretrace`` command-line tool, as a Python package::

    import wiretrace
    report = wiretrace.scan([{"id": "a", "text": "..."}, {"id": "b", "text": "..."}])
    report.to_dict()          # exactly `wiretrace scan --format json`
    report.tables()           # pyarrow tables: documents, members, links

Keyword parameters have the CLI flags' names with underscores (``threshold``,
``min_tokens``, ``no_align``, ``max_anchor_df``…), the same defaults and the same
validation: a bad value raises ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _wiretrace

__version__: str = _wiretrace.__version__

__all__ = ["Index", "Report", "compare", "scan", "scan_paths", "__version__"]

_FIELDS = ("id", "text", "source", "published", "title", "url")
_PARAMETERS = frozenset(
    {
        "language",
        "shingle_size",
        "permutations",
        "minhash",
        "seed",
        "threshold",
        "containment",
        "min_tokens",
        "max_bucket",
        "max_doc_bytes",
        "no_align",
        "anchor_size",
        "anchor_window",
        "max_anchor_df",
        "min_aligned_tokens",
        "min_identity",
    }
)

Documents = Union[Iterable[Mapping[str, Any]], Any]


def _params_json(params: Mapping[str, Any]) -> str:
    for name in params:
        if name not in _PARAMETERS:
            raise TypeError(f"unexpected keyword argument {name!r}")
    return json.dumps(dict(params))


def _rows(documents: Documents) -> Iterable[Mapping[str, Any]]:
    """Rows of an Arrow-compatible table (pyarrow, pandas, polars) or an iterable of dicts."""
    if hasattr(documents, "__arrow_c_stream__") or _is_pandas(documents):
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise TypeError("tables need pyarrow: pip install pyarrow") from e
        if _is_pandas(documents):
            table = pa.Table.from_pandas(documents, preserve_index=False)
        elif isinstance(documents, pa.Table):
            table = documents
        else:
            table = pa.RecordBatchReader.from_stream(documents).read_all()
        columns = [name for name in _FIELDS if name in table.column_names]
        return table.select(columns).to_pylist()
    return documents


def _is_pandas(value: Any) -> bool:
    return type(value).__module__.startswith("pandas.") and hasattr(value, "to_dict")


def _optional(row: Mapping[str, Any], field: str, position: int) -> Optional[str]:
    value = row.get(field)
    if value is None:
        return None
    if hasattr(value, "isoformat"):  # dates and timestamps, as the CLI writes them
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"document {position}: {field} must be a string, got {type(value).__name__}")
    return value


def _columns(documents: Documents) -> Tuple[List[Any], ...]:
    """The six columns the native module takes; a document without an id gets `row:N`."""
    columns: List[List[Any]] = [[] for _ in _FIELDS]
    for position, row in enumerate(_rows(documents)):
        if not isinstance(row, Mapping):
            raise TypeError(f"document {position}: expected a dict, got {type(row).__name__}")
        text = row.get("text")
        if not isinstance(text, str):
            raise TypeError(f"document {position}: text must be a string")
        doc_id = row.get("id")
        columns[0].append(f"row:{position + 1}" if doc_id is None else str(doc_id))
        columns[1].append(text)
        for i, field in enumerate(_FIELDS[2:], start=2):
            columns[i].append(_optional(row, field, position))
    return tuple(columns)


class Report:
    """A finished scan: the CLI's report for the same input and parameters."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self._dict: Optional[Dict[str, Any]] = None

    def to_json(self) -> str:
        """The report as `wiretrace scan --format json` writes it."""
        return self._native.to_json()

    def to_jsonl(self) -> str:
        """The report as `wiretrace scan --format jsonl` writes it."""
        return self._native.to_jsonl()

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as Python objects (a fresh copy each call)."""
        return json.loads(self.to_json())

    def to_html(self, path: Union[str, os.PathLike]) -> None:
        """Writes the self-contained HTML page to `path` (atomically)."""
        self.write(path, format="html")

    def write(self, path: Union[str, os.PathLike], format: str = "json") -> None:
        """Writes the report to `path` (atomically) as `wiretrace scan --format FORMAT -o PATH`
        does: ``"json"``, ``"jsonl"`` or ``"html"``. Faster than writing ``to_json()``'s
        string: the text never becomes a Python object."""
        self._native.write(os.fspath(path), format)

    def tables(self) -> Dict[str, Any]:
        """`documents`, `members` and `links` as pyarrow Tables: one row per document, per
        cluster member, per verified link (for DataFrame work: ``.to_pandas()``)."""
        import pyarrow as pa

        report = self.to_dict()
        documents = [
            {
                "id": d["id"],
                "path": d["path"],
                "source": d.get("source"),
                "published": d.get("published"),
                "title": d.get("title"),
                "url": d.get("url"),
                "bytes": d["bytes"],
                "paragraphs": len(d["paragraphs"]),
                "credits": ",".join(c["agency"] for c in d["credits"]),
                "shared_fraction": d["reuse"]["shared_fraction"],
            }
            for d in report["documents"]
        ]
        members = []
        links = []
        for c in report["clusters"]:
            origin = c["origin"]
            for position, m in enumerate(c["members"]):
                members.append(
                    {
                        "cluster": c["id"],
                        "kind": c["kind"],
                        "origin_agency": origin.get("agency"),
                        "origin_doc": origin.get("doc"),
                        "confidence": origin.get("confidence"),
                        "member": position,
                        "doc": m["doc"],
                        "start": m["start"],
                        "end": m["end"],
                        "method": m["method"],
                        "similarity": m["similarity"],
                        "containment": m["containment"],
                        "representative": m["representative"],
                    }
                )
            for link in c["links"]:
                links.append(
                    {
                        "cluster": c["id"],
                        "method": link["method"],
                        "doc_a": c["members"][link["a"]]["doc"],
                        "a_start": link["a_start"],
                        "a_end": link["a_end"],
                        "doc_b": c["members"][link["b"]]["doc"],
                        "b_start": link["b_start"],
                        "b_end": link["b_end"],
                        "similarity": link["similarity"],
                        "containment": link.get("containment"),
                    }
                )
        schemas = {
            "members": pa.schema(
                [
                    ("cluster", pa.int64()),
                    ("kind", pa.string()),
                    ("origin_agency", pa.string()),
                    ("origin_doc", pa.string()),
                    ("confidence", pa.float64()),
                    ("member", pa.int64()),
                    ("doc", pa.string()),
                    ("start", pa.int64()),
                    ("end", pa.int64()),
                    ("method", pa.string()),
                    ("similarity", pa.float64()),
                    ("containment", pa.float64()),
                    ("representative", pa.bool_()),
                ]
            ),
            "links": pa.schema(
                [
                    ("cluster", pa.int64()),
                    ("method", pa.string()),
                    ("doc_a", pa.string()),
                    ("a_start", pa.int64()),
                    ("a_end", pa.int64()),
                    ("doc_b", pa.string()),
                    ("b_start", pa.int64()),
                    ("b_end", pa.int64()),
                    ("similarity", pa.float64()),
                    ("containment", pa.float64()),
                ]
            ),
            "documents": pa.schema(
                [
                    ("id", pa.string()),
                    ("path", pa.string()),
                    ("source", pa.string()),
                    ("published", pa.string()),
                    ("title", pa.string()),
                    ("url", pa.string()),
                    ("bytes", pa.int64()),
                    ("paragraphs", pa.int64()),
                    ("credits", pa.string()),
                    ("shared_fraction", pa.float64()),
                ]
            ),
        }
        rows = {"documents": documents, "members": members, "links": links}
        return {name: pa.Table.from_pylist(rows[name], schema=schemas[name]) for name in rows}


def scan(documents: Documents, **params: Any) -> Report:
    """Scans documents: an iterable of dicts (`id`, `text`, optional `source`, `published`,
    `title`, `url`) or a table with those columns (pyarrow, pandas, polars)."""
    params_json = _params_json(params)
    return Report(_wiretrace.scan_columns(_columns(documents), params_json))


def scan_paths(paths: Sequence[Union[str, os.PathLike]], **params: Any) -> Report:
    """Reads files and directories as the CLI does (text, HTML, JSONL, CSV, Parquet, `-` for
    stdin) and scans them; the report equals `wiretrace scan PATHS --format json`."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    params_json = _params_json(params)
    return Report(_wiretrace.scan_paths([os.fspath(p) for p in paths], params_json))


def compare(text_a: str, text_b: str, **params: Any) -> Dict[str, Any]:
    """The passages two texts share, as `wiretrace compare --format json` reports them."""
    return json.loads(_wiretrace.compare(text_a, text_b, _params_json(params)))


class Index:
    """A persistent reference index, as `wiretrace index` keeps it.

    ``Index(path)`` opens an existing index; ``Index.create(path, **params)`` makes one."""

    def __init__(self, path: Union[str, os.PathLike], _native: Any = None) -> None:
        self.path = os.fspath(path)
        self._native = _native if _native is not None else _wiretrace.Index.open(self.path)

    @classmethod
    def create(cls, path: Union[str, os.PathLike], **params: Any) -> "Index":
        """Creates an index in `path` with these parameters (every query uses them)."""
        native = _wiretrace.Index.create(os.fspath(path), _params_json(params))
        return cls(path, native)

    def add(self, documents: Documents, on_duplicate: str = "skip") -> Dict[str, Any]:
        """Adds documents (as `scan` takes them); `on_duplicate`: skip, replace or fail."""
        return json.loads(self._native.add(_columns(documents), on_duplicate))

    def query(self, documents: Documents) -> Report:
        """Scans documents against the index; the report keeps clusters with a queried one."""
        return Report(self._native.query(_columns(documents)))

    def remove(self, ids: Iterable[str]) -> Dict[str, Any]:
        """Removes the documents with these ids."""
        return json.loads(self._native.remove([str(i) for i in ids]))

    def stats(self) -> Dict[str, Any]:
        """Counts and sizes, as `wiretrace index stats --format json`."""
        return json.loads(self._native.stats())
