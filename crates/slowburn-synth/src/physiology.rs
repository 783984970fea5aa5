//! The synthetic athlete's body: heart-rate response to running speed and gradient, cardiac
//! drift, and how fitness evolves with training (a Banister impulse–response model).
//!
//! # Design
//! Intensity is expressed as `r = v_eff / v_LT`, the effort-equivalent speed over the day's
//! lactate-threshold speed. Steady-state heart rate is linear in `r` as a fraction of heart-rate
//! reserve (Karvonen), saturating towards max HR; the measured heart rate follows it through a
//! first-order lag. Training moves `v_LT`: with the same heart rate the runner goes faster as
//! fitness grows. Fitness and fatigue are two impulse–response filters (Banister 1975) fed by
//! two impulses per day: an aerobic *stimulus* (minutes × HRR fraction) and a *strain* (Banister
//! TRIMP, which weights intensity exponentially). The fatigue gain grows with chronic strain
//! (Busso 2003), so a runner who spends most days moderately hard accumulates strain faster than
//! stimulus and stalls, while mostly-easy volume keeps improving. See `docs/SYNTH.md`.

use serde::Serialize;

use crate::rng::Rng;

/// Time constant of the fitness filter, days (Banister 1975: ~42).
pub const TAU_FITNESS_DAYS: f64 = 42.0;
/// Time constant of the fatigue filter, days (Banister 1975: ~7).
pub const TAU_FATIGUE_DAYS: f64 = 7.0;
/// Time constant of the chronic strain that scales the fatigue gain, days.
pub const TAU_STRAIN_DAYS: f64 = 42.0;
/// Time constant of structural adaptation (the heart rate–speed relation) following the
/// chronic part of performance, days.
pub const TAU_ADAPTATION_DAYS: f64 = 120.0;
/// Fitness gain: fractional change of threshold speed per unit of mean daily stimulus.
pub const K_FITNESS: f64 = 0.025;
/// Fatigue gain per unit of chronic strain (fatigue gain = `K_FATIGUE` × strain).
pub const K_FATIGUE: f64 = K_FITNESS / 300.0;

/// The athlete's fixed traits, drawn once from the seed.
#[derive(Debug, Clone, Serialize)]
pub struct Athlete {
    /// Age on the first day of the history, years.
    pub age_years: f64,
    /// Max heart rate on the first day (Tanaka 2001: 208 − 0.7 × age, ± individual spread).
    pub max_hr0: f64,
    pub resting_hr0: f64,
    /// Lactate-threshold heart rate as a fraction of heart-rate reserve on the first day.
    pub lt_hrr0: f64,
    /// Lactate-threshold speed on the first day, m/s.
    pub threshold_speed0_mps: f64,
    /// Change of HRR fraction per unit change of `r` (speed / threshold speed).
    pub hr_slope: f64,
    /// Heart-rate time constant when it rises, seconds.
    pub tau_on_s: f64,
    /// Heart-rate time constant when it falls, seconds.
    pub tau_off_s: f64,
    /// Cardiac drift at easy effort in cool weather, bpm per hour.
    pub drift_bpm_per_h: f64,
    /// Individual offset of stride rate, strides/min.
    pub stride_rate_offset: f64,
    /// Mean daily stimulus and strain of the training before the history starts.
    pub prior_stimulus: f64,
    pub prior_strain: f64,
}

impl Athlete {
    /// Draw an athlete. `novice` makes a slower, less trained runner.
    pub(crate) fn draw(rng: &mut Rng, novice: bool) -> Self {
        let age = rng.range(28.0, 45.0);
        let max_hr0 = (208.0 - 0.7 * age + 4.0 * rng.normal()).clamp(172.0, 202.0);
        let resting_hr0 = if novice { rng.range(58.0, 68.0) } else { rng.range(46.0, 58.0) };
        let lt_hrr0 = rng.range(0.83, 0.88);
        let threshold_speed0_mps =
            if novice { rng.range(2.75, 3.1) } else { rng.range(3.55, 4.05) };
        // Prior training: 30 min/day at 65 % HRR for a runner, 8 min/day for a novice.
        let (minutes, h) = if novice { (8.0, 0.6) } else { (30.0, 0.65) };
        Athlete {
            age_years: age,
            max_hr0,
            resting_hr0,
            lt_hrr0,
            threshold_speed0_mps,
            hr_slope: rng.range(1.3, 1.5),
            tau_on_s: rng.range(25.0, 35.0),
            tau_off_s: rng.range(32.0, 40.0),
            drift_bpm_per_h: rng.range(2.5, 4.5),
            stride_rate_offset: 2.0 * rng.normal(),
            prior_stimulus: minutes * stimulus_per_min(h),
            prior_strain: minutes * trimp_per_min(h),
        }
    }
}

/// Aerobic stimulus of one minute at HRR fraction `h` (Edwards-like, linear in intensity).
#[must_use]
pub fn stimulus_per_min(h: f64) -> f64 {
    h.max(0.0)
}

/// Banister TRIMP of one minute at HRR fraction `h`: `h × 0.64 e^(1.92 h)` (men's weighting).
#[must_use]
pub fn trimp_per_min(h: f64) -> f64 {
    let h = h.max(0.0);
    h * 0.64 * (1.92 * h).exp()
}

/// Fitness, fatigue and chronic strain: three exponentially weighted means of daily impulses.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Banister {
    pub fitness: f64,
    pub fatigue: f64,
    pub strain: f64,
    /// [`Self::aerobic`] followed through a slow first-order lag.
    pub adapted: f64,
}

impl Banister {
    /// The steady state of someone who trained the same every day.
    pub(crate) fn steady(stimulus: f64, strain: f64) -> Self {
        let mut b = Self { fitness: stimulus, fatigue: strain, strain, adapted: 0.0 };
        b.adapted = b.aerobic();
        b
    }

    /// Advance one day with that day's impulses.
    pub(crate) fn step(&mut self, stimulus: f64, strain: f64) {
        self.fitness += (stimulus - self.fitness) / TAU_FITNESS_DAYS;
        self.fatigue += (strain - self.fatigue) / TAU_FATIGUE_DAYS;
        self.strain += (strain - self.strain) / TAU_STRAIN_DAYS;
        self.adapted += (self.aerobic() - self.adapted) / TAU_ADAPTATION_DAYS;
    }

    /// Performance: `k1·fitness − k2(t)·fatigue` with `k2(t) = k3·strain` (Busso 2003).
    /// It splits into [`Self::aerobic`] and [`Self::form`].
    #[cfg(test)]
    pub(crate) fn performance(&self) -> f64 {
        self.aerobic() + self.form()
    }

    /// The chronic part, `k1·fitness − k3·strain²`: what moves the heart rate–speed relation.
    pub(crate) fn aerobic(&self) -> f64 {
        K_FITNESS * self.fitness - K_FATIGUE * self.strain * self.strain
    }

    /// The acute part, `−k3·strain·(fatigue − strain)`: negative after a block harder than the
    /// weeks before, positive in a taper. It moves race-day performance and resting HR.
    pub(crate) fn form(&self) -> f64 {
        -K_FATIGUE * self.strain * (self.fatigue - self.strain)
    }
}

/// The athlete's true physiology on one day.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Physiology {
    pub max_hr: f64,
    pub resting_hr: f64,
    /// Lactate-threshold heart rate, bpm.
    pub lthr: f64,
    /// Lactate-threshold speed, m/s.
    pub threshold_speed_mps: f64,
    /// Banister fitness (mean daily stimulus, 42-day filter).
    pub fitness: f64,
    /// Banister fatigue (mean daily TRIMP, 7-day filter).
    pub fatigue: f64,
    /// Chronic strain (mean daily TRIMP, 42-day filter) that scales the fatigue gain.
    pub strain: f64,
    /// Aerobic adaptation relative to the first day: the fractional change of threshold speed
    /// from training (before ageing).
    pub adaptation: f64,
    /// Acute readiness (Banister performance minus its chronic part): a fraction of speed
    /// gained (taper) or lost (hard block) on race day.
    pub form: f64,
    #[serde(skip)]
    pub(crate) hr_slope: f64,
}

impl Physiology {
    /// The physiology on a day `years` after the start, with Banister state `b`.
    pub(crate) fn on(athlete: &Athlete, years: f64, b: &Banister) -> Self {
        let a0 = Banister::steady(athlete.prior_stimulus, athlete.prior_strain).aerobic();
        // Saturating: no more than +30 % however much is trained.
        let adaptation = 0.3 * ((b.adapted - a0) / 0.3).tanh();
        let form = b.form();
        let max_hr = athlete.max_hr0 - 0.7 * years;
        let resting_hr = (athlete.resting_hr0 - 25.0 * adaptation + 30.0 * (-form).max(0.0))
            .clamp(athlete.resting_hr0 - 9.0, athlete.resting_hr0 + 5.0);
        let lt_hrr = (athlete.lt_hrr0 + 0.15 * adaptation).clamp(0.80, 0.90);
        // Ageing takes a little off threshold speed each year (about 0.3 %/year).
        let threshold_speed_mps =
            athlete.threshold_speed0_mps * (1.0 + adaptation) * (1.0 - 0.003 * years);
        Physiology {
            max_hr,
            resting_hr,
            lthr: resting_hr + lt_hrr * (max_hr - resting_hr),
            threshold_speed_mps,
            fitness: b.fitness,
            fatigue: b.fatigue,
            strain: b.strain,
            adaptation,
            form,
            hr_slope: athlete.hr_slope,
        }
    }

    /// Lactate-threshold heart rate as a fraction of heart-rate reserve.
    #[must_use]
    pub fn lt_hrr(&self) -> f64 {
        (self.lthr - self.resting_hr) / (self.max_hr - self.resting_hr)
    }

    /// Steady-state HRR fraction at intensity `r` (effort-equivalent speed / threshold speed):
    /// linear through the threshold point, floored for walking and standing, and saturating
    /// smoothly towards max HR.
    #[must_use]
    pub fn hrr_at(&self, r: f64) -> f64 {
        let h = (self.lt_hrr() + self.hr_slope * (r - 1.0)).max(0.15);
        if h > 0.9 {
            0.9 + 0.1 * ((h - 0.9) / 0.1).tanh()
        } else {
            h
        }
    }

    /// Steady-state heart rate (bpm) at intensity `r`.
    #[must_use]
    pub fn hr_at(&self, r: f64) -> f64 {
        self.resting_hr + self.hrr_at(r) * (self.max_hr - self.resting_hr)
    }

    /// Intensity `r` whose steady state is `hr` bpm (inverse of [`Self::hr_at`] below saturation).
    #[must_use]
    pub fn r_at_hr(&self, hr: f64) -> f64 {
        let h = (hr - self.resting_hr) / (self.max_hr - self.resting_hr);
        1.0 + (h - self.lt_hrr()) / self.hr_slope
    }

    /// Flat-ground speed (m/s) whose steady state is `hr` bpm, without drift.
    #[must_use]
    pub fn speed_at_hr(&self, hr: f64) -> f64 {
        self.r_at_hr(hr) * self.threshold_speed_mps
    }

    /// Five zones by % of max HR (Z1 < 60 %, Z2 60–70, Z3 70–80, Z4 80–90, Z5 ≥ 90).
    #[must_use]
    pub fn zone_of_hr(&self, hr: f64) -> u8 {
        zone_of_fraction(hr / self.max_hr)
    }
}

/// Zone (1–5) of a fraction of max HR.
#[must_use]
pub fn zone_of_fraction(f: f64) -> u8 {
    match f {
        f if f < 0.60 => 1,
        f if f < 0.70 => 2,
        f if f < 0.80 => 3,
        f if f < 0.90 => 4,
        _ => 5,
    }
}

/// Metabolic cost of running on gradient `g` (rise/run) relative to the flat: about +3.3 % per
/// 1 % uphill and −1.8 % per 1 % downhill, flattening on steep descents (after Minetti et al.
/// 2002, as used by grade-adjusted pace).
#[must_use]
pub fn grade_cost(g: f64) -> f64 {
    if g >= 0.0 {
        1.0 + 3.3 * g.min(0.3)
    } else {
        (1.0 + 1.8 * g.max(-0.15)).max(0.75)
    }
}

/// First-order heart-rate response with cardiac drift.
#[derive(Debug, Clone)]
pub(crate) struct Heart {
    pub hr: f64,
    tau_on: f64,
    tau_off: f64,
    drift_per_s: f64,
    drift_s: f64,
}

impl Heart {
    /// `temp_c` scales drift: more in heat (Coyle & González-Alonso 2001).
    pub(crate) fn new(athlete: &Athlete, start_hr: f64, temp_c: f64) -> Self {
        let heat = 1.0 + ((temp_c - 12.0) / 8.0).max(0.0);
        Self {
            hr: start_hr,
            tau_on: athlete.tau_on_s,
            tau_off: athlete.tau_off_s,
            drift_per_s: athlete.drift_bpm_per_h * heat / 3600.0,
            drift_s: 0.0,
        }
    }

    /// Advance `dt` seconds towards steady state `hr_ss` (bpm, without drift). `moving`
    /// says whether the runner is running (drift accumulates only while running, after the first
    /// 10 minutes, in proportion to effort).
    pub(crate) fn step(&mut self, hr_ss: f64, h: f64, elapsed_s: f64, moving: bool, dt: f64) {
        if moving && elapsed_s > 600.0 {
            self.drift_s += dt * (0.4 + h);
        }
        let target = hr_ss + self.drift_per_s * self.drift_s;
        let tau = if target > self.hr { self.tau_on } else { self.tau_off };
        self.hr += (target - self.hr) * (1.0 - (-dt / tau).exp());
    }

    /// Drift accumulated so far, bpm.
    #[cfg(test)]
    pub(crate) fn drift_bpm(&self) -> f64 {
        self.drift_per_s * self.drift_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn athlete() -> Athlete {
        Athlete::draw(&mut Rng::new(3, 0, 0), false)
    }

    fn phys(a: &Athlete) -> Physiology {
        Physiology::on(a, 0.0, &Banister::steady(a.prior_stimulus, a.prior_strain))
    }

    #[test]
    fn hr_rises_after_a_speed_step_and_approaches_steady_state() {
        let a = athlete();
        let p = phys(&a);
        let low = p.hr_at(0.7);
        let high = p.hr_at(1.0);
        let mut heart = Heart::new(&a, low, 10.0);
        for t in 0..300 {
            heart.step(low, p.hrr_at(0.7), f64::from(t), true, 1.0);
        }
        assert!((heart.hr - low).abs() < 1.0);
        let mut trace = Vec::new();
        for t in 300..600 {
            heart.step(high, p.hrr_at(1.0), f64::from(t), true, 1.0);
            trace.push(heart.hr);
        }
        // Rising, and lagging: a third of the way after ~10 s, most of the way after 60 s.
        assert!(trace.windows(2).all(|w| w[1] >= w[0]));
        let gap = high - low;
        assert!(trace[9] - low < 0.45 * gap, "too fast: {} of {gap}", trace[9] - low);
        assert!(trace[59] - low > 0.75 * gap, "too slow: {} of {gap}", trace[59] - low);
        assert!((trace[299] - high).abs() < 1.5, "steady state {} vs {high}", trace[299]);
    }

    #[test]
    fn drift_on_a_two_hour_steady_run_is_positive_and_a_few_bpm_per_hour() {
        let a = athlete();
        let p = phys(&a);
        let ss = p.hr_at(0.78);
        let mut heart = Heart::new(&a, ss, 10.0);
        let mut at_20 = 0.0;
        for t in 0..7200 {
            heart.step(ss, p.hrr_at(0.78), f64::from(t), true, 1.0);
            if t == 1200 {
                at_20 = heart.hr;
            }
        }
        let rise = heart.hr - at_20;
        assert!(rise > 2.0 && rise < 15.0, "drift {rise} bpm over 100 min");
        let mut hot = Heart::new(&a, ss, 28.0);
        for t in 0..7200 {
            hot.step(ss, p.hrr_at(0.78), f64::from(t), true, 1.0);
        }
        assert!(hot.drift_bpm() > 2.0 * heart.drift_bpm());
    }

    #[test]
    fn hr_mapping_is_monotone_and_inverse_holds() {
        let p = phys(&athlete());
        let mut last = 0.0;
        for i in 0..60 {
            let r = 0.5 + f64::from(i) * 0.015;
            let hr = p.hr_at(r);
            assert!(hr >= last && hr < p.max_hr);
            last = hr;
        }
        let hr = p.hr_at(0.77);
        assert!((p.r_at_hr(hr) - 0.77).abs() < 1e-9);
        // Easy running (r ≈ 0.77) is Zone 2, threshold is Zone 4–5.
        assert_eq!(p.zone_of_hr(p.hr_at(0.77)), 2);
        assert!(p.zone_of_hr(p.hr_at(1.0)) >= 4);
    }

    #[test]
    fn mostly_easy_beats_grey_zone_in_steady_state() {
        // Same minutes a day: 50 at 80/20 vs 50 moderately hard.
        let easy = 40.0 * stimulus_per_min(0.53) + 10.0 * stimulus_per_min(0.9);
        let easy_trimp = 40.0 * trimp_per_min(0.53) + 10.0 * trimp_per_min(0.9);
        let grey = 50.0 * stimulus_per_min(0.78);
        let grey_trimp = 50.0 * trimp_per_min(0.78);
        let p_easy = Banister::steady(easy, easy_trimp).performance();
        let p_grey = Banister::steady(grey, grey_trimp).performance();
        assert!(p_easy > p_grey, "{p_easy} vs {p_grey}");
    }
}
