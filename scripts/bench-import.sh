#!/usr/bin/env bash
# Import benchmark: the 10-year synthetic archive into a fresh store, end to end (walk, decode,
# clean, summarise, compress, insert), then the same import again (all duplicates).
# Reports wall time, files/s, MB/s and peak RSS. Usage: scripts/bench-import.sh [years] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
years="${1:-10}"
seed="${2:-7}"
work="${BENCH_DIR:-target/bench-import}"
cargo build --release -q
bin=target/release/slowburn
mkdir -p "$work"
if [ ! -f "$work/archive-$years-$seed/truth.json" ]; then
  rm -rf "$work/archive-$years-$seed"
  "$bin" synth --years "$years" --profile eighty-twenty --seed "$seed" --out "$work/archive-$years-$seed" >/dev/null
fi
files=$(find "$work/archive-$years-$seed" -name '*.fit' | wc -l)
bytes=$(du -sb "$work/archive-$years-$seed" | cut -f1)
db="$work/bench.db"
run() {
  local label="$1"
  local t0 t1 rss
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$bin" --db "$db" import "$work/archive-$years-$seed" >/dev/null
  t1=$(date +%s%N)
  rss=$(cat "$work/rss")
  awk -v l="$label" -v ns=$((t1 - t0)) -v f="$files" -v b="$bytes" -v r="$rss" 'BEGIN {
    s = ns / 1e9
    printf "%-28s %8.2f s %9.0f files/s %8.1f MB/s  peak RSS %6.1f MB\n", l, s, f / s, b / 1e6 / s, r / 1024
  }'
}
rm -f "$db" "$db-wal" "$db-shm"
echo "archive: $files FIT files, $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB ($years years, seed $seed); $(nproc) cores"
run "import into a fresh store"
run "same import again (all dup)"
