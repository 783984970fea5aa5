//! What the import tests share: the corpus, a plain analysis, synthetic recordings.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use slowburn_formats::sources::ExportMeta;
use slowburn_formats::{FileKind, Recording, Sport, Summary};
use slowburn_import::{import, Analyser, Analysis, Options, Report, Silent};
use slowburn_store::Store;

/// A minimal analysis for pipeline tests (the real one lives in slowburn-core): the summary
/// records what the analysis was given, so tests can see each part's own recording.
pub struct Plain;
impl Analyser for Plain {
    fn analyse(&self, rec: &Recording, _meta: Option<&ExportMeta>) -> Analysis {
        let mut hist = vec![0.0f32; 256];
        for h in rec.samples.heart_rate.iter().flatten() {
            hist[*h as usize] += 1.0;
        }
        let first_d = rec.samples.distance_m.iter().find_map(|d| *d);
        let last_d = rec.samples.distance_m.iter().rev().find_map(|d| *d);
        let summary = serde_json::json!({
            "samples": rec.samples.len(),
            "sport": rec.sport.map(|s| s.sport),
            "laps": rec.laps.len(),
            "sessions": rec.sessions.len(),
            "pauses": rec.pauses.len(),
            "first_distance_m": first_d,
            "last_distance_m": last_d,
            "start": rec.start,
            "end": rec.end(),
        })
        .to_string();
        Analysis { hr_hist: hist, summary, ..Analysis::default() }
    }
}

/// The shared corpus: `SLOWBURN_CORPUS`, or `../shared/corpus` beside the workspace.
pub fn corpus() -> PathBuf {
    std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

/// A corpus file (the test fails when the corpus is missing).
pub fn corpus_file(rel: &str) -> PathBuf {
    let p = corpus().join(rel);
    assert!(p.is_file(), "corpus file {} missing (set SLOWBURN_CORPUS)", p.display());
    p
}

pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-import-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

pub fn run(store: &mut dyn Store, inputs: &[PathBuf]) -> Report {
    import(store, inputs, &Plain, &Silent, Options { batch_size: 16 }).expect("import runs")
}

/// Every file counted once.
pub fn assert_adds_up(r: &Report) {
    assert_eq!(
        r.imported + r.replaced + r.duplicates + r.skipped + r.failed,
        r.files.len(),
        "{r:#?}"
    );
}

/// A synthetic run: `n` seconds at 1 Hz from `t0_ms`, 3 m/s eastwards, with heart rate and
/// cadence; distance counted from `d0`.
pub fn run_recording(t0_ms: i64, n: usize, sport: u8) -> Recording {
    let mut rec = Recording {
        file_kinds: vec![FileKind::Activity],
        sport: Some(Sport { sport, sub_sport: 0 }),
        start: Some(t0_ms),
        ..Recording::default()
    };
    let s = &mut rec.samples;
    s.reserve(n);
    for i in 0..n {
        s.push_empty();
        s.time[i] = Some(t0_ms + i as i64 * 1000);
        s.lat[i] = Some(46.0);
        s.lon[i] = Some(14.0 + i as f64 * 3.0 / 77_000.0);
        s.altitude_m[i] = Some(300.0);
        s.heart_rate[i] = Some(130 + (i % 20) as u8);
        s.cadence[i] = Some(85.0);
        s.distance_m[i] = Some(i as f64 * 3.0);
        s.speed_mps[i] = Some(3.0);
    }
    rec
}

/// A session summary over `start_ms` for `secs`.
pub fn session(start_ms: i64, secs: f64, sport: u8, distance_m: f64) -> Summary {
    Summary {
        start: Some(start_ms),
        elapsed_s: Some(secs),
        timer_s: Some(secs),
        distance_m: Some(distance_m),
        sport: Some(sport),
        sub_sport: Some(0),
        ..Summary::default()
    }
}

pub fn fit_bytes(rec: &Recording) -> Vec<u8> {
    slowburn_formats::fit::encode::encode_activity(
        rec,
        &slowburn_formats::fit::encode::EncodeOptions::default(),
    )
    .expect("encode")
}

/// A GPX of `rec`'s samples `from..to` (positions and times only), times shifted by `shift_ms`.
pub fn gpx_of(rec: &Recording, from: usize, to: usize, shift_ms: i64) -> String {
    let mut gpx =
        String::from("<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"test\"><trk><trkseg>");
    for i in from..to.min(rec.samples.len()) {
        if let (Some(t), Some(lat), Some(lon)) =
            (rec.samples.time[i], rec.samples.lat[i], rec.samples.lon[i])
        {
            let ts = jiff::Timestamp::from_millisecond(t + shift_ms).expect("time");
            gpx.push_str(&format!("<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>{ts}</time></trkpt>"));
        }
    }
    gpx.push_str("</trkseg></trk></gpx>");
    gpx
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// The store's canonical dump (everything but row ids).
pub fn dump(store: &dyn Store) -> String {
    store.canonical_dump().expect("dump")
}

/// A zip archive at `path` holding `members` (name, bytes), deflated.
pub fn zip_with(path: &Path, members: &[(&str, &[u8])]) {
    use std::io::Write as _;
    let f = std::fs::File::create(path).expect("create zip");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        z.start_file(*name, opts).expect("member");
        z.write_all(bytes).expect("write");
    }
    z.finish().expect("finish");
}
