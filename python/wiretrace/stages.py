"""A scan in stages, for engines that spread the work over machines (Spark, Dask, Ray).

A single-machine ``wiretrace.scan`` runs these steps in one process; an engine runs step 1 on
batches, step 2 with its own group-bys and connected components, and step 3 on each component:

1. ``fingerprint(batch)``: paragraph rows (document, byte range, paragraph key, LSH band keys,
   compact shingle set) and anchor rows (each document's alignment anchors), as pyarrow
   Tables.
2. Corpus-wide decisions, by grouping those rows: the boilerplate verdict of every paragraph
   key held twice or more (``boilerplate_verdict``), and the ``boilerplate`` clusters (the
   holders of each key judged boilerplate); the anchors held by more than ``max_anchor_df``
   documents (too common: capped); the links between documents (a shared band key, paragraph
   key that is not boilerplate, or anchor that is not capped); then the connected components
   of documents.
3. ``scan_component(documents, boilerplate=..., capped_anchors=...)`` on each component: its
   clusters are those a scan of the whole corpus finds among these documents, except the
   boilerplate clusters of step 2 (which span components).

``plan`` is step 2 done in Python on one machine: the reference an engine's job reproduces
(and what the tests compose to check the stages against ``scan``).

The pairwise work, the bulk of a scan, can also run spread out, pair by pair: ``verify`` decides
candidate paragraph pairs (two paragraphs sharing a band key) from their shingle sets, as the
scan's verification does, and ``align`` finds the passages of listed document pairs (two
documents sharing an anchor that is not capped), as the scan's alignment does, given the
corpus-wide verdicts and capped anchors of step 2.

Known limits: components are built from *candidate* links (shared band keys, anchors, exact
paragraphs), and stock phrases and common quotations connect most of a realistic corpus (on a
3,000-article synth slice one component held 2,900 articles), so the decomposition is exact
but does not spread the grouping. Components over *verified* links (``verify`` and ``align``
on the same slice) are no better: 2,513 articles in one, 2,331 from verified paragraph pairs
alone, since a stock phrase is a near-duplicate paragraph in every story that prints it; the
scan tells those apart only while grouping, from each pair's other shared text. What is left
is a stage that groups a component from verified pairs and passages computed elsewhere
(``scan_component`` verifies and aligns its component again).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from . import Report, _columns, _params_json, _rows, _wiretrace

__all__ = ["Plan", "align", "boilerplate_verdict", "fingerprint", "plan", "scan_component", "verify"]


def fingerprint(documents: Any, **params: Any) -> Dict[str, Any]:
    """Step 1 on a batch (dicts or a table, as ``scan`` takes them): ``paragraphs`` (one row
    per paragraph: ``doc``, ``paragraph``, ``start``, ``end``, ``tokens``, ``key``,
    ``fingerprinted``, ``band_keys``, ``shingles``) and ``anchors`` (``doc``, ``anchor``)
    pyarrow Tables. Keys are unsigned 64-bit; band keys are per band, in band order;
    ``shingles`` is the paragraph's compact shingle set (sorted 32-bit hashes, what ``verify``
    compares), empty when it is not fingerprinted."""
    import pyarrow as pa

    paragraphs, anchors = _wiretrace.fingerprint_columns(_columns(documents), _params_json(params))
    names = [
        "doc",
        "paragraph",
        "start",
        "end",
        "tokens",
        "key",
        "fingerprinted",
        "band_keys",
        "shingles",
    ]
    types = [
        pa.string(),
        pa.uint32(),
        pa.uint64(),
        pa.uint64(),
        pa.uint32(),
        pa.uint64(),
        pa.bool_(),
        pa.list_(pa.uint32()),
        pa.list_(pa.uint32()),
    ]
    return {
        "paragraphs": pa.table(
            [pa.array(column, type=t) for column, t in zip(paragraphs, types)], names=names
        ),
        "anchors": pa.table(
            [pa.array(anchors[0], type=pa.string()), pa.array(anchors[1], type=pa.uint64())],
            names=["doc", "anchor"],
        ),
    }


def boilerplate_verdict(holders: Iterable[Tuple[str, Optional[str]]], text: str) -> bool:
    """Step 2: whether equal paragraphs held by these ``(document id, outlet)`` pairs are
    boilerplate (all in one document, all from one named outlet, or site furniture)."""
    return _wiretrace.boilerplate_verdict(list(holders), text)


def scan_component(
    documents: Any,
    boilerplate: Optional[Mapping[int, bool]] = None,
    capped_anchors: Iterable[int] = (),
    **params: Any,
) -> Report:
    """Step 3: scans one connected component with the corpus-wide decisions of step 2."""
    verdicts = list((boilerplate or {}).items())
    return Report(
        _wiretrace.scan_component(
            _columns(documents), _params_json(params), verdicts, list(capped_anchors)
        )
    )


def verify(left: Sequence[Sequence[int]], right: Sequence[Sequence[int]], **params: Any) -> Any:
    """Candidate paragraph pairs decided from their shingle sets (``fingerprint``'s
    ``shingles``), pair ``i`` being ``left[i]`` and ``right[i]``: a pyarrow Table with
    ``jaccard``, ``containment_left`` (share of the left set in the right),
    ``containment_right`` and ``verified`` (whether the scan links the two: Jaccard at
    ``threshold`` or above, or the smaller set contained at ``containment`` or above)."""
    import pyarrow as pa

    columns = _wiretrace.verify_pairs(
        [list(s) for s in left], [list(s) for s in right], _params_json(params)
    )
    return pa.table(
        [
            pa.array(columns[0], type=pa.float64()),
            pa.array(columns[1], type=pa.float64()),
            pa.array(columns[2], type=pa.float64()),
            pa.array(columns[3], type=pa.bool_()),
        ],
        names=["jaccard", "containment_left", "containment_right", "verified"],
    )


def align(
    documents: Any,
    pairs: Iterable[Tuple[int, int]],
    boilerplate: Optional[Mapping[int, bool]] = None,
    capped_anchors: Iterable[int] = (),
    **params: Any,
) -> Any:
    """The passages of the document pairs ``pairs`` (positions in ``documents``, which must
    hold both documents of every pair), as a scan of the whole corpus finds them given step 2's
    ``boilerplate`` verdicts and ``capped_anchors``: a pyarrow Table with one row per passage,
    ``doc_a``, ``start_a``, ``end_a``, ``doc_b``, ``start_b``, ``end_b`` (document ids and byte
    ranges, ``doc_a`` the earlier in ``documents``), ``matched`` (tokens), ``columns`` and
    ``identity`` (matched over columns)."""
    import pyarrow as pa

    columns_in = _columns(documents)
    verdicts = list((boilerplate or {}).items())
    found = _wiretrace.align_pairs(
        columns_in,
        _params_json(params),
        [(int(a), int(b)) for a, b in pairs],
        verdicts,
        list(capped_anchors),
    )
    a, b, start_a, end_a, start_b, end_b, matched, columns, _score = found
    ids = columns_in[0]
    return pa.table(
        [
            pa.array([ids[i] for i in a], type=pa.string()),
            pa.array(start_a, type=pa.uint64()),
            pa.array(end_a, type=pa.uint64()),
            pa.array([ids[i] for i in b], type=pa.string()),
            pa.array(start_b, type=pa.uint64()),
            pa.array(end_b, type=pa.uint64()),
            pa.array(matched, type=pa.uint32()),
            pa.array(columns, type=pa.uint32()),
            pa.array([m / c if c else 0.0 for m, c in zip(matched, columns)], type=pa.float64()),
        ],
        names=["doc_a", "start_a", "end_a", "doc_b", "start_b", "end_b", "matched", "columns", "identity"],
    )


class Plan(NamedTuple):
    """What step 2 decides over the whole corpus."""

    #: Connected components: lists of positions in ``documents``.
    components: List[List[int]]
    #: Boilerplate verdicts by paragraph key, for ``scan_component(boilerplate=...)``.
    verdicts: Dict[int, bool]
    #: Anchors too common corpus-wide, for ``scan_component(capped_anchors=...)``.
    capped: List[int]
    #: Clusters of equal boilerplate paragraphs, as the report writes clusters (``kind``
    #: ``"boilerplate"``, ``members`` with ``doc``, ``start``, ``end``), members in
    #: document order.
    boilerplate: List[Dict[str, Any]]


def plan(documents: Sequence[Mapping[str, Any]], batch_size: int = 1000, **params: Any) -> Plan:
    """Steps 1 and 2 on one machine (see ``Plan``)."""
    rows = list(_rows(documents))
    position = {}
    for i, row in enumerate(rows):
        position[str(row["id"])] = i
    max_anchor_df = params.get("max_anchor_df", 100)

    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(docs: Iterable[int]) -> None:
        docs = list(docs)
        for other in docs[1:]:
            a, b = find(docs[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)

    holders: Dict[int, List[Tuple[int, int, int]]] = {}
    buckets: Dict[Tuple[int, int], set] = {}
    anchor_docs: Dict[int, set] = {}
    for start in range(0, len(rows), batch_size):
        tables = fingerprint(rows[start : start + batch_size], **params)
        paragraphs = tables["paragraphs"].to_pydict()
        for doc, key, begin, end, band_keys in zip(
            paragraphs["doc"],
            paragraphs["key"],
            paragraphs["start"],
            paragraphs["end"],
            paragraphs["band_keys"],
        ):
            d = position[doc]
            if key != 0:
                holders.setdefault(key, []).append((d, begin, end))
            for band, band_key in enumerate(band_keys):
                buckets.setdefault((band, band_key), set()).add((d, key))
        anchors = tables["anchors"].to_pydict()
        for doc, anchor in zip(anchors["doc"], anchors["anchor"]):
            anchor_docs.setdefault(anchor, set()).add(position[doc])

    verdicts: Dict[int, bool] = {}
    boilerplate: List[Dict[str, Any]] = []
    for key, held in holders.items():
        if len(held) < 2:
            continue
        held.sort()
        d, begin, end = held[0]
        text = rows[d]["text"].encode("utf-8")[begin:end].decode("utf-8")
        verdicts[key] = boilerplate_verdict(
            [(str(rows[h]["id"]), rows[h].get("source")) for h, _, _ in held], text
        )
        if verdicts[key]:
            members = [{"doc": str(rows[h]["id"]), "start": b, "end": e} for h, b, e in held]
            boilerplate.append({"kind": "boilerplate", "members": members})
        else:
            link(h for h, _, _ in held)
    for members in buckets.values():
        link(d for d, key in members if not verdicts.get(key, False))
    capped = []
    for anchor, docs in anchor_docs.items():
        if len(docs) > max_anchor_df:
            capped.append(anchor)
        else:
            link(sorted(docs))

    components: Dict[int, List[int]] = {}
    for i in range(len(rows)):
        components.setdefault(find(i), []).append(i)
    return Plan(list(components.values()), verdicts, capped, boilerplate)
