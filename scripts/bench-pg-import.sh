#!/usr/bin/env bash
# `slowburn import` of the same synthetic archive into a SQLite file and into PostgreSQL (a
# throwaway server on loopback, `scripts/pg-throwaway.sh`), side by side with the release
# binary: the whole pipeline (walk, decode, clean, analyse, compress, store, refresh) each
# time, into a fresh store, repetitions interleaved (file, server, file, server, …) so a shared
# machine's load falls on both alike. Reports each run and the medians, and the ratio server /
# file of wall times (the budget is 2×).
#
# Usage: scripts/bench-pg-import.sh [years] [seed] [repetitions]   (defaults 3, 7, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
years="${1:-3}"
seed="${2:-7}"
reps="${3:-3}"
work="${BENCH_DIR:-target/bench-pg-import}"
cargo build --release -q -p slowburn
bin="${CARGO_TARGET_DIR:-target}/release/slowburn"
archive="$work/archive-$years-$seed"
mkdir -p "$work"
if [ ! -f "$archive/truth.json" ]; then
  rm -rf "$archive"
  "$bin" synth --years "$years" --profile eighty-twenty --seed "$seed" --out "$archive" >/dev/null
fi
files=$(find "$archive" -type f -iname '*.fit' | wc -l)
mb=$(du -sm "$archive" | cut -f1)

dir_file=$(mktemp)
url=$(bash scripts/pg-throwaway.sh start 2>"$dir_file")
pgdir=$(sed -n 's/.*directory \([^ ]*\) .*/\1/p' "$dir_file")
rm -f "$dir_file"
trap 'bash scripts/pg-throwaway.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT

ns_now() { date +%s%N; }
file_s=()
pg_s=()
for r in $(seq 1 "$reps"); do
  db="$work/bench-$r.db"
  rm -f "$db" "$db-wal" "$db-shm"
  t0=$(ns_now)
  "$bin" --db "$db" import "$archive" >/dev/null
  t1=$(ns_now)
  f=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  t0=$(ns_now)
  "$bin" --db "$url" --athlete "bench$r" import "$archive" >/dev/null
  t1=$(ns_now)
  p=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  file_s+=("$f")
  pg_s+=("$p")
  echo "run $r: file $f s, PostgreSQL $p s"
  # The two stores say the same (ids aside: the server numbers activities across athletes).
  strip_ids='import json, sys; r = json.load(sys.stdin); [x.pop("id") for x in r]; print(json.dumps(r, sort_keys=True))'
  if ! diff <("$bin" --db "$db" runs --json | python3 -c "$strip_ids") \
    <("$bin" --db "$url" --athlete "bench$r" runs --json | python3 -c "$strip_ids") >/dev/null; then
    echo "bench-pg-import: the two stores list different runs" >&2
    exit 1
  fi
  rm -f "$db" "$db-wal" "$db-shm"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fm=$(median "${file_s[@]}")
pm=$(median "${pg_s[@]}")
echo
echo "archive: $years years, $files FIT files, $mb MB (seed $seed)"
awk -v f="$fm" -v p="$pm" -v n="$files" 'BEGIN {
  printf "median: file %.2f s (%.0f files/s), PostgreSQL %.2f s (%.0f files/s): PostgreSQL / file = %.2fx (budget 2x)\n", f, n / f, p, n / p, p / f
}'
