//! Decode throughput of our FIT decoder against two Rust peers on the same bytes, in one run.
//!
//! Input: the corpus's activity FIT files that both reference decoders (Garmin SDK, fitdecode)
//! read without error and that hold at least 100 records (32 files, 5.4 MB, 129,168 records),
//! loaded into memory first. Every decoder must produce each record's channels: ours fills
//! its columns; the peers' record fields are walked and the same channels pulled out.
//!
//! Run: `cargo bench -p slowburn-formats --bench decode` (corpus at `../shared/corpus` or
//! `SLOWBURN_CORPUS`). A plain harness, not criterion: the result we want is one table of
//! MB/s, records/s and ratios, each the best of several timed passes.

use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn corpus_dir() -> PathBuf {
    if let Ok(p) = std::env::var("SLOWBURN_CORPUS") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The benchmark set, chosen from `expected.json` by the rule above.
fn load() -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir();
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("corpus not found at {}: {e}", dir.display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("expected.json is JSON");
    let mut out = Vec::new();
    for (name, e) in v.as_object().expect("object") {
        if e["format"] != "fit" {
            continue;
        }
        let ok = |r: &serde_json::Value| {
            r["errors"].as_array().is_some_and(Vec::is_empty)
                && r["record_count"].as_u64().unwrap_or(0) >= 100
        };
        let activity = e["garmin_sdk"]["file_type"] == serde_json::json!(["activity"]);
        if ok(&e["garmin_sdk"]) && ok(&e["fitdecode"]) && activity {
            out.push((name.clone(), std::fs::read(dir.join(name)).expect("readable")));
        }
    }
    out.sort();
    out
}

/// Time `f` over all files; best of `passes` after one warm-up, stopping early after ~3 s.
fn measure(
    files: &[(String, Vec<u8>)],
    passes: usize,
    mut f: impl FnMut(&[u8]) -> usize,
) -> (Duration, usize) {
    let mut records = 0;
    for (_, b) in files {
        records += f(b);
    }
    let mut best = Duration::MAX;
    let started = Instant::now();
    for _ in 0..passes {
        let t = Instant::now();
        let mut n = 0;
        for (_, b) in files {
            n += f(black_box(b));
        }
        best = best.min(t.elapsed());
        assert_eq!(n, records);
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    (best, records)
}

fn ours(bytes: &[u8]) -> usize {
    let rec = slowburn_formats::fit::decode(bytes).expect("decodes");
    black_box(&rec.samples);
    rec.samples.len()
}

fn rustyfit_stream(bytes: &[u8]) -> usize {
    use rustyfit::{profile::typedef::MesgNum, proto::Value, Decoder, StreamingIterator};
    let mut dec = Decoder::new();
    let mut reader: &[u8] = bytes;
    let mut stream = dec.stream(&mut reader);
    let mut n = 0;
    let (mut hr, mut spd, mut dist, mut alt, mut t, mut pos) = (0u64, 0u64, 0u64, 0u64, 0u64, 0i64);
    while let Some(ev) = stream.next() {
        let Ok(ev) = ev else { break };
        if let rustyfit::DecoderEvent::Message(m) = ev {
            if m.num == MesgNum::RECORD {
                n += 1;
                for f in &m.fields {
                    match (f.num, f.value.clone()) {
                        (253, Value::Uint32(v)) => t += u64::from(v),
                        (0 | 1, Value::Int32(v)) => pos += i64::from(v),
                        (3, Value::Uint8(v)) => hr += u64::from(v),
                        (5, Value::Uint32(v)) => dist += u64::from(v),
                        (6, Value::Uint16(v)) => spd += u64::from(v),
                        (73, Value::Uint32(v)) => spd += u64::from(v),
                        (2, Value::Uint16(v)) => alt += u64::from(v),
                        (78, Value::Uint32(v)) => alt += u64::from(v),
                        _ => {}
                    }
                }
            }
        }
    }
    black_box((hr, spd, dist, alt, t, pos));
    n
}

fn fitparser(bytes: &[u8]) -> usize {
    let Ok(recs) = fitparser::from_bytes(bytes) else { return 0 };
    let mut n = 0;
    let mut acc = 0.0f64;
    for r in &recs {
        if r.kind() == fitparser::profile::MesgNum::Record {
            n += 1;
            for f in r.fields() {
                match f.name() {
                    "heart_rate" | "speed" | "enhanced_speed" | "distance" | "altitude"
                    | "enhanced_altitude" | "position_lat" | "position_long" | "cadence"
                    | "power" => {
                        if let Ok(v) = f.value().clone().try_into() {
                            let v: f64 = v;
                            acc += v;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    black_box(acc);
    n
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing special: run quickly then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let files = load();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let passes = if quick { 1 } else { 50 };
    println!("FIT decode benchmark: {} files, {:.2} MB", files.len(), bytes as f64 / 1e6);
    // SLOWBURN_BENCH_ONLY_OURS=1 runs ours alone for a longer time (for profiling).
    if std::env::var_os("SLOWBURN_BENCH_ONLY_OURS").is_some() {
        let mut n = 0;
        for _ in 0..400 {
            n += measure(&files, 1, ours).1;
        }
        println!("decoded {n} records");
        return;
    }
    let rows: Vec<(&str, (Duration, usize))> = vec![
        ("slowburn (ours)", measure(&files, passes, ours)),
        ("rustyfit 0.11 stream", measure(&files, passes.min(20), rustyfit_stream)),
        ("fitparser 0.10", measure(&files, passes.min(5), fitparser)),
    ];
    let ours_t = rows[0].1 .0.as_secs_f64();
    println!(
        "{:<22} {:>10} {:>14} {:>10} {:>12}",
        "decoder", "MB/s", "records/s", "ms", "ours is ×"
    );
    for (name, (d, n)) in &rows {
        let s = d.as_secs_f64();
        println!(
            "{name:<22} {:>10.1} {:>14.0} {:>10.2} {:>12.1}",
            bytes as f64 / 1e6 / s,
            *n as f64 / s,
            s * 1e3,
            s / ours_t
        );
    }
}
