//! What each run was: one [`RunType`] per activity, with a machine-readable [`Reason`] and a
//! confidence, from the run's structure, its heart rate against the athlete's zones, its
//! duration against the athlete's own norms, and explicit hints.
//!
//! # Design
//! Decisions go from the most explicit evidence to the least, and the first that applies wins:
//!
//! 1. the user's label ([`Hints::label`]) always;
//! 2. the sport (walking, hiking, another sport), and walking detected from cadence or speed;
//! 3. a race flag or a race name ("Parkrun", "City 10K", "Halbmarathon", "XC", …);
//! 4. the structure the watch recorded: laps marked warm-up / active / rest / cool-down (FIT
//!    lap `intensity`) make repetitions (threshold or `VO2max` intervals, told apart by rep speed
//!    against threshold pace, else rep heart rate against LTHR or the hard domain, else rep
//!    length) or a single block (tempo);
//! 5. the same structure found in the speed trace when laps say nothing: blocks of running
//!    clearly faster than the run's easy pace, separated by slower running;
//! 6. a race found in the data: a continuous hard effort over a standard race distance;
//! 7. duration: a long run against the athlete's own norms ([`Norms`]);
//! 8. strides: three or more short (8–45 s) accelerations in the second half of an otherwise
//!    easy or steady run;
//! 9. intensity of a continuous run: the median heart rate once settled (minutes 3–15, before
//!    cardiac drift) in the lowest zone is recovery, in the easy domain easy, in the moderate
//!    domain steady (the grey zone), in the hard domain tempo; without heart rate, pace against
//!    the athlete's pace zones.
//!
//! "How it went" (drift, time above the zone, hills) is for [`crate::verdicts`]; here a
//! recovery run that drifted into Zone 2 late is still a recovery run. Everything is one or two
//! passes over the samples with a few fixed-size histograms; the only allocations are one
//! smoothed-speed column and per-lap rows.

use serde::{Deserialize, Serialize};
use slowburn_formats::Recording;

use crate::athlete::Profile;
use crate::metrics::{RunMetrics, Track};
use crate::segment::{segment, Part, PartKind, Segmentation};
use crate::zones::{Domain, ZoneTable};

/// What a run was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunType {
    Recovery,
    Easy,
    Long,
    /// Continuous running in the grey zone (the moderate domain).
    Steady,
    Tempo,
    Threshold,
    /// `VO2max` intervals.
    Intervals,
    EasyWithStrides,
    Race,
    Walk,
    Hike,
    OtherSport,
}

impl RunType {
    pub const ALL: [RunType; 12] = [
        RunType::Recovery,
        RunType::Easy,
        RunType::Long,
        RunType::Steady,
        RunType::Tempo,
        RunType::Threshold,
        RunType::Intervals,
        RunType::EasyWithStrides,
        RunType::Race,
        RunType::Walk,
        RunType::Hike,
        RunType::OtherSport,
    ];

    /// Snake-case name, as in JSON.
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
            RunType::EasyWithStrides => "easy_with_strides",
            RunType::Race => "race",
            RunType::Walk => "walk",
            RunType::Hike => "hike",
            RunType::OtherSport => "other_sport",
        }
    }

    /// The human name: `easy with strides`, `other sport`.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            RunType::EasyWithStrides => "easy with strides",
            RunType::OtherSport => "other sport",
            t => t.name(),
        }
    }

    /// Parse a name a user may type: [`RunType::name`], with spaces or dashes for underscores,
    /// and the short forms `strides` and `other`.
    #[must_use]
    pub fn from_user(s: &str) -> Option<RunType> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "strides" => Some(RunType::EasyWithStrides),
            "other" => Some(RunType::OtherSport),
            n => RunType::from_name(n),
        }
    }

    /// Parse [`RunType::name`].
    #[must_use]
    pub fn from_name(s: &str) -> Option<RunType> {
        RunType::ALL.into_iter().find(|t| t.name() == s)
    }

    /// Easy-type running (recovery, easy, long, easy with strides): what 80/20 wants most days.
    #[must_use]
    pub fn is_easy_type(self) -> bool {
        matches!(self, RunType::Recovery | RunType::Easy | RunType::Long | RunType::EasyWithStrides)
    }

    /// Running at all (not a walk, hike or other sport).
    #[must_use]
    pub fn is_run(self) -> bool {
        !matches!(self, RunType::Walk | RunType::Hike | RunType::OtherSport)
    }
}

/// Why a run got its type (machine-readable; `snake_case` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The user labelled it.
    UserLabel,
    /// The recording's sport.
    Sport,
    /// Walking cadence or speed.
    WalkingGait,
    /// A race flag.
    RaceFlag,
    /// A race word in the name.
    RaceName,
    /// A continuous hard effort over a standard race distance.
    RaceEffort,
    /// Work and rest laps.
    LapRepetitions,
    /// A warm-up, one work lap, a cool-down.
    LapBlock,
    /// Fast and slow blocks in the speed trace.
    SpeedRepetitions,
    /// One sustained fast block in the speed trace.
    SpeedBlock,
    /// Longer than the athlete's norm.
    Duration,
    /// Short accelerations late in an easy run.
    Strides,
    /// The settled heart rate's zone.
    HeartRate,
    /// Pace against the athlete's pace zones (no heart rate).
    Pace,
    /// Too little data to tell; the default.
    Default,
}

impl Reason {
    pub const ALL: [Reason; 15] = [
        Reason::UserLabel,
        Reason::Sport,
        Reason::WalkingGait,
        Reason::RaceFlag,
        Reason::RaceName,
        Reason::RaceEffort,
        Reason::LapRepetitions,
        Reason::LapBlock,
        Reason::SpeedRepetitions,
        Reason::SpeedBlock,
        Reason::Duration,
        Reason::Strides,
        Reason::HeartRate,
        Reason::Pace,
        Reason::Default,
    ];

    /// Parse [`Reason::name`].
    #[must_use]
    pub fn from_name(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == s)
    }

    /// In words, for a sentence ("classified by heart rate").
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Reason::UserLabel => "your label",
            Reason::Sport => "the recording's sport",
            Reason::WalkingGait => "walking cadence and speed",
            Reason::RaceFlag => "the race flag",
            Reason::RaceName => "a race word in its name",
            Reason::RaceEffort => "a race effort over a race distance",
            Reason::LapRepetitions => "work and rest laps",
            Reason::LapBlock => "a warm-up, one work lap and a cool-down",
            Reason::SpeedRepetitions => "fast and slow blocks in the speed",
            Reason::SpeedBlock => "one sustained fast block in the speed",
            Reason::Duration => "its duration against your usual easy run",
            Reason::Strides => "short accelerations late in the run",
            Reason::HeartRate => "heart rate",
            Reason::Pace => "pace against your pace zones (no heart rate)",
            Reason::Default => "default (too little data to tell)",
        }
    }

    /// Snake-case name, as in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Reason::UserLabel => "user_label",
            Reason::Sport => "sport",
            Reason::WalkingGait => "walking_gait",
            Reason::RaceFlag => "race_flag",
            Reason::RaceName => "race_name",
            Reason::RaceEffort => "race_effort",
            Reason::LapRepetitions => "lap_repetitions",
            Reason::LapBlock => "lap_block",
            Reason::SpeedRepetitions => "speed_repetitions",
            Reason::SpeedBlock => "speed_block",
            Reason::Duration => "duration",
            Reason::Strides => "strides",
            Reason::HeartRate => "heart_rate",
            Reason::Pace => "pace",
            Reason::Default => "default",
        }
    }
}

/// Explicit hints from outside the samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The user's own label: always wins.
    pub label: Option<RunType>,
    /// The activity is flagged as a race (e.g. Strava's workout type).
    pub race: bool,
    /// The activity's name or title.
    pub name: Option<&'a str>,
}

/// The athlete's own recent norms, gathered by the caller from the classified history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Norms {
    /// Median moving time of recent (28 days) easy runs and easy runs with strides, s:
    /// recovery runs are short and steady runs are their own kind, so neither is the usual easy
    /// run.
    pub median_easy_s: Option<f64>,
    /// Longest moving time of the recovery, easy, strides and long runs in the 6.5 days before
    /// this one, s.
    pub longest_recent_s: Option<f64>,
    /// Median moving time of the long runs of the past [`LONG_NORM_WINDOW_DAYS`], s.
    #[serde(default)]
    pub median_long_s: Option<f64>,
    /// Hours from the end of the last hard session, race or long run to this run's start, when
    /// it was within [`AFTER_HARD_H`].
    #[serde(default)]
    pub hours_since_hard: Option<f64>,
}

/// A run ending at `start_ms` plus `moving_s` that the caller already classified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastRun {
    pub start_ms: i64,
    pub moving_s: f64,
    pub run_type: RunType,
}

/// Days of history for [`Norms::median_easy_s`].
pub const NORM_WINDOW_DAYS: f64 = 28.0;
/// A run starting within this many hours of the end of a hard session, race or long run is
/// "the day after" (a morning run after an evening session is too).
pub const AFTER_HARD_H: f64 = 40.0;
/// The day after a hard day, a run shorter than the usual easy run with its settled heart rate
/// in the lowest third of Zone 2 (below this share of max HR) is the recovery run it was meant to
/// be — run a little too fast, which its verdicts say.
pub const RECOVERY_AFTER_HARD_MAX: f64 = 0.63;
/// A run at most this share of the median easy run is "clearly shorter than usual": the day
/// after a hard day it is the recovery run it was meant to be (with heart rate in Zone 2, or
/// without heart rate).
pub const RECOVERY_SHORT_SHARE: f64 = 0.75;
/// Days of history for [`Norms::median_long_s`] (six weeks: a long run comes once a week or
/// two).
pub const LONG_NORM_WINDOW_DAYS: f64 = 42.0;
/// Days before a run in which [`Norms::longest_recent_s`] looks (a week, less a margin so last
/// week's run on the same weekday does not count).
pub const RECENT_WINDOW_DAYS: f64 = 6.5;

impl Norms {
    /// Norms for a run starting at `start_ms` from the runs before it (any order; later ones are
    /// ignored). O(n) plus sorting the easy durations of the window.
    #[must_use]
    pub fn from_history(history: &[PastRun], start_ms: i64) -> Norms {
        const DAY_MS: f64 = 86_400_000.0;
        let mut easy: Vec<f64> = Vec::new();
        let mut long: Vec<f64> = Vec::new();
        let mut longest: Option<f64> = None;
        let mut since_hard: Option<f64> = None;
        for r in history {
            let age = (start_ms - r.start_ms) as f64 / DAY_MS;
            if age <= 0.0 || !r.run_type.is_run() {
                continue;
            }
            if age <= NORM_WINDOW_DAYS
                && matches!(r.run_type, RunType::Easy | RunType::EasyWithStrides)
            {
                easy.push(r.moving_s);
            }
            let hard = matches!(
                r.run_type,
                RunType::Race
                    | RunType::Tempo
                    | RunType::Threshold
                    | RunType::Intervals
                    | RunType::Long
            );
            let h = (start_ms as f64 - r.start_ms as f64 - r.moving_s * 1000.0) / 3_600_000.0;
            if hard && (0.0..=AFTER_HARD_H).contains(&h) {
                since_hard = Some(since_hard.map_or(h, |s: f64| s.min(h)));
            }
            if age <= LONG_NORM_WINDOW_DAYS && r.run_type == RunType::Long {
                long.push(r.moving_s);
            }
            // The longest *aerobic* run: a session's warm-up and cool-down make it long in
            // minutes without making it a long run.
            let aerobic = matches!(
                r.run_type,
                RunType::Recovery | RunType::Easy | RunType::EasyWithStrides | RunType::Long
            );
            if age <= RECENT_WINDOW_DAYS && aerobic {
                longest = Some(longest.map_or(r.moving_s, |l: f64| l.max(r.moving_s)));
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            match v.len() {
                0 => None,
                n if n % 2 == 1 => Some(v[n / 2]),
                n => Some(f64::midpoint(v[n / 2 - 1], v[n / 2])),
            }
        };
        Norms {
            median_easy_s: median(&mut easy),
            longest_recent_s: longest,
            median_long_s: median(&mut long),
            hours_since_hard: since_hard,
        }
    }
}

/// A run at least this long is long whatever the norms, s (90 min).
pub const LONG_ABSOLUTE_S: f64 = 90.0 * 60.0;
/// A run this many times the median easy run is long.
pub const LONG_RATIO: f64 = 1.5;
/// A run at least this share of the runner's median long run is like their long runs.
pub const LONG_LIKE_SHARE: f64 = 0.9;
/// A run this many times the median easy run that is also the longest of the past week is long.
pub const LONG_RATIO_WEEK: f64 = 1.25;
/// Least moving time for a long run, s.
pub const LONG_MIN_S: f64 = 25.0 * 60.0;
/// Longest recovery run (a longer run in Zone 1 is an easy run), s.
pub const RECOVERY_MAX_S: f64 = 60.0 * 60.0;
/// A recovery run is run under Zone 1's ceiling, an easy run under the easy domain's; a settled
/// heart rate up to this many bpm above a ceiling still counts as under it (sensor scatter and
/// day-to-day variation are about ±2 bpm).
/// The verdicts then say how long the run spent above Zone 1.
pub const RECOVERY_TOLERANCE_BPM: u8 = 2;
/// Heart-rate settling window: moving seconds from … to … .
pub const SETTLED_WINDOW_S: (f64, f64) = (180.0, 900.0);

/// The measurements classification rests on (kept for explanations and tests).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Features {
    /// Median heart rate of the run's main part: the work when there is a work part, else
    /// minutes 3–15 of moving time (the whole run if shorter), bpm.
    pub settled_hr: Option<f64>,
    /// Median heart rate over moving time.
    pub median_hr: Option<f64>,
    /// Median moving speed, m/s.
    pub median_speed_mps: Option<f64>,
    /// The easy running's speed (see [`crate::segment`]), m/s.
    pub base_speed_mps: Option<f64>,
    /// Median cadence, steps/min.
    pub median_cadence_spm: Option<f64>,
    /// Strides found (see [`crate::segment`]).
    pub strides: u32,
    /// Work parts found (signal, else laps).
    pub reps: u32,
    /// Mean work part length, s.
    pub rep_mean_s: Option<f64>,
    /// Mean effort speed of the work, m/s.
    pub rep_speed_mps: Option<f64>,
    /// Mean heart rate of the second half of each work part, bpm.
    pub rep_hr: Option<f64>,
}

/// A run's type, why, and how sure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub run_type: RunType,
    pub reason: Reason,
    /// 0–1.
    pub confidence: f64,
    /// The evidence that decided it, in words ("long: 1 h 52 min, your easy runs are 55 min
    /// on median").
    pub why: String,
    pub features: Features,
}

/// Everything classification reads besides the evidence.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub profile: &'a Profile,
    pub zones: Option<&'a ZoneTable>,
    pub norms: Norms,
    pub hints: Hints<'a>,
}

/// How strongly a run's name says race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RaceWords {
    /// A word that means a race ("race", "parkrun", "Wettkampf", …).
    Strong,
    /// A race distance ("10k", "marathon"): a race only if the run was not easy.
    Distance,
    #[default]
    None,
}

/// Work parts from the device's laps marked warm-up / active / rest / cool-down (FIT lap
/// `intensity`): the fallback when the signal shows no structure (no speed, a treadmill).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LapWork {
    pub reps: u32,
    pub mean_s: f64,
    /// Moving seconds before the first work lap.
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub distance_m: f64,
    pub speed_mps: Option<f64>,
    pub hr: Option<f64>,
}

/// What a run's file says, without the athlete's profile or norms: its parts from the signal,
/// the heart rate of its main part, the race words of its name. Import stores it; the type is
/// decided from it ([`decide`]) with the profile of the run's date and the athlete's norms, and
/// decided again, without reading the file, whenever those change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Evidence {
    pub moving_s: f64,
    pub distance_m: Option<f64>,
    /// A type the file alone decides (the sport, a walking gait, too short to type).
    pub fixed: Option<(RunType, Reason, f64)>,
    /// Heart rate covers at least [`MIN_HR_COVERAGE_TO_TYPE`] of the moving time.
    pub hr_covers: bool,
    /// Median heart rate of minutes 3–15 (the continuous run's settled heart rate), bpm.
    pub settled_hr: Option<f64>,
    pub median_hr: Option<f64>,
    pub median_speed_mps: Option<f64>,
    pub median_cadence_spm: Option<f64>,
    pub segments: Segmentation,
    pub laps: Option<LapWork>,
    pub race_words: RaceWords,
}

impl Evidence {
    /// The heart rate of the work parts: the block's median, or the mean of the reps' second
    /// halves.
    #[must_use]
    pub fn work_hr(&self) -> Option<f64> {
        if !self.hr_covers {
            return None;
        }
        let work: Vec<&Part> = self.segments.work().collect();
        if let [b] = work[..] {
            return b.hr.or(b.hr_late);
        }
        let (s, w) = work.iter().fold((0.0, 0.0), |(s, w), p| match p.hr_late {
            Some(h) => (s + h * p.duration_s, w + p.duration_s),
            None => (s, w),
        });
        (w > 0.0).then(|| s / w)
    }
}

/// Gather a run's evidence from its prepared track and metrics (profile-free: `metrics` is read
/// only for distance, moving time, heart-rate coverage and climbing).
#[must_use]
pub fn evidence(track: &Track<'_>, metrics: &RunMetrics, name: Option<&str>) -> Evidence {
    let dist = Distributions::new(track);
    let hr_covers =
        metrics.moving_s > 0.0 && metrics.hr_moving_s / metrics.moving_s >= MIN_HR_COVERAGE_TO_TYPE;
    let mut ev = Evidence {
        moving_s: metrics.moving_s,
        distance_m: metrics.distance_m,
        fixed: None,
        hr_covers,
        settled_hr: dist.settled_hr,
        median_hr: dist.median_hr,
        median_speed_mps: dist.median_speed,
        median_cadence_spm: dist.median_cadence,
        segments: Segmentation::default(),
        laps: None,
        race_words: name.map_or(RaceWords::None, race_words),
    };
    if let Some(t) = by_sport(track.recording(), metrics) {
        ev.fixed = Some((t, Reason::Sport, 0.95));
    } else if let Some(t) = walking(&dist, metrics) {
        ev.fixed = Some((t, Reason::WalkingGait, 0.8));
    } else if metrics.moving_s < TOO_SHORT_TO_TYPE_S {
        // A few minutes say too little to name a workout: counted as easy running, not sure.
        ev.fixed = Some((RunType::Easy, Reason::Default, 0.2));
    }
    if ev.fixed.is_none() {
        ev.segments = segment(track);
        ev.laps = lap_structure(&lap_rows(track));
        // A workout's single work lap is the block (see `decide`): the parts say so too.
        if let Some(l) = ev.laps.filter(|l| l.reps == 1 && l.mean_s >= MIN_BLOCK_S) {
            ev.segments = crate::segment::block(track, &ev.segments, l.start_s, l.mean_s);
        }
    }
    ev
}

/// Classify one run from its prepared track and metrics: [`evidence`], then [`decide`].
#[must_use]
pub fn classify(track: &Track<'_>, metrics: &RunMetrics, cx: &Context<'_>) -> Classification {
    decide(&evidence(track, metrics, cx.hints.name), cx)
}

type Decision = (RunType, Reason, f64, String);

/// What a run was, from its evidence, the profile of its date and the athlete's norms.
/// Deterministic, no allocation but the explanation; cheap enough to re-decide ten years.
#[must_use]
pub fn decide(ev: &Evidence, cx: &Context<'_>) -> Classification {
    let seg = &ev.segments;
    let work: Vec<&Part> = seg.work().collect();
    let mut f = Features {
        settled_hr: ev.settled_hr.or(ev.median_hr),
        median_hr: ev.median_hr,
        median_speed_mps: ev.median_speed_mps,
        base_speed_mps: seg.base_mps,
        median_cadence_spm: ev.median_cadence_spm,
        strides: seg.strides.count,
        ..Features::default()
    };
    let (run_type, reason, confidence, why) = decide_inner(ev, &work, cx, &mut f);
    Classification { run_type, reason, confidence: confidence.clamp(0.0, 1.0), why, features: f }
}

fn pct(hr: f64, max: Option<u8>) -> String {
    match max {
        Some(m) if m > 0 => format!("{:.0} % of max HR", 100.0 * hr / f64::from(m)),
        _ => format!("{hr:.0} bpm"),
    }
}

fn decide_inner(ev: &Evidence, sig: &[&Part], cx: &Context<'_>, f: &mut Features) -> Decision {
    let work = sig;
    if let Some(label) = cx.hints.label {
        return (label, Reason::UserLabel, 1.0, "your label".to_owned());
    }
    if let Some((t, r, c)) = ev.fixed {
        return (t, r, c, r.words().to_owned());
    }
    if cx.hints.race {
        return (RunType::Race, Reason::RaceFlag, 0.95, "flagged as a race".to_owned());
    }
    if ev.race_words == RaceWords::Strong {
        return (RunType::Race, Reason::RaceName, 0.9, "a race word in its name".to_owned());
    }
    let max = cx.profile.max_hr();
    let hr = |h: Option<f64>| h.filter(|_| ev.hr_covers);
    let main = Intensity::of(hr(f.settled_hr), cx);
    // A race distance in the name of a run that was not easy.
    if ev.race_words == RaceWords::Distance
        && Intensity::of(hr(ev.median_hr), cx).is_none_or(|i| i.domain != Domain::Easy)
    {
        return (RunType::Race, Reason::RaceName, 0.75, "a race distance in its name".to_owned());
    }

    // Workout laps (warm-up / active / rest / cool-down) that agree with the signal — it found
    // work — say how the work is divided: one active lap is one block, however the terrain
    // broke its speed. Irregular pieces whose gaps never let the heart rate recover are one
    // block too (a tempo over hills).
    let lap_block = ev.laps.filter(|l| l.reps == 1 && l.mean_s >= MIN_BLOCK_S);
    let merged = if let Some(l) = lap_block {
        Some(block_of(work, Some(l)))
    } else if irregular_without_recovery(ev, work) {
        Some(block_of(work, None))
    } else {
        None
    };
    let one: Vec<&Part>;
    let work: &[&Part] = match &merged {
        Some(b) => {
            one = vec![b];
            &one
        }
        None => work,
    };
    // Repetitions from the signal.
    if work.len() >= 2 {
        let worked: f64 = work.iter().map(|p| p.duration_s).sum();
        let total_ok = worked >= 240.0;
        let shape_ok =
            work.len() >= 3 || work.iter().all(|p| p.duration_s >= THRESHOLD_MIN_REP_S - 60.0);
        let work_hr = hr(ev.work_hr());
        if total_ok && shape_ok && confirmed_by_hr(ev, work_hr, max) {
            f.settled_hr = work_hr;
            let w = Work {
                reps: work.len() as u32,
                mean_s: worked / work.len() as f64,
                speed_mps: Some(
                    work.iter().map(|p| p.effort_mps * p.duration_s).sum::<f64>() / worked,
                ),
                hr: work_hr,
            };
            return structured(w, Reason::SpeedRepetitions, cx, f, max);
        }
    }
    // One sustained block.
    if let [b] = work {
        let bhr = hr(b.hr.or(b.hr_late));
        // A block the watch's workout laps mark needs no rise over the rest (the signal may
        // show none: a race from the gun), only a heart rate of work.
        let confirmed = if lap_block.is_some() && sig.len() <= 1 {
            bhr.zip(max).is_none_or(|(h, m)| h >= WORK_MIN_FROM_MAX * f64::from(m))
        } else {
            confirmed_by_hr(ev, bhr, max)
        };
        let block_reason = if sig.is_empty() { Reason::LapBlock } else { Reason::SpeedBlock };
        if b.duration_s >= MIN_BLOCK_S && confirmed {
            let covered = ev.distance_m.unwrap_or(b.distance_m);
            if let Some(d) =
                race_effort(b.duration_s, b.distance_m, covered, bhr, b.effort_mps, false, cx)
            {
                return d;
            }
            f.settled_hr = bhr;
            f.reps = 1;
            f.rep_mean_s = Some(b.duration_s);
            f.rep_speed_mps = Some(b.effort_mps);
            f.rep_hr = bhr;
            let words = |t: &str| {
                format!(
                    "{t}: {} at {} after a {} warm-up",
                    duration_words(b.duration_s),
                    bhr.map_or("a faster pace".to_owned(), |h| pct(h, max)),
                    duration_words(b.start_s)
                )
            };
            match Intensity::of(bhr, cx) {
                Some(i) if i.tempo || i.domain == Domain::Hard => {
                    return (RunType::Tempo, block_reason, i.sure(0.8), words("tempo"));
                }
                Some(i) if i.domain == Domain::Moderate => {
                    return (RunType::Steady, block_reason, i.sure(0.7), words("steady"));
                }
                Some(_) => {}
                None => {
                    let tp = cx.profile.threshold_pace_s_per_km();
                    if tp.is_some_and(|tp| b.effort_mps * tp / 1000.0 >= 0.88) {
                        return (RunType::Tempo, block_reason, 0.55, words("tempo"));
                    }
                }
            }
        }
    }
    // Workout laps, when the signal shows no work (no speed, a treadmill).
    if sig.is_empty() && ev.segments.strides.count < 3 {
        if let Some(l) = ev.laps.filter(|l| l.reps >= 2) {
            let w = Work { reps: l.reps, mean_s: l.mean_s, speed_mps: l.speed_mps, hr: hr(l.hr) };
            return structured(w, Reason::LapRepetitions, cx, f, max);
        }
    }
    // A continuous race effort.
    let whole_hr = ev.segments.parts.iter().find(|p| p.kind == PartKind::Run).and_then(|p| p.hr);
    if let (Some(d), true) = (ev.distance_m, sig.is_empty()) {
        let whole = ev.segments.parts.iter().find(|p| p.kind == PartKind::Run);
        // The median speed: a walk to the start or a standing pen lowers the mean of the whole
        // run, not the speed it was raced at.
        let speed = whole
            .map_or(d / ev.moving_s.max(1.0), |p| p.effort_mps)
            .max(ev.median_speed_mps.unwrap_or(0.0));
        if let Some(dec) =
            race_effort(ev.moving_s, d, d, hr(whole_hr.or(ev.median_hr)), speed, true, cx)
        {
            return dec;
        }
    }
    // Strides.
    f.settled_hr = ev.settled_hr.or(ev.median_hr);
    let st = ev.segments.strides;
    let hard = main.is_some_and(|i| i.domain == Domain::Hard);
    if st.count >= 3 && !hard {
        // Short fast pieces that drive the heart rate up are short intervals or hill reps
        // (strides leave it near easy).
        let driven = Intensity::of(hr(st.hr), cx)
            .is_some_and(|i| i.tempo || i.domain == Domain::Hard)
            && hr(st.hr).zip(hr(f.settled_hr)).is_none_or(|(s, h)| s >= h + 10.0);
        if st.count >= 4 && driven {
            return (
                RunType::Intervals,
                Reason::SpeedRepetitions,
                0.6,
                format!("intervals: {} short reps of {:.0} s", st.count, st.mean_s),
            );
        }
        return (
            RunType::EasyWithStrides,
            Reason::Strides,
            0.85,
            format!("easy with strides: {} strides of {:.0} s", st.count, st.mean_s),
        );
    }
    // Long: clearly longer than usual, and easy.
    let easy = match main {
        Some(i) => {
            i.domain == Domain::Easy
                || hr(f.settled_hr).zip(cx.zones).is_some_and(|(h, z)| {
                    z.domain_of(
                        (h - f64::from(RECOVERY_TOLERANCE_BPM)).round().clamp(0.0, 255.0) as u8
                    ) == Domain::Easy
                })
        }
        None => {
            by_pace(ev.median_speed_mps, cx, ev.moving_s).0 != RunType::Steady
                && by_pace(ev.median_speed_mps, cx, ev.moving_s).0 != RunType::Tempo
        }
    };
    if easy {
        if let Some((conf, why)) = long_run(ev.moving_s, &cx.norms) {
            return (RunType::Long, Reason::Duration, conf, why);
        }
    }
    if let Some(i) = main {
        let (t, r, c) = by_intensity(i, ev.moving_s);
        let h = hr(f.settled_hr).unwrap_or(0.0);
        if t == RunType::Easy && ev.moving_s <= RECOVERY_MAX_S {
            if let (Some(hours), Some(m)) = (cx.norms.hours_since_hard, max) {
                let share = cx.norms.median_easy_s.map(|e| ev.moving_s / e);
                let low = h < RECOVERY_AFTER_HARD_MAX * f64::from(m);
                // Clearly shorter than usual (three quarters), or shorter and low in Zone 2.
                let recovery = match share {
                    Some(x) => x <= RECOVERY_SHORT_SHARE || (x <= 0.85 && low),
                    None => low,
                };
                if recovery {
                    return (
                        RunType::Recovery,
                        Reason::HeartRate,
                        0.6,
                        format!(
                            "recovery: {} after a hard day ({hours:.0} h), settled at {} — above Zone 1",
                            duration_words(ev.moving_s),
                            pct(h, max)
                        ),
                    );
                }
            }
        }
        return (t, r, c, format!("{}: settled at {}", t.words(), pct(h, max)));
    }
    let (t, r, c) = by_pace(ev.median_speed_mps, cx, ev.moving_s);
    // Without heart rate, the day after a hard day a run clearly shorter than usual is the
    // recovery run it was meant to be (pace cannot tell recovery from easy running).
    if t == RunType::Easy && ev.moving_s <= RECOVERY_MAX_S {
        if let (Some(hours), Some(e)) = (cx.norms.hours_since_hard, cx.norms.median_easy_s) {
            if ev.moving_s <= RECOVERY_SHORT_SHARE * e {
                return (
                    RunType::Recovery,
                    Reason::Pace,
                    0.45,
                    format!(
                        "recovery: {} after a hard day ({hours:.0} h), your easy runs are {} on median (no heart rate)",
                        duration_words(ev.moving_s),
                        duration_words(e)
                    ),
                );
            }
        }
    }
    let why = match r {
        Reason::Pace => format!("{}: by pace (no heart rate)", t.words()),
        _ => "too little data to tell".to_owned(),
    };
    (t, r, c, why)
}

/// Seconds in words for an explanation: "1 h 52 min", "55 min", "75 min", "4 min 10 s", "35 s".
fn duration_words(s: f64) -> String {
    let t = s.max(0.0).round() as u64;
    if t >= 5400 {
        format!("{} h {:02} min", t / 3600, (t % 3600 + 30) / 60)
    } else if t >= 600 {
        format!("{} min", (t + 30) / 60)
    } else if t >= 60 && t % 60 != 0 {
        format!("{} min {:02} s", t / 60, t % 60)
    } else if t >= 60 {
        format!("{} min", t / 60)
    } else {
        format!("{t} s")
    }
}

/// One part from the first work part's start to the last one's end (or the active lap's).
fn block_of(work: &[&Part], lap: Option<LapWork>) -> Part {
    let (Some(first), Some(last)) = (work.first(), work.last()) else {
        let l = lap.unwrap_or(LapWork {
            reps: 1,
            mean_s: 0.0,
            start_s: 0.0,
            distance_m: 0.0,
            speed_mps: None,
            hr: None,
        });
        return Part {
            kind: PartKind::Work,
            start_s: l.start_s,
            duration_s: l.mean_s,
            distance_m: l.distance_m,
            effort_mps: l.speed_mps.unwrap_or(0.0),
            hr: l.hr,
            hr_late: l.hr,
            stopped_s: 0.0,
        };
    };
    let mut b = Part {
        kind: PartKind::Work,
        start_s: first.start_s,
        duration_s: last.start_s + last.duration_s - first.start_s,
        distance_m: work.iter().map(|p| p.distance_m).sum(),
        effort_mps: 0.0,
        hr: None,
        hr_late: None,
        stopped_s: 0.0,
    };
    let t: f64 = work.iter().map(|p| p.duration_s).sum();
    b.effort_mps = work.iter().map(|p| p.effort_mps * p.duration_s).sum::<f64>() / t.max(1.0);
    b.hr = {
        let (s, w) = work
            .iter()
            .filter_map(|p| p.hr.map(|h| (h * p.duration_s, p.duration_s)))
            .fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
        (w > 0.0).then(|| s / w)
    };
    b.hr_late = last.hr_late;
    if let Some(l) = lap {
        b.start_s = l.start_s;
        b.duration_s = l.mean_s;
        if l.distance_m > 0.0 {
            b.distance_m = l.distance_m;
        }
        if let Some(v) = l.speed_mps {
            b.effort_mps = v;
        }
        b.hr = b.hr.or(l.hr);
    }
    b
}

/// Three or more work pieces of very different lengths (coefficient of variation above 0.6)
/// whose gaps keep the heart rate within 12 bpm of the work's: one effort over uneven ground,
/// not a session of reps (reps are of a set length, and a recovery lets the heart rate fall
/// 15–30 bpm).
fn irregular_without_recovery(ev: &Evidence, work: &[&Part]) -> bool {
    if work.len() < 3 {
        return false;
    }
    let n = work.len() as f64;
    let mean = work.iter().map(|p| p.duration_s).sum::<f64>() / n;
    let var = work.iter().map(|p| (p.duration_s - mean).powi(2)).sum::<f64>() / n;
    if var.sqrt() <= 0.6 * mean {
        return false;
    }
    let (Some(whr), first, last) = (ev.work_hr(), work[0].start_s, work[work.len() - 1].start_s)
    else {
        return false;
    };
    let gaps: Vec<f64> = ev
        .segments
        .parts
        .iter()
        .filter(|p| p.kind == PartKind::Recovery && p.start_s > first && p.start_s < last)
        .filter_map(|p| p.hr)
        .collect();
    !gaps.is_empty() && gaps.iter().sum::<f64>() / gaps.len() as f64 >= whr - 12.0
}

/// Work is run harder than the rest: its heart rate at least this many bpm above the mean of
/// the warm-up, recoveries and cool-down (a few bpm is pace drifting on a continuous run; a
/// tempo block, a race or reps are 15–40 bpm above the jog).
pub const WORK_HR_RISE_BPM: f64 = 10.0;

/// Work is at least this share of max heart rate (threshold reps run at 87–91 %, `VO2max` reps
/// above 90 %, a tempo at 80–88 %; even short reps' second halves pass 80 %).
pub const WORK_MIN_FROM_MAX: f64 = 0.75;

/// The work's heart rate confirms the structure the speed shows (always, without heart rate).
fn confirmed_by_hr(ev: &Evidence, work_hr: Option<f64>, max: Option<u8>) -> bool {
    let Some(h) = work_hr else {
        return true;
    };
    if max.is_some_and(|m| h < WORK_MIN_FROM_MAX * f64::from(m)) {
        return false;
    }
    let (s, w) = ev
        .segments
        .parts
        .iter()
        .filter(|p| p.kind != PartKind::Work)
        .filter_map(|p| p.hr.map(|h| (h, p.duration_s)))
        .fold((0.0, 0.0), |(s, w), (h, d)| (s + h * d, w + d));
    w <= 0.0 || h >= s / w + WORK_HR_RISE_BPM
}

/// A work part this long or longer is a block (a tempo run, a race) when it is the only one, s.
pub const MIN_BLOCK_S: f64 = 6.0 * 60.0;

/// Standard race distances (m) with their names.
pub const RACE_DISTANCES: [(f64, &str); 6] = [
    (5_000.0, "5 km"),
    (10_000.0, "10 km"),
    (15_000.0, "15 km"),
    (16_093.4, "10 mile"),
    (21_097.5, "half marathon"),
    (42_195.0, "marathon"),
];

/// The share of max heart rate a race of `duration_s` is run at: about 97 % over 15 min or
/// less, falling by 4.4 points per e-fold of duration (5 km 94–97 %, 10 km 91–94 %, half
/// marathon 87–91 %, marathon 81–87 %; Daniels' and Friel's race intensities).
#[must_use]
pub fn race_hr_fraction(duration_s: f64) -> f64 {
    let t = (duration_s / 900.0).max(1.0);
    (0.97 - 0.044 * t.ln()).max(0.78)
}

/// A race may be this much slower than race pace for its distance from threshold pace (a hilly
/// course, a hot day, a threshold pace set optimistically), as a share of threshold speed; a
/// tempo run is run at 90–95 % of threshold speed, well below 10 km race pace.
pub const RACE_PACE_MARGIN: f64 = 0.05;
/// Least share of a race distance a block inside a run covering that distance must measure (its
/// first minute may have gone to the warm-up or the start pen).
pub const RACE_BLOCK_MIN_SHARE: f64 = 0.92;

/// A race effort's heart rate may be this far below [`race_hr_fraction`] (a cool day, a
/// cautious start, a sensor reading low).
pub const RACE_HR_MARGIN: f64 = 0.03;

/// Race speed as a share of threshold speed, by distance (Daniels' VDOT tables: 5 km ≈ 104 %,
/// 10 km ≈ 100 %, half ≈ 95 %, marathon ≈ 89 %).
fn race_speed_ratio(d: f64) -> f64 {
    if d <= 5_500.0 {
        1.04
    } else if d <= 11_000.0 {
        1.0
    } else if d <= 17_000.0 {
        0.97
    } else if d <= 26_000.0 {
        0.95
    } else {
        0.89
    }
}

/// A sustained best effort: a continuous part over a standard race distance at a heart rate
/// near the race intensity for its duration, and — when threshold pace is known — at about race
/// pace for the distance. Without heart rate, pace alone (less sure).
/// The race effort of a run typed race: its one work part (a race between a warm-up and a
/// cool-down), as (distance m, moving s); `None` for a run without exactly one work part (the
/// whole run is the race).
#[must_use]
pub fn race_part(ev: &Evidence) -> Option<(f64, f64)> {
    let mut work = ev.segments.work();
    match (work.next(), work.next()) {
        (Some(p), None) if p.distance_m > 0.0 => Some((p.distance_m, p.duration_s)),
        _ => None,
    }
}

/// The standard race distance a measured distance is, within the tolerance races are recognised
/// by (96–107 % + 100 m): (metres, name).
#[must_use]
pub fn race_distance_name(distance_m: f64) -> Option<(f64, &'static str)> {
    RACE_DISTANCES
        .iter()
        .find(|(d, _)| distance_m >= 0.96 * d && distance_m <= 1.07 * d + 100.0)
        .copied()
}

#[allow(clippy::too_many_arguments)]
fn race_effort(
    duration_s: f64,
    distance_m: f64,
    run_m: f64,
    hr: Option<f64>,
    effort_mps: f64,
    whole_run: bool,
    cx: &Context<'_>,
) -> Option<Decision> {
    // A whole run may carry a short jog to the start beyond the race's own GPS excess.
    let slack = |d: f64| if whole_run { (0.05 * d).max(100.0) } else { 100.0 };
    // A block within a run that covers the distance may have lost its first minute to the
    // warm-up or the start pen (the heart rate and the speed take a minute to rise).
    let low = |d: f64| if !whole_run && run_m >= d { RACE_BLOCK_MIN_SHARE } else { 0.96 };
    let &(d, name) = RACE_DISTANCES
        .iter()
        .find(|(d, _)| distance_m >= low(*d) * d && distance_m <= 1.07 * d + slack(*d))?;
    let pace_ok = cx
        .profile
        .threshold_pace_s_per_km()
        .filter(|&tp| tp > 0.0)
        .map(|tp| effort_mps * tp / 1000.0 >= race_speed_ratio(d) - RACE_PACE_MARGIN);
    let max = cx.profile.max_hr().map(f64::from);
    let time = duration_words(duration_s);
    match (hr, max) {
        (Some(h), Some(m)) => {
            let need = race_hr_fraction(duration_s) - RACE_HR_MARGIN;
            if h / m >= need && pace_ok != Some(false) {
                let conf = if pace_ok == Some(true) { 0.85 } else { 0.75 };
                let why = format!(
                    "race: a {name} effort in {time} at {:.0} % of max HR (a race is run at about {:.0} %)",
                    100.0 * h / m,
                    100.0 * race_hr_fraction(duration_s)
                );
                return Some((RunType::Race, Reason::RaceEffort, conf, why));
            }
            None
        }
        // Without heart rate a hard effort over a race distance is not told from a tempo run:
        // only a name, a flag or a label make it a race.
        _ => None,
    }
}

/// The recording's sport, when it is not running.
fn by_sport(rec: &Recording, metrics: &RunMetrics) -> Option<RunType> {
    let sport = rec.sport?;
    match sport.sport {
        0 | 1 => None,
        11 => Some(if hilly(metrics) { RunType::Hike } else { RunType::Walk }),
        16 | 17 => Some(RunType::Hike),
        _ => Some(RunType::OtherSport),
    }
}

/// Climbing at a hiker's rate: at least 40 m per km.
fn hilly(metrics: &RunMetrics) -> bool {
    metrics.climb_m_per_km.is_some_and(|c| c >= 40.0)
}

/// Below this moving time a run gets no workout type (the review counts it as no session
/// either, `review::MIN_SESSION_S`), s.
pub const TOO_SHORT_TO_TYPE_S: f64 = 5.0 * 60.0;

/// Least share of moving time with heart rate for a type by heart rate (about half the run;
/// below it the type comes from pace, or is the default, and says so).
pub const MIN_HR_COVERAGE_TO_TYPE: f64 = 0.5;

/// Highest median cadence of walking, steps/min (running is 150+).
pub const WALK_MAX_CADENCE_SPM: f64 = 135.0;
/// Highest median speed taken as walking when there is no cadence, m/s (about 10:25 /km).
pub const WALK_MAX_SPEED_MPS: f64 = 1.6;

/// Least cadence of running, steps/min (a slow jog is 140–160; walking 100–125).
pub const RUN_MIN_CADENCE_SPM: f64 = 140.0;
/// Least share of the moving time at a running cadence that makes a run with walking in it a
/// run (run–walk, or a slow runner's jog that drops to a walk now and then): a walk with a few
/// jogged steps has far less.
pub const RUN_WALK_MIN_SHARE: f64 = 0.25;

fn walking(dist: &Distributions, metrics: &RunMetrics) -> Option<RunType> {
    let walk = match (dist.median_cadence, dist.median_speed) {
        (Some(c), _) => {
            c < WALK_MAX_CADENCE_SPM
                && dist.running_cadence_share.is_none_or(|s| s < RUN_WALK_MIN_SHARE)
        }
        (None, Some(v)) => v < WALK_MAX_SPEED_MPS,
        (None, None) => false,
    };
    walk.then(|| if hilly(metrics) { RunType::Hike } else { RunType::Walk })
}

/// Words that mean a race, in several languages (lower case, whole words or phrases).
const RACE_WORDS: [&str; 24] = [
    "race",
    "racing",
    "parkrun",
    "junior parkrun",
    "xc",
    "cross country",
    "cross-country",
    "wettkampf",
    "rennen",
    "volkslauf",
    "stadtlauf",
    "carrera",
    "gara",
    "corsa",
    "course",
    "wedstrijd",
    "lopp",
    "løp",
    "kilpailu",
    "závod",
    "bieg",
    "trail race",
    "fun run",
    "crosslauf",
];

/// Race distances as words (a race only when the run was not easy).
const DISTANCE_WORDS: [&str; 18] = [
    "5k",
    "10k",
    "5 km",
    "10 km",
    "15k",
    "8k",
    "half marathon",
    "half-marathon",
    "marathon",
    "halbmarathon",
    "halbmarathon",
    "semi-marathon",
    "semi marathon",
    "media maratón",
    "media maraton",
    "mezza maratona",
    "maratón",
    "maratona",
];

fn race_words(name: &str) -> RaceWords {
    // Normalise: lower case, every run of non-alphanumerics (except '-') to one space, padded,
    // so whole words match with " word ".
    let mut norm = String::with_capacity(name.len() + 2);
    norm.push(' ');
    let mut space = true;
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() || ch == '-' {
            norm.push(ch);
            space = false;
        } else if !space {
            norm.push(' ');
            space = true;
        }
    }
    if !space {
        norm.push(' ');
    }
    let has = |w: &str| {
        let mut pat = String::with_capacity(w.len() + 2);
        pat.push(' ');
        pat.push_str(w);
        pat.push(' ');
        norm.contains(&pat)
    };
    // "course à pied" is French for running in general, not a race.
    if RACE_WORDS.iter().any(|w| has(w)) && !norm.contains(" course à pied ") {
        RaceWords::Strong
    } else if DISTANCE_WORDS.iter().any(|w| has(w)) {
        RaceWords::Distance
    } else {
        RaceWords::None
    }
}

/// Percentiles of speed, heart rate and cadence over moving time, from fixed histograms.
struct Distributions {
    median_speed: Option<f64>,
    median_hr: Option<f64>,
    settled_hr: Option<f64>,
    median_cadence: Option<f64>,
    /// Share of the moving time with cadence at a running cadence ([`RUN_MIN_CADENCE_SPM`]).
    running_cadence_share: Option<f64>,
}

/// Speed histogram: 0.05 m/s bins up to 15 m/s.
const SPEED_BIN: f64 = 0.05;
const SPEED_BINS: usize = 300;

use crate::hist::quantile;

impl Distributions {
    fn new(track: &Track<'_>) -> Self {
        let mut speed = [0.0_f64; SPEED_BINS];
        let mut hr = [0.0_f64; 256];
        let mut settled = [0.0_f64; 256];
        let mut cadence = [0.0_f64; 256];
        let mut t = 0.0;
        for i in 0..track.len() {
            let mv = track.moving_s(i);
            if mv <= 0.0 {
                continue;
            }
            let mid = t + mv / 2.0;
            t += mv;
            if track.has_speed() {
                let bin = (track.speed(i) / SPEED_BIN) as usize;
                speed[bin.min(SPEED_BINS - 1)] += mv;
            }
            if let Some(h) = track.hr(i) {
                let w = track.hr_weight(i);
                hr[usize::from(h)] += w;
                if (SETTLED_WINDOW_S.0..SETTLED_WINDOW_S.1).contains(&mid) {
                    settled[usize::from(h)] += w;
                }
            }
            if let Some(c) = track.cadence_spm(i) {
                cadence[(c.round() as usize).min(255)] += mv;
            }
        }
        // Short runs, or a settling window mostly without heart rate: use the whole run.
        let settled_s: f64 = settled.iter().sum();
        // Whole-bpm bins are centred on their value.
        let bpm = |h: &[f64]| quantile(h, 0.5, 1.0).map(|x| x - 0.5);
        let settled_hr = if settled_s >= 300.0 { bpm(&settled) } else { None };
        let median_hr = bpm(&hr);
        let cadence_s: f64 = cadence.iter().sum();
        let running_s: f64 = cadence[RUN_MIN_CADENCE_SPM as usize..].iter().sum();
        Distributions {
            median_speed: quantile(&speed, 0.5, SPEED_BIN),
            median_hr,
            settled_hr: settled_hr.or(median_hr),
            median_cadence: bpm(&cadence),
            running_cadence_share: (cadence_s > 0.0).then(|| running_s / cadence_s),
        }
    }
}

/// Where a heart rate sits in the athlete's zones.
#[derive(Debug, Clone, Copy)]
struct Intensity {
    domain: Domain,
    /// In the lowest zone of a model with at least four zones.
    lowest_zone: bool,
    /// At least [`TEMPO_FROM_MAX`] of max HR (tempo and threshold running; the grey zone's
    /// steady running is below).
    tempo: bool,
    /// Distance to the nearest boundary that decides the type, bpm.
    margin: f64,
}

/// Share of max HR from which continuous running is tempo rather than steady: steady running
/// and marathon pace sit at 75–83 % of max HR, tempo and threshold running at 84–90 % (Daniels'
/// M and T intensities).
pub const TEMPO_FROM_MAX: f64 = 0.82;

impl Intensity {
    fn of(hr: Option<f64>, cx: &Context<'_>) -> Option<Intensity> {
        let hr = hr?;
        let bpm = hr.round().clamp(0.0, 255.0) as u8;
        let max = cx.profile.max_hr().map(f64::from);
        let margin_of =
            |bounds: &[f64]| bounds.iter().map(|b| (hr - b).abs()).fold(f64::INFINITY, f64::min);
        if let Some(z) = cx.zones {
            let under_ceiling = bpm.saturating_sub(RECOVERY_TOLERANCE_BPM);
            let lowest = z.zones().len() >= 4 && z.zone_of(under_ceiling) == 0;
            // Within the tolerance above the easy domain's ceiling is still easy (sensor scatter
            // and day-to-day variation); the grey-band verdict says it was at the top.
            let domain = match z.domain_of(bpm) {
                Domain::Moderate if z.domain_of(under_ceiling) == Domain::Easy => Domain::Easy,
                d => d,
            };
            let mut bounds = vec![f64::from(z.moderate_from()), f64::from(z.hard_from())];
            if let Some(first) = z.zones().first() {
                bounds.push(f64::from(first.high_bpm) + 0.5 + f64::from(RECOVERY_TOLERANCE_BPM));
            }
            let tempo = match max {
                Some(m) => {
                    bounds.push(TEMPO_FROM_MAX * m);
                    hr >= TEMPO_FROM_MAX * m
                }
                None => domain == Domain::Hard,
            };
            return Some(Intensity {
                domain,
                lowest_zone: lowest,
                tempo,
                margin: margin_of(&bounds),
            });
        }
        // No zone table: fall back on % of max heart rate (60/70/90 %).
        let max = max?;
        let f = hr / max;
        Some(Intensity {
            domain: if hr - f64::from(RECOVERY_TOLERANCE_BPM) < 0.7 * max {
                Domain::Easy
            } else if f < 0.9 {
                Domain::Moderate
            } else {
                Domain::Hard
            },
            lowest_zone: hr - f64::from(RECOVERY_TOLERANCE_BPM) < 0.6 * max,
            tempo: f >= TEMPO_FROM_MAX,
            margin: margin_of(&[
                0.6 * max + f64::from(RECOVERY_TOLERANCE_BPM),
                0.7 * max,
                0.8 * max,
                0.9 * max,
            ]),
        })
    }

    /// A confidence lowered near a boundary (sensor scatter and day-to-day variation are about
    /// ±2 bpm): within 1 bpm it is a guess.
    fn sure(self, c: f64) -> f64 {
        if self.margin < 1.0 {
            c.min(0.45)
        } else if self.margin < 2.5 {
            c.min(0.6)
        } else {
            c
        }
    }
}

fn by_intensity(i: Intensity, moving_s: f64) -> (RunType, Reason, f64) {
    let (t, c) = match i.domain {
        Domain::Easy if i.lowest_zone && moving_s <= RECOVERY_MAX_S => (RunType::Recovery, 0.8),
        Domain::Easy => (RunType::Easy, 0.85),
        Domain::Moderate if !i.tempo => (RunType::Steady, 0.8),
        Domain::Moderate => (RunType::Tempo, 0.7),
        Domain::Hard => (RunType::Tempo, 0.6),
    };
    (t, Reason::HeartRate, i.sure(c))
}

/// Without heart rate: the median pace against threshold pace (after Friel's pace zones: slower
/// than 113 % of threshold pace is easy, 101–113 % steady, faster tempo; Friel's recovery band,
/// slower than 129 %, overlaps many runners' easy pace, so it is not used).
fn by_pace(median_speed: Option<f64>, cx: &Context<'_>, moving_s: f64) -> (RunType, Reason, f64) {
    let (Some(v), Some(tp)) = (median_speed, cx.profile.threshold_pace_s_per_km()) else {
        return (RunType::Easy, Reason::Default, 0.3);
    };
    if v <= 0.0 {
        return (RunType::Easy, Reason::Default, 0.3);
    }
    let ratio = 1000.0 / v / tp;
    // Recovery and easy running overlap in pace (both are far slower than threshold, and a
    // recovery run is told by heart rate): slower than 113 % is easy, and not sure.
    let _ = moving_s;
    let (t, c) = match ratio {
        r if r > 1.13 => (RunType::Easy, 0.45),
        r if r > 1.0 => (RunType::Steady, 0.45),
        _ => (RunType::Tempo, 0.45),
    };
    (t, Reason::Pace, c)
}

/// Long by the athlete's norms: at least [`LONG_ABSOLUTE_S`]; or [`LONG_RATIO`] × the median
/// easy run; or [`LONG_RATIO_WEEK`] × the median and longer than every run of the past week.
/// With the confidence and the norm it used, in words.
fn long_run(moving_s: f64, norms: &Norms) -> Option<(f64, String)> {
    let median = norms.median_easy_s.filter(|&m| m > 0.0);
    let usual = median
        .map_or(String::new(), |m| format!(", your easy runs are {} on median", duration_words(m)));
    let t = duration_words(moving_s);
    if moving_s >= LONG_ABSOLUTE_S {
        return Some((0.9, format!("long: {t}{usual}")));
    }
    if moving_s < LONG_MIN_S {
        return None;
    }
    let median = median?;
    let ratio = moving_s / median;
    let longest_of_week = norms.longest_recent_s.is_none_or(|l| moving_s > l);
    // As long as the runner's own long runs (90 % of their median): a long run however the
    // week fell.
    let like_long = norms.median_long_s.is_some_and(|l| moving_s >= LONG_LIKE_SHARE * l);
    if ratio >= LONG_RATIO && (longest_of_week || like_long) {
        Some((0.85, format!("long: {t}{usual}")))
    } else if ratio >= LONG_RATIO_WEEK && longest_of_week {
        Some((0.7, format!("long: {t}{usual}, and your longest run of the week")))
    } else if ratio >= LONG_RATIO_WEEK && like_long {
        let l = norms.median_long_s.unwrap_or(0.0);
        Some((0.7, format!("long: {t}{usual}, your long runs {}", duration_words(l))))
    } else {
        None
    }
}

/// One lap, measured from the samples.
#[derive(Debug, Clone, Copy, Default)]
struct LapRow {
    intensity: Option<u8>,
    moving_s: f64,
    gap_dist: f64,
    /// Distance and seconds on the flat (grade within about ±2 %).
    flat: [f64; 2],
    /// Heart rate of the lap's second half: [sum·w, w].
    hr_late: [f64; 2],
    dist: f64,
}

/// Grade factor within 10 % of the flat's: grade within about −3 % … +2 %.
fn is_flat(track: &Track<'_>, i: usize) -> bool {
    (track.grade_factor(i) - 1.0).abs() < 0.1
}

/// Laps measured from the samples they cover (by start time), only when some lap is marked
/// warm-up, rest or cool-down. O(n + laps).
fn lap_rows(track: &Track<'_>) -> Vec<LapRow> {
    let laps = &track.recording().laps;
    if laps.len() < 2 || !laps.iter().any(|l| matches!(l.intensity, Some(1..=3))) {
        return Vec::new();
    }
    let mut rows: Vec<LapRow> =
        laps.iter().map(|l| LapRow { intensity: l.intensity, ..LapRow::default() }).collect();
    let starts: Vec<i64> = laps.iter().map(|l| l.start.unwrap_or(i64::MIN)).collect();
    // A sample belongs to the last lap that started at or before it.
    let mut k = 0;
    let dist = track.distance();
    let mut prev: Option<usize> = None;
    for i in 0..track.len() {
        let Some(t) = track.time_ms(i) else { continue };
        while k + 1 < starts.len() && starts[k + 1] <= t {
            k += 1;
        }
        if let Some(j) = prev {
            let mv = track.moving_s(j);
            if mv > 0.0 {
                let row = &mut rows[k];
                row.moving_s += mv;
                row.dist += dist[i] - dist[j];
                let gap =
                    if track.speed(j) > 0.0 { track.gap_speed(j) / track.speed(j) } else { 1.0 };
                row.gap_dist += (dist[i] - dist[j]) * gap;
                if is_flat(track, j) {
                    row.flat[0] += dist[i] - dist[j];
                    row.flat[1] += mv;
                }
            }
        }
        prev = Some(i);
    }
    // Second pass for the heart rate of each lap's second half.
    let mut k = 0;
    let mut t_in = 0.0;
    for i in 0..track.len() {
        let Some(t) = track.time_ms(i) else { continue };
        while k + 1 < starts.len() && starts[k + 1] <= t {
            k += 1;
            t_in = 0.0;
        }
        t_in += track.moving_s(i);
        let row = &mut rows[k];
        if let Some(h) = track.hr(i) {
            if t_in >= row.moving_s / 2.0 {
                let w = track.hr_weight(i);
                row.hr_late[0] += f64::from(h) * w;
                row.hr_late[1] += w;
            }
        }
    }
    rows
}

/// Work found in a run: reps or one block.
#[derive(Debug, Clone, Copy)]
struct Work {
    reps: u32,
    mean_s: f64,
    speed_mps: Option<f64>,
    hr: Option<f64>,
}

/// Flat speed when the flat is at least 30 % of the work, else grade-adjusted speed.
fn work_speed(flat: [f64; 2], gap_dist: f64, total_s: f64) -> Option<f64> {
    if total_s <= 0.0 {
        None
    } else if flat[1] >= 0.3 * total_s && flat[0] > 0.0 {
        Some(flat[0] / flat[1])
    } else {
        (gap_dist > 0.0).then(|| gap_dist / total_s)
    }
}

/// Structure from FIT lap intensities: warm-up 2, active 0, rest 1, cool-down 3. Active laps
/// shorter than [`crate::segment::MIN_WORK_S`] are strides, not work.
fn lap_structure(rows: &[LapRow]) -> Option<LapWork> {
    let rests = rows.iter().filter(|r| r.intensity == Some(1) && r.moving_s > 0.0).count();
    let work: Vec<&LapRow> = rows
        .iter()
        .filter(|r| r.intensity == Some(0) && r.moving_s >= crate::segment::MIN_WORK_S)
        .collect();
    if work.is_empty() || (rests == 0 && work.len() > 1) {
        return None;
    }
    let total_s: f64 = work.iter().map(|r| r.moving_s).sum();
    let gap: f64 = work.iter().map(|r| r.gap_dist).sum();
    let flat = work.iter().fold([0.0, 0.0], |a, r| [a[0] + r.flat[0], a[1] + r.flat[1]]);
    let hr_late: [f64; 2] =
        work.iter().fold([0.0, 0.0], |a, r| [a[0] + r.hr_late[0], a[1] + r.hr_late[1]]);
    let first = rows
        .iter()
        .position(|r| r.intensity == Some(0) && r.moving_s >= crate::segment::MIN_WORK_S)?;
    Some(LapWork {
        reps: work.len() as u32,
        mean_s: total_s / work.len() as f64,
        start_s: rows[..first].iter().map(|r| r.moving_s).sum(),
        distance_m: work.iter().map(|r| r.dist).sum(),
        speed_mps: work_speed(flat, gap, total_s),
        hr: (hr_late[1] > 0.0).then(|| hr_late[0] / hr_late[1]),
    })
}

/// Reps at or above this fraction of threshold speed are `VO2max` intervals (threshold work is
/// run at 98–102 %, `VO2max` reps at about 108–114 %).
pub const VO2_SPEED_RATIO: f64 = 1.05;
/// Reps shorter than this are `VO2max` (or faster) work whatever their measured pace: threshold
/// work comes in reps of several minutes (Daniels' cruise intervals), s.
pub const VO2_MAX_REP_S: f64 = 150.0;
/// Reps longer than this are threshold work: `VO2max` reps last 2–5 min (Daniels), s.
pub const THRESHOLD_LONG_REP_S: f64 = 420.0;
/// Reps whose second halves reach this share of max HR are `VO2max` work (threshold reps stay
/// at 86–91 %; reps of 2–5 min at `VO2max` pace drive it to 92–98 %).
pub const VO2_FROM_MAX: f64 = 0.93;
/// Reps this long or longer are threshold work when speed and heart rate cannot tell, s.
pub const THRESHOLD_MIN_REP_S: f64 = 360.0;

fn structured(
    w: Work,
    reason: Reason,
    cx: &Context<'_>,
    f: &mut Features,
    max: Option<u8>,
) -> Decision {
    f.reps = w.reps;
    f.rep_mean_s = Some(w.mean_s);
    f.rep_speed_mps = w.speed_mps;
    f.rep_hr = w.hr;
    // Threshold or VO2max: rep length when it decides, else speed against threshold pace, else
    // heart rate against LTHR, else rep length again.
    let by_speed = match (w.speed_mps, cx.profile.threshold_pace_s_per_km()) {
        (Some(v), Some(tp)) if tp > 0.0 => Some(v * tp / 1000.0 >= VO2_SPEED_RATIO),
        _ => None,
    };
    let by_hr = || match (w.hr, cx.profile.lthr()) {
        (Some(h), Some(l)) => Some(h > f64::from(l) + 3.0),
        _ => None,
    };
    let near_max = match (w.hr, max) {
        (Some(h), Some(m)) => Some(h >= VO2_FROM_MAX * f64::from(m)),
        _ => None,
    };
    // Reps of up to 5 min whose second halves pass 90 % of max: `VO2max` work (cruise
    // intervals are longer or lower).
    let near_90 = match (w.hr, max) {
        (Some(h), Some(m)) => Some(h >= 0.90 * f64::from(m)),
        _ => None,
    };
    let (vo2, conf) = if w.mean_s < VO2_MAX_REP_S {
        (true, 0.85)
    } else if w.mean_s > THRESHOLD_LONG_REP_S {
        (false, 0.85)
    } else if near_max == Some(true) || (w.mean_s <= 300.0 && near_90 == Some(true)) {
        (true, 0.8)
    } else {
        match by_speed {
            Some(v) => (v, 0.8),
            None => match by_hr() {
                Some(v) => (v, 0.7),
                None => (w.mean_s < THRESHOLD_MIN_REP_S, 0.55),
            },
        }
    };
    let t = if vo2 { RunType::Intervals } else { RunType::Threshold };
    let at = w.hr.map_or(String::new(), |h| format!(" at {}", pct(h, max)));
    let why = format!("{}: {} × {}{at}", t.words(), w.reps, duration_words(w.mean_s));
    (t, reason, conf, why)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use crate::metrics::measure;
    use crate::zones::ZoneModel;
    use slowburn_formats::{Samples, Sport, Summary};

    /// A 1 Hz run from segments of (seconds, m/s, bpm), flat; with `laps`, one lap per segment
    /// with the given FIT intensities.
    pub(crate) fn run(segs: &[(usize, f64, u8)], laps: Option<&[u8]>) -> Recording {
        let mut s = Samples::default();
        let mut d = 0.0;
        let mut lap_rows = Vec::new();
        let t0 = 1_700_000_000_000_i64;
        for (k, &(secs, v, hr)) in segs.iter().enumerate() {
            let start = s.len();
            for _ in 0..secs {
                let i = s.push_empty();
                s.time[i] = Some(t0 + i as i64 * 1000);
                s.distance_m[i] = Some(d);
                s.speed_mps[i] = Some(v as f32);
                s.heart_rate[i] = Some(hr);
                s.altitude_m[i] = Some(250.0);
                s.cadence[i] = Some((74.0 + 3.6 * v) as f32);
                d += v;
            }
            if let Some(l) = laps {
                lap_rows.push(Summary {
                    start: Some(t0 + start as i64 * 1000),
                    intensity: l.get(k).copied(),
                    ..Summary::default()
                });
            }
        }
        Recording {
            sport: Some(Sport::RUNNING),
            samples: s,
            laps: lap_rows,
            ..Recording::default()
        }
    }

    fn profile() -> Profile {
        let d = jiff::civil::date(2024, 1, 1);
        let e = ProfileEntry {
            max_hr: Some(190),
            resting_hr: Some(50),
            lthr: Some(170),
            threshold_pace_s_per_km: Some(240.0),
            ..ProfileEntry::new(d)
        };
        Athlete::from_entries(vec![e]).at(d)
    }

    fn classify_with(rec: &Recording, norms: Norms, hints: Hints<'_>) -> Classification {
        let p = profile();
        let zones = ZoneModel::PercentMax.zones(&p).unwrap();
        let track = Track::new(rec, &rec.samples.heart_rate);
        let m = measure(&track, &p, Some(&zones));
        classify(&track, &m, &Context { profile: &p, zones: Some(&zones), norms, hints })
    }

    fn type_of(rec: &Recording) -> RunType {
        classify_with(rec, Norms::default(), Hints::default()).run_type
    }

    // %max zones for max 190: Z1 < 114, Z2 114–132, Z3 133–151, Z4 152–170, Z5 ≥ 171.

    #[test]
    fn names_parse_back() {
        for t in RunType::ALL {
            assert_eq!(RunType::from_name(t.name()), Some(t));
            assert_eq!(RunType::from_user(t.words()), Some(t));
        }
        for r in Reason::ALL {
            assert_eq!(Reason::from_name(r.name()), Some(r));
        }
        assert_eq!(RunType::from_user("Strides"), Some(RunType::EasyWithStrides));
        assert_eq!(RunType::from_user("sprint"), None);
    }

    #[test]
    fn continuous_runs_by_settled_heart_rate() {
        assert_eq!(type_of(&run(&[(2400, 2.6, 108)], None)), RunType::Recovery);
        // 2 bpm over Zone 1's ceiling still counts as a recovery run…
        assert_eq!(type_of(&run(&[(2400, 2.6, 115)], None)), RunType::Recovery);
        // …3 bpm over does not.
        assert_eq!(type_of(&run(&[(2400, 2.6, 116)], None)), RunType::Easy);
        assert_eq!(type_of(&run(&[(2400, 2.9, 125)], None)), RunType::Easy);
        assert_eq!(type_of(&run(&[(2400, 3.3, 142)], None)), RunType::Steady);
        // A recovery-effort run of 70 min is an easy run.
        assert_eq!(type_of(&run(&[(4200, 2.6, 108)], None)), RunType::Easy);
        // Drift late in a recovery run does not change what it was.
        let r = run(&[(1200, 2.6, 108), (1200, 2.6, 120)], None);
        assert_eq!(type_of(&r), RunType::Recovery);
    }

    #[test]
    fn a_few_minutes_get_no_workout_type() {
        // 36 s at threshold heart rate: not a tempo run, and not sure of anything.
        let c = classify_with(&run(&[(36, 4.5, 165)], None), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Easy, Reason::Default));
        assert!(c.confidence < 0.5);
    }

    #[test]
    fn heart_rate_over_a_sliver_of_the_run_does_not_type_it() {
        // 40 min at an easy pace; heart rate in only the first 40 s (1.7 %), in Zone 1.
        let mut r = run(&[(2400, 2.9, 108)], None);
        for h in r.samples.heart_rate.iter_mut().skip(40) {
            *h = None;
        }
        let c = classify_with(&r, Norms::default(), Hints::default());
        assert!(matches!(c.reason, Reason::Pace | Reason::Default), "{c:?}");
    }

    #[test]
    fn user_label_always_wins() {
        let r = run(&[(2400, 2.9, 125)], None);
        let c = classify_with(
            &r,
            Norms::default(),
            Hints { label: Some(RunType::Race), ..Hints::default() },
        );
        assert_eq!((c.run_type, c.reason, c.confidence), (RunType::Race, Reason::UserLabel, 1.0));
    }

    #[test]
    fn sport_and_walking() {
        let mut r = run(&[(2400, 6.0, 125)], None);
        r.sport = Some(Sport::CYCLING);
        assert_eq!(type_of(&r), RunType::OtherSport);
        r.sport = Some(Sport::WALKING);
        assert_eq!(type_of(&r), RunType::Walk);
        r.sport = Some(Sport::HIKING);
        assert_eq!(type_of(&r), RunType::Hike);
        // Recorded as running, but at walking cadence (58 strides = 116 steps/min).
        let mut w = run(&[(2400, 1.4, 100)], None);
        w.samples.cadence.iter_mut().for_each(|c| *c = Some(58.0));
        let c = classify_with(&w, Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Walk, Reason::WalkingGait));
        // Run–walk: walking cadence most of the time, but 30 % of it at a running cadence (80
        // strides = 160 steps/min) is a run; 20 % is still a walk with a few jogged steps.
        for (share, walk) in [(0.3, false), (0.2, true)] {
            let mut rw = run(&[(2400, 1.9, 120)], None);
            let n = rw.samples.cadence.len();
            for (i, c) in rw.samples.cadence.iter_mut().enumerate() {
                *c = Some(if (i as f64) < share * n as f64 { 80.0 } else { 58.0 });
            }
            let c = classify_with(&rw, Norms::default(), Hints::default());
            assert_eq!(c.reason == Reason::WalkingGait, walk, "{share}: {c:?}");
        }
    }

    #[test]
    fn races_by_name_and_flag() {
        let r = run(&[(600, 2.9, 125), (1200, 4.2, 172), (300, 2.6, 130)], None);
        let by_name =
            |n| classify_with(&r, Norms::default(), Hints { name: Some(n), ..Hints::default() });
        assert_eq!(by_name("Saturday parkrun").run_type, RunType::Race);
        assert_eq!(by_name("Stadtlauf Freiburg").run_type, RunType::Race);
        assert_eq!(by_name("City 10K").run_type, RunType::Race);
        let flagged = classify_with(&r, Norms::default(), Hints { race: true, ..Hints::default() });
        assert_eq!(flagged.reason, Reason::RaceFlag);
        // A distance in the name of an easy run is not a race.
        let easy = run(&[(3600, 2.9, 125)], None);
        let c = classify_with(
            &easy,
            Norms::default(),
            Hints { name: Some("Easy 10k"), ..Hints::default() },
        );
        assert_eq!(c.run_type, RunType::Easy);
    }

    #[test]
    fn workouts_from_laps() {
        // Warm-up, 6 × (60 s at 4.6 m/s, 60 s jog), cool-down: VO2max intervals.
        let mut segs = vec![(600, 2.9, 125)];
        let mut ints = vec![2];
        for _ in 0..6 {
            segs.push((60, 4.6, 175));
            segs.push((60, 2.4, 140));
            ints.extend([0, 1]);
        }
        segs.push((600, 2.7, 125));
        ints.push(3);
        let c = classify_with(&run(&segs, Some(&ints)), Norms::default(), Hints::default());
        // The signal shows the structure the laps mark.
        assert_eq!((c.run_type, c.reason), (RunType::Intervals, Reason::SpeedRepetitions), "{c:?}");
        assert_eq!(c.features.reps, 6);
        // Without speed (a treadmill without a foot pod) the laps tell.
        let mut treadmill = run(&segs, Some(&ints));
        treadmill.samples.speed_mps.iter_mut().for_each(|v| *v = None);
        treadmill.samples.distance_m.iter_mut().for_each(|v| *v = None);
        let c = classify_with(&treadmill, Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Intervals, Reason::LapRepetitions), "{c:?}");
        // 3 × 10 min at threshold pace (4.17 m/s) with 2 min jogs: threshold.
        let segs = [
            (900, 2.9, 125),
            (600, 4.15, 166),
            (120, 2.4, 140),
            (600, 4.15, 168),
            (120, 2.4, 140),
            (600, 4.15, 169),
            (600, 2.7, 125),
        ];
        let c = classify_with(
            &run(&segs, Some(&[2, 0, 1, 0, 1, 0, 3])),
            Norms::default(),
            Hints::default(),
        );
        assert_eq!(c.run_type, RunType::Threshold, "{c:?}");
        // Warm-up, 25 min block, cool-down: tempo.
        let segs = [(900, 2.9, 125), (1500, 3.9, 160), (600, 2.7, 125)];
        let c = classify_with(&run(&segs, Some(&[2, 0, 3])), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Tempo, Reason::SpeedBlock));
    }

    #[test]
    fn workouts_from_speed_without_laps() {
        let mut segs = vec![(900, 2.9, 125)];
        for _ in 0..5 {
            segs.push((180, 4.5, 174));
            segs.push((120, 2.4, 140));
        }
        segs.push((600, 2.7, 125));
        let c = classify_with(&run(&segs, None), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Intervals, Reason::SpeedRepetitions), "{c:?}");
        let segs = [(900, 2.9, 125), (1500, 3.9, 160), (600, 2.7, 125)];
        let c = classify_with(&run(&segs, None), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Tempo, Reason::SpeedBlock), "{c:?}");
    }

    #[test]
    fn strides_late_in_an_easy_run() {
        let mut segs = vec![(2100, 2.9, 125)];
        for _ in 0..6 {
            segs.push((20, 4.8, 135));
            segs.push((70, 2.4, 128));
        }
        segs.push((240, 2.9, 125));
        let c = classify_with(&run(&segs, None), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.features.strides), (RunType::EasyWithStrides, 6), "{c:?}");
        // A lap per stride and per walk-back changes nothing.
        let mut ints = vec![0];
        ints.extend([0, 1].repeat(6));
        ints.push(0);
        let c = classify_with(&run(&segs, Some(&ints)), Norms::default(), Hints::default());
        assert_eq!((c.run_type, c.features.strides), (RunType::EasyWithStrides, 6), "{c:?}");
        // Pick-ups in the first minutes are the warm-up, not strides.
        let mut early = vec![(60, 2.9, 125)];
        early.extend_from_slice(&segs[1..7]);
        early.push((2400, 2.9, 125));
        assert_eq!(type_of(&run(&early, None)), RunType::Easy);
    }

    #[test]
    fn long_runs_against_norms() {
        let r = run(&[(4800, 2.9, 125)], None);
        let norms = Norms {
            median_easy_s: Some(2700.0),
            longest_recent_s: Some(3600.0),
            median_long_s: None,
            hours_since_hard: None,
        };
        let c = classify_with(&r, norms, Hints::default());
        assert_eq!((c.run_type, c.reason), (RunType::Long, Reason::Duration));
        // Not the longest run of the week: an easy run.
        let busy = Norms { longest_recent_s: Some(6000.0), ..norms };
        assert_eq!(classify_with(&r, busy, Hints::default()).run_type, RunType::Easy);
        // 90 min is long whatever the norms.
        assert_eq!(type_of(&run(&[(5401, 2.9, 125)], None)), RunType::Long);
    }

    #[test]
    fn race_names_in_several_languages() {
        for n in
            ["Parkrun", "City Race", "Cross-country", "XC relays", "Wettkampf", "Carrera popular"]
        {
            assert!(matches!(race_words(n), RaceWords::Strong), "{n}");
        }
        for n in ["City 10K", "Riverside Half Marathon", "Halbmarathon Freiburg", "Autumn Marathon"]
        {
            assert!(matches!(race_words(n), RaceWords::Distance), "{n}");
        }
        for n in [
            "Easy run",
            "Tempo 20 min",
            "Track 6×1000 m",
            "Exciting run",
            "Course à pied",
            "Racetrack",
        ] {
            assert!(matches!(race_words(n), RaceWords::None), "{n}");
        }
    }

    #[test]
    fn norms_from_history() {
        let day = 86_400_000;
        let now = 100 * day;
        let run = |d: i64, min: f64, t| PastRun {
            start_ms: now - d * day,
            moving_s: min * 60.0,
            run_type: t,
        };
        let h = [
            run(1, 40.0, RunType::Easy),
            run(2, 30.0, RunType::Recovery),
            run(3, 50.0, RunType::Tempo),
            run(6, 80.0, RunType::Long),
            run(8, 45.0, RunType::Steady),
            run(40, 20.0, RunType::Easy),
            run(-1, 200.0, RunType::Easy),
        ];
        let n = Norms::from_history(&h, now);
        // Easy runs only (recovery runs are short, steady runs their own kind).
        assert_eq!(n.median_easy_s, Some(40.0 * 60.0));
        assert_eq!(n.longest_recent_s, Some(80.0 * 60.0));
        assert_eq!(n.median_long_s, Some(80.0 * 60.0));
        // A long run six days after the last one is long: it is like the runner's long runs.
        let again = Norms { longest_recent_s: Some(82.0 * 60.0), ..n };
        assert!(long_run(75.0 * 60.0, &again).is_some());
        assert!(long_run(60.0 * 60.0, &again).is_none());
    }

    #[test]
    fn long_by_norms() {
        let n = Norms {
            median_easy_s: Some(2400.0),
            longest_recent_s: Some(3000.0),
            median_long_s: None,
            hours_since_hard: None,
        };
        assert!(long_run(3700.0, &n).is_some()); // 1.54 × median, longest of the week
        assert!(long_run(2950.0, &n).is_none()); // 1.23 ×, not the longest of the week
        assert!(long_run(3100.0, &n).is_some()); // 1.29 ×, longest of the week
        assert!(long_run(5400.0, &Norms::default()).is_some());
        assert!(long_run(3600.0, &Norms::default()).is_none());
        let busy = Norms {
            median_easy_s: Some(2400.0),
            longest_recent_s: Some(6000.0),
            median_long_s: None,
            hours_since_hard: None,
        };
        assert!(long_run(4200.0, &busy).is_none(), "not the longest of the week");
    }

    /// The cases issue 13 names, each as a runner records it (max HR 190, threshold 4:00 /km).
    #[test]
    fn the_runs_the_old_rules_got_wrong() {
        let none = Hints::default();
        let t = |segs: &[(usize, f64, u8)], norms| {
            let c = classify_with(&run(segs, None), norms, none);
            (c.run_type, c)
        };
        // A 10 km race with a warm-up jog, a start pen and a cool-down in the same file.
        let (ty, c) = t(
            &[(900, 2.8, 125), (180, 0.0, 110), (2381, 4.2, 176), (600, 2.6, 130)],
            Norms::default(),
        );
        assert_eq!(ty, RunType::Race, "{c:?}");
        assert!(c.why.starts_with("race: a 10 km effort"), "{}", c.why);
        // A 5 km at 95 % of max with no warm-up.
        let (ty, c) = t(&[(1190, 4.4, 181)], Norms::default());
        assert_eq!(ty, RunType::Race, "{c:?}");
        // A half marathon at 89 % (whatever its laps).
        let (ty, c) = t(&[(5480, 3.85, 170)], Norms::default());
        assert_eq!(ty, RunType::Race, "{c:?}");
        // A tempo without laps: warm-up, 27 min at 85 %, cool-down.
        let (ty, c) = t(&[(900, 2.9, 125), (1620, 3.9, 162), (600, 2.7, 128)], Norms::default());
        assert_eq!((ty, c.reason), (RunType::Tempo, Reason::SpeedBlock), "{c:?}");
        assert_eq!(c.why, "tempo: 27 min at 85 % of max HR after a 15 min warm-up");
        // Threshold reps in one lap after a 16-minute warm-up.
        let mut segs = vec![(960, 2.9, 125)];
        for _ in 0..3 {
            segs.extend([(600, 4.15, 168), (120, 2.4, 140)]);
        }
        segs.push((600, 2.7, 125));
        let (ty, c) = t(&segs, Norms::default());
        assert_eq!(ty, RunType::Threshold, "{c:?}");
        // A 68-min steady run at 75 % by a runner whose easy runs are 40 min: steady, not long.
        let forty = Norms { median_easy_s: Some(2400.0), ..Norms::default() };
        assert_eq!(t(&[(4080, 3.2, 143)], forty).0, RunType::Steady);
        // A 66-min easy run by a runner whose easy runs are 60 min and long runs 99 min: easy.
        let sixty = Norms {
            median_easy_s: Some(3600.0),
            longest_recent_s: Some(5940.0),
            median_long_s: Some(5940.0),
            hours_since_hard: None,
        };
        assert_eq!(t(&[(3960, 2.9, 125)], sixty).0, RunType::Easy);
        // The same runner's 1 h 52 min run is long, and says against what.
        let (ty, c) = t(&[(6720, 2.9, 125)], sixty);
        assert_eq!(ty, RunType::Long);
        assert_eq!(c.why, "long: 1 h 52 min, your easy runs are 60 min on median");
    }

    #[test]
    fn evidence_is_decided_again_with_the_profile_and_norms() {
        let d = jiff::civil::date(2024, 1, 1);
        let empty = Profile::empty(d);
        let p = profile();
        let zones = ZoneModel::PercentMax.zones(&p).unwrap();
        let decide_with = |rec: &Recording, prof: &Profile, z: Option<&ZoneTable>, norms| {
            let track = Track::new(rec, &rec.samples.heart_rate);
            let m = measure(&track, &empty, None);
            let ev = evidence(&track, &m, None);
            decide(&ev, &Context { profile: prof, zones: z, norms, hints: Hints::default() })
        };
        let norms = Norms {
            median_easy_s: Some(2400.0),
            longest_recent_s: Some(3000.0),
            median_long_s: None,
            hours_since_hard: None,
        };
        // 75 % of max: without a profile nothing to tell; with one, steady — and long or not,
        // steady stays steady.
        let steady = run(&[(3700, 3.0, 143)], None);
        let c = decide_with(&steady, &empty, None, Norms::default());
        assert_eq!((c.run_type, c.reason), (RunType::Easy, Reason::Default));
        let c = decide_with(&steady, &p, Some(&zones), norms);
        assert_eq!((c.run_type, c.reason), (RunType::Steady, Reason::HeartRate));
        // An easy run half again as long as usual is long, and says against what.
        let easy = run(&[(3700, 3.0, 125)], None);
        let c = decide_with(&easy, &p, Some(&zones), norms);
        assert_eq!((c.run_type, c.reason), (RunType::Long, Reason::Duration));
        assert_eq!(c.why, "long: 62 min, your easy runs are 40 min on median");
        let c = decide_with(&easy, &p, Some(&zones), Norms::default());
        assert_eq!(c.run_type, RunType::Easy);
        assert_eq!(
            decide_with(&run(&[(1800, 2.6, 100)], None), &p, Some(&zones), norms).run_type,
            RunType::Recovery
        );
    }

    #[test]
    fn run_type_names_round_trip() {
        for t in RunType::ALL {
            assert_eq!(RunType::from_name(t.name()), Some(t));
        }
    }
}
