//! Training plans: a periodised season that follows the method — mostly easy running in
//! Zone 2, recovery runs in Zone 1 after hard days, real rest, small doses of strides, tempo,
//! threshold and `VO2max` work, gradual volume growth — laid out in Lydiard's phases (aerobic
//! base, hills/strength, sharpening, taper, the race).
//!
//! # Design
//! - [`create`] is pure: a [`PlanRequest`] (goal, dates, days, level, start volume) and what is
//!   known of the athlete ([`PlanAthlete`]: zones, their own heart rate against pace) give a
//!   [`Plan`]. No clock, no store; the same request gives the same plan.
//! - Volume is planned in time (the method prescribes effort and time; a runner's pace varies
//!   with terrain, heat and fitness). Distances are estimates from the pace the athlete runs at
//!   the workout's heart rates, or from the assumed pace the plan names.
//! - Each week is built from a target volume and a pattern: the long run on its day, rest days,
//!   quality sessions (moderate or hard) chosen by exhaustive search over the week's days so that
//!   no two are within 48 h and none follows a long run, and the day after every quality
//!   session, race or long run a recovery run or rest.
//! - [`check`] states every rule the plans obey; the property tests run it over random
//!   athletes, and `plan show` could run it over a stored plan.
//!
//! Sources of the rules are in docs/PLANS.md.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::zones::{pace_for_hr_range, Domain, HrPace, Purpose, ZoneTable};

/// What the plan prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Goal {
    #[serde(rename = "marathon")]
    Marathon,
    #[serde(rename = "half")]
    Half,
    #[serde(rename = "10k")]
    TenK,
    #[serde(rename = "5k")]
    FiveK,
    /// Aerobic base only, no race.
    #[serde(rename = "base")]
    Base,
}

impl Goal {
    pub const ALL: [Goal; 5] = [Goal::Marathon, Goal::Half, Goal::TenK, Goal::FiveK, Goal::Base];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Goal::Marathon => "marathon",
            Goal::Half => "half",
            Goal::TenK => "10k",
            Goal::FiveK => "5k",
            Goal::Base => "base",
        }
    }

    /// The goal named `s` (`marathon`, `half`, `10k`, `5k`, `base`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Goal> {
        Goal::ALL.into_iter().find(|g| g.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The race distance, metres.
    #[must_use]
    pub fn distance_m(self) -> Option<f64> {
        match self {
            Goal::Marathon => Some(42_195.0),
            Goal::Half => Some(21_097.5),
            Goal::TenK => Some(10_000.0),
            Goal::FiveK => Some(5_000.0),
            Goal::Base => None,
        }
    }

    /// Words: `a marathon`, `a 10 km race`, `an aerobic base`.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Goal::Marathon => "a marathon",
            Goal::Half => "a half marathon",
            Goal::TenK => "a 10 km race",
            Goal::FiveK => "a 5 km race",
            Goal::Base => "an aerobic base",
        }
    }

    /// Longest long run, minutes (Daniels: about 2 h 30 min even for marathoners).
    fn long_cap_min(self) -> f64 {
        match self {
            Goal::Marathon => 150.0,
            Goal::Half | Goal::Base => 120.0,
            Goal::TenK => 105.0,
            Goal::FiveK => 90.0,
        }
    }

    /// Taper weeks before race week.
    fn taper_weeks(self, weeks: usize) -> usize {
        match self {
            Goal::Marathon if weeks >= 12 => 2,
            Goal::Marathon | Goal::Half if weeks >= 6 => 1,
            Goal::TenK | Goal::FiveK if weeks >= 10 => 1,
            _ => 0,
        }
    }
}

/// How experienced the runner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Novice,
    Intermediate,
    Experienced,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Novice, Level::Intermediate, Level::Experienced];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Level::Novice => "novice",
            Level::Intermediate => "intermediate",
            Level::Experienced => "experienced",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Running days a week when not asked.
    #[must_use]
    pub fn default_days(self) -> u8 {
        match self {
            Level::Novice => 4,
            Level::Intermediate => 5,
            Level::Experienced => 6,
        }
    }

    /// Weekly volume assumed without history or `--current-weekly-km`, minutes.
    #[must_use]
    pub fn default_weekly_min(self) -> f64 {
        match self {
            Level::Novice => 150.0,
            Level::Intermediate => 240.0,
            Level::Experienced => 360.0,
        }
    }

    /// Easy pace assumed when the athlete's own is unknown, s/km.
    #[must_use]
    pub fn assumed_easy_pace(self) -> f64 {
        match self {
            Level::Novice => 420.0,
            Level::Intermediate => 360.0,
            Level::Experienced => 315.0,
        }
    }

    /// Weekly growth of a build week over the last build week.
    fn growth(self) -> f64 {
        match self {
            Level::Novice => 1.06,
            Level::Intermediate => 1.08,
            Level::Experienced => 1.10,
        }
    }

    /// Every how many weeks a lighter week comes.
    fn cycle(self) -> usize {
        match self {
            Level::Novice => 3,
            Level::Intermediate | Level::Experienced => 4,
        }
    }

    /// Peak weekly volume for a goal, minutes.
    fn peak_min(self, goal: Goal) -> f64 {
        let (n, i, e) = match goal {
            Goal::Marathon => (300.0, 420.0, 600.0),
            Goal::Half => (240.0, 360.0, 500.0),
            Goal::TenK => (210.0, 330.0, 450.0),
            Goal::FiveK => (180.0, 300.0, 420.0),
            Goal::Base => (240.0, 360.0, 540.0),
        };
        match self {
            Level::Novice => n,
            Level::Intermediate => i,
            Level::Experienced => e,
        }
    }
}

/// A phase of the season (Lydiard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Base,
    Hills,
    Sharpening,
    Taper,
    Race,
}

impl Phase {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Phase::Base => "base",
            Phase::Hills => "hills",
            Phase::Sharpening => "sharpening",
            Phase::Taper => "taper",
            Phase::Race => "race",
        }
    }

    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Phase::Base => "aerobic base",
            Phase::Hills => "hills and strength",
            Phase::Sharpening => "sharpening",
            Phase::Taper => "taper",
            Phase::Race => "race week",
        }
    }

    /// A phase whose weeks grow (and get lighter weeks).
    fn builds(self) -> bool {
        matches!(self, Phase::Base | Phase::Hills | Phase::Sharpening)
    }
}

/// What a planned session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkoutKind {
    Rest,
    Recovery,
    Easy,
    /// An easy run with strides at the end.
    Strides,
    Long,
    Steady,
    Hills,
    Tempo,
    Threshold,
    /// `VO2max` intervals.
    Intervals,
    Race,
}

impl WorkoutKind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            WorkoutKind::Rest => "rest",
            WorkoutKind::Recovery => "recovery",
            WorkoutKind::Easy => "easy",
            WorkoutKind::Strides => "strides",
            WorkoutKind::Long => "long",
            WorkoutKind::Steady => "steady",
            WorkoutKind::Hills => "hills",
            WorkoutKind::Tempo => "tempo",
            WorkoutKind::Threshold => "threshold",
            WorkoutKind::Intervals => "intervals",
            WorkoutKind::Race => "race",
        }
    }

    /// Words: `easy run with strides`, `VO2max intervals`.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            WorkoutKind::Rest => "rest day",
            WorkoutKind::Recovery => "recovery run",
            WorkoutKind::Easy => "easy run",
            WorkoutKind::Strides => "easy run with strides",
            WorkoutKind::Long => "long run",
            WorkoutKind::Steady => "steady run",
            WorkoutKind::Hills => "hill repeats",
            WorkoutKind::Tempo => "tempo run",
            WorkoutKind::Threshold => "threshold intervals",
            WorkoutKind::Intervals => "VO2max intervals",
            WorkoutKind::Race => "race",
        }
    }

    #[must_use]
    pub fn intensity(self) -> Intensity {
        match self {
            WorkoutKind::Rest => Intensity::Rest,
            WorkoutKind::Recovery
            | WorkoutKind::Easy
            | WorkoutKind::Strides
            | WorkoutKind::Long => Intensity::Easy,
            WorkoutKind::Steady | WorkoutKind::Tempo => Intensity::Moderate,
            WorkoutKind::Hills
            | WorkoutKind::Threshold
            | WorkoutKind::Intervals
            | WorkoutKind::Race => Intensity::Hard,
        }
    }

    /// A session that needs recovery after it and 48 h before the next one (moderate or hard).
    #[must_use]
    pub fn is_quality(self) -> bool {
        matches!(self.intensity(), Intensity::Moderate | Intensity::Hard)
    }

    /// A session after which the next day is a recovery run or rest.
    #[must_use]
    pub fn needs_recovery_after(self) -> bool {
        self.is_quality() || self == WorkoutKind::Long
    }
}

/// How hard a planned session is, in the three domains of 80/20 (and rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intensity {
    Rest,
    Easy,
    Moderate,
    Hard,
}

impl Intensity {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Intensity::Rest => "rest",
            Intensity::Easy => "easy",
            Intensity::Moderate => "moderate",
            Intensity::Hard => "hard",
        }
    }
}

/// The part of a structured workout a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    WarmUp,
    Run,
    Work,
    Recovery,
    CoolDown,
    /// Repeat `steps` `times` times.
    Repeat,
}

/// One step of a workout. A `Repeat` step holds the steps it repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duration_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distance_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hr_low: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hr_high: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pace_fast_s_per_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pace_slow_s_per_km: Option<f64>,
    /// What to do, in words.
    pub text: String,
    /// Repetitions of `steps` (a `Repeat` step only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub times: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub steps: Vec<Step>,
}

/// One planned session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workout {
    pub date: Date,
    /// 0: the day's main session; 1: a short morning recovery run (a double).
    pub slot: u8,
    #[serde(rename = "type")]
    pub kind: WorkoutKind,
    pub intensity: Intensity,
    /// Planned time, seconds (0 for rest).
    pub duration_s: f64,
    /// Planned distance, metres: an estimate from pace (see [`Plan::pace_source`]).
    pub distance_m: Option<f64>,
    pub hr_low: Option<u8>,
    pub hr_high: Option<u8>,
    /// The pace this athlete runs at these heart rates (middle half of their flat running),
    /// s/km; `None` when their history does not show it.
    pub pace_fast_s_per_km: Option<f64>,
    pub pace_slow_s_per_km: Option<f64>,
    /// Perceived exertion, CR-10.
    pub rpe: u8,
    pub purpose: String,
    pub steps: Vec<Step>,
    /// Seconds of the session's quality part (tempo or threshold or `VO2max` work), for the rules.
    pub work_s: f64,
    /// A stable calendar id.
    pub uid: String,
    /// Grows each time a revision changes this workout (iCalendar `SEQUENCE`).
    pub sequence: u32,
}

/// A week's planned totals.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub duration_s: f64,
    pub distance_m: Option<f64>,
    pub sessions: u32,
    pub easy_sessions: u32,
    pub rest_days: u32,
    /// Time at easy intensity (easy sessions and the warm-ups, recoveries and cool-downs of
    /// quality sessions), seconds.
    pub easy_s: f64,
    pub easy_share: f64,
    pub long_s: f64,
    /// Tempo and threshold work, seconds.
    pub threshold_s: f64,
    /// `VO2max` and hill work, seconds.
    pub vo2max_s: f64,
}

/// One week of a plan (Monday to Sunday).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Week {
    pub start: Date,
    pub phase: Phase,
    /// A lighter (recovery) week.
    pub lighter: bool,
    /// The week's target volume, seconds (the whole week, also when the plan starts within it).
    pub target_s: f64,
    pub planned: Totals,
    /// Every day of the week from the plan's start on, rest days included (`type: rest`).
    pub workouts: Vec<Workout>,
}

/// What the plan is asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub goal: Goal,
    /// The race day (the plan's last week holds it); for a base plan, the end.
    pub race_date: Date,
    /// The first day of the plan (usually today).
    pub start: Date,
    pub days_per_week: u8,
    pub level: Level,
    /// Weekly volume to start from, seconds.
    pub start_weekly_s: f64,
    #[serde(with = "weekday_serde")]
    pub long_run_day: Weekday,
    #[serde(with = "weekday_serde")]
    pub rest_day: Weekday,
    pub doubles: bool,
}

/// Weekdays as their lower-case English names.
mod weekday_serde {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` signature
    pub(super) fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::review::weekday_name(*w))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let name = String::deserialize(d)?;
        super::parse_weekday(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("{name:?} is not a weekday")))
    }
}

/// A weekday from its English name or its first three letters (`sun`, `Monday`).
#[must_use]
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    (0..7i8)
        .filter_map(|i| Weekday::from_monday_zero_offset(i).ok())
        .find(|w| crate::review::weekday_name(*w).starts_with(&s))
}

/// What is known of the athlete when the plan is made.
#[derive(Debug, Clone, Default)]
pub struct PlanAthlete {
    /// Heart-rate zones in force (the latest profile); `None` when max HR is unknown.
    pub zones: Option<ZoneTable>,
    /// Their heart rate against pace on flat running, recent months.
    pub hr_pace: Vec<HrPace>,
    /// Threshold pace, s/km, when known.
    pub threshold_pace_s_per_km: Option<f64>,
    /// Max heart rate in force: no target reaches above it.
    pub max_hr: Option<u8>,
}

/// A plan: the request, where its numbers came from, and its weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub request: PlanRequest,
    /// Where the start volume came from, in words.
    pub volume_source: String,
    /// Where paces and distances come from, in words.
    pub pace_source: String,
    /// Easy pace used for distances, s/km.
    pub easy_pace_s_per_km: f64,
    /// Zones the heart-rate targets come from (`None`: no targets, max HR unknown).
    pub zone_model: Option<String>,
    /// What the runner should know about this plan (short build, missing values …).
    pub notes: Vec<String>,
    pub weeks: Vec<Week>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the race date {race} is not after the plan's start {start}")]
    RaceNotAhead { race: Date, start: Date },
    #[error("the race date {race} is more than 52 weeks away; plan the next season closer to it")]
    TooFar { race: Date },
    #[error("{days} running days a week: give 2–7")]
    Days { days: u8 },
    #[error("the long-run day and the rest day are both {0}; give different days")]
    SameDay(&'static str),
    #[error("a start volume of {0:.0} min a week is implausible: give 0–1,800 min (0–300 km)")]
    Volume(f64),
}

const MIN: f64 = 60.0;

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

fn monday_of(d: Date) -> Date {
    add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))
}

fn day_index(w: Weekday) -> usize {
    usize::from(w.to_monday_zero_offset().unsigned_abs())
}

/// Days from `a` to `b`.
fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |s| i64::from(s.get_days()))
}

// ---------------------------------------------------------------------------------------------
// Targets: heart rate and pace for each kind of running.

/// Heart-rate targets of a plan, from the zone table.
#[derive(Debug, Clone, Copy)]
struct Targets {
    recovery: Option<(u8, u8)>,
    easy: Option<(u8, u8)>,
    steady: Option<(u8, u8)>,
    tempo: Option<(u8, u8)>,
    threshold: Option<(u8, u8)>,
    vo2: Option<(u8, u8)>,
}

fn zone_range(t: &ZoneTable, purpose: Purpose) -> Option<(u8, u8)> {
    t.zones().iter().find(|z| z.purpose == purpose).map(|z| (z.low_bpm, z.high_bpm))
}

fn domain_range(t: &ZoneTable, d: Domain) -> Option<(u8, u8)> {
    t.domain_ranges()[d.index()]
}

impl Targets {
    fn new(table: Option<&ZoneTable>, max_hr: Option<u8>) -> Targets {
        let Some(t) = table else {
            return Targets {
                recovery: None,
                easy: None,
                steady: None,
                tempo: None,
                threshold: None,
                vo2: None,
            };
        };
        let easy_dom = domain_range(t, Domain::Easy);
        let moderate = domain_range(t, Domain::Moderate);
        let hard = domain_range(t, Domain::Hard);
        let easy = zone_range(t, Purpose::AerobicBase).or(easy_dom);
        let recovery = zone_range(t, Purpose::Recovery)
            .filter(|r| easy.is_none_or(|e| r.1 < e.0))
            .or_else(|| easy.map(|e| (e.0.saturating_sub(15), e.0.saturating_sub(1))))
            .map(|(lo, hi)| {
                // Zone 1 reaches down to 0: the useful floor is a zone's width below its top.
                let width = easy.map_or(15, |e| e.1.saturating_sub(e.0).max(8));
                (lo.max(hi.saturating_sub(width)), hi)
            });
        let tempo = zone_range(t, Purpose::Tempo).or(moderate);
        let threshold = zone_range(t, Purpose::Threshold)
            .or_else(|| hard.map(|h| (h.0, h.0.saturating_add(6))))
            .or(tempo);
        let vo2 = zone_range(t, Purpose::Vo2Max)
            .or(zone_range(t, Purpose::HighIntensity))
            .or_else(|| threshold.map(|th| (th.1.saturating_add(1), th.1.saturating_add(8))));
        // Steady: the top of the easy domain into the bottom of the moderate (the grey band a
        // steady run lives in on purpose).
        let steady = match (easy, tempo) {
            (Some(e), Some(tm)) => Some((e.1.saturating_sub(4), tm.0.saturating_add(3).min(tm.1))),
            _ => tempo,
        };
        // The top zone reaches to 255: no target above max HR (or 25 bpm over its floor).
        let top = |r: Option<(u8, u8)>| {
            r.map(|(lo, hi)| {
                let ceiling = max_hr.unwrap_or(lo.saturating_add(25)).max(lo);
                (lo, hi.min(ceiling))
            })
        };
        Targets {
            recovery: top(recovery),
            easy: top(easy),
            steady: top(steady),
            tempo: top(tempo),
            threshold: top(threshold),
            vo2: top(vo2),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The season: phases and week volumes.

struct WeekFrame {
    start: Date,
    phase: Phase,
    lighter: bool,
    target_s: f64,
}

/// Phases of `n` weeks ending in the race week.
fn phases(goal: Goal, n: usize) -> Vec<Phase> {
    if goal == Goal::Base {
        return vec![Phase::Base; n];
    }
    if n == 1 {
        return vec![Phase::Race];
    }
    let taper = goal.taper_weeks(n).min(n - 1);
    let build = n - 1 - taper;
    let sharpening =
        if build >= 3 { ((build as f64 * 0.3).round() as usize).clamp(1, 6) } else { 0 };
    let hills = if build >= 5 { ((build as f64 * 0.2).round() as usize).clamp(1, 4) } else { 0 };
    let base = build - sharpening - hills;
    let mut out = Vec::with_capacity(n);
    out.extend(std::iter::repeat_n(Phase::Base, base));
    out.extend(std::iter::repeat_n(Phase::Hills, hills));
    out.extend(std::iter::repeat_n(Phase::Sharpening, sharpening));
    out.extend(std::iter::repeat_n(Phase::Taper, taper));
    out.push(Phase::Race);
    out
}

/// The least weekly volume a plan starts from: 20 min on each running day, seconds.
fn least_weekly_s(days: u8) -> f64 {
    f64::from(days) * 20.0 * MIN
}

/// Week frames with their target volumes, seconds.
fn frames(req: &PlanRequest, first_monday: Date, n: usize) -> Vec<WeekFrame> {
    let phases = phases(req.goal, n);
    let level = req.level;
    let start = req.start_weekly_s.max(least_weekly_s(req.days_per_week));
    let peak = (level.peak_min(req.goal) * MIN).max(start);
    let mut out = Vec::with_capacity(n);
    let mut build = start; // the last build week's volume
    let mut top = start; // the highest build week so far
    let mut in_cycle = 0usize;
    let mut taper_i = 0;
    for (i, &phase) in phases.iter().enumerate() {
        let start_day = add_days(first_monday, 7 * i as i64);
        let (target, lighter) = if phase.builds() {
            in_cycle += 1;
            if in_cycle == level.cycle() {
                in_cycle = 0;
                (build * 0.8, true)
            } else {
                if i > 0 {
                    build = (build * level.growth()).min(peak.max(build));
                }
                top = top.max(build);
                (build, false)
            }
        } else if phase == Phase::Taper {
            taper_i += 1;
            (top * 0.8f64.powi(taper_i), false)
        } else {
            // Race week: the race and a little easy running around it.
            (top * 0.8f64.powi(taper_i + 1), false)
        };
        out.push(WeekFrame { start: start_day, phase, lighter, target_s: target });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The week: which day is what.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    Rest,
    Long,
    Quality(WorkoutKind),
    /// Easy or recovery, decided after.
    Run,
}

impl Day {
    fn needs_recovery_after(self) -> bool {
        matches!(self, Day::Long | Day::Quality(_))
    }
}

/// The quality sessions a phase asks for, most important first.
fn quality_kinds(goal: Goal, level: Level, phase: Phase) -> Vec<WorkoutKind> {
    use WorkoutKind as K;
    match (phase, level) {
        (Phase::Base, Level::Novice) => vec![],
        (Phase::Base, _) => vec![K::Steady],
        (Phase::Hills, Level::Novice) => vec![K::Hills],
        (Phase::Hills, Level::Intermediate) => vec![K::Hills, K::Steady],
        (Phase::Hills, Level::Experienced) => vec![K::Hills, K::Tempo],
        (Phase::Sharpening, Level::Novice) | (Phase::Race, _) => vec![K::Tempo],
        (Phase::Sharpening, _) => match goal {
            Goal::FiveK | Goal::TenK => vec![K::Intervals, K::Threshold],
            _ => vec![K::Threshold, K::Intervals],
        },
        (Phase::Taper, _) => match goal {
            Goal::FiveK | Goal::TenK => vec![K::Intervals],
            _ => vec![K::Threshold],
        },
    }
}

/// The week's days: rest days, the long run, quality sessions; `prev_last` is the day before
/// this week (the previous week's Sunday), `race` the race's index in this week.
fn pattern(
    req: &PlanRequest,
    kinds: &[WorkoutKind],
    phase: Phase,
    prev_last: Day,
    race: Option<usize>,
    last_day_free: bool,
) -> [Day; 7] {
    let runs = usize::from(req.days_per_week.clamp(2, 7));
    let rests = 7 - runs;
    // Most sessions easy: at most one quality session in two running days besides one.
    let kinds = &kinds[..kinds.len().min((runs - 1) / 2)];
    let long_day = day_index(req.long_run_day);
    let rest_day = day_index(req.rest_day);
    let anchor = race.unwrap_or(long_day);
    let anchor_day = if race.is_some() { Day::Quality(WorkoutKind::Race) } else { Day::Long };
    // The week before a Monday race or long run ends with an easy day: no long run on its
    // Sunday. A week whose long run has no place (the day before needs recovery) has none; the
    // race always has its day.
    let mut best: Option<(i32, [Day; 7])> = None;
    for (q, anchored) in (0..=kinds.len())
        .rev()
        .map(|q| (q, !(last_day_free && anchor == 6)))
        .chain((0..=kinds.len()).rev().map(|q| (q, race.is_some())))
    {
        // Rest days: every set of the right size without the anchor; quality days: every
        // subset of the running days of the right size (at most 35 × 64 candidates).
        for rest_mask in
            (0u32..128).filter(|m| m.count_ones() as usize == rests && m & (1 << anchor) == 0)
        {
            let avail = 0x7f & !rest_mask & !(1 << anchor);
            let mut sub = avail;
            loop {
                let q_mask = sub;
                sub = sub.wrapping_sub(1) & avail;
                if q_mask.count_ones() as usize == q {
                    let mut days = [Day::Run; 7];
                    for (i, d) in days.iter_mut().enumerate() {
                        if rest_mask & (1 << i) != 0 {
                            *d = Day::Rest;
                        }
                    }
                    if anchored {
                        days[anchor] = anchor_day;
                    }
                    let mut k = kinds.iter();
                    for (i, d) in days.iter_mut().enumerate() {
                        if q_mask & (1 << i) != 0 {
                            *d = Day::Quality(*k.next().unwrap_or(&WorkoutKind::Tempo));
                        }
                    }
                    let free = !(last_day_free && matches!(days[6], Day::Quality(_)));
                    if let Some(score) =
                        score(days, prev_last, rest_day, race, phase).filter(|_| free)
                    {
                        if best.as_ref().is_none_or(|(s, _)| score > *s) {
                            best = Some((score, days));
                        }
                    }
                }
                if q_mask == 0 {
                    break;
                }
            }
        }
        if best.is_some() {
            break;
        }
    }
    best.map_or([Day::Rest; 7], |(_, d)| d)
}

/// The score of a week's pattern, or `None` when it breaks a rule.
fn score(
    days: [Day; 7],
    prev_last: Day,
    rest_day: usize,
    race: Option<usize>,
    phase: Phase,
) -> Option<i32> {
    let before = |i: usize| if i == 0 { prev_last } else { days[i - 1] };
    let mut s = 0;
    for i in 0..7 {
        let d = days[i];
        let is_q = matches!(d, Day::Quality(_));
        // Nothing hard or long the day after a hard session or long run.
        if (is_q || d == Day::Long) && before(i).needs_recovery_after() {
            return None;
        }
        // Quality sessions 48 h apart (one day between) are allowed; two days between is better.
        if is_q {
            if i >= 2 && matches!(days[i - 2], Day::Quality(_)) {
                s -= 2;
            }
            if i == 1 && matches!(prev_last, Day::Quality(_)) {
                s -= 2;
            }
            // The day before the long run: better not.
            if i + 1 < 7 && days[i + 1] == Day::Long {
                s -= 3;
            }
        }
        if d == Day::Rest {
            if i == rest_day {
                s += 10;
            }
            if before(i).needs_recovery_after() {
                s += 2;
            }
        }
    }
    // Running days spread over the week: neither runs nor rest days bunched together.
    for i in 0..6 {
        if (days[i] == Day::Rest) == (days[i + 1] == Day::Rest) {
            s -= 1;
        }
    }
    if let Some(r) = race {
        // The race week's sharpener at least three days before the race; nothing else hard.
        for (i, d) in days.iter().enumerate() {
            if let Day::Quality(k) = d {
                if *k != WorkoutKind::Race && (i >= r || r - i < 3) {
                    return None;
                }
            }
        }
        if r > 0 && days[r - 1] == Day::Rest {
            s += 1;
        }
    }
    if phase == Phase::Race && race.is_none() {
        return None;
    }
    Some(s)
}

// ---------------------------------------------------------------------------------------------
// Workouts.

struct Ctx<'a> {
    targets: Targets,
    athlete: &'a PlanAthlete,
    easy_pace: f64,
    race_pace: Option<f64>,
    level: Level,
    goal: Goal,
    key: String,
    /// The week being built, seconds (sizes warm-ups and cool-downs).
    week_s: f64,
    max_hr: Option<u8>,
    /// The athlete's pace at each target range, worked out once.
    paces: Vec<((u8, u8), Option<(f64, f64)>)>,
}

fn own_pace(samples: &[HrPace], (lo, hi): (u8, u8)) -> Option<(f64, f64)> {
    let p = pace_for_hr_range(samples, lo, hi)?;
    Some((p.faster_s_per_km, p.slower_s_per_km))
}

/// The athlete's pace at each of the targets' ranges.
fn paces_of(t: &Targets, samples: &[HrPace]) -> Vec<((u8, u8), Option<(f64, f64)>)> {
    [t.recovery, t.easy, t.steady, t.tempo, t.threshold, t.vo2]
        .into_iter()
        .flatten()
        .map(|r| (r, own_pace(samples, r)))
        .collect()
}

impl Ctx<'_> {
    /// The pace the athlete runs at `hr`, middle half, s/km.
    fn pace(&self, hr: Option<(u8, u8)>) -> Option<(f64, f64)> {
        let r = hr?;
        if let Some((_, p)) = self.paces.iter().find(|(k, _)| *k == r) {
            return *p;
        }
        own_pace(&self.athlete.hr_pace, r)
    }

    /// Estimated distance of `seconds` at `hr` (the athlete's median there, else the easy pace
    /// scaled by `factor`).
    fn distance(&self, seconds: f64, hr: Option<(u8, u8)>, factor: f64) -> f64 {
        let pace = self.pace(hr).map_or(self.easy_pace * factor, |(f, s)| f.midpoint(s)).max(150.0);
        seconds / pace * 1000.0
    }

    fn step(&self, kind: StepKind, seconds: f64, hr: Option<(u8, u8)>, text: String) -> Step {
        let pace = self.pace(hr);
        Step {
            kind,
            duration_s: Some(seconds.round()),
            distance_m: None,
            hr_low: hr.map(|h| h.0),
            hr_high: hr.map(|h| h.1),
            pace_fast_s_per_km: pace.map(|p| p.0),
            pace_slow_s_per_km: pace.map(|p| p.1),
            text,
            times: None,
            steps: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn workout(
        &self,
        date: Date,
        slot: u8,
        kind: WorkoutKind,
        seconds: f64,
        hr: Option<(u8, u8)>,
        factor: f64,
        rpe: u8,
        purpose: String,
        steps: Vec<Step>,
        work_s: f64,
    ) -> Workout {
        let pace = self.pace(hr);
        let distance = if kind == WorkoutKind::Rest {
            None
        } else {
            Some((self.distance(seconds, hr, factor) / 10.0).round() * 10.0)
        };
        Workout {
            date,
            slot,
            kind,
            intensity: kind.intensity(),
            duration_s: seconds.round(),
            distance_m: distance,
            hr_low: hr.map(|h| h.0),
            hr_high: hr.map(|h| h.1),
            pace_fast_s_per_km: pace.map(|p| p.0),
            pace_slow_s_per_km: pace.map(|p| p.1),
            rpe,
            purpose,
            steps,
            work_s: work_s.round(),
            uid: format!("{}-{date}-{slot}@slowburn", self.key),
            sequence: 0,
        }
    }

    fn rest(&self, date: Date, why: &str) -> Workout {
        self.workout(date, 0, WorkoutKind::Rest, 0.0, None, 1.0, 0, why.to_owned(), vec![], 0.0)
    }

    fn easy(&self, date: Date, seconds: f64, strides: bool) -> Workout {
        let t = self.targets.easy;
        if strides {
            let n = if self.level == Level::Novice { 4 } else { 6 };
            let body = seconds - f64::from(n) * 80.0;
            let steps = vec![
                self.step(StepKind::Run, body, t, "easy running in Zone 2".into()),
                Step {
                    kind: StepKind::Repeat,
                    times: Some(n),
                    text: format!("{n} × 20 s strides"),
                    steps: vec![
                        self.step(
                            StepKind::Work,
                            20.0,
                            None,
                            "stride: fast and relaxed, not a sprint".into(),
                        ),
                        self.step(StepKind::Recovery, 60.0, None, "walk or jog back".into()),
                    ],
                    ..self.step(StepKind::Repeat, 0.0, None, String::new())
                },
            ];
            let steps = fix_repeat(steps);
            return self.workout(
                date,
                0,
                WorkoutKind::Strides,
                seconds,
                t,
                1.0,
                3,
                format!(
                    "Easy aerobic running with {n} short strides at the end: leg speed and form \
                     without fatigue"
                ),
                steps,
                0.0,
            );
        }
        self.workout(
            date,
            0,
            WorkoutKind::Easy,
            seconds,
            t,
            1.0,
            3,
            "Easy aerobic running in Zone 2, conversational: the base everything else rests on"
                .into(),
            vec![self.step(StepKind::Run, seconds, t, "easy in Zone 2".into())],
            0.0,
        )
    }

    fn recovery(&self, date: Date, slot: u8, seconds: f64, after: &str) -> Workout {
        let t = self.targets.recovery;
        self.workout(
            date,
            slot,
            WorkoutKind::Recovery,
            seconds,
            t,
            1.1,
            2,
            format!("Recovery {after}: very easy in Zone 1, slower than feels necessary"),
            vec![self.step(StepKind::Run, seconds, t, "very easy in Zone 1".into())],
            0.0,
        )
    }

    fn long(&self, date: Date, seconds: f64) -> Workout {
        let t = self.targets.easy;
        self.workout(
            date,
            0,
            WorkoutKind::Long,
            seconds,
            t,
            1.03,
            4,
            "Long run at easy effort: endurance, fat use, the legs for the distance".into(),
            vec![self.step(StepKind::Run, seconds, t, "steady easy effort in Zone 2".into())],
            0.0,
        )
    }

    /// A session with a warm-up, repeats of work and recovery, and a cool-down.
    #[allow(clippy::too_many_arguments)]
    fn structured(
        &self,
        date: Date,
        kind: WorkoutKind,
        reps: u32,
        work_s: f64,
        rec_s: f64,
        hr: Option<(u8, u8)>,
        rpe: u8,
        purpose: String,
        work_text: String,
        rec_text: &str,
    ) -> Workout {
        // Warm-up and cool-down grow with the week (10–25 and 10–20 min).
        let (wu, cd) = if self.level == Level::Novice {
            (10.0 * MIN, 10.0 * MIN)
        } else {
            (
                ((self.week_s * 0.045) / MIN).round().clamp(10.0, 25.0) * MIN,
                ((self.week_s * 0.035) / MIN).round().clamp(10.0, 20.0) * MIN,
            )
        };
        let e = self.targets.easy;
        let mut steps = vec![self.step(StepKind::WarmUp, wu, e, "easy warm-up".into())];
        let work = self.step(StepKind::Work, work_s, hr, work_text);
        if reps > 1 {
            steps.push(Step {
                kind: StepKind::Repeat,
                times: Some(reps),
                text: format!("{reps} × ({}, {})", work.text, rec_text),
                steps: vec![
                    work,
                    self.step(StepKind::Recovery, rec_s, self.targets.recovery, rec_text.into()),
                ],
                ..self.step(StepKind::Repeat, 0.0, None, String::new())
            });
        } else {
            steps.push(work);
        }
        steps.push(self.step(StepKind::CoolDown, cd, e, "easy cool-down".into()));
        let steps = fix_repeat(steps);
        // A repeat runs its recovery after the last rep too (as a watch does): it is counted.
        let recoveries = if reps > 1 { reps } else { 0 };
        let total = wu + cd + f64::from(reps) * work_s + f64::from(recoveries) * rec_s;
        let factor = match kind.intensity() {
            Intensity::Hard => 0.92,
            _ => 0.95,
        };
        self.workout(
            date,
            0,
            kind,
            total,
            hr,
            factor,
            rpe,
            purpose,
            steps,
            f64::from(reps) * work_s,
        )
    }

    /// The quality session `kind` in a week of `week_s`; `None` when the week is too small to
    /// hold its smallest useful dose within the limits (threshold work ≤ 10 % of the week,
    /// `VO2max` work ≤ 8 %, both kept under with a margin).
    fn quality(&self, date: Date, kind: WorkoutKind, week_s: f64, phase: Phase) -> Option<Workout> {
        let t = self.targets;
        let taper = matches!(phase, Phase::Taper | Phase::Race);
        let fits = |work: f64, share: f64, least: f64| work <= share * week_s && work >= least;
        let w = match kind {
            WorkoutKind::Steady => {
                let block = (week_s * 0.08).clamp(15.0 * MIN, 40.0 * MIN);
                let block = (block / (5.0 * MIN)).floor() * 5.0 * MIN;
                if !fits(block, 0.10, 15.0 * MIN) {
                    return None;
                }
                self.structured(
                    date,
                    kind,
                    1,
                    block,
                    0.0,
                    t.steady,
                    5,
                    "Steady aerobic running at the top of Zone 2: Lydiard's aerobic emphasis, \
                     strong but controlled"
                        .into(),
                    format!("{} min steady", (block / MIN).round()),
                    "",
                )
            }
            WorkoutKind::Tempo => {
                let block = if taper {
                    (week_s * 0.05).clamp(8.0 * MIN, 15.0 * MIN)
                } else {
                    (week_s * 0.08).clamp(12.0 * MIN, 30.0 * MIN)
                };
                let block = (block / MIN).floor() * MIN;
                if !fits(block, 0.09, if taper { 8.0 } else { 10.0 } * MIN) {
                    return None;
                }
                self.structured(
                    date,
                    kind,
                    1,
                    block,
                    0.0,
                    t.tempo,
                    6,
                    if taper {
                        "A short tempo to stay sharp for the race: comfortably hard, no more".into()
                    } else {
                        "Tempo: comfortably hard continuous running, raises the pace you can hold"
                            .into()
                    },
                    format!("{} min tempo", (block / MIN).round()),
                    "",
                )
            }
            WorkoutKind::Threshold => {
                let work = (week_s * if taper { 0.06 } else { 0.09 }).clamp(10.0 * MIN, 40.0 * MIN);
                let rep = if work >= 30.0 * MIN { 8.0 * MIN } else { 5.0 * MIN };
                let reps = ((work / rep).floor() as u32).max(2);
                let rep = ((work / f64::from(reps)) / MIN).floor().max(3.0) * MIN;
                if !fits(f64::from(reps) * rep, 0.09, 10.0 * MIN) {
                    return None;
                }
                self.structured(
                    date,
                    kind,
                    reps,
                    rep,
                    90.0,
                    t.threshold,
                    7,
                    "Threshold intervals (cruise intervals): comfortably hard at the lactate \
                     threshold, the pace of about an hour's race"
                        .into(),
                    format!("{} min at threshold", (rep / MIN).round()),
                    "jog easily",
                )
            }
            WorkoutKind::Intervals => {
                let work = (week_s * if taper { 0.05 } else { 0.07 }).clamp(6.0 * MIN, 24.0 * MIN);
                let rep = 3.0 * MIN;
                let reps = ((work / rep).floor() as u32).max(2);
                if !fits(f64::from(reps) * rep, 0.07, 6.0 * MIN) {
                    return None;
                }
                self.structured(
                    date,
                    kind,
                    reps,
                    rep,
                    150.0,
                    t.vo2,
                    8,
                    "VO2max intervals: hard, near 5 km race effort, to raise the ceiling".into(),
                    "3 min hard".into(),
                    "jog easily",
                )
            }
            WorkoutKind::Hills => {
                let work = (week_s * 0.05).clamp(4.0 * MIN, 12.0 * MIN);
                let rep = if self.level == Level::Novice { 45.0 } else { 75.0 };
                let reps = ((work / rep).floor() as u32).clamp(4, 12);
                if !fits(f64::from(reps) * rep, 0.06, 3.0 * MIN) {
                    return None;
                }
                self.structured(
                    date,
                    kind,
                    reps,
                    rep,
                    rep * 1.5,
                    t.vo2,
                    8,
                    "Hill repeats: strength and power up a steady hill, bounding and driving \
                     the knees; jog down easily"
                        .into(),
                    format!("{rep:.0} s uphill, hard but tall"),
                    "jog back down",
                )
            }
            WorkoutKind::Race => self.race(date),
            other => self.easy(date, week_s * 0.15, other == WorkoutKind::Strides),
        };
        Some(w)
    }

    fn race(&self, date: Date) -> Workout {
        let d = self.goal.distance_m().unwrap_or(10_000.0);
        let pace = self.race_pace.unwrap_or(self.easy_pace * 0.85);
        let seconds = d / 1000.0 * pace;
        // Race effort by distance, as a share of max HR (marathon about 80–88 %, 5 km 90–97 %).
        let (lo, hi) = match self.goal {
            Goal::Marathon => (0.80, 0.88),
            Goal::Half => (0.85, 0.91),
            Goal::TenK => (0.88, 0.94),
            Goal::FiveK | Goal::Base => (0.90, 0.97),
        };
        let t = self.max_hr.map(|m| {
            let m = f64::from(m);
            ((m * lo).round() as u8, (m * hi).round() as u8)
        });
        let mut w = self.workout(
            date,
            0,
            WorkoutKind::Race,
            seconds,
            t,
            1.0,
            9,
            format!(
                "Race day: {}. Start controlled, even effort, finish strong",
                self.goal.words()
            ),
            vec![Step {
                distance_m: Some(d),
                duration_s: None,
                // No heart-rate alarm in a race: the target is the workout's, as guidance.
                ..self.step(StepKind::Work, 0.0, None, format!("race {}", self.goal.words()))
            }],
            0.0,
        );
        w.distance_m = Some(d);
        w.pace_fast_s_per_km = self.race_pace;
        w.pace_slow_s_per_km = self.race_pace;
        w
    }
}

/// A `Repeat` step built with `..step()` carries a duration of 0; a repeat has none.
fn fix_repeat(mut steps: Vec<Step>) -> Vec<Step> {
    for s in &mut steps {
        if s.kind == StepKind::Repeat {
            s.duration_s = None;
        }
    }
    steps
}

// ---------------------------------------------------------------------------------------------
// Making a plan.

/// The long run's share of the week: about 28 % (at most 30 %) with four or more running days;
/// with three, a run is only long at about a third (at most 35 %); with two there is no long run.
fn long_share(days: u8) -> f64 {
    match days {
        0..=2 => 0.0,
        3 => 0.33,
        _ => 0.28,
    }
}

/// The most a long run may be of its week (the rule [`check`] holds plans to).
fn long_share_max(days: u8) -> f64 {
    if days <= 3 {
        0.35
    } else {
        0.30
    }
}

/// A long run shorter than this is an easy run, seconds.
const LONG_MIN_S: f64 = 40.0 * MIN;

/// Builds the plan. `key` makes each workout's calendar id unique to this plan.
///
/// # Errors
/// When the request is impossible (race not ahead, too far, days out of range).
pub fn create(req: &PlanRequest, athlete: &PlanAthlete, key: &str) -> Result<Plan, PlanError> {
    if !(2..=7).contains(&req.days_per_week) {
        return Err(PlanError::Days { days: req.days_per_week });
    }
    let mut notes = Vec::new();
    let asked = req.clone();
    let mut req = req.clone();
    if req.days_per_week == 7 && req.level != Level::Experienced {
        req.days_per_week = 6;
        notes.push(format!(
            "Six running days, not seven: a {} runner keeps one real rest day a week.",
            req.level.name()
        ));
    }
    let req = &req;
    if req.race_date <= req.start {
        return Err(PlanError::RaceNotAhead { race: req.race_date, start: req.start });
    }
    if days_between(req.start, req.race_date) > 7 * 52 {
        return Err(PlanError::TooFar { race: req.race_date });
    }
    if !(0.0..=1800.0 * MIN).contains(&req.start_weekly_s) || !req.start_weekly_s.is_finite() {
        return Err(PlanError::Volume(req.start_weekly_s / MIN));
    }
    if req.long_run_day == req.rest_day {
        return Err(PlanError::SameDay(crate::review::weekday_name(req.rest_day)));
    }
    let first_monday = monday_of(req.start);
    let last_monday = monday_of(req.race_date);
    let n = usize::try_from(days_between(first_monday, last_monday) / 7 + 1).unwrap_or(1);
    let frames = frames(req, first_monday, n);

    let targets = Targets::new(athlete.zones.as_ref(), athlete.max_hr);
    let own_easy = targets
        .easy
        .and_then(|(lo, hi)| pace_for_hr_range(&athlete.hr_pace, lo, hi))
        .map(|p| p.median_s_per_km);
    let easy_pace = own_easy.unwrap_or_else(|| req.level.assumed_easy_pace());
    let race_pace = req.goal.distance_m().and_then(|d| {
        // Riegel from threshold pace (about an hour's race), else from the easy pace.
        athlete.threshold_pace_s_per_km.map(|tp| {
            let t_thr = 3600.0;
            let d_thr = t_thr / tp * 1000.0;
            let t = t_thr * (d / d_thr).powf(1.06);
            t / (d / 1000.0)
        })
    });
    let ctx = Ctx {
        targets,
        athlete,
        easy_pace,
        race_pace,
        level: req.level,
        goal: req.goal,
        key: key.to_owned(),
        week_s: 0.0,
        max_hr: athlete.max_hr.filter(|_| athlete.zones.is_some()),
        paces: paces_of(&targets, &athlete.hr_pace),
    };

    if athlete.zones.is_none() {
        notes.push(
            "No heart-rate targets: max HR is unknown. Set it with `athlete set --max-hr N` (or \
             import runs with heart rate) and create the plan again."
                .to_owned(),
        );
    }
    if req.start_weekly_s < least_weekly_s(req.days_per_week) {
        notes.push(format!(
            "The plan starts at {:.0} min a week, the least that {} running days of 20 min hold \
             (you asked for {:.0}).",
            least_weekly_s(req.days_per_week) / MIN,
            req.days_per_week,
            req.start_weekly_s / MIN
        ));
    }
    let build_weeks = frames.iter().filter(|f| f.phase.builds()).count();
    let short = match req.goal {
        Goal::Marathon => 16,
        Goal::Half => 12,
        Goal::TenK | Goal::FiveK => 8,
        Goal::Base => 0,
    };
    if req.goal != Goal::Base && n < short {
        notes.push(format!(
            "{n} weeks is short for {}: {short} or more let the base grow first. The phases are \
             shortened to fit ({build_weeks} weeks of building).",
            req.goal.words()
        ));
    }
    let peak = frames.iter().map(|f| f.target_s).fold(0.0, f64::max);
    if peak < req.level.peak_min(req.goal) * MIN * 0.8 && req.goal != Goal::Base {
        notes.push(format!(
            "Volume grows from {:.0} to {:.0} min a week at most {:.0} % a week; more weeks would \
             let it reach the {:.0} min typical for this goal and level.",
            req.start_weekly_s / MIN,
            peak / MIN,
            (req.level.growth() - 1.0) * 100.0,
            req.level.peak_min(req.goal) * MIN / MIN
        ));
    }

    let mut weeks = Vec::with_capacity(frames.len());
    let mut prev_last = Day::Rest;
    for f in &frames {
        let race = (f.phase == Phase::Race && req.goal != Goal::Base)
            .then(|| day_index(req.race_date.weekday()));
        let kinds = quality_kinds(req.goal, req.level, f.phase);
        let next_is_race = add_days(f.start, 7) == monday_of(req.race_date)
            && req.race_date.weekday() == Weekday::Monday
            && req.goal != Goal::Base;
        let next_starts_long = req.long_run_day == Weekday::Monday;
        let mut days =
            pattern(req, &kinds, f.phase, prev_last, race, next_is_race || next_starts_long);
        if let Some(r) = race {
            // After the race: rest and recovery, nothing planned but rest.
            for d in days.iter_mut().skip(r + 1) {
                *d = Day::Rest;
            }
        }
        let mut w = build_week(&ctx, req, f, days, prev_last);
        prev_last = days[6];
        // From the start; after the race only its week's rest days.
        w.workouts
            .retain(|x| x.date >= req.start && (x.date <= req.race_date || f.phase == Phase::Race));
        w.planned = totals(&w.workouts);
        weeks.push(w);
    }

    let pace_source = if own_easy.is_some() {
        "your own heart rate against pace on flat running, last 12 months".to_owned()
    } else {
        format!(
            "assumed ({} easy for {}); your runs with heart rate will replace it",
            crate::plan::pace_words(easy_pace),
            req.level.name()
        )
    };
    Ok(Plan {
        request: PlanRequest { days_per_week: req.days_per_week, ..asked },
        volume_source: String::new(),
        pace_source,
        easy_pace_s_per_km: easy_pace,
        zone_model: athlete.zones.as_ref().map(|z| z.model.to_owned()),
        notes,
        weeks,
    })
}

/// One session outside a plan's weeks: `today` without a plan, and adaptation's replacements.
/// `seconds` sizes easy, recovery and long runs; `week_s` (the athlete's weekly volume) sizes
/// quality sessions as a plan would; `None` when the week cannot hold that session.
#[must_use]
#[allow(clippy::too_many_arguments)]
pub fn session(
    kind: WorkoutKind,
    date: Date,
    seconds: f64,
    week_s: f64,
    level: Level,
    goal: Goal,
    athlete: &PlanAthlete,
    key: &str,
) -> Option<Workout> {
    let targets = Targets::new(athlete.zones.as_ref(), athlete.max_hr);
    let easy_pace = targets
        .easy
        .and_then(|(lo, hi)| pace_for_hr_range(&athlete.hr_pace, lo, hi))
        .map_or_else(|| level.assumed_easy_pace(), |p| p.median_s_per_km);
    let ctx = Ctx {
        targets,
        athlete,
        easy_pace,
        race_pace: None,
        level,
        goal,
        key: key.to_owned(),
        week_s,
        max_hr: athlete.max_hr.filter(|_| athlete.zones.is_some()),
        paces: paces_of(&targets, &athlete.hr_pace),
    };
    let round5 = |s: f64| ((s / (5.0 * MIN)).round() * 5.0 * MIN).max(20.0 * MIN);
    Some(match kind {
        WorkoutKind::Rest => ctx.rest(date, "Rest: a real day off, no running"),
        WorkoutKind::Recovery => ctx.recovery(date, 0, round5(seconds), "today"),
        WorkoutKind::Easy | WorkoutKind::Strides => {
            ctx.easy(date, round5(seconds), kind == WorkoutKind::Strides)
        }
        WorkoutKind::Long => ctx.long(date, round5(seconds)),
        k => ctx.quality(date, k, week_s, Phase::Sharpening)?,
    })
}

/// `5:30 /km`.
#[must_use]
pub fn pace_words(s_per_km: f64) -> String {
    let s = s_per_km.round() as i64;
    format!("{}:{:02} /km", s / 60, s % 60)
}

fn build_week(
    ctx: &Ctx<'_>,
    req: &PlanRequest,
    f: &WeekFrame,
    days: [Day; 7],
    prev_last: Day,
) -> Week {
    // A week that cannot hold its target (few days, each run at its longest) sizes its quality
    // sessions to what it holds: shrink until it holds what it is sized for.
    let mut v = f.target_s;
    let mut week = build_week_at(ctx, req, f, days, prev_last, v);
    for _ in 0..6 {
        let race_s: f64 = week
            .workouts
            .iter()
            .filter(|w| w.kind == WorkoutKind::Race)
            .map(|w| w.duration_s)
            .sum();
        let held = week.planned.duration_s - race_s;
        if held >= 0.95 * v {
            break;
        }
        v = held;
        week = build_week_at(ctx, req, f, days, prev_last, v);
    }
    week
}

fn build_week_at(
    ctx: &Ctx<'_>,
    req: &PlanRequest,
    f: &WeekFrame,
    days: [Day; 7],
    prev_last: Day,
    v: f64,
) -> Week {
    let ctx = &Ctx { week_s: v, key: ctx.key.clone(), paces: ctx.paces.clone(), ..*ctx };
    let share = long_share(req.days_per_week);
    let is_race_week = f.phase == Phase::Race;
    let mut out: Vec<Option<Workout>> = vec![None; 7];
    let date = |i: usize| add_days(f.start, i as i64);
    let mut days = days;
    // A long run needs room: at its share of the week it must still be long.
    let share_ok = share > 0.0 && (v * share).min(ctx.goal.long_cap_min() * MIN) >= LONG_MIN_S;
    let has_long = days.contains(&Day::Long) && share_ok && !is_race_week;
    // Quality sessions first (their size follows the week's volume); one the week cannot hold
    // becomes an easy day.
    let mut used = 0.0;
    for i in 0..7 {
        match days[i] {
            Day::Long if !has_long => days[i] = Day::Run,
            Day::Quality(k) => match ctx.quality(date(i), k, v, f.phase) {
                Some(w) => {
                    if k != WorkoutKind::Race {
                        used += w.duration_s;
                    }
                    out[i] = Some(w);
                }
                None => days[i] = Day::Run,
            },
            _ => {}
        }
    }
    let days = &days;
    let recovery_s = if ctx.level == Level::Novice {
        (v * 0.12).clamp(20.0 * MIN, 30.0 * MIN)
    } else {
        (v * 0.11).clamp(20.0 * MIN, 45.0 * MIN)
    };
    let before = |i: usize, days: &[Day; 7]| if i == 0 { prev_last } else { days[i - 1] };
    let mut n_easy = 0;
    let mut n_rec = 0;
    for i in 0..7 {
        if days[i] == Day::Run {
            if before(i, days).needs_recovery_after() {
                n_rec += 1;
            } else {
                n_easy += 1;
            }
        }
    }
    let doubles = req.doubles && req.level == Level::Experienced && f.phase.builds();
    let n_doubles = if doubles { n_easy.min(2) } else { 0 };
    let double_s = 20.0 * MIN;
    used += f64::from(n_rec) * recovery_s + f64::from(n_doubles) * double_s;
    // Long run and easy runs share the rest: long = share of the week, capped.
    let long_cap =
        ctx.goal.long_cap_min().min(if ctx.level == Level::Novice { 120.0 } else { 180.0 }) * MIN;
    let min_easy = 20.0 * MIN;
    let mut long_s = if has_long { (v * share).min(long_cap) } else { 0.0 };
    let easy_each = |long_s: f64| {
        if n_easy == 0 {
            0.0
        } else {
            ((v - used - long_s) / f64::from(n_easy))
                .clamp(min_easy, (long_s * 0.85).max(60.0 * MIN))
        }
    };
    let mut easy_s = easy_each(long_s);
    if has_long && !is_race_week {
        // Keep the long run within its share of what the week actually holds.
        let others = used + easy_s * f64::from(n_easy);
        let max_long = share * others / (1.0 - share);
        if long_s > max_long {
            long_s = max_long;
            easy_s = easy_each(long_s).min(easy_s);
        }
    }
    let round5 = |s: f64| (s / (5.0 * MIN)).round() * 5.0 * MIN;
    let easy_s = round5(easy_s).max(min_easy);
    let long_s = (long_s / (5.0 * MIN)).floor() * 5.0 * MIN;
    let recovery_s = round5(recovery_s);
    // Strides on one or two easy days (none in race week's last days).
    let strides_days = match f.phase {
        Phase::Base | Phase::Hills | Phase::Sharpening => {
            1 + usize::from(ctx.level != Level::Novice)
        }
        Phase::Taper | Phase::Race => 1,
    };
    let mut strides_left = strides_days;
    let mut doubles_left = n_doubles;
    let mut extra = Vec::new();
    for i in 0..7 {
        let d = date(i);
        match days[i] {
            Day::Rest => {
                out[i] = Some(ctx.rest(
                    d,
                    if before(i, days).needs_recovery_after() {
                        "Rest: recovery from yesterday's session is where the training takes hold"
                    } else {
                        "Rest: a real day off, no running"
                    },
                ));
            }
            Day::Long => out[i] = Some(ctx.long(d, long_s)),
            Day::Run => {
                let after = match before(i, days) {
                    Day::Long => Some("after the long run"),
                    Day::Quality(WorkoutKind::Race) => Some("after the race"),
                    Day::Quality(_) => Some("after yesterday's hard session"),
                    Day::Rest | Day::Run => None,
                };
                if let Some(a) = after {
                    out[i] = Some(ctx.recovery(d, 0, recovery_s, a));
                } else {
                    let next_race =
                        is_race_week && days.get(i + 1) == Some(&Day::Quality(WorkoutKind::Race));
                    let s = if is_race_week { easy_s.min(40.0 * MIN) } else { easy_s };
                    // Strides on the first easy days that do not lead into a quality session.
                    let strides = strides_left > 0
                        && !next_race
                        && !matches!(days.get(i + 1), Some(Day::Quality(_)));
                    if strides {
                        strides_left -= 1;
                    }
                    let s = if next_race { s.min(25.0 * MIN) } else { s };
                    out[i] = Some(ctx.easy(d, s, strides || next_race));
                    if doubles_left > 0 && !is_race_week {
                        doubles_left -= 1;
                        let mut dbl = ctx.recovery(d, 1, double_s, "as a morning double");
                        dbl.purpose = "A short morning double, very easy in Zone 1: volume \
                                       without stress"
                            .into();
                        extra.push(dbl);
                    }
                }
            }
            Day::Quality(_) => {}
        }
    }
    let mut workouts: Vec<Workout> = out.into_iter().flatten().collect();
    workouts.extend(extra);
    workouts.sort_by(|a, b| a.date.cmp(&b.date).then(b.slot.cmp(&a.slot)));
    let planned = totals(&workouts);
    Week {
        start: f.start,
        phase: f.phase,
        lighter: f.lighter,
        target_s: f.target_s.round(),
        planned,
        workouts,
    }
}

/// A week's totals from its workouts.
#[must_use]
pub fn totals(workouts: &[Workout]) -> Totals {
    let mut t = Totals::default();
    let mut distance = 0.0;
    let mut all_distance = true;
    let mut run_days = std::collections::BTreeSet::new();
    let mut days = std::collections::BTreeSet::new();
    for w in workouts {
        days.insert(w.date);
        if w.kind == WorkoutKind::Rest {
            continue;
        }
        run_days.insert(w.date);
        t.sessions += 1;
        t.duration_s += w.duration_s;
        match w.distance_m {
            Some(d) => distance += d,
            None => all_distance = false,
        }
        if w.intensity == Intensity::Easy {
            t.easy_sessions += 1;
        }
        let quality = w.work_s.min(w.duration_s);
        if w.kind == WorkoutKind::Race {
            // The whole race is hard.
        } else {
            t.easy_s += w.duration_s - quality;
        }
        match w.kind {
            WorkoutKind::Tempo | WorkoutKind::Threshold => t.threshold_s += quality,
            WorkoutKind::Intervals | WorkoutKind::Hills => t.vo2max_s += quality,
            WorkoutKind::Long => t.long_s = t.long_s.max(w.duration_s),
            _ => {}
        }
    }
    t.rest_days = u32::try_from(days.len() - run_days.len()).unwrap_or(0);
    t.distance_m = (all_distance && t.sessions > 0).then_some(distance);
    t.easy_share = if t.duration_s > 0.0 { t.easy_s / t.duration_s } else { 1.0 };
    t
}

// ---------------------------------------------------------------------------------------------
// The rules.

/// One rule a plan breaks, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBreak {
    pub rule: &'static str,
    pub detail: String,
}

/// Every rule a plan obeys; returns what it breaks (empty: none).
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn check(plan: &Plan) -> Vec<RuleBreak> {
    let mut out = Vec::new();
    let mut fail = |rule: &'static str, detail: String| out.push(RuleBreak { rule, detail });
    let req = &plan.request;
    let all: Vec<&Workout> = plan.weeks.iter().flat_map(|w| &w.workouts).collect();
    let main: std::collections::BTreeMap<Date, &Workout> =
        all.iter().filter(|w| w.slot == 0).map(|w| (w.date, *w)).collect();
    let is_full =
        |w: &Week| w.start >= req.start && w.workouts.iter().filter(|x| x.slot == 0).count() == 7;

    for w in plan.weeks.iter().filter(|w| is_full(w)) {
        let t = &w.planned;
        // 80/20 by time (the race week is the race's).
        if w.phase != Phase::Race && t.duration_s > 0.0 && t.easy_share < 0.78 {
            fail("easy_share", format!("week {}: {:.0} % easy", w.start, t.easy_share * 100.0));
        }
        if w.phase != Phase::Race && t.sessions > 0 && t.easy_sessions * 2 <= t.sessions {
            fail(
                "easy_sessions",
                format!("week {}: {} of {} sessions easy", w.start, t.easy_sessions, t.sessions),
            );
        }
        if t.threshold_s > 0.10 * t.duration_s + 1.0 {
            fail(
                "threshold_volume",
                format!(
                    "week {}: {:.0} of {:.0} min",
                    w.start,
                    t.threshold_s / MIN,
                    t.duration_s / MIN
                ),
            );
        }
        if t.vo2max_s > 0.08 * t.duration_s + 1.0 {
            fail(
                "vo2max_volume",
                format!(
                    "week {}: {:.0} of {:.0} min",
                    w.start,
                    t.vo2max_s / MIN,
                    t.duration_s / MIN
                ),
            );
        }
        if w.phase != Phase::Race {
            if t.long_s > long_share_max(req.days_per_week) * t.duration_s + 1.0 {
                fail(
                    "long_share",
                    format!(
                        "week {}: long {:.0} of {:.0} min",
                        w.start,
                        t.long_s / MIN,
                        t.duration_s / MIN
                    ),
                );
            }
            let seven = req.level == Level::Experienced && req.days_per_week == 7;
            if !seven && t.rest_days == 0 {
                fail("rest_day", format!("week {}: no rest day", w.start));
            }
        }
    }
    for w in &plan.weeks {
        let t = &w.planned;
        if t.long_s > req.goal.long_cap_min() * MIN + 1.0 {
            fail("long_cap", format!("week {}: long run {:.0} min", w.start, t.long_s / MIN));
        }
        for x in &w.workouts {
            if x.kind != WorkoutKind::Rest && (x.duration_s <= 0.0 || x.purpose.is_empty()) {
                fail("workout", format!("{} {}: no duration or purpose", x.date, x.kind.name()));
            }
            if plan.zone_model.is_some() && x.kind != WorkoutKind::Rest && x.hr_high.is_none() {
                fail("workout", format!("{} {}: no heart-rate range", x.date, x.kind.name()));
            }
            if x.kind.is_quality() && x.steps.is_empty() {
                fail("workout", format!("{} {}: no steps", x.date, x.kind.name()));
            }
            if x.slot > 0 && !(req.doubles && req.level == Level::Experienced) {
                fail("doubles", format!("{}: a double not asked for", x.date));
            }
            if x.slot > 0 && (x.kind != WorkoutKind::Recovery || x.duration_s > 30.0 * MIN) {
                fail("doubles", format!("{}: a double that is not a short recovery run", x.date));
            }
        }
    }
    // Spacing and recovery across the whole plan.
    let dates: Vec<Date> = main.keys().copied().collect();
    let mut last_quality: Option<Date> = None;
    for d in &dates {
        let w = main[d];
        if w.kind.is_quality() {
            if let Some(l) = last_quality {
                if days_between(l, *d) < 2 {
                    fail("hard_spacing", format!("{l} and {d}: under 48 h apart"));
                }
            }
            last_quality = Some(*d);
        }
        if w.kind.needs_recovery_after() {
            let next = add_days(*d, 1);
            if let Some(n) = main.get(&next) {
                if !matches!(n.kind, WorkoutKind::Recovery | WorkoutKind::Rest) {
                    fail(
                        "recovery_after",
                        format!("{next}: {} the day after a {}", n.kind.name(), w.kind.name()),
                    );
                }
            }
        }
    }
    // Volume: growth, lighter weeks, taper.
    let full: Vec<&Week> = plan.weeks.iter().filter(|w| is_full(w)).collect();
    let mut last_build: Option<f64> = None;
    let mut since_lighter = 0;
    for w in &full {
        if w.phase.builds() {
            let v = w.target_s;
            if let Some(b) = last_build {
                if !w.lighter && v > b * 1.10 + 1.0 {
                    fail(
                        "ramp",
                        format!("week {}: {:.0} min after {:.0}", w.start, v / MIN, b / MIN),
                    );
                }
                if w.lighter && !(0.69 * b..=0.91 * b).contains(&v) {
                    fail(
                        "lighter",
                        format!("week {}: {:.0} of {:.0} min", w.start, v / MIN, b / MIN),
                    );
                }
            }
            if w.lighter {
                since_lighter = 0;
            } else {
                since_lighter += 1;
                last_build = Some(v);
                if since_lighter > 3 {
                    fail(
                        "lighter",
                        format!("week {}: four build weeks without a lighter one", w.start),
                    );
                }
            }
        }
    }
    // Taper: each week 15–25 % under the one before (the first under the peak).
    let mut prev: Option<f64> =
        plan.weeks.iter().filter(|w| w.phase.builds()).map(|w| w.target_s).reduce(f64::max);
    for w in &plan.weeks {
        match w.phase {
            Phase::Taper => {
                if let Some(p) = prev {
                    let r = w.target_s / p;
                    if !(0.70..=0.86).contains(&r) {
                        fail(
                            "taper",
                            format!("week {}: {:.0} % of the week before", w.start, r * 100.0),
                        );
                    }
                }
                // Intensity kept: a quality session, or strides when the week cannot hold one.
                if !w.workouts.iter().any(|x| x.kind.is_quality() || x.kind == WorkoutKind::Strides)
                {
                    fail("taper", format!("week {}: no intensity kept", w.start));
                }
            }
            Phase::Race
                if req.goal != Goal::Base
                    && !w
                        .workouts
                        .iter()
                        .any(|x| x.kind == WorkoutKind::Race && x.date == req.race_date) =>
            {
                fail("race", format!("week {}: no race on {}", w.start, req.race_date));
            }
            _ => {}
        }
        if w.phase == Phase::Taper {
            prev = Some(w.target_s);
        }
    }
    // A novice runs easy (and strides) in the first phase.
    if req.level == Level::Novice {
        let first = plan.weeks.first().map(|w| w.phase);
        for w in plan.weeks.iter().filter(|w| Some(w.phase) == first && w.phase != Phase::Race) {
            if w.workouts.iter().any(|x| x.intensity == Intensity::Hard) {
                fail("novice", format!("week {}: hard work in the first phase", w.start));
            }
        }
    }
    out
}

pub mod follow;

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use crate::classify::RunType;
    use crate::zones::ZoneModel;

    pub(crate) fn athlete() -> PlanAthlete {
        let d = jiff::civil::date(2024, 1, 1);
        let p =
            Athlete::from_entries(vec![ProfileEntry { max_hr: Some(188), ..ProfileEntry::new(d) }])
                .at(d);
        PlanAthlete {
            zones: ZoneModel::PercentMax.zones(&p).ok(),
            hr_pace: Vec::new(),
            threshold_pace_s_per_km: None,
            max_hr: Some(188),
        }
    }

    /// A 16-week half-marathon plan, 6 days a week, from Monday 7 December 2026.
    pub(crate) fn sample_plan() -> Plan {
        let start = jiff::civil::date(2026, 12, 7);
        let req = PlanRequest {
            goal: Goal::Half,
            race_date: add_days(start, 7 * 16 - 1),
            start,
            days_per_week: 6,
            level: Level::Intermediate,
            start_weekly_s: 240.0 * 60.0,
            long_run_day: Weekday::Sunday,
            rest_day: Weekday::Monday,
            doubles: false,
        };
        create(&req, &athlete(), "s").expect("a plan")
    }

    /// The run type a planned kind is done as.
    pub(crate) fn as_run(k: WorkoutKind) -> RunType {
        match k {
            WorkoutKind::Recovery => RunType::Recovery,
            WorkoutKind::Strides => RunType::EasyWithStrides,
            WorkoutKind::Long => RunType::Long,
            WorkoutKind::Steady => RunType::Steady,
            WorkoutKind::Tempo => RunType::Tempo,
            WorkoutKind::Threshold => RunType::Threshold,
            WorkoutKind::Intervals | WorkoutKind::Hills => RunType::Intervals,
            WorkoutKind::Race => RunType::Race,
            WorkoutKind::Rest | WorkoutKind::Easy => RunType::Easy,
        }
    }
}
