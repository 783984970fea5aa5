//! Summarising one run as every import does: heart-rate cleaning, the prepared track, the
//! metrics and the classification, on one hour of 1 Hz data (a synthetic long run cut to
//! 3,600 samples, with sensor faults for the cleaner to find). One iteration is one hour of
//! recording, so the reported time is the time per hour of 1 Hz data.
//!
//! Run: `cargo bench -p slowburn-core --bench summarise`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use slowburn_core::classify::{classify, Context, Hints, Norms};
use slowburn_core::metrics::{measure, Track};
use slowburn_core::{clean_hr, Athlete, ProfileEntry, ZoneModel};
use slowburn_formats::Recording;
use slowburn_synth::{generate, ProfileKind, SynthConfig};

/// The first synthetic activity with at least an hour of samples, cut to exactly one hour.
fn one_hour() -> Recording {
    let cfg = SynthConfig {
        years: 0.25,
        profile: ProfileKind::EightyTwenty,
        seed: 7,
        faults: true,
        fault_rate: 1.0,
        ..SynthConfig::default()
    };
    let history = generate(&cfg).expect("valid config");
    let mut rec = history
        .activities()
        .map(|a| a.recording)
        .find(|r| r.samples.len() >= 3600)
        .expect("a run of an hour or more");
    rec.samples.truncate(3600);
    rec
}

fn bench(c: &mut Criterion) {
    let rec = one_hour();
    let date = jiff::civil::date(2016, 3, 1);
    let entry = ProfileEntry {
        max_hr: Some(185),
        resting_hr: Some(50),
        lthr: Some(168),
        threshold_pace_s_per_km: Some(255.0),
        ..ProfileEntry::new(date)
    };
    let profile = Athlete::from_entries(vec![entry]).at(date);
    let zones = ZoneModel::PercentMax.zones(&profile).ok();
    let norms = Norms {
        median_easy_s: Some(2400.0),
        longest_recent_s: Some(4200.0),
        median_long_s: None,
        hours_since_hard: None,
    };

    let mut g = c.benchmark_group("summarise");
    g.throughput(Throughput::Elements(rec.samples.len() as u64));
    g.bench_function("clean + metrics + classify, 1 h at 1 Hz", |b| {
        b.iter(|| {
            let run = black_box(&rec);
            let cols = &run.samples;
            let cleaned = clean_hr(&cols.time, &cols.heart_rate, &cols.cadence, &cols.speed_mps);
            let track = Track::new(run, &cleaned.hr);
            let metrics = measure(&track, &profile, zones.as_ref());
            let cx = Context {
                profile: &profile,
                zones: zones.as_ref(),
                norms,
                hints: Hints::default(),
            };
            classify(&track, &metrics, &cx).run_type
        });
    });
    // The whole per-run summary import runs: cleaning, sport, track, metrics, classification,
    // verdicts, histograms.
    let summary_cx =
        slowburn_core::summary::Context { profile: &profile, norms, label: None, name: None };
    g.bench_function("summarise_with (the whole per-run summary), 1 h at 1 Hz", |b| {
        b.iter(|| {
            slowburn_core::summary::summarise_with(black_box(&rec), &summary_cx).summary.moving_s
        });
    });
    g.bench_function("metrics only (track + measure), 1 h at 1 Hz", |b| {
        b.iter(|| {
            let run = black_box(&rec);
            let track = Track::new(run, &run.samples.heart_rate);
            measure(&track, &profile, zones.as_ref()).moving_s
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
