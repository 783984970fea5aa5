#!/usr/bin/env bash
# The report and the dashboard over a 10-year history (issue 15). Over the 10-year synthetic
# archive (80/20 runner, seed 7: about 3,400 runs) in a fresh store with a 24-week plan:
#   - `report` timed by hyperfine, side by side with `sqlite3` reading every history row (goal:
#     under 1 s);
#   - `serve` on loopback: each page and API route 200 times in a row on one keep-alive
#     connection (p50 / p99 / max, goal p99 under 20 ms), then 200 concurrent connections,
#     4,000 requests on `/` and on `/api/runs` (no errors allowed), with scripts/load.py
#     (standard-library Python; the timing includes loopback and the client).
#
#   scripts/bench-web.sh [ARCHIVE_DIR]
set -euo pipefail
given=${1:-${ARCHIVE:-}}
if [[ -n $given ]]; then given=$(realpath -m "$given"); fi
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
bin="$target/release/slowburn"
tmp=$(mktemp -d -t slowburn-bench-web.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
archive=${given:-$tmp/archive}
db="$tmp/web.db"
export SLOWBURN_CONFIG=/nonexistent SLOWBURN_TODAY=2026-01-05

cargo build --release >&2
if [[ ! -f "$archive/truth.json" ]]; then
    "$bin" synth --years 10 --profile eighty-twenty --seed 7 --out "$archive" >&2
fi
"$bin" --db "$db" import "$archive" >&2
"$bin" --db "$db" plan create --goal marathon --race-date 2026-06-21 >/dev/null
mid=$(sqlite3 "$db" "SELECT id FROM activities ORDER BY start_ms, id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM activities)")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git describe --always --dirty 2>/dev/null || echo unknown); history: $(sqlite3 "$db" 'SELECT count(*) FROM activities') activities"

select="SELECT a.*, r.rpe FROM activities a LEFT JOIN activity_rpe r ON r.activity_id = a.id ORDER BY a.start_ms, a.id"
hyperfine --warmup 2 --runs 10 -N --style basic \
    --command-name "sqlite3 rows" "sqlite3 $db \"$select\"" \
    --command-name "report" "$bin --db $db report -o $tmp/report.html" 2>&1 | grep -E "Time|±|faster|report|sqlite3" >&2 || true
ls -l "$tmp/report.html" | awk '{print "report size: " $5 " bytes"}'

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --db "$db" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
    if python3 - "$port" <<'PY' 2>/dev/null; then break; fi
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
PY
    sleep 0.2
done
python3 scripts/load.py 127.0.0.1 "$port" --sequential 200 \
    / /runs "/runs/$mid" /zones /plan /athlete /api/runs "/api/runs/$mid" /api/week /api/today /api/plan
python3 scripts/load.py 127.0.0.1 "$port" --concurrent 200 --requests 4000 / /api/runs
