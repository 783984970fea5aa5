//! Artefact detection on synthetic runs whose faults are known (the synthetic runner's ground
//! truth gives each fault's kind and sample range): precision and recall at the sample level,
//! per kind and overall.

use std::collections::HashSet;

use slowburn_core::clean::{clean_hr, ArtefactKind};
use slowburn_synth::{generate, FaultKind, ProfileKind, SynthConfig};

fn kind_of(k: FaultKind) -> ArtefactKind {
    match k {
        FaultKind::StartLag => ArtefactKind::StartupLag,
        FaultKind::Dropout => ArtefactKind::Dropout,
        FaultKind::Spike => ArtefactKind::Spike,
        FaultKind::CadenceLock => ArtefactKind::CadenceLock,
    }
}

#[test]
fn artefacts_in_synthetic_runs_are_found_with_high_precision_and_recall() {
    let cfg = SynthConfig {
        years: 0.5,
        profile: ProfileKind::EightyTwenty,
        seed: 31,
        faults: true,
        fault_rate: 0.3,
        ..SynthConfig::default()
    };
    let history = generate(&cfg).expect("history");
    let (mut tp, mut found_n, mut truth_n) = (0usize, 0usize, 0usize);
    let mut per_kind: Vec<(ArtefactKind, usize, usize)> = Vec::new();
    for a in history.activities() {
        let s = &a.recording.samples;
        let cleaned = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
        let mut truth: HashSet<(usize, ArtefactKind)> = HashSet::new();
        for f in &a.truth.faults {
            for i in f.start_sample..f.end_sample {
                truth.insert((i, kind_of(f.kind)));
            }
        }
        // A sample counts as found when any correction covers it (kinds are compared below).
        let mut found: HashSet<usize> = HashSet::new();
        for c in &cleaned.corrections {
            for i in c.start_idx..=c.end_idx {
                found.insert(i);
            }
        }
        let truth_idx: HashSet<usize> = truth.iter().map(|(i, _)| *i).collect();
        tp += found.intersection(&truth_idx).count();
        found_n += found.len();
        truth_n += truth_idx.len();
        for &(i, k) in &truth {
            let hit = usize::from(found.contains(&i));
            match per_kind.iter_mut().find(|(kk, _, _)| *kk == k) {
                Some(e) => {
                    e.1 += 1;
                    e.2 += hit;
                }
                None => per_kind.push((k, 1, hit)),
            }
        }
    }
    let precision = tp as f64 / found_n.max(1) as f64;
    let recall = tp as f64 / truth_n.max(1) as f64;
    for (k, n, hit) in &per_kind {
        println!(
            "  {k:<12?} injected {n:>6} samples, found {hit:>6} (recall {:.3})",
            *hit as f64 / *n as f64
        );
    }
    println!("synthetic runs: sample-level precision {precision:.3}, recall {recall:.3} ({tp} of {truth_n} faulty samples found, {found_n} flagged)");
    assert!(truth_n > 1000, "too few faults injected: {truth_n}");
    assert!(precision >= 0.8 && recall >= 0.8, "precision {precision:.3}, recall {recall:.3}");
}
