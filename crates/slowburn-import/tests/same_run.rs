//! One run, one activity: recordings that overlap in time are one activity keeping the
//! richest, whatever order they arrive in and whatever their start-time difference; different
//! runs are never merged.

mod common;

use std::io::Write as _;
use std::path::PathBuf;

use common::{
    assert_adds_up, corpus, corpus_file, dump, fit_bytes, gpx_of, run, run_recording, tempdir,
    write, zip_with,
};
use slowburn_import::Outcome;
use slowburn_store::{Filter, SqliteStore, Store};

const T0: i64 = 1_750_000_000_000;
const MIN: i64 = 60_000;

/// Import `files` in the given order into a fresh store.
fn store_of(files: &[PathBuf]) -> (SqliteStore, slowburn_import::Report) {
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, files);
    assert_adds_up(&r);
    (store, r)
}

/// Every order of `files` gives the same store; returns it for the first order.
fn same_in_every_order(files: &[PathBuf]) -> SqliteStore {
    let mut orders: Vec<Vec<PathBuf>> = vec![files.to_vec()];
    let mut rev = files.to_vec();
    rev.reverse();
    orders.push(rev);
    if files.len() == 3 {
        for p in [[1, 0, 2], [0, 2, 1], [2, 0, 1], [1, 2, 0]] {
            orders.push(p.iter().map(|&i| files[i].clone()).collect());
        }
    }
    let (first, _) = store_of(&orders[0]);
    let want = dump(&first);
    for o in &orders[1..] {
        let (s, r) = store_of(o);
        assert_eq!(dump(&s), want, "order {o:?} gives another store: {r:#?}");
    }
    first
}

fn outcome_of<'a>(r: &'a slowburn_import::Report, suffix: &str) -> &'a Outcome {
    &r.files.iter().find(|f| f.name.ends_with(suffix)).expect("listed").outcome
}

#[test]
fn the_same_run_as_tcx_with_and_without_heart_rate_keeps_the_one_with_heart_rate() {
    let with = corpus_file("python-tcxparser/test.tcx");
    let without = corpus_file("python-tcxparser/no_hr.tcx");
    let (store, r) = store_of(&[without.clone(), with.clone()]);
    assert_eq!((r.imported, r.replaced, r.duplicates), (1, 1, 0), "{r:#?}");
    let Outcome::Replaced { reason, .. } = outcome_of(&r, "test.tcx") else { panic!("{r:#?}") };
    assert_eq!(
        reason,
        "kept the TCX (heart rate, position, 384 samples over 33:12) over the TCX (position only, \
         384 samples over 33:12)"
    );
    let rows = store.activities(&Filter::default()).expect("rows");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].data.source_name.ends_with("test.tcx"));
    assert_eq!(rows[0].duplicates, 1);
    let (_, r) = store_of(&[with.clone(), without.clone()]);
    assert!(
        matches!(outcome_of(&r, "no_hr.tcx"), Outcome::Duplicate { reason, .. }
            if reason.starts_with("kept the TCX (heart rate")),
        "{r:#?}"
    );
    same_in_every_order(&[with, without]);
}

#[test]
fn copies_of_one_run_in_the_corpus_are_one_activity() {
    // The same 13-second hrm1 run, plain, damaged, truncated and chained (twice, and with
    // settings); and a Fitbit ride beside a 1-second fragment of it.
    let files: Vec<PathBuf> = [
        "python-fitparse/Activity.fit",
        "python-fitparse/activity-filecrc.fit",
        "python-fitparse/activity-unexpected-eof.fit",
        "python-fitparse/activity-settings.fit",
        "python-fitparse/activity-activity-filecrc.fit",
        "togeojson/tour_hr.tcx",
        "togeojson/bad.tcx",
    ]
    .iter()
    .map(|f| corpus_file(f))
    .collect();
    let store = same_in_every_order(&files);
    let rows = store.activities(&Filter::default()).expect("rows");
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let hrm = rows.iter().find(|r| r.data.start_ms == Some(1_334_006_546_000)).expect("hrm1");
    assert_eq!(hrm.duplicates, 4);
    assert!(
        !hrm.data.source_name.ends_with("activity-activity-filecrc.fit"),
        "the copy holding the run twice is not kept: {}",
        hrm.data.source_name
    );
    let ride = rows.iter().find(|r| r.data.source_name.ends_with("tour_hr.tcx")).expect("ride");
    assert_eq!(ride.duplicates, 1);
}

#[test]
fn different_activities_close_in_time_stay_apart() {
    // A walk and then a run a minute apart; a watch's and a bike computer's recordings that
    // overlap 8 of 61 seconds.
    let files: Vec<PathBuf> = [
        "python-fitparse/garmin-fenix-5-walk.fit",
        "python-fitparse/garmin-fenix-5-run.fit",
        "python-fitparse/garmin-fenix-5-bike.fit",
        "python-fitparse/garmin-edge-820-bike.fit",
    ]
    .iter()
    .map(|f| corpus_file(f))
    .collect();
    let (store, r) = store_of(&files);
    assert_eq!(r.imported, 4, "{r:#?}");
    assert_eq!(store.counts().expect("counts").0, 4);
}

#[test]
fn a_morning_and_an_evening_run_on_the_same_day_are_two_runs() {
    let dir = tempdir("morning-evening");
    let morning = write(&dir, "morning.fit", fit_bytes(&run_recording(T0, 3600, 1)));
    let evening =
        write(&dir, "evening.fit", fit_bytes(&run_recording(T0 + 10 * 60 * MIN, 3600, 1)));
    // Back to back: a second recording starting the second the first one ended.
    let next = write(&dir, "next.fit", fit_bytes(&run_recording(T0 + 60 * MIN, 1800, 1)));
    let store = same_in_every_order(&[morning, evening, next]);
    assert_eq!(store.counts().expect("counts"), (3, 0, 3));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_phone_started_minutes_earlier_and_a_truncated_copy_are_the_same_run() {
    let dir = tempdir("phone");
    let watch = run_recording(T0, 3600, 1);
    let fit = write(&dir, "watch.fit", fit_bytes(&watch));
    // The phone ran from 7 minutes before to 3 minutes after the watch (positions only).
    let phone_rec = run_recording(T0 - 7 * MIN, 4200, 1);
    let phone = write(&dir, "phone.gpx", gpx_of(&phone_rec, 0, 4200, 0));
    // The watch's truncated copy: its first 25 minutes.
    let truncated = write(&dir, "truncated.fit", fit_bytes(&run_recording(T0, 1500, 1)));
    let store = same_in_every_order(&[fit.clone(), phone.clone(), truncated.clone()]);
    let rows = store.activities(&Filter::default()).expect("rows");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].data.source_name.ends_with("watch.fit"), "the full watch file is kept");
    assert_eq!(rows[0].duplicates, 2);
    let (_, r) = store_of(&[phone, truncated, fit]);
    assert_eq!((r.imported, r.replaced, r.duplicates), (1, 1, 1), "{r:#?}");
    let Outcome::Replaced { reason, .. } = outcome_of(&r, "watch.fit") else { panic!("{r:#?}") };
    assert!(
        reason.starts_with("kept the FIT (heart rate, cadence, position, 3,600 samples over 59:59) over the GPX (position only, 4,200 samples"),
        "{reason}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_recording_joins_two_partial_ones_in_any_order() {
    let dir = tempdir("bridge");
    let full = run_recording(T0, 3600, 1);
    let first = write(&dir, "first-half.gpx", gpx_of(&full, 0, 1800, 0));
    let second = write(&dir, "second-half.gpx", gpx_of(&full, 1800, 3600, 0));
    let fit = write(&dir, "full.fit", fit_bytes(&full));
    let store = same_in_every_order(&[first.clone(), second.clone(), fit.clone()]);
    let rows = store.activities(&Filter::default()).expect("rows");
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].duplicates, 2);
    // The halves alone are two recordings of two stretches; the full one folds them together.
    let (_, r) = store_of(&[first, second, fit]);
    assert_eq!((r.imported, r.replaced), (2, 1), "{r:#?}");
    let Outcome::Replaced { reason, .. } = outcome_of(&r, "full.fit") else { panic!("{r:#?}") };
    assert!(reason.ends_with("and one other recording of it"), "{reason}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_strava_export_of_runs_already_imported_from_the_watch_adds_names_and_gear() {
    let dir = tempdir("strava-after-watch");
    let watch = dir.join("watch");
    std::fs::create_dir_all(&watch).expect("dir");
    let bytes = fit_bytes(&run_recording(T0, 1800, 1));
    let raw = write(&watch, "run.fit", &bytes);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).expect("gz");
    let gz = gz.finish().expect("gz");
    let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename,Activity Gear\n\
               1,x,Lakeside,Run,,activities/1.fit.gz,Pegasus 40\n";
    let export = dir.join("export_1.zip");
    zip_with(&export, &[("activities.csv", csv.as_bytes()), ("activities/1.fit.gz", &gz)]);
    let (store, r) = store_of(&[raw.clone(), export.clone()]);
    assert_eq!((r.imported, r.duplicates, r.metadata_added), (1, 1, 1), "{r:#?}");
    let Outcome::Duplicate { reason, .. } = outcome_of(&r, "1.fit.gz") else { panic!("{r:#?}") };
    assert!(reason.ends_with("; name and gear added from the export"), "{reason}");
    let rows = store.activities(&Filter::default()).expect("rows");
    assert_eq!(rows[0].data.name.as_deref(), Some("Lakeside"));
    assert_eq!(rows[0].data.gear.as_deref(), Some("Pegasus 40"));
    assert!(rows[0].data.source_name.ends_with("run.fit"), "the plain file is kept");
    let (other, _) = store_of(&[export, raw]);
    assert_eq!(dump(&other), dump(&store), "and the same the other way round");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_whole_corpus_gives_the_same_store_in_reverse_order() {
    let mut files: Vec<PathBuf> = walkdir(&corpus());
    files.sort();
    assert!(files.len() >= 100, "{} recordings in the corpus", files.len());
    let (forward, r) = store_of(&files);
    files.reverse();
    let (backward, _) = store_of(&files);
    assert_eq!(dump(&forward), dump(&backward));
    // No two activities of one sport family overlap in time (spans as matched: clock jumps cut).
    let mut forward = forward;
    let rows: Vec<_> = forward
        .activities(&Filter::default())
        .expect("rows")
        .iter()
        .filter_map(|a| {
            let mut b = forward.batch().ok()?;
            b.file_parts(&a.sha256).ok()?.into_iter().find(|p| p.id == a.id)
        })
        .collect();
    let rows: Vec<_> = rows;
    assert_eq!(rows.len(), forward.counts().expect("counts").0 as usize);
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            let (Some(sa), Some(ea), Some(sb), Some(eb)) =
                (a.start_ms, a.end_ms, b.start_ms, b.end_ms)
            else {
                continue;
            };
            let same_file = a.sha256 == b.sha256;
            let same_family = slowburn_import::same::family(a.sport)
                == slowburn_import::same::family(b.sport)
                || slowburn_import::same::family(a.sport).is_none()
                || slowburn_import::same::family(b.sport).is_none();
            let shared = slowburn_import::same::overlap_ms((sa, ea), (sb, eb));
            let shorter = (ea - sa).min(eb - sb);
            assert!(
                same_file || !same_family || shared <= 0 || (shared as f64) < 0.8 * shorter as f64,
                "{} and {} overlap: {r:#?}",
                a.source_name,
                b.source_name
            );
        }
    }
}

fn walkdir(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("corpus folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ["fit", "gpx", "tcx"].contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
    out
}
