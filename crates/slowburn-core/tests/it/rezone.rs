//! Re-zoning from stored histograms: 5,000 activities (about ten years of running) against a
//! dated profile, the path `slowburn` takes when a profile value changes.

use std::time::Instant;

use jiff::civil::date;
use jiff::ToSpan;
use slowburn_core::athlete::{Athlete, ProfileEntry};
use slowburn_core::zones::ZoneModel;

#[test]
fn rezone_5000_activities() {
    // Deterministic histograms: ~45 min runs centred on varied heart rates.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let start = date(2015, 1, 1);
    let acts: Vec<(jiff::civil::Date, [f64; 256])> = (0..5000_i64)
        .map(|i| {
            let mut h = [0.0; 256];
            let centre = 120 + (next() % 50) as usize;
            for _ in 0..60 {
                let bpm = (centre + (next() % 30) as usize).saturating_sub(15).min(255);
                h[bpm] += 45.0;
            }
            (start.checked_add((i * 18 / 25).days()).unwrap(), h)
        })
        .collect();
    let athlete = Athlete::from_entries(
        (0..10)
            .map(|y| ProfileEntry {
                max_hr: Some(192 - y),
                resting_hr: Some(50),
                ..ProfileEntry::new(date(2015 + i16::from(y), 1, 1))
            })
            .collect(),
    );
    let model = ZoneModel::PercentMax;
    let began = Instant::now();
    let mut total = [0.0; 3];
    let mut grey = 0.0;
    let mut zones = [0.0; 8];
    let mut cache: Option<(Option<u8>, slowburn_core::ZoneTable)> = None;
    for (day, hist) in &acts {
        let p = athlete.at(*day);
        // Tables are rebuilt only when the profile value they depend on changes.
        if cache.as_ref().is_none_or(|(max, _)| *max != p.max_hr()) {
            cache = Some((p.max_hr(), model.zones(&p).unwrap()));
        }
        let Some((_, table)) = &cache else { unreachable!() };
        let d = table.time_in_domains(hist);
        table.time_in_zones_into(hist, &mut zones);
        grey += table.time_in_grey(hist);
        for k in 0..3 {
            total[k] += d[k];
        }
    }
    let elapsed = began.elapsed();
    let hours = total.iter().sum::<f64>() / 3600.0;
    println!(
        "re-zoned 5000 activities ({hours:.0} h: easy {:.0} %, grey {:.0} s) in {:.1} ms",
        100.0 * total[0] / total.iter().sum::<f64>(),
        grey,
        elapsed.as_secs_f64() * 1000.0
    );
    // The goal is < 100 ms in release; this test runs unoptimised, so it allows more.
    assert!(elapsed.as_millis() < 1000, "{elapsed:?}");
}
