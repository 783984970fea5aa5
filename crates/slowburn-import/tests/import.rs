//! The import pipeline on real files and hostile inputs: every input ends as exactly one
//! outcome, nothing is half-written, the same bytes are never stored twice.

mod common;

use std::io::Write;

use common::{corpus, run, tempdir, zip_with};
use slowburn_import::Outcome;
use slowburn_store::{SqliteStore, Store};

#[test]
fn the_whole_corpus_imports_with_one_outcome_per_file_and_again_as_duplicates() {
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, &[corpus()]);
    let n = r.imported + r.replaced + r.duplicates + r.skipped + r.failed;
    assert_eq!(n, r.files.len());
    // 112 files, minus the reference CSVs which are not recordings.
    assert!(r.files.len() >= 100, "{} files", r.files.len());
    assert!(r.imported >= 60, "{r:#?}");
    let settings =
        r.files.iter().find(|f| f.name.ends_with("python-fitparse/Settings.fit")).expect("listed");
    assert!(
        matches!(&settings.outcome, Outcome::Skipped { reason } if reason.contains("settings")),
        "{settings:?}"
    );
    // The corpus holds the same run as TCX with and without heart rate, and a Fitbit ride with
    // a fragment of it: the richer came second, so it replaced the stored one.
    assert!(r.replaced >= 2, "{r:#?}");
    let tri = r
        .files
        .iter()
        .find(|f| f.name.ends_with("sample_mulitple_header.fit"))
        .expect("the triathlon is listed");
    assert_eq!(tri.parts.len(), 5);
    assert!(r.multisport_files >= 2 && r.multisport_parts >= 12, "{r:#?}");
    // The Strava app's file ends with a sample 64 years on: its span stops before that jump.
    let strava = store
        .activities(&slowburn_store::Filter::default())
        .expect("rows")
        .into_iter()
        .find(|a| a.data.source_name.ends_with("strava-android-app-201.10-b1218918.fit"))
        .expect("imported");
    assert_eq!(strava.data.duration_s, Some(314.0), "its records cover 5 minutes");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let before = store.canonical_dump().expect("dump");
    // Again: every stored file is a duplicate, nothing is written.
    let again = run(&mut store, &[corpus()]);
    assert_eq!(again.imported, 0);
    assert_eq!(again.duplicates, r.imported + r.replaced + r.duplicates);
    assert_eq!(store.canonical_dump().expect("dump"), before);
}

#[test]
fn hostile_archives_fail_alone_and_the_rest_imports() {
    let dir = tempdir("hostile");
    let good =
        std::fs::read(corpus().join("python-fitparse/garmin-fenix-5-run.fit")).expect("read");
    let bomb = vec![0u8; 300 * 1024 * 1024];
    zip_with(
        &dir.join("export.zip"),
        &[
            ("activities/good.fit", &good),
            ("../../escape.fit", &good[..good.len() - 10]),
            ("/abs/path/corrupt.fit", b"not a fit file at all"),
            ("activities/empty.fit", b""),
            ("activities/bomb.fit", &bomb),
        ],
    );
    drop(bomb);
    // A 2 GB (sparse) file and a directory symlink loop beside it.
    let big = std::fs::File::create(dir.join("huge.fit")).expect("create");
    big.set_len(2 * 1024 * 1024 * 1024).expect("sparse 2 GB");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("loop")).expect("symlink");

    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, std::slice::from_ref(&dir));
    let outcome = |suffix: &str| {
        r.files
            .iter()
            .find(|f| f.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not listed: {r:#?}"))
            .outcome
            .clone()
    };
    assert!(matches!(outcome("export.zip!activities/good.fit"), Outcome::Imported { .. }));
    // Same run, truncated copy under a hostile name: a duplicate or a warning-carrying import, never a file written.
    assert!(!dir.parent().expect("parent").join("escape.fit").exists());
    assert!(
        matches!(outcome("corrupt.fit"), Outcome::Failed { reason } if reason.contains("not a FIT"))
    );
    assert!(matches!(outcome("empty.fit"), Outcome::Failed { reason } if reason.contains("empty")));
    assert!(matches!(outcome("bomb.fit"), Outcome::Failed { reason } if reason.contains("limit")));
    assert!(matches!(outcome("huge.fit"), Outcome::Failed { reason } if reason.contains("limit")));
    #[cfg(unix)]
    assert!(
        r.files
            .iter()
            .any(|f| matches!(&f.outcome, Outcome::Failed { reason } if reason.contains("loop"))),
        "{r:#?}"
    );
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_strava_export_gives_names_and_gear_and_nested_garmin_zips_are_read() {
    let dir = tempdir("exports");
    let run1 =
        std::fs::read(corpus().join("python-fitparse/garmin-fenix-5-run.fit")).expect("read");
    let run2 = std::fs::read(corpus().join("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&run2).expect("gz");
    let gz = gz.finish().expect("gz");
    let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename,Activity Gear\n\
               1,x,Sunday long run,Run,by the lake,activities/1.fit,Pegasus 40\n\
               2,x,Track night,Run,,activities/2.fit.gz,Spikes\n";
    zip_with(
        &dir.join("export_123.zip"),
        &[
            ("activities.csv", csv.as_bytes()),
            ("activities/1.fit", &run1),
            ("activities/2.fit.gz", &gz),
        ],
    );
    // Garmin Connect: a zip holding a zip of uploaded files.
    let inner_path = dir.join("inner.zip");
    let hrv = std::fs::read(corpus().join("fitparse-rs/hrv-activity.fit")).expect("read");
    zip_with(&inner_path, &[("UploadedFiles_0-_Part1/hrv.fit", &hrv)]);
    let inner = std::fs::read(&inner_path).expect("read inner");
    std::fs::remove_file(&inner_path).expect("rm");
    zip_with(
        &dir.join("garmin.zip"),
        &[("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", &inner)],
    );

    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, std::slice::from_ref(&dir));
    assert_eq!(r.imported, 3, "{r:#?}");
    let rows = store.activities(&slowburn_store::Filter::default()).expect("rows");
    let names: Vec<_> = rows.iter().filter_map(|a| a.data.name.clone()).collect();
    assert!(names.contains(&"Sunday long run".to_owned()), "{names:?}");
    assert!(names.contains(&"Track night".to_owned()), "{names:?}");
    assert!(rows.iter().any(|a| a.data.gear.as_deref() == Some("Pegasus 40")));
    assert!(rows.iter().any(|a| a.data.source_name.contains("garmin.zip!")
        && a.data.source_name.contains(".zip!UploadedFiles")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_run_as_fit_and_gpx_is_one_activity_keeping_the_richer_fit() {
    let dir = tempdir("samerun");
    let fit_bytes = std::fs::read(corpus().join("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read");
    let rec = slowburn_formats::fit::decode(&fit_bytes).expect("decode");
    // A GPX of the same run (positions and times only), as Strava exports often hold both.
    let mut gpx =
        String::from("<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"test\"><trk><trkseg>");
    for i in 0..rec.samples.len() {
        if let (Some(t), Some(lat), Some(lon)) =
            (rec.samples.time[i], rec.samples.lat[i], rec.samples.lon[i])
        {
            let ts = jiff::Timestamp::from_millisecond(t).expect("time");
            gpx.push_str(&format!("<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>{ts}</time></trkpt>"));
        }
    }
    gpx.push_str("</trkseg></trk></gpx>");
    std::fs::write(dir.join("a.gpx"), &gpx).expect("write");
    std::fs::write(dir.join("b.fit"), &fit_bytes).expect("write");
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, &[dir.join("a.gpx"), dir.join("b.fit")]);
    assert_eq!(store.counts().expect("counts").0, 1, "{r:#?}");
    assert_eq!((r.imported, r.replaced), (1, 1), "the FIT replaced the GPX: {r:#?}");
    assert!(
        matches!(&r.files[1].outcome, Outcome::Replaced { reason, .. }
            if reason.starts_with("kept the FIT (heart rate, cadence, position, 2,809 samples")
                && reason.contains("over the GPX (position only")),
        "{r:#?}"
    );
    let rows = store.activities(&slowburn_store::Filter::default()).expect("rows");
    assert_eq!(rows[0].data.format, "fit");
    assert_eq!(rows[0].duplicates, 1);
    // Both originals are kept: nothing lost.
    assert_eq!(store.counts().expect("counts").2, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outcomes_serialise_with_their_names() {
    use slowburn_import::FileResult;
    let replaced = serde_json::to_value(FileResult {
        name: "a.fit".into(),
        outcome: Outcome::Replaced { id: 3, reason: "kept the FIT".into() },
        parts: Vec::new(),
        note: None,
    })
    .expect("json");
    assert_eq!(
        replaced,
        serde_json::json!({"name": "a.fit", "outcome": "replaced", "id": 3, "reason": "kept the FIT"})
    );
    let report = serde_json::to_value(slowburn_import::Report::default()).expect("json");
    for key in [
        "imported",
        "replaced",
        "duplicates",
        "skipped",
        "failed",
        "multisport_files",
        "multisport_parts",
        "metadata_added",
    ] {
        assert_eq!(report[key], 0, "{key} in {report}");
    }
}

#[test]
fn a_strava_export_of_files_already_imported_adds_its_names_and_gear() {
    let dir = tempdir("export-after");
    let run1 =
        std::fs::read(corpus().join("python-fitparse/garmin-fenix-5-run.fit")).expect("read");
    let run2 = std::fs::read(corpus().join("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read");
    let tri =
        std::fs::read(corpus().join("python-fitparse/sample_mulitple_header.fit")).expect("read");
    let watch = dir.join("watch");
    std::fs::create_dir_all(&watch).expect("dir");
    for (name, bytes) in [("1.fit", &run1), ("2.fit", &run2), ("3.fit", &tri)] {
        std::fs::write(watch.join(name), bytes).expect("write");
    }
    let mut store = SqliteStore::open_in_memory().expect("store");
    let first = run(&mut store, std::slice::from_ref(&watch));
    assert_eq!(first.imported, 3);
    let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename,Activity Gear\n\
               1,x,Sunday long run,Run,by the lake,activities/1.fit,Pegasus 40\n\
               2,x,,Run,,activities/2.fit,\n\
               3,x,Ironman Frankfurt,Triathlon,,activities/3.fit,TT bike\n";
    zip_with(
        &dir.join("export_9.zip"),
        &[
            ("activities.csv", csv.as_bytes()),
            ("activities/1.fit", &run1),
            ("activities/2.fit", &run2),
            ("activities/3.fit", &tri),
        ],
    );
    let r = run(&mut store, &[dir.join("export_9.zip")]);
    assert_eq!((r.imported, r.replaced, r.duplicates), (0, 0, 3), "{r:#?}");
    assert_eq!(r.metadata_added, 6, "one run and the triathlon's five legs: {r:#?}");
    let reason = |suffix: &str| match &r
        .files
        .iter()
        .find(|f| f.name.ends_with(suffix))
        .expect("listed")
        .outcome
    {
        Outcome::Duplicate { of: Some(_), reason } => reason.clone(),
        o => panic!("{o:?}"),
    };
    assert_eq!(
        reason("1.fit"),
        "already imported; name, description and gear added from the export"
    );
    assert_eq!(reason("2.fit"), "already imported (same bytes)");
    assert_eq!(reason("3.fit"), "already imported; name and gear added from the export");
    let rows = store.activities(&slowburn_store::Filter::default()).expect("rows");
    let named = |n: &str| rows.iter().filter(|a| a.data.name.as_deref() == Some(n)).count();
    assert_eq!(named("Sunday long run"), 1);
    assert_eq!(named("Ironman Frankfurt"), 5, "every leg of the triathlon");
    assert!(rows.iter().any(|a| a.data.description.as_deref() == Some("by the lake")));
    assert_eq!(store.counts().expect("counts"), (7, 0, 3), "nothing stored twice");
    // Again: nothing more to add.
    let again = run(&mut store, &[dir.join("export_9.zip")]);
    assert_eq!(again.metadata_added, 0);
    assert!(again.files.iter().all(|f| matches!(&f.outcome, Outcome::Duplicate { reason, .. } if reason == "already imported (same bytes)")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_garmin_export_names_its_activities_by_start_time_also_when_already_imported() {
    let dir = tempdir("garmin-names");
    let run1 =
        std::fs::read(corpus().join("python-fitparse/garmin-fenix-5-run.fit")).expect("read");
    let tri =
        std::fs::read(corpus().join("python-fitparse/sample_mulitple_header.fit")).expect("read");
    let watch = dir.join("watch");
    std::fs::create_dir_all(&watch).expect("dir");
    std::fs::write(watch.join("run.fit"), &run1).expect("write");
    std::fs::write(watch.join("tri.fit"), &tri).expect("write");
    // The run starts 2017-06-11T14:34:09Z; the triathlon's swim 07:33:01Z and its run
    // 10:03:41Z on 2018-05-27 (Garmin lists a multisport activity and each of its legs).
    let list = r#"[{"summarizedActivitiesExport": [
        {"activityId": 11, "name": "Sunday run", "description": "hills", "beginTimestamp": 1497191649000},
        {"activityId": 12, "name": "Ironman", "beginTimestamp": 1527406381000},
        {"activityId": 13, "name": "Ironman marathon", "beginTimestamp": 1527413021000},
        {"activityId": 14, "name": "Not in this export", "beginTimestamp": 1600000000000}
    ]}]"#;
    let inner_path = dir.join("inner.zip");
    zip_with(&inner_path, &[("me@example.com_11.fit", &run1), ("me@example.com_12.fit", &tri)]);
    let inner = std::fs::read(&inner_path).expect("read inner");
    std::fs::remove_file(&inner_path).expect("rm");
    let export = dir.join("garmin.zip");
    zip_with(
        &export,
        &[
            (
                "DI_CONNECT/DI-Connect-Fitness/me@example.com_0_summarizedActivities.json",
                list.as_bytes(),
            ),
            ("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", &inner),
        ],
    );
    let names = |store: &SqliteStore| {
        let mut v: Vec<(Option<u8>, Option<String>, Option<String>)> = store
            .activities(&slowburn_store::Filter::default())
            .expect("rows")
            .into_iter()
            .map(|a| (a.data.sport, a.data.name, a.data.description))
            .collect();
        v.sort();
        v
    };
    let want = vec![
        (Some(1), Some("Ironman marathon".to_owned()), None),
        (Some(1), Some("Sunday run".to_owned()), Some("hills".to_owned())),
        (Some(2), None, None),
        (Some(3), None, None),
        (Some(3), None, None),
        (Some(5), Some("Ironman".to_owned()), None),
    ];
    // The export alone.
    let mut fresh = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut fresh, std::slice::from_ref(&export));
    assert_eq!(r.imported, 2, "{r:#?}");
    assert_eq!(names(&fresh), want);
    // The watch first, then the export: the same names are added.
    let mut store = SqliteStore::open_in_memory().expect("store");
    run(&mut store, &[watch]);
    assert!(names(&store).iter().all(|n| n.1.is_none()));
    let r = run(&mut store, &[export]);
    assert_eq!((r.imported, r.duplicates, r.metadata_added), (0, 2, 3), "{r:#?}");
    assert!(
        r.files.iter().any(|f| matches!(&f.outcome, Outcome::Duplicate { reason, .. }
        if reason == "already imported; name and description added from the export")),
        "{r:#?}"
    );
    assert_eq!(names(&store), want);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_bytes_under_many_names_are_one_activity_whatever_the_batches() {
    // The staging thread works a batch ahead of the writer: a copy in a later batch must still
    // find the bytes an earlier batch stored, and a copy in the same batch too.
    let src = common::corpus_file("python-fitparse/2013-02-06-12-11-14.fit");
    let dir = tempdir("same-bytes");
    for k in 0..20 {
        std::fs::copy(&src, dir.join(format!("copy-{k:02}.fit"))).expect("copy");
    }
    for batch_size in [1, 3, 16, 1000] {
        let mut store = SqliteStore::open_in_memory().expect("store");
        let r = slowburn_import::import(
            &mut store,
            std::slice::from_ref(&dir),
            &common::Plain,
            &slowburn_import::Silent,
            slowburn_import::Options { batch_size },
        )
        .expect("import runs");
        assert_eq!((r.imported, r.duplicates, r.failed), (1, 19, 0), "batch {batch_size}: {r:#?}");
        assert_eq!(store.counts().expect("counts").0, 1, "one activity (batch {batch_size})");
    }
}
