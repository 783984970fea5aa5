//! Routes: where a run goes. A route is a polyline in local metres (east, north) around the
//! athlete's home with an altitude at every vertex, evaluated by distance run.
//!
//! # Design
//! Loops are closed curves `ρ(θ) = 1 + Σ a_k cos(kθ + φ_k)` scaled so their perimeter is the
//! planned distance, so a long run and a short run from the same door look like real loops.
//! Out-and-back routes follow a smoothly wandering heading and come back the same way. Track
//! sessions run laps of a 400 m oval. Altitude is a smooth field of position (a sum of a few
//! plane waves whose amplitude depends on the terrain), so a loop ends where it started and
//! gradients stay in the range real roads have.

use serde::Serialize;

use crate::rng::Rng;

/// The shape of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    Loop,
    OutAndBack,
    Track,
}

/// How hilly a route is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Terrain {
    Flat,
    Rolling,
    Hilly,
}

/// What a run's route should be; the geometry is drawn from `seed` when the run is rendered.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RouteSpec {
    pub kind: RouteKind,
    pub terrain: Terrain,
    /// Start point, metres east and north of home.
    pub origin_m: (f64, f64),
    #[serde(skip)]
    pub(crate) seed: u64,
}

/// A route's geometry.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    east: Vec<f64>,
    north: Vec<f64>,
    alt: Vec<f64>,
    grade: Vec<f64>,
    /// Cumulative distance at each vertex.
    cum: Vec<f64>,
    /// Distance of one lap of the route (for out-and-back: out and back).
    length: f64,
    out_and_back: bool,
}

/// The altitude field: `base + Σ A_k sin(2π (e cos β_k + n sin β_k) / λ_k + φ_k)`.
#[derive(Debug, Clone)]
struct Field {
    base: f64,
    waves: Vec<(f64, f64, f64, f64)>, // amplitude, wavelength, direction, phase
}

impl Field {
    fn new(terrain: Terrain, base: f64, rng: &mut Rng) -> Self {
        let spec: &[(f64, f64)] = match terrain {
            Terrain::Flat => &[(2.0, 1500.0), (1.0, 700.0)],
            Terrain::Rolling => &[(10.0, 1500.0), (5.0, 800.0), (2.0, 400.0)],
            Terrain::Hilly => &[(30.0, 2400.0), (12.0, 1200.0), (5.0, 600.0)],
        };
        let waves = spec
            .iter()
            .map(|&(a, l)| {
                (
                    a * rng.range(0.8, 1.2),
                    l * rng.range(0.8, 1.2),
                    rng.range(0.0, std::f64::consts::TAU),
                    rng.range(0.0, std::f64::consts::TAU),
                )
            })
            .collect();
        Self { base, waves }
    }

    fn at(&self, e: f64, n: f64) -> f64 {
        self.base
            + self
                .waves
                .iter()
                .map(|&(a, l, dir, ph)| {
                    a * (std::f64::consts::TAU * (e * dir.cos() + n * dir.sin()) / l + ph).sin()
                })
                .sum::<f64>()
    }
}

impl Route {
    /// Build the geometry for `spec`, `length_m` long (one lap of a loop, the whole of an
    /// out-and-back); `home_alt` is the altitude at home.
    pub(crate) fn new(spec: &RouteSpec, length_m: f64, home_alt: f64) -> Self {
        let mut rng = Rng::new(spec.seed, 0x7075_7465, 0);
        let length_m = length_m.max(400.0);
        let (e0, n0) = spec.origin_m;
        let (east, north, out_and_back): (Vec<f64>, Vec<f64>, bool) = match spec.kind {
            RouteKind::Loop => {
                let (e, n) = loop_shape(length_m, &mut rng);
                (e.iter().map(|x| x + e0).collect(), n.iter().map(|y| y + n0).collect(), false)
            }
            RouteKind::OutAndBack => {
                let (e, n) = wander(length_m / 2.0, &mut rng);
                (e.iter().map(|x| x + e0).collect(), n.iter().map(|y| y + n0).collect(), true)
            }
            RouteKind::Track => {
                let (e, n) = track(rng.range(0.0, std::f64::consts::PI));
                (e.iter().map(|x| x + e0).collect(), n.iter().map(|y| y + n0).collect(), false)
            }
        };
        let mut cum: Vec<f64> = Vec::with_capacity(east.len());
        let mut d = 0.0;
        for i in 0..east.len() {
            if i > 0 {
                d += (east[i] - east[i - 1]).hypot(north[i] - north[i - 1]);
            }
            cum.push(d);
        }
        let field = Field::new(spec.terrain, home_alt, &mut rng);
        let alt: Vec<f64> = if spec.kind == RouteKind::Track {
            vec![field.at(e0, n0); east.len()]
        } else {
            east.iter().zip(&north).map(|(&e, &n)| field.at(e, n)).collect()
        };
        // Central-difference gradient over about ±10 m.
        let mut grade = vec![0.0; alt.len()];
        for i in 0..alt.len() {
            let mut j = i;
            while j > 0 && cum[i] - cum[j] < 10.0 {
                j -= 1;
            }
            let mut k = i;
            while k + 1 < alt.len() && cum[k] - cum[i] < 10.0 {
                k += 1;
            }
            let run = cum[k] - cum[j];
            if run > 0.0 {
                grade[i] = (alt[k] - alt[j]) / run;
            }
        }
        let total = cum.last().copied().unwrap_or(0.0).max(1.0);
        let length = if out_and_back { 2.0 * total } else { total };
        Self { east, north, alt, grade, cum, length, out_and_back }
    }

    /// Position (east, north), altitude and gradient (in the direction of travel) after `d`
    /// metres.
    pub(crate) fn at(&self, d: f64) -> (f64, f64, f64, f64) {
        let mut x = d.rem_euclid(self.length);
        let mut sign = 1.0;
        let half = self.cum.last().copied().unwrap_or(0.0);
        if self.out_and_back && x > half {
            x = self.length - x;
            sign = -1.0;
        }
        let i = self.cum.partition_point(|&c| c <= x).clamp(1, self.cum.len().max(2) - 1);
        if self.cum.len() < 2 {
            return (self.east[0], self.north[0], self.alt[0], 0.0);
        }
        let (c0, c1) = (self.cum[i - 1], self.cum[i]);
        let f = if c1 > c0 { ((x - c0) / (c1 - c0)).clamp(0.0, 1.0) } else { 0.0 };
        let lerp = |v: &[f64]| v[i - 1] + f * (v[i] - v[i - 1]);
        (lerp(&self.east), lerp(&self.north), lerp(&self.alt), sign * lerp(&self.grade))
    }

    /// Distance of one lap.
    #[cfg(test)]
    pub(crate) fn length(&self) -> f64 {
        self.length
    }

    /// Metres climbed in one lap.
    #[cfg(test)]
    pub(crate) fn ascent_per_lap(&self) -> f64 {
        let up: f64 = self.alt.windows(2).map(|w| (w[1] - w[0]).max(0.0)).sum();
        if self.out_and_back {
            up + self.alt.windows(2).map(|w| (w[0] - w[1]).max(0.0)).sum::<f64>()
        } else {
            up
        }
    }
}

/// A closed loop of perimeter `length` starting (and ending) at the origin.
fn loop_shape(length: f64, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let harmonics: Vec<(f64, f64, f64)> = [(2.0, 0.3), (3.0, 0.12), (5.0, 0.05), (9.0, 0.02)]
        .iter()
        .map(|&(k, amax)| (k, rng.range(0.0, amax), rng.range(0.0, std::f64::consts::TAU)))
        .collect();
    let rot = rng.range(0.0, std::f64::consts::TAU);
    let dir = if rng.chance(0.5) { 1.0 } else { -1.0 };
    let n = ((length / 5.0) as usize).clamp(400, 10_000);
    let rho = |t: f64| 1.0 + harmonics.iter().map(|&(k, a, p)| a * (k * t + p).cos()).sum::<f64>();
    let mut e = Vec::with_capacity(n + 1);
    let mut no = Vec::with_capacity(n + 1);
    for i in 0..=n {
        let t = dir * std::f64::consts::TAU * i as f64 / n as f64;
        let r = rho(t);
        e.push(r * (t + rot).cos());
        no.push(r * (t + rot).sin());
    }
    let perimeter: f64 =
        e.windows(2).zip(no.windows(2)).map(|(a, b)| (a[1] - a[0]).hypot(b[1] - b[0])).sum();
    let scale = length / perimeter.max(1e-9);
    let (e_start, n_start) = (e[0], no[0]);
    (
        e.iter().map(|x| (x - e_start) * scale).collect(),
        no.iter().map(|y| (y - n_start) * scale).collect(),
    )
}

/// A path `length` metres long with a smoothly wandering heading, from the origin.
fn wander(length: f64, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let h0 = rng.range(0.0, std::f64::consts::TAU);
    let bends: Vec<(f64, f64, f64)> = (0..3)
        .map(|_| (rng.range(0.2, 0.7), rng.range(600.0, 3000.0), rng.range(0.0, 6.3)))
        .collect();
    let step = 5.0;
    let n = ((length / step) as usize).max(2);
    let mut e = vec![0.0];
    let mut no = vec![0.0];
    for i in 1..=n {
        let s = i as f64 * step;
        let h = h0
            + bends
                .iter()
                .map(|&(a, l, p)| a * (std::f64::consts::TAU * s / l + p).sin())
                .sum::<f64>();
        let (pe, pn) = (e[i - 1], no[i - 1]);
        e.push(pe + step * h.cos());
        no.push(pn + step * h.sin());
    }
    (e, no)
}

/// Lane 1 of a 400 m track: two 84.39 m straights and two bends of radius 36.8 m.
fn track(rot: f64) -> (Vec<f64>, Vec<f64>) {
    let radius = 36.8;
    let straight = (400.0 - std::f64::consts::TAU * radius) / 2.0;
    let mut pts = Vec::new();
    let steps = 50;
    for i in 0..steps {
        pts.push((straight * i as f64 / steps as f64, 0.0));
    }
    for i in 0..steps {
        let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::PI * i as f64 / steps as f64;
        pts.push((straight + radius * a.cos(), radius + radius * a.sin()));
    }
    for i in 0..steps {
        pts.push((straight - straight * i as f64 / steps as f64, 2.0 * radius));
    }
    for i in 0..=steps {
        let a = std::f64::consts::FRAC_PI_2 + std::f64::consts::PI * i as f64 / steps as f64;
        pts.push((radius * a.cos(), radius + radius * a.sin()));
    }
    let (s, c) = rot.sin_cos();
    pts.iter().map(|&(x, y)| (x * c - y * s, x * s + y * c)).unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: RouteKind, terrain: Terrain) -> RouteSpec {
        RouteSpec { kind, terrain, origin_m: (100.0, -50.0), seed: 11 }
    }

    #[test]
    fn a_loop_has_the_planned_length_and_returns_home() {
        let r = Route::new(&spec(RouteKind::Loop, Terrain::Rolling), 12_000.0, 250.0);
        assert!((r.length() - 12_000.0).abs() < 1.0);
        let (e0, n0, a0, _) = r.at(0.0);
        let (e1, n1, a1, _) = r.at(11_999.9);
        assert!((e0 - 100.0).abs() < 1e-6 && (n0 + 50.0).abs() < 1e-6);
        assert!((e1 - e0).hypot(n1 - n0) < 5.0);
        assert!((a1 - a0).abs() < 0.5);
    }

    #[test]
    fn out_and_back_comes_back() {
        let r = Route::new(&spec(RouteKind::OutAndBack, Terrain::Flat), 8_000.0, 250.0);
        let (e0, n0, _, _) = r.at(0.0);
        let (ef, nf, _, _) = r.at(4_000.0);
        let (e1, n1, _, g1) = r.at(7_995.0);
        assert!((ef - e0).hypot(nf - n0) > 1_000.0);
        assert!((e1 - e0).hypot(n1 - n0) < 10.0);
        assert!(g1.abs() < 0.05);
    }

    #[test]
    fn track_lap_is_400_m_and_flat() {
        let r = Route::new(&spec(RouteKind::Track, Terrain::Hilly), 10_000.0, 250.0);
        assert!((r.length() - 400.0).abs() < 0.5, "{}", r.length());
        assert!(r.ascent_per_lap().abs() < 1e-9);
    }

    #[test]
    fn hilly_is_hillier_than_flat_with_road_like_gradients() {
        let flat = Route::new(&spec(RouteKind::Loop, Terrain::Flat), 15_000.0, 250.0);
        let hilly = Route::new(&spec(RouteKind::Loop, Terrain::Hilly), 15_000.0, 250.0);
        assert!(hilly.ascent_per_lap() > 5.0 * flat.ascent_per_lap().max(1.0));
        let max_grade =
            (0..1500).map(|i| hilly.at(f64::from(i) * 10.0).3.abs()).fold(0.0, f64::max);
        assert!(max_grade < 0.25, "max grade {max_grade}");
    }
}
