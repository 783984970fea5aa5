//! Time of the whole per-run summary (`summary::summarise_with`: cleaning, sport, track,
//! metrics, classification, verdicts, histograms) on one hour of 1 Hz data — the part of the
//! import the `summarise` benchmark does not cover. Ignored by default (a timing, not a check):
//! `cargo test --release -p slowburn-core --test summarise_timing -- --ignored --nocapture`.

use std::time::Instant;

use slowburn_core::classify::Norms;
use slowburn_core::summary::{summarise_with, Context};
use slowburn_core::{Athlete, ProfileEntry};
use slowburn_formats::Recording;
use slowburn_synth::{generate, ProfileKind, SynthConfig};

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

#[test]
#[ignore = "a timing; run with --ignored --nocapture in release"]
fn summarise_with_one_hour_at_1_hz() {
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
    let cx = Context {
        profile: &profile,
        norms: Norms { median_easy_s: Some(2400.0), longest_recent_s: Some(4200.0) },
        label: None,
        name: None,
    };
    let mut best = f64::INFINITY;
    let mut sink = 0.0;
    for _ in 0..20 {
        let t = Instant::now();
        let n = 50;
        for _ in 0..n {
            sink += std::hint::black_box(summarise_with(std::hint::black_box(&rec), &cx))
                .summary
                .moving_s;
        }
        best = best.min(t.elapsed().as_secs_f64() / f64::from(n));
    }
    println!("summarise_with, 1 h at 1 Hz: {:.1} µs (best of 20 × 50) [{sink:.0}]", best * 1e6);
}
