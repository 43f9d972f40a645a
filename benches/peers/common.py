"""Shared by the peer pipelines: the same corpus reading, segmentation and shingling as
wiretrace uses (paragraphs: blank-line blocks, or lines when a block's lines are longer than
100 characters; lower-cased word tokens, no stemming; word k-gram shingles), exact Jaccard
verification of candidate pairs, and a report in wiretrace's JSON format (documents, and
clusters = connected components of verified paragraph pairs, members with byte offsets) so
that `wiretrace eval` scores the peers exactly as it scores wiretrace.

Run as their best users run them (the text-dedup / datatrove recipe): exact duplicates are
grouped before LSH (one signature and one LSH entry per distinct paragraph, its copies linked to
it), and boilerplate is handled as wiretrace handles it: a paragraph whose exact copies all sit
in one document or one outlet (the JSONL `source`), a site-furniture line ("Advertisement",
"Read more", ...), or a short credit paragraph (a copyright notice, "... contributed to this
report", a byline: what a news user filters before deduplicating) takes no part in matching."""
import json
import os
import re
import tempfile
import time

WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)
WRAP_WIDTH = 100


def read_corpus(path):
    """(id, text, source or None) of every record."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"], rec.get("source")))
    return docs


# wiretrace's site-furniture lines (src/attribute/mod.rs), matched on the whole paragraph.
FURNITURE = re.compile(
    r"(?i)^(?:advertisement|advertising|sponsored(?: content)?|share(?: this(?: article| story)?)?"
    r"|related(?: articles| stories| news| content)?|recent posts|read more|comments"
    r"|no comments yet\.*|all news|similar news|close video|subscribe(?: now)?"
    r"|(?:download|get) (?:the|our) app\b.*|click here to .{0,60}\bapp\b.*"
    r"|sign up for .{0,60}newsletter.*|follow us on .{0,40}|more: .{0,200})$"
)


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


# Short paragraphs that credit an agency or a reporter: not reuse, in any tool.
CREDIT = re.compile(
    r"(?i)copyright|\u00a9|all rights reserved|may not be (?:published|reproduced)"
    r"|contributed (?:to )?(?:this )?report|contributed reporting|^by [^.]{0,80}$"
)
CREDIT_PARAGRAPH = 400


def matchable_paragraphs(docs, min_tokens):
    """(doc index, start, end, tokens) for every paragraph with at least min_tokens words that
    is not boilerplate (exact copies all in one document or one outlet, or site furniture)."""
    found = []
    holders = {}
    for d, (_, text, source) in enumerate(docs):
        for start, end, para in paragraphs(text):
            tokens = tuple(WORD.findall(para.lower()))
            if len(tokens) < min_tokens:
                continue
            found.append((d, start, end, tokens, para))
            holders.setdefault(tokens, []).append((d, source))
    def boilerplate(tokens, para):
        held = holders[tokens]
        one_document = all(h[0] == held[0][0] for h in held)
        one_outlet = held[0][1] is not None and all(h[1] == held[0][1] for h in held)
        credit = len(para.encode()) <= CREDIT_PARAGRAPH and CREDIT.search(para.strip())
        repeated = len(held) > 1 and (one_document or one_outlet)
        return repeated or credit or FURNITURE.match(para.strip())
    return [(d, s, e, t) for d, s, e, t, para in found if not boilerplate(t, para)]


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
    report = {"documents": [{"id": doc[0]} for doc in docs], "clusters": clusters}
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as f:
        json.dump(report, f)
    os.replace(f.name, path)


def run(tool, corpus, k, min_tokens, threshold, lsh, signature, report=None):
    """The whole peer job: drop boilerplate, group exact duplicates, shingle and sign each
    distinct paragraph once with `signature(shingles)`, query `lsh` before inserting (each pair
    is seen once, from its later member), keep cross-document candidates, verify them exactly,
    link every exact copy to the first, write the report when asked. Prints one JSON line with
    the counts and the seconds (report writing included)."""
    start = time.perf_counter()
    docs = read_corpus(corpus)
    nodes = []
    first_of = {}
    pairs = []
    candidates = set()
    for d, p_start, p_end, tokens in matchable_paragraphs(docs, min_tokens):
        key = len(nodes)
        first = first_of.get(tokens)
        if first is not None:
            nodes.append((d, p_start, p_end, nodes[first][3]))
            if nodes[first][0] != d:
                pairs.append((first, key))
            continue
        first_of[tokens] = key
        shingles = {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}
        m = signature(shingles)
        for other in lsh.query(m):
            candidates.add((other, key))
        nodes.append((d, p_start, p_end, shingles))
        lsh.insert(key, m)
    pairs += verified(sorted(candidates), nodes, threshold)
    if report:
        write_report(report, docs, nodes, pairs)
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": tool, "documents": len(docs), "paragraphs": len(nodes),
                      "distinct_paragraphs": len(first_of),
                      "candidate_pairs": len(candidates), "verified_pairs": len(pairs),
                      "seconds": round(seconds, 3)}))
