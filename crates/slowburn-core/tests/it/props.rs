//! Invariants of the zone models and histograms, for any valid profile.

use proptest::prelude::*;
use slowburn_core::clean::clean_hr;
use slowburn_core::hist::{hr_histogram, MAX_SAMPLE_S};
use slowburn_core::zones::{Domain, ZoneModel, ZoneTable};

use crate::util::profile;

/// A valid profile's values: max 100–240, resting 25–120 and at least 40 below max, LTHR
/// 80–230, and an optional first threshold below LTHR.
fn valid_values() -> impl Strategy<Value = (u8, u8, u8, Option<u8>)> {
    (100_u8..=240, 25_u8..=120, 80_u8..=230, proptest::option::of(60_u8..=219))
        .prop_filter("reserve ≥ 40", |(max, rest, _, _)| i32::from(*max) - i32::from(*rest) >= 40)
        .prop_filter("vt1 < lthr", |(_, _, lthr, vt1)| vt1.is_none_or(|v| v < *lthr))
}

fn all_tables(max: u8, rest: u8, lthr: u8, vt1: Option<u8>) -> Vec<ZoneTable> {
    let p = profile(Some(max), Some(rest), Some(lthr));
    [
        ZoneModel::PercentMax,
        ZoneModel::HeartRateReserve,
        ZoneModel::FrielLthr,
        ZoneModel::ThreeZone { vt1 },
    ]
    .iter()
    .map(|m| m.zones(&p).unwrap_or_else(|e| panic!("{m:?} for {max}/{rest}/{lthr}/{vt1:?}: {e}")))
    .collect()
}

fn check_table(t: &ZoneTable) -> Result<(), TestCaseError> {
    let z = t.zones();
    prop_assert!(!z.is_empty());
    prop_assert_eq!(z[0].low_bpm, 0);
    prop_assert_eq!(z[z.len() - 1].high_bpm, 255);
    for w in z.windows(2) {
        // Monotonic, no gaps, no overlaps, domains in order.
        prop_assert!(w[0].low_bpm <= w[0].high_bpm);
        prop_assert_eq!(u16::from(w[0].high_bpm) + 1, u16::from(w[1].low_bpm));
        prop_assert!(w[0].domain <= w[1].domain);
    }
    let mut last_domain = Domain::Easy;
    for bpm in 0..=255_u8 {
        let zi = t.zone_of(bpm);
        prop_assert!(z[zi].low_bpm <= bpm && bpm <= z[zi].high_bpm);
        // Each bpm is in exactly one domain, the one of its zone, and domains never go back down.
        let d = t.domain_of(bpm);
        prop_assert_eq!(d, z[zi].domain);
        prop_assert!(d >= last_domain);
        last_domain = d;
        if t.in_grey_band(bpm) {
            prop_assert_eq!(d, Domain::Easy);
        }
    }
    // Easy is never empty, so the grey band has somewhere to be.
    prop_assert_eq!(t.domain_of(0), Domain::Easy);
    Ok(())
}

proptest! {
    #[test]
    fn zones_cover_every_bpm_monotonically((max, rest, lthr, vt1) in valid_values()) {
        for t in all_tables(max, rest, lthr, vt1) {
            check_table(&t)?;
        }
    }

    #[test]
    fn custom_zones_cover_every_bpm(mut b in proptest::collection::btree_set(1_u8..=255, 2..12)) {
        let boundaries: Vec<u8> = std::mem::take(&mut b).into_iter().collect();
        let t = ZoneModel::Custom(boundaries.clone()).zones(&profile(None, None, None)).unwrap();
        prop_assert_eq!(t.zones().len(), boundaries.len() + 1);
        check_table(&t)?;
    }

    #[test]
    fn grey_band_is_the_top_of_easy((max, rest, lthr, vt1) in valid_values(), width in 0_u8..=30) {
        for t in all_tables(max, rest, lthr, vt1) {
            let t = t.with_grey_width(width);
            let easy_top = t.domain_ranges()[0].map(|r| r.1);
            if let Some((lo, hi)) = t.grey_band() {
                prop_assert_eq!(Some(hi), easy_top);
                prop_assert!(u16::from(hi) - u16::from(lo) < u16::from(width));
            } else {
                prop_assert_eq!(width, 0);
            }
        }
    }

    #[test]
    fn time_sums_to_histogram_total(
        (max, rest, lthr, vt1) in valid_values(),
        cells in proptest::collection::vec((0_u8..=255, 0.0_f64..3600.0), 0..100),
    ) {
        let mut hist = [0.0; 256];
        for (bpm, s) in cells {
            hist[usize::from(bpm)] += s;
        }
        let total: f64 = hist.iter().sum();
        let tol = 1e-9 * total.max(1.0);
        for t in all_tables(max, rest, lthr, vt1) {
            let d = t.time_in_domains(&hist);
            prop_assert!((d.iter().sum::<f64>() - total).abs() <= tol);
            let z = t.time_in_zones(&hist);
            prop_assert!((z.iter().sum::<f64>() - total).abs() <= tol);
            // The grey band is part of easy.
            prop_assert!(t.time_in_grey(&hist) <= d[0] + tol);
        }
    }

    #[test]
    fn hr_histogram_counts_capped_time(
        steps in proptest::collection::vec((0_i64..30_000, proptest::option::of(30_u8..=220)), 1..300),
    ) {
        let mut t = 1_700_000_000_000_i64;
        let (mut time, mut hr) = (Vec::new(), Vec::new());
        for (dt, h) in &steps {
            t += dt;
            time.push(Some(t));
            hr.push(*h);
        }
        let hist = hr_histogram(&time, &hr, None);
        let mut expect = 0.0;
        for i in 0..time.len().saturating_sub(1) {
            if hr[i].is_some() {
                let dt = (time[i + 1].unwrap() - time[i].unwrap()) as f64 / 1000.0;
                expect += dt.min(MAX_SAMPLE_S);
            }
        }
        prop_assert!((hist.iter().sum::<f64>() - expect).abs() < 1e-6);
    }

    #[test]
    fn cleaning_never_panics_and_keeps_length(
        samples in proptest::collection::vec(
            (proptest::option::of(-5_000_i64..5_000), proptest::option::of(any::<u8>()), proptest::option::of(0.0_f32..200.0), proptest::option::of(0.0_f32..8.0)),
            0..400,
        ),
    ) {
        let mut t = 0_i64;
        let time: Vec<Option<i64>> = samples.iter().map(|s| s.0.map(|dt| { t += dt; t })).collect();
        let hr: Vec<Option<u8>> = samples.iter().map(|s| s.1).collect();
        let cad: Vec<Option<f32>> = samples.iter().map(|s| s.2).collect();
        let speed: Vec<Option<f32>> = samples.iter().map(|s| s.3).collect();
        let c = clean_hr(&time, &hr, &cad, &speed);
        prop_assert_eq!(c.hr.len(), hr.len());
        for x in &c.corrections {
            prop_assert!(x.start_idx <= x.end_idx && x.end_idx < hr.len());
            prop_assert!(x.seconds >= 0.0);
        }
    }
}
