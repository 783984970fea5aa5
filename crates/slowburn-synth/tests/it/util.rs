//! Shared helpers: generate a history, a scratch directory, and measure a history as an analyst
//! would (from recorded heart rate and speed, not from the generator's internals).

use std::path::PathBuf;

use rayon::prelude::*;
use slowburn_synth::{generate, Activity, History, Intensity, ProfileKind, Role, SynthConfig};

pub(crate) fn config(profile: ProfileKind, years: f64, seed: u64) -> SynthConfig {
    SynthConfig { years, profile, seed, ..SynthConfig::default() }
}

pub(crate) fn history(profile: ProfileKind, years: f64, seed: u64) -> History {
    generate(&config(profile, years, seed)).expect("valid config")
}

/// A fresh empty directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("slowburn-synth-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Share of time (1 Hz samples with a heart rate) below 70 % of the athlete's true max HR that
/// day: Zones 1 and 2, "easy".
pub(crate) fn easy_share(h: &History) -> f64 {
    let (easy, all) = h
        .par_activities()
        .map(|a| {
            let max = a.truth.physiology.max_hr;
            let mut easy = 0u64;
            let mut all = 0u64;
            for hr in a.recording.samples.heart_rate.iter().flatten() {
                all += 1;
                if f64::from(*hr) < 0.70 * max {
                    easy += 1;
                }
            }
            (easy, all)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    easy as f64 / all as f64
}

/// Steady (heart rate, speed) pairs from the continuous easy, recovery and steady parts of an
/// activity: 5 to 40 minutes into the run (warmed up, little drift), past the first 5 minutes
/// of the part, on the flat (under 1.5 % over 20 s), with speed steady over 30 s.
pub(crate) fn steady_pairs(a: &Activity) -> Vec<(f64, f64)> {
    let s = &a.recording.samples;
    let mut out = Vec::new();
    for seg in &a.truth.segments {
        let continuous = matches!(seg.role, Role::Main | Role::Warmup)
            && matches!(seg.intensity, Intensity::Easy | Intensity::Recovery | Intensity::Steady);
        if !continuous {
            continue;
        }
        for i in (seg.start_sample + 300).max(300)..seg.end_sample.min(2400) {
            let (Some(hr), Some(v), Some(v0)) =
                (s.heart_rate[i], s.speed_mps[i], s.speed_mps[i - 30])
            else {
                continue;
            };
            let (Some(a1), Some(a0), Some(d1), Some(d0)) =
                (s.altitude_m[i], s.altitude_m[i - 20], s.distance_m[i], s.distance_m[i - 20])
            else {
                continue;
            };
            let flat = d1 - d0 > 20.0 && (f64::from(a1 - a0) / (d1 - d0)).abs() < 0.015;
            if flat && v > 1.5 && (f64::from(v) / f64::from(v0) - 1.0).abs() < 0.04 {
                out.push((f64::from(hr), f64::from(v)));
            }
        }
    }
    out
}

/// Speed at heart rate `hr` from a least-squares line of speed on heart rate.
pub(crate) fn speed_at(pairs: &[(f64, f64)], hr: f64) -> f64 {
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    my + sxy / sxx * (hr - mx)
}

/// Ratio of the speed at 68 % of max HR in the last 8 weeks of the first year over the first
/// 8 weeks, measured from the recordings.
pub(crate) fn easy_speed_gain(h: &History) -> f64 {
    let weeks = h.weeks.len();
    let window = |lo: usize, hi: usize| -> (Vec<(f64, f64)>, f64) {
        let acts: Vec<(Vec<(f64, f64)>, f64)> = h
            .par_activities()
            .filter(|a| (lo..hi).contains(&a.truth.week))
            .map(|a| (steady_pairs(&a), a.truth.physiology.max_hr))
            .collect();
        let max = acts.iter().map(|a| a.1).sum::<f64>() / acts.len() as f64;
        (acts.into_iter().flat_map(|a| a.0).collect(), max)
    };
    let (a, max_a) = window(0, 8);
    let (b, max_b) = window(weeks - 8, weeks);
    speed_at(&b, 0.68 * max_b) / speed_at(&a, 0.68 * max_a)
}
