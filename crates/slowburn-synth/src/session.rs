//! Sessions: what a run is meant to be, as a list of segments (warm-up, work, rest, cool-down)
//! with an intensity each, and the builders for every kind of run.
//!
//! Intensity is `r`, speed over the day's lactate-threshold speed (see `physiology`). The
//! builders here pick the structure and the *intended* intensity; a profile may then run the
//! easy parts faster than intended (see `plan`).

use serde::Serialize;

use crate::rng::Rng;
use crate::route::{RouteKind, Terrain};

/// What a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RunType {
    Recovery,
    Easy,
    Long,
    Steady,
    Tempo,
    Threshold,
    Intervals,
    Strides,
    Race,
}

impl RunType {
    pub const ALL: [RunType; 9] = [
        RunType::Recovery,
        RunType::Easy,
        RunType::Long,
        RunType::Steady,
        RunType::Tempo,
        RunType::Threshold,
        RunType::Intervals,
        RunType::Strides,
        RunType::Race,
    ];

    /// Lower-case name, as in the ground truth.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RunType::Recovery => "recovery",
            RunType::Easy => "easy",
            RunType::Long => "long",
            RunType::Steady => "steady",
            RunType::Tempo => "tempo",
            RunType::Threshold => "threshold",
            RunType::Intervals => "intervals",
            RunType::Strides => "strides",
            RunType::Race => "race",
        }
    }

    /// The zone (by % of max HR) a run of this type is meant to be run in, judged by its main
    /// part: recovery Z1, easy/long/strides Z2, steady Z3, tempo Z3–4 (4), threshold Z4,
    /// intervals Z5, race Z4.
    #[must_use]
    pub fn intended_zone(self) -> u8 {
        match self {
            RunType::Recovery => 1,
            RunType::Easy | RunType::Long | RunType::Strides => 2,
            RunType::Steady => 3,
            RunType::Tempo | RunType::Threshold | RunType::Race => 4,
            RunType::Intervals => 5,
        }
    }
}

/// The role of a segment in its session (maps to FIT lap `intensity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Warmup,
    Main,
    Work,
    Rest,
    Cooldown,
}

impl Role {
    /// FIT lap `intensity`: 0 active, 1 rest, 2 warmup, 3 cooldown.
    pub(crate) fn fit_intensity(self) -> u8 {
        match self {
            Role::Main | Role::Work => 0,
            Role::Rest => 1,
            Role::Warmup => 2,
            Role::Cooldown => 3,
        }
    }
}

/// The named intensity of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intensity {
    Jog,
    Recovery,
    Easy,
    Steady,
    Tempo,
    Threshold,
    Vo2max,
    Stride,
    Race,
}

/// How long a segment lasts: timer seconds or metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    Seconds(f64),
    Meters(f64),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub role: Role,
    pub intensity: Intensity,
    pub length: Length,
    /// Target effort: flat-ground speed over threshold speed.
    pub r: f64,
    /// Heart-rate ceiling (fraction of max HR) the runner obeys in this segment, if any.
    pub hr_cap: Option<f64>,
}

impl Segment {
    fn new(role: Role, intensity: Intensity, length: Length, r: f64) -> Self {
        Self { role, intensity, length, r, hr_cap: None }
    }
}

/// How the watch splits the run into laps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LapMode {
    /// Auto-lap every kilometre.
    PerKm,
    /// A manual lap at every segment boundary (warm-up, each rep and recovery, cool-down).
    PerSegment,
}

/// A race entered.
#[derive(Debug, Clone, Serialize)]
pub struct Race {
    pub name: String,
    pub distance_m: f64,
}

/// A planned run.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub kind: RunType,
    pub name: String,
    pub segments: Vec<Segment>,
    pub lap_mode: LapMode,
    pub race: Option<Race>,
    pub route: RouteKind,
    pub terrain: Option<Terrain>,
}

pub(crate) const JOG: (f64, f64) = (0.60, 0.66);
pub(crate) const RECOVERY: (f64, f64) = (0.68, 0.72);
pub(crate) const EASY: (f64, f64) = (0.75, 0.79);
pub(crate) const LONG: (f64, f64) = (0.74, 0.78);
pub(crate) const STEADY: (f64, f64) = (0.85, 0.88);
pub(crate) const TEMPO: (f64, f64) = (0.92, 0.95);
pub(crate) const THRESHOLD: (f64, f64) = (0.98, 1.02);
pub(crate) const VO2MAX: (f64, f64) = (1.08, 1.14);
pub(crate) const STRIDE: (f64, f64) = (1.25, 1.35);

fn r(rng: &mut Rng, band: (f64, f64)) -> f64 {
    rng.range(band.0, band.1)
}

fn secs(min: f64) -> Length {
    Length::Seconds((min * 60.0).round())
}

fn session(kind: RunType, name: String, segments: Vec<Segment>, lap_mode: LapMode) -> Session {
    Session { kind, name, segments, lap_mode, race: None, route: RouteKind::Loop, terrain: None }
}

/// One continuous run at one intensity.
pub(crate) fn continuous(kind: RunType, minutes: f64, rng: &mut Rng) -> Session {
    let (band, intensity, name) = match kind {
        RunType::Recovery => (RECOVERY, Intensity::Recovery, "Recovery run"),
        RunType::Long => (LONG, Intensity::Easy, "Long run"),
        RunType::Steady => (STEADY, Intensity::Steady, "Steady run"),
        _ => (EASY, Intensity::Easy, "Easy run"),
    };
    let seg = Segment::new(Role::Main, intensity, secs(minutes), r(rng, band));
    let mut s = session(kind, name.to_owned(), vec![seg], LapMode::PerKm);
    if rng.chance(0.35) {
        s.route = RouteKind::OutAndBack;
    }
    s
}

/// An easy run finished with 4–8 strides of about 20 s.
pub(crate) fn strides(minutes: f64, rng: &mut Rng) -> Session {
    let n = rng.int(4, 8);
    let stride_s = rng.range(15.0, 22.0).round();
    let jog_s = rng.range(60.0, 90.0).round();
    let strides_min = n as f64 * (stride_s + jog_s) / 60.0;
    let easy_min = (minutes - strides_min - 4.0).max(15.0);
    let mut segs = vec![Segment::new(Role::Main, Intensity::Easy, secs(easy_min), r(rng, EASY))];
    for _ in 0..n {
        segs.push(Segment::new(
            Role::Work,
            Intensity::Stride,
            Length::Seconds(stride_s),
            r(rng, STRIDE),
        ));
        segs.push(Segment::new(Role::Rest, Intensity::Jog, Length::Seconds(jog_s), r(rng, JOG)));
    }
    segs.push(Segment::new(Role::Cooldown, Intensity::Easy, secs(4.0), r(rng, EASY)));
    session(RunType::Strides, format!("Easy run + {n} strides"), segs, LapMode::PerKm)
}

fn warmup(rng: &mut Rng, lo: f64, hi: f64) -> Segment {
    let min = rng.range(lo, hi).round();
    Segment::new(Role::Warmup, Intensity::Easy, secs(min), r(rng, EASY))
}

fn cooldown(rng: &mut Rng, lo: f64, hi: f64) -> Segment {
    let min = rng.range(lo, hi).round();
    Segment::new(Role::Cooldown, Intensity::Easy, secs(min), r(rng, RECOVERY))
}

/// Continuous tempo: warm-up, `work_min` at tempo, cool-down.
pub(crate) fn tempo(work_min: f64, rng: &mut Rng) -> Session {
    let segs = vec![
        warmup(rng, 12.0, 16.0),
        Segment::new(Role::Main, Intensity::Tempo, secs(work_min.round()), r(rng, TEMPO)),
        cooldown(rng, 8.0, 12.0),
    ];
    session(RunType::Tempo, format!("Tempo {} min", work_min.round()), segs, LapMode::PerSegment)
}

/// Cruise intervals at threshold: `reps` × `rep_min` with 2 min jogs.
pub(crate) fn threshold(reps: i64, rep_min: f64, rng: &mut Rng) -> Session {
    let mut segs = vec![warmup(rng, 12.0, 16.0)];
    let pace = r(rng, THRESHOLD);
    for i in 0..reps {
        segs.push(Segment::new(Role::Work, Intensity::Threshold, secs(rep_min), pace));
        if i + 1 < reps {
            segs.push(Segment::new(Role::Rest, Intensity::Jog, secs(2.0), r(rng, JOG)));
        }
    }
    segs.push(cooldown(rng, 8.0, 12.0));
    session(
        RunType::Threshold,
        format!("Threshold {reps}×{rep_min:.0} min"),
        segs,
        LapMode::PerSegment,
    )
}

/// `VO2max` intervals by time on the road: `reps` × `rep_s` with `rest_s` jogs.
pub(crate) fn intervals(reps: i64, rep_s: f64, rest_s: f64, rng: &mut Rng) -> Session {
    let mut segs = vec![warmup(rng, 12.0, 16.0)];
    let pace = r(rng, VO2MAX);
    for i in 0..reps {
        segs.push(Segment::new(Role::Work, Intensity::Vo2max, Length::Seconds(rep_s), pace));
        if i + 1 < reps {
            segs.push(Segment::new(
                Role::Rest,
                Intensity::Jog,
                Length::Seconds(rest_s),
                r(rng, JOG),
            ));
        }
    }
    segs.push(cooldown(rng, 8.0, 12.0));
    let name = if rep_s >= 60.0 && (rep_s % 60.0).abs() < 1e-9 {
        format!("Intervals {reps}×{:.0} min", rep_s / 60.0)
    } else {
        format!("Intervals {reps}×{rep_s:.0} s")
    };
    session(RunType::Intervals, name, segs, LapMode::PerSegment)
}

/// `VO2max` repeats on the track: `reps` × `rep_m` with `rest_s` jogs.
pub(crate) fn track(reps: i64, rep_m: f64, rest_s: f64, rng: &mut Rng) -> Session {
    let mut segs = vec![warmup(rng, 12.0, 16.0)];
    let pace = r(rng, VO2MAX);
    for i in 0..reps {
        segs.push(Segment::new(Role::Work, Intensity::Vo2max, Length::Meters(rep_m), pace));
        if i + 1 < reps {
            segs.push(Segment::new(
                Role::Rest,
                Intensity::Jog,
                Length::Seconds(rest_s),
                r(rng, JOG),
            ));
        }
    }
    segs.push(cooldown(rng, 8.0, 12.0));
    let mut s = session(
        RunType::Intervals,
        format!("Track {reps}×{rep_m:.0} m"),
        segs,
        LapMode::PerSegment,
    );
    s.route = RouteKind::Track;
    s.terrain = Some(Terrain::Flat);
    s
}

/// Hill repeats: `reps` × `rep_s` hard uphill, jog back down.
pub(crate) fn hills(reps: i64, rep_s: f64, rng: &mut Rng) -> Session {
    let mut s = intervals(reps, rep_s, (rep_s * 1.6).round(), rng);
    s.name = format!("Hill repeats {reps}×{rep_s:.0} s");
    s.route = RouteKind::OutAndBack;
    s.terrain = Some(Terrain::Hilly);
    s
}

/// Race effort over `distance_m` relative to threshold (about Riegel-consistent: 5K ≈ 106 %,
/// 10K ≈ 101 %, half ≈ 96 %, marathon ≈ 89 % of threshold speed).
pub(crate) fn race_effort(distance_m: f64) -> f64 {
    let ratio = (distance_m / 10_000.0).max(0.1);
    // 1.01 at 10 km, −0.05 per doubling of distance, a little extra fade past 30 km.
    1.01 - 0.05 * ratio.log2() - if distance_m > 30_000.0 { 0.03 } else { 0.0 }
}

/// A race: short warm-up jog, the race, a cool-down jog; auto-laps per km.
pub(crate) fn race(name: &str, distance_m: f64, rng: &mut Rng) -> Session {
    let long = distance_m > 25_000.0;
    let mut segs = Vec::new();
    if !long {
        segs.push(warmup(rng, 8.0, 12.0));
    }
    segs.push(Segment::new(
        Role::Main,
        Intensity::Race,
        Length::Meters(distance_m),
        race_effort(distance_m) * rng.range(0.985, 1.01),
    ));
    segs.push(cooldown(rng, 4.0, 8.0));
    let mut s = session(RunType::Race, name.to_owned(), segs, LapMode::PerKm);
    s.race = Some(Race { name: name.to_owned(), distance_m });
    s.terrain = Some(if long { Terrain::Flat } else { Terrain::Rolling });
    s
}

/// Planned moving minutes of a session at threshold speed `v_lt`.
pub(crate) fn minutes(s: &Session, v_lt: f64) -> f64 {
    s.segments
        .iter()
        .map(|seg| match seg.length {
            Length::Seconds(t) => t / 60.0,
            Length::Meters(m) => m / (seg.r * v_lt) / 60.0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn race_efforts_are_ordered_by_distance() {
        let five = race_effort(5_000.0);
        let ten = race_effort(10_000.0);
        let half = race_effort(21_097.5);
        let full = race_effort(42_195.0);
        assert!(five > ten && ten > half && half > full);
        assert!((1.04..1.1).contains(&five), "{five}");
        assert!((0.84..0.92).contains(&full), "{full}");
    }

    #[test]
    fn builders_have_the_structure_they_say() {
        let mut rng = Rng::new(1, 1, 1);
        let s = threshold(3, 10.0, &mut rng);
        assert_eq!(s.segments.iter().filter(|x| x.role == Role::Work).count(), 3);
        assert_eq!(s.segments.iter().filter(|x| x.role == Role::Rest).count(), 2);
        let t = track(6, 800.0, 120.0, &mut rng);
        assert_eq!(t.route, RouteKind::Track);
        assert!(t.segments.iter().any(|x| x.length == Length::Meters(800.0)));
        let st = strides(45.0, &mut rng);
        let m = minutes(&st, 4.0);
        assert!((40.0..50.0).contains(&m), "{m}");
    }
}
