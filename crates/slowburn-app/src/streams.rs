//! `App::run_streams`: one run's heart rate and pace over elapsed time, with its zones, parts,
//! laps and kilometre splits — for the run page's stream chart and `/api/runs/{id}/streams`.
//! The store keeps a run's samples only in its original file, so they are decoded from it.
//!
//! # Design
//! The file is prepared as import prepared it: the same leg of a multisport file
//! (`slowburn_import::parts::split`), core's heart-rate cleaner, the same track (the sport's
//! left-out stretches, the chosen distance). So the parts the stored classification evidence
//! found on the moving-time axis can be placed on the elapsed-time axis at the same samples.
//! The samples are then averaged into at most [`MAX_POINTS`] buckets of equal time; a bucket
//! without samples (a pause) has no point. Zones are those of the profile in force on the run's
//! date, resolved as `show` resolves them.

use slowburn_core::metrics::Track;
use slowburn_core::{clean_hr, summary, Profile};
use slowburn_formats::{detect, Recording};
use slowburn_report::views::{RunStreams, StreamPoint};

use crate::history::{self, Profiles};
use crate::{App, AppError, Result};

/// The most points a run's streams have.
pub const MAX_POINTS: usize = 600;

/// Pace is smoothed over a centred window of this many seconds.
const PACE_WINDOW_S: f64 = 30.0;

/// Below this speed (16:40 /km) there is no pace: standing, or walking very slowly.
const SLOWEST_MPS: f64 = 1.0;

impl App {
    /// The run's streams (see the module docs). Errors name the run: no such run, no original
    /// stored, an original that does not decode or has no timed samples, a multisport file
    /// that no longer splits into the legs it was stored as.
    pub fn run_streams(&self, id: i64) -> Result<RunStreams> {
        let row = self.store.activity(id)?;
        let name = &row.data.source_name;
        let bytes = self.store.original(&row.sha256).map_err(|e| {
            AppError::Input(format!("run {id}: no original file to read its samples from ({e})"))
        })?;
        let rec = detect::decode_any(name, &bytes).map_err(|e| {
            AppError::Corrupt(format!("run {id}: its original {name} does not decode: {e}"))
        })?;
        let part = self.store.activity_part(id)?;
        let rec = if part.parts > 1 {
            leg(&rec, part.part as usize, part.parts as usize)
                .map_err(|why| AppError::Corrupt(format!("run {id}: {name} {why}")))?
        } else {
            rec
        };

        let s = &rec.samples;
        let cleaned = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
        let mut track = Track::new(&rec, &cleaned.hr);
        let called = slowburn_core::sport::analyse(&rec, &track);
        if !called.excluded.is_empty() {
            let ranges: Vec<_> = called.excluded.iter().map(|x| x.samples.clone()).collect();
            track.exclude(&ranges);
        }
        track.set_sport(called.call.sport);
        let _ = track.choose_distance();

        // Elapsed seconds of every timestamped sample.
        let t0 = (0..track.len()).find_map(|i| track.time_ms(i)).ok_or_else(|| {
            AppError::Corrupt(format!("run {id}: its original {name} has no timed samples"))
        })?;
        let timed: Vec<(usize, f64)> = (0..track.len())
            .filter_map(|i| track.time_ms(i).map(|t| (i, (t - t0) as f64 / 1000.0)))
            .collect();
        let elapsed_s = timed.iter().map(|x| x.1).fold(0.0, f64::max);
        let speed = smoothed_speed(&track, &timed);
        let (step_s, points) = buckets(&timed, &speed, &cleaned.hr, elapsed_s);

        let summary = summary::decode(&self.store.activity_summary(id)?)
            .map_err(|e| AppError::Corrupt(format!("activity {id}: {e}")))?;
        let parts = summary
            .evidence
            .as_ref()
            .map(|ev| {
                let axis = moving_axis(&track);
                ev.segments
                    .parts
                    .iter()
                    .map(|p| {
                        let start = at_moving(&axis, p.start_s, false);
                        let end = at_moving(&axis, p.start_s + p.duration_s, true).max(start);
                        (start, end, p.kind.name().to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let laps = rec
            .laps
            .iter()
            .filter_map(|l| l.start)
            .map(|t| ((t - t0) as f64 / 1000.0).clamp(0.0, elapsed_s))
            .collect();
        Ok(RunStreams {
            id,
            elapsed_s,
            step_s,
            points,
            zones: self.zones_on_run(id)?,
            parts,
            laps,
            splits: km_splits(&track, &timed),
        })
    }

    /// The heart-rate zones in force on run `id`'s date, as `show` resolves them: the stored
    /// period of that date, else the profile resolved from the 13 months before it.
    fn zones_on_run(&self, id: i64) -> Result<Vec<(String, u8, u8, String)>> {
        let Ok((a, _, _)) = history::run_of(self.store.history_row(id)?) else {
            return Ok(Vec::new());
        };
        let zoning = self.zoning(None)?;
        let profiles = match self.store.period_on(a.date)? {
            Some(p) => {
                let profile: Profile = serde_json::from_str(&p.profile).map_err(|e| {
                    AppError::Corrupt(format!("stored profile from {}: {e}", p.from_date))
                })?;
                Profiles::from_profiles(vec![profile], &zoning)
            }
            None => Profiles::resolve(&self.history_around(a.date)?, &zoning, &[]),
        };
        Ok(profiles
            .on(a.date)
            .and_then(|(p, _)| p.zones.as_ref())
            .map(|t| {
                t.zones()
                    .iter()
                    .map(|z| (z.label.clone(), z.low_bpm, z.high_bpm, z.domain.name().to_owned()))
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// Leg `part` of a multisport recording stored as `parts` legs.
fn leg(rec: &Recording, part: usize, parts: usize) -> std::result::Result<Recording, String> {
    match slowburn_import::parts::split(rec) {
        Some(mut s) if s.parts.len() == parts && part < parts => Ok(s.parts.swap_remove(part)),
        Some(s) => Err(format!(
            "was stored as leg {} of {parts}, but the file now splits into {} legs",
            part + 1,
            s.parts.len()
        )),
        None => Err(format!(
            "was stored as leg {} of {parts}, but the file no longer splits into legs",
            part + 1
        )),
    }
}

/// The speed at each timed sample, averaged over a centred window of [`PACE_WINDOW_S`].
fn smoothed_speed(track: &Track<'_>, timed: &[(usize, f64)]) -> Vec<f64> {
    let mut prefix = Vec::with_capacity(timed.len() + 1);
    prefix.push(0.0);
    for &(i, _) in timed {
        prefix.push(prefix[prefix.len() - 1] + track.speed(i));
    }
    let half = PACE_WINDOW_S / 2.0;
    let (mut lo, mut hi) = (0, 0);
    timed
        .iter()
        .map(|&(_, t)| {
            while lo < timed.len() && timed[lo].1 < t - half {
                lo += 1;
            }
            while hi < timed.len() && timed[hi].1 <= t + half {
                hi += 1;
            }
            if hi > lo {
                (prefix[hi] - prefix[lo]) / (hi - lo) as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// The samples averaged into buckets of equal time (at most [`MAX_POINTS`] and then some
/// whole seconds each): the bucket's width and its points.
fn buckets(
    timed: &[(usize, f64)],
    speed: &[f64],
    hr: &[Option<u8>],
    elapsed_s: f64,
) -> (f64, Vec<StreamPoint>) {
    let step = (elapsed_s / MAX_POINTS as f64).ceil().max(1.0);
    let n = ((elapsed_s / step).floor() as usize + 1).min(MAX_POINTS + 1);
    // Per bucket: time sum, samples, heart-rate sum and count, speed sum.
    let mut acc = vec![(0.0, 0_u32, 0.0, 0_u32, 0.0); n];
    for (&(i, t), v) in timed.iter().zip(speed) {
        let b = ((t / step).floor().max(0.0) as usize).min(n - 1);
        let a = &mut acc[b];
        a.0 += t;
        a.1 += 1;
        if let Some(h) = hr.get(i).copied().flatten() {
            a.2 += f64::from(h);
            a.3 += 1;
        }
        a.4 += v;
    }
    let points = acc
        .into_iter()
        .filter(|a| a.1 > 0)
        .map(|(ts, n, hs, hn, vs)| {
            let v = vs / f64::from(n);
            StreamPoint {
                t_s: ts / f64::from(n),
                hr: (hn > 0).then(|| (hs / f64::from(hn)).round() as u8),
                pace_s_per_km: (v >= SLOWEST_MPS).then(|| 1000.0 / v),
            }
        })
        .collect();
    (step, points)
}

/// The moving-time axis the segmentation counts on: per moving sample, the moving seconds
/// before it, its elapsed seconds and the moving seconds it stands for.
fn moving_axis(track: &Track<'_>) -> Vec<(f64, f64, f64)> {
    let Some(t0) = (0..track.len()).find_map(|i| track.time_ms(i)) else { return Vec::new() };
    let mut total = 0.0;
    let mut axis = Vec::with_capacity(track.len());
    for i in 0..track.len() {
        let mv = track.moving_s(i);
        if mv <= 0.0 {
            continue;
        }
        if let Some(t) = track.time_ms(i) {
            axis.push((total, (t - t0) as f64 / 1000.0, mv));
        }
        total += mv;
    }
    axis
}

/// The elapsed seconds at `moving` seconds of moving time; an `end` at a sample boundary stays
/// in the sample before it (before a stop), a start goes to the sample after.
fn at_moving(axis: &[(f64, f64, f64)], moving: f64, end: bool) -> f64 {
    let k = axis.partition_point(|a| if end { a.0 < moving } else { a.0 <= moving });
    match k.checked_sub(1).and_then(|k| axis.get(k)) {
        Some(&(before, elapsed, mv)) => elapsed + (moving - before).clamp(0.0, mv),
        None => axis.first().map_or(0.0, |a| a.1),
    }
}

/// The elapsed seconds at each whole kilometre of the track's distance, interpolated between
/// the samples around it.
fn km_splits(track: &Track<'_>, timed: &[(usize, f64)]) -> Vec<f64> {
    let dist = track.distance();
    let mut out = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for &(i, t) in timed {
        let Some(&d) = dist.get(i) else { continue };
        let next_km = (out.len() + 1) as f64 * 1000.0;
        if d >= next_km {
            let (t_prev, d_prev) = prev.unwrap_or((t, d));
            let mut km = next_km;
            while d >= km {
                let share = if d > d_prev { (km - d_prev) / (d - d_prev) } else { 1.0 };
                out.push(t_prev + share.clamp(0.0, 1.0) * (t - t_prev));
                km += 1000.0;
            }
        }
        prev = Some((t, d));
    }
    out
}
