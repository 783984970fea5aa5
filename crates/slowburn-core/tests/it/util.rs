use std::path::PathBuf;

use jiff::civil::{date, Date};
use slowburn_core::athlete::{Athlete, Profile, ProfileEntry};

/// A profile on 2024-01-01 with the given values.
pub(crate) fn profile(max: Option<u8>, rest: Option<u8>, lthr: Option<u8>) -> Profile {
    let d: Date = date(2024, 1, 1);
    Athlete::from_entries(vec![ProfileEntry {
        max_hr: max,
        resting_hr: rest,
        lthr,
        ..ProfileEntry::new(d)
    }])
    .at(d)
}

/// A file of the shared corpus, found at `../shared/corpus` from the repository root or at
/// `SLOWBURN_CORPUS`. A missing corpus fails the test: nothing is skipped silently.
pub(crate) fn corpus_file(relative: &str) -> PathBuf {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    let path = dir.join(relative);
    assert!(path.is_file(), "corpus file missing: {} (set SLOWBURN_CORPUS)", path.display());
    path
}
