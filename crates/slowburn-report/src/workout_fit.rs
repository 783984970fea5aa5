//! A plan's sessions as FIT workout files for a Garmin watch, and a schedules file that puts
//! them on the watch's calendar.
//!
//! # Design
//! - Heart-rate targets are absolute bpm ranges (FIT custom targets), never zone numbers: the
//!   watch's own zones need not be the plan's.
//! - An easy, recovery or long run is one step of the whole duration with the session's range
//!   as target, so the watch alarms as soon as the runner drifts above Zone 2 (Zone 1) into the
//!   grey zone. Other sessions follow their steps; a repeat becomes its steps followed by a FIT
//!   repeat step. A step with a time lasts that time, one with a distance that distance, one
//!   with neither until the lap button; a step without a heart-rate range has an open target.
//! - Names are what watches show: at most 15 ASCII characters (`Thr 5x6min`, `Easy 45`,
//!   `Recovery 30`, `Long 1h50`). In a plan's export a name that recurs gets ` #2`, ` #3` … in
//!   date order (all its sessions in a shorter form when the number needs the room, so they
//!   read alike: `Strides 40`, `Strides 40 #2`). File names are the date and the type
//!   (`20270105-threshold.fit`, a morning double `20270105-recovery-am.fit`).
//! - A schedules file names each workout by its `file_id`, so every file's is unique: the
//!   serial number is the date and slot (`yyyymmdd × 100 + slot`), the creation time the
//!   export's (given by the caller: no clock here).

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::civil::Date;
use slowburn_core::plan::{Plan, Step, StepKind, Workout, WorkoutKind};
use slowburn_formats::fit::encode::{encode_schedules, Schedule, ScheduledWorkout};
use slowburn_formats::fit::{
    encode_workout, EncodeError, StepDuration, StepIntensity, StepTarget, Workout as FitWorkout,
    WorkoutStep,
};
use slowburn_formats::Sport;

/// Most characters of a workout name many Garmin watches show.
pub const NAME_MAX: usize = 15;

/// The file name of the schedules file in [`plan_files`].
pub const SCHEDULES_FILE: &str = "schedules.fit";

/// Why a session cannot be written as a workout file.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkoutFitError {
    /// A rest day: there is nothing to put on the watch.
    Rest { date: Date },
    /// A session the watch cannot be given as planned.
    Session { date: Date, slot: u8, kind: &'static str, reason: String },
    /// The FIT encoder refused a value of the file.
    Encode { file: String, source: EncodeError },
}

impl fmt::Display for WorkoutFitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkoutFitError::Rest { date } => {
                write!(f, "{date} is a rest day: there is no workout to write")
            }
            WorkoutFitError::Session { date, slot, kind, reason } => {
                let am = if *slot == 1 { " (morning double)" } else { "" };
                write!(f, "{date} {kind}{am}: {reason}")
            }
            WorkoutFitError::Encode { file, source } => write!(f, "writing {file}: {source}"),
        }
    }
}

impl std::error::Error for WorkoutFitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WorkoutFitError::Encode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One planned session as a FIT workout file: its file name and bytes. `created` is the FIT
/// timestamp (seconds since 1989-12-31T00:00:00Z) the file is made at.
pub fn workout_file(w: &Workout, created: u32) -> Result<(String, Vec<u8>), WorkoutFitError> {
    let name = pick(&name_candidates(w), NAME_MAX);
    let fit = fit_workout(w, name, created)?;
    let file = file_name(w, "");
    let bytes = encode(&fit, &file)?;
    Ok((file, bytes))
}

/// Every session of `plan` that is not rest as a workout file (in date order, names unique),
/// then [`SCHEDULES_FILE`], which puts them on their days, when there is any.
pub fn plan_files(plan: &Plan, created: u32) -> Result<Vec<(String, Vec<u8>)>, WorkoutFitError> {
    let sessions: Vec<&Workout> = plan
        .weeks
        .iter()
        .flat_map(|wk| &wk.workouts)
        .filter(|w| w.kind != WorkoutKind::Rest)
        .collect();
    // A recurring name: every one of its sessions takes the name that leaves room for the
    // largest number, so all read alike.
    let candidates: Vec<Vec<String>> = sessions.iter().map(|w| name_candidates(w)).collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for c in &candidates {
        *count.entry(pick(c, NAME_MAX)).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut names = HashSet::new();
    let mut files = HashSet::new();
    let mut entries = Vec::new();
    for (w, candidates) in sessions.into_iter().zip(&candidates) {
        let n = count.get(&pick(candidates, NAME_MAX)).copied().unwrap_or(1);
        let room = if n > 1 { format!(" #{n}").len() } else { 0 };
        let base = pick(candidates, NAME_MAX - room);
        let name = unique(&mut names, |k| {
            if k == 1 {
                base.clone()
            } else {
                let suffix = format!(" #{k}");
                base.chars().take(NAME_MAX - suffix.len()).collect::<String>() + &suffix
            }
        });
        let file = unique(&mut files, |k| {
            file_name(w, &if k == 1 { String::new() } else { format!("-{k}") })
        });
        let fit = fit_workout(w, name, created)?;
        out.push((file.clone(), encode(&fit, &file)?));
        entries.push(ScheduledWorkout {
            serial_number: serial_number(w)?,
            created,
            scheduled_time: local_midnight(w)?,
            completed: false,
        });
    }
    if !entries.is_empty() {
        let schedule = Schedule { created: Some(created), serial_number: None, entries };
        let bytes = encode_schedules(&schedule).map_err(|source| WorkoutFitError::Encode {
            file: SCHEDULES_FILE.to_owned(),
            source,
        })?;
        out.push((SCHEDULES_FILE.to_owned(), bytes));
    }
    Ok(out)
}

/// The first of `make(1)`, `make(2)`, … not yet in `used` (and now in it).
fn unique(used: &mut HashSet<String>, make: impl Fn(u32) -> String) -> String {
    let mut k = 1;
    loop {
        let s = make(k);
        if used.insert(s.clone()) {
            return s;
        }
        k += 1;
    }
}

fn encode(fit: &FitWorkout, file: &str) -> Result<Vec<u8>, WorkoutFitError> {
    encode_workout(fit).map_err(|source| WorkoutFitError::Encode { file: file.to_owned(), source })
}

/// `20270105-threshold.fit`; a morning double (slot 1) gets `-am`, other slots their number.
fn file_name(w: &Workout, extra: &str) -> String {
    let slot = match w.slot {
        0 => String::new(),
        1 => "-am".to_owned(),
        s => format!("-{s}"),
    };
    format!("{}-{}{slot}{extra}.fit", w.date.strftime("%Y%m%d"), w.kind.name())
}

fn session_error(w: &Workout, reason: String) -> WorkoutFitError {
    WorkoutFitError::Session { date: w.date, slot: w.slot, kind: w.kind.name(), reason }
}

/// FIT `local_date_time` of the workout's day at midnight: days since 1989-12-31 × 86400.
fn local_midnight(w: &Workout) -> Result<u32, WorkoutFitError> {
    let epoch = jiff::civil::date(1989, 12, 31);
    let days = epoch.until(w.date).map_or(-1, |s| i64::from(s.get_days()));
    u32::try_from(days * 86_400).ok().filter(|&t| t >= 0x1000_0000 && t != u32::MAX).ok_or_else(
        || session_error(w, "the date is outside what FIT holds (1998-07-03 to 2126-02-06)".into()),
    )
}

/// `yyyymmdd × 100 + slot`: unique in a plan, readable in a dump.
fn serial_number(w: &Workout) -> Result<u32, WorkoutFitError> {
    local_midnight(w)?;
    let ymd = i64::from(w.date.year()) * 10_000
        + i64::from(w.date.month()) * 100
        + i64::from(w.date.day());
    if w.slot >= 100 {
        return Err(session_error(w, format!("slot {} is more than a day holds (0–99)", w.slot)));
    }
    u32::try_from(ymd * 100 + i64::from(w.slot))
        .map_err(|_| session_error(w, "the date does not fit a FIT serial number".into()))
}

/// The FIT workout of a session.
fn fit_workout(w: &Workout, name: String, created: u32) -> Result<FitWorkout, WorkoutFitError> {
    if w.kind == WorkoutKind::Rest {
        return Err(WorkoutFitError::Rest { date: w.date });
    }
    let single = matches!(w.kind, WorkoutKind::Easy | WorkoutKind::Recovery | WorkoutKind::Long);
    let steps = if single || w.steps.is_empty() {
        // One step of the whole session under its ceiling (see the module docs).
        if w.duration_s.is_nan() || w.duration_s <= 0.0 {
            return Err(session_error(w, format!("a duration of {} s", w.duration_s)));
        }
        vec![WorkoutStep {
            name: Some(run_step_name(w.kind).to_owned()),
            intensity: StepIntensity::Active,
            duration: StepDuration::Time(w.duration_s),
            target: heart_rate(w, w.hr_low, w.hr_high, "the session")?,
            repeat: None,
            notes: w.steps.first().map(|s| ascii(&s.text)).filter(|t| !t.is_empty()),
        }]
    } else {
        let mut out = Vec::new();
        flatten(w, &w.steps, "", &mut out)?;
        out
    };
    Ok(FitWorkout {
        name,
        sport: Sport::RUNNING,
        steps,
        created: Some(created),
        serial_number: Some(serial_number(w)?),
    })
}

/// Plan steps as FIT steps: a repeat's steps, the last of them carrying the repeat.
fn flatten(
    w: &Workout,
    steps: &[Step],
    path: &str,
    out: &mut Vec<WorkoutStep>,
) -> Result<(), WorkoutFitError> {
    for (i, s) in steps.iter().enumerate() {
        let at = if path.is_empty() { format!("{}", i + 1) } else { format!("{path}.{}", i + 1) };
        let bad = |reason: &str| session_error(w, format!("step {at} {reason}"));
        if s.kind == StepKind::Repeat {
            let times = match s.times {
                Some(t) if t >= 1 => t,
                Some(t) => {
                    return Err(bad(&format!("repeats {t} times; a repeat needs 1 or more")))
                }
                None => return Err(bad("is a repeat without a number of times")),
            };
            if s.steps.is_empty() {
                return Err(bad("is a repeat without steps"));
            }
            let first = out.len();
            flatten(w, &s.steps, &at, out)?;
            let last = out.last_mut().ok_or_else(|| bad("is a repeat without steps"))?;
            if last.repeat.is_some() {
                return Err(bad(
                    "ends in another repeat: FIT needs a step between two repeat steps",
                ));
            }
            last.repeat = Some((u32::try_from(first).unwrap_or(u32::MAX), times));
            continue;
        }
        let duration = match (s.duration_s, s.distance_m) {
            (Some(t), _) if t > 0.0 => StepDuration::Time(t),
            (Some(t), _) => return Err(bad(&format!("lasts {t} s"))),
            (None, Some(d)) if d > 0.0 => StepDuration::Distance(d),
            (None, Some(d)) => return Err(bad(&format!("is {d} m long"))),
            (None, None) => StepDuration::Open,
        };
        let (name, intensity) = match s.kind {
            StepKind::WarmUp => ("Warm up", StepIntensity::Warmup),
            StepKind::CoolDown => ("Cool down", StepIntensity::Cooldown),
            StepKind::Recovery => ("Recovery", StepIntensity::Recovery),
            StepKind::Work => (work_step_name(w.kind), StepIntensity::Active),
            StepKind::Run | StepKind::Repeat => (run_step_name(w.kind), StepIntensity::Active),
        };
        out.push(WorkoutStep {
            name: Some(name.to_owned()),
            intensity,
            duration,
            target: heart_rate(w, s.hr_low, s.hr_high, &format!("step {at}"))?,
            repeat: None,
            notes: Some(ascii(&s.text)).filter(|t| !t.is_empty()),
        });
    }
    Ok(())
}

fn heart_rate(
    w: &Workout,
    low: Option<u8>,
    high: Option<u8>,
    what: &str,
) -> Result<StepTarget, WorkoutFitError> {
    match (low, high) {
        (None, None) => Ok(StepTarget::Open),
        (Some(lo), Some(hi)) if lo <= hi => Ok(StepTarget::HeartRate { low_bpm: lo, high_bpm: hi }),
        (Some(lo), Some(hi)) => {
            Err(session_error(w, format!("{what}: heart-rate range {lo}–{hi} bpm is reversed")))
        }
        (lo, hi) => Err(session_error(
            w,
            format!(
                "{what}: a heart-rate range needs both ends (low {}, high {})",
                lo.map_or("none".into(), |b| format!("{b} bpm")),
                hi.map_or("none".into(), |b| format!("{b} bpm"))
            ),
        )),
    }
}

fn run_step_name(kind: WorkoutKind) -> &'static str {
    match kind {
        WorkoutKind::Recovery => "Very easy",
        WorkoutKind::Long => "Long easy",
        WorkoutKind::Race => "Race",
        _ => "Easy",
    }
}

fn work_step_name(kind: WorkoutKind) -> &'static str {
    match kind {
        WorkoutKind::Threshold => "Threshold",
        WorkoutKind::Intervals => "VO2max",
        WorkoutKind::Hills => "Hill",
        WorkoutKind::Tempo => "Tempo",
        WorkoutKind::Steady => "Steady",
        WorkoutKind::Strides => "Stride",
        WorkoutKind::Race => "Race",
        _ => "Work",
    }
}

/// The first candidate within `max` characters, else the last cut to `max`.
fn pick(candidates: &[String], max: usize) -> String {
    candidates.iter().find(|c| c.len() <= max).cloned().unwrap_or_else(|| {
        candidates.last().map(|c| c.chars().take(max).collect()).unwrap_or_default()
    })
}

/// Names for a session, most telling first (all ASCII).
fn name_candidates(w: &Workout) -> Vec<String> {
    let total = minutes(w.duration_s);
    let first_repeat = w.steps.iter().find(|s| s.kind == StepKind::Repeat);
    let work = |steps: &[Step]| steps.iter().find(|s| s.kind == StepKind::Work).map(step_length);
    let (long, short) = match w.kind {
        WorkoutKind::Rest => return vec!["Rest".into()],
        WorkoutKind::Easy => return vec![format!("Easy {total}"), format!("E {total}")],
        WorkoutKind::Recovery => {
            return vec![format!("Recovery {total}"), format!("Rec {total}"), format!("R {total}")];
        }
        WorkoutKind::Long => return vec![format!("Long {total}"), format!("L {total}")],
        WorkoutKind::Race => {
            let d = w.steps.iter().find_map(|s| s.distance_m).or(w.distance_m);
            return match d {
                Some(d) => {
                    let km = format!("{:.1}", d / 1000.0);
                    let km = km.strip_suffix(".0").unwrap_or(&km).to_owned();
                    vec![format!("Race {km} km"), format!("Race {km}k"), "Race".into()]
                }
                None => vec!["Race".into()],
            };
        }
        WorkoutKind::Strides => {
            let mut v = Vec::new();
            if let Some(r) = first_repeat {
                let n = r.times.unwrap_or(1);
                if let Some(len) = work(&r.steps) {
                    v.push(format!("Easy {total} {n}x{len}"));
                }
            }
            v.extend([format!("Strides {total}"), format!("Str {total}")]);
            return v;
        }
        WorkoutKind::Steady => ("Steady", "St"),
        WorkoutKind::Tempo => ("Tempo", "Tmp"),
        WorkoutKind::Threshold => ("Thr", "T"),
        WorkoutKind::Intervals => ("VO2", "V"),
        WorkoutKind::Hills => ("Hills", "H"),
    };
    let what = match first_repeat {
        Some(r) => work(&r.steps).map(|len| format!("{}x{len}", r.times.unwrap_or(1))),
        None => work(&w.steps),
    }
    .unwrap_or(total);
    vec![format!("{long} {what}"), format!("{short} {what}")]
}

/// `45` below an hour, `1h50` from an hour on (minutes rounded).
fn minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round().max(0.0) as u64;
    if m < 60 {
        format!("{m}")
    } else {
        format!("{}h{:02}", m / 60, m % 60)
    }
}

/// A work step's length in a name: `6min`, `75s`, `2:30`, `800m`, `1.6km`, `open`.
fn step_length(s: &Step) -> String {
    if let Some(t) = s.duration_s {
        let t = t.round().max(0.0) as u64;
        return if t % 60 == 0 {
            format!("{}min", t / 60)
        } else if t < 120 {
            format!("{t}s")
        } else {
            format!("{}:{:02}", t / 60, t % 60)
        };
    }
    match s.distance_m {
        Some(d) if d < 1000.0 => format!("{d:.0}m"),
        Some(d) => {
            let km = format!("{:.1}", d / 1000.0);
            format!("{}km", km.strip_suffix(".0").unwrap_or(&km))
        }
        None => "open".into(),
    }
}

/// `s` in ASCII for the watch's font: `×` is `x`, dashes `-`, curly quotes straight, `…`
/// three dots; anything else outside ASCII is dropped.
fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '×' => out.push('x'),
            '–' | '—' | '−' => out.push('-'),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '…' => out.push_str("..."),
            '\u{a0}' | '\u{202f}' => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_and_step_lengths_read_as_on_a_watch() {
        assert_eq!(minutes(45.0 * 60.0), "45");
        assert_eq!(minutes(110.0 * 60.0), "1h50");
        assert_eq!(minutes(3600.0), "1h00");
        let step = |d: Option<f64>, m: Option<f64>| Step {
            kind: StepKind::Work,
            duration_s: d,
            distance_m: m,
            hr_low: None,
            hr_high: None,
            pace_fast_s_per_km: None,
            pace_slow_s_per_km: None,
            text: String::new(),
            times: None,
            steps: vec![],
        };
        assert_eq!(step_length(&step(Some(360.0), None)), "6min");
        assert_eq!(step_length(&step(Some(75.0), None)), "75s");
        assert_eq!(step_length(&step(Some(150.0), None)), "2:30");
        assert_eq!(step_length(&step(None, Some(800.0))), "800m");
        assert_eq!(step_length(&step(None, Some(1600.0))), "1.6km");
        assert_eq!(step_length(&step(None, Some(2000.0))), "2km");
    }

    #[test]
    fn text_becomes_ascii() {
        assert_eq!(ascii("4 × 20 s strides – relaxed’ …"), "4 x 20 s strides - relaxed' ...");
        assert_eq!(ascii("Zone 2 ✓"), "Zone 2");
    }

    #[test]
    fn pick_takes_the_first_that_fits_else_cuts_the_last() {
        let c = vec!["Recovery 30".to_owned(), "Rec 30".to_owned()];
        assert_eq!(pick(&c, 15), "Recovery 30");
        assert_eq!(pick(&c, 8), "Rec 30");
        assert_eq!(pick(&c, 4), "Rec ");
    }
}
