//! Artefact detection on a real run (a Garmin Fenix 2, 1-Hz recording, 47 min) with artefacts
//! of every kind injected at known samples: precision and recall at the sample level.

use std::collections::BTreeSet;

use slowburn_core::clean::{clean_hr, Action, ArtefactKind, Cleaned};
use slowburn_formats::fit;

use crate::util::corpus_file;

fn detected(c: &Cleaned, kind: Option<ArtefactKind>) -> BTreeSet<usize> {
    c.corrections
        .iter()
        .filter(|x| kind.is_none_or(|k| x.kind == k))
        .flat_map(|x| x.start_idx..=x.end_idx)
        .collect()
}

#[test]
fn injected_artefacts_on_fenix2_run() {
    let bytes = std::fs::read(corpus_file("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read corpus file");
    let rec = fit::decode(&bytes).expect("decode");
    let s = &rec.samples;
    let (time, cad, speed) = (&s.time, &s.cadence, &s.speed_mps);
    let original = s.heart_rate.clone();
    assert_eq!(original.len(), 2809);

    // The untouched recording: whatever is found here is a false positive (or a real artefact).
    let baseline = clean_hr(time, &original, cad, speed);
    println!(
        "untouched recording: {} corrections {:?}",
        baseline.corrections.len(),
        baseline.corrections
    );

    let mut hr = original.clone();
    let mut truth: Vec<(ArtefactKind, BTreeSet<usize>)> = Vec::new();
    let mut inject = |kind: ArtefactKind,
                      idx: std::ops::RangeInclusive<usize>,
                      f: &dyn Fn(usize, u8) -> Option<u8>| {
        for i in idx.clone() {
            hr[i] = f(i, original[i].unwrap_or(0));
        }
        truth.push((kind, idx.collect()));
    };
    // Optical start-up lag: 90 s stuck at 78–81 bpm while running at ~3 m/s.
    inject(ArtefactKind::StartupLag, 0..=89, &|i, _| Some(78 + (i % 4) as u8));
    // Cadence lock to steps/min (2 × FIT strides) while the real heart rate is 130–150.
    let lock = |i: usize, _| cad[i].map(|c| (2.0 * c).round() as u8);
    inject(ArtefactKind::CadenceLock, 150..=269, &lock);
    inject(ArtefactKind::CadenceLock, 2060..=2140, &lock);
    // Spikes up and down, one to three samples.
    inject(ArtefactKind::Spike, 400..=400, &|_, h| Some(h + 40));
    inject(ArtefactKind::Spike, 700..=701, &|_, h| Some(h + 35));
    inject(ArtefactKind::Spike, 1000..=1000, &|_, h| Some(h - 45));
    inject(ArtefactKind::Spike, 1500..=1502, &|_, h| Some(h + 30));
    inject(ArtefactKind::Spike, 2400..=2401, &|_, h| Some(h - 50));
    // Dropouts: zeros and missing readings.
    inject(ArtefactKind::Dropout, 600..=604, &|_, _| Some(0));
    inject(ArtefactKind::Dropout, 1200..=1202, &|_, _| None);
    inject(ArtefactKind::Dropout, 1800..=1807, &|_, _| Some(0));
    // A flat-lined sensor: 100 s at 150 bpm while speed varies.
    inject(ArtefactKind::FlatLine, 850..=949, &|_, _| Some(150));

    let cleaned = clean_hr(time, &hr, cad, speed);
    let all_truth: BTreeSet<usize> = truth.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    let all_found = detected(&cleaned, None);
    let tp = all_found.intersection(&all_truth).count();
    let precision = tp as f64 / all_found.len().max(1) as f64;
    let recall = tp as f64 / all_truth.len().max(1) as f64;
    println!("corrections on the injected recording:");
    for c in &cleaned.corrections {
        println!(
            "  {:?} {:?} {}..={} ({:.0} s)",
            c.kind, c.action, c.start_idx, c.end_idx, c.seconds
        );
    }
    for kind in ArtefactKind::ALL {
        let t: BTreeSet<usize> =
            truth.iter().filter(|(k, _)| *k == kind).flat_map(|(_, s)| s.iter().copied()).collect();
        let f = detected(&cleaned, Some(kind));
        let hit = f.intersection(&t).count();
        println!(
            "  {:<12} injected {:>4} samples, flagged {:>4}, of which right {:>4} (recall {:.3})",
            format!("{kind:?}"),
            t.len(),
            f.len(),
            hit,
            hit as f64 / t.len().max(1) as f64
        );
    }
    println!("sample-level precision {precision:.3}, recall {recall:.3} ({tp} of {} injected, {} flagged)", all_truth.len(), all_found.len());

    // Interpolated values land near the true heart rate.
    let mut errs = Vec::new();
    for c in cleaned.corrections.iter().filter(|c| c.action == Action::Interpolated) {
        let range = c.start_idx..=c.end_idx;
        for (got, truth) in cleaned.hr[range.clone()].iter().zip(&original[range]) {
            if let (Some(a), Some(b)) = (got, truth) {
                errs.push((f64::from(*a) - f64::from(*b)).abs());
            }
        }
    }
    let mae = errs.iter().sum::<f64>() / errs.len().max(1) as f64;
    println!(
        "interpolated samples: {}, mean absolute error vs the true heart rate {mae:.2} bpm",
        errs.len()
    );

    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.9, "recall {recall:.3}");
    assert!(mae <= 5.0, "interpolation error {mae:.2} bpm");
    assert!(baseline.corrections.len() <= 2, "untouched recording: {:?}", baseline.corrections);
}
