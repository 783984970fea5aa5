//! Training load: one number per activity (Banister TRIMP from the stored per-bpm histogram, or
//! a TRIMP-equivalent from pace or logged RPE when the heart rate cannot be trusted), summed per
//! day, and what the daily series says: fitness, fatigue and form (CTL/ATL/TSB), ramp rate,
//! the acute:chronic ratio, Foster's monotony and strain.
//!
//! # Design
//! Every load is on one scale, Banister TRIMP, so a run without a usable heart rate still counts
//! in fitness and fatigue instead of silently counting as a rest day. The fallbacks say which one
//! was used ([`LoadMethod`]) and why, and the review names those runs. The heart-rate load is
//! computed from the per-bpm histogram the store keeps, so a changed max or resting heart rate
//! recomputes ten years of load without re-decoding a file. Daily series are plain `Vec<f64>`
//! indexed by day; every function here is a single pass.

use serde::Serialize;

use crate::athlete::Sex;
use crate::hist::{pace_bucket_mid_s_per_km, HrHistogram, PaceHistogram, PACE_SLOW_BUCKET};
use crate::metrics::{banister_trimp, banister_trimp_per_min};

/// Time constant of chronic training load (fitness), days.
pub const CTL_DAYS: f64 = 42.0;
/// Time constant of acute training load (fatigue), days.
pub const ATL_DAYS: f64 = 7.0;
/// Days of the acute window of the acute:chronic ratio.
pub const ACUTE_DAYS: usize = 7;
/// Days of the chronic window of the acute:chronic ratio.
pub const CHRONIC_DAYS: usize = 28;
/// Least share of moving time with a heart rate for the heart rate to carry a run's load.
/// Below it (a strap that dropped out, a watch worn loose) the load falls back to RPE or pace.
pub const MIN_HR_COVERAGE: f64 = 0.75;
/// Resting heart rate assumed when the athlete has logged none, bpm: the low end of the usual
/// adult range. It only moves where in the reserve a heart rate falls, and every review that
/// uses it says so.
pub const ASSUMED_RESTING_HR: f64 = 60.0;
/// Fraction of `VO2max` at threshold pace (see [`pace_hrr`]).
pub const THRESHOLD_VO2_FRACTION: f64 = 0.88;
/// TRIMP per arbitrary unit of session RPE (see [`rpe_trimp`]).
pub const TRIMP_PER_SESSION_RPE_AU: f64 = 0.45;
/// Heart-rate reserve fraction assumed for running known only by its duration (easy running).
pub const ASSUMED_EASY_HRR: f64 = 0.6;

/// Where an activity's load came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadMethod {
    /// Banister TRIMP from the heart-rate histogram.
    HeartRate,
    /// Session RPE × minutes, scaled to TRIMP ([`rpe_trimp`]).
    Rpe,
    /// Pace (grade-adjusted where known) against threshold pace ([`pace_trimp`]).
    Pace,
    /// Duration only, counted as easy running.
    Duration,
}

impl LoadMethod {
    /// Snake-case name, as in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            LoadMethod::HeartRate => "heart_rate",
            LoadMethod::Rpe => "rpe",
            LoadMethod::Pace => "pace",
            LoadMethod::Duration => "duration",
        }
    }

    /// A few words for tables.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            LoadMethod::HeartRate => "heart rate (Banister TRIMP)",
            LoadMethod::Rpe => "logged RPE (session RPE × minutes)",
            LoadMethod::Pace => "pace against threshold pace",
            LoadMethod::Duration => "duration, counted as easy running",
        }
    }
}

/// The athlete's values the load of one day needs (from the profile in force that day).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct LoadParams {
    pub max_hr: Option<f64>,
    /// `None`: not known; [`ASSUMED_RESTING_HR`] is used and the load says so.
    pub resting_hr: Option<f64>,
    pub sex: Option<Sex>,
    /// Threshold pace, s/km (for the pace fallback).
    pub threshold_pace_s_per_km: Option<f64>,
}

/// What one activity's load is computed from.
#[derive(Debug, Clone, Copy)]
pub struct LoadInput<'a> {
    pub moving_s: f64,
    pub hr_hist: &'a HrHistogram,
    /// Share of moving time with a trusted heart rate, 0–1.
    pub hr_coverage: f64,
    pub pace_hist: &'a PaceHistogram,
    /// Grade-adjusted speed over actual speed for the whole run (1 on the flat), when known.
    pub grade_factor: Option<f64>,
    /// Session RPE on Borg's CR-10 scale, when the athlete logged one.
    pub rpe: Option<f64>,
}

/// One activity's load, with how it was computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityLoad {
    /// Banister TRIMP (or its equivalent, for the fallbacks).
    pub trimp: f64,
    pub method: LoadMethod,
    /// Why this method, and what was assumed, in plain words (`None` for a plain heart-rate load).
    pub note: Option<String>,
}

/// Is the heart rate of a run good enough to carry its load and intensity?
#[must_use]
pub fn hr_trusted(hr_coverage: f64, hr_seconds: f64) -> bool {
    hr_coverage.is_finite() && hr_coverage >= MIN_HR_COVERAGE && hr_seconds > 0.0
}

/// Heart-rate reserve fraction at a running speed, from the speed's fraction of threshold speed:
/// `HRr ≈ 0.88 × v / v_threshold`, capped at 1.
///
/// Sources: heart-rate reserve tracks VO2 reserve one to one (Swain D. P., Leutholtz B. C. (1997),
/// "Heart rate reserve is equivalent to %VO2 reserve, not to %`VO2max`", *Med. Sci. Sports Exerc.*
/// 29(3):410–414); VO2 reserve grows in proportion to speed (the ACSM running equation, VO2 =
/// 0.2 · v + 3.5 ml/kg/min with v in m/min, *ACSM's Guidelines for Exercise Testing and
/// Prescription*); and threshold pace is run at about 88 % of `VO2max` (Daniels J., *Daniels'
/// Running Formula*). Example: at 4:00 /km threshold, 5:00 /km is 0.8 of threshold speed, so
/// `HRr` ≈ 0.704. A fallback, not a measurement: it ignores fitness, heat and drift.
#[must_use]
pub fn pace_hrr(pace_s_per_km: f64, threshold_pace_s_per_km: f64) -> f64 {
    if !(pace_s_per_km > 0.0 && threshold_pace_s_per_km > 0.0) {
        return 0.0;
    }
    (THRESHOLD_VO2_FRACTION * threshold_pace_s_per_km / pace_s_per_km).clamp(0.0, 1.0)
}

/// A TRIMP-equivalent from a pace histogram: Σ minutes × Banister's weighting at [`pace_hrr`] of
/// each bucket's pace, grade-adjusted by `grade_factor` (grade-adjusted speed over speed) when
/// given. Stopped time counts nothing.
#[must_use]
pub fn pace_trimp(
    pace_hist: &PaceHistogram,
    threshold_pace_s_per_km: f64,
    grade_factor: Option<f64>,
    sex: Option<Sex>,
) -> f64 {
    let factor = grade_factor.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(1.0);
    let mut sum = 0.0;
    for (b, &s) in pace_hist.iter().enumerate().take(PACE_SLOW_BUCKET) {
        if s > 0.0 {
            let pace = pace_bucket_mid_s_per_km(b) / factor;
            sum += s / 60.0 * banister_trimp_per_min(pace_hrr(pace, threshold_pace_s_per_km), sex);
        }
    }
    sum
}

/// Session RPE (Foster) scaled to TRIMP: `RPE × minutes × 0.45`.
///
/// Source: Foster C., Florhaug J. A., Franklin J., et al. (2001), "A new approach to monitoring
/// exercise training", *J. Strength Cond. Res.* 15(1):109–115: session load = CR-10 RPE × minutes,
/// in arbitrary units. The factor 0.45 puts it on Banister's scale and is our calibration: an
/// hour easy (RPE 3, 180 AU) then weighs 81 against Banister's 73 for an hour at 60 % of reserve,
/// and an hour at threshold (RPE 7, 420 AU) 189 against 183 at 88 %. Example: RPE 6 for 45 min =
/// 270 AU = 121.5.
#[must_use]
pub fn rpe_trimp(rpe: f64, minutes: f64) -> f64 {
    (rpe.clamp(0.0, 10.0) * minutes.max(0.0)) * TRIMP_PER_SESSION_RPE_AU
}

/// One activity's load: Banister TRIMP from the heart-rate histogram when the heart rate covers
/// at least [`MIN_HR_COVERAGE`] of the moving time and max heart rate is known (scaled up by the
/// coverage, so the gaps count like the rest of the run); otherwise logged session RPE, then
/// pace against threshold pace, then duration as easy running, each saying so.
#[must_use]
pub fn activity_load(input: &LoadInput<'_>, params: &LoadParams) -> ActivityLoad {
    let hr_s: f64 = input.hr_hist.iter().sum();
    let minutes = input.moving_s.max(0.0) / 60.0;
    let trusted = hr_trusted(input.hr_coverage, hr_s);
    let why_not_hr = if trusted {
        "max heart rate is unknown".to_owned()
    } else if hr_s <= 0.0 {
        "no heart rate was recorded".to_owned()
    } else {
        format!("heart rate covered only {:.0} % of the run", input.hr_coverage * 100.0)
    };
    if let (true, Some(max)) = (trusted, params.max_hr) {
        let rest = params.resting_hr.unwrap_or(ASSUMED_RESTING_HR);
        if let Some(t) = banister_trimp(input.hr_hist, rest, max, params.sex) {
            let note = params.resting_hr.is_none().then(|| {
                format!("resting heart rate assumed {ASSUMED_RESTING_HR:.0} bpm (none logged)")
            });
            return ActivityLoad {
                trimp: t / input.hr_coverage.min(1.0),
                method: LoadMethod::HeartRate,
                note,
            };
        }
    }
    if let Some(rpe) = input.rpe.filter(|r| r.is_finite() && (0.0..=10.0).contains(r)) {
        return ActivityLoad {
            trimp: rpe_trimp(rpe, minutes),
            method: LoadMethod::Rpe,
            note: Some(format!(
                "{why_not_hr}: load from the logged RPE {rpe:.0} × {minutes:.0} min (Foster session RPE)"
            )),
        };
    }
    let running_s: f64 = input.pace_hist[..PACE_SLOW_BUCKET].iter().sum();
    if let (Some(tp), true) = (params.threshold_pace_s_per_km, running_s > 0.0) {
        let graded = if input.grade_factor.is_some() { "grade-adjusted " } else { "" };
        return ActivityLoad {
            trimp: pace_trimp(input.pace_hist, tp, input.grade_factor, params.sex),
            method: LoadMethod::Pace,
            note: Some(format!(
                "{why_not_hr}: load from {graded}pace against threshold pace {}:{:02} /km",
                (tp.round() as i64) / 60,
                (tp.round() as i64) % 60
            )),
        };
    }
    ActivityLoad {
        trimp: minutes * banister_trimp_per_min(ASSUMED_EASY_HRR, params.sex),
        method: LoadMethod::Duration,
        note: Some(format!(
            "{why_not_hr}, and there is no logged RPE or threshold pace: counted as {minutes:.0} min of easy running"
        )),
    }
}

/// Fitness, fatigue and form on one day.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PmcDay {
    /// Chronic training load (fitness): the 42-day exponentially weighted average of daily load.
    pub ctl: f64,
    /// Acute training load (fatigue): the 7-day exponentially weighted average.
    pub atl: f64,
    /// Training stress balance (form): yesterday's CTL minus yesterday's ATL.
    pub tsb: f64,
}

/// The smoothing factor of an exponentially weighted average with time constant `days`:
/// `1 − e^(−1/days)`.
#[must_use]
pub fn ewma_factor(days: f64) -> f64 {
    1.0 - (-1.0 / days).exp()
}

/// CTL, ATL and TSB for every day of a daily load series (index 0 is the first day; loads
/// before it are taken as 0): `CTL_t = CTL_{t−1} + (load_t − CTL_{t−1})·(1 − e^(−1/42))`, ATL
/// the same with 7 days, `TSB_t = CTL_{t−1} − ATL_{t−1}` (form on the morning of day `t`).
///
/// Sources: the impulse–response model of Banister E. W., Calvert T. W., Savage M. V., Bach T.
/// (1975), "A systems model of training for athletic performance", *Aust. J. Sports Med.*
/// 7:57–61 (fitness and fatigue as exponentially decaying sums of daily load); the 42- and 7-day
/// constants and the names CTL/ATL/TSB from Coggan's Performance Manager (Allen H., Coggan A.,
/// *Training and Racing with a Power Meter*, 2nd ed., 2010). Example: 100 on day 0 from
/// nothing gives CTL 2.353 and ATL 13.312; day 1's TSB is −10.959.
#[must_use]
pub fn pmc(daily: &[f64]) -> Vec<PmcDay> {
    let (kc, ka) = (ewma_factor(CTL_DAYS), ewma_factor(ATL_DAYS));
    let (mut ctl, mut atl) = (0.0_f64, 0.0_f64);
    daily
        .iter()
        .map(|&load| {
            let tsb = ctl - atl;
            ctl += (load - ctl) * kc;
            atl += (load - atl) * ka;
            PmcDay { ctl, atl, tsb }
        })
        .collect()
}

/// Ramp rate on day `t`: the change of CTL over the last 7 days (CTL points per week); `None`
/// before day 7.
#[must_use]
pub fn ramp_rate(pmc: &[PmcDay], t: usize) -> Option<f64> {
    Some(pmc.get(t)?.ctl - pmc.get(t.checked_sub(7)?)?.ctl)
}

/// Acute:chronic workload ratio on day `t`: mean daily load of the last 7 days over the mean of
/// the last 28 (rolling averages, days before the series count as 0); `None` when the chronic
/// load is 0.
///
/// Source: Hulin B. T., Gabbett T. J., et al. (2014), "Spikes in acute workload are associated
/// with increased injury risk in elite cricket fast bowlers", *Br. J. Sports Med.* 48:708–712;
/// Gabbett T. J. (2016), "The training–injury prevention paradox", *Br. J. Sports Med.*
/// 50:273–280 (0.8–1.3 the "sweet spot", above 1.5 a spike). Example: 28 days of 50 then 7
/// days of 100: acute 100, chronic (21 × 50 + 7 × 100)/28 = 62.5, ratio 1.6.
#[must_use]
pub fn acute_chronic_ratio(daily: &[f64], t: usize) -> Option<f64> {
    let end = t.checked_add(1)?.min(daily.len());
    let window = |days: usize| daily[end.saturating_sub(days)..end].iter().sum::<f64>();
    let acute = window(ACUTE_DAYS) / ACUTE_DAYS as f64;
    let chronic = window(CHRONIC_DAYS) / CHRONIC_DAYS as f64;
    (chronic > 0.0).then(|| acute / chronic)
}

/// Foster's monotony of a week of daily loads (rest days as 0): mean over standard deviation
/// (population, over the days given); `None` when the loads do not vary (all rest, or exactly
/// equal every day).
///
/// Source: Foster C. (1998), "Monitoring training in athletes with reference to overtraining
/// syndrome", *Med. Sci. Sports Exerc.* 30(7):1164–1168: monotony above about 2 with a high
/// weekly load preceded most illnesses. Example: 300, 0, 450, 300, 0, 600, 300 → mean 278.6,
/// SD 203.3, monotony 1.370.
#[must_use]
pub fn monotony(daily: &[f64]) -> Option<f64> {
    if daily.is_empty() {
        return None;
    }
    let n = daily.len() as f64;
    let mean = daily.iter().sum::<f64>() / n;
    let var = daily.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    (sd > 1e-9 * mean.abs().max(1.0)).then(|| mean / sd)
}

/// Foster's strain of a week: weekly load × monotony (same source as [`monotony`]). Example:
/// the week of [`monotony`]'s example sums to 1950, strain 2672.
#[must_use]
pub fn strain(daily: &[f64]) -> Option<f64> {
    monotony(daily).map(|m| daily.iter().sum::<f64>() * m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn pmc_hand_computed() {
        let p = pmc(&[100.0, 0.0]);
        assert!(close(p[0].ctl, 2.352_831, 1e-6), "{}", p[0].ctl);
        assert!(close(p[0].atl, 13.312_210, 1e-6), "{}", p[0].atl);
        assert!(close(p[0].tsb, 0.0, 1e-12));
        assert!(close(p[1].ctl, 2.297_473, 1e-6));
        assert!(close(p[1].atl, 11.540_061, 1e-6));
        assert!(close(p[1].tsb, -10.959_379, 1e-6));
        // A constant load converges to itself.
        let p = pmc(&[80.0; 1000]);
        assert!(close(p[999].ctl, 80.0, 1e-6) && close(p[999].atl, 80.0, 1e-9));
        assert!(close(p[999].tsb, 0.0, 1e-6));
    }

    #[test]
    fn ramp_is_ctl_change_over_a_week() {
        let p = pmc(&[50.0; 30]);
        assert_eq!(ramp_rate(&p, 6), None);
        let r = ramp_rate(&p, 20).expect("ramp");
        assert!(close(r, p[20].ctl - p[13].ctl, 1e-12) && r > 0.0);
    }

    #[test]
    fn acute_chronic_spike() {
        let mut d = vec![50.0; 28];
        d.extend([100.0; 7]);
        let r = acute_chronic_ratio(&d, d.len() - 1).expect("ratio");
        assert!(close(r, 1.6, 1e-12), "{r}");
        assert!(close(acute_chronic_ratio(&d, 27).expect("ratio"), 1.0, 1e-12));
        assert_eq!(acute_chronic_ratio(&[0.0; 10], 9), None);
    }

    #[test]
    fn foster_monotony_and_strain() {
        let w = [300.0, 0.0, 450.0, 300.0, 0.0, 600.0, 300.0];
        assert!(close(monotony(&w).expect("m"), 1.370_320, 1e-6));
        assert!(close(strain(&w).expect("s"), 2_672.124_6, 1e-3));
        assert_eq!(monotony(&[0.0; 7]), None);
        assert_eq!(monotony(&[100.0; 7]), None);
    }

    #[test]
    fn pace_and_rpe_fallbacks() {
        // 4:00 /km threshold, 5:00 /km → 0.88 × 0.8 = 0.704.
        assert!(close(pace_hrr(300.0, 240.0), 0.704, 1e-12));
        // An hour in the 5:00–5:05 /km bucket (middle 302.5 s/km): HRr 0.698182, TRIMP 102.44.
        let mut pace = [0.0; crate::hist::PACE_BUCKETS];
        pace[36] = 3600.0;
        assert!(close(pace_trimp(&pace, 240.0, None, None), 102.441, 1e-3));
        // Grade adjustment: the same time on a climb costing 10 % more weighs more.
        assert!(pace_trimp(&pace, 240.0, Some(1.1), None) > 102.5);
        assert!(close(rpe_trimp(6.0, 45.0), 121.5, 1e-12));
    }

    #[test]
    fn load_falls_back_and_says_so() {
        let mut hr = [0.0; 256];
        hr[130] = 3600.0;
        let mut pace = [0.0; crate::hist::PACE_BUCKETS];
        pace[36] = 3600.0;
        let params = LoadParams {
            max_hr: Some(190.0),
            resting_hr: Some(50.0),
            sex: None,
            threshold_pace_s_per_km: Some(240.0),
        };
        let input = LoadInput {
            moving_s: 3600.0,
            hr_hist: &hr,
            hr_coverage: 1.0,
            pace_hist: &pace,
            grade_factor: None,
            rpe: Some(6.0),
        };
        let l = activity_load(&input, &params);
        assert_eq!(l.method, LoadMethod::HeartRate);
        // (130 − 50)/140 = 0.5714: 60 × 0.5714 × 0.64 × e^(1.0971) = 109.6.
        let expected = 60.0 * (80.0 / 140.0) * 0.64 * (1.92 * 80.0 / 140.0_f64).exp();
        assert!(close(l.trimp, expected, 1e-9));
        assert_eq!(l.note, None);
        // Assumed resting heart rate is named.
        let l = activity_load(&input, &LoadParams { resting_hr: None, ..params });
        assert!(l.note.as_deref().is_some_and(|n| n.contains("assumed 60 bpm")));
        // Poor coverage: the logged RPE wins, then pace, then duration.
        let poor = LoadInput { hr_coverage: 0.3, ..input };
        let l = activity_load(&poor, &params);
        assert_eq!(l.method, LoadMethod::Rpe);
        assert!(close(l.trimp, rpe_trimp(6.0, 60.0), 1e-9));
        assert!(l.note.as_deref().is_some_and(|n| n.contains("30 %")), "{:?}", l.note);
        let l = activity_load(&LoadInput { rpe: None, ..poor }, &params);
        assert_eq!(l.method, LoadMethod::Pace);
        assert!(close(l.trimp, 102.441, 1e-3));
        let l = activity_load(
            &LoadInput { rpe: None, ..poor },
            &LoadParams { threshold_pace_s_per_km: None, ..params },
        );
        assert_eq!(l.method, LoadMethod::Duration);
        assert!(close(l.trimp, 72.910, 1e-3));
        // Partial but trusted coverage is scaled up to the whole run.
        let mut half = hr;
        half[130] = 2880.0;
        let l = activity_load(&LoadInput { hr_hist: &half, hr_coverage: 0.8, ..input }, &params);
        assert!(close(l.trimp, expected, 1e-9));
    }
}
