//! Coverage-guided fuzzing of the config file (`config.toml`): any text gives `Err` or a
//! `Config` whose zoning and week start are usable — the zone table built from it for a real
//! profile covers every bpm 0–255 in order, as every view relies on. Never a panic.
//! Seeds: a few configuration texts `scripts/fuzz.sh` writes.
#![no_main]

use jiff::civil::date;
use libfuzzer_sys::fuzz_target;
use slowburn_app::Config;
use slowburn_core::{Athlete, ProfileEntry};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(cfg) = Config::parse(text) else { return };
    // `parse` checked the names: asking again cannot fail.
    let zoning = cfg.zoning(None, &[], None).expect("parse accepted the zone model");
    cfg.week_start(None).expect("parse accepted the week start");
    let d = date(2024, 1, 1);
    let profile = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(190),
        resting_hr: Some(50),
        lthr: Some(170),
        ..ProfileEntry::new(d)
    }])
    .at(d);
    let Ok(table) = zoning.model.zones(&profile) else { return };
    let table = match zoning.grey_width {
        Some(w) => table.with_grey_width(w),
        None => table,
    };
    let n = table.zones().len();
    assert!(n >= 2, "{n} zones");
    let mut last = 0;
    for bpm in 0..=255u8 {
        let z = table.zone_of(bpm);
        assert!(z < n && z >= last, "bpm {bpm} in zone {z} after zone {last} of {n}");
        last = z;
        let _ = (table.domain_of(bpm), table.in_grey_band(bpm));
    }
    let _ = (table.grey_band(), table.domain_ranges());
    let hist = [1.0_f64; 256];
    let total: f64 = table.time_in_zones(&hist).iter().sum();
    assert!((total - 256.0).abs() < 1e-9, "time in zones {total} of 256");
});
