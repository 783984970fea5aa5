//! One run, one activity: when two recordings are the same run, and which one is kept.
//!
//! # Design
//! Two recordings are the same run when they overlap in time — at least [`MIN_OVERLAP`] of the
//! shorter one's span lies inside the longer one's — and their sports are of one family (or one
//! of them does not say). A truncated copy, the same run from a watch and a phone started
//! minutes apart, a FIT and a GPX of it all overlap almost completely; a morning and an evening
//! run never overlap at all, and back-to-back recordings only touch. The span is the
//! recording's first to last timestamp, cut at a clock jump (a gap over [`CLOCK_JUMP_MS`]) and
//! to [`MAX_SPAN_MS`].
//!
//! Of the same run the richest recording is kept ([`richness`]): recorded time (gaps capped, so
//! a sparse track counts for less) plus a little per sample, times the channels it holds, with
//! heart rate weighing most — so a complete watch file with heart rate beats a phone's GPS
//! track, and a complete GPX beats a FIT that lost half the run. A part of a multisport file
//! is always kept over a single recording (only it knows the legs). Ties go to the file that
//! is not gzipped, then to the lower SHA-256, so the outcome never depends on import order.

use slowburn_formats::{Channel, Recording};
use slowburn_store::{NewActivity, PartOf, Sha256, StoredRecording, MAX_SPAN_MS};

/// Share of the shorter recording's span that must lie inside the longer one's.
pub const MIN_OVERLAP: f64 = 0.8;

/// A forward gap between samples longer than this is a clock jump: the span ends before it.
pub const CLOCK_JUMP_MS: i64 = 12 * 3600 * 1000;

/// Coverage from which a channel counts as recorded.
const RECORDED: f64 = 0.5;

/// Bitmask of the channels a recording holds (bit i: `Channel::ALL[i]` covers at least half
/// of the samples).
#[must_use]
pub fn channels(rec: &Recording) -> u32 {
    Channel::ALL
        .iter()
        .enumerate()
        .filter(|(_, c)| rec.samples.coverage(**c) >= RECORDED)
        .fold(0, |m, (i, _)| m | (1 << i))
}

fn has(mask: u32, c: Channel) -> bool {
    Channel::ALL.iter().position(|x| *x == c).is_some_and(|i| mask & (1 << i) != 0)
}

/// The recording's span, ms: first timestamp to the last before any clock jump, at most
/// [`MAX_SPAN_MS`] long.
#[must_use]
pub fn span(rec: &Recording) -> Option<(i64, i64)> {
    let mut times = rec.samples.time.iter().flatten().copied();
    let start = times.next()?;
    let (mut end, mut last) = (start, start);
    for t in times {
        if t - last > CLOCK_JUMP_MS {
            break;
        }
        end = end.max(t);
        last = t;
    }
    Some((start, end.min(start.saturating_add(MAX_SPAN_MS))))
}

/// How much a recording holds; of two recordings of the same run the richer is kept.
#[must_use]
pub fn richness(rec: &Recording) -> f64 {
    let mut times: Vec<i64> = rec.samples.time.iter().flatten().copied().collect();
    if !times.windows(2).all(|w| w[0] <= w[1]) {
        times.sort_unstable();
    }
    times.dedup();
    // Recorded seconds, a gap counting for at most a minute.
    let covered: f64 = times.windows(2).map(|w| ((w[1] - w[0]) as f64 / 1000.0).min(60.0)).sum();
    let cov = |c| rec.samples.coverage(c);
    let weight = 1.0
        + 2.0 * cov(Channel::HeartRate)
        + 0.5 * cov(Channel::Cadence)
        + 0.5 * cov(Channel::Power)
        + cov(Channel::Position)
        + cov(Channel::Distance)
        + 0.25 * cov(Channel::Altitude)
        + 0.25 * cov(Channel::Speed)
        + 0.1
            * (cov(Channel::Temperature)
                + cov(Channel::VerticalOscillation)
                + cov(Channel::StanceTime)
                + cov(Channel::StepLength));
    // A damaged file (each decoder warning) counts for a little less than a clean copy.
    let damage = 1.0 - 0.01 * rec.warnings.len().min(10) as f64;
    // Laps count once each (a chained copy repeats them).
    let mut laps: Vec<Option<i64>> = rec.laps.iter().map(|l| l.start).collect();
    laps.sort_unstable();
    laps.dedup();
    ((covered + 0.25 * times.len() as f64) * weight + laps.len() as f64) * damage
}

/// Sports that are one activity when they overlap: on foot, on a bike; `None` for a sport
/// that does not say (generic, multisport, a GPX without a type), which matches any.
#[must_use]
pub fn family(sport: Option<u8>) -> Option<u8> {
    match sport {
        None | Some(0 | 18) => None,
        // running, walking, hiking
        Some(1 | 11 | 17) => Some(1),
        // cycling, e-biking
        Some(2 | 21) => Some(2),
        Some(s) => Some(s),
    }
}

/// Milliseconds two spans share (negative when apart).
#[must_use]
pub fn overlap_ms(a: (i64, i64), b: (i64, i64)) -> i64 {
    a.1.min(b.1) - a.0.max(b.0)
}

/// Are recordings spanning `a` and `b`, of sports `sa` and `sb`, the same run?
#[must_use]
pub fn same_run(a: (i64, i64), sa: Option<u8>, b: (i64, i64), sb: Option<u8>) -> bool {
    if let (Some(x), Some(y)) = (family(sa), family(sb)) {
        if x != y {
            return false;
        }
    }
    let overlap = overlap_ms(a, b);
    if overlap < 0 {
        return false;
    }
    let shorter = (a.1 - a.0).min(b.1 - b.0);
    if shorter <= 0 {
        // A single point lies inside the other recording.
        return true;
    }
    overlap as f64 >= MIN_OVERLAP * shorter as f64
}

/// What is compared of one recording, new or stored.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub sha: Sha256,
    pub part: PartOf,
    pub source_name: String,
    pub format: String,
    pub sport: Option<u8>,
    pub span: Option<(i64, i64)>,
    pub samples: i64,
    pub richness: f64,
    pub channels: u32,
}

impl Recorded {
    #[must_use]
    pub fn of_new(a: &NewActivity) -> Recorded {
        Recorded {
            sha: a.sha256,
            part: a.part,
            source_name: a.data.source_name.clone(),
            format: a.data.format.clone(),
            sport: a.data.sport,
            span: a.data.start_ms.zip(a.end_ms),
            samples: a.data.samples,
            richness: a.richness,
            channels: a.channels,
        }
    }

    #[must_use]
    pub fn of_stored(s: &StoredRecording) -> Recorded {
        Recorded {
            sha: s.sha256,
            part: s.part,
            source_name: s.source_name.clone(),
            format: s.format.clone(),
            sport: s.sport,
            span: s.start_ms.zip(s.end_ms),
            samples: s.samples,
            richness: s.richness,
            channels: s.channels,
        }
    }

    /// Was the file gzipped (by its name)?
    #[must_use]
    pub fn gzipped(&self) -> bool {
        self.source_name.to_ascii_lowercase().ends_with(".gz")
    }

    /// Is this recording kept over `other` (the same run)?
    #[must_use]
    pub fn beats(&self, other: &Recorded) -> bool {
        let key = |r: &Recorded| (r.part.parts > 1, r.richness, !r.gzipped());
        match key(self).partial_cmp(&key(other)) {
            Some(std::cmp::Ordering::Greater) => true,
            Some(std::cmp::Ordering::Less) => false,
            _ => (self.sha, self.part.part) < (other.sha, other.part.part),
        }
    }

    /// "FIT (heart rate, cadence, 3,612 samples over 1:00:12)"; a part of a multisport file
    /// says which.
    #[must_use]
    pub fn describe(&self) -> String {
        let what = self.format.to_ascii_uppercase();
        let what = if self.part.parts > 1 {
            format!(
                "{what}'s part {} of {} ({})",
                self.part.part + 1,
                self.part.parts,
                sport_name(self.sport)
            )
        } else {
            what
        };
        format!("{what} ({})", contents(self.channels, self.samples, self.span))
    }
}

/// The whole of a multisport file, described: "FIT with 5 parts (swimming, …; heart rate, …)".
#[must_use]
pub fn describe_file(parts: &[Recorded]) -> String {
    let Some(first) = parts.first() else { return String::new() };
    let channels = parts.iter().fold(0, |m, p| m | p.channels);
    let samples = parts.iter().map(|p| p.samples).sum();
    let sports: Vec<String> = parts.iter().map(|p| sport_name(p.sport)).collect();
    format!(
        "{} with {} parts ({}; {})",
        first.format.to_ascii_uppercase(),
        parts.len(),
        sports.join(", "),
        contents(channels, samples, file_span(parts))
    )
}

/// The span of a file's parts together.
#[must_use]
pub fn file_span(parts: &[Recorded]) -> Option<(i64, i64)> {
    let spans: Vec<(i64, i64)> = parts.iter().filter_map(|p| p.span).collect();
    Some((spans.iter().map(|s| s.0).min()?, spans.iter().map(|s| s.1).max()?))
}

/// The richness of a file's parts together.
#[must_use]
pub fn file_richness(parts: &[Recorded]) -> f64 {
    parts.iter().map(|p| p.richness).sum()
}

/// Is the file with parts `a` kept over the file with parts `b`?
#[must_use]
pub fn file_beats(a: &[Recorded], b: &[Recorded]) -> bool {
    match file_richness(a).partial_cmp(&file_richness(b)) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Less) => false,
        _ => a.first().map(|p| p.sha) < b.first().map(|p| p.sha),
    }
}

fn contents(channels: u32, samples: i64, span: Option<(i64, i64)>) -> String {
    let mut what: Vec<&str> = [
        (Channel::HeartRate, "heart rate"),
        (Channel::Cadence, "cadence"),
        (Channel::Power, "power"),
    ]
    .iter()
    .filter(|(c, _)| has(channels, *c))
    .map(|(_, n)| *n)
    .collect();
    if what.is_empty() {
        what.push(if has(channels, Channel::Position) { "position only" } else { "no position" });
    } else if has(channels, Channel::Position) {
        what.push("position");
    }
    let mut s = format!(
        "{}, {} sample{}",
        what.join(", "),
        thousands(samples),
        if samples == 1 { "" } else { "s" }
    );
    if let Some((a, b)) = span {
        s.push_str(&format!(" over {}", clock((b - a) / 1000)));
    }
    s
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn clock(s: i64) -> String {
    let s = s.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The FIT profile's name of a sport number ("running"), or "unknown sport".
#[must_use]
pub fn sport_name(sport: Option<u8>) -> String {
    sport.map_or_else(
        || "unknown sport".to_owned(),
        |s| slowburn_formats::Sport { sport: s, sub_sport: 0 }.sport_name(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn overlapping_recordings_of_one_family_are_the_same_run() {
        let run = (0, 60 * MIN);
        // A truncated copy, a phone started ten minutes early, a GPX of it.
        assert!(same_run(run, Some(1), (0, 20 * MIN), Some(1)));
        assert!(same_run(run, Some(1), (-10 * MIN, 62 * MIN), None));
        assert!(same_run(run, Some(1), (5_000, 60 * MIN + 3_000), Some(0)));
        // Walking and running of one person at one time are one activity.
        assert!(same_run(run, Some(11), (MIN, 59 * MIN), Some(1)));
        // Morning and evening, back to back, a ride beside a run, a little overlap.
        assert!(!same_run(run, Some(1), (10 * 60 * MIN, 11 * 60 * MIN), Some(1)));
        assert!(!same_run(run, Some(1), (60 * MIN, 90 * MIN), Some(1)));
        assert!(!same_run(run, Some(1), (0, 60 * MIN), Some(2)));
        assert!(!same_run(run, Some(1), (50 * MIN, 90 * MIN), Some(1)));
        // A single point inside a run, or outside it.
        assert!(same_run(run, None, (30 * MIN, 30 * MIN), None));
        assert!(!same_run(run, None, (61 * MIN, 61 * MIN), None));
    }

    fn rec(n: usize, hr: bool, step_ms: i64) -> Recording {
        let mut r = Recording::default();
        for i in 0..n {
            r.samples.push_empty();
            r.samples.time[i] = Some(1_700_000_000_000 + i as i64 * step_ms);
            r.samples.lat[i] = Some(46.0);
            r.samples.lon[i] = Some(14.0);
            r.samples.distance_m[i] = Some(i as f64 * 3.0);
            if hr {
                r.samples.heart_rate[i] = Some(140);
                r.samples.cadence[i] = Some(85.0);
            }
        }
        r
    }

    #[test]
    fn a_clock_jump_ends_the_span() {
        let mut r = rec(100, false, 1000);
        r.samples.time[99] = Some(3_659_791_618_000);
        assert_eq!(span(&r), Some((1_700_000_000_000, 1_700_000_098_000)));
        let long = rec(6, false, 11 * 3600 * 1000);
        assert_eq!(span(&long), Some((1_700_000_000_000, 1_700_000_000_000 + MAX_SPAN_MS)));
        assert_eq!(span(&Recording::default()), None);
    }

    #[test]
    fn the_richer_recording_is_the_complete_one_with_heart_rate() {
        let watch = richness(&rec(3600, true, 1000));
        let smart = richness(&rec(720, true, 5000));
        let phone = richness(&rec(3600, false, 1000));
        let half = richness(&rec(1800, true, 1000));
        let sparse = richness(&rec(60, false, 60_000));
        assert!(watch > smart && smart > phone, "{watch} {smart} {phone}");
        assert!(phone > half, "a complete track beats half a run with heart rate");
        assert!(phone > sparse);
        // The run twice over (a chained copy) holds no more than the run once.
        let mut twice = rec(600, true, 1000);
        let once = richness(&twice);
        let copy = twice.samples.clone();
        for i in 0..copy.len() {
            let j = twice.samples.push_empty();
            twice.samples.time[j] = copy.time[i];
            twice.samples.heart_rate[j] = copy.heart_rate[i];
            twice.samples.cadence[j] = copy.cadence[i];
            twice.samples.lat[j] = copy.lat[i];
            twice.samples.lon[j] = copy.lon[i];
            twice.samples.distance_m[j] = copy.distance_m[i];
        }
        assert!((richness(&twice) - once).abs() < 1e-9);
        twice.warnings.push(slowburn_formats::Warning { offset: None, message: "crc".into() });
        assert!(richness(&twice) < once, "a damaged copy counts for less");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(3612), "3,612");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(clock(3612), "1:00:12");
        assert_eq!(clock(59), "0:59");
        assert_eq!(
            contents(0b1000 | 0b10000 | 0b10, 3612, Some((0, 3_612_000))),
            "heart rate, cadence, position, 3,612 samples over 1:00:12"
        );
        assert_eq!(contents(0b10, 12, None), "position only, 12 samples");
    }
}
