#!/usr/bin/env bash
# The views against a bare read of the same rows (issue 11). Over the 10-year synthetic archive
# (the 80/20 runner, seed 7: about 3,400 runs) in a fresh store, hyperfine times each view, a
# whole process, side by side in one invocation with `sqlite3` reading the rows that view reads
# (the store's HISTORY_COLUMNS: key columns, typed facts, hr_hist and pace_hist):
#   review --weeks 520 --json, trends --months 120 --json, runs --json   vs every activity's row
#   show N --json (N in the middle of the history)                       vs that one row
# then prints the means and the ratio slowburn / sqlite3 (goal: under 2 each).
#
#   scripts/bench-views.sh              # build, synthesise into a temp dir, import, time
#   scripts/bench-views.sh DIR          # reuse (or first write) the archive in DIR
#   RUNS=30 ARCHIVE=DIR scripts/bench-views.sh
#
# Environment: ARCHIVE (as the argument), RUNS (timed runs per command, default 20),
# CARGO_TARGET_DIR. Needs hyperfine (`apt-get install -y hyperfine`), sqlite3 and python3.
set -euo pipefail
given=${1:-${ARCHIVE:-}}
if [[ -n $given ]]; then given=$(realpath -m "$given"); fi
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
bin="$target/release/slowburn"
runs=${RUNS:-20}
tmp=$(mktemp -d -t slowburn-bench-views.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
archive=${given:-$tmp/archive}
db="$tmp/views.db"
# Reproducible: no config file, and "today" fixed after the archive's end (2016-01-04 + 10 years).
export SLOWBURN_CONFIG=/nonexistent SLOWBURN_TODAY=2026-02-01

cargo build --release >&2
if [[ ! -f "$archive/truth.json" ]]; then
    "$bin" synth --years 10 --profile eighty-twenty --seed 7 --out "$archive" >&2
fi
"$bin" --db "$db" import "$archive" >&2

# The columns of HISTORY_COLUMNS in crates/slowburn-store/src/sqlite.rs.
select="SELECT a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport,
  a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m,
  a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.label, a.run_type, a.reason, a.summary_version,
  (SELECT count(*) FROM duplicates d WHERE d.activity_id = a.id),
  a.base_type, a.base_reason, a.confidence, a.settled_hr, a.hr_coverage, a.best_30s_hr,
  a.best_30min_lthr, a.gap_pace_s_per_km, a.efficiency_factor, a.decoupling_pct,
  a.best_efforts, a.hr_pace, a.settled_hr_pace, a.hr_hist, a.pace_hist, r.rpe
  FROM activities a LEFT JOIN activity_rpe r ON r.activity_id = a.id"
mid=$(sqlite3 "$db" "SELECT id FROM activities ORDER BY start_ms, id
  LIMIT 1 OFFSET (SELECT count(*) / 2 FROM activities)")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git describe --always --dirty 2>/dev/null || echo unknown);" \
    "history: $(sqlite3 "$db" 'SELECT count(*) FROM activities') activities; show $mid; hyperfine --warmup 3 --runs $runs -N"

# One hyperfine invocation per pair: the bare read, then the view (output discarded by hyperfine).
pair() {
    local name=$1 sql=$2
    shift 2
    hyperfine --warmup 3 --runs "$runs" -N --style basic --export-json "$tmp/$name.json" \
        --command-name "sqlite3" "sqlite3 $db \"$sql\"" \
        --command-name "$name" "$bin --db $db $*" >&2
}
pair review "$select ORDER BY a.start_ms, a.id" review --weeks 520 --json
pair trends "$select ORDER BY a.start_ms, a.id" trends --months 120 --json
pair runs "$select ORDER BY a.start_ms, a.id" runs --json
pair show "$select WHERE a.id = $mid" show "$mid" --json

python3 - "$tmp" <<'EOF'
import json, sys
print(f"\n{'view':<28}{'sqlite3 ms':>12}{'slowburn ms':>13}{'ratio':>8}")
for name, view in [("review", "review --weeks 520 --json"), ("trends", "trends --months 120 --json"),
                   ("runs", "runs --json"), ("show", "show N --json")]:
    bare, ours = (r["mean"] * 1e3 for r in json.load(open(f"{sys.argv[1]}/{name}.json"))["results"])
    print(f"{view:<28}{bare:>12.1f}{ours:>13.1f}{ours / bare:>8.2f}")
EOF
