#!/usr/bin/env bash
# Check our FIT encoder against Garmin's official decoder.
#
# Writes generated runs (and a workout) with the `write_fit_samples` example, and every workout
# of a generated 16-week half-marathon plan plus its schedules file with the
# `write_plan_workouts` example (slowburn-report), each with a JSON sidecar of what a correct
# decoder must read, then decodes them with Garmin's Python FIT SDK (`garmin-fit-sdk`,
# installed into a venv at target/sdk-venv) via scripts/check-fit-with-sdk.py.
# Exits non-zero on any mismatch, decode error, CRC or header problem.
#
# Environment: GARMIN_FIT_SDK_VERSION (default 21.218.0, the profile our field numbers come
# from), SAMPLES (number of runs, default 8), CARGO_TARGET_DIR as usual.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sdk_version="${GARMIN_FIT_SDK_VERSION:-21.218.0}"
venv="$root/target/sdk-venv"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "check-encoder: creating $venv" >&2
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import garmin_fit_sdk" 2>/dev/null; then
    echo "check-encoder: installing garmin-fit-sdk==$sdk_version" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "garmin-fit-sdk==$sdk_version"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo run --quiet -p slowburn-formats --example write_fit_samples -- "$out/samples" "${SAMPLES:-8}"
cargo run --quiet -p slowburn-report --example write_plan_workouts -- "$out/plan"
for dir in "$out/samples" "$out/plan"; do
    if ! "$venv/bin/python" scripts/check-fit-with-sdk.py "$dir"; then
        echo "check-encoder: FAILED: Garmin's FIT SDK disagrees with our encoder in $(basename "$dir") (see above)" >&2
        exit 1
    fi
done
