//! Writing a history: one FIT file per activity, named by local start time, and `truth.json`
//! beside them with the ground truth of the whole history.
//!
//! # Design
//! Activities are rendered, encoded and written in parallel and dropped as soon as their file
//! is on disk; only their truth records are kept to write `truth.json` at the end. The output
//! is byte-identical for a seed whatever the thread count.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use slowburn_formats::fit::{encode_activity, EncodeOptions};

use crate::calendar::iso_date;
use crate::{
    Athlete, DayOff, History, Home, Phase, PhysiologyPoint, Profile, ProfileKind, SynthError, Truth,
};

/// Name of the ground-truth file written beside the FIT files.
pub const TRUTH_FILE: &str = "truth.json";

/// What [`write`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WriteSummary {
    pub runs: usize,
    /// FIT files plus `truth.json`.
    pub files: usize,
    pub distance_m: f64,
    pub timer_s: f64,
    pub bytes: u64,
}

/// A week of the history as it was run.
#[derive(Debug, Clone, Serialize)]
struct WeekTruth {
    week: usize,
    start: String,
    phase: Phase,
    planned_minutes: f64,
    runs: usize,
    distance_km: f64,
    duration_h: f64,
    /// Change of distance over the week before, percent (absent for the first week or after
    /// a week without running).
    change_pct: Option<f64>,
    volume_jump: bool,
}

/// The injected volume jump as it came out.
#[derive(Debug, Clone, Serialize)]
struct JumpTruth {
    week: usize,
    start: String,
    previous_km: f64,
    km: f64,
    change_pct: f64,
}

#[derive(Serialize)]
struct TruthFile<'a> {
    format: &'static str,
    profile: ProfileKind,
    seed: u64,
    years: f64,
    start_date: String,
    faults: bool,
    fault_rate: Option<f64>,
    home: &'a Home,
    profile_parameters: &'a Profile,
    athlete: &'a Athlete,
    volume_jump: Option<JumpTruth>,
    weeks: Vec<WeekTruth>,
    days_off: &'a [DayOff],
    physiology: &'a [PhysiologyPoint],
    activities: Vec<Truth>,
}

fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// Render, encode and write every activity of `history` into `dir` (created if needed), then
/// `truth.json`.
pub fn write(history: &History, dir: &Path) -> Result<WriteSummary, SynthError> {
    fs::create_dir_all(dir).map_err(|source| SynthError::Io { path: dir.to_owned(), source })?;
    let opts = EncodeOptions::default();
    let results: Vec<Result<(Truth, u64), SynthError>> = history
        .par_activities()
        .map(|a| {
            let bytes = encode_activity(&a.recording, &opts).map_err(|source| {
                SynthError::Encode { index: a.truth.index, file: a.truth.file.clone(), source }
            })?;
            let path = dir.join(&a.truth.file);
            fs::write(&path, &bytes).map_err(|source| SynthError::Io { path, source })?;
            Ok((a.truth, bytes.len() as u64))
        })
        .collect();
    let mut truths = Vec::with_capacity(results.len());
    let mut summary = WriteSummary::default();
    for r in results {
        let (t, bytes) = r?;
        summary.runs += 1;
        summary.files += 1;
        summary.distance_m += t.distance_m;
        summary.timer_s += t.timer_s;
        summary.bytes += bytes;
        truths.push(t);
    }

    // Weekly volumes as run.
    let mut weeks: Vec<WeekTruth> = history
        .weeks
        .iter()
        .map(|w| WeekTruth {
            week: w.week,
            start: w.start.clone(),
            phase: w.phase,
            planned_minutes: round(w.planned_minutes, 1),
            runs: 0,
            distance_km: 0.0,
            duration_h: 0.0,
            change_pct: None,
            volume_jump: w.volume_jump,
        })
        .collect();
    for t in &truths {
        if let Some(w) = weeks.get_mut(t.week) {
            w.runs += 1;
            w.distance_km += t.distance_m / 1000.0;
            w.duration_h += t.timer_s / 3600.0;
        }
    }
    for i in 0..weeks.len() {
        if i > 0 && weeks[i - 1].distance_km > 0.0 {
            weeks[i].change_pct =
                Some(round(100.0 * (weeks[i].distance_km / weeks[i - 1].distance_km - 1.0), 1));
        }
    }
    let volume_jump = history.volume_jump_week.and_then(|j| {
        let (prev, cur) = (weeks.get(j.checked_sub(1)?)?, weeks.get(j)?);
        Some(JumpTruth {
            week: j,
            start: cur.start.clone(),
            previous_km: round(prev.distance_km, 2),
            km: round(cur.distance_km, 2),
            change_pct: cur.change_pct.unwrap_or(0.0),
        })
    });
    for w in &mut weeks {
        w.distance_km = round(w.distance_km, 2);
        w.duration_h = round(w.duration_h, 2);
    }

    let cfg = &history.config;
    let doc = TruthFile {
        format: "slowburn-synth truth 1",
        profile: cfg.profile,
        seed: cfg.seed,
        years: cfg.years,
        start_date: iso_date(cfg.first_day()),
        faults: cfg.faults,
        fault_rate: cfg.faults.then_some(cfg.fault_rate),
        home: &cfg.home,
        profile_parameters: &history.profile,
        athlete: &history.athlete,
        volume_jump,
        weeks,
        days_off: &history.days_off,
        physiology: &history.physiology,
        activities: truths,
    };
    let path = dir.join(TRUTH_FILE);
    let file =
        fs::File::create(&path).map_err(|source| SynthError::Io { path: path.clone(), source })?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, &doc)
        .map_err(|source| SynthError::Json { path: path.clone(), source })?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(|source| SynthError::Io { path: path.clone(), source })?;
    summary.files += 1;
    summary.bytes += fs::metadata(&path).map_or(0, |m| m.len());
    Ok(summary)
}
