//! The real files that motivated the honest-number rules (copied under `tests/data/`, see its
//! README for origin and licence), summarised as import does.

mod common;

use slowburn_core::classify::RunType;
use slowburn_core::summary::RunSummary;

fn summary(file: &str) -> RunSummary {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(file);
    common::summarise_file(&path, file)
}

#[test]
fn a_gpx_recorded_in_a_car_is_not_a_run() {
    // gpxpy's around-visnjan-with-car.gpx: 2.7 km in 8.5 min, most of it at 30–93 km/h.
    let s = summary("around-visnjan-with-car.gpx");
    let call = s.sport.expect("a sport call");
    assert_eq!(call.from_file, Some(0));
    assert!(call.changed);
    assert_ne!(call.sport, 1, "{}", call.reason);
    assert!(call.reason.contains("held above 30 km/h"), "{}", call.reason);
    assert_eq!(s.run_type, Some(RunType::OtherSport));
    println!("{}", call.reason);
}

#[test]
fn points_an_hour_apart_are_moving_time() {
    // togeojson's strava.gpx: three points, 14:54:21, 15:57:18 and 17:03:04, 7.47 km of
    // straight lines between them (0.97 m/s, above the 0.5 m/s of standing still): 2:08:43
    // moving, not the 20 s that capping each point at 10 s gave.
    let s = summary("strava.gpx");
    assert!((s.moving_s - 7723.0).abs() < 1e-9, "{}", s.moving_s);
    assert!(s.elapsed_s.is_some_and(|e| (e - 7723.0).abs() < 1e-9), "{:?}", s.elapsed_s);
    assert!((s.distance_m.unwrap() - 7471.0).abs() < 1.0, "{:?}", s.distance_m);
    // Three heart-rate readings cover 20 s of the two hours.
    assert!(!s.hr_trusted);
    // Straight lines an hour long cannot tell walking from riding.
    let call = s.sport.expect("a sport call");
    assert_eq!(call.sport, 0);
    assert!(call.reason.contains("too sparse to tell"), "{}", call.reason);
}

#[test]
fn a_clock_jump_of_decades_is_not_elapsed_time() {
    // The Strava Android file's last record is dated 64 years after the others (the decoder
    // stops at an undefined message there); speed and distance come as two records of one
    // instant; the session says 11.27 km in 59:18, the records hold the first 0.93 km.
    let s = summary("strava-android-app-201.10-b1218918.fit");
    let elapsed = s.elapsed_s.expect("elapsed");
    assert!((300.0..400.0).contains(&elapsed), "{elapsed}");
    assert!(s.moving_s > 0.0 && s.moving_s <= elapsed, "{} {elapsed}", s.moving_s);
    assert!(
        s.warnings.iter().any(|w| w.starts_with("The clock jumps 563066 h between two samples")),
        "{:?}",
        s.warnings
    );
    let d = s.distance_m.expect("distance");
    assert!((900.0..960.0).contains(&d), "{d}");
    assert!(
        s.warnings.contains(
            &"The file's totals say 11.27 km, its track 0.93 km: the track is used".to_owned()
        ),
        "{:?}",
        s.warnings
    );
    let pace = s.moving_s / d * 1000.0;
    assert!((300.0..400.0).contains(&pace), "{pace}");
    assert_eq!(s.sport.map(|c| (c.sport, c.changed)), Some((1, false)));
}
