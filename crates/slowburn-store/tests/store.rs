//! The store keeps what it is given, whole batches or nothing.

use slowburn_store::{compress, ActivityData, Filter, NewActivity, Store};

fn activity(sha: u8, start_ms: i64, duration_s: f64, samples: i64) -> NewActivity {
    NewActivity {
        sha256: [sha; 32],
        data: ActivityData {
            source_name: format!("run-{sha}.fit"),
            format: "fit".into(),
            start_ms: Some(start_ms),
            utc_offset_s: Some(3600),
            sport: Some(1),
            sub_sport: Some(0),
            name: None,
            description: None,
            gear: None,
            device: Some("garmin fr955".into()),
            duration_s: Some(duration_s),
            moving_s: Some(duration_s),
            distance_m: Some(10_000.0),
            ascent_m: Some(50.0),
            avg_hr: Some(140.0),
            max_hr: Some(160),
            samples,
            summary: "{}".into(),
        },
        richness: samples as f64,
        hr_hist: vec![1.5; 256],
        pace_hist: vec![2.0; 10],
    }
}

#[test]
fn activities_round_trip_with_histograms() {
    let mut s = Store::open_in_memory().expect("open");
    let a = activity(1, 1_700_000_000_000, 3600.0, 3600);
    let b = s.batch().expect("batch");
    assert!(b
        .insert_original(&a.sha256, "run-1.fit", 10, &compress(b"0123456789").expect("zstd"))
        .expect("orig"));
    let id = b.insert_activity(&a).expect("insert");
    b.commit().expect("commit");
    let row = s.activity(id).expect("row");
    assert_eq!(row.data.distance_m, Some(10_000.0));
    let h = s.histograms(&Filter::default()).expect("hist");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].3.len(), 256);
    assert!((h[0].3[100] - 1.5).abs() < 1e-6);
    assert!(s.has_original(&a.sha256).expect("has"));
    let mut got = Vec::new();
    s.for_each_original(|_, name, bytes| {
        got.push((name.to_owned(), bytes.to_vec()));
        Ok(())
    })
    .expect("originals");
    assert_eq!(got, vec![("run-1.fit".to_owned(), b"0123456789".to_vec())]);
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

#[test]
fn an_uncommitted_batch_leaves_nothing() {
    let mut s = Store::open_in_memory().expect("open");
    {
        let b = s.batch().expect("batch");
        let a = activity(2, 1_700_000_000_000, 3600.0, 10);
        b.insert_original(&a.sha256, "x", 1, b"x").expect("orig");
        b.insert_activity(&a).expect("insert");
        // dropped without commit
    }
    assert_eq!(s.counts().expect("counts"), (0, 0, 0));
}

#[test]
fn the_same_run_is_found_and_the_richer_copy_kept() {
    let mut s = Store::open_in_memory().expect("open");
    let poor = activity(3, 1_700_000_000_000, 3600.0, 100);
    let rich = activity(4, 1_700_000_030_000, 3610.0, 3600);
    let b = s.batch().expect("batch");
    b.insert_original(&poor.sha256, "a.gpx", 1, b"a").expect("orig");
    let id = b.insert_activity(&poor).expect("insert");
    let same = b.find_same_run(1_700_000_030_000, 3610.0, Some(1)).expect("find").expect("found");
    assert_eq!(same.id, id);
    assert!(b.find_same_run(1_700_010_000_000, 3600.0, Some(1)).expect("find").is_none());
    b.insert_original(&rich.sha256, "a.fit", 1, b"b").expect("orig");
    b.replace_activity(id, &rich, "same run, richer recording kept").expect("replace");
    b.commit().expect("commit");
    let row = s.activity(id).expect("row");
    assert_eq!(row.sha256, [4; 32]);
    assert_eq!(row.duplicates, 1);
    assert_eq!(s.counts().expect("counts"), (1, 1, 2));
}

#[test]
fn reopening_a_file_store_keeps_the_schema_version() {
    let dir = std::env::temp_dir().join(format!("slowburn-store-test-{}", std::process::id()));
    let path = dir.join("db.sqlite");
    {
        let mut s = Store::open(&path).expect("open");
        let b = s.batch().expect("batch");
        let a = activity(5, 1, 1.0, 1);
        b.insert_original(&a.sha256, "x", 1, b"x").expect("orig");
        b.insert_activity(&a).expect("insert");
        b.commit().expect("commit");
    }
    let s = Store::open(&path).expect("reopen");
    assert_eq!(s.counts().expect("counts").0, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn athlete_entries_logs_and_rpe_are_kept() {
    let s = Store::open_in_memory().expect("open");
    s.add_athlete_entry("2026-01-01", "{\"max_hr\":188}").expect("entry");
    s.add_athlete_entry("2025-01-01", "{\"max_hr\":190}").expect("entry");
    assert_eq!(s.athlete_entries().expect("entries"), vec!["{\"max_hr\":190}", "{\"max_hr\":188}"]);
    s.add_daily_log("2026-11-20", "rhr", Some(48.0), None).expect("log");
    s.add_daily_log("2026-11-21", "note", None, Some("slept badly")).expect("note");
    assert_eq!(
        s.daily_logs("rhr").expect("rhr"),
        vec![("2026-11-20".to_owned(), Some(48.0), None)]
    );
    assert!(s.set_rpe(99, 3.0).is_err(), "no such activity");
}
