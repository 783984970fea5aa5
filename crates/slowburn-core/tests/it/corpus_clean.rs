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
    // A flat-lined sensor: 150 s at 150 bpm while speed varies.
    inject(ArtefactKind::FlatLine, 820..=969, &|_, _| Some(150));

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

/// A random free place for `len` samples, at least 30 s from anything already placed.
fn place(
    rng: &mut Rng,
    taken: &mut [bool],
    len: usize,
    ok: &dyn Fn(usize, usize) -> bool,
) -> Option<std::ops::RangeInclusive<usize>> {
    let n = taken.len();
    for _ in 0..200 {
        let a = rng.range(100, n - len - 40);
        let b = a + len - 1;
        if !taken[a - 30..=b + 30].iter().any(|&t| t) && ok(a, b) {
            taken[a - 30..=b + 30].fill(true);
            return Some(a..=b);
        }
    }
    None
}

/// A small deterministic generator (xorshift64) for injection positions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

/// The same recording, 20 times over, with artefacts of random length, size and position
/// (a start-up lag, two cadence locks where the true heart rate is ≥ 12 bpm off twice the
/// cadence, a flat-line stuck at the last true reading, six spikes, four dropouts), at least
/// 30 s apart. Aggregate sample-level precision and recall, per kind and overall.
#[test]
fn random_injections_on_fenix2_run() {
    let bytes = std::fs::read(corpus_file("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read corpus file");
    let rec = fit::decode(&bytes).expect("decode");
    let s = &rec.samples;
    let (time, cad, speed) = (&s.time, &s.cadence, &s.speed_mps);
    let original = s.heart_rate.clone();
    let n = original.len();
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut found_total: BTreeSet<usize> = BTreeSet::new();
    let (mut tp, mut flagged, mut injected) = (0_usize, 0_usize, 0_usize);
    let mut per_kind = [(0_usize, 0_usize); 5];
    for seed in 1..=20_u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut hr = original.clone();
        let mut taken = vec![false; n];
        let mut truth: Vec<(ArtefactKind, std::ops::RangeInclusive<usize>)> = Vec::new();
        // Start-up lag at the very start.
        let lag = rng.range(40, 150);
        let level = rng.range(70, 100) as u8;
        for (i, v) in hr.iter_mut().enumerate().take(lag) {
            *v = Some(level + (i % 4) as u8);
        }
        taken[..lag + 30].fill(true);
        truth.push((ArtefactKind::StartupLag, 0..=lag - 1));
        for _ in 0..2 {
            let len = rng.range(40, 150);
            let off = |a: usize, b: usize| {
                let real = median((a..=b).filter_map(|i| original[i].map(f64::from)).collect());
                let locked =
                    median((a..=b).filter_map(|i| cad[i].map(|c| 2.0 * f64::from(c))).collect());
                (real - locked).abs() >= 12.0
            };
            if let Some(r) = place(&mut rng, &mut taken, len, &off) {
                for i in r.clone() {
                    hr[i] = cad[i].map(|c| (2.0 * c).round() as u8);
                }
                truth.push((ArtefactKind::CadenceLock, r));
            }
        }
        let len = rng.range(130, 200);
        if let Some(r) = place(&mut rng, &mut taken, len, &|_, _| true) {
            let stuck = original[*r.start() - 1];
            for i in r.clone() {
                hr[i] = stuck;
            }
            truth.push((ArtefactKind::FlatLine, r));
        }
        for _ in 0..6 {
            let len = rng.range(1, 3);
            let delta = rng.range(30, 50) as i32 * if rng.next() % 2 == 0 { 1 } else { -1 };
            if let Some(r) = place(&mut rng, &mut taken, len, &|_, _| true) {
                for i in r.clone() {
                    hr[i] = original[i].map(|h| (i32::from(h) + delta).clamp(40, 230) as u8);
                }
                truth.push((ArtefactKind::Spike, r));
            }
        }
        for _ in 0..4 {
            let len = rng.range(2, 12);
            let zero = rng.next() % 2 == 0;
            if let Some(r) = place(&mut rng, &mut taken, len, &|_, _| true) {
                for i in r.clone() {
                    hr[i] = zero.then_some(0);
                }
                truth.push((ArtefactKind::Dropout, r));
            }
        }
        let cleaned = clean_hr(time, &hr, cad, speed);
        let all_truth: BTreeSet<usize> = truth.iter().flat_map(|(_, r)| r.clone()).collect();
        let found = detected(&cleaned, None);
        if std::env::var_os("SLOWBURN_DEBUG").is_some() {
            println!("seed {seed}: truth {truth:?}");
            for c in &cleaned.corrections {
                let hit =
                    truth.iter().any(|(_, r)| r.contains(&c.start_idx) || r.contains(&c.end_idx));
                println!(
                    "   {}{:?} {}..={}",
                    if hit { "" } else { "FP " },
                    c.kind,
                    c.start_idx,
                    c.end_idx
                );
            }
        }
        tp += found.intersection(&all_truth).count();
        flagged += found.len();
        injected += all_truth.len();
        found_total.extend(found.difference(&all_truth).copied());
        for (k, kind) in ArtefactKind::ALL.iter().enumerate() {
            let t: BTreeSet<usize> =
                truth.iter().filter(|(x, _)| x == kind).flat_map(|(_, r)| r.clone()).collect();
            let f = detected(&cleaned, Some(*kind));
            per_kind[k].0 += t.len();
            per_kind[k].1 += f.intersection(&t).count();
        }
    }
    for (kind, (t, hit)) in ArtefactKind::ALL.iter().zip(per_kind) {
        println!(
            "  {:<12} injected {t:>5} samples, recall {:.3}",
            format!("{kind:?}"),
            hit as f64 / t.max(1) as f64
        );
    }
    let precision = tp as f64 / flagged.max(1) as f64;
    let recall = tp as f64 / injected.max(1) as f64;
    println!(
        "20 random injections: precision {precision:.3}, recall {recall:.3} ({tp} of {injected} injected samples, {flagged} flagged; samples flagged but not injected: {found_total:?})"
    );
    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.9, "recall {recall:.3}");
}

/// Real recordings as they came from the watch (runs, rides, a multisport day: about 22 hours,
/// optical and strap sensors): cleaning may fill dropouts, but must find no spike, lag,
/// flat-line or cadence lock that is not there. Each file was looked at by hand.
#[test]
fn untouched_recordings_have_no_invented_artefacts() {
    let files = [
        "python-fitparse/activity-small-fenix2-run.fit",
        "python-fitparse/activity-large-fenxi2-multisport.fit",
        "python-fitparse/nick.fit",
        "python-fitparse/2019-02-17-062644-ELEMNT-297E-195-0.fit",
        "python-fitparse/Edge810-Vector-2013-08-16-15-35-10.fit",
        "python-fitparse/sample-activity.fit",
        "python-fitparse/2013-02-06-12-11-14.fit",
    ];
    let mut hours = 0.0;
    for f in files {
        let rec = fit::decode(&std::fs::read(corpus_file(f)).expect("read")).expect("decode");
        let s = &rec.samples;
        hours += rec.duration_s().unwrap_or(0.0) / 3600.0;
        let c = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
        let invented: Vec<_> =
            c.corrections.iter().filter(|x| x.kind != ArtefactKind::Dropout).collect();
        assert!(invented.is_empty(), "{f}: {invented:?}");
    }
    println!("{hours:.1} h of untouched recordings: no invented artefacts");
}
