#!/usr/bin/env bash
# Thread scaling of `wiretrace scan`: wall time, MB/s, speed-up over the first row and peak RSS
# at each thread count, on one corpus, as a Markdown table. Reports go to /dev/null.
#
# Usage: benches/scaling.sh CORPUS [THREADS...]
#   THREADS  thread counts to run, in order (default: 1 2 4 ... up to the machine's cores)
# Environment: WT (the wiretrace binary; default target/release/wiretrace, built if missing),
#   SCAN_ARGS (extra scan flags, e.g. --no-align).
# Peak RSS is read from /proc/PID/status (VmHWM) while the scan runs.
set -euo pipefail
corpus=${1:?usage: scaling.sh CORPUS [THREADS...]}
shift
threads=("$@")
if [ ${#threads[@]} -eq 0 ]; then
  cores=$(nproc)
  for ((t = 1; t < cores; t *= 2)); do threads+=("$t"); done
  threads+=("$cores")
fi
cd "$(dirname "$0")/.."
wt=${WT:-target/release/wiretrace}
[ -x "$wt" ] || cargo build --release --quiet
bytes=$(wc -c < "$corpus")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB RAM"
echo "corpus: $corpus ($bytes bytes); scan flags: ${SCAN_ARGS:-(defaults)}"
echo
echo "| threads | wall s | MB/s | speed-up | peak RSS MB |"
echo "|---|---|---|---|---|"
first=""
for t in "${threads[@]}"; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$wt" scan "$corpus" --threads "$t" -q --format json -o /dev/null ${SCAN_ARGS:-} &
  pid=$!
  peak=0
  while kill -0 "$pid" 2>/dev/null; do
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    if [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ]; then peak=$hwm; fi
    sleep 0.2
  done
  wait "$pid"
  end=$(date +%s.%N)
  awk -v t="$t" -v start="$start" -v end="$end" -v first="${first:-0}" -v bytes="$bytes" -v peak="$peak" \
    'BEGIN { wall = end - start; if (first == 0) first = wall;
             printf "| %s | %.2f | %.1f | %.2f | %.0f |\n", t, wall, bytes / 1e6 / wall, first / wall, peak / 1024 }'
  [ -n "$first" ] || first=$(awk -v start="$start" -v end="$end" 'BEGIN { print end - start }')
done
