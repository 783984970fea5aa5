//! What the honest-number tests share: summarise a recording as import does, with one fixed
//! test profile (max HR 185, resting HR 50, from 2020-01-01).

use slowburn_core::classify::Norms;
use slowburn_core::summary::{summarise_with, Context, RunSummary};
use slowburn_core::{Athlete, ProfileEntry};
use slowburn_formats::detect::decode_any;
use slowburn_formats::Recording;

/// The summary of `rec` with the test profile.
pub(crate) fn summarise(rec: &Recording) -> RunSummary {
    let date = jiff::civil::date(2020, 1, 1);
    let profile = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(185),
        resting_hr: Some(50),
        ..ProfileEntry::new(date)
    }])
    .at(date);
    let cx = Context { profile: &profile, norms: Norms::default(), label: None, name: None };
    summarise_with(rec, &cx).summary
}

/// The summary of the file at `path` (named `name` for format detection).
pub(crate) fn summarise_file(path: &std::path::Path, name: &str) -> RunSummary {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let rec = decode_any(name, &bytes).expect("decodes");
    summarise(&rec)
}
