//! Is the training working? Month by month: the easy pace at one fixed heart rate (aerobic
//! progress), resting heart rate, decoupling and efficiency on long runs, best efforts and
//! personal records; race predictions from recent best efforts (Riegel and Daniels' VDOT); and
//! a "then vs now" summary over the period asked for.
//!
//! # Design
//! Easy pace at a heart rate comes from each run's heart rate against pace on settled, flat
//! running (per-bpm points the import stores, [`settled_hr_pace`]: minutes 10–60, so neither
//! the heart rate's lag at the start nor late cardiac drift), pooled per month over steady
//! running — every run except races, interval, tempo and threshold sessions and runs with
//! strides (without a type: except runs with a real block in the hard domain) — between 55 %
//! and 85 % of max heart rate. Speed against heart rate is close to linear below threshold: one
//! slope for the whole period ([`common_slope`], fitted within months) and each month's own
//! level give the pace at the target heart rate (by default the middle of Zone 2), so a month of
//! grey-zone running still says what it means for easy pace — flagged as extrapolated when the
//! target lies outside the heart rates actually run.

use jiff::civil::Date;
use serde::Serialize;

use slowburn_formats::Recording;

use crate::athlete::Estimate;
use crate::classify::RunType;
use crate::metrics::{efficiency_factor, BEST_EFFORT_DISTANCES};
use crate::review::{
    self, assess, period_on, ActivityInput, Effort, ProfilePeriod, ReviewSettings,
};
use crate::summary::HrPacePoint;
use crate::verdicts::{Finding, Severity};
use crate::zones::{hr_pace_samples, Purpose};

/// Riegel's endurance exponent.
pub const RIEGEL_EXPONENT: f64 = 1.06;
/// Least heart-rate time behind a month's easy pace, seconds.
pub const EASY_PACE_MIN_S: f64 = 20.0 * 60.0;
/// Heart-rate window of the easy-pace line, as fractions of max heart rate.
pub const EASY_PACE_WINDOW: (f64, f64) = (0.55, 0.85);
/// How far outside the 10th–90th percentile of the heart rates run the target may lie before
/// the pace is called extrapolated, bpm.
pub const EXTRAPOLATION_MARGIN_BPM: u16 = 3;
/// Days back from the end of the period that count as "recent" for race predictions.
pub const RECENT_DAYS: i32 = 16 * 7;
/// Shortest effort used for VDOT and predictions (Daniels' formulas are fitted from 1500 m).
pub const VDOT_MIN_DISTANCE_M: f64 = 1500.0;
/// Fraction of `VO2max` at Daniels' threshold (T) pace.
pub const T_PACE_VO2_FRACTION: f64 = 0.88;

/// Moving time at the start of a run left out of [`settled_hr_pace`] while heart rate catches
/// up with pace, seconds.
pub const SETTLED_FROM_S: f64 = 600.0;
/// Moving time after which [`settled_hr_pace`] stops, before most cardiac drift, seconds.
pub const SETTLED_TO_S: f64 = 3600.0;
/// Least seconds at one bpm for a [`settled_hr_pace`] point.
pub const SETTLED_MIN_POINT_S: f64 = 10.0;

/// Heart rate against pace on one run's *settled* flat running, one point per bpm, for the
/// easy-pace trend: moving minutes 10–60 only (the heart rate lags pace in the first minutes,
/// which makes low heart rates look fast, and drifts up late in long runs), flat running as
/// [`crate::zones::hr_pace_samples`] defines it, bins with at least 10 s. Each point's pace is
/// the inverse of the bin's mean speed. Computed at import; `hr` is the cleaned heart rate.
#[must_use]
pub fn settled_hr_pace(rec: &Recording, hr: &[Option<u8>]) -> Vec<HrPacePoint> {
    let s = &rec.samples;
    let n = s.time.len().min(hr.len()).min(s.speed_mps.len());
    let weights = crate::hist::sample_weights(&s.time[..n]);
    let (mut moving, mut from, mut to) = (0.0, None, n);
    for (i, w) in weights.iter().enumerate() {
        if s.speed_mps[i].is_some_and(|v| v >= 0.5) {
            moving += w;
        }
        if from.is_none() && moving >= SETTLED_FROM_S {
            from = Some(i + 1);
        }
        if moving >= SETTLED_TO_S {
            to = i + 1;
            break;
        }
    }
    let Some(from) = from.filter(|&f| f < to) else { return Vec::new() };
    let slice = |v: usize| from.min(v)..to.min(v);
    let pts = hr_pace_samples(
        &s.time[slice(s.time.len())],
        &hr[slice(hr.len())],
        &s.speed_mps[slice(s.speed_mps.len())],
        &s.distance_m[slice(s.distance_m.len())],
        &s.altitude_m[slice(s.altitude_m.len())],
    );
    let mut bins = [(0.0_f64, 0.0_f64); 256];
    for p in pts {
        let b = &mut bins[usize::from(p.hr)];
        b.0 += 1000.0 / p.pace_s_per_km * p.seconds;
        b.1 += p.seconds;
    }
    bins.iter()
        .enumerate()
        .filter(|(_, b)| b.1 >= SETTLED_MIN_POINT_S && b.0 > 0.0)
        .map(|(hr, b)| HrPacePoint {
            hr: hr as u8,
            pace_s_per_km: 1000.0 * b.1 / b.0,
            seconds: b.1,
        })
        .collect()
}

/// Riegel's race-time prediction: `T2 = T1 × (D2/D1)^1.06`.
///
/// Source: Riegel P. S. (1981), "Athletic records and human endurance", *American Scientist*
/// 69(3):285–290. Example: 10 km in 40:00 → half marathon in 1:28:15 (5295 s).
#[must_use]
pub fn riegel(time_s: f64, distance_m: f64, to_distance_m: f64) -> f64 {
    time_s * (to_distance_m / distance_m).powf(RIEGEL_EXPONENT)
}

/// Oxygen cost of running at `v` metres per minute, ml/kg/min:
/// `VO2 = −4.60 + 0.182258 v + 0.000104 v²`.
///
/// Source: Daniels J., Gilbert J. (1979), *Oxygen Power: Performance Tables for Distance
/// Runners*; as used in Daniels' *Running Formula*. Example: 250 m/min (5 km in 20:00) costs
/// 47.46 ml/kg/min.
#[must_use]
pub fn daniels_vo2_cost(v_m_per_min: f64) -> f64 {
    -4.60 + 0.182_258 * v_m_per_min + 0.000_104 * v_m_per_min * v_m_per_min
}

/// Fraction of `VO2max` that can be held for `t` minutes ("drop-dead" curve):
/// `0.8 + 0.1894393 e^(−0.012778 t) + 0.2989558 e^(−0.1932605 t)`.
///
/// Source: Daniels J., Gilbert J. (1979), *Oxygen Power*. Example: 20 min → 0.95298.
#[must_use]
pub fn daniels_vo2max_fraction(t_min: f64) -> f64 {
    0.8 + 0.189_439_3 * (-0.012_778 * t_min).exp() + 0.298_955_8 * (-0.193_260_5 * t_min).exp()
}

/// Daniels' VDOT of a race: the oxygen cost of its speed over the fraction of `VO2max` holdable
/// for its duration ([`daniels_vo2_cost`] / [`daniels_vo2max_fraction`]); `None` for a
/// non-positive distance or time.
///
/// Source: Daniels J., Gilbert J. (1979), *Oxygen Power*; Daniels J., *Daniels' Running Formula*.
/// Example: 5 km in 20:00 → 49.8; Daniels' table has 5 km in 19:57 at VDOT 50.
#[must_use]
pub fn vdot(distance_m: f64, time_s: f64) -> Option<f64> {
    if !(distance_m > 0.0 && time_s > 0.0 && distance_m.is_finite() && time_s.is_finite()) {
        return None;
    }
    let t = time_s / 60.0;
    Some(daniels_vo2_cost(distance_m / t) / daniels_vo2max_fraction(t))
}

/// The time (s) over `distance_m` that a runner of this VDOT is predicted to run: the inverse
/// of [`vdot`] in time, by bisection (VDOT falls as time grows for a fixed distance). `None`
/// outside 0.5–20 m/s or for a VDOT outside 10–100.
#[must_use]
pub fn vdot_race_time(vdot_value: f64, distance_m: f64) -> Option<f64> {
    if !(10.0..=100.0).contains(&vdot_value) || distance_m.is_nan() || distance_m <= 0.0 {
        return None;
    }
    let (mut lo, mut hi) = (distance_m / 20.0, distance_m / 0.5);
    if vdot(distance_m, lo)? < vdot_value || vdot(distance_m, hi)? > vdot_value {
        return None;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if vdot(distance_m, mid)? > vdot_value {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Daniels' threshold (T) pace for a VDOT, s/km: the speed whose oxygen cost is 88 % of VDOT
/// (solving [`daniels_vo2_cost`] for speed).
///
/// Source: Daniels J., *Daniels' Running Formula*: T pace is run at about 88 % of `VO2max`
/// (86–88 % for most runners). Example: VDOT 50 → 4:15 /km (255 s), as in Daniels' tables.
#[must_use]
pub fn daniels_threshold_pace(vdot_value: f64) -> Option<f64> {
    let (a, b, c) = (0.000_104, 0.182_258, -4.60 - T_PACE_VO2_FRACTION * vdot_value);
    let disc = b * b - 4.0 * a * c;
    let v = (-b + disc.sqrt()) / (2.0 * a);
    (disc >= 0.0 && v > 0.0).then(|| 60_000.0 / v)
}

/// The best efforts of one run: from its metrics when the import stored them, else the whole
/// run counted at each standard distance it covered within 5 % (time scaled by distance).
#[must_use]
pub fn efforts_of(a: &ActivityInput) -> Vec<Effort> {
    if !a.best_efforts.is_empty() {
        return a.best_efforts.clone();
    }
    if !(a.distance_m > 0.0 && a.moving_s > 0.0) {
        return Vec::new();
    }
    BEST_EFFORT_DISTANCES
        .iter()
        .filter(|(_, d)| a.distance_m >= *d && a.distance_m <= d * 1.05)
        .map(|&(_, d)| Effort { distance_m: d, time_s: a.moving_s * d / a.distance_m })
        .collect()
}

/// The name of a standard distance (`5 km`, `half marathon`, …) or `x.x km`.
#[must_use]
pub fn distance_name(distance_m: f64) -> String {
    BEST_EFFORT_DISTANCES
        .iter()
        .find(|(_, d)| (d - distance_m).abs() < 1.0)
        .map_or_else(|| format!("{:.1} km", distance_m / 1000.0), |(n, _)| (*n).to_owned())
}

/// Threshold pace estimated from the best effort (highest VDOT, over at least 1500 m) of the 12
/// months up to `as_of`, by Daniels' T pace ([`daniels_threshold_pace`]). `efforts` are
/// `(date, effort)` pairs, e.g. from [`efforts_of`].
#[must_use]
pub fn estimate_threshold_pace(efforts: &[(Date, Effort)], as_of: Date) -> Option<Estimate<f64>> {
    let as_of_z = review::day_number(as_of);
    let (date, e, v) = efforts
        .iter()
        .filter(|(d, _)| {
            let z = review::day_number(*d);
            z <= as_of_z && z > as_of_z - 365
        })
        .filter(|(_, e)| e.distance_m >= VDOT_MIN_DISTANCE_M)
        .filter_map(|(d, e)| Some((*d, *e, vdot(e.distance_m, e.time_s)?)))
        .max_by(|a, b| a.2.total_cmp(&b.2))?;
    let pace = daniels_threshold_pace(v)?;
    Some(Estimate {
        value: pace,
        method: "Daniels' T pace (88 % of VDOT) from the best effort of the last 12 months"
            .to_owned(),
        detail: format!(
            "{} in {} on {date} (VDOT {v:.1})",
            distance_name(e.distance_m),
            fmt_time(e.time_s)
        ),
    })
}

/// Pace at a heart rate from heart rate–pace points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaceAtHr {
    pub hr: u8,
    pub pace_s_per_km: f64,
    /// Seconds of running behind it.
    pub seconds: f64,
    /// 10th and 90th percentile of the heart rates behind it.
    pub hr_p10: u8,
    pub hr_p90: u8,
    /// The heart rate is more than [`EXTRAPOLATION_MARGIN_BPM`] outside the 10th–90th
    /// percentile of the data: read off the line's extension.
    pub extrapolated: bool,
}

/// Weighted moments of (heart rate, speed) points.
#[derive(Default, Clone, Copy)]
struct Moments {
    sw: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
}

impl Moments {
    fn of<'a>(points: impl IntoIterator<Item = &'a HrPacePoint>) -> Moments {
        let mut m = Moments::default();
        for p in points {
            if p.seconds > 0.0 && p.pace_s_per_km > 0.0 {
                let (x, y, w) = (f64::from(p.hr), 1000.0 / p.pace_s_per_km, p.seconds);
                m.sw += w;
                m.sx += w * x;
                m.sy += w * y;
                m.sxx += w * x * x;
                m.sxy += w * x * y;
            }
        }
        m
    }

    /// Weighted sums of squares and cross-products about the group's own means.
    fn centred(&self) -> (f64, f64) {
        if self.sw <= 0.0 {
            return (0.0, 0.0);
        }
        let (mx, my) = (self.sx / self.sw, self.sy / self.sw);
        (self.sxx - self.sw * mx * mx, self.sxy - self.sw * mx * my)
    }
}

/// The slope of speed against heart rate (m/s per bpm) common to several groups of points
/// (e.g. months): weighted least squares on each group's deviations from its own means (the
/// pooled within-group, or analysis-of-covariance, slope), so fitness changing between groups
/// does not bend it. `None` when the heart rates barely vary within groups (under 2 bpm of
/// standard deviation) or the slope is not positive.
///
/// Why one slope: within a month, a grey-zone runner's heart rates sit far above the easy
/// target and vary little, so a month's own line is steep or flat by chance and its extension
/// down to an easy heart rate swings by tens of seconds per kilometre; the slope of the whole
/// period is well determined, and each month then only sets the line's level.
#[must_use]
pub fn common_slope<'a>(groups: impl IntoIterator<Item = &'a [HrPacePoint]>) -> Option<f64> {
    let (mut sxx, mut sxy, mut sw) = (0.0, 0.0, 0.0);
    for g in groups {
        let m = Moments::of(g);
        let (xx, xy) = m.centred();
        sxx += xx;
        sxy += xy;
        sw += m.sw;
    }
    let slope = sxy / sxx;
    (sw > 0.0 && sxx / sw > 4.0 && slope > 0.0 && slope.is_finite()).then_some(slope)
}

/// The pace at heart rate `target` from heart rate–pace points: their weighted mean speed
/// moved along `slope` (m/s per bpm, e.g. [`common_slope`]) from their mean heart rate to
/// `target`. `None` with less than [`EASY_PACE_MIN_S`] of data.
#[must_use]
pub fn pace_at_hr(points: &[HrPacePoint], target: u8, slope: f64) -> Option<PaceAtHr> {
    let m = Moments::of(points);
    if m.sw < EASY_PACE_MIN_S {
        return None;
    }
    let speed = m.sy / m.sw + slope * (f64::from(target) - m.sx / m.sw);
    let mut w_hist = [0.0_f64; 256];
    for p in points.iter().filter(|p| p.seconds > 0.0 && p.pace_s_per_km > 0.0) {
        w_hist[usize::from(p.hr)] += p.seconds;
    }
    let quantile = |q: f64| {
        let mut acc = 0.0;
        for (b, w) in w_hist.iter().enumerate() {
            acc += w;
            if acc >= q * m.sw {
                return b as u8;
            }
        }
        255
    };
    let (p10, p90) = (quantile(0.1), quantile(0.9));
    (speed > 0.0).then(|| PaceAtHr {
        hr: target,
        pace_s_per_km: 1000.0 / speed,
        seconds: m.sw,
        hr_p10: p10,
        hr_p90: p90,
        extrapolated: u16::from(target) + EXTRAPOLATION_MARGIN_BPM < u16::from(p10)
            || u16::from(target) > u16::from(p90) + EXTRAPOLATION_MARGIN_BPM,
    })
}

/// What [`trends`] reads besides the activities.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TrendSettings {
    /// The heart rate easy pace is read at; `None`: the middle of Zone 2 (the aerobic-base zone)
    /// of the profile in force at the end of the period.
    pub target_hr: Option<u8>,
    /// Months at each end of the period that "then" and "now" cover.
    pub compare_months: u8,
}

/// One month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthTrend {
    /// `YYYY-MM`.
    pub month: String,
    pub runs: usize,
    pub km: f64,
    pub easy_pace: Option<PaceAtHr>,
    /// Median resting heart rate of the month: of the values logged, else of the watch's daily
    /// lows (all-day monitoring), which read a few bpm lower.
    pub resting_hr: Option<f64>,
    /// `logged` or `watch_daily_lows`.
    pub resting_hr_source: Option<&'static str>,
    pub long_runs: usize,
    /// Mean aerobic decoupling of the month's long runs, %.
    pub decoupling_pct: Option<f64>,
    /// Mean efficiency factor of the month's long runs, m/min per bpm.
    pub efficiency_factor: Option<f64>,
    /// Highest VDOT of the month's efforts over at least 1500 m.
    pub best_vdot: Option<f64>,
}

/// A best effort with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub distance: String,
    pub distance_m: f64,
    pub time_s: f64,
    pub pace_s_per_km: f64,
    pub date: Date,
    pub id: i64,
    /// The record it beat, seconds (`None` for a first effort over the distance).
    pub previous_s: Option<f64>,
}

/// Predicted race times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub distance: String,
    pub distance_m: f64,
    /// Riegel: `T2 = T1 × (D2/D1)^1.06`.
    pub riegel_s: f64,
    /// Daniels' VDOT: the time whose VDOT equals the basis effort's.
    pub vdot_s: Option<f64>,
}

/// Race predictions and the effort they stand on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predictions {
    pub basis: Record,
    pub vdot: f64,
    /// True when no effort of the last 16 weeks qualified and the basis is older.
    pub stale: bool,
    pub predictions: Vec<Prediction>,
}

/// One end of "then vs now".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub from: Date,
    pub to: Date,
    pub easy_pace: Option<PaceAtHr>,
    pub resting_hr: Option<f64>,
    /// `logged` or `watch_daily_lows`.
    pub resting_hr_source: Option<&'static str>,
    pub best_vdot: Option<f64>,
    pub efficiency_factor: Option<f64>,
}

/// The start of the period against its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThenVsNow {
    pub then: Span,
    pub now: Span,
    /// Now minus then, s/km: negative is faster at the same heart rate.
    pub easy_pace_change_s_per_km: Option<f64>,
    pub resting_hr_change: Option<f64>,
    pub vdot_change: Option<f64>,
    /// Personal records set during the period.
    pub records_set: usize,
}

/// Trends over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trends {
    pub from: Date,
    pub to: Date,
    /// The heart rate easy pace is read at, and why that one.
    pub target_hr: Option<u8>,
    pub target_note: String,
    pub months: Vec<MonthTrend>,
    /// The best effort over each standard distance up to the end of the period.
    pub records: Vec<Record>,
    /// Every personal record set during the period, in order.
    pub record_history: Vec<Record>,
    pub predictions: Option<Predictions>,
    pub then_vs_now: ThenVsNow,
    /// Plain-language findings, each with a stable code, a severity and its numbers, in this
    /// order: `easy_pace_change` / `easy_pace_no_target_hr` / `easy_pace_too_little_data`,
    /// `resting_hr_change`, `records_set` / `no_records`, `race_predictions` and
    /// `long_run_decoupling`.
    pub verdicts: Vec<Finding>,
}

/// `1:28:15` or `19:57`.
pub(crate) fn fmt_time(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as i64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// `5:12 /km`.
pub(crate) fn fmt_pace(s_per_km: f64) -> String {
    let s = s_per_km.round().max(0.0) as i64;
    format!("{}:{:02} /km", s / 60, s % 60)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { f64::midpoint(v[n / 2 - 1], v[n / 2]) })
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// `(year, month)` as a month number.
fn month_number(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

fn month_label(m: i32) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

fn month_first_day(m: i32) -> Date {
    Date::new(m.div_euclid(12).clamp(-9999, 9999) as i16, (m.rem_euclid(12) + 1) as i8, 1)
        .unwrap_or(Date::MIN)
}

/// Is a run steady enough for the easy-pace line?
fn steady_for_pace(a: &ActivityInput, x: &review::Assessment, s: &ReviewSettings) -> bool {
    if !(x.running && x.hr_trusted) {
        return false;
    }
    match a.run_type {
        Some(t) => !matches!(
            t,
            RunType::Race
                | RunType::Intervals
                | RunType::Tempo
                | RunType::Threshold
                | RunType::EasyWithStrides
        ),
        None => x.domains_s.is_none_or(|d| d[2] < s.hard_block_s),
    }
}

struct Judged<'a> {
    a: &'a ActivityInput,
    month: i32,
    steady: bool,
    long: bool,
    window: (u8, u8),
}

/// Trends from `from` to `to` (inclusive, local dates). `activities` may start before `from`
/// (records need the history) and are read in start order; `resting_logs` are the athlete's
/// logged morning resting heart rates, `monitoring_lows` a watch's daily lows (used for a month
/// or span without a logged value).
#[must_use]
pub fn trends(
    activities: &[ActivityInput],
    periods: &[ProfilePeriod],
    resting_logs: &[(Date, u8)],
    monitoring_lows: &[(Date, u8)],
    settings: &TrendSettings,
    from: Date,
    to: Date,
) -> Trends {
    let rs = ReviewSettings::default();
    let (from_m, to_m) = (month_number(from), month_number(to.max(from)));
    let mut order: Vec<&ActivityInput> = activities.iter().filter(|a| a.date <= to).collect();
    order.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));

    // The target heart rate: given, or the middle of Zone 2 at the end of the period.
    let end_zones = period_on(periods, to).and_then(|p| p.zones.as_ref());
    let (target_hr, target_note) = match (settings.target_hr, end_zones) {
        (Some(h), _) => (Some(h), format!("{h} bpm, as asked")),
        (None, Some(z)) => match z.zones().iter().find(|z| z.purpose == Purpose::AerobicBase) {
            Some(z2) => {
                let mid = u16::midpoint(u16::from(z2.low_bpm), u16::from(z2.high_bpm)) as u8;
                (
                    Some(mid),
                    format!(
                        "{mid} bpm, the middle of {} ({}–{} bpm)",
                        z2.label, z2.low_bpm, z2.high_bpm
                    ),
                )
            }
            None => (None, "the zone model has no aerobic-base zone; pass a heart rate".to_owned()),
        },
        (None, None) => (
            None,
            "no max heart rate is known to place Zone 2 (`trends --hr BPM` picks one)".to_owned(),
        ),
    };

    let judged: Vec<Judged<'_>> = order
        .iter()
        .map(|a| {
            let period = period_on(periods, a.date);
            let x = assess(a, period, &rs);
            let window = match (period.and_then(|p| p.load.max_hr), target_hr) {
                (Some(max), _) => (
                    (EASY_PACE_WINDOW.0 * max).round().clamp(0.0, 255.0) as u8,
                    (EASY_PACE_WINDOW.1 * max).round().clamp(0.0, 255.0) as u8,
                ),
                (None, Some(t)) => (t.saturating_sub(20), t.saturating_add(20)),
                (None, None) => (0, 0),
            };
            Judged {
                a,
                month: month_number(a.date),
                steady: steady_for_pace(a, &x, &rs),
                long: x.long && x.running,
                window,
            }
        })
        .collect();

    // Each run's points within its own window (its own max HR), pooled per group.
    let points_of = |js: &[&Judged<'_>]| -> Vec<HrPacePoint> {
        js.iter()
            .filter(|j| j.steady)
            .flat_map(|j| {
                j.a.hr_pace
                    .iter()
                    .filter(move |p| (j.window.0..=j.window.1).contains(&p.hr))
                    .copied()
            })
            .collect()
    };
    // One slope for the period, fitted within months.
    let month_points: Vec<Vec<HrPacePoint>> = {
        let mut groups: Vec<Vec<HrPacePoint>> = Vec::new();
        let mut i = judged.partition_point(|j| j.month < from_m);
        while i < judged.len() {
            let m = judged[i].month;
            let k = i + judged[i..].partition_point(|j| j.month <= m);
            let js: Vec<&Judged<'_>> = judged[i..k].iter().collect();
            groups.push(points_of(&js));
            i = k;
        }
        groups
    };
    let slope = common_slope(month_points.iter().map(Vec::as_slice));
    let easy_pace_of =
        |js: &[&Judged<'_>]| -> Option<PaceAtHr> { pace_at_hr(&points_of(js), target_hr?, slope?) };
    let ef_of = |j: &Judged<'_>| {
        j.a.efficiency_factor.or_else(|| {
            let hr_s: f64 = j.a.hr_hist.iter().sum();
            let avg_hr = (hr_s > 0.0).then(|| {
                j.a.hr_hist.iter().enumerate().map(|(b, s)| b as f64 * s).sum::<f64>() / hr_s
            })?;
            let speed = match j.a.gap_pace_s_per_km {
                Some(p) if p > 0.0 => 1000.0 / p,
                _ if j.a.moving_s > 0.0 => j.a.distance_m / j.a.moving_s,
                _ => return None,
            };
            efficiency_factor(speed, avg_hr)
        })
    };
    let best_vdot_of = |js: &[&Judged<'_>]| {
        js.iter()
            .filter(|j| j.a.is_running())
            .flat_map(|j| efforts_of(j.a))
            .filter(|e| e.distance_m >= VDOT_MIN_DISTANCE_M)
            .filter_map(|e| vdot(e.distance_m, e.time_s))
            .reduce(f64::max)
    };
    let resting_in = |m0: i32, m1: i32| -> Option<(f64, &'static str)> {
        let of = |values: &[(Date, u8)]| {
            median(
                values
                    .iter()
                    .filter(|(d, _)| (m0..=m1).contains(&month_number(*d)))
                    .map(|(_, h)| f64::from(*h))
                    .collect(),
            )
        };
        of(resting_logs)
            .map(|v| (v, "logged"))
            .or_else(|| of(monitoring_lows).map(|v| (v, "watch_daily_lows")))
    };

    // Months.
    let mut months = Vec::new();
    let mut lo = judged.partition_point(|j| j.month < from_m);
    for m in from_m..=to_m {
        let hi = lo + judged[lo..].partition_point(|j| j.month <= m);
        let js: Vec<&Judged<'_>> = judged[lo..hi].iter().collect();
        lo = hi;
        let runs: Vec<&&Judged<'_>> = js.iter().filter(|j| j.a.is_running()).collect();
        let longs: Vec<&&Judged<'_>> = js.iter().filter(|j| j.long).collect();
        months.push(MonthTrend {
            month: month_label(m),
            runs: runs.len(),
            km: runs.iter().map(|j| j.a.distance_m).sum::<f64>() / 1000.0,
            easy_pace: easy_pace_of(&js),
            resting_hr: resting_in(m, m).map(|r| r.0),
            resting_hr_source: resting_in(m, m).map(|r| r.1),
            long_runs: longs.len(),
            decoupling_pct: mean(
                &longs.iter().filter_map(|j| j.a.decoupling_pct).collect::<Vec<_>>(),
            ),
            efficiency_factor: mean(&longs.iter().filter_map(|j| ef_of(j)).collect::<Vec<_>>()),
            best_vdot: best_vdot_of(&js),
        });
    }

    // Records: every standard distance, through all history up to `to`.
    let mut best: Vec<Option<Record>> = vec![None; BEST_EFFORT_DISTANCES.len()];
    let mut record_history = Vec::new();
    for j in judged.iter().filter(|j| j.a.is_running()) {
        for e in efforts_of(j.a) {
            let Some(k) =
                BEST_EFFORT_DISTANCES.iter().position(|(_, d)| (d - e.distance_m).abs() < 1.0)
            else {
                continue;
            };
            let prev = best[k].as_ref().map(|r| r.time_s);
            if prev.is_none_or(|p| e.time_s < p) {
                let r = Record {
                    distance: BEST_EFFORT_DISTANCES[k].0.to_owned(),
                    distance_m: e.distance_m,
                    time_s: e.time_s,
                    pace_s_per_km: e.time_s / e.distance_m * 1000.0,
                    date: j.a.date,
                    id: j.a.id,
                    previous_s: prev,
                };
                if j.a.date >= from {
                    record_history.push(r.clone());
                }
                best[k] = Some(r);
            }
        }
    }
    let records: Vec<Record> = best.into_iter().flatten().collect();

    // Predictions from the best recent effort.
    let to_z = review::day_number(to);
    let pick = |days: i32| {
        judged
            .iter()
            .filter(|j| j.a.is_running() && review::day_number(j.a.date) > to_z - days)
            .flat_map(|j| efforts_of(j.a).into_iter().map(move |e| (j, e)))
            .filter(|(_, e)| e.distance_m >= VDOT_MIN_DISTANCE_M)
            .filter_map(|(j, e)| Some((j, e, vdot(e.distance_m, e.time_s)?)))
            .max_by(|a, b| a.2.total_cmp(&b.2))
    };
    let (chosen, stale) = match pick(RECENT_DAYS) {
        Some(c) => (Some(c), false),
        None => (pick(365), true),
    };
    let predictions = chosen.map(|(j, e, v)| Predictions {
        basis: Record {
            distance: distance_name(e.distance_m),
            distance_m: e.distance_m,
            time_s: e.time_s,
            pace_s_per_km: e.time_s / e.distance_m * 1000.0,
            date: j.a.date,
            id: j.a.id,
            previous_s: None,
        },
        vdot: v,
        stale,
        predictions: [
            ("5 km", 5000.0),
            ("10 km", 10_000.0),
            ("half marathon", 21_097.5),
            ("marathon", 42_195.0),
        ]
        .iter()
        .map(|&(n, d)| Prediction {
            distance: n.to_owned(),
            distance_m: d,
            riegel_s: riegel(e.time_s, e.distance_m, d),
            vdot_s: vdot_race_time(v, d),
        })
        .collect(),
    });

    // Then vs now.
    let k = i32::from(settings.compare_months.max(1));
    let span_of = |m0: i32, m1: i32| {
        let js: Vec<&Judged<'_>> =
            judged.iter().filter(|j| (m0..=m1).contains(&j.month) && j.a.date >= from).collect();
        let longs: Vec<f64> = js.iter().filter(|j| j.long).filter_map(|j| ef_of(j)).collect();
        Span {
            from: month_first_day(m0).max(from),
            to: month_first_day(m1 + 1)
                .checked_sub(jiff::Span::new().days(1))
                .unwrap_or(to)
                .min(to),
            easy_pace: easy_pace_of(&js),
            resting_hr: resting_in(m0, m1).map(|r| r.0),
            resting_hr_source: resting_in(m0, m1).map(|r| r.1),
            best_vdot: best_vdot_of(&js),
            efficiency_factor: mean(&longs),
        }
    };
    let then_end = (from_m + k - 1).min(to_m);
    let now_start = (to_m - k + 1).max(from_m);
    let then = span_of(from_m, then_end);
    let now = span_of(now_start, to_m);
    let diff = |a: Option<f64>, b: Option<f64>| Some(b? - a?);
    let then_vs_now = ThenVsNow {
        easy_pace_change_s_per_km: diff(
            then.easy_pace.map(|p| p.pace_s_per_km),
            now.easy_pace.map(|p| p.pace_s_per_km),
        ),
        resting_hr_change: diff(then.resting_hr, now.resting_hr),
        vdot_change: diff(then.best_vdot, now.best_vdot),
        records_set: record_history.len(),
        then,
        now,
    };
    let mut t = Trends {
        from,
        to,
        target_hr,
        target_note,
        months,
        records,
        record_history,
        predictions,
        then_vs_now,
        verdicts: Vec::new(),
    };
    t.verdicts = verdicts(&t);
    t
}

/// Relative change of pace below which easy pace counts as stalled.
pub const STALLED_PACE_FRACTION: f64 = 0.015;

// Short names for the trends (t), verdicts (v) and the two ends (a, b) keep sentences readable.
#[allow(clippy::many_single_char_names)]
fn verdicts(t: &Trends) -> Vec<Finding> {
    let mut v = Vec::new();
    let tv = &t.then_vs_now;
    let span = |s: &Span| format!("{} to {}", s.from, s.to);
    match (tv.then.easy_pace, tv.now.easy_pace, t.target_hr) {
        (Some(a), Some(b), Some(hr)) => {
            let d = b.pace_s_per_km - a.pace_s_per_km;
            let ext = if a.extrapolated || b.extrapolated {
                " (read off the heart rate–pace line: little running at that heart rate)"
            } else {
                ""
            };
            let (severity, text) = if d.abs() < STALLED_PACE_FRACTION * a.pace_s_per_km {
                (
                    Severity::Note,
                    format!(
                        "Easy pace has stalled: at {hr} bpm you run {} now ({}) against {} then ({}){ext}.",
                        fmt_pace(b.pace_s_per_km),
                        span(&tv.now),
                        fmt_pace(a.pace_s_per_km),
                        span(&tv.then)
                    ),
                )
            } else if d < 0.0 {
                (
                    Severity::Good,
                    format!(
                        "Aerobic progress: at {hr} bpm you run {} now, {:.0} s/km faster than {} in {}{ext}.",
                        fmt_pace(b.pace_s_per_km),
                        -d,
                        fmt_pace(a.pace_s_per_km),
                        span(&tv.then)
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "Easy pace has slipped: at {hr} bpm you run {} now, {d:.0} s/km slower than {} in {}{ext}.",
                        fmt_pace(b.pace_s_per_km),
                        fmt_pace(a.pace_s_per_km),
                        span(&tv.then)
                    ),
                )
            };
            v.push(
                Finding::new("easy_pace_change", severity, text)
                    .param("target_hr_bpm", hr)
                    .param("then_pace_s_per_km", a.pace_s_per_km)
                    .param("now_pace_s_per_km", b.pace_s_per_km)
                    .param("pace_change_s_per_km", d)
                    .param("stalled_fraction", STALLED_PACE_FRACTION)
                    .param("extrapolated", a.extrapolated || b.extrapolated)
                    .param("then_from", tv.then.from.to_string())
                    .param("then_to", tv.then.to.to_string())
                    .param("now_from", tv.now.from.to_string())
                    .param("now_to", tv.now.to.to_string()),
            );
        }
        (_, _, None) => {
            v.push(Finding::new(
                "easy_pace_no_target_hr",
                Severity::Note,
                format!("Easy pace at a fixed heart rate is not available: {}.", t.target_note),
            ));
        }
        (a, b, Some(hr)) => v.push(
            Finding::new(
                "easy_pace_too_little_data",
                Severity::Note,
                "Not enough steady running at both ends of the period to compare easy pace.",
            )
            .param("target_hr_bpm", hr)
            .param("then_pace_s_per_km", a.map(|p| p.pace_s_per_km))
            .param("now_pace_s_per_km", b.map(|p| p.pace_s_per_km)),
        ),
    }
    if let (Some(a), Some(b)) = (tv.then.resting_hr, tv.now.resting_hr) {
        let from = match (tv.then.resting_hr_source, tv.now.resting_hr_source) {
            (Some("logged"), Some("logged")) => "logged values",
            (Some("watch_daily_lows"), Some("watch_daily_lows")) => "the watch's daily lows",
            _ => "logged values and the watch's daily lows, which read lower",
        };
        v.push(
            Finding::new(
                "resting_hr_change",
                Severity::Note,
                format!(
                    "Resting heart rate {b:.0} bpm now against {a:.0} bpm then ({:+.0} bpm; from {from}).",
                    b - a
                ),
            )
            .param("then_resting_hr_bpm", a)
            .param("now_resting_hr_bpm", b)
            .param("resting_hr_change_bpm", b - a)
            .param("then_source", tv.then.resting_hr_source)
            .param("now_source", tv.now.resting_hr_source),
        );
    }
    if t.record_history.is_empty() {
        v.push(
            Finding::new("no_records", Severity::Note, "No personal record in this period.")
                .param("records_set", 0),
        );
    } else {
        let standing: Vec<&Record> = t.records.iter().filter(|r| r.date >= t.from).collect();
        let latest: Vec<String> = standing
            .iter()
            .map(|r| format!("{} {} ({})", r.distance, fmt_time(r.time_s), r.date))
            .collect();
        let standing: Vec<serde_json::Value> = standing
            .iter()
            .map(|r| {
                serde_json::json!({
                    "distance": r.distance,
                    "distance_m": r.distance_m,
                    "time_s": r.time_s,
                    "date": r.date.to_string(),
                    "id": r.id,
                })
            })
            .collect();
        v.push(
            Finding::new(
                "records_set",
                Severity::Good,
                format!(
                    "{} personal records in this period; standing from it: {}.",
                    t.record_history.len(),
                    if latest.is_empty() { "none".to_owned() } else { latest.join(", ") }
                ),
            )
            .param("records_set", t.record_history.len())
            .param("standing", standing),
        );
    }
    if let Some(p) = &t.predictions {
        let list: Vec<String> = p
            .predictions
            .iter()
            .map(|x| {
                format!(
                    "{} {} (Riegel) / {} (VDOT)",
                    x.distance,
                    fmt_time(x.riegel_s),
                    x.vdot_s.map_or("–".to_owned(), fmt_time)
                )
            })
            .collect();
        let predictions: Vec<serde_json::Value> = p
            .predictions
            .iter()
            .map(|x| {
                serde_json::json!({
                    "distance": x.distance,
                    "distance_m": x.distance_m,
                    "riegel_s": x.riegel_s,
                    "vdot_s": x.vdot_s,
                })
            })
            .collect();
        v.push(
            Finding::new(
                "race_predictions",
                Severity::Note,
                format!(
                    "Race predictions from your {} in {} on {} (VDOT {:.1}{}): {}. Riegel: T2 = T1 × (D2/D1)^1.06; VDOT: Daniels & Gilbert's oxygen cost and drop-dead curves.",
                    p.basis.distance,
                    fmt_time(p.basis.time_s),
                    p.basis.date,
                    p.vdot,
                    if p.stale { ", older than 16 weeks" } else { "" },
                    list.join(", ")
                ),
            )
            .param("basis_distance_m", p.basis.distance_m)
            .param("basis_time_s", p.basis.time_s)
            .param("basis_date", p.basis.date.to_string())
            .param("basis_id", p.basis.id)
            .param("vdot", p.vdot)
            .param("stale", p.stale)
            .param("predictions", predictions),
        );
    }
    let dec: Vec<f64> = t.months.iter().rev().take(3).filter_map(|m| m.decoupling_pct).collect();
    if let Some(d) = mean(&dec) {
        let coupled = d < 5.0;
        v.push(
            Finding::new(
                "long_run_decoupling",
                if coupled { Severity::Good } else { Severity::Warning },
                format!(
                    "Long runs decouple {d:.1} % on average over the last three months ({}).",
                    if coupled {
                        "under 5 %: aerobic endurance holds for their length"
                    } else {
                        "above 5 %: the long runs outlast your aerobic endurance"
                    }
                ),
            )
            .param("decoupling_pct", d)
            .param("aim_pct", 5.0)
            .param("months", dec.len()),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn riegel_ten_to_half() {
        // 10 km in 40:00 → half marathon 5295.4 s = 1:28:15.
        let t = riegel(2400.0, 10_000.0, 21_097.5);
        assert!((t - 5295.37).abs() < 0.1, "{t}");
        assert_eq!(fmt_time(t), "1:28:15");
    }

    #[test]
    fn daniels_vdot_published() {
        // 5 km in 20:00 → 49.8.
        let v = vdot(5000.0, 1200.0).expect("vdot");
        assert!((v - 49.806).abs() < 0.001, "{v}");
        assert!((daniels_vo2_cost(250.0) - 47.4645).abs() < 1e-4);
        assert!((daniels_vo2max_fraction(20.0) - 0.952_98).abs() < 1e-5);
        // Daniels' table, VDOT 50: 5 km 19:57, 10 km 41:21, half 1:31:35, marathon 3:10:49.
        for (d, t) in
            [(5000.0, 1197.0), (10_000.0, 2481.0), (21_097.5, 5495.0), (42_195.0, 11_449.0)]
        {
            let p = vdot_race_time(50.0, d).expect("time");
            // The tables round to the second; the formulas agree within 0.1 %.
            assert!((p - t).abs() < (0.001 * t).max(5.0), "{d} m: {p} vs {t}");
            assert!((vdot(d, p).expect("vdot") - 50.0).abs() < 1e-6);
        }
        // T pace at VDOT 50: 4:15 /km.
        let tp = daniels_threshold_pace(50.0).expect("t pace");
        assert!((tp - 255.2).abs() < 0.5, "{tp}");
        assert_eq!(vdot(0.0, 100.0), None);
        assert_eq!(vdot_race_time(5.0, 5000.0), None);
    }

    #[test]
    fn pace_at_hr_reads_the_line() {
        // Speed rises 0.02 m/s per bpm: 2.5 m/s at 120 bpm in one month; a month later the
        // same line sits 0.1 m/s higher (fitter), seen only at 140–150 bpm.
        let line = |hr: u8, shift: f64| HrPacePoint {
            hr,
            pace_s_per_km: 1000.0 / (2.5 + shift + 0.02 * (f64::from(hr) - 120.0)),
            seconds: 300.0,
        };
        let m1: Vec<HrPacePoint> = (110..=150).map(|hr| line(hr, 0.0)).collect();
        let m2: Vec<HrPacePoint> = (140..=150).map(|hr| line(hr, 0.1)).collect();
        let slope = common_slope([m1.as_slice(), m2.as_slice()]).expect("slope");
        assert!((slope - 0.02).abs() < 1e-9, "{slope}");
        let p = pace_at_hr(&m1, 120, slope).expect("pace");
        assert!((p.pace_s_per_km - 400.0).abs() < 1e-6, "{}", p.pace_s_per_km);
        assert!(!p.extrapolated);
        // Only grey-zone running: read off the line's extension, flagged.
        let p = pace_at_hr(&m2, 120, slope).expect("pace");
        assert!((p.pace_s_per_km - 1000.0 / 2.6).abs() < 1e-6);
        assert!(p.extrapolated);
        // Too little data; no slope from flat heart rates.
        assert_eq!(pace_at_hr(&m1[..3], 120, slope), None);
        let flat: Vec<HrPacePoint> = (0..10).map(|_| line(140, 0.0)).collect();
        assert_eq!(common_slope([flat.as_slice()]), None);
    }

    #[test]
    fn settled_points_skip_the_warm_up() {
        use slowburn_formats::Samples;
        // 70 min at 3 m/s: heart rate 100 for the first 10 min (lagging), then 140.
        let mut s = Samples::default();
        for i in 0..4200_usize {
            let k = s.push_empty();
            s.time[k] = Some(1_700_000_000_000 + i as i64 * 1000);
            s.heart_rate[k] = Some(if i < 600 { 100 } else { 140 });
            s.speed_mps[k] = Some(3.0);
            s.distance_m[k] = Some(3.0 * i as f64);
            s.altitude_m[k] = Some(100.0);
        }
        let rec = Recording { samples: s, ..Recording::default() };
        let pts = settled_hr_pace(&rec, &rec.samples.heart_rate);
        assert_eq!(pts.len(), 1, "{pts:?}");
        assert_eq!(pts[0].hr, 140);
        assert!((pts[0].pace_s_per_km - 1000.0 / 3.0).abs() < 1e-9);
        // Minutes 10–60 only.
        assert!((pts[0].seconds - 3000.0).abs() <= 2.0, "{}", pts[0].seconds);
    }

    /// Trends from hand-built ends: easy pace 5:30 → 5:15 /km at 140 bpm, resting heart rate
    /// 52 → 49 bpm, no record, long runs decoupling 4 % on average.
    fn hand_built_trends() -> Trends {
        let pace = |p: f64| PaceAtHr {
            hr: 140,
            pace_s_per_km: p,
            seconds: 3600.0,
            hr_p10: 130,
            hr_p90: 150,
            extrapolated: false,
        };
        let span = |from: Date, to: Date, p: f64, rhr: f64| Span {
            from,
            to,
            easy_pace: Some(pace(p)),
            resting_hr: Some(rhr),
            resting_hr_source: Some("logged"),
            best_vdot: None,
            efficiency_factor: None,
        };
        let month = |m: &str, dec: f64| MonthTrend {
            month: m.to_owned(),
            runs: 10,
            km: 150.0,
            easy_pace: None,
            resting_hr: None,
            resting_hr_source: None,
            long_runs: 2,
            decoupling_pct: Some(dec),
            efficiency_factor: None,
            best_vdot: None,
        };
        let (from, to) = (Date::constant(2024, 1, 1), Date::constant(2024, 6, 30));
        let mut t = Trends {
            from,
            to,
            target_hr: Some(140),
            target_note: "140 bpm, as asked".to_owned(),
            months: vec![month("2024-04", 3.0), month("2024-05", 5.0), month("2024-06", 4.0)],
            records: Vec::new(),
            record_history: Vec::new(),
            predictions: None,
            then_vs_now: ThenVsNow {
                then: span(from, Date::constant(2024, 1, 31), 330.0, 52.0),
                now: span(Date::constant(2024, 6, 1), to, 315.0, 49.0),
                easy_pace_change_s_per_km: Some(-15.0),
                resting_hr_change: Some(-3.0),
                vdot_change: None,
                records_set: 0,
            },
            verdicts: Vec::new(),
        };
        t.verdicts = verdicts(&t);
        t
    }

    #[test]
    fn trend_findings_have_codes_severities_and_numbers() {
        let t = hand_built_trends();
        let v = &t.verdicts;
        let codes: Vec<(&str, Severity)> =
            v.iter().map(|f| (f.code.as_str(), f.severity)).collect();
        assert_eq!(
            codes,
            vec![
                ("easy_pace_change", Severity::Good),
                ("resting_hr_change", Severity::Note),
                ("no_records", Severity::Note),
                ("long_run_decoupling", Severity::Good),
            ],
            "{v:?}"
        );
        assert_eq!(
            v[0].text,
            "Aerobic progress: at 140 bpm you run 5:15 /km now, 15 s/km faster than 5:30 /km in 2024-01-01 to 2024-01-31."
        );
        let num = |f: &Finding, k: &str| f.get(k).and_then(serde_json::Value::as_f64);
        assert_eq!(num(&v[0], "pace_change_s_per_km"), Some(-15.0));
        assert_eq!(num(&v[0], "target_hr_bpm"), Some(140.0));
        assert_eq!(
            v[1].text,
            "Resting heart rate 49 bpm now against 52 bpm then (-3 bpm; from logged values)."
        );
        assert_eq!(num(&v[1], "resting_hr_change_bpm"), Some(-3.0));
        assert_eq!(v[2].text, "No personal record in this period.");
        assert_eq!(
            v[3].text,
            "Long runs decouple 4.0 % on average over the last three months (under 5 %: aerobic endurance holds for their length)."
        );
        assert_eq!(num(&v[3], "decoupling_pct"), Some(4.0));

        // Slower at the same heart rate: a warning; without a target heart rate: a note.
        let mut t = hand_built_trends();
        t.then_vs_now.now.easy_pace =
            t.then_vs_now.then.easy_pace.map(|p| PaceAtHr { pace_s_per_km: 345.0, ..p });
        let f = &verdicts(&t)[0];
        assert_eq!((f.code.as_str(), f.severity), ("easy_pace_change", Severity::Warning));
        assert!(f
            .text
            .starts_with("Easy pace has slipped: at 140 bpm you run 5:45 /km now, 15 s/km slower"));
        t.target_hr = None;
        t.target_note =
            "no max heart rate is known to place Zone 2 (`trends --hr BPM` picks one)".to_owned();
        let f = &verdicts(&t)[0];
        assert_eq!((f.code.as_str(), f.severity), ("easy_pace_no_target_hr", Severity::Note));
        assert_eq!(
            f.text,
            "Easy pace at a fixed heart rate is not available: no max heart rate is known to place Zone 2 (`trends --hr BPM` picks one)."
        );
    }

    #[test]
    fn threshold_pace_from_best_effort() {
        let d = Date::constant(2024, 5, 1);
        let efforts = [
            (d, Effort { distance_m: 5000.0, time_s: 1197.0 }),
            (d, Effort { distance_m: 1000.0, time_s: 150.0 }),
            (Date::constant(2022, 1, 1), Effort { distance_m: 5000.0, time_s: 1000.0 }),
        ];
        let e = estimate_threshold_pace(&efforts, Date::constant(2024, 6, 1)).expect("estimate");
        assert!((e.value - 255.3).abs() < 1.0, "{}", e.value);
        assert!(e.detail.contains("5 km in 19:57"), "{}", e.detail);
    }
}
