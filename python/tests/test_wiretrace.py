"""The Python package through its real entry points, against the CLI's own reports."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import wiretrace

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def cli_binary() -> Path:
    """The CLI built from this checkout (.ci/run builds it before the Python tests)."""
    given = os.environ.get("WIRETRACE_BIN")
    candidates = [Path(given)] if given else []
    candidates += [ROOT / "target" / "debug" / "wiretrace", ROOT / "target" / "release" / "wiretrace"]
    for path in candidates:
        if path.is_file():
            return path
    raise AssertionError("no wiretrace binary: run `cargo build` first or set WIRETRACE_BIN")


def cli(*args: str) -> str:
    done = subprocess.run(
        [str(cli_binary()), *args], check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory):
    """A small synthetic wire ecosystem written by the CLI from the bundled sample (seed 6: a
    corpus with a boilerplate cluster whose holders fall in different components, the case
    `test_the_stages_composed_give_the_clusters_of_one_scan` needs)."""
    folder = tmp_path_factory.mktemp("synth")
    out, truth = folder / "corpus.jsonl", folder / "truth.jsonl"
    cli("synth", str(SAMPLE), "--size", "200KB", "--seed", "6", "-o", str(out), "--truth", str(truth))
    return out


def records(path: Path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_version_is_the_crates():
    cargo = (ROOT / "Cargo.toml").read_text()
    assert f'version = "{wiretrace.__version__}"' in cargo


def test_scan_paths_gives_the_clis_json_report_on_the_sample():
    report = wiretrace.scan_paths([SAMPLE])
    assert report.to_json() == cli("scan", str(SAMPLE), "--format", "json")
    found = report.to_dict()
    assert len(found["documents"]) == 5
    assert any(c["kind"] == "wire" for c in found["clusters"])


def test_scan_paths_gives_the_clis_report_with_parameters_on_a_synth_corpus(synth_corpus):
    report = wiretrace.scan_paths([synth_corpus], threshold=0.6, no_align=True)
    expected = cli("scan", str(synth_corpus), "--threshold", "0.6", "--no-align", "--format", "json")
    assert report.to_json() == expected
    assert report.to_jsonl() == cli(
        "scan", str(synth_corpus), "--threshold", "0.6", "--no-align", "--format", "jsonl"
    )


def test_write_gives_the_files_the_cli_writes(synth_corpus, tmp_path):
    report = wiretrace.scan_paths([synth_corpus])
    for form in ["json", "jsonl", "html"]:
        mine, theirs = tmp_path / f"py.{form}", tmp_path / f"cli.{form}"
        report.write(mine, format=form)
        cli("scan", str(synth_corpus), "--format", form, "-o", str(theirs))
        assert mine.read_bytes() == theirs.read_bytes(), form
    with pytest.raises(ValueError, match="format"):
        report.write(tmp_path / "r.txt", format="text")


def clusters_by_doc(report):
    """The clusters as sets of (doc, start, end), comparable across input kinds."""
    return sorted(
        (c["kind"], tuple((m["doc"], m["start"], m["end"]) for m in c["members"]))
        for c in report.to_dict()["clusters"]
    )


def test_dicts_pyarrow_and_pandas_give_the_same_clusters_as_the_file(synth_corpus):
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    rows = records(synth_corpus)
    from_file = clusters_by_doc(wiretrace.scan_paths([synth_corpus]))
    assert from_file, "the synth corpus shares text"
    assert clusters_by_doc(wiretrace.scan(rows)) == from_file
    assert clusters_by_doc(wiretrace.scan(pa.Table.from_pylist(rows))) == from_file
    assert clusters_by_doc(wiretrace.scan(pd.DataFrame(rows))) == from_file
    # Any object with the Arrow stream interface (a RecordBatchReader here).
    reader = pa.Table.from_pylist(rows).to_reader()
    assert clusters_by_doc(wiretrace.scan(reader)) == from_file


def test_bad_parameters_raise_value_error_naming_the_parameter():
    with pytest.raises(ValueError, match=r"^threshold: "):
        wiretrace.scan([{"id": "a", "text": "x"}], threshold=1.5)
    with pytest.raises(ValueError, match=r"^language: "):
        wiretrace.scan([{"id": "a", "text": "x"}], language="klingon")
    with pytest.raises(TypeError, match="thresh"):
        wiretrace.scan([{"id": "a", "text": "x"}], thresh=0.5)
    with pytest.raises(TypeError, match="document 1: text"):
        wiretrace.scan([{"id": "a", "text": "x"}, {"id": "b"}])


def test_an_unreadable_path_is_an_os_error_naming_it(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(OSError, match="nope.jsonl"):
        wiretrace.scan_paths([missing])


def test_tables_hold_a_row_per_document_member_and_link():
    pytest.importorskip("pyarrow")
    report = wiretrace.scan_paths([SAMPLE])
    found = report.to_dict()
    tables = report.tables()
    assert tables["documents"].num_rows == len(found["documents"])
    assert tables["members"].num_rows == sum(len(c["members"]) for c in found["clusters"])
    assert tables["links"].num_rows == sum(len(c["links"]) for c in found["clusters"])
    frame = tables["members"].to_pandas()
    assert set(frame["kind"]) <= {"wire", "quote", "boilerplate", "shared"}


def test_to_html_writes_a_page(tmp_path):
    page = tmp_path / "report.html"
    wiretrace.scan_paths([SAMPLE]).to_html(page)
    text = page.read_text()
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "wiretrace" in text


def test_compare_finds_the_shared_passage():
    wire = (
        "North Korea confirmed for the first time on Monday that it had sent troops to fight "
        "for Russia in the war in Ukraine under orders from leader Kim Jong Un."
    )
    found = wiretrace.compare(wire, "An outlet's own intro. " + wire)
    assert found["summary"]["passages"] == 1
    assert found["summary"]["shared_fraction_a"] > 0.95
    assert wiretrace.compare(wire, "Nothing in common here at all, not one word.")["passages"] == []


def test_an_index_finds_what_a_query_copies(tmp_path, synth_corpus):
    rows = records(synth_corpus)
    index = wiretrace.Index.create(tmp_path / "idx", no_align=True)
    added = index.add(rows[:-20])
    assert added["added"] == len(rows) - 20
    assert wiretrace.Index(tmp_path / "idx").stats()["documents"] == len(rows) - 20
    queried = {r["id"] for r in rows[-20:]}
    report = index.query(rows[-20:]).to_dict()
    linked = [c for c in report["clusters"] if c["kind"] == "wire"]
    assert linked, "the queried copies share wire text with indexed ones"
    for cluster in report["clusters"]:
        assert queried & {m["doc"] for m in cluster["members"]}
    assert index.remove([rows[0]["id"], "no-such-id"]) == {"removed": 1, "not_found": ["no-such-id"]}
    with pytest.raises(OSError, match="already exists"):
        wiretrace.Index.create(tmp_path / "idx")


def test_ctrl_c_interrupts_a_running_scan(tmp_path):
    """SIGINT while Rust works raises KeyboardInterrupt from inside the scan, not after it."""
    import signal

    # Python raises KeyboardInterrupt on SIGINT only where it was not ignored at its start (a
    # shell's background job ignores it): set the handler an interactive session has.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt_a_scan(tmp_path)
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt_a_scan(tmp_path):
    import signal
    import threading
    import time

    corpus, truth = tmp_path / "big.jsonl", tmp_path / "truth.jsonl"
    cli("synth", str(SAMPLE), "--size", "6MB", "--seed", "5", "-o", str(corpus), "--truth", str(truth))
    started = time.perf_counter()
    wiretrace.scan_paths([corpus])
    whole = time.perf_counter() - started

    timer = threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        wiretrace.scan_paths([corpus])
    interrupted = time.perf_counter() - started
    timer.join()
    # The message says it came from inside the scan; it ends before the scan would have.
    assert interrupted < whole, (interrupted, whole)


def test_the_stages_composed_give_the_clusters_of_one_scan(synth_corpus):
    """fingerprint → plan (verdicts, capped anchors, components, boilerplate clusters) →
    scan_component on each component finds exactly the clusters one scan of everything finds,
    boilerplate clusters whose holders fall in different components included."""
    pytest.importorskip("pyarrow")
    from wiretrace import stages

    rows = records(synth_corpus)
    whole = wiretrace.scan(rows).to_dict()
    components, verdicts, capped, boilerplate = stages.plan(rows, batch_size=37)
    assert sorted(i for c in components for i in c) == list(range(len(rows)))
    assert len(components) > 1, "the corpus has unrelated stories"
    staged = list(boilerplate)
    for component in components:
        report = stages.scan_component(
            [rows[i] for i in component], boilerplate=verdicts, capped_anchors=capped
        )
        staged.extend(report.to_dict()["clusters"])

    def clusters(found):
        return sorted(
            (c["kind"], tuple(sorted((m["doc"], m["start"], m["end"]) for m in c["members"])))
            for c in found
        )

    assert clusters(staged) == clusters(whole["clusters"])
    # The case this corpus holds: "ADVERTISEMENT" in documents of different components.
    of_component = {rows[i]["id"]: n for n, c in enumerate(components) for i in c}
    assert any(
        len({of_component[m["doc"]] for m in c["members"]}) > 1 for c in boilerplate
    ), "a boilerplate cluster spans components"


def test_fingerprint_rows_cover_every_paragraph():
    pa = pytest.importorskip("pyarrow")
    from wiretrace import stages

    text = (SAMPLE / "003_43710ace8eb4a1eb.txt").read_text()
    tables = stages.fingerprint([{"id": "r", "text": text}])
    paragraphs = tables["paragraphs"]
    assert paragraphs.schema.field("band_keys").type == pa.list_(pa.uint32())
    rows = paragraphs.to_pylist()
    assert [r["paragraph"] for r in rows] == list(range(len(rows)))
    assert all(r["start"] < r["end"] for r in rows)
    fingerprinted = [r for r in rows if r["fingerprinted"]]
    assert fingerprinted and all(len(r["band_keys"]) == len(fingerprinted[0]["band_keys"]) for r in fingerprinted)
    assert all(r["band_keys"] == [] for r in rows if not r["fingerprinted"])
    assert tables["anchors"].num_rows > 0
    assert stages.fingerprint([{"id": "r", "text": text}], no_align=True)["anchors"].num_rows == 0


def test_verify_and_align_stages_find_the_links_of_one_scan(synth_corpus):
    """The pairwise stages, run on pairs an engine's joins propose (paragraphs sharing a band
    key, documents sharing an anchor that is not capped), find every link the scan reports:
    each fingerprinted paragraph link's pair is verified with the scan's Jaccard (shorter
    paragraphs link by equal keys), and each passage link is a piece of a passage that
    alignment finds for its pair, with the scan's identity."""
    pytest.importorskip("pyarrow")
    from itertools import combinations

    from wiretrace import stages

    rows = records(synth_corpus)
    report = wiretrace.scan(rows).to_dict()
    _, verdicts, capped, _ = stages.plan(rows)
    tables = stages.fingerprint(rows)
    paragraphs = tables["paragraphs"].to_pylist()
    by_span = {(p["doc"], p["start"], p["end"]): p for p in paragraphs}
    text_of = {str(row["id"]): row["text"].encode() for row in rows}

    # Paragraph links: verify the pairs, as the scan did.
    linked = []
    for cluster in report["clusters"]:
        members = cluster["members"]
        for link in cluster.get("links", []):
            if link["method"] != "paragraph":
                continue
            a, b = members[link["a"]], members[link["b"]]
            left = by_span[(a["doc"], link["a_start"], link["a_end"])]
            right = by_span[(b["doc"], link["b_start"], link["b_end"])]
            if not (left["fingerprinted"] and right["fingerprinted"]):
                # Too short to fingerprint: linked as exact copies, by equal paragraph keys, or
                # equal once a credit before one of them (a lead's dateline) is left out.
                if left["key"] != right["key"]:
                    texts = [
                        text_of[m["doc"]][link[f"{side}_start"] : link[f"{side}_end"]]
                        for m, side in ((a, "a"), (b, "b"))
                    ]
                    assert texts[0].endswith(texts[1]) or texts[1].endswith(texts[0]), texts
                continue
            linked.append((left["shingles"], right["shingles"], link["similarity"]))
    assert linked, "the corpus has paragraph links"
    decided = stages.verify([l for l, _, _ in linked], [r for _, r, _ in linked]).to_pylist()
    assert all(d["verified"] for d in decided)
    assert [round(d["jaccard"], 4) for d in decided] == [s for _, _, s in linked]
    # An unrelated pair is not verified.
    unrelated = stages.verify([[1, 2, 3, 4]], [[5, 6, 7, 8]]).to_pylist()
    assert unrelated == [
        {"jaccard": 0.0, "containment_left": 0.0, "containment_right": 0.0, "verified": False}
    ]

    # Passage links: align the pairs that share an anchor the corpus does not cap.
    position = {str(row["id"]): i for i, row in enumerate(rows)}
    holders = {}
    for anchor in tables["anchors"].to_pylist():
        holders.setdefault(anchor["anchor"], set()).add(position[anchor["doc"]])
    capped_set = set(capped)
    pairs = sorted(
        {
            pair
            for anchor, docs in holders.items()
            if anchor not in capped_set
            for pair in combinations(sorted(docs), 2)
        }
    )
    passages = stages.align(rows, pairs, boilerplate=verdicts, capped_anchors=capped).to_pylist()
    found = {}
    for p in passages:
        found.setdefault((p["doc_a"], p["doc_b"]), []).append(p)
    checked = 0
    for cluster in report["clusters"]:
        members = cluster["members"]
        for link in cluster.get("links", []):
            if link["method"] != "passage":
                continue
            (a, a_start, a_end), (b, b_start, b_end) = sorted(
                [
                    (members[link["a"]]["doc"], link["a_start"], link["a_end"]),
                    (members[link["b"]]["doc"], link["b_start"], link["b_end"]),
                ],
                key=lambda side: position[side[0]],
            )
            # A link is a piece of a passage, widened to whole paragraphs where it covers them.
            assert any(
                p["start_a"] < a_end
                and a_start < p["end_a"]
                and p["start_b"] < b_end
                and b_start < p["end_b"]
                and round(p["identity"], 4) == link["similarity"]
                for p in found.get((a, b), [])
            ), (a, b, link)
            checked += 1
    assert checked, "the corpus has passage links"
    with pytest.raises(ValueError, match=r"pair \(0, 5\)"):
        stages.align(rows[:2], [(0, 5)])
    with pytest.raises(ValueError, match="one of each per pair"):
        stages.verify([[1]], [])
