#!/usr/bin/env bash
# Side by side on one synthetic corpus, in the same run: wiretrace (paragraph tier, and the
# default scan with alignment), a datasketch pipeline and a rensa pipeline (exact duplicates
# grouped before LSH, boilerplate handled as wiretrace does: see common.py); wall time, MB/s,
# peak RSS and the quality scores of `wiretrace eval` for each (document pairs, ARI, cluster
# purity, paragraph-pair F1, reused bytes), as a Markdown table.
#
# Usage: benches/peers/compare.sh SIZE [RUNS] [TOOL...]
#   SIZE   corpus size for `wiretrace synth` (10MB, 100MB, 1GB)
#   RUNS   timed runs per tool (default 1)
#   TOOL   wiretrace, wiretrace+align, datasketch, rensa (default: these four), or
#          wiretrace-classic (the paragraph tier with classic 128-permutation MinHash, the
#          peers' scheme; wiretrace's default is one-permutation hashing)
# Environment: BASE (base corpus, default ../shared/corpora/bbc/bbc.jsonl), SEED (default 1),
#   PEER_RSS_LIMIT_MB (default: three quarters of this machine's memory): a peer whose resident
#   size passes it is stopped and gets a "did not finish" row (at 1 GB the peers' in-memory
#   pipelines outgrow a 24 GiB machine; stopping them keeps the machine usable).
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
echo "| tool | run | wall s | MB/s | peak RSS MB | doc-pair P | doc-pair R | doc-pair F1 | ARI | purity | para-pair F1 | byte F1 | doc-pair F1 (oracle boilerplate) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
tmp=$(mktemp); trap 'rm -f "$tmp" "$tmp.stopped"' EXIT
limit_kb=$(( ${PEER_RSS_LIMIT_MB:-$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) * 3 / 4 / 1024 ))} * 1024 ))

# Runs a peer under GNU time, watching its resident size once a second; stops it past
# $limit_kb. Leaves "wall peakKB" in $tmp, and "stopped" in $tmp.stopped when it was stopped.
run_watched() {
  rm -f "$tmp.stopped"
  /usr/bin/time -o "$tmp" -f '%e %M' "$@" > /dev/null &
  local timer=$! child rss
  while kill -0 "$timer" 2>/dev/null; do
    child=$(pgrep -P "$timer" | head -1)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/${child:-0}/status" 2>/dev/null || true)
    if [ -n "$child" ] && [ "${rss:-0}" -gt "$limit_kb" ]; then
      echo stopped > "$tmp.stopped"
      kill "$child"
    fi
    sleep 1
  done
  wait "$timer" || [ -e "$tmp.stopped" ]
  # GNU time reports a killed command on its first line; keep the figures.
  tail -1 "$tmp" > "$tmp.last" && mv "$tmp.last" "$tmp"
}
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
    if [[ $tool == wiretrace* ]]; then
      /usr/bin/time -o "$tmp" -f '%e %M' "${cmd[@]}" > /dev/null
    else
      run_watched "${cmd[@]}"
    fi
    read -r wall rss < "$tmp"
    if [ -e "$tmp.stopped" ]; then
      rm -f "$tmp.stopped"
      echo "| $tool | $run | did not finish: stopped at $(( rss / 1024 )) MB resident after $wall s | | | | | | | | | | | |"
      continue
    fi
    scores=$("$wt" eval --truth "$truth" "$report" --format json)
    oracle=$("$wt" eval --truth "$truth" "$report" --format json --oracle-boilerplate)
    python3 - "$tool" "$run" "$wall" "$rss" "$bytes" "$scores" "$oracle" <<'PY'
import json, sys
tool, run, wall, rss, size, scores, oracle = sys.argv[1:]
s, o = json.loads(scores), json.loads(oracle)
wall = float(wall)
d = s['document_pairs']
print(f"| {tool} | {run} | {wall:.2f} | {int(size) / 1e6 / wall:.1f} | {int(rss) / 1024:.0f} "
      f"| {d['precision']:.4f} | {d['recall']:.4f} | {d['f1']:.4f} | {s['ari']:.4f} "
      f"| {s['purity']['purity']:.4f} | {s['paragraph_pairs']['f1']:.4f} "
      f"| {s['reused_bytes']['f1']:.4f} | {o['document_pairs']['f1']:.4f} |")
PY
  done
done
