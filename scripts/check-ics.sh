#!/usr/bin/env bash
# Check our iCalendar export with an independent reader.
#
# Writes a generated 16-week half-marathon plan as .ics files with the `write_plan_ics`
# example (slowburn-report): all-day events, and timed events in Europe/Berlin and
# America/New_York with their VTIMEZONEs. Then reads each with the `icalendar` package
# (installed into a venv at target/ics-venv) via scripts/check-ics.py: CRLF and 75-octet
# lines, required properties, unique UIDs, DTEND after DTSTART, all-day events one day long,
# the VTIMEZONEs against the system's zoneinfo, TEXT escaping, the number of events.
# Exits non-zero on any problem.
#
# Environment: ICALENDAR_VERSION (default 6.3.2), CARGO_TARGET_DIR as usual.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

icalendar_version="${ICALENDAR_VERSION:-6.3.2}"
venv="$root/target/ics-venv"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "check-ics: creating $venv" >&2
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import icalendar, sys; sys.exit(icalendar.__version__ != '$icalendar_version')" 2>/dev/null; then
    echo "check-ics: installing icalendar==$icalendar_version" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "icalendar==$icalendar_version"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo run --quiet -p slowburn-report --example write_plan_ics -- "$out"
events="$(cat "$out/expected-events")"
if ! "$venv/bin/python" scripts/check-ics.py --expect-events "$events" "$out"/*.ics; then
    echo "check-ics: FAILED: the icalendar package disagrees with our export (see above)" >&2
    exit 1
fi
