"""Time the Python path against the CLI on one corpus (BENCHMARKS.md, "The Python path").

Usage: python benches/python/overhead.py CORPUS.jsonl RUNS [WIRETRACE_BIN]

Runs, alternately and RUNS times each: the CLI (`wiretrace scan CORPUS --format json -o FILE`,
a process of its own), `wiretrace.scan_paths([CORPUS])` and `wiretrace.scan(rows)` (rows parsed
by Python's json beforehand), both Python reports written by `Report.write(path)` as the CLI
writes its file.
Prints each run and the median of each path, in seconds. Needs `pip install ./python`.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import wiretrace


def main() -> None:
    corpus, runs = sys.argv[1], int(sys.argv[2])
    binary = sys.argv[3] if len(sys.argv) > 3 else "wiretrace"
    rows = [json.loads(line) for line in open(corpus, encoding="utf-8") if line.strip()]
    out = os.path.join(tempfile.mkdtemp(), "report.json")

    def cli() -> None:
        subprocess.run([binary, "scan", corpus, "--format", "json", "-o", out, "-q"], check=True)

    def scan_paths() -> None:
        wiretrace.scan_paths([corpus]).write(out, format="json")

    def scan_dicts() -> None:
        wiretrace.scan(rows).write(out, format="json")

    paths = {"cli": cli, "scan_paths": scan_paths, "scan(dicts)": scan_dicts}
    times = {name: [] for name in paths}
    for run in range(runs):
        for name, path in paths.items():
            started = time.perf_counter()
            path()
            times[name].append(time.perf_counter() - started)
            print(f"run {run + 1} {name}: {times[name][-1]:.2f} s", flush=True)
    for name, seconds in times.items():
        print(f"median {name}: {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
