//! The sport of a recording, decided from what was recorded, and the stretches of a run that
//! were not running (a car, a train, a GPS jump).
//!
//! A file's sport field is often missing (a bike computer without a session, GPX and TCX without
//! a type) or wrong (a ride recorded as a run). [`analyse`] decides from evidence, with physical
//! limits rather than anything tuned to particular files:
//!
//! # What is measured
//! Over the track's intervals ([`Track::for_each_interval`]): the moving-time-weighted median
//! and 95th percentile of speed (distance over timer time per interval), the best sustained
//! speed over 1 km, 10 km (exact, [`best_effort_s`]) and 10 minutes, the share of moving time
//! with a power reading, the median cadence, the share of moving time in intervals longer than a
//! minute (a sparse track, whose straight lines only bound the speed from below), and the climb
//! per km. GPS glitches are discounted first: a sample-to-sample speed beyond what the sport
//! allows ([`FOOT_MAX_MPS`] on foot, [`RIDE_MAX_MPS`] on a bike, [`ANY_MAX_MPS`] otherwise),
//! lasting less than [`VEHICLE_MIN_S`], is a jump, not movement.
//!
//! # Vehicle segments (on foot)
//! A stretch held above [`VEHICLE_MPS`] (30 km/h) for a minute, or above [`VEHICLE_FAST_MPS`]
//! (36 km/h) for [`VEHICLE_MIN_S`] (30 s), is beyond any runner: the 600 m world record
//! averages 8.24 m/s over 1:12.8 and the 300 m world best 9.7 m/s over 30.8 s. Each such
//! stretch is extended back and forward to where the track stood still (nobody gets in or out
//! of a moving car; at most [`VEHICLE_EXTEND_MAX_S`] each way), and stretches less than
//! [`VEHICLE_MERGE_S`] apart (a red light) are one segment. The segments are excluded from the
//! run's moving time, distance, pace, splits and best efforts ([`Track::exclude`]).
//!
//! # The decision
//! * A file that says another sport (cycling, swimming, paddling, …) keeps it. A file whose
//!   sessions are of two or more sports (besides transitions) is multisport.
//! * A file that says **running** (or walking, hiking) keeps its sport unless it cannot be on
//!   foot: after the vehicle segments and jumps are left out, the rest is faster than the men's
//!   world record over 1 km (2:11.96), 10 km (26:11) or 10 minutes ([`RUN_10MIN_MAX_MPS`], the
//!   pace of the 3000 m record), or too little of it is left (under a minute or 200 m), or its
//!   median is beyond a session's running ([`RUN_MEDIAN_MAX_MPS`], 3:00 /km) while it had
//!   vehicle segments, was recorded by a bike computer, or pedalled (a power channel with a
//!   cadence of 50–110 on most of the moving time). Then it is cycling, or driving when the
//!   median is above [`DRIVE_MEDIAN_MPS`] (50 km/h) or the best 10 minutes above
//!   [`DRIVE_10MIN_MPS`] (60 km/h, beyond the UCI hour record's 56.8 km/h).
//! * A file that says **nothing** (generic or no sport): a bike computer (Garmin Edge, Wahoo
//!   ELEMNT, Sigma, Lezyne, Bryton, Hammerhead Karoo, …; see [`bike_computer`]) recording at
//!   9 km/h or more, or with power, is cycling; without speed, a power channel with pedalling
//!   cadence is indoor cycling; under a minute or 200 m, or a sparse track (most moving time in
//!   intervals over a minute) that is not beyond running, stays generic (too little to tell);
//!   beyond running as above, or most of its moving time in vehicle segments, is cycling or
//!   driving; a median from 4.5 m/s (3:42 /km) up with pedalling or with 5 % of its moving time
//!   above 30 km/h (a rider's freewheeling descents, [`RIDE_BURST_MPS`]) is cycling; a median
//!   under [`WALK_MAX_MPS`] (6.8 km/h) with no running cadence (under 135 steps/min) is walking,
//!   or hiking with [`HIKE_MIN_CLIMB_M_PER_KM`] (40 m) of climbing per km or more; the rest is
//!   running.
//!
//! Every call says why in words with the numbers ([`SportCall::reason`]).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use slowburn_formats::Recording;

use crate::metrics::{best_effort_s, Track, STOPPED_SPEED_MPS, WORLD_RECORDS};

/// FIT sport numbers used here.
pub mod fit {
    pub const GENERIC: u8 = 0;
    pub const RUNNING: u8 = 1;
    pub const CYCLING: u8 = 2;
    pub const TRANSITION: u8 = 3;
    pub const WALKING: u8 = 11;
    pub const MOUNTAINEERING: u8 = 16;
    pub const HIKING: u8 = 17;
    pub const MULTISPORT: u8 = 18;
    pub const E_BIKING: u8 = 21;
    pub const DRIVING: u8 = 24;
    /// FIT sub-sport `indoor_cycling`.
    pub const SUB_INDOOR_CYCLING: u8 = 6;
}

/// Fastest sample-to-sample speed on foot, m/s: a hair above the fastest human speed measured
/// (Usain Bolt, 12.4 m/s between 60 and 80 m of the 2009 100 m final).
pub const FOOT_MAX_MPS: f64 = 12.5;
/// Fastest sample-to-sample speed on a bike, m/s (144 km/h; the fastest road descents are
/// about 130 km/h).
pub const RIDE_MAX_MPS: f64 = 40.0;
/// Fastest sample-to-sample speed for anything else recorded by a watch, m/s (360 km/h).
pub const ANY_MAX_MPS: f64 = 100.0;
/// A speed held above this is a vehicle inside a run when held for a minute, m/s (30 km/h).
pub const VEHICLE_MPS: f64 = 30.0 / 3.6;
/// A speed held above this is a vehicle inside a run when held for [`VEHICLE_MIN_S`], m/s
/// (36 km/h, faster than the 300 m world best's 9.7 m/s).
pub const VEHICLE_FAST_MPS: f64 = 10.0;
/// Shortest vehicle stretch, seconds; a faster-than-possible stretch shorter than this is a
/// GPS jump.
pub const VEHICLE_MIN_S: f64 = 30.0;
/// A stretch above [`VEHICLE_MPS`] this long is a vehicle whatever its mean speed, seconds
/// (the 600 m world record averages 8.24 m/s over 72.8 s).
pub const VEHICLE_LONG_S: f64 = 60.0;
/// A dip below [`VEHICLE_MPS`] shorter than this does not end a vehicle stretch, seconds.
pub const VEHICLE_DIP_S: f64 = 10.0;
/// Longest extension of a vehicle stretch to the stop before and after it, seconds.
pub const VEHICLE_EXTEND_MAX_S: f64 = 120.0;
/// Vehicle segments closer than this are one (a red light), seconds.
pub const VEHICLE_MERGE_S: f64 = 120.0;
/// Fastest a human holds for 10 minutes, m/s (2:25 /km, the men's 3000 m record pace:
/// Jakob Ingebrigtsen, 7:17.55 in 2024; a world-class runner covers about 4 km in 10 min).
pub const RUN_10MIN_MAX_MPS: f64 = 3000.0 / 437.55;
/// A session's median moving speed beyond running, m/s (3:00 /km; the marathon record's pace
/// is 2:51 /km, and only a race at that level holds it for a session).
pub const RUN_MEDIAN_MAX_MPS: f64 = 1000.0 / 180.0;
/// A median from here up is fast running or slow riding, m/s (3:42 /km, 16.2 km/h).
pub const RIDE_OR_RUN_MPS: f64 = 4.5;
/// A rider's bursts: 5 % of moving time above this, m/s (30 km/h).
pub const RIDE_BURST_MPS: f64 = 30.0 / 3.6;
/// A median under this is walking, m/s (6.8 km/h, 8:46 /km).
pub const WALK_MAX_MPS: f64 = 1.9;
/// Climbing per km from which a walk is a hike (as the classifier's rule), m/km.
pub const HIKE_MIN_CLIMB_M_PER_KM: f64 = 40.0;
/// A median above this is a motor vehicle, m/s (50 km/h).
pub const DRIVE_MEDIAN_MPS: f64 = 50.0 / 3.6;
/// Best 10 minutes above this is a motor vehicle, m/s (60 km/h).
pub const DRIVE_10MIN_MPS: f64 = 60.0 / 3.6;
/// Held for [`MOTOR_HOLD_S`] on the level (no steeper than [`MOTOR_MAX_DESCENT`] downhill),
/// this speed is a motor's, m/s (70 km/h: a bunch sprint peaks there for 10–15 s, the UCI hour
/// record is 56.8 km/h).
pub const MOTOR_LEVEL_MPS: f64 = 70.0 / 3.6;
/// Seconds [`MOTOR_LEVEL_MPS`] must be held.
pub const MOTOR_HOLD_S: f64 = 30.0;
/// Steepest descent (altitude lost per metre) that still counts as level for
/// [`MOTOR_LEVEL_MPS`].
pub const MOTOR_MAX_DESCENT: f64 = 0.02;
/// A bike computer's recording is a ride from this median speed up, m/s (9 km/h).
pub const BIKE_COMPUTER_MIN_MPS: f64 = 2.5;
/// Pedalling cadence, FIT rpm.
pub const PEDAL_CADENCE: std::ops::RangeInclusive<f64> = 50.0..=110.0;
/// FIT cadence (strides/min) from which the gait is running: 135 steps/min.
pub const RUN_MIN_CADENCE: f64 = 67.5;
/// Least recording to judge a sport by: moving seconds and metres.
pub const MIN_JUDGE_S: f64 = 60.0;
pub const MIN_JUDGE_M: f64 = 200.0;
/// Intervals longer than this are sparse (straight lines between points), seconds.
pub const SPARSE_INTERVAL_S: f64 = 60.0;

/// The sport a recording was called, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SportCall {
    /// FIT sport number (1 running, 2 cycling, 11 walking, 17 hiking, 0 generic …; see
    /// `slowburn_formats::fit::names::sport`).
    pub sport: u8,
    /// FIT sub-sport number (0 generic, 6 indoor cycling, …).
    pub sub_sport: u8,
    /// The sport the file says, if any.
    pub from_file: Option<u8>,
    /// The call differs from the file's sport (a missing sport counts as generic).
    pub changed: bool,
    /// Plain words with the numbers, e.g. "no sport in the file; median 26.1 km/h and a power
    /// channel with a cadence of 84: cycling".
    pub reason: String,
}

/// What a stretch left out of a run was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// Speeds held beyond any runner's: a car, a train, a bus.
    Vehicle,
    /// Sample-to-sample speeds beyond the sport's: the position jumped.
    GpsJump,
}

/// A stretch left out of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// The samples whose forward interval is left out (see [`Track::exclude`]).
    pub samples: Range<usize>,
    /// Seconds from the first timestamped sample to the stretch's start and end.
    pub start_s: f64,
    pub end_s: f64,
    /// Metres the recording counted over it.
    pub distance_m: f64,
    /// Timer seconds over it.
    pub seconds: f64,
}

impl Segment {
    /// Mean speed over the stretch, m/s.
    #[must_use]
    pub fn speed_mps(&self) -> f64 {
        if self.seconds > 0.0 {
            self.distance_m / self.seconds
        } else {
            0.0
        }
    }

    /// The stretch in words: "3.2 km at 48 km/h in a vehicle left out".
    #[must_use]
    pub fn describe(&self) -> String {
        match self.kind {
            SegmentKind::Vehicle => format!(
                "{} at {:.0} km/h in a vehicle left out ({} from {} into the recording)",
                km(self.distance_m),
                self.speed_mps() * 3.6,
                clock(self.seconds),
                clock(self.start_s)
            ),
            SegmentKind::GpsJump => format!(
                "a GPS jump of {:.0} m in {:.0} s ({:.0} km/h) left out",
                self.distance_m,
                self.seconds,
                self.speed_mps() * 3.6
            ),
        }
    }
}

/// The sport call and the stretches to leave out of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct SportAnalysis {
    pub call: SportCall,
    /// Vehicle segments and GPS jumps, in sample order.
    pub excluded: Vec<Segment>,
}

/// The sport of `rec`, from its file and from what `track` (built from it) recorded.
#[must_use]
pub fn infer_sport(rec: &Recording, track: &Track<'_>) -> SportCall {
    analyse(rec, track).call
}

/// The bike computer that recorded `rec`, in words, when its device is one: a Garmin Edge, a
/// Wahoo ELEMNT (not the RIVAL watch), a Sigma, Lezyne, Bryton, Hammerhead (Karoo), `CatEye`,
/// `iGPSport`, Magene, Xplova, Pioneer, Stages Dash or SRM unit, by FIT manufacturer and product
/// or by the free-text name GPX and TCX files carry ("Garmin Edge 500", "EDGE305").
#[must_use]
pub fn bike_computer(rec: &Recording) -> Option<String> {
    let dev = rec.device()?;
    let name = dev.name.as_deref().unwrap_or("").to_lowercase();
    let product = dev.product_name().unwrap_or_default().to_lowercase();
    let words = |s: &str| -> bool {
        s.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
            w.starts_with("edge") || w == "elemnt" || w == "karoo" || w == "lezyne" || w == "bryton"
        }) && !s.contains("rival")
    };
    let by_maker = matches!(
        dev.manufacturer,
        // srm, xplova, pioneer, cateye, stages_cycling, sigmasport, magene, bryton_sensors,
        // igpsport, lezyne, bryton, hammerhead.
        Some(6 | 45 | 48 | 68 | 69 | 70 | 107 | 112 | 115 | 258 | 267 | 289)
    );
    let garmin_edge = matches!(dev.manufacturer, Some(1)) && product.starts_with("edge");
    if garmin_edge || by_maker || words(&name) || words(&product) {
        let maker = dev.manufacturer_name().unwrap_or_default();
        let label = [maker, dev.name.clone().or(dev.product_name()).unwrap_or_default()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Some(if label.is_empty() { "a bike computer".to_owned() } else { label })
    } else {
        None
    }
}

/// What the speed profile of a track (or of what is left of it) says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stats {
    moving_s: f64,
    distance_m: f64,
    median_mps: f64,
    p95_mps: f64,
    best_1km_mps: Option<f64>,
    best_10km_mps: Option<f64>,
    best_10min_mps: Option<f64>,
    /// Share of moving time with a power reading.
    power_share: f64,
    /// Median FIT cadence over moving time with a cadence.
    cadence: Option<f64>,
    /// Share of moving time in intervals longer than [`SPARSE_INTERVAL_S`].
    sparse_share: f64,
}

const SPEED_BIN: f64 = 0.1;
const SPEED_BINS: usize = 600;

impl Stats {
    /// Measure `track` with the intervals of samples flagged in `out` left out (`out` empty:
    /// nothing left out).
    fn of(track: &Track<'_>, out: &[bool]) -> Stats {
        let rec = track.recording();
        let timer = track.timer();
        let dist_raw = track.distance();
        // Cumulative distance without the left-out intervals, only built when needed.
        let cleaned: Option<Vec<f64>> = (!out.is_empty()).then(|| {
            let mut v = Vec::with_capacity(dist_raw.len());
            let mut removed = 0.0;
            let mut prev = dist_raw.first().copied().unwrap_or(0.0);
            for (k, &d) in dist_raw.iter().enumerate() {
                if k > 0 && out.get(k - 1).copied().unwrap_or(false) {
                    removed += d - prev;
                }
                prev = d;
                v.push(d - removed);
            }
            v
        });
        let dist: &[f64] = cleaned.as_deref().unwrap_or(dist_raw);
        let excluded = |j: usize| out.get(j).copied().unwrap_or(false);
        let mut speeds = [0.0_f64; SPEED_BINS];
        let mut cadences = [0.0_f64; 256];
        let (mut moving, mut metres, mut power, mut sparse) = (0.0, 0.0, 0.0, 0.0);
        track.for_each_interval(|j, i| {
            let mv = track.moving_s(j);
            let dt = timer[i] - timer[j];
            if mv <= 0.0 || dt <= 0.0 || excluded(j) {
                return;
            }
            let dd = dist[i] - dist[j];
            let v = dd / dt;
            moving += mv;
            metres += dd * mv / dt;
            speeds[((v / SPEED_BIN) as usize).min(SPEED_BINS - 1)] += mv;
            if rec.samples.power_w.get(j).copied().flatten().is_some_and(|p| p > 0) {
                power += mv;
            }
            if let Some(c) = rec.samples.cadence.get(j).copied().flatten() {
                if c.is_finite() && c > 0.0 {
                    cadences[(c.round() as usize).min(255)] += mv;
                }
            }
            if dt > SPARSE_INTERVAL_S {
                sparse += mv;
            }
        });
        let quantile = |hist: &[f64], q: f64, width: f64| -> Option<f64> {
            let total: f64 = hist.iter().sum();
            if total <= 0.0 {
                return None;
            }
            let mut acc = 0.0;
            for (b, &w) in hist.iter().enumerate() {
                acc += w;
                if acc >= q * total {
                    return Some((b as f64 + 0.5) * width);
                }
            }
            None
        };
        // Windows over the timed samples only (untimed ones before the first carry no time).
        let (timer_t, dist_t) = match track.timed_range() {
            Some((a, b)) if b < timer.len() && b < dist.len() => (&timer[a..=b], &dist[a..=b]),
            _ => (&timer[..0], &dist[..0]),
        };
        let best = |d: f64| best_effort_s(timer_t, dist_t, d).filter(|t| *t > 0.0).map(|t| d / t);
        Stats {
            moving_s: moving,
            distance_m: metres,
            median_mps: quantile(&speeds, 0.5, SPEED_BIN).unwrap_or(0.0),
            p95_mps: quantile(&speeds, 0.95, SPEED_BIN).unwrap_or(0.0),
            best_1km_mps: best(1_000.0),
            best_10km_mps: best(10_000.0),
            best_10min_mps: best_over_time(timer_t, dist_t, 600.0),
            power_share: if moving > 0.0 { power / moving } else { 0.0 },
            cadence: quantile(&cadences, 0.5, 1.0).map(|c| c - 0.5),
            sparse_share: if moving > 0.0 { sparse / moving } else { 0.0 },
        }
    }

    fn too_little(&self) -> bool {
        self.moving_s < MIN_JUDGE_S || self.distance_m < MIN_JUDGE_M
    }

    fn pedalling(&self) -> bool {
        self.power_share >= 0.5 && self.cadence.is_some_and(|c| PEDAL_CADENCE.contains(&c))
    }

    /// The world-record limits this profile breaks, in words (empty: none).
    fn beyond_records(&self) -> Option<String> {
        let wr = |d: f64| WORLD_RECORDS.iter().find(|r| (r.1 - d).abs() < 0.5).map(|r| r.2);
        if let (Some(v), Some(t)) = (self.best_1km_mps, wr(1_000.0)) {
            if v > 1_000.0 / t {
                return Some(format!(
                    "1 km in {} ({:.1} km/h) is faster than the world record ({})",
                    clock(1_000.0 / v),
                    v * 3.6,
                    clock(t)
                ));
            }
        }
        if let (Some(v), Some(t)) = (self.best_10km_mps, wr(10_000.0)) {
            if v > 10_000.0 / t {
                return Some(format!(
                    "10 km in {} ({}) is faster than the world record ({})",
                    clock(10_000.0 / v),
                    pace(v),
                    clock(t)
                ));
            }
        }
        match self.best_10min_mps {
            Some(v) if v > RUN_10MIN_MAX_MPS => Some(format!(
                "{:.2} km in 10 minutes ({}) is faster than any runner holds for that long ({})",
                v * 0.6,
                pace(v),
                pace(RUN_10MIN_MAX_MPS)
            )),
            _ => None,
        }
    }

    fn motor(&self) -> bool {
        self.median_mps > DRIVE_MEDIAN_MPS
            || self.best_10min_mps.is_some_and(|v| v > DRIVE_10MIN_MPS)
    }
}

/// The best mean speed over at least `window_s` of timer time, m/s (two pointers, O(n)).
fn best_over_time(timer: &[f64], dist: &[f64], window_s: f64) -> Option<f64> {
    let n = timer.len().min(dist.len());
    let mut best: Option<f64> = None;
    let mut lo = 0;
    for hi in 0..n {
        if timer[hi] - timer[0] < window_s {
            continue;
        }
        while lo + 1 < hi && timer[hi] - timer[lo + 1] >= window_s {
            lo += 1;
        }
        let dt = timer[hi] - timer[lo];
        if dt >= window_s {
            let v = (dist[hi] - dist[lo]) / dt;
            best = Some(best.map_or(v, |b: f64| b.max(v)));
        }
    }
    best
}

/// The fastest mean speed held for [`MOTOR_HOLD_S`] on the level (see [`MOTOR_LEVEL_MPS`]),
/// when it is a motor's: the best such window's speed, m/s. Needs altitude at both ends.
fn motor_on_the_level(track: &Track<'_>, iv: &[(usize, usize, f64, f64)]) -> Option<f64> {
    let alt = &track.recording().samples.altitude_m;
    let at = |k: usize| alt.get(k).copied().flatten().filter(|a| a.is_finite()).map(f64::from);
    let (mut lo, mut secs, mut metres) = (0usize, 0.0, 0.0);
    let mut best: Option<f64> = None;
    for (hi, x) in iv.iter().enumerate() {
        secs += x.2;
        metres += x.3;
        while lo < hi && secs - iv[lo].2 >= MOTOR_HOLD_S {
            secs -= iv[lo].2;
            metres -= iv[lo].3;
            lo += 1;
        }
        if secs < MOTOR_HOLD_S || metres <= 0.0 {
            continue;
        }
        let v = metres / secs;
        if v <= MOTOR_LEVEL_MPS || v > ANY_MAX_MPS {
            continue;
        }
        if let (Some(a), Some(b)) = (at(iv[lo].0), at(x.1)) {
            if (b - a) / metres >= -MOTOR_MAX_DESCENT {
                best = Some(best.map_or(v, |m: f64| m.max(v)));
            }
        }
    }
    best
}

/// Interval speeds of a track: (owner sample, end sample, timer s, metres).
fn intervals(track: &Track<'_>) -> Vec<(usize, usize, f64, f64)> {
    let timer = track.timer();
    let dist = track.distance();
    let mut v = Vec::with_capacity(track.len());
    track.for_each_interval(|j, i| v.push((j, i, timer[i] - timer[j], dist[i] - dist[j])));
    v
}

/// Stretches of consecutive intervals faster than `max_mps`, shorter than [`VEHICLE_MIN_S`]
/// (longer ones are vehicles, found separately), outside `skip`.
fn jumps(
    track: &Track<'_>,
    iv: &[(usize, usize, f64, f64)],
    max_mps: f64,
    skip: &[bool],
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < iv.len() {
        let fast = |x: &(usize, usize, f64, f64)| x.2 > 0.0 && x.3 / x.2 > max_mps;
        if !fast(&iv[k]) || skip.get(iv[k].0).copied().unwrap_or(false) {
            k += 1;
            continue;
        }
        let start = k;
        while k < iv.len() && fast(&iv[k]) && !skip.get(iv[k].0).copied().unwrap_or(false) {
            k += 1;
        }
        let secs: f64 = iv[start..k].iter().map(|x| x.2).sum();
        // A long fast stretch on a sparse track (one interval of minutes) is a jump too: no
        // human covered it on foot, and it is not a vehicle's sustained speed either.
        if secs < VEHICLE_MIN_S || k - start == 1 {
            out.push(segment(track, SegmentKind::GpsJump, iv[start].0, iv[k - 1].1));
        }
    }
    out
}

/// Vehicle segments of a track on foot (see the module docs), outside GPS jumps faster than
/// [`ANY_MAX_MPS`].
fn vehicles(track: &Track<'_>, iv: &[(usize, usize, f64, f64)]) -> Vec<Segment> {
    let speed = |x: &(usize, usize, f64, f64)| if x.2 > 0.0 { x.3 / x.2 } else { 0.0 };
    // Cores: runs above VEHICLE_MPS, bridging dips shorter than VEHICLE_DIP_S.
    let mut cores: Vec<(usize, usize)> = Vec::new(); // interval index range, inclusive
    let mut k = 0;
    while k < iv.len() {
        if speed(&iv[k]) <= VEHICLE_MPS || speed(&iv[k]) > ANY_MAX_MPS {
            k += 1;
            continue;
        }
        let start = k;
        let mut last_fast = k;
        let mut dip = 0.0;
        k += 1;
        while k < iv.len() {
            let v = speed(&iv[k]);
            if v > VEHICLE_MPS && v <= ANY_MAX_MPS {
                last_fast = k;
                dip = 0.0;
            } else {
                dip += iv[k].2;
                if dip >= VEHICLE_DIP_S {
                    break;
                }
            }
            k += 1;
        }
        k = last_fast + 1;
        let secs: f64 = iv[start..=last_fast].iter().map(|x| x.2).sum();
        let metres: f64 = iv[start..=last_fast].iter().map(|x| x.3).sum();
        let mean = if secs > 0.0 { metres / secs } else { 0.0 };
        if secs >= VEHICLE_LONG_S || (secs >= VEHICLE_MIN_S && mean > VEHICLE_FAST_MPS) {
            cores.push((start, last_fast));
        }
    }
    // Extend to the stops around them, then merge those close together.
    let stopped = |x: &(usize, usize, f64, f64)| {
        track.moving_s(x.0) <= 0.0 || (x.2 > 0.0 && speed(x) < STOPPED_SPEED_MPS)
    };
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(cores.len());
    for (a, b) in cores {
        let (mut lo, mut hi) = (a, b);
        let mut ext = 0.0;
        while lo > 0 && !stopped(&iv[lo - 1]) && ext + iv[lo - 1].2 <= VEHICLE_EXTEND_MAX_S {
            lo -= 1;
            ext += iv[lo].2;
        }
        ext = 0.0;
        while hi + 1 < iv.len()
            && !stopped(&iv[hi + 1])
            && ext + iv[hi + 1].2 <= VEHICLE_EXTEND_MAX_S
        {
            hi += 1;
            ext += iv[hi].2;
        }
        match spans.last_mut() {
            Some(last) if lo <= last.1 + 1 || gap_s(iv, last.1, lo) < VEHICLE_MERGE_S => {
                last.1 = last.1.max(hi);
            }
            _ => spans.push((lo, hi)),
        }
    }
    spans.into_iter().map(|(a, b)| segment(track, SegmentKind::Vehicle, iv[a].0, iv[b].1)).collect()
}

/// Timer seconds of the intervals strictly between interval indices `a` and `b`.
fn gap_s(iv: &[(usize, usize, f64, f64)], a: usize, b: usize) -> f64 {
    if b <= a + 1 {
        return 0.0;
    }
    iv[a + 1..b].iter().map(|x| x.2).sum()
}

fn segment(track: &Track<'_>, kind: SegmentKind, from: usize, to: usize) -> Segment {
    let t0 = track.timed_range().and_then(|(a, _)| track.time_ms(a)).unwrap_or(0);
    let at = |k: usize| track.time_ms(k).map_or(0.0, |t| (t - t0) as f64 / 1000.0);
    Segment {
        kind,
        samples: from..to,
        start_s: at(from),
        end_s: at(to),
        distance_m: track.distance()[to] - track.distance()[from],
        seconds: track.timer()[to] - track.timer()[from],
    }
}

/// Flags of the samples whose interval a set of segments leaves out.
fn mask(n: usize, segs: &[Segment]) -> Vec<bool> {
    let mut out = vec![false; n];
    for s in segs {
        for f in out.iter_mut().take(s.samples.end.min(n)).skip(s.samples.start) {
            *f = true;
        }
    }
    out
}

/// Decide the sport of `rec` and the stretches to leave out (see the module docs).
#[must_use]
pub fn analyse(rec: &Recording, track: &Track<'_>) -> SportAnalysis {
    let from_file = rec.sport.map(|s| s.sport);
    let file_sub = rec.sport.map_or(0, |s| s.sub_sport);
    let file_name = from_file.map(sport_name);
    let call = |sport: u8, sub_sport: u8, reason: String| SportCall {
        sport,
        sub_sport,
        from_file,
        changed: sport != from_file.unwrap_or(fit::GENERIC),
        reason,
    };

    // Multisport: sessions of two or more sports besides transitions.
    let mut sports: Vec<u8> = Vec::new();
    for s in &rec.sessions {
        if let Some(sp) = s.sport.filter(|&sp| sp != fit::TRANSITION) {
            if !sports.contains(&sp) {
                sports.push(sp);
            }
        }
    }
    let iv = intervals(track);
    let n = track.len();
    if sports.len() >= 2 {
        let names: Vec<String> = sports.iter().map(|&s| sport_name(s)).collect();
        let excluded = jumps(track, &iv, ANY_MAX_MPS, &[]);
        let reason = format!(
            "the file holds {} sessions of {} sports ({}): multisport",
            rec.sessions.len(),
            sports.len(),
            names.join(", ")
        );
        return SportAnalysis { call: call(fit::MULTISPORT, 0, reason), excluded };
    }

    let says = from_file.unwrap_or(fit::GENERIC);
    let on_foot = matches!(says, fit::RUNNING | fit::WALKING | fit::MOUNTAINEERING | fit::HIKING);
    if !on_foot && says != fit::GENERIC {
        let max =
            if matches!(says, fit::CYCLING | fit::E_BIKING) { RIDE_MAX_MPS } else { ANY_MAX_MPS };
        let excluded =
            if matches!(says, 20 | 26 | 34) { Vec::new() } else { jumps(track, &iv, max, &[]) };
        let reason = format!("the file says {}", sport_name(says));
        return SportAnalysis { call: call(says, file_sub, reason), excluded };
    }

    // On foot, or nothing said: measure the run with vehicles and jumps left out.
    let veh = vehicles(track, &iv);
    let veh_mask = mask(n, &veh);
    let foot_jumps = jumps(track, &iv, FOOT_MAX_MPS, &veh_mask);
    let mut foot_out: Vec<Segment> = veh.iter().cloned().chain(foot_jumps).collect();
    foot_out.sort_by_key(|s| s.samples.start);
    let rest = Stats::of(track, &mask(n, &foot_out));
    let whole_jumps = jumps(track, &iv, RIDE_MAX_MPS, &[]);
    let whole = Stats::of(track, &mask(n, &whole_jumps));
    let bike = bike_computer(rec);
    let veh_m: f64 = veh.iter().map(|s| s.distance_m).sum();
    let veh_s: f64 = veh.iter().map(|s| s.seconds).sum();
    let veh_moving: f64 =
        veh.iter().flat_map(|s| s.samples.clone()).map(|k| track.moving_s(k)).sum();
    let veh_words = || veh.iter().map(Segment::describe).collect::<Vec<_>>().join("; ");
    let level = motor_on_the_level(track, &iv);
    let not_on_foot = |why: String| -> SportAnalysis {
        let (sport, what) = match level {
            Some(v) => (
                fit::DRIVING,
                format!(
                    "{:.0} km/h held for {MOTOR_HOLD_S:.0} s on the level, a motor vehicle's",
                    v * 3.6
                ),
            ),
            None if whole.motor() => (
                fit::DRIVING,
                format!("a median of {:.0} km/h, a motor vehicle's", whole.median_mps * 3.6),
            ),
            None => (fit::CYCLING, String::new()),
        };
        let excluded = if sport == fit::CYCLING { whole_jumps.clone() } else { Vec::new() };
        let reason = if what.is_empty() {
            format!("{why}: {}", sport_name(sport))
        } else {
            format!("{why}; {what}: {}", sport_name(sport))
        };
        SportAnalysis { call: call(sport, 0, reason), excluded }
    };
    let foot_result = |sport: u8, sub: u8, why: String| -> SportAnalysis {
        let reason = if veh.is_empty() { why } else { format!("{why}; {}", veh_words()) };
        SportAnalysis { call: call(sport, sub, reason), excluded: foot_out.clone() }
    };
    let profile_words = |s: &Stats| -> String {
        let mut w = format!("median {} ({:.1} km/h)", pace(s.median_mps), s.median_mps * 3.6);
        if let Some(v) = s.best_1km_mps {
            w += &format!(", best 1 km {}", pace(v));
        }
        if let Some(c) = s.cadence.filter(|_| s.power_share < 0.5) {
            w += &format!(", cadence {:.0}", c * 2.0);
            w += " steps/min";
        }
        w
    };

    if on_foot {
        let name = file_name.clone().unwrap_or_default();
        if whole.too_little() {
            let reason = if whole.distance_m <= 0.0 {
                format!("the file says {name}; no timed speed or distance to judge it by")
            } else {
                format!(
                    "the file says {name}; too little recorded to judge ({:.0} s, {:.0} m)",
                    whole.moving_s, whole.distance_m
                )
            };
            return SportAnalysis { call: call(says, file_sub, reason), excluded: foot_out };
        }
        let beyond_median = rest.median_mps > RUN_MEDIAN_MAX_MPS;
        let why = if let Some(r) = rest.beyond_records() {
            let left = if veh.is_empty() {
                String::new()
            } else {
                " even without its vehicle segments".to_owned()
            };
            Some(format!(
                "the file says {name}, but it cannot be{left}: {r}; median {:.1} km/h",
                whole.median_mps * 3.6
            ))
        } else if !veh.is_empty() && rest.too_little() {
            Some(format!(
                "the file says {name}, but {} of its {} ({}) was faster than anyone runs, and too little is left ({:.0} s, {:.0} m)",
                km(veh_m), km(veh_m + rest.distance_m), clock(veh_s), rest.moving_s, rest.distance_m
            ))
        } else if beyond_median && !veh.is_empty() {
            Some(format!(
                "the file says {name}, but it holds {} above 30 km/h and the rest has a median of {:.1} km/h, beyond a runner's session",
                km(veh_m), rest.median_mps * 3.6
            ))
        } else if beyond_median && (bike.is_some() || rest.pedalling()) {
            let by = match &bike {
                Some(b) => format!("recorded by a bike computer ({b})"),
                None => format!(
                    "a power channel with a pedalling cadence of {:.0}",
                    rest.cadence.unwrap_or(0.0)
                ),
            };
            Some(format!(
                "the file says {name}, but it was {by}, with a median of {:.1} km/h",
                rest.median_mps * 3.6
            ))
        } else {
            None
        };
        if let Some(why) = why {
            return not_on_foot(why);
        }
        let reason = format!("the file says {name}; {}: plausible", profile_words(&rest));
        return foot_result(says, file_sub, reason);
    }

    // Nothing said.
    let none = "no sport in the file";
    if let Some(b) = &bike {
        if whole.median_mps >= BIKE_COMPUTER_MIN_MPS || whole.power_share >= 0.5 {
            let power = if whole.power_share >= 0.5 { " and a power channel" } else { "" };
            return not_on_foot(format!(
                "{none}; recorded by a bike computer ({b}), median {:.1} km/h{power}",
                whole.median_mps * 3.6
            ));
        }
    }
    if !track.has_speed() || whole.distance_m <= 0.0 {
        let all = Stats::of(track, &[]);
        // Indoors: pedalling without speed is a trainer.
        if all.pedalling() {
            let reason = format!(
                "{none} and no speed; a power channel with a pedalling cadence of {:.0}: indoor cycling",
                all.cadence.unwrap_or(0.0)
            );
            return SportAnalysis {
                call: call(fit::CYCLING, fit::SUB_INDOOR_CYCLING, reason),
                excluded: Vec::new(),
            };
        }
        let reason = format!("{none}, and no timed speed or distance to judge it by: left generic");
        return SportAnalysis { call: call(fit::GENERIC, file_sub, reason), excluded: Vec::new() };
    }
    if whole.too_little() {
        let reason = format!(
            "{none}, and too little recorded to judge ({:.0} s, {:.0} m): left generic",
            whole.moving_s, whole.distance_m
        );
        return SportAnalysis { call: call(fit::GENERIC, file_sub, reason), excluded: foot_out };
    }
    if let Some(r) = rest.beyond_records() {
        return not_on_foot(format!("{none}; {r}; median {:.1} km/h", whole.median_mps * 3.6));
    }
    if !veh.is_empty() && (rest.too_little() || rest.moving_s < 0.5 * whole.moving_s) {
        return not_on_foot(format!(
            "{none}; {} of its {} in stretches held above 30 km/h ({} of its {} moving time)",
            km(veh_m),
            km(whole.distance_m),
            clock(veh_moving),
            clock(whole.moving_s)
        ));
    }
    if rest.median_mps > RUN_MEDIAN_MAX_MPS {
        return not_on_foot(format!(
            "{none}; median {:.1} km/h over {}, beyond a runner's session",
            rest.median_mps * 3.6,
            clock(rest.moving_s)
        ));
    }
    if rest.median_mps >= RIDE_OR_RUN_MPS && (rest.pedalling() || whole.p95_mps > RIDE_BURST_MPS) {
        let why = if rest.pedalling() {
            format!(
                "a power channel with a pedalling cadence of {:.0}",
                rest.cadence.unwrap_or(0.0)
            )
        } else {
            format!("5 % of its moving time above {:.1} km/h", whole.p95_mps * 3.6)
        };
        return not_on_foot(format!("{none}; median {:.1} km/h with {why}", rest.median_mps * 3.6));
    }
    if rest.sparse_share > 0.5 {
        let reason = format!(
            "{none}; its points are minutes apart, so its speeds are straight lines (at least {:.1} km/h): too sparse to tell, left generic",
            rest.median_mps * 3.6
        );
        return SportAnalysis { call: call(fit::GENERIC, file_sub, reason), excluded: foot_out };
    }
    let running_cadence = rest.cadence.is_some_and(|c| c >= RUN_MIN_CADENCE);
    if rest.median_mps < WALK_MAX_MPS && !running_cadence {
        let climb = track
            .elevation_gain_loss()
            .map(|(g, _)| g)
            .filter(|_| rest.distance_m >= 100.0)
            .map(|g| g / rest.distance_m * 1000.0);
        return match climb {
            Some(c) if c >= HIKE_MIN_CLIMB_M_PER_KM => foot_result(
                fit::HIKING,
                0,
                format!("{none}; {}, {c:.0} m of climbing per km: hiking", profile_words(&rest)),
            ),
            _ => foot_result(fit::WALKING, 0, format!("{none}; {}: walking", profile_words(&rest))),
        };
    }
    foot_result(fit::RUNNING, 0, format!("{none}; {}: running", profile_words(&rest)))
}

/// The FIT profile's name of a sport number.
fn sport_name(sport: u8) -> String {
    slowburn_formats::Sport { sport, sub_sport: 0 }.sport_name().replace('_', " ")
}

fn km(m: f64) -> String {
    format!("{:.1} km", m / 1000.0)
}

/// Seconds as `h:mm:ss` or `m:ss`.
fn clock(s: f64) -> String {
    let t = s.max(0.0).round() as u64;
    let (h, m, sec) = (t / 3600, (t % 3600) / 60, t % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// A speed as a pace, `m:ss /km`.
fn pace(mps: f64) -> String {
    if mps > 0.0 {
        format!("{} /km", clock(1000.0 / mps))
    } else {
        "– /km".to_owned()
    }
}
