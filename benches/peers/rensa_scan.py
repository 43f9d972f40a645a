#!/usr/bin/env python3
"""Peer pipeline for side-by-side timing: the same job as `wiretrace scan --no-align`, built on
rensa: paragraphs, word 3-gram shingles, `RMinHash` (128 permutations) updated with every
shingle (rensa's exact per-shingle path, no token sampling), `RMinHashLSH` at threshold 0.5
with 32 bands of 4 rows (wiretrace uses 26 of 4; rensa needs the bands to divide 128), exact
Jaccard verification of every cross-document candidate (see common.py).

Usage: python3 benches/peers/rensa_scan.py CORPUS.jsonl [--threshold 0.5] [--perms 128] [--bands 32] [-k 3]
Prints one JSON line like datasketch_scan.py.
"""
import argparse
import json
import sys
import time

from rensa import RMinHash, RMinHashLSH

from common import read_corpus, shingled_paragraphs, verified


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("--bands", type=int, default=32)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--min-tokens", type=int, default=8)
    args = ap.parse_args()

    start = time.perf_counter()
    docs = read_corpus(args.corpus)
    lsh = RMinHashLSH(args.threshold, args.perms, args.bands)
    nodes = []
    candidates = set()
    for d, shingles in shingled_paragraphs(docs, args.k, args.min_tokens):
        m = RMinHash(args.perms, 1)
        m.update(sorted(shingles))
        key = len(nodes)
        for other in lsh.query(m):
            if nodes[other][0] != d:
                candidates.add((other, key))
        nodes.append((d, shingles))
        lsh.insert(key, m)
    pairs = verified(sorted(candidates), nodes, args.threshold)
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": "rensa", "documents": len(docs), "paragraphs": len(nodes),
                      "candidate_pairs": len(candidates), "verified_pairs": pairs,
                      "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    sys.exit(main())
