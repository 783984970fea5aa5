#!/usr/bin/env python3
"""Check iCalendar files with an independent reader (the `icalendar` package from PyPI).

Usage: check-ics.py [--expect-events N] FILE.ics [FILE.ics ...]

Checks, per file:
- the raw bytes: CRLF line endings only, no physical line over 75 octets, each physical line
  valid UTF-8 on its own (folding never cut a character);
- it parses as one VCALENDAR with VERSION:2.0 and a PRODID, and no property failed to parse;
- every VEVENT has UID, DTSTAMP, DTSTART and SUMMARY; UIDs are unique; DTEND is after
  DTSTART; an all-day event (DTSTART a date) ends exactly one day later;
- a timed event's TZID has a VTIMEZONE, and that VTIMEZONE, read on its own (not looked up
  by name), gives the same UTC offsets at the event's start and end as the system's zoneinfo;
- TEXT values (SUMMARY, DESCRIPTION, UID, CATEGORIES, …) read by our own code, not the
  package's lenient one: escaped as the grammar says (no bare `;` or `,`, a backslash only
  before `\\ ; , n`), and no SUMMARY or DESCRIPTION holds a backslash once unescaped
  (slowburn's texts have none: one left over means a value was escaped twice);
- with --expect-events N, exactly N events.

Exits 1 on any problem, naming the file, the line or the event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zoneinfo

import icalendar

MAX_OCTETS = 75


def check_raw(data: bytes) -> list[str]:
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {i}: a bare LF or CR (lines must end with CRLF)")
        if len(line) > MAX_OCTETS:
            problems.append(f"line {i}: {len(line)} octets, more than {MAX_OCTETS}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"line {i}: not UTF-8 on its own (a fold inside a character?): {e}")
    return problems


# TEXT (RFC 5545 §3.3.11): no bare `;`, `,` or backslash; a backslash escapes one of
# backslash, `;`, `,`, `n`, `N` only. CATEGORIES is a list of TEXT separated by commas.
TEXT_ITEM = r"(?:[^\\;,]|\\[\\;,nN])*"
TEXT_VALUE = re.compile(TEXT_ITEM)
TEXT_LIST = re.compile(f"{TEXT_ITEM}(?:,{TEXT_ITEM})*")
TEXT_PROPS = {"SUMMARY", "DESCRIPTION", "UID", "X-WR-CALNAME", "CATEGORIES", "TZNAME"}
ESCAPES = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), value)


def check_text(data: bytes) -> list[str]:
    """TEXT values read by our own code: the icalendar package unescapes leniently (a comma
    escaped twice comes out as a plain comma), so it cannot see an escape applied twice."""
    problems = []
    unfolded = re.sub(r"\r\n[ \t]", "", data.decode("utf-8", errors="replace"))
    for i, line in enumerate(unfolded.split("\r\n"), 1):
        head, sep, value = line.partition(":")
        name = head.split(";", 1)[0].upper()
        if not sep or name not in TEXT_PROPS:
            continue
        grammar = TEXT_LIST if name == "CATEGORIES" else TEXT_VALUE
        if not grammar.fullmatch(value):
            problems.append(f"content line {i}: {name} is not escaped TEXT: {value[:60]!r}")
        elif name in ("SUMMARY", "DESCRIPTION") and "\\" in unescape(value):
            problems.append(
                f"content line {i}: {name} holds a backslash once unescaped "
                f"(escaped twice?): {value[:60]!r}"
            )
    return problems


def text(component, name: str) -> str | None:
    v = component.get(name)
    return None if v is None else str(v)


def check_calendar(data: bytes, expect_events: int | None) -> tuple[list[str], int]:
    problems = []
    try:
        cals = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as e:  # noqa: BLE001 - any failure to parse is the verdict
        return [f"does not parse: {e}"], 0
    if len(cals) != 1:
        return [f"{len(cals)} calendars in the file, expected one"], 0
    cal = cals[0]
    if cal.name != "VCALENDAR":
        problems.append(f"the top component is {cal.name}, not VCALENDAR")
    if text(cal, "VERSION") != "2.0":
        problems.append(f"VERSION is {text(cal, 'VERSION')!r}, not '2.0'")
    if not text(cal, "PRODID"):
        problems.append("no PRODID")
    for c in cal.walk():
        for prop, err in getattr(c, "errors", []):
            problems.append(f"{c.name}: property {prop} did not parse: {err}")

    zones = {}
    for vtz in cal.walk("VTIMEZONE"):
        tzid = text(vtz, "TZID")
        try:
            zones[tzid] = vtz.to_tz(lookup_tzid=False)
        except Exception as e:  # noqa: BLE001
            problems.append(f"VTIMEZONE {tzid}: cannot be read as a time zone: {e}")

    events = cal.walk("VEVENT")
    seen = {}
    for n, ev in enumerate(events, 1):
        uid = text(ev, "UID")
        where = f"event {n} ({uid})" if uid else f"event {n}"
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            if ev.get(prop) is None:
                problems.append(f"{where}: no {prop}")
        if uid:
            if uid in seen:
                problems.append(f"{where}: UID also used by event {seen[uid]}")
            seen.setdefault(uid, n)
        if ev.get("DTSTART") is None:
            continue
        start = ev.decoded("DTSTART")
        if ev.get("DTEND") is None:
            problems.append(f"{where}: no DTEND")
            continue
        end = ev.decoded("DTEND")
        all_day = not isinstance(start, dt.datetime)
        if all_day != (not isinstance(end, dt.datetime)):
            problems.append(f"{where}: DTSTART {start!r} and DTEND {end!r} differ in type")
            continue
        if not end > start:
            problems.append(f"{where}: DTEND {end} is not after DTSTART {start}")
        if all_day:
            if end - start != dt.timedelta(days=1):
                problems.append(
                    f"{where}: all-day DTEND {end} is not the day after DTSTART {start}"
                )
            continue
        for prop, when in (("DTSTART", start), ("DTEND", end)):
            tzid = ev[prop].params.get("TZID")
            if tzid is None:
                if when.tzinfo is None:
                    problems.append(f"{where}: {prop} {when} is floating (no TZID, no Z)")
                continue
            if tzid not in zones:
                problems.append(f"{where}: {prop} uses TZID {tzid} without a VTIMEZONE")
                continue
            local = when.replace(tzinfo=None)
            ours = local.replace(tzinfo=zones[tzid]).utcoffset()
            try:
                real = local.replace(tzinfo=zoneinfo.ZoneInfo(tzid)).utcoffset()
            except zoneinfo.ZoneInfoNotFoundError:
                problems.append(f"{where}: TZID {tzid} is not a zone the system knows")
                continue
            if ours != real:
                problems.append(
                    f"{where}: {prop} {local} is UTC{fmt(ours)} by the VTIMEZONE but "
                    f"UTC{fmt(real)} in {tzid}"
                )
    if expect_events is not None and len(events) != expect_events:
        problems.append(f"{len(events)} events, expected {expect_events}")
    return problems, len(events)


def fmt(offset: dt.timedelta | None) -> str:
    if offset is None:
        return "?"
    s = int(offset.total_seconds())
    sign = "-" if s < 0 else "+"
    s = abs(s)
    return f"{sign}{s // 3600:02}:{s % 3600 // 60:02}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", metavar="FILE.ics")
    ap.add_argument("--expect-events", type=int, metavar="N", help="exactly N events per file")
    args = ap.parse_args()
    failed = 0
    for path in args.files:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            print(f"check-ics: {path}: cannot read: {e}", file=sys.stderr)
            failed += 1
            continue
        problems = check_raw(data) + check_text(data)
        cal_problems, n = check_calendar(data, args.expect_events)
        problems += cal_problems
        if problems:
            failed += 1
            print(f"check-ics: {path}: FAILED, {len(problems)} problems:", file=sys.stderr)
            for p in problems[:50]:
                print(f"  {p}", file=sys.stderr)
            if len(problems) > 50:
                print(f"  … and {len(problems) - 50} more", file=sys.stderr)
        else:
            print(f"check-ics: {path}: ok, {n} events (icalendar {icalendar.__version__})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
