"""Shared by the peer pipelines: the same corpus reading, segmentation and shingling as
wiretrace uses (paragraphs: blank-line blocks, or lines when a block's lines are longer than
100 characters; lower-cased word tokens, no stemming; word k-gram shingles), and exact Jaccard
verification of candidate pairs."""
import json
import re
import time

WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)


def read_corpus(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"]))
    return docs


def paragraphs(text):
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if all(len(l) <= 100 for l in lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def shingled_paragraphs(docs, k, min_tokens):
    """(doc index, shingle set) for every paragraph with at least min_tokens words."""
    for d, (_, text) in enumerate(docs):
        for para in paragraphs(text):
            tokens = WORD.findall(para.lower())
            if len(tokens) < min_tokens:
                continue
            yield d, {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def verified(candidates, nodes, threshold):
    count = 0
    for a, b in candidates:
        sa, sb = nodes[a][1], nodes[b][1]
        if len(sa & sb) / len(sa | sb) >= threshold:
            count += 1
    return count


def run(tool, corpus, k, min_tokens, threshold, lsh, signature):
    """The whole peer job: shingle every paragraph, sign it with `signature(shingles)`, query
    `lsh` before inserting (each pair is seen once, from its later member), keep cross-document
    candidates, verify them exactly. Prints one JSON line with the counts and the seconds."""
    start = time.perf_counter()
    docs = read_corpus(corpus)
    nodes = []
    candidates = set()
    for d, shingles in shingled_paragraphs(docs, k, min_tokens):
        m = signature(shingles)
        key = len(nodes)
        for other in lsh.query(m):
            if nodes[other][0] != d:
                candidates.add((other, key))
        nodes.append((d, shingles))
        lsh.insert(key, m)
    pairs = verified(sorted(candidates), nodes, threshold)
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": tool, "documents": len(docs), "paragraphs": len(nodes),
                      "candidate_pairs": len(candidates), "verified_pairs": pairs,
                      "seconds": round(seconds, 3)}))
