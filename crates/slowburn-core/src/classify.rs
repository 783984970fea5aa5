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
    /// Median moving time of recent (e.g. 28 days) recovery, easy, steady and strides runs, s.
    pub median_easy_s: Option<f64>,
    /// Longest moving time of any run in the 6.5 days before this one, s.
    pub longest_recent_s: Option<f64>,
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
        let mut longest: Option<f64> = None;
        for r in history {
            let age = (start_ms - r.start_ms) as f64 / DAY_MS;
            if age <= 0.0 || !r.run_type.is_run() {
                continue;
            }
            if age <= NORM_WINDOW_DAYS
                && matches!(
                    r.run_type,
                    RunType::Recovery | RunType::Easy | RunType::Steady | RunType::EasyWithStrides
                )
            {
                easy.push(r.moving_s);
            }
            if age <= RECENT_WINDOW_DAYS {
                longest = Some(longest.map_or(r.moving_s, |l: f64| l.max(r.moving_s)));
            }
        }
        easy.sort_by(f64::total_cmp);
        let median_easy_s = match easy.len() {
            0 => None,
            n if n % 2 == 1 => Some(easy[n / 2]),
            n => Some(f64::midpoint(easy[n / 2 - 1], easy[n / 2])),
        };
        Norms { median_easy_s, longest_recent_s: longest }
    }
}

/// A run at least this long is long whatever the norms, s (90 min).
pub const LONG_ABSOLUTE_S: f64 = 90.0 * 60.0;
/// A run this many times the median easy run is long.
pub const LONG_RATIO: f64 = 1.5;
/// A run this many times the median easy run that is also the longest of the past week is long.
pub const LONG_RATIO_WEEK: f64 = 1.25;
/// Least moving time for a long run, s.
pub const LONG_MIN_S: f64 = 25.0 * 60.0;
/// Longest recovery run (a longer run in Zone 1 is an easy run), s.
pub const RECOVERY_MAX_S: f64 = 60.0 * 60.0;
/// A recovery run is run under Zone 1's ceiling; a settled heart rate up to this many bpm
/// above it still counts as Zone 1 (sensor scatter and day-to-day variation are about ±2 bpm).
/// The verdicts then say how long the run spent above Zone 1.
pub const RECOVERY_TOLERANCE_BPM: u8 = 2;
/// Heart-rate settling window: moving seconds from … to … .
pub const SETTLED_WINDOW_S: (f64, f64) = (180.0, 900.0);

/// The measurements classification rests on (kept for explanations and tests).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Features {
    /// Median heart rate of minutes 3–15 of moving time (the whole run if shorter).
    pub settled_hr: Option<f64>,
    /// Median heart rate over moving time.
    pub median_hr: Option<f64>,
    /// Median moving speed, m/s.
    pub median_speed_mps: Option<f64>,
    /// The easy-pace reference (30th percentile of moving speed), m/s.
    pub base_speed_mps: Option<f64>,
    /// Median cadence, steps/min.
    pub median_cadence_spm: Option<f64>,
    /// Short accelerations (8–45 s) in the second half.
    pub strides: u32,
    /// Work repetitions found (laps or speed).
    pub reps: u32,
    /// Mean work repetition length, s.
    pub rep_mean_s: Option<f64>,
    /// Mean grade-adjusted speed of the work, m/s.
    pub rep_speed_mps: Option<f64>,
    /// Mean heart rate of the second half of each rep, bpm.
    pub rep_hr: Option<f64>,
    /// Fraction of the work's heart-rate time in the hard domain.
    pub rep_hard_fraction: Option<f64>,
}

/// A run's type, why, and how sure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub run_type: RunType,
    pub reason: Reason,
    /// 0–1.
    pub confidence: f64,
    pub features: Features,
}

/// Everything classification reads.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub profile: &'a Profile,
    pub zones: Option<&'a ZoneTable>,
    pub norms: Norms,
    pub hints: Hints<'a>,
}

/// Classify one run from its prepared track and metrics.
#[must_use]
pub fn classify(track: &Track<'_>, metrics: &RunMetrics, cx: &Context<'_>) -> Classification {
    let mut features = Features::default();
    let verdict = decide(track, metrics, cx, &mut features);
    let (run_type, reason, confidence) = verdict;
    Classification { run_type, reason, confidence: confidence.clamp(0.0, 1.0), features }
}

type Decision = (RunType, Reason, f64);

fn decide(track: &Track<'_>, metrics: &RunMetrics, cx: &Context<'_>, f: &mut Features) -> Decision {
    if let Some(label) = cx.hints.label {
        return (label, Reason::UserLabel, 1.0);
    }
    let rec = track.recording();
    if let Some(t) = by_sport(rec, metrics) {
        return (t, Reason::Sport, 0.95);
    }
    let dist = Distributions::new(track);
    f.settled_hr = dist.settled_hr;
    f.median_hr = dist.median_hr;
    f.median_speed_mps = dist.median_speed;
    f.base_speed_mps = dist.base_speed;
    f.median_cadence_spm = dist.median_cadence;
    if let Some(t) = walking(&dist, metrics) {
        return (t, Reason::WalkingGait, 0.8);
    }
    // A few minutes say too little to name a workout: counted as easy running, and not sure.
    if metrics.moving_s < TOO_SHORT_TO_TYPE_S {
        return (RunType::Easy, Reason::Default, 0.2);
    }
    // Heart rate over too little of the run says nothing about the run: type it by pace then.
    let hr_covers =
        metrics.moving_s > 0.0 && metrics.hr_moving_s / metrics.moving_s >= MIN_HR_COVERAGE_TO_TYPE;
    let intensity = Intensity::of(f.settled_hr.or(f.median_hr).filter(|_| hr_covers), cx);
    if cx.hints.race {
        return (RunType::Race, Reason::RaceFlag, 0.95);
    }
    if let Some(name) = cx.hints.name {
        // A race is mostly the race: judge the whole run's median, not the warm-up.
        let overall = Intensity::of(f.median_hr, cx);
        match race_words(name) {
            RaceWords::Strong => return (RunType::Race, Reason::RaceName, 0.9),
            RaceWords::Distance if overall.is_none_or(|i| i.domain != Domain::Easy) => {
                return (RunType::Race, Reason::RaceName, 0.75)
            }
            _ => {}
        }
    }

    // Structure from laps, then from speed.
    let laps = lap_rows(track, cx.zones);
    if let Some(s) = lap_structure(&laps) {
        return structured(s, Reason::LapRepetitions, Reason::LapBlock, cx, f);
    }
    let smooth = smoothed_speed(track, 15, effort_speed);
    if let Some(median) = dist.median_speed {
        if let Some(s) = speed_reps(track, &smooth, median, cx.zones) {
            return structured(s, Reason::SpeedRepetitions, Reason::SpeedBlock, cx, f);
        }
    }
    if let Some(conf) = race_effort(metrics, &dist, cx) {
        return (RunType::Race, Reason::RaceEffort, conf);
    }
    let hard = intensity.is_some_and(|i| i.domain == Domain::Hard);
    if let Some(median) = dist.median_speed.filter(|_| !hard) {
        f.strides = count_strides(track, median, metrics.moving_s);
        if f.strides >= 3 {
            return (RunType::EasyWithStrides, Reason::Strides, 0.85);
        }
    }
    if let Some(base) = dist.base_speed {
        if let Some(s) = speed_block(track, &smooth, base, cx.zones) {
            return structured(s, Reason::SpeedRepetitions, Reason::SpeedBlock, cx, f);
        }
    }
    if !hard {
        if let Some(conf) = long_run(metrics.moving_s, &cx.norms) {
            return (RunType::Long, Reason::Duration, conf);
        }
    }
    match intensity {
        Some(i) => by_intensity(i, metrics.moving_s),
        None => by_pace(dist.median_speed, cx, metrics.moving_s),
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

fn walking(dist: &Distributions, metrics: &RunMetrics) -> Option<RunType> {
    let walk = match (dist.median_cadence, dist.median_speed) {
        (Some(c), _) => c < WALK_MAX_CADENCE_SPM,
        (None, Some(v)) => v < WALK_MAX_SPEED_MPS,
        (None, None) => false,
    };
    walk.then(|| if hilly(metrics) { RunType::Hike } else { RunType::Walk })
}

enum RaceWords {
    /// A word that means a race.
    Strong,
    /// A race distance ("10k", "marathon"): a race only if the run was not easy.
    Distance,
    None,
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
    base_speed: Option<f64>,
    median_hr: Option<f64>,
    settled_hr: Option<f64>,
    median_cadence: Option<f64>,
}

/// Speed histogram: 0.05 m/s bins up to 15 m/s.
const SPEED_BIN: f64 = 0.05;
const SPEED_BINS: usize = 300;

/// Value at quantile `q` (0–1) of a histogram of seconds, with bins of `width` from 0.
fn quantile(hist: &[f64], q: f64, width: f64) -> Option<f64> {
    let total: f64 = hist.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let target = q * total;
    let mut acc = 0.0;
    for (i, &s) in hist.iter().enumerate() {
        if s > 0.0 && acc + s >= target {
            // Interpolate inside the bin.
            let frac = ((target - acc) / s).clamp(0.0, 1.0);
            return Some((i as f64 + frac) * width);
        }
        acc += s;
    }
    None
}

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
        Distributions {
            median_speed: quantile(&speed, 0.5, SPEED_BIN),
            base_speed: quantile(&speed, 0.3, SPEED_BIN),
            median_hr,
            settled_hr: settled_hr.or(median_hr),
            median_cadence: bpm(&cadence),
        }
    }
}

/// Where a heart rate sits in the athlete's zones.
#[derive(Debug, Clone, Copy)]
struct Intensity {
    domain: Domain,
    /// In the lowest zone of a model with at least four zones.
    lowest_zone: bool,
}

impl Intensity {
    fn of(hr: Option<f64>, cx: &Context<'_>) -> Option<Intensity> {
        let hr = hr?;
        let bpm = hr.round().clamp(0.0, 255.0) as u8;
        if let Some(z) = cx.zones {
            let under_ceiling = bpm.saturating_sub(RECOVERY_TOLERANCE_BPM);
            return Some(Intensity {
                domain: z.domain_of(bpm),
                lowest_zone: z.zones().len() >= 4 && z.zone_of(under_ceiling) == 0,
            });
        }
        // No zone table: fall back on % of max heart rate (60/70/90 %).
        let max = f64::from(cx.profile.max_hr()?);
        let f = hr / max;
        Some(Intensity {
            domain: if f < 0.7 {
                Domain::Easy
            } else if f < 0.9 {
                Domain::Moderate
            } else {
                Domain::Hard
            },
            lowest_zone: hr - f64::from(RECOVERY_TOLERANCE_BPM) < 0.6 * max,
        })
    }
}

fn by_intensity(i: Intensity, moving_s: f64) -> Decision {
    match i.domain {
        Domain::Easy if i.lowest_zone && moving_s <= RECOVERY_MAX_S => {
            (RunType::Recovery, Reason::HeartRate, 0.8)
        }
        Domain::Easy => (RunType::Easy, Reason::HeartRate, 0.85),
        Domain::Moderate => (RunType::Steady, Reason::HeartRate, 0.8),
        Domain::Hard => (RunType::Tempo, Reason::HeartRate, 0.6),
    }
}

/// Without heart rate: the median pace against threshold pace (Friel's pace zones: slower than
/// 129 % of threshold pace is recovery, 114–129 % easy, 101–113 % steady, faster tempo).
fn by_pace(median_speed: Option<f64>, cx: &Context<'_>, moving_s: f64) -> Decision {
    let (Some(v), Some(tp)) = (median_speed, cx.profile.threshold_pace_s_per_km()) else {
        return (RunType::Easy, Reason::Default, 0.3);
    };
    if v <= 0.0 {
        return (RunType::Easy, Reason::Default, 0.3);
    }
    let ratio = 1000.0 / v / tp;
    let t = match ratio {
        r if r > 1.29 && moving_s <= RECOVERY_MAX_S => RunType::Recovery,
        r if r > 1.13 => RunType::Easy,
        r if r > 1.0 => RunType::Steady,
        _ => RunType::Tempo,
    };
    (t, Reason::Pace, 0.5)
}

/// The type a run's settled heart rate gives against the athlete's zones (or % of max HR when
/// there is no zone table) — the decision [`classify`] takes for an unstructured run. Used to
/// re-type, from the stored summary alone, runs that were classified before any heart-rate
/// profile was known (their reason is [`Reason::Default`] or [`Reason::Pace`]).
#[must_use]
pub fn type_from_heart_rate(
    settled_hr: f64,
    moving_s: f64,
    profile: &Profile,
    zones: Option<&ZoneTable>,
) -> Option<(RunType, Reason)> {
    let cx = Context { profile, zones, norms: Norms::default(), hints: Hints::default() };
    let (t, r, _) = by_intensity(Intensity::of(Some(settled_hr), &cx)?, moving_s);
    Some((t, r))
}

/// The final type of a run classified without norms (`Norms::default()`), given the athlete's
/// norms: an unstructured easy, recovery or steady run that is long by the norms becomes a
/// long run. Everything else stands. This is the only place norms enter, so a stored history
/// can be re-normed in order, cheaply and deterministically, without re-reading any file.
#[must_use]
pub fn apply_norms(
    base: RunType,
    reason: Reason,
    moving_s: f64,
    norms: &Norms,
) -> (RunType, Reason) {
    let by_effort = matches!(reason, Reason::HeartRate | Reason::Pace | Reason::Default);
    if by_effort
        && matches!(base, RunType::Recovery | RunType::Easy | RunType::Steady)
        && long_run(moving_s, norms).is_some()
    {
        return (RunType::Long, Reason::Duration);
    }
    (base, reason)
}

/// Long by the athlete's norms: at least [`LONG_ABSOLUTE_S`]; or [`LONG_RATIO`] × the median
/// easy run; or [`LONG_RATIO_WEEK`] × the median and longer than every run of the past week.
fn long_run(moving_s: f64, norms: &Norms) -> Option<f64> {
    if moving_s >= LONG_ABSOLUTE_S {
        return Some(0.9);
    }
    if moving_s < LONG_MIN_S {
        return None;
    }
    let median = norms.median_easy_s?;
    if median <= 0.0 {
        return None;
    }
    let ratio = moving_s / median;
    let longest_of_week = norms.longest_recent_s.is_none_or(|l| moving_s > l);
    if ratio >= LONG_RATIO && longest_of_week {
        Some(0.85)
    } else if ratio >= LONG_RATIO_WEEK && longest_of_week {
        Some(0.7)
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
    hr_w: f64,
    hard_w: f64,
}

/// Grade factor within 10 % of the flat's: grade within about −3 % … +2 %.
fn is_flat(track: &Track<'_>, i: usize) -> bool {
    (track.grade_factor(i) - 1.0).abs() < 0.1
}

/// Laps measured from the samples they cover (by start time). O(n + laps).
fn lap_rows(track: &Track<'_>, zones: Option<&ZoneTable>) -> Vec<LapRow> {
    let laps = &track.recording().laps;
    if laps.len() < 2 {
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
        let mv = track.moving_s(i);
        t_in += mv;
        let row = &mut rows[k];
        if let Some(h) = track.hr(i) {
            let w = track.hr_weight(i);
            row.hr_w += w;
            if zones.is_some_and(|z| z.domain_of(h) == Domain::Hard) {
                row.hard_w += w;
            }
            if t_in >= row.moving_s / 2.0 {
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
    /// Raw speed on the flat parts when they are at least 30 % of the work, else
    /// grade-adjusted speed: grade models misjudge how runners pace hills.
    speed_mps: Option<f64>,
    hr: Option<f64>,
    hard_fraction: Option<f64>,
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

/// Structure from FIT lap intensities: warm-up 2, active 0, rest 1, cool-down 3.
fn lap_structure(rows: &[LapRow]) -> Option<Work> {
    let marked = rows.iter().any(|r| matches!(r.intensity, Some(1..=3)));
    if !marked {
        return None;
    }
    let rests = rows.iter().filter(|r| r.intensity == Some(1) && r.moving_s > 0.0).count();
    let work: Vec<&LapRow> =
        rows.iter().filter(|r| r.intensity == Some(0) && r.moving_s >= 20.0).collect();
    if work.is_empty() || (rests == 0 && work.len() > 1) {
        return None;
    }
    let total_s: f64 = work.iter().map(|r| r.moving_s).sum();
    let gap: f64 = work.iter().map(|r| r.gap_dist).sum();
    let flat = work.iter().fold([0.0, 0.0], |a, r| [a[0] + r.flat[0], a[1] + r.flat[1]]);
    let hr_late: [f64; 2] =
        work.iter().fold([0.0, 0.0], |a, r| [a[0] + r.hr_late[0], a[1] + r.hr_late[1]]);
    let hr_w: f64 = work.iter().map(|r| r.hr_w).sum();
    let hard: f64 = work.iter().map(|r| r.hard_w).sum();
    Some(Work {
        reps: work.len() as u32,
        mean_s: total_s / work.len() as f64,
        speed_mps: work_speed(flat, gap, total_s),
        hr: (hr_late[1] > 0.0).then(|| hr_late[0] / hr_late[1]),
        hard_fraction: (hr_w > 0.0).then(|| hard / hr_w),
    })
}

/// Effort speed: the lower of raw and grade-adjusted speed, so running downhill (fast but
/// cheap) and uphill (slow, and over-credited by a grade model) never looks like a rep.
fn effort_speed(track: &Track<'_>, i: usize) -> f64 {
    track.speed(i).min(track.gap_speed(i))
}

/// Speed smoothed by a centred moving average over `window` samples.
fn smoothed_speed(
    track: &Track<'_>,
    window: usize,
    speed: fn(&Track<'_>, usize) -> f64,
) -> Vec<f32> {
    let n = track.len();
    let half = window / 2;
    let mut out = vec![0.0_f32; n];
    let (mut lo, mut hi, mut sum) = (0usize, 0usize, 0.0_f64);
    for (i, o) in out.iter_mut().enumerate() {
        while hi < (i + half + 1).min(n) {
            sum += speed(track, hi);
            hi += 1;
        }
        while lo < i.saturating_sub(half) {
            sum -= speed(track, lo);
            lo += 1;
        }
        *o = (sum / (hi - lo) as f64) as f32;
    }
    out
}

/// Stretches where the smoothed speed is at least `threshold`; calls
/// `f(start_moving_s, duration_s, first_index, last_index)` for each. Slower gaps under 5 s of
/// moving time are bridged.
fn fast_stretches(
    track: &Track<'_>,
    smooth: &[f32],
    threshold: f64,
    mut f: impl FnMut(f64, f64, usize, usize),
) {
    struct Open {
        start: f64,
        first: usize,
        last: usize,
        slow_s: f64,
    }
    let mut now = 0.0;
    let mut open: Option<Open> = None;
    for (i, &v) in smooth.iter().enumerate().take(track.len()) {
        let mv = track.moving_s(i);
        if mv <= 0.0 {
            continue;
        }
        let fast = f64::from(v) >= threshold;
        match (&mut open, fast) {
            (None, true) => open = Some(Open { start: now, first: i, last: i, slow_s: 0.0 }),
            (Some(o), true) => {
                o.last = i;
                o.slow_s = 0.0;
            }
            (Some(o), false) => {
                o.slow_s += mv;
                if o.slow_s >= 5.0 {
                    f(o.start, now + mv - o.slow_s - o.start, o.first, o.last);
                    open = None;
                }
            }
            (None, false) => {}
        }
        now += mv;
    }
    if let Some(o) = open {
        f(o.start, now - o.slow_s - o.start, o.first, o.last);
    }
}

/// Moving seconds in a track.
fn total_moving(track: &Track<'_>) -> f64 {
    (0..track.len()).map(|i| track.moving_s(i)).sum()
}

/// Repetitions from the speed trace: stretches of 45 s to 25 min at least 15 % faster than the
/// run's median speed (reps are the smaller part of a session, so the median is the easy and
/// jogging pace): three or more, or two of at least 5 min.
fn speed_reps(
    track: &Track<'_>,
    smooth: &[f32],
    median: f64,
    zones: Option<&ZoneTable>,
) -> Option<Work> {
    if median < 1.0 {
        return None;
    }
    let mut count = 0u32;
    let mut long_blocks = 0u32;
    let mut total = 0.0;
    let mut acc = WorkAcc::default();
    fast_stretches(track, smooth, median * 1.15, |_, dur, a, b| {
        if (45.0..=1500.0).contains(&dur) {
            count += 1;
            total += dur;
            long_blocks += u32::from(dur >= 300.0);
            acc.add(track, a, b, zones);
        }
    });
    (count >= 3 || (count == 2 && long_blocks == 2)).then(|| acc.work(count, total))
}

/// One sustained block from the speed trace (a tempo run without laps): a single stretch of at
/// least 10 min at least 18 % faster than the easy-pace reference (the 30th percentile of
/// speed), with at least 5 min of slower running before and after it.
fn speed_block(
    track: &Track<'_>,
    smooth: &[f32],
    base: f64,
    zones: Option<&ZoneTable>,
) -> Option<Work> {
    if base < 1.0 {
        return None;
    }
    let mut count = 0u32;
    let mut block = (0.0, 0.0);
    let mut acc = WorkAcc::default();
    fast_stretches(track, smooth, base * 1.18, |start, dur, a, b| {
        if dur >= 45.0 {
            count += 1;
            block = (start, dur);
            acc.add(track, a, b, zones);
        }
    });
    let (start, dur) = block;
    let ok = count == 1
        && (600.0..=5400.0).contains(&dur)
        && start >= 300.0
        && total_moving(track) - start - dur >= 300.0;
    ok.then(|| acc.work(1, dur))
}

#[derive(Default)]
struct WorkAcc {
    gap_dist: f64,
    moving: f64,
    flat: [f64; 2],
    hr_late: [f64; 2],
    hr_w: f64,
    hard_w: f64,
}

impl WorkAcc {
    fn add(&mut self, track: &Track<'_>, a: usize, b: usize, zones: Option<&ZoneTable>) {
        let mid = a + (b - a) / 2;
        for i in a..=b.min(track.len().saturating_sub(1)) {
            let mv = track.moving_s(i);
            self.moving += mv;
            self.gap_dist += track.gap_speed(i) * mv;
            if is_flat(track, i) {
                self.flat[0] += track.speed(i) * mv;
                self.flat[1] += mv;
            }
            if let Some(h) = track.hr(i) {
                let w = track.hr_weight(i);
                self.hr_w += w;
                if zones.is_some_and(|z| z.domain_of(h) == Domain::Hard) {
                    self.hard_w += w;
                }
                if i >= mid {
                    self.hr_late[0] += f64::from(h) * w;
                    self.hr_late[1] += w;
                }
            }
        }
    }

    fn work(&self, reps: u32, total: f64) -> Work {
        Work {
            reps,
            mean_s: total / f64::from(reps.max(1)),
            speed_mps: work_speed(self.flat, self.gap_dist, self.moving),
            hr: (self.hr_late[1] > 0.0).then(|| self.hr_late[0] / self.hr_late[1]),
            hard_fraction: (self.hr_w > 0.0).then(|| self.hard_w / self.hr_w),
        }
    }
}

/// Reps at or above this fraction of threshold speed are `VO2max` intervals (threshold work is
/// run at 98–102 %, `VO2max` reps at about 108–114 %).
pub const VO2_SPEED_RATIO: f64 = 1.05;
/// Reps shorter than this are `VO2max` (or faster) work whatever their measured pace: threshold
/// work comes in reps of several minutes (Daniels' cruise intervals), s.
pub const VO2_MAX_REP_S: f64 = 150.0;
/// Reps longer than this are threshold work: `VO2max` reps last 2–5 min (Daniels), s.
pub const THRESHOLD_LONG_REP_S: f64 = 420.0;
/// Reps this long or longer are threshold work when speed and heart rate cannot tell, s.
pub const THRESHOLD_MIN_REP_S: f64 = 360.0;

fn structured(
    w: Work,
    reps_reason: Reason,
    block_reason: Reason,
    cx: &Context<'_>,
    f: &mut Features,
) -> Decision {
    f.reps = w.reps;
    f.rep_mean_s = Some(w.mean_s);
    f.rep_speed_mps = w.speed_mps;
    f.rep_hr = w.hr;
    f.rep_hard_fraction = w.hard_fraction;
    if w.reps <= 1 {
        return (RunType::Tempo, block_reason, 0.8);
    }
    // Threshold or VO2max: speed against threshold pace, else heart rate against LTHR, else the
    // hard domain, else rep length.
    let by_speed = match (w.speed_mps, cx.profile.threshold_pace_s_per_km()) {
        (Some(v), Some(tp)) if tp > 0.0 => Some(v * tp / 1000.0 >= VO2_SPEED_RATIO),
        _ => None,
    };
    let by_hr = || match (w.hr, cx.profile.lthr()) {
        (Some(h), Some(l)) => Some(h > f64::from(l) + 3.0),
        _ => None,
    };
    let (vo2, conf) = if w.mean_s < VO2_MAX_REP_S {
        (true, 0.85)
    } else if w.mean_s > THRESHOLD_LONG_REP_S {
        (false, 0.85)
    } else {
        match by_speed {
            Some(v) => (v, 0.85),
            None => match by_hr() {
                Some(v) => (v, 0.75),
                None => (w.mean_s < THRESHOLD_MIN_REP_S, 0.6),
            },
        }
    };
    if vo2 {
        (RunType::Intervals, reps_reason, conf)
    } else {
        (RunType::Threshold, reps_reason, conf)
    }
}

/// Short accelerations (8–45 s, at least 25 % and 0.7 m/s faster than the run's median speed)
/// in the second half of the run.
fn count_strides(track: &Track<'_>, base: f64, moving_s: f64) -> u32 {
    if base < 1.0 || moving_s <= 0.0 {
        return 0;
    }
    let smooth = smoothed_speed(track, 5, effort_speed);
    let threshold = (base * 1.25).max(base + 0.7);
    let mut n = 0;
    fast_stretches(track, &smooth, threshold, |start, dur, _, _| {
        if (8.0..=45.0).contains(&dur) && start + dur / 2.0 >= moving_s / 2.0 {
            n += 1;
        }
    });
    n
}

/// A continuous hard effort over a standard race distance (5 km and up) that makes up most of
/// the run: its pace at least about race pace for the distance (against threshold pace when
/// known: 5 km 100 %, 10 km 97 %, half 92 %, marathon 85 % of threshold speed), or its heart
/// rate in the hard domain (moderate for the half and marathon).
fn race_effort(metrics: &RunMetrics, dist: &Distributions, cx: &Context<'_>) -> Option<f64> {
    let total = metrics.distance_m?;
    let tp = cx.profile.threshold_pace_s_per_km();
    for (d, min_ratio) in [(42_195.0, 0.85), (21_097.5, 0.92), (10_000.0, 0.97), (5_000.0, 1.0)] {
        if total < d * 0.995 || total > d * 1.6 + 3_000.0 {
            continue;
        }
        let Some(best) = metrics.best_efforts.iter().find(|b| (b.distance_m - d).abs() < 1.0)
        else {
            continue;
        };
        let speed_ratio = tp.map(|tp| d / best.time_s * tp / 1000.0);
        let fast = match speed_ratio {
            Some(r) => r >= min_ratio,
            None => false,
        };
        // The race effort is most of the run's time.
        let share = best.time_s / metrics.moving_s.max(1.0);
        let hr_ok = Intensity::of(dist.median_hr, cx).is_some_and(|i| {
            i.domain == Domain::Hard || (d > 20_000.0 && i.domain == Domain::Moderate)
        });
        if fast && share >= 0.5 && (hr_ok || dist.median_hr.is_none()) {
            return Some(0.7);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use crate::metrics::measure;
    use crate::zones::ZoneModel;
    use slowburn_formats::{Samples, Sport, Summary};

    /// A 1 Hz run from segments of (seconds, m/s, bpm), flat; with `laps`, one lap per segment
    /// with the given FIT intensities.
    fn run(segs: &[(usize, f64, u8)], laps: Option<&[u8]>) -> Recording {
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
        assert_eq!((c.run_type, c.reason), (RunType::Intervals, Reason::LapRepetitions), "{c:?}");
        assert_eq!(c.features.reps, 6);
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
        assert_eq!((c.run_type, c.reason), (RunType::Tempo, Reason::LapBlock));
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
        // The same accelerations early in the run are not strides.
        let mut early = vec![(300, 2.9, 125)];
        early.extend_from_slice(&segs[1..13]);
        early.push((2100, 2.9, 125));
        assert_eq!(type_of(&run(&early, None)), RunType::Easy);
    }

    #[test]
    fn long_runs_against_norms() {
        let r = run(&[(4800, 2.9, 125)], None);
        let norms = Norms { median_easy_s: Some(2700.0), longest_recent_s: Some(3600.0) };
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
        assert_eq!(n.median_easy_s, Some(40.0 * 60.0));
        assert_eq!(n.longest_recent_s, Some(80.0 * 60.0));
    }

    #[test]
    fn long_by_norms() {
        let n = Norms { median_easy_s: Some(2400.0), longest_recent_s: Some(3000.0) };
        assert!(long_run(3700.0, &n).is_some()); // 1.54 × median, longest of the week
        assert!(long_run(2950.0, &n).is_none()); // 1.23 ×, not the longest of the week
        assert!(long_run(3100.0, &n).is_some()); // 1.29 ×, longest of the week
        assert!(long_run(5400.0, &Norms::default()).is_some());
        assert!(long_run(3600.0, &Norms::default()).is_none());
        let busy = Norms { median_easy_s: Some(2400.0), longest_recent_s: Some(6000.0) };
        assert!(long_run(4200.0, &busy).is_none(), "not the longest of the week");
    }

    #[test]
    fn a_settled_heart_rate_types_a_run_against_the_zones() {
        let mut athlete = crate::athlete::Athlete::new();
        let mut e = crate::athlete::ProfileEntry::new(jiff::civil::date(2020, 1, 1));
        e.max_hr = Some(190);
        athlete.push(e);
        let p = athlete.at(jiff::civil::date(2024, 1, 1));
        let z = crate::zones::ZoneModel::PercentMax.zones(&p).expect("zones");
        // 60–70 % of 190 is Zone 2 (easy); 75 % is moderate (steady).
        assert_eq!(
            type_from_heart_rate(125.0, 3000.0, &p, Some(&z)),
            Some((RunType::Easy, Reason::HeartRate))
        );
        assert_eq!(
            type_from_heart_rate(143.0, 3000.0, &p, Some(&z)),
            Some((RunType::Steady, Reason::HeartRate))
        );
        assert_eq!(
            type_from_heart_rate(100.0, 1800.0, &p, Some(&z)),
            Some((RunType::Recovery, Reason::HeartRate))
        );
        assert_eq!(
            type_from_heart_rate(
                125.0,
                3000.0,
                &crate::athlete::Profile::empty(jiff::civil::date(2024, 1, 1)),
                None
            ),
            None
        );
    }

    #[test]
    fn norms_promote_only_unstructured_easy_running() {
        let n = Norms { median_easy_s: Some(2400.0), longest_recent_s: Some(3000.0) };
        assert_eq!(
            apply_norms(RunType::Easy, Reason::HeartRate, 3700.0, &n),
            (RunType::Long, Reason::Duration)
        );
        assert_eq!(
            apply_norms(RunType::Easy, Reason::HeartRate, 2500.0, &n),
            (RunType::Easy, Reason::HeartRate)
        );
        assert_eq!(
            apply_norms(RunType::Intervals, Reason::LapRepetitions, 3700.0, &n),
            (RunType::Intervals, Reason::LapRepetitions)
        );
        assert_eq!(
            apply_norms(RunType::Tempo, Reason::HeartRate, 3700.0, &n),
            (RunType::Tempo, Reason::HeartRate)
        );
    }

    #[test]
    fn run_type_names_round_trip() {
        for t in RunType::ALL {
            assert_eq!(RunType::from_name(t.name()), Some(t));
        }
    }
}
