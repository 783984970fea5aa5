//! The honest review of a block of training, week by week in the athlete's local calendar and
//! for the whole block: volume, intensity distribution by time *and* by session, the 80/20
//! verdict and Treff's polarization index, grey-zone creep, recovery after hard days, load,
//! flags (volume jumps, ramps, spikes, monotony) and data quality — verdicts first, in words.
//!
//! # Design
//! The caller builds one plain [`ActivityInput`] per stored activity (histograms included) and
//! the profile periods in force ([`ProfilePeriod`]); [`review`] is one pass to judge every
//! activity ([`assess`]) and one pass over days and weeks, with no I/O and no clock: the range
//! is given. Everything is from the stored per-bpm histograms, so any zone model or profile
//! change re-reviews ten years in milliseconds.
//!
//! Definitions (each a [`ReviewSettings`] field, defaults in brackets):
//! - **By time**: seconds in the easy, moderate and hard domains of the zone table in force,
//!   from heart rate; a run whose heart rate is not trusted ([`load::hr_trusted`]) counts by its
//!   pace against the athlete's pace zones when there are any, else not at all.
//! - **By session** (Seiler's session view): a run is a *hard* session when it holds a real
//!   block of work above the first threshold — at least `hard_block_s` [10 min] in the moderate
//!   and hard domains together. It is then a *hard-domain* session if it holds that much above
//!   the second threshold, else a *moderate* one; anything less is an easy session. Tempo,
//!   threshold, interval and race types are hard sessions whatever the heart rate says.
//! - **Grey-zone creep**: a run meant to be easy (recovery, easy, long, easy with strides, or
//!   steady — the grey zone's own type) that spent at least `grey_share` [25 %] of its
//!   heart-rate time in the grey band (the top of the easy domain) or above. Without a type, a
//!   run is meant to be easy when it is not a hard session, or when it is *continuous* — the
//!   10th–90th percentile spread of its pace within [`CONTINUOUS_PACE_SPREAD`] of the median,
//!   so no reps, blocks or race finish — with less than `hard_block_s` in the hard domain:
//!   continuous running below the second threshold is easy or steady running, whatever pace it
//!   was run at (the classifier's own rule for continuous runs).
//! - **Recovery compliance**: after each day with a hard session, race or long run (`long`
//!   type, or at least `long_run_s` [90 min] without a type), the next calendar day was a rest
//!   day, or every activity on it stayed under the ceiling (`recovery_ceiling`: Zone 1 [default]
//!   or the easy domain) for all but `recovery_tolerance` [25 %] of its heart-rate time and was
//!   not itself hard.
//! - **Hard days < 48 h apart**: hard sessions or races on the same or consecutive calendar days.
//! - **Volume jump**: a week's distance more than `volume_jump` [10 %] above the week before
//!   *and* above every one of the four weeks before it (so coming back from a cut-back week to
//!   the usual volume is not a jump).
//! - **Ramp above norm**: the week's CTL change exceeds the mean of the previous eight weeks'
//!   changes by more than two standard deviations and by more than 3 % of CTL.
//! - A rest day is a calendar day without any activity.

use jiff::civil::{Date, DateTime, Weekday};
use serde::Serialize;

use crate::classify::RunType;
use crate::hist::{pace_bucket_mid_s_per_km, HrHistogram, PaceHistogram, PACE_BUCKETS};
use crate::load::{self, ActivityLoad, LoadInput, LoadMethod, LoadParams, PmcDay};
use crate::summary::HrPacePoint;
use crate::verdicts::{json, Finding, Severity};
use crate::zones::{Domain, PaceZoneTable, ZoneTable};

/// A best effort over a distance, as an input (from the run's metrics, or the whole run).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effort {
    pub distance_m: f64,
    pub time_s: f64,
}

/// One activity as the review and trends read it; built by the caller from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInput {
    pub id: i64,
    /// Local calendar date of the start.
    pub date: Date,
    /// Local start time.
    pub start: DateTime,
    /// Elapsed time, seconds.
    pub duration_s: f64,
    pub moving_s: f64,
    pub distance_m: f64,
    /// FIT sport number (1 running); `None` when the file did not say.
    pub sport: Option<u8>,
    /// The classified (or user-labelled) type, when known.
    pub run_type: Option<RunType>,
    /// Seconds at each bpm of cleaned heart rate, moving time only.
    pub hr_hist: HrHistogram,
    /// Seconds per pace bucket, moving time only.
    pub pace_hist: PaceHistogram,
    /// Share of moving time with a trusted heart rate, 0–1.
    pub hr_coverage: f64,
    /// Grade-adjusted pace of the whole run, s/km, when known.
    pub gap_pace_s_per_km: Option<f64>,
    /// Session RPE (CR-10) the athlete logged.
    pub rpe: Option<f64>,
    /// Heart rate against pace on flat running (for trends).
    pub hr_pace: Vec<HrPacePoint>,
    /// Efficiency factor, m/min per bpm (for trends).
    pub efficiency_factor: Option<f64>,
    /// Aerobic decoupling, % (for trends).
    pub decoupling_pct: Option<f64>,
    /// Best efforts over standard distances (for trends).
    pub best_efforts: Vec<Effort>,
}

impl ActivityInput {
    /// An activity starting at `start` with nothing recorded yet (fill in fields as needed).
    #[must_use]
    pub fn new(id: i64, start: DateTime) -> Self {
        Self {
            id,
            date: start.date(),
            start,
            duration_s: 0.0,
            moving_s: 0.0,
            distance_m: 0.0,
            sport: Some(1),
            run_type: None,
            hr_hist: [0.0; 256],
            pace_hist: [0.0; PACE_BUCKETS],
            hr_coverage: 0.0,
            gap_pace_s_per_km: None,
            rpe: None,
            hr_pace: Vec::new(),
            efficiency_factor: None,
            decoupling_pct: None,
            best_efforts: Vec::new(),
        }
    }

    /// Is it a run (running sport or unknown sport, and not typed as a walk or other sport)?
    #[must_use]
    pub fn is_running(&self) -> bool {
        matches!(self.sport, None | Some(0 | 1)) && self.run_type.is_none_or(RunType::is_run)
    }
}

/// The profile in force from a date: zones and what the load model needs.
#[derive(Debug, Clone)]
pub struct ProfilePeriod {
    pub from: Date,
    /// Heart-rate zones (with their domains and grey band); `None` when max HR is unknown.
    pub zones: Option<ZoneTable>,
    /// Pace zones, when threshold pace is known (for runs without trusted heart rate).
    pub pace_zones: Option<PaceZoneTable>,
    pub load: LoadParams,
}

/// The profile period in force on `date`: the latest starting on or before it, else the first.
#[must_use]
pub fn period_on(periods: &[ProfilePeriod], date: Date) -> Option<&ProfilePeriod> {
    let i = periods.partition_point(|p| p.from <= date);
    periods.get(i.saturating_sub(1))
}

/// What a recovery day must stay under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryCeiling {
    /// Zone 1 of the zone model (below 60 % of max HR with the `%HRmax` zones).
    Zone1,
    /// The easy domain (below the first threshold).
    Easy,
}

/// The review's definitions (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReviewSettings {
    /// First day of the week (Monday by default).
    #[serde(serialize_with = "ser_weekday")]
    pub week_start: Weekday,
    /// Seconds above the first threshold that make a run a hard session.
    pub hard_block_s: f64,
    /// Share of heart-rate time in the grey band or above that makes an easy run a creeping one.
    pub grey_share: f64,
    pub recovery_ceiling: RecoveryCeiling,
    /// Share of a recovery day's heart-rate time allowed above the ceiling.
    pub recovery_tolerance: f64,
    /// Moving time from which an untyped run is a long run, seconds.
    pub long_run_s: f64,
    /// Week-on-week distance increase flagged as a jump (0.10 = 10 %).
    pub volume_jump: f64,
    /// Easy share of running time from which "80/20 holds".
    pub easy_target: f64,
}

// serde's `serialize_with` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn ser_weekday<S: serde::Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(weekday_name(*w))
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            week_start: Weekday::Monday,
            hard_block_s: 600.0,
            grey_share: 0.25,
            recovery_ceiling: RecoveryCeiling::Zone1,
            recovery_tolerance: 0.25,
            long_run_s: 5400.0,
            volume_jump: 0.10,
            easy_target: 0.80,
        }
    }
}

/// How one activity is judged (the first pass of [`review`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub running: bool,
    pub hr_trusted: bool,
    /// Seconds in the easy, moderate and hard domains; `None` when neither a trusted heart rate
    /// with zones nor pace zones can say.
    pub domains_s: Option<[f64; 3]>,
    /// `heart_rate` or `pace`: what `domains_s` came from.
    pub domain_source: Option<&'static str>,
    /// Seconds of heart-rate time.
    pub hr_s: f64,
    /// Seconds in the grey band or above (heart rate only).
    pub grey_plus_s: f64,
    /// Seconds above the recovery ceiling (heart rate only).
    pub above_ceiling_s: Option<f64>,
    /// The session's domain (see the module docs); `None` when nothing can say.
    pub session: Option<Domain>,
    pub hard: bool,
    pub race: bool,
    pub long: bool,
    /// Meant to be easy (eligible for grey-zone creep).
    pub easy_intent: bool,
    pub load: ActivityLoad,
}

/// Days without training that make a break: the load before it is no baseline for the load
/// after it (acute:chronic spikes are not flagged across one).
pub const BREAK_DAYS: usize = 10;
/// Least mean daily load (Banister TRIMP) of the four weeks before a week for its acute:chronic
/// ratio to mean anything (about a 70-TRIMP week: an hour and a half of easy running).
pub const MIN_BASELINE_DAILY_LOAD: f64 = 10.0;

/// Least moving time of a session, s: shorter recordings (a watch started by mistake, a
/// few minutes to the shop) count for volume and load only.
pub const MIN_SESSION_S: f64 = 5.0 * 60.0;

/// Largest 10th–90th percentile spread of pace, as a fraction of the median, of a continuous
/// run (see the module docs). Measured on the synthetic runner's histories: easy, long,
/// recovery and steady runs have a median spread of 0.06–0.15 (90th percentile 0.2–0.3 on
/// hilly routes); interval, threshold and tempo sessions and races 0.3–0.6.
pub const CONTINUOUS_PACE_SPREAD: f64 = 0.25;

/// The 10th–90th percentile spread of moving pace over its median (time-weighted, the
/// stopped bucket left out); `None` without running time.
#[must_use]
pub fn pace_spread(pace_hist: &PaceHistogram) -> Option<f64> {
    let running = &pace_hist[..PACE_BUCKETS - 1];
    let total: f64 = running.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let quantile = |q: f64| {
        let mut acc = 0.0;
        for (b, s) in running.iter().enumerate() {
            acc += s;
            if acc >= q * total {
                return pace_bucket_mid_s_per_km(b);
            }
        }
        pace_bucket_mid_s_per_km(PACE_BUCKETS - 2)
    };
    let (p10, p50, p90) = (quantile(0.1), quantile(0.5), quantile(0.9));
    Some((p90 - p10) / p50)
}

/// Judge one activity against the profile in force on its date.
#[must_use]
pub fn assess(a: &ActivityInput, period: Option<&ProfilePeriod>, s: &ReviewSettings) -> Assessment {
    let hr_s: f64 = a.hr_hist.iter().sum();
    let hr_trusted = load::hr_trusted(a.hr_coverage, hr_s);
    let zones = period.and_then(|p| p.zones.as_ref());
    let (domains_s, domain_source) =
        match (hr_trusted, zones, period.and_then(|p| p.pace_zones.as_ref())) {
            (true, Some(z), _) => (Some(z.time_in_domains(&a.hr_hist)), Some("heart_rate")),
            (false, _, Some(pz)) if a.pace_hist[..PACE_BUCKETS - 1].iter().sum::<f64>() > 0.0 => {
                let mut d = pz.time_in_domains(&a.pace_hist);
                // The stopped bucket is not running at any intensity.
                d[0] -= a.pace_hist[PACE_BUCKETS - 1].min(d[0]);
                (Some(d), Some("pace"))
            }
            _ => (None, None),
        };
    let (grey_plus_s, above_ceiling_s) = match (hr_trusted, zones) {
        (true, Some(z)) => {
            let d = z.time_in_domains(&a.hr_hist);
            let grey = z.time_in_grey(&a.hr_hist) + d[1] + d[2];
            let ceiling = match s.recovery_ceiling {
                RecoveryCeiling::Zone1 => z.zones().get(1).map(|z1| z1.low_bpm),
                RecoveryCeiling::Easy => z.domain_ranges()[1].map(|r| r.0),
            };
            let above = ceiling.map(|c| a.hr_hist[usize::from(c)..].iter().sum::<f64>());
            (grey, above)
        }
        _ => (0.0, None),
    };
    let typed_session = a.run_type.and_then(|t| match t {
        RunType::Race | RunType::Intervals | RunType::Threshold => Some(Domain::Hard),
        RunType::Tempo | RunType::Steady => Some(Domain::Moderate),
        RunType::Recovery | RunType::Easy | RunType::Long | RunType::EasyWithStrides => {
            Some(Domain::Easy)
        }
        RunType::Walk | RunType::Hike | RunType::OtherSport => None,
    });
    let by_time = match domains_s {
        Some(d) if d[2] >= s.hard_block_s => Some(Domain::Hard),
        Some(d) if d[1] + d[2] >= s.hard_block_s => Some(Domain::Moderate),
        Some(_) => Some(Domain::Easy),
        None => typed_session,
    };
    // A session counts by its goal when that is harder than its heart-rate time says (Seiler's
    // session-goal count): short reps barely move the heart rate into the hard zones, and an
    // interval session is a hard day all the same.
    let session = match (by_time, typed_session) {
        (Some(t), Some(g)) if g > t && g != Domain::Easy => Some(g),
        (t, _) => t,
    };
    let hard_type = matches!(
        a.run_type,
        Some(RunType::Tempo | RunType::Threshold | RunType::Intervals | RunType::Race)
    );
    // A few minutes of recording is not a session: it counts for volume and load, never as a
    // session of a domain, a hard day, a race or a long run.
    let session_worthy = a.moving_s >= MIN_SESSION_S;
    let session = session.filter(|_| session_worthy);
    let hard =
        session_worthy && (hard_type || matches!(session, Some(Domain::Moderate | Domain::Hard)));
    let race = session_worthy && a.run_type == Some(RunType::Race);
    let long = session_worthy
        && match a.run_type {
            Some(t) => t == RunType::Long,
            None => a.moving_s >= s.long_run_s,
        };
    let running = a.is_running();
    let below_hard_block = domains_s.is_none_or(|d| d[2] < s.hard_block_s);
    let easy_intent = running
        && session_worthy
        && if let Some(t) = a.run_type {
            // A run typed easy that holds a real block above the second threshold is a race or
            // workout the classifier could not place, not an easy day that crept.
            (t.is_easy_type() || t == RunType::Steady) && below_hard_block
        } else {
            let continuous = pace_spread(&a.pace_hist).is_some_and(|x| x <= CONTINUOUS_PACE_SPREAD);
            !hard || (continuous && below_hard_block)
        };
    let load = period.map_or(LoadParams::default(), |p| p.load);
    let avg_pace = (a.distance_m > 0.0).then(|| a.moving_s / a.distance_m * 1000.0);
    let grade_factor = match (avg_pace, a.gap_pace_s_per_km) {
        (Some(p), Some(g)) if p > 0.0 && g > 0.0 => Some(p / g),
        _ => None,
    };
    let load = load::activity_load(
        &LoadInput {
            moving_s: a.moving_s,
            hr_hist: &a.hr_hist,
            hr_coverage: a.hr_coverage,
            pace_hist: &a.pace_hist,
            grade_factor,
            rpe: a.rpe,
        },
        &load,
    );
    Assessment {
        running,
        hr_trusted,
        domains_s,
        domain_source,
        hr_s,
        grey_plus_s,
        above_ceiling_s,
        session,
        hard,
        race,
        long,
        easy_intent,
        load,
    }
}

/// Treff's polarization index of a training intensity distribution (seconds or shares in the
/// three domains): `PI = log10(Z1/Z2 × Z3 × 100)` with the zones as fractions of the total;
/// a Z2 of 0 is taken as 0.01 so the ratio stays finite, as Treff et al. suggest. `None` when
/// there is no Z3 (the logarithm of 0) or no time at all.
///
/// Source: Treff G., Winkert K., Sareban M., Steinacker J. M., Sperlich B. (2019), "The
/// polarization-index: a simple calculation to distinguish polarized from non-polarized
/// training intensity distributions", *Front. Physiol.* 10:707. A distribution is polarized
/// when PI > 2.00 *and* Z1 > Z3 > Z2 ([`is_polarized`]). Example: 80/5/15 % → log10(16 × 0.15 ×
/// 100) = log10(240) = 2.380.
#[must_use]
pub fn polarization_index(z: [f64; 3]) -> Option<f64> {
    let total: f64 = z.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let [z1, z2, z3] = z.map(|x| x.max(0.0) / total);
    let z2 = if z2 > 0.0 { z2 } else { 0.01 };
    (z3 > 0.0).then(|| (z1 / z2 * z3 * 100.0).log10())
}

/// The structure of a three-domain distribution, with Treff's polarization condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// Z1 > Z3 > Z2 and PI > 2.
    Polarized,
    /// Z1 > Z2 > Z3.
    Pyramidal,
    /// Moderate is the largest share.
    Threshold,
    /// Hard is the largest share.
    HighIntensity,
    /// Easy is the largest, but neither polarized nor pyramidal (e.g. Z1 > Z3 > Z2 with PI ≤ 2,
    /// or only easy running).
    Base,
}

/// Is a distribution polarized in Treff et al.'s sense: Z1 > Z3 > Z2 and PI > 2.00?
#[must_use]
pub fn is_polarized(z: [f64; 3]) -> bool {
    z[0] > z[2] && z[2] > z[1] && polarization_index(z).is_some_and(|pi| pi > 2.0)
}

/// The structure of a distribution (see [`Structure`]); `None` when it is empty.
#[must_use]
pub fn structure(z: [f64; 3]) -> Option<Structure> {
    let total: f64 = z.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    Some(if is_polarized(z) {
        Structure::Polarized
    } else if z[1] >= z[0] && z[1] >= z[2] {
        Structure::Threshold
    } else if z[2] >= z[0] && z[2] > z[1] {
        Structure::HighIntensity
    } else if z[1] > z[2] {
        Structure::Pyramidal
    } else {
        Structure::Base
    })
}

/// Seconds or counts in the three domains.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Domains {
    pub easy: f64,
    pub moderate: f64,
    pub hard: f64,
}

impl Domains {
    fn from_array(a: [f64; 3]) -> Self {
        Self { easy: a[0], moderate: a[1], hard: a[2] }
    }

    fn total(&self) -> f64 {
        self.easy + self.moderate + self.hard
    }

    /// The easy share, 0–1; `None` when empty.
    fn easy_share(&self) -> Option<f64> {
        let t = self.total();
        (t > 0.0).then(|| self.easy / t)
    }
}

/// An easy run that crept into the grey band or above.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GreyRun {
    pub id: i64,
    pub date: Date,
    pub run_type: Option<RunType>,
    /// Share of its heart-rate time in the grey band or above, 0–1.
    pub grey_share: f64,
    /// Minutes in the grey band or above.
    pub minutes: f64,
}

/// What the day after a hard session, race or long run was.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NextDay {
    /// No activity: a rest day.
    Rest,
    /// Every activity stayed under the recovery ceiling.
    Easy,
    /// An activity went above the ceiling for too long, or was itself hard.
    TooHard { id: i64, minutes_above: f64, hard: bool },
    /// The next day's heart rate cannot be trusted and its type does not say.
    Unknown { id: i64 },
    /// The next day is after the end of the data.
    Pending,
}

/// An activity that makes a day demanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Demanding {
    pub id: i64,
    /// `race`, `hard` or `long`.
    pub why: &'static str,
}

/// One recovery check: a day with a hard session, race or long run, and the day after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryCheck {
    pub date: Date,
    /// What made the day demanding (each activity once).
    pub after: Vec<Demanding>,
    pub next_day: NextDay,
}

impl RecoveryCheck {
    /// `Some(true)` when it complied, `Some(false)` when not, `None` when it cannot be judged.
    #[must_use]
    pub fn complied(&self) -> Option<bool> {
        match self.next_day {
            NextDay::Rest | NextDay::Easy => Some(true),
            NextDay::TooHard { .. } => Some(false),
            NextDay::Unknown { .. } | NextDay::Pending => None,
        }
    }
}

/// Kinds of flag a week can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    VolumeJump,
    RampAboveNorm,
    AcuteChronicSpike,
    HighMonotony,
    HardDaysBackToBack,
}

/// A warning about a week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub week: String,
    pub message: String,
}

/// A run whose heart rate could not be trusted, and what its load fell back to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataNote {
    pub id: i64,
    pub date: Date,
    pub hr_coverage: f64,
    pub load_method: LoadMethod,
    pub load: f64,
    pub note: Option<String>,
}

/// One activity of a week, as the review judged it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityLine {
    pub id: i64,
    pub date: Date,
    pub start: DateTime,
    pub run_type: Option<RunType>,
    pub running: bool,
    pub km: f64,
    pub moving_s: f64,
    /// Easy share of its time (from heart rate, or pace when the heart rate is not trusted).
    pub easy_share: Option<f64>,
    /// Share of its heart-rate time in the grey band or above.
    pub grey_share: Option<f64>,
    /// The session's domain.
    pub session: Option<Domain>,
    pub hard: bool,
    pub long: bool,
    pub easy_intent: bool,
    pub hr_trusted: bool,
    pub load: f64,
    pub load_method: LoadMethod,
}

/// One week of the review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekReview {
    /// ISO week of the Monday in this week, e.g. `2026-W47`.
    pub week: String,
    pub start: Date,
    pub end: Date,
    /// Days of the week up to the end of the review (7 except for a week still running).
    pub days: u8,
    pub km: f64,
    /// Moving time of runs, seconds.
    pub seconds: f64,
    pub runs: usize,
    pub rest_days: u8,
    /// Distance of the longest run, km.
    pub long_run_km: f64,
    /// The longest run's share of the week's distance, 0–1.
    pub long_run_share: Option<f64>,
    /// Running time per domain, seconds.
    pub time_s: Domains,
    pub easy_share_time: Option<f64>,
    /// Runs per session domain.
    pub sessions: Domains,
    pub easy_share_sessions: Option<f64>,
    pub polarization_index: Option<f64>,
    pub structure: Option<Structure>,
    /// Easy-intent runs with trusted heart rate (the ones grey creep is judged on).
    pub easy_runs: usize,
    pub grey_runs: usize,
    pub grey: Vec<GreyRun>,
    pub recovery: Vec<RecoveryCheck>,
    /// Complied over judged checks, 0–1; `None` without a judged check.
    pub recovery_compliance: Option<f64>,
    /// Pairs of hard days (or the same day twice) less than 48 h apart.
    pub hard_back_to_back: Vec<(Date, Date)>,
    /// Sum of the week's loads (TRIMP).
    pub load: f64,
    /// Daily loads, first day first.
    pub daily_load: Vec<f64>,
    /// At the end of the week.
    pub ctl: f64,
    pub atl: f64,
    pub tsb: f64,
    /// CTL change over the week.
    pub ramp: Option<f64>,
    pub acute_chronic: Option<f64>,
    pub monotony: Option<f64>,
    pub strain: Option<f64>,
    /// Distance change on the week before, % (`None` after a week without running).
    pub volume_change_pct: Option<f64>,
    pub flags: Vec<Flag>,
    pub data_quality: Vec<DataNote>,
    /// The week's activities, as judged.
    pub activities: Vec<ActivityLine>,
    /// Plain-language findings, each with a stable code, a severity and its numbers, in this
    /// order: `no_running` (alone) or `eighty_twenty` / `intensity_unknown`, then
    /// `moderate_heavy`, `grey_none` / `grey_crept`, `recovery_respected` /
    /// `recovery_missed`, one finding per flag (`volume_jump`, `ramp_above_norm`,
    /// `acute_chronic_spike`, `high_monotony`, `hard_back_to_back`, text as the flag's
    /// message) and `hr_untrusted`.
    pub verdicts: Vec<Finding>,
}

/// Rising, falling or steady.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Rising,
    Falling,
    Steady,
}

/// The whole block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockReview {
    pub from: Date,
    pub to: Date,
    pub weeks: usize,
    pub km: f64,
    pub seconds: f64,
    pub runs: usize,
    pub rest_days: usize,
    pub time_s: Domains,
    pub easy_share_time: Option<f64>,
    pub sessions: Domains,
    pub easy_share_sessions: Option<f64>,
    pub polarization_index: Option<f64>,
    pub structure: Option<Structure>,
    /// Weeks (with running) whose easy share of time reached the target.
    pub weeks_holding: usize,
    pub weeks_with_running: usize,
    pub easy_runs: usize,
    pub grey_runs: usize,
    /// Share of easy runs that crept in the first and the second half of the block.
    pub grey_first_half: Option<f64>,
    pub grey_second_half: Option<f64>,
    pub grey_trend: Option<Trend>,
    pub recovery_checks: usize,
    pub recovery_complied: usize,
    pub recovery_compliance: Option<f64>,
    pub hard_back_to_back: usize,
    pub load: f64,
    pub ctl_start: f64,
    pub ctl_end: f64,
    pub tsb_end: f64,
    pub flags: Vec<Flag>,
    pub data_quality: Vec<DataNote>,
    /// Plain-language findings on the whole block, each with a stable code, a severity and
    /// its numbers, in this order: `no_running` (alone) or `eighty_twenty`, then
    /// `intensity_distribution`, `grey_none` / `grey_crept`, `recovery_respected` /
    /// `recovery_missed`, `hard_back_to_back`, `volume_jump`, `ramp_above_norm`,
    /// `fitness_form` and `hr_untrusted`.
    pub verdicts: Vec<Finding>,
}

/// A review: the settings it used, each week and the block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub settings: ReviewSettings,
    pub weeks: Vec<WeekReview>,
    pub block: BlockReview,
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers: dates as day numbers (days since 1970-01-01), so the daily series is a Vec.

/// Days since 1970-01-01 (proleptic Gregorian; Hinnant's `days_from_civil`).
#[must_use]
pub(crate) fn day_number(d: Date) -> i32 {
    let (y, m, day) = (i32::from(d.year()), i32::from(d.month()), i32::from(d.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`day_number`]); clamped to jiff's range.
#[must_use]
pub(crate) fn from_day_number(z: i32) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    Date::new(y.clamp(-9999, 9999) as i16, m as i8, d as i8).unwrap_or(if y < 0 {
        Date::MIN
    } else {
        Date::MAX
    })
}

/// Monday-zero weekday offset of a day number (1970-01-01 was a Thursday).
fn weekday_offset(z: i32) -> i32 {
    (z + 3).rem_euclid(7)
}

/// The first day (day number) of the week holding day `z`.
fn week_start_of(z: i32, start: Weekday) -> i32 {
    z - (weekday_offset(z) - i32::from(start.to_monday_zero_offset())).rem_euclid(7)
}

/// The ISO week label (`2026-W47`) of the week starting on day `start`: the ISO week of the one
/// Monday among its seven days.
fn week_label(start: i32) -> String {
    let monday = start + (7 - weekday_offset(start)).rem_euclid(7);
    let w = from_day_number(monday).iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// The first day of the week (per `week_start`) holding `date`.
#[must_use]
pub fn week_start(date: Date, week_start: Weekday) -> Date {
    from_day_number(week_start_of(day_number(date), week_start))
}

/// The week (per `week_start`) labelled with ISO week `label` (`2026-W47`): the one holding
/// that ISO week's Monday. Returns its first day.
#[must_use]
pub fn week_of_label(label: &str, week_start: Weekday) -> Option<Date> {
    let (y, w) = label.trim().split_once(['-', ' '])?;
    let w = w.trim_start_matches(['W', 'w']);
    let monday =
        jiff::civil::ISOWeekDate::new(y.parse().ok()?, w.parse().ok()?, Weekday::Monday).ok()?;
    Some(self::week_start(monday.date(), week_start))
}

/// English name of a weekday, lower case.
#[must_use]
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting for verdicts (core cannot use slowburn-report, which sits above it).

pub(crate) fn fmt_minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as i64;
    if m >= 60 {
        format!("{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

pub(crate) fn fmt_pct(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn type_name(t: Option<RunType>) -> &'static str {
    t.map_or("run", |t| match t {
        RunType::EasyWithStrides => "easy run with strides",
        RunType::Recovery => "recovery run",
        RunType::Easy => "easy run",
        RunType::Long => "long run",
        RunType::Steady => "steady run",
        other => other.name(),
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------

struct Judged<'a> {
    a: &'a ActivityInput,
    x: Assessment,
    day: i32,
}

/// Per-week running totals (for every week from the first data, not only reviewed ones).
#[derive(Default, Clone, Copy)]
struct WeekKm {
    km: f64,
    any_run: bool,
}

/// Review the weeks (per `settings.week_start`) that hold `from` to `to` (both inclusive, local
/// dates). `activities` may include anything before `from` (it feeds the load model and the
/// week-on-week comparisons) and is read in start order; activities after `to` are ignored.
/// `periods` must be sorted by `from`.
#[must_use]
pub fn review(
    activities: &[ActivityInput],
    periods: &[ProfilePeriod],
    settings: &ReviewSettings,
    from: Date,
    to: Date,
) -> Review {
    let (from_z, to_z) = (day_number(from), day_number(to.max(from)));
    let first_week = week_start_of(from_z, settings.week_start);
    let last_week = week_start_of(to_z, settings.week_start);
    let mut order: Vec<&ActivityInput> =
        activities.iter().filter(|a| day_number(a.date) <= to_z).collect();
    order.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
    // The daily series starts at the earlier of the first activity and eight weeks before the
    // first reviewed week (room for volume comparisons and ramp norms), on a week start.
    let earliest = order.first().map_or(first_week, |a| day_number(a.date)).min(first_week - 56);
    let base = week_start_of(earliest, settings.week_start);
    let n_days = usize::try_from(to_z - base + 1).unwrap_or(0);
    let mut daily = vec![0.0; n_days];
    let mut active = vec![false; n_days];
    let judged: Vec<Judged<'_>> = order
        .iter()
        .map(|a| {
            let x = assess(a, period_on(periods, a.date), settings);
            let day = day_number(a.date);
            if let Ok(i) = usize::try_from(day - base) {
                if let Some(d) = daily.get_mut(i) {
                    *d += x.load.trimp;
                    active[i] = true;
                }
            }
            Judged { a, x, day }
        })
        .collect();
    let pmc = load::pmc(&daily);
    let n_weeks = usize::try_from((last_week - base) / 7 + 1).unwrap_or(0);
    let mut week_km = vec![WeekKm::default(); n_weeks];
    for j in &judged {
        if j.x.running {
            if let Some(w) =
                usize::try_from((j.day - base) / 7).ok().and_then(|w| week_km.get_mut(w))
            {
                w.km += j.a.distance_m / 1000.0;
                w.any_run = true;
            }
        }
    }
    let day_index = |z: i32| usize::try_from(z - base).ok().filter(|&i| i < n_days);
    // The first day with data: load figures need history before them to mean anything.
    let first_i = order.first().and_then(|a| day_index(day_number(a.date))).unwrap_or(0);
    // Recovery checks, by the day of the demanding session.
    let checks = recovery_checks(&judged, settings, to_z);
    let mut weeks = Vec::new();
    let mut ws = first_week;
    let mut lo = judged.partition_point(|j| j.day < first_week);
    while ws <= last_week {
        let we = ws + 6;
        let hi = lo + judged[lo..].partition_point(|j| j.day <= we);
        let in_week = &judged[lo..hi];
        lo = hi;
        let w_idx = usize::try_from((ws - base) / 7).unwrap_or(0);
        let end_z = we.min(to_z);
        let end_i = day_index(end_z).unwrap_or(0);
        let wk = week_review(&WeekCtx {
            ws,
            end_z,
            in_week,
            settings,
            daily: &daily,
            active: &active,
            pmc: &pmc,
            base,
            end_i,
            week_km: &week_km,
            w_idx,
            checks: &checks,
            first_i,
        });
        weeks.push(wk);
        ws += 7;
    }
    let block = block_review(&weeks, from_day_number(first_week), to, &pmc, settings);
    Review { settings: *settings, weeks, block }
}

fn recovery_checks(judged: &[Judged<'_>], s: &ReviewSettings, to_z: i32) -> Vec<RecoveryCheck> {
    let mut out: Vec<RecoveryCheck> = Vec::new();
    let mut i = 0;
    while i < judged.len() {
        let day = judged[i].day;
        let mut j = i;
        let mut after = Vec::new();
        while j < judged.len() && judged[j].day == day {
            let x = &judged[j].x;
            let why = if x.race {
                Some("race")
            } else if x.hard {
                Some("hard")
            } else if x.long && x.running {
                Some("long")
            } else {
                None
            };
            if let Some(w) = why {
                after.push(Demanding { id: judged[j].a.id, why: w });
            }
            j += 1;
        }
        if !after.is_empty() {
            let next =
                &judged[j..judged.len().min(j + judged[j..].partition_point(|k| k.day <= day + 1))];
            let next_day = if day + 1 > to_z {
                NextDay::Pending
            } else if next.is_empty() || next[0].day != day + 1 {
                NextDay::Rest
            } else {
                let mut verdict = NextDay::Easy;
                for k in next {
                    let x = &k.x;
                    let above = x.above_ceiling_s;
                    let too_long = above.is_some_and(|a| a > s.recovery_tolerance * x.hr_s);
                    if x.hard || too_long {
                        verdict = NextDay::TooHard {
                            id: k.a.id,
                            minutes_above: above.unwrap_or(0.0) / 60.0,
                            hard: x.hard,
                        };
                        break;
                    }
                    if above.is_none() && k.a.run_type != Some(RunType::Recovery) {
                        verdict = NextDay::Unknown { id: k.a.id };
                    }
                }
                verdict
            };
            out.push(RecoveryCheck { date: from_day_number(day), after, next_day });
        }
        i = j;
    }
    out
}

struct WeekCtx<'a, 'b> {
    ws: i32,
    end_z: i32,
    in_week: &'b [Judged<'a>],
    settings: &'b ReviewSettings,
    daily: &'b [f64],
    active: &'b [bool],
    pmc: &'b [PmcDay],
    base: i32,
    end_i: usize,
    week_km: &'b [WeekKm],
    w_idx: usize,
    checks: &'b [RecoveryCheck],
    /// Index of the first day with an activity.
    first_i: usize,
}

fn week_review(c: &WeekCtx<'_, '_>) -> WeekReview {
    let s = c.settings;
    let label = week_label(c.ws);
    let days = u8::try_from((c.end_z - c.ws + 1).clamp(0, 7)).unwrap_or(7);
    let day_range = |z0: i32, z1: i32| {
        let a = usize::try_from(z0 - c.base).unwrap_or(0);
        let b = usize::try_from(z1 - c.base + 1).unwrap_or(0).min(c.daily.len());
        a.min(b)..b
    };
    let range = day_range(c.ws, c.end_z);
    let rest_days = c.active[range.clone()].iter().filter(|a| !**a).count() as u8;
    let mut daily_load: Vec<f64> = c.daily[range.clone()].to_vec();
    let (mut km, mut seconds, mut runs, mut long_km) = (0.0, 0.0, 0, 0.0_f64);
    let mut time = [0.0; 3];
    let mut sessions = [0.0; 3];
    let (mut easy_runs, mut grey) = (0, Vec::new());
    let mut data_quality = Vec::new();
    let mut hard_days: Vec<i32> = Vec::new();
    let mut activities = Vec::with_capacity(c.in_week.len());
    for j in c.in_week {
        let (a, x) = (j.a, &j.x);
        activities.push(ActivityLine {
            id: a.id,
            date: a.date,
            start: a.start,
            run_type: a.run_type,
            running: x.running,
            km: a.distance_m / 1000.0,
            moving_s: a.moving_s,
            easy_share: x.domains_s.and_then(|d| {
                let t: f64 = d.iter().sum();
                (t > 0.0).then(|| d[0] / t)
            }),
            grey_share: (x.hr_trusted && x.hr_s > 0.0 && x.above_ceiling_s.is_some())
                .then(|| x.grey_plus_s / x.hr_s),
            session: x.session,
            hard: x.hard,
            long: x.long,
            easy_intent: x.easy_intent,
            hr_trusted: x.hr_trusted,
            load: x.load.trimp,
            load_method: x.load.method,
        });
        if x.running {
            km += a.distance_m / 1000.0;
            seconds += a.moving_s;
            runs += 1;
            long_km = long_km.max(a.distance_m / 1000.0);
            if let Some(d) = x.domains_s {
                for (t, v) in time.iter_mut().zip(d) {
                    *t += v;
                }
            }
            if let Some(sd) = x.session {
                sessions[sd.index()] += 1.0;
            }
            if x.easy_intent && x.hr_trusted && x.hr_s > 0.0 && x.above_ceiling_s.is_some() {
                easy_runs += 1;
                let share = x.grey_plus_s / x.hr_s;
                if share >= s.grey_share {
                    grey.push(GreyRun {
                        id: a.id,
                        date: a.date,
                        run_type: a.run_type,
                        grey_share: share,
                        minutes: x.grey_plus_s / 60.0,
                    });
                }
            }
        }
        if x.hard || x.race {
            hard_days.push(j.day);
        }
        if !x.hr_trusted {
            data_quality.push(DataNote {
                id: a.id,
                date: a.date,
                hr_coverage: a.hr_coverage,
                load_method: x.load.method,
                load: x.load.trimp,
                note: x.load.note.clone(),
            });
        }
    }
    hard_days.dedup();
    // Back to back: consecutive hard days within the week, plus the first hard day of this week
    // against the last day of the week before.
    let mut back_to_back = Vec::new();
    let prev_hard_day = c.ws - 1;
    let prev_hard = c
        .checks
        .iter()
        .any(|k| day_number(k.date) == prev_hard_day && k.after.iter().any(|d| d.why != "long"));
    if prev_hard && hard_days.first() == Some(&c.ws) {
        back_to_back.push((from_day_number(prev_hard_day), from_day_number(c.ws)));
    }
    for w in hard_days.windows(2) {
        if w[1] - w[0] < 2 {
            back_to_back.push((from_day_number(w[0]), from_day_number(w[1])));
        }
    }
    let same_day_doubles = c
        .in_week
        .windows(2)
        .filter(|p| {
            p[0].day == p[1].day && (p[0].x.hard || p[0].x.race) && (p[1].x.hard || p[1].x.race)
        })
        .map(|p| (from_day_number(p[0].day), from_day_number(p[1].day)));
    back_to_back.extend(same_day_doubles);

    let recovery: Vec<RecoveryCheck> = c
        .checks
        .iter()
        .filter(|k| (c.ws..=c.ws + 6).contains(&day_number(k.date)))
        .cloned()
        .collect();
    let judged_checks: Vec<bool> = recovery.iter().filter_map(RecoveryCheck::complied).collect();
    let recovery_compliance = (!judged_checks.is_empty())
        .then(|| judged_checks.iter().filter(|b| **b).count() as f64 / judged_checks.len() as f64);

    let time_s = Domains::from_array(time);
    let sessions_d = Domains::from_array(sessions);
    let load_sum: f64 = daily_load.iter().sum();
    let pm = c.pmc.get(c.end_i).copied().unwrap_or_default();
    let ramp = load::ramp_rate(c.pmc, c.end_i);
    let acute_chronic = load::acute_chronic_ratio(c.daily, c.end_i);
    // Monotony over the full week (a week still running is padded with its rest-so-far days
    // only: the days not yet lived are not rest).
    let monotony = if daily_load.len() >= 3 { load::monotony(&daily_load) } else { None };
    let strain = monotony.map(|m| m * load_sum);
    let prev = c.w_idx.checked_sub(1).and_then(|i| c.week_km.get(i));
    let volume_change_pct =
        prev.filter(|p| p.any_run && p.km > 0.0).map(|p| (km / p.km - 1.0) * 100.0);

    // Each flag with its finding (same order), for the week's verdicts.
    let mut flags = Vec::new();
    let mut flag_findings = Vec::new();
    let mut back_after_break: Option<Finding> = None;
    let mut flag = |kind: FlagKind, message: String, f: &dyn Fn(Finding) -> Finding| {
        flag_findings.push(f(Finding::new(flag_code(kind), Severity::Warning, message.clone())));
        flags.push(Flag { kind, week: label.clone(), message });
    };
    if let Some(p) = prev.filter(|p| p.any_run && p.km > 0.0) {
        let before = &c.week_km[c.w_idx.saturating_sub(4)..c.w_idx];
        let max4 = before.iter().map(|w| w.km).fold(0.0, f64::max);
        if km > p.km * (1.0 + s.volume_jump) && km > max4 * (1.0 + s.volume_jump) {
            let change = (km / p.km - 1.0) * 100.0;
            flag(
                FlagKind::VolumeJump,
                format!(
                    "Volume jumped {change:.0} % ({km:.1} km after {:.1} km, and more than any of the four weeks before): keep week-on-week increases under {:.0} %.",
                    p.km,
                    s.volume_jump * 100.0
                ),
                &|f| {
                    f.param("volume_change_pct", change)
                        .param("km", km)
                        .param("previous_km", p.km)
                        .param("max_four_weeks_km", max4)
                        .param("volume_jump_pct", s.volume_jump * 100.0)
                },
            );
        }
    }
    // A spike needs a real baseline: four weeks of training before this week without a break,
    // at a load worth comparing with (a few TRIMP after a lay-off is no spike).
    let week_start = range.start;
    let baseline = week_start.saturating_sub(load::CHRONIC_DAYS)..week_start;
    let baseline_mean = c.daily[baseline.clone()].iter().sum::<f64>() / load::CHRONIC_DAYS as f64;
    let longest_gap =
        c.active[baseline.clone()].split(|a| *a).map(<[bool]>::len).max().unwrap_or(0);
    let steady_baseline = baseline.len() == load::CHRONIC_DAYS
        && longest_gap < BREAK_DAYS
        && baseline_mean >= MIN_BASELINE_DAILY_LOAD;
    // Days without any activity before this week's first one.
    let first_active = c.active[range.clone()].iter().position(|a| *a).map(|k| week_start + k);
    let break_days = first_active.map(|f| c.active[..f].iter().rev().take_while(|a| !**a).count());
    // A ramp, like a spike, means something only against a steady baseline.
    if let Some(r) = ramp.filter(|_| steady_baseline) {
        // Norms only from weeks that had data a week before them.
        let norms: Vec<f64> = (1..=8)
            .filter_map(|k| c.end_i.checked_sub(7 * k))
            .filter(|&i| i >= c.first_i + 7)
            .filter_map(|i| load::ramp_rate(c.pmc, i))
            .collect();
        if norms.len() >= 4 {
            let n = norms.len() as f64;
            let mean = norms.iter().sum::<f64>() / n;
            let sd = (norms.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            if r > mean + 2.0 * sd && r > mean + 0.03 * pm.ctl && r > 0.0 {
                flag(
                    FlagKind::RampAboveNorm,
                    format!(
                        "Fitness load (CTL) rose {r:.1} this week, above your recent norm of {mean:+.1} ± {sd:.1} a week."
                    ),
                    &|f| {
                        f.param("ctl_change", r)
                            .param("norm_mean_ctl_change", mean)
                            .param("norm_sd_ctl_change", sd)
                            .param("ctl", pm.ctl)
                    },
                );
            }
        }
    }
    let four_weeks_of_data = c.end_i + 1 >= c.first_i + load::CHRONIC_DAYS;
    if let Some(r) = acute_chronic.filter(|r| *r > 1.5 && four_weeks_of_data && steady_baseline) {
        flag(
            FlagKind::AcuteChronicSpike,
            format!(
                "This week's load is {r:.2} times your four-week average (above 1.5 is a spike injuries follow)."
            ),
            &|f| f.param("acute_chronic_ratio", r).param("limit_ratio", 1.5),
        );
    }
    if let Some(m) = monotony.filter(|m| *m > 2.0) {
        flag(
            FlagKind::HighMonotony,
            format!(
                "Every day looked alike (monotony {m:.1}, above 2): make easy days easier and rest days real."
            ),
            &|f| f.param("monotony", m).param("limit_monotony", 2.0),
        );
    }
    if !back_to_back.is_empty() {
        let list: Vec<String> = back_to_back.iter().map(|(a, b)| format!("{a} and {b}")).collect();
        let pairs: Vec<serde_json::Value> = back_to_back
            .iter()
            .map(|(a, b)| serde_json::json!([a.to_string(), b.to_string()]))
            .collect();
        flag(
            FlagKind::HardDaysBackToBack,
            format!("Hard days less than 48 h apart: {}.", list.join("; ")),
            &|f| f.param("times", back_to_back.len()).param("pairs", pairs.clone()),
        );
    }

    daily_load.shrink_to_fit();
    let mut wk = WeekReview {
        week: label,
        start: from_day_number(c.ws),
        end: from_day_number(c.ws + 6),
        days,
        km,
        seconds,
        runs,
        rest_days,
        long_run_km: long_km,
        long_run_share: (km > 0.0).then(|| long_km / km),
        easy_share_time: time_s.easy_share(),
        time_s,
        easy_share_sessions: sessions_d.easy_share(),
        sessions: sessions_d,
        polarization_index: polarization_index(time),
        structure: structure(time),
        easy_runs,
        grey_runs: grey.len(),
        grey,
        recovery,
        recovery_compliance,
        hard_back_to_back: back_to_back,
        load: load_sum,
        daily_load,
        ctl: pm.ctl,
        atl: pm.atl,
        tsb: pm.tsb,
        ramp,
        acute_chronic,
        monotony,
        strain,
        volume_change_pct,
        flags,
        data_quality,
        activities,
        verdicts: Vec::new(),
    };
    if let Some(n) =
        break_days.filter(|n| *n >= BREAK_DAYS && first_active.is_some_and(|f| f > c.first_i))
    {
        back_after_break = Some(
            Finding::new(
                "back_after_break",
                Severity::Note,
                format!(
                    "First week back after {n} days without training: build volume up over a few weeks before adding hard sessions."
                ),
            )
            .param("break_days", n),
        );
    }
    flag_findings.extend(back_after_break);
    wk.verdicts = week_verdicts(&wk, s, flag_findings);
    wk
}

/// The stable code of a flag's finding: its kind in `snake_case`.
fn flag_code(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::VolumeJump => "volume_jump",
        FlagKind::RampAboveNorm => "ramp_above_norm",
        FlagKind::AcuteChronicSpike => "acute_chronic_spike",
        FlagKind::HighMonotony => "high_monotony",
        FlagKind::HardDaysBackToBack => "hard_back_to_back",
    }
}

/// The 80/20 finding (`eighty_twenty`): good when the easy share of time reached the target,
/// a warning below it.
fn eighty_twenty_verdict(
    share: f64,
    sessions: &Domains,
    s: &ReviewSettings,
    span: &str,
) -> Finding {
    let session_share = sessions.easy_share();
    let by_session = session_share.map_or(String::new(), |e| {
        format!(
            "; by session {} of {} easy ({})",
            sessions.easy as usize,
            sessions.total() as usize,
            fmt_pct(e)
        )
    });
    // Judged on the percentage shown, so "80 %" is never called short of 80 %.
    let shown = (share * 100.0).round() / 100.0;
    let (severity, text) = if shown >= s.easy_target {
        (
            Severity::Good,
            format!("80/20 holds: {} of {span} running time was easy{by_session}.", fmt_pct(share)),
        )
    } else if shown >= s.easy_target - 0.05 {
        (
            Severity::Note,
            format!(
                "Close to 80/20: {} of {span} running time was easy, a little short of about 80 %{by_session}.",
                fmt_pct(share)
            ),
        )
    } else if shown >= s.easy_target - 0.15 {
        (
            Severity::Warning,
            format!(
                "80/20 is slipping: {} of {span} running time was easy, the method asks for about 80 %{by_session}.",
                fmt_pct(share)
            ),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "Not 80/20: only {} of {span} running time was easy, the method asks for about 80 %{by_session}.",
                fmt_pct(share)
            ),
        )
    };
    Finding::new("eighty_twenty", severity, text)
        .param("easy_share", share)
        .param("easy_target", s.easy_target)
        .param("easy_sessions", sessions.easy)
        .param("sessions", sessions.total())
        .param("easy_share_sessions", session_share)
}

/// The data-quality finding (`hr_untrusted`) of a week or block.
fn hr_untrusted(notes: &[DataNote], text: String) -> Finding {
    Finding::new("hr_untrusted", Severity::Note, text)
        .param("runs", notes.len())
        .param("run_ids", notes.iter().map(|d| d.id).collect::<Vec<_>>())
}

fn week_verdicts(w: &WeekReview, s: &ReviewSettings, flags: Vec<Finding>) -> Vec<Finding> {
    let mut v = Vec::new();
    if w.runs == 0 {
        v.push(
            Finding::new(
                "no_running",
                Severity::Note,
                format!(
                    "No running this week ({}).",
                    plural(usize::from(w.rest_days), "rest day", "rest days")
                ),
            )
            .param("rest_days", w.rest_days),
        );
        return v;
    }
    match w.easy_share_time {
        Some(share) => v.push(eighty_twenty_verdict(share, &w.sessions, s, "this week's")),
        None => v.push(
            Finding::new(
                "intensity_unknown",
                Severity::Note,
                "Intensity unknown: no run this week had a trusted heart rate or pace zones.",
            )
            .param("runs", w.runs),
        ),
    }
    if w.time_s.moderate > w.time_s.hard && w.time_s.moderate > 0.2 * w.time_s.total() {
        let share = w.time_s.moderate / w.time_s.total();
        v.push(
            Finding::new(
                "moderate_heavy",
                Severity::Warning,
                format!(
                    "{} of running time was moderate, the grey zone between easy and hard: it tires like hard work and builds less than easy running.",
                    fmt_pct(share)
                ),
            )
            .param("moderate_share", share)
            .param("moderate_s", w.time_s.moderate)
            .param("hard_s", w.time_s.hard)
            .param("total_s", w.time_s.total()),
        );
    }
    if w.easy_runs > 0 {
        if w.grey.is_empty() {
            v.push(
                Finding::new(
                    "grey_none",
                    Severity::Good,
                    format!(
                        "Easy days stayed easy: none of {} crept into the grey band.",
                        plural(w.easy_runs, "easy run", "easy runs")
                    ),
                )
                .param("easy_runs", w.easy_runs)
                .param("grey_runs", 0)
                .param("grey_share_limit", s.grey_share),
            );
        } else {
            let list: Vec<String> = w
                .grey
                .iter()
                .map(|g| {
                    format!(
                        "{} {} ({} above the grey line)",
                        g.date,
                        type_name(g.run_type),
                        fmt_pct(g.grey_share)
                    )
                })
                .collect();
            let runs: Vec<serde_json::Value> = w
                .grey
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "id": g.id,
                        "date": g.date.to_string(),
                        "run_type": json(&g.run_type),
                        "grey_share": g.grey_share,
                        "minutes": g.minutes,
                    })
                })
                .collect();
            v.push(
                Finding::new(
                    "grey_crept",
                    Severity::Warning,
                    format!(
                        "Easy days crept: {} of {} spent {} or more in the grey band or above — {}.",
                        w.grey.len(),
                        plural(w.easy_runs, "easy run", "easy runs"),
                        fmt_pct(s.grey_share),
                        list.join(", ")
                    ),
                )
                .param("easy_runs", w.easy_runs)
                .param("grey_runs", w.grey.len())
                .param("grey_run_share", w.grey.len() as f64 / w.easy_runs as f64)
                .param("grey_share_limit", s.grey_share)
                .param("runs", runs),
            );
        }
    }
    let judged: Vec<&RecoveryCheck> =
        w.recovery.iter().filter(|k| k.complied().is_some()).collect();
    if !judged.is_empty() {
        let ok = judged.iter().filter(|k| k.complied() == Some(true)).count();
        let ceiling = match s.recovery_ceiling {
            RecoveryCeiling::Zone1 => "Zone 1",
            RecoveryCeiling::Easy => "the easy domain",
        };
        let with_counts = |f: Finding| {
            f.param("recovery_checks", judged.len())
                .param("recovery_complied", ok)
                .param("recovery_compliance", ok as f64 / judged.len() as f64)
                .param("recovery_ceiling", json(&s.recovery_ceiling))
        };
        if ok == judged.len() {
            v.push(with_counts(Finding::new(
                "recovery_respected",
                Severity::Good,
                format!(
                    "Recovery respected: every hard day, race or long run was followed by rest or an easy day in {ceiling} ({ok} of {ok})."
                ),
            )));
        } else {
            let mut misses = Vec::new();
            let mut missed = Vec::new();
            for k in &judged {
                if let NextDay::TooHard { id, minutes_above, hard } = &k.next_day {
                    misses.push(if *hard {
                        format!("after {} the next day was hard too", k.date)
                    } else {
                        format!(
                            "after {} the next day went above {ceiling} for {}",
                            k.date,
                            fmt_minutes(minutes_above * 60.0)
                        )
                    });
                    missed.push(serde_json::json!({
                        "date": k.date.to_string(),
                        "id": id,
                        "hard": hard,
                        "minutes_above": minutes_above,
                    }));
                }
            }
            v.push(with_counts(
                Finding::new(
                    "recovery_missed",
                    Severity::Warning,
                    format!(
                        "Recovery skipped after {} of {} hard days, races and long runs ({ok} followed by rest or a day in {ceiling}): {}.",
                        judged.len() - ok,
                        judged.len(),
                        misses.join("; ")
                    ),
                )
                .param("misses", missed),
            ));
        }
    }
    v.extend(flags);
    if !w.data_quality.is_empty() {
        let list: Vec<String> = w
            .data_quality
            .iter()
            .map(|d| {
                format!(
                    "#{} on {} ({} heart-rate coverage, load from {})",
                    d.id,
                    d.date,
                    fmt_pct(d.hr_coverage),
                    d.load_method.describe()
                )
            })
            .collect();
        v.push(hr_untrusted(
            &w.data_quality,
            format!(
                "Heart rate not trusted on {}: {}.",
                plural(list.len(), "run", "runs"),
                list.join("; ")
            ),
        ));
    }
    v
}

fn block_review(
    weeks: &[WeekReview],
    from: Date,
    to: Date,
    pmc: &[PmcDay],
    s: &ReviewSettings,
) -> BlockReview {
    let mut time = [0.0; 3];
    let mut sessions = [0.0; 3];
    let (mut km, mut seconds, mut runs, mut rest_days) = (0.0, 0.0, 0, 0);
    let (mut easy_runs, mut grey_runs, mut checks, mut complied, mut b2b) = (0, 0, 0, 0, 0);
    let (mut holding, mut with_running, mut load_sum) = (0, 0, 0.0);
    let mut flags = Vec::new();
    let mut data_quality = Vec::new();
    for w in weeks {
        km += w.km;
        seconds += w.seconds;
        runs += w.runs;
        rest_days += usize::from(w.rest_days);
        time[0] += w.time_s.easy;
        time[1] += w.time_s.moderate;
        time[2] += w.time_s.hard;
        sessions[0] += w.sessions.easy;
        sessions[1] += w.sessions.moderate;
        sessions[2] += w.sessions.hard;
        easy_runs += w.easy_runs;
        grey_runs += w.grey_runs;
        for k in &w.recovery {
            if let Some(ok) = k.complied() {
                checks += 1;
                complied += usize::from(ok);
            }
        }
        b2b += w.hard_back_to_back.len();
        if let Some(e) = w.easy_share_time {
            let holds = (e * 100.0).round() / 100.0 >= s.easy_target;
            // A week still running is not a failed week yet.
            if holds || w.days >= 7 {
                with_running += 1;
                holding += usize::from(holds);
            }
        }
        load_sum += w.load;
        flags.extend(w.flags.iter().cloned());
        data_quality.extend(w.data_quality.iter().cloned());
    }
    let half = weeks.len() / 2;
    let share = |ws: &[WeekReview]| {
        let (e, g) = ws.iter().fold((0, 0), |(e, g), w| (e + w.easy_runs, g + w.grey_runs));
        (e > 0).then(|| g as f64 / e as f64)
    };
    let (g1, g2) = if weeks.len() >= 2 {
        (share(&weeks[..half]), share(&weeks[half..]))
    } else {
        (None, None)
    };
    let grey_trend = match (g1, g2) {
        (Some(a), Some(b)) if b - a > 0.1 => Some(Trend::Rising),
        (Some(a), Some(b)) if a - b > 0.1 => Some(Trend::Falling),
        (Some(_), Some(_)) => Some(Trend::Steady),
        _ => None,
    };
    let time_s = Domains::from_array(time);
    let sessions_d = Domains::from_array(sessions);
    let end_i = pmc.len().saturating_sub(1);
    let start_i = end_i.saturating_sub(weeks.len() * 7);
    let (ctl_start, ctl_end, tsb_end) = (
        pmc.get(start_i).map_or(0.0, |p| p.ctl),
        pmc.get(end_i).map_or(0.0, |p| p.ctl),
        pmc.get(end_i).map_or(0.0, |p| p.tsb),
    );
    let mut b = BlockReview {
        from,
        to,
        weeks: weeks.len(),
        km,
        seconds,
        runs,
        rest_days,
        easy_share_time: time_s.easy_share(),
        time_s,
        easy_share_sessions: sessions_d.easy_share(),
        sessions: sessions_d,
        polarization_index: polarization_index(time),
        structure: structure(time),
        weeks_holding: holding,
        weeks_with_running: with_running,
        easy_runs,
        grey_runs,
        grey_first_half: g1,
        grey_second_half: g2,
        grey_trend,
        recovery_checks: checks,
        recovery_complied: complied,
        recovery_compliance: (checks > 0).then(|| complied as f64 / checks as f64),
        hard_back_to_back: b2b,
        load: load_sum,
        ctl_start,
        ctl_end,
        tsb_end,
        flags,
        data_quality,
        verdicts: Vec::new(),
    };
    b.verdicts = block_verdicts(&b, s);
    b
}

// Short names for the block (b), settings (s) and verdicts (v) keep the sentences readable.
#[allow(clippy::many_single_char_names)]
fn block_verdicts(b: &BlockReview, s: &ReviewSettings) -> Vec<Finding> {
    let mut v = Vec::new();
    if b.runs == 0 {
        v.push(
            Finding::new(
                "no_running",
                Severity::Note,
                format!("No running from {} to {}.", b.from, b.to),
            )
            .param("from", b.from.to_string())
            .param("to", b.to.to_string())
            .param("weeks", b.weeks)
            .param("rest_days", b.rest_days),
        );
        return v;
    }
    if let Some(share) = b.easy_share_time {
        let span = format!("the last {}'", plural(b.weeks, "week", "weeks"));
        let mut f = eighty_twenty_verdict(share, &b.sessions, s, &span);
        f.text.pop();
        f.text = format!(
            "{}. {} of {} with running held 80/20.",
            f.text,
            b.weeks_holding,
            plural(b.weeks_with_running, "week", "weeks")
        );
        v.push(
            f.param("weeks", b.weeks)
                .param("weeks_holding", b.weeks_holding)
                .param("weeks_with_running", b.weeks_with_running),
        );
    }
    if let (Some(pi), Some(st)) = (b.polarization_index, b.structure) {
        let what = match st {
            Structure::Polarized => "polarized (Z1 > Z3 > Z2 and PI above 2)",
            Structure::Pyramidal => "pyramidal: more moderate than hard work",
            Structure::Threshold => "threshold-heavy: moderate running dominates",
            Structure::HighIntensity => "dominated by hard work",
            Structure::Base => "mostly easy, with little moderate or hard work",
        };
        let total = b.time_s.total();
        v.push(
            Finding::new(
                "intensity_distribution",
                Severity::Note,
                format!("Intensity distribution is {what}; polarization index {pi:.2}."),
            )
            .param("structure", json(&st))
            .param("polarization_index", pi)
            .param("easy_share", b.time_s.easy / total)
            .param("moderate_share", b.time_s.moderate / total)
            .param("hard_share", b.time_s.hard / total),
        );
    }
    if b.easy_runs > 0 {
        let share = b.grey_runs as f64 / b.easy_runs as f64;
        let trend = match (b.grey_trend, b.grey_first_half, b.grey_second_half) {
            (Some(t), Some(a), Some(c)) => format!(
                ", {} ({} of easy runs in the first half of the block, {} in the second)",
                match t {
                    Trend::Rising => "and rising",
                    Trend::Falling => "and falling",
                    Trend::Steady => "steady",
                },
                fmt_pct(a),
                fmt_pct(c)
            ),
            _ => String::new(),
        };
        let counts = |f: Finding| {
            f.param("easy_runs", b.easy_runs)
                .param("grey_runs", b.grey_runs)
                .param("grey_share_limit", s.grey_share)
        };
        if b.grey_runs == 0 {
            v.push(counts(Finding::new(
                "grey_none",
                Severity::Good,
                format!(
                    "Easy days stayed easy: none of {} crept into the grey band.",
                    plural(b.easy_runs, "easy run", "easy runs")
                ),
            )));
        } else {
            let text = if share >= 0.5 {
                format!(
                    "Grey-zone creep on most easy days: {} of {} easy runs ({}) spent {} or more in the grey band or above{trend}.",
                    b.grey_runs,
                    b.easy_runs,
                    fmt_pct(share),
                    fmt_pct(s.grey_share)
                )
            } else {
                format!(
                    "Some grey-zone creep: {} of {} easy runs ({}) spent {} or more in the grey band or above{trend}.",
                    b.grey_runs,
                    b.easy_runs,
                    fmt_pct(share),
                    fmt_pct(s.grey_share)
                )
            };
            v.push(
                counts(Finding::new("grey_crept", Severity::Warning, text))
                    .param("grey_run_share", share)
                    .param("grey_first_half", b.grey_first_half)
                    .param("grey_second_half", b.grey_second_half)
                    .param("grey_trend", json(&b.grey_trend)),
            );
        }
    }
    if let Some(c) = b.recovery_compliance {
        let ceiling = match s.recovery_ceiling {
            RecoveryCeiling::Zone1 => "a Zone 1 day",
            RecoveryCeiling::Easy => "an easy day",
        };
        let missed = b.recovery_checks - b.recovery_complied;
        let (code, severity, text) = if c >= 0.8 {
            (
                "recovery_respected",
                Severity::Good,
                format!(
                    "Recovery respected: {} of {} hard days, races and long runs were followed by rest or {ceiling} ({}).",
                    b.recovery_complied,
                    b.recovery_checks,
                    fmt_pct(c)
                ),
            )
        } else {
            (
                "recovery_missed",
                Severity::Warning,
                format!(
                    "Recovery skipped after {missed} of {} hard days, races and long runs: only {} were followed by rest or {ceiling} ({}).",
                    b.recovery_checks,
                    b.recovery_complied,
                    fmt_pct(c)
                ),
            )
        };
        v.push(
            Finding::new(code, severity, text)
                .param("recovery_checks", b.recovery_checks)
                .param("recovery_complied", b.recovery_complied)
                .param("recovery_compliance", c)
                .param("recovery_ceiling", json(&s.recovery_ceiling)),
        );
    }
    if b.hard_back_to_back > 0 {
        v.push(
            Finding::new(
                "hard_back_to_back",
                Severity::Warning,
                format!(
                    "Hard days less than 48 h apart {}.",
                    plural(b.hard_back_to_back, "time", "times")
                ),
            )
            .param("times", b.hard_back_to_back),
        );
    }
    let jumps: Vec<&str> = b
        .flags
        .iter()
        .filter(|f| f.kind == FlagKind::VolumeJump)
        .map(|f| f.week.as_str())
        .collect();
    if !jumps.is_empty() {
        v.push(
            Finding::new(
                "volume_jump",
                Severity::Warning,
                format!(
                    "Volume jumped more than {:.0} % in {}: {}.",
                    s.volume_jump * 100.0,
                    plural(jumps.len(), "week", "weeks"),
                    jumps.join(", ")
                ),
            )
            .param("volume_jump_pct", s.volume_jump * 100.0)
            .param("weeks", jumps),
        );
    }
    let ramps: Vec<&str> = b
        .flags
        .iter()
        .filter(|f| f.kind == FlagKind::RampAboveNorm)
        .map(|f| f.week.as_str())
        .collect();
    if !ramps.is_empty() {
        v.push(
            Finding::new(
                "ramp_above_norm",
                Severity::Warning,
                format!(
                    "Load ramped above your recent norm in {}: {}.",
                    plural(ramps.len(), "week", "weeks"),
                    ramps.join(", ")
                ),
            )
            .param("weeks", ramps),
        );
    }
    v.push(
        Finding::new(
            "fitness_form",
            Severity::Note,
            format!(
                "Fitness (CTL) went from {:.0} to {:.0}; form (TSB) now {:+.0}.",
                b.ctl_start, b.ctl_end, b.tsb_end
            ),
        )
        .param("ctl_start", b.ctl_start)
        .param("ctl_end", b.ctl_end)
        .param("tsb_end", b.tsb_end),
    );
    if !b.data_quality.is_empty() {
        v.push(hr_untrusted(
            &b.data_quality,
            format!(
                "Heart rate not trusted on {}; their load came from RPE, pace or duration (named in each week).",
                plural(b.data_quality.len(), "run", "runs")
            ),
        ));
    }
    v
}

#[cfg(test)]
// Exact comparisons: counts and sums of whole numbers, exact in f64.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use crate::zones::ZoneModel;
    use jiff::civil::date;

    #[test]
    fn treff_worked_examples() {
        // 80/5/15 → log10(240) = 2.380; polarized.
        let pi = polarization_index([0.80, 0.05, 0.15]).expect("pi");
        assert!((pi - 2.380_211).abs() < 1e-6, "{pi}");
        assert!(is_polarized([80.0, 5.0, 15.0]));
        assert_eq!(structure([80.0, 5.0, 15.0]), Some(Structure::Polarized));
        // Pyramidal 75/20/5: log10(3.75 × 0.05 × 100) = log10(18.75) = 1.273; not polarized.
        let pi = polarization_index([75.0, 20.0, 5.0]).expect("pi");
        assert!((pi - 1.273_001).abs() < 1e-6, "{pi}");
        assert!(!is_polarized([75.0, 20.0, 5.0]));
        assert_eq!(structure([75.0, 20.0, 5.0]), Some(Structure::Pyramidal));
        // No moderate work: Z2 taken as 0.01 → 0.9/0.01 × 0.1 × 100 = 900 → 2.954.
        let pi = polarization_index([90.0, 0.0, 10.0]).expect("pi");
        assert!((pi - 900_f64.log10()).abs() < 1e-9);
        assert_eq!(polarization_index([90.0, 10.0, 0.0]), None);
        assert_eq!(polarization_index([0.0; 3]), None);
        assert_eq!(structure([20.0, 60.0, 20.0]), Some(Structure::Threshold));
    }

    #[test]
    fn day_numbers_round_trip_and_weeks() {
        for d in [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2016, 1, 4),
            date(2026, 11, 24),
            date(1969, 12, 31),
        ] {
            assert_eq!(from_day_number(day_number(d)), d);
        }
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(2016, 1, 4)) - day_number(date(2016, 1, 1)), 3);
        // 2026-11-24 is a Tuesday: its Monday week starts 2026-11-23, its Sunday week 2026-11-22.
        assert_eq!(week_start(date(2026, 11, 24), Weekday::Monday), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 24), Weekday::Sunday), date(2026, 11, 22));
        assert_eq!(week_label(day_number(date(2026, 11, 23))), "2026-W48");
        assert_eq!(week_label(day_number(date(2026, 11, 22))), "2026-W48");
        // ISO week 1 of 2016 starts on Monday 2016-01-04; 2015-12-31 is in 2015-W53.
        assert_eq!(week_of_label("2016-W01", Weekday::Monday), Some(date(2016, 1, 4)));
        assert_eq!(week_label(day_number(date(2015, 12, 28))), "2015-W53");
        assert_eq!(week_of_label("2026-W48", Weekday::Sunday), Some(date(2026, 11, 22)));
        assert_eq!(week_of_label("nonsense", Weekday::Monday), None);
    }

    fn period() -> ProfilePeriod {
        let d = date(2020, 1, 1);
        let p = Athlete::from_entries(vec![ProfileEntry {
            max_hr: Some(190),
            resting_hr: Some(50),
            ..ProfileEntry::new(d)
        }])
        .at(d);
        ProfilePeriod {
            from: d,
            zones: ZoneModel::PercentMax.zones(&p).ok(),
            pace_zones: None,
            load: LoadParams {
                max_hr: Some(190.0),
                resting_hr: Some(50.0),
                sex: None,
                threshold_pace_s_per_km: None,
            },
        }
    }

    /// A run on `day` at `hour`: `minutes` at `bpm`, at 6:00 /km.
    fn run(id: i64, day: Date, minutes: f64, bpm: u8) -> ActivityInput {
        let mut a = ActivityInput::new(id, day.at(7, 0, 0, 0));
        a.moving_s = minutes * 60.0;
        a.duration_s = a.moving_s;
        a.distance_m = a.moving_s / 360.0 * 1000.0;
        a.hr_hist[usize::from(bpm)] = a.moving_s;
        a.pace_hist[48] = a.moving_s;
        a.hr_coverage = 1.0;
        a
    }

    #[test]
    fn a_few_minutes_is_no_session_and_no_hard_day() {
        let p = [period()];
        let d = date(2024, 3, 5);
        // 36 s at 175 bpm (hard by heart rate) and labelled tempo: volume and load only.
        let short = ActivityInput { run_type: Some(RunType::Tempo), ..run(1, d, 0.6, 175) };
        let x = assess(&short, Some(&p[0]), &ReviewSettings::default());
        assert_eq!((x.session, x.hard, x.easy_intent), (None, false, false));
        assert!(x.load.trimp > 0.0);
        let r = review(&[short, run(2, d, 45.0, 120)], &p, &ReviewSettings::default(), d, d);
        let w = &r.weeks[0];
        assert_eq!((w.sessions.easy, w.sessions.moderate, w.sessions.hard), (1.0, 0.0, 0.0));
        assert!(w.hard_back_to_back.is_empty());
    }

    #[test]
    fn no_load_spike_after_a_break_but_a_word_about_it() {
        let p = [period()];
        let start = date(2024, 1, 1);
        let day = |k: i16| start.checked_add(jiff::Span::new().days(k)).expect("day");
        // Six weeks of daily easy hours, three weeks off, then a normal week back.
        let mut acts: Vec<ActivityInput> =
            (0..42).map(|k| run(i64::from(k), day(k), 60.0, 125)).collect();
        acts.extend((63..70).map(|k| run(i64::from(k), day(k), 60.0, 125)));
        let r = review(&acts, &p, &ReviewSettings::default(), day(63), day(69));
        let w = &r.weeks[0];
        assert!(w.acute_chronic.is_some_and(|x| x > 1.5), "the ratio itself is high");
        assert!(w.flags.iter().all(|f| f.kind != FlagKind::AcuteChronicSpike), "{:?}", w.flags);
        let back = w.verdicts.iter().find(|v| v.code == "back_after_break").expect("a word");
        assert_eq!(back.severity, Severity::Note);
        assert_eq!(back.get("break_days"), Some(&serde_json::json!(21)));
        assert!(back.text.starts_with("First week back after 21 days"), "{}", back.text);
    }

    #[test]
    fn eighty_twenty_holds_only_from_80_percent() {
        let s = ReviewSettings::default();
        let sessions = Domains { easy: 4.0, moderate: 1.0, hard: 0.0 };
        let v = |share: f64| eighty_twenty_verdict(share, &sessions, &s, "the week's");
        assert!(v(0.80).text.starts_with("80/20 holds: 80 %"));
        assert!(v(0.796).text.starts_with("80/20 holds: 80 %"), "shown as 80 %, judged as shown");
        let close = v(0.77);
        assert!(close.text.starts_with("Close to 80/20: 77 %"), "{}", close.text);
        assert_eq!(close.severity, Severity::Note);
        assert!(v(0.70).text.starts_with("80/20 is slipping: 70 %"));
        assert!(v(0.50).text.starts_with("Not 80/20: only 50 %"));
    }

    #[test]
    fn a_hand_built_week() {
        // Max 190 (%HRmax): Z1 < 114, Z2 114–132, grey band 128–132, moderate from 133, hard from 171.
        let p = [period()];
        let mon = date(2024, 3, 4);
        let day = |k: i16| mon.checked_add(jiff::Span::new().days(k)).expect("day");
        let mut acts = vec![
            run(1, day(1), 60.0, 125), // Tue easy
            ActivityInput { run_type: Some(RunType::Tempo), ..run(2, day(2), 50.0, 150) }, // Wed tempo
            run(3, day(3), 40.0, 130), // Thu: grey band → creep, and too hard after Wed
            run(4, day(5), 30.0, 110), // Sat Zone 1
            run(5, day(6), 100.0, 120), // Sun long (untyped, ≥ 90 min)
        ];
        // A run without heart rate: named in data quality, load from duration.
        let mut blind = run(6, day(5), 20.0, 110);
        blind.hr_hist = [0.0; 256];
        blind.hr_coverage = 0.0;
        acts.push(blind);
        let s = ReviewSettings::default();
        let r = review(&acts, &p, &s, mon, day(6));
        assert_eq!(r.weeks.len(), 1);
        let w = &r.weeks[0];
        assert_eq!(w.week, "2024-W10");
        assert_eq!(w.runs, 6);
        assert_eq!(w.rest_days, 2); // Monday and Friday
        assert!((w.seconds - (60.0 + 50.0 + 40.0 + 30.0 + 100.0 + 20.0) * 60.0).abs() < 1e-6);
        // By time: 50 min moderate of 280 min with heart rate.
        assert!((w.easy_share_time.expect("share") - 230.0 / 280.0).abs() < 1e-9);
        // By session: 4 easy, 1 moderate (the blind run has no domain).
        assert_eq!((w.sessions.easy, w.sessions.moderate, w.sessions.hard), (4.0, 1.0, 0.0));
        // Grey creep: Thursday (130 bpm is grey) of 4 easy runs with heart rate.
        assert_eq!(w.easy_runs, 4);
        assert_eq!(w.grey.iter().map(|g| g.id).collect::<Vec<_>>(), vec![3]);
        // Recovery: after Wed (hard) Thursday was Zone 2 all the way → too hard; after Sunday's
        // long run the next day is beyond the data → pending, not judged.
        assert_eq!(w.recovery.len(), 2);
        assert!(matches!(w.recovery[0].next_day, NextDay::TooHard { id: 3, hard: false, .. }));
        assert_eq!(w.recovery[1].next_day, NextDay::Pending);
        assert_eq!(w.recovery_compliance, Some(0.0));
        assert_eq!(w.data_quality.len(), 1);
        assert_eq!(w.data_quality[0].load_method, LoadMethod::Duration);
        assert!(w.verdicts[0].text.starts_with("80/20 holds: 82 %"), "{:?}", w.verdicts);
        assert!(
            w.verdicts.iter().any(|v| v.text.starts_with("Easy days crept: 1 of 4")),
            "{:?}",
            w.verdicts
        );
        assert!(
            w.verdicts.iter().any(|v| v.text.starts_with("Recovery skipped after")),
            "{:?}",
            w.verdicts
        );
        assert!(w.verdicts.iter().any(|v| v.text.contains("#6")), "{:?}", w.verdicts);
        // The same findings, as codes and severities.
        let codes: Vec<(&str, Severity)> =
            w.verdicts.iter().map(|f| (f.code.as_str(), f.severity)).collect();
        assert_eq!(
            codes,
            vec![
                ("eighty_twenty", Severity::Good),
                ("grey_crept", Severity::Warning),
                ("recovery_missed", Severity::Warning),
                ("hr_untrusted", Severity::Note),
            ],
            "{:?}",
            w.verdicts
        );
        // Load: the sum of the daily loads, and CTL/ATL moved.
        assert!((w.load - w.daily_load.iter().sum::<f64>()).abs() < 1e-9);
        assert!(w.ctl > 0.0 && w.atl > w.ctl && w.monotony.is_some());
    }

    /// A week of three easy runs and a tempo run followed by a rest day, then an empty week.
    fn slipping_weeks() -> Review {
        let p = [period()];
        let mon = date(2024, 3, 4);
        let day = |k: i16| mon.checked_add(jiff::Span::new().days(k)).expect("day");
        let acts = vec![
            run(1, day(0), 40.0, 120), // Mon easy (Zone 2, below the grey band)
            ActivityInput { run_type: Some(RunType::Tempo), ..run(2, day(1), 60.0, 150) }, // Tue
            run(3, day(3), 40.0, 110), // Thu easy; Wednesday was rest
            run(4, day(5), 40.0, 120), // Sat easy
        ];
        review(&acts, &p, &ReviewSettings::default(), mon, day(13))
    }

    fn codes(v: &[Finding]) -> Vec<(&str, Severity)> {
        v.iter().map(|f| (f.code.as_str(), f.severity)).collect()
    }

    fn num(f: &Finding, name: &str) -> f64 {
        f.get(name).and_then(serde_json::Value::as_f64).unwrap_or_else(|| panic!("{name}: {f:?}"))
    }

    #[test]
    fn week_findings_have_codes_severities_and_numbers() {
        let r = slipping_weeks();
        let v = &r.weeks[0].verdicts;
        assert_eq!(
            codes(v),
            vec![
                ("eighty_twenty", Severity::Warning),
                ("moderate_heavy", Severity::Warning),
                ("grey_none", Severity::Good),
                ("recovery_respected", Severity::Good),
            ],
            "{v:?}"
        );
        // 120 easy minutes of 180: slipping, by session 3 of 4 easy.
        assert_eq!(
            v[0].text,
            "80/20 is slipping: 67 % of this week's running time was easy, the method asks for about 80 %; by session 3 of 4 easy (75 %)."
        );
        assert!((num(&v[0], "easy_share") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!((num(&v[0], "easy_sessions"), num(&v[0], "sessions")), (3.0, 4.0));
        assert!((num(&v[1], "moderate_share") - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(num(&v[1], "moderate_s"), 3600.0);
        assert_eq!((num(&v[2], "easy_runs"), num(&v[2], "grey_runs")), (3.0, 0.0));
        assert_eq!(num(&v[3], "recovery_checks"), 1.0);
        assert_eq!(v[3].get("recovery_ceiling"), Some(&serde_json::json!("zone1")));
        // The empty week: one finding, the rest days counted.
        let v = &r.weeks[1].verdicts;
        assert_eq!(codes(v), vec![("no_running", Severity::Note)]);
        assert_eq!(v[0].text, "No running this week (7 rest days).");
        assert_eq!(num(&v[0], "rest_days"), 7.0);
        // Text views print the sentence.
        assert_eq!(v[0].to_string(), v[0].text);
    }

    #[test]
    fn block_findings_have_codes_severities_and_numbers() {
        let r = slipping_weeks();
        let v = &r.block.verdicts;
        assert_eq!(
            codes(v),
            vec![
                ("eighty_twenty", Severity::Warning),
                ("grey_none", Severity::Good),
                ("recovery_respected", Severity::Good),
                ("fitness_form", Severity::Note),
            ],
            "{v:?}"
        );
        assert!(v[0].text.starts_with("80/20 is slipping: 67 % of the last 2 weeks' running time"));
        assert!(v[0].text.ends_with(". 0 of 1 week with running held 80/20."), "{}", v[0].text);
        assert_eq!(
            (num(&v[0], "weeks"), num(&v[0], "weeks_holding"), num(&v[0], "weeks_with_running")),
            (2.0, 0.0, 1.0)
        );
        assert_eq!(num(&v[2], "recovery_compliance"), 1.0);
        assert_eq!(num(&v[3], "ctl_end"), r.block.ctl_end);

        // Creep, skipped recovery and a run without heart rate over a block.
        let p = [period()];
        let mon = date(2024, 3, 4);
        let day = |k: i16| mon.checked_add(jiff::Span::new().days(k)).expect("day");
        let mut blind = run(5, day(5), 20.0, 110);
        blind.hr_hist = [0.0; 256];
        blind.hr_coverage = 0.0;
        let acts = vec![
            run(1, day(1), 60.0, 125),
            ActivityInput { run_type: Some(RunType::Tempo), ..run(2, day(2), 50.0, 150) },
            run(3, day(3), 40.0, 130), // grey, the day after the tempo run
            run(4, day(5), 30.0, 110),
            blind,
        ];
        let r = review(&acts, &p, &ReviewSettings::default(), mon, day(6));
        let v = &r.block.verdicts;
        let grey = v.iter().find(|f| f.code == "grey_crept").expect("grey");
        assert_eq!(grey.severity, Severity::Warning);
        assert!(grey.text.starts_with("Some grey-zone creep: 1 of 3 easy runs (33 %)"));
        assert_eq!((num(grey, "grey_runs"), num(grey, "easy_runs")), (1.0, 3.0));
        let rec = v.iter().find(|f| f.code == "recovery_missed").expect("recovery");
        assert_eq!(rec.severity, Severity::Warning);
        assert!(rec.text.starts_with("Recovery skipped after 1 of 1"), "{}", rec.text);
        let dq = v.iter().find(|f| f.code == "hr_untrusted").expect("data quality");
        assert_eq!(dq.get("run_ids"), Some(&serde_json::json!([5])));
        // The week names the miss with its minutes above the ceiling.
        let miss = r.weeks[0].verdicts.iter().find(|f| f.code == "recovery_missed").expect("miss");
        let m = &miss.get("misses").and_then(serde_json::Value::as_array).expect("misses")[0];
        assert_eq!(m["id"], 3);
        assert_eq!(m["minutes_above"], 40.0);
    }

    #[test]
    fn volume_jump_against_week_before_and_four_weeks() {
        let p = [period()];
        let mon = date(2024, 1, 1);
        let mut acts = Vec::new();
        let mut id = 0;
        // Weeks of 3 × 40 min, a cut-back week of 3 × 25 min, back to 3 × 40 (not a jump), then
        // 3 × 60 (a jump).
        for (wk, minutes) in [40.0, 40.0, 40.0, 25.0, 40.0, 60.0].iter().enumerate() {
            for d in [1, 3, 5] {
                id += 1;
                let day = mon.checked_add(jiff::Span::new().days(wk as i64 * 7 + d)).expect("day");
                acts.push(run(id, day, *minutes, 120));
            }
        }
        let to = mon.checked_add(jiff::Span::new().days(41)).expect("to");
        let r = review(&acts, &p, &ReviewSettings::default(), mon, to);
        let jumps: Vec<&str> = r
            .weeks
            .iter()
            .filter(|w| w.flags.iter().any(|f| f.kind == FlagKind::VolumeJump))
            .map(|w| w.week.as_str())
            .collect();
        assert_eq!(jumps, vec!["2024-W06"]);
        let jump = r.block.verdicts.iter().find(|v| v.text.contains("2024-W06")).expect("jump");
        assert_eq!((jump.code.as_str(), jump.severity), ("volume_jump", Severity::Warning));
        assert_eq!(jump.get("weeks"), Some(&serde_json::json!(["2024-W06"])));
        // The week's own finding carries the numbers of its flag.
        let f = r.weeks[5].verdicts.iter().find(|f| f.code == "volume_jump").expect("week jump");
        assert_eq!(f.text, r.weeks[5].flags[0].message);
        assert_eq!(f.get("volume_change_pct").and_then(serde_json::Value::as_f64), Some(50.0));
        let w5 = &r.weeks[4];
        assert!((w5.volume_change_pct.expect("change") - 60.0).abs() < 1e-6);
    }

    #[test]
    fn hard_days_back_to_back_and_sunday_weeks() {
        let p = [period()];
        let sat = date(2024, 3, 9);
        let sun = date(2024, 3, 10);
        let acts = vec![run(1, sat, 30.0, 175), run(2, sun, 30.0, 175)];
        // Monday weeks: both days in one week.
        let r = review(&acts, &p, &ReviewSettings::default(), sat, sun);
        assert_eq!(r.weeks.len(), 1);
        assert_eq!(r.weeks[0].hard_back_to_back, vec![(sat, sun)]);
        assert_eq!(r.weeks[0].sessions.hard, 2.0);
        let f = r.weeks[0].verdicts.iter().find(|f| f.code == "hard_back_to_back").expect("flag");
        assert_eq!(f.text, "Hard days less than 48 h apart: 2024-03-09 and 2024-03-10.");
        assert_eq!(f.get("pairs"), Some(&serde_json::json!([["2024-03-09", "2024-03-10"]])));
        let f = r.block.verdicts.iter().find(|f| f.code == "hard_back_to_back").expect("block");
        assert_eq!(
            (f.severity, f.text.as_str()),
            (Severity::Warning, "Hard days less than 48 h apart 1 time.")
        );
        assert_eq!(f.get("times"), Some(&serde_json::json!(1)));
        // Sunday weeks: Saturday ends one week, Sunday starts the next; flagged in the second.
        let s = ReviewSettings { week_start: Weekday::Sunday, ..ReviewSettings::default() };
        let r = review(&acts, &p, &s, sat, sun);
        assert_eq!(r.weeks.len(), 2);
        assert_eq!(r.weeks[1].start, sun);
        assert!(r.weeks[0].hard_back_to_back.is_empty());
        assert_eq!(r.weeks[1].hard_back_to_back, vec![(sat, sun)]);
    }
}
