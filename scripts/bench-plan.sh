#!/usr/bin/env bash
# Plans and today over a 10-year history (issue 14). Over the 10-year synthetic archive (the
# 80/20 runner, seed 7: about 3,400 runs) in a fresh store, hyperfine times, each a whole
# process, side by side in one invocation with `sqlite3` reading every activity's history row
# (what each of them reads first):
#   plan create --goal marathon (a 24-week plan)   goal: under 100 ms
#   plan show --json (planned against done)
#   today --json                                  goal: under 50 ms
# then prints the means and the ratio slowburn / sqlite3.
#
#   scripts/bench-plan.sh            # build, synthesise into a temp dir, import, time
#   scripts/bench-plan.sh DIR        # reuse (or first write) the archive in DIR
#
# Environment: ARCHIVE (as the argument), RUNS (timed runs per command, default 20),
# CARGO_TARGET_DIR. Needs hyperfine, sqlite3 and python3.
set -euo pipefail
given=${1:-${ARCHIVE:-}}
if [[ -n $given ]]; then given=$(realpath -m "$given"); fi
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
bin="$target/release/slowburn"
runs=${RUNS:-20}
tmp=$(mktemp -d -t slowburn-bench-plan.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
archive=${given:-$tmp/archive}
db="$tmp/plan.db"
# Reproducible: no config file, "today" the day after the archive's end (2016-01-04 + 10 years).
export SLOWBURN_CONFIG=/nonexistent SLOWBURN_TODAY=2026-01-05

cargo build --release >&2
if [[ ! -f "$archive/truth.json" ]]; then
    "$bin" synth --years 10 --profile eighty-twenty --seed 7 --out "$archive" >&2
fi
"$bin" --db "$db" import "$archive" >&2
race=2026-06-21 # 24 weeks from 2026-01-05
"$bin" --db "$db" plan create --goal marathon --race-date $race >/dev/null

select="SELECT a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport,
  a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m,
  a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.label, a.run_type, a.reason, a.summary_version,
  a.base_type, a.base_reason, a.confidence, a.settled_hr, a.hr_coverage, a.best_30s_hr,
  a.best_30min_lthr, a.gap_pace_s_per_km, a.efficiency_factor, a.decoupling_pct,
  a.best_efforts, a.hr_pace, a.settled_hr_pace, a.hr_hist, a.pace_hist
  FROM activities a ORDER BY a.start_ms, a.id"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git describe --always --dirty 2>/dev/null || echo unknown);" \
    "history: $(sqlite3 "$db" 'SELECT count(*) FROM activities') activities; hyperfine --warmup 3 --runs $runs -N"

hyperfine --warmup 3 --runs "$runs" -N --style basic --export-json "$tmp/plan.json" \
    --command-name "sqlite3 rows" "sqlite3 $db \"$select\"" \
    --command-name "plan create" "$bin --db $db plan create --goal marathon --race-date $race --json" \
    --command-name "plan show" "$bin --db $db plan show --json" \
    --command-name "today" "$bin --db $db today --json" >&2

python3 - "$tmp/plan.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] * 1e3 for x in json.load(open(sys.argv[1]))["results"]}
bare = r["sqlite3 rows"]
print(f"\n{'command':<16}{'mean ms':>10}{'÷ sqlite3':>11}{'goal':>10}")
print(f"{'sqlite3 rows':<16}{bare:>10.1f}{1.0:>11.2f}")
for name, goal in [("plan create", 100), ("plan show", None), ("today", 50)]:
    g = f"< {goal} ms" if goal else ""
    print(f"{name:<16}{r[name]:>10.1f}{r[name] / bare:>11.2f}{g:>10}")
PY
