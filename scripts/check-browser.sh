#!/usr/bin/env bash
# The dashboard (`slowburn serve`) and the HTML report (`slowburn report`) in a real browser.
#
# Makes a demo store in a temporary folder (a synthetic 80/20 runner from 2026-01-05, imported,
# and a 10k plan, with today fixed at 2026-04-27 so every run gives the same pages), serves it on
# a free loopback port, writes the report to target/e2e/report.html, then drives Debian's
# Chromium with playwright-core (npm, pinned in e2e/package-lock.json; it downloads no browser)
# through e2e/test.mjs: the overview's charts, the runs and a run's page, an upload, a label,
# and the report opened from disk without a single network request. Screenshots go to
# target/e2e/. Exits non-zero on any problem; skips nothing.
#
# Chromium: $CHROMIUM, else /usr/bin/chromium. When it is missing and CI=true it is installed
# with apt-get (as root, or through sudo); otherwise the script fails and says how to install it.
# Node 20 or later and npm are required (playwright-core needs node 20).
#
# Environment: CHROMIUM, SLOWBURN_CORPUS (default ../shared/corpus), CI, SLOWBURN_BIN (a built
# slowburn binary to drive; CI gives the one `cargo test --workspace` built). Without it the
# binary is target/release/slowburn (`cargo build --release -p slowburn`, a no-op when it is up
# to date); CARGO_TARGET_DIR is ignored.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "check-browser: $*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}

# --- Chromium ---------------------------------------------------------------------------------
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
    if [[ -n "${CHROMIUM:-}" ]]; then
        die "CHROMIUM=$CHROMIUM is not an executable file"
    fi
    if [[ "${CI:-}" == "true" ]]; then
        say "chromium is missing at $chromium: installing it with apt-get (CI=true)"
        if [[ "$(id -u)" -eq 0 ]]; then
            sudo=()
        elif command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            die "chromium is missing and cannot be installed: not root and no sudo (apt-get install -y chromium)"
        fi
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get update -q ||
            die "apt-get update failed, so chromium cannot be installed"
        "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium ||
            die "apt-get install chromium failed"
        [[ -x "$chromium" ]] || die "apt-get installed chromium but $chromium is still missing"
    else
        die "chromium is missing at $chromium: install it (Debian/Ubuntu: apt-get install -y chromium) \
or point CHROMIUM at a Chromium or Chrome binary; with CI=true this script installs it"
    fi
fi
# Debian's /usr/bin/chromium is a shell wrapper; its stderr noise is harmless, its version is not.
chromium_version="$("$chromium" --version 2>/dev/null)" || die "$chromium --version failed"
say "using $chromium_version ($chromium)"

# --- node and playwright-core -----------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is missing: install Node.js 20 or later"
command -v npm >/dev/null 2>&1 || die "npm is missing: install npm (with Node.js 20 or later)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
    die "node $(node --version) is too old: playwright-core needs Node.js 20 or later"
fi
say "npm ci in e2e/ (node $(node --version), npm $(npm --version))"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in e2e/ failed"

# --- the binary -------------------------------------------------------------------------------
if [[ -n "${SLOWBURN_BIN:-}" ]]; then
    bin="$SLOWBURN_BIN"
    [[ -x "$bin" ]] || die "SLOWBURN_BIN=$bin is not an executable file"
    say "using $bin (SLOWBURN_BIN)"
else
    say "cargo build --release -p slowburn"
    (unset CARGO_TARGET_DIR && cargo build --release --quiet -p slowburn) || die "cargo build failed"
    bin="$root/target/release/slowburn"
    [[ -x "$bin" ]] || die "$bin was not built"
fi

# --- the corpus file to upload ----------------------------------------------------------------
corpus="${SLOWBURN_CORPUS:-$root/../shared/corpus}"
# A Garmin Forerunner 110 run (MIT, python-fitparse): 4.8 km, heart rate, 2013-02-06.
fit="$corpus/python-fitparse/2013-02-06-12-11-14.fit"
[[ -f "$fit" ]] || die "the corpus file to upload is missing: $fit (set SLOWBURN_CORPUS)"

# --- the demo store ---------------------------------------------------------------------------
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# On Ctrl-C or a CI runner's SIGTERM, exit, so that the EXIT trap stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

# Fixed dates, so the pages are the same on every run: 0.3 years from Monday 2026-01-05 (seed
# 11, as crates/slowburn/tests/plan.rs) end with a run on Friday 2026-04-24; today is the Monday
# after; the 10k is on Sunday 2026-07-12, eleven weeks on.
export SLOWBURN_TODAY=2026-04-27
export SLOWBURN_CONFIG="$work/no-config.toml"
export HOME="$work"
export TZ=UTC
unset SLOWBURN_DB SLOWBURN_TOKEN
db="$work/db.sqlite"
sb() { "$bin" --db "$db" "$@"; }

say "making a demo store in $work"
"$bin" synth --years 0.3 --seed 11 --start 2026-01-05 --out "$work/files" >/dev/null ||
    die "slowburn synth failed"
sb import "$work/files" >/dev/null || die "slowburn import failed"
sb plan create --goal 10k --race-date 2026-07-12 >/dev/null || die "slowburn plan create failed"

out="$root/target/e2e"
rm -rf "$out"
mkdir -p "$out"
sb report -o "$out/report.html" >/dev/null || die "slowburn report failed"

# --- the server -------------------------------------------------------------------------------
# Port 0: the system picks a free port, and `serve` prints the address it bound. The binary
# itself, not the `sb` function, so that $! is the server's pid and not a subshell's (killing
# a subshell leaves the server running).
log="$work/serve.log"
"$bin" --db "$db" serve --addr 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        cat "$log" >&2
        die "slowburn serve exited before it answered"
    fi
    base="$(sed -n 's|^serving \(http://[^ ]*\) .*|\1|p' "$log")"
    if [[ -n "$base" ]] && node -e '
        fetch(process.argv[1] + "/api/today").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "$base"; then
        break
    fi
    base=""
    sleep 0.1
done
[[ -n "$base" ]] || {
    cat "$log" >&2
    die "slowburn serve did not answer within 10 s"
}
say "serving $base"

# --- the browser ------------------------------------------------------------------------------
if ! CHROMIUM="$chromium" node e2e/test.mjs --base "$base" --report "$out/report.html" \
    --upload "$fit" --out "$out"; then
    say "the server said:"
    cat "$log" >&2
    die "the browser test failed (see above; screenshots in $out)"
fi
say "passed in ${SECONDS} s (screenshots in target/e2e/)"
