//! Synthesiser throughput: planning a year, and rendering + FIT-encoding activities.
//!
//! Run: `cargo bench -p slowburn-synth --bench synth`. The figure that matters for
//! `slowburn synth --years 10` is render + encode per activity (planning is a few ms a year);
//! multiply by the run count and divide by the cores.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use slowburn_formats::fit::{encode_activity, EncodeOptions};
use slowburn_synth::{generate, ProfileKind, SynthConfig};

fn config(years: f64) -> SynthConfig {
    SynthConfig { years, profile: ProfileKind::EightyTwenty, seed: 7, ..SynthConfig::default() }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("synth");
    g.sample_size(10);
    g.bench_function("plan 1 year", |b| b.iter(|| generate(black_box(&config(1.0)))));

    let history = generate(&config(0.25)).expect("valid config");
    let n = 20.min(history.len());
    let samples: usize =
        (0..n).filter_map(|i| history.activity(i)).map(|a| a.recording.samples.len()).sum();
    g.throughput(Throughput::Elements(samples as u64));
    g.bench_function(format!("render {n} activities ({samples} samples)"), |b| {
        b.iter(|| (0..n).filter_map(|i| history.activity(black_box(i))).count());
    });
    g.bench_function(format!("render + encode {n} activities ({samples} samples)"), |b| {
        b.iter(|| {
            (0..n)
                .filter_map(|i| history.activity(i))
                .filter_map(|a| encode_activity(&a.recording, &EncodeOptions::default()).ok())
                .map(|v| v.len())
                .sum::<usize>()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
