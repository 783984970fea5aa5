#!/usr/bin/env bash
# Import benchmark: the 10-year synthetic archive into a fresh store, end to end (walk, decode,
# clean, summarise, compress, insert), then the same import again (all duplicates), measured
# side by side with a bare baseline over exactly the same files: `sha256sum` of every file plus
# `zstd -1` of every file to /dev/null, on one core (the hashing and compressing the import
# cannot avoid). The page cache is warmed first, so both read from memory. Repetitions are
# interleaved (baseline, import, re-import, baseline, …) so a shared machine's load falls on
# both alike; each figure is the median of its repetitions.
#
# Reports per repetition, then the medians: wall time, files/s, MB/s and peak RSS (the largest
# of the repetitions) of the import and the re-import, the baseline's wall time, and the ratio
# import / baseline of wall times (the budget is 2.5×). CPU time (user + sys) of both is shown
# beside it: on a shared machine other work stretches wall time, the import's (two threads or
# more) more than the one-core baseline's, and CPU time much less.
#
# Usage: scripts/bench-import.sh [years] [seed] [repetitions]   (defaults 10, 7, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
years="${1:-10}"
seed="${2:-7}"
reps="${3:-${BENCH_REPS:-3}}"
budget=2.5
work="${BENCH_DIR:-target/bench-import}"
for tool in sha256sum zstd /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-import: $tool is needed for the baseline" >&2; exit 2; }
done
cargo build --release -q
bin=target/release/slowburn
archive="$work/archive-$years-$seed"
mkdir -p "$work"
if [ ! -f "$archive/truth.json" ]; then
  rm -rf "$archive"
  "$bin" synth --years "$years" --profile eighty-twenty --seed "$seed" --out "$archive" >/dev/null
fi

# The files the import reads: recordings by extension, as slowburn-formats' walk picks them
# (truth.json is the generator's answer key and is not imported).
list="$work/files-$years-$seed.list"
find "$archive" -type f \( -iname '*.fit' -o -iname '*.gpx' -o -iname '*.tcx' \
  -o -iname '*.fit.gz' -o -iname '*.gpx.gz' -o -iname '*.tcx.gz' \) -print0 | sort -z >"$list"
files=$(tr -cd '\0' <"$list" | wc -c)
bytes=$(xargs -0 stat -c %s <"$list" | awk '{ s += $1 } END { print s + 0 }')

# One core for the baseline: pinned with taskset when it works here, else unpinned (sha256sum
# and zstd -1 are single-threaded either way; pinning keeps them off the other core's work).
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then
  pin=(taskset -c 0)
  pinned="pinned to core 0 with taskset"
else
  pin=()
  pinned="unpinned (no taskset here; both tools are single-threaded)"
fi

db="$work/bench.db"
ns_now() { date +%s%N; }

# Wall time, ns, and CPU time (user + sys, s) of the baseline.
baseline() {
  local t0 t1
  t0=$(ns_now)
  /usr/bin/time -f '%U %S' -o "$work/cpu" ${pin[@]+"${pin[@]}"} sh -c \
    'xargs -0 sha256sum <"$1" >/dev/null && xargs -0 zstd -1 -q -c <"$1" >/dev/null' sh "$list"
  t1=$(ns_now)
  echo "$((t1 - t0)) $(awk '{ print $1 + $2 }' "$work/cpu")"
}

# Wall time, ns, peak RSS, KB, and CPU time (user + sys, s) of one import into $db.
run_import() {
  local t0 t1
  t0=$(ns_now)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$bin" --db "$db" import "$archive" >/dev/null
  t1=$(ns_now)
  echo "$((t1 - t0)) $(awk '{ print $1, $2 + $3 }' "$work/rss")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
median_real() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { sort -n | tail -1; }

line() {
  awk -v l="$1" -v ns="$2" -v f="$files" -v b="$bytes" -v r="$3" 'BEGIN {
    s = ns / 1e9
    printf "%-28s %8.2f s %9.0f files/s %8.1f MB/s  peak RSS %6.1f MB\n", l, s, f / s, b / 1e6 / s, r / 1024
  }'
}

echo "archive: $files FIT files, $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB ($years years, seed $seed); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "baseline: sha256sum + zstd -1 of every file to /dev/null, $pinned; import: unpinned; $reps repetitions each, interleaved, medians"
# Warm the page cache: every file read once before anything is timed.
xargs -0 cat <"$list" >/dev/null

base_ns=() base_cpu=() fresh_ns=() fresh_rss=() fresh_cpu=() dup_ns=() dup_rss=()
for i in $(seq 1 "$reps"); do
  out=$(baseline)
  read -r b b_cpu <<<"$out"
  rm -f "$db" "$db-wal" "$db-shm"
  out=$(run_import)
  read -r f_ns f_rss f_cpu <<<"$out"
  out=$(run_import)
  read -r d_ns d_rss _ <<<"$out"
  base_ns+=("$b") base_cpu+=("$b_cpu") fresh_ns+=("$f_ns") fresh_rss+=("$f_rss")
  fresh_cpu+=("$f_cpu") dup_ns+=("$d_ns") dup_rss+=("$d_rss")
  awk -v i="$i" -v b="$b" -v f="$f_ns" -v d="$d_ns" -v bc="$b_cpu" -v fc="$f_cpu" 'BEGIN {
    printf "  repetition %d: baseline %.2f s (cpu %.2f s), import %.2f s (cpu %.2f s) = %.2f×, re-import %.2f s\n",
      i, b / 1e9, bc, f / 1e9, fc, f / b, d / 1e9
  }'
done

m_base=$(printf '%s\n' "${base_ns[@]}" | median)
m_fresh=$(printf '%s\n' "${fresh_ns[@]}" | median)
m_dup=$(printf '%s\n' "${dup_ns[@]}" | median)
line "import into a fresh store" "$m_fresh" "$(printf '%s\n' "${fresh_rss[@]}" | max)"
line "same import again (all dup)" "$m_dup" "$(printf '%s\n' "${dup_rss[@]}" | max)"
awk -v ns="$m_base" -v f="$files" -v b="$bytes" 'BEGIN {
  s = ns / 1e9
  printf "%-28s %8.2f s %9.0f files/s %8.1f MB/s  (one core)\n", "baseline sha256sum+zstd -1", s, f / s, b / 1e6 / s
}'
m_base_cpu=$(printf '%s\n' "${base_cpu[@]}" | median_real)
m_fresh_cpu=$(printf '%s\n' "${fresh_cpu[@]}" | median_real)
awk -v f="$m_fresh" -v b="$m_base" -v max="$budget" -v fc="$m_fresh_cpu" -v bc="$m_base_cpu" 'BEGIN {
  r = f / b
  printf "import / baseline: %.2f× (%s the %.1f× budget); CPU time %.2f s / %.2f s = %.2f×\n",
    r, (r <= max) ? "within" : "over", max, fc, bc, fc / bc
}'
