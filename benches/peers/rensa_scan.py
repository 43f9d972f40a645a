#!/usr/bin/env python3
"""Peer pipeline for side-by-side timing: the same job as `wiretrace scan --no-align`, built on
rensa: paragraphs, word 3-gram shingles, `RMinHash` (128 permutations) updated with every
shingle (rensa's exact per-shingle path, no token sampling), `RMinHashLSH` at threshold 0.5
with 32 bands of 4 rows (wiretrace uses 26 of 4; rensa needs the bands to divide 128), exact
Jaccard verification of every cross-document candidate (see common.py).

Usage: python3 benches/peers/rensa_scan.py CORPUS.jsonl [--threshold 0.5] [--perms 128] [--bands 32] [-k 3] [--report REPORT.json]
Prints one JSON line like datasketch_scan.py.
"""
import argparse
import sys

from rensa import RMinHash, RMinHashLSH

from common import run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("--bands", type=int, default=32)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--min-tokens", type=int, default=8)
    ap.add_argument("--report", help="write a report in wiretrace's JSON format (for wiretrace eval)")
    args = ap.parse_args()

    def signature(shingles):
        m = RMinHash(args.perms, 1)
        m.update(sorted(shingles))
        return m

    lsh = RMinHashLSH(args.threshold, args.perms, args.bands)
    run("rensa", args.corpus, args.k, args.min_tokens, args.threshold, lsh, signature,
        args.report)


if __name__ == "__main__":
    sys.exit(main())
