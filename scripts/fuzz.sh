#!/usr/bin/env bash
# Coverage-guided fuzzing of everything that reads outside input: the FIT, GPX and TCX decoders,
# the archive reader (zips, Strava and Garmin Connect exports), the dashboard's upload endpoint
# and the config file. Each target runs for a bounded time, one after the other.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 120 s each, every target
#   scripts/fuzz.sh 300 gpx_decode tcx_decode
#   scripts/fuzz.sh --seed-only [TARGET...]   # only fill fuzz/corpus/<target>/
#
# Installs cargo-fuzz when missing; seeds fuzz/corpus/<target>/ from the shared corpus
# (../shared/corpus, or $SLOWBURN_CORPUS) the first time, keeping what earlier runs found, and
# adds the regression inputs of crates/*/tests/data/fuzz/ every time;
# prints executions, coverage and crashes per target. Runs on the stable toolchain
# (RUSTC_BOOTSTRAP lets it accept the sanitizer flags cargo-fuzz passes), niced. A crash
# stops its target: the input is in fuzz/artifacts/<target>/; minimise it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin <target> fuzz/artifacts/<target>/crash-…
# and add it as a regression test (crates/*/tests/data/fuzz/, see docs/RELIABILITY.md, Fuzzing).
# Needs python3 (to build the zip and multipart seeds).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seed_only=
if [ "${1:-}" = --seed-only ]; then
    seed_only=1
    shift
fi
secs=120
if [ -z "$seed_only" ] && [ $# -gt 0 ]; then
    secs=$1
    shift
fi
all=(fit_decode gpx_decode tcx_decode archive_read upload config_parse)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
corpus=${SLOWBURN_CORPUS:-$root/../shared/corpus}
[ -d "$corpus" ] || { echo "no corpus at $corpus (set SLOWBURN_CORPUS)" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz …"
    cargo install cargo-fuzz
fi

# Largest input per target, bytes.
max_len() {
    case $1 in
        fit_decode) echo 200000 ;;
        gpx_decode | tcx_decode) echo 100000 ;;
        archive_read | upload) echo 65536 ;;
        config_parse) echo 4096 ;;
    esac
}

# The regression inputs (crates/*/tests/data/fuzz/) of a target: every run starts from them.
regressions() {
    local pat
    case $1 in
        fit_decode) pat='*.fit' ;;
        gpx_decode) pat='*.gpx' ;;
        tcx_decode) pat='*.tcx' ;;
        archive_read) pat='*.zip' ;;
        upload) pat='*.multipart' ;;
        config_parse) pat='*.toml' ;;
    esac
    find crates/*/tests/data/fuzz -type f -iname "$pat" 2>/dev/null || true
}

seed() {
    local t=$1 dir=fuzz/corpus/$1 f
    mkdir -p "$dir"
    for f in $(regressions "$t"); do
        cp -n "$f" "$dir/regression-$(basename "$f")"
    done
    if [ -n "$(ls -A "$dir" | grep -v '^regression-' || true)" ]; then
        return
    fi
    case $t in
        fit_decode) find "$corpus" -type f -iname '*.fit' -exec cp {} "$dir/" \; ;;
        gpx_decode) find "$corpus" -type f -iname '*.gpx' -exec cp {} "$dir/" \; ;;
        tcx_decode) find "$corpus" -type f -iname '*.tcx' -exec cp {} "$dir/" \; ;;
        archive_read | upload | config_parse)
            python3 - "$t" "$corpus" "$dir" <<'PY'
import gzip, io, os, sys, zipfile

target, corpus, out = sys.argv[1:]
files = []
for d, _, names in os.walk(corpus):
    for n in sorted(names):
        if n.lower().endswith((".fit", ".gpx", ".tcx")):
            p = os.path.join(d, n)
            if os.path.getsize(p) < 12_000:
                files.append(p)
files.sort(key=os.path.getsize)
def data(p):
    with open(p, "rb") as f:
        return f.read()
def write(name, b):
    with open(os.path.join(out, name), "wb") as f:
        f.write(b)
def zipped(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for n, b in members:
            z.writestr(n, b)
    return buf.getvalue()
# Small recordings of every kind (activities first), so a seed stays well under max_len.
want = ["Activity.fit", "garmin-vivosmart-hr.fit", "garmin-edge-200-output.fit", "fitwrite-track.fit",
        "garmin-fenix-5-run.fit", "track_with_speed.gpx", "strava.gpx", "kona2013.tcx", "bad.tcx",
        "activity-unexpected-eof.fit", "Settings.fit", "gpx_with_garmin_extension.gpx"]
by_name = {os.path.basename(p): p for p in files}
small = [by_name[n] for n in want if n in by_name] or files[:12]
fit = [p for p in small if p.lower().endswith(".fit")][:3]
xml = [p for p in small if not p.lower().endswith(".fit")][:3]

if target == "archive_read":
    for p in small:
        write("one-" + os.path.basename(p) + ".zip", zipped([(os.path.basename(p), data(p))]))
    write("stored.zip", zipped([(os.path.basename(p), data(p)) for p in fit], zipfile.ZIP_STORED))
    # Strava bulk export: activities.csv naming gzipped activities.
    rows = ["Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename,Activity Gear"]
    members = []
    for i, p in enumerate(fit + xml):
        name = f"activities/{i}{os.path.splitext(p)[1].lower()}.gz"
        members.append((name, gzip.compress(data(p))))
        rows.append(f'{i},"Jan {i + 1}, 2024",Run {i},Run,"easy, by the river",{name},Pegasus')
    members.append(("activities.csv", "\n".join(rows).encode() + b"\n"))
    members.append(("media/photo.jpg", b"\xff\xd8\xff\xe0 not a photo"))
    write("strava-export.zip", zipped(members))
    # Garmin Connect export: the activity list, and the recordings in a zip inside the zip.
    inner = zipped([(os.path.basename(p), data(p)) for p in fit])
    listing = b'[{"summarizedActivitiesExport":[{"activityId":1,"name":"Morning Run","activityType":"running","startTimeGmt":1700000000000,"duration":1800000.0,"distance":500000.0}]}]'
    write("garmin-export.zip", zipped([
        ("DI_CONNECT/DI-Connect-Fitness/me@example.com_0_summarizedActivities.json", listing),
        ("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner),
    ]))
    write("empty.zip", zipped([]))
elif target == "upload":
    B = b"slowburnfuzz"
    def body(parts):
        b = b""
        for field, fname, content in parts:
            disp = f'form-data; name="{field}"'
            if fname is not None:
                disp += f'; filename="{fname}"'
            b += b"--" + B + b"\r\nContent-Disposition: " + disp.encode() + b"\r\n"
            b += b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
        return b + b"--" + B + b"--\r\n"
    for p in small[:8]:
        write("file-" + os.path.basename(p), body([("files", os.path.basename(p), data(p))]))
    write("two-files", body([("files", os.path.basename(p), data(p)) for p in fit[:2]]))
    write("gz", body([("files", "run.fit.gz", gzip.compress(data(fit[0])))]))
    write("zip", body([("files", "export.zip", zipped([(os.path.basename(p), data(p)) for p in fit]))]))
    write("not-a-file", body([("note", None, b"hello")]))
    write("same-name-twice", body([("files", "../../a.fit", data(fit[0])), ("files", "a.fit", data(fit[0]))]))
    write("empty", b"--" + B + b"--\r\n")
elif target == "config_parse":
    texts = {
        "full": '[zones]\nmodel = "custom"\ncustom = [120, 140, 155, 170]\ngrey_band_bpm = 5\n\n[calendar]\nweek_start = "sunday"\n',
        "hrr": '[zones]\nmodel = "hrr"\n',
        "lthr": '[zones]\nmodel = "lthr"\ngrey_band_bpm = 0\n',
        "three": '[zones]\nmodel = "three-zone"\n[calendar]\nweek_start = "Tue"\n',
        "pace": '# comment\n[zones]\nmodel = "pace"\n',
        "empty": "",
        "inline": 'zones = { model = "hrmax", custom = [1, 2, 255] }\ncalendar.week_start = "monday"\n',
    }
    for n, t in texts.items():
        write(n + ".toml", t.encode())
PY
            ;;
    esac
    echo "seeded $dir: $(ls "$dir" | wc -l) inputs"
}

for t in "${targets[@]}"; do
    seed "$t"
done
[ -n "$seed_only" ] && exit 0

echo "building the fuzz targets …"
nice -n 10 cargo fuzz build >/dev/null
bin_dir=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release

# Inputs libFuzzer saved as crashes, timeouts or OOMs of a target.
artifacts() {
    find "fuzz/artifacts/$1" -type f 2>/dev/null | wc -l || true
}

mkdir -p fuzz/logs
summary=()
for t in "${targets[@]}"; do
    log=fuzz/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log
    before=$(artifacts "$t")
    echo "== $t: $secs s, log $log"
    set +e
    # The binary built above, not `cargo fuzz run`: a source edited meanwhile does not
    # rebuild between targets, and every target of a run fuzzes the same code.
    mkdir -p "fuzz/artifacts/$t"
    nice -n 10 "$bin_dir/$t" -artifact_prefix="fuzz/artifacts/$t/" "fuzz/corpus/$t" \
        -max_total_time="$secs" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
    corp=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*' || true)
    after=$(artifacts "$t")
    crashes=$((after - before))
    line="$t: ${execs:-?} execs in $secs s, cov ${cov:-?} edges, ft ${ft:-?} features, corpus ${corp:-?}, crashes $crashes (exit $rc)"
    echo "$line"
    [ "$crashes" -gt 0 ] && ls -t fuzz/artifacts/"$t" | head -"$crashes" | sed "s|^|   fuzz/artifacts/$t/|" || true
    summary+=("$line")
done
echo
echo "== summary ($(date -u +%F), $secs s per target)"
printf '%s\n' "${summary[@]}"
