//! Inputs from fuzzing (`scripts/fuzz.sh`, `docs/RELIABILITY.md, Fuzzing`) and hand-written ones of
//! the same hostile shapes, in `tests/data/fuzz/`, each named after what it broke or tests.
//! Every file goes through the same call as its fuzz target, chosen by its extension — `.fit`
//! `fit::decode`, `.gpx` `gpx::decode`, `.tcx` `tcx::decode`, `.zip` the archive walk and
//! `detect::decode_any` of every member, anything else `detect::decode_any` — and must come
//! back (a `Recording` keeping the columns' invariants, or an `Err`), never panic. Cases with a
//! known answer are checked one by one below.

use std::path::{Path, PathBuf};

use slowburn_formats::error::{DecodeError, XmlError};
use slowburn_formats::{detect, fit, gpx, sources, tcx, Recording};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fuzz targets' own checks of a decoded recording (one copy, shared with them).
#[path = "../../../fuzz/fuzz_targets/invariants.rs"]
#[allow(unreachable_pub)] // `pub` for the fuzz targets that share it
mod invariants;

/// What every target checks of a decoded recording, failing with the input's name.
fn check(name: &str, rec: &Recording) {
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        invariants::check(rec);
    }));
    if let Err(e) = checked {
        let why = e
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| e.downcast_ref::<&str>().copied())
            .unwrap_or("a check failed");
        panic!("{name}: {why}");
    }
}

/// The archive target: walk, read and decode every member. (entries, failures)
fn walk_archive(path: &Path) -> (Vec<String>, Vec<sources::Failure>) {
    let walk = sources::enumerate(&[path.to_owned()]);
    let mut failures = walk.failures.clone();
    for e in &walk.entries {
        match e.read() {
            Ok(bytes) => {
                if let Ok(rec) = detect::decode_any(&e.name, &bytes) {
                    check(&e.name, &rec);
                }
            }
            Err(f) => failures.push(f),
        }
    }
    (walk.entries.iter().map(|e| e.name.clone()).collect(), failures)
}

/// `f` on a thread with a 1 MiB stack (the server's import runs on tokio's blocking threads,
/// 2 MiB), so unbounded recursion fails here rather than only on a smaller stack elsewhere.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

#[test]
fn every_file_returns() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/data/fuzz")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "the regression inputs are missing: {names:?}");
    for path in names {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).expect("read");
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".zip") {
            let (_, failures) = on_small_stack(move || walk_archive(&path));
            assert!(failures.iter().all(|f| !f.reason.is_empty()), "{name}: {failures:?}");
            continue;
        }
        let rec = if lower.ends_with(".fit") {
            fit::decode(&bytes).map_err(|e| e.to_string())
        } else if lower.ends_with(".gpx") {
            gpx::decode(&bytes).map_err(|e| e.to_string())
        } else if lower.ends_with(".tcx") {
            tcx::decode(&bytes).map_err(|e| e.to_string())
        } else {
            detect::decode_any(&name, &bytes).map_err(|e| e.to_string())
        };
        match rec {
            Ok(rec) => check(&name, &rec),
            Err(e) => assert!(!e.is_empty(), "{name}: an error without a message"),
        }
    }
}

#[test]
fn out_of_range_values_become_missing() {
    let r = gpx::decode(&read("out-of-range-values.gpx")).expect("the points are kept");
    assert_eq!(r.samples.len(), 3);
    let s = &r.samples;
    // Neither point 1 nor point 2 has a position a map can show; point 3 does.
    assert_eq!((s.lat[0], s.lat[1]), (None, None));
    assert_eq!((s.lat[2], s.lon[2]), (Some(45.0), Some(7.0)));
    assert_eq!(s.altitude_m[0], None);
    assert_eq!(s.heart_rate[2], None);
    assert!(!r.warnings.is_empty());
    let r = tcx::decode(&read("out-of-range-values.tcx")).expect("the trackpoints are kept");
    assert_eq!(r.samples.len(), 4);
    assert!(r.samples.heart_rate.iter().all(|h| h.is_none() || *h == Some(150)));
}

#[test]
fn deep_nesting_keeps_the_point() {
    // Cut off inside 10 000 open elements: the point before the break is kept, with a warning.
    match gpx::decode(&read("deep-nesting.gpx")) {
        Ok(r) => assert_eq!(r.samples.len(), 1),
        Err(e) => assert!(matches!(e, XmlError::Syntax { .. }), "{e}"),
    }
}

#[test]
fn gzip_inside_gzip_is_named() {
    let bytes = read("gzip-inside-gzip.gpx.gz");
    // One level of gzip only: under its own name the inner gzip is a GPX without XML …
    let e = detect::decode_any("gzip-inside-gzip.gpx.gz", &bytes).expect_err("not unpacked twice");
    assert!(matches!(e, DecodeError::Xml(XmlError::NoRoot { .. })), "{e}");
    // … and when no name says what it is, the error says why.
    let e = detect::decode_any("upload.gz", &bytes).expect_err("not unpacked twice");
    assert!(e.to_string().contains("gzip inside gzip"), "{e}");
}

#[test]
fn a_header_claiming_4gib_reads_what_is_there() {
    match fit::decode(&read("header-claims-4gib.fit")) {
        Ok(r) => assert!(r.samples.is_empty()),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[test]
fn archive_member_names_are_only_labels() {
    let path = dir().join("member-names-escape.zip");
    let (entries, failures) = walk_archive(&path);
    let zip = path.display().to_string();
    assert!(entries.iter().all(|e| e.starts_with(&format!("{zip}!"))), "{entries:?}");
    assert!(entries.iter().any(|e| e.ends_with("!../../escape.gpx")), "{entries:?}");
    assert!(entries.iter().any(|e| e.ends_with("!/abs/path/x.fit")), "{entries:?}");
    // Nothing was written next to the archive or above it.
    assert!(!dir().join("../../escape.gpx").exists());
    // The damaged activities.csv and the empty nested zip are failures naming themselves.
    for f in &failures {
        assert!(f.name.starts_with(&zip) && !f.reason.is_empty(), "{f:?}");
    }
}

/// Found by fuzzing `archive_read`: zips inside zips were walked by recursion without a limit,
/// so a 324 KB zip of 3,000 nested zips (each level also a spooled temporary file and an open
/// file) overflowed the stack and killed the process. Now the walk stops at
/// `MAX_ZIP_DEPTH` zips with a failure naming the member.
#[test]
fn zips_nested_1000_deep_stop_at_the_depth_limit() {
    let path = dir().join("zips-nested-1000-deep.zip");
    let (entries, failures) = on_small_stack(move || walk_archive(&path));
    assert!(entries.is_empty(), "{entries:?}");
    assert_eq!(failures.len(), 1, "{failures:?}");
    let f = &failures[0];
    assert!(f.reason.contains(&format!("inside {} zips", sources::MAX_ZIP_DEPTH)), "{f:?}");
    assert_eq!(f.name.matches("!z.zip").count(), sources::MAX_ZIP_DEPTH, "{}", f.name);
}
