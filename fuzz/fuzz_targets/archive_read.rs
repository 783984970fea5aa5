//! Coverage-guided fuzzing of the archive reader: the input is written to a file named
//! `fuzz.zip` and walked as `slowburn import` walks a Strava or Garmin Connect export (zips in
//! zips, `activities.csv`, `*_summarizedActivities.json`); every entry found is read and decoded
//! by `detect::decode_any` (FIT, GPX, TCX, gzipped or not) and matched to the Garmin list's
//! activities by its start. Any bytes: failures named, never a
//! panic, a hang or unbounded memory. `sources::enumerate` takes paths, so the bytes go through
//! one file in a private temporary folder (tmpfs when there is one).
//! Seeds: small zips `scripts/fuzz.sh` builds from corpus files, a Strava-shaped and a
//! Garmin-shaped export among them.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use slowburn_formats::{detect, sources};
use slowburn_import::garmin::GarminIndex;

#[path = "invariants.rs"]
mod invariants;

fn path() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_owned() } else { std::env::temp_dir() };
        let dir = base.join(format!("slowburn-fuzz-archive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        dir.join("fuzz.zip")
    })
}

fuzz_target!(|data: &[u8]| {
    let zip = path();
    std::fs::write(zip, data).expect("write the input");
    let name = zip.display().to_string();
    let walk = sources::enumerate(std::slice::from_ref(zip));
    for f in &walk.failures {
        assert!(f.name.starts_with(&name), "a failure not named by the archive: {f:?}");
        assert!(!f.reason.is_empty(), "a failure without a reason: {f:?}");
    }
    for l in &walk.lists {
        assert!(l.name.starts_with(&format!("{name}!")), "list {:?}", l.name);
    }
    // A Garmin export's activity names, matched by start time as the import matches them.
    let (garmin, _failures) = GarminIndex::read(&walk.lists);
    for e in &walk.entries {
        assert!(e.name.starts_with(&format!("{name}!")), "an entry not in the archive: {}", e.name);
        match e.read() {
            Ok(bytes) => {
                assert!(!bytes.is_empty());
                assert!(bytes.len() as u64 <= sources::MAX_FILE_BYTES);
                if let Ok(rec) = detect::decode_any(&e.name, &bytes) {
                    invariants::check(&rec);
                    let _ = garmin.at(rec.start);
                }
            }
            Err(f) => assert!(f.name == e.name && !f.reason.is_empty(), "{f:?}"),
        }
    }
});
