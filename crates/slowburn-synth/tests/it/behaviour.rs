//! What the synthetic runner must get right for every capability built on it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use slowburn_formats::fit::{decode, encode_activity, EncodeOptions};
use slowburn_synth::{
    generate, write, FaultKind, OffReason, ProfileKind, RunType, SynthConfig, TRUTH_FILE,
};

use crate::util::{config, easy_share, easy_speed_gain, history, TempDir};

fn read_dir_sorted(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

#[test]
fn same_seed_gives_identical_bytes_whatever_the_thread_count() {
    let cfg = SynthConfig { faults: true, ..config(ProfileKind::EightyTwenty, 0.15, 11) };
    let one = TempDir::new("det-1");
    let two = TempDir::new("det-2");
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool");
    pool(1).install(|| write(&generate(&cfg).expect("cfg"), &one.0).expect("write"));
    pool(2).install(|| write(&generate(&cfg).expect("cfg"), &two.0).expect("write"));
    let a = read_dir_sorted(&one.0);
    let b = read_dir_sorted(&two.0);
    assert!(a.len() > 10, "{} files", a.len());
    assert!(a.contains_key(TRUTH_FILE));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between runs");
    }

    let other = TempDir::new("det-3");
    write(&generate(&SynthConfig { seed: 12, ..cfg }).expect("cfg"), &other.0).expect("write");
    assert_ne!(read_dir_sorted(&other.0).get(TRUTH_FILE), a.get(TRUTH_FILE));
}

#[test]
fn eighty_twenty_is_about_80_percent_easy_and_grey_zone_far_less() {
    for seed in [1, 2] {
        let e = easy_share(&history(ProfileKind::EightyTwenty, 1.0, seed));
        let g = easy_share(&history(ProfileKind::GreyZone, 1.0, seed));
        assert!((0.75..=0.85).contains(&e), "seed {seed}: 80/20 easy share {e:.3}");
        assert!(
            g < 0.4 && g < e - 0.35,
            "seed {seed}: grey-zone easy share {g:.3} vs 80/20 {e:.3}"
        );
    }
}

#[test]
fn novice_volume_jump_week_is_over_ten_percent() {
    for seed in [3, 4, 5] {
        let h = history(ProfileKind::Novice, 0.5, seed);
        let j = h.volume_jump_week.expect("novice has a jump week");
        assert!(h.weeks[j].volume_jump);
        let km: Vec<f64> = (0..h.weeks.len())
            .map(|w| {
                h.par_activities()
                    .filter(|a| a.truth.week == w)
                    .map(|a| a.truth.distance_m / 1000.0)
                    .sum()
            })
            .collect();
        assert!(
            km[j] > 1.1 * km[j - 1],
            "seed {seed}: week {j} {:.1} km after {:.1} km",
            km[j],
            km[j - 1]
        );
    }
}

#[test]
fn easy_pace_at_fixed_hr_improves_more_with_80_20_than_grey_zone() {
    for seed in [1, 2] {
        let e = easy_speed_gain(&history(ProfileKind::EightyTwenty, 1.0, seed));
        let g = easy_speed_gain(&history(ProfileKind::GreyZone, 1.0, seed));
        assert!(e > 1.015, "seed {seed}: 80/20 speed at 68 % max HR changed by {e:.3}");
        assert!(e > g + 0.015, "seed {seed}: 80/20 {e:.3} vs grey-zone {g:.3}");
    }
}

#[test]
fn faults_appear_exactly_where_the_truth_says() {
    let clean = history(ProfileKind::EightyTwenty, 0.2, 21);
    let faulty = generate(&SynthConfig {
        faults: true,
        fault_rate: 1.0,
        ..config(ProfileKind::EightyTwenty, 0.2, 21)
    })
    .expect("cfg");
    let mut kinds = BTreeSet::new();
    for i in 0..clean.len() {
        let (c, f) = (clean.activity(i).expect("a"), faulty.activity(i).expect("a"));
        let (ch, fh) = (&c.recording.samples.heart_rate, &f.recording.samples.heart_rate);
        let cad = &f.recording.samples.cadence;
        assert_eq!(ch.len(), fh.len());
        let mut in_fault = vec![false; ch.len()];
        for fault in &f.truth.faults {
            kinds.insert(format!("{:?}", fault.kind));
            let range = fault.start_sample..fault.end_sample;
            for k in range.clone() {
                in_fault[k] = true;
            }
            match fault.kind {
                FaultKind::Dropout => assert!(fh[range].iter().all(Option::is_none)),
                FaultKind::Spike => {
                    let k = fault.start_sample;
                    let jump = i32::from(fh[k].expect("hr")) - i32::from(ch[k].expect("hr"));
                    assert!((28..=82).contains(&jump), "spike of {jump} bpm");
                }
                FaultKind::StartLag => {
                    assert_eq!(fault.start_sample, 0);
                    let vals: BTreeSet<u8> = fh[range.clone()].iter().flatten().copied().collect();
                    assert!(vals.len() <= 2, "start lag is stuck: {vals:?}");
                    let end_true = ch[fault.end_sample - 1].expect("hr");
                    assert!(*vals.iter().max().expect("v") < end_true, "stuck below the truth");
                }
                FaultKind::CadenceLock => {
                    for k in range {
                        if let (Some(h), Some(c)) = (fh[k], cad[k]) {
                            let c = c.round() as u8;
                            assert!(h == c || h == 2 * c, "sample {k}: hr {h} vs cadence {c}");
                        }
                    }
                }
            }
        }
        for (k, outside) in in_fault.iter().map(|x| !x).enumerate() {
            if outside {
                assert_eq!(ch[k], fh[k], "activity {i} sample {k}: difference outside any fault");
            }
        }
    }
    assert_eq!(kinds.len(), 4, "all fault kinds seen: {kinds:?}");
    assert!(clean.activities().all(|a| a.truth.faults.is_empty()));
}

#[test]
fn an_activity_round_trips_through_our_fit_encoder_and_decoder() {
    let h = history(ProfileKind::EightyTwenty, 0.1, 5);
    let mut checked = BTreeSet::new();
    for a in h.activities() {
        let bytes = encode_activity(&a.recording, &EncodeOptions::default()).expect("encode");
        let back = decode(&bytes).expect("decode");
        assert_eq!(back.samples.len(), a.recording.samples.len(), "{}", a.truth.file);
        assert_eq!(back.laps.len(), a.recording.laps.len());
        assert_eq!(back.pauses, a.recording.pauses);
        assert_eq!(back.samples.heart_rate, a.recording.samples.heart_rate);
        assert_eq!(back.samples.time, a.recording.samples.time);
        assert_eq!(back.utc_offset_s, a.recording.utc_offset_s);
        assert!(back.is_activity());
        checked.insert(a.truth.kind);
    }
    assert!(checked.len() >= 5, "{checked:?}");
}

#[test]
fn every_profile_has_every_kind_of_day() {
    for p in ProfileKind::ALL {
        let h = history(p, 2.0, 8);
        let kinds: BTreeSet<RunType> = h
            .par_activities()
            .map(|a| a.truth.intended_type)
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        for k in
            RunType::ALL.into_iter().filter(|k| *k != RunType::Steady || p == ProfileKind::GreyZone)
        {
            assert!(kinds.contains(&k), "{p}: no {k:?} run in two years");
        }
        let off: BTreeSet<OffReason> = h.days_off.iter().map(|d| d.reason).collect();
        assert!(
            off.contains(&OffReason::Missed) && off.contains(&OffReason::Illness),
            "{p}: {off:?}"
        );
    }
}

#[test]
fn structure_laps_pauses_and_races_are_filled_in() {
    let h = history(ProfileKind::EightyTwenty, 1.0, 9);
    let mut paused = 0;
    let mut races = BTreeSet::new();
    for a in h.activities() {
        let r = &a.recording;
        let t = &a.truth;
        assert_eq!(r.sessions.len(), 1);
        let session = &r.sessions[0];
        let lap_dist: f64 = r.laps.iter().filter_map(|l| l.distance_m).sum();
        assert!((lap_dist - session.distance_m.unwrap_or(0.0)).abs() < 1.0, "{}", t.file);
        let lap_timer: f64 = r.laps.iter().filter_map(|l| l.timer_s).sum();
        assert!((lap_timer - session.timer_s.unwrap_or(0.0)).abs() < 1.0, "{}", t.file);
        match t.kind {
            RunType::Intervals | RunType::Threshold | RunType::Tempo => {
                let reps = t.segments.len();
                assert_eq!(r.laps.len(), reps, "{}: one lap per segment", t.file);
            }
            RunType::Easy | RunType::Long | RunType::Recovery => {
                let km = (session.distance_m.unwrap_or(0.0) / 1000.0).ceil() as usize;
                assert!(
                    r.laps.len().abs_diff(km) <= 1,
                    "{}: {} laps for {km} km",
                    t.file,
                    r.laps.len()
                );
            }
            _ => {}
        }
        if !r.pauses.is_empty() {
            paused += 1;
            assert!(session.elapsed_s > session.timer_s);
            assert_eq!(r.pauses.len(), t.pauses.len());
        }
        if let Some(race) = &t.race {
            races.insert(race.name.clone());
            assert!(t.distance_m >= race.distance_m);
        }
        let cad = r.samples.cadence.iter().flatten().map(|c| f64::from(*c)).sum::<f64>()
            / r.samples.cadence.iter().flatten().count() as f64;
        assert!((78.0..=96.0).contains(&cad), "{}: mean cadence {cad} strides/min", t.file);
        assert_eq!(r.device().and_then(|d| d.name.as_deref()), Some("slowburn-synth"));
    }
    assert!(paused > 5, "{paused} runs with a stop");
    assert!(races.contains("Parkrun") && races.contains("City 10K"), "{races:?}");
}

#[test]
fn ten_years_is_thousands_of_runs() {
    let h = history(ProfileKind::EightyTwenty, 10.0, 7);
    assert!((2_800..=5_000).contains(&h.len()), "{} runs", h.len());
}

#[test]
#[ignore = "prints calibration numbers: cargo test -p slowburn-synth --test it -- --ignored --nocapture"]
fn report() {
    for p in ProfileKind::ALL {
        let h = history(p, 1.0, 7);
        let truths: Vec<_> = h.par_activities().map(|a| a.truth).collect();
        let km: f64 = truths.iter().map(|t| t.distance_m).sum::<f64>() / 1000.0;
        let hours: f64 = truths.iter().map(|t| t.timer_s).sum::<f64>() / 3600.0;
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for t in &truths {
            *kinds.entry(format!("{}->{}", t.intended_type.name(), t.kind.name())).or_default() +=
                1;
        }
        println!(
            "{p}: {} runs, {km:.0} km, {hours:.0} h, easy share {:.3}, speed at 68 % max HR x{:.3}",
            truths.len(),
            easy_share(&h),
            easy_speed_gain(&h)
        );
        println!("  {kinds:?}");
    }
}

#[test]
#[ignore = "calibration"]
fn gain_table() {
    for seed in 1..6 {
        for p in [ProfileKind::EightyTwenty, ProfileKind::GreyZone] {
            let h = history(p, 1.0, seed);
            let n = h.physiology.len();
            let avg = |r: std::ops::Range<usize>| {
                h.physiology[r.clone()].iter().map(|x| x.easy_speed_mps).sum::<f64>()
                    / r.len() as f64
            };
            println!(
                "seed {seed} {p}: truth {:.3} measured {:.3}",
                avg(n - 8..n) / avg(0..8),
                easy_speed_gain(&h)
            );
        }
    }
}

#[test]
#[ignore = "calibration"]
fn trajectory() {
    let years: f64 = std::env::var("YEARS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let p: ProfileKind = std::env::var("PROFILE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ProfileKind::EightyTwenty);
    let h = history(p, years, 7);
    let step = (h.weeks.len() / 30).max(1);
    for (w, ph) in h.weeks.iter().zip(&h.physiology).step_by(step) {
        let x = &ph.physiology;
        println!("{} {:>4} {:?} min {:.0} vLT {:.3} fit {:.1} fat {:.1} str {:.1} aer {:.2} adapt {:.3} form {:.3} rest {:.1} lthr {:.1}", w.start, w.week, w.phase, w.planned_minutes, x.threshold_speed_mps, x.fitness, x.fatigue, x.strain, x.fitness - x.strain * x.strain / 300.0, x.adaptation, x.form, x.resting_hr, x.lthr);
    }
}
