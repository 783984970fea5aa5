//! Hostile input against the real binary: bombs, huge files, pathological XML and FIT. Each
//! case is imported beside one good file; the child's peak resident memory (`VmHWM`, polled)
//! must stay within 150 MB of an import of that good file alone, the import must finish within
//! a time bound, the bad input must be reported by name with its reason, nothing of it may be
//! stored, and the good file must be stored all the same.
//!
//! Figures: `cargo test -p slowburn --test hostile -- --nocapture` prints each case's peak.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use slowburn_store::{Filter, SqliteStore, Store};

/// What any input may add to the normal working set of an import.
const BOUND_KB: u64 = 150 * 1000;
/// Wall time any single hostile import may take (debug build, two busy cores).
const TIME_BOUND: Duration = Duration::from_secs(90);

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

// ---------------------------------------------------------------------------------------------
// A minimal FIT writer (the bytes, not our encoder: hostile files are what no encoder writes).
// ---------------------------------------------------------------------------------------------

/// FIT seconds of 2024-06-01T00:00:00Z.
const T0: u32 = 1_717_200_000 - 631_065_600;

struct Fit {
    data: Vec<u8>,
}

impl Fit {
    fn new() -> Fit {
        Fit { data: Vec::new() }
    }

    /// A definition of local type `local` for global message `global`: fields `(num, size, base)`.
    fn define(&mut self, local: u8, global: u16, fields: &[(u8, u8, u8)]) {
        self.data.push(0x40 | local);
        self.data.push(0); // reserved
        self.data.push(0); // little endian
        self.data.extend_from_slice(&global.to_le_bytes());
        self.data.push(fields.len() as u8);
        for &(n, s, b) in fields {
            self.data.extend_from_slice(&[n, s, b]);
        }
    }

    fn message(&mut self, local: u8, bytes: &[u8]) {
        self.data.push(local);
        self.data.extend_from_slice(bytes);
    }

    /// An activity's `file_id` (type 4, Garmin, created at `t`).
    fn file_id(&mut self, t: u32) {
        self.define(0, 0, &[(0, 1, 0x00), (1, 2, 0x84), (4, 4, 0x86)]);
        let mut m = vec![4u8];
        m.extend_from_slice(&1u16.to_le_bytes());
        m.extend_from_slice(&t.to_le_bytes());
        self.message(0, &m);
    }

    /// The record definition [`Fit::record`] writes (local type 1).
    fn define_record(&mut self) {
        // timestamp, lat, long, distance (cm), heart rate, altitude (5x+500)
        self.define(
            1,
            20,
            &[(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (5, 4, 0x86), (3, 1, 0x02), (2, 2, 0x84)],
        );
    }

    /// One record `i` seconds after `t`: running at 3 m/s north from 52° N, HR 140–150.
    fn record(&mut self, t: u32, i: u32, hr: u8, distance_m: f64) {
        let mut m = Vec::with_capacity(19);
        m.extend_from_slice(&(t + i).to_le_bytes());
        let lat = 52.0 + distance_m / 111_000.0;
        let semi = |deg: f64| (deg * (2f64.powi(31) / 180.0)) as i32;
        m.extend_from_slice(&semi(lat).to_le_bytes());
        m.extend_from_slice(&semi(13.0).to_le_bytes());
        m.extend_from_slice(&((distance_m * 100.0) as u32).to_le_bytes());
        m.push(hr);
        m.extend_from_slice(&(((40.0 + 500.0) * 5.0) as u16).to_le_bytes());
        self.message(1, &m);
    }

    /// Header, data, CRC.
    fn finish(self) -> Vec<u8> {
        let mut out = vec![14u8, 0x20];
        out.extend_from_slice(&2132u16.to_le_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_le_bytes());
        out.extend_from_slice(b".FIT");
        let hcrc = slowburn_formats::fit::crc::crc16(&out);
        out.extend_from_slice(&hcrc.to_le_bytes());
        out.extend_from_slice(&self.data);
        let crc = slowburn_formats::fit::crc::crc16(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }
}

/// A plain run of `n` seconds starting `day` days after 2024-06-01.
fn run_fit(day: u32, n: u32) -> Vec<u8> {
    let t = T0 + day * 86_400;
    let mut f = Fit::new();
    f.file_id(t);
    f.define_record();
    for i in 0..n {
        f.record(t, i, 140 + (i % 10) as u8, f64::from(i) * 3.0);
    }
    f.finish()
}

// ---------------------------------------------------------------------------------------------
// Running the binary and watching its memory.
// ---------------------------------------------------------------------------------------------

struct Run {
    report: Value,
    peak_kb: u64,
    elapsed: Duration,
    stderr: String,
}

/// `VmHWM` of a live process, in kB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `slowburn import --json inputs` into `db`; stdout goes to a file (a 100,000-line report
/// must not block on a pipe) and the child's high-water mark is polled every 2 ms.
fn import(dir: &Path, db: &Path, inputs: &[PathBuf]) -> Run {
    let out_path = dir.join("report.json");
    let err_path = dir.join("stderr.txt");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_slowburn"))
        .env("SLOWBURN_CONFIG", dir.join("no-config.toml"))
        .env("HOME", dir)
        .env_remove("SLOWBURN_DB")
        .arg("--db")
        .arg(db)
        .args(["import", "--json"])
        .args(inputs)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn slowburn");
    let pid = child.id();
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_BOUND * 2 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("import of {inputs:?} still running after {:?}", started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(
        status.code().is_some(),
        "import of {inputs:?} was killed by a signal ({status}): {stderr}"
    );
    let stdout = std::fs::read(&out_path).expect("report");
    let report: Value = serde_json::from_slice(&stdout)
        .unwrap_or_else(|e| panic!("import --json is not JSON ({e}), status {status}: {stderr}"));
    Run { report, peak_kb, elapsed, stderr }
}

/// Peak of an import of one ordinary file (a 2-hour run), measured once.
fn baseline() -> u64 {
    static B: OnceLock<u64> = OnceLock::new();
    *B.get_or_init(|| {
        let dir = tempdir("baseline");
        let good = dir.join("good.fit");
        std::fs::write(&good, run_fit(0, 7200)).expect("write");
        let r = import(&dir, &dir.join("db.sqlite"), &[good]);
        assert_eq!(r.report["imported"], 1, "{}", r.report);
        eprintln!("baseline: peak {} MB in {:.1?}", r.peak_kb / 1000, r.elapsed);
        let _ = std::fs::remove_dir_all(&dir);
        r.peak_kb
    })
}

/// Import `bad` beside a good run and check the bounds, that the good run is stored, and that
/// nothing named like `bad_name` is. Returns the outcomes of the bad inputs.
fn hostile(tag: &str, make: impl FnOnce(&Path) -> PathBuf, bad_name: &str) -> Vec<Value> {
    let base = baseline();
    let dir = tempdir(tag);
    let good = dir.join("good.fit");
    std::fs::write(&good, run_fit(1, 3600)).expect("write");
    let made = Instant::now();
    let bad = make(&dir);
    let made = made.elapsed();
    let db = dir.join("db.sqlite");
    let r = import(&dir, &db, &[bad, good.clone()]);
    eprintln!(
        "{tag}: peak {} MB (baseline {} MB, +{} MB) in {:.1?} (input made in {made:.1?})",
        r.peak_kb / 1000,
        base / 1000,
        r.peak_kb.saturating_sub(base) / 1000,
        r.elapsed
    );
    assert!(
        r.peak_kb <= base + BOUND_KB,
        "{tag}: peak RSS {} kB, more than 150 MB over the baseline {base} kB",
        r.peak_kb
    );
    assert!(r.elapsed <= TIME_BOUND, "{tag}: took {:?}", r.elapsed);
    let files = r.report["files"].as_array().expect("files").clone();
    let good_name = good.display().to_string();
    let g = files.iter().find(|f| f["name"] == good_name.as_str()).expect("the good file");
    assert_eq!(g["outcome"], "imported", "{tag}: {g} {}", r.stderr);
    let store = SqliteStore::open(&db).expect("store");
    let stored: Vec<String> =
        store.original_list().expect("originals").into_iter().map(|o| o.name).collect();
    let rows = store.activities(&Filter::default()).expect("activities");
    let bad_files: Vec<Value> = files
        .into_iter()
        .filter(|f| f["name"].as_str().is_some_and(|n| n.contains(bad_name)))
        .collect();
    assert!(!bad_files.is_empty(), "{tag}: no outcome names {bad_name}: {}", r.report);
    eprintln!("  {}", bad_files[0]);
    for f in &bad_files {
        if f["outcome"] == "failed" || f["outcome"] == "skipped" {
            let name = f["name"].as_str().unwrap_or_default();
            assert!(!stored.iter().any(|s| s == name), "{tag}: {name} failed but is stored");
            assert!(
                !rows.iter().any(|a| a.data.source_name == name),
                "{tag}: {name} failed but has an activity"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    bad_files
}

fn reason(f: &Value) -> &str {
    f["reason"].as_str().unwrap_or_default()
}

/// `n` bytes of zeros, streamed into `w` (never held whole).
fn zeros(w: &mut impl Write, n: u64) {
    let block = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len() as u64) as usize;
        w.write_all(&block[..k]).expect("write");
        left -= k as u64;
    }
}

const GIB: u64 = 1 << 30;

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

#[test]
fn gzip_bomb_is_refused_within_the_bounds() {
    let bad = hostile(
        "gzip",
        |dir| {
            let p = dir.join("bomb.fit.gz");
            let f = std::fs::File::create(&p).expect("create");
            let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
            zeros(&mut gz, GIB);
            gz.finish().expect("gzip");
            p
        },
        "bomb.fit.gz",
    );
    assert_eq!(bad[0]["outcome"], "failed");
    assert!(reason(&bad[0]).contains("unpacks to more than"), "{}", bad[0]);
}

#[test]
fn zip_bomb_member_is_refused_within_the_bounds() {
    let bad = hostile(
        "zip",
        |dir| {
            let p = dir.join("bomb.zip");
            let mut z = zip::ZipWriter::new(std::fs::File::create(&p).expect("create"));
            let o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(9))
                .large_file(true);
            z.start_file("activities/1.fit", o).expect("member");
            zeros(&mut z, GIB);
            z.start_file("activities/2.fit", o).expect("member");
            z.write_all(&run_fit(2, 600)).expect("write");
            z.finish().expect("zip");
            p
        },
        "bomb.zip!",
    );
    let bomb = bad.iter().find(|f| f["name"].as_str().is_some_and(|n| n.ends_with("1.fit")));
    let bomb = bomb.expect("the bomb's outcome");
    assert_eq!(bomb["outcome"], "failed");
    assert!(reason(bomb).contains("more than"), "{bomb}");
    let ok = bad.iter().find(|f| f["name"].as_str().is_some_and(|n| n.ends_with("2.fit")));
    assert_eq!(ok.expect("the good member")["outcome"], "imported");
}

#[test]
fn zip_of_100000_members_is_read_within_the_bounds() {
    let bad = hostile(
        "members",
        |dir| {
            let p = dir.join("many.zip");
            let f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
            let mut z = zip::ZipWriter::new(f);
            let o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for i in 0..100_000 {
                z.start_file(format!("a/{i}.fit"), o).expect("member");
                z.write_all(b"x").expect("write");
            }
            z.finish().expect("zip");
            p
        },
        "many.zip!",
    );
    assert_eq!(bad.len(), 100_000);
    assert!(bad.iter().all(|f| f["outcome"] == "failed"));
    assert!(reason(&bad[0]).contains("not a FIT file"), "{}", bad[0]);
}

/// Nine levels of ten: 10^9 `lol`s if a parser expanded them.
const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"#;

#[test]
fn billion_laughs_gpx_is_not_expanded() {
    let bad = hostile(
        "laughs-gpx",
        |dir| {
            let p = dir.join("laughs.gpx");
            let mut s = LAUGHS.to_owned();
            s.push_str(
                "<gpx version=\"1.1\" creator=\"&lol9;\"><trk><name>&lol9;</name><trkseg>\n",
            );
            for i in 0..600 {
                let lat = 48.0 + f64::from(i) * 0.00003;
                s.push_str(&format!(
                    "<trkpt lat=\"{lat:.6}\" lon=\"2.0\"><time>2024-06-05T07:{:02}:{:02}Z</time></trkpt>\n",
                    i / 60,
                    i % 60
                ));
            }
            s.push_str("</trkseg></trk></gpx>\n");
            std::fs::write(&p, s).expect("write");
            p
        },
        "laughs.gpx",
    );
    // Read, with the entity left as written: never 3 GB of "lol".
    assert_eq!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

#[test]
fn billion_laughs_tcx_is_not_expanded() {
    let bad = hostile(
        "laughs-tcx",
        |dir| {
            let p = dir.join("laughs.tcx");
            let mut s = LAUGHS.to_owned();
            s.push_str(
                "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\"><Id>&lol9;</Id>\
                 <Lap StartTime=\"2024-06-06T07:00:00Z\"><Notes>&lol9;</Notes><Track>\n",
            );
            for i in 0..600 {
                s.push_str(&format!(
                    "<Trackpoint><Time>2024-06-06T07:{:02}:{:02}Z</Time>\
                     <DistanceMeters>{}</DistanceMeters><HeartRateBpm><Value>&lol9;</Value></HeartRateBpm></Trackpoint>\n",
                    i / 60,
                    i % 60,
                    i * 3
                ));
            }
            s.push_str("</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n");
            std::fs::write(&p, s).expect("write");
            p
        },
        "laughs.tcx",
    );
    assert_eq!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

#[test]
fn a_million_levels_of_xml_are_refused_within_the_bounds() {
    let bad = hostile(
        "nested",
        |dir| {
            let p = dir.join("nested.gpx");
            let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
            f.write_all(b"<?xml version=\"1.0\"?><gpx version=\"1.1\">").expect("write");
            for _ in 0..1_000_000 {
                f.write_all(b"<a>").expect("write");
            }
            for _ in 0..1_000_000 {
                f.write_all(b"</a>").expect("write");
            }
            f.write_all(b"</gpx>").expect("write");
            f.flush().expect("flush");
            p
        },
        "nested.gpx",
    );
    assert_ne!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

#[test]
fn fit_with_255_field_definitions_is_read_within_the_bounds() {
    let bad = hostile(
        "fields",
        |dir| {
            let p = dir.join("wide.fit");
            let mut f = Fit::new();
            f.file_id(T0 + 3 * 86_400);
            // 255 fields of 255 bytes each (a 65,025-byte message), redefined for each of the 16
            // local types again and again; the record fields we read sit among them.
            let mut fields: Vec<(u8, u8, u8)> = (0..=254u8).map(|n| (n, 255, 0x0D)).collect();
            fields[253] = (253, 4, 0x86);
            fields[3] = (3, 1, 0x02);
            let size: usize = fields.iter().map(|&(_, s, _)| usize::from(s)).sum();
            for round in 0..40u32 {
                let local = (round % 16) as u8;
                f.define(local, 20, &fields);
                let mut m = vec![0x5Au8; size];
                let at: usize = fields[..253].iter().map(|&(_, s, _)| usize::from(s)).sum();
                m[at..at + 4].copy_from_slice(&(T0 + 3 * 86_400 + round).to_le_bytes());
                f.message(local, &m);
            }
            std::fs::write(&p, f.finish()).expect("write");
            p
        },
        "wide.fit",
    );
    assert_eq!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

/// A FIT run of `n` one-second records (20 bytes each), starting `day` days on.
fn long_fit(day: u32, n: u32) -> Vec<u8> {
    let t = T0 + day * 86_400;
    let mut f = Fit::new();
    f.file_id(t);
    f.define_record();
    for i in 0..n {
        f.record(t, i, 120 + (i % 30) as u8, f64::from(i % 100_000));
    }
    f.finish()
}

#[test]
fn fit_of_two_million_records_is_refused_within_the_bounds() {
    let bad = hostile(
        "records",
        |dir| {
            let p = dir.join("long.fit");
            std::fs::write(&p, long_fit(4, 2_000_000)).expect("write");
            p
        },
        "long.fit",
    );
    assert_eq!(bad[0]["outcome"], "failed", "{}", bad[0]);
    assert!(reason(&bad[0]).contains("more than the 24 MiB limit"), "{}", bad[0]);
}

#[test]
fn fit_just_within_the_byte_limit_is_read_in_part_within_the_bounds() {
    let bad = hostile(
        "records-within",
        |dir| {
            // 1,200,000 records: 24.0 MB, under the 24 MiB limit, six times the sample limit.
            let p = dir.join("long-within.fit");
            std::fs::write(&p, long_fit(5, 1_200_000)).expect("write");
            p
        },
        "long-within.fit",
    );
    assert_eq!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

#[test]
fn large_gpx_of_tiny_points_is_read_in_part_within_the_bounds() {
    let bad = hostile(
        "large-gpx",
        |dir| {
            let p = dir.join("large.gpx");
            let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
            f.write_all(b"<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>\n")
                .expect("write");
            // 38 MB, just within the 40 MiB limit, of points as small as a point can be: some
            // 550,000, far more samples than the limit.
            let mut written = 0u64;
            let mut i = 0u32;
            while written < 38_000_000 {
                let line = format!(
                    "<trkpt lat=\"48\" lon=\"2\"><time>2024-06-08T{:02}:{:02}:{:02}Z</time></trkpt>\n",
                    (i / 3600) % 24,
                    (i / 60) % 60,
                    i % 60
                );
                f.write_all(line.as_bytes()).expect("write");
                written += line.len() as u64;
                i += 1;
            }
            f.write_all(b"</trkseg></trk></gpx>\n").expect("write");
            f.flush().expect("flush");
            p
        },
        "large.gpx",
    );
    assert_eq!(bad[0]["outcome"], "imported", "{}", bad[0]);
}

#[test]
fn huge_gpx_is_refused_within_the_bounds() {
    let bad = hostile(
        "huge-gpx",
        |dir| {
            let p = dir.join("huge.gpx");
            let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
            f.write_all(b"<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>\n")
                .expect("write");
            // 300 MB of track points, far past anything a watch writes.
            let point = b"<trkpt lat=\"48.000000\" lon=\"2.000000\"><ele>35.0</ele><time>2024-06-07T07:00:00Z</time></trkpt>\n";
            let mut written = 0u64;
            while written < 300_000_000 {
                f.write_all(point).expect("write");
                written += point.len() as u64;
            }
            f.write_all(b"</trkseg></trk></gpx>\n").expect("write");
            f.flush().expect("flush");
            p
        },
        "huge.gpx",
    );
    assert_eq!(bad[0]["outcome"], "failed", "{}", bad[0]);
    assert!(reason(&bad[0]).contains("larger than"), "{}", bad[0]);
}

// ---------------------------------------------------------------------------------------------
// The other kinds of bad input, one import of them all beside a good file: what each gives.
// ---------------------------------------------------------------------------------------------

/// What an input must give.
enum Expect {
    /// Refused, the reason containing the words.
    Failed(&'static str),
    /// Passed over, the reason containing the words.
    Skipped(&'static str),
    /// Stored, and its row passes the check (nothing impossible in it).
    Imported(fn(&slowburn_store::ActivityData) -> Result<(), String>),
}

/// A GPX track of `(ISO time, heart rate)` points, 3 m apart.
fn gpx(points: &[(String, Option<u32>)]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><gpx version=\"1.1\" xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\"><trk><trkseg>\n",
    );
    for (i, (t, hr)) in points.iter().enumerate() {
        let lat = 48.0 + i as f64 * 0.000_027;
        s.push_str(&format!("<trkpt lat=\"{lat:.7}\" lon=\"2.0\"><time>{t}</time>"));
        if let Some(hr) = hr {
            s.push_str(&format!(
                "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
            ));
        }
        s.push_str("</trkpt>\n");
    }
    s.push_str("</trkseg></trk></gpx>\n");
    s.into_bytes()
}

/// `n` points a second apart from `start` (`YYYY-MM-DDTHH:MM`), heart rate `hr`.
fn gpx_run(start: &str, n: u32, hr: Option<u32>) -> Vec<u8> {
    let (hour, min) = start.split_at(start.len() - 2);
    let min: u32 = min.parse().unwrap_or(0);
    let points: Vec<(String, Option<u32>)> =
        (0..n).map(|i| (format!("{hour}{:02}:{:02}Z", (min + i / 60) % 60, i % 60), hr)).collect();
    gpx(&points)
}

/// A TCX run whose trackpoints carry the distances given, a second apart.
fn tcx_distances(day: &str, distances: &[f64]) -> Vec<u8> {
    let mut s = format!(
        "<?xml version=\"1.0\"?><TrainingCenterDatabase><Activities><Activity Sport=\"Running\"><Id>{day}T06:00:00Z</Id><Lap StartTime=\"{day}T06:00:00Z\"><Track>\n"
    );
    for (i, d) in distances.iter().enumerate() {
        s.push_str(&format!(
            "<Trackpoint><Time>{day}T06:{:02}:{:02}Z</Time><DistanceMeters>{d}</DistanceMeters><HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>\n",
            i / 60,
            i % 60
        ));
    }
    s.push_str("</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n");
    s.into_bytes()
}

/// A FIT run of `n` seconds whose clock jumps by `jump_s` after `at` seconds.
fn fit_clock_jump(day: u32, n: u32, at: u32, jump_s: i64) -> Vec<u8> {
    let t = T0 + day * 86_400;
    let mut f = Fit::new();
    f.file_id(t);
    f.define_record();
    for i in 0..n {
        let shift = if i >= at { jump_s } else { 0 };
        let ts = (i64::from(t) + i64::from(i) + shift) as u32;
        f.record(ts, 0, 140, f64::from(i) * 3.0);
    }
    f.finish()
}

/// A FIT run of `n` seconds at heart rate `hr`.
fn fit_hr(day: u32, n: u32, hr: u8) -> Vec<u8> {
    let t = T0 + day * 86_400;
    let mut f = Fit::new();
    f.file_id(t);
    f.define_record();
    for i in 0..n {
        f.record(t, i, hr, f64::from(i) * 3.0);
    }
    f.finish()
}

fn sane(a: &slowburn_store::ActivityData) -> Result<(), String> {
    let d = a.duration_s.unwrap_or(0.0);
    if !(0.0..=7.0 * 86_400.0).contains(&d) {
        return Err(format!("duration {d} s"));
    }
    if let Some(m) = a.distance_m {
        if !(0.0..=1_000_000.0).contains(&m) || !m.is_finite() {
            return Err(format!("distance {m} m"));
        }
    }
    if let Some(m) = a.moving_s {
        // Moving time within the duration, and no pace faster than a world record's 2:20 /km
        // (a clock jumping forward mid-run once stored half its duration with all its distance).
        if m > d + 1.0 {
            return Err(format!("moving {m} s of a {d} s run"));
        }
        if let Some(km) = a.distance_m.map(|m| m / 1000.0).filter(|&km| km > 0.5) {
            if m / km < 140.0 || d / km < 140.0 {
                return Err(format!("{km:.2} km in {m} s moving, {d} s in all"));
            }
        }
    }
    if let Some(hr) = a.max_hr {
        if !(25..=250).contains(&hr) {
            return Err(format!("max HR {hr}"));
        }
    }
    if let Some(hr) = a.avg_hr {
        if !(25.0..=250.0).contains(&hr) {
            return Err(format!("average HR {hr}"));
        }
    }
    Ok(())
}

#[test]
#[allow(clippy::too_many_lines)]
fn every_other_kind_of_bad_input_gives_a_named_outcome_and_nothing_impossible() {
    let dir = tempdir("table");
    let data = dir.join("in");
    std::fs::create_dir_all(&data).expect("dir");
    let good = run_fit(10, 1800);
    let half = good.len() / 2;
    let mut flipped = run_fit(13, 1800);
    // Past the file_id and the definition (flipping those makes it "not an activity").
    for i in (60..flipped.len()).step_by(97) {
        flipped[i] ^= 0xFF;
    }
    let mut traversal = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut traversal));
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("../../escape.fit", o).expect("member");
        z.write_all(&run_fit(11, 600)).expect("write");
        z.start_file("/abs/path/x.fit", o).expect("member");
        z.write_all(&run_fit(12, 600)).expect("write");
        z.finish().expect("zip");
    }
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("truncated.fit", good[..half].to_vec(), Expect::Imported(sane)),
        ("header-only.fit", good[..14].to_vec(), Expect::Skipped("does not say what it holds")),
        ("bit-flipped.fit", flipped, Expect::Imported(sane)),
        ("zero-length.fit", Vec::new(), Expect::Failed("empty file")),
        // GPX content under a FIT name: the content decides.
        (
            "wrong-extension.fit",
            gpx_run("2024-06-13T07:00", 600, Some(150)),
            Expect::Imported(sane),
        ),
        ("not-a-recording.gpx", b"\x89PNG\r\n\x1a\n....".to_vec(), Expect::Failed("XML")),
        ("traversal.zip", traversal, Expect::Imported(sane)),
        ("far-past.gpx", gpx_run("1900-01-01T07:00", 120, None), Expect::Skipped("1900-01-01")),
        ("far-future.gpx", gpx_run("2999-01-01T07:00", 120, None), Expect::Skipped("2999-01-01")),
        (
            "fit-relative-time.fit",
            fit_clock_jump(0, 120, 0, -i64::from(T0) + 1000),
            Expect::Skipped("device time"),
        ),
        ("hr-0.fit", fit_hr(14, 600, 0), Expect::Imported(sane)),
        ("hr-255.fit", fit_hr(15, 600, 255), Expect::Imported(sane)),
        ("hr-0.gpx", gpx_run("2024-06-16T07:00", 600, Some(0)), Expect::Imported(sane)),
        ("hr-255.gpx", gpx_run("2024-06-17T07:00", 600, Some(255)), Expect::Imported(sane)),
        ("hr-9999.gpx", gpx_run("2024-06-18T07:00", 600, Some(9999)), Expect::Imported(sane)),
        (
            "negative-distance.tcx",
            tcx_distances("2024-06-19", &(0..600).map(|i| -3.0 * f64::from(i)).collect::<Vec<_>>()),
            Expect::Imported(sane),
        ),
        ("clock-back.fit", fit_clock_jump(20, 1800, 900, -600), Expect::Imported(sane)),
        (
            "clock-forward.fit",
            fit_clock_jump(21, 1800, 900, 20 * 365 * 86_400),
            Expect::Imported(sane),
        ),
    ];
    let mut inputs = Vec::new();
    for (name, bytes, _) in &cases {
        let p = data.join(name);
        std::fs::write(&p, bytes).expect("write");
        inputs.push(p);
    }
    // A name that is not UTF-8 (Linux allows any bytes but '/' and NUL).
    #[cfg(unix)]
    let odd = {
        use std::os::unix::ffi::OsStrExt;
        let p = data.join(std::ffi::OsStr::from_bytes(b"run-\xff\xfe.fit"));
        std::fs::write(&p, run_fit(22, 600)).expect("write");
        inputs.push(p.clone());
        p
    };
    let db = dir.join("db.sqlite");
    let r = import(&dir, &db, &inputs);
    let files = r.report["files"].as_array().expect("files").clone();
    let store = SqliteStore::open(&db).expect("store");
    let rows = store.activities(&Filter::default()).expect("activities");
    let stored: Vec<String> =
        store.original_list().expect("originals").into_iter().map(|o| o.name).collect();
    let mut problems = Vec::new();
    let mut table = String::new();
    for (name, _, expect) in &cases {
        let outs: Vec<&Value> = files
            .iter()
            .filter(|f| f["name"].as_str().is_some_and(|n| n.contains(&format!("/in/{name}"))))
            .collect();
        if outs.is_empty() {
            problems.push(format!("{name}: no outcome"));
            continue;
        }
        for f in outs {
            let fname = f["name"].as_str().unwrap_or_default();
            let outcome = f["outcome"].as_str().unwrap_or_default();
            let why = reason(f);
            table.push_str(&format!("| {fname} | {outcome} | {why} |\n"));
            match expect {
                Expect::Failed(w) | Expect::Skipped(w) => {
                    let want =
                        if matches!(expect, Expect::Failed(_)) { "failed" } else { "skipped" };
                    if outcome != want || !why.contains(w) {
                        problems.push(format!("{fname}: {f}, wanted {want} with {w:?}"));
                    }
                    if stored.iter().any(|s| s == fname)
                        && !(want == "skipped" && outcome == "skipped")
                    {
                        problems.push(format!("{fname}: {outcome} but stored"));
                    }
                    if rows.iter().any(|a| a.data.source_name == fname) {
                        problems.push(format!("{fname}: {outcome} but has an activity"));
                    }
                }
                Expect::Imported(check) => {
                    if outcome != "imported" {
                        problems.push(format!("{fname}: {f}, wanted imported"));
                        continue;
                    }
                    match rows.iter().find(|a| a.data.source_name == fname) {
                        None => problems.push(format!("{fname}: imported but no activity")),
                        Some(a) => {
                            table.push_str(&format!(
                                "|   stored: | {:?} s, {:?} m, max HR {:?}, avg HR {:?} | |\n",
                                a.data.duration_s, a.data.distance_m, a.data.max_hr, a.data.avg_hr
                            ));
                            if let Err(e) = check(&a.data) {
                                problems.push(format!("{fname}: impossible: {e}: {:?}", a.data));
                            }
                        }
                    }
                }
            }
        }
    }
    #[cfg(unix)]
    {
        let shown = odd.display().to_string();
        let f = files.iter().find(|f| f["name"] == shown.as_str());
        match f {
            Some(f) if f["outcome"] == "imported" => {
                table.push_str(&format!("| {shown} | imported | |\n"));
            }
            other => problems.push(format!("non-UTF-8 name: {other:?}")),
        }
    }
    // Nothing was written from the archive's member names.
    assert!(!dir.join("escape.fit").exists() && !Path::new("/abs/path/x.fit").exists());
    eprintln!("{table}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
