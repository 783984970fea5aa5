#!/usr/bin/env bash
# Scale benchmark of slowburn-store-pg (issue 17): a throwaway PostgreSQL, N synthetic athletes
# × Y years (5 runs a week, cloned from one realistic row with varied ids and dates, a 4 KiB
# original each) loaded through the bulk path, the same rows into SQLite through the Batch path,
# then p50/p99 of one athlete's 12-week history and of a 30-athlete coach overview.
#
#   bash scripts/bench-pg.sh [ATHLETES=50] [YEARS=3]     # up to 1000 athletes
set -euo pipefail
athletes=${1:-50}
years=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release -p slowburn-store-pg --example bench >&2
dir_file=$(mktemp)
url=$(bash "$here/scripts/pg-throwaway.sh" start 2>"$dir_file")
pgdir=$(sed -n 's/.*directory \([^ ]*\) .*/\1/p' "$dir_file")
rm -f "$dir_file"
lite=$(mktemp -d)
cleanup() {
    bash "$here/scripts/pg-throwaway.sh" stop "$pgdir" >&2 || true
    rm -rf "$lite"
}
trap cleanup EXIT
"${CARGO_TARGET_DIR:-$here/target}/release/examples/bench" "$url" "$athletes" "$years" "$lite"
