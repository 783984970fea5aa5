//! Coverage-guided fuzzing of the GPX decoder: any bytes give `Err` or a `Recording` that keeps
//! the invariants of `invariants.rs` — never a panic, a hang or unbounded memory.
//! Seeds: the shared corpus's GPX files (`scripts/fuzz.sh` copies them).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = slowburn_formats::gpx::decode(data) {
        invariants::check_xml(&rec);
        // GPX carries no distance: ours is accumulated from the positions, so it never falls.
        let d: Vec<f64> = rec.samples.distance_m.iter().flatten().copied().collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "accumulated distance falls");
    }
});
