//! The runner on the road, second by second: speed from the session's efforts, hills and
//! traffic lights, and heart rate as a two-component kinetic response to the speed run.

use crate::athlete::FieldAthlete;
use crate::plan::{Effort, End, Role, Session};
use crate::rng::Rng;

/// One second of the truth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tick {
    pub(crate) t: f64,
    pub(crate) dist: f64,
    pub(crate) speed: f64,
    pub(crate) alt: f64,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) hr: f64,
    /// Steps per minute.
    pub(crate) cad: f64,
    pub(crate) seg: usize,
}

/// Runs the session; ticks at 1 s of elapsed time.
pub(crate) fn run(a: &FieldAthlete, s: &Session, r: &mut Rng) -> Vec<Tick> {
    let vt = a.threshold_speed;
    let rest = f64::from(a.resting_hr);
    let max = f64::from(a.max_hr);
    // Day form: the same heart rate buys a little more or less speed; HR a little higher or lower.
    let form = 1.0 + 0.015 * r.normal();
    let hr_day = 1.5 * r.normal();
    // Route: a few sine hills; some routes flat whatever the home terrain.
    let hill = if s.treadmill { 0.0 } else { a.hills_m * r.range(0.1, 1.2) };
    let waves: Vec<(f64, f64, f64)> = (0..3)
        .map(|_| {
            (hill * r.range(0.2, 0.6), r.range(600.0, 3000.0), r.range(0.0, std::f64::consts::TAU))
        })
        .collect();
    let base_alt = r.range(5.0, 600.0);
    let alt_at = |d: f64| -> (f64, f64) {
        let mut h = base_alt;
        let mut g = 0.0;
        for &(amp, lambda, phase) in &waves {
            let k = std::f64::consts::TAU / lambda;
            h += amp * (k * d + phase).sin();
            g += amp * k * (k * d + phase).cos();
        }
        (h, g)
    };
    let urban = !s.treadmill && !s.race && r.chance(0.6);
    let mut next_light = if urban { r.range(300.0, 2500.0) } else { f64::INFINITY };
    let mut stand_left = 0.0f64;

    let mut heading = r.range(0.0, std::f64::consts::TAU);
    let (mut lat, mut lon) = (a.lat + r.range(-0.02, 0.02), a.lon + r.range(-0.02, 0.02));
    let mut v = 0.0f64;
    let start_hr = rest + r.range(8.0, 25.0);
    let (mut hf, mut hs) = (start_hr, start_hr);
    let mut noise = 0.0f64;
    let mut vnoise = 0.0f64;
    let vsd = r.range(0.015, 0.04);
    let mut moving_s = 0.0f64;
    let nerves = if s.race { r.range(8.0, 25.0) } else { 0.0 };
    let race_len: f64 = s
        .segments
        .iter()
        .filter(|g| g.role == Role::Work)
        .map(|g| if let End::Dist(d) = g.end { d } else { 0.0 })
        .sum();

    let mut ticks = Vec::new();
    let (mut t, mut dist) = (0.0f64, 0.0f64);
    for (si, g) in s.segments.iter().enumerate() {
        let (t0, d0) = (t, dist);
        loop {
            let done = match g.end {
                End::Time(x) => t - t0 >= x,
                End::Dist(x) => dist - d0 >= x,
            };
            if done {
                break;
            }
            let (alt, slope) = alt_at(dist);
            let grade = slope.clamp(-0.12, 0.12) * 100.0;
            // Target speed and the standing state.
            let (mut target, walking, standing) = match g.effort {
                // Nobody jogs slower than about 8:45 /km: a slow runner's easy HR is higher.
                Effort::Hr(p) => ((a.rel_for(p) * vt * form).max(1.9), false, false),
                Effort::Rel(x) => ((x * vt).max(1.9), false, false),
                Effort::Walk(w) => (w, true, false),
                Effort::Stand => (0.0, false, true),
            };
            if let (Effort::Rel(_), true, End::Dist(_)) = (g.effort, s.race, g.end) {
                // Race pacing: a slight fade over long races, a kick at the end.
                let prog = ((dist - d0) / race_len.max(1.0)).clamp(0.0, 1.0);
                target *= 1.01 - 0.025 * prog * (race_len / 21_097.5).min(1.5);
                if prog > 0.97 {
                    target *= 1.05;
                }
            }
            if !standing && g.stops && dist >= next_light {
                next_light = dist + r.range(300.0, 2500.0);
                if r.chance(0.5) {
                    stand_left = r.range(8.0, 60.0);
                }
            }
            let stopped = standing || stand_left > 0.0;
            if stand_left > 0.0 {
                stand_left -= 1.0;
            }
            if stopped {
                target = 0.0;
            } else if !walking {
                // Uphill the runner slows, downhill a little faster.
                target /= 1.0 + if grade > 0.0 { 0.03 * grade } else { 0.012 * grade };
                vnoise = 0.9 * vnoise + vsd * 0.436 * r.normal();
                target *= 1.0 + vnoise;
            }
            v += (target - v).clamp(-1.6, 1.1);
            v = v.max(0.0);
            if v < 0.05 {
                v = 0.0;
            }
            // Heart rate: steady state for the effort run, with hills' cost.
            let cost = if grade > 0.0 { 1.0 + 0.045 * grade } else { 1.0 + 0.02 * grade };
            let ss = if v == 0.0 {
                rest + 18.0 + nerves
            } else {
                a.steady_hr(v * cost / vt) + if s.race { 0.2 * nerves } else { 0.0 }
            } + hr_day;
            let up = |x: f64, tau: f64| {
                let tau = if ss < x { tau * 1.4 } else { tau };
                x + (ss - x) * (1.0 - (-1.0 / tau).exp())
            };
            hf = up(hf, a.tau_fast_s);
            hs = up(hs, a.tau_slow_s);
            if v > 0.0 {
                moving_s += 1.0;
            }
            let h = moving_s / 3600.0;
            let drift = a.drift_bpm_h * h / (1.0 + 0.6 * h);
            noise = a.noise_phi * noise
                + a.noise_bpm * (1.0 - a.noise_phi * a.noise_phi).sqrt() * r.normal();
            let hr = (a.fast_share * hf + (1.0 - a.fast_share) * hs + drift + noise)
                .clamp(rest - 3.0, max);
            let cad = if v == 0.0 {
                0.0
            } else if walking || v < 1.8 {
                r.range(100.0, 116.0)
            } else {
                (a.cadence_spm + 18.0 * (v / vt - 1.0)).clamp(148.0, 205.0) + 1.5 * r.normal()
            };
            // Position: a meandering route.
            heading += 0.03 * r.normal();
            let step = v;
            let m_per_deg = 111_320.0;
            lat += step * heading.cos() / m_per_deg;
            lon += step * heading.sin() / (m_per_deg * lat.to_radians().cos().max(0.2));
            dist += step;
            ticks.push(Tick { t, dist, speed: v, alt, lat, lon, hr, cad, seg: si });
            t += 1.0;
        }
    }
    ticks
}
