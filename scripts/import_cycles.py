#!/usr/bin/env python3
"""Lists import circles between the library's top-level modules (code only: `use crate::x`
and `crate::x::` paths outside comments and test modules). Exit 1 when there is one.

Run from the repository root: python3 scripts/import_cycles.py
"""
import collections
import glob
import re
import sys

graph = collections.defaultdict(set)
for path in glob.glob("src/**/*.rs", recursive=True):
    rel = path[len("src/"):]
    if rel.startswith("cli/") or rel in ("main.rs", "lib.rs"):
        continue
    module = rel.split("/")[0].removesuffix(".rs")
    code = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
    for line in code.splitlines():
        if line.lstrip().startswith("//"):
            continue
        for used in re.findall(r"crate::(\w+)", line):
            if used != module:
                graph[module].add(used)

cycles = set()


def walk(start, node, path):
    for nxt in graph[node]:
        if nxt == start:
            i = path.index(min(path))
            cycles.add(tuple(path[i:] + path[:i]))
        elif nxt not in path:
            walk(start, nxt, path + [nxt])


for module in list(graph):
    walk(module, module, [module])
for cycle in sorted(cycles, key=len):
    print(" -> ".join(cycle + (cycle[0],)))
sys.exit(1 if cycles else 0)
