#!/usr/bin/env bash
# Regenerate the schema fixtures crates/slowburn-store/tests/data/schema-v*.db and what each held
# when it was made (tests/data/schema-fixtures.json), read by crates/slowburn-store/tests/migrations.rs.
#
# Each fixture is written by the slowburn binary of an old schema version, built from its own
# commit in a git worktree outside the repository: it imports the same handful of small corpus
# files (a duplicate pair, a triathlon, FIT, GPX and TCX runs) and, from schema 2 on, gets an
# athlete profile, daily logs (resting HR, a note, a session RPE) and labels through its own
# commands. The file is left as that binary left it (nothing else writes to it).
#
#   schema 1        f5b465b  last commit of schema 1 (30d3b47^)
#   schema 2        48eeb92  last commit of schema 2 (10f8489^)
#   schema 3 early  084a3d1  last commit before parts (5d3539f^): schema 3 without parts, the
#                            "unreleased 3" that migration 3 repairs. The first schema-3 commit,
#                            10f8489, does not build (it changed the store's API and
#                            slowburn-import followed only in d6f5b0b), so its last building
#                            state before parts is used; its tables are 10f8489's plus the
#                            stale-summary index (625b05c) and profile_periods (9c664fe).
#   schema 3        be58217  last commit of schema 3 (a80f88c^): parts, spans, profile periods
#   schema 4        6880f26  last commit of schema 4 (705bdd5^)
#   schema 5        09a8f7a  last commit of schema 5 (4778ff9^); also gets a training plan
#
# Usage: scripts/make-schema-fixtures.sh   (from the repository root; needs git, cargo, python3
# and the corpus at $CORPUS, default /work/shared/corpus). Debug builds; one target dir shared
# by the five builds (CARGO_TARGET_DIR, default /tmp/sb-old-target) so dependencies build once.
set -euo pipefail

ROOT=$(git rev-parse --show-toplevel)
CORPUS=${CORPUS:-/work/shared/corpus}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/sb-old-target}
BINS=${BINS:-/tmp/sb-bins}
OUT=$ROOT/crates/slowburn-store/tests/data
WORK=$(mktemp -d /tmp/sb-fixtures.XXXXXX)
mkdir -p "$BINS" "$OUT"

VERSIONS="1:f5b465b 2:48eeb92 3-early:084a3d1 3:be58217 4:6880f26 5:09a8f7a"

FILES=(
  python-fitparse/2013-02-06-12-11-14.fit
  python-fitparse/garmin-fenix-5-run.fit
  python-fitparse/garmin-fenix-5-walk.fit
  python-fitparse/Activity.fit
  python-fitparse/activity-filecrc.fit
  python-fitparse/compressed-speed-distance.fit
  python-fitparse/sample_mulitple_header.fit
  python-fitparse/Settings.fit
  gpsbabel/garmin-forerunner-10.fit
  togeojson/Friday-Evening-Run.gpx
  togeojson/sample.tcx
)

build() { # name commit -> $BINS/name
  local name=$1 commit=$2 wt=/tmp/sb-wt-$1
  if [ -x "$BINS/$name" ]; then return; fi
  [ -d "$wt" ] || git -C "$ROOT" worktree add --detach "$wt" "$commit" >/dev/null
  (cd "$wt" && nice -n 10 cargo build -j 2 -p slowburn --bin slowburn --offline)
  cp "$CARGO_TARGET_DIR/debug/slowburn" "$BINS/$name"
  git -C "$ROOT" worktree remove --force "$wt"
}

for pair in $VERSIONS; do build "v${pair%%:*}" "${pair#*:}"; done

for pair in $VERSIONS; do
  v=${pair%%:*} commit=${pair#*:} bin=$BINS/v${pair%%:*}
  db=$WORK/schema-v$v.db
  sb() { "$bin" --db "$db" "$@"; }
  # One import per file, in this order, so ids and the duplicate pair are the same every time.
  for f in "${FILES[@]}"; do sb import "$CORPUS/$f" >/dev/null || true; done
  if [ "$v" != 1 ]; then
    sb athlete set --max-hr 188 --resting-hr 48 --from 2012-01-01 >/dev/null
    sb athlete set --max-hr 186 --from 2016-01-01 >/dev/null
    sb log rhr 49 --date 2013-02-05 >/dev/null
    sb log rhr 47 --date 2017-06-10 >/dev/null
    sb log note --kind illness --date 2017-06-01 sore throat >/dev/null
    sb log rpe 1 6 >/dev/null
    sb label 1 long >/dev/null
    sb label 2 race >/dev/null
  fi
  if [ "$v" = 5 ]; then
    SLOWBURN_TODAY=2026-12-01 sb plan create --goal half --race-date 2027-03-21 >/dev/null
  fi
  cp "$db" "$OUT/schema-v$v.db"
  # What it holds, read from a scratch copy (the fixture itself is not opened again).
  cp "$db" "$WORK/read.db"
  python3 - "$WORK/read.db" "schema-v$v.db" "$commit" >"$WORK/v$v.json" <<'EOF'
import json, sqlite3, sys
db, file, commit = sys.argv[1:]
c = sqlite3.connect(db)
tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
n = lambda t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] if t in tables else None
print(json.dumps({
    "file": file,
    "schema": c.execute("PRAGMA user_version").fetchone()[0],
    "made_by": commit,
    "activities": n("activities"),
    "originals": n("originals"),
    "duplicates": n("duplicates"),
    "daily_log": n("daily_log"),
    "athlete_entries": n("athlete_entries"),
    "activity_rpe": n("activity_rpe"),
    "plans": n("plans"),
    "plan_revisions": n("plan_revisions"),
    "labels": c.execute("SELECT count(*) FROM activities WHERE label IS NOT NULL").fetchone()[0],
    "originals_sha256": sorted(r[0].hex() for r in c.execute("SELECT sha256 FROM originals")),
}))
EOF
  rm -f "$WORK"/read.db*
done

python3 - "$WORK" >"$OUT/schema-fixtures.json" <<'EOF'
import glob, json, sys
rows = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + "/v*.json"))]
print(json.dumps({"made_by": "scripts/make-schema-fixtures.sh", "fixtures": rows}, indent=1))
EOF
rm -rf "$WORK"
ls -l "$OUT"
