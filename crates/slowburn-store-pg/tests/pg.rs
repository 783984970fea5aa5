//! The `PostgreSQL` backend passes the store contract, keeps athletes apart, migrates its schema
//! and dumps what the `SQLite` store dumps for the same data.
//!
//! The server is named by `SLOWBURN_PG_URL` (a role that may create databases: every test makes
//! its own and drops it). Without it the tests say so and pass — except on CI (`CI=true`),
//! where they fail. `bash scripts/pg-throwaway.sh start` starts one.

// The shared suite's test data casts as the main workspace's lints allow.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
#[path = "../../slowburn-store/tests/contract/mod.rs"]
mod contract;

use slowburn_store::{
    compress, DailyLog, Derived, DuplicateRow, Filter, MetaRef, PeriodRow, SqliteStore, Store,
    StoreError,
};
use slowburn_store_pg::{PgStore, SCHEMA_VERSION};

mod common;
use common::{server, unique, TestDb};

fn insert(s: &mut dyn Store, a: &slowburn_store::NewActivity) -> i64 {
    let mut b = s.batch().expect("batch");
    b.insert_original(&a.sha256, &a.data.source_name, 10, &compress(b"0123456789").expect("zstd"))
        .expect("orig");
    let id = b.insert_activity(a).expect("insert");
    b.commit().expect("commit");
    id
}

#[test]
fn postgres_passes_the_store_contract() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "contract");
    // Every check gets a fresh athlete in one shared database.
    contract::all(&|| Box::new(PgStore::connect(&db.url, &unique("athlete")).expect("connect")));
}

#[test]
fn athletes_on_one_database_never_see_each_other() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "tenancy");
    let mut a = PgStore::connect(&db.url, "anna").expect("connect a");
    let mut b = PgStore::connect(&db.url, "ben").expect("connect b");
    assert_ne!(a.athlete_id(), b.athlete_id());
    let b_gen = b.generations().expect("generations");

    // Everything A can write.
    let run = contract::activity(1, 1_700_000_000_000, 3600.0, 100);
    let id = insert(&mut a, &run);
    let mut batch = a.batch().expect("batch");
    batch.insert_original(&[2; 32], "copy.gpx", 1, b"c").expect("orig");
    batch
        .insert_duplicate(&DuplicateRow {
            sha256: [2; 32],
            activity_id: id,
            source_name: "copy.gpx".into(),
            reason: "same run".into(),
            start_ms: Some(1_700_000_000_000),
            end_ms: Some(1_700_003_600_000),
            sport: Some(1),
        })
        .expect("dup");
    batch.commit().expect("commit");
    a.set_rpe(id, 6.0).expect("rpe");
    a.set_label(id, Some("long")).expect("label");
    a.add_athlete_entry("2026-01-01".parse().expect("date"), "{\"max_hr\":188}").expect("entry");
    let log = DailyLog {
        date: "2026-11-20".parse().expect("date"),
        kind: "rhr".into(),
        value: Some(48.0),
        text: None,
    };
    a.add_daily_log(&log).expect("log");
    let period = PeriodRow { from_date: "2026-01-01".parse().expect("date"), profile: "{}".into() };
    let seen = a.generations().expect("generations").inputs;
    a.set_derived(&[(id, Derived::default())], &[period], seen).expect("derived");
    let plan = a.add_plan("2026-12-01T10:00:00Z", "{\"v\":1}").expect("plan");
    let a_dump = a.canonical_dump().expect("dump");

    // B sees none of it.
    assert_eq!(b.counts().expect("counts"), (0, 0, 0));
    assert!(b.activities(&Filter::default()).expect("activities").is_empty());
    let h = b.history(&Filter::default()).expect("history");
    assert!(h.activities.is_empty() && h.entries.is_empty() && h.logs.is_empty());
    assert!(matches!(b.activity(id), Err(StoreError::NoActivity(_))));
    assert!(matches!(b.activity_summary(id), Err(StoreError::NoActivity(_))));
    assert!(matches!(b.history_row(id), Err(StoreError::NoActivity(_))));
    assert!(matches!(b.activity_part(id), Err(StoreError::NoActivity(_))));
    assert!(!b.has_original(&run.sha256).expect("has"));
    assert!(b.original(&run.sha256).is_err());
    assert!(b.original_list().expect("list").is_empty());
    assert!(b.file_activities(&run.sha256).expect("parts").is_empty());
    assert!(b.duplicates(id).expect("dups").is_empty());
    assert!(b.stale_summaries(99).expect("stale").is_empty());
    assert_eq!(b.latest_start().expect("latest"), None);
    assert!(b.plans().expect("plans").is_empty());
    assert!(matches!(b.plan_revisions(plan), Err(StoreError::NoPlan(_))));
    assert!(b.period_on("2026-06-01".parse().expect("date")).expect("period").is_none());
    assert_eq!(b.canonical_dump().expect("dump"), "");
    assert_eq!(b.generations().expect("generations"), b_gen, "A's writes are not B's inputs");

    // Nor can B change it.
    assert!(matches!(b.set_label(id, Some("race")), Err(StoreError::NoActivity(_))));
    assert!(b.set_rpe(id, 1.0).is_err());
    assert!(matches!(b.delete_plan(plan), Err(StoreError::NoPlan(_))));
    assert!(matches!(b.add_plan_revision(plan, "x", "y", "{}"), Err(StoreError::NoPlan(_))));
    let seen = b.generations().expect("generations").inputs;
    b.set_derived(
        &[(id, Derived { run_type: Some("race".into()), ..Derived::default() })],
        &[],
        seen,
    )
    .expect("derived of B");
    {
        let mut batch = b.batch().expect("batch");
        assert!(batch.overlapping(0, i64::MAX / 2).expect("find").is_empty());
        assert!(batch.file_parts(&run.sha256).expect("parts").is_empty());
        assert_eq!(batch.activity_of(&run.sha256).expect("of"), None);
        assert_eq!(batch.duplicate_of(&[2; 32]).expect("dup of"), None);
        assert!(batch.duplicates_of(id).expect("dups").is_empty());
        assert!(!batch.has_original(&run.sha256).expect("has"));
        assert!(batch.add_meta(id, MetaRef { name: Some("x"), ..MetaRef::default() }).is_err());
        assert!(matches!(batch.update_analysis(id, &run), Err(StoreError::NoActivity(_))));
        assert!(matches!(batch.replace_activity(id, &run, "r"), Err(StoreError::NoActivity(_))));
        assert!(batch.split_activity(id, std::slice::from_ref(&run)).is_err());
        // B's own copy of the same file is B's.
        assert!(batch.insert_original(&run.sha256, "mine.fit", 10, b"m").expect("orig"));
        let mine = batch.insert_activity(&run).expect("insert");
        assert_ne!(mine, id);
        assert!(batch.merge_activity(id, mine, Some("x")).is_err(), "A's activity is not B's");
        assert!(batch.merge_activity(mine, id, Some("x")).is_err(), "nor a target of B's");
        let theirs = DuplicateRow {
            sha256: run.sha256,
            activity_id: id,
            source_name: "x".into(),
            reason: "x".into(),
            start_ms: None,
            end_ms: None,
            sport: None,
        };
        assert!(batch.insert_duplicate(&theirs).is_err(), "a duplicate of A's activity");
        batch.commit().expect("commit");
    }
    assert_eq!(b.counts().expect("counts"), (1, 0, 1));
    assert_eq!(a.canonical_dump().expect("dump"), a_dump, "A's store is as A left it");
    assert_eq!(a.activity(id).expect("row").derived, Derived::default());
    assert_eq!(a.integrity_check().expect("check"), "ok");
    assert_eq!(b.integrity_check().expect("check"), "ok");
}

/// The same writes to an `SQLite` store and a `PostgreSQL` one.
fn the_same_history(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    let mut named = contract::activity(3, t0, 3600.0, 100);
    named.data.name = Some("Sunday \"long\" run — ü".into());
    named.data.max_hr = None;
    named.facts.evidence = None;
    named.hr_hist = vec![];
    let first = insert(s, &named);
    let second = insert(s, &contract::activity(4, t0 + 86_400_000, 1800.5, 10));
    let mut b = s.batch().expect("batch");
    b.insert_original(&[5; 32], "copy.gpx", 3, b"abc").expect("orig");
    b.insert_duplicate(&DuplicateRow {
        sha256: [5; 32],
        activity_id: first,
        source_name: "copy.gpx".into(),
        reason: "same run".into(),
        start_ms: Some(t0 - 5000),
        end_ms: None,
        sport: None,
    })
    .expect("dup");
    b.insert_original(&[6; 32], "tri.fit", 3, b"tri").expect("orig");
    for part in 0..3 {
        b.insert_activity(&contract::part_of(6, part, 3, t0 + 2 * 86_400_000, 600.0))
            .expect("part");
    }
    b.add_daily_log(&DailyLog {
        date: "2026-11-01".parse().expect("date"),
        kind: "note".into(),
        value: None,
        text: Some("from a batch".into()),
    })
    .expect("log");
    b.commit().expect("commit");
    s.set_rpe(second, 7.5).expect("rpe");
    s.set_label(first, Some("long")).expect("label");
    s.add_athlete_entry("2026-01-01".parse().expect("date"), "{\"max_hr\":188}").expect("entry");
    s.add_athlete_entry("2025-01-01".parse().expect("date"), "{\"max_hr\":190}").expect("entry");
    for (i, v) in [
        48.0,
        0.1,
        1.0 / 3.0,
        -2.5,
        1e20,
        1e-5,
        0.0001,
        123_456_789_012_345.0,
        1_234_567_890_123_456.0,
        1_234_567_890_123_445.0,
        999_999_999_999_999.9,
        0.300_000_000_000_000_04,
        f64::INFINITY,
        -0.0,
        5e-324,
        f64::MAX,
        12.345_678_901_234_5,
    ]
    .into_iter()
    .enumerate()
    {
        s.add_daily_log(&DailyLog {
            date: "2026-11-20".parse().expect("date"),
            kind: format!("k{i:02}"),
            value: Some(v),
            text: (i % 2 == 0).then(|| format!("t{i}")),
        })
        .expect("log");
    }
    let derived = Derived {
        run_type: Some("long".into()),
        reason: Some("duration".into()),
        confidence: Some(0.85),
        why: Some("long: 1 h".into()),
    };
    let periods = [
        PeriodRow { from_date: "2026-01-01".parse().expect("date"), profile: "{\"a\":1}".into() },
        PeriodRow { from_date: "2026-02-01".parse().expect("date"), profile: "{\"a\":2}".into() },
    ];
    let seen = s.generations().expect("generations").inputs;
    s.set_derived(&[(first, derived)], &periods, seen).expect("derived");
    let plan = s.add_plan("2026-12-01T10:00:00Z", "{\"v\":1}").expect("plan");
    s.add_plan_revision(plan, "2026-12-03T07:00:00Z", "illness", "{\"v\":2}").expect("revision");
    s.add_plan("2026-12-02T10:00:00Z", "{\"other\":1}").expect("plan");
}

#[test]
fn both_backends_dump_the_same_text_for_the_same_history() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "dump");
    let mut lite = SqliteStore::open_in_memory().expect("sqlite");
    let mut pg = PgStore::connect(&db.url, "same").expect("connect");
    the_same_history(&mut lite);
    the_same_history(&mut pg);
    let (l, p) = (lite.canonical_dump().expect("dump"), pg.canonical_dump().expect("dump"));
    for (i, (a, b)) in l.lines().zip(p.lines()).enumerate() {
        assert_eq!(a, b, "line {i} of the dumps differs");
    }
    assert_eq!(l, p);
    assert_eq!(lite.counts().expect("counts"), pg.counts().expect("counts"));
    assert_eq!(lite.generations().expect("g"), pg.generations().expect("g"));
    let (hl, hp) = (
        lite.history(&Filter::default()).expect("history"),
        pg.history(&Filter::default()).expect("history"),
    );
    assert_eq!(hl.activities.len(), hp.activities.len());
    for (a, b) in hl.activities.iter().zip(&hp.activities) {
        assert_eq!(
            (&a.facts, &a.hr_hist, &a.pace_hist, a.rpe),
            (&b.facts, &b.hr_hist, &b.pace_hist, b.rpe)
        );
        assert_eq!(a.activity.data, b.activity.data);
        assert_eq!(
            (&a.activity.label, &a.activity.derived),
            (&b.activity.label, &b.activity.derived)
        );
    }
    assert_eq!((hl.entries, hl.logs), (hp.entries, hp.logs));
}

#[test]
fn a_fresh_database_gets_the_current_schema_version() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "fresh");
    // Two stores opening a new database at once: one migrates, the other waits and finds it done.
    let url = db.url.clone();
    let other = std::thread::spawn(move || PgStore::connect(&url, "two").map(|s| s.athlete_id()));
    let one = PgStore::connect(&db.url, "one").expect("connect");
    let two = other.join().expect("thread").expect("connect at the same time");
    assert_ne!(one.athlete_id(), two);
    let version: i64 =
        db.client().query_one("SELECT version FROM schema_version", &[]).expect("version").get(0);
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(one.integrity_check().expect("check"), "ok");
    assert!(one.generations().expect("generations").stale(), "a new store is refreshed once");
}

#[test]
fn a_database_from_a_newer_schema_is_refused_untouched() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "newer");
    drop(PgStore::connect(&db.url, "old").expect("connect"));
    let mut raw = db.client();
    raw.execute("UPDATE schema_version SET version = 99", &[]).expect("bump");
    let state = |raw: &mut postgres::Client| {
        let athletes: Vec<String> = raw
            .query("SELECT name FROM athletes ORDER BY name", &[])
            .expect("athletes")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let version: i64 =
            raw.query_one("SELECT version FROM schema_version", &[]).expect("v").get(0);
        let tables: i64 = raw
            .query_one(
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
                &[],
            )
            .expect("tables")
            .get(0);
        (athletes, version, tables)
    };
    let before = state(&mut raw);
    for athlete in ["new", "old"] {
        let err = PgStore::connect(&db.url, athlete).err().expect("refused");
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("newer"), "{err}");
    }
    assert_eq!(state(&mut raw), before, "nothing was changed");
    assert_eq!(before.1, 99);
}

#[test]
fn reopening_a_store_keeps_its_data() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "reopen");
    let (id, dump, generations, athlete) = {
        let mut s = PgStore::connect(&db.url, "runner").expect("connect");
        let id = insert(&mut s, &contract::activity(5, 1_700_000_000_000, 3600.0, 10));
        s.set_label(id, Some("race")).expect("label");
        s.add_plan("2026-12-01T10:00:00Z", "{}").expect("plan");
        (id, s.canonical_dump().expect("dump"), s.generations().expect("g"), s.athlete_id())
    };
    let s = PgStore::connect(&db.url, "runner").expect("reopen");
    assert_eq!(s.athlete_id(), athlete);
    assert_eq!(s.counts().expect("counts"), (1, 0, 1));
    assert_eq!(s.activity(id).expect("row").label.as_deref(), Some("race"));
    assert_eq!(s.original(&[5; 32]).expect("original"), b"0123456789");
    assert_eq!(s.canonical_dump().expect("dump"), dump);
    assert_eq!(s.generations().expect("g"), generations);
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

#[test]
fn a_failed_call_leaves_the_batch_usable_and_a_dropped_batch_leaves_nothing() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "batch");
    let mut s = PgStore::connect(&db.url, "runner").expect("connect");
    let before = s.generations().expect("g");
    {
        let mut b = s.batch().expect("batch");
        let a = contract::activity(7, 1_700_000_000_000, 60.0, 1);
        assert!(b.insert_activity(&a).is_err(), "no original yet");
        b.insert_original(&a.sha256, "x", 1, b"x").expect("orig");
        b.insert_activity(&a).expect("insert after the failed call");
        // dropped without commit
    }
    assert_eq!(s.counts().expect("counts"), (0, 0, 0));
    assert_eq!(s.generations().expect("g"), before, "a rolled-back batch changes no input");
}

#[test]
fn connection_failures_name_the_address_without_its_password() {
    // Port 1 on loopback: nothing listens there.
    let err = PgStore::connect("postgres://coach:hunter2@127.0.0.1:1/club?connect_timeout=5", "a")
        .err()
        .expect("no server");
    let text = err.to_string();
    assert!(text.contains("127.0.0.1:1/club"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(err.is_environment(), "{text}");
    let err = PgStore::connect("host=127.0.0.1 port=1 password=hunter2 connect_timeout=5", "a")
        .err()
        .expect("no server");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = PgStore::connect("postgres://coach:hunter2@127.0.0.1:notaport/club", "a")
        .err()
        .expect("bad address");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn writers_for_one_athlete_queue_and_other_athletes_never_wait() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "queue");
    let mut first = PgStore::connect(&db.url, "runner").expect("connect");
    let id = insert(&mut first, &contract::activity(8, 1_700_000_000_000, 60.0, 1));
    let mut other = PgStore::connect(&db.url, "someone else").expect("connect");
    let url = db.url.clone();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let batch = first.batch().expect("batch");
    // Another athlete writes while the batch holds the runner's lock.
    other.add_athlete_entry("2026-01-01".parse().expect("date"), "{}").expect("not blocked");
    let second = std::thread::spawn(move || {
        let mut s = PgStore::connect(&url, "runner").expect("connect");
        s.set_label(id, Some("race")).expect("label after the batch");
        done_tx.send(()).expect("send");
    });
    assert!(
        done_rx.recv_timeout(std::time::Duration::from_millis(500)).is_err(),
        "the second writer waits for the batch"
    );
    batch.commit().expect("commit");
    done_rx.recv_timeout(std::time::Duration::from_secs(30)).expect("then it writes");
    second.join().expect("thread");
    assert_eq!(first.activity(id).expect("row").label.as_deref(), Some("race"));
    let g = first.generations().expect("g");
    assert_eq!(g.inputs, 4, "new store 1, the insert, the empty batch, the label");
}
