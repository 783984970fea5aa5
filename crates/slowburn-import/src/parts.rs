//! Multisport files: a triathlon, a brick or a watch's multisport mode records one FIT file
//! with one session per leg (swim, transition, bike, transition, run). Each leg is its own
//! activity part with its own sport, times, distance and summary, so the run of a triathlon
//! counts as running and its swim never does.
//!
//! # Design
//! A recording is split when it has two or more sessions that follow each other in time (each
//! starts after the one before, and not long before that one ends). Sessions that start
//! together or overlap much are copies, not legs (a chained FIT holding the same activity
//! twice), and the recording stays one activity. Samples belong
//! to the session whose start is the latest at or before their time (samples before the first
//! session to the first, after the last to the last), so every sample is in exactly one part;
//! laps and pauses go with the session they start in. A cumulative distance that runs on across
//! sessions is counted from each part's first sample. A session without any samples gives no part (the
//! import says so).

use slowburn_formats::{Recording, Sport, Summary};

/// Slack when checking that sessions follow each other, ms: devices round session ends.
const SESSION_SLACK_MS: f64 = 5_000.0;

/// A multisport recording cut into its legs.
#[derive(Debug, Clone)]
pub struct Split {
    /// One recording per session that holds samples, in time order.
    pub parts: Vec<Recording>,
    /// How many sessions the file has.
    pub sessions: usize,
    /// Sessions (0-based) and their sports that hold no samples and gave no part.
    pub empty: Vec<(usize, Option<u8>)>,
}

/// The sessions of `rec` as recordings of their own, or `None` when `rec` is one activity
/// (one session, sessions without start times, or sessions that overlap).
#[must_use]
pub fn split(rec: &Recording) -> Option<Split> {
    let sessions = &rec.sessions;
    if sessions.len() < 2 || rec.relative_time {
        return None;
    }
    let starts: Vec<i64> = sessions.iter().map(|s| s.start).collect::<Option<_>>()?;
    for i in 1..sessions.len() {
        let prev = &sessions[i - 1];
        let len_ms = prev.elapsed_s.or(prev.timer_s).unwrap_or(0.0).max(0.0) * 1000.0;
        // Some devices write a leg's start late (a Fenix 2 by 45 minutes in a 3-hour leg):
        // the next leg may start before this one seems to end, but not much before.
        let overshoot = starts[i - 1] as f64 + len_ms - starts[i] as f64;
        if starts[i] <= starts[i - 1] || overshoot > SESSION_SLACK_MS + 0.5 * len_ms {
            return None;
        }
    }
    // The first sample index of each session.
    let n = rec.samples.len();
    let mut bounds = vec![n; sessions.len() + 1];
    bounds[0] = 0;
    let mut cur = 0;
    for (i, t) in rec.samples.time.iter().enumerate() {
        if let Some(t) = *t {
            while cur + 1 < sessions.len() && t >= starts[cur + 1] {
                cur += 1;
                bounds[cur] = i;
            }
        }
    }
    // Sessions never reached keep `n` as their start: they are empty.
    let mut parts = Vec::with_capacity(sessions.len());
    let mut empty = Vec::new();
    for (j, session) in sessions.iter().enumerate() {
        let range = bounds[j]..bounds[j + 1];
        if range.is_empty() {
            empty.push((j, session.sport));
            continue;
        }
        let next_start = starts.get(j + 1).copied().unwrap_or(i64::MAX);
        let within =
            |t: Option<i64>| t.is_some_and(|t| (j == 0 || t >= starts[j]) && (t < next_start));
        let first = parts.is_empty();
        parts.push(part(rec, first, session, range, &within));
    }
    Some(Split { parts, sessions: sessions.len(), empty })
}

fn part(
    rec: &Recording,
    first_part: bool,
    session: &Summary,
    range: std::ops::Range<usize>,
    within: &dyn Fn(Option<i64>) -> bool,
) -> Recording {
    let mut samples = rec.samples.slice(range.clone());
    // A distance counted on from the legs before starts again at 0 (a device that resets it
    // per session is left as it is).
    let before = rec.samples.distance_m[..range.start].iter().rev().find_map(|d| *d);
    let first = samples.distance_m.iter().find_map(|d| *d);
    if let (Some(base), Some(first)) = (before, first) {
        if base > 0.0 && first >= base - 1.0 {
            for d in samples.distance_m.iter_mut().flatten() {
                *d = (*d - first).max(0.0);
            }
        }
    }
    let start = samples.time.iter().find_map(|t| *t).or(session.start);
    Recording {
        file_kinds: rec.file_kinds.clone(),
        sport: session
            .sport
            .map(|sport| Sport { sport, sub_sport: session.sub_sport.unwrap_or(0) }),
        start,
        utc_offset_s: rec.utc_offset_s,
        relative_time: rec.relative_time,
        name: rec.name.clone(),
        devices: rec.devices.clone(),
        samples,
        laps: rec.laps.iter().filter(|l| within(l.start)).cloned().collect(),
        sessions: vec![session.clone()],
        pauses: rec.pauses.iter().filter(|p| within(Some(p.start))).copied().collect(),
        // Beat-to-beat intervals carry no timestamps: they cannot be placed in a leg.
        rr_ms: Vec::new(),
        developer_fields: rec.developer_fields.clone(),
        hr_messages: if first_part { rec.hr_messages } else { 0 },
        monitoring_hr: Vec::new(),
        resting_hr: Vec::new(),
        warnings: rec.warnings.clone(),
    }
}
