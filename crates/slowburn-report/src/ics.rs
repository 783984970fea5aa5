//! The iCalendar (RFC 5545) rendering of a training plan: one event per planned session, for
//! any calendar application that imports or subscribes to a `.ics` file.
//!
//! # Design
//! - Pure: the plan and [`IcsOptions`] in, the calendar's text out. `DTSTAMP` is passed in, so
//!   the same plan and options give the same bytes; no clock, no files.
//! - Each content line is built whole (name, parameters, escaped value) and then folded at 75
//!   octets, cutting only between UTF-8 characters, so `–`, `×` and `é` survive any reader.
//! - Rest days get no event: an empty slot in the calendar is the rest. A workout's `uid` and
//!   `sequence` come from the plan, so a re-exported plan updates events instead of doubling
//!   them.
//! - Without a time zone, sessions are all-day events (`DTSTART;VALUE=DATE`, exclusive
//!   `DTEND` the next day) marked transparent: the plan says which day, not which hour. With
//!   one, they are timed in that zone (`TZID`), and the calendar carries a `VTIMEZONE` with
//!   one sub-component per offset change from jiff's time-zone database over the whole years
//!   the plan spans (explicit transitions, no `RRULE`: exact for any zone, past rule changes
//!   included). A start that falls into a spring-forward gap moves on by the gap, and one in
//!   an autumn overlap is the first of the two (jiff's compatible disambiguation, what RFC
//!   5545 §3.3.5 asks of readers too).

use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, Zoned};
use slowburn_core::plan::{pace_words, Plan, Step, StepKind, Workout, WorkoutKind};

/// How the calendar is written.
#[derive(Debug, Clone, PartialEq)]
pub struct IcsOptions {
    /// `DTSTAMP` of every event: when the calendar was made (the caller reads the clock).
    pub stamp: Timestamp,
    /// An IANA time-zone name (`Europe/Berlin`) for timed events; `None` for all-day events.
    pub time_zone: Option<String>,
    /// Local start of the day's main session (slot 0) in timed events, e.g. 18:00. A double
    /// (slot 1, the short extra recovery run) goes to the other half of the day: 07:00 when
    /// the main session starts at noon or later, else 18:00, so the two never overlap.
    pub start_time: Time,
    /// The calendar's name (`X-WR-CALNAME`), shown by most applications.
    pub name: String,
}

/// Start of a double when the main session is in the afternoon or evening.
const DOUBLE_MORNING: Time = Time::constant(7, 0, 0, 0);
/// Start of a double when the main session is in the morning.
const DOUBLE_EVENING: Time = Time::constant(18, 0, 0, 0);

/// Why a calendar cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IcsError {
    /// The time-zone name is not in the time-zone database.
    UnknownTimeZone { name: String, reason: String },
    /// A workout's start or end cannot be placed on the calendar (a date at the end of time).
    OutOfRange { uid: String, date: Date },
}

impl fmt::Display for IcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcsError::UnknownTimeZone { name, reason } => write!(
                f,
                "unknown time zone {name:?}: give an IANA name such as Europe/Berlin ({reason})"
            ),
            IcsError::OutOfRange { uid, date } => {
                write!(f, "workout {uid} on {date}: its time is outside the calendar's range")
            }
        }
    }
}

impl std::error::Error for IcsError {}

/// The plan as an iCalendar file (CRLF line endings, lines folded at 75 octets).
///
/// # Errors
/// [`IcsError::UnknownTimeZone`] when `opts.time_zone` names no zone; [`IcsError::OutOfRange`]
/// when a workout's date is at the very end of what dates can hold.
pub fn plan_calendar(plan: &Plan, opts: &IcsOptions) -> Result<String, IcsError> {
    let zone = match &opts.time_zone {
        None => None,
        Some(name) => {
            let tz = TimeZone::get(name).map_err(|e| IcsError::UnknownTimeZone {
                name: name.clone(),
                reason: e.to_string(),
            })?;
            // The database's spelling: the lookup forgives case (`europe/berlin`), readers
            // of the calendar may not.
            let tzid = tz.iana_name().unwrap_or(name).to_owned();
            Some((tzid, tz))
        }
    };
    let workouts: Vec<&Workout> = plan
        .weeks
        .iter()
        .flat_map(|w| &w.workouts)
        .filter(|w| w.kind != WorkoutKind::Rest)
        .collect();

    let mut ics = Lines::default();
    ics.line("BEGIN", "VCALENDAR");
    ics.line("VERSION", "2.0");
    ics.line("PRODID", "-//slowburn//plan//EN");
    ics.line("CALSCALE", "GREGORIAN");
    ics.line("METHOD", "PUBLISH");
    ics.line("X-WR-CALNAME", &text(&opts.name));

    let stamp = utc_stamp(opts.stamp);
    match &zone {
        None => {
            for w in &workouts {
                let end = w
                    .date
                    .tomorrow()
                    .map_err(|_| IcsError::OutOfRange { uid: w.uid.clone(), date: w.date })?;
                event(&mut ics, plan, w, &stamp, |ics| {
                    ics.line("DTSTART;VALUE=DATE", &w.date.strftime("%Y%m%d").to_string());
                    ics.line("DTEND;VALUE=DATE", &end.strftime("%Y%m%d").to_string());
                    // The day is planned, not the hour: the event does not block time.
                    ics.line("TRANSP", "TRANSPARENT");
                });
            }
        }
        Some((name, tz)) => {
            let mut timed = Vec::with_capacity(workouts.len());
            for w in &workouts {
                let out_of_range = || IcsError::OutOfRange { uid: w.uid.clone(), date: w.date };
                let start = w
                    .date
                    .to_datetime(start_time(w.slot, opts.start_time))
                    .to_zoned(tz.clone())
                    .map_err(|_| out_of_range())?;
                // A calendar event needs a length; a session is never shorter than a minute.
                let seconds = w.duration_s.round().max(60.0) as i64;
                let end = start
                    .checked_add(SignedDuration::from_secs(seconds))
                    .map_err(|_| out_of_range())?;
                timed.push((*w, start, end));
            }
            if let (Some(first), Some(last)) =
                (timed.iter().map(|t| t.1.date()).min(), timed.iter().map(|t| t.2.date()).max())
            {
                vtimezone(&mut ics, name, tz, first.year(), last.year());
            }
            let tzid = param(name);
            for (w, start, end) in &timed {
                event(&mut ics, plan, w, &stamp, |ics| {
                    ics.line(&format!("DTSTART;TZID={tzid}"), &local(start.datetime()));
                    ics.line(&format!("DTEND;TZID={tzid}"), &local(end.datetime()));
                });
            }
        }
    }
    ics.line("END", "VCALENDAR");
    Ok(ics.out)
}

/// Local start of a timed session in `slot` (see [`IcsOptions::start_time`]).
fn start_time(slot: u8, main: Time) -> Time {
    if slot == 0 {
        main
    } else if main >= Time::constant(12, 0, 0, 0) {
        DOUBLE_MORNING
    } else {
        DOUBLE_EVENING
    }
}

/// One `VEVENT`; `when` writes its `DTSTART` and `DTEND`.
fn event(ics: &mut Lines, plan: &Plan, w: &Workout, stamp: &str, when: impl FnOnce(&mut Lines)) {
    ics.line("BEGIN", "VEVENT");
    ics.line("UID", &text(&w.uid));
    ics.line("SEQUENCE", &w.sequence.to_string());
    ics.line("DTSTAMP", stamp);
    when(ics);
    ics.line("SUMMARY", &text(&summary(plan, w)));
    ics.line("DESCRIPTION", &text(&description(w)));
    ics.line("CATEGORIES", &format!("{},{}", text(w.kind.name()), text(w.intensity.name())));
    ics.line("END", "VEVENT");
}

/// `Threshold intervals · 55 min`; `Race: a marathon`.
fn summary(plan: &Plan, w: &Workout) -> String {
    if w.kind == WorkoutKind::Race {
        return format!("Race: {}", plan.request.goal.words());
    }
    format!("{} · {}", capitalised(w.kind.words()), minutes(w.duration_s))
}

/// The purpose, the targets, then the steps, one per line.
fn description(w: &Workout) -> String {
    let mut out = w.purpose.trim().to_owned();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    let mut targets = Vec::new();
    if let (Some(lo), Some(hi)) = (w.hr_low, w.hr_high) {
        targets.push(format!("HR {lo}–{hi} bpm"));
    }
    if let (Some(fast), Some(slow)) = (w.pace_fast_s_per_km, w.pace_slow_s_per_km) {
        targets.push(format!("pace {}", pace_range(fast, slow)));
    }
    targets.push(format!("RPE {}/10", w.rpe));
    if let Some(m) = w.distance_m {
        let about = if w.kind == WorkoutKind::Race { "" } else { "about " };
        targets.push(format!("{about}{:.1} km", m / 1000.0));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&targets.join(", "));
    if !w.steps.is_empty() {
        out.push('\n');
        for s in &w.steps {
            out.push('\n');
            out.push_str(&step_words(s));
        }
    }
    out
}

/// `5:40–6:00 /km`, or `4:50 /km` when both ends round to the same pace.
fn pace_range(fast: f64, slow: f64) -> String {
    let (fast, slow) = (pace_words(fast.min(slow)), pace_words(fast.max(slow)));
    if fast == slow {
        return fast;
    }
    format!("{}–{slow}", fast.trim_end_matches(" /km"))
}

/// A step in words: `15 min easy warm-up at 113–131 bpm`, `5 × (3 min hard at 165–178 bpm,
/// 2:30 jog easily)`. The plan's step texts that start with a number already say how long
/// (`3 min hard`); the others get the step's duration in front. Recoveries inside a repeat
/// leave out their heart rate (it is the easy jog between the work).
fn step_words(s: &Step) -> String {
    if s.kind == StepKind::Repeat {
        let inner: Vec<String> = s.steps.iter().map(step_words).collect();
        return format!("{} × ({})", s.times.unwrap_or(1), inner.join(", "));
    }
    let mut out = String::new();
    if let Some(d) = s.duration_s.filter(|d| *d > 0.0) {
        if !s.text.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(&step_time(d));
            out.push(' ');
        }
    }
    out.push_str(s.text.trim());
    if s.kind != StepKind::Recovery {
        if let (Some(lo), Some(hi)) = (s.hr_low, s.hr_high) {
            out.push_str(&format!(" at {lo}–{hi} bpm"));
        }
    }
    out
}

/// A step's length: `20 s`, `15 min`, `2:30`.
fn step_time(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s < 60 {
        format!("{s} s")
    } else if s % 60 == 0 {
        format!("{} min", s / 60)
    } else {
        crate::format::duration(seconds)
    }
}

/// A session's length: minutes up to 90 (`55 min`), then hours (`1 h 45 min`, `2 h`).
fn minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as u64;
    if m <= 90 {
        format!("{m} min")
    } else if m % 60 == 0 {
        format!("{} h", m / 60)
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

// ---------------------------------------------------------------------------------------------
// Time zones.

/// The `VTIMEZONE` of `tz` from 1 January `from_year` to the end of `to_year`: the observance
/// in force at the start, then one sub-component per transition.
fn vtimezone(ics: &mut Lines, name: &str, tz: &TimeZone, from_year: i16, to_year: i16) {
    let year_start = |y: i16| {
        Date::new(y, 1, 1).ok().and_then(|d| d.to_zoned(tz.clone()).ok()).map(|z| z.timestamp())
    };
    let from = year_start(from_year).unwrap_or(Timestamp::MIN);
    let until = to_year.checked_add(1).and_then(year_start).unwrap_or(Timestamp::MAX);

    ics.line("BEGIN", "VTIMEZONE");
    ics.line("TZID", &text(name));
    // The transition in force at `from` (`preceding` is strict, so ask from just after it).
    let at_from = from.checked_add(SignedDuration::from_nanos(1)).unwrap_or(from);
    let mut offset = if let Some(t) = tz.preceding(at_from).next() {
        let before = tz.preceding(t.timestamp()).next().map_or(t.offset(), |p| p.offset());
        observance(ics, t.timestamp(), before, t.offset(), t.abbreviation(), t.dst().is_dst());
        t.offset()
    } else {
        // No transition before: one offset since the beginning (UTC, fixed zones).
        let info = tz.to_offset_info(from);
        let epoch = Timestamp::UNIX_EPOCH.min(from);
        let o = info.offset();
        observance(ics, epoch, o, o, info.abbreviation(), info.dst().is_dst());
        o
    };
    for t in tz.following(from).take_while(|t| t.timestamp() < until) {
        observance(ics, t.timestamp(), offset, t.offset(), t.abbreviation(), t.dst().is_dst());
        offset = t.offset();
    }
    ics.line("END", "VTIMEZONE");
}

/// A `STANDARD` or `DAYLIGHT` sub-component: from `at` on, `to` instead of `from`. Its
/// `DTSTART` is the local time of the change in the offset before it (RFC 5545 §3.6.5).
fn observance(ics: &mut Lines, at: Timestamp, from: Offset, to: Offset, abbr: &str, dst: bool) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    ics.line("BEGIN", kind);
    ics.line("DTSTART", &local(at.to_zoned(from.to_time_zone()).datetime()));
    ics.line("TZOFFSETFROM", &utc_offset(from));
    ics.line("TZOFFSETTO", &utc_offset(to));
    if !abbr.is_empty() {
        ics.line("TZNAME", &text(abbr));
    }
    ics.line("END", kind);
}

/// `+0100`, `-0330`, `+005328` (seconds only when there are some; never `-0000`).
fn utc_offset(o: Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, (a / 60) % 60, a % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// A local date-time: `20270105T180000`.
fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// A UTC date-time: `20270105T061500Z`.
fn utc_stamp(t: Timestamp) -> String {
    let z: Zoned = t.to_zoned(TimeZone::UTC);
    z.strftime("%Y%m%dT%H%M%SZ").to_string()
}

// ---------------------------------------------------------------------------------------------
// Content lines.

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and newline; other
/// control characters, which TEXT cannot hold, are dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it holds `:`, `;` or `,` (RFC 5545 §3.2).
fn param(s: &str) -> String {
    let s: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if s.contains([':', ';', ',']) {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// The calendar's text, one folded content line at a time.
#[derive(Default)]
struct Lines {
    out: String,
}

impl Lines {
    /// `name` (with any parameters) and its value, which must already be escaped.
    fn line(&mut self, name: &str, value: &str) {
        let line = format!("{name}:{value}");
        fold(&line, &mut self.out);
    }
}

/// Longest line, octets without the CRLF (RFC 5545 §3.1).
const FOLD_AT: usize = 75;

/// Appends `line` folded at [`FOLD_AT`] octets, each physical line ended by CRLF and each
/// continuation begun with one space (which counts toward its 75). Cuts fall between UTF-8
/// characters, never inside one.
fn fold(line: &str, out: &mut String) {
    let mut rest = line;
    let mut room = FOLD_AT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = FOLD_AT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time, Weekday};
    use slowburn_core::plan::{Goal, Intensity, Level, Phase, PlanRequest, Totals, Week};

    fn step(kind: StepKind, seconds: Option<f64>, hr: Option<(u8, u8)>, text: &str) -> Step {
        Step {
            kind,
            duration_s: seconds,
            distance_m: None,
            hr_low: hr.map(|h| h.0),
            hr_high: hr.map(|h| h.1),
            pace_fast_s_per_km: None,
            pace_slow_s_per_km: None,
            text: text.to_owned(),
            times: None,
            steps: Vec::new(),
        }
    }

    fn workout(d: Date, kind: WorkoutKind, seconds: f64, hr: Option<(u8, u8)>) -> Workout {
        Workout {
            date: d,
            slot: 0,
            kind,
            intensity: kind.intensity(),
            duration_s: seconds,
            distance_m: None,
            hr_low: hr.map(|h| h.0),
            hr_high: hr.map(|h| h.1),
            pace_fast_s_per_km: None,
            pace_slow_s_per_km: None,
            rpe: 0,
            purpose: String::new(),
            steps: Vec::new(),
            work_s: 0.0,
            uid: format!("t-{d}-0@slowburn"),
            sequence: 0,
        }
    }

    /// One week of four days: rest, threshold intervals, an easy run with its pace, the race.
    fn tiny_plan() -> Plan {
        let easy = Some((113, 131));
        let threshold = Workout {
            rpe: 7,
            distance_m: Some(9_870.0),
            purpose: "Threshold intervals: comfortably hard, about an hour's race".into(),
            steps: vec![
                step(StepKind::WarmUp, Some(900.0), easy, "easy warm-up"),
                Step {
                    times: Some(5),
                    steps: vec![
                        step(StepKind::Work, Some(180.0), Some((165, 178)), "3 min hard"),
                        step(StepKind::Recovery, Some(150.0), Some((100, 112)), "jog"),
                    ],
                    ..step(StepKind::Repeat, None, None, "5 ×")
                },
                step(StepKind::CoolDown, Some(600.0), easy, "easy cool-down"),
            ],
            ..workout(date(2027, 1, 5), WorkoutKind::Threshold, 3000.0, Some((165, 178)))
        };
        let easy_run = Workout {
            rpe: 3,
            distance_m: Some(6_920.0),
            pace_fast_s_per_km: Some(340.0),
            pace_slow_s_per_km: Some(360.4),
            purpose: "Easy aerobic running in Zone 2, conversational; the base".into(),
            steps: vec![step(StepKind::Run, Some(2400.0), easy, "easy in Zone 2")],
            sequence: 2,
            ..workout(date(2027, 1, 6), WorkoutKind::Easy, 2400.0, easy)
        };
        let race = Workout {
            rpe: 9,
            distance_m: Some(21_097.5),
            purpose: "Race day: a half marathon. Start controlled".into(),
            steps: vec![Step {
                distance_m: Some(21_097.5),
                ..step(StepKind::Work, None, Some((160, 185)), "race a half marathon")
            }],
            ..workout(date(2027, 1, 10), WorkoutKind::Race, 6300.0, Some((160, 185)))
        };
        let workouts = vec![
            workout(date(2027, 1, 4), WorkoutKind::Rest, 0.0, None),
            threshold,
            easy_run,
            race,
        ];
        Plan {
            request: PlanRequest {
                goal: Goal::Half,
                race_date: date(2027, 1, 10),
                start: date(2027, 1, 4),
                days_per_week: 4,
                level: Level::Intermediate,
                start_weekly_s: 10_000.0,
                long_run_day: Weekday::Sunday,
                rest_day: Weekday::Monday,
                doubles: false,
            },
            volume_source: String::new(),
            pace_source: String::new(),
            easy_pace_s_per_km: 350.0,
            zone_model: None,
            notes: Vec::new(),
            weeks: vec![Week {
                start: date(2027, 1, 4),
                phase: Phase::Race,
                lighter: false,
                target_s: 11_700.0,
                planned: Totals::default(),
                workouts,
            }],
        }
    }

    fn opts(zone: Option<&str>) -> IcsOptions {
        IcsOptions {
            stamp: "2026-12-01T08:30:15.5Z".parse().unwrap(),
            time_zone: zone.map(str::to_owned),
            start_time: time(18, 0, 0, 0),
            name: "slowburn: half marathon, 10 January".into(),
        }
    }

    /// The content lines, unfolded.
    fn unfolded(ics: &str) -> Vec<String> {
        let joined = ics.replace("\r\n ", "");
        let body = joined.strip_suffix("\r\n").expect("ends with CRLF");
        body.split("\r\n").map(str::to_owned).collect()
    }

    /// The physical lines, CRLF checked.
    fn physical(ics: &str) -> Vec<&str> {
        assert!(ics.ends_with("\r\n"), "the last line ends with CRLF");
        let lines: Vec<&str> = ics[..ics.len() - 2].split("\r\n").collect();
        for l in &lines {
            assert!(!l.contains(['\r', '\n']), "a bare CR or LF in {l:?}");
        }
        lines
    }

    fn value<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
        lines.iter().filter_map(|l| l.strip_prefix(name)?.strip_prefix(':')).collect()
    }

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold(line, &mut out);
        out
    }

    #[test]
    fn the_tiny_plan_gives_the_hand_checked_all_day_calendar() {
        let ics = plan_calendar(&tiny_plan(), &opts(None)).unwrap();
        let expected = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//slowburn//plan//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:slowburn: half marathon\\, 10 January",
            "BEGIN:VEVENT",
            "UID:t-2027-01-05-0@slowburn",
            "SEQUENCE:0",
            "DTSTAMP:20261201T083015Z",
            "DTSTART;VALUE=DATE:20270105",
            "DTEND;VALUE=DATE:20270106",
            "TRANSP:TRANSPARENT",
            "SUMMARY:Threshold intervals · 50 min",
            "DESCRIPTION:Threshold intervals: comfortably hard\\, about an hour's race.\\n\
             HR 165–178 bpm\\, RPE 7/10\\, about 9.9 km\\n\\n\
             15 min easy warm-up at 113–131 bpm\\n\
             5 × (3 min hard at 165–178 bpm\\, 2:30 jog)\\n\
             10 min easy cool-down at 113–131 bpm",
            "CATEGORIES:threshold,hard",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:t-2027-01-06-0@slowburn",
            "SEQUENCE:2",
            "DTSTAMP:20261201T083015Z",
            "DTSTART;VALUE=DATE:20270106",
            "DTEND;VALUE=DATE:20270107",
            "TRANSP:TRANSPARENT",
            "SUMMARY:Easy run · 40 min",
            "DESCRIPTION:Easy aerobic running in Zone 2\\, conversational\\; the base.\\n\
             HR 113–131 bpm\\, pace 5:40–6:00 /km\\, RPE 3/10\\, about 6.9 km\\n\\n\
             40 min easy in Zone 2 at 113–131 bpm",
            "CATEGORIES:easy,easy",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:t-2027-01-10-0@slowburn",
            "SEQUENCE:0",
            "DTSTAMP:20261201T083015Z",
            "DTSTART;VALUE=DATE:20270110",
            "DTEND;VALUE=DATE:20270111",
            "TRANSP:TRANSPARENT",
            "SUMMARY:Race: a half marathon",
            "DESCRIPTION:Race day: a half marathon. Start controlled.\\n\
             HR 160–185 bpm\\, RPE 9/10\\, 21.1 km\\n\\n\
             race a half marathon at 160–185 bpm",
            "CATEGORIES:race,hard",
            "END:VEVENT",
            "END:VCALENDAR",
        ];
        assert_eq!(unfolded(&ics), expected);
        assert!(physical(&ics).iter().all(|l| l.len() <= FOLD_AT));
    }

    #[test]
    fn timed_events_start_at_the_local_time_and_end_after_the_duration() {
        let ics = plan_calendar(&tiny_plan(), &opts(Some("Europe/Berlin"))).unwrap();
        let lines = unfolded(&ics);
        assert_eq!(
            value(&lines, "DTSTART;TZID=Europe/Berlin"),
            ["20270105T180000", "20270106T180000", "20270110T180000"]
        );
        // 50 min, 40 min, 1 h 45 min.
        assert_eq!(
            value(&lines, "DTEND;TZID=Europe/Berlin"),
            ["20270105T185000", "20270106T184000", "20270110T194500"]
        );
        assert!(!ics.contains("VALUE=DATE") && !ics.contains("TRANSP"));
        // The zone comes before the events that use it.
        let tz = lines.iter().position(|l| l == "BEGIN:VTIMEZONE").unwrap();
        assert!(tz < lines.iter().position(|l| l == "BEGIN:VEVENT").unwrap());
    }

    #[test]
    fn the_vtimezone_holds_the_offset_in_force_and_every_change_of_the_year() {
        let ics = plan_calendar(&tiny_plan(), &opts(Some("Europe/Berlin"))).unwrap();
        let lines = unfolded(&ics);
        let start = lines.iter().position(|l| l == "BEGIN:VTIMEZONE").unwrap();
        let end = lines.iter().position(|l| l == "END:VTIMEZONE").unwrap();
        // In force on 1 January 2027: CET since 25 October 2026 03:00 CEST; then 2027's two
        // changes (last Sundays of March and October at 01:00 UTC).
        let expected = [
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Berlin",
            "BEGIN:STANDARD",
            "DTSTART:20261025T030000",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "TZNAME:CET",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:20270328T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "TZNAME:CEST",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "DTSTART:20271031T030000",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "TZNAME:CET",
            "END:STANDARD",
            "END:VTIMEZONE",
        ];
        assert_eq!(lines[start..=end], expected);
    }

    #[test]
    fn a_zone_without_changes_gets_one_standard_observance() {
        let ics = plan_calendar(&tiny_plan(), &opts(Some("UTC"))).unwrap();
        let lines = unfolded(&ics);
        let start = lines.iter().position(|l| l == "BEGIN:VTIMEZONE").unwrap();
        assert_eq!(
            lines[start..start + 9],
            [
                "BEGIN:VTIMEZONE",
                "TZID:UTC",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0000",
                "TZOFFSETTO:+0000",
                "TZNAME:UTC",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
        );
    }

    #[test]
    fn an_unknown_zone_is_an_error_that_names_it() {
        let err = plan_calendar(&tiny_plan(), &opts(Some("Mars/Olympus_Mons"))).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("unknown time zone \"Mars/Olympus_Mons\""), "{msg}");
        assert!(
            matches!(err, IcsError::UnknownTimeZone { name, .. } if name == "Mars/Olympus_Mons")
        );
    }

    #[test]
    fn the_zone_is_named_as_the_database_spells_it() {
        let ics = plan_calendar(&tiny_plan(), &opts(Some("europe/berlin"))).unwrap();
        let lines = unfolded(&ics);
        assert_eq!(value(&lines, "TZID"), ["Europe/Berlin"]);
        assert_eq!(value(&lines, "DTSTART;TZID=Europe/Berlin").len(), 3);
    }

    #[test]
    fn a_start_in_the_spring_forward_gap_moves_on_by_the_gap() {
        let mut plan = tiny_plan();
        let easy = &mut plan.weeks[0].workouts[2];
        easy.date = date(2027, 3, 28); // Berlin: 02:00 CET becomes 03:00 CEST
        let uid = easy.uid.clone();
        let o = IcsOptions { start_time: time(2, 30, 0, 0), ..opts(Some("Europe/Berlin")) };
        let lines = unfolded(&plan_calendar(&plan, &o).unwrap());
        let i = lines.iter().position(|l| *l == format!("UID:{uid}")).unwrap();
        assert_eq!(lines[i + 3], "DTSTART;TZID=Europe/Berlin:20270328T033000");
        assert_eq!(lines[i + 4], "DTEND;TZID=Europe/Berlin:20270328T041000");
    }

    #[test]
    fn a_double_goes_to_the_other_half_of_the_day() {
        assert_eq!(start_time(0, time(18, 0, 0, 0)), time(18, 0, 0, 0));
        assert_eq!(start_time(1, time(18, 0, 0, 0)), time(7, 0, 0, 0));
        assert_eq!(start_time(1, time(12, 0, 0, 0)), time(7, 0, 0, 0));
        assert_eq!(start_time(0, time(6, 30, 0, 0)), time(6, 30, 0, 0));
        assert_eq!(start_time(1, time(6, 30, 0, 0)), time(18, 0, 0, 0));
    }

    #[test]
    fn folding_cuts_at_exactly_75_octets_and_never_inside_a_character() {
        // 75 octets stay on one line; 76 fold after 75.
        let a75 = "X".repeat(75);
        assert_eq!(folded(&a75), format!("{a75}\r\n"));
        let a76 = "X".repeat(76);
        assert_eq!(folded(&a76), format!("{a75}\r\n X\r\n"));
        // 74 ASCII octets then `–` (3 octets): the dash would end at octet 77, so the first
        // line stops at 74 and the dash begins the continuation.
        let line = format!("{}–é×", "a".repeat(74));
        assert_eq!(folded(&line), format!("{}\r\n –é×\r\n", "a".repeat(74)));
        // 73 + `é` (2 octets) ends exactly at 75: no cut needed before it.
        let line = format!("{}éz", "a".repeat(73));
        assert_eq!(folded(&line), format!("{}é\r\n z\r\n", "a".repeat(73)));
        // A long multi-byte line: every physical line at most 75 octets, continuations begin
        // with one space, each piece valid UTF-8 (it is a &str) and unfolding restores it.
        let line = format!("DESCRIPTION:{}", "–×é ".repeat(60));
        let out = folded(&line);
        let pieces = physical(&out);
        assert!(pieces.len() > 5);
        for (i, p) in pieces.iter().enumerate() {
            assert!(p.len() <= FOLD_AT, "line {i} has {} octets", p.len());
            assert_eq!(i > 0, p.starts_with(' '), "line {i}: {p:?}");
            // Full lines: a cut only moves back when the next character would not fit.
            if i + 1 < pieces.len() {
                assert!(p.len() > FOLD_AT - 4, "line {i} cut too early: {} octets", p.len());
            }
        }
        assert_eq!(out.replace("\r\n ", "").trim_end_matches("\r\n"), line);
    }

    #[test]
    fn text_values_escape_backslash_semicolon_comma_and_newline() {
        assert_eq!(text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(text("bell\u{7}gone, tab\tkept"), "bellgone\\, tab\tkept");
        assert_eq!(text("5 × 3 min – é"), "5 × 3 min – é");
        // The calendar's name goes through the same escaping.
        let o = IcsOptions { name: "a;b,c\\d\ne".into(), ..opts(None) };
        let ics = plan_calendar(&tiny_plan(), &o).unwrap();
        assert!(ics.contains("X-WR-CALNAME:a\\;b\\,c\\\\d\\ne\r\n"), "{ics}");
    }

    #[test]
    fn steps_read_as_the_plan_says_them() {
        let plan = tiny_plan();
        let t = &plan.weeks[0].workouts[1];
        assert_eq!(step_words(&t.steps[1]), "5 × (3 min hard at 165–178 bpm, 2:30 jog)");
        assert_eq!(step_time(20.0), "20 s");
        assert_eq!(step_time(90.0), "1:30");
        assert_eq!(step_time(900.0), "15 min");
        assert_eq!(minutes(3300.0), "55 min");
        assert_eq!(minutes(5400.0), "90 min");
        assert_eq!(minutes(6300.0), "1 h 45 min");
        assert_eq!(minutes(7200.0), "2 h");
        assert_eq!(pace_range(340.0, 360.4), "5:40–6:00 /km");
        assert_eq!(pace_range(290.2, 289.8), "4:50 /km");
    }

    // Plans made by `plan::create`.

    fn created(doubles: bool) -> Plan {
        use slowburn_core::athlete::{Athlete, ProfileEntry};
        use slowburn_core::plan::{create, PlanAthlete};
        use slowburn_core::zones::ZoneModel;
        let d = date(2026, 1, 1);
        let profile = Athlete::from_entries(vec![ProfileEntry {
            max_hr: Some(188),
            resting_hr: Some(50),
            lthr: Some(167),
            ..ProfileEntry::new(d)
        }])
        .at(d);
        let athlete = PlanAthlete {
            zones: Some(ZoneModel::PercentMax.zones(&profile).unwrap()),
            threshold_pace_s_per_km: Some(285.0),
            max_hr: Some(188),
            ..PlanAthlete::default()
        };
        let req = PlanRequest {
            goal: Goal::Half,
            race_date: date(2027, 4, 25),
            start: date(2027, 1, 4),
            days_per_week: 6,
            level: Level::Experienced,
            start_weekly_s: 300.0 * 60.0,
            long_run_day: Weekday::Sunday,
            rest_day: Weekday::Monday,
            doubles,
        };
        create(&req, &athlete, "test").unwrap()
    }

    fn events(ics: &str) -> usize {
        ics.matches("BEGIN:VEVENT\r\n").count()
    }

    #[test]
    fn rest_days_get_no_event_and_every_other_workout_one() {
        let plan = created(true);
        let all: Vec<&Workout> = plan.weeks.iter().flat_map(|w| &w.workouts).collect();
        let rest: Vec<&&Workout> = all.iter().filter(|w| w.kind == WorkoutKind::Rest).collect();
        assert!(!rest.is_empty());
        assert!(all.iter().any(|w| w.slot == 1), "the plan has doubles");
        for zone in [None, Some("Europe/Berlin")] {
            let ics = plan_calendar(&plan, &opts(zone)).unwrap();
            assert_eq!(events(&ics), all.len() - rest.len());
            for r in &rest {
                assert!(!ics.contains(&r.uid), "rest day {} has an event", r.date);
            }
            assert!(!ics.contains("Rest day"));
        }
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_in_75_octets() {
        let plan = created(true);
        for zone in [None, Some("Europe/Berlin"), Some("America/St_Johns")] {
            let ics = plan_calendar(&plan, &opts(zone)).unwrap();
            assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
            assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
            for l in physical(&ics) {
                assert!(l.len() <= FOLD_AT, "{} octets: {l:?}", l.len());
            }
        }
    }

    #[test]
    fn all_day_events_end_the_next_day_exclusive() {
        let ics = plan_calendar(&created(false), &opts(None)).unwrap();
        let lines = unfolded(&ics);
        let starts = value(&lines, "DTSTART;VALUE=DATE");
        let ends = value(&lines, "DTEND;VALUE=DATE");
        assert_eq!(starts.len(), events(&ics));
        assert_eq!(starts.len(), ends.len());
        for (s, e) in starts.iter().zip(&ends) {
            let s: Date = jiff::fmt::strtime::parse("%Y%m%d", s).unwrap().to_date().unwrap();
            let e: Date = jiff::fmt::strtime::parse("%Y%m%d", e).unwrap().to_date().unwrap();
            assert_eq!(s.tomorrow().unwrap(), e);
        }
    }

    #[test]
    fn uids_are_unique_and_stable_across_two_calls() {
        let plan = created(true);
        let one = plan_calendar(&plan, &opts(None)).unwrap();
        let two = plan_calendar(&created(true), &opts(None)).unwrap();
        assert_eq!(one, two);
        let lines = unfolded(&one);
        let uids = value(&lines, "UID");
        let unique: std::collections::BTreeSet<&&str> = uids.iter().collect();
        assert_eq!(unique.len(), uids.len());
        assert!(uids.contains(&"test-2027-04-25-0@slowburn"), "the race's uid");
    }

    #[test]
    fn sequence_is_carried_from_the_plan() {
        let mut plan = created(false);
        let mut race = plan.weeks.last_mut().unwrap().workouts.iter_mut();
        let race = race.find(|w| w.kind == WorkoutKind::Race).unwrap();
        race.sequence = 3;
        let uid = race.uid.clone();
        let lines = unfolded(&plan_calendar(&plan, &opts(None)).unwrap());
        let i = lines.iter().position(|l| *l == format!("UID:{uid}")).unwrap();
        assert_eq!(lines[i + 1], "SEQUENCE:3");
        assert_eq!(value(&lines, "SEQUENCE").iter().filter(|s| **s == "3").count(), 1);
        assert!(lines.contains(&"SUMMARY:Race: a half marathon".to_owned()));
    }

    #[test]
    fn categories_name_the_type_and_the_intensity() {
        let ics = plan_calendar(&created(false), &opts(None)).unwrap();
        let lines = unfolded(&ics);
        let cats = value(&lines, "CATEGORIES");
        assert!(cats.contains(&"long,easy") && cats.contains(&"race,hard"), "{cats:?}");
        assert!(cats.iter().all(|c| {
            let (kind, intensity) = c.split_once(',').unwrap();
            let i = [Intensity::Easy, Intensity::Moderate, Intensity::Hard];
            !kind.is_empty() && i.iter().any(|i| i.name() == intensity)
        }));
    }
}
