//! Every GPX and TCX file of the shared corpus, decoded and checked field by field against the
//! reference decodes in `expected.json` (gpxpy for GPX, a plain XML read for TCX), and property
//! tests that no input — arbitrary bytes, XML-like token soup, truncated or damaged real files —
//! makes a decoder panic.
//!
//! The corpus is `../../../shared/corpus` from this crate (or `SLOWBURN_CORPUS`); without it
//! these tests fail rather than pass having checked nothing.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use slowburn_formats::error::{DecodeError, XmlError};
use slowburn_formats::{detect, gpx, tcx, Channel, FileKind, Recording, Sport};

/// Where we differ from the reference on purpose: (file, field, why). Each must still occur.
const KNOWN: &[(&str, &str, &str)] = &[(
    "togeojson/bad.tcx",
    "points_with_position",
    "two trackpoints have LatitudeDegrees \"no\" and \"undefined\": we keep them without a \
     position, with warnings; the plain XML read counts <Position> elements",
)];

struct Corpus {
    dir: PathBuf,
    expected: serde_json::Map<String, Value>,
    /// (path relative to the corpus, bytes) of every .gpx and .tcx file, sorted.
    files: Vec<(String, Vec<u8>)>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            PathBuf::from,
        );
        let text = std::fs::read_to_string(dir.join("expected.json")).unwrap_or_else(|e| {
            panic!(
                "the corpus is missing ({}/expected.json: {e}); set SLOWBURN_CORPUS",
                dir.display()
            )
        });
        let expected = match serde_json::from_str(&text) {
            Ok(Value::Object(m)) => m,
            other => panic!("expected.json is not a JSON object: {other:?}"),
        };
        let mut files = Vec::new();
        walk(&dir, &dir, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no .gpx or .tcx file under {}", dir.display());
        Corpus { dir, expected, files }
    })
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(base, &path, out);
        } else if ext(&path).is_some() {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read(&path).unwrap()));
        }
    }
}

/// `gpx` or `tcx`, any case.
fn ext(path: &Path) -> Option<&'static str> {
    let e = path.extension()?.to_str()?.to_ascii_lowercase();
    ["gpx", "tcx"].into_iter().find(|x| *x == e)
}

fn decode(rel: &str, bytes: &[u8]) -> Result<Recording, XmlError> {
    if ext(Path::new(rel)) == Some("gpx") {
        gpx::decode(bytes)
    } else {
        tcx::decode(bytes)
    }
}

/// Differences found in one file: (field, detail).
type Diffs = Vec<(&'static str, String)>;

#[allow(clippy::needless_pass_by_value)] // Small values built at each call.
fn diff<T: PartialEq + std::fmt::Debug>(
    diffs: &mut Diffs,
    field: &'static str,
    ours: T,
    reference: T,
) {
    if ours != reference {
        diffs.push((field, format!("ours {ours:?}, reference {reference:?}")));
    }
}

fn close(diffs: &mut Diffs, field: &'static str, ours: f64, reference: f64, tolerance: f64) {
    if (ours - reference).abs() > tolerance {
        diffs.push((field, format!("ours {ours}, reference {reference} (tolerance {tolerance})")));
    }
}

fn num(e: &Value, key: &str) -> Option<f64> {
    e.get(key).and_then(Value::as_f64)
}

fn count(e: &Value, key: &str) -> usize {
    e.get(key).and_then(Value::as_u64).map_or(0, |n| usize::try_from(n).unwrap())
}

/// Unix milliseconds of a reference time (microseconds in the reference, rounded down).
fn ms(text: &str) -> i64 {
    let ts: jiff::Timestamp = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    i64::try_from(ts.as_nanosecond().div_euclid(1_000_000)).unwrap()
}

fn fmt_ms(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_millisecond(t).ok())
        .map_or("none".into(), |t| t.to_string())
}

/// Times (first, last, count) and heart-rate statistics, shared by GPX and TCX.
fn check_samples(diffs: &mut Diffs, expected: &Value, rec: &Recording) {
    let samples = &rec.samples;
    diff(
        diffs,
        "points_with_time",
        samples.count(Channel::Time),
        count(expected, "points_with_time"),
    );
    let expect_time = |key: &str| expected.get(key).and_then(Value::as_str).map(ms);
    diff(
        diffs,
        "first_time",
        fmt_ms(samples.time.iter().find_map(|t| *t)),
        fmt_ms(expect_time("first_time")),
    );
    diff(diffs, "last_time", fmt_ms(rec.end()), fmt_ms(expect_time("last_time")));
    let hr: Vec<f64> = samples.heart_rate.iter().flatten().map(|&b| f64::from(b)).collect();
    diff(diffs, "hr_count", hr.len(), count(expected, "hr_count"));
    let min = hr.iter().copied().reduce(f64::min);
    let max = hr.iter().copied().reduce(f64::max);
    diff(diffs, "hr_min", min, num(expected, "hr_min"));
    diff(diffs, "hr_max", max, num(expected, "hr_max"));
    // The reference's mean is rounded to 3 decimals.
    let mean = (!hr.is_empty()).then(|| hr.iter().sum::<f64>() / hr.len() as f64);
    match (mean, num(expected, "hr_mean")) {
        (Some(ours), Some(reference)) => close(diffs, "hr_mean", ours, reference, 0.0005 + 1e-9),
        (ours, reference) => diff(diffs, "hr_mean", ours, reference),
    }
}

/// gpxpy's `geo.distance` without elevation: an equirectangular approximation on the WGS84
/// semi-major axis for points within 0.2°, haversine on the same radius beyond.
fn gpxpy_distance_2d(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const R: f64 = 6_378_137.0;
    if (lat1 - lat2).abs() > 0.2 || (lon1 - lon2).abs() > 0.2 {
        let d_lon = (lon1 - lon2).to_radians();
        let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
        let a = ((p1 - p2) / 2.0).sin().powi(2) + (d_lon / 2.0).sin().powi(2) * p1.cos() * p2.cos();
        return R * 2.0 * a.sqrt().asin();
    }
    let one_degree = 2.0 * std::f64::consts::PI * R / 360.0;
    let x = lat1 - lat2;
    let y = (lon1 - lon2) * lat1.to_radians().cos();
    (x * x + y * y).sqrt() * one_degree
}

fn check_gpx(diffs: &mut Diffs, expected: &Value, rec: &Recording) {
    let samples = &rec.samples;
    let (points, route_points) =
        (count(expected, "point_count"), count(expected, "route_point_count"));
    let (tracks, waypoints) = (count(expected, "track_count"), count(expected, "waypoint_count"));
    let (kind, expected_len) = if points > 0 {
        (FileKind::Activity, points)
    } else if route_points > 0 {
        (FileKind::Course, route_points)
    } else if waypoints > 0 && tracks == 0 {
        (FileKind::Course, 0)
    } else {
        (FileKind::Activity, 0)
    };
    diff(diffs, "kind", rec.kind(), Some(kind));
    diff(diffs, "point_count", samples.len(), expected_len);
    let creator = expected.get("creator").and_then(Value::as_str);
    diff(diffs, "creator", rec.device().and_then(|x| x.name.as_deref()), creator);
    let types: Vec<&str> = expected
        .get("track_types")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if types.iter().any(|t| ["running", "run"].contains(t)) {
        diff(diffs, "sport", rec.sport.map(|s| s.sport), Some(Sport::RUNNING.sport));
    }
    let segments = count(expected, "segment_count");
    if rec.pauses.len() > segments.saturating_sub(1) {
        diffs.push(("pauses", format!("{} pauses from {segments} segments", rec.pauses.len())));
    }
    if points == 0 {
        return; // The reference's time, elevation and length figures are of track points.
    }
    check_samples(diffs, expected, rec);
    diff(
        diffs,
        "points_with_elevation",
        samples.count(Channel::Altitude),
        count(expected, "points_with_elevation"),
    );
    let reference = num(expected, "length_2d_m").unwrap_or(0.0);
    // Ours: haversine, mean Earth radius; within 0.5% (and the reference's 0.1 m rounding).
    let ours = samples.distance_m.iter().rev().find_map(|x| *x).unwrap_or(0.0);
    close(diffs, "length_2d_m", ours, reference, reference * 0.005 + 0.05);
    // gpxpy's own formula over the same pairs of points our distance joins (none across a
    // segment break) must give its figure to the rounding: our segmentation is its segmentation.
    let mut prev: Option<(f64, f64, f64)> = None;
    let mut gpxpy = 0.0;
    for i in 0..samples.len() {
        let (Some(lat), Some(lon), Some(dist)) =
            (samples.lat[i], samples.lon[i], samples.distance_m[i])
        else {
            continue;
        };
        if let Some((plat, plon, pdist)) = prev {
            if dist > pdist {
                // gpxpy measures from the later point to the earlier (`point.distance_2d(prev)`),
                // so its cosine is of the later point's latitude.
                gpxpy += gpxpy_distance_2d(lat, lon, plat, plon);
            }
        }
        prev = Some((lat, lon, dist));
    }
    close(diffs, "length_2d_m (gpxpy formula)", gpxpy, reference, 0.05 + 1e-9 * reference);
}

fn check_tcx(diffs: &mut Diffs, expected: &Value, rec: &Recording) {
    let samples = &rec.samples;
    let kind =
        if count(expected, "activity_count") > 0 { FileKind::Activity } else { FileKind::Course };
    diff(diffs, "kind", rec.kind(), Some(kind));
    let sport = expected
        .get("sport")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str);
    let sport = sport.map(|s| match s {
        "Running" => Sport::RUNNING,
        "Biking" => Sport::CYCLING,
        _ => Sport::GENERIC,
    });
    diff(diffs, "sport", rec.sport, sport);
    let creator = expected
        .get("creator")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str);
    diff(diffs, "creator", rec.device().and_then(|x| x.name.as_deref()), creator);
    diff(diffs, "point_count", samples.len(), count(expected, "point_count"));
    diff(
        diffs,
        "points_with_position",
        samples.count(Channel::Position),
        count(expected, "points_with_position"),
    );
    diff(diffs, "lap_count", rec.laps.len(), count(expected, "lap_count"));
    // The reference rounds distances to 3 decimals.
    let laps: f64 = rec.laps.iter().filter_map(|l| l.distance_m).sum();
    close(
        diffs,
        "lap_total_distance_m",
        laps,
        num(expected, "lap_total_distance_m").unwrap_or(0.0),
        0.0006,
    );
    let session = rec.sessions.first().and_then(|x| x.distance_m).unwrap_or(0.0);
    close(diffs, "session distance = laps", session, laps, 1e-6);
    let last = samples.distance_m.iter().rev().find_map(|x| *x);
    match (last, num(expected, "last_point_distance_m")) {
        (Some(ours), Some(reference)) => {
            close(diffs, "last_point_distance_m", ours, reference, 0.0006);
        }
        (ours, reference) => diff(diffs, "last_point_distance_m", ours, reference),
    }
    check_samples(diffs, expected, rec);
}

#[test]
fn every_gpx_and_tcx_file_agrees_with_the_reference() {
    let c = corpus();
    let mut failures: Vec<String> = Vec::new();
    let mut known_seen = BTreeSet::new();
    let (mut agree, mut rejected) = (0, 0);
    let names: BTreeSet<&str> = c.files.iter().map(|(n, _)| n.as_str()).collect();
    for key in c.expected.keys() {
        if ext(Path::new(key)).is_some() && !names.contains(key.as_str()) {
            failures.push(format!("{key}: in expected.json but not in {}", c.dir.display()));
        }
    }
    for (rel, bytes) in &c.files {
        let Some(e) = c.expected.get(rel) else {
            failures.push(format!("{rel}: no entry in expected.json"));
            continue;
        };
        let Ok(result) = catch_unwind(AssertUnwindSafe(|| decode(rel, bytes))) else {
            failures.push(format!("{rel}: the decoder panicked"));
            continue;
        };
        // `decode_any` picks the same decoder from the content and gives the same result.
        let any = detect::decode_any(rel, bytes);
        if any != result.clone().map_err(DecodeError::Xml) {
            failures.push(format!("{rel}: decode_any differs from the format's decoder"));
        }
        let reference_errors = e.get("errors").and_then(Value::as_array).map_or(0, Vec::len);
        if reference_errors > 0 {
            match &result {
                Err(_) => rejected += 1,
                Ok(r) if !r.warnings.is_empty() => rejected += 1,
                Ok(_) => {
                    failures.push(format!("{rel}: the reference rejects it; we gave no warning"));
                }
            }
            continue;
        }
        let r = match result {
            Ok(r) => r,
            Err(err) => {
                failures.push(format!("{rel}: the reference reads it; we fail: {err}"));
                continue;
            }
        };
        let mut d = Diffs::new();
        if ext(Path::new(rel)) == Some("gpx") {
            check_gpx(&mut d, e, &r);
        } else {
            check_tcx(&mut d, e, &r);
        }
        let mut clean = true;
        for (field, detail) in d {
            if let Some(k) = KNOWN.iter().find(|(f, x, _)| f == rel && *x == field) {
                known_seen.insert((k.0, k.1));
                println!("{rel}: {field}: {detail} — known: {}", k.2);
            } else {
                clean = false;
                failures.push(format!("{rel}: {field}: {detail}"));
            }
        }
        if clean {
            agree += 1;
        }
    }
    for (file, field, _) in KNOWN {
        if !known_seen.contains(&(*file, *field)) {
            failures
                .push(format!("{file}: {field}: listed as a known disagreement but agrees now"));
        }
    }
    println!(
        "{agree} of {} GPX/TCX files agree with the reference field by field ({} of them with an \
         explained disagreement); {rejected} that the reference rejects give an error or warnings",
        c.files.len(),
        known_seen.len()
    );
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn decode_any_reads_corpus_fit_files_as_fit_and_gzipped_files_as_plain() {
    let c = corpus();
    let mut fits = Vec::new();
    let mut stack = vec![c.dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")) {
                fits.push(path);
            }
        }
    }
    assert!(!fits.is_empty(), "no FIT file in the corpus");
    for path in &fits {
        let bytes = std::fs::read(path).unwrap();
        // Named as something else: the content decides.
        let any = detect::decode_any("download.bin", &bytes);
        assert_eq!(
            any,
            slowburn_formats::fit::decode(&bytes).map_err(DecodeError::from),
            "{}",
            path.display()
        );
    }
    let (name, bytes) = &c.files[0];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, bytes).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(
        detect::decode_any(&format!("{name}.gz"), &gz),
        decode(name, bytes).map_err(DecodeError::Xml)
    );
}

/// Point start tags (`<trkpt`, `<rtept`, `<Trackpoint`) in each corpus file: no part of a file
/// can decode to more samples.
fn point_tags() -> &'static Vec<usize> {
    static TAGS: OnceLock<Vec<usize>> = OnceLock::new();
    TAGS.get_or_init(|| {
        let count = |b: &[u8], pat: &[u8]| b.windows(pat.len()).filter(|w| *w == pat).count();
        corpus()
            .files
            .iter()
            .map(|(_, b)| count(b, b"<trkpt") + count(b, b"<rtept") + count(b, b"<Trackpoint"))
            .collect()
    })
}

const TOKENS: &[&str] = &[
    "<gpx>",
    "</gpx>",
    "<gpx version=\"1.1\" creator=\"a &amp; b\">",
    "<trk>",
    "</trk>",
    "<trkseg>",
    "</trkseg>",
    "<trkpt lat=\"46.1\" lon=\"13.2\">",
    "<trkpt lat=\"undefined\" lon=\"1e999\">",
    "<trkpt lat='1'/>",
    "</trkpt>",
    "<rte>",
    "<rtept lat=\"1\" lon=\"2\"/>",
    "<ele>12.5</ele>",
    "<time>2024-01-01T00:00:00Z</time>",
    "<time>1901-12-13T20:45:52.2073437Z</time>",
    "<time>2020-12-27T15:59:36+01:00</time>",
    "<time>",
    "</time>",
    "<extensions>",
    "</extensions>",
    "<gpxtpx:hr>140</gpxtpx:hr>",
    "<hr>0</hr>",
    "<hr>-5</hr>",
    "<power>99999999999999999999</power>",
    "<atemp>-300</atemp>",
    "<TrainingCenterDatabase>",
    "</TrainingCenterDatabase>",
    "<Activities><Activity Sport=\"Running\">",
    "</Activity></Activities>",
    "<Courses><Course>",
    "<Lap StartTime=\"2024-01-01T00:00:00Z\">",
    "<Lap>",
    "</Lap>",
    "<TotalTimeSeconds>NaN</TotalTimeSeconds>",
    "<AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm>",
    "<Track>",
    "</Track>",
    "<Trackpoint>",
    "</Trackpoint>",
    "<Position><LatitudeDegrees>1</LatitudeDegrees><LongitudeDegrees>2</LongitudeDegrees></Position>",
    "<LatitudeDegrees>1</LatitudeDegrees>",
    "<HeartRateBpm><Value>150</Value></HeartRateBpm>",
    "<DistanceMeters>12.5</DistanceMeters>",
    "<Extensions><ns3:TPX><ns3:Speed>3</ns3:Speed><ns3:Watts>200</ns3:Watts></ns3:TPX></Extensions>",
    "<Creator><Name>x</Name></Creator>",
    "<![CDATA[12]]>",
    "&#x31;",
    "&bogus;",
    "&",
    "<!-- c -->",
    "<?xml version=\"1.0\"?>",
    "<",
    ">",
    "\u{feff}",
    "\n",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = gpx::decode(&bytes);
        let _ = tcx::decode(&bytes);
        let _ = detect::decode_any("a.gpx", &bytes);
        let _ = detect::decode_any("a.tcx.gz", &bytes);
        let _ = detect::decode_any("a", &bytes);
    }

    #[test]
    fn xml_token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..120)) {
        let text = tokens.concat();
        for r in [gpx::decode(text.as_bytes()), tcx::decode(text.as_bytes())].into_iter().flatten() {
            let n = r.samples.len();
            prop_assert!(r.samples.lat.len() == n && r.samples.heart_rate.len() == n && r.samples.distance_m.len() == n);
        }
    }

    #[test]
    fn truncated_real_files_never_panic(file in any::<proptest::sample::Index>(), cut in any::<proptest::sample::Index>()) {
        let c = corpus();
        let i = file.index(c.files.len());
        let (name, bytes) = &c.files[i];
        let end = cut.index(bytes.len() + 1);
        if let Ok(r) = decode(name, &bytes[..end]) {
            let most = point_tags()[i];
            prop_assert!(r.samples.len() <= most, "{name} cut at {end}: {} > {most}", r.samples.len());
        }
    }

    #[test]
    fn damaged_real_files_never_panic(
        file in any::<proptest::sample::Index>(),
        at in any::<proptest::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let c = corpus();
        let (name, bytes) = &c.files[file.index(c.files.len())];
        let mut damaged = bytes.clone();
        let at = at.index(damaged.len());
        damaged[at] = byte;
        let _ = decode(name, &damaged);
    }
}
