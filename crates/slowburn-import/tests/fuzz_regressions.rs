//! Archives from fuzzing the archive reader (`fuzz/fuzz_targets/archive_read.rs`,
//! `docs/RELIABILITY.md, Fuzzing`), in `tests/data/fuzz/`, each named after what it broke. Every one
//! goes through the same calls as the target — `sources::enumerate`, `Entry::read`,
//! `detect::decode_any` of each member, `GarminIndex::read` of the activity lists and
//! `GarminIndex::at` of each recording's start — and must come back, never panic. Cases with a
//! known answer are checked one by one below.

use std::path::{Path, PathBuf};

use slowburn_formats::{detect, sources, Recording};
use slowburn_import::garmin::GarminIndex;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

/// The target's walk: the recordings decoded, each with the Garmin list's name for it.
fn walk(path: &Path) -> Vec<(Recording, Option<String>)> {
    let w = sources::enumerate(&[path.to_owned()]);
    let (index, _failures) = GarminIndex::read(&w.lists);
    let mut out = Vec::new();
    for e in &w.entries {
        let Ok(bytes) = e.read() else { continue };
        if let Ok(rec) = detect::decode_any(&e.name, &bytes) {
            let name = index.at(rec.start).and_then(|m| m.name.clone());
            out.push((rec, name));
        }
    }
    out
}

#[test]
fn every_archive_returns() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data())
        .expect("tests/data/fuzz")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the regression inputs are missing");
    for f in files {
        let _ = walk(&f);
    }
}

/// A listed `beginTimestamp` of -1e300 saturates to `i64::MIN`; matching a run that starts at
/// 1970-01-01T00:00:00Z computed `(i64::MIN - 0).abs()`: an overflow panic in debug builds, and
/// in release a negative distance that matched, naming the run "far".
#[test]
fn a_listed_start_of_minus_1e300_matches_nothing() {
    let runs = walk(&data().join("garmin-list-start-minus-1e300.zip"));
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].0.start, Some(0));
    assert_eq!(runs[0].1, None, "matched an activity 1e300 ms away");
}
