//! Field athletes: fitness, heart-rate physiology and training habits, each drawn per athlete
//! from wide ranges so that no single runner's numbers fit all.
//!
//! # Design
//! Steady-state heart rate is a piecewise-linear curve of speed relative to threshold speed,
//! anchored at the athlete's race paces (Riegel's exponent from a one-hour effort at threshold
//! speed) with the share of max HR each race distance is run at, and at two easy-running knots. Work is
//! prescribed as a share of max HR; the curve's inverse gives the speed, and the heart rate recorded is
//! the kinetic response to the speed actually run (hills, variability, stops).

use serde::{Deserialize, Serialize};

use crate::rng::{mix, Rng};

/// How a runner usually marks laps on runs without a structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoLap {
    None,
    Km,
    Mile,
    #[serde(rename = "time_5min")]
    Time5Min,
}

/// One runner of the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldAthlete {
    pub id: u32,
    /// Speed of a one-hour race effort, m/s.
    pub threshold_speed: f64,
    pub max_hr: u8,
    pub resting_hr: u8,
    pub lthr: u8,
    /// Fast and slow heart-rate time constants, s, and the fast component's share.
    pub tau_fast_s: f64,
    pub tau_slow_s: f64,
    pub fast_share: f64,
    /// Cardiac drift, bpm per hour of running.
    pub drift_bpm_h: f64,
    /// AR(1) heart-rate noise: standard deviation (bpm) and coefficient.
    pub noise_bpm: f64,
    pub noise_phi: f64,
    /// Wears an optical sensor that reads low for the first minutes.
    pub optical: bool,
    /// The usual easy run, minutes; the long run as a multiple of it.
    pub easy_min: f64,
    pub long_factor: f64,
    pub runs_per_week: u32,
    /// Runs steady runs of 60–75 min.
    pub steady_runner: bool,
    /// Laps on unstructured runs.
    pub auto_lap: AutoLap,
    /// Share of structured sessions with a manual lap per block or rep.
    pub manual_laps: f64,
    /// Cadence (steps/min) at threshold speed.
    pub cadence_spm: f64,
    /// Runs on hilly roads: typical amplitude of the home routes, m.
    pub hills_m: f64,
    /// Minutes east of UTC.
    pub utc_offset_min: i32,
    /// Home, degrees.
    pub lat: f64,
    pub lon: f64,
    /// Knots of the steady-state curve: (speed / threshold speed, share of max HR as 0–1).
    pub curve: Vec<(f64, f64)>,
}

/// Race distances, m.
pub const RACES: [(&str, f64); 4] =
    [("5k", 5000.0), ("10k", 10_000.0), ("half", 21_097.5), ("marathon", 42_195.0)];

/// `n` athletes for `seed`, each drawn from its own stream (athlete `i` does not depend on `n`).
#[must_use]
pub fn athletes(seed: u64, n: usize) -> Vec<FieldAthlete> {
    (0..n as u32).map(|i| athlete(seed, i)).collect()
}

fn athlete(seed: u64, id: u32) -> FieldAthlete {
    let mut r = Rng::new(mix(&[seed, 0xA7, u64::from(id)]));
    let threshold_speed = r.range(2.6, 5.2);
    let max_hr = r.range(160.0, 205.5).round();
    let resting_hr = r.range(38.0, 70.5).round();
    // Race knots: speed from Riegel (T2 = T1 (D2/D1)^1.06) with one hour at threshold speed.
    let d1 = 3600.0 * threshold_speed;
    let rel = |d: f64| (d1 / d).powf(0.06);
    let p5 = r.range(0.945, 0.965);
    let p10 = r.range(0.915, 0.935);
    let phm = r.range(0.875, 0.905);
    let pm = r.range(0.82, 0.86);
    let mut curve = vec![
        (0.50, r.range(0.52, 0.57)),
        (0.72, r.range(0.645, 0.68)),
        (rel(42_195.0), pm),
        (rel(21_097.5), phm),
        (rel(10_000.0), p10),
        (rel(5000.0), p5),
    ];
    let top = rel(5000.0) + r.range(0.06, 0.12);
    curve.push((top, 1.0));
    curve.push((2.5, 1.0));
    let lthr_frac = interp(&curve, 1.0).clamp(0.865, 0.915);
    let easy_min = r.range(30.0, 75.0).round();
    let auto_lap = [AutoLap::Km, AutoLap::Mile, AutoLap::None, AutoLap::Time5Min]
        [r.weighted(&[0.5, 0.2, 0.2, 0.1])];
    FieldAthlete {
        id,
        threshold_speed,
        max_hr: max_hr as u8,
        resting_hr: resting_hr as u8,
        lthr: (lthr_frac * max_hr).round() as u8,
        tau_fast_s: r.range(15.0, 30.0),
        tau_slow_s: r.range(35.0, 60.0),
        fast_share: r.range(0.5, 0.8),
        drift_bpm_h: r.range(1.0, 8.0),
        noise_bpm: r.range(0.6, 2.0),
        noise_phi: r.range(0.8, 0.97),
        optical: r.chance(0.5),
        easy_min,
        long_factor: r.range(1.4, 2.6),
        runs_per_week: r.int(4, 7),
        steady_runner: r.chance(0.5),
        auto_lap,
        manual_laps: r.range(0.2, 0.9),
        cadence_spm: r.range(164.0, 186.0),
        hills_m: if r.chance(0.4) { r.range(15.0, 45.0) } else { r.range(1.0, 6.0) },
        utc_offset_min: [60, 120, 0, -300, -480, 600][r.weighted(&[3.0, 2.0, 1.0, 1.5, 1.0, 0.5])],
        lat: r.range(-37.0, 55.0),
        lon: r.range(-120.0, 150.0),
        curve,
    }
}

impl FieldAthlete {
    /// Threshold pace, s/km.
    #[must_use]
    pub fn threshold_pace_s_per_km(&self) -> f64 {
        1000.0 / self.threshold_speed
    }

    /// Steady-state heart rate (bpm) at an effort of `rel` × threshold speed on the flat.
    #[must_use]
    pub fn steady_hr(&self, rel: f64) -> f64 {
        f64::from(self.max_hr) * interp(&self.curve, rel)
    }

    /// The relative speed whose steady state is `p` × max HR (the curve's inverse).
    #[must_use]
    pub fn rel_for(&self, p: f64) -> f64 {
        let c = &self.curve;
        if p <= c[0].1 {
            let (a, b) = (c[0], c[1]);
            return a.0 + (p - a.1) * (b.0 - a.0) / (b.1 - a.1);
        }
        for w in c.windows(2) {
            let (a, b) = (w[0], w[1]);
            if p <= b.1 && b.1 > a.1 {
                return a.0 + (p - a.1) * (b.0 - a.0) / (b.1 - a.1);
            }
        }
        c[c.len() - 2].0
    }

    /// Race speed for a distance, m/s (Riegel from threshold speed).
    #[must_use]
    pub fn race_speed(&self, d: f64) -> f64 {
        self.threshold_speed * (3600.0 * self.threshold_speed / d).powf(0.06)
    }
}

fn interp(c: &[(f64, f64)], x: f64) -> f64 {
    if x <= c[0].0 {
        let (a, b) = (c[0], c[1]);
        return (a.1 + (x - a.0) * (b.1 - a.1) / (b.0 - a.0)).max(0.35);
    }
    for w in c.windows(2) {
        let (a, b) = (w[0], w[1]);
        if x <= b.0 {
            return a.1 + (x - a.0) * (b.1 - a.1) / (b.0 - a.0);
        }
    }
    c[c.len() - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_is_monotone_and_inverts() {
        for a in athletes(9, 40) {
            for w in a.curve.windows(2) {
                assert!(w[1].0 > w[0].0 && w[1].1 >= w[0].1, "{:?}", a.curve);
            }
            for p in [0.6, 0.7, 0.85, 0.9, 0.95] {
                let rel = a.rel_for(p);
                assert!((interp(&a.curve, rel) - p).abs() < 1e-9);
            }
            assert!((86..=92).contains(&(u32::from(a.lthr) * 100 / u32::from(a.max_hr))));
        }
    }
}
