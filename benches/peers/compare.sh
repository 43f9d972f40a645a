#!/usr/bin/env bash
# Side by side on one synthetic corpus, in the same run: wiretrace (paragraph tier, and the
# default scan with alignment), a datasketch pipeline and a rensa pipeline; wall time, MB/s,
# peak RSS and the quality scores of `wiretrace eval` for each, as a Markdown table.
#
# Usage: benches/peers/compare.sh SIZE [RUNS] [TOOL...]
#   SIZE   corpus size for `wiretrace synth` (10MB, 100MB, 1GB)
#   RUNS   timed runs per tool (default 1)
#   TOOL   wiretrace, wiretrace+align, datasketch, rensa (default: these four), or
#          wiretrace-classic (the paragraph tier with classic 128-permutation MinHash, the
#          peers' scheme; wiretrace's default is one-permutation hashing)
# Environment: BASE (base corpus, default ../shared/corpora/bbc/bbc.jsonl), SEED (default 1).
# Needs: python3 with datasketch and rensa (pip install datasketch==2.0.0 rensa==0.5.0), GNU time.
# Corpora are kept in target/bench-corpora/, reports in target/bench-reports/.
set -euo pipefail
size=${1:?usage: compare.sh SIZE [RUNS] [TOOL...]}
runs=${2:-1}
shift $(( $# >= 2 ? 2 : 1 ))
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(wiretrace wiretrace+align datasketch rensa)
cd "$(dirname "$0")/../.."
base=${BASE:-../shared/corpora/bbc/bbc.jsonl}
seed=${SEED:-1}
cargo build --release --quiet
wt=./target/release/wiretrace
mkdir -p target/bench-corpora target/bench-reports
corpus=target/bench-corpora/synth-$size-seed$seed.jsonl
truth=target/bench-corpora/synth-$size-seed$seed.truth.jsonl
if [ ! -s "$corpus" ] || [ ! -s "$truth" ]; then
  /usr/bin/time -f 'synth: %e s, %M KB peak RSS' "$wt" synth "$base" --size "$size" --seed "$seed" -o "$corpus" --truth "$truth"
fi
bytes=$(wc -c < "$corpus")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "corpus: $corpus ($bytes bytes, $(wc -l < "$corpus") documents)"
echo
echo "| tool | run | wall s | MB/s | peak RSS MB | doc-pair F1 | ARI | byte F1 | doc-pair F1 (oracle boilerplate) | ARI (oracle) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
for run in $(seq 1 "$runs"); do
  for tool in "${tools[@]}"; do
    report=target/bench-reports/$tool-$size-seed$seed.json
    # wiretrace writes typed JSONL (compact, the pipeline format); the peers write compact JSON.
    [[ $tool == wiretrace* ]] && report+=l
    case $tool in
      wiretrace) cmd=("$wt" scan "$corpus" --no-align -q -o "$report") ;;
      wiretrace-classic) cmd=("$wt" scan "$corpus" --no-align --minhash classic -q -o "$report") ;;
      wiretrace+align) cmd=("$wt" scan "$corpus" -q -o "$report") ;;
      datasketch) cmd=(python3 benches/peers/datasketch_scan.py "$corpus" --report "$report") ;;
      rensa) cmd=(python3 benches/peers/rensa_scan.py "$corpus" --report "$report") ;;
      *) echo "unknown tool $tool" >&2; exit 2 ;;
    esac
    /usr/bin/time -o "$tmp" -f '%e %M' "${cmd[@]}" > /dev/null
    read -r wall rss < "$tmp"
    scores=$("$wt" eval --truth "$truth" "$report" --format json)
    oracle=$("$wt" eval --truth "$truth" "$report" --format json --oracle-boilerplate)
    python3 - "$tool" "$run" "$wall" "$rss" "$bytes" "$scores" "$oracle" <<'PY'
import json, sys
tool, run, wall, rss, size, scores, oracle = sys.argv[1:]
s, o = json.loads(scores), json.loads(oracle)
wall = float(wall)
print(f"| {tool} | {run} | {wall:.2f} | {int(size) / 1e6 / wall:.1f} | {int(rss) / 1024:.0f} "
      f"| {s['document_pairs']['f1']:.4f} | {s['ari']:.4f} | {s['reused_bytes']['f1']:.4f} "
      f"| {o['document_pairs']['f1']:.4f} | {o['ari']:.4f} |")
PY
  done
done
