#!/usr/bin/env python3
"""Peer pipeline for side-by-side timing: the same job as `wiretrace scan`, built on datasketch.

Paragraphs (blank-line blocks, or lines when a block's lines are longer than 100 characters, as
wiretrace segments them), lower-cased word tokens (no stemming: datasketch has none), word
3-gram shingles, MinHash with 128 permutations, MinHashLSH at threshold 0.5, then exact Jaccard
verification of every candidate pair across documents, like wiretrace's verify stage.

Usage: python3 benches/peers/datasketch_scan.py CORPUS.jsonl [--threshold 0.5] [--perms 128] [-k 3]
Prints one JSON line: {"tool", "documents", "paragraphs", "candidate_pairs", "verified_pairs", "seconds"}.
"""
import argparse
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--min-tokens", type=int, default=8)
    args = ap.parse_args()

    start = time.perf_counter()
    docs = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"]))

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.perms)
    nodes = []  # (doc index, shingle set)
    candidates = set()
    for d, (_, text) in enumerate(docs):
        for para in paragraphs(text):
            tokens = WORD.findall(para.lower())
            if len(tokens) < args.min_tokens:
                continue
            shingles = {" ".join(tokens[i : i + args.k]) for i in range(len(tokens) - args.k + 1)}
            m = MinHash(num_perm=args.perms, seed=1)
            m.update_batch([s.encode("utf-8") for s in shingles])
            key = len(nodes)
            # Query before inserting: each pair is seen once, from its later member.
            for other in lsh.query(m):
                if nodes[other][0] != d:
                    candidates.add((other, key))
            nodes.append((d, shingles))
            lsh.insert(key, m)
    verified = 0
    for a, b in sorted(candidates):
        sa, sb = nodes[a][1], nodes[b][1]
        j = len(sa & sb) / len(sa | sb)
        if j >= args.threshold:
            verified += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": "datasketch", "documents": len(docs), "paragraphs": len(nodes),
                      "candidate_pairs": len(candidates), "verified_pairs": verified,
                      "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    sys.exit(main())
