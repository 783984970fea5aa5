//! The per-run summary computed once at import (and again by `reanalyze`) and stored with
//! every activity: cleaned heart rate's histograms, moving time, the evidence the athlete's
//! estimates need (best sustained heart rates), and heart rate against pace on flat steady
//! running. Everything that depends on the athlete's zones is computed later from the stored
//! histograms, so a changed profile never needs a re-decode.
//!
//! # Honest numbers
//! [`summarise_with`] first decides the sport from the file and the evidence
//! ([`crate::sport::analyse`]) and takes out of the run what was not running (vehicle segments,
//! GPS jumps: [`RunSummary::excluded`]), then chooses the run's one distance by the rule in
//! [`crate::metrics`] (session totals when they agree with the track, else the track with the
//! glitches removed, laps as the cross-check: [`RunSummary::distance_m`] and
//! [`RunSummary::distance_source`]); moving time, pace, splits and best efforts all use that
//! track. Elapsed time leaves out clock jumps of more than 12 h, and best efforts faster than the
//! world record are dropped, each with a warning. Heart rate covering less than half the moving
//! time is said plainly ([`RunSummary::hr_trusted`]), and a best 30-second heart rate above the
//! profile's maximum is a finding ([`RunSummary::above_max_hr`]).

use serde::{Deserialize, Serialize};
use slowburn_formats::Recording;

use crate::athlete::{best_30min_effort_lthr, best_rolling_mean_hr, Profile};
use crate::classify::{self, Hints, Norms, Reason, RunType};
use crate::clean::{clean_hr, ArtefactKind, Cleaned};
use crate::hist::{self, HrHistogram, PaceHistogram};
use crate::metrics::{measure, RunMetrics, Track};
use crate::sport::{self, SegmentKind, SportCall};
use crate::verdicts::verdicts;
use crate::zones::{hr_pace_samples, ZoneModel};

/// Version of the summary's shape and algorithms. A stored summary of another version is not
/// read ([`decode`] refuses it); the application re-analyses it from the original file.
/// 3: `settled_hr_pace` is part of the summary (it was added beside it by the binary).
/// 4: honest per-run numbers — `sport` (the sport called from the file and the evidence, with
/// its reason), `excluded` (vehicle segments and GPS jumps left out of the run), `distance_m`
/// and `distance_source` (the one distance), `elapsed_s` (clock jumps left out), `hr_trusted`
/// and `above_max_hr`; moving time from the recording's own timing however sparse, world-record
/// checks on best efforts, and the pace histogram from moving time.
/// 6: a run with a quarter of its time at a running cadence is a run, not a walk (run–walk);
/// recovery runs known from the day and their length.
pub const SUMMARY_VERSION: u32 = 6;

/// Least share of moving time with heart rate for the heart rate to carry the run's type and
/// zones (about half; the classifier's threshold).
pub const HR_TRUSTED_MIN_COVERAGE: f64 = 0.5;
/// A best 30-second heart rate this far above the profile's maximum is a finding, bpm.
pub const ABOVE_MAX_HR_MARGIN: f64 = 2.0;

/// Why a stored summary cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SummaryError {
    #[error("summary version {found} is not the version this slowburn reads ({supported}); re-analyse it from the original")]
    Version { found: u32, supported: u32 },
    #[error("summary is not readable: {0}")]
    Malformed(String),
}

/// The one way a stored summary is read back: its version must be [`SUMMARY_VERSION`].
pub fn decode(json: &str) -> Result<RunSummary, SummaryError> {
    #[derive(Deserialize)]
    struct Version {
        #[serde(default)]
        version: u32,
    }
    let v: Version =
        serde_json::from_str(json).map_err(|e| SummaryError::Malformed(e.to_string()))?;
    if v.version != SUMMARY_VERSION {
        return Err(SummaryError::Version { found: v.version, supported: SUMMARY_VERSION });
    }
    serde_json::from_str(json).map_err(|e| SummaryError::Malformed(e.to_string()))
}

/// The stored form of a summary (the inverse of [`decode`]).
#[must_use]
pub fn encode(summary: &RunSummary) -> String {
    // A struct of plain values, maps with string keys and finite-or-null floats: serde_json
    // cannot fail on it.
    serde_json::to_string(summary).unwrap_or_default()
}

/// Below this speed a sample counts as stopped (0.5 m/s = 33:20 /km).
pub const STOPPED_MPS: f32 = 0.5;

/// Seconds corrected for one kind of heart-rate artefact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleaningNote {
    pub kind: String,
    pub seconds: f64,
    pub stretches: usize,
}

/// Mean pace at one heart rate over a run's flat steady running.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HrPacePoint {
    pub hr: u8,
    pub pace_s_per_km: f64,
    pub seconds: f64,
}

/// A stretch left out of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub kind: SegmentKind,
    /// Seconds from the first sample to the stretch's start and end.
    pub start_s: f64,
    pub end_s: f64,
    /// Metres the recording counted over it.
    pub distance_m: f64,
    /// The stretch in words: "3.2 km at 48 km/h in a vehicle left out (…)".
    pub reason: String,
}

/// A best 30-second heart rate above the profile's maximum: the maximum may be higher.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AboveMax {
    pub best_30s_hr: f64,
    pub profile_max_hr: u8,
}

/// What is stored with each activity (histograms go into their own columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RunSummary {
    pub version: u32,
    /// Seconds moving (samples at or above [`STOPPED_MPS`], pauses excluded).
    pub moving_s: f64,
    /// Seconds of moving time with a trusted (cleaned) heart rate.
    pub hr_seconds: f64,
    /// `hr_seconds / moving_s` (0–1): below about 0.5 the heart rate cannot carry the load.
    pub hr_coverage: f64,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    /// Best rolling 30-second mean of cleaned heart rate (max HR evidence).
    pub best_30s_hr: Option<f64>,
    /// Mean of the last 20 minutes of the best 30-minute effort (Friel's LTHR evidence).
    pub best_30min_lthr: Option<f64>,
    /// What cleaning corrected, per artefact kind.
    pub cleaning: Vec<CleaningNote>,
    /// Heart rate against pace on flat, steady running (one point per bpm).
    pub hr_pace: Vec<HrPacePoint>,
    /// The same from settled running only (warm-up and late drift left out; see
    /// [`crate::trends::settled_hr_pace`]): what the easy pace at a fixed heart rate is read from.
    pub settled_hr_pace: Vec<HrPacePoint>,
    /// Decoder warnings carried over.
    pub warnings: Vec<String>,
    /// What the run was (see [`crate::classify`]), why, and how sure — after the athlete's
    /// norms were applied to the base classification ([`crate::classify::apply_norms`]).
    pub run_type: Option<RunType>,
    /// The classification before norms (what `apply_norms` starts from).
    #[serde(default)]
    pub base_run_type: Option<RunType>,
    #[serde(default)]
    pub base_reason: Option<Reason>,
    /// The settled heart rate the classification judged (median of the settled minutes).
    #[serde(default)]
    pub settled_hr: Option<f64>,
    pub reason: Option<Reason>,
    pub confidence: Option<f64>,
    /// The evidence that decided the type, in words ("tempo: 26 min at 86 % of max HR after a
    /// 15 min warm-up").
    #[serde(default)]
    pub why: Option<String>,
    /// What the file says the run was, without profile or norms: its parts from the signal
    /// (warm-up, work, recoveries, cool-down, strides) and their measurements; what the type
    /// is decided from, at import and again whenever the profile or the norms change.
    #[serde(default)]
    pub evidence: Option<classify::Evidence>,
    /// Per-run metrics (see [`crate::metrics`]) against the profile of the run's date.
    pub metrics: Option<RunMetrics>,
    /// Plain-language findings on this run.
    pub verdicts: Vec<VerdictNote>,
    /// The device's laps.
    #[serde(default)]
    pub laps: Vec<LapNote>,
    /// The sport called from the file and the evidence (see [`crate::sport`]).
    #[serde(default)]
    pub sport: Option<SportCall>,
    /// Stretches left out of moving time, distance, pace, splits and best efforts.
    #[serde(default)]
    pub excluded: Vec<Excluded>,
    /// The run's one distance, m (see [`crate::metrics`], "Distance: one per run").
    #[serde(default)]
    pub distance_m: Option<f64>,
    /// Where `distance_m` comes from, in words ("session (the track's 10.21 km agrees)").
    #[serde(default)]
    pub distance_source: Option<String>,
    /// First to last sample, seconds, clock jumps of more than 12 h left out.
    #[serde(default)]
    pub elapsed_s: Option<f64>,
    /// Heart rate covers at least [`HR_TRUSTED_MIN_COVERAGE`] of the moving time: below that
    /// no type, zone time or load should come from it.
    #[serde(default)]
    pub hr_trusted: bool,
    /// The best 30-second heart rate was at least [`ABOVE_MAX_HR_MARGIN`] bpm above the
    /// profile's max HR (only when the profile has one).
    #[serde(default)]
    pub above_max_hr: Option<AboveMax>,
}

/// One device lap, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LapNote {
    pub start_ms: Option<i64>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub avg_hr: Option<u8>,
    pub max_hr: Option<u8>,
    /// FIT lap intensity: 0 active, 1 rest, 2 warm-up, 3 cool-down, 4 recovery …
    pub intensity: Option<u8>,
}

/// A stored verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictNote {
    pub severity: String,
    pub code: String,
    pub text: String,
}

/// What the per-run analysis needs besides the recording.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The athlete's profile on the run's date.
    pub profile: &'a Profile,
    /// The athlete's recent norms (median easy-run duration, longest recent run).
    pub norms: Norms,
    /// The user's own label for this run.
    pub label: Option<RunType>,
    /// The activity's name (from an export), a hint for races.
    pub name: Option<&'a str>,
}

/// A run's summary with its histograms.
#[derive(Debug, Clone, PartialEq)]
pub struct Summarised {
    pub summary: RunSummary,
    pub hr_hist: HrHistogram,
    pub pace_hist: PaceHistogram,
    pub cleaned: Cleaned,
}

/// Summarise one recording without an athlete profile (no zones, no classification).
#[must_use]
pub fn summarise(rec: &Recording) -> Summarised {
    summarise_core(rec, None)
}

/// Summarise one recording: clean, measure, classify, judge. Pure and O(n).
#[must_use]
pub fn summarise_with(rec: &Recording, cx: &Context<'_>) -> Summarised {
    summarise_core(rec, Some(cx))
}

fn summarise_core(rec: &Recording, cx: Option<&Context<'_>>) -> Summarised {
    let s = &rec.samples;
    let cleaned = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
    let mut track = Track::new(rec, &cleaned.hr);
    // The sport, and what was not running: left out of everything below.
    let called = sport::analyse(rec, &track);
    if !called.excluded.is_empty() {
        let ranges: Vec<_> = called.excluded.iter().map(|x| x.samples.clone()).collect();
        track.exclude(&ranges);
    }
    track.set_sport(called.call.sport);
    let distance = track.choose_distance();
    // One definition of moving for the histograms and the metrics: timer pauses, stops and
    // the stretches left out.
    let moving = track.moving_mask();
    let hr_hist = hist::hr_histogram(&s.time, &cleaned.hr, Some(&moving));
    let pace_hist = track.pace_histogram();
    let moving_s = track.total_moving_s();
    let hr_seconds: f64 = hr_hist.iter().sum();
    let avg_hr = (hr_seconds > 0.0)
        .then(|| hr_hist.iter().enumerate().map(|(b, t)| b as f64 * t).sum::<f64>() / hr_seconds);
    let max_hr = hr_hist.iter().rposition(|&t| t > 0.0).map(|b| b as u8);
    let hr_coverage = if moving_s > 0.0 { (hr_seconds / moving_s).min(1.0) } else { 0.0 };
    let hr_trusted = hr_coverage >= HR_TRUSTED_MIN_COVERAGE && hr_seconds > 0.0;
    let best_30s_hr = best_rolling_mean_hr(&s.time, &cleaned.hr, 30);

    let mut warnings: Vec<String> = rec.warnings.iter().map(ToString::to_string).collect();
    for j in track.clock_jumps() {
        warnings.push(format!(
            "The clock jumps {} between two samples (device time or a clock change): not counted as elapsed time",
            duration_words(j.seconds)
        ));
    }
    if track.untimed_m() >= 100.0 {
        warnings.push(format!(
            "{:.2} km of the recording has no time (gained while the timer was stopped, or points without timestamps): left out",
            track.untimed_m() / 1000.0
        ));
    }
    warnings.extend(distance.warnings.iter().cloned());
    if moving_s > 0.0 && !hr_trusted && hr_seconds > 0.0 {
        warnings.push(format!(
            "Heart rate covers only {:.0} % of the moving time ({} of {}): too little to judge the run by",
            hr_coverage * 100.0,
            duration_words(hr_seconds),
            duration_words(moving_s)
        ));
    }
    let excluded: Vec<Excluded> = called
        .excluded
        .iter()
        .map(|x| Excluded {
            kind: x.kind,
            start_s: x.start_s,
            end_s: x.end_s,
            distance_m: x.distance_m,
            reason: x.describe(),
        })
        .collect();

    // Heart rate against pace, binned per bpm.
    let mut bins = [(0.0f64, 0.0f64); 256];
    for p in hr_pace_samples(&s.time, &cleaned.hr, &s.speed_mps, &s.distance_m, &s.altitude_m) {
        let b = &mut bins[usize::from(p.hr)];
        b.0 += p.pace_s_per_km * p.seconds;
        b.1 += p.seconds;
    }
    let hr_pace = bins
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1 >= 1.0)
        .map(|(hr, b)| HrPacePoint { hr: hr as u8, pace_s_per_km: b.0 / b.1, seconds: b.1 })
        .collect();

    let cleaning = ArtefactKind::ALL
        .iter()
        .filter_map(|&k| {
            let stretches = cleaned.corrections.iter().filter(|c| c.kind == k).count();
            (stretches > 0).then(|| CleaningNote {
                kind: format!("{k:?}"),
                seconds: cleaned.seconds(k),
                stretches,
            })
        })
        .collect();

    let mut analysis = (None, None, None, None, Vec::new());
    let mut settled_hr = None;
    let mut above_max_hr = None;
    let mut why = None;
    let mut evidence = None;
    if let Some(cx) = cx {
        let zones = ZoneModel::PercentMax.zones(cx.profile).ok();
        let metrics = measure(&track, cx.profile, zones.as_ref());
        for b in &metrics.dropped_best_efforts {
            warnings.push(format!(
                "A best {} of {} is faster than the world record: dropped",
                b.name,
                duration_words(b.time_s)
            ));
        }
        let ev = classify::evidence(&track, &metrics, cx.name);
        let c = classify::decide(
            &ev,
            &classify::Context {
                profile: cx.profile,
                zones: zones.as_ref(),
                norms: cx.norms,
                hints: Hints { label: cx.label, race: false, name: cx.name },
            },
        );
        // A sport the evidence called, not running, is that sport (the user's label still wins).
        let (run_type, reason, confidence) = match called_type(&called.call, &metrics) {
            Some(t) if cx.label.is_none() => (t, Reason::Sport, 0.9),
            _ => (c.run_type, c.reason, c.confidence),
        };
        why = Some(if reason == c.reason { c.why.clone() } else { reason.words().to_owned() });
        let notes = verdicts(run_type, &metrics, zones.as_ref(), Some(&cleaned), Some(&ev))
            .into_iter()
            .map(|v| VerdictNote {
                severity: format!("{:?}", v.severity).to_lowercase(),
                code: v.code.to_owned(),
                text: v.text,
            })
            .collect();
        evidence = Some(ev);
        settled_hr = c.features.settled_hr.or(c.features.median_hr);
        above_max_hr = match (best_30s_hr, cx.profile.max_hr()) {
            (Some(best), Some(max)) if best >= f64::from(max) + ABOVE_MAX_HR_MARGIN => {
                Some(AboveMax { best_30s_hr: best, profile_max_hr: max })
            }
            _ => None,
        };
        analysis = (Some(run_type), Some(reason), Some(confidence), Some(metrics), notes);
    }
    let (run_type, reason, confidence, metrics, verdict_notes) = analysis;
    let summary = RunSummary {
        version: SUMMARY_VERSION,
        run_type,
        reason,
        base_run_type: run_type,
        base_reason: reason,
        settled_hr,
        confidence,
        why,
        evidence,
        metrics,
        verdicts: verdict_notes,
        laps: rec
            .laps
            .iter()
            .map(|l| LapNote {
                start_ms: l.start,
                elapsed_s: l.elapsed_s,
                timer_s: l.timer_s,
                distance_m: l.distance_m,
                avg_hr: l.avg_heart_rate,
                max_hr: l.max_heart_rate,
                intensity: l.intensity,
            })
            .collect(),
        moving_s,
        hr_seconds,
        hr_coverage,
        avg_hr,
        max_hr,
        best_30s_hr,
        best_30min_lthr: best_30min_effort_lthr(&s.time, &cleaned.hr),
        cleaning,
        hr_pace,
        settled_hr_pace: crate::trends::settled_hr_pace(rec, &cleaned.hr),
        warnings,
        sport: Some(called.call),
        excluded,
        distance_m: distance.distance_m,
        distance_source: Some(distance.source),
        elapsed_s: track.elapsed_s(),
        hr_trusted,
        above_max_hr,
    };
    Summarised { summary, hr_hist, pace_hist, cleaned }
}

/// The run type of a sport the evidence called that is not running (or generic): walking is
/// a walk (a hike with 40 m of climbing per km, as the classifier), hiking and mountaineering a
/// hike, anything else another sport.
fn called_type(call: &SportCall, metrics: &RunMetrics) -> Option<RunType> {
    match call.sport {
        sport::fit::GENERIC | sport::fit::RUNNING => None,
        sport::fit::WALKING => {
            Some(if metrics.climb_m_per_km.is_some_and(|c| c >= sport::HIKE_MIN_CLIMB_M_PER_KM) {
                RunType::Hike
            } else {
                RunType::Walk
            })
        }
        sport::fit::HIKING | sport::fit::MOUNTAINEERING => Some(RunType::Hike),
        _ => Some(RunType::OtherSport),
    }
}

/// Seconds in words: "563065 h", "2 h 08 min", "4 min 10 s", "35 s".
fn duration_words(s: f64) -> String {
    let t = s.max(0.0).round() as u64;
    if t >= 100 * 3600 {
        format!("{} h", t / 3600)
    } else if t >= 3600 {
        format!("{} h {:02} min", t / 3600, (t % 3600) / 60)
    } else if t >= 60 {
        format!("{} min {:02} s", t / 60, t % 60)
    } else {
        format!("{t} s")
    }
}

#[cfg(test)]
mod tests {
    // Exact comparisons: the expected times are sums of whole seconds, exact in f64.
    #![allow(clippy::float_cmp)]
    use super::*;
    use slowburn_formats::Samples;

    fn steady(n: usize, hr: u8, speed: f32) -> Recording {
        let mut s = Samples::default();
        for i in 0..n {
            let k = s.push_empty();
            s.time[k] = Some(1_700_000_000_000 + i as i64 * 1000);
            s.heart_rate[k] = Some(hr);
            s.speed_mps[k] = Some(speed);
            s.distance_m[k] = Some(f64::from(speed) * i as f64);
        }
        Recording { samples: s, ..Recording::default() }
    }

    #[test]
    fn a_steady_hour_is_an_hour_at_one_heart_rate() {
        let r = summarise(&steady(3601, 140, 3.0));
        assert!((r.summary.moving_s - 3600.0).abs() < 1e-9);
        assert!((r.hr_hist[140] - 3600.0).abs() < 1e-9);
        assert_eq!(r.summary.max_hr, Some(140));
        assert!((r.summary.avg_hr.expect("hr") - 140.0).abs() < 1e-9);
        assert!((r.summary.hr_coverage - 1.0).abs() < 1e-9);
        // 3.0 m/s = 333.3 s/km, all at 140 bpm.
        assert_eq!(r.summary.hr_pace.len(), 1);
        assert!((r.summary.hr_pace[0].pace_s_per_km - 1000.0 / 3.0).abs() < 1e-6);
        assert!((r.summary.best_30s_hr.expect("30 s") - 140.0).abs() < 1e-9);
    }

    #[test]
    fn standing_still_is_not_moving_time() {
        let mut rec = steady(601, 100, 3.0);
        for i in 300..601 {
            rec.samples.speed_mps[i] = Some(0.0);
        }
        let r = summarise(&rec);
        assert!((r.summary.moving_s - 300.0).abs() < 1.0 + 1e-9, "{}", r.summary.moving_s);
    }

    fn profile(max_hr: u8) -> crate::athlete::Profile {
        use crate::athlete::{Athlete, ProfileEntry};
        let d = jiff::civil::date(2024, 1, 1);
        let e = ProfileEntry { max_hr: Some(max_hr), resting_hr: Some(50), ..ProfileEntry::new(d) };
        Athlete::from_entries(vec![e]).at(d)
    }

    fn with_profile(rec: &Recording, max_hr: u8) -> RunSummary {
        let p = profile(max_hr);
        let cx = Context { profile: &p, norms: Norms::default(), label: None, name: None };
        summarise_with(rec, &cx).summary
    }

    /// 1 Hz samples from (seconds, m/s) pieces, heart rate 140, sport running.
    fn pieces(parts: &[(usize, f64)]) -> Recording {
        let mut s = Samples::default();
        let (mut d, mut t) = (0.0, 0_i64);
        for &(n, v) in parts {
            for _ in 0..n {
                let k = s.push_empty();
                s.time[k] = Some(1_700_000_000_000 + t * 1000);
                s.heart_rate[k] = Some(140);
                s.speed_mps[k] = Some(v as f32);
                s.distance_m[k] = Some(d);
                d += v;
                t += 1;
            }
        }
        Recording {
            sport: Some(slowburn_formats::Sport::RUNNING),
            samples: s,
            ..Recording::default()
        }
    }

    #[test]
    fn a_car_inside_a_run_is_left_out_of_its_numbers() {
        let rec = pieces(&[(600, 3.0), (30, 0.0), (300, 15.0), (30, 0.0), (601, 3.0)]);
        let r = with_profile(&rec, 190);
        let call = r.sport.as_ref().expect("a call");
        assert_eq!((call.sport, call.changed), (1, false));
        assert_eq!(r.excluded.len(), 1);
        assert_eq!(r.excluded[0].kind, SegmentKind::Vehicle);
        assert_eq!((r.excluded[0].start_s, r.excluded[0].end_s), (630.0, 930.0));
        assert!((r.excluded[0].distance_m - 4500.0).abs() < 1e-9);
        assert!((r.distance_m.unwrap() - 3600.0).abs() < 1e-6, "{:?}", r.distance_m);
        assert_eq!(r.distance_source.as_deref(), Some("track, 4.50 km left out"));
        assert_eq!(r.moving_s, 1200.0);
        let m = r.metrics.as_ref().unwrap();
        assert!(m.best_efforts.iter().all(|b| b.pace_s_per_km > 333.0), "{:?}", m.best_efforts);
        assert!(r.run_type.is_some_and(RunType::is_run), "{:?}", r.run_type);
    }

    #[test]
    fn a_ride_recorded_as_a_run_is_another_sport() {
        let rec = pieces(&[(1800, 8.0)]);
        let r = with_profile(&rec, 190);
        assert_eq!(r.sport.as_ref().map(|c| (c.sport, c.changed)), Some((2, true)));
        assert_eq!((r.run_type, r.reason), (Some(RunType::OtherSport), Some(Reason::Sport)));
        // The user's label still wins.
        let p = profile(190);
        let cx = Context {
            profile: &p,
            norms: Norms::default(),
            label: Some(RunType::Easy),
            name: None,
        };
        assert_eq!(summarise_with(&rec, &cx).summary.run_type, Some(RunType::Easy));
    }

    #[test]
    fn a_clock_jump_is_repaired_with_a_warning() {
        let mut rec = pieces(&[(600, 3.0)]);
        // The last sample's clock jumped 64 years ahead.
        let last = rec.samples.len() - 1;
        rec.samples.time[last] = rec.samples.time[last].map(|t| t + 2_027_039_314_000);
        let r = summarise(&rec);
        assert_eq!(r.summary.elapsed_s, Some(598.0));
        assert_eq!(r.summary.moving_s, 598.0);
        assert!(
            r.summary.warnings.contains(&"The clock jumps 563066 h between two samples (device time or a clock change): not counted as elapsed time".to_owned()),
            "{:?}",
            r.summary.warnings
        );
    }

    #[test]
    fn a_sparse_track_keeps_its_moving_time() {
        // Three points an hour apart at 3 m/s: two hours moving, not 20 s.
        let mut s = Samples::default();
        for k in 0..3_i64 {
            let i = s.push_empty();
            s.time[i] = Some(k * 3_600_000);
            s.distance_m[i] = Some(k as f64 * 10_800.0);
            s.heart_rate[i] = Some(150);
        }
        let r = summarise(&Recording { samples: s, ..Recording::default() }).summary;
        assert_eq!(r.moving_s, 7200.0);
        assert_eq!(r.distance_m, Some(21_600.0));
        // Three heart-rate readings do not cover two hours.
        assert!(!r.hr_trusted);
        assert!((r.hr_coverage - 20.0 / 7200.0).abs() < 1e-9);
        assert!(
            r.warnings.iter().any(|w| w.starts_with("Heart rate covers only 0 %")),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn heart_rate_coverage_is_said_plainly() {
        let mut rec = pieces(&[(1200, 3.0)]);
        for h in rec.samples.heart_rate.iter_mut().skip(400) {
            *h = None;
        }
        let r = summarise(&rec).summary;
        assert!(!r.hr_trusted);
        assert!(
            r.warnings.contains(&"Heart rate covers only 33 % of the moving time (6 min 40 s of 19 min 59 s): too little to judge the run by".to_owned()),
            "{:?}",
            r.warnings
        );
        let r = summarise(&pieces(&[(1200, 3.0)])).summary;
        assert!(r.hr_trusted && r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn heart_rate_above_the_profiles_max_is_a_finding() {
        let mut rec = pieces(&[(1200, 3.0)]);
        for h in rec.samples.heart_rate.iter_mut().skip(600).take(60) {
            *h = Some(190);
        }
        let r = with_profile(&rec, 185);
        assert_eq!(r.above_max_hr, Some(AboveMax { best_30s_hr: 190.0, profile_max_hr: 185 }));
        // 189 against 188: within the 2-bpm margin, no finding.
        assert_eq!(with_profile(&rec, 189).above_max_hr, None);
        assert!(with_profile(&rec, 188).above_max_hr.is_some());
        assert_eq!(summarise(&rec).summary.above_max_hr, None);
    }

    #[test]
    fn a_version_4_summary_without_the_new_fields_still_reads() {
        let r = summarise(&steady(120, 150, 3.5)).summary;
        let mut v: serde_json::Value = serde_json::from_str(&encode(&r)).expect("json");
        let obj = v.as_object_mut().expect("object");
        for k in [
            "sport",
            "excluded",
            "distance_m",
            "distance_source",
            "elapsed_s",
            "hr_trusted",
            "above_max_hr",
        ] {
            assert!(obj.remove(k).is_some(), "{k}");
        }
        let back = decode(&v.to_string()).expect("decode");
        assert_eq!((back.sport, back.excluded.len(), back.hr_trusted), (None, 0, false));
    }

    #[test]
    fn the_summary_round_trips_through_json() {
        let r = summarise(&steady(120, 150, 3.5));
        let json = serde_json::to_string(&r.summary).expect("json");
        let back: RunSummary = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, r.summary);
        assert_eq!(decode(&encode(&r.summary)).expect("decode"), r.summary);
    }

    #[test]
    fn another_version_or_garbage_is_refused_with_a_typed_error() {
        let mut s = summarise(&steady(120, 150, 3.5)).summary;
        s.version = 2;
        assert_eq!(
            decode(&encode(&s)),
            Err(SummaryError::Version { found: 2, supported: SUMMARY_VERSION })
        );
        assert!(matches!(
            decode(&format!("{{\"version\":{SUMMARY_VERSION},\"moving_s\":\"x\"}}")),
            Err(SummaryError::Malformed(_))
        ));
        assert!(matches!(decode("not json"), Err(SummaryError::Malformed(_))));
    }
}
