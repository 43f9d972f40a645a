"""Shared by the peer pipelines: the same corpus reading, segmentation and shingling as
wiretrace uses (paragraphs: blank-line blocks, or lines when a block's lines are longer than
100 characters; lower-cased word tokens, no stemming; word k-gram shingles), exact Jaccard
verification of candidate pairs, and a report in wiretrace's JSON format (documents, and
clusters = connected components of verified paragraph pairs, members with byte offsets) so
that `wiretrace eval` scores the peers exactly as it scores wiretrace."""
import json
import os
import re
import tempfile
import time

WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)
WRAP_WIDTH = 100


def read_corpus(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"]))
    return docs


def paragraphs(text):
    """(start byte, end byte, paragraph text) of every paragraph of `text`."""
    data = text.encode("utf-8")
    out = []
    block = []  # (start, end) of the trimmed non-blank lines of the current block

    def flush():
        if not block:
            return
        lines = [data[s:e].decode("utf-8") for s, e in block]
        if all(len(l) <= WRAP_WIDTH for l in lines):
            s, e = block[0][0], block[-1][1]
            out.append((s, e, data[s:e].decode("utf-8")))
        else:
            out.extend((s, e, l) for (s, e), l in zip(block, lines))
        block.clear()

    offset = 0
    for raw in data.split(b"\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + (len(raw) - len(raw.lstrip()))
            block.append((start, start + len(stripped)))
        else:
            flush()
        offset += len(raw) + 1
    flush()
    return out


def shingled_paragraphs(docs, k, min_tokens):
    """(doc index, start, end, shingle set) for every paragraph with at least min_tokens words."""
    for d, (_, text) in enumerate(docs):
        for start, end, para in paragraphs(text):
            tokens = WORD.findall(para.lower())
            if len(tokens) < min_tokens:
                continue
            yield d, start, end, {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def verified(candidates, nodes, threshold):
    pairs = []
    for a, b in candidates:
        sa, sb = nodes[a][3], nodes[b][3]
        if len(sa & sb) / len(sa | sb) >= threshold:
            pairs.append((a, b))
    return pairs


def write_report(path, docs, nodes, pairs):
    """Clusters = connected components of the verified pairs, in wiretrace's report format;
    written atomically (temp file + rename)."""
    parent = list(range(len(nodes)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups = {}
    for n in range(len(nodes)):
        groups.setdefault(find(n), []).append(n)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        clusters.append({
            "id": len(clusters) + 1,
            "kind": "shared",
            "members": [{"doc": docs[nodes[m][0]][0], "start": nodes[m][1], "end": nodes[m][2]}
                        for m in members],
        })
    report = {"documents": [{"id": doc_id} for doc_id, _ in docs], "clusters": clusters}
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as f:
        json.dump(report, f)
    os.replace(f.name, path)


def run(tool, corpus, k, min_tokens, threshold, lsh, signature, report=None):
    """The whole peer job: shingle every paragraph, sign it with `signature(shingles)`, query
    `lsh` before inserting (each pair is seen once, from its later member), keep cross-document
    candidates, verify them exactly, write the report when asked. Prints one JSON line with the
    counts and the seconds (report writing included)."""
    start = time.perf_counter()
    docs = read_corpus(corpus)
    nodes = []
    candidates = set()
    for d, p_start, p_end, shingles in shingled_paragraphs(docs, k, min_tokens):
        m = signature(shingles)
        key = len(nodes)
        for other in lsh.query(m):
            if nodes[other][0] != d:
                candidates.add((other, key))
        nodes.append((d, p_start, p_end, shingles))
        lsh.insert(key, m)
    pairs = verified(sorted(candidates), nodes, threshold)
    if report:
        write_report(report, docs, nodes, pairs)
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": tool, "documents": len(docs), "paragraphs": len(nodes),
                      "candidate_pairs": len(candidates), "verified_pairs": len(pairs),
                      "seconds": round(seconds, 3)}))
