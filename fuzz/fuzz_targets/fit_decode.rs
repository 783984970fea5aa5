//! Coverage-guided fuzzing of our FIT decoder: any bytes must give `Err` or a `Recording`,
//! never a panic, a hang or unbounded memory. Seeds: the shared corpus's FIT files.
//!
//! Run all targets for a bounded time with `scripts/fuzz.sh [seconds]`; this one alone:
//!   scripts/fuzz.sh 600 fit_decode
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = slowburn_formats::fit::decode(data) {
        invariants::check(&rec);
    }
});
