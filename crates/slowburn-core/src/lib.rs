//! `slowburn-core`: the analysis, pure and deterministic.
//!
//! From a decoded [`slowburn_formats::Recording`] and the athlete's dated profile to what the
//! product says about a run: clean the heart rate ([`clean`]), histogram it ([`hist`]), zone it
//! ([`zones`]) against the profile of that day ([`athlete`]). No I/O of any kind, no clock: every
//! "today" or "last 12 months" is a date the caller passes in. Each formula lives here once,
//! with its source in its doc comment and in `docs/FORMULAS.md`.

pub mod athlete;
pub mod classify;
pub mod clean;
pub mod hist;
pub mod load;
pub mod metrics;
pub mod plan;
pub mod review;
pub mod segment;
pub mod sport;
pub mod summary;
pub mod today;
pub mod trends;
pub mod verdicts;
pub mod zones;

pub use athlete::{Athlete, Profile, ProfileEntry, Sex, Source, Sourced};
pub use clean::{clean_hr, ArtefactKind, Cleaned, Correction};
pub use hist::{hr_histogram, pace_histogram};
pub use zones::{Domain, ZoneError, ZoneModel, ZoneTable};
