"""Shared by the peer pipelines: the same corpus reading, segmentation and shingling as
wiretrace uses (paragraphs: blank-line blocks, or lines when a block's lines are longer than
100 characters; lower-cased word tokens, no stemming; word k-gram shingles), and exact Jaccard
verification of candidate pairs."""
import json
import re

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
