#!/usr/bin/env python3
"""Check FIT files written by our encoder with Garmin's official decoder (garmin-fit-sdk).

Usage: check-fit-with-sdk.py <dir>

For every <name>.json sidecar in <dir> (written by the `write_fit_samples` example), decodes
<name>.fit with `garmin_fit_sdk` and checks: is_fit, check_integrity, no decode errors, and
what the sidecar expects. Activities: record count, first/last record timestamps (raw FIT
seconds), heart rate of every record, every other channel of every record (scale and offset
applied by the SDK), lap/session/timer-event counts, hrv values, the UTC offset from
activity.local_timestamp, the manufacturer. Workouts: file_id fields, name (exactly, or its
length, ASCII and uniqueness in <dir>), sport, step count and each step's fields. Schedules:
file_id fields, each entry's fields, and that each entry names (by manufacturer, product,
serial_number, time_created) exactly one workout file in <dir>, planned for that entry's date.

Prints one line per file and every mismatch; exits 1 on any mismatch, 2 on bad usage.
"""

import datetime
import json
import math
import sys
from pathlib import Path

from garmin_fit_sdk import Decoder, Stream

FIT_EPOCH_S = 631065600
# Record fields compared besides heart rate (cadence is cadence + fractional_cadence).
CHANNELS = [
    "position_lat",
    "position_long",
    "enhanced_altitude",
    "distance",
    "enhanced_speed",
    "power",
    "temperature",
    "vertical_oscillation",
    "stance_time",
    "step_length",
]


def fit_seconds(value):
    """A decoded date_time as raw FIT seconds."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp()) - FIT_EPOCH_S
    return value


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return False
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def check_activity(messages, want, problems):
    records = messages.get("record_mesgs", [])
    if len(records) != want["record_count"]:
        problems.append(f"{len(records)} records, expected {want['record_count']}")
        return
    if records:
        first = fit_seconds(records[0].get("timestamp"))
        last = fit_seconds(records[-1].get("timestamp"))
        if first != want["first_timestamp"]:
            problems.append(f"first timestamp {first}, expected {want['first_timestamp']}")
        if last != want["last_timestamp"]:
            problems.append(f"last timestamp {last}, expected {want['last_timestamp']}")
    hr = [r.get("heart_rate") for r in records]
    bad_hr = [i for i, (a, b) in enumerate(zip(hr, want["heart_rate"])) if a != b]
    if bad_hr:
        i = bad_hr[0]
        problems.append(
            f"heart rate differs in {len(bad_hr)} records, first at record {i}: "
            f"{hr[i]} (expected {want['heart_rate'][i]})"
        )
    for i, (got, exp) in enumerate(zip(records, want["records"])):
        if fit_seconds(got.get("timestamp")) != exp["timestamp"]:
            problems.append(f"record {i}: timestamp {fit_seconds(got.get('timestamp'))}, expected {exp['timestamp']}")
        cadence = None
        if got.get("cadence") is not None:
            cadence = got["cadence"] + (got.get("fractional_cadence") or 0)
        if not same(cadence, exp.get("cadence")):
            problems.append(f"record {i}: cadence {cadence}, expected {exp.get('cadence')}")
        for name in CHANNELS:
            if not same(got.get(name), exp.get(name)):
                problems.append(f"record {i}: {name} {got.get(name)!r}, expected {exp.get(name)!r}")
        if len(problems) > 20:
            problems.append("(stopped after 20 problems)")
            return
    counts = [
        ("lap_mesgs", "lap_count"),
        ("session_mesgs", "session_count"),
    ]
    for key, wkey in counts:
        n = len(messages.get(key, []))
        if n != want[wkey]:
            problems.append(f"{n} {key}, expected {want[wkey]}")
    timer = [e for e in messages.get("event_mesgs", []) if e.get("event") == "timer"]
    if len(timer) != want["timer_events"]:
        problems.append(f"{len(timer)} timer events, expected {want['timer_events']}")
    rr = []
    for m in messages.get("hrv_mesgs", []):
        t = m.get("time")
        rr.extend(t if isinstance(t, list) else [t])
    rr_ms = [round(x * 1000) for x in rr if x is not None]
    if rr_ms != want["hrv_values"]:
        problems.append(f"hrv {rr_ms}, expected {want['hrv_values']}")
    activity = messages.get("activity_mesgs", [])
    if len(activity) != 1:
        problems.append(f"{len(activity)} activity messages, expected 1")
    elif want["utc_offset_s"] is not None:
        a = activity[0]
        local = fit_seconds(a.get("local_timestamp"))
        ts = fit_seconds(a.get("timestamp"))
        if local is None or ts is None or local - ts != want["utc_offset_s"]:
            problems.append(f"local_timestamp {local} - timestamp {ts} is not the UTC offset {want['utc_offset_s']}")
    file_id = messages.get("file_id_mesgs", [{}])[0]
    if file_id.get("type") != "activity":
        problems.append(f"file type {file_id.get('type')!r}, expected 'activity'")
    if file_id.get("manufacturer") != want["manufacturer"]:
        problems.append(f"manufacturer {file_id.get('manufacturer')!r}, expected {want['manufacturer']!r}")


def file_identity(file_id):
    """What a schedule names a file by."""
    return (
        file_id.get("manufacturer"),
        file_id.get("product"),
        file_id.get("serial_number"),
        fit_seconds(file_id.get("time_created")),
    )


def check_fields(got, want, what, problems):
    """Every key of `want` in `got` (date_times as raw FIT seconds; null: absent)."""
    for key, value in want.items():
        have = got.get(key)
        if key in ("time_created", "timestamp"):
            have = fit_seconds(have)
        if not same(have, value):
            problems.append(f"{what}: {key} {have!r}, expected {value!r}")


def check_workout(messages, want, problems, info):
    file_id = messages.get("file_id_mesgs", [{}])[0]
    if file_id.get("type") != "workout":
        problems.append(f"file type {file_id.get('type')!r}, expected 'workout'")
    check_fields(file_id, want.get("file_id", {}), "file_id", problems)
    info["identity"] = file_identity(file_id)
    workouts = messages.get("workout_mesgs", [])
    if len(workouts) != 1:
        problems.append(f"{len(workouts)} workout messages, expected 1")
        return
    w = workouts[0]
    name = w.get("wkt_name")
    info["name"] = name
    if want.get("name") is not None and name != want["name"]:
        problems.append(f"workout name {name!r}, expected {want['name']!r}")
    if not isinstance(name, str) or not name:
        problems.append(f"workout name {name!r} is missing")
    elif "name_max" in want and (len(name) > want["name_max"] or not name.isascii()):
        problems.append(f"workout name {name!r} is not ASCII of at most {want['name_max']} characters")
    for key in ("sport", "sub_sport"):
        if key in want and w.get(key) != want[key]:
            problems.append(f"workout {key} {w.get(key)!r}, expected {want[key]!r}")
    if w.get("num_valid_steps") != len(want["steps"]):
        problems.append(f"num_valid_steps {w.get('num_valid_steps')}, expected {len(want['steps'])}")
    steps = messages.get("workout_step_mesgs", [])
    if len(steps) != len(want["steps"]):
        problems.append(f"{len(steps)} steps, expected {len(want['steps'])}")
        return
    for i, (got, exp) in enumerate(zip(steps, want["steps"])):
        for key, value in exp.items():
            if not same(got.get(key), value):
                problems.append(f"step {i}: {key} {got.get(key)!r}, expected {value!r}")


def check_schedules(messages, want, problems, info):
    file_id = messages.get("file_id_mesgs", [{}])[0]
    if file_id.get("type") != "schedules":
        problems.append(f"file type {file_id.get('type')!r}, expected 'schedules'")
    check_fields(file_id, want.get("file_id", {}), "file_id", problems)
    got = messages.get("schedule_mesgs", [])
    if len(got) != len(want["entries"]):
        problems.append(f"{len(got)} schedule messages, expected {len(want['entries'])}")
        return
    info["entries"] = []
    for i, (g, e) in enumerate(zip(got, want["entries"])):
        check_fields(g, {k: v for k, v in e.items() if k != "date"}, f"schedule {i}", problems)
        info["entries"].append((file_identity(g), e["date"]))


def check(fit_path, want, info):
    problems = []
    data = fit_path.read_bytes()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    if not decoder.is_fit():
        return ["not a FIT file by the SDK's is_fit"]
    if not decoder.check_integrity():
        problems.append("check_integrity failed (header, size or CRC)")
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read()
    if errors:
        problems.extend(f"decode error: {e}" for e in errors)
        return problems
    if want["kind"] == "activity":
        check_activity(messages, want, problems)
    elif want["kind"] == "workout":
        check_workout(messages, want, problems, info)
    elif want["kind"] == "schedules":
        check_schedules(messages, want, problems, info)
    else:
        problems.append(f"unknown kind {want['kind']!r} in the sidecar")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(sys.argv[1])
    sidecars = sorted(directory.glob("*.json"))
    if not sidecars:
        print(f"no .json sidecars in {directory}", file=sys.stderr)
        return 1
    failed = 0
    results = []
    for sidecar in sidecars:
        fit_path = sidecar.with_suffix(".fit")
        want = json.loads(sidecar.read_text())
        info = {}
        problems = check(fit_path, want, info) if fit_path.exists() else [f"{fit_path.name} is missing"]
        results.append((fit_path, want, info, problems))
    # Across files: unique workout names, schedules naming the workout files of their dates.
    by_name = {}
    by_identity = {}
    for fit_path, want, info, problems in results:
        if want["kind"] == "workout":
            if want.get("unique_name") and info.get("name") is not None:
                by_name.setdefault(info["name"], []).append(fit_path.name)
            if "identity" in info:
                by_identity.setdefault(info["identity"], []).append((fit_path.name, want.get("date")))
    for fit_path, want, info, problems in results:
        if want["kind"] == "workout" and want.get("unique_name"):
            others = [n for n in by_name.get(info.get("name"), []) if n != fit_path.name]
            if others:
                problems.append(f"workout name {info.get('name')!r} also in {', '.join(others)}")
        for identity, day in info.get("entries", []):
            files = by_identity.get(identity, [])
            if len(files) != 1:
                problems.append(f"schedule entry {identity} names {len(files)} workout files, expected 1")
            elif files[0][1] != day:
                problems.append(f"schedule entry for {day} names {files[0][0]}, a workout for {files[0][1]}")
    for fit_path, want, info, problems in results:
        if problems:
            failed += 1
            print(f"FAIL {fit_path.name}")
            for p in problems:
                print(f"  {p}")
        else:
            if want["kind"] == "activity":
                detail = f"{want['record_count']} records"
            elif want["kind"] == "workout":
                detail = f"{len(want['steps'])} steps"
            else:
                detail = f"{len(want['entries'])} workouts scheduled"
            print(f"ok   {fit_path.name} ({want['kind']}, {detail})")
    print(f"{len(sidecars) - failed} of {len(sidecars)} files agree with Garmin's FIT SDK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
