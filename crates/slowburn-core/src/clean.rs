//! Heart-rate cleaning between decoding and measurement: find the artefacts that wrist and
//! chest sensors produce, correct what can be corrected, remove what cannot, and say so.
//!
//! # Design
//! Every artefact is judged against physiology and the other channels, never against the
//! athlete's zones (cleaning runs before zoning and must not depend on the profile):
//!
//! | artefact | how it shows | what we do |
//! |---|---|---|
//! | spike | a jump of ≥ 25 bpm from the level of the previous 10 s, within 8 s (one gap of "smart" recording), back within 40 s | interpolate |
//! | dropout | missing or zero (< 30 bpm) readings | interpolate gaps up to 15 s, leave longer ones missing |
//! | start-up lag | an optical sensor stuck low (< 110 bpm) and flat in the first minutes while speed is already a running pace, then a jump of ≥ 20 bpm | remove |
//! | flat-line | the identical value for ≥ 120 s (≥ 20 readings) while speed varies (or ≥ 240 s without speed) | remove |
//! | cadence lock | heart rate within ±3 bpm of the running cadence (×1 or ×2) for ≥ 30 s, *and* either following the cadence beat by beat or sitting ≥ 12 bpm off the heart rate before and after it without a matching change of speed | remove |
//!
//! The cadence test is deliberately two-sided: a tempo runner's real heart rate of 172 bpm
//! at 172 steps/min matches the cadence too, but it neither mirrors the cadence's second-to-
//! second wobble nor jumps away from the heart rate around it. Removed stretches are left
//! missing rather than invented. Every change is a [`Correction`] with its kind, sample range
//! and seconds (weighted like the histograms), so the product can say "heart rate corrected
//! for cadence lock: 4 min 12 s". One pass per stage over the samples; a few small vectors per
//! activity, nothing per sample.

// Signal code indexes samples as the maths does: i, j, k for positions, a, b for a stretch.
#![allow(clippy::many_single_char_names)]

use serde::Serialize;

use crate::hist::sample_weights;

/// Readings below this are a sensor's "no reading" (0) or nonsense, bpm.
pub const MIN_VALID_HR: u8 = 30;
/// Readings above this are not a human heart rate, bpm.
pub const MAX_VALID_HR: u8 = 240;
/// Smallest departure from the preceding level that makes a spike, bpm.
pub const SPIKE_MIN_BPM: f64 = 25.0;
/// Longest spike (first to last off-level reading), s: a sensor burst can last half a minute.
pub const SPIKE_MAX_S: f64 = 40.0;
/// Longest gap interpolated across, s.
pub const GAP_MAX_S: f64 = 15.0;
/// How close heart rate must be to cadence (or twice cadence) to count as locked, bpm.
pub const LOCK_TOLERANCE_BPM: f32 = 3.0;
/// Shortest cadence lock, s.
pub const LOCK_MIN_S: f64 = 30.0;
/// Shortest flat-line, s. A chest strap at a steady hard effort can read the same value for a
/// minute (seen in the corpus: 66 s at 168 bpm on a ride), so a flat-line must last two.
pub const FLAT_MIN_S: f64 = 120.0;
/// Speed at or above which the athlete is running (about 9:48 /km), m/s.
pub const RUNNING_SPEED_MPS: f64 = 1.7;

// Internal thresholds, each explained where used.
const SPIKE_CANDIDATE_STEP: f64 = 15.0;
const SPIKE_RISE_S: f64 = 8.0;
const SPIKE_BASELINE_S: f64 = 10.0;
const SPIKE_RETURN_BPM: f64 = 10.0;
const CONTIGUOUS_S: f64 = 8.0;
const LAG_SEARCH_S: f64 = 360.0;
const LAG_MIN_S: f64 = 20.0;
const LAG_RISE_S: f64 = 10.0;
const LAG_JUMP_BPM: f64 = 20.0;
const LAG_FLAT_RANGE_BPM: f64 = 15.0;
const LAG_MAX_BPM: f64 = 110.0;
const LAG_POST_S: f64 = 60.0;
const FLAT_MIN_SAMPLES: usize = 20;
const FLAT_NO_SPEED_MIN_S: f64 = 240.0;
const FLAT_SPEED_SPREAD_MPS: f64 = 0.2;
const LOCK_MIN_CADENCE: f32 = 40.0;
const LOCK_BRIDGE_S: f64 = 5.0;
const LOCK_CONTEXT_S: f64 = 120.0;
const LOCK_CONTEXT_BPM: f64 = 12.0;
const LOCK_TRACKING_R: f64 = 0.6;

/// The kind of artefact a correction fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtefactKind {
    Spike,
    Dropout,
    StartupLag,
    FlatLine,
    CadenceLock,
}

impl ArtefactKind {
    pub const ALL: [ArtefactKind; 5] = [
        ArtefactKind::Spike,
        ArtefactKind::Dropout,
        ArtefactKind::StartupLag,
        ArtefactKind::FlatLine,
        ArtefactKind::CadenceLock,
    ];

    /// Plain words for messages ("heart rate corrected for cadence lock").
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            ArtefactKind::Spike => "spikes",
            ArtefactKind::Dropout => "dropouts",
            ArtefactKind::StartupLag => "optical sensor start-up lag",
            ArtefactKind::FlatLine => "flat-lined sensor",
            ArtefactKind::CadenceLock => "cadence lock",
        }
    }
}

/// What a correction did to the samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Replaced by linear interpolation (in time) between the good readings around it.
    Interpolated,
    /// Set to missing.
    Removed,
    /// Already missing, and too long to interpolate: left missing.
    LeftMissing,
}

/// One correction: samples `start_idx..=end_idx` (inclusive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub kind: ArtefactKind,
    pub action: Action,
    pub start_idx: usize,
    pub end_idx: usize,
    /// Seconds the samples stand for (weighted as in [`crate::hist`]).
    pub seconds: f64,
}

/// Cleaned heart rate and what was done to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cleaned {
    /// The cleaned channel, same length as the input.
    pub hr: Vec<Option<u8>>,
    /// Corrections in sample order.
    pub corrections: Vec<Correction>,
}

impl Cleaned {
    /// Total seconds corrected for one kind of artefact.
    #[must_use]
    pub fn seconds(&self, kind: ArtefactKind) -> f64 {
        self.corrections.iter().filter(|c| c.kind == kind).map(|c| c.seconds).sum()
    }
}

/// Working state: the channels as seconds/f64, the heart rate being cleaned, and what
/// happened to each sample.
struct Work<'a> {
    /// Seconds since the first timestamp.
    t: Vec<Option<f64>>,
    hr: Vec<Option<u8>>,
    cadence: &'a [Option<f32>],
    speed: &'a [Option<f32>],
    /// Missing or invalid in the input.
    missing_in: Vec<bool>,
    /// Set missing by a removal stage.
    removed: Vec<bool>,
    weights: Vec<f64>,
    corrections: Vec<Correction>,
}

impl Work<'_> {
    fn speed(&self, i: usize) -> Option<f64> {
        self.speed.get(i).copied().flatten().map(f64::from)
    }

    /// Indices of samples with both a time and a heart rate.
    fn valid(&self) -> Vec<usize> {
        (0..self.hr.len()).filter(|&i| self.t[i].is_some() && self.hr[i].is_some()).collect()
    }

    fn time(&self, i: usize) -> f64 {
        self.t[i].unwrap_or(f64::NAN)
    }

    fn bpm(&self, i: usize) -> f64 {
        self.hr[i].map_or(f64::NAN, f64::from)
    }

    fn seconds(&self, start: usize, end: usize) -> f64 {
        self.weights[start..=end].iter().sum()
    }

    fn record(&mut self, kind: ArtefactKind, action: Action, start: usize, end: usize) {
        let seconds = self.seconds(start, end);
        self.corrections.push(Correction { kind, action, start_idx: start, end_idx: end, seconds });
    }

    /// Set samples `start..=end` missing and record the removal.
    fn remove(&mut self, kind: ArtefactKind, start: usize, end: usize) {
        for i in start..=end {
            if self.hr[i].is_some() {
                self.hr[i] = None;
                self.removed[i] = true;
            }
        }
        self.record(kind, Action::Removed, start, end);
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => f64::midpoint(values[n / 2 - 1], values[n / 2]),
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = values.fold((0.0, 0_usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// Clean one recording's heart rate. All slices are sample-aligned columns of a
/// [`slowburn_formats::Recording`]: `time` in Unix ms, `cadence` as recorded (FIT strides/min;
/// steps/min are matched too), `speed` in m/s. `cadence` and `speed` may be empty (not
/// recorded); the stages that need them then find nothing. The output has `hr.len()` samples.
#[must_use]
pub fn clean_hr(
    time: &[Option<i64>],
    hr: &[Option<u8>],
    cadence: &[Option<f32>],
    speed: &[Option<f32>],
) -> Cleaned {
    let n = hr.len();
    let t0 = time.iter().take(n).find_map(|t| *t).unwrap_or(0);
    let t: Vec<Option<f64>> = (0..n)
        .map(|i| time.get(i).copied().flatten().map(|x| x.saturating_sub(t0) as f64 / 1000.0))
        .collect();
    let mut times: Vec<Option<i64>> = time.iter().take(n).copied().collect();
    times.resize(n, None);
    let mut w = Work {
        t,
        hr: hr.to_vec(),
        cadence,
        speed,
        missing_in: vec![false; n],
        removed: vec![false; n],
        weights: sample_weights(&times),
        corrections: Vec::new(),
    };
    for i in 0..n {
        match w.hr[i] {
            Some(v) if (MIN_VALID_HR..=MAX_VALID_HR).contains(&v) => {}
            _ => {
                w.hr[i] = None;
                w.missing_in[i] = true;
            }
        }
    }
    // Removals first (each judged on what the earlier ones left), interpolation last.
    startup_lag(&mut w);
    flat_lines(&mut w);
    cadence_lock(&mut w);
    spikes(&mut w);
    dropouts(&mut w, hr);
    w.corrections.sort_by_key(|c| (c.start_idx, c.end_idx));
    Cleaned { hr: w.hr, corrections: w.corrections }
}

/// Start-up lag: the first readings sit low and flat (an optical sensor not yet locked on)
/// while the athlete already runs, then heart rate jumps to where it belongs.
fn startup_lag(w: &mut Work) {
    let v = w.valid();
    let Some(&first) = v.first() else { return };
    let t_first = w.time(first);
    for j in 1..v.len() {
        let tj = w.time(v[j]);
        if tj - t_first > LAG_SEARCH_S {
            return;
        }
        // The lowest reading in the 10 s before j: where the rise began.
        let mut r = j - 1;
        for k in (0..j).rev() {
            if tj - w.time(v[k]) > LAG_RISE_S {
                break;
            }
            if w.bpm(v[k]) < w.bpm(v[r]) {
                r = k;
            }
        }
        if w.bpm(v[j]) - w.bpm(v[r]) < LAG_JUMP_BPM {
            continue;
        }
        if w.time(v[r]) - t_first < LAG_MIN_S {
            continue;
        }
        let mut pre: Vec<f64> = v[..=r].iter().map(|&i| w.bpm(i)).collect();
        let (lo, hi) = pre.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if hi - lo > LAG_FLAT_RANGE_BPM {
            // Not flat before this rise, so not flat before any later one either.
            return;
        }
        let m_pre = median(&mut pre);
        // Stuck low: below 110 bpm while running, a level few runners reach only when walking.
        if m_pre > LAG_MAX_BPM {
            return;
        }
        let post_idx: Vec<usize> =
            v[j..].iter().copied().take_while(|&i| w.time(i) - tj <= LAG_POST_S).collect();
        let post_span = post_idx.last().map_or(0.0, |&i| w.time(i) - tj);
        let mut post: Vec<f64> = post_idx.iter().map(|&i| w.bpm(i)).collect();
        let m_post = median(&mut post);
        if post_span < LAG_POST_S / 2.0 || m_post - m_pre < LAG_JUMP_BPM {
            continue;
        }
        // Already running: speed known for most of the lag, at a running pace, and not much
        // slower than after it (a standing start with a resting heart rate is not a lag).
        let pre_speeds: Vec<f64> = v[..=r].iter().filter_map(|&i| w.speed(i)).collect();
        let pre_speed = mean(pre_speeds.iter().copied());
        let post_speed = mean(post_idx.iter().filter_map(|&i| w.speed(i)));
        let running = pre_speeds.len() * 2 > r
            && pre_speed.is_some_and(|s| s >= RUNNING_SPEED_MPS)
            && match (pre_speed, post_speed) {
                (Some(a), Some(b)) => a >= 0.7 * b,
                _ => true,
            };
        if !running {
            return;
        }
        // Remove up to the first reading that reached the new level.
        let end = (r + 1..v.len()).find(|&k| w.bpm(v[k]) >= m_post - 8.0).unwrap_or(j);
        w.remove(ArtefactKind::StartupLag, first, v[end - 1]);
        return;
    }
}

/// Cadence lock: the sensor reports the arm swing (the cadence) as heart rate.
fn cadence_lock(w: &mut Work) {
    let v = w.valid();
    // Per valid sample: 0 = not locked, 1 = matches cadence, 2 = matches twice cadence.
    let lock_of = |w: &Work, i: usize| -> u8 {
        let (Some(h), Some(Some(c))) = (w.hr[i], w.cadence.get(i)) else { return 0 };
        if *c < LOCK_MIN_CADENCE {
            return 0;
        }
        let h = f32::from(h);
        if (h - 2.0 * c).abs() <= LOCK_TOLERANCE_BPM {
            2
        } else {
            u8::from((h - c).abs() <= LOCK_TOLERANCE_BPM)
        }
    };
    let flags: Vec<u8> = v.iter().map(|&i| lock_of(w, i)).collect();
    let mut stretches = Vec::new();
    let mut a = 0;
    while a < v.len() {
        if flags[a] == 0 {
            a += 1;
            continue;
        }
        // Extend over flagged samples, bridging unflagged ones for up to 5 s.
        let mut b = a;
        let mut k = a + 1;
        while k < v.len() && w.time(v[k]) - w.time(v[b]) <= LOCK_BRIDGE_S {
            if flags[k] != 0 {
                b = k;
            }
            k += 1;
        }
        if w.time(v[b]) - w.time(v[a]) >= LOCK_MIN_S {
            stretches.push((a, b));
        }
        a = b + 1;
    }
    for (a, b) in stretches {
        let (mut doubled, mut single) = (0_usize, 0_usize);
        for &f in &flags[a..=b] {
            match f {
                2 => doubled += 1,
                1 => single += 1,
                _ => {}
            }
        }
        let k = if doubled >= single { 2.0 } else { 1.0 };
        if lock_tracks_cadence(w, &v[a..=b], k) || lock_off_context(w, &v, &flags, a, b) {
            w.remove(ArtefactKind::CadenceLock, v[a], v[b]);
        }
    }
}

/// Does heart rate follow the cadence's second-to-second changes? (Pearson correlation of the
/// first differences of heart rate and `k × cadence` over 1–2 s steps.)
fn lock_tracks_cadence(w: &Work, idx: &[usize], k: f64) -> bool {
    let mut pairs = Vec::with_capacity(idx.len());
    for p in idx.windows(2) {
        let (i, j) = (p[0], p[1]);
        let (Some(Some(ci)), Some(Some(cj))) = (w.cadence.get(i), w.cadence.get(j)) else {
            continue;
        };
        if w.time(j) - w.time(i) > 2.0 {
            continue;
        }
        pairs.push((w.bpm(j) - w.bpm(i), k * (f64::from(*cj) - f64::from(*ci))));
    }
    if pairs.len() < 15 {
        return false;
    }
    let n = pairs.len() as f64;
    let (mx, my) =
        (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in &pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    sxx > 0.0 && syy > 0.0 && sxy / (sxx * syy).sqrt() >= LOCK_TRACKING_R
}

/// Is the locked stretch `v[a..=b]` ≥ 12 bpm away from the unlocked heart rate of the two
/// minutes before it and of the two minutes after it (each side that has ≥ 10 readings, in the
/// same direction), without a change of speed that would explain it?
fn lock_off_context(w: &Work, v: &[usize], flags: &[u8], a: usize, b: usize) -> bool {
    let (ta, tb) = (w.time(v[a]), w.time(v[b]));
    let side = |before: bool| -> Vec<usize> {
        v.iter()
            .zip(flags)
            .filter(|&(&i, &f)| {
                let ti = w.time(i);
                f == 0
                    && if before {
                        ti < ta && ta - ti <= LOCK_CONTEXT_S
                    } else {
                        ti > tb && ti - tb <= LOCK_CONTEXT_S
                    }
            })
            .map(|(&i, _)| i)
            .collect()
    };
    let sides: Vec<Vec<usize>> =
        [side(true), side(false)].into_iter().filter(|s| s.len() >= 10).collect();
    if sides.is_empty() {
        return false;
    }
    let mut lock_hr: Vec<f64> = v[a..=b].iter().map(|&i| w.bpm(i)).collect();
    let lock_median = median(&mut lock_hr);
    let diffs: Vec<f64> = sides
        .iter()
        .map(|s| {
            let mut hr: Vec<f64> = s.iter().map(|&i| w.bpm(i)).collect();
            lock_median - median(&mut hr)
        })
        .collect();
    let up = diffs.iter().all(|&d| d >= LOCK_CONTEXT_BPM);
    let down = diffs.iter().all(|&d| d <= -LOCK_CONTEXT_BPM);
    if !(up || down) {
        return false;
    }
    let lock_speed = mean(v[a..=b].iter().filter_map(|&i| w.speed(i)));
    let ctx_speed = mean(sides.iter().flatten().filter_map(|&i| w.speed(i)));
    match (lock_speed, ctx_speed) {
        // Higher heart rate without running faster, or lower without slowing down.
        (Some(l), Some(c)) => {
            if up {
                l <= 1.15 * c
            } else {
                l >= 0.85 * c
            }
        }
        _ => true,
    }
}

/// Flat-lines: the same value for two minutes or more while the athlete's speed changes.
fn flat_lines(w: &mut Work) {
    let v = w.valid();
    let mut runs = Vec::new();
    let mut a = 0;
    while a < v.len() {
        let mut b = a;
        while b + 1 < v.len()
            && w.hr[v[b + 1]] == w.hr[v[a]]
            && w.time(v[b + 1]) - w.time(v[b]) <= CONTIGUOUS_S
        {
            b += 1;
        }
        let span = w.time(v[b]) - w.time(v[a]);
        if span >= FLAT_MIN_S && b - a + 1 >= FLAT_MIN_SAMPLES {
            let mut speeds: Vec<f64> = v[a..=b].iter().filter_map(|&i| w.speed(i)).collect();
            // Speed known for most of it and varying meanwhile (a real heart rate follows
            // it); without speed, only a much longer run of one value is judged stuck.
            let flat = if speeds.len() * 2 > b - a {
                speeds.sort_by(f64::total_cmp);
                let p = |q: f64| speeds[((speeds.len() - 1) as f64 * q).round() as usize];
                p(0.9) - p(0.1) >= FLAT_SPEED_SPREAD_MPS
            } else {
                span >= FLAT_NO_SPEED_MIN_S
            };
            if flat {
                runs.push((v[a], v[b]));
            }
        }
        a = b + 1;
    }
    for (s, e) in runs {
        w.remove(ArtefactKind::FlatLine, s, e);
    }
}

/// Spikes: short excursions far from the surrounding level that come back.
fn spikes(w: &mut Work) {
    let v = w.valid();
    let mut j = 1;
    while j < v.len() {
        let (tp, tj) = (w.time(v[j - 1]), w.time(v[j]));
        if (w.bpm(v[j]) - w.bpm(v[j - 1])).abs() < SPIKE_CANDIDATE_STEP || tj - tp > SPIKE_RISE_S {
            j += 1;
            continue;
        }
        // The level before: median of the 10 s up to the reading before the jump.
        let mut before: Vec<f64> = v[..j]
            .iter()
            .rev()
            .take_while(|&&i| tp - w.time(i) <= SPIKE_BASELINE_S)
            .map(|&i| w.bpm(i))
            .collect();
        let base = median(&mut before);
        let dev = |i: usize| w.bpm(i) - base;
        let sign = dev(v[j]).signum();
        if dev(v[j]).abs() <= SPIKE_RETURN_BPM {
            j += 1;
            continue;
        }
        // Readings just before j that already left the level (a two-step rise) belong to it.
        let mut s = j;
        while s > 1
            && dev(v[s - 1]) * sign > SPIKE_RETURN_BPM
            && tj - w.time(v[s - 1]) <= SPIKE_RISE_S
        {
            s -= 1;
        }
        // Forward: the first reading back within 10 bpm of the level (or past it), within
        // SPIKE_MAX_S.
        let ts = w.time(v[s]);
        let mut back = None;
        let mut k = j + 1;
        while k < v.len() && w.time(v[k]) - ts <= SPIKE_MAX_S + CONTIGUOUS_S {
            if w.time(v[k]) - w.time(v[k - 1]) > CONTIGUOUS_S {
                break;
            }
            // Back within 10 bpm of the level, or past it (the heart rate went on falling or
            // rising while the sensor misread).
            if dev(v[k]) * sign <= SPIKE_RETURN_BPM {
                back = Some(k);
                break;
            }
            if w.time(v[k]) - ts > SPIKE_MAX_S {
                break;
            }
            k += 1;
        }
        let Some(k) = back else {
            j += 1;
            continue;
        };
        let peak = v[s..k].iter().map(|&i| dev(i).abs()).fold(0.0, f64::max);
        if peak < SPIKE_MIN_BPM {
            j = k;
            continue;
        }
        // Interpolate from the reading before the spike (or the one after, at the start).
        let (ta, ha) =
            if s > 0 { (w.time(v[s - 1]), w.bpm(v[s - 1])) } else { (w.time(v[k]), w.bpm(v[k])) };
        let (tb, hb) = (w.time(v[k]), w.bpm(v[k]));
        for &i in &v[s..k] {
            let x = if tb > ta { (w.time(i) - ta) / (tb - ta) } else { 0.0 };
            w.hr[i] = Some((ha + (hb - ha) * x).round().clamp(0.0, 255.0) as u8);
        }
        w.record(ArtefactKind::Spike, Action::Interpolated, v[s], v[k - 1]);
        j = k + 1;
    }
}

/// Dropouts: readings missing or zero in the input. Short gaps are interpolated, long ones
/// left missing; gaps next to a removed stretch are left alone (already reported).
fn dropouts(w: &mut Work, input: &[Option<u8>]) {
    let n = w.hr.len();
    let mut i = 0;
    while i < n {
        if w.hr[i].is_some() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && w.hr[i].is_none() {
            i += 1;
        }
        let end = i - 1;
        if w.removed[start..=end].iter().any(|&r| r)
            || !w.missing_in[start..=end].iter().any(|&m| m)
        {
            continue;
        }
        // Bracketing readings with a time (a reading without a time cannot anchor).
        let before = (0..start).rev().find(|&p| w.hr[p].is_some()).filter(|&p| w.t[p].is_some());
        let after = (i < n && w.t[i].is_some()).then_some(i);
        let had_zeros = input[start..=end].iter().any(Option::is_some);
        match (before, after) {
            (Some(p), Some(q)) if w.time(q) - w.time(p) <= GAP_MAX_S => {
                let (ta, ha, tb, hb) = (w.time(p), w.bpm(p), w.time(q), w.bpm(q));
                for k in start..=end {
                    if let Some(tk) = w.t[k] {
                        let x = if tb > ta { (tk - ta) / (tb - ta) } else { 0.0 };
                        w.hr[k] = Some((ha + (hb - ha) * x).round().clamp(0.0, 255.0) as u8);
                    }
                }
                w.record(ArtefactKind::Dropout, Action::Interpolated, start, end);
            }
            (Some(_), Some(_)) => w.record(ArtefactKind::Dropout, Action::LeftMissing, start, end),
            _ if had_zeros => w.record(ArtefactKind::Dropout, Action::Removed, start, end),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1-Hz series: time, hr, cadence (strides/min), speed.
    struct Series {
        time: Vec<Option<i64>>,
        hr: Vec<Option<u8>>,
        cadence: Vec<Option<f32>>,
        speed: Vec<Option<f32>>,
    }

    impl Series {
        fn new(hr: &[u8]) -> Self {
            let n = hr.len();
            Self {
                time: (0..n as i64).map(|i| Some(1_600_000_000_000 + i * 1000)).collect(),
                hr: hr.iter().map(|&h| Some(h)).collect(),
                // A realistic wobble: 84–86 strides/min, 2.9–3.1 m/s.
                cadence: (0..n)
                    .map(|i| Some([85.0, 84.0, 86.0, 85.0, 85.0, 86.0, 84.0][i % 7]))
                    .collect(),
                speed: (0..n).map(|i| Some([3.0, 3.1, 2.9, 3.05, 2.95][i % 5])).collect(),
            }
        }
        fn clean(&self) -> Cleaned {
            clean_hr(&self.time, &self.hr, &self.cadence, &self.speed)
        }
    }

    /// Steady easy running with a realistic ±2 bpm wander around `level`.
    fn steady(level: u8, n: usize) -> Vec<u8> {
        (0..n).map(|i| level + [0, 1, 1, 2, 1, 0, 0, 1][(i / 3) % 8]).collect()
    }

    fn spans(c: &Cleaned) -> Vec<(ArtefactKind, usize, usize)> {
        c.corrections.iter().map(|c| (c.kind, c.start_idx, c.end_idx)).collect()
    }

    #[test]
    fn clean_series_is_untouched() {
        let s = Series::new(&steady(140, 600));
        let c = s.clean();
        assert!(c.corrections.is_empty(), "{:?}", c.corrections);
        assert_eq!(c.hr, s.hr);
    }

    #[test]
    fn interval_session_with_fast_real_rises_is_untouched() {
        // Warm-up at 130, then 6 × (3 min hard, 2 min easy): heart rate rises ~1.5 bpm/s into
        // the 170s, with a fast initial kick (vagal withdrawal), and falls ~1 bpm/s after.
        let mut hr = steady(130, 300);
        let mut speed: Vec<f32> = vec![3.0; 300];
        for _ in 0..6 {
            let from = f64::from(*hr.last().unwrap());
            for k in 0..180 {
                let k = f64::from(k);
                // Exponential approach to 178 with a 25 s time constant: first seconds +2 bpm/s.
                let v = 178.0 - (178.0 - from) * (-k / 25.0).exp();
                hr.push(v.round() as u8);
                speed.push(4.6);
            }
            let top = f64::from(*hr.last().unwrap());
            for k in 0..120 {
                let v = 135.0 + (top - 135.0) * (-f64::from(k) / 30.0).exp();
                hr.push(v.round() as u8);
                speed.push(2.6);
            }
        }
        let mut s = Series::new(&hr);
        s.speed = speed.into_iter().map(Some).collect();
        // Cadence rises with speed in the reps: 2 × 88 = 176, close to the real heart rate.
        s.cadence = (0..hr.len())
            .map(|i| Some(if s.speed[i] == Some(4.6) { [88.0, 89.0, 87.0][i % 3] } else { 80.0 }))
            .collect();
        let c = s.clean();
        assert!(c.corrections.is_empty(), "{:?}", c.corrections);
        assert_eq!(c.hr, s.hr);
    }

    #[test]
    fn spikes_up_and_down_are_interpolated() {
        let mut hr = steady(140, 300);
        hr[100] = 195; // one-sample spike
        hr[200] = 160; // two-step rise
        hr[201] = 188;
        hr[202] = 186;
        hr[250] = 95; // dropout-like dip
        hr[251] = 98;
        let s = Series::new(&hr);
        let c = s.clean();
        assert_eq!(
            spans(&c),
            vec![
                (ArtefactKind::Spike, 100, 100),
                (ArtefactKind::Spike, 200, 202),
                (ArtefactKind::Spike, 250, 251)
            ]
        );
        for i in [100, 200, 201, 202, 250, 251] {
            let v = c.hr[i].unwrap();
            assert!((139..=143).contains(&v), "sample {i}: {v}");
        }
        assert!((c.seconds(ArtefactKind::Spike) - 6.0).abs() < 1e-9);
    }

    #[test]
    fn a_real_step_up_is_not_a_spike() {
        // A sudden but lasting change of level (a surge from 3.0 to 4.2 m/s): no return within
        // 20 s. The new level also matches twice the cadence, but the speed explains it.
        let mut hr = steady(140, 100);
        hr.extend(steady(170, 100));
        let mut s = Series::new(&hr);
        for v in &mut s.speed[100..] {
            *v = Some(4.2);
        }
        let c = s.clean();
        assert!(c.corrections.is_empty(), "{:?}", c.corrections);
    }

    #[test]
    fn short_gaps_interpolated_long_left_missing() {
        let hr = steady(140, 300);
        let mut s = Series::new(&hr);
        for i in 50..55 {
            s.hr[i] = None;
        }
        s.hr[80] = Some(0);
        s.hr[81] = Some(0);
        for i in 150..190 {
            s.hr[i] = None;
        }
        let c = s.clean();
        assert_eq!(
            c.corrections
                .iter()
                .map(|c| (c.kind, c.action, c.start_idx, c.end_idx))
                .collect::<Vec<_>>(),
            vec![
                (ArtefactKind::Dropout, Action::Interpolated, 50, 54),
                (ArtefactKind::Dropout, Action::Interpolated, 80, 81),
                (ArtefactKind::Dropout, Action::LeftMissing, 150, 189),
            ]
        );
        assert!(c.hr[50..55].iter().all(Option::is_some));
        assert!(c.hr[80..82].iter().all(|h| h.is_some_and(|h| h >= 139)));
        assert!(c.hr[150..190].iter().all(Option::is_none));
        assert!((c.seconds(ArtefactKind::Dropout) - 47.0).abs() < 1e-9);
    }

    #[test]
    fn startup_lag_removed() {
        // 90 s stuck at 78–82 while running at 3 m/s, then the sensor locks on at ~135.
        let mut hr: Vec<u8> = (0..90).map(|i| 78 + (i % 5) as u8).collect();
        hr.extend([100, 125]);
        hr.extend(steady(135, 400));
        let c = Series::new(&hr).clean();
        assert_eq!(spans(&c), vec![(ArtefactKind::StartupLag, 0, 91)]);
        assert!(c.hr[..92].iter().all(Option::is_none));
        assert_eq!(c.hr[92], Some(135));
    }

    #[test]
    fn standing_start_is_not_lag() {
        // 60 s standing at 75 (speed 0), then running: heart rate jumps, but that is real.
        let mut hr: Vec<u8> = vec![75; 60];
        hr.extend([90, 110]);
        hr.extend(steady(130, 300));
        let mut s = Series::new(&hr);
        for v in &mut s.speed[..60] {
            *v = Some(0.0);
        }
        for v in &mut s.cadence[..60] {
            *v = Some(0.0);
        }
        let c = s.clean();
        assert!(
            c.corrections.iter().all(|c| c.kind != ArtefactKind::StartupLag),
            "{:?}",
            c.corrections
        );
    }

    #[test]
    fn flat_line_removed_when_speed_varies() {
        let mut hr = steady(140, 400);
        for v in &mut hr[100..250] {
            *v = 152;
        }
        let mut s = Series::new(&hr);
        for (k, v) in s.speed[100..250].iter_mut().enumerate() {
            *v = Some(if (k / 15) % 2 == 0 { 2.6 } else { 3.4 });
        }
        let c = s.clean();
        assert_eq!(spans(&c), vec![(ArtefactKind::FlatLine, 100, 249)]);
        // The same flat stretch on a treadmill (constant speed) is left alone.
        let mut s2 = Series::new(&hr);
        s2.speed = vec![Some(3.0); hr.len()];
        assert!(s2.clean().corrections.is_empty());
    }

    #[test]
    fn cadence_lock_removed() {
        // Easy running at ~135 bpm; from 120 s to 220 s the sensor reads 2 × cadence.
        let hr = steady(135, 400);
        let mut s = Series::new(&hr);
        for i in 120..=220 {
            s.hr[i] = s.cadence[i].map(|c| (2.0 * c).round() as u8);
        }
        let c = s.clean();
        assert_eq!(spans(&c), vec![(ArtefactKind::CadenceLock, 120, 220)]);
        assert!(c.hr[120..=220].iter().all(Option::is_none));
        assert!((c.seconds(ArtefactKind::CadenceLock) - 101.0).abs() < 1e-9);
    }

    #[test]
    fn cadence_lock_on_strides_without_context() {
        // The whole run locked to strides/min (85 bpm while running): tracking gives it away.
        let s0 = Series::new(&[0; 200]);
        let mut s = Series::new(&[0; 200]);
        s.hr = s0.cadence.iter().map(|c| c.map(|c| c as u8)).collect();
        let c = s.clean();
        assert_eq!(spans(&c), vec![(ArtefactKind::CadenceLock, 0, 199)]);
    }

    #[test]
    fn real_heart_rate_near_cadence_is_not_lock() {
        // Tempo running at 170–172 bpm with a cadence of 84–86 strides (168–172 steps/min).
        let hr = steady(170, 600);
        let c = Series::new(&hr).clean();
        assert!(c.corrections.is_empty(), "{:?}", c.corrections);
    }

    #[test]
    fn mismatched_and_empty_inputs_do_not_panic() {
        let c = clean_hr(&[], &[], &[], &[]);
        assert!(c.hr.is_empty());
        let c = clean_hr(&[Some(0)], &[Some(140), Some(0), None], &[], &[]);
        assert_eq!(c.hr.len(), 3);
        let t: Vec<Option<i64>> =
            vec![Some(5000), Some(1000), None, Some(i64::MAX), Some(i64::MIN)];
        let h = vec![Some(140), Some(250), Some(20), Some(180), Some(100)];
        let c = clean_hr(&t, &h, &[Some(f32::NAN); 5], &[Some(f32::INFINITY); 5]);
        assert_eq!(c.hr.len(), 5);
    }
}
