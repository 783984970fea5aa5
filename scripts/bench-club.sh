#!/usr/bin/env bash
# Club-scale benchmark and load test of the multi-athlete server (`slowburn serve --db
# postgres://…`): a throwaway PostgreSQL, N synthetic athletes × Y years (5 runs a week, bulk
# loaded, a tiny original each), a coach granted C of them, the server in-process on loopback;
# then the coach overview's and an athlete dashboard's first and warm p50/p99, and a load test of
# S concurrent sessions of different athletes, K requests each (plus two refused requests to
# another athlete), checked for errors and for any other athlete's name in any answer.
# Exits non-zero on errors or cross-athlete data (crates/slowburn-web/examples/club.rs).
#
#   bash scripts/bench-club.sh [ATHLETES=1000] [YEARS=3] [COACH=30] [SESSIONS=200] [REQUESTS=10] [POOL=16]
set -euo pipefail
athletes=${1:-1000}
years=${2:-3}
coach=${3:-30}
sessions=${4:-200}
requests=${5:-10}
pool=${6:-16}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
target=${CARGO_TARGET_DIR:-$here/target}
cargo build --release -p slowburn-web --example club >&2
dir_file=$(mktemp)
url=$(bash "$here/scripts/pg-throwaway.sh" start 2>"$dir_file")
pgdir=$(sed -n 's/.*directory \([^ ]*\) .*/\1/p' "$dir_file")
rm -f "$dir_file"
cleanup() {
    bash "$here/scripts/pg-throwaway.sh" stop "$pgdir" >&2 || true
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git describe --always --dirty 2>/dev/null || echo unknown); PostgreSQL $(psql "$url" -Atc 'SHOW server_version' 2>/dev/null || echo '?') (fsync off)"
status=0
start=$(date +%s)
"$target/release/examples/club" "$url" "$athletes" "$years" "$coach" "$sessions" "$requests" "$pool" || status=$?
echo "total run: $(($(date +%s) - start)) s"
if command -v psql >/dev/null 2>&1; then
    psql "$url" -Atc "SELECT 'database: ' || pg_size_pretty(pg_database_size(current_database())) || \
        ' (activities ' || pg_size_pretty(pg_total_relation_size('activities')) || \
        ', originals ' || pg_size_pretty(pg_total_relation_size('originals')) || ')'" || true
fi
exit "$status"
