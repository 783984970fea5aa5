//! Coverage-guided fuzzing of the TCX decoder: any bytes give `Err` or a `Recording` that keeps
//! the invariants of `invariants.rs` — never a panic, a hang or unbounded memory.
//! Seeds: the shared corpus's TCX files (`scripts/fuzz.sh` copies them).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = slowburn_formats::tcx::decode(data) {
        invariants::check_xml(&rec);
    }
});
