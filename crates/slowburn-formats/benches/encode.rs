//! Encode throughput of our FIT encoder: a 1 h run at 1 Hz with every channel (3600 records,
//! position, altitude, heart rate, fractional cadence, distance, speed, power, temperature and
//! running dynamics), two pauses, six laps, rr intervals.
//!
//! Run: `cargo bench -p slowburn-formats --bench encode`. Criterion reports the same encode
//! twice: as bytes of FIT output per second (`bytes`) and as records per second (`records`),
//! with plain and compressed-timestamp headers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use slowburn_formats::fit::{encode_activity, EncodeOptions};
use slowburn_formats::{Pause, Recording, Sport, Summary, FIT_EPOCH_OFFSET_S};

const SAMPLES: usize = 3600;

/// An hour's run, every value on the FIT grid, varied so no field is constant.
fn hour_run() -> Recording {
    let t0 = (1_100_000_000 + FIT_EPOCH_OFFSET_S) * 1000;
    let mut rec = Recording { sport: Some(Sport::RUNNING), ..Recording::default() };
    let s = &mut rec.samples;
    s.reserve(SAMPLES);
    let mut dist = 0.0;
    for i in 0..SAMPLES {
        let k = s.push_empty();
        let w = (i as f64 / 60.0).sin();
        // Two one-minute pauses: the clock jumps.
        let t = i as i64
            + if i >= 2400 {
                120
            } else if i >= 1200 {
                60
            } else {
                0
            };
        s.time[k] = Some(t0 + t * 1000);
        s.lat[k] = Some((500_000_000 + 37 * i as i32) as f64 * (180.0 / 2_147_483_648.0));
        s.lon[k] = Some((-1_000_000 - 29 * i as i32) as f64 * (180.0 / 2_147_483_648.0));
        s.altitude_m[k] = Some((120.0 + 15.0 * w) as f32);
        s.heart_rate[k] = Some((150.0 + 12.0 * w) as u8);
        s.cadence[k] = Some(88.0 + (i % 128) as f32 / 128.0);
        dist += 3.2 + 0.3 * w;
        s.distance_m[k] = Some((dist * 100.0).round() / 100.0);
        s.speed_mps[k] = Some((3.2 + 0.3 * w) as f32);
        s.power_w[k] = Some((280.0 + 40.0 * w) as u16);
        s.temperature_c[k] = Some(18 + (i / 600) as i8);
        s.vertical_oscillation_mm[k] = Some(85.0 + w as f32);
        s.stance_time_ms[k] = Some(240.0 + 10.0 * w as f32);
        s.step_length_mm[k] = Some(1150.0 + 50.0 * w as f32);
    }
    let at = |i: i64| t0 + i * 1000;
    rec.pauses = vec![
        Pause { start: at(1199), end: Some(at(1260)) },
        Pause { start: at(2459), end: Some(at(2520)) },
    ];
    rec.laps = (0..6)
        .map(|k| Summary {
            start: Some(at(k * 600)),
            elapsed_s: Some(600.0),
            timer_s: Some(600.0),
            distance_m: Some(1900.0),
            avg_heart_rate: Some(150),
            max_heart_rate: Some(162),
            ..Summary::default()
        })
        .collect();
    rec.rr_ms = (0..SAMPLES as u16).map(|k| 380 + k % 40).collect();
    rec
}

fn bench(c: &mut Criterion) {
    let rec = hour_run();
    let mut group = c.benchmark_group("encode_1h_1hz_all_channels");
    for (name, compressed) in [("plain", false), ("compressed", true)] {
        let opts = EncodeOptions { compressed_timestamps: compressed };
        let len = encode_activity(&rec, &opts).expect("encodes").len();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("bytes", name), &opts, |b, o| {
            b.iter(|| encode_activity(black_box(&rec), o).expect("encodes"));
        });
        group.throughput(Throughput::Elements(SAMPLES as u64));
        group.bench_with_input(BenchmarkId::new("records", name), &opts, |b, o| {
            b.iter(|| encode_activity(black_box(&rec), o).expect("encodes"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
