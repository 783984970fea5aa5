#![allow(dead_code)] // each target uses only some of the checks
//! Checks every fuzz target applies to a decoded [`Recording`]: what the decoders promise for
//! any input, beyond "no panic". Cheap (one pass over the columns), so they run on every input.

use slowburn_formats::{fit::MAX_SAMPLES, Recording};

/// Every column has one entry per sample, no more than the decoders' sample limit, and every
/// float a decoder hands out is a number (bad values become `None`, never NaN or infinity).
pub fn check(rec: &Recording) {
    let s = &rec.samples;
    let n = s.len();
    let lens = [
        s.time.len(),
        s.lat.len(),
        s.lon.len(),
        s.altitude_m.len(),
        s.heart_rate.len(),
        s.cadence.len(),
        s.distance_m.len(),
        s.speed_mps.len(),
        s.power_w.len(),
        s.temperature_c.len(),
        s.vertical_oscillation_mm.len(),
        s.stance_time_ms.len(),
        s.step_length_mm.len(),
    ];
    assert!(lens.iter().all(|&l| l == n), "column lengths differ: {lens:?}");
    assert!(n <= MAX_SAMPLES, "{n} samples, over the limit of {MAX_SAMPLES}");
    let f64s = s.lat.iter().chain(&s.lon).chain(&s.distance_m);
    assert!(f64s.flatten().all(|v| v.is_finite()), "a non-finite position or distance");
    let f32s = s
        .altitude_m
        .iter()
        .chain(&s.cadence)
        .chain(&s.speed_mps)
        .chain(&s.vertical_oscillation_mm)
        .chain(&s.stance_time_ms)
        .chain(&s.step_length_mm);
    assert!(f32s.flatten().all(|v| v.is_finite()), "a non-finite sample value");
    for l in rec.laps.iter().chain(&rec.sessions) {
        let totals = [l.elapsed_s, l.timer_s, l.distance_m, l.ascent_m, l.descent_m];
        assert!(totals.iter().flatten().all(|v| v.is_finite()), "a non-finite total: {l:?}");
    }
    // The accessors every caller uses must not panic either.
    let _ = (rec.kind(), rec.end(), rec.duration_s(), rec.distance_m());
    for c in slowburn_formats::Channel::ALL {
        let cov = s.coverage(c);
        assert!((0.0..=1.0).contains(&cov), "coverage {cov} of {c:?}");
    }
}

/// GPX and TCX positions: the decoders read only degrees in range.
pub fn check_xml(rec: &Recording) {
    check(rec);
    let s = &rec.samples;
    assert!(s.lat.iter().flatten().all(|v| (-90.0..=90.0).contains(v)), "latitude out of range");
    assert!(s.lon.iter().flatten().all(|v| (-180.0..=180.0).contains(v)), "longitude out of range");
    assert!(s.distance_m.iter().flatten().all(|&d| d >= 0.0), "a negative distance");
}
