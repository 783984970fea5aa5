//! Rendering: one planned run, second by second, into a [`Recording`] and its ground truth.
//!
//! # Design
//! The runner holds a target effort per segment, slows on climbs and speeds up on descents only
//! partly (so heart rate rises uphill), obeys a heart-rate ceiling if the profile says so, and
//! stops at the odd traffic light (the timer stops; no samples while stopped). Heart rate
//! follows the effort-equivalent speed through [`Heart`]. What the watch records adds GPS,
//! barometer, speed and cadence noise; sensor faults are applied last, to the heart-rate
//! column only, and every fault is written to the ground truth with its sample range.

use serde::Serialize;
use slowburn_formats::{Device, FileKind, Pause, Recording, Samples, Sport, Summary};

use crate::calendar::{civil_from_days, iso_date, iso_local};
use crate::physiology::{grade_cost, Athlete, Heart, Physiology};
use crate::plan::{PlannedRun, STREAM_RENDER};
use crate::profile::Phase;
use crate::rng::Rng;
use crate::route::{Route, RouteKind, RouteSpec};
use crate::session::{Intensity, LapMode, Length, Race, Role, RunType};
use crate::Home;

/// A kind of sensor fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Optical HR stuck low at the start while the sensor finds the pulse.
    StartLag,
    /// No heart rate for a stretch.
    Dropout,
    /// A single sample 30–80 bpm too high.
    Spike,
    /// The optical sensor locks onto the arm swing and reads the step rate (steps/min, twice
    /// FIT's strides/min cadence) or half of it.
    CadenceLock,
}

/// One injected fault: samples `start_sample..end_sample` (end exclusive) of the recording.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub kind: FaultKind,
    pub start_sample: usize,
    pub end_sample: usize,
}

/// One planned segment as it was run: samples `start_sample..end_sample`.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentTruth {
    pub role: Role,
    pub intensity: Intensity,
    /// Zone (by % of max HR) of the segment's steady-state heart rate.
    pub zone: u8,
    /// Target flat-ground speed, m/s.
    pub target_speed_mps: f64,
    pub planned: Length,
    pub start_sample: usize,
    pub end_sample: usize,
}

/// A stop with the timer paused: it comes right before sample `before_sample`.
#[derive(Debug, Clone, Serialize)]
pub struct PauseTruth {
    pub before_sample: usize,
    pub duration_s: u32,
}

/// What one activity really was.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    /// File name (written by [`crate::write`]).
    pub file: String,
    pub index: usize,
    pub name: String,
    /// Local start, ISO 8601 with offset.
    pub start: String,
    pub date: String,
    pub utc_offset_s: i32,
    pub week: usize,
    pub phase: Phase,
    /// What the run is, judged by its structure and the effort it was actually run at.
    #[serde(rename = "type")]
    pub kind: RunType,
    /// What the runner meant it to be.
    pub intended_type: RunType,
    pub intended_zone: u8,
    /// Zone of the steady-state heart rate of the run's main effort (work reps, else main part).
    pub executed_zone: u8,
    /// Easy-type run executed above its intended zone.
    pub too_fast: bool,
    pub race: Option<Race>,
    pub route: RouteSpec,
    pub temperature_c: f64,
    pub samples: usize,
    pub distance_m: f64,
    pub timer_s: f64,
    pub elapsed_s: f64,
    /// Seconds in each zone (Z1..Z5) by the true heart rate (before faults).
    pub time_in_zone_s: [u32; 5],
    pub segments: Vec<SegmentTruth>,
    pub pauses: Vec<PauseTruth>,
    pub faults: Vec<Fault>,
    /// The athlete's true physiology on the day.
    pub physiology: Physiology,
}

/// One synthetic activity.
#[derive(Debug, Clone)]
pub struct Activity {
    pub recording: Recording,
    pub truth: Truth,
    pub name: String,
}

impl Activity {
    /// The true (fault-free) heart rate is not kept in the recording; this is the recorded one.
    #[must_use]
    pub fn heart_rate(&self) -> &[Option<u8>] {
        &self.recording.samples.heart_rate
    }
}

/// `2021-03-14T08-05-00.fit` (local time; no colons so it is a valid name everywhere).
pub(crate) fn file_name(run: &PlannedRun) -> String {
    let (y, m, d) = civil_from_days(run.day);
    let s = run.start_local_s;
    format!("{y:04}-{m:02}-{d:02}T{:02}-{:02}-{:02}.fit", s / 3600, s / 60 % 60, s % 60)
}

const SEMICIRCLES_PER_DEGREE: f64 = 2_147_483_648.0 / 180.0;

/// Round degrees to FIT's semicircle resolution so the values survive an encode/decode.
fn semicircles(deg: f64) -> f64 {
    (deg * SEMICIRCLES_PER_DEGREE).round() / SEMICIRCLES_PER_DEGREE
}

/// AR(1) noise with stationary standard deviation `sd` and correlation `phi` per second.
struct Ar1 {
    x: f64,
    phi: f64,
    k: f64,
}

impl Ar1 {
    fn new(sd: f64, phi: f64) -> Self {
        Self { x: 0.0, phi, k: sd * (1.0 - phi * phi).sqrt() }
    }
    fn next(&mut self, rng: &mut Rng) -> f64 {
        self.x = self.phi * self.x + self.k * rng.normal();
        self.x
    }
}

struct LapMark {
    start: usize,
    end: usize,
    intensity: u8,
    trigger: u8,
}

/// Render a planned run.
#[allow(clippy::many_single_char_names)]
pub(crate) fn render(
    run: &PlannedRun,
    athlete: &Athlete,
    home: &Home,
    fault_rate: Option<f64>,
    seed: u64,
) -> Activity {
    let mut rng = Rng::new(seed, STREAM_RENDER, run.index as u64);
    let phys = &run.phys;
    let v_lt = phys.threshold_speed_mps;
    let segs = &run.session.segments;
    let est: f64 = segs
        .iter()
        .map(|s| match s.length {
            Length::Seconds(t) => t * s.r * v_lt,
            Length::Meters(m) => m,
        })
        .sum();
    let route_len = match (&run.session.race, run.route.kind) {
        (_, RouteKind::Track) => 400.0,
        (Some(r), _) => r.distance_m,
        _ => est,
    };
    let route = Route::new(&run.route, route_len, home.altitude_m);

    // Traffic-light stops on road runs.
    let mut stops: Vec<(f64, i64)> = Vec::new();
    if run.route.kind != RouteKind::Track
        && run.session.race.is_none()
        && rng.chance(run.traffic_light_probability)
    {
        for _ in 0..rng.int(1, 2) {
            stops.push((rng.range(0.1, 0.9) * est, rng.int(15, 60)));
        }
        stops.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    let est_samples = (segs
        .iter()
        .map(|s| match s.length {
            Length::Seconds(t) => t,
            Length::Meters(m) => m / (s.r * v_lt),
        })
        .sum::<f64>()
        * 1.1) as usize
        + 16;
    let mut samples = Samples::default();
    samples.reserve(est_samples);
    let mut true_hr: Vec<f64> = Vec::with_capacity(est_samples);
    let mut true_alt: Vec<f64> = Vec::with_capacity(est_samples);

    let lat0 = home.lat;
    let m_per_deg_lat = 111_320.0;
    let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
    let start_ms = run.start_utc_ms;

    let mut heart = Heart::new(athlete, phys.resting_hr + rng.range(12.0, 25.0), run.temp_c);
    let hrr_span = phys.max_hr - phys.resting_hr;
    let mut pace_noise = Ar1::new(0.015, 0.995);
    let mut hr_noise = Ar1::new(1.0, 0.9);
    let mut gps_e = Ar1::new(2.5, 0.97);
    let mut gps_n = Ar1::new(2.5, 0.97);
    let mut baro = Ar1::new(0.3, 0.98);
    let stride_offset = athlete.stride_rate_offset;

    let mut t: i64 = 0; // elapsed seconds since the start, pauses included
    let mut timer = 0.0;
    let mut dist = 0.0;
    let mut v = 0.0;
    let mut cap_factor = 1.0;
    let mut seg_idx = 0;
    let mut seg_t0 = 0.0;
    let mut seg_d0 = 0.0;
    let mut seg_start_sample = 0;
    let mut seg_truth = Vec::with_capacity(segs.len());
    let mut laps: Vec<LapMark> = Vec::new();
    let mut lap_start = 0;
    let mut next_km = 1000.0;
    let mut pauses = Vec::new();
    let mut pause_truth = Vec::new();
    let max_s = 8.0 * 3600.0;

    loop {
        // Close finished segments.
        while seg_idx < segs.len() {
            let seg = &segs[seg_idx];
            let done = match seg.length {
                Length::Seconds(s) => timer - seg_t0 >= s,
                Length::Meters(m) => dist - seg_d0 >= m,
            };
            if !done {
                break;
            }
            let n = samples.len();
            seg_truth.push(SegmentTruth {
                role: seg.role,
                intensity: seg.intensity,
                zone: phys.zone_of_hr(phys.hr_at(seg.r)),
                target_speed_mps: seg.r * v_lt,
                planned: seg.length,
                start_sample: seg_start_sample,
                end_sample: n,
            });
            if run.session.lap_mode == LapMode::PerSegment && n > lap_start {
                laps.push(LapMark {
                    start: lap_start,
                    end: n,
                    intensity: seg.role.fit_intensity(),
                    trigger: 0,
                });
                lap_start = n;
            }
            seg_start_sample = n;
            seg_idx += 1;
            seg_t0 = timer;
            seg_d0 = dist;
            cap_factor = 1.0;
        }
        if seg_idx >= segs.len() || timer > max_s {
            break;
        }
        let seg = &segs[seg_idx];

        // A traffic light: stand still with the timer stopped.
        if let Some(&(at, dur)) = stops.first() {
            if dist >= at && !samples.is_empty() {
                stops.remove(0);
                let stop_ms = start_ms + t * 1000;
                for _ in 0..dur {
                    let h_stand = phys.hrr_at(0.0);
                    heart.step(
                        phys.resting_hr + h_stand * hrr_span + run.hr_offset_bpm,
                        h_stand,
                        t as f64,
                        false,
                        1.0,
                    );
                    t += 1;
                }
                pauses.push(Pause { start: stop_ms, end: Some(start_ms + t * 1000) });
                pause_truth
                    .push(PauseTruth { before_sample: samples.len(), duration_s: dur as u32 });
                v = 0.0;
            }
        }

        let (e, n, alt, g) = route.at(dist);
        let cost = grade_cost(g);
        // Runners hold effort only partly on hills: speed falls with cost^0.6.
        let mut v_cmd = seg.r * v_lt * (1.0 + pace_noise.next(&mut rng)) * cost.powf(-0.6);
        if let Some(cap) = seg.hr_cap {
            cap_factor =
                (cap_factor + 0.0006 * (cap * phys.max_hr - 1.0 - heart.hr)).clamp(0.6, 1.0);
            v_cmd *= cap_factor;
        }
        let tau_v: f64 = if v_cmd > v { 3.0 } else { 2.0 };
        v += (v_cmd - v) * (1.0 - (-1.0 / tau_v).exp());
        let h = phys.hrr_at(v * cost / v_lt);
        let hr_ss = phys.resting_hr + h * hrr_span + run.hr_offset_bpm;

        // Record this second.
        let ex = e + gps_e.next(&mut rng);
        let nx = n + gps_n.next(&mut rng);
        samples.push_empty();
        let i = samples.len() - 1;
        samples.time[i] = Some(start_ms + t * 1000);
        samples.lat[i] = Some(semicircles(lat0 + nx / m_per_deg_lat));
        samples.lon[i] = Some(semicircles(home.lon + ex / m_per_deg_lon));
        samples.altitude_m[i] = Some(((alt + baro.next(&mut rng)) * 5.0).round() as f32 / 5.0);
        let hr_true = heart.hr + hr_noise.next(&mut rng);
        true_hr.push(hr_true);
        true_alt.push(alt);
        samples.heart_rate[i] = Some(hr_true.round().clamp(35.0, 230.0) as u8);
        samples.cadence[i] = (v > 0.8).then(|| {
            (74.0 + 3.6 * v + stride_offset + 0.8 * rng.normal()).round().clamp(60.0, 110.0) as f32
        });
        samples.distance_m[i] = Some((dist * 100.0).round() / 100.0);
        samples.speed_mps[i] =
            Some((((v + 0.04 * rng.normal()).max(0.0)) * 1000.0).round() as f32 / 1000.0);
        samples.temperature_c[i] = Some(run.temp_c.round().clamp(-30.0, 45.0) as i8);

        if run.session.lap_mode == LapMode::PerKm && dist >= next_km && i > lap_start {
            laps.push(LapMark { start: lap_start, end: i, intensity: 0, trigger: 2 });
            lap_start = i;
            next_km += 1000.0;
        }

        heart.step(hr_ss, h, t as f64, true, 1.0);
        dist += v;
        timer += 1.0;
        t += 1;
    }
    let n = samples.len();
    if n > lap_start {
        laps.push(LapMark { start: lap_start, end: n, intensity: 0, trigger: 7 });
    }
    if let (Some(last), LapMode::PerSegment) = (laps.last_mut(), run.session.lap_mode) {
        if let Some(seg) = segs.last() {
            last.intensity = seg.role.fit_intensity();
        }
    }

    let faults = match fault_rate {
        Some(p) if n > 0 => inject_faults(&mut samples, &true_hr, phys, p, &mut rng),
        _ => Vec::new(),
    };

    let mut time_in_zone_s = [0u32; 5];
    for &hr in &true_hr {
        time_in_zone_s[usize::from(phys.zone_of_hr(hr) - 1)] += 1;
    }

    let sub_sport = if run.route.kind == RouteKind::Track { 4 } else { 0 };
    let end_ms = start_ms + t * 1000;
    let summarise = |a: usize, b: usize| -> Summary {
        let first = samples.time.get(a).copied().flatten().unwrap_or(start_ms);
        let last_ms = if b < n { samples.time[b].unwrap_or(end_ms) } else { end_ms };
        let paused: i64 = pauses
            .iter()
            .filter(|p| p.start >= first && p.start < last_ms)
            .map(|p| p.end.unwrap_or(p.start) - p.start)
            .sum();
        let d0 = samples.distance_m.get(a).copied().flatten().unwrap_or(0.0);
        let d1 = if b < n {
            samples.distance_m[b].unwrap_or(dist)
        } else {
            (dist * 100.0).round() / 100.0
        };
        let (mut up, mut down) = (0.0, 0.0);
        for w in true_alt[a..b.min(n)].windows(2) {
            let dz = w[1] - w[0];
            if dz > 0.0 {
                up += dz;
            } else {
                down -= dz;
            }
        }
        let hrs: Vec<u32> =
            samples.heart_rate[a..b.min(n)].iter().filter_map(|h| h.map(u32::from)).collect();
        let avg = (!hrs.is_empty())
            .then(|| (hrs.iter().sum::<u32>() as f64 / hrs.len() as f64).round() as u8);
        Summary {
            start: Some(first),
            elapsed_s: Some((last_ms - first) as f64 / 1000.0),
            timer_s: Some((last_ms - first - paused) as f64 / 1000.0),
            distance_m: Some(((d1 - d0) * 100.0).round() / 100.0),
            ascent_m: Some(up.round()),
            descent_m: Some(down.round()),
            avg_heart_rate: avg,
            max_heart_rate: hrs.iter().max().map(|&m| m as u8),
            sport: Some(1),
            sub_sport: Some(sub_sport),
            intensity: None,
            trigger: None,
        }
    };
    let lap_summaries: Vec<Summary> = laps
        .iter()
        .map(|l| Summary {
            intensity: Some(l.intensity),
            trigger: Some(l.trigger),
            ..summarise(l.start, l.end)
        })
        .collect();
    let session = Summary { trigger: Some(0), ..summarise(0, n) };

    let name = run.session.name.clone();
    let recording = Recording {
        file_kinds: vec![FileKind::Activity],
        sport: Some(Sport { sport: 1, sub_sport }),
        start: Some(start_ms),
        utc_offset_s: Some(run.utc_offset_s),
        relative_time: false,
        devices: vec![Device {
            manufacturer: Some(255),
            product: Some(0),
            name: Some("slowburn-synth".to_owned()),
        }],
        samples,
        laps: lap_summaries,
        sessions: vec![session.clone()],
        pauses,
        ..Recording::default()
    };
    let intended_zone = run.intended.intended_zone();
    let truth = Truth {
        file: file_name(run),
        index: run.index,
        name: name.clone(),
        start: iso_local(run.day, run.start_local_s, run.utc_offset_s),
        date: iso_date(run.day),
        utc_offset_s: run.utc_offset_s,
        week: run.week,
        phase: run.phase,
        kind: run.kind,
        intended_type: run.intended,
        intended_zone,
        executed_zone: run.executed_zone,
        too_fast: matches!(run.intended, RunType::Recovery | RunType::Easy | RunType::Long)
            && run.executed_zone > intended_zone,
        race: run.session.race.clone(),
        route: run.route,
        temperature_c: (run.temp_c * 10.0).round() / 10.0,
        samples: n,
        distance_m: session.distance_m.unwrap_or(0.0),
        timer_s: session.timer_s.unwrap_or(0.0),
        elapsed_s: session.elapsed_s.unwrap_or(0.0),
        time_in_zone_s,
        segments: seg_truth,
        pauses: pause_truth,
        faults,
        physiology: run.phys,
    };
    Activity { recording, truth, name }
}

/// Pick a free stretch of `len` samples in `lo..hi` that overlaps no taken range.
fn free_range(
    taken: &[(usize, usize)],
    lo: usize,
    hi: usize,
    len: usize,
    rng: &mut Rng,
) -> Option<(usize, usize)> {
    if hi <= lo + len {
        return None;
    }
    for _ in 0..20 {
        let a = rng.int(lo as i64, (hi - len) as i64) as usize;
        let b = a + len;
        if taken.iter().all(|&(x, y)| b <= x || a >= y) {
            return Some((a, b));
        }
    }
    None
}

fn inject_faults(
    samples: &mut Samples,
    true_hr: &[f64],
    phys: &Physiology,
    p: f64,
    rng: &mut Rng,
) -> Vec<Fault> {
    let n = samples.len();
    let mut faults = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let hr = &mut samples.heart_rate;
    if n > 600 && rng.chance(p) {
        let len = rng.int(60, 180) as usize;
        let stuck = phys.resting_hr + rng.range(5.0, 25.0);
        for (i, v) in hr.iter_mut().enumerate().take(len) {
            let wobble = if i % 7 == 0 { 1.0 } else { 0.0 };
            *v = Some((stuck + wobble).round() as u8);
        }
        taken.push((0, len));
        faults.push(Fault { kind: FaultKind::StartLag, start_sample: 0, end_sample: len });
    }
    if n > 900 && rng.chance(p * 0.5) {
        let len = rng.int(60, 300) as usize;
        if let Some((a, b)) = free_range(&taken, 300, n - 60, len, rng) {
            let steps = rng.chance(0.6);
            for (h, c) in hr[a..b].iter_mut().zip(&samples.cadence[a..b]) {
                if let Some(c) = *c {
                    let lock = if steps { 2.0 * c } else { c };
                    *h = Some(lock.round().clamp(35.0, 230.0) as u8);
                }
            }
            taken.push((a, b));
            faults.push(Fault { kind: FaultKind::CadenceLock, start_sample: a, end_sample: b });
        }
    }
    if n > 900 && rng.chance(p) {
        let len = rng.int(10, 120) as usize;
        if let Some((a, b)) = free_range(&taken, 300, n - 30, len, rng) {
            for v in &mut hr[a..b] {
                *v = None;
            }
            taken.push((a, b));
            faults.push(Fault { kind: FaultKind::Dropout, start_sample: a, end_sample: b });
        }
    }
    if n > 300 && rng.chance(p) {
        for _ in 0..rng.int(1, 4) {
            if let Some((a, b)) = free_range(&taken, 60, n - 1, 1, rng) {
                let jump = rng.range(30.0, 80.0);
                hr[a] = Some((true_hr[a] + jump).round().clamp(35.0, 250.0) as u8);
                // Keep a gap around a spike so spikes stay single samples.
                taken.push((a.saturating_sub(1), b + 1));
                faults.push(Fault { kind: FaultKind::Spike, start_sample: a, end_sample: b });
            }
        }
    }
    faults.sort_by_key(|f| f.start_sample);
    faults
}
