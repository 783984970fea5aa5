//! The watch: what it keeps of the truth — sampling (1 Hz or smart recording), auto-pause,
//! laps by habit, the sensors' faults — as one recording the writers encode.

use crate::athlete::FieldAthlete;
use crate::body::Tick;
use crate::plan::{Laps, Role, Session};
use crate::rng::Rng;

#[derive(Debug, Clone)]
pub(crate) struct Sample {
    /// Seconds since the start.
    pub(crate) t: f64,
    pub(crate) dist: f64,
    pub(crate) speed: f64,
    pub(crate) alt: f64,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) hr: Option<u8>,
    /// Cadence in strides per minute (FIT's `cadence` for running: half the steps).
    pub(crate) cad: Option<u8>,
}

#[derive(Debug, Clone)]
pub(crate) struct Lap {
    pub(crate) start: f64,
    pub(crate) end: f64,
    pub(crate) timer: f64,
    pub(crate) dist: f64,
    pub(crate) avg_hr: Option<u8>,
    pub(crate) max_hr: Option<u8>,
    pub(crate) avg_speed: f64,
    pub(crate) max_speed: f64,
    /// FIT `lap_trigger`: manual 0, time 1, distance 2, session end 7.
    pub(crate) trigger: u8,
    /// FIT `intensity`: active 0, rest 1, warm-up 2, cool-down 3.
    pub(crate) intensity: Option<u8>,
}

#[derive(Debug, Clone)]
pub(crate) struct Recording {
    pub(crate) samples: Vec<Sample>,
    pub(crate) laps: Vec<Lap>,
    /// Timer stopped from .0 to .1 (auto-pause).
    pub(crate) pauses: Vec<(f64, f64)>,
    pub(crate) gps: bool,
    pub(crate) has_hr: bool,
    pub(crate) has_cad: bool,
    /// FIT: `enhanced_speed`/`enhanced_altitude` instead of `speed`/`altitude`.
    pub(crate) enhanced: bool,
    pub(crate) elapsed: f64,
    pub(crate) timer: f64,
    pub(crate) dist: f64,
}

/// Records the ticks; `variant` gets the recording's quirks.
pub(crate) fn record(
    a: &FieldAthlete,
    s: &Session,
    ticks: &[Tick],
    r: &mut Rng,
    variant: &mut Vec<String>,
) -> Recording {
    let smart = r.chance(0.4);
    variant.push(if smart { "smart_recording" } else { "1hz" }.into());
    let auto_pause = !s.treadmill && r.chance(0.3);
    if auto_pause {
        variant.push("auto_pause".into());
    }
    let has_hr = !r.chance(0.04);
    let has_cad = !r.chance(0.1);
    if !has_hr {
        variant.push("no_hr".into());
    }
    if !has_cad {
        variant.push("no_cadence".into());
    }
    // Heart rate as the sensor reads it.
    let mut hr: Vec<Option<f64>> = ticks.iter().map(|k| Some(k.hr)).collect();
    if has_hr && a.optical && r.chance(0.7) {
        let lag = r.range(60.0, 180.0);
        let low = f64::from(a.max_hr) * r.range(0.42, 0.52);
        for (h, k) in hr.iter_mut().zip(ticks) {
            if k.t < lag {
                let w = 1.0 - k.t / lag;
                *h = h.map(|x| x - (x - low).max(0.0) * w);
            }
        }
        variant.push("optical_lag".into());
    }
    if has_hr && r.chance(0.12) {
        let n = ticks.len();
        for _ in 0..r.int(1, 3) {
            let at = r.int(0, n as u32 - 1) as usize;
            let len = r.int(10, 120) as usize;
            for h in hr.iter_mut().skip(at).take(len) {
                *h = None;
            }
        }
        for _ in 0..r.int(1, 4) {
            let at = r.int(0, n as u32 - 1) as usize;
            let len = r.int(3, 30) as usize;
            let up = r.range(30.0, 60.0);
            for h in hr.iter_mut().skip(at).take(len) {
                *h = h.map(|x| (x + up).min(225.0));
            }
        }
        variant.push("hr_faults".into());
    }
    // Auto-pause: the timer stops after 2 s under 0.4 m/s and starts again when moving.
    let mut paused = vec![false; ticks.len()];
    let mut pauses = Vec::new();
    if auto_pause {
        let mut slow = 0;
        let mut since: Option<f64> = None;
        for (i, k) in ticks.iter().enumerate() {
            if k.speed < 0.4 {
                slow += 1;
            } else {
                slow = 0;
            }
            match (since, slow >= 2) {
                (None, true) => since = Some(k.t),
                (Some(s0), false) => {
                    pauses.push((s0, k.t));
                    since = None;
                }
                _ => {}
            }
            paused[i] = since.is_some();
        }
        if let Some(s0) = since {
            pauses.push((s0, ticks.last().map_or(s0, |k| k.t)));
        }
    }
    // Sampling.
    let mut keep = Vec::new();
    let mut next = 0.0;
    let mut last_speed = 0.0;
    for (i, k) in ticks.iter().enumerate() {
        if paused[i] && auto_pause {
            continue;
        }
        let change = (k.speed - last_speed).abs() > 0.6;
        if k.t >= next || change || i + 1 == ticks.len() {
            keep.push(i);
            last_speed = k.speed;
            next = k.t + if smart { f64::from(r.int(1, 7)) } else { 1.0 };
        }
    }
    let samples: Vec<Sample> = keep
        .iter()
        .map(|&i| {
            let k = ticks[i];
            Sample {
                t: k.t,
                dist: k.dist,
                speed: k.speed,
                alt: k.alt,
                lat: k.lat,
                lon: k.lon,
                hr: if has_hr { hr[i].map(|x| x.round().clamp(30.0, 240.0) as u8) } else { None },
                cad: if has_cad { Some((k.cad / 2.0).round() as u8) } else { None },
            }
        })
        .collect();
    let elapsed = ticks.last().map_or(0.0, |k| k.t);
    let paused_s: f64 = pauses.iter().map(|p| p.1 - p.0).sum();
    let dist = ticks.last().map_or(0.0, |k| k.dist);
    let laps = laps(s, ticks, &samples, &pauses, r);
    Recording {
        samples,
        laps,
        pauses,
        gps: !s.treadmill,
        has_hr,
        has_cad,
        enhanced: r.chance(0.5),
        elapsed,
        timer: elapsed - paused_s,
        dist,
    }
}

fn timer_between(pauses: &[(f64, f64)], a: f64, b: f64) -> f64 {
    let p: f64 = pauses.iter().map(|&(s, e)| (e.min(b) - s.max(a)).max(0.0)).sum();
    b - a - p
}

fn laps(
    s: &Session,
    ticks: &[Tick],
    samples: &[Sample],
    pauses: &[(f64, f64)],
    r: &mut Rng,
) -> Vec<Lap> {
    let end = ticks.last().map_or(0.0, |k| k.t);
    // Boundaries (start times) with their trigger and intensity.
    let mut starts: Vec<(f64, u8, Option<u8>)> = Vec::new();
    let role_intensity = |role: Role| match role {
        Role::Warmup => 2,
        Role::Rest | Role::Pen => 1,
        Role::Cooldown => 3,
        Role::Work | Role::Easy => 0,
    };
    match s.laps {
        Laps::One => starts.push((0.0, 7, None)),
        Laps::Km | Laps::Mile => {
            let step = if s.laps == Laps::Km { 1000.0 } else { 1609.344 };
            starts.push((0.0, 2, None));
            let mut mark = step;
            for k in ticks {
                if k.dist >= mark {
                    starts.push((k.t + 1.0, 2, None));
                    mark += step;
                }
            }
        }
        Laps::Time5Min => {
            starts.push((0.0, 1, None));
            let mut mark = 300.0;
            let mut timer = 0.0;
            for k in ticks {
                if pauses.iter().any(|&(a, b)| k.t >= a && k.t < b) {
                    continue;
                }
                timer += 1.0;
                if timer >= mark {
                    starts.push((k.t + 1.0, 1, None));
                    mark += 300.0;
                }
            }
        }
        Laps::Manual { intensity } => {
            let mut prev = usize::MAX;
            for k in ticks {
                if k.seg != prev {
                    prev = k.seg;
                    let g = &s.segments[k.seg];
                    if g.lap || starts.is_empty() {
                        let t = if starts.is_empty() { 0.0 } else { k.t + f64::from(r.int(0, 3)) };
                        starts.push((t, 0, intensity.then(|| role_intensity(g.role))));
                    }
                }
            }
        }
    }
    // A boundary within the last 2 s would make an empty lap.
    starts.retain(|b| b.0 == 0.0 || b.0 < end - 2.0);
    let mut laps = Vec::with_capacity(starts.len());
    for (i, &(t0, trigger, intensity)) in starts.iter().enumerate() {
        let last = i + 1 == starts.len();
        let t1 = if last { end } else { starts[i + 1].0 };
        let in_lap = |t: f64| t >= t0 && (t < t1 || (last && t <= t1));
        let d0 = ticks.iter().find(|k| k.t >= t0).map_or(0.0, |k| k.dist - k.speed);
        let d1 = if last {
            ticks.last().map_or(0.0, |k| k.dist)
        } else {
            ticks.iter().find(|k| k.t >= t1).map_or(0.0, |k| k.dist - k.speed)
        };
        let hrs: Vec<u32> =
            samples.iter().filter(|x| in_lap(x.t)).filter_map(|x| x.hr.map(u32::from)).collect();
        let timer = timer_between(pauses, t0, t1);
        let max_speed = ticks.iter().filter(|k| in_lap(k.t)).map(|k| k.speed).fold(0.0, f64::max);
        laps.push(Lap {
            start: t0,
            end: t1,
            timer,
            dist: (d1 - d0).max(0.0),
            avg_hr: if hrs.is_empty() {
                None
            } else {
                Some((hrs.iter().sum::<u32>() / hrs.len() as u32) as u8)
            },
            max_hr: hrs.iter().max().map(|&m| m as u8),
            avg_speed: if timer > 0.0 { (d1 - d0).max(0.0) / timer } else { 0.0 },
            max_speed,
            trigger: if last && trigger != 0 { 7 } else { trigger },
            intensity,
        });
    }
    laps
}
