#!/usr/bin/env python3
"""Peer pipeline for side-by-side timing: the same job as `wiretrace scan --no-align`, built on
datasketch: paragraphs, word 3-gram shingles, MinHash (128 permutations), MinHashLSH at
threshold 0.5 (datasketch's own banding), exact Jaccard verification of every cross-document
candidate (see common.py).

Usage: python3 benches/peers/datasketch_scan.py CORPUS.jsonl [--threshold 0.5] [--perms 128] [-k 3] [--report REPORT.json]
Prints one JSON line: {"tool", "documents", "paragraphs", "candidate_pairs", "verified_pairs", "seconds"}.
"""
import argparse
import sys

from datasketch import MinHash, MinHashLSH

from common import run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--perms", type=int, default=128)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--min-tokens", type=int, default=8)
    ap.add_argument("--report", help="write a report in wiretrace's JSON format (for wiretrace eval)")
    args = ap.parse_args()

    def signature(shingles):
        m = MinHash(num_perm=args.perms, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles])
        return m

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.perms)
    run("datasketch", args.corpus, args.k, args.min_tokens, args.threshold, lsh, signature,
        args.report)


if __name__ == "__main__":
    sys.exit(main())
