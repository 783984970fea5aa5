//! Every activity file of the shared corpus, summarised as import does
//! (`summary::summarise_with`), checked for honest numbers: no running file with a best effort
//! faster than the world record or an average faster than 2:30 /km over 1.5 km or more; the
//! files the corpus describes as rides or a car trip not running (or with their vehicle part
//! left out); moving time above zero and within elapsed time for every recording with distance.
//! `--nocapture` prints the table for the record: file, sport from the file, sport called and
//! why, distance, moving time and pace.
//!
//! The corpus is found at `../shared/corpus` from the repository root, or `SLOWBURN_CORPUS`.
//! A missing corpus fails the test: nothing is skipped silently.

mod common;

use std::path::{Path, PathBuf};

use slowburn_core::metrics::world_record_s;
use slowburn_core::sport::SegmentKind;
use slowburn_core::summary::RunSummary;
use slowburn_formats::detect::decode_any;

fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "the corpus is missing at {} (set SLOWBURN_CORPUS)",
        dir.display()
    );
    dir
}

fn activity_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            activity_files(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "fit" | "gpx" | "tcx"))
        {
            out.push(p);
        }
    }
}

/// The files the corpus (MANIFEST.md, README.md) describes as rides (bike computers, cycling
/// sessions, a car trip), by path, with what they are. Only those without a cycling sport in
/// the file are interesting (the rest keep their sport), but all are checked.
const RIDES: [(&str, &str); 6] = [
    ("python-fitparse/nick.fit", "Sigma bike computer, no sport, power channel"),
    ("fit-python-sdk/WithGearChangeData.fit", "Garmin Edge 1040, no session"),
    ("gpxpy/around-visnjan-with-car.gpx", "a car trip (its name)"),
    ("python-fitparse/Edge810-Vector-2013-08-16-15-35-10.fit", "Garmin Edge 810, cycling"),
    ("python-fitparse/garmin-edge-500-activity.fit", "Garmin Edge 500, cycling"),
    ("python-fitparse/2019-02-17-062644-ELEMNT-297E-195-0.fit", "Wahoo ELEMNT, cycling"),
];

fn clock(s: f64) -> String {
    let t = s.max(0.0).round() as u64;
    if t >= 3600 {
        format!("{}:{:02}:{:02}", t / 3600, (t % 3600) / 60, t % 60)
    } else {
        format!("{}:{:02}", t / 60, t % 60)
    }
}

fn is_running(s: &RunSummary) -> bool {
    s.sport.as_ref().is_some_and(|c| c.sport == 1)
        || (s.sport.as_ref().is_some_and(|c| c.sport == 0)
            && s.run_type.is_some_and(slowburn_core::classify::RunType::is_run))
}

#[test]
fn every_corpus_activity_has_honest_numbers() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    activity_files(&dir, &mut files);

    let mut bad = Vec::new();
    let mut rows = Vec::new();
    let mut seen_rides = 0;
    let mut activities = 0;
    for path in &files {
        let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {name}: {e}"));
        let Ok(rec) = decode_any(&name, &bytes) else { continue };
        if !rec.is_activity() {
            continue;
        }
        activities += 1;
        let s = common::summarise(&rec);
        let m = s.metrics.clone().unwrap_or_default();
        let call = s.sport.clone().expect("every summary has a sport call");
        let running = is_running(&s);
        let pace = match s.distance_m {
            Some(d) if d > 0.0 && s.moving_s > 0.0 => Some(s.moving_s / d * 1000.0),
            _ => None,
        };

        if running {
            for b in &m.best_efforts {
                if let Some(wr) = world_record_s(b.distance_m) {
                    if b.time_s < wr {
                        bad.push(format!(
                            "{name}: best {} in {:.1} s beats the world record",
                            b.name, b.time_s
                        ));
                    }
                }
            }
            if let (Some(d), Some(p)) = (s.distance_m, pace) {
                if d >= 1500.0 && p < 150.0 {
                    bad.push(format!("{name}: a run of {d:.0} m at {p:.0} s/km"));
                }
            }
        }
        if let Some((_, what)) = RIDES.iter().find(|(f, _)| *f == name) {
            seen_rides += 1;
            let vehicle_out = s.excluded.iter().any(|x| x.kind == SegmentKind::Vehicle);
            if running && !vehicle_out {
                bad.push(format!("{name} ({what}) is called running: {}", call.reason));
            }
        }
        // A recording with distance: at least 100 m with time (a few metres of GPS drift while
        // standing, as in the 13-s test files, are not a distance moved).
        if s.distance_m.is_some_and(|d| d >= 100.0) && rec.duration_s().is_some_and(|d| d > 0.0) {
            let elapsed = s.elapsed_s.unwrap_or(0.0);
            if !(s.moving_s > 0.0 && s.moving_s <= elapsed + 1e-6) {
                bad.push(format!("{name}: moving {:.1} s, elapsed {elapsed:.1} s", s.moving_s));
            }
        }
        let from_file =
            rec.sport.map_or_else(|| "–".to_owned(), slowburn_formats::Sport::sport_name);
        let called = slowburn_formats::Sport { sport: call.sport, sub_sport: 0 }.sport_name();
        rows.push(format!(
            "| {name} | {from_file} | {called}{} | {} | {} | {} | {} | {} |",
            if call.changed { " (changed)" } else { "" },
            call.reason.replace('|', "/"),
            s.distance_m.map_or("–".to_owned(), |d| format!("{:.2} km", d / 1000.0)),
            clock(s.moving_s),
            s.elapsed_s.map_or("–".to_owned(), clock),
            pace.map_or("–".to_owned(), |p| format!("{} /km", clock(p))),
        ));
    }
    println!(
        "| file | sport from file | sport called | reason | distance | moving | elapsed | pace |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!("{r}");
    }
    assert!(activities > 50, "only {activities} activities found in {}", dir.display());
    assert_eq!(seen_rides, RIDES.len(), "a ride of the list is missing from the corpus");
    assert!(bad.is_empty(), "{} dishonest numbers:\n{}", bad.len(), bad.join("\n"));
}

/// Summarise one corpus file with the test profile.
fn corpus_summary(relative: &str) -> RunSummary {
    common::summarise_file(&corpus_dir().join(relative), relative)
}

#[test]
fn the_files_that_motivated_the_rules() {
    // A Sigma bike computer's file with no session and so no sport: cycling by its device.
    let s = corpus_summary("python-fitparse/nick.fit");
    let call = s.sport.expect("call");
    assert_eq!((call.sport, call.from_file), (2, None));
    assert!(call.reason.contains("recorded by a bike computer (sigmasport 46)"), "{}", call.reason);
    // A Garmin Edge 1040 without a session: cycling by its device and power channel.
    let call = corpus_summary("fit-python-sdk/WithGearChangeData.fit").sport.expect("call");
    assert_eq!(call.sport, 2, "{}", call.reason);
    assert!(call.reason.contains("garmin edge_1040"), "{}", call.reason);
    // A Forerunner 10 file that says running, 10.2 km in 24:50 moving: its best kilometre is
    // faster than the world record, so it was not run.
    let call = corpus_summary("gpsbabel/garmin-forerunner-10.fit").sport.expect("call");
    assert_eq!((call.sport, call.from_file, call.changed), (2, Some(1), true));
    assert!(call.reason.contains("faster than the world record (2:12)"), "{}", call.reason);
    // A hike whose GPX starts with an 8.6-km track without times: that distance has no time
    // to go with it and is left out, with a warning; no best effort of 0 s.
    let s = corpus_summary("gpxpy/korita-zbevnica.gpx");
    assert!(
        s.warnings.iter().any(|w| w.starts_with("8.64 km of the recording has no time")),
        "{:?}",
        s.warnings
    );
    assert!(s.metrics.expect("metrics").best_efforts.iter().all(|b| b.time_s > 60.0));
    assert_eq!(s.sport.expect("call").sport, 17);
    // A Fenix 2 multisport day (its first session generic): multisport, not a hike.
    let call =
        corpus_summary("python-fitparse/activity-large-fenxi2-multisport.fit").sport.expect("call");
    assert_eq!(call.sport, 18, "{}", call.reason);
}
