#!/usr/bin/env bash
# Runs every cargo-fuzz target for a while (default 600 s each), seeded with the bundled
# articles. Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on the stable toolchain with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz needs nightly-only sanitizer flags).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Crashes land in fuzz/artifacts/<target>/; add each as a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decode_segment normalize_align credits jsonl registry renderers index_ops)
fi
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
  seeds="corpus/$target"
  mkdir -p "$seeds"
  cp ../data/sample/*.txt "$seeds/" 2>/dev/null || true
  if [ "$target" = jsonl ]; then
    printf '{"id":"a","text":"SEOUL (AP) \\u2014 Text.","source":"AP"}\n{"id":1,"text":[1]}\nnot json\n' > "$seeds/seed.jsonl"
  fi
  if [ "$target" = registry ]; then
    rm -f "$seeds"/*.txt
    cp ../data/agencies.json "$seeds/agencies.json"
  fi
  if [ "$target" = renderers ]; then
    # The sample articles as one input, separated as the target splits documents.
    for f in ../data/sample/*.txt; do cat "$f"; printf '\036'; done > "$seeds/sample"
  fi
  if [ "$target" = index_ops ]; then
    rm -f "$seeds"/*.txt
    printf '\000\001\002\003\001\001\003\004\003\002\000\000\004\000\000\000\002\001\005\001' > "$seeds/ops"
  fi
  echo "== fuzzing $target for ${seconds}s"
  cargo fuzz run "$target" "$seeds" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096
done
