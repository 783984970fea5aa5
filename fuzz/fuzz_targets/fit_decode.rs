//! Coverage-guided fuzzing of our FIT decoder: any bytes must give `Err` or a `Recording`,
//! never a panic, a hang or unbounded memory. Seeds: the shared corpus's FIT files.
//!
//! Run (stable toolchain; cargo-fuzz needs nightly flags, which RUSTC_BOOTSTRAP allows):
//!   cargo install cargo-fuzz
//!   mkdir -p fuzz/corpus/fit_decode && cp ../shared/corpus/*/*.fit fuzz/corpus/fit_decode/
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run fit_decode -- -max_total_time=600 -rss_limit_mb=2048
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = slowburn_formats::fit::decode(data) {
        // Every column has one entry per sample.
        let s = &rec.samples;
        let n = s.len();
        assert!(s.heart_rate.len() == n && s.lat.len() == n && s.distance_m.len() == n);
        assert!(s.speed_mps.len() == n && s.step_length_mm.len() == n);
    }
});
