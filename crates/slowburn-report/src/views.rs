//! The view models: one struct per view, which *is* the documented JSON shape
//! (`docs/JSON.md`), built by the application layer and rendered here as text (and, next, as
//! HTML). Nothing here reads the store or computes a metric.

use jiff::civil::Date;
use serde::Serialize;
use slowburn_core::review::Review;
use slowburn_core::summary::RunSummary;
use slowburn_core::trends::Trends;
use slowburn_core::zones::PaceRange;
use slowburn_core::Profile;

/// A verdict on one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictView {
    /// `good`, `note` or `warning`.
    pub severity: String,
    pub code: String,
    pub text: String,
}

/// What a view judged with: the profile in force, each value with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileUsed {
    /// The first day these values were in force for the period shown.
    pub from: Date,
    /// The day asked about.
    pub date: Date,
    /// `percent_max`, `heart_rate_reserve`, `friel_lthr`, `three_zone`, `custom`.
    pub zone_model: String,
    pub max_hr: Option<u8>,
    pub max_hr_source: Option<String>,
    /// The resting heart rate the load model used (60 bpm assumed when none is known).
    pub resting_hr: u8,
    pub resting_hr_source: String,
    pub lthr: Option<u8>,
    pub lthr_source: Option<String>,
    pub threshold_pace_s_per_km: Option<f64>,
    pub threshold_pace_source: Option<String>,
    /// Zone 2 (the aerobic-base zone), bpm.
    pub zone2: Option<(u8, u8)>,
    pub easy_domain: Option<(u8, u8)>,
    pub grey_band: Option<(u8, u8)>,
    /// A run in the period that held a heart rate above this max HR for 30 s: the max HR may
    /// be higher than the profile says (or the sensor misread).
    pub max_hr_exceeded: Option<MaxHrExceeded>,
}

/// The highest sustained heart rate above the profile's max HR.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxHrExceeded {
    /// Best 30-second mean heart rate, bpm.
    pub best_30s_hr: f64,
    pub date: Date,
    pub id: i64,
}

/// One activity as every list shows it: the same type, intensity and load everywhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub start_utc: Option<String>,
    pub start_local: Option<String>,
    /// FIT sport name (`running`, `cycling`, …).
    pub sport: Option<String>,
    pub name: Option<String>,
    /// The user's type label, if any.
    pub label: Option<String>,
    /// The label, else the classification (`recovery`, `easy`, … `other_sport`).
    pub run_type: Option<String>,
    /// Why: `user_label` or the classification's reason.
    pub reason: Option<String>,
    /// How sure the classification is (0–1); 1 for a label.
    pub confidence: Option<f64>,
    /// The evidence that decided the type, in words ("tempo: 26 min at 86 % of max HR after a
    /// 15 min warm-up").
    pub why: Option<String>,
    /// The session's intensity domain: `easy`, `moderate`, `hard` (null when unknown).
    pub intensity: Option<String>,
    /// The session's load (Banister TRIMP or its equivalent) and how it was computed.
    pub load: Option<f64>,
    pub load_method: Option<String>,
    pub distance_m: Option<f64>,
    pub duration_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub pace_s_per_km: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    pub ascent_m: Option<f64>,
    pub device: Option<String>,
    pub source: String,
    pub format: String,
    pub sha256: String,
    pub duplicates: i64,
}

/// `slowburn runs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RunsView {
    pub runs: Vec<RunRow>,
}

/// Time in each zone of one activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneBreakdown {
    pub model: Option<String>,
    /// `[label, "low–high", seconds]`.
    pub zones: Vec<(String, String, f64)>,
    /// `[easy_s, moderate_s, hard_s]`.
    pub domains: [f64; 3],
    pub grey_band: Option<(u8, u8)>,
    pub grey_s: f64,
    /// Why there is no breakdown.
    pub missing: Option<String>,
}

/// `slowburn show ID`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityDetail {
    #[serde(flatten)]
    pub run: RunRow,
    /// The type's explanation in words ("classified by heart rate").
    pub type_note: Option<String>,
    /// Verdicts on this run against its final type and the profile of its date.
    pub verdicts: Vec<VerdictView>,
    pub zones: ZoneBreakdown,
    /// The stored summary, its zone-dependent figures re-zoned to the profile used.
    pub summary: RunSummary,
    pub profile: Option<ProfileUsed>,
}

/// One point of a run's streams: the mean of one bucket of samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamPoint {
    /// Elapsed seconds from the first sample (pauses included).
    pub t_s: f64,
    /// Cleaned heart rate, bpm.
    pub hr: Option<u8>,
    /// Pace smoothed over 30 s, seconds per km (none while standing or walking very slowly).
    pub pace_s_per_km: Option<f64>,
}

/// A run's heart rate and pace over elapsed time, with its zones, parts, laps and km splits
/// (`/api/runs/{id}/streams`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunStreams {
    pub id: i64,
    /// Elapsed seconds from the first sample to the last.
    pub elapsed_s: f64,
    /// Seconds of recording each point stands for (a bucket; at most about 600 points).
    pub step_s: f64,
    /// In time order; a bucket without samples has no point.
    pub points: Vec<StreamPoint>,
    /// The heart-rate zones of the profile in force on the run's date: `[label, low_bpm,
    /// high_bpm, domain]` (`easy`, `moderate`, `hard`); empty without a profile.
    pub zones: Vec<(String, u8, u8, String)>,
    /// The run's parts from its signal: `[start_s, end_s, kind]` in elapsed seconds, kind
    /// `warm_up`, `work`, `recovery`, `cool_down` or `run`.
    pub parts: Vec<(f64, f64, String)>,
    /// Elapsed seconds at which each lap starts.
    pub laps: Vec<f64>,
    /// Elapsed seconds at each whole kilometre (1 km, 2 km, …).
    pub splits: Vec<f64>,
}

/// One zone of `slowburn zones`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneRow {
    pub label: String,
    pub name: String,
    pub low_bpm: Option<u8>,
    pub high_bpm: Option<u8>,
    pub fast_s_per_km: Option<f64>,
    pub slow_s_per_km: Option<f64>,
    /// The pace this athlete runs at these heart rates (flat, steady running, last 12 months).
    pub your_pace: Option<PaceRange>,
    pub rpe: (u8, u8),
    pub purpose: String,
    pub domain: String,
}

/// `slowburn zones`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonesView {
    pub model: String,
    pub date: Date,
    pub max_hr: Option<u8>,
    pub resting_hr: Option<u8>,
    pub lthr: Option<u8>,
    pub threshold_pace_s_per_km: Option<f64>,
    pub grey_band: Option<(u8, u8)>,
    pub zones: Vec<ZoneRow>,
    /// Why there are no zones (a value they need is unknown).
    pub missing: Option<String>,
    pub profile: ProfileUsed,
}

/// `slowburn athlete show`: the resolved profile on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct AthleteView {
    pub profile: Profile,
}

/// `slowburn review` and `slowburn week`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewView {
    pub from: Date,
    pub to: Date,
    /// The profile on `to`.
    pub profile: Option<ProfileUsed>,
    /// Every distinct profile in force in the range, oldest first.
    pub profiles: Vec<ProfileUsed>,
    #[serde(flatten)]
    pub review: Review,
}

/// `slowburn trends`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendsView {
    pub profile: Option<ProfileUsed>,
    pub profiles: Vec<ProfileUsed>,
    #[serde(flatten)]
    pub trends: Trends,
}

/// The answer of a command that changed something: what it did, and what it brought up to date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeView {
    pub message: String,
    /// Runs whose derived type changed as a result.
    pub retyped: usize,
}

// ---------------------------------------------------------------------------------------------
// Plans and today.

/// One planned session with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanWorkoutView {
    #[serde(flatten)]
    pub workout: slowburn_core::plan::Workout,
    /// `done`, `changed`, `missed`, `planned`, `rested`, `not_rested`.
    pub status: String,
    /// The imported run that matched it.
    pub activity: Option<i64>,
    /// How a changed (or moved) session differed.
    pub note: Option<String>,
}

/// One week of a plan, planned and done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanWeekView {
    pub start: Date,
    /// ISO week, `2027-W05`.
    pub week: String,
    pub phase: String,
    pub lighter: bool,
    pub target_s: f64,
    pub planned: slowburn_core::plan::Totals,
    /// Running time of the runs matched to this week's sessions, seconds.
    pub done_s: f64,
    pub done: u32,
    pub changed: u32,
    pub missed: u32,
    pub workouts: Vec<PlanWorkoutView>,
}

/// A run inside the plan's dates that matches no planned session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraRun {
    pub id: i64,
    pub date: Date,
}

/// `plan show` (and what `plan create` prints).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanView {
    pub id: i64,
    pub revision: u32,
    pub created: String,
    /// Why the latest revision was made (`created` for the first).
    pub reason: String,
    pub goal: String,
    pub race_date: Date,
    pub start: Date,
    pub level: String,
    pub days_per_week: u8,
    pub long_run_day: String,
    pub rest_day: String,
    pub doubles: bool,
    pub volume_source: String,
    pub pace_source: String,
    pub zone_model: Option<String>,
    pub notes: Vec<String>,
    /// The day the comparison was made on.
    pub today: Date,
    /// The week `--week` asked for (only that week is in `weeks` then).
    pub only_week: Option<String>,
    pub weeks: Vec<PlanWeekView>,
    pub extra: Vec<ExtraRun>,
}

/// One stored plan in `plan list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanListRow {
    pub id: i64,
    pub created: String,
    pub goal: String,
    pub race_date: Date,
    pub start: Date,
    pub weeks: usize,
    pub revisions: u32,
    pub reason: String,
    /// The plan `today` and `plan show` use (the newest).
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanListView {
    pub plans: Vec<PlanListRow>,
}

/// `plan adapt`: what changed and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdaptView {
    pub plan_id: i64,
    /// The new revision; `None` when nothing needed to change.
    pub revision: Option<u32>,
    pub changes: Vec<slowburn_core::plan::follow::Change>,
    pub message: String,
}

/// `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodayView {
    pub plan_id: Option<i64>,
    #[serde(flatten)]
    pub recommendation: slowburn_core::today::Recommendation,
}

/// `plan export`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanExportView {
    pub plan_id: i64,
    pub path: String,
    pub files: usize,
    pub events: usize,
    pub bytes: u64,
}

// ---------------------------------------------------------------------------------------------
// A coach's overview.

/// One athlete's line in a coach's overview (`serve --db postgres://…`): this week so far
/// against the method, form, today's advice, and what needs the coach's attention.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StandingView {
    /// The day it was computed for (the athlete's today).
    pub date: Date,
    /// ISO week of `date`, `2026-W49`.
    pub week: String,
    /// Days of the week up to `date`.
    pub days: u8,
    pub runs: usize,
    pub km: f64,
    /// Moving time of runs this week, seconds.
    pub seconds: f64,
    /// Easy share of this week's running time, 0–1 (`None` without judged time).
    pub easy_share_time: Option<f64>,
    /// Easy share of this week's sessions, 0–1.
    pub easy_share_sessions: Option<f64>,
    /// Last week's easy share of time (a week just begun says little on its own).
    pub last_week_easy_share_time: Option<f64>,
    /// The target easy share (0.8).
    pub target: f64,
    /// Easy runs this week and last that crept into the grey zone, of the easy runs judged.
    pub grey_runs: usize,
    pub easy_runs: usize,
    /// Recovery checks complied with, this week and last, 0–1 (`None` without a check).
    pub recovery_compliance: Option<f64>,
    /// Training-stress balance at the end of `date` (CTL − ATL).
    pub tsb: f64,
    /// Chronic training load (fitness).
    pub ctl: f64,
    /// The last day with a run before or on `date`.
    pub last_run: Option<Date>,
    /// Today's advice in a few words (`Easy run 45 min`, `Rest day`); `None` for a runner
    /// with neither runs nor a plan.
    pub today: Option<String>,
    /// What changed the usual or planned session today (a signal's name), if anything did.
    pub today_decided_by: Option<String>,
    /// The warnings of this week and last (review findings of severity `warning`), this
    /// week's first, one per code: `[code, text]`, the text saying which week
    /// (`Last week (2026-W48): 80/20 is slipping: …`).
    pub flags: Vec<(String, String)>,
    /// How much this athlete needs a look: one point per flag, two for deep fatigue (TSB
    /// below −30), one for no run in ten days; higher first in the overview.
    pub attention: u32,
}
