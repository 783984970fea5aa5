//! The sport of a recording, decided from what was recorded, and the stretches of a run that
//! were not running (a car, a train, a GPS jump).
//!
//! A file's sport field is often missing (a bike computer without a session, GPX and TCX without
//! a type) or wrong (a ride recorded as a run). [`analyse`] decides from evidence, with physical
//! limits rather than anything tuned to particular files:
//!
//! # What is measured
//! Over the track's intervals ([`Track::for_each_interval`]), in one pass: the moving-time
//! weighted median and 95th percentile of speed (distance over timer time per interval), the
//! best sustained speed over 1 km, 10 km and 10 minutes, the share of moving time with a power
//! reading, the median cadence, the share of moving time in intervals longer than a minute (a
//! sparse track, whose straight lines only bound the speed from below), and the climb per km.
//! Only when some interval is faster than [`VEHICLE_MPS`] are vehicle segments and GPS jumps
//! looked for (so an ordinary run costs that one pass). A GPS jump is a stretch of
//! sample-to-sample speeds beyond what the sport allows ([`FOOT_MAX_MPS`] on foot,
//! [`RIDE_MAX_MPS`] on a bike, [`ANY_MAX_MPS`] otherwise) lasting less than [`VEHICLE_MIN_S`],
//! or a single such interval however long (a sparse track's straight line); it is discounted
//! before anything is judged.
//!
//! # Vehicle segments (on foot)
//! A stretch held above [`VEHICLE_MPS`] (30 km/h) for [`VEHICLE_LONG_S`] (a minute), or above
//! [`VEHICLE_FAST_MPS`] (36 km/h) for [`VEHICLE_MIN_S`] (30 s), dips under
//! [`VEHICLE_DIP_S`] bridged, is beyond any runner: the 600 m world record averages 8.24 m/s
//! over 1:12.8 and the 300 m world best 9.74 m/s over 30.8 s. Each such stretch is extended
//! back and forward to where the track stood still (nobody gets in or out of a moving car; at
//! most [`VEHICLE_EXTEND_MAX_S`] each way), and stretches less than [`VEHICLE_MERGE_S`] apart
//! (a red light, a station) are one segment. The segments are left out of the run's moving
//! time, distance, pace, splits and best efforts ([`Track::exclude`]), and named in words
//! ([`Segment::describe`]: "4.5 km at 54 km/h in a vehicle left out (…)").
//!
//! # The decision
//! Not on foot means cycling, or driving when a motor shows: a median above
//! [`DRIVE_MEDIAN_MPS`] (50 km/h), the best 10 minutes above [`DRIVE_10MIN_MPS`] (60 km/h,
//! beyond the UCI hour record's 56.8 km/h), or [`MOTOR_LEVEL_MPS`] (70 km/h) held for
//! [`MOTOR_HOLD_S`] (30 s) with no more than a [`MOTOR_MAX_DESCENT`] (2 %) descent.
//! * A file that says another sport (cycling, swimming, paddling, …) keeps it. A file whose
//!   sessions are of two or more sports (besides transitions) is multisport.
//! * A file that says **running** (or walking, hiking) keeps its sport unless it cannot be on
//!   foot: after the vehicle segments and jumps are left out, the rest is faster than the men's
//!   world record over 1 km (2:11.96) or 10 km (26:11), or than [`RUN_10MIN_MAX_MPS`] over
//!   10 minutes (the 3000 m record's pace); or it had vehicle segments and too little is left
//!   (under a minute or 200 m); or the rest's median is beyond a session's running
//!   ([`RUN_MEDIAN_MAX_MPS`], 3:00 /km) while it had vehicle segments, was recorded by a bike
//!   computer, or pedalled (a power channel on half the moving time with a median cadence of
//!   50–110). A run at a plausible pace stays a run, however fast.
//! * A file that says **nothing** (generic or no sport), in this order: a bike computer
//!   (Garmin Edge, Wahoo ELEMNT, Sigma, Lezyne, Bryton, Hammerhead Karoo, …; see
//!   [`bike_computer`]) recording at [`BIKE_COMPUTER_MIN_MPS`] (9 km/h) or more, or with power,
//!   is cycling; without timed speed or distance, pedalling is indoor cycling, anything else
//!   stays generic; under a minute or 200 m stays generic; beyond the records as above, or with
//!   vehicle segments covering half its moving time or more, or a median beyond a session's
//!   running, is not on foot; a median from [`RIDE_OR_RUN_MPS`] (16.2 km/h) up with pedalling
//!   or with 5 % of its moving time above [`RIDE_BURST_MPS`] (30 km/h, a rider's descents) is
//!   cycling; a sparse track (most moving time in intervals over a minute) stays generic (its
//!   straight lines cannot tell walking from riding); a median under [`WALK_MAX_MPS`]
//!   (7.2 km/h, the walk–run transition) without a running cadence (135 steps/min) is walking,
//!   or hiking with [`HIKE_MIN_CLIMB_M_PER_KM`] (40 m) of climbing per km; the rest is running,
//!   with any vehicle segments left out.
//!
//! Every call says why in words with the numbers ([`SportCall::reason`]).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use slowburn_formats::Recording;

use crate::metrics::{Track, STOPPED_SPEED_MPS, WORLD_RECORDS};

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
/// A median under this is walking, m/s (7.2 km/h, 8:20 /km): people change from walking to
/// running at about 2.0 m/s (Hreljac A. (1993), "Preferred and energetically optimal gait
/// transition speeds in human locomotion", *Med. Sci. Sports Exerc.* 25(10):1158–1162:
/// 2.06 ± 0.09 m/s).
pub const WALK_MAX_MPS: f64 = 2.0;
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
    /// Fastest interval (moving or not), m/s.
    max_mps: f64,
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
        // (moving seconds, seconds × value) per bin.
        let mut speeds = [(0.0_f64, 0.0_f64); SPEED_BINS];
        let mut cadences = [(0.0_f64, 0.0_f64); 256];
        let (mut moving, mut metres, mut power, mut sparse) = (0.0, 0.0, 0.0, 0.0);
        let mut max_mps = 0.0_f64;
        track.for_each_interval(|j, i| {
            let dt = timer[i] - timer[j];
            if dt <= 0.0 || excluded(j) {
                return;
            }
            let dd = dist[i] - dist[j];
            let v = dd / dt;
            max_mps = max_mps.max(v);
            let mv = track.moving_s(j);
            if mv <= 0.0 {
                return;
            }
            moving += mv;
            metres += v * mv;
            let b = &mut speeds[((v * (1.0 / SPEED_BIN)) as usize).min(SPEED_BINS - 1)];
            b.0 += mv;
            b.1 += mv * v;
            if rec.samples.power_w.get(j).copied().flatten().is_some_and(|p| p > 0) {
                power += mv;
            }
            if let Some(c) = rec.samples.cadence.get(j).copied().flatten() {
                if c.is_finite() && c > 0.0 {
                    // (Rounding by hand: `f32::round` is a libm call.)
                    let b = &mut cadences[((c + 0.5) as usize).min(255)];
                    b.0 += mv;
                    b.1 += mv * f64::from(c);
                }
            }
            if dt > SPARSE_INTERVAL_S {
                sparse += mv;
            }
        });
        // The weighted quantile: the mean value of the bin it falls in (exact for a constant).
        let quantile = |hist: &[(f64, f64)], q: f64| -> Option<f64> {
            let total: f64 = hist.iter().map(|b| b.0).sum();
            if total <= 0.0 {
                return None;
            }
            let mut acc = 0.0;
            for &(w, sum) in hist {
                acc += w;
                if w > 0.0 && acc >= q * total {
                    return Some(sum / w);
                }
            }
            None
        };
        // Windows over the timed samples only (untimed ones before the first carry no time).
        let (timer_t, dist_t) = match track.timed_range() {
            Some((a, b)) if b < timer.len() && b < dist.len() => (&timer[a..=b], &dist[a..=b]),
            _ => (&timer[..0], &dist[..0]),
        };
        let [t1, t10] = best_times(timer_t, dist_t, [1_000.0, 10_000.0]);
        let speed_of = |t: Option<f64>, d: f64| t.filter(|t| *t > 0.0).map(|t| d / t);
        Stats {
            moving_s: moving,
            distance_m: metres,
            median_mps: quantile(&speeds, 0.5).unwrap_or(0.0),
            p95_mps: quantile(&speeds, 0.95).unwrap_or(0.0),
            best_1km_mps: speed_of(t1, 1_000.0),
            best_10km_mps: speed_of(t10, 10_000.0),
            best_10min_mps: best_over_time(timer_t, dist_t, 600.0),
            power_share: if moving > 0.0 { power / moving } else { 0.0 },
            cadence: quantile(&cadences, 0.5),
            sparse_share: if moving > 0.0 { sparse / moving } else { 0.0 },
            max_mps,
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

/// Fastest timer time (s) over each distance of `ds`, from windows ending at a sample with
/// their start interpolated: one pass for all distances, and within one sample interval of
/// the exact best ([`best_effort_s`] also tries windows starting at a sample).
fn best_times<const K: usize>(timer: &[f64], dist: &[f64], ds: [f64; K]) -> [Option<f64>; K] {
    let n = timer.len().min(dist.len());
    let mut best = [None; K];
    let mut lo = [0_usize; K];
    if n < 2 {
        return best;
    }
    for end in 0..n {
        for k in 0..K {
            let from = dist[end] - ds[k];
            if from < dist[0] {
                continue;
            }
            let l = &mut lo[k];
            while *l + 1 < n && dist[*l + 1] <= from {
                *l += 1;
            }
            let a = *l;
            let t_from = if a + 1 < n && dist[a + 1] > dist[a] {
                timer[a] + (from - dist[a]) / (dist[a + 1] - dist[a]) * (timer[a + 1] - timer[a])
            } else {
                timer[a]
            };
            let t = timer[end] - t_from;
            best[k] = Some(best[k].map_or(t, |b: f64| b.min(t)));
        }
    }
    best
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
    if segs.is_empty() {
        return Vec::new();
    }
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
    let n = track.len();
    // One pass first; the per-interval work below is only needed when some interval is faster
    // than a runner (a vehicle, a jump or a ride), so an ordinary run costs one pass.
    let all = Stats::of(track, &[]);
    let fast = all.max_mps > VEHICLE_MPS.min(FOOT_MAX_MPS);
    let iv = if fast { intervals(track) } else { Vec::new() };
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
    let foot_jumps = jumps(track, &iv, FOOT_MAX_MPS, &mask(n, &veh));
    let mut foot_out: Vec<Segment> = veh.iter().cloned().chain(foot_jumps).collect();
    foot_out.sort_by_key(|s| s.samples.start);
    let rest = if foot_out.is_empty() { all } else { Stats::of(track, &mask(n, &foot_out)) };
    let whole_jumps = jumps(track, &iv, RIDE_MAX_MPS, &[]);
    let whole = if whole_jumps.is_empty() { all } else { Stats::of(track, &mask(n, &whole_jumps)) };
    let bike = bike_computer(rec);
    let veh_m: f64 = veh.iter().map(|s| s.distance_m).sum();
    let veh_s: f64 = veh.iter().map(|s| s.seconds).sum();
    let veh_moving: f64 =
        veh.iter().flat_map(|s| s.samples.clone()).map(|k| track.moving_s(k)).sum();
    let veh_words = || veh.iter().map(Segment::describe).collect::<Vec<_>>().join("; ");
    let not_on_foot = |why: String| -> SportAnalysis {
        let (sport, what) = match motor_on_the_level(track, &iv) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use slowburn_formats::{Device, Samples, Sport, Summary};

    /// Pieces of a 1 Hz recording: (seconds, m/s).
    type Piece = (usize, f64);

    struct Build {
        pieces: Vec<Piece>,
        sport: Option<u8>,
        cadence: Option<f32>,
        power: Option<u16>,
        /// Metres of climbing per metre of distance.
        climb: f64,
        device: Option<Device>,
    }

    fn build(pieces: &[Piece]) -> Build {
        Build {
            pieces: pieces.to_vec(),
            sport: Some(fit::RUNNING),
            cadence: None,
            power: None,
            climb: 0.0,
            device: None,
        }
    }

    impl Build {
        fn sport(mut self, s: Option<u8>) -> Self {
            self.sport = s;
            self
        }
        fn cadence(mut self, c: f32) -> Self {
            self.cadence = Some(c);
            self
        }
        fn power(mut self, p: u16) -> Self {
            self.power = Some(p);
            self
        }
        fn climb(mut self, c: f64) -> Self {
            self.climb = c;
            self
        }
        fn device(mut self, d: Device) -> Self {
            self.device = Some(d);
            self
        }
        fn rec(&self) -> Recording {
            let mut s = Samples::default();
            let (mut d, mut t) = (0.0, 0_i64);
            for &(secs, v) in &self.pieces {
                for _ in 0..secs {
                    let i = s.push_empty();
                    s.time[i] = Some(1_600_000_000_000 + t * 1000);
                    s.distance_m[i] = Some(d);
                    s.speed_mps[i] = Some(v as f32);
                    s.cadence[i] = self.cadence.filter(|_| v > 0.5);
                    s.power_w[i] = self.power.filter(|_| v > 0.5);
                    s.altitude_m[i] = Some((100.0 + d * self.climb) as f32);
                    d += v;
                    t += 1;
                }
            }
            Recording {
                sport: self.sport.map(|sport| Sport { sport, sub_sport: 0 }),
                samples: s,
                devices: self.device.clone().into_iter().collect(),
                ..Recording::default()
            }
        }
    }

    fn run(b: &Build) -> SportAnalysis {
        let rec = b.rec();
        let hr = rec.samples.heart_rate.clone();
        let track = Track::new(&rec, &hr);
        analyse(&rec, &track)
    }

    #[test]
    fn a_run_at_a_runners_pace_stays_running() {
        // 30 min at 5:00 /km.
        let a = run(&build(&[(1800, 1000.0 / 300.0)]).cadence(85.0));
        assert_eq!((a.call.sport, a.call.changed, a.call.from_file), (1, false, Some(1)));
        assert!(a.excluded.is_empty());
        assert!(
            a.call.reason.starts_with("the file says running; median 5:00 /km"),
            "{}",
            a.call.reason
        );
        assert!(a.call.reason.contains("cadence 170 steps/min"), "{}", a.call.reason);
    }

    #[test]
    fn a_car_inside_a_run_is_left_out() {
        // 10 min at 3 m/s, 30 s standing, 5 min at 15 m/s (54 km/h), 30 s standing, 10 min at
        // 3 m/s: the car's 4.5 km is a vehicle segment, the run stays a run.
        let a = run(&build(&[(600, 3.0), (30, 0.0), (300, 15.0), (30, 0.0), (600, 3.0)]));
        assert_eq!(a.call.sport, 1, "{}", a.call.reason);
        assert_eq!(a.excluded.len(), 1, "{:?}", a.excluded);
        let v = &a.excluded[0];
        assert_eq!(v.kind, SegmentKind::Vehicle);
        // The car's intervals start at sample 630 and end at 930 (the stops are not driven).
        assert_eq!(v.samples, 630..930);
        assert!((v.distance_m - 4500.0).abs() < 1e-9, "{}", v.distance_m);
        assert!((v.speed_mps() - 15.0).abs() < 1e-9);
        assert_eq!(
            v.describe(),
            "4.5 km at 54 km/h in a vehicle left out (5:00 from 10:30 into the recording)"
        );
        assert!(
            a.call.reason.ends_with(
                "4.5 km at 54 km/h in a vehicle left out (5:00 from 10:30 into the recording)"
            ),
            "{}",
            a.call.reason
        );
    }

    #[test]
    fn a_train_with_stops_is_one_vehicle_segment() {
        // 10 min run, 4 min train at 20 m/s, 60 s at a station, 4 min at 20 m/s, 10 min run.
        let a = run(&build(&[
            (600, 3.0),
            (10, 0.0),
            (240, 20.0),
            (60, 0.0),
            (240, 20.0),
            (10, 0.0),
            (600, 3.0),
        ]));
        assert_eq!(a.call.sport, 1);
        assert_eq!(a.excluded.len(), 1, "{:?}", a.excluded);
        assert!((a.excluded[0].distance_m - 9600.0).abs() < 1e-9);
    }

    #[test]
    fn a_short_fast_stretch_is_neither_a_car_nor_a_jump() {
        // 20 s at 9 m/s inside a run: a sprint (the 200 m record averages 10.4 m/s).
        let a = run(&build(&[(600, 3.0), (20, 9.0), (600, 3.0)]));
        assert!(a.excluded.is_empty(), "{:?}", a.excluded);
        // 50 s at 9 m/s is still possible (a 400 m record averages 9.3 m/s over 43 s) ...
        let a = run(&build(&[(600, 3.0), (50, 9.0), (600, 3.0)]));
        assert!(a.excluded.is_empty(), "{:?}", a.excluded);
        // ... 40 s at 11 m/s is not.
        let a = run(&build(&[(600, 3.0), (40, 11.0), (600, 3.0)]));
        assert_eq!(a.excluded.len(), 1);
        assert_eq!(a.excluded[0].kind, SegmentKind::Vehicle);
    }

    #[test]
    fn a_gps_jump_is_left_out() {
        let mut rec = build(&[(1200, 3.0)]).rec();
        // Sample 600's position jumped 300 m ahead and back: +300 m, then +300 m again over
        // two seconds of cumulative (non-decreasing) distance.
        for i in 601..1200 {
            rec.samples.distance_m[i] = rec.samples.distance_m[i].map(|d| d + 600.0);
        }
        rec.samples.distance_m[600] = rec.samples.distance_m[600].map(|d| d + 300.0);
        for v in &mut rec.samples.speed_mps {
            *v = None;
        }
        let hr = rec.samples.heart_rate.clone();
        let track = Track::new(&rec, &hr);
        let a = analyse(&rec, &track);
        assert_eq!(a.call.sport, 1);
        assert_eq!(a.excluded.len(), 1, "{:?}", a.excluded);
        let j = &a.excluded[0];
        assert_eq!((j.kind, j.samples.clone()), (SegmentKind::GpsJump, 599..601));
        assert!((j.distance_m - 606.0).abs() < 1e-9, "{}", j.distance_m);
        assert_eq!(j.describe(), "a GPS jump of 606 m in 2 s (1091 km/h) left out");
    }

    #[test]
    fn a_running_file_faster_than_the_records_is_a_ride() {
        // 20 min at 8 m/s (28.8 km/h, under the vehicle threshold): 1 km in 125 s, faster than
        // Ngeny's 2:11.96.
        let a = run(&build(&[(1200, 8.0)]));
        assert_eq!((a.call.sport, a.call.changed), (fit::CYCLING, true));
        assert_eq!(
            a.call.reason,
            "the file says running, but it cannot be: 1 km in 2:05 (28.8 km/h) is faster than \
             the world record (2:12); median 28.8 km/h: cycling"
        );
        // 20 min at 7 m/s: 1 km in 142.9 s is possible, but 4.2 km in 10 min is faster than
        // the 3000 m record's pace (6.86 m/s).
        let a = run(&build(&[(1200, 7.0)]));
        assert_eq!(a.call.sport, fit::CYCLING, "{}", a.call.reason);
        assert!(a.call.reason.contains("4.20 km in 10 minutes (2:23 /km)"), "{}", a.call.reason);
        // 40 min at 6.5 m/s: 10 km in 25:38, faster than 26:11.
        let a = run(&build(&[(2400, 6.5)]));
        assert!(a.call.reason.contains("10 km in 25:38"), "{}", a.call.reason);
    }

    #[test]
    fn a_fast_but_possible_run_stays_a_run() {
        // An elite 10 km at 2:50 /km (5.88 m/s): faster than any amateur, slower than records.
        let a = run(&build(&[(1700, 1000.0 / 170.0)]).cadence(92.0));
        assert_eq!((a.call.sport, a.call.changed), (1, false), "{}", a.call.reason);
    }

    #[test]
    fn a_running_file_from_a_bike_computer_at_riding_speed_is_a_ride() {
        let edge = Device { manufacturer: Some(1), product: Some(1036), name: None };
        // 6 m/s (21.6 km/h) for 30 min: possible for a runner, not from an Edge 500.
        let a = run(&build(&[(1800, 6.0)]).device(edge.clone()));
        assert_eq!(a.call.sport, fit::CYCLING, "{}", a.call.reason);
        assert!(
            a.call.reason.contains("recorded by a bike computer (garmin edge500)"),
            "{}",
            a.call.reason
        );
        // An Edge at a running pace: a run.
        let a = run(&build(&[(1800, 3.0)]).device(edge));
        assert_eq!(a.call.sport, 1);
    }

    #[test]
    fn no_sport_decided_from_the_evidence() {
        // A bike computer.
        let sigma = Device { manufacturer: Some(70), product: Some(46), name: None };
        let a = run(&build(&[(1800, 5.0)]).sport(None).device(sigma));
        assert_eq!((a.call.sport, a.call.from_file, a.call.changed), (2, None, true));
        assert_eq!(
            a.call.reason,
            "no sport in the file; recorded by a bike computer (sigmasport 46), median 18.0 km/h: cycling"
        );
        // Pedalling: power and a cadence of 85 at 18 km/h.
        let a = run(&build(&[(1800, 5.0)]).sport(Some(0)).cadence(85.0).power(180));
        assert_eq!(a.call.sport, 2, "{}", a.call.reason);
        assert!(a.call.reason.contains("a power channel with a pedalling cadence of 85"));
        // A runner's pace and cadence.
        let a = run(&build(&[(1800, 3.2)]).sport(Some(0)).cadence(84.0));
        assert_eq!((a.call.sport, a.call.changed), (1, true), "{}", a.call.reason);
        // Walking pace, flat: walking; climbing 60 m per km: hiking.
        let a = run(&build(&[(1800, 1.3)]).sport(Some(0)));
        assert_eq!(a.call.sport, fit::WALKING, "{}", a.call.reason);
        assert!(a.call.reason.starts_with("no sport in the file; median 12:49 /km (4.7 km/h)"));
        let a = run(&build(&[(1800, 1.3)]).sport(Some(0)).climb(0.06));
        assert_eq!(a.call.sport, fit::HIKING, "{}", a.call.reason);
        assert!(a.call.reason.contains("60 m of climbing per km: hiking"), "{}", a.call.reason);
        // A slow jog with a running cadence is running, not walking.
        let a = run(&build(&[(1800, 1.9)]).sport(Some(0)).cadence(78.0));
        assert_eq!(a.call.sport, 1, "{}", a.call.reason);
        // Riding speed without any device or sensor: beyond a session's running.
        let a = run(&build(&[(1800, 6.0)]).sport(None));
        assert_eq!(a.call.sport, 2, "{}", a.call.reason);
        assert!(
            a.call.reason.contains("median 21.6 km/h over 29:59, beyond a runner's session"),
            "{}",
            a.call.reason
        );
        // A rider's bursts: 16 km/h with 12 descents of 20 s at 36 km/h.
        let mut pieces = vec![(300, 4.6)];
        for _ in 0..12 {
            pieces.extend([(20, 10.0), (280, 4.6)]);
        }
        let a = run(&build(&pieces).sport(Some(0)));
        assert_eq!(a.call.sport, 2, "{}", a.call.reason);
        assert!(
            a.call.reason.contains("5 % of its moving time above 36.0 km/h"),
            "{}",
            a.call.reason
        );
    }

    #[test]
    fn too_little_or_too_sparse_stays_generic() {
        let a = run(&build(&[(40, 3.0)]).sport(Some(0)));
        assert_eq!((a.call.sport, a.call.changed), (0, false));
        assert_eq!(
            a.call.reason,
            "no sport in the file, and too little recorded to judge (39 s, 117 m): left generic"
        );
        // Three points an hour apart, 3.6 km each: straight lines.
        let mut s = Samples::default();
        for k in 0..3_i64 {
            let i = s.push_empty();
            s.time[i] = Some(k * 3_600_000);
            s.distance_m[i] = Some(k as f64 * 3_600.0);
        }
        let rec = Recording { sport: Some(Sport::GENERIC), samples: s, ..Recording::default() };
        let track = Track::new(&rec, &rec.samples.heart_rate);
        let a = analyse(&rec, &track);
        assert_eq!(a.call.sport, 0);
        assert!(a.call.reason.contains("too sparse to tell"), "{}", a.call.reason);
        // No speed or distance at all.
        let mut rec = build(&[(600, 3.0)]).sport(None).rec();
        rec.samples.distance_m.fill(None);
        rec.samples.speed_mps.fill(None);
        let track = Track::new(&rec, &rec.samples.heart_rate);
        assert_eq!(
            analyse(&rec, &track).call.reason,
            "no sport in the file, and no timed speed or distance to judge it by: left generic"
        );
    }

    #[test]
    fn pedalling_without_speed_is_indoor_cycling() {
        let mut rec = build(&[(1200, 1.0)]).sport(None).cadence(88.0).power(200).rec();
        rec.samples.distance_m.fill(None);
        rec.samples.speed_mps.fill(None);
        let track = Track::new(&rec, &rec.samples.heart_rate);
        let a = analyse(&rec, &track);
        assert_eq!(
            (a.call.sport, a.call.sub_sport),
            (2, fit::SUB_INDOOR_CYCLING),
            "{}",
            a.call.reason
        );
    }

    #[test]
    fn a_car_trip_is_driving() {
        // No sport, 10 min at 25 m/s (90 km/h) on the level.
        let a = run(&build(&[(30, 0.0), (600, 25.0), (30, 0.0)]).sport(Some(0)));
        assert_eq!(a.call.sport, fit::DRIVING, "{}", a.call.reason);
        assert!(a.call.reason.contains("90 km/h held for 30 s on the level"), "{}", a.call.reason);
        // 70+ km/h down a 6 % slope for a minute is a descent on a bike, not a motor: the
        // median (40 km/h) says a ride.
        let a = run(&build(&[(600, 8.0), (60, 20.0), (600, 8.0)]).sport(Some(0)).climb(-0.06));
        assert_eq!(a.call.sport, fit::CYCLING, "{}", a.call.reason);
    }

    #[test]
    fn other_sports_and_multisport_keep_what_the_file_says() {
        let a = run(&build(&[(1800, 1.0)]).sport(Some(5)));
        assert_eq!((a.call.sport, a.call.changed), (5, false));
        assert_eq!(a.call.reason, "the file says swimming");
        let mut rec = build(&[(600, 1.0), (600, 8.0), (600, 3.0)]).sport(Some(5)).rec();
        rec.sessions = [5, 3, 2, 3, 1]
            .iter()
            .map(|&sp| Summary { sport: Some(sp), ..Summary::default() })
            .collect();
        let track = Track::new(&rec, &rec.samples.heart_rate);
        let a = analyse(&rec, &track);
        assert_eq!((a.call.sport, a.call.changed), (fit::MULTISPORT, true));
        assert_eq!(
            a.call.reason,
            "the file holds 5 sessions of 3 sports (swimming, cycling, running): multisport"
        );
    }

    #[test]
    fn bike_computers_by_maker_product_and_name() {
        let rec = |d: Device| Recording { devices: vec![d], ..Recording::default() };
        let named = |n: &str| Device { name: Some(n.to_owned()), ..Device::default() };
        assert!(bike_computer(&rec(named("Garmin Edge 500"))).is_some());
        assert!(bike_computer(&rec(named("EDGE305"))).is_some());
        assert!(bike_computer(&rec(named("ELEMNT BOLT"))).is_some());
        assert!(bike_computer(&rec(named("ELEMNT RIVAL"))).is_none());
        assert!(bike_computer(&rec(named("Garmin Forerunner 910XT"))).is_none());
        assert!(bike_computer(&rec(named("Apple Watch"))).is_none());
        let garmin = |p: u16| Device { manufacturer: Some(1), product: Some(p), name: None };
        assert_eq!(bike_computer(&rec(garmin(3843))).as_deref(), Some("garmin edge_1040"));
        assert!(bike_computer(&rec(garmin(2697))).is_none()); // fenix5
        let maker = |m: u16| Device { manufacturer: Some(m), product: Some(4), name: None };
        assert!(bike_computer(&rec(maker(258))).is_some()); // lezyne
        assert!(bike_computer(&rec(maker(23))).is_none()); // suunto
        assert!(bike_computer(&Recording::default()).is_none());
    }

    #[test]
    fn best_over_time_is_the_fastest_window() {
        // 5 min at 3 m/s, 10 min at 5 m/s, 5 min at 3 m/s.
        let mut timer = Vec::new();
        let mut dist = Vec::new();
        let mut d = 0.0;
        for t in 0..=1200 {
            timer.push(f64::from(t));
            dist.push(d);
            d += if (300..900).contains(&t) { 5.0 } else { 3.0 };
        }
        let v = best_over_time(&timer, &dist, 600.0).unwrap();
        assert!((v - 5.0).abs() < 1e-9, "{v}");
        assert_eq!(best_over_time(&timer[..500], &dist[..500], 600.0), None);
    }

    mod props {
        use super::*;
        use crate::metrics::world_record_s;
        use crate::summary::summarise;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            /// Any mix of running, standing, riding, driving and jumping, sparse or dense:
            /// no panic, the call is explained, what is left out lies inside the recording,
            /// moving time stays within elapsed time and a run's best efforts within the
            /// world records.
            #[test]
            fn analysis_invariants(
                parts in proptest::collection::vec((1usize..400, 0.0f64..40.0, 1i64..90), 1..12),
                sport in proptest::option::of(prop_oneof![Just(0u8), Just(1u8), Just(2u8), Just(11u8)]),
            ) {
                let mut s = Samples::default();
                let (mut d, mut t) = (0.0, 0_i64);
                for (n, v, dt) in parts {
                    for _ in 0..n.min(2000 / dt.max(1) as usize + 1) {
                        let i = s.push_empty();
                        s.time[i] = Some(t * 1000);
                        s.distance_m[i] = Some(d);
                        d += v * dt as f64;
                        t += dt;
                    }
                }
                let rec = Recording {
                    sport: sport.map(|sport| Sport { sport, sub_sport: 0 }),
                    samples: s,
                    ..Recording::default()
                };
                let track = Track::new(&rec, &rec.samples.heart_rate);
                let a = analyse(&rec, &track);
                prop_assert!(!a.call.reason.is_empty());
                for x in &a.excluded {
                    prop_assert!(x.samples.start < x.samples.end && x.samples.end < rec.samples.len());
                    prop_assert!(x.distance_m >= 0.0 && x.seconds >= 0.0);
                }
                let r = summarise(&rec).summary;
                let elapsed = r.elapsed_s.unwrap_or(0.0);
                prop_assert!(r.moving_s <= elapsed + 1e-6, "{} > {elapsed}", r.moving_s);
                prop_assert!(r.distance_m.unwrap_or(0.0) >= 0.0);
                let p = crate::athlete::Athlete::from_entries(vec![]).at(jiff::civil::date(2024, 1, 1));
                let m = crate::metrics::measure(&{
                    let mut t = Track::new(&rec, &rec.samples.heart_rate);
                    let ranges: Vec<_> = a.excluded.iter().map(|x| x.samples.clone()).collect();
                    t.exclude(&ranges);
                    t
                }, &p, None);
                for b in &m.best_efforts {
                    prop_assert!(world_record_s(b.distance_m).is_none_or(|wr| b.time_s >= wr));
                }
            }
        }
    }
}
