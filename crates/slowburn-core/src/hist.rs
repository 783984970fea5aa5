//! Per-activity histograms: seconds at each heart rate (one bin per bpm) and at each pace
//! (5 s/km buckets). The store keeps both for every activity so that time in zones, domains
//! and the grey band for any zone model and any profile come from the histograms, and
//! re-zoning ten years never re-decodes a file.
//!
//! # Design
//! Each sample stands for the time until the next timestamped sample, capped at
//! [`MAX_SAMPLE_S`] so a pause (the watch stops recording, the next sample comes minutes later)
//! does not count as time at the last heart rate; the last sample weighs nothing, so the total
//! is the moving time between first and last sample. Building a histogram is one pass with no
//! allocation.
//!
//! The heart-rate histogram keeps that cap (one reading does not stand for a minute). The pace
//! histogram a summary stores comes from the run's track instead
//! ([`crate::metrics::Track::pace_histogram`]): each interval's *moving* seconds at its speed,
//! so a sparse track's minutes between points count in full when they were covered at a
//! moving speed, a GPX track without a speed column has one, and the stretches left out of a
//! run (a vehicle, a GPS jump) count nowhere. [`pace_histogram`] remains for columns alone.

/// Longest time one sample can stand for, in seconds (smart recording writes a sample every
/// 1–7 s; anything longer is a pause or a gap).
pub const MAX_SAMPLE_S: f64 = 10.0;

/// Fastest pace with its own bucket, s/km (2:00 /km).
pub const PACE_MIN_S_PER_KM: f64 = 120.0;
/// Slowest pace with its own bucket, s/km (15:00 /km); slower is "slower or stopped".
pub const PACE_MAX_S_PER_KM: f64 = 900.0;
/// Width of a pace bucket, s/km.
pub const PACE_BUCKET_S: f64 = 5.0;
/// Number of pace buckets: 156 of 5 s/km from 2:00 to 15:00 /km, then one for slower/stopped.
pub const PACE_BUCKETS: usize = 157;
/// Index of the "slower than 15:00 /km or stopped" bucket.
pub const PACE_SLOW_BUCKET: usize = PACE_BUCKETS - 1;

/// A per-bpm histogram of seconds.
pub type HrHistogram = [f64; 256];
/// A per-pace-bucket histogram of seconds (see [`PACE_BUCKETS`]).
pub type PaceHistogram = [f64; PACE_BUCKETS];

/// Weight of each sample: seconds to the next timestamped sample, capped at [`MAX_SAMPLE_S`];
/// 0 for samples without a time, for the last one, and where time goes backwards.
#[must_use]
pub fn sample_weights(time: &[Option<i64>]) -> Vec<f64> {
    let mut w = vec![0.0; time.len()];
    for_each_weighted(time, |i, s| w[i] = s);
    w
}

/// Call `f(index, seconds)` for every timestamped sample that has a following timestamped
/// sample, with its weight. No allocation.
#[inline]
fn for_each_weighted(time: &[Option<i64>], mut f: impl FnMut(usize, f64)) {
    let mut prev: Option<(usize, i64)> = None;
    for (i, t) in time.iter().enumerate() {
        let Some(t) = *t else { continue };
        if let Some((j, tp)) = prev {
            let dt = t.saturating_sub(tp) as f64 / 1000.0;
            if dt > 0.0 {
                f(j, dt.min(MAX_SAMPLE_S));
            }
        }
        prev = Some((i, t));
    }
}

/// Seconds at each heart rate. A sample counts when it has a heart rate and, if a mask is
/// given, its mask entry is `true` (entries beyond the mask's length count as moving).
#[must_use]
pub fn hr_histogram(
    time: &[Option<i64>],
    hr: &[Option<u8>],
    moving: Option<&[bool]>,
) -> HrHistogram {
    let mut hist = [0.0; 256];
    for_each_weighted(time, |i, s| {
        if let Some(Some(bpm)) = hr.get(i) {
            if moving.is_none_or(|m| m.get(i).copied().unwrap_or(true)) {
                hist[usize::from(*bpm)] += s;
            }
        }
    });
    hist
}

/// The pace bucket of a speed in m/s: 5 s/km buckets from 2:00 /km, paces faster than 2:00 /km
/// (GPS glitches) in the first, slower than 15:00 /km or stopped in [`PACE_SLOW_BUCKET`].
#[inline]
#[must_use]
pub fn pace_bucket(speed_mps: f64) -> usize {
    if speed_mps.is_nan() || speed_mps <= 1000.0 / PACE_MAX_S_PER_KM {
        return PACE_SLOW_BUCKET;
    }
    let pace = 1000.0 / speed_mps;
    (((pace - PACE_MIN_S_PER_KM) / PACE_BUCKET_S).floor().max(0.0) as usize)
        .min(PACE_SLOW_BUCKET - 1)
}

/// The middle pace of a bucket, s/km (infinity for the slower/stopped bucket).
#[must_use]
pub fn pace_bucket_mid_s_per_km(bucket: usize) -> f64 {
    if bucket >= PACE_SLOW_BUCKET {
        f64::INFINITY
    } else {
        PACE_MIN_S_PER_KM + PACE_BUCKET_S * (bucket as f64 + 0.5)
    }
}

/// Seconds at each pace (see [`pace_bucket`]). A sample counts when it has a speed and, if a
/// mask is given, its mask entry is `true`.
#[must_use]
pub fn pace_histogram(
    time: &[Option<i64>],
    speed_mps: &[Option<f32>],
    moving: Option<&[bool]>,
) -> PaceHistogram {
    let mut hist = [0.0; PACE_BUCKETS];
    for_each_weighted(time, |i, s| {
        if let Some(Some(v)) = speed_mps.get(i) {
            if moving.is_none_or(|m| m.get(i).copied().unwrap_or(true)) {
                hist[pace_bucket(f64::from(*v))] += s;
            }
        }
    });
    hist
}

/// A simple moving mask: `true` where speed is at least `min_mps`, or where speed is unknown
/// (a recording without speed is taken as all moving; the cap on sample weight already drops
/// pauses the watch did not record).
#[must_use]
pub fn moving_mask(speed_mps: &[Option<f32>], min_mps: f32) -> Vec<bool> {
    speed_mps.iter().map(|v| v.is_none_or(|v| v >= min_mps)).collect()
}

/// Value at quantile `q` (0–1) of a histogram of seconds with bins of `width` from 0,
/// interpolated inside the bin; `None` for an empty histogram.
#[must_use]
pub fn quantile(hist: &[f64], q: f64, width: f64) -> Option<f64> {
    let total: f64 = hist.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let target = q * total;
    let mut acc = 0.0;
    for (i, &s) in hist.iter().enumerate() {
        if s > 0.0 && acc + s >= target {
            let frac = ((target - acc) / s).clamp(0.0, 1.0);
            return Some((i as f64 + frac) * width);
        }
        acc += s;
    }
    None
}

#[cfg(test)]
// Exact comparisons: the expected sums are of whole seconds, exact in f64.
#[allow(clippy::float_cmp)]
mod tests {
    #[test]
    fn quantiles_interpolate_inside_a_bin() {
        let h = [10.0, 10.0, 0.0, 20.0];
        assert_eq!(super::quantile(&h, 0.125, 0.5), Some(0.25));
        assert_eq!(super::quantile(&h, 0.5, 1.0), Some(2.0));
        assert_eq!(super::quantile(&h, 0.75, 1.0), Some(3.5));
        assert_eq!(super::quantile(&[0.0; 4], 0.5, 1.0), None);
    }

    use super::*;

    #[test]
    fn weights_cap_pauses_and_skip_untimed() {
        let t = [Some(0), Some(1000), None, Some(3000), Some(63_000), Some(64_000)];
        assert_eq!(sample_weights(&t), vec![1.0, 2.0, 0.0, 10.0, 1.0, 0.0]);
    }

    #[test]
    fn hr_histogram_by_time_and_mask() {
        let t: Vec<Option<i64>> =
            [0, 1000, 2000, 4000, 5000, 65_000].iter().map(|&x| Some(x)).collect();
        let hr = [Some(140), Some(140), None, Some(150), Some(150), Some(160)];
        let h = hr_histogram(&t, &hr, None);
        assert_eq!(h[140], 2.0);
        assert_eq!(h[150], 1.0 + 10.0);
        assert_eq!(h[160], 0.0);
        assert_eq!(h.iter().sum::<f64>(), 13.0);
        let mask = [true, false];
        let h = hr_histogram(&t, &hr, Some(&mask));
        assert_eq!(h[140], 1.0);
        assert_eq!(h[150], 11.0);
    }

    #[test]
    fn pace_buckets() {
        // 5:00 /km = 3.333 m/s → (300 − 120) / 5 = bucket 36.
        assert_eq!(pace_bucket(1000.0 / 300.0), 36);
        assert_eq!(pace_bucket(1000.0 / 302.0), 36);
        assert_eq!(pace_bucket(1000.0 / 305.5), 37);
        assert_eq!(pace_bucket(20.0), 0);
        assert_eq!(pace_bucket(1000.0 / 899.0), PACE_SLOW_BUCKET - 1);
        assert_eq!(pace_bucket(1.0), PACE_SLOW_BUCKET);
        assert_eq!(pace_bucket(0.0), PACE_SLOW_BUCKET);
        assert_eq!(pace_bucket(f64::NAN), PACE_SLOW_BUCKET);
        assert!((pace_bucket_mid_s_per_km(36) - 302.5).abs() < 1e-12);
        let t: Vec<Option<i64>> = (0..4).map(|i| Some(i * 1000)).collect();
        let v = [Some(1000.0 / 300.0), Some(0.0), None, Some(3.0)];
        let h = pace_histogram(&t, &v, None);
        assert_eq!((h[36], h[PACE_SLOW_BUCKET], h.iter().sum::<f64>()), (1.0, 1.0, 2.0));
    }

    #[test]
    fn moving_mask_by_speed() {
        assert_eq!(moving_mask(&[Some(0.2), None, Some(2.5)], 0.5), vec![false, true, true]);
    }
}
