//! Multisport files: each session is its own activity part with its own sport, times,
//! distance and summary; one original for all of them.

mod common;

use common::{
    assert_adds_up, corpus_file, fit_bytes, gpx_of, run, run_recording, session, tempdir, write,
};
use slowburn_formats::Pause;
use slowburn_import::{parts, Outcome};
use slowburn_store::{PartOf, SqliteStore, Store};

fn summary(store: &dyn Store, id: i64) -> serde_json::Value {
    serde_json::from_str(&store.activity_summary(id).expect("summary")).expect("json")
}

#[test]
fn an_ironman_file_gives_five_legs_and_its_run_counts_as_running() {
    let file = corpus_file("python-fitparse/sample_mulitple_header.fit");
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, std::slice::from_ref(&file));
    assert_adds_up(&r);
    assert_eq!((r.imported, r.multisport_files, r.multisport_parts), (1, 1, 5), "{r:#?}");
    let f = &r.files[0];
    let sports: Vec<&str> = f.parts.iter().map(|p| p.sport.as_str()).collect();
    assert_eq!(sports, ["swimming", "transition", "cycling", "transition", "running"]);
    assert_eq!(
        f.note.as_deref(),
        Some(
            "multisport: 5 sessions, 5 parts (swimming, transition, cycling, transition, running)"
        )
    );
    assert!(matches!(f.outcome, Outcome::Imported { id } if id == f.parts[0].id));
    // One original, five activities, keyed by (sha256, part).
    assert_eq!(store.counts().expect("counts"), (5, 0, 1));
    let rows = store.activities(&slowburn_store::Filter::default()).expect("rows");
    let sha = rows[0].sha256;
    let ids = store.file_activities(&sha).expect("parts");
    assert_eq!(ids, f.parts.iter().map(|p| p.id).collect::<Vec<_>>());
    let run_leg = store.activity(ids[4]).expect("run");
    assert_eq!(store.activity_part(ids[4]).expect("part"), PartOf { part: 4, parts: 5 });
    assert_eq!(run_leg.data.sport, Some(1), "the marathon is running");
    let runs = store
        .activities(&slowburn_store::Filter { sport: Some(1), ..Default::default() })
        .expect("runs");
    assert_eq!(runs.len(), 1);
    // Each leg has its own times and distance: the run is the last 9.8 km, 47:31.
    assert!((run_leg.data.distance_m.expect("distance") - 9805.92).abs() < 0.01);
    assert!((run_leg.data.duration_s.expect("duration") - 2851.0).abs() < 5.0);
    assert_eq!(run_leg.data.start_ms, Some(1_527_413_021_000));
    let swim = store.activity(ids[0]).expect("swim");
    assert_eq!((swim.data.sport, swim.data.start_ms), (Some(5), Some(1_527_406_381_000)));
    // The analysis ran on each leg's own samples: the run's distance starts again at 0.
    let s = summary(&store, ids[4]);
    assert_eq!((s["sessions"].as_u64(), s["laps"].as_u64()), (Some(1), Some(1)));
    assert!(s["first_distance_m"].as_f64().expect("first") < 20.0, "{s}");
    assert!((s["last_distance_m"].as_f64().expect("last") - 9805.9).abs() < 30.0, "{s}");
    let total: u64 =
        ids.iter().map(|&id| summary(&store, id)["samples"].as_u64().unwrap_or(0)).sum();
    assert_eq!(total, 1773, "every sample in exactly one leg");
    // The same file again is one duplicate of its first leg.
    let again = run(&mut store, &[file]);
    assert!(matches!(&again.files[0].outcome,
        Outcome::Duplicate { of: Some(id), reason } if *id == ids[0] && reason == "already imported (same bytes)"));
    assert_eq!(store.counts().expect("counts"), (5, 0, 1));
}

#[test]
fn a_fenix_2_multisport_file_is_seven_legs_two_of_them_runs() {
    let file = corpus_file("python-fitparse/activity-large-fenxi2-multisport.fit");
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, &[file]);
    assert_eq!((r.multisport_files, r.multisport_parts), (1, 7), "{r:#?}");
    let sports: Vec<&str> = r.files[0].parts.iter().map(|p| p.sport.as_str()).collect();
    assert_eq!(
        sports,
        ["generic", "transition", "running", "transition", "running", "transition", "cycling"]
    );
    let runs = store
        .activities(&slowburn_store::Filter { sport: Some(1), ..Default::default() })
        .expect("runs");
    let km: Vec<f64> = runs.iter().filter_map(|a| a.data.distance_m).map(|d| d / 1000.0).collect();
    assert_eq!(runs.len(), 2);
    assert!((km[0] - 2.245).abs() < 0.01 && (km[1] - 12.740).abs() < 0.01, "{km:?}");
    // The device resets distance every leg: nothing is subtracted.
    let ride = store.activity(r.files[0].parts[6].id).expect("ride");
    let s = summary(&store, ride.id);
    assert!((s["last_distance_m"].as_f64().expect("last") - 28_927.4).abs() < 1.0, "{s}");
    // The first leg's recorded start comes from its samples (its session says 45 min later).
    let first = store.activity(r.files[0].parts[0].id).expect("first");
    assert_eq!(first.data.start_ms, Some(1_440_832_484_000));
}

/// A brick (run, bike, run) written by our encoder, with laps and a pause in the ride.
fn brick(t0: i64) -> slowburn_formats::Recording {
    let mut rec = run_recording(t0, 3600, 18);
    // Cumulative distance through the whole file, as many devices write it.
    for i in 0..3600 {
        let d = if (1200..2400).contains(&i) {
            3600.0 + (i - 1200) as f64 * 8.0
        } else if i >= 2400 {
            3600.0 + 9600.0 + (i - 2400) as f64 * 3.0
        } else {
            i as f64 * 3.0
        };
        rec.samples.distance_m[i] = Some(d);
        rec.samples.speed_mps[i] = Some(if (1200..2400).contains(&i) { 8.0 } else { 3.0 });
    }
    rec.sessions = vec![
        session(t0, 1200.0, 1, 3600.0),
        session(t0 + 1_200_000, 1200.0, 2, 9600.0),
        session(t0 + 2_400_000, 1200.0, 1, 3600.0),
    ];
    rec.laps = vec![
        session(t0, 600.0, 1, 1800.0),
        session(t0 + 600_000, 600.0, 1, 1800.0),
        session(t0 + 1_200_000, 1200.0, 2, 9600.0),
        session(t0 + 2_400_000, 1200.0, 1, 3600.0),
    ];
    rec.pauses = vec![Pause { start: t0 + 1_500_000, end: Some(t0 + 1_560_000) }];
    rec
}

#[test]
fn a_synthetic_brick_splits_with_its_laps_pauses_and_distances() {
    let t0 = 1_750_000_000_000;
    let rec = brick(t0);
    let split = parts::split(&rec).expect("a multisport recording");
    assert_eq!((split.sessions, split.parts.len()), (3, 3));
    let [a, b, c] = &split.parts[..] else { panic!("three parts") };
    assert_eq!((a.samples.len(), b.samples.len(), c.samples.len()), (1200, 1200, 1200));
    assert_eq!((a.laps.len(), b.laps.len(), c.laps.len()), (2, 1, 1));
    assert_eq!((a.pauses.len(), b.pauses.len(), c.pauses.len()), (0, 1, 0));
    assert_eq!(b.sport.map(|s| s.sport), Some(2));
    assert_eq!(c.start, Some(t0 + 2_400_000));
    assert_eq!(c.samples.distance_m[0], Some(0.0), "the last run's distance starts at 0");
    assert_eq!(c.samples.distance_m[1199], Some(3597.0));
    assert_eq!(c.distance_m(), Some(3600.0), "the leg's own session total");
    assert_eq!(a.devices, rec.devices);

    let dir = tempdir("brick");
    let file = write(&dir, "brick.fit", fit_bytes(&rec));
    let mut store = SqliteStore::open_in_memory().expect("store");
    let r = run(&mut store, &[file]);
    let sports: Vec<&str> = r.files[0].parts.iter().map(|p| p.sport.as_str()).collect();
    assert_eq!(sports, ["running", "cycling", "running"], "{r:#?}");
    let runs = store
        .activities(&slowburn_store::Filter { sport: Some(1), ..Default::default() })
        .expect("runs");
    assert_eq!(runs.len(), 2, "both runs of the brick count as running");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sessions_that_are_copies_or_without_samples_do_not_make_legs() {
    let t0 = 1_750_000_000_000;
    // A chained file holding the same run twice: sessions start together.
    let mut copies = run_recording(t0, 600, 1);
    copies.sessions = vec![session(t0, 600.0, 1, 1800.0), session(t0, 600.0, 1, 1800.0)];
    assert!(parts::split(&copies).is_none());
    // The corpus's chained copy: one activity.
    let chained =
        std::fs::read(corpus_file("python-fitparse/activity-activity-filecrc.fit")).expect("read");
    let rec = slowburn_formats::fit::decode(&chained).expect("decode");
    assert_eq!(rec.sessions.len(), 2);
    assert!(parts::split(&rec).is_none());
    // A second session that is mostly inside the first is not a leg either.
    let mut inside = run_recording(t0, 600, 1);
    inside.sessions = vec![session(t0, 600.0, 1, 1800.0), session(t0 + 60_000, 500.0, 1, 1500.0)];
    assert!(parts::split(&inside).is_none());
    // A session after the last sample holds nothing and gives no part.
    let mut empty = run_recording(t0, 600, 1);
    empty.sessions = vec![
        session(t0, 300.0, 1, 900.0),
        session(t0 + 300_000, 300.0, 1, 900.0),
        session(t0 + 700_000, 60.0, 3, 0.0),
    ];
    let split = parts::split(&empty).expect("split");
    assert_eq!(split.parts.len(), 2);
    assert_eq!(split.empty, vec![(2, Some(3))]);
}

#[test]
fn a_gpx_of_a_triathlon_is_a_duplicate_of_its_longest_leg_in_either_order() {
    let file = corpus_file("python-fitparse/sample_mulitple_header.fit");
    let rec = slowburn_formats::fit::decode(&std::fs::read(&file).expect("read")).expect("fit");
    let dir = tempdir("tri-gpx");
    let gpx = write(&dir, "tri.gpx", gpx_of(&rec, 0, rec.samples.len(), 0));
    let mut dumps = Vec::new();
    for order in [[file.clone(), gpx.clone()], [gpx.clone(), file.clone()]] {
        let mut store = SqliteStore::open_in_memory().expect("store");
        let r = run(&mut store, &order);
        assert_adds_up(&r);
        assert_eq!(store.counts().expect("counts"), (5, 1, 2), "{r:#?}");
        let bike = store
            .activities(&slowburn_store::Filter { sport: Some(2), ..Default::default() })
            .expect("bike");
        assert_eq!(bike[0].duplicates, 1, "the GPX is kept with the ride, the longest leg");
        let last = &r.files[1];
        if last.name.ends_with(".gpx") {
            assert!(
                matches!(&last.outcome, Outcome::Duplicate { reason, .. } if reason.contains("multisport recording keeps its legs")),
                "{last:?}"
            );
        } else {
            assert!(matches!(&last.outcome, Outcome::Replaced { .. }), "{last:?}");
            assert_eq!(r.replaced, 1);
        }
        dumps.push(common::dump(&store));
    }
    assert_eq!(dumps[0], dumps[1], "the same store whatever the order");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reanalysis_analyses_each_leg_again_from_the_one_original() {
    let files = [
        corpus_file("python-fitparse/sample_mulitple_header.fit"),
        corpus_file("python-fitparse/activity-small-fenix2-run.fit"),
    ];
    let mut store = SqliteStore::open_in_memory().expect("store");
    run(&mut store, &files);
    let before = common::dump(&store);
    let n = slowburn_import::reanalyze(&mut store, &common::Plain).expect("reanalyze");
    assert_eq!(n, 6, "five legs and a run");
    assert_eq!(common::dump(&store), before, "the same analysis gives the same rows");
    for a in store.activities(&slowburn_store::Filter::default()).expect("rows") {
        let s = summary(&store, a.id);
        assert_eq!(s["sport"].as_u64(), a.data.sport.map(u64::from), "{} part", a.id);
        assert_eq!(s["start"].as_i64(), a.data.start_ms);
    }
}

#[test]
fn a_multisport_file_stored_whole_by_an_older_version_becomes_its_legs_when_reanalysed() {
    let file = corpus_file("python-fitparse/sample_mulitple_header.fit");
    let bytes = std::fs::read(&file).expect("read");
    let rec = slowburn_formats::fit::decode(&bytes).expect("fit");
    let name = file.display().to_string();
    let sha: [u8; 32] = {
        use sha2::Digest as _;
        sha2::Sha256::digest(&bytes).into()
    };
    let whole = slowburn_import::new_activity(
        &name,
        sha,
        &bytes,
        &rec,
        PartOf::WHOLE,
        None,
        &common::Plain,
    );
    assert_eq!(whole.data.sport, Some(5), "stored whole, the triathlon is a swim");
    let mut store = SqliteStore::open_in_memory().expect("store");
    let id = {
        let mut b = store.batch().expect("batch");
        let z = slowburn_store::compress(&bytes).expect("zstd");
        b.insert_original(&sha, &name, bytes.len(), &z).expect("orig");
        let id = b.insert_activity(&whole).expect("insert");
        // A GPX of the whole triathlon kept as its duplicate.
        b.insert_original(&[7; 32], "tri.gpx", 1, b"g").expect("orig");
        b.insert_duplicate(&slowburn_store::DuplicateRow {
            sha256: [7; 32],
            activity_id: id,
            source_name: "tri.gpx".into(),
            reason: "same run".into(),
            start_ms: whole.data.start_ms,
            end_ms: whole.end_ms,
            sport: None,
        })
        .expect("dup");
        b.commit().expect("commit");
        id
    };
    store.set_label(id, Some("race")).expect("label");
    let n = slowburn_import::reanalyze_activities(&mut store, &common::Plain, &[id])
        .expect("reanalyze");
    assert_eq!(n, 5);
    let ids = store.file_activities(&sha).expect("parts");
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], id, "the stored activity is the first leg");
    let legs: Vec<_> = ids.iter().map(|&i| store.activity(i).expect("leg")).collect();
    let sports: Vec<Option<u8>> = legs.iter().map(|a| a.data.sport).collect();
    assert_eq!(sports, [Some(5), Some(3), Some(2), Some(3), Some(1)]);
    assert_eq!(legs[0].label.as_deref(), Some("race"), "the label stays with the first leg");
    assert_eq!(legs[2].duplicates, 1, "the GPX goes to the longest leg");
    assert_eq!(store.activity_part(ids[4]).expect("part"), PartOf { part: 4, parts: 5 });
    // Once split, another re-analysis changes nothing.
    let before = common::dump(&store);
    slowburn_import::reanalyze(&mut store, &common::Plain).expect("again");
    assert_eq!(common::dump(&store), before);
}
