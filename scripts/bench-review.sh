#!/usr/bin/env bash
# Speed of the honest review over ten years: synthesise a 10-year history (the 80/20 runner,
# seed 7), import it, then time `review --weeks 520` and `trends --months 120` (each reads every
# stored histogram and summary and computes from scratch: there is no cache). Uses hyperfine
# when installed (`apt-get install -y hyperfine`), else a loop over `date +%s%N`.
#
#   scripts/bench-review.sh            # build, synthesise, import, time
#   WORK=/tmp/sb10 RUNS=30 scripts/bench-review.sh
#
# Environment: WORK (a folder to keep the history and database in; reused when it already
# holds them), RUNS (timed runs per command, default 20), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
runs=${RUNS:-20}
work=${WORK:-$(mktemp -d -t slowburn-bench-review.XXXXXX)}
bin="$target/release/slowburn"
db="$work/review.db"

cargo build --release -p slowburn >&2

if [[ ! -f "$work/files/truth.json" ]]; then
    "$bin" synth --years 10 --profile eighty-twenty --seed 7 --out "$work/files" >&2
fi
if [[ ! -f "$db" ]]; then
    "$bin" --db "$db" import "$work/files" >&2
fi

review=("$bin" --db "$db" review --weeks 520 --json)
trends=("$bin" --db "$db" trends --months 120 --json)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "history: $("$bin" --db "$db" runs --json | grep -c '"id"') activities in $db"

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs "$runs" -N \
        --command-name "review --weeks 520" "${review[*]}" \
        --command-name "trends --months 120" "${trends[*]}"
else
    time_it() {
        local name=$1
        shift
        "$@" >/dev/null # warm the page cache
        local ms=()
        for _ in $(seq "$runs"); do
            local t0 t1
            t0=$(date +%s%N)
            "$@" >/dev/null
            t1=$(date +%s%N)
            ms+=("$(((t1 - t0) / 1000))")
        done
        printf '%s\n' "${ms[@]}" | sort -n | awk -v name="$name" '
            { v[NR] = $1 / 1000; s += v[NR] }
            END { printf "%-22s min %.1f ms, median %.1f ms, mean %.1f ms, max %.1f ms (%d runs)\n",
                  name, v[1], v[int((NR + 1) / 2)], s / NR, v[NR], NR }'
    }
    time_it "review --weeks 520" "${review[@]}"
    time_it "trends --months 120" "${trends[@]}"
fi
