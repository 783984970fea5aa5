//! The parts of a run, from its signal: warm-up, work, recoveries, cool-down, and strides.
//!
//! # Design
//! Structure comes from the speed trace, not from laps (a lap per stride is still strides, a
//! 1 km auto-lap says nothing). On the moving-time axis (pauses left out, so a sample every 1–7
//! s counts what it stands for):
//!
//! 1. *Effort speed* per sample: grade-adjusted speed, so a climb run at an easy effort is not
//!    a recovery and a descent is not a rep (the credit for climbs capped).
//! 2. Smoothed over a centred 20 s window, its time-weighted histogram (walking and standing,
//!    below 60 % of the median, left out) is split in two by Otsu's method (the threshold that
//!    maximises the between-class variance). Two classes whose means differ by at least
//!    [`MIN_WORK_RATIO`] are easy running and work; anything closer is one continuous run.
//! 3. Stretches at or above the threshold, slower dips under [`BRIDGE_S`] bridged and stops of
//!    [`STOP_SPLIT_S`] or more splitting, that last [`MIN_WORK_S`] or longer and are at least
//!    [`MIN_WORK_RATIO`] faster than the easy running are the work; two work stretches with a
//!    dip of under [`MERGE_GAP_S`] between them are one (a drinks station, a sharp climb).
//!    Before the first is the warm-up, between them the recoveries, after the last the
//!    cool-down.
//! 4. Strides: on a 5 s smoothing of the lower of raw and effort speed, accelerations of 6–45 s at least 25 % and
//!    0.7 m/s faster than the median raw speed outside the work, after the first tenth of the
//!    run.
//!
//! Each part carries its moving time, distance, speeds and heart rate (the median after its
//! first 90 s when it lasts 5 min or more, and the mean of its second half), so what the run
//! was can be decided — and re-decided when the profile changes — from the parts alone
//! ([`crate::classify::decide`]). Heart rate confirms; it never makes a part.
//!
//! O(n) passes over the samples plus a histogram of 300 bins; a few columns of the moving
//! samples are the only allocations.

use serde::{Deserialize, Serialize};

use crate::metrics::Track;

/// What a part of a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    WarmUp,
    Work,
    /// Between two work parts (a jog, a walk, standing).
    Recovery,
    CoolDown,
    /// A run without work parts: the whole of it.
    Run,
}

impl PartKind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PartKind::WarmUp => "warm_up",
            PartKind::Work => "work",
            PartKind::Recovery => "recovery",
            PartKind::CoolDown => "cool_down",
            PartKind::Run => "run",
        }
    }
}

/// One part of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub kind: PartKind,
    /// Moving seconds from the start of the run to the part's start.
    pub start_s: f64,
    /// Moving seconds.
    pub duration_s: f64,
    pub distance_m: f64,
    /// Mean effort speed (see the module docs), m/s.
    pub effort_mps: f64,
    /// Median heart rate (after the first 90 s of a part of 5 min or more), bpm.
    pub hr: Option<f64>,
    /// Mean heart rate of the part's second half, bpm.
    pub hr_late: Option<f64>,
    /// Seconds stopped (timer running, not moving) inside the part.
    #[serde(default)]
    pub stopped_s: f64,
}

impl Part {
    /// Mean raw speed, m/s.
    #[must_use]
    pub fn speed_mps(&self) -> Option<f64> {
        (self.duration_s > 0.0 && self.distance_m > 0.0).then(|| self.distance_m / self.duration_s)
    }
}

/// Short accelerations outside the work.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Strides {
    pub count: u32,
    /// Mean length of one, s.
    pub mean_s: f64,
    /// Mean effort speed over them, m/s.
    pub speed_mps: f64,
    /// Mean heart rate from the first stride to a minute after the last, bpm.
    pub hr: Option<f64>,
}

/// The parts of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Segmentation {
    /// In order, covering the run's moving time.
    pub parts: Vec<Part>,
    /// The easy running's speed: median effort speed of the slower class, walking left out, m/s.
    pub base_mps: Option<f64>,
    pub strides: Strides,
}

impl Segmentation {
    /// The work parts.
    pub fn work(&self) -> impl Iterator<Item = &Part> + '_ {
        self.parts.iter().filter(|p| p.kind == PartKind::Work)
    }

    /// Number of work parts.
    #[must_use]
    pub fn work_count(&self) -> usize {
        self.work().count()
    }
}

/// Smoothing window for work, s.
pub const WORK_WINDOW_S: f64 = 20.0;
/// Smoothing window for strides, s.
pub const STRIDE_WINDOW_S: f64 = 5.0;
/// Least ratio of work speed to easy-running speed.
pub const MIN_WORK_RATIO: f64 = 1.15;
/// Shortest work part, s (shorter accelerations are strides).
pub const MIN_WORK_S: f64 = 45.0;
/// Slower dips shorter than this stay inside a fast stretch, s.
pub const BRIDGE_S: f64 = 12.0;
/// A stop this long ends a fast stretch, s.
pub const STOP_SPLIT_S: f64 = 30.0;
/// Two work stretches this close (moving seconds of slower running between them) are one.
pub const MERGE_GAP_S: f64 = 25.0;
/// Least share of the speed variance Otsu's split must explain for a run to have work parts.
pub const MIN_SPLIT_EFFECTIVENESS: f64 = 0.6;
/// Longest slower stretch inside one work part when the heart rate shows no recovery, s.
pub const MERGE_HR_GAP_S: f64 = 360.0;
/// A recovery lets the heart rate fall more than this below the work's (second half), bpm.
pub const MERGE_HR_DROP_BPM: f64 = 8.0;
/// … and is run at this share of the work's effort speed or more (a jog is slower).
pub const MERGE_HR_MIN_SPEED_SHARE: f64 = 0.8;
/// Strides: 6 to 45 s, at least 25 % and 0.7 m/s faster than the easy running.
pub const STRIDE_S: (f64, f64) = (6.0, 45.0);

const BIN: f64 = 0.05;
const BINS: usize = 300;

/// Effort speed: grade-adjusted speed, the grade factor kept within [`MIN_GRADE_CREDIT`] and
/// [`MAX_GRADE_CREDIT`] (a steep climb is often walked and over-credited by the model; a
/// descent saves less than the model says).
fn effort(track: &Track<'_>, i: usize) -> f64 {
    track.speed(i) * track.grade_factor(i).clamp(MIN_GRADE_CREDIT, MAX_GRADE_CREDIT)
}

/// Most credit a climb gets in effort speed (Minetti's factor at about +8 % grade).
pub const MAX_GRADE_CREDIT: f64 = 1.6;
/// Least credit a descent gets: Minetti's cost falls to 0.6 of the flat's at −7 %, but runners
/// cannot turn that into speed (grade-adjusted pace models fitted to real runs save 10–15 %).
pub const MIN_GRADE_CREDIT: f64 = 0.85;

/// The moving samples of a track.
struct Moving {
    idx: Vec<u32>,
    /// Moving seconds at each sample's start.
    t: Vec<f64>,
    mv: Vec<f32>,
    effort: Vec<f32>,
    raw: Vec<f32>,
    /// Seconds stopped just before each sample (timer running, not moving).
    stop_before: Vec<f32>,
    total: f64,
}

impl Moving {
    fn of(track: &Track<'_>) -> Moving {
        let n = track.len();
        let mut m = Moving {
            idx: Vec::with_capacity(n),
            t: Vec::with_capacity(n),
            mv: Vec::with_capacity(n),
            effort: Vec::with_capacity(n),
            raw: Vec::with_capacity(n),
            stop_before: Vec::with_capacity(n),
            total: 0.0,
        };
        let mut prev: Option<(i64, f64)> = None;
        for i in 0..n {
            let mv = track.moving_s(i);
            if mv <= 0.0 {
                continue;
            }
            let time = track.time_ms(i);
            let stop = match (prev, time) {
                (Some((tp, mvp)), Some(t)) => ((t - tp) as f64 / 1000.0 - mvp).max(0.0),
                _ => 0.0,
            };
            if let Some(t) = time {
                prev = Some((t, mv));
            }
            m.idx.push(i as u32);
            m.t.push(m.total);
            m.mv.push(mv as f32);
            m.effort.push(effort(track, i) as f32);
            m.raw.push(track.speed(i) as f32);
            m.stop_before.push(stop as f32);
            m.total += mv;
        }
        m
    }

    fn len(&self) -> usize {
        self.idx.len()
    }

    /// Effort speed smoothed over a centred window of `w` moving seconds.
    fn smooth(&self, w: f64) -> Vec<f32> {
        self.smooth_of(&self.effort, w)
    }

    /// `col` smoothed over a centred window of `w` moving seconds.
    fn smooth_of(&self, col: &[f32], w: f64) -> Vec<f32> {
        let n = self.len();
        let mut out = vec![0.0_f32; n];
        let (mut lo, mut hi) = (0usize, 0usize);
        let (mut sum, mut wt) = (0.0_f64, 0.0_f64);
        for (k, o) in out.iter_mut().enumerate() {
            let mid = self.t[k] + f64::from(self.mv[k]) / 2.0;
            while hi < n && self.t[hi] <= mid + w / 2.0 {
                sum += f64::from(col[hi]) * f64::from(self.mv[hi]);
                wt += f64::from(self.mv[hi]);
                hi += 1;
            }
            while lo < hi && self.t[lo] + f64::from(self.mv[lo]) < mid - w / 2.0 {
                sum -= f64::from(col[lo]) * f64::from(self.mv[lo]);
                wt -= f64::from(self.mv[lo]);
                lo += 1;
            }
            *o = if wt > 1e-9 { (sum / wt) as f32 } else { col[k] };
        }
        out
    }
}

/// Effort speed at quantile `q` of a histogram of seconds in [`BIN`] bins.
fn quantile(hist: &[f64], q: f64) -> Option<f64> {
    crate::hist::quantile(hist, q, BIN)
}

fn bin(v: f64) -> usize {
    ((v / BIN) as usize).min(BINS - 1)
}

/// Otsu's threshold over a histogram: (threshold, slow-class mean, fast-class mean, fast
/// weight, effectiveness), or `None` when one class would be empty.
fn otsu(hist: &[f64]) -> Option<(f64, f64, f64, f64, f64)> {
    let total: f64 = hist.iter().sum();
    let sum: f64 = hist.iter().enumerate().map(|(i, &w)| (i as f64 + 0.5) * w).sum();
    let mean = sum / total.max(1e-9);
    let var: f64 = hist.iter().enumerate().map(|(i, &w)| w * (i as f64 + 0.5 - mean).powi(2)).sum();
    let (mut w0, mut s0) = (0.0, 0.0);
    let mut best: Option<(f64, usize, f64, f64)> = None;
    for (i, &w) in hist.iter().enumerate() {
        w0 += w;
        s0 += (i as f64 + 0.5) * w;
        let w1 = total - w0;
        if w0 <= 0.0 || w1 <= 0.0 {
            continue;
        }
        let (m0, m1) = (s0 / w0, (sum - s0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if best.is_none_or(|b| between > b.0) {
            best = Some((between, i, m0, m1));
        }
    }
    let (between, i, m0, m1) = best?;
    let w1: f64 = hist[i + 1..].iter().sum();
    // Effectiveness: the share of the variance the split explains (at most 2/π ≈ 0.64 for one
    // normal class, near 1 for two well-separated ones).
    let eta = if var > 0.0 { between / total / var } else { 0.0 };
    Some(((i + 1) as f64 * BIN, m0 * BIN, m1 * BIN, w1, eta))
}

/// A stretch of moving samples `[a, b)`.
#[derive(Debug, Clone, Copy)]
struct Span {
    a: usize,
    b: usize,
}

/// Segment a run into its parts (see the module docs).
#[must_use]
pub fn segment(track: &Track<'_>) -> Segmentation {
    let m = Moving::of(track);
    let n = m.len();
    if n == 0 {
        return Segmentation::default();
    }
    let whole = |m: &Moving, base| Segmentation {
        parts: vec![measure(track, m, Span { a: 0, b: n }, PartKind::Run)],
        base_mps: base,
        strides: Strides::default(),
    };
    if !track.has_speed() || m.total < 240.0 {
        return whole(&m, None);
    }
    let s20 = m.smooth(WORK_WINDOW_S);
    let mut hist = [0.0_f64; BINS];
    for k in 0..n {
        hist[bin(f64::from(s20[k]))] += f64::from(m.mv[k]);
    }
    let Some(median) = quantile(&hist, 0.5).filter(|&v| v >= 1.0) else {
        return whole(&m, None);
    };
    // Walking and standing are recoveries, not a class of running.
    let floor = bin(0.6 * median);
    for h in &mut hist[..floor] {
        *h = 0.0;
    }
    let split = otsu(&hist);
    let structured = split.filter(|&(_, m0, m1, w1, eta)| {
        m1 >= MIN_WORK_RATIO * m0 && w1 >= MIN_WORK_S && eta >= MIN_SPLIT_EFFECTIVENESS
    });
    // The easy running: the slower class (the whole run when there is one class).
    let mut slow = [0.0_f64; BINS];
    let threshold = structured.map(|s| s.0.max(s.1 * 1.08));
    for (k, &v) in s20.iter().enumerate() {
        let v = f64::from(v);
        if v >= 0.6 * median && threshold.is_none_or(|t| v < t) {
            slow[bin(v)] += f64::from(m.mv[k]);
        }
    }
    let base = quantile(&slow, 0.5).or(Some(median));
    let mut work: Vec<Span> = Vec::new();
    if let (Some(t), Some(base)) = (threshold, base) {
        work = fast_spans(&m, &s20, t, BRIDGE_S, STOP_SPLIT_S)
            .into_iter()
            .filter(|s| {
                duration(&m, *s) >= MIN_WORK_S && mean_effort(&m, *s) >= MIN_WORK_RATIO * base
            })
            .collect();
        work = merge(track, &m, work);
        work = extend_while_working(track, &m, work, base, &s20);
        work = merge(track, &m, work);
        work = rejoin_split_reps(&m, work);
        work = work_by_heart_rate(track, &m, work);
        work = faster_than_the_rest(track, &m, work, median);
        // Two pieces with only a stop between them are one effort halted (a traffic light, a
        // shoelace); reps with standing rests come three or more.
        if let [a, b] = work[..] {
            if duration(&m, Span { a: a.b, b: b.a }) < MERGE_GAP_S {
                work = vec![Span { a: a.a, b: b.b }];
            }
        }
    }
    // One effort between a warm-up and a cool-down: found by its edges when the speed classes
    // found nothing, and kept whole when they found only a piece of it (a hilly race's climbs and
    // a tiring finish fall below the class threshold, its heart rate does not).
    match work[..] {
        [] => {
            if let Some(e) = edge_block(track, &m, &s20) {
                work = vec![e];
            }
        }
        [w] => {
            if let Some(e) = edge_block(track, &m, &s20) {
                let overlaps = e.a < w.b && w.a < e.b;
                let longer = duration(&m, e) >= EDGE_EXTEND_RATIO * duration(&m, w);
                let same_effort = match (mean_hr(track, &m, e).0, mean_hr(track, &m, w).0) {
                    (Some(he), Some(hw)) => he >= hw - EDGE_EXTEND_HR_DROP_BPM,
                    _ => false,
                };
                if overlaps && longer && same_effort {
                    work = vec![Span { a: e.a.min(w.a), b: e.b.max(w.b) }];
                }
            }
        }
        [first, .., last] => {
            // Pieces of one effort: the speed classes found its fastest stretches (descents, a
            // surge) and the effort around them kept its heart rate — no recovery between them
            // (a jog lets the heart rate fall 15–30 bpm; short reps with short jogs cover half
            // their stretch or more and stay reps).
            if let Some(e) = edge_block(track, &m, &s20) {
                let inside = e.a <= first.a && e.b >= last.b;
                let pieces_s: f64 = work.iter().map(|&w| duration(&m, w)).sum();
                let pieces_hr: Option<f64> = {
                    let (mut s, mut t) = (0.0, 0.0);
                    for &w in &work {
                        if let Some(h) = mean_hr(track, &m, w).0 {
                            s += h * duration(&m, w);
                            t += duration(&m, w);
                        }
                    }
                    (t > 0.0).then(|| s / t)
                };
                let rest_s = duration(&m, e) - pieces_s;
                let rest_hr = mean_hr(track, &m, e)
                    .0
                    .zip(pieces_hr)
                    .map(|(he, hp)| (he * duration(&m, e) - hp * pieces_s) / rest_s.max(1e-9));
                if inside
                    && pieces_s <= EDGE_PIECES_SHARE * duration(&m, e)
                    && rest_hr.zip(pieces_hr).is_some_and(|(r, p)| r >= p - EDGE_PIECES_HR_DROP_BPM)
                {
                    work = vec![e];
                }
            }
        }
    }

    let strides = strides(track, &m, base, &work);
    let mut parts = Vec::with_capacity(2 * work.len() + 1);
    if work.is_empty() {
        parts.push(measure(track, &m, Span { a: 0, b: n }, PartKind::Run));
    } else {
        let mut at = 0;
        for (j, w) in work.iter().enumerate() {
            if w.a > at {
                let kind = if j == 0 { PartKind::WarmUp } else { PartKind::Recovery };
                parts.push(measure(track, &m, Span { a: at, b: w.a }, kind));
            }
            parts.push(measure(track, &m, *w, PartKind::Work));
            at = w.b;
        }
        if at < n {
            parts.push(measure(track, &m, Span { a: at, b: n }, PartKind::CoolDown));
        }
    }
    Segmentation { parts, base_mps: base, strides }
}

/// Least moving time of the one effort between a warm-up and a cool-down, s.
pub const MIN_EDGE_WORK_S: f64 = 360.0;
/// The effort's heart rate is at least this far above the warm-up's and cool-down's, bpm.
pub const EDGE_HR_RISE_BPM: f64 = 15.0;
/// The one effort's mean effort speed over the warm-up's and cool-down's: a race or tempo is a
/// fifth or more faster than the jog around it; an easy run begun gently is not.
pub const EDGE_MIN_RATIO: f64 = 1.2;
/// The warm-up before one effort lasts at least this long, s (a shorter slow start is the
/// effort's own beginning; a run that starts fast and ends slow is not a warm-up, an effort and a
/// cool-down).
pub const MIN_WARM_UP_S: f64 = 300.0;
/// A cool-down after one effort lasts at least this long, s.
pub const MIN_COOL_DOWN_S: f64 = 180.0;
/// The one effort is sustained: this share of its time (20-s smoothed effort speed) at least
/// [`EDGE_SUSTAINED_RATIO`] × the warm-up's and cool-down's mean speed.
pub const EDGE_SUSTAINED_SHARE: f64 = 2.0 / 3.0;
/// See [`EDGE_SUSTAINED_SHARE`].
pub const EDGE_SUSTAINED_RATIO: f64 = 1.1;
/// One effort holds no recovery jog: [`EDGE_JOG_S`] or more at under this many times the warm-up's
/// and cool-down's mean speed.
pub const EDGE_JOG_RATIO: f64 = 1.05;
/// See [`EDGE_JOG_RATIO`], moving seconds.
pub const EDGE_JOG_S: f64 = 60.0;
/// Without heart rate, the effort's speed over the edges' for [`edge_block`].
pub const EDGE_RATIO_WITHOUT_HR: f64 = 1.25;
/// A piece of work the speed classes found is taken for part of a longer effort between a
/// warm-up and a cool-down when that effort is at least this many times as long …
pub const EDGE_EXTEND_RATIO: f64 = 1.25;
/// … and its mean heart rate at most this much below the piece's, bpm.
pub const EDGE_EXTEND_HR_DROP_BPM: f64 = 5.0;
/// Pieces of work the speed classes found are one effort between a warm-up and a cool-down when
/// they cover at most this share of it …
pub const EDGE_PIECES_SHARE: f64 = 0.5;
/// … and the rest of it keeps a heart rate at most this far below theirs, bpm.
pub const EDGE_PIECES_HR_DROP_BPM: f64 = 15.0;
/// Candidate boundaries of [`edge_block`] every this many moving seconds.
const EDGE_STEP_S: f64 = 30.0;

/// One long effort between a slower warm-up and cool-down (a race with the jog there and back, a
/// tempo run on a hilly road), when the speed classes alone did not find it: the effort's own
/// ups and downs (hills, drinks, a tiring finish) spread its speed so widely that they, not the
/// warm-up, are what two speed classes split. Among the ways to cut the run into a warm-up of at
/// least [`MIN_WARM_UP_S`], a middle and a cool-down (which may be empty, or at least
/// [`MIN_COOL_DOWN_S`]), the cut whose middle differs most from the edges (Otsu's criterion on
/// contiguous parts) is the effort when its effort speed is at least [`EDGE_MIN_RATIO`] × the
/// edges', it lasts [`MIN_EDGE_WORK_S`] or more, and — with heart rate — its heart rate is
/// [`EDGE_HR_RISE_BPM`] above theirs. Candidate cuts every [`EDGE_STEP_S`] moving seconds (more
/// sparsely on runs over five hours).
fn edge_block(track: &Track<'_>, m: &Moving, s20: &[f32]) -> Option<Span> {
    let n = m.len();
    // Grid of candidate cuts, with prefix sums of time, effort·time and heart rate.
    // At most about 600 cuts (a quadratic search stays under a millisecond or so).
    let step = EDGE_STEP_S.max(m.total / 600.0);
    let mut grid = vec![0usize];
    for k in 1..n {
        if m.t[k] - m.t[*grid.last()?] >= step {
            grid.push(k);
        }
    }
    grid.push(n);
    let (mut pt, mut pe) = (vec![0.0_f64; grid.len()], vec![0.0_f64; grid.len()]);
    for g in 1..grid.len() {
        let (mut t, mut e) = (0.0, 0.0);
        for k in grid[g - 1]..grid[g] {
            t += f64::from(m.mv[k]);
            e += f64::from(m.effort[k]) * f64::from(m.mv[k]);
        }
        pt[g] = pt[g - 1] + t;
        pe[g] = pe[g - 1] + e;
    }
    let total = *pt.last()?;
    let (te, ee) = (total, *pe.last()?);
    let mut best: Option<(f64, usize, usize, f64)> = None;
    for i in 0..grid.len() {
        for j in i + 1..grid.len() {
            let tm = pt[j] - pt[i];
            let edges = te - tm;
            let (warm, cool) = (pt[i], te - pt[j]);
            if tm < MIN_EDGE_WORK_S
                || warm < MIN_WARM_UP_S
                || (cool > 0.0 && cool < MIN_COOL_DOWN_S)
            {
                continue;
            }
            let em = pe[j] - pe[i];
            let (mu_m, mu_e) = (em / tm, (ee - em) / edges);
            if mu_m < EDGE_MIN_RATIO * mu_e {
                continue;
            }
            let score = tm * edges * (mu_m - mu_e) * (mu_m - mu_e);
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, i, j, mu_m / mu_e.max(1e-9)));
            }
        }
    }
    let (_, i, j, ratio) = best?;
    let work = Span { a: grid[i], b: grid[j] };
    // Sustained: most of it at the effort's speed (strides late in an easy run raise the mean
    // speed of a stretch, not its running between them).
    let mu_e = (pe[grid.len() - 1] - (pe[j] - pe[i])) / (te - (pt[j] - pt[i])).max(1e-9);
    let at_speed: f64 = (work.a..work.b)
        .filter(|&k| f64::from(s20[k]) >= EDGE_SUSTAINED_RATIO * mu_e)
        .map(|k| f64::from(m.mv[k]))
        .sum();
    if at_speed < EDGE_SUSTAINED_SHARE * duration(m, work) {
        return None;
    }
    // No recovery jog inside: a minute or more back at the warm-up's pace splits reps, however
    // little the heart rate fell.
    let mut jog = 0.0_f64;
    for (v, mv) in s20[work.a..work.b].iter().zip(&m.mv[work.a..work.b]) {
        if f64::from(*v) < EDGE_JOG_RATIO * mu_e {
            jog += f64::from(*mv);
            if jog >= EDGE_JOG_S {
                return None;
            }
        } else {
            jog = 0.0;
        }
    }
    let (hw, _) = mean_hr(track, m, work);
    // The warm-up's and cool-down's second halves: the heart rate takes minutes to rise at the
    // start, so a whole warm-up always reads low; its end is what the effort must be above.
    let (mut s, mut w) = (0.0, 0.0);
    for sp in [Span { a: 0, b: work.a }, Span { a: work.b, b: n }] {
        if sp.b > sp.a {
            if let (_, Some(h)) = mean_hr(track, m, sp) {
                let d = duration(m, sp);
                s += h * d;
                w += d;
            }
        }
    }
    let he = (w > 0.0).then(|| s / w);
    match (hw, he) {
        (Some(w), Some(e)) => (w >= e + EDGE_HR_RISE_BPM).then_some(work),
        // Without heart rate, speed alone must show it: a race or tempo is a quarter or more
        // faster than the jog around it.
        _ => (ratio >= EDGE_RATIO_WITHOUT_HR).then_some(work),
    }
}

/// The parts of a run whose watch workout marks one work lap: warm-up, the lap's `duration_s`
/// from `start_s` (moving seconds), cool-down — however the terrain broke the speed inside it.
/// Strides and the easy speed are the signal's.
#[must_use]
pub fn block(
    track: &Track<'_>,
    signal: &Segmentation,
    start_s: f64,
    duration_s: f64,
) -> Segmentation {
    let m = Moving::of(track);
    let n = m.len();
    if n == 0 {
        return signal.clone();
    }
    let at = |t: f64| m.t.partition_point(|&x| x < t).min(n);
    let (a, b) = (at(start_s), at(start_s + duration_s));
    if b <= a {
        return signal.clone();
    }
    let mut parts = Vec::with_capacity(3);
    if a > 0 {
        parts.push(measure(track, &m, Span { a: 0, b: a }, PartKind::WarmUp));
    }
    parts.push(measure(track, &m, Span { a, b }, PartKind::Work));
    if b < n {
        parts.push(measure(track, &m, Span { a: b, b: n }, PartKind::CoolDown));
    }
    Segmentation { parts, base_mps: signal.base_mps, strides: signal.strides }
}

fn duration(m: &Moving, s: Span) -> f64 {
    m.mv[s.a..s.b].iter().map(|&x| f64::from(x)).sum()
}

fn mean_effort(m: &Moving, s: Span) -> f64 {
    let (mut d, mut t) = (0.0, 0.0);
    for k in s.a..s.b {
        d += f64::from(m.effort[k]) * f64::from(m.mv[k]);
        t += f64::from(m.mv[k]);
    }
    if t > 0.0 {
        d / t
    } else {
        0.0
    }
}

/// Stretches where `smooth` is at least `threshold`, slower dips under `bridge` moving seconds
/// bridged, ended by a stop of `stop_split` seconds or more.
fn fast_spans(
    m: &Moving,
    smooth: &[f32],
    threshold: f64,
    bridge: f64,
    stop_split: f64,
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize, f64)> = None; // (start, end exclusive of dip, dip seconds)
    for (k, &v) in smooth.iter().enumerate().take(m.len()) {
        let fast = f64::from(v) >= threshold;
        let stop = f64::from(m.stop_before[k]) >= stop_split;
        if stop {
            if let Some((a, e, _)) = open.take() {
                out.push(Span { a, b: e });
            }
        }
        match (&mut open, fast) {
            (None, true) => open = Some((k, k + 1, 0.0)),
            (Some(o), true) => {
                o.1 = k + 1;
                o.2 = 0.0;
            }
            (Some(o), false) => {
                o.2 += f64::from(m.mv[k]);
                if o.2 >= bridge {
                    out.push(Span { a: o.0, b: o.1 });
                    open = None;
                }
            }
            (None, false) => {}
        }
    }
    if let Some((a, e, _)) = open {
        out.push(Span { a, b: e });
    }
    out
}

/// Work is run faster than the rest in plain speed too: a climb raises the grade-adjusted
/// speed of a runner who only slows a little, but its raw speed is below the descents' — a
/// hilly race or tempo is not a session of reps. (Hill repeats pass: the jog down is slower
/// than the run up.) A work stretch must have a raw speed at least [`MIN_RAW_WORK_RATIO`] × that
/// of the slower running next to it — the recoveries on either side, or for a lone stretch
/// the median of everything outside it; stretches that fail are dropped and the test repeated.
fn faster_than_the_rest(track: &Track<'_>, m: &Moving, work: Vec<Span>, median: f64) -> Vec<Span> {
    let raw = |s: Span| {
        let (mut d, mut t) = (0.0, 0.0);
        for k in s.a..s.b {
            d += track.speed(m.idx[k] as usize) * f64::from(m.mv[k]);
            t += f64::from(m.mv[k]);
        }
        (t > 0.0).then(|| d / t)
    };
    let mut work = work;
    for _ in 0..work.len() {
        let n = work.len();
        if n == 0 {
            return work;
        }
        let ratio: Vec<f64> = if n == 1 {
            let mut hist = [0.0_f64; BINS];
            for k in (0..work[0].a).chain(work[0].b..m.len()) {
                let v = track.speed(m.idx[k] as usize);
                if v >= 0.6 * median {
                    hist[bin(v)] += f64::from(m.mv[k]);
                }
            }
            let rest = quantile(&hist, 0.5);
            vec![match (raw(work[0]), rest) {
                (Some(w), Some(r)) if r > 0.0 => w / r,
                _ => f64::INFINITY,
            }]
        } else {
            // Gaps under a minute are dips inside one effort, too short to compare with.
            let gaps: Vec<Option<f64>> = (1..n)
                .map(|k| {
                    let g = Span { a: work[k - 1].b, b: work[k].a };
                    if duration(m, g) >= 60.0 {
                        raw(g)
                    } else {
                        None
                    }
                })
                .collect();
            (0..n)
                .map(|k| {
                    let before = if k > 0 { gaps[k - 1] } else { None };
                    let after = gaps.get(k).copied().flatten();
                    let next = before.into_iter().chain(after).fold(0.0, f64::max);
                    match raw(work[k]) {
                        Some(w) if next > 0.0 => w / next,
                        _ => f64::INFINITY,
                    }
                })
                .collect()
        };
        // Drop the one that fails worst, then judge the rest again: its gaps change.
        let worst = (0..n).min_by(|&a, &b| ratio[a].total_cmp(&ratio[b]));
        match worst {
            Some(k) if ratio[k] < MIN_RAW_WORK_RATIO => {
                work.remove(k);
            }
            _ => return work,
        }
    }
    work
}

/// A work stretch goes on while the runner keeps working: past its end, as long as the heart
/// rate (30 s mean) stays within [`MERGE_HR_DROP_BPM`] of the stretch's second half and the
/// running is faster than the easy running — a race's tiring last kilometres are the race, and
/// a cool-down lets the heart rate fall 20–40 bpm within a minute or two.
fn extend_while_working(
    track: &Track<'_>,
    m: &Moving,
    work: Vec<Span>,
    base: f64,
    smooth: &[f32],
) -> Vec<Span> {
    let hr: Vec<f32> =
        m.idx.iter().map(|&i| track.hr(i as usize).map_or(f32::NAN, f32::from)).collect();
    let mut out = work;
    for j in 0..out.len() {
        let limit = out.get(j + 1).map_or(m.len(), |n| n.a);
        let Some(late) = mean_hr(track, m, out[j]).1 else {
            continue;
        };
        let mut b = out[j].b;
        let mut window: std::collections::VecDeque<(f64, f32)> = std::collections::VecDeque::new();
        while b < limit {
            let h = hr[b];
            if !h.is_nan() {
                window.push_back((m.t[b], h));
            }
            while window.front().is_some_and(|&(t, _)| m.t[b] - t > 30.0) {
                window.pop_front();
            }
            let mean = if window.is_empty() {
                f64::NAN
            } else {
                window.iter().map(|&(_, h)| f64::from(h)).sum::<f64>() / window.len() as f64
            };
            // Without a heart rate to tell (a dropout, a removed flat-line), only clearly
            // faster running than the easy running goes on.
            let working = if mean.is_nan() {
                f64::from(smooth[b]) >= 1.10 * base
            } else {
                mean >= late - MERGE_HR_DROP_BPM && f64::from(smooth[b]) >= 1.05 * base
            };
            if !working || f64::from(m.stop_before[b]) >= STOP_SPLIT_S {
                break;
            }
            b += 1;
        }
        out[j].b = b;
    }
    out
}

/// A rep cut in two by a stop (a traffic light): two neighbouring pieces with no running
/// between them, each shorter than the session's typical rep and together about as long as it
/// (within 25 %), are one rep. Standing rests between reps do not qualify: each piece is a whole
/// rep there.
fn rejoin_split_reps(m: &Moving, work: Vec<Span>) -> Vec<Span> {
    if work.len() < 3 {
        return work;
    }
    let mut d: Vec<f64> = work.iter().map(|w| duration(m, *w)).collect();
    d.sort_by(f64::total_cmp);
    let typical = d[d.len() / 2];
    let mut out: Vec<Span> = Vec::with_capacity(work.len());
    for w in work {
        if let Some(last) = out.last_mut() {
            let (a, b) = (duration(m, *last), duration(m, w));
            let between = duration(m, Span { a: last.b, b: w.a });
            if between < MERGE_GAP_S
                && a < 0.85 * typical
                && b < 0.85 * typical
                && (a + b - typical).abs() <= 0.25 * typical
            {
                last.b = w.b;
                continue;
            }
        }
        out.push(w);
    }
    out
}

/// Work raises the heart rate: a stretch of a minute or more whose second half is neither
/// [`WORK_HR_RISE_BPM`] above the running just before it nor 10 bpm above the running before the
/// first stretch is a descent or a pace wobble, not work (kept when there is no heart rate).
fn work_by_heart_rate(track: &Track<'_>, m: &Moving, work: Vec<Span>) -> Vec<Span> {
    let mut prev_end = 0;
    let mut out = Vec::with_capacity(work.len());
    // The easy running before the first stretch: work is well above it whatever came between.
    let warm = work.first().and_then(|w| mean_hr(track, m, Span { a: 0, b: w.a }).0);
    for w in work {
        let before = Span { a: prev_end, b: w.a };
        prev_end = w.b;
        if duration(m, w) < 60.0 || before.b <= before.a {
            out.push(w);
            continue;
        }
        let late = mean_hr(track, m, w).1;
        let keep = match (late, mean_hr(track, m, before).0) {
            (Some(late), Some(prior)) => {
                late >= prior + WORK_HR_RISE_BPM || warm.is_some_and(|h| late >= h + 10.0)
            }
            _ => true,
        };
        if keep {
            out.push(w);
        }
    }
    out
}

/// Least rise of a work stretch's heart rate over the running before it, bpm.
pub const WORK_HR_RISE_BPM: f64 = 4.0;

/// Least raw speed of work against the running outside it.
pub const MIN_RAW_WORK_RATIO: f64 = 1.05;

/// Mean heart rate over `[a, b)` of the moving samples, and over its second half.
fn mean_hr(track: &Track<'_>, m: &Moving, s: Span) -> (Option<f64>, Option<f64>) {
    let total = duration(m, s);
    let (mut sum, mut w, mut late, mut late_w, mut t) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for k in s.a..s.b {
        let i = m.idx[k] as usize;
        if let Some(h) = track.hr(i) {
            let hw = track.hr_weight(i);
            sum += f64::from(h) * hw;
            w += hw;
            if t >= total / 2.0 {
                late += f64::from(h) * hw;
                late_w += hw;
            }
        }
        t += f64::from(m.mv[k]);
    }
    ((w > 0.0).then(|| sum / w), (late_w > 0.0).then(|| late / late_w))
}

/// Two work stretches are one when what lies between them is no recovery: under
/// [`MERGE_GAP_S`] of slower running, or up to [`MERGE_HR_GAP_S`] in which the heart rate
/// stays within [`MERGE_HR_DROP_BPM`] of the work's (a climb in a race, a turn, a drinks
/// station — a recovery lets it fall 15–30 bpm within a minute or two). Never across a long
/// stop.
fn merge(track: &Track<'_>, m: &Moving, work: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(work.len());
    for w in work {
        if let Some(last) = out.last_mut() {
            let gap = Span { a: last.b, b: w.a };
            let stopped: f64 =
                m.stop_before[gap.a..=gap.b.min(m.len() - 1)].iter().map(|&x| f64::from(x)).sum();
            let d = duration(m, gap);
            // A jog is a recovery however slowly the heart rate falls (slow kinetics, short
            // jogs): the gap must also be run near the work's effort speed (a climb or a drinks
            // station in a race slows the grade-adjusted speed a little, a jog a lot).
            let near_work_speed = mean_effort(m, gap)
                >= MERGE_HR_MIN_SPEED_SHARE * mean_effort(m, *last).min(mean_effort(m, w));
            let no_recovery = d <= MERGE_HR_GAP_S
                && near_work_speed
                && match (mean_hr(track, m, *last).1, mean_hr(track, m, gap).0) {
                    (Some(work_hr), Some(gap_hr)) => gap_hr >= work_hr - MERGE_HR_DROP_BPM,
                    _ => false,
                };
            if stopped < STOP_SPLIT_S && (d < MERGE_GAP_S || no_recovery) {
                last.b = w.b;
                continue;
            }
        }
        out.push(w);
    }
    out
}

fn strides(track: &Track<'_>, m: &Moving, base: Option<f64>, work: &[Span]) -> Strides {
    let Some(base) = base.filter(|&b| b >= 1.0) else {
        return Strides::default();
    };
    // Strides are fast in raw and in grade-adjusted speed alike (a climb's grade credit is no
    // stride, nor is the speed a descent gives): the lower of the two, against the median raw
    // speed of the easy running.
    let low: Vec<f32> = m.raw.iter().zip(&m.effort).map(|(&r, &e)| r.min(e)).collect();
    let s5 = m.smooth_of(&low, STRIDE_WINDOW_S);
    let mut hist = [0.0_f64; BINS];
    for k in 0..m.len() {
        if !work.iter().any(|w| (w.a..w.b).contains(&k)) {
            hist[bin(f64::from(m.raw[k]))] += f64::from(m.mv[k]);
        }
    }
    let base = quantile(&hist, 0.5).unwrap_or(base);
    let threshold = (base * 1.25).max(base + 0.7);
    let mut found = Strides::default();
    let (mut first, mut last) = (None, 0usize);
    let mut speed = 0.0;
    for s in fast_spans(m, &s5, threshold, 3.0, STOP_SPLIT_S) {
        let d = duration(m, s);
        let inside = work.iter().any(|w| s.a < w.b && w.a < s.b);
        if (STRIDE_S.0..=STRIDE_S.1).contains(&d) && !inside && m.t[s.a] >= 0.1 * m.total {
            found.count += 1;
            found.mean_s += d;
            speed += mean_effort(m, s) * d;
            first.get_or_insert(s.a);
            last = s.b;
        }
    }
    if found.count == 0 {
        return found;
    }
    found.speed_mps = speed / found.mean_s;
    found.mean_s /= f64::from(found.count);
    if let Some(a) = first {
        let until = m.t[last.min(m.len() - 1)] + 60.0;
        let (mut sum, mut w) = (0.0, 0.0);
        for k in a..m.len() {
            if m.t[k] > until {
                break;
            }
            let i = m.idx[k] as usize;
            if let Some(h) = track.hr(i) {
                let hw = track.hr_weight(i);
                sum += f64::from(h) * hw;
                w += hw;
            }
        }
        found.hr = (w > 0.0).then(|| sum / w);
    }
    found
}

/// Measure the samples `[a, b)` as a part.
fn measure(track: &Track<'_>, m: &Moving, s: Span, kind: PartKind) -> Part {
    let total = duration(m, s);
    let skip = if total >= 300.0 { 90.0 } else { 0.0 };
    let mut hist = [0.0_f64; 256];
    let (mut dist, mut eff, mut t) = (0.0, 0.0, 0.0);
    let (mut late, mut late_w) = (0.0, 0.0);
    let mut stopped = 0.0;
    for k in s.a..s.b {
        let i = m.idx[k] as usize;
        let mv = f64::from(m.mv[k]);
        if k > s.a {
            stopped += f64::from(m.stop_before[k]);
        }
        dist += track.speed(i) * mv;
        eff += f64::from(m.effort[k]) * mv;
        if let Some(h) = track.hr(i) {
            let w = track.hr_weight(i);
            if t >= skip {
                hist[usize::from(h)] += w;
            }
            if t >= total / 2.0 {
                late += f64::from(h) * w;
                late_w += w;
            }
        }
        t += mv;
    }
    let hr = {
        let sum: f64 = hist.iter().sum();
        let mut acc = 0.0;
        let mut out = None;
        if sum > 0.0 {
            for (b, &w) in hist.iter().enumerate() {
                acc += w;
                if acc >= sum / 2.0 {
                    out = Some(b as f64);
                    break;
                }
            }
        }
        out
    };
    Part {
        kind,
        start_s: m.t[s.a],
        duration_s: total,
        distance_m: dist,
        effort_mps: if total > 0.0 { eff / total } else { 0.0 },
        hr,
        hr_late: (late_w > 0.0).then(|| late / late_w),
        stopped_s: stopped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slowburn_formats::Recording;

    /// A 1 Hz flat run from (seconds, m/s, bpm) segments, one lap; speed 0 is standing (timer
    /// running). The classifier's tests build the same runs.
    fn run(segs: &[(usize, f64, u8)]) -> Recording {
        crate::classify::tests::run(segs, None)
    }

    fn seg(rec: &Recording) -> Segmentation {
        segment(&Track::new(rec, &rec.samples.heart_rate))
    }

    fn kinds(s: &Segmentation) -> Vec<PartKind> {
        s.parts.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn a_steady_run_is_one_part() {
        let s = seg(&run(&[(2700, 3.0, 140)]));
        assert_eq!(kinds(&s), vec![PartKind::Run]);
        assert!((s.parts[0].duration_s - 2699.0).abs() < 2.0);
        assert_eq!(s.parts[0].hr, Some(140.0));
        assert_eq!(s.strides.count, 0);
    }

    #[test]
    fn warm_up_block_cool_down() {
        let s = seg(&run(&[(900, 2.8, 130), (1560, 3.8, 165), (600, 2.7, 135)]));
        assert_eq!(kinds(&s), vec![PartKind::WarmUp, PartKind::Work, PartKind::CoolDown]);
        let w = s.parts[1];
        // Smoothing blurs the edges by a few seconds.
        assert!((w.duration_s - 1560.0).abs() < 15.0, "{w:?}");
        assert!((w.distance_m - 1560.0 * 3.8).abs() < 80.0, "{w:?}");
        assert_eq!(w.hr, Some(165.0));
        assert!((s.base_mps.unwrap_or(0.0) - 2.8).abs() < 0.1);
    }

    #[test]
    fn reps_with_jogs_and_with_standing_rests() {
        let mut segs = vec![(900, 2.8, 130)];
        for _ in 0..5 {
            segs.extend([(180, 4.6, 175), (120, 2.2, 140)]);
        }
        segs.push((600, 2.7, 130));
        let s = seg(&run(&segs));
        assert_eq!(s.work_count(), 5, "{:?}", kinds(&s));
        assert_eq!(s.parts.first().map(|p| p.kind), Some(PartKind::WarmUp));
        assert_eq!(s.parts.last().map(|p| p.kind), Some(PartKind::CoolDown));
        // Standing between reps: stops split them.
        let mut segs = vec![(900, 2.8, 130)];
        for _ in 0..6 {
            segs.extend([(150, 4.8, 175), (90, 0.0, 140)]);
        }
        segs.push((600, 2.7, 130));
        assert_eq!(seg(&run(&segs)).work_count(), 6);
    }

    #[test]
    fn strides_are_not_work_whatever_the_laps() {
        let mut segs = vec![(2100, 2.9, 130)];
        for _ in 0..6 {
            segs.extend([(20, 5.5, 138), (70, 1.3, 128)]);
        }
        segs.push((300, 2.9, 131));
        let s = seg(&run(&segs));
        assert_eq!(s.work_count(), 0, "{:?}", kinds(&s));
        assert_eq!(s.strides.count, 6);
        assert!((s.strides.mean_s - 20.0).abs() < 6.0, "{:?}", s.strides);
    }

    #[test]
    fn a_brief_dip_does_not_split_a_race() {
        let s = seg(&run(&[(900, 2.8, 130), (1200, 4.2, 178), (15, 3.2, 176), (1200, 4.2, 180)]));
        assert_eq!(s.work_count(), 1, "{:?}", kinds(&s));
    }

    #[test]
    fn a_race_goes_on_while_the_heart_rate_does() {
        // The last third slower (tiring) at the same heart rate: still the race; then the
        // cool-down, where the heart rate falls.
        let s = seg(&run(&[(900, 2.8, 125), (1500, 4.2, 176), (900, 3.3, 175), (600, 2.6, 130)]));
        let work: Vec<_> = s.work().collect();
        assert_eq!(work.len(), 1, "{:?}", kinds(&s));
        assert!((work[0].duration_s - 2400.0).abs() < 40.0, "{:?}", work[0]);
    }

    #[test]
    fn no_speed_is_one_part() {
        let mut r = run(&[(1800, 3.0, 140)]);
        r.samples.speed_mps.iter_mut().for_each(|v| *v = None);
        r.samples.distance_m.iter_mut().for_each(|v| *v = None);
        let s = seg(&r);
        assert_eq!(kinds(&s), vec![PartKind::Run]);
    }
}
