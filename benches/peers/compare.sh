#!/usr/bin/env bash
# Side-by-side: wiretrace scan and the datasketch and rensa pipelines on the same JSONL corpus,
# in the same run.
# Usage: benches/peers/compare.sh CORPUS.jsonl [RUNS]
# Needs: python3 with datasketch and rensa (pip install datasketch rensa), GNU time.
set -euo pipefail
corpus=${1:?usage: compare.sh CORPUS.jsonl [RUNS]}
runs=${2:-3}
cd "$(dirname "$0")/../.."
cargo build --release --quiet
bytes=$(wc -c < "$corpus")
printf '%-16s %4s %9s %9s %10s %s\n' tool run wall_s MB_per_s peak_rss_MB verified_pairs
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
row() { # tool run pairs: reads wall seconds and peak RSS from $tmp
  read -r wall rss < "$tmp"
  awk -v t="$1" -v r="$2" -v w="$wall" -v b="$bytes" -v m="$rss" -v p="$3" \
    'BEGIN { printf "%-16s %4d %9.2f %9.1f %10.0f %s\n", t, r, w, b/1e6/w, m/1024, p }'
}
for run in $(seq 1 "$runs"); do
  # Like for like with the peer: the paragraph tier only.
  pairs=$(/usr/bin/time -o "$tmp" -f '%e %M' ./target/release/wiretrace scan "$corpus" --format json -q --no-align \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["verified_pairs"])')
  row wiretrace "$run" "$pairs"
  # The default scan, which also aligns passages (more work than the peer does).
  pairs=$(/usr/bin/time -o "$tmp" -f '%e %M' ./target/release/wiretrace scan "$corpus" --format json -q \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["verified_pairs"])')
  row wiretrace+align "$run" "$pairs"
  pairs=$(/usr/bin/time -o "$tmp" -f '%e %M' python3 benches/peers/datasketch_scan.py "$corpus" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["verified_pairs"])')
  row datasketch "$run" "$pairs"
  pairs=$(/usr/bin/time -o "$tmp" -f '%e %M' python3 benches/peers/rensa_scan.py "$corpus" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["verified_pairs"])')
  row rensa "$run" "$pairs"
done
